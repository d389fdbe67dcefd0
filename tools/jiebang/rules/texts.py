"""Long texts: Word's 字数 limits (附件1) and safe Markdown (security)."""

from __future__ import annotations

import html
import re

from ..records.content import Record
from ..records.hidden import HIDDEN_CHARS
from ..records.regulation import Regulation
from ..records.schema import field_name
from ..records.textcount import word_count
from .privacy import strings
from .registry import ERROR, Findings, declare, record_check

LENGTH = declare("text.length", ERROR, "附件1", "文本超过字数限制")
HTML = declare("text.html", ERROR, "安全", "Markdown 中含原始 HTML，或纯文本字段中含 HTML 标记")
LINK_SCHEME = declare("text.link_scheme", ERROR, "安全", "链接不是 http、https 或 mailto")

MARKDOWN_FIELDS = {
    "list": ("problem", "targets", "benefits", "solver_requirements", "ip_terms"),
    "result": ("body",),
}
SAFE_SCHEMES = {"http", "https", "mailto"}

_CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.S)
_TAG = re.compile(r"<\s*(/?\s*[A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>]*>?|<!--|<!\[CDATA\[|<\?|<![A-Za-z]")
# A link's or an image's text may hold brackets (`[《办法》[2022]](…)`) and a link's text an image
# (`[![徽章](…)](…)`), so brackets are paired first and what follows each `]` read after.
# A `\[` is paired too: in `\\[x](…)` the backslash is the escaped one, and the stricter reading is safe.
_BRACKET = re.compile(r"[\[\]]")
_INLINE_TARGET = re.compile(r"\(\s*<?([^)>\s]*)")
_REF_LABEL = re.compile(r"\s*\[([^\[\]]*)\]")
_REF_DEFINITION = re.compile(r"^\s*\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]*:[^<>\s]*)>")
# In a plain-text field only what a browser would take for markup: a whole tag (`<b>`, `<img src=x>`),
# an opening tag with an event handler even if unclosed, or a comment. `<Ra0.8 μm`, `a < b`, `R&D`
# and `<中试线>` are engineering text and read literally on the site (which escapes every value).
_PLAIN_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|<\s*[A-Za-z][\w:-]*\s[^<>]*\bon[a-z]+\s*=|<!--")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Browsers drop whitespace and control characters before reading a scheme, and an editor cannot see a
# character that shows nothing: each is removed, so `java\u00adscript:` is read as the scheme it shows.
_INVISIBLE = re.compile(f"[\\s\\x00-\\x20\\x7f-\\x9f{HIDDEN_CHARS}]")


@record_check("list")
def text_lengths(record: Record, regulation: Regulation, tree, findings: Findings) -> None:
    limits = regulation.value("text_limits")
    for key, limit in limits.items():
        text = record.data.get(key)
        if isinstance(text, str):
            count = word_count(text)
            if count > limit:
                findings.add(LENGTH, record, (key,),
                             f"{field_name('list', (key,))} 共 {count} 字，超过征集表规定的 {limit} 字上限"
                             f"（按 Word 字数统计：汉字和全角符号各计 1，每个英文单词或数字计 1），请删减 {count - limit} 字。",
                             article=regulation.article("text_limits"))


@record_check()
def safe_markdown(record: Record, regulation, tree, findings: Findings) -> None:
    for key in MARKDOWN_FIELDS[record.kind]:
        text = record.data.get(key)
        if not isinstance(text, str):
            continue
        name = field_name(record.kind, (key,))
        visible = _CODE.sub("", text)
        tag = _TAG.search(visible)
        if tag:
            findings.add(HTML, record, (key,),
                         f"{name} 含有 HTML 代码“{tag.group(0)[:30]}”：正文只能用 Markdown 书写，请删除 HTML 标签。")
        for bad in _unsafe_links(visible):
            findings.add(LINK_SCHEME, record, (key,), f"{name} 含有不允许的链接“{bad[:60]}”：{_why(bad)}")


@record_check()
def plain_text_markup(record: Record, regulation, tree, findings: Findings) -> None:
    """Names, titles, indicator cells, reasons …: shown as text, so markup in them is a mistake or an attack."""
    for path, text in strings(record.data, skip=frozenset(MARKDOWN_FIELDS[record.kind])):
        tag = _PLAIN_MARKUP.search(text)
        if tag:
            findings.add(HTML, record, path,
                         f"{field_name(record.kind, path)} 是纯文本字段，却含有 HTML 标记“{tag.group(0)[:30]}”：网站会把它"
                         "原样显示为文字。请删去这段标记（技术指标中的小于号、大于号照常书写即可，如“< 5 min”“<Ra0.8 μm”）。")


def _unsafe_links(text: str) -> list[str]:
    found = []
    targets, images = [], set()
    for start, end in _brackets(text):
        is_image = text[start - 1:start] == "!"
        inline = _INLINE_TARGET.match(text, end + 1)
        if inline:
            targets.append((inline.group(1), is_image))
        elif is_image:  # by reference: `![图][1]`, `![图][]` or `![图]`
            label = _REF_LABEL.match(text, end + 1)
            images.add(_label(label.group(1) if label and label.group(1).strip() else text[start + 1:end]))
    # A definition is one address for every use of its label: judged as an image when an image uses it
    # (the stricter rule), else as a link.
    targets += [(m.group(2), _label(m.group(1)) in images) for m in _REF_DEFINITION.finditer(text)]
    targets += [(m.group(1), False) for m in _AUTOLINK.finditer(text)]
    for target, is_image in targets:
        cleaned, scheme = _scheme(target)
        if scheme and scheme not in SAFE_SCHEMES or is_image and (scheme or cleaned.startswith("//")):
            found.append(target)
    return found


def _scheme(target: str) -> tuple[str, str | None]:
    """The address as a browser reads it (entities decoded, hidden characters gone) and its scheme, lower case."""
    cleaned = _INVISIBLE.sub("", html.unescape(target))
    scheme = _SCHEME.match(cleaned)
    return cleaned, scheme.group(1).lower() if scheme else None


def _brackets(text: str) -> list[tuple[int, int]]:
    """Where each `[` and its `]` are, nested pairs too; an unpaired one is text."""
    pairs, opened = [], []
    for m in _BRACKET.finditer(text):
        if m.group() == "[":
            opened.append(m.start())
        elif opened:
            pairs.append((opened.pop(), m.start()))
    return pairs


def _label(label: str) -> str:
    """A reference label as Markdown matches it: case and runs of whitespace do not count."""
    return " ".join(label.split()).casefold()


def _why(target: str) -> str:
    scheme = _scheme(target)[1]
    if scheme and scheme not in SAFE_SCHEMES:
        return "只允许 http、https 和 mailto 链接。"
    return "网站不得加载外部图片（不向其他网站发出请求），请把图片放到本站并用相对路径引用。"
