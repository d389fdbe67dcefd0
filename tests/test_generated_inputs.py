"""Hostile input found by generation (issue 11, item 4), with Hypothesis.

  - records drawn from the JSON Schemas load, pass the schema (but for what the regulation file adds:
    the city's id prefix, industries, counties), and fail only with named rules;
  - byte-level mutations of the sample files (flipped, inserted, deleted, duplicated bytes, YAML tokens,
    truncation) and structure-level ones (keys dropped or renamed, values replaced by other types,
    huge or nested values) never raise, never take over 1 s a file, and every finding has a rule id
    and a line ≥ 1.

Each example is one file put into a copy of the sample content (in place of the sample it was made from,
which is put back after), and the whole root validated as a clerk does (`jiebang validate ROOT --format
json`, in process), so a mutated notice meets its list and the notices before it. The quick profile runs in `make test`; the long one by
hand: `JIEBANG_HYPOTHESIS=long .venv/bin/python -m pytest -q tests/test_generated_inputs.py` (profiles in
conftest.py).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import time
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import event, given
from hypothesis import strategies as st

from conftest import REPO
from jiebang.cli import main
from jiebang.rules import RULES
from schema_strategies import ANNOTATIONS, HANDLED, keywords, record, schema

SAMPLES = sorted(p.relative_to(REPO / "content").as_posix()
                 for folder in ("lists", "results") for p in (REPO / "content" / folder).rglob("*.yaml"))
NAMED = set(RULES) - {"internal.error"}  # internal.error is a rule that crashed: a bug, not a finding
CJK = re.compile(r"[\u4e00-\u9fff]")
LIMIT = 1.0  # seconds a file


LIST_IDS = sorted(Path(rel).stem for rel in SAMPLES if rel.startswith("lists/"))


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("generated") / "content"
    for folder in ("regulation", "lists", "results"):
        shutil.copytree(REPO / "content" / folder, root / folder)
    return root


def _validate(root: Path) -> tuple[int | None, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["validate", str(root), "--format", "json", "--no-cache"])
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - started


def check_file(root: Path, rel: str, raw: bytes) -> list[dict]:
    """Validate `raw` saved at `rel` in `root`: the findings, after asserting what every input must give."""
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    sample = target.read_bytes() if target.is_file() else None
    target.write_bytes(raw)
    try:
        code, out, err, seconds = _validate(root)
        if seconds > LIMIT:  # the machine is shared: a slow input is slow twice
            code, out, err, seconds = _validate(root)
    finally:
        if sample is None:
            target.unlink()
        else:
            target.write_bytes(sample)
    assert seconds <= LIMIT, f"{rel} 用时 {seconds:.2f} 秒"
    assert code in (0, 1), (code, err)
    assert "Traceback" not in err, err
    findings = [d for d in json.loads(out) if Path(d["file"]).resolve() == target.resolve()]
    others = [d for d in json.loads(out) if d not in findings]
    # What one file does to the others (a notice's list changed, an id taken twice) must be named too.
    for d in findings + others:
        assert d["rule"] in NAMED, d
        assert isinstance(d["line"], int) and d["line"] >= 1, d
        assert CJK.search(d["message"]), d
    assert (code == 1) == any(d["severity"] == "error" for d in findings + others), findings + others
    for rule in sorted({d["rule"] for d in findings}) or ["（无）"]:
        event(f"规则 {rule}")  # --hypothesis-show-statistics: what the inputs reached
    return findings


# ----------------------------------------------------------------------------------------- drawn from the schemas


def test_every_schema_keyword_is_understood() -> None:
    used = keywords(schema("list")) | keywords(schema("result"))
    assert used - HANDLED - ANNOTATIONS == set()


def _rel(kind: str, data: dict) -> str:
    folder = "lists" if kind == "list" else "results"
    if re.fullmatch(r"[A-Z]+-\d{4}-\d{3}(-R\d{2})?", data["id"]):
        return f"{folder}/{data['id'].split('-')[1]}/{data['id']}.yaml"
    return f"{folder}/2022/x.yaml"


@pytest.mark.parametrize("kind", ["list", "result"])
@given(drawn=st.data())
def test_records_drawn_from_the_schema_fail_only_with_named_rules(root: Path, kind: str, drawn) -> None:
    data = drawn.draw(record(kind), label="record")
    if kind == "result" and drawn.draw(st.booleans(), label="of a sample list"):
        data["list"] = drawn.draw(st.sampled_from(LIST_IDS), label="list")
        data["id"] = f"{data['list']}-R{drawn.draw(st.integers(1, 12), label='number'):02d}"
    raw = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")
    findings = check_file(root, _rel(kind, data), raw)
    # The record is what its schema accepts: the loader may not refuse it, nor the schema, but for what
    # the regulation file adds to it (the city's id prefix, its industries and counties) and a text that
    # is the scaffold's placeholder (“（请填写…”), which is still to be written.
    refused = [d for d in findings if d["rule"].startswith("yaml.")
               or d["rule"] in ("schema.type", "schema.unknown_field")
               or (d["rule"] == "schema.required" and "仍是占位文字" not in d["message"])]
    assert not refused, (data, refused)


# ----------------------------------------------------------------------------------------- byte mutations

TOKENS = [b": ", b":", b"\n", b"\n  - ", b"- ", b"&a ", b"*a", b"!!python/object:os.system ", b"!!binary ", b"\t",
          b"'", b'"', b"{", b"}", b"[", b"]", b"|", b">-", b"#", b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3", b"\x00",
          b"---\n", b"...\n", b"? ", b"<<: ", b"~", b"%YAML 1.1\n", b"\\", b"\r", b"\xe2\x80\xae", b"9" * 40]

BYTE_EDIT = st.one_of(
    st.tuples(st.just("flip"), st.integers(0), st.integers(32, 126)),  # ASCII: most edits keep it UTF-8
    st.tuples(st.just("insert"), st.integers(0), st.text(max_size=8).map(str.encode)),
    st.tuples(st.just("insert"), st.integers(0), st.binary(min_size=1, max_size=4)),
    st.tuples(st.just("token"), st.integers(0), st.sampled_from(TOKENS)),
    st.tuples(st.just("delete"), st.integers(0), st.integers(1, 40)),
    st.tuples(st.just("duplicate"), st.integers(0), st.integers(1, 400)),
    st.tuples(st.just("truncate"), st.integers(0), st.just(0)),
)


def mutate_bytes(raw: bytes, edits: list[tuple]) -> bytes:
    for op, at, arg in edits:
        at = at % (len(raw) + 1)
        if op == "flip" and raw:
            at = min(at, len(raw) - 1)
            raw = raw[:at] + bytes([arg]) + raw[at + 1:]
        elif op in ("insert", "token"):
            raw = raw[:at] + arg + raw[at:]
        elif op == "delete":
            raw = raw[:at] + raw[at + arg:]
        elif op == "duplicate":
            raw = raw[:at + arg] + raw[at:]
        elif op == "truncate":
            raw = raw[:at]
    return raw


@given(rel=st.sampled_from(SAMPLES), edits=st.lists(BYTE_EDIT, min_size=1, max_size=6))
def test_byte_mutations_of_the_samples_never_raise(root: Path, rel: str, edits: list[tuple]) -> None:
    check_file(root, rel, mutate_bytes((REPO / "content" / rel).read_bytes(), edits))


# ----------------------------------------------------------------------------------------- structure mutations

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.sampled_from(["", " ", "null", "yes", "2022-02-30", "JDZ-2022-001", "javascript:x",
                                           "<script>", "０７９８-８２２２２２２", "瓷" * 2000]),
    st.dates(date(1, 1, 1), date(9999, 12, 31)),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)


def _paths(node, path=()) -> list[tuple]:
    """Every path to a value inside `node` (the root included)."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, path + (i,))
    return found


def _parent(data, path):
    node = data
    for step in path[:-1]:
        node = node[step]
    return node


def mutate_structure(draw, data):
    paths = _paths(data)[1:]
    if not paths:
        return data
    path = draw(st.sampled_from(paths))
    parent, last = _parent(data, path), path[-1]
    op = draw(st.sampled_from(["replace", "delete", "rename", "duplicate", "wrap", "nest"]))
    if op == "replace":
        parent[last] = draw(VALUES)
    elif op == "delete":
        del parent[last]
    elif op == "rename" and isinstance(parent, dict):
        parent[draw(st.sampled_from([f"{last}s", str(last).upper(), f" {last}", "status", "标题", "", "1"]))] = parent.pop(last)
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(last, parent[last])
    elif op == "wrap":
        parent[last] = [parent[last]]
    elif op == "nest":
        parent[last] = {"value": parent[last]}
    return data


@given(rel=st.sampled_from(SAMPLES), drawn=st.data())
def test_structure_mutations_of_the_samples_never_raise(root: Path, rel: str, drawn) -> None:
    record_data = yaml.safe_load((REPO / "content" / rel).read_text("utf-8"))
    for _ in range(drawn.draw(st.integers(1, 3), label="edits")):
        record_data = mutate_structure(drawn.draw, record_data)
    try:
        raw = yaml.safe_dump(record_data, allow_unicode=True, sort_keys=False).encode("utf-8")
    except yaml.YAMLError:
        return  # not every Python value has a YAML form; what cannot be written cannot be checked
    check_file(root, rel, raw)
