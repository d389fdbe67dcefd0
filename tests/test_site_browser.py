"""The built sample site in a real Chromium, as bidders use it: accessible (axe-core), nothing fetched from
another host, usable on a 375 px phone and at 400 % zoom, readable without JavaScript, filterable,
honest about deadlines that passed after the build, and printable as a clean 公告.

Debian's chromium is launched through tests/browser.py; the site is built once for the module and served
on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

try:
    from browser import headless_chromium, serve_directory
except ImportError:  # tests/ imported as a package
    from tests.browser import headless_chromium, serve_directory
from jiebang.site.build import build_site

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
LOOPBACK = "127.0.0.1"

LIST_PAGE = "lists/JDZ-2025-001/"  # corrected, with solvers, a timeline and an indicator table
AWARD_NOTICE = "results/JDZ-2025-001-R02/"  # 揭榜结果公示
CORRECTION_NOTICE = "results/JDZ-2025-001-R01/"  # 更正公告

EVERY_PAGE_TYPE = ["", "lists/", LIST_PAGE, "results/", AWARD_NOTICE, CORRECTION_NOTICE, "industries/taoci/",
                   "years/2026/", "regulation/", "search/?q=陶瓷", "data/", "404.html", "about/", "guide/"]


# ----------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser-site") / "site"
    build_site(REPO, out)
    return out


@pytest.fixture(scope="module")
def lists(site: Path) -> list[dict]:
    return json.loads((site / "data" / "lists.json").read_text("utf-8"))["lists"]


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve_directory(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as chromium:
        yield chromium


class Guard:
    """Routes every request of a browser context: loopback goes through, anything else is refused and noted."""

    def __init__(self) -> None:
        self.external: list[str] = []
        self.failed: list[str] = []

    def route(self, route) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == LOOPBACK:
            route.continue_()
        else:
            self.external.append(f"{route.request.resource_type} {route.request.url}")
            route.abort()

    def response(self, response) -> None:
        if response.status >= 400 and not response.url.endswith("/404.html"):
            self.failed.append(f"{response.status} {response.url}")


@pytest.fixture(scope="module")
def national_url(national_site: Path) -> Iterator[str]:
    """bench/gen_content.py's 130 lists (conftest), served: /lists/ runs over three pages."""
    with serve_directory(national_site) as url:
        yield url


@pytest.fixture(scope="module")
def national_lists(national_site: Path) -> dict:
    return json.loads((national_site / "data" / "lists.json").read_text("utf-8"))


@pytest.fixture
def open_context(browser, base_url: str):
    """Make guarded browser contexts (on the sample site unless told another base URL); after the test, no
    context may have asked another host for anything."""
    made: list[tuple[object, Guard]] = []

    def make(base: str | None = None, **options):
        context = browser.new_context(base_url=base or base_url, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
        guard = Guard()
        context.route("**/*", guard.route)
        context.on("response", guard.response)
        made.append((context, guard))
        return context, guard

    yield make
    external = [url for _, guard in made for url in guard.external]
    for context, _ in made:
        context.close()
    assert not external, "requests to other hosts:\n" + "\n".join(external)


@pytest.fixture
def page(open_context):
    context, _ = open_context()
    return context.new_page()


def wait_for_filters(page) -> None:
    """filters.js shows the form once it has read /data/lists-index.json (and applied the URL's filters)."""
    page.wait_for_selector("#filters[data-ready]")


def shown_ids(page) -> list[str]:
    return [r["id"] for r in visible_rows(page)]


def visible_rows(page) -> list[dict]:
    return page.eval_on_selector_all(
        "table.lists tbody tr",
        "rows => rows.filter(r => r.offsetParent !== null).map(r => ({industry: r.dataset.industry, "
        "status: r.dataset.status, id: r.cells[0].textContent.trim()}))")


# ---------------------------------------------------------------------------------------------- axe-core


AXE_PAGES = {"home": "", "lists": "lists/", "list": LIST_PAGE, "notice": AWARD_NOTICE, "search": "search/",
             "regulation": "regulation/"}


@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_axe_finds_no_serious_or_critical_violation(page, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(AXE_PAGES[name])
    page.wait_for_load_state("networkidle")
    violations = Axe().run(page).response["violations"]
    for v in violations:
        nodes = "; ".join(f"{', '.join(map(str, n['target']))} ← {n.get('failureSummary', '').splitlines()[-1:]}"
                          for n in v["nodes"][:5])
        print(f"[{name}] {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s): {nodes}")
    serious = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:5]]}"
               for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"/{AXE_PAGES[name]}:\n" + "\n".join(serious)


def test_axe_is_wired_up(page) -> None:
    """The check above can fail: an image without alt text planted into a served page is reported."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto("")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\\'/x.png\\'>')")
    found = {v["id"]: v["impact"] for v in Axe().run(page).response["violations"]}
    assert found.get("image-alt") == "critical", found


# ------------------------------------------------------------------------------------- nothing external


def test_every_page_type_loads_with_nothing_but_its_own_host(open_context) -> None:
    context, guard = open_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    for path in EVERY_PAGE_TYPE:
        page.goto(path, wait_until="load")
    page.goto("search/?q=釉料")
    page.wait_for_selector("#search-results li", timeout=5000)
    assert not guard.external, guard.external  # also checked by the fixture, stated here for the reader
    assert not guard.failed, "requests the site could not answer:\n" + "\n".join(guard.failed)
    assert not errors, "script errors:\n" + "\n".join(errors)


# ----------------------------------------------------------------------------------- phone and zoom


OVERFLOW_REPORT = """width => {
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0) {
      const inside = wide.some(w => w.el.contains(el));
      if (!inside) wide.push({el, right: Math.round(r.right)});
    }
  }
  return {scrollWidth: document.scrollingElement.scrollWidth,
          culprits: wide.slice(0, 6).map(w => w.el.tagName.toLowerCase() + (w.el.className ? '.' + w.el.className : '')
                                        + ' → ' + w.right + 'px: ' + w.el.textContent.trim().slice(0, 30))};
}"""


@pytest.mark.parametrize("width", [375, 320], ids=["phone-375", "reflow-400pct-320"])
@pytest.mark.parametrize("path", ["", "lists/", LIST_PAGE, AWARD_NOTICE, CORRECTION_NOTICE, "data/", "regulation/"])
def test_no_horizontal_scrolling_on_a_phone_or_at_400_percent_zoom(open_context, path: str, width: int) -> None:
    """375 px is a common phone; 320 CSS px is a 1280 px window at 400 % zoom (WCAG 2.1 SC 1.4.10 Reflow)."""
    context, _ = open_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(path)
    report = page.evaluate(OVERFLOW_REPORT, width)
    assert report["scrollWidth"] <= width, f"/{path} scrolls sideways at {width}px: {report}"


@pytest.mark.parametrize("width", [1280, 375])
def test_the_menu_lines_up_with_the_site_name_and_the_page(open_context, width: int) -> None:
    """On a wide screen the masthead, the menu and the page share one centred column: the menu's
    first item starts where the site's name and the page's heading do, not at the window's edge."""
    context, _ = open_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto("lists/")
    left = page.evaluate("""() => Object.fromEntries(['.site-name', '.nav li', 'main h1'].map(
        s => [s, Math.round(document.querySelector(s).getBoundingClientRect().left)]))""")
    assert left[".nav li"] == left[".site-name"] == left["main h1"], left
    assert left[".nav li"] == (1280 - 72 * 16) // 2 + 16 if width == 1280 else 16, left  # centred at 72rem
    """A 1280 px window at 200 % is 640 CSS px wide: the list page and /lists/ still fit."""
    context, _ = open_context(viewport={"width": 640, "height": 800})
    page = context.new_page()
    for path in ("", "lists/", LIST_PAGE, AWARD_NOTICE):
        page.goto(path)
        report = page.evaluate(OVERFLOW_REPORT, 640)
        assert report["scrollWidth"] <= 640, f"/{path}: {report}"


# -------------------------------------------------------------------------------------- no JavaScript


def test_lists_without_javascript_show_the_rows_and_browse_links(open_context, lists) -> None:
    """The sample's 14 lists fit on one page: all shown, no pager, and the browse links lead on."""
    context, _ = open_context(java_script_enabled=False)
    page = context.new_page()
    page.goto("lists/")
    rows = page.locator("table.lists tbody tr")
    assert rows.count() == len(lists)
    for i in range(rows.count()):
        assert rows.nth(i).is_visible()
    assert not page.locator("#filters").is_visible(), (
        "the filter form needs JavaScript: without it, it must stay hidden rather than offer dead controls")
    assert page.locator("nav.pager").count() == 0
    browse = page.locator("nav.browse a")
    hrefs = {browse.nth(i).get_attribute("href") for i in range(browse.count()) if browse.nth(i).is_visible()}
    assert "/industries/taoci/" in hrefs and "/industries/jingxihuagong/" in hrefs, hrefs
    for prefix in ("/years/", "/status/", "/counties/"):
        assert any(h.startswith(prefix) for h in hrefs), (prefix, hrefs)
    page.locator("nav.browse").get_by_role("link", name="陶瓷", exact=True).click()
    assert page.url.endswith("/industries/taoci/")
    assert page.locator("table.lists tbody tr").count() == sum(1 for item in lists if item["industry"] == "陶瓷")


def test_list_page_is_fully_readable_without_javascript(open_context, lists) -> None:
    context, _ = open_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(LIST_PAGE)
    item = next(i for i in lists if LIST_PAGE.endswith(f"/{i['id']}/"))
    assert page.locator("h1").inner_text() == item["title"]
    for heading in ("技术难题概述", "预期技术目标", "预期经济社会效益", "揭榜方条件", "知识产权归属与利益分配", "项目进程"):
        assert page.get_by_role("heading", name=heading).is_visible(), heading
    assert page.locator("main .status", has_text=item["status"]).first.is_visible()
    assert page.locator(".declaration").is_visible()
    assert page.locator("table.indicators").is_visible()


# -------------------------------------------------------------------------------------------- filters


def test_industry_filter_shows_only_that_industry_and_updates_the_count(page, lists) -> None:
    page.goto("lists/")
    wait_for_filters(page)
    assert page.locator("#filters").is_visible()
    page.select_option("select[name=industry]", "陶瓷")
    rows = visible_rows(page)
    expected = sorted(i["id"] for i in lists if i["industry"] == "陶瓷")
    assert sorted(r["id"] for r in rows) == expected
    assert {r["industry"] for r in rows} == {"陶瓷"}
    count = page.locator("#filter-count").inner_text()
    assert f"{len(expected)}" in count and f"{len(lists)}" in count, count
    assert "industry=" in page.url  # the filtered view can be bookmarked and shared


def test_status_filter(page, lists) -> None:
    page.goto("lists/")
    wait_for_filters(page)
    page.select_option("select[name=status]", "实施中")
    rows = visible_rows(page)
    assert sorted(r["id"] for r in rows) == sorted(i["id"] for i in lists if i["status"] == "实施中")
    page.select_option("select[name=industry]", "航空")
    assert [r for r in visible_rows(page) if not (r["industry"] == "航空" and r["status"] == "实施中")] == []
    page.select_option("select[name=status]", "")
    page.select_option("select[name=industry]", "")
    assert len(visible_rows(page)) == len(lists)
    assert str(len(lists)) in page.locator("#filter-count").inner_text()


def test_filter_from_the_url_is_applied_on_load(page, lists) -> None:
    page.goto("lists/?industry=航空")
    wait_for_filters(page)
    assert page.locator("select[name=industry]").input_value() == "航空"
    rows = visible_rows(page)
    assert sorted(r["id"] for r in rows) == sorted(i["id"] for i in lists if i["industry"] == "航空")
    assert rows


# ------------------------------------------------------------------------- pages and filters at scale


def as_built(open_context, national_url: str, national_lists: dict, **options):
    """A page on the national site whose clock reads the build's as-of day, so statuses stay as built."""
    context, _ = open_context(national_url, **options)
    page = context.new_page()
    page.clock.set_fixed_time(at(date.fromisoformat(national_lists["as_of"])))
    return page


def test_a_filter_set_in_the_form_is_in_the_url_and_that_url_shows_the_same_rows(open_context, national_url,
                                                                               national_lists) -> None:
    items = national_lists["lists"]
    page = as_built(open_context, national_url, national_lists)
    page.goto("lists/")
    wait_for_filters(page)
    page.select_option("select[name=industry]", "陶瓷")
    page.select_option("select[name=county]", "珠山区")
    expected = [i["id"] for i in items if i["industry"] == "陶瓷" and i["demander"].get("county") == "珠山区"]
    assert 0 < len(expected) <= 50
    assert shown_ids(page) == expected
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"industry": ["陶瓷"], "county": ["珠山区"]}, page.url
    assert f"符合条件 {len(expected)} 个" in page.locator("#filter-count").inner_text()
    shared = page.url
    other = as_built(open_context, national_url, national_lists)
    other.goto(shared)
    wait_for_filters(other)
    assert shown_ids(other) == expected
    assert other.locator("select[name=industry]").input_value() == "陶瓷"
    assert other.locator("select[name=county]").input_value() == "珠山区"


def test_filtered_rows_page_through_with_their_own_pager(open_context, national_url, national_lists) -> None:
    expected = [i["id"] for i in national_lists["lists"] if i["status"] == "流榜"]
    assert len(expected) > 50, "the generated tree should have more than a page of 流榜"
    page = as_built(open_context, national_url, national_lists)
    page.goto("lists/")
    wait_for_filters(page)
    page.select_option("select[name=status]", "流榜")
    assert shown_ids(page) == expected[:50]
    assert not page.locator("#pager").is_visible(), "the plain pager pages the unfiltered list: hidden now"
    pager = page.locator("#filter-pager")
    assert pager.get_attribute("aria-label") and pager.locator("[aria-current=page]").text_content() == "第 1 页"
    assert "第 1 / 2 页" in page.locator("#filter-count").inner_text()
    pager.locator("a[rel=next]").click()
    assert parse_qs(urlsplit(page.url).query) == {"status": ["流榜"], "page": ["2"]}, page.url
    assert shown_ids(page) == expected[50:]
    assert pager.locator("[aria-current=page]").text_content() == "第 2 页"
    page.reload()
    wait_for_filters(page)
    assert shown_ids(page) == expected[50:]
    page.go_back()
    assert shown_ids(page) == expected[:50]
    # Unfiltered, ?page=2 shows what the plain /lists/page/2/ shows.
    page.goto("lists/?page=2")
    wait_for_filters(page)
    assert shown_ids(page) == [i["id"] for i in national_lists["lists"]][50:100]


def test_without_javascript_page_1_its_pager_and_browse_links_work(open_context, national_url,
                                                                   national_lists) -> None:
    items = national_lists["lists"]
    page = as_built(open_context, national_url, national_lists, java_script_enabled=False)
    page.goto("lists/")
    assert not page.locator("#filters").is_visible()
    assert shown_ids(page) == [i["id"] for i in items][:50]
    pager = page.locator("nav.pager")
    assert pager.is_visible() and pager.get_attribute("aria-label")
    pager.locator("a[rel=next]").click()
    assert page.url.endswith("/lists/page/2/")
    assert shown_ids(page) == [i["id"] for i in items][50:100]
    assert "第 2 页" in page.title()
    page.locator("nav.pager").get_by_role("link", name="第 3 页").click()
    assert page.url.endswith("/lists/page/3/") and shown_ids(page) == [i["id"] for i in items][100:]
    page.goto("lists/")
    page.locator("nav.browse").get_by_role("link", name="流榜", exact=True).click()
    assert page.url.endswith("/status/liubang/")
    unawarded = [i["id"] for i in items if i["status"] == "流榜"]
    assert shown_ids(page) == unawarded[:50]
    page.locator("nav.pager a[rel=next]").click()
    assert page.url.endswith("/status/liubang/page/2/") and shown_ids(page) == unawarded[50:]


NATIONAL_AXE_PAGES = {"lists-page-2": "lists/page/2/", "lists-filtered": "lists/?status=流榜&page=2",
                      "status": "status/liubang/", "results-page-2": "results/page/2/"}


@pytest.mark.parametrize("name", list(NATIONAL_AXE_PAGES))
def test_axe_finds_nothing_serious_on_paged_and_filtered_listings(open_context, national_url, national_lists,
                                                                   name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = as_built(open_context, national_url, national_lists)
    page.goto(NATIONAL_AXE_PAGES[name])
    if name == "lists-filtered":
        wait_for_filters(page)
    violations = Axe().run(page).response["violations"]
    serious = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:5]]}"
               for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"/{NATIONAL_AXE_PAGES[name]}:\n" + "\n".join(serious)


@pytest.mark.parametrize("path", ["lists/page/2/", "lists/?status=流榜&page=2", "results/page/5/"])
def test_pagers_fit_a_320px_screen(open_context, national_url, national_lists, path: str) -> None:
    page = as_built(open_context, national_url, national_lists, viewport={"width": 320, "height": 800})
    page.goto(path)
    if "?" in path:
        wait_for_filters(page)
    report = page.evaluate(OVERFLOW_REPORT, 320)
    assert report["scrollWidth"] <= 320, f"/{path}: {report}"


# --------------------------------------------------------------------------------------- status script


@pytest.fixture(scope="module")
def open_list(lists) -> dict:
    candidates = sorted((i for i in lists if i["status"] == "揭榜中"), key=lambda i: i["deadline"])
    assert candidates, "the sample should have a list open for bids"
    return candidates[0]


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0)


def test_status_turns_to_review_once_the_deadline_has_passed(open_context, open_list) -> None:
    deadline = date.fromisoformat(open_list["deadline"])
    context, _ = open_context()
    page = context.new_page()
    page.clock.set_fixed_time(at(deadline + timedelta(days=1)))
    page.goto(f"lists/{open_list['id']}/")
    assert page.locator("main .status").first.inner_text() == "评审中"
    page.goto("lists/")
    row = page.locator("table.lists tbody tr", has_text=open_list["id"])
    assert row.get_attribute("data-status") == "评审中"
    assert row.locator(".status").inner_text() == "评审中"
    wait_for_filters(page)
    page.select_option("select[name=status]", "揭榜中")
    assert open_list["id"] not in [r["id"] for r in visible_rows(page)]
    page.select_option("select[name=status]", "评审中")  # the rows the filters draw from the index say so too
    row = page.locator("table.lists tbody tr", has_text=open_list["id"])
    assert row.get_attribute("data-status") == "评审中" and row.locator(".status").inner_text() == "评审中"


def test_status_stays_open_on_the_deadline_day(open_context, open_list) -> None:
    context, _ = open_context()
    page = context.new_page()
    page.clock.set_fixed_time(at(date.fromisoformat(open_list["deadline"])))
    page.goto(f"lists/{open_list['id']}/")
    assert page.locator("main .status").first.inner_text() == "揭榜中"


def test_home_no_longer_offers_a_list_whose_deadline_passed(open_context, open_list) -> None:
    """The home page's 正在揭榜的榜单 must not keep inviting bids after the deadline (built before it)."""
    context, _ = open_context()
    page = context.new_page()
    page.clock.set_fixed_time(at(date.fromisoformat(open_list["deadline"]) + timedelta(days=1)))
    page.goto("")
    card = page.locator(".cards li", has_text=open_list["id"])
    shown = card.count() and card.first.is_visible()
    assert not shown or any(word in card.first.inner_text() for word in ("评审中", "已截止")), (
        f"home still offers {open_list['id']} as 正在揭榜 after its deadline: {card.first.inner_text()!r}")


# -------------------------------------------------------------------------------------------------- print


def test_a_list_prints_as_a_clean_notice(page, lists) -> None:
    item = next(i for i in lists if LIST_PAGE.endswith(f"/{i['id']}/"))
    page.goto(LIST_PAGE)
    page.emulate_media(media="print")
    for chrome in ("header.masthead", "nav", "footer", ".banner >> nth=0", ".downloads"):
        assert not page.locator(chrome).first.is_visible(), f"{chrome} shows on paper"
    number = page.locator(".doc-number")
    assert number.is_visible() and number.inner_text() == item["doc_number"]
    issuer = page.locator(".issuer")
    assert issuer.is_visible()
    text = issuer.inner_text()
    assert "景德镇市科学技术局" in text and "年" in text, text
    assert page.locator("h1").is_visible() and page.locator(".declaration").is_visible()
    page.emulate_media(media="screen")
    assert not page.locator(".issuer").is_visible()
