"""The fast paths give exactly what the careful paths give: loading (values and every position), the
compiled schema check (never “valid” where jsonschema finds an error), Word's 字数, the file scan."""

from __future__ import annotations

import copy
import os
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from jiebang.records import load, positions, schema, textcount
from jiebang.records.content import scan
from jiebang.records.schemacheck import certainly_valid

BAD = REPO / "tests" / "bad"
SAMPLES = sorted((REPO / "content").rglob("*.yaml"))
CORPUS = SAMPLES + sorted(BAD.glob("*.yaml"))


def kind_of(path: Path, raw: bytes) -> str:
    if "regulation" in path.parts:
        return "regulation"
    return "result" if "results" in path.parts or b"\nkind:" in raw else "list"


def careful(raw: bytes, kind: str) -> load.Document:
    """The loader's careful path (positions by path, every problem said), on the same nodes."""
    text, _ = load.decode(raw, "f.yaml")
    node = yaml.compose(text, Loader=load._Loader)
    doc = load.Document("f.yaml", None, maps=({}, {}, set()))
    if node is not None:
        doc.data = load._convert(node, schema.SCHEMAS[kind], (), doc, [])
    return doc


def paths_to_try(doc: load.Document) -> set[tuple]:
    found = set(doc.positions) | set(doc.key_positions) | {(), ("nothing",), ("nothing", 0)}
    for path in list(found):
        found |= {path + ("missing",), path + (0,), path + (7,), path + (-1,), path + (True,)}
    return found


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_fast_loading_gives_the_careful_values_and_positions(path: Path) -> None:
    raw = path.read_bytes()
    kind = kind_of(path, raw)
    fast, problems = load.parse_document(raw, "f.yaml", schema.SCHEMAS[kind])
    if fast is None or problems:
        return  # refused: the careful path made it (test_load.py and the corpus check what it says)
    assert fast.marks is not None
    slow = careful(raw, kind)
    assert repr(fast.data) == repr(slow.data)
    for path_ in paths_to_try(slow):
        for key in (True, False):
            assert fast.locate(path_, key) == slow.locate(path_, key), (path_, key)
    assert (fast.positions, fast.key_positions, fast.containers) == (slow.positions, slow.key_positions, slow.containers)
    again = positions.marks_from_bytes(positions.marks_to_bytes(fast.marks))
    assert list(again) == list(fast.marks)


VALUES = [None, "", "x", "企业", "立项", "资金拨付", 0, 1, 2, 3, -1, 101, Decimal("1.5"), Decimal("1.23456"),
          Decimal("0.7"), True, False, [], {}, ["a"], [{}], {"a": 1}, "2022-02-30", "2022-13-01", "2022-10-15",
          "JDZ-2022-001", "JDZ-2022-001-R01", "91360203MA35A00019", "继续支持", "不再支持", "合格", Decimal("NaN")]


def mutants(data, rng: random.Random, count: int) -> list:
    paths = []

    def walk(value, path):
        paths.append(path)
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, path + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, path + (i,))

    walk(data, ())
    found = []
    for _ in range(count):
        mutant = copy.deepcopy(data)
        for _ in range(rng.choice([1, 1, 2, 3])):
            path = rng.choice(paths)
            parent = mutant
            try:
                for step in path[:-1]:
                    parent = parent[step]
                if not path:
                    continue
                roll = rng.random()
                if roll < 0.2 and isinstance(parent, dict):
                    parent.pop(path[-1], None)
                elif roll < 0.3 and isinstance(parent, dict):
                    parent[rng.choice(["zz", "kind", "solvers", "term", "reason", "tranche", "fields"])] = rng.choice(VALUES)
                else:
                    parent[path[-1]] = copy.deepcopy(rng.choice(VALUES))
            except (KeyError, IndexError, TypeError):
                continue
        found.append(mutant)
    return found


def test_the_compiled_schema_check_never_passes_what_jsonschema_refuses() -> None:
    rng = random.Random(10)
    agreed = 0
    for path in CORPUS:
        raw = path.read_bytes()
        kind = kind_of(path, raw)
        doc, problems = load.parse_document(raw, "f.yaml", schema.SCHEMAS[kind])
        if doc is None or problems:
            continue
        for data in [doc.data, *mutants(doc.data, rng, 40)]:
            if not certainly_valid(schema._CHECKS[kind], data):
                continue
            assert list(schema._validator(kind).iter_errors(data)) == [], (path.name, data)
            agreed += 1
    assert agreed > 300  # and it does pass the valid ones: that is what makes validation fast


def test_every_schema_compiles() -> None:
    assert all(check is not None for check in schema._CHECKS.values())


def unguarded_word_count(text: str) -> int:
    """textcount.word_count before its patterns were guarded, as the reference."""
    text = textcount._FENCE.sub("", text)
    text = textcount._REF_DEF.sub("", text)
    text = textcount._LINK.sub(r"\1", text)
    text = textcount._TABLE_RULE.sub("", text)
    text = textcount._LINE_MARKUP.sub("", text)
    text = textcount._INLINE_MARKUP.sub(" ", text)
    east_asian = len(re.findall(rf"[{textcount._EAST_ASIAN}]", text))
    return east_asian + sum(1 for token in textcount._OTHER_TOKEN.findall(text) if textcount._COUNTABLE.search(token))


def strings_in(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, str):
        yield value


def test_the_guarded_word_count_is_the_word_count() -> None:
    texts = ["", "```\ncode\n```", "~~~\nx\n~~~ 中文", "[链接](http://a) 与 [引用][r]\n\n[r]: http://b", "| a | b |\n|---|---|\n| 中 | 文 |",
             "**粗体** `代码` _强调_ a_b <http://x> 1 > 0", "# 标题\n> 引用\n- 项\n1. 项", "≤ 1180 ℃ 约 79.9%"]
    for path in CORPUS:
        doc, _ = load.parse_document(path.read_bytes(), "f.yaml", None)
        if doc is not None:
            texts += list(strings_in(doc.data))
    rng = random.Random(3)
    pieces = ["```", "~~~", "[", "]", "(", ")", "]:", "---", "|", "*", "_", "`", "<", ">", "#", "- ", "1. ", "\n", " ",
              "中", "文", "，", "abc", "42", "http://x", "mailto:a@b.cn"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    for text in texts:
        assert textcount.word_count(text) == unguarded_word_count(text), text


def test_the_scan_finds_what_rglob_finds_in_its_order(tmp_path: Path) -> None:
    root = tmp_path / "content"
    names = ["lists/2022/JDZ-2022-001.yaml", "lists/2022/JDZ-2022-010.yaml", "lists/2022-a/x.yaml",
             "lists/2022/sub/y.yaml", "lists/top.yaml", "lists/.hidden.yaml", "lists/2022/notes.txt",
             "lists/2022/B.yaml", "lists/2022/a.YAML", "lists/dir.yaml/inside.yaml", "results/2022/JDZ-2022-001-R01.yaml",
             "results/2021/中文.yaml"]
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("id: x\n", "utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "far.yaml").write_text("id: y\n", "utf-8")
    os.symlink(tmp_path / "elsewhere", root / "lists" / "linked")  # rglob does not enter it
    os.symlink(tmp_path / "elsewhere" / "far.yaml", root / "lists" / "2022" / "link.yaml")  # a file: taken
    expected = [(kind, path.relative_to(root).as_posix()) for kind, folder in (("list", "lists"), ("result", "results"))
                for path in sorted((root / folder).rglob("*.yaml")) if path.is_file()]
    assert scan(root) == expected
