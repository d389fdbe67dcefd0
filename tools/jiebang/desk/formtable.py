"""The 征集表's table in a .docx: its cells, merged cells once, and which label each value sits under.

Enterprises fill the form in Word or WPS, so nothing about the table is fixed: cells get merged or
split, labels gain spaces and line breaks, digits come full-width, rows move. Fields are therefore
found by their normalised label text, never by cell index. jiebang.desk.wordform reads the values.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

FORM_NAME = "“揭榜挂帅”重大技术需求征集表（附件1）"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


class FormError(Exception):
    """A Word file that cannot be imported; `str()` is a Chinese message naming the form (and fields)."""

    def __init__(self, form: Path | str, message: str, fields: tuple[str, ...] = ()):
        self.form = Path(form)
        self.fields = fields
        self.message = message  # without the file's name, for reports that name it already
        super().__init__(f"征集表《{self.form.name}》：{message}")


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class _Label:
    key: str
    name: str  # how a message names the field
    stems: tuple[str, ...]  # normalised label texts, longest first
    has_value: bool = True  # the contact and peer labels head a block rather than a value cell


_FIELDS = (
    _Label("industry", "所属行业领域", ("所属行业领域", "所属行业", "行业领域")),
    _Label("subfield", "细分方向", ("细分方向", "细分领域")),
    _Label("title", "重大技术需求项目名称", ("重大技术需求项目名称", "技术需求项目名称", "项目名称")),
    _Label("demander", "技术需求单位", ("技术需求单位", "需求单位名称", "需求单位")),
    _Label("contact", "技术需求牵头联系人", ("技术需求牵头联系人", "牵头联系人"), has_value=False),
    _Label("peers", "有共同技术需求的同行企业", ("有共同技术需求的同行企业", "同行企业"), has_value=False),
    _Label("problem", "技术难题概述", ("技术难题概述", "难题概述")),
    _Label(
        "targets",
        "预期技术目标",
        ("技术攻关后希望达到的预期技术目标", "希望达到的预期技术目标", "预期技术目标"),
    ),
    _Label("budget", "经费预算", ("经费预算",)),
    _Label(
        "benefits",
        "预期经济、社会效益",
        ("企业承接转化后预期的经济社会效益", "预期的经济社会效益", "预期经济社会效益", "经济社会效益"),
    ),
)
_SUBLABELS = (
    _Label("contact_name", "联系人姓名", ("姓名",)),
    _Label("contact_position", "联系人职务", ("职务", "职称")),
    _Label("contact_mobile", "联系人手机", ("手机号码", "手机", "移动电话")),
    _Label("contact_email", "联系人邮箱", ("电子邮箱", "邮箱", "email")),
    _Label("peer_no", "序号", ("序号",), has_value=False),
    _Label("peer_name", "单位名称", ("单位名称",), has_value=False),
)
_LABELS = _FIELDS + _SUBLABELS
_FIELD_KEYS = {label.key for label in _FIELDS}
# The form is recognised when at least this many of its main labels are found.
_MIN_LABELS = 4


def comparable(text: str) -> str:
    """Label-comparison form: NFKC (full-width → ASCII), lower case, letters and digits only."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def _norm_map(text: str) -> tuple[str, list[int]]:
    """`comparable(text)` and, for each of its characters, the index just after it in `text`."""
    chars, ends = [], []
    for index, ch in enumerate(text):
        for out in unicodedata.normalize("NFKC", ch).lower():
            if out.isalnum():
                chars.append(out)
                ends.append(index + 1)
    return "".join(chars), ends


def _match_label(text: str) -> tuple[_Label, str] | None:
    """The label a cell starts with and the value written after it in the same cell ("手机：138…")."""
    norm, ends = _norm_map(text)
    if not norm:
        return None
    for label in _LABELS:
        for stem in label.stems:
            if not norm.startswith(stem):
                continue
            after = text[ends[len(stem) - 1] :]
            separator = re.match(r"[\s:：]*(?:[（(][^）)]*[）)])?[\s:：]*", after)
            rest = after[separator.end() :].strip()
            if rest and not separator.end():
                # Text running straight on from the stem: a longer wording of the label
                # (“技术需求单位名称”) when short, else a value that merely starts like a label.
                if len(comparable(rest)) <= 3 and not any(ch.isdigit() for ch in rest):
                    return label, ""
                continue
            return label, rest
    return None


def label_name(key: str) -> str:
    """How a message names the field `key` (the form's own label)."""
    return next(label.name for label in _FIELDS if label.key == key)


# --------------------------------------------------------------------------- reading the docx


_MAX_BYTES = 50 * 1024 * 1024  # a filled-in form is well under 1 MB; refuse what cannot be one
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")  # the stream an encrypted .docx keeps in its OLE wrapper


def _open(path: Path, source: Path):
    import docx  # python-docx; imported here so the CLI starts fast
    from docx.opc.exceptions import PackageNotFoundError

    if not path.is_file():
        raise FormError(source, "文件不存在。")
    if path.stat().st_size > _MAX_BYTES:
        raise FormError(source, "文件超过 50 MB，不像是一份征集表。")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file
        if _ENCRYPTED in path.read_bytes():
            raise FormError(source, "设置了打开密码，请在 Word 或 WPS 中取消密码并另存为 .docx 后再导入。")
        # jiebang.desk.formimport converts these with LibreOffice first; a direct caller gets here.
        raise FormError(
            source,
            "是旧版 Word（.doc）或 WPS（.wps）格式，需先转换为 .docx（jiebang import 会用 LibreOffice 自动转换）。",
        )
    if not head.startswith(b"PK"):
        raise FormError(source, f"不是 Word 文档（.docx），无法作为{FORM_NAME}导入。")
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FormError(
            source, "无法作为 Word 文档（.docx）打开，请在 Word 或 WPS 中另存为 .docx 后再导入。"
        ) from exc


def _text(element) -> str:
    """Visible text of a paragraph-like element: runs, tabs and breaks; no deleted text, no fallbacks."""
    out: list[str] = []

    def walk(node) -> None:
        tag = node.tag
        if tag in (f"{_W}del", f"{_W}instrText", _MC_FALLBACK, f"{_W}tbl"):
            return
        if tag == f"{_W}t" and node.text:
            out.append(node.text)
        elif tag == f"{_W}tab":
            out.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            out.append("\n")
        for child in node:
            walk(child)

    walk(element)
    return "".join(out)


def _cell_text(tc) -> str:
    paragraphs = tc.xpath("./w:p | ./w:sdt/w:sdtContent/w:p")
    return "\n".join(_text(p) for p in paragraphs).strip()


def _is_continuation(tc) -> bool:
    """A grid cell that only extends a merged cell (vertical `vMerge` or legacy `hMerge`)."""
    for tag in ("vMerge", "hMerge"):
        found = tc.xpath(f"./w:tcPr/w:{tag}")
        if found and found[0].get(f"{_W}val", "continue") == "continue":
            return True
    return False


def _rows(document) -> list[list[str]]:
    """Every table row in document order (nested tables too), as the texts of its own cells.

    A merged cell appears once: continuation cells are dropped, and a text repeated in adjacent
    cells (what python-docx reports for a merged cell, and what WPS writes when it splits one) is
    kept once.
    """
    rows: list[list[str]] = []
    for tbl in document.element.body.iter(f"{_W}tbl"):
        for tr in tbl.xpath("./w:tr | ./w:sdt/w:sdtContent/w:tr"):
            cells: list[str] = []
            for tc in tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc"):
                if _is_continuation(tc):
                    continue
                text = _cell_text(tc)
                if cells and text and text == cells[-1]:
                    continue
                cells.append(text)
            rows.append(cells)
    return rows


# --------------------------------------------------------------------------- rows → fields


@dataclass
class RawForm:
    """One 征集表 as found: each field's text under its label key, and the 同行企业 names."""

    values: dict[str, str] = field(default_factory=dict)
    peers: list[str] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)


class _Splitter:
    """Walks the rows, filling one `RawForm` per 征集表: label cells name the field, the cell after holds it."""

    def __init__(self) -> None:
        self.forms: list[RawForm] = [RawForm()]
        self.peers_mode = False  # inside the 同行企业 block: unlabelled cells are 序号 and names
        self.previous_labels: set[str] = set()
        self.pending: str | None = None  # a label whose value sits on the next row (label above value)

    def row(self, cells: list[str]) -> None:
        if self.pending and self._fill_pending(cells):
            return
        row_labels: set[str] = set()
        index = 0
        while index < len(cells):
            index = self._cell(cells, index, row_labels)
        if row_labels:
            self.previous_labels = row_labels

    def _fill_pending(self, cells: list[str]) -> bool:
        texts = list(dict.fromkeys(text for text in cells if text))
        if not texts:
            return True  # an empty row (WPS) between the label and its value
        key, self.pending = self.pending, None
        if any(_match_label(text) for text in texts):
            return False
        self.forms[-1].values[key] = "\n".join(texts)
        return True

    def _cell(self, cells: list[str], index: int, row_labels: set[str]) -> int:
        text = cells[index]
        matched = _match_label(text) if text else None
        index += 1
        if matched is None:
            if self.peers_mode and text:
                _add_peer(self.forms[-1], text)
            return index
        label, inline = matched
        current = self._form_for(label, row_labels)
        if not label.has_value:
            return index
        if not inline and label.key == "budget":
            # 经费预算 may be typed across several cells: take them up to the next field label.
            parts = []
            while index < len(cells) and not _is_field_label(cells[index]):
                parts.append(cells[index])
                index += 1
            inline = " ".join(part for part in parts if part)
        elif not inline and index < len(cells) and not _is_pure_label(cells[index]):
            inline = cells[index]
            index += 1
        if inline and not current.values.get(label.key):
            current.values[label.key] = inline
        elif not inline and index >= len(cells) and not current.values.get(label.key):
            self.pending = label.key
        return index

    def _form_for(self, label: _Label, row_labels: set[str]) -> RawForm:
        current = self.forms[-1]
        if label.key in _FIELD_KEYS:
            repeated = label.key in current.labels and label.key not in self.previous_labels
            # A second 所属行业领域 or 项目名称 opens the next form (a county's compiled 需求表).
            if repeated and label.key in ("industry", "title") and len(current.labels) >= _MIN_LABELS:
                self.forms.append(RawForm())
                current = self.forms[-1]
            current.labels.add(label.key)
            row_labels.add(label.key)
            self.peers_mode = label.key == "peers"
        return current


def _split_forms(rows: list[list[str]]) -> list[RawForm]:
    splitter = _Splitter()
    for cells in rows:
        splitter.row(cells)
    return [form for form in splitter.forms if form.labels]


def _is_field_label(text: str) -> bool:
    matched = _match_label(text) if text else None
    return matched is not None and matched[0].key in _FIELD_KEYS


def _is_pure_label(text: str) -> bool:
    matched = _match_label(text) if text else None
    return matched is not None and not matched[1]


_NO_PEER = {"无", "暂无", "没有", "/", "-", "—", "——"}


def _add_peer(form: RawForm, text: str) -> None:
    for line in text.split("\n"):
        # “1”, “1、某公司”, “(2) 某公司”: drop the 序号, keep the name (but not the 3 of “3M中国”).
        name = re.sub(r"^[\s(（]*[0-9０-９]+(?:[.、．)）]|\s+|$)\s*", "", line).strip()
        if name and name not in _NO_PEER and name not in form.peers:
            form.peers.append(name)


def read_table(path: Path, source: Path | None = None) -> list[RawForm]:
    """Every 征集表 in a .docx (a county's compiled 需求表 holds several), as found in its tables;
    FormError if the file cannot be opened or holds no such form. `source` is the file the messages
    name, when `path` is a converted copy of it."""
    source = Path(source or path)
    rows = _rows(_open(path, source))
    forms = [
        raw for raw in _split_forms(rows) if len(raw.labels & {lab.key for lab in _FIELDS}) >= _MIN_LABELS
    ]
    if not forms:
        raise FormError(
            source,
            f"不是{FORM_NAME}：文档中找不到该表的栏目（所属行业领域、重大技术需求项目名称、"
            "技术需求单位、技术难题概述、经费预算等）。",
        )
    return forms
