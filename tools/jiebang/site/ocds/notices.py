"""What each kind of notice adds to its list's contracting process, as OCDS releases.

揭榜结果公示 → an award (pending through its 公示期, active after), 流榜 → the tender unsuccessful,
立项 → the contract, 资金拨付 → its transactions, 中期评估 and 验收 → its milestones (验收 closes it),
延期 → a contract amendment, 终止 → the contract terminated (or the tender cancelled before one),
更正公告 → an amendment of what it corrects. Each takes the process (process.py) and changes its state.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from ...records.content import as_date
from ...records.lifecycle import (
    ACCEPTANCE,
    AWARD,
    CORRECTION,
    EXTENSION,
    FAILED,
    MIDTERM,
    PROJECT,
    TERMINATION,
    TRANCHE,
)
from ..model import ListView, NoticeView
from .process import Process
from .values import PAYER_ID, address, contact_point, document, end_stamp, money, percent, stamp


def notice_releases(process: Process, notice: NoticeView) -> Iterator[dict]:
    """The releases one notice makes (a kind whose process step is missing makes none)."""
    made = KINDS.get(notice.kind, unknown)(process, notice, notice_document(process, notice))
    yield from [made] if isinstance(made, dict) else made or []


def notice_document(process: Process, notice: NoticeView) -> dict:
    reason = notice.data.get("reason")
    return document(
        notice,
        notice.kind,
        process.publisher,
        notice.date,
        description=reason if isinstance(reason, str) else None,
    )


def unknown(process: Process, notice: NoticeView, doc: dict) -> None:
    return None


def awarded(process: Process, notice: NoticeView, doc: dict) -> Iterator[dict]:
    data, day = notice.data, stamp(notice.date)
    process.tender_status, process.award = "complete", notice
    suppliers = [
        process.parties.add(
            s,
            "tenderer",
            "supplier",
            address=address(s.get("city")),
            unitKind=s.get("kind"),
            relatedToDemander=s.get("related_to_demander"),
        )
        for s in data.get("solvers") or []
        if isinstance(s, dict)
    ]
    if isinstance(data.get("host_enterprise"), dict):
        process.parties.add(data["host_enterprise"], "interestedParty")
    period = data.get("notice_period") or {}
    award = {
        "id": notice.id,
        "title": notice.title,
        "status": "pending",
        "date": day,
        "value": money((process.view.data.get("budget") or {}).get("to_solver_wan")),
        "suppliers": suppliers,
        "documents": [doc],
        "noticePeriod": {
            "startDate": stamp(period.get("start")),
            "endDate": end_stamp(period.get("end")),
        },
        "objectionContact": contact_point(data.get("objection_contact")),
    }
    yield process.release(
        notice.id,
        day,
        ["award"],
        awards=[award],
        tender={"id": process.view.id, "status": "complete", "tenderers": suppliers},
    )
    end = as_date(period.get("end"))
    if notice_period_over(notice, process.publisher.as_of):  # the award stands
        yield process.release(
            f"{notice.id}-active",
            stamp(end + timedelta(days=1)),
            ["awardUpdate"],
            awards=[{"id": notice.id, "status": "active"}],
        )


def unawarded(process: Process, notice: NoticeView, doc: dict) -> dict:
    process.tender_status = "unsuccessful"
    return process.release(
        notice.id,
        stamp(notice.date),
        ["tenderUpdate"],
        tender={"id": process.view.id, "status": "unsuccessful", "documents": [doc]},
    )


def contracted(process: Process, notice: NoticeView, doc: dict) -> dict:
    data, term = notice.data, notice.data.get("term") or {}
    process.contract_id = notice.id
    return process.release(
        notice.id,
        stamp(notice.date),
        ["contract"],
        contracts=process.contract(
            title=notice.title,
            status="active",
            dateSigned=stamp(data.get("contract_date")),
            value=money((process.view.data.get("budget") or {}).get("to_solver_wan")),
            period={"startDate": stamp(term.get("start")), "endDate": end_stamp(term.get("end"))},
            subsidy=money(data.get("subsidy_wan")),
            documents=[doc],
        ),
    )


def paid(process: Process, notice: NoticeView, doc: dict) -> dict | None:
    if not process.contract_id:
        return None
    day = stamp(notice.date)
    payer = process.parties.add({"name": process.publisher.payer}, "payer", "funder", id=PAYER_ID)
    transaction = {
        "id": notice.id,
        "date": day,
        "value": money(notice.data.get("amount_wan")),
        "payer": payer,
        "payee": payee(process),
        "uri": doc["url"],
        "tranche": notice.data.get("tranche"),
    }
    return process.release(
        notice.id,
        day,
        ["implementation"],
        contracts=process.contract(implementation={"transactions": [transaction], "documents": [doc]}),
    )


def payee(process: Process) -> dict | None:
    """Who receives the tranches: the 承接企业 where the award names one (第九条（七）: the city's firm
    that passes them on to an out-of-city solver), else the solver when there is one."""
    if process.award is None:
        return None
    host = process.award.data.get("host_enterprise")
    if isinstance(host, dict):
        return process.parties.add(host, "payee")
    solvers = [s for s in process.award.data.get("solvers") or [] if isinstance(s, dict)]
    return process.parties.add(solvers[0], "payee") if len(solvers) == 1 else None


def assessed(process: Process, notice: NoticeView, doc: dict) -> dict | None:
    """中期评估 and 验收 are milestones of the contract; 验收 also closes it (OCDS's `terminated`: a
    contract come to a close, completed or not)."""
    if not process.contract_id:
        return None
    data, day = notice.data, stamp(notice.date)
    met = data.get("conclusion") in ("继续支持", "合格")
    completion = data.get("completion")
    text = f"{notice.kind}结论：{data.get('conclusion')}" + (
        f"；完成任务书 {percent(completion)}" if completion is not None else ""
    )
    milestone = {
        "id": notice.id,
        "title": notice.kind,
        "type": "assessment",
        "status": "met" if met else "notMet",
        "dateMet": day if met else None,
        "dateModified": day,
        "description": text,
        "completion": completion,
    }
    closed = {"status": "terminated"} if notice.kind == ACCEPTANCE else {}
    return process.release(
        notice.id,
        day,
        ["contractTermination" if closed else "implementationUpdate"],
        contracts=process.contract(**closed, implementation={"milestones": [milestone], "documents": [doc]}),
    )


def extended(process: Process, notice: NoticeView, doc: dict) -> dict | None:
    if not process.contract_id:
        return None
    day, end = stamp(notice.date), notice.data.get("new_term_end")
    amendment = {
        "id": notice.id,
        "date": day,
        "rationale": notice.data.get("reason"),
        "description": f"任务书执行期延至 {end}",
    }
    return process.release(
        notice.id,
        day,
        ["contractAmendment"],
        contracts=process.contract(
            period={"endDate": end_stamp(end)}, amendments=[amendment], documents=[doc]
        ),
    )


def terminated(process: Process, notice: NoticeView, doc: dict) -> dict:
    day = stamp(notice.date)
    if process.contract_id:
        return process.release(
            notice.id,
            day,
            ["contractTermination"],
            contracts=process.contract(status="terminated", documents=[doc]),
        )
    process.tender_status = "cancelled"  # withdrawn before any contract (DESIGN.md: withdrawn by a 终止)
    return process.release(
        notice.id,
        day,
        ["tenderCancellation"],
        tender={"id": process.view.id, "status": "cancelled", "documents": [doc]},
    )


def corrected(process: Process, notice: NoticeView, doc: dict) -> dict:
    """A 更正公告 is an amendment of what it corrects: the list, the award, or else the contract."""
    data, day = notice.data, stamp(notice.date)
    fields = [f for f in data.get("fields") or [] if isinstance(f, str)]
    amendment = {
        "id": notice.id,
        "date": day,
        "rationale": data.get("reason"),
        "description": "更正事项：" + "、".join(fields) if fields else None,
    }
    target = data.get("target")
    if target in (process.view.id, None):
        return process.release(
            notice.id,
            day,
            ["tenderAmendment"],
            tender={"id": process.view.id, "amendments": [amendment], "documents": [doc]},
        )
    if target == process.award_id:
        return process.release(
            notice.id,
            day,
            ["awardUpdate"],
            awards=[{"id": target, "amendments": [amendment], "documents": [doc]}],
        )
    return process.release(
        notice.id,
        day,
        ["contractAmendment"],
        contracts=[
            {
                "id": process.contract_id or target,
                "awardID": process.award_id,
                "amendments": [amendment],
                "documents": [doc],
            }
        ],
    )


KINDS = {
    AWARD: awarded,
    FAILED: unawarded,
    PROJECT: contracted,
    TRANCHE: paid,
    MIDTERM: assessed,
    ACCEPTANCE: assessed,
    EXTENSION: extended,
    TERMINATION: terminated,
    CORRECTION: corrected,
}


def notice_period_end(notice: NoticeView) -> date | None:
    """The last day of an award notice's 公示期, where it states one."""
    return as_date((notice.data.get("notice_period") or {}).get("end"))


def notice_period_over(notice: NoticeView, as_of: date) -> bool:
    """Whether an award notice's 公示期 has ended by `as_of`."""
    end = notice_period_end(notice)
    return bool(end and end < as_of)


def what_the_day_decides(view: ListView, as_of: date) -> list[bool]:
    """All a list's releases take from the day they are made for, beyond the status its view holds:
    whether each award's 公示期 is over. The cache keys a list's lines on this rather than on the day,
    so a build on a later day remakes only the lists whose 公示期 that day ended."""
    return [notice_period_over(n, as_of) for n in view.notices if n.kind == AWARD]
