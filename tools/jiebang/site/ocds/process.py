"""One list's whole lifecycle as OCDS releases: one contracting process (ocid) per list.

Each event is one release, dated from the record that states it: the list as first published (its
first revision in git), each later revision of the list that added a 更正说明 (`changes`), each notice,
and the day a 揭榜结果公示's 公示期 ended (the award turns from pending to active). Release ids are the
record ids (a revision's: list id + commit), so they never change from one build to the next.

A release states what it changes, and every party known so far with all its roles up to then: OCDS
merges `roles` as a whole list, so a party restated with fewer roles would lose the others in the
compiled release.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

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
from .values import (
    BUYER_ID,
    PAYER_ID,
    Parties,
    Publisher,
    address,
    compact,
    contact_point,
    document,
    end_stamp,
    money,
    percent,
    stamp,
    tender_of,
)

Version = tuple[
    str, str | None, dict, list[tuple[int, dict]], list
]  # commit, date, data, new notes, field changes


@dataclass
class Process:
    """The state of one contracting process while its events become releases, in date order."""

    view: ListView
    publisher: Publisher
    parties: Parties = field(default_factory=Parties)
    tender_status: str = "active"
    award: NoticeView | None = None
    contract_id: str | None = None
    last_tender_release: str | None = None

    def release(self, release_id: str, day: str | None, tags: list[str], **parts: Any) -> dict:
        return compact(
            {
                "ocid": self.publisher.ocid(self.view.id),
                "id": release_id,
                "date": day,
                "tag": tags,
                "initiationType": "tender",
                "language": "zh",
                "parties": self.parties.snapshot(),
                "buyer": {"id": BUYER_ID, "name": self.publisher.buyer},
                **parts,
            }
        )

    @property
    def award_id(self) -> str | None:
        return self.award.id if self.award else None

    def contract(self, **parts: Any) -> list[dict]:
        """The one contract, as a release's `contracts` (OCDS requires its awardID in every release)."""
        return [{"id": self.contract_id, "awardID": self.award_id, **parts}]

    # ------------------------------------------------------------------------------------ the list

    def add_list_parties(self, data: dict) -> None:
        demander = data.get("demander") if isinstance(data.get("demander"), dict) else {}
        contact = contact_point(data.get("contact"))
        unit = data["contact"].get("unit") if isinstance(data.get("contact"), dict) else None
        # The enquiry contact is the demander's when its unit is part of the demander, else the bureau's.
        on_demander = (
            isinstance(unit, str) and bool(demander.get("name")) and unit.startswith(demander["name"])
        )
        self.parties.add(
            {"name": self.publisher.buyer},
            "buyer",
            "procuringEntity",
            id=BUYER_ID,
            contactPoint=None if on_demander else contact,
        )
        self.parties.add(
            demander,
            "interestedParty",
            address=address(demander.get("county")),
            unitKind=demander.get("kind"),
            contactPoint=contact if on_demander else None,
        )
        if isinstance(data.get("host_enterprise"), dict):
            self.parties.add(data["host_enterprise"], "interestedParty")

    def publication(self, data: dict) -> dict:
        self.add_list_parties(data)
        self.last_tender_release = self.view.id
        tender = tender_of(data, self.view, self.publisher, self.tender_status)
        tender["documents"] = [document(self.view, "list", self.publisher, data.get("published"))]
        budget = {
            "id": f"{self.view.id}-budget",
            "description": "预计项目经费",
            "amount": money((data.get("budget") or {}).get("total_wan")),
        }
        return self.release(
            self.view.id,
            stamp(data.get("published")),
            ["tender"],
            tender=tender,
            planning={"budget": compact(budget)},
        )

    def revision(self, version: Version) -> dict:
        """A later version of the list: the tender as it now reads, its 更正说明 as amendments."""
        commit, day, data, notes, changes = version
        release_id = f"{self.view.id}-{commit[:12]}"
        described = "；".join(f"{c.label}：{c.summary}" for c in changes if c.path[0] != "changes")
        amendments = [
            compact(
                {
                    "id": f"{self.view.id}-changes-{n}",
                    "date": stamp(note.get("date")),
                    "rationale": note.get("note"),
                    "description": described or None,
                    "amendsReleaseID": self.last_tender_release,
                    "releaseID": release_id,
                }
            )
            for n, note in notes
        ]
        self.add_list_parties(data)
        self.last_tender_release = release_id
        tender = {**tender_of(data, self.view, self.publisher, self.tender_status), "amendments": amendments}
        return self.release(release_id, day, ["tenderAmendment"], tender=tender)

    # ------------------------------------------------------------------------------- the notices

    def notice(self, notice: NoticeView) -> Iterator[dict]:
        """The releases one notice makes (a kind whose process step is missing makes none)."""
        made = getattr(self, KINDS.get(notice.kind, "unknown"))(notice, self.doc(notice))
        yield from [made] if isinstance(made, dict) else made or []

    def doc(self, notice: NoticeView) -> dict:
        reason = notice.data.get("reason")
        return document(
            notice,
            notice.kind,
            self.publisher,
            notice.date,
            description=reason if isinstance(reason, str) else None,
        )

    def unknown(self, notice: NoticeView, doc: dict) -> None:
        return None

    def awarded(self, notice: NoticeView, doc: dict) -> Iterator[dict]:
        data, day = notice.data, stamp(notice.date)
        self.tender_status, self.award = "complete", notice
        suppliers = [
            self.parties.add(
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
            self.parties.add(data["host_enterprise"], "interestedParty")
        period = data.get("notice_period") or {}
        award = {
            "id": notice.id,
            "title": notice.title,
            "status": "pending",
            "date": day,
            "value": money((self.view.data.get("budget") or {}).get("to_solver_wan")),
            "suppliers": suppliers,
            "documents": [doc],
            "noticePeriod": {
                "startDate": stamp(period.get("start")),
                "endDate": end_stamp(period.get("end")),
            },
            "objectionContact": contact_point(data.get("objection_contact")),
        }
        yield self.release(
            notice.id,
            day,
            ["award"],
            awards=[award],
            tender={"id": self.view.id, "status": "complete", "tenderers": suppliers},
        )
        end = as_date(period.get("end"))
        if notice_period_over(notice, self.publisher.as_of):  # the award stands
            yield self.release(
                f"{notice.id}-active",
                stamp(end + timedelta(days=1)),
                ["awardUpdate"],
                awards=[{"id": notice.id, "status": "active"}],
            )

    def unawarded(self, notice: NoticeView, doc: dict) -> dict:
        self.tender_status = "unsuccessful"
        return self.release(
            notice.id,
            stamp(notice.date),
            ["tenderUpdate"],
            tender={"id": self.view.id, "status": "unsuccessful", "documents": [doc]},
        )

    def contracted(self, notice: NoticeView, doc: dict) -> dict:
        data, term = notice.data, notice.data.get("term") or {}
        self.contract_id = notice.id
        return self.release(
            notice.id,
            stamp(notice.date),
            ["contract"],
            contracts=self.contract(
                title=notice.title,
                status="active",
                dateSigned=stamp(data.get("contract_date")),
                value=money((self.view.data.get("budget") or {}).get("to_solver_wan")),
                period={"startDate": stamp(term.get("start")), "endDate": end_stamp(term.get("end"))},
                subsidy=money(data.get("subsidy_wan")),
                documents=[doc],
            ),
        )

    def paid(self, notice: NoticeView, doc: dict) -> dict | None:
        if not self.contract_id:
            return None
        day = stamp(notice.date)
        payer = self.parties.add({"name": self.publisher.payer}, "payer", "funder", id=PAYER_ID)
        transaction = {
            "id": notice.id,
            "date": day,
            "value": money(notice.data.get("amount_wan")),
            "payer": payer,
            "payee": self.payee(),
            "uri": doc["url"],
            "tranche": notice.data.get("tranche"),
        }
        return self.release(
            notice.id,
            day,
            ["implementation"],
            contracts=self.contract(implementation={"transactions": [transaction], "documents": [doc]}),
        )

    def payee(self) -> dict | None:
        """Who receives the tranches: the 承接企业 where the award names one (第九条（七）: the city's firm
        that passes them on to an out-of-city solver), else the solver when there is one."""
        if self.award is None:
            return None
        host = self.award.data.get("host_enterprise")
        if isinstance(host, dict):
            return self.parties.add(host, "payee")
        solvers = [s for s in self.award.data.get("solvers") or [] if isinstance(s, dict)]
        return self.parties.add(solvers[0], "payee") if len(solvers) == 1 else None

    def assessed(self, notice: NoticeView, doc: dict) -> dict | None:
        """中期评估 and 验收 are milestones of the contract; 验收 also closes it (OCDS's `terminated`: a
        contract come to a close, completed or not)."""
        if not self.contract_id:
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
        return self.release(
            notice.id,
            day,
            ["contractTermination" if closed else "implementationUpdate"],
            contracts=self.contract(**closed, implementation={"milestones": [milestone], "documents": [doc]}),
        )

    def extended(self, notice: NoticeView, doc: dict) -> dict | None:
        if not self.contract_id:
            return None
        day, end = stamp(notice.date), notice.data.get("new_term_end")
        amendment = {
            "id": notice.id,
            "date": day,
            "rationale": notice.data.get("reason"),
            "description": f"任务书执行期延至 {end}",
        }
        return self.release(
            notice.id,
            day,
            ["contractAmendment"],
            contracts=self.contract(
                period={"endDate": end_stamp(end)}, amendments=[amendment], documents=[doc]
            ),
        )

    def terminated(self, notice: NoticeView, doc: dict) -> dict:
        day = stamp(notice.date)
        if self.contract_id:
            return self.release(
                notice.id,
                day,
                ["contractTermination"],
                contracts=self.contract(status="terminated", documents=[doc]),
            )
        self.tender_status = "cancelled"  # withdrawn before any contract (DESIGN.md: withdrawn by a 终止)
        return self.release(
            notice.id,
            day,
            ["tenderCancellation"],
            tender={"id": self.view.id, "status": "cancelled", "documents": [doc]},
        )

    def corrected(self, notice: NoticeView, doc: dict) -> dict:
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
        if target in (self.view.id, None):
            return self.release(
                notice.id,
                day,
                ["tenderAmendment"],
                tender={"id": self.view.id, "amendments": [amendment], "documents": [doc]},
            )
        if target == self.award_id:
            return self.release(
                notice.id,
                day,
                ["awardUpdate"],
                awards=[{"id": target, "amendments": [amendment], "documents": [doc]}],
            )
        return self.release(
            notice.id,
            day,
            ["contractAmendment"],
            contracts=[
                {
                    "id": self.contract_id or target,
                    "awardID": self.award_id,
                    "amendments": [amendment],
                    "documents": [doc],
                }
            ],
        )


KINDS = {
    AWARD: "awarded",
    FAILED: "unawarded",
    PROJECT: "contracted",
    TRANCHE: "paid",
    MIDTERM: "assessed",
    ACCEPTANCE: "assessed",
    EXTENSION: "extended",
    TERMINATION: "terminated",
    CORRECTION: "corrected",
}


def notice_period_over(notice: NoticeView, as_of: date) -> bool:
    """Whether an award notice's 公示期 has ended by `as_of`."""
    end = as_date((notice.data.get("notice_period") or {}).get("end"))
    return bool(end and end < as_of)


def what_the_day_decides(view: ListView, as_of: date) -> list[bool]:
    """All a list's releases take from the day they are made for, beyond the status its view holds:
    whether each award's 公示期 is over. The cache keys a list's lines on this rather than on the day,
    so a build on a later day remakes only the lists whose 公示期 that day ended."""
    return [notice_period_over(n, as_of) for n in view.notices if n.kind == AWARD]


def list_versions(view: ListView, history) -> tuple[dict, list[Version]]:
    """The list as first published, and each later committed version that changed it, with the `changes`
    entries it added (numbered from 1) and its field changes. Without git, or for a list never corrected
    (no `changes`: the audit rules refuse any other change to a published list), the list as it is; git is
    read only for the corrected ones."""
    steps = history.timeline(view.id) if view.corrected and history is not None and history.ok else []
    readable = [(r, c) for r, c in steps if r.data and not r.problem and r.commit]
    if not readable:
        return view.data, []
    first, later = readable[0][0].data, []
    seen = len(first.get("changes") or [])
    for revision, changes in readable[1:]:
        entries = [e for e in revision.data.get("changes") or [] if isinstance(e, dict)]
        new = [(n, e) for n, e in enumerate(entries, start=1) if n > seen]
        seen = max(seen, len(entries))
        if changes:  # dated by its 更正说明, else by its commit
            day = stamp(new[-1][1].get("date")) if new else revision.date
            later.append((revision.commit, day, revision.data, new, changes))
    return first, later


def releases_of(view: ListView, publisher: Publisher, history=None) -> list[dict]:
    """Every release of one list's process, in the order OCDS merges them (by date; a day's releases in
    the order they happened: the list, its revisions, then its notices)."""
    process = Process(view, publisher)
    first, later = list_versions(view, history)
    events: list[tuple[str, int, Any]] = [((stamp(first.get("published")) or "")[:10], 0, first)]
    events += [((version[1] or "")[:10], 1, version) for version in later]
    events += [((stamp(n.date) or "")[:10], 2, n) for n in view.notices]
    releases: list[dict] = []
    for _day, order, item in sorted(events, key=lambda e: (e[0], e[1])):
        if order == 0:
            releases.append(process.publication(item))
        elif order == 1:
            releases.append(process.revision(item))
        else:
            releases += process.notice(item)
    return sorted(releases, key=lambda r: r["date"])  # stable: a day's releases keep their order
