"""Money (第六条, 附件1): the list amount, the subsidy's ratio and cap, and the three tranches."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..records.content import ContentTree, Record
from ..records.lifecycle import ACCEPTANCE, MIDTERM, TERMINATION, TRANCHE, Timeline
from ..records.regulation import Regulation
from .registry import BY_LIST, ERROR, Findings, declare, record_check, tree_check

LIST_AMOUNT_MIN = declare("money.list_amount_min", ERROR, "第六条", "榜单金额低于下限")
SUBSIDY_RATIO = declare("money.subsidy_ratio", ERROR, "第六条", "财政资助超过榜单金额的比例上限")
SUBSIDY_CAP = declare("money.subsidy_cap", ERROR, "第六条", "财政资助超过上限")
TRANCHES = declare("money.tranches", ERROR, "第六条", "分期拨付比例或时点不符")
BUDGET = declare("money.budget", ERROR, "附件1", "榜单金额高于预计项目经费")

CENT = Decimal("0.0001")  # money is in 万元 with at most 4 decimals, i.e. to the yuan


def wan(amount: Decimal) -> str:
    """300 → “300 万元”, 99.9999 → “99.9999 万元”: no float, no trailing zeros."""
    text = format(amount.normalize(), "f") if isinstance(amount, Decimal) else str(amount)
    return f"{text} 万元"


def percent(share: Decimal) -> str:
    """0.6 → “60%”, 0.7999 → “79.99%”: no float, no trailing zeros."""
    return format((Decimal(share) * 100).normalize(), "f") + "%"


def _number(value) -> Decimal | None:
    return Decimal(value) if isinstance(value, Decimal | int) and not isinstance(value, bool) else None


@record_check("list")
def list_amounts(record: Record, regulation: Regulation, tree, findings: Findings) -> None:
    to_solver = _number(record.get("budget", "to_solver_wan"))
    total = _number(record.get("budget", "total_wan"))
    minimum = regulation.number("list_amount_min_wan")
    if to_solver is not None and to_solver < minimum:
        findings.add(LIST_AMOUNT_MIN, record, ("budget", "to_solver_wan"),
                     f"榜单金额 {wan(to_solver)}低于《办法》{regulation.article('list_amount_min_wan')}规定的 {wan(minimum)}下限。",
                     article=regulation.article("list_amount_min_wan"))
    if to_solver is not None and total is not None and to_solver > total:
        findings.add(BUDGET, record, ("budget", "to_solver_wan"),
                     f"榜单金额（支付揭榜单位研发资金）{wan(to_solver)}高于预计项目经费 {wan(total)}：前者是后者的一部分。")


@tree_check(scope=BY_LIST)
def subsidy_limits(tree: ContentTree, findings: Findings) -> None:
    for notice in tree.results:
        if notice.data.get("kind") != "立项":
            continue
        subsidy = _number(notice.data.get("subsidy_wan"))
        parent = tree.list_by_id.get(notice.text("list"))
        if subsidy is None:
            continue
        regulation = tree.regulations.in_force(notice.date)
        ratio, cap = regulation.number("subsidy_ratio_max"), regulation.number("subsidy_cap_wan")
        to_solver = _number(parent.get("budget", "to_solver_wan")) if parent else None
        if to_solver is not None and subsidy > to_solver * ratio:
            findings.add(SUBSIDY_RATIO, notice, ("subsidy_wan",),
                         f"财政资助 {wan(subsidy)}超过榜单金额 {wan(to_solver)}的 {percent(ratio)}（即 {wan((to_solver * ratio).quantize(CENT))}）。",
                         article=regulation.article("subsidy_ratio_max"))
        if subsidy > cap:
            findings.add(SUBSIDY_CAP, notice, ("subsidy_wan",),
                         f"财政资助 {wan(subsidy)}超过每个项目最高 {wan(cap)}的上限。",
                         article=regulation.article("subsidy_cap_wan"))


@tree_check(scope=BY_LIST)
def tranches(tree: ContentTree, findings: Findings) -> None:
    for list_id in tree.notices_by_list:
        timeline = Timeline.of(tree, list_id)
        subsidy = timeline.subsidy()
        if subsidy is None:
            continue  # without a 立项 the tranche is out of order: lifecycle.order says so
        contract_year = str(timeline.project.get("contract_date", default=""))[:4]
        paid: dict[int, Record] = {}
        for notice in timeline.of_kind(TRANCHE):
            if timeline.earlier(notice, TERMINATION) or timeline.earlier(notice, MIDTERM, conclusion="不再支持"):
                continue  # termination.funding / midterm.stop report these
            _check_tranche(notice, timeline, subsidy, contract_year, paid, tree, findings)


def _check_tranche(notice: Record, timeline: Timeline, subsidy: Decimal, contract_year: str,
                   paid: dict[int, Record], tree: ContentTree, findings: Findings) -> None:
    number = notice.data.get("tranche")
    amount = _number(notice.data.get("amount_wan"))
    if number not in (1, 2, 3):
        return
    regulation = tree.regulations.in_force(notice.date)
    article = regulation.article("tranche_shares")
    shares = [Decimal(str(s)) for s in regulation.value("tranche_shares")]
    share = shares[number - 1]
    # Each share rounded to the yuan, the last one the remainder, so the three always add up to the subsidy.
    firsts = [(subsidy * s).quantize(CENT, ROUND_HALF_UP) for s in shares[:-1]]
    expected = firsts[number - 1] if number < len(shares) else subsidy - sum(firsts)
    if number in paid:
        findings.add(TRANCHES, notice, ("tranche",), f"第 {number} 笔资金已由 {paid[number].id} 拨付，不能重复拨付。", article=article)
        return
    paid[number] = notice
    if amount is not None and amount != expected:
        findings.add(TRANCHES, notice, ("amount_wan",),
                     f"第 {number} 笔应拨付财政资助 {wan(subsidy)}的 {percent(share)}，即 {wan(expected)}，现为 {wan(amount)}。",
                     article=article)
    missing = [n for n in range(1, number) if n not in paid]
    if missing:
        findings.add(TRANCHES, notice, ("tranche",), f"第 {number} 笔资金拨付前，第 {missing[0]} 笔尚未拨付。", article=article)
    year = notice.date.year if notice.date else None
    if number == 1 and year and contract_year.isdigit() and year != int(contract_year):
        findings.add(TRANCHES, notice, ("date",),
                     f"第 1 笔资金（{percent(shares[0])}）应于任务书签订当年（{contract_year}年）拨付，现为 {year} 年。", article=article)
    if number == 2 and not timeline.earlier(notice, MIDTERM, conclusion="继续支持"):
        findings.add(TRANCHES, notice, ("tranche",), f"第 2 笔资金（{percent(shares[1])}）须在中期评估结论为“继续支持”之后拨付。", article=article)
    if number == 3 and not timeline.earlier(notice, ACCEPTANCE, conclusion="合格"):
        findings.add(TRANCHES, notice, ("tranche",), f"第 3 笔资金（{percent(shares[2])}）须在验收合格之后拨付（第十五条）。", article=article)
