"""Organisations: a well-formed 统一社会信用代码, and local where the measures demand it."""

from __future__ import annotations

from ..records.content import Record
from ..records.orgs import WELL_FORMED, check_character, credit_code_valid, region_code
from ..records.regulation import Regulation
from .registry import ERROR, Findings, declare, record_check

CREDIT_CODE = declare("org.credit_code", ERROR, "GB 32100-2015", "统一社会信用代码校验位错误")
LOCAL = declare("org.local", ERROR, "通知第1条、第五条（五）", "企业需求方或承接企业不在本市")


def credit_code_paths(record: Record) -> list[tuple]:
    paths: list[tuple] = [("demander", "credit_code"), ("host_enterprise", "credit_code")]
    solvers = record.data.get("solvers")
    if isinstance(solvers, list):
        paths += [("solvers", i, "credit_code") for i in range(len(solvers))]
    return paths


@record_check()
def credit_codes(record: Record, regulation: Regulation, tree, findings: Findings) -> None:
    for path in credit_code_paths(record):
        code = record.get(*path)
        # The schema reports a wrong length or alphabet; only a well-formed code gets its check here.
        if isinstance(code, str) and WELL_FORMED.fullmatch(code) and not credit_code_valid(code):
            findings.add(CREDIT_CODE, record, path,
                         f"统一社会信用代码 {code} 的校验位应为 {check_character(code[:17])}，现为 {code[17]}："
                         "请对照营业执照核对，通常是某一位抄错了。")


@record_check()
def local_organisations(record: Record, regulation: Regulation, tree, findings: Findings) -> None:
    prefix = regulation.value("region_code_prefix")
    city = regulation.data.get("city", "本市")
    checks = [(("host_enterprise",), "项目承接企业", regulation.article("region_code_prefix"))]
    if record.kind == "list" and record.get("demander", "kind") == "企业":
        checks.append((("demander",), "提出需求的企业", "通知第1条"))
    for path, who, article in checks:
        code = record.get(*path, "credit_code")
        if isinstance(code, str) and credit_code_valid(code) and not region_code(code).startswith(prefix):
            name = record.get(*path, "name", default="")
            findings.add(LOCAL, record, path + ("credit_code",),
                         f"{who}“{name}”的统一社会信用代码行政区划码为 {region_code(code)}，不在{city}"
                         f"（{prefix}开头）：须为{city}市域内具有独立法人资格的单位。", article=article)
