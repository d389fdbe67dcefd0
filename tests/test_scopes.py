"""Tree checks run group by group (rules/scopes.py): a scoped check finds over the whole tree exactly what
it finds over each of its groups alone, and with a memo, after an edit, only the edited list's group is
checked again, with the same findings as a run without any cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import jiebang.rules.registry as registry
import jiebang.rules.scopes as scopes
from conftest import REPO, ContentRoot, dump, good_list, lifecycle
from jiebang.records.cache import RecordCache
from jiebang.records.content import ContentTree, load_tree
from jiebang.rules.registry import Findings, run_one
from jiebang.rules.validate import check_tree
from test_bad_inputs import CASES, build_root


def texts(findings: Findings) -> list[str]:
    return sorted(d.as_text() for d in findings.items)


def whole_and_grouped(tree: ContentTree) -> list[tuple[str, list[str], list[str]]]:
    """For each scoped check: its findings over the tree, and the union of its findings over each group."""
    compared = []
    for check, scope in registry.SCOPES.items():
        whole = Findings()
        run_one(check, tree, whole)
        grouped = Findings()
        for records in scopes.groups_of(scope, tree).values():
            run_one(check, scopes.subtree(tree, records), grouped)
        compared.append((check.__name__, texts(whole), texts(grouped)))
    return compared


def test_every_scoped_check_finds_the_same_in_groups_as_in_the_whole_sample() -> None:
    tree, _ = load_tree(REPO / "content")
    compared = whole_and_grouped(tree)
    assert {name for name, _, _ in compared} >= {"tranches", "notice_order", "list_references", "projects_per_year"}
    for name, whole, grouped in compared:
        assert whole == grouped, name


@pytest.mark.parametrize("case", CASES, ids=[c.file.stem for c in CASES])
def test_every_scoped_check_finds_the_same_in_groups_as_in_the_whole_bad_tree(case, tmp_path: Path) -> None:
    root, _ = build_root(case, tmp_path)
    tree, _ = load_tree(root)
    for name, whole, grouped in whole_and_grouped(tree):
        assert whole == grouped, name


def test_a_finding_spread_over_lists_is_found_grouped(root: ContentRoot) -> None:
    """Six projects signed in one year, in six lists: projects.per_year counts them across the lists."""
    for n in range(1, 7):
        list_id = f"JDZ-2022-00{n}"
        root.write(good_list(id=list_id, title=f"（示例）第 {n} 个榜单"))
        root.write_all(lifecycle(list_id)[:2])
    tree, _ = load_tree(root.path)
    found = {name: whole for name, whole, grouped in whole_and_grouped(tree) if whole == grouped}
    assert len(found["projects_per_year"]) == 1 and "第 6 个立项项目" in found["projects_per_year"][0]


def test_a_correction_of_another_lists_record_is_refused(root: ContentRoot) -> None:
    root.write(good_list())
    root.write(good_list(id="JDZ-2022-002", title="（示例）第 2 个榜单"))
    root.write_all(lifecycle())
    root.write({"id": "JDZ-2022-002-R01", "list": "JDZ-2022-002", "kind": "更正公告", "date": "2023-02-01",
                "target": "JDZ-2022-001-R01", "fields": ["solvers"], "reason": "笔误。", "body": "（示例）"})
    tree, loading = load_tree(root.path)
    refused = [d for d in check_tree(tree, loading) if d.rule == "result.list_ref"]
    assert len(refused) == 1 and refused[0].file.endswith("JDZ-2022-002-R01.yaml")
    assert "JDZ-2022-001-R01 不是所属榜单 JDZ-2022-002 或其公告" in refused[0].message


def memo_tree(root: Path, cache: Path) -> list[str]:
    tree, loading = load_tree(root, cache=RecordCache(cache, root))
    return sorted(d.as_text() for d in check_tree(tree, loading))


def cold(root: Path) -> list[str]:
    tree, loading = load_tree(root)
    return sorted(d.as_text() for d in check_tree(tree, loading))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    return tmp_path / "content"


def test_after_an_edit_only_its_lists_group_is_checked_again(project: Path, tmp_path: Path, monkeypatch) -> None:
    first = memo_tree(project, tmp_path / "cache")
    assert first == cold(project)
    runs: list[list[str]] = []
    subtree = scopes.subtree
    monkeypatch.setattr(scopes, "subtree", lambda tree, records: runs.append([r.rel for r in records]) or subtree(tree, records))
    assert memo_tree(project, tmp_path / "cache") == first and runs == []  # nothing changed: nothing run

    tranches = [p for p in sorted(project.glob("results/*/*.yaml")) if "kind: 资金拨付" in p.read_text("utf-8")]
    tranche = tranches[0]
    text = tranche.read_text("utf-8")
    edited = text.replace("amount_wan: ", "amount_wan: 1", 1)
    assert edited != text
    tranche.write_text(edited, "utf-8")
    warm = memo_tree(project, tmp_path / "cache")
    assert warm == cold(project) and warm != first
    assert any("money.tranches" in line and tranche.name in line for line in warm)
    list_id = tranche.stem.rsplit("-R", 1)[0]
    rel = tranche.relative_to(project).as_posix()
    # The tranche's list, once for the checks by list; no other group (a tranche is no 立项).
    assert len(runs) == 1 and rel in runs[0] and all(list_id in r for r in runs[0]), runs


def test_a_regulation_change_checks_every_group_again(project: Path, tmp_path: Path) -> None:
    memo_tree(project, tmp_path / "cache")
    (regulation,) = sorted((project / "regulation").glob("*.yaml"))[-1:]
    text = regulation.read_text("utf-8")
    edited = text.replace("projects_per_year_max:\n  value: 5", "projects_per_year_max:\n  value: 1", 1)
    assert edited != text, "the regulation file no longer spells projects_per_year_max so"
    regulation.write_text(edited, "utf-8")
    warm = memo_tree(project, tmp_path / "cache")
    assert warm == cold(project)
    assert any("projects.per_year" in line for line in warm)


def test_a_crash_in_a_scoped_check_is_reported_every_time_and_never_kept(project: Path, tmp_path: Path,
                                                                        monkeypatch) -> None:
    original = registry.TREE_CHECKS
    crashed = []

    def crashing(tree, findings):
        crashed.append(len(tree.records))
        raise KeyError("boom")

    crashing.__module__, crashing.__name__, crashing.__qualname__ = "jiebang.rules.money", "tranches", "tranches"
    monkeypatch.setattr(registry, "TREE_CHECKS", [crashing if c.__name__ == "tranches" else c for c in original])
    monkeypatch.setitem(registry.SCOPES, crashing, registry.BY_LIST)
    for _ in range(2):
        found = memo_tree(project, tmp_path / "cache")
        assert sum("[internal.error]" in line and "money.tranches" in line for line in found) == 1
    assert len(crashed) == 2  # the whole tree each time: nothing of a crashed run was kept


def test_a_damaged_memo_is_ignored_with_one_line(project: Path, tmp_path: Path, capsys) -> None:
    first = memo_tree(project, tmp_path / "cache")
    (memo,) = (tmp_path / "cache").glob("records-*.groups")
    memo.write_bytes(memo.read_bytes()[:-7] + b"garbled")
    capsys.readouterr()
    assert memo_tree(project, tmp_path / "cache") == first
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "已损坏" in err and memo.name in err
    assert memo_tree(project, tmp_path / "cache") == first and capsys.readouterr().err == ""


def test_a_record_moved_to_another_list_is_checked_in_its_new_group(root: ContentRoot, tmp_path: Path) -> None:
    root.write(good_list())
    root.write(good_list(id="JDZ-2022-002", title="（示例）第 2 个榜单"))
    notices = lifecycle()
    root.write_all(notices)
    assert memo_tree(root.path, tmp_path / "cache") == cold(root.path)
    moved = {**notices[0], "list": "JDZ-2022-002"}
    root.write(moved)
    (root.path / "results" / "2022" / f"{moved['id']}.yaml").write_text(dump(moved), "utf-8")
    warm = memo_tree(root.path, tmp_path / "cache")
    assert warm == cold(root.path) and any("result.list_ref" in line for line in warm)


@pytest.mark.parametrize("where", ["inside", "parent", "sibling", "absolute", "itself"])
@pytest.mark.parametrize("rel", ["lists/2022/JDZ-2022-001.yaml", "results/2022/a b.yaml", "lists/./x.yaml",
                                 "lists/../results/x.yaml", "x.yaml"])
def test_a_records_file_is_named_as_display_path_names_it(where: str, rel: str, tmp_path: Path, monkeypatch) -> None:
    """Findings name ten thousand files; the shortcut that names them must agree with relpath exactly."""
    from jiebang.records.diagnostics import display_below, display_path

    root = tmp_path / "project" / "content"
    root.mkdir(parents=True)
    cwd = {"inside": root / "lists", "parent": tmp_path / "project", "sibling": tmp_path / "elsewhere",
           "absolute": tmp_path, "itself": root}[where]
    cwd.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(cwd)
    shown_root = root if where == "absolute" else Path(display_path(root))
    for given in (root, shown_root):
        assert display_below(given, rel) == display_path(given / rel)


def test_a_draft_is_checked_through_the_memo_and_nothing_of_it_is_kept(project: Path, tmp_path: Path,
                                                                       monkeypatch) -> None:
    """The editor's live check (check_draft): the same findings as a run without any cache over the tree
    with the draft saved, only the draft's list checked again, and the cache files left as they were."""
    from jiebang.rules.validate import check_draft

    memo_tree(project, tmp_path / "cache")
    kept = {path.name: path.read_bytes() for path in (tmp_path / "cache").iterdir()}
    tranche = next(p for p in sorted(project.glob("results/*/*.yaml")) if "kind: 资金拨付" in p.read_text("utf-8"))
    rel = tranche.relative_to(project).as_posix()
    draft = tranche.read_text("utf-8").replace("amount_wan: ", "amount_wan: 1", 1).encode()
    runs: list[list[str]] = []
    subtree = scopes.subtree
    monkeypatch.setattr(scopes, "subtree", lambda tree, records: runs.append([r.rel for r in records]) or subtree(tree, records))
    found = sorted(d.as_text() for d in check_draft(project, rel, draft, cache=tmp_path / "cache"))
    assert len(runs) == 1 and rel in runs[0]
    assert {path.name: path.read_bytes() for path in (tmp_path / "cache").iterdir()} == kept
    tranche.write_bytes(draft)
    assert found == cold(project) and any("money.tranches" in line for line in found)


def test_nothing_changed_runs_no_scoped_check_at_all(project: Path, tmp_path: Path, monkeypatch) -> None:
    """A template or settings change builds again over unchanged records: no lifecycle is checked again,
    neither group by group nor over the whole tree (the findings all come from the memo)."""
    first = memo_tree(project, tmp_path / "cache")
    ran: list[str] = []
    original = scopes.run_one
    monkeypatch.setattr(scopes, "run_one", lambda check, tree, found: ran.append(check.__name__) or original(check, tree, found))
    assert memo_tree(project, tmp_path / "cache") == first
    assert not set(ran) & {check.__name__ for check in registry.SCOPES}, ran
    assert "ids_unique" in ran  # the checks without a scope still run, on the ids kept with the records
