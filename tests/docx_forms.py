"""Build 附件1《“揭榜挂帅”重大技术需求征集表》 .docx files the way enterprises send them.

The layout follows the template in the notice (景科字〔2022〕56号): an 8-column grid whose label
column is on the left, value cells merged across the row, the 联系人 row split into 姓名/职务/手机/
邮箱, and the 同行企业 label merged down over its 序号 rows. Each `Form` option reproduces something
seen in forms filled in Word or WPS: unmerged cells with repeated text, labels broken by spaces and
line breaks, full-width digits, the template's grey hints left in place, extra empty rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from docx import Document
from docx.shared import Pt

GRID = 8

LABELS = {
    "industry": "所属行业领域",
    "subfield": "细分方向",
    "title": "重大技术需求\n项目名称",
    "demander": "技术需求单位",
    "contact": "技术需求牵头\n联系人",
    "name": "姓名",
    "position": "职务",
    "mobile": "手机：",
    "email": "邮箱：",
    "peers": "有共同技术需求的同行企业",
    "peer_no": "序号",
    "peer_name": "单位名称",
    "problem": "技术难题概述（限500\n\n字以内）",
    "targets": "技术攻关后希望达到的预期技术目标（限500字以内）",
    "budget": "经费预算",
    "benefits": "企业承接转化后预期的经济、社会效益（限300字以内）",
}

HINTS = {
    "problem": "（描述具体技术难题或发展瓶颈，要求内容具体、指向清晰；简述技术攻关的方向，说明期望通过科技创新解决的"
    "技术壁垒；说明是否行业共性“卡脖子”技术及现实应用场景）",
    "targets": "（目前的技术指标参数，攻关后要求达到的技术参数；如属于填补空白的“卡脖子”技术可不填目前的技术指标参数；"
    "说明新原理、新产品、新技术、关键部件等目标技术参数实现条件，如自然条件、工况环境、成本约束、行业监管等"
    "技术应用的边界条件）",
    "benefits": "（技术需求企业对技术攻关取得的预期技术成果开展产业化转化可能取得的主要经济、社会、生态效益，"
    "提升我国相关产业竞争力等方面的作用。）",
}

ROWS = ["industry", "title", "demander", "contact", "peers", "problem", "targets", "budget", "benefits"]


@dataclass
class Form:
    industry: str = "陶瓷"
    subfield: str = "日用陶瓷釉料"
    title: str = "日用陶瓷低温快烧釉料关键技术"
    demander: str = "景德镇市示例陶瓷有限公司"
    contact_name: str = "张三"
    contact_position: str = "总工程师"
    mobile: str = "13912345678"
    email: str = "zhangsan@qq.com"
    peers: list[str] = field(default_factory=lambda: ["景德镇市某某瓷业有限公司", "乐平市某某陶瓷有限公司"])
    problem: list[str] = field(
        default_factory=lambda: [
            "日用陶瓷烧成温度高、周期长，能耗占生产成本三成以上。",
            "需攻克低温快烧釉料配方与烧成制度，属行业共性技术。",
        ]
    )
    targets: list[str] = field(default_factory=lambda: ["烧成温度由1300℃降至1180℃以下，烧成周期缩短30%。"])
    total: str = "300"
    to_solver: str = "200"
    unit: str = "万元"  # what follows each amount; "" when the enterprise deleted it
    budget: str | None = None  # the whole 经费预算 cell, overriding total/to_solver/unit
    benefits: list[str] = field(
        default_factory=lambda: ["年节约能耗成本约800万元，带动全市日用瓷企业节能降耗。"]
    )
    labels: dict[str, str] = field(default_factory=dict)  # label texts replacing LABELS
    hints: set[str] = field(default_factory=set)  # fields whose grey hint was left in place
    merged: bool = True  # False: WPS-like split cells, each repeating the merged text
    rows: list[str] = field(default_factory=lambda: list(ROWS))
    empty_rows: bool = False  # an extra empty row after every row, and empty paragraphs in cells
    contact_rows: int = 1  # 2: 手机/邮箱 on a second row under 姓名/职务
    stacked: set[str] = field(default_factory=set)  # fields typed under their label instead of beside it


def _label(form: Form, key: str) -> str:
    return form.labels.get(key, LABELS[key])


def _texts(form: Form, key: str, paragraphs: list[str]) -> list[str]:
    out = ([HINTS[key]] if key in form.hints else []) + list(paragraphs)
    if form.empty_rows:
        out = ["", *[p for text in out for p in (text, "")]]
    return out or [""]


def _plan(form: Form) -> list[list[tuple[object, int]]]:
    """Rows of (content, grid span); content "^" continues the label merged from the row above."""
    budget = form.budget
    if budget is None:
        budget = (
            f"预计项目经费{form.total}{form.unit}。其中企业类：预计支付揭榜单位研发资金"
            f"{form.to_solver}{form.unit}。"
        )
    wide = GRID - 1
    rows: list[list[tuple[object, int]]] = []
    for key in form.rows:
        if key == "industry":
            rows.append(
                [
                    (_label(form, "industry"), 1),
                    (form.industry, 3),
                    (_label(form, "subfield"), 2),
                    (form.subfield, 2),
                ]
            )
        elif key == "subfield_row":  # 细分方向 on a row of its own
            rows.append([(_label(form, "subfield"), 1), (form.subfield, wide)])
        elif key == "industry_only":
            rows.append([(_label(form, "industry"), 1), (form.industry, wide)])
        elif key in form.stacked:
            value = getattr(form, key)
            rows.append([(_label(form, key), GRID)])
            rows.append([(_texts(form, key, value) if isinstance(value, list) else value, GRID)])
        elif key in ("title", "demander"):
            rows.append([(_label(form, key), 1), (getattr(form, key), wide)])
        elif key == "contact":
            mobile = (_label(form, "mobile") + form.mobile, 2)
            email = (_label(form, "email") + form.email, 1)
            first = [
                (_label(form, "contact"), 1),
                (_label(form, "name"), 1),
                (form.contact_name, 1),
                (_label(form, "position"), 1),
                (form.contact_position, 1),
            ]
            if form.contact_rows == 1:
                rows.append([*first, mobile, email])
            else:
                rows.append([*first, ("", 3)])
                rows.append([("^", 1), (mobile[0], 3), (email[0], 4)])
        elif key == "peers":
            rows.append(
                [(_label(form, "peers"), 1), (_label(form, "peer_no"), 1), (_label(form, "peer_name"), 6)]
            )
            for number, name in enumerate(form.peers or ["", ""], start=1):
                rows.append([("^", 1), (str(number), 1), (name, 6)])
        elif key == "budget":
            rows.append([(_label(form, "budget"), 1), (budget, wide)])
        else:
            rows.append([(_label(form, key), 1), (_texts(form, key, getattr(form, key)), wide)])
        if form.empty_rows:
            rows.append([("", 1), ("", wide)])
    return rows


def _fill(cell, content: object) -> None:
    paragraphs = content if isinstance(content, list) else [content]
    cell.paragraphs[0].text = str(paragraphs[0])
    for text in paragraphs[1:]:
        cell.add_paragraph(str(text))


def add_form_table(document, form: Form) -> None:
    plan = _plan(form)
    table = document.add_table(rows=len(plan), cols=GRID)
    table.style = "Table Grid"
    label_above: dict[int, tuple[int, str]] = {}  # grid column -> (first row, label) of a vertical merge
    for r, row in enumerate(plan):
        column = 0
        for content, span in row:
            if content == "^":
                start, text = label_above[column]
                if form.merged:
                    table.cell(start, column).merge(table.cell(r, column))
                else:
                    _fill(table.cell(r, column), text)
            else:
                label_above[column] = (r, str(content))
                if form.merged:
                    cell = table.cell(r, column)
                    if span > 1:
                        cell = cell.merge(table.cell(r, column + span - 1))
                    _fill(cell, content)
                else:
                    for offset in range(span):
                        _fill(table.cell(r, column + offset), content)
            column += span


def build_form(path: Path, form: Form | None = None, **changes) -> Path:
    """Write one filled 征集表 to `path`; keyword arguments change fields of `form` (default `Form()`)."""
    form = replace(form or Form(), **changes)
    document = Document()
    document.styles["Normal"].font.size = Pt(12)
    document.add_paragraph("附件1")
    document.add_paragraph("“揭榜挂帅”重大技术需求征集表")
    if form.empty_rows:
        document.add_paragraph("")
    add_form_table(document, form)
    if form.empty_rows:
        document.add_paragraph("")
        document.add_paragraph("")
    document.save(path)
    return path


def build_compiled(path: Path, forms: list[Form]) -> Path:
    """A county's 《企业重大技术需求表》: several 征集表 one after another in one document."""
    document = Document()
    for number, form in enumerate(forms):
        if number:
            document.add_page_break()
        document.add_paragraph("“揭榜挂帅”重大技术需求征集表")
        add_form_table(document, form)
    document.save(path)
    return path


def build_other_document(path: Path) -> Path:
    """A Word file that is not a 征集表: a meeting notice with a small sign-in table."""
    document = Document()
    document.add_paragraph("关于召开2022年科技工作会议的通知")
    document.add_paragraph("各有关单位：兹定于9月20日召开科技工作会议，请准时参加。")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [["序号", "单位名称", "参会人员"], ["1", "珠山区科技局", "王五"], ["2", "昌江区科技局", "赵六"]]
    ):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.save(path)
    return path
