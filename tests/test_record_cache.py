"""The record cache is never wrong: after every kind of edit, `jiebang validate` with the cache prints
exactly what it prints without it (the JSON, byte for byte), a damaged cache is ignored with one line,
and a cache folder that cannot be written only costs the cache.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

import jiebang.records.cache as record_cache
import jiebang.records.cachefile as cachefile
import jiebang.records.content
import jiebang.records.parallel as parallel
import jiebang.rules.validate
from conftest import ContentRoot, dump, good_list, lifecycle
from jiebang.cli import main
from jiebang.records.content import load_tree
from test_bad_inputs import CASES, build_root


def validate(root: Path, *options: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["validate", "--format", "json", str(root), *options])
    return code, out.getvalue(), err.getvalue()


class Twin:
    """One content root, validated through a cache and without one; the two must always agree."""

    def __init__(self, root: Path, cache: Path) -> None:
        self.root, self.cache = root, cache

    def check(self, expect_stderr: str = "") -> list[dict]:
        cold = validate(self.root, "--no-cache")
        warm = validate(self.root, "--cache-dir", str(self.cache))
        assert warm[:2] == cold[:2]
        if expect_stderr:
            assert expect_stderr in warm[2] and warm[2].count("\n") == 1, warm[2]
        else:
            assert warm[2] == "", warm[2]
        return json.loads(warm[1])


@pytest.fixture
def twin(tmp_path: Path) -> tuple[Twin, ContentRoot]:
    root = ContentRoot(tmp_path / "content")
    root.write(good_list())
    root.write_all(lifecycle())
    for n in (2, 3):
        root.write(good_list(id=f"JDZ-2022-00{n}", title=f"（示例）第 {n} 个榜单"))
    twin = Twin(root.path, tmp_path / "cache")
    assert twin.check() == []  # cold: fills the cache
    assert list((tmp_path / "cache").glob("records-*.base"))
    return twin, root


def rules_of(found: list[dict]) -> list[str]:
    return sorted(d["rule"] for d in found)


def test_a_changed_field(twin) -> None:
    twin, root = twin
    root.write(good_list(id="JDZ-2022-002", budget={"total_wan": 300, "to_solver_wan": 80}))
    assert rules_of(twin.check()) == ["money.list_amount_min"]
    assert twin.check() == twin.check()  # and again, from the delta


def test_an_edit_that_keeps_size_and_mtime(twin, monkeypatch) -> None:
    """Statuses are trusted (as for files older than two seconds): an unchanged file is not read again,
    and an edit hidden behind a restored mtime is still seen, by its ctime."""
    twin, root = twin
    monkeypatch.setattr(record_cache, "RACY_NS", -10**18)
    twin.check()  # record trusted statuses
    path = root.path / "lists" / "2022" / "JDZ-2022-003.yaml"
    before = path.stat()
    text = path.read_text("utf-8")
    path.write_text(text.replace("to_solver_wan: 200", "to_solver_wan: 020"), "utf-8")
    assert path.stat().st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    read = []
    original = record_cache._read_small
    monkeypatch.setattr(record_cache, "_read_small", lambda where: read.append(where) or original(where))
    assert rules_of(twin.check()) == ["schema.type"]
    assert [Path(p).name for p in read] == ["JDZ-2022-003.yaml"]


def test_a_file_added_and_removed(twin) -> None:
    twin, root = twin
    added = root.write({**lifecycle("JDZ-2022-002")[1], "id": "JDZ-2022-002-R01"})  # 立项 without 揭榜结果公示
    assert "lifecycle.order" in rules_of(twin.check())
    added.unlink()
    assert twin.check() == []
    (root.path / "results" / "2022" / "JDZ-2022-001-R01.yaml").unlink()  # the award: what follows is out of order
    assert "lifecycle.order" in rules_of(twin.check())


def test_a_file_moved_to_another_year(twin) -> None:
    twin, root = twin
    old = root.path / "lists" / "2022" / "JDZ-2022-003.yaml"
    new = root.path / "lists" / "2023" / "JDZ-2022-003.yaml"
    new.parent.mkdir()
    shutil.move(old, new)  # the same bytes, another folder: id.year_folder depends on the path
    assert rules_of(twin.check()) == ["id.year_folder"]
    shutil.move(new, old)
    assert twin.check() == []


def test_a_regulation_changed_or_added(twin) -> None:
    twin, root = twin
    regulation = root.path / "regulation" / "2022-09-05.yaml"
    text = regulation.read_text("utf-8")
    regulation.write_text(text.replace("list_amount_min_wan:\n  value: 100", "list_amount_min_wan:\n  value: 250"), "utf-8")
    assert rules_of(twin.check()) == ["money.list_amount_min"] * 3
    regulation.write_text(text, "utf-8")
    assert twin.check() == []
    later = text.replace("effective: 2022-09-05", "effective: 2022-10-01").replace(
        "list_amount_min_wan:\n  value: 100", "list_amount_min_wan:\n  value: 250")
    (root.path / "regulation" / "2022-10-01.yaml").write_text(later, "utf-8")  # in force for lists of 2022-10-15
    assert rules_of(twin.check()) == ["money.list_amount_min"] * 3


def test_a_syntax_error_and_its_repair(twin) -> None:
    twin, root = twin
    path = root.path / "lists" / "2022" / "JDZ-2022-002.yaml"
    good = path.read_text("utf-8")
    path.write_text(good.replace("batch:", "batch: [unclosed\nx:"), "utf-8")
    assert "yaml.syntax" in rules_of(twin.check())
    assert "yaml.syntax" in rules_of(twin.check())  # from the cache: the file is known and still broken
    path.write_text(good, "utf-8")
    assert twin.check() == []


@pytest.mark.parametrize("case", [c for c in CASES if not c.problems][::3], ids=lambda c: c.name)
def test_the_bad_corpus_twice(case, tmp_path: Path) -> None:
    root, _ = build_root(case, tmp_path)
    twin = Twin(root, tmp_path / "cache")
    first = twin.check()
    assert first and twin.check() == first


def test_the_whole_bad_corpus_in_one_tree(tmp_path: Path) -> None:
    """Every bad case beside the others: one tree whose every file is cached, cached twice."""
    root = ContentRoot(tmp_path / "content")
    root.write(good_list())
    root.write_all(lifecycle())
    for case in CASES:
        if case.problems or case.pad_to:
            continue
        path = Path(case.path)
        target = root.path / path.parent / f"{case.name[:3]}-{path.name}"  # each its own file (id.filename too)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(case.file.read_bytes())
    twin = Twin(root.path, tmp_path / "cache")
    first = twin.check()
    assert len({d["rule"] for d in first}) > 20
    assert twin.check() == first


def _base(twin: Twin) -> Path:
    (found,) = twin.cache.glob("records-*.base")
    return found


@pytest.mark.parametrize("damage, said", [
    (lambda blob: blob[: len(blob) // 2], "已损坏（文件不完整）"),
    (lambda blob: b"\x00garbage\xff" * 100, "已损坏（不是 jiebang 的缓存文件）"),
    (lambda blob: blob[:-10] + bytes(b ^ 0xFF for b in blob[-10:]), "已损坏（校验和不符）"),
    (lambda blob: blob.replace(b'"key": "', b'"key": "0', 1), "由另一版本的 jiebang"),
    (lambda blob: blob.replace(b'"format": %d' % cachefile.FORMAT, b'"format": 0', 1), "由另一版本的 jiebang"),
])
def test_a_damaged_cache_is_ignored_with_one_line(twin, damage, said) -> None:
    twin, root = twin
    base = _base(twin)
    base.write_bytes(damage(base.read_bytes()))
    root.write(good_list(id="JDZ-2022-002", budget={"total_wan": 300, "to_solver_wan": 80}))
    assert rules_of(twin.check(expect_stderr=said)) == ["money.list_amount_min"]
    assert rules_of(twin.check()) == ["money.list_amount_min"]  # rewritten, and quiet again


def test_a_damaged_delta_is_ignored_with_one_line(twin) -> None:
    twin, root = twin
    root.write(good_list(id="JDZ-2022-002", budget={"total_wan": 300, "to_solver_wan": 80}))
    twin.check()
    (delta,) = twin.cache.glob("records-*.delta")
    delta.write_bytes(delta.read_bytes()[:100])
    assert rules_of(twin.check(expect_stderr="已损坏")) == ["money.list_amount_min"]


def test_a_cache_folder_that_cannot_be_written(tmp_path: Path) -> None:
    root = ContentRoot(tmp_path / "content")
    root.write(good_list(budget={"total_wan": 300, "to_solver_wan": 80}))
    (tmp_path / "file").write_text("")
    code, out, err = validate(root.path, "--cache-dir", str(tmp_path / "file" / "cache"))
    assert (code, out) == validate(root.path, "--no-cache")[:2]
    assert "无法写入" in err and err.count("\n") == 1
    assert rules_of(json.loads(out)) == ["money.list_amount_min"]


def test_the_default_cache_is_beside_the_content_root(tmp_path: Path) -> None:
    root = ContentRoot(tmp_path / "content")
    root.write(good_list())
    assert validate(root.path) == (0, "[]\n", "")
    assert list((tmp_path / "cache").glob("records-*.base"))


def test_records_carry_the_digest_of_their_bytes(full_root: ContentRoot, tmp_path: Path) -> None:
    for cache in (None, record_cache.RecordCache(tmp_path / "c", full_root.path)):
        for _ in range(2):
            tree, _ = load_tree(full_root.path, cache=cache)
            assert tree.records
            for record in tree.records:
                assert record.digest == hashlib.sha256(record.path.read_bytes()).hexdigest()
            if cache is not None:
                from jiebang.rules.validate import check_tree

                check_tree(tree, [])
                cache = record_cache.RecordCache(tmp_path / "c", full_root.path)


def test_forked_workers_find_what_one_process_finds(tmp_path: Path, monkeypatch) -> None:
    root = ContentRoot(tmp_path / "content")
    for n in range(1, 40):
        root.write(good_list(id=f"JDZ-2022-{n:03d}", budget={"total_wan": 300, "to_solver_wan": 60 + n * 5}))
    root.write_all(lifecycle())
    (root.path / "lists" / "2022" / "JDZ-2022-007.yaml").write_text(dump(good_list(id="JDZ-2022-007")) + "x: [", "utf-8")
    one = validate(root.path, "--no-cache")
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    monkeypatch.setattr(parallel, "CHUNK", 7)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    forked = []
    for module in (jiebang.records.content, jiebang.rules.validate):
        monkeypatch.setattr(module, "fork_map", lambda *a, **k: forked.append(a[0].__name__) or parallel.fork_map(*a, **k))
    assert validate(root.path, "--no-cache") == one
    assert forked == ["_load_chunk", "_check_chunk"]
    assert validate(root.path, "--cache-dir", str(tmp_path / "cache")) == one  # forked, then saved
    assert validate(root.path, "--cache-dir", str(tmp_path / "cache")) == one


def test_odd_file_names(twin) -> None:
    twin, root = twin
    root.write(good_list(id="JDZ-2022-004"), name="JDZ-2022-004\n副本")  # a newline, as a careless copy may make
    assert rules_of(twin.check()) == ["id.filename"]
    assert rules_of(twin.check()) == ["id.filename"]


def test_the_build_api_neither_reads_nor_checks_an_unchanged_record(full_root: ContentRoot, tmp_path: Path,
                                                                     monkeypatch) -> None:
    """What site/generator.py does, through a cache: the second time (a template or a setting changed),
    no record file is parsed and no record's own checks run; the tree checks still do."""
    from jiebang.rules.validate import check_tree

    def build() -> list:
        tree, loading = load_tree(full_root.path, cache=record_cache.RecordCache(tmp_path / "cache", full_root.path))
        return sorted(d.as_text() for d in check_tree(tree, loading))

    first = build()
    parsed, checked, tree_checks = [], [], []
    load_record, check_record = jiebang.records.content.load_record, jiebang.rules.validate.check_record
    monkeypatch.setattr(jiebang.records.content, "load_record", lambda *a: parsed.append(a) or load_record(*a))
    monkeypatch.setattr(jiebang.rules.validate, "check_record", lambda *a: checked.append(a) or check_record(*a))
    run_tree_checks = jiebang.rules.validate.run_tree_checks
    monkeypatch.setattr(jiebang.rules.validate, "run_tree_checks", lambda *a: tree_checks.append(a) or run_tree_checks(*a))
    assert build() == first
    assert (parsed, checked, len(tree_checks)) == ([], [], 1)


def test_after_an_edit_only_the_edited_lists_records_are_read_from_the_cache(tmp_path: Path, monkeypatch) -> None:
    """Each entry its own chunk: validating after one notice changed reads the data of that list's other
    records (its lifecycle is checked again) and of no other list."""
    monkeypatch.setattr(cachefile, "CHUNK", 1)
    root = ContentRoot(tmp_path / "content")
    for n in range(1, 6):  # one list of five changed: its group is checked alone, not the whole tree
        root.write(good_list(id=f"JDZ-2022-00{n}", title=f"（示例）第 {n} 个榜单"))
        root.write_all(lifecycle(f"JDZ-2022-00{n}"))
    twin = Twin(root.path, tmp_path / "cache")
    assert twin.check() == twin.check()
    read: list[int] = []
    chunk = cachefile.Stored.chunk
    monkeypatch.setattr(cachefile.Stored, "chunk", lambda self, at, length, crc: read.append(at) or chunk(self, at, length, crc))
    assert twin.check() == twin.check() and read == []  # nothing changed: no record's data is read
    notice = {**lifecycle("JDZ-2022-002")[2], "amount_wan": 1}
    root.write(notice)
    found = twin.check()
    assert [d["rule"] for d in found] == ["money.tranches"] and "JDZ-2022-002-R03" in found[0]["file"]
    tree, _ = load_tree(root.path, cache=record_cache.RecordCache(tmp_path / "cache", root.path))
    group = {r.rel for r in tree.records if "JDZ-2022-002" in r.rel and "R03" not in r.rel}
    stored = cachefile.Stored.open(next((tmp_path / "cache").glob("records-*.base")))
    table = stored.index()["chunks"]
    rels = stored.index()["rels"].split("\0")
    assert read and {rels[[at for at, _, _ in table].index(at)] for at in read} <= group


def test_a_damaged_chunk_is_said_once_and_its_records_read_from_their_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cachefile, "CHUNK", 1)
    root = ContentRoot(tmp_path / "content")
    root.write(good_list())
    root.write_all(lifecycle())
    twin = Twin(root.path, tmp_path / "cache")
    first = twin.check()
    base = _base(twin)
    stored = cachefile.Stored.open(base)
    at, length, _ = stored.index()["chunks"][1]  # the first notice's data, which its list's checks read
    blob = bytearray(base.read_bytes())
    start = blob.index(b"\n", len(cachefile.MAGIC)) + 1 + at
    blob[start + length // 2] ^= 0xFF
    base.write_bytes(bytes(blob))
    notice = {**lifecycle()[2], "amount_wan": 1}
    root.write(notice)  # the list's group is checked again: the damaged chunk is read
    found = twin.check(expect_stderr="已损坏（校验和不符）")
    assert [d["rule"] for d in found] == ["money.tranches"] and first == []
    assert twin.check() == found  # written anew: quiet again


def test_a_damaged_chunk_of_the_delta_is_left_out_and_read_again(tmp_path: Path, monkeypatch) -> None:
    """The delta's entries are carried into the next delta: one whose chunk is damaged is said once,
    left out, and read from its file; the run after is quiet and finds the same."""
    monkeypatch.setattr(cachefile, "CHUNK", 1)
    root = ContentRoot(tmp_path / "content")
    for n in range(1, 6):
        root.write(good_list(id=f"JDZ-2022-00{n}", title=f"（示例）第 {n} 个榜单"))
    twin = Twin(root.path, tmp_path / "cache")
    twin.check()
    root.write(good_list(id="JDZ-2022-002", budget={"total_wan": 300, "to_solver_wan": 80}))
    assert rules_of(twin.check()) == ["money.list_amount_min"]
    (delta,) = twin.cache.glob("records-*.delta")
    at, length, _ = cachefile.Stored.open(delta).index()["chunks"][0]
    blob = bytearray(delta.read_bytes())
    blob[blob.index(b"\n", len(cachefile.MAGIC)) + 1 + at + length // 2] ^= 0xFF
    delta.write_bytes(bytes(blob))
    root.write(good_list(id="JDZ-2022-003", budget={"total_wan": 300, "to_solver_wan": 70}))
    assert rules_of(twin.check(expect_stderr="已损坏（校验和不符）")) == ["money.list_amount_min"] * 2
    assert rules_of(twin.check()) == ["money.list_amount_min"] * 2
