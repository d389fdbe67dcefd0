"""Who may win a list (第五条): not the demander's related party, and a local 承接企业 when needed."""

from __future__ import annotations

from ..records.content import ContentTree
from ..records.orgs import credit_code_valid, region_code
from .registry import BY_LIST, ERROR, Findings, declare, tree_check

RELATED = declare("solver.related_party", ERROR, "第五条（一）", "揭榜方是需求方或其关联单位")
HOST = declare("solver.host_enterprise", ERROR, "第五条（五）", "缺少市域内承接企业")


@tree_check(scope=BY_LIST)
def solvers(tree: ContentTree, findings: Findings) -> None:
    for notice in tree.results:
        found = notice.data.get("solvers")
        parent = tree.list_by_id.get(notice.text("list"))
        if notice.data.get("kind") != "揭榜结果公示" or not isinstance(found, list) or parent is None:
            continue
        demander = parent.data.get("demander") if isinstance(parent.data.get("demander"), dict) else {}
        regulation = tree.regulations.in_force(notice.date)
        prefix = regulation.value("region_code_prefix")
        needs_host = []
        for i, solver in enumerate(found):
            if not isinstance(solver, dict):
                continue
            name = solver.get("name", "")
            same = (solver.get("credit_code") and solver.get("credit_code") == demander.get("credit_code")) or (
                name and name == demander.get("name"))
            if same or solver.get("related_to_demander") is True:
                why = "就是技术需求方本身" if same else "已申报为技术需求方的关联单位"
                findings.add(RELATED, notice, ("solvers", i), f"揭榜单位“{name}”{why}，按第五条（一）不能揭榜。")
            code = solver.get("credit_code")
            out_of_city = isinstance(code, str) and credit_code_valid(code) and not region_code(code).startswith(prefix)
            if solver.get("kind") in ("高校", "科研院所", "其他事业单位") or (solver.get("kind") == "企业" and out_of_city):
                needs_host.append(name)
        if demander.get("kind") == "企业" or not needs_host:
            continue  # 第五条（五） concerns common-technology lists raised by non-enterprises
        host = notice.data.get("host_enterprise") or parent.data.get("host_enterprise")
        if not isinstance(host, dict) or not host.get("credit_code"):
            findings.add(HOST, notice, ("solvers",),
                         f"本榜单由{demander.get('kind', '非企业单位')}提出，揭榜单位“{'、'.join(needs_host)}”为高校、科研院所或市域外企业，"
                         "须确定至少 1 家市域内承接企业（host_enterprise）配合实施并承接成果转化。")
