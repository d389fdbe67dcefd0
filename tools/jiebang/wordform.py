"""Read filled-in 附件1《“揭榜挂帅”重大技术需求征集表》 Word forms (.docx), and map them to list records.

Enterprises fill the form in Word or WPS, so nothing about the table is fixed: cells get merged or
split, labels gain spaces and line breaks, digits come full-width, the grey template hints stay in
place, rows move. Fields are therefore found by their normalised label text, never by cell index.

The form's 技术需求牵头联系人 (姓名、职务、手机、邮箱) is read so that the importer can say what it left
out, but never enters a record: everything under content/ is public (DESIGN.md, 《政府信息公开条例》第十五条).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .scaffold import blank_list, parse_wan, regulation_value

FORM_NAME = "“揭榜挂帅”重大技术需求征集表（附件1）"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


class FormError(Exception):
    """A Word file that cannot be imported; `str()` is a Chinese message naming the form (and fields)."""

    def __init__(self, form: Path | str, message: str, fields: tuple[str, ...] = ()):
        self.form = Path(form)
        self.fields = fields
        super().__init__(f"征集表《{self.form.name}》：{message}")


@dataclass
class Contact:
    """技术需求牵头联系人 — private: read for reporting, never written to content/."""

    name: str = ""
    position: str = ""
    mobile: str = ""
    email: str = ""

    def any(self) -> bool:
        return any((self.name, self.position, self.mobile, self.email))


@dataclass
class FormData:
    source: Path
    industry: str = ""
    subfield: str = ""
    title: str = ""
    demander: str = ""
    contact: Contact = field(default_factory=Contact)
    peers: list[str] = field(default_factory=list)
    problem: str = ""
    targets: str = ""
    total_wan: Decimal | None = None
    to_solver_wan: Decimal | None = None
    benefits: str = ""
    notes: list[str] = field(default_factory=list)  # what the reader noticed, in Chinese
    part: int = 1  # which form inside the file, for files that hold several
    parts: int = 1


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

# The template's grey instructions (附件1), as printed there. Left in place, they mean “not filled in”.
_HINTS = {
    "problem": "描述具体技术难题或发展瓶颈，要求内容具体、指向清晰；简述技术攻关的方向，说明期望通过科技创新解决的"
    "技术壁垒；说明是否行业共性“卡脖子”技术及现实应用场景",
    "targets": "目前的技术指标参数，攻关后要求达到的技术参数；如属于填补空白的“卡脖子”技术可不填目前的技术指标参数；"
    "说明新原理、新产品、新技术、关键部件等目标技术参数实现条件，如自然条件、工况环境、成本约束、行业监管等"
    "技术应用的边界条件",
    "benefits": "技术需求企业对技术攻关取得的预期技术成果开展产业化转化可能取得的主要经济、社会、生态效益，"
    "提升我国相关产业竞争力等方面的作用。",
}


# 第五条（一）（四）及通知第4条 distinguish enterprises from 高校、科研院所; the form does not say which.
_KIND_WORDS = (
    ("高校", ("大学", "学院", "学校")),
    ("科研院所", ("研究院", "研究所", "研究中心", "科学院")),
    ("企业", ("公司", "厂", "集团", "企业", "合作社")),
)


def _norm(text: str) -> str:
    """Label-comparison form: NFKC (full-width → ASCII), lower case, letters and digits only."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def _norm_map(text: str) -> tuple[str, list[int]]:
    """`_norm(text)` and, for each of its characters, the index just after it in `text`."""
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
                if len(_norm(rest)) <= 3 and not any(ch.isdigit() for ch in rest):
                    return label, ""
                continue
            return label, rest
    return None


# --------------------------------------------------------------------------- reading the docx


_MAX_BYTES = 50 * 1024 * 1024  # a filled-in form is well under 1 MB; refuse what cannot be one
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")  # the stream an encrypted .docx keeps in its OLE wrapper


def _open(path: Path):
    import docx  # python-docx; imported here so the CLI starts fast
    from docx.opc.exceptions import PackageNotFoundError

    if not path.is_file():
        raise FormError(path, "文件不存在。")
    if path.stat().st_size > _MAX_BYTES:
        raise FormError(path, "文件超过 50 MB，不像是一份征集表。")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file
        if _ENCRYPTED in path.read_bytes():
            raise FormError(path, "设置了打开密码，请在 Word 或 WPS 中取消密码并另存为 .docx 后再导入。")
        raise FormError(
            path, "是旧版 Word（.doc）或 WPS（.wps）格式，请在 Word 或 WPS 中“另存为”.docx 后再导入。"
        )
    if not head.startswith(b"PK"):
        raise FormError(path, f"不是 Word 文档（.docx），无法作为{FORM_NAME}导入。")
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FormError(
            path, "无法作为 Word 文档（.docx）打开，请在 Word 或 WPS 中另存为 .docx 后再导入。"
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
class _Raw:
    values: dict[str, str] = field(default_factory=dict)
    peers: list[str] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)


class _Splitter:
    """Walks the rows, filling one `_Raw` per 征集表: label cells name the field, the cell after holds it."""

    def __init__(self) -> None:
        self.forms: list[_Raw] = [_Raw()]
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

    def _form_for(self, label: _Label, row_labels: set[str]) -> _Raw:
        current = self.forms[-1]
        if label.key in _FIELD_KEYS:
            repeated = label.key in current.labels and label.key not in self.previous_labels
            # A second 所属行业领域 or 项目名称 opens the next form (a county's compiled 需求表).
            if repeated and label.key in ("industry", "title") and len(current.labels) >= _MIN_LABELS:
                self.forms.append(_Raw())
                current = self.forms[-1]
            current.labels.add(label.key)
            row_labels.add(label.key)
            self.peers_mode = label.key == "peers"
        return current


def _split_forms(rows: list[list[str]]) -> list[_Raw]:
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


def _add_peer(form: _Raw, text: str) -> None:
    for line in text.split("\n"):
        # “1”, “1、某公司”, “(2) 某公司”: drop the 序号, keep the name (but not the 3 of “3M中国”).
        name = re.sub(r"^[\s(（]*[0-9０-９]+(?:[.、．)）]|\s+|$)\s*", "", line).strip()
        if name and name not in _NO_PEER and name not in form.peers:
            form.peers.append(name)


def _one_line(text: str) -> str:
    """A short value on one line: a line break between Chinese characters is dropped, else a space."""
    parts = [part.strip() for part in re.split(r"[\r\n\t]+", text) if part.strip()]
    out = ""
    for part in parts:
        joiner = "" if out and (not out[-1].isascii() or not part[0].isascii()) else " "
        out = f"{out}{joiner}{part}" if out else part
    return re.sub(r"[ \u3000]{2,}", " ", out).strip()


def _strip_hint(text: str, hint: str) -> tuple[str, bool]:
    """Remove the template's hint at the start of `text`; report whether there was one.

    In parentheses (as printed) its first words identify it; without them the whole paragraph must
    be the hint, since an enterprise may well begin its own text with “目前的技术指标参数……”.
    """
    body = text.lstrip(" \t\n\u3000")
    if body[:1] in "（(" and _norm(body[1:40]).startswith(_norm(hint)[:8]):
        depth = 0
        for index, ch in enumerate(body):
            depth += ch in "（("
            depth -= ch in "）)"
            if depth == 0:
                return body[index + 1 :].strip(), True
        return "", True
    first, _, rest = body.partition("\n")
    first_norm = _norm(first)
    if len(first_norm) >= 15 and _norm(hint).startswith(first_norm):
        return rest.strip(), True
    return text, False


def _markdown(text: str) -> str:
    """Word paragraphs as Markdown paragraphs; indentation and empty paragraphs (WPS) dropped."""
    lines = [line.strip(" \t\u3000\xa0") for line in text.split("\n")]
    return "\n\n".join(line for line in lines if line)


def _checked_option(text: str) -> str:
    """Forms that offer 行业 as check boxes: “☑陶瓷 □航空” → 陶瓷."""
    marked = re.findall(r"[☑■√✓✔☒▇▣]\s*([^\s□☐☑■√✓✔☒▇▣、，,；;]+)", text)
    return marked[0] if len(marked) == 1 else text


def _amount(form: Path, text: str, what: str) -> Decimal | None:
    try:
        return parse_wan(text)
    except ValueError as exc:
        raise FormError(form, f"“经费预算”中{what}{exc}。", (f"经费预算：{what}",)) from exc


_TOTAL_WORDS = ("预计项目经费", "项目总经费", "项目经费", "总经费")
_SOLVER_WORDS = (
    "预计支付揭榜单位研发资金",
    "支付揭榜单位研发资金",
    "揭榜单位研发资金",
    "研发资金",
    "榜单金额",
)


def _budget(form: Path, text: str) -> tuple[Decimal | None, Decimal | None, bool]:
    """(预计项目经费, 预计支付揭榜单位研发资金, whether the template sentence was found)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", " ", text)
    solver_at = next(((text.find(w), w) for w in _SOLVER_WORDS if w in text), (-1, ""))
    total_at = next(
        ((text.find(w), w) for w in _TOTAL_WORDS if w in text[: max(solver_at[0], 0) or None]), (-1, "")
    )
    if total_at[0] < 0 and solver_at[0] < 0:
        return None, None, False
    total = solver = None
    if total_at[0] >= 0:
        start = total_at[0] + len(total_at[1])
        end = solver_at[0] if solver_at[0] > start else len(text)
        segment = re.split(r"其中|。|;|；", text[start:end], maxsplit=1)[0]
        total = _amount(form, _unit_label_dropped(segment), "“预计项目经费”")
    if solver_at[0] >= 0:
        segment = re.split(r"。|;|；", text[solver_at[0] + len(solver_at[1]) :], maxsplit=1)[0]
        solver = _amount(form, _unit_label_dropped(segment), "“预计支付揭榜单位研发资金”（榜单金额）")
    return total, solver, True


def _unit_label_dropped(segment: str) -> str:
    """“（万元）：300” → “300”: the unit written as a label before the amount."""
    return re.sub(r"^\s*(?:\(\s*万元\s*\))?\s*[:：为是]?\s*", "", segment)


def guess_kind(name: str) -> str | None:
    """单位类型 from the unit's name (高校, 科研院所, 企业), or None when the name does not tell."""
    for kind, words in _KIND_WORDS:
        if any(word in name for word in words):
            return kind
    return None


def _form_data(path: Path, raw: _Raw, part: int, parts: int) -> FormData:
    values = raw.values
    data = FormData(source=path, part=part, parts=parts)
    data.industry = _one_line(_checked_option(values.get("industry", "")))
    data.subfield = _one_line(values.get("subfield", ""))
    data.title = _one_line(values.get("title", ""))
    data.demander = re.sub(
        r"[（(]\s*(?:盖章|公章|签章)\s*[）)]$", "", _one_line(values.get("demander", ""))
    ).strip()
    data.contact = Contact(
        name=_one_line(values.get("contact_name", "")),
        position=_one_line(values.get("contact_position", "")),
        mobile=_one_line(values.get("contact_mobile", "")),
        email=_one_line(values.get("contact_email", "")),
    )
    data.peers = list(raw.peers)
    for key in ("problem", "targets", "benefits"):
        text, had_hint = _strip_hint(values.get(key, ""), _HINTS[key])
        setattr(data, key, _markdown(text))
        if had_hint and text:
            data.notes.append(f"“{_label_name(key)}”中的填表说明（灰色提示文字）已删去。")
    missing = [
        _label_name(key)
        for key in ("industry", "title", "demander", "problem", "targets")
        if not getattr(data, key)
    ]
    total, solver, found = _budget(path, values.get("budget", ""))
    data.total_wan, data.to_solver_wan = total, solver
    if total is None:
        missing.append("经费预算：预计项目经费" if found else "经费预算")
    # “其中企业类：预计支付揭榜单位研发资金” — only an enterprise's form must state the 榜单金额.
    elif solver is None and guess_kind(data.demander) in ("企业", None):
        missing.append("经费预算：预计支付揭榜单位研发资金（榜单金额）")
    if missing:
        where = f"第 {part} 份" if parts > 1 else ""
        raise FormError(
            path, f"{where}缺少或未填写：{'、'.join(missing)}。请需求单位补填后重新导入。", tuple(missing)
        )
    return data


def _label_name(key: str) -> str:
    return next(label.name for label in _FIELDS if label.key == key)


def read_forms(path: Path) -> list[FormData]:
    """Every 征集表 in a .docx (a county's compiled 需求表 holds several); FormError if any is unusable."""
    path = Path(path)
    rows = _rows(_open(path))
    raws = [
        raw for raw in _split_forms(rows) if len(raw.labels & {lab.key for lab in _FIELDS}) >= _MIN_LABELS
    ]
    if not raws:
        raise FormError(
            path,
            f"不是{FORM_NAME}：文档中找不到该表的栏目（所属行业领域、重大技术需求项目名称、"
            "技术需求单位、技术难题概述、经费预算等）。",
        )
    return [_form_data(path, raw, number, len(raws)) for number, raw in enumerate(raws, start=1)]


def read_form(path: Path) -> FormData:
    """The one 征集表 in a .docx."""
    forms = read_forms(path)
    if len(forms) > 1:
        raise FormError(path, f"包含 {len(forms)} 份征集表，请用 jiebang import 逐份导入。")
    return forms[0]


# --------------------------------------------------------------------------- form → list record


def list_record(
    form: FormData,
    *,
    list_id: str,
    regulation: dict,
    schema: dict,
    published: dt.date | None,
    deadline: dt.date | None,
) -> tuple[dict, list[str]]:
    """The list record for `form`, and notes on what was inferred and needs checking.

    Fields the form does not carry get visible placeholders (“（请填写：…）”) named by their schema
    titles, so the editor sees them and `validate` complains until they are filled in.
    """
    notes = list(form.notes)
    industries = [str(v) for v in regulation_value(regulation, "industries", [])]
    industry = form.industry
    if industry not in industries:
        candidates = [name for name in industries if name in industry]
        if len(candidates) == 1:
            notes.append(f"所属行业领域“{industry}”按管理办法数据归为“{candidates[0]}”，请核对。")
            industry = candidates[0]
        else:
            notes.append(
                f"所属行业领域“{industry}”不在管理办法所列行业（{'、'.join(industries)}）中，请改为其一。"
            )

    record = blank_list(list_id, schema, regulation)
    demander = record["demander"]
    demander["name"] = form.demander
    kind = guess_kind(form.demander)
    if kind:
        demander["kind"] = kind
        notes.append(f"单位类型按单位名称推断为“{kind}”，请核对。")
    counties = [str(name) for name in (regulation_value(regulation, "counties", {}) or {})]
    in_name = [name for name in counties if name in form.demander]
    if len(in_name) == 1:
        demander["county"] = in_name[0]
        notes.append(f"所在县（市、区）按单位名称推断为“{in_name[0]}”，请核对。")

    record.update(
        industry=industry, title=form.title, peers=form.peers, problem=form.problem, targets=form.targets
    )
    if form.subfield:
        record["subfield"] = form.subfield
    if form.benefits:
        record["benefits"] = form.benefits
    record["budget"]["total_wan"] = form.total_wan
    if form.to_solver_wan is not None:
        record["budget"]["to_solver_wan"] = form.to_solver_wan
    if published:
        record["published"] = published
    if deadline:
        record["deadline"] = deadline
    if not form.subfield:
        notes.append("征集表未填写“细分方向”。")
    if not form.benefits:
        notes.append("征集表未填写“预期经济、社会效益”（或只留了填表说明）。")
    return record, notes
