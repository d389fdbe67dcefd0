"""Loading: the bytes of one YAML file → its data, with the line and column of every value.

Refused before anything is built: files over 1 MiB, text that is not UTF-8 (saying so when it looks
like GBK), anchors and aliases (a memory bomb, and never needed in a record), unknown tags and
duplicate keys. A UTF-8 BOM is accepted.

Values are read as the schema says they are, not as YAML 1.1 guesses: a plain `no` under a string
field stays "no", `0798-8222222` stays text, money becomes Decimal, and an integer field given
`0798` is left as text so the schema reports it instead of it silently turning octal.
"""

from __future__ import annotations

import os
import re
import sys
from array import array
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, Severity
from .positions import Document, Path_

MAX_BYTES = 1024 * 1024
BOM = b"\xef\xbb\xbf"

try:  # libyaml is ten times faster; the pure-Python loader gives the same nodes and marks
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader

_KIND_TAGS = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq",
              yaml.MappingNode: "tag:yaml.org,2002:map"}


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Skips YAML 1.1's implicit tag resolution: values are typed by the schema, not by guessing
    (and the guessing was a fifth of the loading time)."""

    def resolve(self, kind, value, implicit):
        return _KIND_TAGS[kind]

_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z")
_FLOAT_12 = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")  # YAML 1.2 core floats
_OCT_HEX = re.compile(r"0o[0-7]+\Z|0x[0-9a-fA-F]+\Z")
_ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}



def _diag(file: str, line: int, column: int, rule: str, message: str) -> Diagnostic:
    return Diagnostic(file, line, column, Severity.ERROR, rule, "稳健性", message)


def read_document(path: Path, file: str | None = None, schema: dict | None = None) -> tuple[Document | None, list[Diagnostic]]:
    """Read and parse one file; the size is checked before a byte is read."""
    file = file if file is not None else str(path)
    raw, _, problem = read_bytes(path, file)
    if problem:
        return None, [problem]
    return parse_document(raw, file, schema)


def read_bytes(path: Path | str, file: str) -> tuple[bytes | None, os.stat_result | None, Diagnostic | None]:
    """A file's bytes and its status as they were read, or why not; over 1 MiB is refused unread."""
    try:
        with open(path, "rb") as stream:
            status = os.fstat(stream.fileno())
            if status.st_size > MAX_BYTES:
                return None, status, _diag(file, 0, 0, "yaml.too_large",
                                           f"文件大小 {status.st_size / 1048576:.1f} MiB，超过 1 MiB 上限；"
                                           "一条记录不应这么大，请检查是否误粘贴了大段内容。")
            return stream.read(), status, None
    except OSError as exc:
        return None, None, _diag(file, 0, 0, "yaml.syntax", f"无法读取文件：{exc.strerror or exc}。")


def parse_document(raw: bytes, file: str, schema: dict | None = None) -> tuple[Document | None, list[Diagnostic]]:
    """Parse bytes already in memory (a file, or a blob from git)."""
    if len(raw) > MAX_BYTES:
        return None, [_diag(file, 0, 0, "yaml.too_large", f"内容超过 1 MiB 上限（{len(raw)} 字节）。")]
    text, problem = decode(raw, file)
    if problem:
        return None, [problem]
    problems = _refuse_aliases_and_tags(text, file)
    if problems:
        return None, problems
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError as exc:
        return None, [_reader_diag(exc, text, file)]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_diag(exc, file)]
    except yaml.YAMLError as exc:  # pragma: no cover - errors without a mark
        return None, [_diag(file, 1, 1, "yaml.syntax", f"YAML 语法错误：{exc}")]
    if node is None:
        return Document(file, None, array("I")), []
    marks = array("I")
    try:
        return Document(file, _typed(node, schema, marks.append, 0), marks), []
    except _Refused:
        pass  # type it again the careful way, which says what is wrong and where
    doc = Document(file, None, maps=({}, {}, set()))
    errors: list[Diagnostic] = []
    doc.data = _convert(node, schema, (), doc, errors)
    return doc, errors


def decode(raw: bytes, file: str) -> tuple[str, Diagnostic | None]:
    """UTF-8 (with or without BOM) → text; anything else → a diagnostic that names the likely encoding."""
    if raw.startswith(BOM):
        raw = raw[len(BOM):]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", _diag(file, 1, 1, "yaml.encoding", "文件是 UTF-16 编码；请在编辑器中以“UTF-8”编码另存。")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start:exc.start].decode("utf-8", errors="replace")) + 1
        if _looks_like_gbk(raw):
            message = (f"文件不是 UTF-8 编码，看起来是 GBK（GB2312/GB18030）编码，第 {line} 行起无法按 UTF-8 读取；"
                       "请在记事本或 VS Code 中选择“另存为 → 编码 UTF-8”后重新提交。")
        else:
            message = f"文件不是有效的 UTF-8 编码：第 {line} 行第 {column} 列有无法识别的字节；请以 UTF-8 编码另存。"
        return "", _diag(file, line, column, "yaml.encoding", message)


def _looks_like_gbk(raw: bytes) -> bool:
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _refuse_aliases_and_tags(text: str, file: str) -> list[Diagnostic]:
    # Scanning events costs a second pass, so only files with the characters that start them pay it.
    if "&" not in text and "*" not in text and "!" not in text:
        return []
    problems = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            mark = event.start_mark
            if isinstance(event, yaml.AliasEvent):
                problems.append(_diag(file, mark.line + 1, mark.column + 1, "yaml.alias",
                                      f"不允许使用 YAML 别名（*{event.anchor}）：请把内容直接写出来。"))
            elif getattr(event, "anchor", None):
                problems.append(_diag(file, mark.line + 1, mark.column + 1, "yaml.alias",
                                      f"不允许使用 YAML 锚点（&{event.anchor}）：记录中不需要，也可能被用来制造超大文档。"))
            tag = getattr(event, "tag", None)
            if tag and isinstance(event, yaml.NodeEvent) and _explicit(event) and tag not in _ALLOWED_TAGS:
                problems.append(_diag(file, mark.line + 1, mark.column + 1, "yaml.syntax",
                                      f"不支持的 YAML 标签 {tag}：请删除标签，直接书写值。"))
    except yaml.reader.ReaderError as exc:
        return [_reader_diag(exc, text, file)]
    except yaml.MarkedYAMLError as exc:
        return [_syntax_diag(exc, file)]
    return problems


def _explicit(event: yaml.NodeEvent) -> bool:
    implicit = getattr(event, "implicit", True)
    if isinstance(implicit, tuple):  # scalars: (plain implicit, quoted implicit)
        return not any(implicit)
    return not implicit


def _syntax_diag(exc: yaml.MarkedYAMLError, file: str) -> Diagnostic:
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    unclosed = exc.context_mark and ("end of stream" in problem or "document" in problem or "expected ','" in problem)
    if unclosed and "quoted scalar" in context:
        mark, message = exc.context_mark, "从这里开始的引号没有闭合：请补上另一半引号，或改用 | 块书写多行文字。"
    elif unclosed and "flow" in context:
        mark, message = exc.context_mark, "从这里开始的方括号或花括号没有闭合，或其中的项之间缺少逗号。"
    elif "while scanning an alias" in context or "while scanning an anchor" in context:
        sign = "*" if "alias" in context else "&"
        message = (f"值以 {sign} 开头，会被当作 YAML 的{'别名' if sign == '*' else '锚点'}：如果这是 Markdown 粗体等正文，"
                   "请给整段文字加引号，或改用 | 块书写。")
    else:
        message = next((chinese for english, chinese in _PROBLEMS if english in problem), "无法解析此处的内容") + "。"
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return _diag(file, line, column, "yaml.syntax", f"YAML 语法错误：{message}请检查缩进（只能用空格）、冒号后的空格和引号是否成对。")


def _reader_diag(exc: yaml.reader.ReaderError, text: str, file: str) -> Diagnostic:
    # libyaml reports a byte offset into the UTF-8 text; the pure-Python reader a character offset.
    before = text.encode("utf-8")[: max(exc.position, 0)].decode("utf-8", "replace") if _Base is not yaml.SafeLoader \
        else text[: max(exc.position, 0)]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return _diag(file, line, column, "yaml.syntax",
                 f"第 {line} 行含有不可见的控制字符 U+{exc.character:04X}（常见于从 Word 或网页复制的文字）：请删除后重新输入该处文字。")


# libyaml's problem texts, each with the whole Chinese explanation a clerk needs.
_PROBLEMS = [
    ("mapping values are not allowed", "此处不能出现“键: 值”（常见原因：值中含有冒号加空格，请给整个值加引号）"),
    ("found a tab character", "出现了制表符（Tab），YAML 只能用空格缩进"),
    ("found character '\\t'", "出现了制表符（Tab），YAML 只能用空格缩进"),
    ("found character that cannot start any token", "值以不能开头的字符（如 @ 或 `）开头，请给整个值加引号"),
    ("did not find expected key", "缺少键名（常见原因：缩进不一致）"),
    ("did not find expected '-' indicator", "列表项缺少“- ”（常见原因：缩进不一致）"),
    ("did not find expected node content", "此处缺少值"),
    ("did not find expected ',' or ']'", "方括号 [] 中的项之间缺少逗号，或缺少右方括号"),
    ("did not find expected ',' or '}'", "花括号 {} 中的项之间缺少逗号，或缺少右花括号"),
    ("found unknown escape character", "双引号中有无效的转义字符（如 Windows 路径中的 \\；请改用单引号，或把 \\ 写成 \\\\）"),
    ("could not find expected ':'", "缺少冒号“:”"),
    ("expected <block end>", "缩进不一致"),
    ("found unexpected end of stream", "文件意外结束（引号或括号没有闭合）"),
    ("found undefined alias", "使用了未定义的别名"),
    ("expected a single document", "一个文件只能有一个 YAML 文档，请删除“---”分隔出的第二部分"),
    ("but found another document", "一个文件只能有一个 YAML 文档，请删除“---”分隔出的第二部分"),
    ("exceeded maximum nesting depth", "嵌套层数过深"),
    ("control characters are not allowed", "含有不可见的控制字符"),
    ("found unexpected ':'", "此处的冒号无法解析，请给值加引号"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_DEPTH = 32  # records nest three levels; deeper is hostile, and recursion must stay far from Python's limit


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Refused(Exception):
    """The fast typing met something the loader refuses: `_convert` says what, and where."""


_NO_SCHEMA: dict = {}


def _typed(node: yaml.Node, schema: dict | None, mark, depth: int) -> Any:
    """`_convert` for a file with nothing to refuse, the common case: no path tuples, positions as marks
    (see Document). Gives exactly `_convert`'s values, and raises _Refused where `_convert` would
    report a problem."""
    start = node.start_mark
    mark(start.line + 1)
    mark(start.column + 1)
    if depth > MAX_DEPTH:
        raise _Refused
    if isinstance(node, yaml.MappingNode):
        props = (schema or _NO_SCHEMA).get("properties", _NO_SCHEMA)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value in result:
                raise _Refused
            key = sys.intern(key_node.value)  # one string per key name, shared by every record and the cache
            start = key_node.start_mark
            mark(start.line + 1)
            mark(start.column + 1)
            result[key] = _typed(value_node, props.get(key), mark, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = (schema or _NO_SCHEMA).get("items")
        return [_typed(item, items, mark, depth + 1) for item in node.value]
    if _CONTROL.search(node.value):
        raise _Refused
    return scalar_value(node.value, not node.style, schema)


def _convert(node: yaml.Node, schema: dict | None, path: Path_, doc: Document, errors: list[Diagnostic]) -> Any:
    doc.positions[path] = _mark(node)
    if len(path) > MAX_DEPTH:
        line, column = _mark(node)
        errors.append(_diag(doc.file, line, column, "yaml.syntax", f"嵌套层数超过 {MAX_DEPTH} 层：记录不需要这么深的结构。"))
        return None
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        doc.containers.add(path)
    if isinstance(node, yaml.MappingNode):
        props = (schema or {}).get("properties", {})
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, column = _mark(key_node)
                errors.append(_diag(doc.file, line, column, "yaml.syntax", "键名必须是简单文字，不能是列表或映射。"))
                continue
            key = key_node.value
            if key in result:
                line, column = _mark(key_node)
                first = doc.key_positions[path + (key,)][0]
                errors.append(_diag(doc.file, line, column, "yaml.duplicate_key",
                                    f"键 {key} 重复出现（第一次在第 {first} 行）；YAML 会悄悄保留后一个值，请删除其中一个。"))
                continue
            doc.key_positions[path + (key,)] = _mark(key_node)
            result[key] = _convert(value_node, props.get(key), path + (key,), doc, errors)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = (schema or {}).get("items")
        return [_convert(item, items, path + (i,), doc, errors) for i, item in enumerate(node.value)]
    control = _CONTROL.search(node.value)
    if control:  # written as an escape ("\\0", "\\e") inside double quotes: not text anyone can publish
        line, column = _mark(node)
        errors.append(_diag(doc.file, line, column, "yaml.syntax",
                            f"值中含有不可见的控制字符 U+{ord(control.group()):04X}（双引号中的转义写法），请删除。"))
    return scalar_value(node.value, not node.style, schema)  # libyaml gives "" for plain, PyYAML None


def scalar_value(text: str, plain: bool, schema: dict | None) -> Any:
    """One scalar as the schema's type wants it; text that does not fit is returned as text for the
    schema to report, never guessed at."""
    if not plain:
        return text  # quoted or block scalars are always text
    types = (schema or {}).get("type")
    if types is None:
        return _core_value(text)
    types = {types} if isinstance(types, str) else set(types)
    if text in _NULLS:
        return None
    if "string" in types:
        return text
    if "integer" in types and _INT.match(text):
        return int(text)
    if "number" in types and _DECIMAL.match(text):
        return Decimal(text)
    if "boolean" in types:
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return text


def _core_value(text: str) -> Any:
    # Where no schema speaks (an unknown key), use YAML 1.2's core schema, not 1.1's yes/no/on/off.
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        return int(text)
    if _DECIMAL.match(text) or _FLOAT_12.match(text):
        return Decimal(text)
    if _OCT_HEX.match(text):
        return int(text, 0)
    if text.lower() in (".inf", "+.inf", "-.inf", ".nan"):
        return Decimal(text.replace(".", "").replace("inf", "Infinity").replace("nan", "NaN"))
    return text
