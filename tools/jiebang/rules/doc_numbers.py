"""文号: 机关代字〔年份〕序号号, as GB/T 9704-2012 §7.2.4 sets it out."""

from __future__ import annotations

import re

from ..records.content import Record
from ..records.placeholders import is_placeholder
from .registry import ERROR, Findings, declare, record_check

FORMAT = declare("doc_number.format", ERROR, "GB/T 9704", "文号格式不符")

_RIGHT = re.compile(r"^[\u4e00-\u9fff]{1,12}〔(\d{4})〕([1-9]\d{0,4})号$")
_WRONG_BRACKETS = re.compile(r"[\[\]【】()（）［］〈〉<>{}｛｝「」]")


@record_check()
def doc_number(record: Record, regulation, tree, findings: Findings) -> None:
    value = record.data.get("doc_number")
    if not isinstance(value, str) or _RIGHT.match(value) or is_placeholder(value):
        return
    if _WRONG_BRACKETS.search(value):
        hint = "年份须用六角括号〔〕括入，不能用方括号、圆括号或【】。"
    elif re.search(r"〔\d{4}〕0\d*号$", value):
        hint = "序号不编虚位（1 不编为 01），不加“第”字。"
    elif re.search(r"〔\d{2}〕", value):
        hint = "年份应写全称（如 2022），不能简写。"
    elif re.search(r"第\d+号$", value):
        hint = "序号前不加“第”字。"
    else:
        hint = "应写作 机关代字〔年份〕序号号，如“景科字〔2022〕56号”。"
    findings.add(FORMAT, record, ("doc_number",), f"文号“{value}”格式不正确：{hint}")
