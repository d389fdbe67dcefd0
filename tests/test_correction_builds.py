"""A 更正 between two builds, as a feed reader and an auditor meet it.

The sample project is committed in a temporary git repository and built; then JDZ-2026-001 is corrected
the way README's 操作手册 says — its second 技术指标 taken out after an unchanged first one, a `changes`
entry, a 更正公告 naming `indicators` — committed, and built again. Feed readers key entries by id: every
id of the first build must still be there, on the same entry, and no list may appear twice in a feed.
The removed item must be named 第2项 (not 第1项) in `jiebang history`, `jiebang diff`, the list page's
修订记录 and the 更正公告's table.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from conftest import doc, dump, sample_project
from jiebang.cli import main
from jiebang.site.build import build_site
from test_history import GitProject

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ATOM = "{http://www.w3.org/2005/Atom}"
LIST_ID = "JDZ-2026-001"
REMOVED = "可打印构件最大尺寸"  # its 2nd indicator; the 1st (浆料固含量) and the rest stay
REMOVED_LINES = "  - name: 可打印构件最大尺寸\n    current: 100 mm\n    target: ≥ 300 mm\n"
NOTE = "删去第2项技术指标“可打印构件最大尺寸”（与第4项重复考核）。"
CORRECTION = {"id": f"{LIST_ID}-R01", "list": LIST_ID, "kind": "更正公告", "date": "2026-12-05",
              "title": "关于更正“大尺寸复杂陶瓷构件光固化3D打印及快速脱脂烧结关键技术”榜单技术指标的公告",
              "body": "（示例）现将该榜单有关事项更正如下：删去第2项技术指标。榜单其他内容不变。",
              "target": LIST_ID, "fields": ["indicators"], "reason": "（示例）原第2项技术指标与其他指标重复考核。"}


def feeds(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.xml") if p.name.endswith((".atom.xml", ".rss.xml")))


def entries(feed: Path) -> list[tuple[str, str]]:
    """(entry id, the page it links to) of every entry of an Atom or RSS feed."""
    root = ET.parse(feed).getroot()
    if root.tag == f"{ATOM}feed":
        return [(e.findtext(f"{ATOM}id"), e.find(f"{ATOM}link").get("href")) for e in root.iter(f"{ATOM}entry")]
    return [(item.findtext("guid"), item.findtext("link")) for item in root.iter("item")]


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[GitProject, Path, Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("correction")
    project = GitProject(sample_project(tmp / "project"), init=False)
    for args in (("init", "-q", "-b", "main"), ("config", "user.name", "计划科"),
                 ("config", "user.email", "jhk@example.gov.cn"), ("config", "commit.gpgsign", "false")):
        project.git(*args)
    first = project.commit("发布样例内容", "2026-11-27T09:00:00+08:00")
    build_site(project.path, tmp / "before")

    record = project.file(LIST_ID)
    text = record.read_text("utf-8")
    assert REMOVED_LINES in text and "\nchanges:" not in text
    record.write_text(text.replace(REMOVED_LINES, "") + f"changes:\n  - date: 2026-12-05\n    note: {NOTE}\n", "utf-8")
    notice = project.file(CORRECTION["id"])
    notice.parent.mkdir(parents=True, exist_ok=True)
    notice.write_text(dump(CORRECTION), "utf-8")
    second = project.commit(f"更正 {LIST_ID} 技术指标", "2026-12-05T10:00:00+08:00")
    build_site(project.path, tmp / "after")
    return project, tmp / "before", tmp / "after", {"first": first, "second": second}


# ------------------------------------------------------------------------------------------- feed ids


def test_every_feed_entry_keeps_its_id_across_a_correction(builds) -> None:
    _, before, after, _ = builds
    assert [p.relative_to(before) for p in feeds(before)] == [p.relative_to(after) for p in feeds(after)]
    corrected = 0
    for feed in feeds(before):
        old, new = entries(feed), dict(entries(after / feed.relative_to(before)))
        by_link = {link: entry_id for entry_id, link in new.items()}
        for entry_id, link in old:
            assert entry_id in new, f"{feed.relative_to(before)}: entry {entry_id} is gone after the correction"
            assert new[entry_id] == link, f"{feed.relative_to(before)}: entry {entry_id} now points elsewhere"
            assert by_link.get(link) == entry_id, f"{feed.relative_to(before)}: {link} has a new id"
            corrected += link.endswith(f"/lists/{LIST_ID}/")
    assert corrected >= 4, "the corrected list is in too few feeds for this test to mean much"


def test_no_feed_shows_an_entry_or_a_page_twice_after_a_correction(builds) -> None:
    _, _, after, _ = builds
    for feed in feeds(after):
        found = entries(feed)
        ids, links = Counter(i for i, _ in found), Counter(link for _, link in found)
        assert not [i for i, n in ids.items() if n > 1], f"{feed}: an entry id twice"
        assert not [k for k, n in links.items() if n > 1], f"{feed}: a page twice"


def test_the_correction_itself_is_a_new_entry(builds) -> None:
    _, before, after, _ = builds
    old = {i for i, _ in entries(before / "feeds" / "all.atom.xml")}
    new = [(i, link) for i, link in entries(after / "feeds" / "all.atom.xml") if i not in old]
    assert [link.rstrip("/").rsplit("/", 1)[-1] for _, link in new] == [CORRECTION["id"]]


# --------------------------------------------------------------------------- the removed item is 第2项


def run(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_history_names_the_second_indicator(builds, capsys, monkeypatch) -> None:
    project, *_ = builds
    monkeypatch.chdir(project.path)
    out = run(capsys, "history", LIST_ID)
    assert [line for line in out.splitlines() if line.strip().startswith("技术指标")] == [
        f"  技术指标 第2项：删除：指标：{REMOVED}；现状：100 mm；目标：≥ 300 mm"], out


def test_diff_names_the_second_indicator_in_text_and_in_the_correction_table(builds, capsys, monkeypatch) -> None:
    project, _, _, shas = builds
    monkeypatch.chdir(project.path)
    text = run(capsys, "diff", shas["first"], shas["second"])
    assert f"  技术指标 第2项：删除：指标：{REMOVED}；现状：100 mm；目标：≥ 300 mm" in text.splitlines(), text
    table = run(capsys, "diff", shas["first"], shas["second"], "--format", "markdown")
    rows = [line for line in table.splitlines() if REMOVED in line]
    assert len(rows) == 1 and "| 技术指标 第2项 |" in rows[0], table


def test_list_page_and_correction_notice_name_the_second_indicator(builds) -> None:
    _, _, after, _ = builds
    page = doc(after, f"/lists/{LIST_ID}/")
    changes = [" ".join(li.text_content().split()) for li in page.xpath("//ul[@class='field-changes']/li")]
    assert [c for c in changes if c.startswith("技术指标")] == [f"技术指标 第2项：删除：指标：{REMOVED}；现状：100 mm；目标：≥ 300 mm"]
    notice = doc(after, f"/results/{CORRECTION['id']}/")
    rows = [[" ".join(td.text_content().split()) for td in tr.xpath("td")]
            for tr in notice.xpath("//table[contains(@class,'correction')]/tbody/tr")]
    assert rows == [["1", "技术指标 第2项", f"指标：{REMOVED}；现状：100 mm；目标：≥ 300 mm", "（删除）"]]
