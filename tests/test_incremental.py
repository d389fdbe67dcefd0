"""An incremental build is a cold build, byte for byte, after every kind of change; a damaged cache is
noticed and never trusted; a cache that cannot be written means a build without one.

Each scenario changes a copy of the sample project (committed in its own git repository, so that
history, feeds' dates and statuses come from git as in real use), builds it with the cache left by
the previous build and again without any cache, and compares every file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import sample_project
from jiebang.history.revisions import History
from jiebang.site.build import build_site

REPO = Path(__file__).resolve().parents[1]


def git(project: Path, *args: str, date: str = "2026-11-27T10:00:00+08:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "计划科",
           "GIT_AUTHOR_EMAIL": "jhk@example.gov.cn", "GIT_COMMITTER_NAME": "计划科", "GIT_COMMITTER_EMAIL": "jhk@example.gov.cn"}
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, env=env)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = sample_project(tmp_path_factory.mktemp("incremental") / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "样例内容")
    return project


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def folders(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir()}


def stored(project: Path) -> set[int]:
    """The inodes of the objects in the cache's store."""
    return {p.stat().st_ino for p in (project / "cache/output/objects").rglob("*") if p.is_file()}


def reused(site: Path, before: set[int]) -> set[str]:
    """Files of `site` linked from objects the store held before the build (not made by it)."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.stat().st_ino in before}


def build_both(project: Path, tmp_path: Path) -> tuple[Path, Path]:
    warm, cold = tmp_path / "warm", tmp_path / "cold"
    build_site(project, warm, commit="test")
    build_site(project, cold, commit="test", use_cache=False)
    return warm, cold


def assert_same(warm: Path, cold: Path) -> None:
    a, b = files(warm), files(cold)
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


NOTICE_HEAD = "# yaml-language-server: $schema=../../../tools/jiebang/schemas/result.schema.json\n"


def correct_a_list(project: Path) -> None:
    """A field, its 更正说明 and the 更正公告, committed together, as the handbook says."""
    target = project / "content/lists/2026/JDZ-2026-001.yaml"
    edit(target, "deadline: 2026-12-18", "deadline: 2027-01-29")
    with target.open("a", encoding="utf-8") as record:
        record.write("changes:\n  - {date: 2026-11-28, note: 更正揭榜截止日期：由2026年12月18日延长至2027年1月29日。}\n")
    (project / "content/results/2026").mkdir(exist_ok=True)
    (project / "content/results/2026/JDZ-2026-001-R01.yaml").write_text(
        NOTICE_HEAD + "id: JDZ-2026-001-R01\nlist: JDZ-2026-001\nkind: 更正公告\ndate: 2026-11-28\n"
        "body: |\n  （示例）揭榜截止日期延长。\ntarget: JDZ-2026-001\nfields:\n  - deadline\n"
        "reason: 应拟揭榜单位申请延长揭榜截止日期。\n", "utf-8")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "更正 JDZ-2026-001 截止日期", date="2026-11-28T10:00:00+08:00")


def add_a_notice(project: Path) -> None:
    (project / "content/results/2025/JDZ-2025-003-R01.yaml").write_text(
        NOTICE_HEAD + "id: JDZ-2025-003-R01\nlist: JDZ-2025-003\nkind: 流榜\ndate: 2026-11-29\n"
        "reason: 截止日期前未收到符合条件的揭榜方案。\nbody: |\n  （示例）本榜单流榜。\n", "utf-8")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "发布 JDZ-2025-003 流榜公告", date="2026-11-29T10:00:00+08:00")


def edit_a_notice(project: Path) -> None:
    """A notice's body reworded and not yet committed (as in `jiebang serve`), so no date moves: its
    page, its list's page and the feeds it is in change by its text alone."""
    edit(project / "content/results/2023/JDZ-2023-001-R03.yaml", "（示例）根据第六条", "（示例，修订）根据第六条")


def change_a_template(project: Path) -> None:
    edit(project / "theme/templates/list.html", "<h2 id=\"basic-h\">基本信息</h2>", "<h2 id=\"basic-h\">榜单基本信息</h2>")


def change_a_setting(project: Path) -> None:
    edit(project / "pelicanconf.py", 'SITESUBTITLE = "', 'SITESUBTITLE = "（测试）')


def change_the_stylesheet(project: Path) -> None:
    with (project / "theme/static/css/site.css").open("a", encoding="utf-8") as css:
        css.write("\n.record-meta { letter-spacing: 0.01em; }\n")


def commit_a_later_day(project: Path) -> None:
    """The as-of date moves past open lists' deadlines: their status changes everywhere it shows."""
    (project / "content/pages/about.md").write_text((project / "content/pages/about.md").read_text("utf-8") + "\n", "utf-8")
    git(project, "commit", "-qam", "页面微调", date="2027-06-01T10:00:00+08:00")


def change_the_regulation(project: Path) -> None:
    edit(project / "content/regulation/2022-09-05.yaml", "title: 景德镇市", "title: （修订）景德镇市")
    git(project, "commit", "-qam", "管理办法标题", date="2027-06-02T10:00:00+08:00")


def delete_a_notice(project: Path) -> None:
    (project / "content/results/2025/JDZ-2025-003-R01.yaml").unlink()
    git(project, "commit", "-qam", "撤回公告", date="2027-06-03T10:00:00+08:00")


SCENARIOS: list[tuple[str, Callable[[Path], None]]] = [
    ("nothing changed", lambda project: None),
    ("a list corrected and committed", correct_a_list),
    ("a notice added", add_a_notice),
    ("a notice's text edited, not committed", edit_a_notice),
    ("a template changed", change_a_template),
    ("a setting changed", change_a_setting),
    ("the stylesheet changed", change_the_stylesheet),
    ("a commit on a later day", commit_a_later_day),
    ("the regulation changed", change_the_regulation),
    ("a notice deleted", delete_a_notice),
]


def calendar_events(site: Path) -> dict[str, str]:
    """Each event of the site's calendar by its list's id, as its lines read."""
    text = (site / "data/deadlines.ics").read_text("utf-8")
    events = [block.split("END:VEVENT")[0] for block in text.split("BEGIN:VEVENT")[1:]]
    return {re.search(r"^UID:(\S+)-deadline@", e, re.M).group(1): e for e in events}


def collection_entries(site: Path) -> dict[str, str]:
    """Each entry of lists.json and results.json by its record's id, as json writes it."""
    import json

    data = {**json.loads((site / "data/lists.json").read_text("utf-8")), **json.loads((site / "data/results.json").read_text("utf-8"))}
    return {e["id"]: json.dumps(e, ensure_ascii=False) for e in data["lists"] + data["results"]}


def ocds_records(site: Path) -> dict[str, str]:
    """Each line of the OCDS record packages (one a year) by its list's id."""
    text = "\n".join(path.read_text("utf-8") for path in sorted(site.glob("data/ocds/*/records.json")))
    return {re.search(r'"ocid":"[^"]*?-(JDZ-\d{4}-\d{3})"', line).group(1): line.rstrip(",")
            for line in text.splitlines() if line.startswith('{"ocid"')}


def test_every_kind_of_change_builds_the_same_bytes_as_a_cold_build(project: Path, tmp_path: Path, monkeypatch) -> None:
    """The live site is built again after each change, as in use: from the second build on, each starts
    from the spare site the one before left (build.recycle), and must still equal a cold build."""
    from jiebang.site import feeds, opendata, searchpages
    from jiebang.site.ocds import packages

    # In one process, so that what each build made can be watched (test_pages_made_across_processes…
    # builds these changes across processes too).
    monkeypatch.setenv("JIEBANG_WORKERS", "1")

    live = tmp_path / "live"
    build_site(project, live, commit="test")  # fills the cache
    first = files(live)
    reuse, indexed_whole, calls, read, changed_events, changed_ocds, changed_entries = {}, {}, [], {}, {}, {}, {}
    whole = searchpages.built_index
    monkeypatch.setattr(searchpages, "built_index", lambda docs: calls.append(1) or whole(docs))
    events = opendata.event_bytes
    monkeypatch.setattr(opendata, "event_bytes", lambda view, *a: read.setdefault("events", set()).add(view.id)
                        or events(view, *a))
    entry = opendata.item_text
    monkeypatch.setattr(opendata, "item_text", lambda item: read.setdefault("entries", set()).add(item["id"])
                        or entry(item))
    lines = packages.list_lines
    monkeypatch.setattr(packages, "list_lines", lambda view, *a: read.setdefault("ocds", set()).add(view.id)
                        or lines(view, *a))
    for name in ("index_row", "csv_row"):  # a list's line of lists-index.json and of lists.csv
        made = getattr(opendata, name)
        monkeypatch.setattr(opendata, name, lambda view, *a, made=made: read.setdefault("rows", set()).add(view.id)
                            or made(view, *a))
    body = feeds.rendered
    monkeypatch.setattr(feeds, "rendered", lambda text: read.setdefault("bodies", set()).add(text.strip()) or body(text))
    steps = History._steps
    monkeypatch.setattr(History, "_steps", lambda history, record_id: read.setdefault("now", set()).add(record_id)
                        or steps(history, record_id))
    for name, change in SCENARIOS:
        change(project)
        before = stored(project)
        events_before, ocds_before, entries_before = calendar_events(live), ocds_records(live), collection_entries(live)
        calls.clear()
        for kind in ("now", "events", "ocds", "entries", "bodies", "rows"):
            read[kind] = set()
        build_site(project, live, commit="test")
        indexed_whole[name], read[name], read[f"events: {name}"] = bool(calls), read.pop("now"), read.pop("events")
        changed_events[name] = {uid for uid, text in calendar_events(live).items() if events_before.get(uid) != text}
        changed_ocds[name] = {uid for uid, text in ocds_records(live).items() if ocds_before.get(uid) != text}
        read[f"ocds: {name}"] = read.pop("ocds")
        changed_entries[name] = {i for i, text in collection_entries(live).items() if entries_before.get(i) != text}
        read[f"entries: {name}"] = read.pop("entries")
        read[f"bodies: {name}"] = read.pop("bodies")
        read[f"rows: {name}"] = read.pop("rows")
        cold = tmp_path / name.replace(" ", "-")
        build_site(project, cold, commit="test", use_cache=False)
        assert_same(live, cold)
        assert folders(live) == folders(cold)  # nothing a withdrawn page left, not even its empty folder
        reuse[name] = reused(live, before)
    assert (tmp_path / ".live.spare").is_dir()  # the later builds did start from it
    records = {p for p in first if p.startswith(("lists/JDZ-", "results/JDZ-"))
               and p.endswith((".html", ".xml", ".json"))}
    # The cache did its work: with nothing changed every record's pages and feeds came from it; a correction
    # made its list's files again and reused the other lists'; a template change made every list page.
    assert records <= reuse["nothing changed"]
    corrected = reuse["a list corrected and committed"]
    assert "lists/JDZ-2022-001/index.html" in corrected and "lists/JDZ-2026-001/index.html" not in corrected
    assert "lists/JDZ-2022-001/JDZ-2022-001.json" in corrected and "lists/JDZ-2026-001/JDZ-2026-001.json" not in corrected
    assert "data/deadlines.ics" not in corrected and "data/lists.json" not in corrected  # what shows the change
    assert {"data/deadlines.ics", "data/lists.json"} <= reuse["a template changed"]
    assert not {p for p in reuse["a template changed"] if p.startswith("lists/JDZ-") and p.endswith("index.html")}
    assert "search/index/meta.json" in reuse["nothing changed"] and "search/index/meta.json" in reuse["a template changed"]
    assert "search/index/meta.json" not in corrected  # the corrected text is searchable at once
    # ... and the index was updated from the last build's, not built whole again (search/update.py)
    assert not indexed_whole["a list corrected and committed"] and not indexed_whole["a notice added"]
    assert indexed_whole["a setting changed"]  # every key changed with the settings: built afresh
    # Reused pages and files are keyed by their records' commits and blobs: git is read for what is made.
    # (Each build reads the 更正公告 and their targets, for the search index's 更正前/更正后 texts.)
    # With nothing changed, the input key (git vouches for a commit at once) ends the build before it
    # starts. Every build that makes something reads the 更正公告 and their targets (the sample has one,
    # JDZ-2025-001-R01); beyond them, a correction reads its own list and notice, and a build that
    # remakes no record's files (the stylesheet's) no other.
    assert read["nothing changed"] == set()
    every_build = {"JDZ-2025-001", "JDZ-2025-001-R01"}
    assert read["a list corrected and committed"] - every_build == {"JDZ-2026-001", "JDZ-2026-001-R01"}
    assert read["the stylesheet changed"] - every_build == {"JDZ-2026-001", "JDZ-2026-001-R01"}  # a 更正公告 now
    # lists.json and results.json remake the entries that changed (the list and its new 更正公告), never
    # the others; and a notice's entry when its list's status moved.
    assert read["entries: a list corrected and committed"] == changed_entries["a list corrected and committed"] == {
        "JDZ-2026-001", "JDZ-2026-001-R01"}
    assert changed_entries["a commit on a later day"] <= read["entries: a commit on a later day"]
    assert read["entries: the stylesheet changed"] == set()
    assert read["rows: a list corrected and committed"] == {"JDZ-2026-001"}  # the index's and the CSV's lines too
    assert read["rows: the stylesheet changed"] == set()
    # A later day remakes the events whose text it changes (a status moved, a 已截止 mark), and only those.
    assert read["events: a commit on a later day"] == changed_events["a commit on a later day"] != set()
    assert read["events: the stylesheet changed"] == set()
    # So do the OCDS lines, though the build before (the stylesheet) reused the packages whole and never
    # asked for them (OutputCache.record_parts keeps them).
    # (A list whose status moved is made again even where its lines come out the same.)
    later = read["ocds: a commit on a later day"]
    assert changed_ocds["a commit on a later day"] <= later <= changed_ocds["a commit on a later day"] | changed_events[
        "a commit on a later day"]
    assert changed_ocds["a commit on a later day"] and len(later) < len(ocds_records(live)) / 3
    assert "lists/JDZ-2022-001/index.html" in reuse["the stylesheet changed"]  # no page is made of the CSS
    # A feed made again (the corrected list's industry's, the site's) renders only the bodies that are new:
    # the others are kept, even through builds that reused those feeds whole (the stylesheet's).
    assert read["bodies: a list corrected and committed"] == {"（示例）揭榜截止日期延长。"}
    assert read["bodies: a notice added"] == {"（示例）本榜单流榜。"}
    assert read["bodies: a setting changed"] > read["bodies: a notice added"]  # every key moved with it
    assert read["bodies: the stylesheet changed"] == read["bodies: a commit on a later day"] == set()


def test_a_damaged_cache_is_said_once_and_never_trusted(project: Path, tmp_path: Path, capsys) -> None:
    build_site(project, tmp_path / "first", commit="test")
    manifest = project / "cache/output/manifest"
    objects = sorted(p for p in (project / "cache/output/objects").rglob("*") if p.is_file())
    damages = {
        "truncated manifest": lambda: manifest.write_bytes(manifest.read_bytes()[:200]),
        "garbage manifest": lambda: manifest.write_bytes(os.urandom(4096)),
        "foreign version": lambda: manifest.write_bytes(manifest.read_bytes().replace(b'"version": "', b'"version": "x', 1)),
    }
    for name, damage in damages.items():
        build_site(project, tmp_path / f"{name}-prime", commit="test")
        capsys.readouterr()
        before = stored(project)
        damage()
        warm, cold = build_both(project, tmp_path / name.replace(" ", "-"))
        assert_same(warm, cold)
        said = [line for line in capsys.readouterr().err.splitlines() if "缓存" in line]
        assert len(said) == 1 and ("损坏" in said[0] or "另一版本" in said[0]), (name, said)
        if name == "foreign version":  # its keys ignored, but its objects (named by their bytes) not written again
            assert len(reused(warm, before)) > len(files(warm)) / 2
    # Objects truncated or overwritten with garbage in place are not linked into the site.
    build_site(project, tmp_path / "objects-prime", commit="test")
    objects = sorted(p for p in (project / "cache/output/objects").rglob("*") if p.is_file())
    for i, kept in enumerate(objects):
        os.chmod(kept, 0o644)
        kept.write_bytes(kept.read_bytes()[: len(kept.read_bytes()) // 2] if i % 2 else os.urandom(kept.stat().st_size))
    warm, cold = build_both(project, tmp_path / "objects")
    assert_same(warm, cold)


def test_a_cache_that_cannot_be_written_means_a_build_without_one(project: Path, tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings = project / "pelicanconf.py"
    original = settings.read_text("utf-8")
    settings.write_text(original + f"\nJIEBANG_CACHE_PATH = {str(blocker / 'cache')!r}\n", "utf-8")
    try:
        warm, cold = build_both(project, tmp_path / "unwritable")
    finally:
        settings.write_text(original, "utf-8")
    assert_same(warm, cold)
    said = [line for line in capsys.readouterr().err.splitlines() if "缓存" in line]
    assert len(said) == 1 and "无法写入" in said[0]


def test_pages_made_across_processes_are_the_pages_made_in_one(tmp_path: Path, monkeypatch) -> None:
    """Pages by forked workers, the search index beside the feeds and the open data (rendering.apart):
    cold, warm, and after every kind of change, the same bytes as one process makes without a cache."""
    project = sample_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "样例内容")
    monkeypatch.setattr("jiebang.site.rendering.PARALLEL_FROM", 1)
    monkeypatch.setattr("jiebang.site.rendering.CHUNK", 7)

    def serial(out: Path) -> Path:
        monkeypatch.setenv("JIEBANG_WORKERS", "1")
        build_site(project, out, commit="test", use_cache=False)
        monkeypatch.setenv("JIEBANG_WORKERS", "2")
        return out

    monkeypatch.setenv("JIEBANG_WORKERS", "2")
    build_site(project, tmp_path / "parallel", commit="test")  # cold, in two worker processes, filling the cache
    assert_same(tmp_path / "parallel", serial(tmp_path / "serial"))
    before = stored(project)
    build_site(project, tmp_path / "warm", commit="test")  # what the workers stored is reused
    assert_same(tmp_path / "warm", tmp_path / "serial")
    assert "lists/JDZ-2022-001/index.html" in reused(tmp_path / "warm", before)
    # ... and what the search index's process kept (rendering.apart) was taken back into the manifest
    assert "search/index/meta.json" in reused(tmp_path / "warm", before)
    live = tmp_path / "live"
    for name, change in SCENARIOS:
        change(project)
        build_site(project, live, commit="test")
        assert_same(live, serial(tmp_path / name.replace(" ", "-")))


def test_a_writer_run_apart_is_as_if_run_here(tmp_path: Path, monkeypatch) -> None:
    """rendering.apart: what the forked writer keeps in the cache is this process's after the `with`; its
    failure is raised here as itself (a full disk stays an OSError, which the build says in Chinese);
    and a process that dies without a word is followed by the writer run here."""
    import errno

    from jiebang.site.outputcache import OutputCache
    from jiebang.site.rendering import apart

    monkeypatch.setenv("JIEBANG_WORKERS", "2")
    cache = OutputCache(tmp_path / "cache", "v")
    site = tmp_path / "site"
    site.mkdir()
    pids = []

    def writer() -> None:
        pids.append(os.getpid())
        cache.write(site, "search/a.json", b"{}", "key-a")

    with apart(writer, cache):
        cache.write(site, "feeds/b.xml", b"<feed/>", "key-b")
    assert pids == []  # it ran in another process ...
    assert {"key-a", "key-b"} <= cache.used.keys() and {"search/a.json", "feeds/b.xml"} <= cache.digests.keys()
    assert (site / "search/a.json").read_bytes() == b"{}"

    def full() -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(site / "search/x.json"))

    with pytest.raises(OSError) as raised, apart(full, cache):
        pass
    assert raised.value.errno == errno.ENOSPC and raised.value.filename.endswith("x.json")

    def dies() -> None:
        if os.getpid() != here:
            os._exit(3)
        writer()

    here = os.getpid()
    with apart(dies, cache):
        pass
    assert pids == [here]  # done again here, after the process died


def test_a_rebuild_in_the_same_process_sees_an_edit_outside_git(tmp_path: Path) -> None:
    """As `jiebang serve` does: one process, builds after each save, and no history to change keys."""
    project = sample_project(tmp_path / "project")
    build_site(project, tmp_path / "first")
    edit(project / "content/lists/2026/JDZ-2026-001.yaml", "title: ", "title: （预览中修改）")
    warm, cold = build_both(project, tmp_path / "after-edit")
    assert_same(warm, cold)
    assert "（预览中修改）" in (warm / "lists/JDZ-2026-001/index.html").read_text("utf-8")


def test_a_failed_build_from_the_spare_gives_it_back_and_the_next_is_still_cold_equal(tmp_path: Path) -> None:
    from jiebang.site.build import BuildError

    project = sample_project(tmp_path / "project")
    live = tmp_path / "live"
    build_site(project, live, commit="test")
    edit(project / "content/lists/2026/JDZ-2026-001.yaml", "title: ", "title: （一改）")
    build_site(project, live, commit="test")  # the first site is now the spare
    before = (live / "SHA256SUMS").read_bytes()
    good = (project / "content/lists/2026/JDZ-2026-002.yaml").read_text("utf-8")
    edit(project / "content/lists/2026/JDZ-2026-002.yaml", "title: ", "title: [点此](javascript:alert(1))")
    with pytest.raises(BuildError):
        build_site(project, live, commit="test")
    assert (live / "SHA256SUMS").read_bytes() == before
    assert (tmp_path / ".live.spare").is_dir() and not list(tmp_path.glob(".live.build-*"))
    (project / "content/lists/2026/JDZ-2026-002.yaml").write_text(good, "utf-8")
    edit(project / "content/lists/2026/JDZ-2026-001.yaml", "title: （一改）", "title: （二改）")
    build_site(project, live, commit="test")
    build_site(project, tmp_path / "cold", commit="test", use_cache=False)
    assert_same(live, tmp_path / "cold")


def test_a_calendar_is_remade_from_the_events_that_did_not_change(tmp_path: Path, monkeypatch) -> None:
    """A notice published on the day of the last commit changes one list's event (its DTSTAMP): the
    calendars are written again from the other events' lines as the cache kept them."""
    from jiebang.site import opendata

    project = sample_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "样例内容", date="2026-11-29T09:00:00+08:00")
    live = tmp_path / "live"
    build_site(project, live, commit="test")
    made: list[str] = []
    events = opendata.event_bytes
    monkeypatch.setattr(opendata, "event_bytes", lambda view, *a: made.append(view.id) or events(view, *a))
    add_a_notice(project)  # committed 2026-11-29T10:00
    build_site(project, live, commit="test")
    assert made == ["JDZ-2025-003"]
    cold = tmp_path / "cold"
    build_site(project, cold, commit="test", use_cache=False)
    assert_same(live, cold)


def test_a_key_tells_apart_every_value_a_page_could_print_differently() -> None:
    """Keys are stated by json's own encoder (cachekeys.digest_of), with the values it cannot write
    tagged by their type: no two values that print differently share a key, and the same value, however
    it is reached (json's fast path, or the slow one for mappings keyed by dates), always gets one. The
    exceptions are json's own: a tuple states as a list, and a mapping's number keys as their digits;
    which of the two a field holds is the code's choice, and the code's version is in every key."""
    from dataclasses import dataclass
    from datetime import date
    from decimal import Decimal

    from jiebang.site.cachekeys import TAG, Uncacheable, digest_of

    @dataclass
    class Money:
        wan: Decimal

    values = [1, 1.0, True, "1", None, Decimal("1"), Decimal("1.0"), date(2025, 1, 1), "2025-01-01",
              [TAG + "Decimal", "1"][1:], {"1": 1}, {date(2025, 1, 1): 1}, {"2025-01-01": 1}, {1, 2},
              Money(Decimal("1")), [Money(Decimal("1"))], {"a": 1, "b": 2}, {"b": 2, "a": 1}]
    digests = [digest_of(v) for v in values]
    assert len(set(digests)) == len(values)
    assert digest_of({date(2025, 1, 1): {2, 1}}) == digest_of({date(2025, 1, 1): {1, 2}})  # sets by content
    assert digest_of(Money(Decimal("2.50"))) == digest_of(Money(Decimal("2.50")))
    with pytest.raises(Uncacheable):
        digest_of(object())
    # No record's text can pass for a tag: the loader refuses the control character tags begin with,
    # written out or as an escape.
    from jiebang.records.load import parse_document

    for raw in (f"title: {TAG}Decimal\n".encode(), b'title: "\\0Decimal"\n'):
        document, findings = parse_document(raw, "x.yaml")
        assert document is None or findings, raw
        assert any("控制字符" in f.message for f in findings), raw


def test_a_collection_put_together_from_its_entries_is_the_whole_written_at_once() -> None:
    """lists.json and results.json are put together from each entry's kept text (opendata.pieced): for
    any entries (nested, empty, texts with newlines and with the placeholder's own spelling in them)
    the bytes are those of json writing the whole."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from jiebang.site.opendata import dumps, item_text, pieced

    pieces = st.sampled_from(["a", "榜", "\n", " ", '"', "\\", "null", "    null", "{", "]"])
    texts = st.lists(pieces, max_size=6).map("".join)
    values = st.recursive(st.none() | st.booleans() | st.integers() | texts,
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3), max_leaves=8)
    entries = st.lists(st.dictionaries(texts, values, max_size=4), max_size=5)

    @settings(max_examples=200, deadline=None)
    @given(entries, st.dictionaries(st.sampled_from(["$schema", "as_of"]), texts))
    def check(items: list, head: dict) -> None:
        texts = [item_text(i).encode("utf-8") for i in items]
        whole, spans = pieced(head, "lists", texts)
        assert whole == dumps({**head, "lists": items}).encode("utf-8")
        assert [whole[start:start + length] for start, length in spans] == texts  # where the next build cuts them

    check()


def test_pinyin_slugs_are_remembered_and_a_damaged_memo_is_ignored(project: Path, tmp_path: Path) -> None:
    """A build after the first spells no name again (pypinyin is not even imported: a third of a second
    of a small rebuild); the slugs are pypinyin's own, and a damaged memo is ignored, never trusted."""
    from pypinyin import lazy_pinyin

    build_site(project, tmp_path / "first", commit="test")
    memo = project / "cache/slugs.json"
    header, _, payload = memo.read_bytes().partition(b"\n")
    slugs = json.loads(payload)
    assert slugs["陶瓷"] == "taoci" == "".join(lazy_pinyin("陶瓷"))
    assert (tmp_path / "first/industries/taoci/index.html").is_file()
    probe = ("import sys; from pathlib import Path; from jiebang.site.build import build_site; "
             "build_site(Path(sys.argv[1]), Path(sys.argv[2]), commit='test'); print('pypinyin' in sys.modules)")

    def build_apart(out: Path) -> str:
        run = subprocess.run([sys.executable, "-c", probe, str(project), str(out)], capture_output=True, text=True,
                             cwd=project, check=True)
        return run.stdout.split()[-1]

    assert build_apart(tmp_path / "second") == "False"
    assert_same(tmp_path / "second", tmp_path / "first")
    # A wrong slug with the checksum left as it was: ignored, and the names spelled again.
    memo.write_bytes(header + b"\n" + payload.replace(b'"taoci"', b'"wrong"'))
    assert build_apart(tmp_path / "third") == "True"
    assert (tmp_path / "third/industries/taoci/index.html").is_file()
    assert json.loads(memo.read_bytes().partition(b"\n")[2])["陶瓷"] == "taoci"  # kept right again


def test_the_compiled_theme_is_kept_and_a_damaged_or_reconfigured_one_is_never_run(project: Path, tmp_path: Path,
                                                                                    monkeypatch) -> None:
    """A build after the first compiles and parses no template (half a small rebuild); a kept file that is
    damaged is compiled again, and one compiled under another configuration (trim_blocks off) is not run."""
    import jinja2

    build_site(project, tmp_path / "first", commit="test")
    kept = project / "cache/templates"
    assert list(kept.glob("*.jinja")) and (kept / "inputs.json").is_file()
    calls = []
    for name in ("compile", "parse"):
        original = getattr(jinja2.Environment, name)
        monkeypatch.setattr(jinja2.Environment, name, lambda env, *a, _o=original, _n=name, **k: calls.append(_n)
                            or _o(env, *a, **k))
    change_a_setting(project)  # every page made again, from the kept code
    try:
        warm, cold = build_both(project, tmp_path / "kept")
        assert_same(warm, cold)
        assert "compile" in calls  # by the cold build, which keeps nothing …
        calls.clear()
        build_site(project, tmp_path / "again", commit="test")
        assert calls == []  # … and none by a build with the cache
        settings = project / "pelicanconf.py"
        with settings.open("a", encoding="utf-8") as more:
            more.write("\nJINJA_ENVIRONMENT = {'trim_blocks': False, 'lstrip_blocks': True, 'extensions': []}\n")
        before = {path.name for path in kept.glob("*.jinja")}
        warm, cold = build_both(project, tmp_path / "reconfigured")
        assert_same(warm, cold)
        assert files(warm)["index.html"] != files(tmp_path / "again")["index.html"]  # the setting shows
        # What the earlier configuration compiled is gone (templatecache.prune): one file per template.
        after = {path.name for path in kept.glob("*.jinja")}
        assert after and not before & after and len(after) == len(before)
        calls.clear()
        build_site(project, tmp_path / "again-reconfigured", commit="test")
        assert calls == []  # and what it kept is what the next build runs
        # Text changed inside the compiled code (which Jinja would load and run), or the file cut short.
        for i, path in enumerate(sorted(kept.glob("*.jinja"))):
            data = path.read_bytes()
            path.write_bytes(data.replace(b"</", b"<!") if i % 3 else data[: len(data) // 3])
        memo = kept / "inputs.json"
        memo.write_bytes(memo.read_bytes().replace(b'"item"', b'"itme"'))
        warm, cold = build_both(project, tmp_path / "damaged")
        assert_same(warm, cold)
    finally:
        subprocess.run(["git", "checkout", "--", "pelicanconf.py"], cwd=project, check=True)


def test_the_store_keeps_exactly_the_objects_its_manifest_names(tmp_path: Path) -> None:
    """A build removes the objects no key names any more without listing the store (seconds at national
    scale); one after a build that died before saving, or after a lost manifest, sweeps it whole."""
    project = sample_project(tmp_path / "project")
    live, store = tmp_path / "live", project / "cache/output"

    def on_disk() -> set[str]:
        return {p.parent.name + p.name for p in (store / "objects").rglob("*") if p.is_file()}

    def named() -> set[str]:
        entries = manifest_entries(store / "manifest")
        return {entry[0] for entry in entries.values() if entry[0] not in ("tree", "pieces")}

    build_site(project, live, commit="test")
    assert on_disk() == named() and not (store / ".building").exists()
    edit(project / "content/lists/2026/JDZ-2026-001.yaml", "title: ", "title: （一改）")
    build_site(project, live, commit="test")
    assert on_disk() == named()
    # A build killed after storing: its object is named by no manifest, and it left the marker.
    stray = store / "objects/ab" / ("c" * 62)
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"made by a build that died")
    (store / ".building").touch()
    edit(project / "content/lists/2026/JDZ-2026-001.yaml", "title: （一改）", "title: （二改）")
    build_site(project, live, commit="test")
    assert not stray.exists() and on_disk() == named()
    # Without the marker, a build lists only what it knows of (the stray one stays, as designed) …
    stray.write_bytes(b"placed by hand")
    edit(project / "content/lists/2026/JDZ-2026-001.yaml", "title: （二改）", "title: （三改）")
    build_site(project, live, commit="test")
    assert stray.exists() and on_disk() - {stray.parent.name + stray.name} == named()
    # … and without a manifest, it sweeps.
    (store / "manifest").unlink()
    build_site(project, tmp_path / "again", commit="test")
    assert on_disk() == named()


def test_a_file_its_writer_streamed_is_stored_by_a_link_not_a_copy(tmp_path: Path, monkeypatch) -> None:
    """The OCDS packages are most of a gigabyte at national scale: keeping one must not copy it."""
    from jiebang.site import outputcache
    from jiebang.site.outputcache import OutputCache

    cache = OutputCache(tmp_path / "cache", "v")
    staging = tmp_path / "site"
    (staging / "data").mkdir(parents=True)
    (staging / "data/big.json").write_bytes(b'{"records":[]}\n')
    monkeypatch.setattr(outputcache.shutil, "copyfile", lambda *a: pytest.fail("copied"))
    cache.keep(staging, "data/big.json", "key")
    cache.save()
    sha = cache.digests["data/big.json"]
    stored = tmp_path / "cache/objects" / sha[:2] / sha[2:]
    assert (staging / "data/big.json").stat().st_ino == stored.stat().st_ino
    assert stored.read_bytes() == b'{"records":[]}\n'
    # … and the next build reuses it whole.
    again = OutputCache(tmp_path / "cache", "v")
    assert again.reuse(tmp_path / "next", "data/big.json", "key")
    assert (tmp_path / "next/data/big.json").read_bytes() == b'{"records":[]}\n'


def test_a_file_put_together_from_pieces_gives_them_back_only_while_its_stored_bytes_are_whole(tmp_path: Path) -> None:
    """The next build cuts each unchanged entry from the last build's file (OutputCache.pieces): never from
    a file that changed since it was stored, and never a piece of another file or under another key."""
    from jiebang.site.outputcache import OutputCache

    cache = OutputCache(tmp_path / "cache", "v")
    cache.write(tmp_path / "site", "data/lists.json", b"[alpha,beta]", "file-key")
    cache.record_pieces("data/lists.json", {"a": (1, 5), "b": (7, 4), None: (0, 1)})
    cache.save()
    again = OutputCache(tmp_path / "cache", "v")
    piece = again.pieces("data/lists.json")
    assert (piece("a"), piece("b"), piece("c"), piece(None)) == (b"alpha", b"beta", None, None)
    assert again.pieces("data/results.json")("a") is None
    # A build that reuses the file whole keeps where its pieces lie, for the build after it.
    assert again.reuse(tmp_path / "next", "data/lists.json", "file-key")
    again.save()
    third = OutputCache(tmp_path / "cache", "v")
    assert third.pieces("data/lists.json")("b") == b"beta"
    sha = third.digests.get("data/lists.json") or manifest_entries(tmp_path / "cache/manifest")["file-key"][0]
    stored = tmp_path / "cache/objects" / sha[:2] / sha[2:]
    stored.chmod(0o644)
    stored.write_bytes(b"[ALPHA,BETA]")  # the same size, another time
    os.utime(stored, ns=(1, 1))
    assert OutputCache(tmp_path / "cache", "v").pieces("data/lists.json")("a") is None


def test_a_site_says_which_of_its_files_were_made_outside_the_cache_and_the_walk_trusts_only_its_own(
        tmp_path: Path) -> None:
    """build.plain_list: beside the live site and the spare, the files their builds wrote themselves (the
    theme, SHA256SUMS …), so that the next build but one walks the spare by directory entries alone. A
    list another folder left is not taken for the spare's: then each file's status decides."""
    from jiebang.site.spare import Recycled, plain_list, prune, recycle, spare_of

    project = sample_project(tmp_path / "project")
    live = tmp_path / "live"
    build_site(project, live, commit="test")
    edit(project / "content/lists/2026/JDZ-2026-001.yaml", "title: ", "title: （一改）")
    build_site(project, live, commit="test")
    said = json.loads(plain_list(spare_of(live)).read_text("utf-8"))
    assert said["folder"] == spare_of(live).stat().st_ino
    assert {"SHA256SUMS", "theme/css/site.css", "robots.txt"} <= set(said["names"])
    assert not {"index.html", "lists/JDZ-2026-001/index.html", "data/lists.json"} & set(said["names"])
    assert json.loads(plain_list(live).read_text("utf-8"))["folder"] == live.stat().st_ino

    # A spare with one file of each kind: listed (removed), linked (kept), and one of a single link that
    # the list does not name. Trusting the list keeps it without asking its status; prune removes it
    # after the build as stale, since nothing made it.
    def spare_with(listed_for: Path | None) -> Path:
        spare = tmp_path / "spare"
        (spare / "a").mkdir(parents=True)
        (spare / "plain.txt").write_text("theme", "utf-8")
        (spare / "a/linked.html").write_text("page", "utf-8")
        os.link(spare / "a/linked.html", tmp_path / "store-object")
        (spare / "a/single.html").write_text("made by a writer", "utf-8")
        folder = (listed_for or spare).stat().st_ino
        plain_list(spare).write_text(json.dumps({"folder": folder, "names": ["plain.txt"]}), "utf-8")
        return spare

    recycled = recycle(spare_with(None), tmp_path / "staging")
    assert set(recycled.kept) == {"a/linked.html", "a/single.html"} and not plain_list(tmp_path / "spare").exists()
    assert not (tmp_path / "staging/plain.txt").exists()
    (tmp_path / "staging/a/linked.html").write_text("written in place during the build", "utf-8")
    prune(tmp_path / "staging", recycled, made={})
    assert files(tmp_path / "staging") == {"a/linked.html": b"written in place during the build"}

    for stale in ("staging", "spare", "store-object"):
        subprocess.run(["rm", "-rf", str(tmp_path / stale)], check=True)
    other = tmp_path / "other"
    other.mkdir()
    recycled = recycle(spare_with(other), tmp_path / "staging")
    assert isinstance(recycled, Recycled) and set(recycled.kept) == {"a/linked.html"}  # by each file's links
    assert sorted(files(tmp_path / "staging")) == ["a/linked.html"]  # every single-linked file removed


def test_a_file_the_walk_found_is_replaced_unless_it_is_the_stored_one(tmp_path: Path) -> None:
    """OutputCache.linked: what recycle found, by inode. A file there that is not the stored object is
    replaced by a link to it, never written through; one that is, is left as it is."""
    from jiebang.site.outputcache import OutputCache

    cache = OutputCache(tmp_path / "cache", "v")
    site = tmp_path / "site"
    cache.write(site, "a.html", b"stored", "key-a")
    saved = OutputCache(tmp_path / "cache", "v")
    saved.used = cache.used
    saved.save()
    again = OutputCache(tmp_path / "cache", "v")
    (site / "a.html").unlink()
    (site / "a.html").write_text("a plain file from before", "utf-8")
    (site / "b.html").write_text("not this one's", "utf-8")
    again.linked = {"a.html": (site / "a.html").stat().st_ino}
    again.linked_device = site.stat().st_dev
    assert again.reuse(site, "a.html", "key-a")
    assert (site / "a.html").read_bytes() == b"stored" and (site / "a.html").stat().st_nlink == 2
    inode = (site / "a.html").stat().st_ino
    again.linked = {"a.html": inode}
    assert again.reuse(site, "a.html", "key-a") and (site / "a.html").stat().st_ino == inode
    assert again.reuse(site, "b.html", "key-a")  # there, but not in the walk: replaced all the same
    assert (site / "b.html").read_bytes() == b"stored"
    assert again.reuse(site, "deep/c.html", "key-a") and (site / "deep/c.html").read_bytes() == b"stored"


def manifest_entries(path: Path) -> dict:
    from jiebang.site import manifest
    from jiebang.site.cachekeys import FORMAT

    return manifest.read(path, FORMAT)[1]


def test_the_manifest_is_written_in_pieces_and_read_back_whole(tmp_path: Path, monkeypatch) -> None:
    """OutputCache.save writes the manifest a batch of entries at a time (at national scale it is 120 MB,
    and whole it was a second copy in memory): what the next build reads is every entry, its checksum
    right, for any number of entries around a batch's size; one written by another Python is another
    version's, said in one line, and its objects are swept."""
    from jiebang.site import manifest
    from jiebang.site.outputcache import MANIFEST, OutputCache

    for count in (0, 1, 2, 3, 5):
        mapping = {f"key-{i}": [f"{i:064x}", i, -i] for i in range(count)}
        manifest.write(tmp_path / "m", 7, "v", mapping)
        assert manifest.read(tmp_path / "m", 7) == ("v", mapping)
        assert len(list(manifest.batches(mapping, size=2))) == (count + 1) // 2
    whole = manifest.batches
    monkeypatch.setattr(manifest, "batches", lambda mapping: whole(mapping, size=2))
    cache = OutputCache(tmp_path / "cache", "v")
    for name in "abcde":
        cache.write(tmp_path / "site", f"{name}.html", name.encode(), f"key-{name}")
    cache.save()
    again = OutputCache(tmp_path / "cache", "v")
    assert again.entries == cache.used and len(again.entries) == 5
    assert again.load("key-c") == b"c"
    said = []
    monkeypatch.setattr(manifest, "PYTHON", "cpython-9.9-marshal9")
    other = OutputCache(tmp_path / "cache", "v", say=said.append)
    assert other.entries == {} and other.load("key-c") is None and said == ["生成缓存来自另一版本的 Python，已忽略，本次完整生成。"]
    other.write(tmp_path / "site", "f.html", b"f", "key-f")
    other.save()
    assert set(manifest_entries(tmp_path / "cache" / MANIFEST)) == {"key-f"}  # written by this Python
    assert sum(1 for p in (tmp_path / "cache/objects").rglob("*") if p.is_file()) == 1  # the others swept


def test_the_manifest_written_ahead_is_the_one_saved_and_a_failed_build_leaves_none(tmp_path: Path) -> None:
    """OutputCache.prepare_save writes the manifest while the build writes SHA256SUMS (in a forked
    process on two cores); save() puts it in place only when nothing was kept since seal(), and a
    build that fails after it leaves no manifest of its own behind."""
    from jiebang.site.outputcache import MANIFEST, OutputCache

    def cache_with(*names: str) -> OutputCache:
        cache = OutputCache(tmp_path / "cache", "v")
        for name in names:
            cache.write(tmp_path / "site", f"{name}.html", name.encode(), f"key-{name}")
        return cache

    cache = cache_with("a", "b")
    cache.seal()
    cache.prepare_save()
    ahead = list((tmp_path / "cache").glob(".manifest-next-*"))
    assert len(ahead) == 1
    cache.save()
    assert not ahead[0].exists() and OutputCache(tmp_path / "cache", "v").entries == cache.used

    late = cache_with("c")
    late.seal()
    late.prepare_save()
    late.write(tmp_path / "site", "d.html", b"d", "key-d")  # kept after the seal: the one ahead is stale
    late.save()
    assert set(OutputCache(tmp_path / "cache", "v").entries) == {"key-c", "key-d"}
    assert not list((tmp_path / "cache").glob(".manifest-next-*"))

    failed = cache_with("e")
    failed.seal()
    failed.prepare_save()
    failed.discard_prepared()
    assert not list((tmp_path / "cache").glob(".manifest-*"))
    assert set(manifest_entries(tmp_path / "cache" / MANIFEST)) == {"key-c", "key-d"}


@pytest.mark.parametrize("overrides", [
    {},
    {"STATIC_PATHS": ["images"]},  # Pelican's static generator copies content/images
    {"STATIC_PATHS": ["images"], "OUTPUT_SOURCES": True},  # and the pages' sources: then the site is walked
])
def test_sha256sums_names_every_file_of_the_site_without_walking_it(tmp_path: Path, overrides: dict,
                                                                      monkeypatch) -> None:
    """With the cache, SHA256SUMS is written from the files the build knows it made (sitefiles.py):
    ours, Pelican's pages and static files, the theme's assets. It names exactly the files there are,
    each with its bytes' digest, on a cold build and on one from the spare site."""
    import jiebang.site.build as build_module

    project = sample_project(tmp_path / "project")
    (project / "content/images").mkdir()
    (project / "content/images/seal.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", "utf-8")
    walks = []
    names = build_module.tree_names
    monkeypatch.setattr(build_module, "tree_names", lambda folder: walks.append(folder) or names(folder))
    site = tmp_path / "site"
    for step in range(3):
        if step:
            edit(project / "content/lists/2026/JDZ-2026-001.yaml", "title: ", f"title: （{step}）")
        walks.clear()
        build_site(project, site, commit="test", overrides=overrides)
        on_disk = {name: hashlib.sha256(data).hexdigest() for name, data in files(site).items() if name != "SHA256SUMS"}
        assert build_module.read_sums(site)[1] == dict(sorted(on_disk.items()))
        assert ("images/seal.svg" in on_disk) is bool(overrides) and "about/index.html" in on_disk
        assert bool(walks) is bool(overrides.get("OUTPUT_SOURCES"))


@pytest.mark.parametrize("walk", ["dies", "fails"])
def test_the_spare_is_walked_apart_and_a_walk_that_died_is_done_here(tmp_path: Path, monkeypatch, walk: str) -> None:
    """build.recycle(apart=True): the spare's walk runs in a forked process while the records are read.
    One that dies without a word is done again here, and the build is still the cold one; one that
    fails says why, as a failed build does, and leaves the live site as it was."""
    import errno

    import jiebang.site.spare as spare_module
    from jiebang.site.build import BuildError

    project = sample_project(tmp_path / "project")
    site = tmp_path / "site"
    build_site(project, site, commit="test")
    edit(project / "content/lists/2026/JDZ-2026-001.yaml", "title: ", "title: （一改）")
    build_site(project, site, commit="test")  # the first build that has a spare to start from
    walked_here = []
    parent, walk_spare = os.getpid(), spare_module._walk_spare

    def walk_in(recycled, plain, staging):
        if os.getpid() != parent and walk == "dies":
            os._exit(0)
        if os.getpid() != parent:
            raise OSError(errno.ENOSPC, "No space left on device", str(staging))
        walked_here.append(staging)
        walk_spare(recycled, plain, staging)

    monkeypatch.setattr(spare_module, "_walk_spare", walk_in)
    edit(project / "content/lists/2026/JDZ-2026-001.yaml", "title: （一改）", "title: （二改）")
    before = files(site)
    if walk == "fails":
        with pytest.raises(BuildError, match="磁盘空间不足"):
            build_site(project, site, commit="test")
        assert files(site) == before and not walked_here
        return
    build_site(project, site, commit="test")
    assert len(walked_here) == 1
    cold = tmp_path / "cold"
    build_site(project, cold, commit="test", use_cache=False)
    assert_same(site, cold)


def test_an_unchanged_search_document_is_known_by_its_digest_unread(tmp_path: Path, monkeypatch) -> None:
    """searchpages.search_entries: a document whose view did not change is known by the digest of the
    bytes the cache keeps for it, never read back or made again; a correction makes only its own
    list's documents (and the 更正公告's, whose tables come from git), and the index is the cold one."""
    from jiebang.site import searchpages

    monkeypatch.setenv("JIEBANG_WORKERS", "1")  # the index made in this process, where it can be watched
    project = sample_project(tmp_path / "project")
    site = tmp_path / "site"
    build_site(project, site, commit="test")
    read, made = [], []
    for name, calls in (("doc_from_bytes", read), ("list_document", made), ("notice_document", made)):
        real = getattr(searchpages, name)
        monkeypatch.setattr(searchpages, name, lambda *a, real=real, calls=calls: calls.append(a[0]) or real(*a))
    edit(project / "content/lists/2026/JDZ-2026-001.yaml", "title: ", "title: （一改）")
    build_site(project, site, commit="test")
    assert read == []
    made_ids = {view.id for view in made}
    assert "JDZ-2026-001" in made_ids
    assert {i for i in made_ids if not i.startswith("JDZ-2026-001")} <= {
        view.id for view in made if getattr(view, "kind", None) == "更正公告"}
    cold = tmp_path / "cold"
    build_site(project, cold, commit="test", use_cache=False)
    assert_same(site, cold)


def _nested(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(st.text(), inner, max_size=4)


_plain_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.decimals(allow_nan=False)
    | st.dates() | st.frozensets(st.integers(), max_size=3), _nested, max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_plain_values)
def test_a_key_states_its_parts_as_json_dumps_does(value) -> None:
    """cachekeys.digest_of keeps one C encoder per `default` rather than calling json.dumps (which makes
    one per call): the statement it hashes is json.dumps' byte for byte, whatever the value."""
    from jiebang.site.cachekeys import digest_of, stated

    text = json.dumps(("scope", value), default=stated, ensure_ascii=False, separators=(",", ":"),
                      check_circular=False)
    assert digest_of("scope", value) == hashlib.sha256(text.encode("utf-8")).hexdigest()
