"""Shared helpers for tests that drive a real Chromium: serve a folder on loopback, launch the browser,
and run theme/static/js/search.js on a bare search page (bench/search_recall.py and search_scale.py use
these too).

Playwright's own browser download cannot reach its CDN here, so every browser test launches Debian's
chromium (`apt-get install chromium`) through `executable_path`.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

CHROMIUM = Path("/usr/bin/chromium")

# Flags that keep headless Chromium from phoning home: the sandbox has no network but loopback, and a
# background request that hangs would make page loads flaky.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

MISSING_MESSAGE = f"{CHROMIUM} is missing: run `apt-get install chromium` to run the browser tests"


def chromium_available() -> bool:
    return CHROMIUM.exists()


def require_chromium() -> None:
    """Skip the calling test when Chromium is missing, but fail under CI where a skip would hide it."""
    if chromium_available():
        return
    import pytest

    if os.environ.get("CI"):
        pytest.fail(MISSING_MESSAGE)
    pytest.skip(MISSING_MESSAGE)


class _QuietHandler(SimpleHTTPRequestHandler):
    # Python's table maps .js to text/javascript already; .json and .wasm vary by platform mimetypes.
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".wasm": "application/wasm",
    }

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature fixed by the stdlib
        pass


@contextmanager
def serve_directory(path: Path | str) -> Iterator[str]:
    """Serve `path` over HTTP on 127.0.0.1 at an ephemeral port; yield the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="serve_directory", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def launch_chromium(playwright: Any, **kwargs: Any) -> Any:
    """Launch Debian's headless Chromium through a started `sync_playwright()` and return the Browser."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, **kwargs)


@contextmanager
def headless_chromium(**kwargs: Any) -> Iterator[Any]:
    """A running headless Chromium for the length of the block (a test module's `browser` fixture);
    skips without chromium, as require_chromium() says."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright, **kwargs)
        try:
            yield chromium
        finally:
            chromium.close()


# --------------------------------------------------------------------------- search.js on a page of its own

SEARCH_JS = Path(__file__).resolve().parents[1] / "theme" / "static" / "js" / "search.js"

# The elements search.js looks for, as theme/templates/search.html has them.
SEARCH_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>搜索</title></head>
<body><main>
<h1>搜索</h1>
<form id="search-form" role="search" action="" method="get" data-index="{index}" data-page-size="{page_size}">
  <label for="q">搜索榜单、成果和需求单位</label>
  <input id="q" name="q" type="search">
  <button type="submit">搜索</button>
</form>
<p id="search-status" role="status" aria-live="polite"></p>
<ol id="search-results"></ol>
</main>
<script src="/static/js/search.js"></script>
</body></html>
"""

# search.js sets data-query to the query it answered and aria-busy to false once the results are shown.
SEARCH_DONE = """(q) => { const ol = document.getElementById('search-results');
  return ol.dataset.query === q && ol.getAttribute('aria-busy') === 'false'; }"""


def write_search_page(site: Path, folder: str = "search", page_size: int = 50, index: str = "/search/index/") -> None:
    """A search page at `site/folder/index.html` that queries the index at URL `index`, and the theme's
    search.js at /static/js/search.js beside it."""
    script = site / "static" / "js" / "search.js"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_bytes(SEARCH_JS.read_bytes())
    page = site / folder / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(SEARCH_PAGE.format(index=index, page_size=page_size), "utf-8")


def wait_for_search(page: Any, query: str, **kwargs: Any) -> None:
    """Wait until search.js has answered `query` (kwargs go to Playwright, e.g. `timeout=`)."""
    page.wait_for_function(SEARCH_DONE, arg=query, **kwargs)


def result_links(page: Any) -> list[str]:
    """The href of each result shown, in order."""
    return page.eval_on_selector_all("#search-results > li h2 a", "as => as.map((a) => a.getAttribute('href'))")


def run_search(page: Any, url: str, query: str) -> list[str]:
    """Open the search page at `url` with `?q=query`, wait for search.js, return the result links."""
    page.goto(url + "?q=" + quote(query))
    wait_for_search(page, query)
    return result_links(page)
