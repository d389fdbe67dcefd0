"""A list's status, as a bidder reads it, against tables written by hand from DESIGN.md and the measures
(第九条 the order of events, 第十四条 合格/不合格, 第十五条 a failed acceptance ends the project) — never
from what the build itself wrote, so that showing a failed acceptance as 已验收, or closing 揭榜中 a day
early, fails here.

The first table walks one list's notices day by day: the day before each notice and its own day, and the
deadline day and the day after. The second builds the sample site on a deadline day and the day after and
reads the status the pages, the status facet and lists.json show.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypinyin import lazy_pinyin

from conftest import REPO, ContentRoot, doc, good_list, lifecycle
from jiebang.records.content import load_tree
from jiebang.records.lifecycle import Timeline, derive_status
from jiebang.site.build import build_site

LIST_ID = "JDZ-2022-001"  # good_list(): published 2022-10-15, deadline 2022-11-30

# lifecycle(): R01 揭榜结果公示 2022-12-20, R02 立项 2023-01-10, R03 资金拨付 2023-03-01,
# R04 中期评估 2024-07-15, R05 资金拨付 2024-08-01, R06 验收 合格 2026-02-05, R07 资金拨付 2026-03-01.
WHOLE = lifecycle()
FAILED_ACCEPTANCE = [*WHOLE[:5], {**WHOLE[5], "completion": 0.6, "conclusion": "不合格"}]  # no third tranche
STOPPED = [*WHOLE[:3], {**WHOLE[3], "conclusion": "不再支持"},
           {**WHOLE[4], "id": f"{LIST_ID}-R05", "kind": "终止", "date": "2024-08-01", "reason": "中期评估不再支持。"}]
for drop in ("tranche", "amount_wan"):
    STOPPED[-1].pop(drop)
UNAWARDED = [{"id": f"{LIST_ID}-R01", "list": LIST_ID, "kind": "流榜", "date": "2022-12-15", "body": "（示例）",
              "reason": "无符合条件的揭榜方。"}]
EXTENDED = [*WHOLE[:5], {"id": f"{LIST_ID}-R06", "list": LIST_ID, "kind": "延期", "date": "2025-12-20",
                         "body": "（示例）", "new_term_end": "2026-06-30", "reason": "设备到货延迟。"}]
CORRECTED = [{"id": f"{LIST_ID}-R01", "list": LIST_ID, "kind": "更正公告", "date": "2022-10-20", "body": "（示例）",
              "target": LIST_ID, "fields": ["deadline"], "reason": "更正揭榜截止日期。"}]
FAILED_THEN_ENDED = [*FAILED_ACCEPTANCE, {"id": f"{LIST_ID}-R07", "list": LIST_ID, "kind": "终止",
                                          "date": "2026-03-01", "body": "（示例）", "reason": "验收不合格（第十五条）。"}]

# (what the list has, the day, what a bidder must read)
EXPECTED = [
    ("no notice", [], "2022-10-15", "揭榜中"),  # the day it is published
    ("no notice", [], "2022-11-30", "揭榜中"),  # the deadline day is still open
    ("no notice", [], "2022-12-01", "评审中"),  # the day after
    ("no notice", [], "2030-01-01", "评审中"),
    ("a 更正公告 before the deadline", CORRECTED, "2022-11-30", "揭榜中"),
    ("a 更正公告 before the deadline", CORRECTED, "2022-12-01", "评审中"),
    ("whole lifecycle", WHOLE, "2022-11-30", "揭榜中"),  # later notices are not yet published
    ("whole lifecycle", WHOLE, "2022-12-01", "评审中"),
    ("whole lifecycle", WHOLE, "2022-12-19", "评审中"),
    ("whole lifecycle", WHOLE, "2022-12-20", "公示中"),
    ("whole lifecycle", WHOLE, "2023-01-09", "公示中"),
    ("whole lifecycle", WHOLE, "2023-01-10", "实施中"),
    ("whole lifecycle", WHOLE, "2024-07-15", "实施中"),  # 中期评估 继续支持
    ("whole lifecycle", WHOLE, "2026-02-04", "实施中"),
    ("whole lifecycle", WHOLE, "2026-02-05", "已验收"),
    ("whole lifecycle", WHOLE, "2026-03-01", "已验收"),  # the third tranche changes nothing
    ("failed acceptance", FAILED_ACCEPTANCE, "2026-02-04", "实施中"),
    ("failed acceptance", FAILED_ACCEPTANCE, "2026-02-05", "验收不合格"),
    ("failed acceptance", FAILED_ACCEPTANCE, "2031-01-01", "验收不合格"),
    ("failed acceptance, then 终止 (第十五条)", FAILED_THEN_ENDED, "2026-02-28", "验收不合格"),
    ("failed acceptance, then 终止 (第十五条)", FAILED_THEN_ENDED, "2026-03-01", "已终止"),
    ("stopped after 中期评估 不再支持", STOPPED, "2024-07-15", "实施中"),
    ("stopped after 中期评估 不再支持", STOPPED, "2024-07-31", "实施中"),
    ("stopped after 中期评估 不再支持", STOPPED, "2024-08-01", "已终止"),
    ("no qualified solver", UNAWARDED, "2022-11-30", "揭榜中"),
    ("no qualified solver", UNAWARDED, "2022-12-14", "评审中"),
    ("no qualified solver", UNAWARDED, "2022-12-15", "流榜"),
    ("extended term", EXTENDED, "2025-12-20", "实施中"),
    ("extended term", EXTENDED, "2026-07-01", "实施中"),  # no acceptance yet: still running
]


@pytest.mark.parametrize(("case", "notices", "day", "status"), EXPECTED,
                         ids=[f"{case}@{day}" for case, _, day, _ in EXPECTED])
def test_status_of_every_lifecycle_state(root: ContentRoot, case: str, notices: list[dict], day: str,
                                         status: str) -> None:
    from datetime import date

    root.write(good_list())
    root.write_all(notices)
    tree, _ = load_tree(root.path)
    assert derive_status(Timeline.of(tree, LIST_ID), date.fromisoformat(day)) == status


# ---------------------------------------------------------------------------------- the sample site

DEADLINE = "2026-12-18"  # JDZ-2026-001's deadline
SAMPLE = {  # list id: (status on the deadline day, the day after), read from the sample's notices by hand
    "JDZ-2026-002": ("揭榜中", "揭榜中"),  # deadline 2027-01-15
    "JDZ-2026-001": ("揭榜中", "评审中"),
    "JDZ-2025-003": ("评审中", "评审中"),  # deadline passed, no notice
    "JDZ-2025-002": ("公示中", "公示中"),  # 揭榜结果公示, no 立项
    "JDZ-2025-001": ("实施中", "实施中"),
    "JDZ-2024-003": ("实施中", "实施中"),
    "JDZ-2024-002": ("实施中", "实施中"),
    "JDZ-2024-001": ("流榜", "流榜"),
    "JDZ-2023-003": ("实施中", "实施中"),
    "JDZ-2023-002": ("实施中", "实施中"),
    "JDZ-2023-001": ("已终止", "已终止"),
    "JDZ-2022-004": ("验收不合格", "验收不合格"),  # 验收 不合格, completion 65 % (第十四条（二）1)
    "JDZ-2022-003": ("已验收", "已验收"),
    "JDZ-2022-002": ("已验收", "已验收"),
    "JDZ-2022-001": ("已验收", "已验收"),
}


@pytest.fixture(scope="module", params=[0, 1], ids=["deadline day", "day after"])
def sample_site(request, tmp_path_factory) -> tuple[Path, int]:
    from datetime import date, timedelta

    day = date.fromisoformat(DEADLINE) + timedelta(days=request.param)
    out = tmp_path_factory.mktemp("status-site") / "site"
    build_site(REPO, out, overrides={"JIEBANG_AS_OF": day.isoformat()})
    return out, request.param


def words(element) -> list[str]:
    return [" ".join(s.text_content().split()) for s in element.xpath(".//*[contains(concat(' ',@class,' '),' status ')]")]


def test_sample_lists_show_the_status_of_the_table(sample_site) -> None:
    site, after = sample_site
    data = json.loads((site / "data" / "lists.json").read_text("utf-8"))
    assert {item["id"]: item["status"] for item in data["lists"]} == {k: v[after] for k, v in SAMPLE.items()}
    for list_id, expected in SAMPLE.items():
        main = doc(site, f"/lists/{list_id}/").xpath("//main")[0]
        assert expected[after] in words(main), (list_id, words(main))
        wrong = {s for pair in SAMPLE.values() for s in pair} - {expected[after]}
        assert not wrong & set(words(main)), (list_id, words(main))


def test_the_status_facet_lists_each_list_under_its_status(sample_site) -> None:
    site, after = sample_site
    for status in {v[after] for v in SAMPLE.values()}:
        page = doc(site, f"/status/{''.join(lazy_pinyin(status))}/")
        shown = {a.get("href").rstrip("/").rsplit("/", 1)[-1] for a in page.xpath("//main//a[contains(@href,'/lists/JDZ-')]")}
        assert shown == {k for k, v in SAMPLE.items() if v[after] == status}, status
    assert doc(site, "/lists/").xpath("//main//a[contains(@href,'/status/yanshoubuhege/')]"), "no browse link to 验收不合格"
