"""The site under `Content-Security-Policy: default-src 'self'`, the header docs/nginx.conf.example sends:
no inline script or style, no javascript: URL, nothing from another host. A page of every template is
opened in Chromium — home, every listing and a later page of it, an industry, a year, a status, a county,
a list, a notice of every kind, a search with results, the data page, 404, the static pages — and any
CSP violation, console error or uncaught exception fails the test.

The sample is built with 2 items a page, so that every listing has later pages.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

try:
    from browser import _QuietHandler, launch_chromium, require_chromium
except ImportError:  # tests/ imported as a package
    from tests.browser import _QuietHandler, launch_chromium, require_chromium
from jiebang.site.build import build_site

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
CSP = "default-src 'self'"
PAGE_SIZE = 2
NOTICE_KINDS = ["揭榜结果公示", "立项", "资金拨付", "中期评估", "延期", "终止", "验收", "更正公告", "流榜"]  # DESIGN.md

# Collects every violation the page reports; init scripts are injected by the browser, not by the page.
WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(
  e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
window.print = () => { window.__printed = true; };"""


class CSPHandler(_QuietHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()


@contextmanager
def serve_with_csp(path: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CSPHandler, directory=str(path)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("csp-site") / "site"
    build_site(REPO, out, overrides={"JIEBANG_PAGE_SIZE": PAGE_SIZE})
    return out


def every_template(site: Path) -> list[str]:
    """A URL of every template, and the later pages of every kind of listing."""
    notices = json.loads((site / "data" / "results.json").read_text("utf-8"))["results"]
    by_kind = {}
    for notice in notices:
        by_kind.setdefault(notice["kind"], f"results/{notice['id']}/")
    assert sorted(by_kind) == sorted(NOTICE_KINDS), "the sample lacks a notice kind"
    urls = ["", "lists/", "lists/page/2/", "results/", "results/page/2/", "lists/JDZ-2025-001/",
            *by_kind.values(), "search/", "data/", "regulation/", "404.html", "about/", "guide/"]
    for facet in ("industries", "years", "status", "counties"):
        folders = sorted(p.parent.relative_to(site).as_posix() for p in (site / facet).glob("*/index.html"))
        urls.append(folders[0] + "/")
        later = sorted(p.relative_to(site).as_posix() for p in (site / facet).glob("*/page/2/index.html"))
        assert later, f"no {facet} listing has a second page at {PAGE_SIZE} a page"
        urls.append(later[0].removesuffix("index.html"))
    for url in urls:
        target = site / url / "index.html" if url == "" or url.endswith("/") else site / url
        assert target.is_file(), url
    return urls


@pytest.fixture(scope="module")
def page(site: Path):
    require_chromium()  # skips with "apt-get install chromium" (fails instead under CI)
    from playwright.sync_api import sync_playwright

    with serve_with_csp(site) as base_url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(base_url=base_url)
        context.add_init_script(WATCH)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text} {m.location.get('url', '')}"))
        page.on("pageerror", lambda e: page.problems.append(f"exception: {e}"))
        page.on("response", lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}"))
        yield page
        browser.close()


def problems(page) -> list[str]:
    found = page.problems + [f"CSP: {v}" for v in page.evaluate("window.__csp")]
    page.problems.clear()
    return found


def test_the_header_is_sent(page) -> None:
    response = page.goto("/")
    assert response.headers["content-security-policy"] == CSP


def test_every_template_loads_without_a_violation_or_an_error(page, site: Path) -> None:
    found = {}
    for url in every_template(site):
        page.goto("/" + url, wait_until="load")
        page.wait_for_timeout(50)  # deferred scripts have run at load; let their first tasks finish too
        if problem := problems(page):
            found[url] = problem
    assert found == {}


def test_search_with_a_query_shows_results_under_the_policy(page) -> None:
    page.goto("/search/?q=" + quote("陶瓷"))
    page.wait_for_function("() => document.querySelectorAll('#search-results > li').length > 0")
    more = page.locator("#search-more:visible")
    if more.count():
        shown = page.locator("#search-results > li").count()
        more.click()
        page.wait_for_function("n => document.querySelectorAll('#search-results > li').length > n", arg=shown)
    assert problems(page) == []


def test_filters_and_print_work_under_the_policy(page) -> None:
    page.goto("/lists/")
    page.select_option("select[name=status]", "实施中")
    page.wait_for_function("() => location.search.includes('status=')")
    rows = page.locator("[data-status]:visible")
    assert rows.count() and all(s == "实施中" for s in rows.evaluate_all("rs => rs.map(r => r.dataset.status)"))
    page.goto("/lists/JDZ-2025-001/")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed === true")  # the print control still prints
    assert problems(page) == []
