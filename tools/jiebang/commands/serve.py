"""`jiebang serve [--port N] [--host H]`: build, serve the site at / and the clerk's editor at /_editor/
on 127.0.0.1, rebuild when content or theme changes (at once after a save in the editor).

Validation errors are printed and the last good site keeps being served: a clerk mid-edit never
loses the preview because of a typo.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import ipaddress
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from ..rules.report import as_text
from ..rules.validate import ContentRootError, validate
from ..site.build import BuildError, build_site
from . import missing_folder
from .editor import PREFIX, Editor, Guard, Request

WATCHED = ("content", "theme", "pelicanconf.py")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "serve", help="生成并在本机预览网站（含编辑器 /_editor/），内容修改后自动重新生成"
    )
    parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="监听地址（默认 127.0.0.1，仅本机；改为其他地址会让局域网中的人也能打开编辑器）",
    )
    parser.add_argument("--output", type=Path, default=Path("output"), help="输出目录（默认 output/）")
    parser.add_argument("--interval", type=float, default=1.0, help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def snapshot(project: Path) -> dict[str, float]:
    """Modification times of every watched file: cheap enough to poll each second, needs no extra package.
    A file or folder deleted while it is looked at is left out (os.walk passes over a vanished folder)."""
    stamps = {}
    for name in WATCHED:
        for file in _files(project / name):
            with contextlib.suppress(FileNotFoundError):
                stamps[str(file)] = file.stat().st_mtime
    return stamps


def watched(project: Path) -> tuple[dict[str, float], Path | None]:
    """What the loop rebuilds on: the watched files' times, and the folder that is missing if one is.
    A project deleted folder by folder empties the snapshot before its own folder goes: the second
    part is what then says that the whole project, not only content/, is gone."""
    return snapshot(project), missing_folder(project)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return [Path(folder, name) for folder, _, names in os.walk(path) for name in names]


def rebuild(project: Path, output: Path) -> bool:
    """Validate and build; say why not, in Chinese, when the project is not (or no longer) all there."""
    if (gone := _gone(project)) is not None:
        print(f"jiebang serve: {gone}", file=sys.stderr, flush=True)
        return False
    before = snapshot(project)
    try:
        return _rebuild(project, output)
    except Exception:
        # Deleted, moved or copied back while it was being read: said, and the next poll rebuilds.
        gone = _gone(project)
        if gone is None and snapshot(project) == before:
            raise  # nothing moved: a bug of ours, shown as one
        said = gone or "生成网站时项目中的文件正在变动，未生成；不再变动后会自动重新生成。"
        print(f"jiebang serve: {said}", file=sys.stderr, flush=True)
        return False


def _gone(project: Path) -> str | None:
    """What of the project is not there, in Chinese; None while all is."""
    missing = missing_folder(project)
    if missing == project:
        return f"找不到项目文件夹 {project}（可能已被删除或移动）；放回原处后会自动重新生成网站。"
    if missing is None and not (project / "pelicanconf.py").is_file():
        missing = project / "pelicanconf.py"
    if missing is None:
        return None
    what = "内容目录" if missing.name == "content" else "网站设置文件"
    return (
        f"找不到{what} {missing}（可能已被删除或移动）；继续提供上一次成功生成的网站，"
        "放回原处后会自动重新生成。"
    )


def _rebuild(project: Path, output: Path) -> bool:
    try:
        report = validate([project / "content"])
    except ContentRootError as exc:
        print(f"jiebang serve: {exc}", file=sys.stderr)
        return False
    if report.diagnostics:
        sys.stdout.write(as_text(report))
    if report.errors:
        print("内容有错误，继续提供上一次成功生成的网站；修正后会自动重新生成。", flush=True)
        return False
    try:
        built = build_site(project, output)
    except BuildError as exc:
        print(f"jiebang serve: {exc}", file=sys.stderr, flush=True)
        return False
    done = "网站已是最新" if built.unchanged else f"已重新生成 {built.count} 个文件"
    print(f"{time.strftime('%H:%M:%S')} {done}。", flush=True)
    return True


class _Handler(http.server.SimpleHTTPRequestHandler):
    # The preview's own error pages in Chinese too (the standard library's are English). The status
    # line's reason stays the standard one: it must be Latin-1.
    error_message_format = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>网站预览 · %(code)d</title></head>
<body><h1>网站预览 · %(code)d</h1><p>%(explain)s</p></body>
</html>
"""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if explain is None and code == 404:
            explain = "网站中没有这个地址的页面。"
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass

    def translate_path(self, path: str) -> str:
        # The output folder is swapped on every build: resolve it afresh for each request.
        self.directory = str(self.server.root)  # type: ignore[attr-defined]
        return super().translate_path(path)

    def _guarded(self) -> bool:
        """The site's pages too answer only to this server's own name (DNS rebinding)."""
        if self.server.guard.allow_host(self.headers.get("Host")):  # type: ignore[attr-defined]
            return True
        self.send_error(421, None, "请求的 Host 不是本机预览地址，已拒绝（防止 DNS 重绑定）。")
        return False

    def _built(self) -> bool:
        """The output folder is there: it goes with the project folder when that is deleted."""
        root = Path(self.server.root)  # type: ignore[attr-defined]
        if root.is_dir():
            return True
        self.send_error(
            503,
            None,
            f"网站预览暂不可用：找不到输出目录 {root}，项目文件夹可能已被删除或移动。"
            "放回原处后 jiebang serve 会自动重新生成网站。",
        )
        return False

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        if self.path.startswith(PREFIX) or self.path == PREFIX.rstrip("/"):
            self._editor("GET")
        elif self._guarded() and self._built():
            super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if self._guarded() and self._built():
            super().do_HEAD()

    def do_POST(self) -> None:  # noqa: N802
        if self.path.startswith(PREFIX):
            self._editor("POST")
        else:
            self.send_error(405, None, "网站预览只读；编辑请用 /_editor/。")

    def _editor(self, method: str) -> None:
        parts = urlsplit(self.path)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        limit = 25 * 1024 * 1024  # above the upload limit: the editor says which limit, in Chinese
        if length < 0 or length > limit:
            self.send_error(413, None, "提交的内容过大（上限 25 MiB），未处理。")
            return
        body = self.rfile.read(length) if length else b""
        request = Request(
            method,
            parts.path[len(PREFIX) :] if parts.path.startswith(PREFIX) else "",
            dict(parse_qsl(parts.query)),
            {k.lower(): v for k, v in self.headers.items()},
            body,
        )
        response = self.server.editor.handle(request)  # type: ignore[attr-defined]
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        # Only our own scripts and styles, no frames: a pasted text can never run as code here.
        self.send_header(
            "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    project = Path.cwd()
    output = args.output.resolve()
    if not (project / "pelicanconf.py").is_file():
        print("jiebang serve: 当前目录没有 pelicanconf.py，请在项目根目录运行。", file=sys.stderr)
        return 2
    if not _loopback(args.host):
        print(
            f"警告：监听 {args.host}，同一网络中的其他计算机也能打开网站和编辑器并修改内容。"
            "仅在可信网络中使用；默认 127.0.0.1 只允许本机访问。",
            file=sys.stderr,
            flush=True,
        )
    # Looked at before the first build reads anything: a file saved while it runs, or in the moment
    # between it and the loop, is then a change the loop sees, not one folded silently into `seen`.
    seen = watched(project)
    rebuild(project, output)
    output.mkdir(parents=True, exist_ok=True)
    try:
        server = http.server.ThreadingHTTPServer(
            (args.host, args.port), functools.partial(_Handler, directory=str(output))
        )
    except OSError as exc:
        print(
            f"jiebang serve: 无法使用 {args.host} 的端口 {args.port}：{exc.strerror}。可用 --port 指定其他端口。",
            file=sys.stderr,
        )
        return 2
    server.daemon_threads = True
    port = server.server_address[1]
    guard = Guard(port)
    if args.host != "127.0.0.1":
        guard.hosts.add(args.host.lower())
    changed = threading.Event()
    server.root = output  # type: ignore[attr-defined]
    server.guard = guard  # type: ignore[attr-defined]
    server.editor = Editor(project, guard, changed.set)  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(
        f"预览地址：http://127.0.0.1:{port}/  编辑器：http://127.0.0.1:{port}{PREFIX}  （按 Ctrl+C 停止）",
        flush=True,
    )
    try:
        while True:
            changed.wait(args.interval)  # a save in the editor wakes the loop at once
            changed.clear()
            now = watched(project)
            if now != seen:
                seen = now
                rebuild(project, output)
    except KeyboardInterrupt:
        print("已停止预览。")
    finally:
        server.shutdown()
    return 0
