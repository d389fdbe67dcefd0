"""The `jiebang` command: wires subcommands together and sets the exit code, nothing more.

Each module in `jiebang.commands` exposes `add_parser(subparsers)` and `run(args) -> int`.
Exit codes (DESIGN.md): 0 fine (warnings allowed), 1 content errors, 2 usage or environment errors.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys

from . import __version__
from .commands import EXIT_USAGE

COMMANDS = ["validate", "build", "serve", "verify", "new", "import_", "export", "history", "diff"]


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors already; say so, and everything else, in Chinese."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def format_help(self) -> str:
        return super().format_help().replace("usage:", "用法：", 1)

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "用法：", 1)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 用法错误：{translate_usage_error(message)}\n")


_USAGE_ERRORS = [
    (r"argument (\S+): invalid choice: (\S+) \(choose from (.*)\)", r"参数 \1 的值 \2 无效，可选：\3"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面需要一个值"),
    (r"argument (\S+): invalid (\w+) value: (\S+)", r"参数 \1 的值 \3 不是有效的数值"),
    (r"the following arguments are required: (.*)", r"缺少参数：\1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
]


def translate_usage_error(message: str) -> str:
    for english, chinese in _USAGE_ERRORS:
        if re.fullmatch(english, message):
            return re.sub(english, chinese, message)
    return message


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given the arguments, it imports only the subcommand they name, so that `jiebang
    validate` (the pre-commit hook) never loads Pelican or the site, history and desk code."""
    parser = ChineseArgumentParser(prog="jiebang", description="揭榜挂帅榜单公告板")
    parser.add_argument("--version", action="version", version=f"jiebang {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)
    named = next((a for a in argv or [] if not a.startswith("-")), None)
    wanted = [m for m in COMMANDS if m.rstrip("_") == named] or COMMANDS  # no or unknown command: all, for help
    for name in wanted:
        importlib.import_module(f"jiebang.commands.{name}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
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
