"""`jiebang serve [--port N]`: build, serve on localhost, rebuild when content or theme changes.

Validation errors are printed and the last good site keeps being served: a clerk mid-edit never
loses the preview because of a typo.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
import time
from pathlib import Path

from ..rules.report import as_text
from ..rules.validate import ContentRootError, validate
from ..site.build import BuildError, build_site

WATCHED = ("content", "theme", "pelicanconf.py")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("serve", help="生成并在本机预览网站，内容修改后自动重新生成")
    parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    parser.add_argument("--output", type=Path, default=Path("output"), help="输出目录（默认 output/）")
    parser.add_argument("--interval", type=float, default=1.0, help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def snapshot(project: Path) -> dict[str, float]:
    """Modification times of every watched file: cheap enough to poll each second, needs no extra package."""
    stamps = {}
    for name in WATCHED:
        path = project / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for file in files:
            stamps[str(file)] = file.stat().st_mtime
    return stamps


def rebuild(project: Path, output: Path) -> bool:
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
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass

    def translate_path(self, path: str) -> str:
        # The output folder is swapped on every build: resolve it afresh for each request.
        self.directory = str(self.server.root)  # type: ignore[attr-defined]
        return super().translate_path(path)


def run(args: argparse.Namespace) -> int:
    project = Path.cwd()
    output = args.output.resolve()
    if not (project / "pelicanconf.py").is_file():
        print("jiebang serve: 当前目录没有 pelicanconf.py，请在项目根目录运行。", file=sys.stderr)
        return 2
    rebuild(project, output)
    output.mkdir(parents=True, exist_ok=True)
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), functools.partial(_Handler, directory=str(output)))
    except OSError as exc:
        print(f"jiebang serve: 无法使用端口 {args.port}：{exc.strerror}。可用 --port 指定其他端口。", file=sys.stderr)
        return 2
    server.root = output  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"预览地址：http://127.0.0.1:{server.server_address[1]}/  （按 Ctrl+C 停止）", flush=True)
    seen = snapshot(project)
    try:
        while True:
            time.sleep(args.interval)
            now = snapshot(project)
            if now != seen:
                seen = now
                rebuild(project, output)
    except KeyboardInterrupt:
        print("已停止预览。")
    finally:
        server.shutdown()
    return 0
