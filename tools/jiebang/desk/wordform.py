"""Read filled-in 附件1《“揭榜挂帅”重大技术需求征集表》 Word forms (.docx), and map them to list records.

jiebang.desk.formtable finds each field's text in the form's table; here those texts become values: the
template's grey hints are dropped, amounts are read as 万元, and the result becomes a list record.

The form's 技术需求牵头联系人 (姓名、职务、手机、邮箱) is read so that the importer can say what it left
out, but never enters a record: everything under content/ is public (DESIGN.md, 《政府信息公开条例》第十五条).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .formtable import FormError, RawForm, comparable, label_name, read_table
from .scaffold import blank_list, parse_wan, regulation_value


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
    competent_unit: str = ""  # 主管单位, from the county's 汇总表 when one is given (not on the form)


# --------------------------------------------------------------------------- field texts → values


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
    if body[:1] in "（(" and comparable(body[1:40]).startswith(comparable(hint)[:8]):
        depth = 0
        for index, ch in enumerate(body):
            depth += ch in "（("
            depth -= ch in "）)"
            if depth == 0:
                return body[index + 1 :].strip(), True
        return "", True
    first, _, rest = body.partition("\n")
    first_norm = comparable(first)
    if len(first_norm) >= 15 and comparable(hint).startswith(first_norm):
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


def _form_data(path: Path, raw: RawForm, part: int, parts: int) -> FormData:
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
            data.notes.append(f"“{label_name(key)}”中的填表说明（灰色提示文字）已删去。")
    missing = [
        label_name(key)
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


def read_forms(path: Path, source: Path | None = None) -> list[FormData]:
    """Every 征集表 in a .docx (a county's compiled 需求表 holds several); FormError if any is unusable.

    `source` is the file the form came in, when `path` is a copy converted from it (a .doc, a .wps):
    messages and `FormData.source` name that one.
    """
    source = Path(source or path)
    raws = read_table(Path(path), source)
    return [_form_data(source, raw, number, len(raws)) for number, raw in enumerate(raws, start=1)]


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
    competent_unit: str = "",
) -> tuple[dict, list[str]]:
    """The list record for `form`, and notes on what was inferred and needs checking.

    `competent_unit` is the 主管单位 the county's 汇总表 (附件2) gives for this form, if one was read.

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
    if competent_unit:
        record["competent_unit"] = competent_unit
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
