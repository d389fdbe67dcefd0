"""Search finds every record text a page shows (issue 11, item 1).

Every string field of a list and of every kind of notice carries a sentinel of its own; the site is
built (validation off, as the sentinels break formats), and every sentinel a list or notice page shows
must find that page through the built search index. A template that starts showing a field which
jiebang.site.search.fields does not declare fails here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest

from conftest import ContentRoot, good_list, lifecycle
from jiebang.site.build import build_site
from jiebang.site.search.reader import SearchIndexReader

REPO = Path(__file__).resolve().parents[1]
# Keys the build needs intact to lay out its pages (ids, references, kinds, facets); every other text is marked.
STRUCTURAL = {"id", "list", "kind", "target", "fields", "industry"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SENTINEL = re.compile(r"zq\d+x")


class Marker:
    """Appends a sentinel of its own to every string leaf, remembering where each went."""

    def __init__(self) -> None:
        self.planted: dict[str, str] = {}  # sentinel -> record id and field path

    def mark(self, value, where: str, key: str = ""):
        if isinstance(value, dict):
            return {k: v if k in STRUCTURAL else self.mark(v, f"{where}.{k}", k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.mark(v, f"{where}[{i}]", key) for i, v in enumerate(value)]
        if isinstance(value, str) and not ISO_DATE.match(value):
            sentinel = f"zq{len(self.planted)}x"
            self.planted[sentinel] = where
            return f"{value} {sentinel}"
        return value


def records() -> list[dict]:
    """A list with every optional field, its whole lifecycle with a 延期, 更正公告 and 终止, and a 流榜 list."""
    listing = good_list(
        show_peers=True,
        peers=["景德镇市某某瓷业有限公司"],
        host_enterprise={
            "name": "景德镇市示例承接企业",
            "credit_code": "91360203MA35A00019",
            "county": "昌江区",
        },
        changes=[{"date": "2022-10-20", "note": "更正揭榜截止日期"}],
        indicators=[{"name": "烧成温度", "current": "1300 ℃", "target": "≤ 1180 ℃"}],
    )
    notices = lifecycle()
    notices[0]["host_enterprise"] = {"name": "景德镇市示例承接企业", "credit_code": "91360203MA35A00019"}
    notices[0]["title"] = "揭榜结果公示"
    extra = [
        ("延期", "2025-12-01", {"new_term_end": "2026-06-30", "reason": "设备到货延迟"}),
        (
            "更正公告",
            "2022-10-20",
            {"target": "JDZ-2022-001", "fields": ["deadline"], "reason": "更正截止日期"},
        ),
        ("终止", "2026-04-01", {"reason": "揭榜单位无法继续实施", "doc_number": "景科字〔2026〕9号"}),
    ]
    for n, (kind, day, fields) in enumerate(extra, start=len(notices) + 1):
        notices.append(
            {
                "id": f"JDZ-2022-001-R{n:02d}",
                "list": "JDZ-2022-001",
                "kind": kind,
                "date": day,
                "body": "公告正文。",
                **fields,
            }
        )
    failed = good_list(id="JDZ-2022-002", title="流榜的榜单")
    notices.append(
        {
            "id": "JDZ-2022-002-R01",
            "list": "JDZ-2022-002",
            "kind": "流榜",
            "date": "2022-12-20",
            "body": "无合格揭榜方。",
            "reason": "无单位揭榜",
        }
    )
    return [listing, failed, *notices]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Marker, list[dict]]:
    tmp = tmp_path_factory.mktemp("sentinels")
    marker = Marker()
    marked = [marker.mark(r, r["id"]) for r in records()]
    project = tmp / "project"
    project.mkdir()
    shutil.copytree(REPO / "theme", project / "theme")
    shutil.copy(REPO / "pelicanconf.py", project)
    shutil.copytree(REPO / "content" / "pages", project / "content" / "pages")
    ContentRoot(project / "content").write_all(marked)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("jiebang.site.generator.check_tree", lambda tree, loading: [])
        build_site(project, tmp / "site")
    return tmp / "site", marker, marked


def shown_sentinels(page: Path) -> set[str]:
    """The sentinels in the text of a record's <article>, its revision history aside (not the record's text)."""
    article = lxml.html.fromstring(page.read_bytes()).find(".//article")
    for revisions in article.find_class("revisions"):
        revisions.drop_tree()
    return set(SENTINEL.findall(article.text_content()))


def record_pages(site: Path, marked: list[dict]) -> dict[str, Path]:
    pages = {}
    for record in marked:
        folder = "results" if "list" in record else "lists"
        pages[f"/{folder}/{record['id']}/"] = site / folder / record["id"] / "index.html"
    return pages


def test_every_text_a_record_page_shows_finds_that_page(built) -> None:
    site, marker, marked = built
    reader = SearchIndexReader(site / "search")
    missing = {}
    shown_anywhere: set[str] = set()
    for url, page in record_pages(site, marked).items():
        shown = shown_sentinels(page)
        shown_anywhere |= shown
        lost = sorted(s for s in shown if url not in {hit.url for hit in reader.search(s)})
        if lost:
            missing[url] = [marker.planted[s] for s in lost]
    assert missing == {}, f"shown on the page but not found by search: {missing}"
    # The check covered the fields: every planted text is on some page but for those kept unpublished.
    hidden = {marker.planted[s] for s in set(marker.planted) - shown_anywhere}
    assert hidden == set(), hidden


def test_a_sentinel_finds_only_the_pages_that_show_it(built) -> None:
    site, marker, marked = built
    reader = SearchIndexReader(site / "search")
    pages = {url: shown_sentinels(page) for url, page in record_pages(site, marked).items()}
    for sentinel in sorted(marker.planted)[::3]:
        expected = {url for url, shown in pages.items() if sentinel in shown}
        assert {hit.url for hit in reader.search(sentinel)} == expected, marker.planted[sentinel]


def test_markdown_is_indexed_as_the_words_a_reader_sees() -> None:
    from jiebang.site.search.fields import markdown_text

    assert (
        markdown_text("低温快烧**釉**料，见[《办法》第十条](https://example.gov.cn/x)")
        == "低温快烧釉料，见《办法》第十条"
    )
    assert markdown_text("`SiC`陶瓷与*氮化硅*、__碳化硼__、~~旧~~新") == "SiC陶瓷与氮化硅、碳化硼、旧新"
    assert markdown_text("- 5 * 10 与 2*3") == "- 5 * 10 与 2*3"  # a lone asterisk is no emphasis


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("sample") / "site"
    build_site(REPO, site)
    return site


def test_a_correction_notice_is_found_by_what_its_table_says_was_corrected(sample_site: Path) -> None:
    """The 更正前/更正后 texts come from git history (the sample content's), not from the notice's record."""
    reader = SearchIndexReader(sample_site / "search")
    checked = 0
    for page in sorted((sample_site / "results").glob("*/index.html")):
        tables = lxml.html.fromstring(page.read_bytes()).find_class("correction")
        for row in tables[0].iter("tr") if tables else ():
            cells = [td.text_content() for td in row.findall("td")]
            if len(cells) != 4:
                continue  # the header, or a row saying git has no record of the change
            url = f"/results/{page.parent.name}/"
            for text in cells[1:]:
                assert url in {hit.url for hit in reader.search(text[:40])}, (url, text)
                checked += 1
    assert checked >= 3  # the sample has one 更正公告 whose change git shows: label, before, after


@pytest.mark.parametrize("term", ["技术秘密", "拟揭榜单位", "3D打印"])
def test_the_terms_the_issue_found_nothing_for_find_every_sample_page_showing_them(sample_site: Path,
                                                                                   term: str) -> None:
    """Issue 11.1 tried these as a bidder: 知识产权归属 (技术秘密; 相关法律 is no longer in the sample), a 更正公告's reason (揭榜单位) and
    a mixed term found nothing. Each now finds every sample page whose record text shows it, and only those."""
    reader = SearchIndexReader(sample_site / "search")
    showing = set()
    for folder in ("lists", "results"):
        for page in sorted((sample_site / folder).glob("*/index.html")):
            article = lxml.html.fromstring(page.read_bytes()).find(".//article")
            for revisions in article.find_class("revisions"):
                revisions.drop_tree()
            if term in article.text_content():
                showing.add(f"/{folder}/{page.parent.name}/")
    assert showing, f"no sample page shows {term}"
    assert {hit.url for hit in reader.search(term)} == showing
