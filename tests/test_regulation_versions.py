"""A record is checked against the regulation in force on its own date (published, or a notice's date)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import REGULATION, good_list, lifecycle
from jiebang.records.regulation import load_regulations
from jiebang.rules.validate import validate

NEW_ARTICLE = "第六条（2024年修订）"


@pytest.fixture
def revised(root):
    """The root with a second regulation file from 2024-01-01: list minimum 150 万, subsidy cap 150 万."""
    text = (REGULATION / "2022-09-05.yaml").read_text("utf-8")
    old_min = "list_amount_min_wan:\n  value: 100\n  article: 第六条\n"
    old_cap = "subsidy_cap_wan:\n  value: 200\n  article: 第六条\n"
    assert old_min in text and old_cap in text and "effective: 2022-09-05\n" in text
    text = (text.replace("effective: 2022-09-05\n", "effective: 2024-01-01\n")
                .replace(old_min, f"list_amount_min_wan:\n  value: 150\n  article: {NEW_ARTICLE}\n")
                .replace(old_cap, f"subsidy_cap_wan:\n  value: 150\n  article: {NEW_ARTICLE}\n"))
    (root.path / "regulation" / "2024-01-01.yaml").write_text(text, encoding="utf-8")
    return root


def a_list(list_id: str, published: str, deadline: str, to_solver, total=300) -> dict:
    return good_list(id=list_id, published=published, deadline=deadline,
                     budget={"total_wan": total, "to_solver_wan": to_solver})


def findings(root, rule: str) -> list:
    return [d for d in validate([root.path]).diagnostics if d.rule == rule]


def test_both_versions_load_in_date_order(revised):
    regulations, problems = load_regulations(revised.path / "regulation")
    assert problems == []
    assert [str(r.effective) for r in regulations.versions] == ["2022-09-05", "2024-01-01"]
    assert regulations.in_force(date(2023, 12, 31)).value("list_amount_min_wan") == 100
    assert regulations.in_force(date(2024, 1, 1)).value("list_amount_min_wan") == 150


def test_list_before_the_change_uses_the_old_minimum(revised):
    revised.write(a_list("JDZ-2023-001", "2023-12-31", "2024-02-28", 120))
    assert validate([revised.path]).diagnostics == []


def test_list_on_the_effective_day_uses_the_new_minimum(revised):
    path = revised.write(a_list("JDZ-2024-001", "2024-01-01", "2024-02-28", 120))
    found = findings(revised, "money.list_amount_min")
    assert len(found) == 1
    d = found[0]
    assert Path(d.file).resolve() == path.resolve()
    assert d.article == NEW_ARTICLE
    assert d.message == f"榜单金额 120 万元低于《办法》{NEW_ARTICLE}规定的 150 万元下限。"
    assert d.severity == "error"


def test_same_list_two_dates_side_by_side(revised):
    revised.write(a_list("JDZ-2023-001", "2023-12-31", "2024-02-28", 120))
    revised.write(a_list("JDZ-2024-001", "2024-01-01", "2024-02-28", 120))
    found = findings(revised, "money.list_amount_min")
    assert [Path(d.file).name for d in found] == ["JDZ-2024-001.yaml"]
    assert all(d.rule != "money.list_amount_min" or "2023" not in Path(d.file).name
               for d in validate([revised.path]).diagnostics)


def test_new_minimum_boundary(revised):
    revised.write(a_list("JDZ-2024-001", "2024-06-01", "2024-07-01", 150))
    revised.write(a_list("JDZ-2024-002", "2024-06-01", "2024-07-01", 149.9999))
    found = findings(revised, "money.list_amount_min")
    assert [Path(d.file).name for d in found] == ["JDZ-2024-002.yaml"]
    assert "149.9999 万元" in found[0].message and "150 万元" in found[0].message


def test_without_the_second_file_the_2024_list_passes(root):
    root.write(a_list("JDZ-2024-001", "2024-01-01", "2024-02-28", 120))
    assert validate([root.path]).diagnostics == []


def test_old_list_still_fails_under_the_old_minimum(revised):
    revised.write(a_list("JDZ-2023-001", "2023-06-01", "2023-07-01", 99))
    found = findings(revised, "money.list_amount_min")
    assert len(found) == 1
    assert found[0].article == "第六条"
    assert "100 万元" in found[0].message and "150" not in found[0].message


def project_notices(project_date: str, subsidy) -> list[dict]:
    """Award after the 2023 list's deadline, then 立项 on `project_date`."""
    award, project = lifecycle("JDZ-2023-001")[:2]
    award.update(date="2023-12-10", notice_period={"start": "2023-12-10", "end": "2023-12-16"})
    project.update(date=project_date, contract_date=project_date, subsidy_wan=subsidy,
                   term={"start": project_date, "end": "2026-12-31"})
    return [award, project]


def test_project_before_the_change_uses_the_old_cap(revised):
    revised.write(a_list("JDZ-2023-001", "2023-10-15", "2023-11-30", 400, 500))
    revised.write_all(project_notices("2023-12-31", 180))
    assert validate([revised.path]).diagnostics == []


def test_project_after_the_change_uses_the_new_cap(revised):
    revised.write(a_list("JDZ-2023-001", "2023-10-15", "2023-11-30", 400, 500))
    revised.write_all(project_notices("2024-01-02", 180))
    found = findings(revised, "money.subsidy_cap")
    assert len(found) == 1
    d = found[0]
    assert Path(d.file).name == "JDZ-2023-001-R02.yaml"
    assert d.article == NEW_ARTICLE
    assert "180 万元" in d.message and "150 万元" in d.message
    # the list itself was published under the old measures: its 400 万 is not re-checked against 150
    assert findings(revised, "money.list_amount_min") == []


def test_project_at_the_new_cap_passes(revised):
    revised.write(a_list("JDZ-2023-001", "2023-10-15", "2023-11-30", 400, 500))
    revised.write_all(project_notices("2024-01-02", 150))
    assert validate([revised.path]).diagnostics == []


def test_file_order_does_not_matter(revised):
    # A version named so that it sorts first but takes effect later still applies only from its date.
    reg = revised.path / "regulation"
    (reg / "2024-01-01.yaml").rename(reg / "0000-revision.yaml")
    revised.write(a_list("JDZ-2023-001", "2023-12-31", "2024-02-28", 120))
    revised.write(a_list("JDZ-2024-001", "2024-01-01", "2024-02-28", 120))
    found = findings(revised, "money.list_amount_min")
    assert [Path(d.file).name for d in found] == ["JDZ-2024-001.yaml"]


def revise_in_2024(root, old: str, new: str) -> None:
    """A second regulation file, in force from 2024-01-01, with the entry `old` of the first one as `new`."""
    text = (REGULATION / "2022-09-05.yaml").read_text("utf-8")
    assert old in text
    text = text.replace("effective: 2022-09-05\n", "effective: 2024-01-01\n").replace(old, new)
    (root.path / "regulation" / "2024-01-01.yaml").write_text(text, encoding="utf-8")


def test_tranches_after_a_revision_follow_its_shares_and_cite_its_article(root):
    """The 资金拨付 shares and their article come from the measures in force on each notice's date: a
    2024 revision to 50/20/30 (cited as its own article) makes the sample's 2nd and 3rd tranches wrong,
    and says so in that article's words; the 1st, paid in 2023, is still right under the old measures.
    (A mutmut survivor: findings that lost their article fell back to the rule's declared one.)"""
    article = "第七条（2024年修订）"
    revise_in_2024(root, "tranche_shares:\n  value: [0.5, 0.3, 0.2]\n  article: 第六条\n",
                   f"tranche_shares:\n  value: [0.5, 0.2, 0.3]\n  article: {article}\n")
    root.write(good_list(id="JDZ-2022-001"))
    root.write_all(lifecycle("JDZ-2022-001"))
    found = sorted(findings(root, "money.tranches"), key=lambda d: d.file)
    assert [Path(d.file).name for d in found] == ["JDZ-2022-001-R05.yaml", "JDZ-2022-001-R07.yaml"]
    assert [d.article for d in found] == [article, article]
    assert "20%" in found[0].message and "24 万元" in found[0].message and "36 万元" in found[0].message
    assert "36 万元" in found[1].message and "24 万元" in found[1].message


def test_an_acceptance_after_a_revision_is_held_to_its_minimum_and_its_article(root):
    """验收 under a 2024 revision that raises the completion minimum to 95% and renumbers its article: the
    sample's 92% 合格 is refused, in that article's words, message and reference alike."""
    article = "第十五条（2024年修订）"
    revise_in_2024(root, "acceptance_completion_min:\n  value: 0.8\n  article: 第十四条\n",
                   f"acceptance_completion_min:\n  value: 0.95\n  article: {article}\n")
    root.write(good_list(id="JDZ-2022-001"))
    root.write_all(lifecycle("JDZ-2022-001"))
    found = findings(root, "acceptance.completion")
    assert [Path(d.file).name for d in found] == ["JDZ-2022-001-R06.yaml"]
    assert found[0].article == article
    assert "92%" in found[0].message and "95%" in found[0].message and article in found[0].message
