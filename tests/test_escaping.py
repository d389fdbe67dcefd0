"""Record text is text: hostile markup in any field never becomes an element, an attribute or a script.

The attacker's door is the enterprise's Word form, which `jiebang import` copies into a record. Here
every plain-text field of a list and of every kind of notice carries a payload, and the site is built
*without* validation (as if the validator had a bug or was skipped): every page, feed and search result
must show the payload as literal text, and nothing may run in Chromium. Ordinary engineering text
(`<Ra0.8 μm`, `R&D 平台 <中试线>`, `< 5 min`) validates and reads literally, with validation on.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import lxml.html
import pytest

from conftest import ContentRoot, good_list, lifecycle
from jiebang.rules.validate import validate_paths
from jiebang.site.build import build_site

try:
    from browser import headless_chromium, serve_directory
except ImportError:  # tests/ imported as a package
    from tests.browser import headless_chromium, serve_directory

REPO = Path(__file__).resolve().parents[1]
ATOM = "{http://www.w3.org/2005/Atom}"
MARK = "jbxss"
PAYLOAD = (f"<script>alert('{MARK}')</script><img src={MARK} onerror=alert('{MARK}')>"
           f"<svg onload=alert('{MARK}')><a href=\"javascript:alert('{MARK}')\">{MARK}</a>")
MARKDOWN_PAYLOAD = f"\n\n{PAYLOAD}\n\n[{MARK}](javascript:alert('{MARK}')) <iframe src=\"//{MARK}.example\"></iframe>\n"
MARKDOWN_KEYS = {"problem", "targets", "benefits", "solver_requirements", "ip_terms", "body"}
# Keys the build needs intact to lay out its pages (ids and references, kinds, dates); every other text is hostile.
STRUCTURAL = {"id", "list", "kind", "target", "fields", "industry"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
OUR_SCRIPTS = {"/theme/js/status.js", "/theme/js/filters.js", "/theme/js/search.js", "/theme/js/print.js"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcdoc", "style", "srcset", "poster", "data"}
OUR_JAVASCRIPT_URLS: set[str] = set()  # none: the print control is a button (CSP allows no javascript: URL)


def poison(value, key: str = ""):
    """Every text of a record with the payload appended (Markdown fields get raw HTML and a bad link)."""
    if isinstance(value, dict):
        return {k: v if k in STRUCTURAL else poison(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v, key) for v in value]
    if isinstance(value, str) and not ISO_DATE.match(value):
        return value + (MARKDOWN_PAYLOAD if key in MARKDOWN_KEYS else PAYLOAD)
    return value


def every_kind_of_notice() -> list[dict]:
    """The whole lifecycle, plus a 延期, a 更正公告 and a 终止, so that every notice field is shown."""
    notices = lifecycle()
    extra = [("延期", "2025-12-01", {"new_term_end": "2026-06-30", "reason": "设备到货延迟"}),
             ("更正公告", "2022-10-20", {"target": "JDZ-2022-001", "fields": ["deadline"], "reason": "更正截止日期"}),
             ("终止", "2026-04-01", {"reason": "揭榜单位无法继续实施"})]
    for n, (kind, day, fields) in enumerate(extra, start=len(notices) + 1):
        notices.append({"id": f"JDZ-2022-001-R{n:02d}", "list": "JDZ-2022-001", "kind": kind, "date": day,
                        "body": "（示例）公告正文。", **fields})
    return notices


def project_with(tmp_path: Path, records: list[dict]) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(REPO / "theme", project / "theme")
    shutil.copy(REPO / "pelicanconf.py", project)
    shutil.copytree(REPO / "content" / "pages", project / "content" / "pages")
    ContentRoot(project / "content").write_all(records)
    return project


@pytest.fixture(scope="module")
def hostile_records() -> list[dict]:
    listing = poison(good_list(show_peers=True, peers=["景德镇市某某瓷业有限公司"],
                               host_enterprise={"name": "景德镇市示例承接企业", "credit_code": "91360203MA35A00019"},
                               changes=[{"date": "2022-10-20", "note": "更正揭榜截止日期"}]))
    return [listing, *(poison(n) for n in every_kind_of_notice())]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, hostile_records) -> Path:
    """Built with the validator switched off: the site itself must be safe."""
    tmp = tmp_path_factory.mktemp("hostile")
    project = project_with(tmp, hostile_records)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("jiebang.site.generator.check_tree", lambda tree, loading: [])
        build_site(project, tmp / "site")
    return tmp / "site"


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside inline <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def live_markup(html: str) -> list[str]:
    """What in this HTML came alive from content: foreign elements, handlers, javascript: URLs, scripts."""
    parser = Elements()
    parser.feed(html)
    found = [f"inline script {s[:40]!r}" for s in parser.inline_scripts]
    for tag, attrs in parser.tags:
        ours = tag == "script" and any(attrs.get("src", "").endswith(s) for s in OUR_SCRIPTS)
        if tag in {"script", "img", "svg", "iframe", "object", "embed"} and not ours:
            found.append(f"<{tag} {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            # Text in data-*, title or <meta content> is text; a mailto:/tel: link of ours keeps its scheme.
            if MARK in value and name in URL_ATTRIBUTES and not value.startswith(("mailto:", "tel:")):
                found.append(f"<{tag} {name}={value!r}>")
            if re.sub(r"\s", "", value).lower().startswith("javascript:") and value not in OUR_JAVASCRIPT_URLS:
                found.append(f"<{tag} {name}={value!r}>")
    return found


def test_the_hostile_record_reaches_many_pages(hostile_site: Path) -> None:
    pages = [p for p in hostile_site.rglob("*.html") if MARK in p.read_text("utf-8")]
    assert len(pages) >= 12  # list, its 10 notices, listings, industry and year pages


def test_no_page_has_an_element_attribute_or_url_of_the_contents_own(hostile_site: Path) -> None:
    alive = {str(p.relative_to(hostile_site)): live_markup(p.read_text("utf-8")) for p in hostile_site.rglob("*.html")}
    assert not {page: found for page, found in alive.items() if found}


def test_the_payload_reads_as_text_on_the_list_page(hostile_site: Path) -> None:
    text = lxml.html.fromstring((hostile_site / "lists/JDZ-2022-001/index.html").read_bytes()).text_content()
    for shown in ["（示例）日用陶瓷低温快烧釉料关键技术", "景德镇市示例陶瓷有限公司", "1300 ℃", "景德镇市某某瓷业有限公司",
                  "景德镇市示例承接企业", "更正揭榜截止日期", "市科技局计划科", "北京示例科技有限公司"]:
        assert shown + PAYLOAD in text, shown


def test_every_notice_field_reads_as_text(hostile_site: Path) -> None:
    page = lambda n: lxml.html.fromstring((hostile_site / f"results/JDZ-2022-001-R{n:02d}/index.html").read_bytes()).text_content()  # noqa: E731
    assert "北京示例科技有限公司" + PAYLOAD in page(1)  # solvers
    assert "北京市" + PAYLOAD in page(1)
    assert "市科技局计划科" + PAYLOAD in page(1)  # objection contact
    assert "设备到货延迟" + PAYLOAD in page(8)  # 延期 reason
    assert "更正截止日期" + PAYLOAD in page(9)  # 更正公告 reason
    assert "揭榜单位无法继续实施" + PAYLOAD in page(10)  # 终止 reason


def test_feeds_carry_text_as_text_and_html_only_as_cleaned_html(hostile_site: Path) -> None:
    feeds = list(hostile_site.rglob("*.atom.xml"))
    assert feeds
    titles = []
    for feed in feeds:
        root = ET.parse(feed).getroot()
        for entry in root.iter(f"{ATOM}entry"):
            titles.append(entry.findtext(f"{ATOM}title"))
            for element in (entry.find(f"{ATOM}content"), entry.find(f"{ATOM}summary")):
                if element is not None and element.get("type") == "html":
                    assert not live_markup(element.text or ""), feed  # what a reader renders
    assert "[已终止] （示例）日用陶瓷低温快烧釉料关键技术" + PAYLOAD in titles


def test_open_data_keeps_the_text_exactly(hostile_site: Path) -> None:
    import json

    data = json.loads((hostile_site / "data/lists.json").read_text("utf-8"))
    assert data["lists"][0]["demander"]["name"] == "景德镇市示例陶瓷有限公司" + PAYLOAD


def test_the_validator_reports_the_markup_in_every_plain_text_field(tmp_path: Path, hostile_records) -> None:
    root = ContentRoot(tmp_path / "content")
    root.write_all(hostile_records)
    findings = [d for d in validate_paths([root.path]) if d.rule == "text.html"]
    flagged = {(Path(d.file).stem, d.line) for d in findings}
    texts = sum(1 for r in hostile_records for _ in _texts(r))
    assert len(flagged) == texts  # one finding per hostile text, each at its own line
    assert all("纯文本字段" in d.message or "Markdown" in d.message or "HTML" in d.message for d in findings)


def _texts(value, key=""):
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in STRUCTURAL:
                yield from _texts(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v, key)
    elif isinstance(value, str) and MARK in value:
        yield value


# ------------------------------------------------------------------------- engineering text, validated


ENGINEERING = {"subfield": "R&D 平台 <中试线>", "title": "（示例）表面粗糙度 <Ra0.8 μm 的釉面抛光技术 R&D",
               "indicators": [{"name": "表面粗糙度", "current": "<Ra1.6 μm", "target": "<Ra0.8 μm"},
                              {"name": "响应时间", "current": "a < b", "target": "< 5 min"}]}


@pytest.fixture(scope="module")
def engineering_site(tmp_path_factory) -> Path:
    """Built with a pelicanconf.py that turns autoescape off: the plugin's setting wins."""
    tmp = tmp_path_factory.mktemp("engineering")
    build_site(project_with(tmp, [good_list(**ENGINEERING)]), tmp / "site",
               overrides={"JINJA_ENVIRONMENT": {"autoescape": False, "trim_blocks": True}})
    return tmp / "site"


def test_engineering_text_validates(tmp_path: Path) -> None:
    root = ContentRoot(tmp_path / "content")
    root.write(good_list(**ENGINEERING))
    assert [d for d in validate_paths([root.path]) if d.severity == "error"] == []


def test_engineering_text_reads_literally_on_every_page(engineering_site: Path) -> None:
    page = lxml.html.fromstring((engineering_site / "lists/JDZ-2022-001/index.html").read_bytes())
    cells = [c.text_content() for c in page.iter("td", "th")]
    assert [c for c in cells if c in {"<Ra1.6 μm", "<Ra0.8 μm", "a < b", "< 5 min"}] == ["<Ra1.6 μm", "<Ra0.8 μm", "a < b", "< 5 min"]
    assert "R&D 平台 <中试线>" in page.text_content()
    for listing in ["lists/index.html", "industries/taoci/index.html", "years/2022/index.html", "index.html"]:
        text = lxml.html.fromstring((engineering_site / listing).read_bytes()).text_content()
        if "表面粗糙度" in text:
            assert ENGINEERING["title"] in text, listing
    feed = ET.parse(engineering_site / "feeds/lists.atom.xml").getroot()
    [title] = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert title.endswith("] " + ENGINEERING["title"])


def test_scripts_put_record_text_into_the_page_only_as_text() -> None:
    """search.js and the others build elements and set textContent; none parses HTML from strings."""
    for script in (REPO / "theme" / "static" / "js").glob("*.js"):
        source = script.read_text("utf-8")
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function", source), script


# ------------------------------------------------------------------------------------------- Chromium


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as chromium:
        yield chromium


@pytest.mark.browser
def test_nothing_runs_in_chromium(browser, hostile_site: Path) -> None:
    dialogs: list[str] = []
    with serve_directory(hostile_site) as base:
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
        for path in ["lists/JDZ-2022-001/", "lists/", "industries/taoci/", "years/2022/", "",
                     *(f"results/JDZ-2022-001-R{n:02d}/" for n in range(1, 11)), "results/"]:
            page.goto(base + path)
            page.wait_for_load_state("load")
        page.goto(base + "lists/?industry=" + quote("陶瓷"))  # rows drawn by filters.js from lists-index.json
        page.wait_for_selector("#filters[data-ready]")
        filtered = page.inner_text("table.lists tbody")
        page.goto(base + "search/?q=" + quote("低温快烧"))
        page.wait_for_function("() => document.querySelectorAll('#search-results > li').length > 0")
        shown = page.inner_text("#search-results")
        page.wait_for_timeout(300)  # an onerror or onload would have fired by now
        page.close()
    assert not dialogs
    assert "<script>alert('jbxss')</script>" in shown  # the title, as text
    assert "<script>alert('jbxss')</script>" in filtered


@pytest.mark.browser
def test_engineering_text_reads_literally_in_search_results(browser, engineering_site: Path) -> None:
    with serve_directory(engineering_site) as base:
        page = browser.new_page()
        page.goto(base + "search/?q=" + quote("釉面抛光"))
        page.wait_for_function("() => document.querySelectorAll('#search-results > li').length > 0")
        shown = page.inner_text("#search-results")
        page.close()
    assert ENGINEERING["title"] in shown
