"""The `jiebang` command: wires subcommands together and sets the exit code, nothing more.

Each module in `jiebang.commands` exposes `add_parser(subparsers)` and `run(args) -> int`.
Exit codes (DESIGN.md): 0 fine (warnings allowed), 1 content errors, 2 usage or environment errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__

COMMANDS = ["validate", "build", "serve", "verify", "new", "import_", "export", "history", "diff"]

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors already; say so in Chinese."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 用法错误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="jiebang", description="揭榜挂帅榜单公告板")
    parser.add_argument("--version", action="version", version=f"jiebang {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"jiebang.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"jiebang.commands.{name}":
                raise
            continue  # a command not built yet
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `jiebang validate | head`: the reader left, nothing more to say
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
