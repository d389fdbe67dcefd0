"""bench/gen_content.py (issue 10, "The bench"): a valid, varied content tree with a git history.

A small tree (N = 60) is generated once into a temporary folder; `jiebang validate` (and its audit
rules against the history) must pass, the tree must have the shape of the sample content (about 3.6
notices a list, every lifecycle stage), no long text may repeat, and every record must be committed
in its own year.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "bench" / "gen_content.py"
JIEBANG = Path(sys.executable).parent / "jiebang"
N = 60
KINDS = {"揭榜结果公示", "立项", "资金拨付", "中期评估", "延期", "终止", "验收", "更正公告", "流榜"}
LONG_TEXTS = ("problem", "targets", "benefits", "solver_requirements", "ip_terms")


def generate(out: Path, n: int = N) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(GENERATOR), str(n), str(out)], capture_output=True, text=True, timeout=120)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench") / f"content-{N}"
    run = generate(out)
    assert run.returncode == 0, run.stderr
    assert f"{N} lists" in run.stdout and "commits" in run.stdout
    return out


@pytest.fixture(scope="module")
def records(tree: Path) -> dict[str, list[dict]]:
    content = tree / "content"
    return {kind: [yaml.safe_load(p.read_text("utf-8")) for p in sorted((content / kind).rglob("*.yaml"))]
            for kind in ("lists", "results")}


def test_the_generator_stands_apart_from_the_package() -> None:
    """The package's modules are moving; the bench's input must not depend on them."""
    imported = set()
    for node in ast.walk(ast.parse(GENERATOR.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert "jiebang" not in imported
    assert "sys.path" not in GENERATOR.read_text("utf-8")  # nor reaches it through tools/


def test_the_tree_validates_clean(tree: Path) -> None:
    run = subprocess.run([str(JIEBANG), "validate", str(tree / "content"), "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr
    found = json.loads(run.stdout)
    assert [d for d in found if d["severity"] == "error"] == []
    assert {d["rule"] for d in found} <= {"projects.per_year"}  # 第三条's five a year: a warning at scale


def test_the_corrections_pass_the_audit_rules(tree: Path) -> None:
    """Against the state before the first correction, every later change has its 更正说明 and its
    更正公告 names exactly the fields that changed."""
    first = git(tree, "log", "--reverse", "--format=%H", "--grep=^更正").split()[0]
    run = subprocess.run([str(JIEBANG), "validate", str(tree / "content"), "--base", f"{first}~1"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr


def test_the_tree_has_the_samples_shape(tree: Path, records: dict[str, list[dict]]) -> None:
    lists, notices = records["lists"], records["results"]
    assert len(lists) == N
    assert 3 <= len(notices) / len(lists) <= 4.2
    kinds = Counter(n["kind"] for n in notices)
    assert set(kinds) == KINDS, kinds
    assert {n["conclusion"] for n in notices if n["kind"] == "验收"} == {"合格", "不合格"}
    assert {n["conclusion"] for n in notices if n["kind"] == "中期评估"} == {"继续支持", "不再支持"}
    assert {n["tranche"] for n in notices if n["kind"] == "资金拨付"} == {1, 2, 3}
    awards = [n for n in notices if n["kind"] == "揭榜结果公示"]
    assert any(len(n["solvers"]) > 1 for n in awards), "赛马制: some lists have several solvers"
    assert any(n.get("host_enterprise") for n in awards), "第五条（五）: some awards name a 承接企业"
    corrected = {n["target"] for n in notices if n["kind"] == "更正公告"}
    assert corrected and corrected == {x["id"] for x in lists if x.get("changes")}
    as_of = git(tree, "log", "-1", "--format=%cs").strip()
    assert any(str(x["deadline"]) >= as_of for x in lists), "some lists are still open (揭榜中) on the as-of date"
    assert len({x["demander"]["credit_code"][2:6] for x in lists}) == 1  # all local: one city's region code


def test_no_long_text_repeats(records: dict[str, list[dict]]) -> None:
    texts = [x[key] for x in records["lists"] for key in LONG_TEXTS] + [n["body"] for n in records["results"]]
    repeated = [text[:40] for text, count in Counter(texts).items() if count > 1]
    assert repeated == []
    assert len(texts) == len(records["lists"]) * len(LONG_TEXTS) + len(records["results"])


def test_every_record_is_committed_in_its_own_year(tree: Path, records: dict[str, list[dict]]) -> None:
    log = git(tree, "log", "--reverse", "--format=%x00%cs %s", "--name-status")
    added: dict[str, str] = {}
    commit_years, corrections = set(), []
    for entry in log.split("\0")[1:]:
        header, *files = [line for line in entry.splitlines() if line]
        day, subject = header.split(" ", 1)
        commit_years.add(int(day[:4]))
        changed = [f.split("\t") for f in files]
        if subject.startswith("更正"):
            corrections.append(changed)
        for status, path in changed:
            if status == "A":
                added[path] = day
    dates = {f"content/lists/{x['id'][4:8]}/{x['id']}.yaml": x["published"] for x in records["lists"]}
    dates |= {f"content/results/{n['id'][4:8]}/{n['id']}.yaml": n["date"] for n in records["results"]}
    assert set(added) - {p for p in added if p.startswith("content/regulation/")} == set(dates)
    for path, when in dates.items():
        assert added[path][:4] == str(when)[:4], f"{path} ({when}) added on {added[path]}"
        assert added[path] >= str(when), f"{path} committed before its date"
    assert {int(str(x["published"])[:4]) for x in records["lists"]} <= commit_years
    assert corrections, "some lists are corrected after publication"
    for changed in corrections:  # one list modified, its 更正公告 added
        assert sorted(status for status, _ in changed) == ["A", "M"]
        assert any(status == "M" and path.startswith("content/lists/") for status, path in changed)


def test_the_same_n_gives_the_same_history(tree: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert generate(again).returncode == 0
    assert git(again, "rev-parse", "HEAD") == git(tree, "rev-parse", "HEAD")
    assert git(again, "status", "--porcelain") == ""  # the working tree is a clean checkout


def test_a_folder_it_did_not_write_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    run = generate(tmp_path, 5)
    assert run.returncode == 2
    assert (tmp_path / "mine.txt").read_text() == "keep me"
