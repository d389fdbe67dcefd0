"""The built site, read the way a visitor, a feed reader, a spreadsheet or an auditor reads it.

The sample site is built once per session with `jiebang.site.build.build_site` (the same call `jiebang build`
makes); each test then looks at the files a user gets: pages and what they show, feeds, open data,
SHA256SUMS. No browser here: tests/test_site_browser.py drives Chromium over the same output.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import runpy
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import pytest
from icalendar import Calendar
from pypinyin import lazy_pinyin

from conftest import ContentRoot, doc, good_list, parse_page
from jiebang.records.content import load_tree
from jiebang.records.schema import SCHEMAS
from jiebang.rules.validate import validate
from jiebang.site.build import BuildError, build_site, read_sums
from jiebang.site.markup import render_markdown
from jiebang.site.spare import kept_beside

REPO = Path(__file__).resolve().parents[1]
SETTINGS = runpy.run_path(str(REPO / "pelicanconf.py"))
ATOM = "{http://www.w3.org/2005/Atom}"
CJK = re.compile(r"[\u4e00-\u9fff]")


# ------------------------------------------------------------------------------------------ the build


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build-a") / "site"
    build_site(REPO, out)
    return out


@pytest.fixture(scope="session")
def site_again(site: Path, tmp_path_factory) -> Path:
    """A second build of the same sources, started more than a second later so that any timestamp taken
    from the clock (even at one-second resolution) shows up as a difference."""
    time.sleep(1.1)
    out = tmp_path_factory.mktemp("build-b") / "site"
    build_site(REPO, out)
    return out


@pytest.fixture(scope="session")
def tree():
    content, _ = load_tree(REPO / "content")
    return content


@pytest.fixture(scope="session")
def lists_json(site: Path) -> dict:
    return json.loads((site / "data" / "lists.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def statuses(lists_json: dict) -> dict[str, str]:
    return {item["id"]: item["status"] for item in lists_json["lists"]}


def industries() -> list[str]:
    regulation = sorted((REPO / "content" / "regulation").glob("*.yaml"))[-1]
    import yaml

    return yaml.safe_load(regulation.read_text("utf-8"))["industries"]["value"]


def slug(name: str) -> str:
    return "".join(lazy_pinyin(name)).lower()


def cn(day) -> str:
    day = day if isinstance(day, date) else date.fromisoformat(str(day))
    return f"{day.year}年{day.month}月{day.day}日"


def wan(value) -> str:
    return format(Decimal(str(value)).normalize(), "f") + " 万元"


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))




def text(node) -> str:
    """Visible text, whitespace collapsed (scripts and styles dropped)."""
    parts = [t for t in node.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")]
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def compact(value: str) -> str:
    return re.sub(r"\s+", "", value)


# ------------------------------------------------------------------------------ every page of the issue


def expected_pages(tree) -> list[str]:
    pages = ["/", "/lists/", "/results/", "/regulation/", "/search/", "/data/", "/404.html", "/sitemap.xml",
             "/robots.txt", "/industries/taoci/", "/industries/jingxihuagong/"]
    pages += [f"/lists/{r.id}/" for r in tree.lists]
    pages += [f"/results/{r.id}/" for r in tree.results]
    pages += [f"/industries/{slug(name)}/" for name in industries()]
    pages += [f"/years/{year}/" for year in sorted({str(r.data['published'])[:4] for r in tree.lists})]
    return pages


def test_every_page_of_the_issue_exists(site: Path, tree) -> None:
    missing = []
    for url in expected_pages(tree):
        rel = url.lstrip("/")
        target = site / rel / "index.html" if rel == "" or rel.endswith("/") else site / rel
        if not target.is_file() or target.stat().st_size == 0:
            missing.append(url)
    assert not missing, f"pages missing from the build: {missing}"
    assert len(tree.lists) == 15 and len(tree.results) > 15  # the sample really is being exercised


def test_industry_pages_use_pinyin_slugs_and_list_their_lists(site: Path, tree) -> None:
    for name, expected in (("陶瓷", "taoci"), ("精细化工", "jingxihuagong"), ("航空", "hangkong")):
        page = doc(site, f"/industries/{expected}/")
        assert name in text(page.xpath("//h1")[0])
        ids = {r.id for r in tree.lists if r.data["industry"] == name}
        shown = {a.get("href").strip("/").split("/")[-1] for a in page.xpath("//table[contains(@class,'lists')]//a")}
        assert shown == ids, name
    home = doc(site, "/")
    assert {f"/industries/{slug(n)}/" for n in industries()} <= set(home.xpath("//a/@href"))


def test_year_pages_list_the_lists_published_that_year(site: Path, tree) -> None:
    for year in {str(r.data["published"])[:4] for r in tree.lists}:
        page = doc(site, f"/years/{year}/")
        ids = {r.id for r in tree.lists if str(r.data["published"]).startswith(year)}
        shown = {a.get("href").strip("/").split("/")[-1] for a in page.xpath("//table[contains(@class,'lists')]//a")}
        assert shown == ids, year


def test_sitemap_and_robots(site: Path, tree) -> None:
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for url in expected_pages(tree):
        if url.endswith("/"):
            assert any(loc.endswith(url) for loc in locs), f"{url} not in sitemap.xml"
    assert "/404.html" not in locs
    robots = (site / "robots.txt").read_text("utf-8")
    assert "User-agent: *" in robots and "sitemap.xml" in robots


def test_every_internal_link_resolves(site: Path) -> None:
    """A visitor never meets a broken link: every href/src to this site names a file the build wrote."""
    broken = set()
    for path in html_files(site):
        page_url = "/" + path.relative_to(site).as_posix()
        for node in parse_page(str(path)).xpath("//*[@href or @src]"):
            for attr in ("href", "src"):
                value = node.get(attr)
                if not value or value.startswith(("#", "mailto:", "javascript:", "data:", "tel:")):
                    continue
                parts = urlsplit(urljoin(page_url, value))
                if parts.scheme or parts.netloc:
                    continue
                rel = unquote(parts.path).lstrip("/")
                target = site / rel
                if rel == "" or rel.endswith("/"):
                    target = target / "index.html"
                if not target.is_file():
                    broken.add(f"{page_url} → {value}")
    assert not broken, "broken links:\n" + "\n".join(sorted(broken))


# ------------------------------------------------------------------------------------- every HTML page


def test_every_html_page_is_zh_cn_with_feed_links_and_the_sample_banner(site: Path) -> None:
    problems = []
    for path in html_files(site):
        page = parse_page(str(path))
        name = path.relative_to(site).as_posix()
        if page.get("lang") != "zh-CN":
            problems.append(f"{name}: lang={page.get('lang')!r}")
        alternates = page.xpath("//head/link[@rel='alternate']")
        types = {link.get("type") for link in alternates}
        if not {"application/atom+xml", "application/rss+xml"} <= types:
            problems.append(f"{name}: no Atom and RSS <link rel=alternate> ({types})")
        for link in alternates:
            href = link.get("href", "")
            if not link.get("title") or not (site / href.lstrip("/")).is_file():
                problems.append(f"{name}: feed link {href!r} has no title or no file")
        banners = " ".join(text(b) for b in page.xpath("//body//*[@role='note' or contains(@class,'banner')]"))
        if "示例" not in banners:
            problems.append(f"{name}: no banner saying the site is a 示例")
        if not page.xpath("//title") or not text(page.xpath("//title")[0]):
            problems.append(f"{name}: no <title>")
    assert not problems, "\n".join(problems)


def test_footer_shows_the_identity_and_says_the_sample_is_not_an_official_site(site: Path) -> None:
    identity = SETTINGS["JIEBANG_IDENTITY"]
    assert not identity["网站标识码"]  # the premise: the sample has no 网站标识码
    for path in html_files(site):
        page = parse_page(str(path))
        footer = page.xpath("//footer")
        assert footer, path
        shown = text(footer[0])
        for key in ("主办单位", "承办单位", "联系方式", "地址"):
            assert key in shown and identity[key] in shown, (path, key)
        assert "备案" not in shown and "标识码" not in shown, (path, shown)
        assert not page.xpath("//meta[@name='SiteIDCode']"), path
        assert "不是政府官方网站" in text(page.xpath("//body")[0]), path


def test_a_configured_identity_shows_its_marks(tmp_path: Path) -> None:
    identity = {**SETTINGS["JIEBANG_IDENTITY"], "网站标识码": "3602000001", "ICP备案号": "赣ICP备20220001号-1",
                "公安备案号": "赣公网安备36020002000001号"}
    out = tmp_path / "site"
    build_site(REPO, out, overrides={"JIEBANG_IDENTITY": identity})
    page = lxml.html.fromstring((out / "index.html").read_bytes())
    footer = text(page.xpath("//footer")[0])
    for key in ("网站标识码", "ICP备案号", "公安备案号"):
        assert identity[key] in footer, key
    assert page.xpath("//meta[@name='SiteIDCode']/@content") == ["3602000001"]
    assert "不是政府官方网站" not in text(page)


def test_dates_on_pages_are_written_the_chinese_way(site: Path, tree) -> None:
    padded, iso = [], []
    for path in html_files(site):
        shown = text(parse_page(str(path)))
        padded += [f"{path.relative_to(site)}: {m}" for m in re.findall(r"\d{4}年0\d月|\d{4}年\d{1,2}月0\d日", shown)]
        iso += [f"{path.relative_to(site)}: {m}" for m in re.findall(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)", shown)]
    assert not padded, padded[:10]
    assert not iso, f"ISO dates in page text: {iso[:10]}"
    record = next(r for r in tree.lists if r.id == "JDZ-2025-001")
    page = doc(site, "/lists/JDZ-2025-001/")
    assert cn(record.data["published"]) == "2025年6月10日"
    assert "2025年6月10日" in text(page)
    assert page.xpath("//time[@datetime='2025-06-10']")


# ---------------------------------------------------------------------------------------- a list page


# The title is the page's h1 and the 文号 stands above it as on a printed 公文; 经费预算 is shown through its two
# amounts, the 承接企业 as one labelled entry, and each 更正说明 as its date and note.
LABEL_EXEMPT = {("title",), ("doc_number",), ("budget",), ("show_peers",), ("changes", "date"), ("changes", "note"),
                ("host_enterprise", "name"), ("host_enterprise", "credit_code"), ("host_enterprise", "county")}


def field_titles(kind: str, data: dict, prefix: tuple = ()) -> list[tuple[tuple, str]]:
    """(path, schema title) of every field present in the record, nested objects and table columns too."""
    schema = SCHEMAS[kind]
    for step in prefix:
        schema = schema["properties"][step]
        schema = schema.get("items", schema) if "items" in schema else schema
    found = []
    for key, sub in schema.get("properties", {}).items():
        value = data.get(key)
        if value in (None, "", [], {}):
            continue
        found.append(((*prefix, key), sub["title"]))
        if isinstance(value, dict):
            found += field_titles(kind, value, (*prefix, key))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            found += field_titles(kind, value[0], (*prefix, key))
    return found


def labels(page) -> set[str]:
    """The texts a page uses as labels: headings, table headers and captions, term names, form labels."""
    found = set()
    for node in page.xpath("//main//*[self::dt or self::th or self::caption or self::h1 or self::h2 or self::h3"
                           " or self::h4 or self::label or self::legend]"):
        label = compact(text(node))
        found |= {label, label.rstrip("：:")}
    return found


def test_list_pages_label_every_form_field_with_its_schema_title(site: Path, tree) -> None:
    """附件1 征集表 is a form: a reader finds every field on the page under its schema title, as a label
    (dt, th, caption, heading) and not merely somewhere in the prose."""
    missing = {}
    for record in tree.lists:
        shown = labels(doc(site, f"/lists/{record.id}/"))
        absent = [f"{'.'.join(path)}（{title}）" for path, title in field_titles("list", record.data)
                  if path not in LABEL_EXEMPT and not (path[0] == "peers" and not record.data.get("show_peers"))
                  and compact(title) not in shown]
        if absent:
            missing[record.id] = absent
    assert not missing, "labels missing from list pages:\n" + "\n".join(f"{k}: {v}" for k, v in missing.items())


def test_list_pages_show_every_value(site: Path, tree) -> None:
    missing = {}
    for record in tree.lists:
        d = record.data
        page_text = compact(text(doc(site, f"/lists/{record.id}/").xpath("//main")[0]))
        expected = [d["id"], d["batch"], d["doc_number"], d["industry"], d["subfield"], d["title"],
                    cn(d["published"]), cn(d["deadline"]), wan(d["budget"]["total_wan"]),
                    wan(d["budget"]["to_solver_wan"]), f"{d['period_years']}年"]
        expected += [v for v in d["demander"].values() if isinstance(v, str)]
        expected += [v for v in d["contact"].values() if isinstance(v, str)]
        for row in d.get("indicators") or []:
            expected += [v for v in row.values() if isinstance(v, str)]
        if d.get("host_enterprise"):
            expected += [v for v in d["host_enterprise"].values() if isinstance(v, str)]
        if d.get("show_peers"):
            expected += d.get("peers", [])
        for key in ("problem", "targets", "benefits", "solver_requirements", "ip_terms"):
            expected.append(text(lxml.html.fragment_fromstring(render_markdown(d[key]), create_parent="div")))
        for change in d.get("changes", []):
            expected += [cn(change["date"]), change["note"]]
        absent = [v for v in expected if compact(str(v)) not in page_text]
        if absent:
            missing[record.id] = absent
    assert not missing, missing


def test_indicator_table_has_its_schema_column_titles(site: Path, tree) -> None:
    record = next(r for r in tree.lists if r.data.get("indicators"))
    table = doc(site, f"/lists/{record.id}/").xpath("//table[contains(@class,'indicators')]")
    assert table, "no indicator table"
    assert text(table[0].xpath(".//caption")[0]) == "技术指标"
    heads = [text(th) for th in table[0].xpath(".//thead//th")]
    assert heads == ["指标", "现状", "目标"], heads
    rows = table[0].xpath(".//tbody/tr")
    assert len(rows) == len(record.data["indicators"])


def test_list_pages_show_status_declaration_timeline_and_json_link(site: Path, tree, statuses) -> None:
    declaration = SETTINGS["JIEBANG_DECLARATION"]
    for record in tree.lists:
        page = doc(site, f"/lists/{record.id}/")
        main = page.xpath("//main")[0]
        status_words = [text(s) for s in main.xpath(".//*[contains(concat(' ',@class,' '),' status ')]")]
        assert statuses[record.id] in status_words, (record.id, status_words)
        assert declaration in text(main), record.id
        timeline = main.xpath(".//ol[contains(@class,'timeline')]")
        assert timeline, record.id
        notices = [r for r in tree.results if r.data["list"] == record.id]
        links = set(timeline[0].xpath(".//a/@href"))
        for notice in notices:
            assert f"/results/{notice.id}/" in links, (record.id, notice.id)
            assert cn(notice.data["date"]) in text(timeline[0])
        json_links = main.xpath(f".//a[@href='/lists/{record.id}/{record.id}.json']")
        assert json_links, record.id
        data = json.loads((site / "lists" / record.id / f"{record.id}.json").read_text("utf-8"))
        assert data["id"] == record.id and data["status"] == statuses[record.id]
        if record.data.get("changes"):
            assert "已更正" in status_words, record.id


def test_list_timeline_reads_in_date_order(site: Path, tree) -> None:
    """A 项目进程 timeline is chronological: a correction before the deadline is listed before it."""
    out_of_order = {}
    for record in tree.lists:
        stamps = doc(site, f"/lists/{record.id}/").xpath("//ol[contains(@class,'timeline')]//time/@datetime")
        if stamps != sorted(stamps):
            out_of_order[record.id] = stamps
    assert not out_of_order, out_of_order


def test_list_pages_carry_government_meta_tags(site: Path, tree) -> None:
    for record in tree.lists:
        page = doc(site, f"/lists/{record.id}/")

        def meta(name: str, page=page, list_id=record.id) -> str:
            values = page.xpath(f"//head/meta[@name='{name}']/@content")
            assert len(values) == 1, (list_id, name, values)
            return values[0]

        assert meta("SiteName") == SETTINGS["SITENAME"]
        assert meta("ColumnName")
        assert meta("ArticleTitle") == record.data["title"]
        assert meta("PubDate") == str(record.data["published"])
        assert meta("ContentSource") == SETTINGS["JIEBANG_IDENTITY"]["主办单位"]


def test_unpublished_peers_appear_nowhere(site: Path, tree, lists_json) -> None:
    """附件1's 同行企业 are public only with show_peers: true — not on the page, nor in its open data or search."""
    private = [r for r in tree.lists if r.data.get("peers") and not r.data.get("show_peers")]
    assert private, "the sample should have a list with show_peers: false"
    search_docs = [p.read_text("utf-8") for p in (site / "search").rglob("*.json")]
    leaks = []
    for record in private:
        places = {p.relative_to(site).as_posix(): p.read_text("utf-8") for p in (site / "lists" / record.id).iterdir()}
        entry = next(item for item in lists_json["lists"] if item["id"] == record.id)
        places["data/lists.json"] = json.dumps(entry, ensure_ascii=False)
        places["search/index"] = "".join(d for d in search_docs if f"/lists/{record.id}/" in d)
        leaks += [f"{record.id}: {name} in {where}" for where, body in places.items()
                  for name in record.data["peers"] if name in body]
    assert not leaks, leaks


# -------------------------------------------------------------------------------------- notice pages


def test_correction_notice_shows_the_correction_table(site: Path, tree) -> None:
    notice = next(r for r in tree.results if r.data["kind"] == "更正公告")
    page = doc(site, f"/results/{notice.id}/")
    table = page.xpath("//table[contains(@class,'correction')]") or page.xpath("//table")
    assert table, "no correction table"
    heads = [text(th) for th in table[0].xpath(".//thead//th")]
    assert heads == ["序号", "更正项", "更正前内容", "更正后内容"], heads
    rows = [[text(td) for td in tr.xpath("./td|./th")] for tr in table[0].xpath(".//tbody/tr")]
    assert len(rows) == len(notice.data["fields"])
    assert rows[0][0] == "1" and rows[0][1] == "揭榜截止日期"
    # The sample's own git history moved the deadline from 2025-07-31 to 2025-08-29 (commit 6cfd5ec).
    assert rows[0][2] == "2025年7月31日", f"更正前内容 should be the old value, not {rows[0][2]!r}"
    assert rows[0][3] == "2025年8月29日", f"更正后内容 should be the new value, not {rows[0][3]!r}"
    assert notice.data["reason"] in text(page)


def test_award_notice_shows_period_and_how_to_object(site: Path, tree) -> None:
    for notice in (r for r in tree.results if r.data["kind"] == "揭榜结果公示"):
        main = doc(site, f"/results/{notice.id}/").xpath("//main")[0]
        shown = text(main)
        period = notice.data["notice_period"]
        assert "公示期" in shown and cn(period["start"]) in shown and cn(period["end"]) in shown, notice.id
        contact = notice.data["objection_contact"]
        assert "异议" in shown and contact["name"] in shown and contact["phone"] in shown, notice.id
        for solver in notice.data["solvers"]:
            assert solver["name"] in shown, notice.id


def test_award_notice_solver_table_has_schema_titles(site: Path, tree) -> None:
    notice = next(r for r in tree.results if r.data["kind"] == "揭榜结果公示")
    heads = [text(th) for th in doc(site, f"/results/{notice.id}/").xpath("//main//table[1]//thead//th")]
    solver = SCHEMAS["result"]["properties"]["solvers"]["items"]["properties"]
    expected = ["序号"] + [solver[key]["title"] for key in ("name", "kind", "city", "credit_code")]
    assert heads == expected, heads


def test_notice_pages_show_kind_date_and_link_back(site: Path, tree) -> None:
    for notice in tree.results:
        main = doc(site, f"/results/{notice.id}/").xpath("//main")[0]
        shown = text(main)
        assert notice.data["kind"] in shown and cn(notice.data["date"]) in shown, notice.id
        assert f"/lists/{notice.data['list']}/" in main.xpath(".//a/@href"), notice.id


# ------------------------------------------------------------------------------------------------ feeds


def feed_bases(tree) -> list[str]:
    bases = ["feeds/all", "feeds/lists", "feeds/results"]
    bases += [f"feeds/industries/{slug(n)}" for n in industries()]
    bases += [f"lists/{r.id}/feed" for r in tree.lists]
    return bases


def atom_ids(path: Path) -> list[str]:
    return [e.findtext(f"{ATOM}id") for e in ET.parse(path).getroot().iter(f"{ATOM}entry")]


def test_feeds_parse_as_atom_and_rss_with_unique_entry_ids(site: Path, tree) -> None:
    for base in feed_bases(tree):
        atom = ET.parse(site / f"{base}.atom.xml").getroot()
        assert atom.tag == f"{ATOM}feed", base
        assert atom.findtext(f"{ATOM}title") and atom.findtext(f"{ATOM}updated"), base
        ids = atom_ids(site / f"{base}.atom.xml")
        assert len(ids) == len(set(ids)), base
        rss = ET.parse(site / f"{base}.rss.xml").getroot()
        assert rss.tag == "rss" and rss.get("version") == "2.0", base
        guids = [item.findtext("guid") for item in rss.iter("item")]
        assert sorted(guids) == sorted(ids), base
    assert len(atom_ids(site / "feeds/lists.atom.xml")) == len(tree.lists)
    assert len(atom_ids(site / "feeds/results.atom.xml")) == len(tree.results)
    for record in tree.lists:
        ids = atom_ids(site / f"lists/{record.id}/feed.atom.xml")
        notices = [r for r in tree.results if r.data["list"] == record.id]
        assert len(ids) == 1 + len(notices), record.id
        assert all(any(i.endswith(":" + n.id) for i in ids) for n in notices), record.id


def test_feed_entry_ids_do_not_depend_on_the_build_day(site: Path, tmp_path: Path) -> None:
    """Statuses change with the day a site is built; entry ids must not, or readers see duplicates."""
    later = tmp_path / "later"
    build_site(REPO, later, overrides={"JIEBANG_AS_OF": "2031-01-01"})
    for base in ("feeds/all", "feeds/lists", "feeds/industries/taoci"):
        assert sorted(atom_ids(site / f"{base}.atom.xml")) == sorted(atom_ids(later / f"{base}.atom.xml")), base


# -------------------------------------------------------------------------------------------- open data


def test_lists_json_carries_every_list_with_its_derived_status(site: Path, tree, lists_json) -> None:
    from jiebang.records.lifecycle import STATUSES

    assert date.fromisoformat(lists_json["as_of"])
    by_id = {item["id"]: item for item in lists_json["lists"]}
    assert set(by_id) == {r.id for r in tree.lists}
    for record in tree.lists:
        item = by_id[record.id]
        assert item["status"] in STATUSES
        assert item["title"] == record.data["title"]
        page = doc(site, f"/lists/{record.id}/")
        assert item["status"] in [text(s) for s in page.xpath("//main//*[contains(@class,'status')]")]


def test_results_json_carries_every_notice_with_derived_status(site: Path, tree, statuses) -> None:
    data = json.loads((site / "data" / "results.json").read_text("utf-8"))
    by_id = {item["id"]: item for item in data["results"]}
    assert set(by_id) == {r.id for r in tree.results}
    for notice in tree.results:
        item = by_id[notice.id]
        assert item["url"].endswith(f"/results/{notice.id}/")
        # derived, as for lists: the status of the list the notice belongs to
        assert item.get("list_status", item.get("status")) == statuses[notice.data["list"]], (
            f"{notice.id}: results.json carries no derived status (keys: {sorted(item)})")


def test_lists_csv_opens_in_excel_and_in_python(site: Path, tree, statuses) -> None:
    raw = (site / "data" / "lists.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM: Excel would show mojibake"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert all(CJK.search(cell) for cell in header), header
    assert "榜单编号" in header and "状态" in header and "重大技术需求项目名称" in header
    assert len(body) == len(tree.lists)
    assert all(len(row) == len(header) for row in body)
    got = {row[header.index("榜单编号")]: row[header.index("状态")] for row in body}
    assert got == statuses
    # No SITEURL in this build: the address is root-relative, so it still opens from the site's host
    # (tests/test_strict_readers.py checks the publish build's absolute addresses).
    addresses = {row[header.index("榜单编号")]: row[header.index("网址")] for row in body}
    assert addresses == {r.id: f"/lists/{r.id}/" for r in tree.lists}


def test_deadlines_ics_lists_every_deadline_and_marks_the_past_ones(site: Path, tree, statuses) -> None:
    """A subscribed calendar keeps every list's deadline; the summary tells open from closed."""
    calendar = Calendar.from_ical((site / "data" / "deadlines.ics").read_bytes())
    events = {str(e["uid"]).removesuffix("-deadline@jiebang"): e for e in calendar.walk("VEVENT")}
    assert sorted(events) == sorted(r.id for r in tree.lists)
    assert any(s == "揭榜中" for s in statuses.values()) and any(s != "揭榜中" for s in statuses.values())
    for record in tree.lists:
        event = events[record.id]
        assert event.decoded("dtstart").isoformat() == str(record.data["deadline"])
        summary = str(event["summary"])
        assert record.data["title"] in summary
        if statuses[record.id] == "揭榜中":
            assert summary == f"揭榜截止：{record.data['title']}", summary
        else:
            assert summary.startswith("（已截止）"), summary
    for name in industries():
        in_industry = sorted(r.id for r in tree.lists if r.data["industry"] == name)
        cal = Calendar.from_ical((site / "data" / f"deadlines-{slug(name)}.ics").read_bytes())
        assert sorted(str(e["uid"]).removesuffix("-deadline@jiebang") for e in cal.walk("VEVENT")) == in_industry, name


def test_json_schemas_are_published(site: Path) -> None:
    """The records' schemas as the editor has them, only their $id on this site (root-relative here,
    as this build has no SITEURL)."""
    for kind in ("list", "result", "regulation"):
        published = json.loads((site / "schema" / f"{kind}.schema.json").read_text("utf-8"))
        source = json.loads((REPO / "tools" / "jiebang" / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
        assert published["$id"] == f"/schema/{kind}.schema.json"
        assert {**published, "$id": source["$id"]} == source, kind
    data = json.loads((site / "data" / "lists.json").read_text("utf-8"))
    assert data["$schema"] == "/schema/data/lists.schema.json"
    assert json.loads((site / "schema" / "data" / "lists.schema.json").read_text("utf-8"))["$id"] == data["$schema"]


# -------------------------------------------------------------------------------- reproducible, hashed


def all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(site: Path, site_again: Path) -> None:
    first, second = all_files(site), all_files(site_again)
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"files differ between two builds of one commit: {differ}"


def test_sha256sums_lists_every_file_and_names_the_commit(site: Path) -> None:
    commit, sums = read_sums(site)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{40}(-dirty)?", commit), commit
    assert commit.startswith(head)
    files = {name: hashlib.sha256(body).hexdigest() for name, body in all_files(site).items() if name != "SHA256SUMS"}
    assert sums == files


# ------------------------------------------------------------------------------------------------ atomic


def copy_project(target: Path) -> Path:
    target.mkdir()
    shutil.copytree(REPO / "content", target / "content")
    shutil.copytree(REPO / "theme", target / "theme")
    shutil.copy(REPO / "pelicanconf.py", target / "pelicanconf.py")
    return target


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name not in {out.name, *kept_beside(out)} and p.name.startswith("."))


@pytest.fixture
def project_with_output(tmp_path: Path) -> tuple[Path, Path, str]:
    project = copy_project(tmp_path / "project")
    out = tmp_path / "public" / "site"
    out.parent.mkdir()
    build_site(project, out)
    return project, out, (out / "SHA256SUMS").read_text("utf-8")


def test_a_build_with_invalid_content_leaves_the_previous_site_untouched(project_with_output) -> None:
    project, out, before = project_with_output
    record = project / "content" / "lists" / "2026" / "JDZ-2026-001.yaml"
    text_ = record.read_text("utf-8")
    record.write_text(text_.replace("problem: |\n", "problem: |\n  [点此](javascript:alert(1))\n", 1), "utf-8")
    with pytest.raises(BuildError) as caught:
        build_site(project, out)
    assert "text.link_scheme" in str(caught.value)
    assert (out / "SHA256SUMS").read_text("utf-8") == before
    _, sums = read_sums(out)
    assert sums == {k: hashlib.sha256(v).hexdigest() for k, v in all_files(out).items() if k != "SHA256SUMS"}
    assert leftovers(out) == []


def test_a_build_with_a_broken_template_leaves_the_previous_site_untouched(project_with_output) -> None:
    project, out, before = project_with_output
    template = project / "theme" / "templates" / "list.html"
    template.write_text(template.read_text("utf-8").replace("{% endblock %}", "{% endfor %}", 1), "utf-8")
    with pytest.raises(Exception):  # noqa: B017 - whatever Pelican raises, the old site must survive
        build_site(project, out)
    assert (out / "SHA256SUMS").read_text("utf-8") == before
    assert leftovers(out) == []


# ------------------------------------------------------------------------------- no external requests


LINK_RELS_ALLOWED = {"alternate", "canonical", "author", "license", "help", "bookmark", "me", "external",
                     "nofollow", "noopener", "noreferrer", "next", "prev"}
URL_ATTRS = ("src", "data", "poster", "background", "action", "formaction", "ping", "manifest", "xlink:href")
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I | re.S)
JS_URL = re.compile(r"""(['"`])((?:(?:https?|wss?|ftp):)?//[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^'"`\s]*)\1""")


def is_external(url: str, allowed_hosts: frozenset = frozenset()) -> bool:
    url = url.strip().replace("\\", "/")
    parts = urlsplit(url)
    return bool(parts.netloc) and parts.hostname not in allowed_hosts


class _HTMLScanner(HTMLParser):
    def __init__(self, allowed: frozenset):
        super().__init__(convert_charrefs=True)
        self.allowed, self.found = allowed, []

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        for key in URL_ATTRS:
            if key in attrs and is_external(attrs[key], self.allowed):
                self.found.append(f"<{tag} {key}={attrs[key]}>")
        for key in ("srcset", "imagesrcset"):
            for candidate in attrs.get(key, "").split(","):
                if candidate.strip() and is_external(candidate.split()[0], self.allowed):
                    self.found.append(f"<{tag} {key}={candidate.strip()}>")
        if tag in ("link", "base") and "href" in attrs and is_external(attrs["href"], self.allowed):
            rels = set(attrs.get("rel", "").lower().split())
            if tag == "base" or not rels or not rels <= LINK_RELS_ALLOWED:
                self.found.append(f"<{tag} rel={attrs.get('rel')} href={attrs['href']}>")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            target = re.sub(r"^[^;]*;\s*url\s*=\s*", "", attrs.get("content", ""), flags=re.I)
            if is_external(target.strip("'\""), self.allowed):
                self.found.append(f"<meta refresh {target}>")
        if "style" in attrs:
            self.found += scan_css(attrs["style"], self.allowed)

    def handle_data(self, data):
        if self.lasttag == "script":
            self.found += scan_js(data, self.allowed)
        elif self.lasttag == "style":
            self.found += scan_css(data, self.allowed)


def scan_html(source: str, allowed: frozenset = frozenset()) -> list[str]:
    scanner = _HTMLScanner(allowed)
    scanner.feed(source)
    scanner.close()
    return scanner.found


def scan_css(source: str, allowed: frozenset = frozenset()) -> list[str]:
    found = []
    for match in CSS_URL.finditer(source):
        url = match.group(2) if match.group(2) is not None else match.group(4)
        if url and is_external(url, allowed):
            found.append(f"css {match.group(0)}")
    return found


def scan_js(source: str, allowed: frozenset = frozenset()) -> list[str]:
    return [f"js {m.group(2)}" for m in JS_URL.finditer(source) if is_external(m.group(2), allowed)]


def scan_xml(source: str, allowed: frozenset = frozenset()) -> list[str]:
    found = []
    for pi in re.findall(r"<\?xml-stylesheet[^?]*\?>", source):
        href = re.search(r"""href\s*=\s*(['"])(.*?)\1""", pi)
        if href and is_external(href.group(2), allowed):
            found.append(f"xml-stylesheet {href.group(2)}")
    root = ET.fromstring(source.encode("utf-8"))
    for node in root.iter():
        if node.tag.split("}")[-1] in ("content", "summary", "description", "encoded") and node.text and "<" in node.text:
            found += scan_html(node.text, allowed)  # feed readers render and load what entries embed
    return found


def scan_site(root: Path, allowed: frozenset = frozenset()) -> list[str]:
    scanners = {".html": scan_html, ".htm": scan_html, ".css": scan_css, ".js": scan_js, ".mjs": scan_js,
                ".xml": scan_xml, ".svg": scan_xml}
    found = []
    for path in sorted(root.rglob("*")):
        scanner = scanners.get(path.suffix.lower())
        if path.is_file() and scanner:
            found += [f"{path.relative_to(root).as_posix()}: {hit}" for hit in scanner(path.read_text("utf-8"), allowed)]
    return found


def test_the_site_loads_nothing_from_another_host(site: Path) -> None:
    hits = scan_site(site)
    assert not hits, "external resource loads:\n" + "\n".join(hits)


def test_the_scanner_catches_planted_external_loads(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    page = next((copy / "lists").glob("*/index.html"))
    page.write_text(page.read_text("utf-8").replace(
        "</head>", '<script src="https://cdn.example.com/lib.js"></script></head>', 1), "utf-8")
    (copy / "theme/css/site.css").write_text(
        '@import url("https://fonts.googleapis.com/css?family=Noto+Sans+SC");\n'
        + (copy / "theme/css/site.css").read_text("utf-8") + "\nbody{background:url(//img.example.net/bg.png)}\n",
        "utf-8")
    (copy / "theme/js/status.js").write_text(
        (copy / "theme/js/status.js").read_text("utf-8") + '\nfetch("https://analytics.example.com/hit");\n', "utf-8")
    feed = copy / "feeds/all.atom.xml"
    feed.write_text(feed.read_text("utf-8").replace(
        "?>", '?>\n<?xml-stylesheet type="text/xsl" href="https://cdn.example.com/feed.xsl"?>', 1), "utf-8")
    hits = "\n".join(scan_site(copy))
    for planted in ("cdn.example.com/lib.js", "fonts.googleapis.com", "img.example.net", "analytics.example.com",
                    "cdn.example.com/feed.xsl"):
        assert planted in hits, f"scanner missed {planted}:\n{hits}"


@pytest.mark.parametrize(("snippet", "external"), [
    ('<a href="https://www.most.gov.cn/">科技部</a>', False),
    ('<link rel="alternate" type="application/atom+xml" href="https://example.gov.cn/feed.xml">', False),
    ('<link rel="canonical" href="https://example.gov.cn/lists/">', False),
    ('<a href="javascript:window.print()">打印</a><a href="mailto:a@b.cn">邮件</a>', False),
    ('<img src="data:image/png;base64,AAAA" alt="">', False),
    ('<link rel="stylesheet" href="/theme/css/site.css">', False),
    ('<link rel="stylesheet" href="https://cdn.example.com/x.css">', True),
    ('<link rel="icon" href="//cdn.example.com/favicon.ico">', True),
    ('<link rel="preload" as="font" href="https://fonts.gstatic.com/x.woff2">', True),
    ('<img src="https://example.com/a.png" alt="">', True),
    ('<iframe src="https://map.example.com/"></iframe>', True),
    ('<div style="background:url(\'https://example.com/a.png\')"></div>', True),
    ('<style>@import "https://example.com/a.css";</style>', True),
    ('<script>new XMLHttpRequest().open("GET", "https://stat.example.com/x")</script>', True),
    ('<script>fetch("/search/index/meta.json")</script>', False),
    ('<form action="https://collect.example.com/"></form>', True),
])
def test_the_scanner_tells_links_from_loads(snippet: str, external: bool) -> None:
    assert bool(scan_html(snippet)) is external, scan_html(snippet)


# ---------------------------------------------------------------------------------------------- light


def test_list_pages_are_light(site: Path, tree) -> None:
    """Each list page with its stylesheet stays under 30 KB before compression (a phone on a slow link)."""
    budget = 30 * 1024
    report, heavy = [], []
    for record in tree.lists:
        page = site / "lists" / record.id / "index.html"
        parsed = parse_page(str(page))
        css = sum((site / href.lstrip("/")).stat().st_size for href in parsed.xpath("//link[@rel='stylesheet']/@href"))
        js = sum((site / src.lstrip("/")).stat().st_size for src in parsed.xpath("//script/@src"))
        size = page.stat().st_size
        report.append(f"{record.id}: html {size} B + css {css} B = {size + css} B (js {js} B)")
        if size + css >= budget:
            heavy.append(record.id)
    print("\nlist page weights (uncompressed):\n" + "\n".join(report))
    assert not heavy, f"over {budget} B: {heavy}"


# ------------------------------------------------------------------------------------ sanitised markdown


def test_a_record_with_a_javascript_link_cannot_pass_validation(root: ContentRoot) -> None:
    root.write(good_list(problem="（示例）难题见[说明](javascript:alert(1))。"))
    diagnostics = validate([root.path]).diagnostics
    assert "text.link_scheme" in [d.rule for d in diagnostics if d.severity == "error"], [
        d.as_text() for d in diagnostics]


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "[点我](  javascript:alert(1))",
    "[点我](java&#x73;cript:alert(1))",
    "[点我](vbscript:msgbox(1))",
    "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![图](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    '<div onclick="alert(1)">x</div>',
    "<iframe src=\"https://evil.example.com\"></iframe>",
    "<svg onload=alert(1)></svg>",
    '<a href="https://ok.example.com" onmouseover="alert(1)">x</a>',
    "[x]: javascript:alert(1)\n\n[参考][x]",
    "<style>body{background:url(https://evil.example.com/x)}</style>",
])
def test_render_markdown_removes_every_hostile_construct(hostile: str) -> None:
    html = render_markdown(f"（示例）正文。\n\n{hostile}\n\n结尾。")
    lowered = html.lower()
    for bad in ("<script", "onerror", "onclick", "onload", "onmouseover", "javascript:", "vbscript:", "data:text",
                "<iframe", "<svg", "<style", "<img"):
        assert bad not in lowered, f"{bad!r} survived: {html}"
    parsed = lxml.html.fragment_fromstring(html, create_parent="div")
    for node in parsed.iter():
        for attr, value in node.attrib.items():
            assert not attr.lower().startswith("on"), html
            if attr in ("href", "src"):
                assert urlsplit(value.strip()).scheme in ("", "http", "https", "mailto"), html
    assert "结尾" in html


def test_render_markdown_keeps_ordinary_markdown() -> None:
    html = render_markdown("# 标题\n\n- **要点**一\n- [科技部](https://www.most.gov.cn/)\n\n| 指标 | 目标 |\n|---|---|\n| 温度 | 1180 |")
    assert "<h3>标题</h3>" in html and "<strong>要点</strong>" in html and "<table>" in html
    assert 'href="https://www.most.gov.cn/"' in html and "noopener" in html


# ------------------------------------------------------------------------------------------ pelican traps


def test_pelican_settings_keep_records_and_paginations_apart() -> None:
    from pelican.settings import read_settings

    settings = read_settings(str(REPO / "pelicanconf.py"))
    assert {"lists", "results"} <= set(settings["ARTICLE_EXCLUDES"])
    assert {"lists", "results"} <= set(settings["PAGE_EXCLUDES"])
    patterns = settings["PAGINATION_PATTERNS"]
    later = [p for p in patterns if p[0] > 1]
    assert later and all("{base_name}/page/{number}/" in p[2] for p in later), patterns

    def save_as(base: str, number: int) -> str:
        rule = max((p for p in patterns if p[0] <= number), key=lambda p: p[0])
        return rule[2].format(base_name=base, number=number, name=base, url="", save_as="")

    bases = ["lists", "results", "industries/taoci", "years/2023", "index", "page"]
    written = [save_as(base, n) for base in bases for n in range(1, 6)]
    assert len(written) == len(set(written)), written
    # page 3 of one list of pages is never another page's file
    assert all(save_as(base, 3) != save_as(other, n) for base in bases for other in bases for n in (1, 2)
               if (base, 3) != (other, n))


def test_records_never_become_pelican_content(site: Path, tree) -> None:
    """Pelican reads no record (a key such as `save_as`, `template` or `status: draft` would steer it):
    its only pages are content/pages, and a record cannot carry Pelican metadata keys."""
    from jiebang.site.generator import page_jobs

    assert not (site / "category").exists() and not (site / "tag").exists() and not (site / "author").exists()
    pelican_pages = {p.parent.name for p in site.glob("*/index.html")} - {
        "lists", "results", "regulation", "search", "data"}
    assert pelican_pages == {p.stem for p in (REPO / "content" / "pages").glob("*.md")}, pelican_pages
    for key in ("save_as", "url", "template", "slug", "status", "lang", "category", "tags", "summary", "modified"):
        assert key not in SCHEMAS["list"]["properties"] and key not in SCHEMAS["result"]["properties"], key
    assert SCHEMAS["list"].get("additionalProperties") is False and SCHEMAS["result"].get("additionalProperties") is False
    # a page job hands a record to its template as one object, never its keys spread into the context
    from jiebang.site.model import build_site_data, content_as_of

    record_keys = set(SCHEMAS["list"]["properties"]) | set(SCHEMAS["result"]["properties"])
    data = build_site_data(tree, {"list": "lists/{id}/", "result": "results/{id}/", "industry": "industries/{slug}/",
                                  "year": "years/{year}/"}, content_as_of(REPO / "content", tree))
    for job in page_jobs(data, SETTINGS):
        assert not (set(job.context) & record_keys), (job.save_as, set(job.context) & record_keys)


def test_a_record_cannot_smuggle_pelican_metadata(root: ContentRoot) -> None:
    root.write(good_list(save_as="../index.html", template="page", status="draft"))
    rules = [d.rule for d in validate([root.path]).diagnostics]
    assert rules.count("schema.unknown_field") == 3, rules
