"""docs/nginx.conf.example in a real nginx: it passes `nginx -t`, and serving a small site tree it sends the
CSP of tests/test_site_csp.py, the caching docs/deploy.md describes, the MIME type of every kind of file
the site publishes, precompressed .gz files as gzip, and our 404 page. Skipped without nginx
(`apt-get install nginx-light`)."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "nginx.conf.example"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

MISSING = "nginx is not installed: apt-get install nginx-light to test docs/nginx.conf.example"

FILES = {
    "index.html": b"<!doctype html><title>home</title>" + b"x" * 2000,
    "404.html": b"<!doctype html><title>404</title>page not found",
    "lists/JDZ-2026-001/index.html": b"<!doctype html><title>list</title>",
    "lists/JDZ-2026-001/feed.atom.xml": b"<feed/>",
    "lists/JDZ-2026-001/feed.rss.xml": b"<rss/>",
    "sitemap.xml": b"<urlset/>",
    "data/lists.json": b"{}",
    "data/lists.csv": "\ufeffid\n".encode(),
    "data/deadlines.ics": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    "data/summary-2026.xlsx": b"PK\x03\x04",
    "search/index/meta.json": b"{}",
    "search/index/shards/01.json": b"{}",
    "theme/css/site.css": b"body{}",
    "theme/js/status.js": b";",
    "theme/img/favicon.svg": b"<svg/>",
    "SHA256SUMS": b"# commit\n",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config(root: Path, port: int, work: Path) -> Path:
    """The example inside a minimal nginx.conf, with our root and port instead of the sample's."""
    server = EXAMPLE.read_text("utf-8")
    server = re.sub(r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};", server, count=1, flags=re.M)
    server = re.sub(r"^(\s*)root /srv/jiebang;", rf"\1root {root};", server, count=1, flags=re.M)
    assert f"127.0.0.1:{port}" in server and str(root) in server
    conf = work / "nginx.conf"
    conf.write_text(f"""pid {work}/nginx.pid;
error_log {work}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    gzip on;  # as Debian's nginx.conf has it: the example must not repeat it at this level
{server}
}}
""", "utf-8")
    return conf


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if NGINX is None:  # skipped locally, a failure under CI (.ci/run installs nginx-light)
        (pytest.fail if os.environ.get("CI") else pytest.skip)(MISSING)
    work = tmp_path_factory.mktemp("nginx")
    root = work / "site"
    for name, body in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(body)
    (root / "index.html.gz").write_bytes(gzip.compress(FILES["index.html"], mtime=0))
    port = free_port()
    conf = config(root, port, work)
    test = subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(work)], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(work), "-g", "daemon off; master_process off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(url: str, gzip_ok: bool = False) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


@pytest.mark.parametrize(("path", "content_type"), [
    ("/", "text/html; charset=utf-8"),
    ("/lists/JDZ-2026-001/", "text/html; charset=utf-8"),
    ("/lists/JDZ-2026-001/feed.atom.xml", "application/atom+xml; charset=utf-8"),
    ("/lists/JDZ-2026-001/feed.rss.xml", "application/rss+xml; charset=utf-8"),
    ("/sitemap.xml", "application/xml; charset=utf-8"),
    ("/data/lists.json", "application/json; charset=utf-8"),
    ("/data/lists.csv", "text/csv; charset=utf-8"),
    ("/data/deadlines.ics", "text/calendar; charset=utf-8"),
    ("/data/summary-2026.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("/theme/css/site.css", "text/css; charset=utf-8"),
    ("/theme/js/status.js", "application/javascript; charset=utf-8"),
    ("/theme/img/favicon.svg", "image/svg+xml; charset=utf-8"),
    ("/SHA256SUMS", "text/plain; charset=utf-8"),
])
def test_every_kind_of_file_has_its_type_and_the_csp(server, path: str, content_type: str) -> None:
    status, headers, _ = get(server + path)
    assert (status, headers["content-type"]) == (200, content_type)
    assert headers["content-security-policy"] == "default-src 'self'"
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(("path", "cache"), [
    ("/", "no-cache"),
    ("/data/lists.json", "no-cache"),
    ("/lists/JDZ-2026-001/feed.atom.xml", "no-cache"),
    ("/search/index/meta.json", "no-cache"),
    ("/search/index/shards/01.json", "no-cache"),
    ("/search/index/shards/01.json?v=a008e428bc7683e4", "public, max-age=31536000, immutable"),
    ("/theme/css/site.css", "public, max-age=3600"),
])
def test_caching(server, path: str, cache: str) -> None:
    assert get(server + path)[1]["cache-control"] == cache


def test_a_precompressed_file_is_sent_as_gzip(server) -> None:
    status, headers, body = get(server + "/", gzip_ok=True)
    assert (status, headers.get("content-encoding")) == (200, "gzip")
    assert gzip.decompress(body) == FILES["index.html"]
    assert headers["content-type"] == "text/html; charset=utf-8" and "Accept-Encoding" in headers.get("vary", "")
    assert get(server + "/")[2] == FILES["index.html"]  # a client without gzip gets the plain file


def test_a_missing_page_gets_our_404_with_the_csp(server) -> None:
    status, headers, body = get(server + "/lists/JDZ-2099-001/")
    assert (status, body) == (404, FILES["404.html"])
    assert headers["content-security-policy"] == "default-src 'self'"
