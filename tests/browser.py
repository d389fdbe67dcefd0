"""Shared helpers for tests that drive a real Chromium: serve a folder on loopback, launch the browser.

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
