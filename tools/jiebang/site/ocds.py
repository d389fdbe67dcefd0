"""A list's whole lifecycle as OCDS 1.1 releases: one contracting process (ocid) per list.

Each event is one release, dated from the record that states it: the list as first published (its
first revision in git), each later revision of the list that added a 更正说明 (`changes`), each notice,
and the day a 揭榜结果公示's 公示期 ended (the award turns from pending to active). Release ids are the
record ids (a revision's: list id + commit), so they never change from one build to the next.

A release states what it changes and every party known so far with all its roles up to then: OCDS
merges `roles` as a whole list, so a party carried with fewer roles would lose the others in the
compiled release. docs/ocds.md has the mapping table and the fields OCDS has no place for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..records.content import as_date
from ..records.lifecycle import (
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
from .model import ListView, NoticeView

PLACEHOLDER_PREFIX = "ocds-xxxxxx"  # what the sample publishes under: not a registered prefix
SCHEME = "CN-USCC"  # org-id.guide: 统一社会信用代码 (GB 32100-2015)
BUYER_ID, PAYER_ID = "buyer", "payer"
DOCUMENT_TYPES = {  # OCDS documentType codes (an open codelist; these are all in it)
    "list": "tenderNotice",
    CORRECTION: "tenderNotice",
    AWARD: "awardNotice",
    FAILED: "awardNotice",
    PROJECT: "contractNotice",
    EXTENSION: "contractNotice",
    TERMINATION: "cancellationDetails",
    TRANCHE: "financialProgressReport",
    MIDTERM: "physicalProgressReport",
    ACCEPTANCE: "completionCertificate",
}


@dataclass(frozen=True)
class Publisher:
    """What every release of the site shares, from the settings."""

    prefix: str  # JIEBANG_OCDS_OCID_PREFIX
    site_url: str
    buyer: str  # the bureau: buyer and procuring entity
    payer: str  # 市财政局: pays the tranches (第九条（七）)
    as_of: date

    @classmethod
    def of(cls, settings: dict, as_of: date) -> Publisher:
        identity = settings.get("JIEBANG_IDENTITY") or {}
        return cls(
            settings.get("JIEBANG_OCDS_OCID_PREFIX") or PLACEHOLDER_PREFIX,
            settings.get("SITEURL", ""),
            identity.get("主办单位") or "市科技局",
            settings.get("JIEBANG_OCDS_PAYER") or "市财政局",
            as_of,
        )

    def ocid(self, list_id: str) -> str:
        return f"{self.prefix}-{list_id}"


def stamp(day: Any) -> str | None:
    """A date as OCDS wants it (date-time), at the start of the day in China."""
    value = day if isinstance(day, date) else as_date(day)
    return f"{value.isoformat()}T00:00:00+08:00" if value else None


def end_stamp(day: Any) -> str | None:
    value = day if isinstance(day, date) else as_date(day)
    return f"{value.isoformat()}T23:59:59+08:00" if value else None


def yuan(wan: Any) -> int | Decimal | None:
    """万元 → 元, exactly: at most 4 decimals (the schema's limit) makes a whole number of yuan."""
    if isinstance(wan, bool) or not isinstance(wan, int | Decimal):
        return None
    amount = Decimal(wan) * 10000
    return int(amount) if amount == amount.to_integral_value() else amount


def money(wan: Any) -> dict | None:
    amount = yuan(wan)
    return {"amount": amount, "currency": "CNY"} if amount is not None else None


def compact(value: Any) -> Any:
    """Without the keys whose value is None or empty: OCDS leaves out what is not known."""
    if isinstance(value, dict):
        found = {k: compact(v) for k, v in value.items()}
        return {k: v for k, v in found.items() if v is not None and v != {} and v != []}
    if isinstance(value, list):
        return [compact(v) for v in value]
    return value


def party_id(org: dict) -> str:
    code = org.get("credit_code")
    return f"{SCHEME}-{code}" if isinstance(code, str) and code else f"name-{org.get('name', '')}"


@dataclass
class Parties:
    """Every party of one process, with the roles it has had so far, in the order they appeared."""

    found: dict[str, dict] = field(default_factory=dict)

    def add(self, org: dict, *roles: str, **extra: Any) -> dict:
        """The party (made or grown); returns its OrganizationReference."""
        pid = extra.pop("id", None) or party_id(org)
        party = self.found.get(pid)
        if party is None:
            code = org.get("credit_code")
            party = self.found[pid] = compact(
                {
                    "id": pid,
                    "name": org.get("name"),
                    "identifier": {"scheme": SCHEME, "id": code, "legalName": org.get("name")}
                    if code
                    else None,
                    **extra,
                }
            )
            party["roles"] = []
        for role in roles:
            if role not in party["roles"]:
                party["roles"].append(role)
        return {"id": pid, "name": party["name"]}

    def snapshot(self) -> list[dict]:
        """As a release states them: copies, so a later role does not change an earlier release."""
        return [{**p, "roles": list(p["roles"])} for p in self.found.values()]


def _document(view: NoticeView | ListView, kind: str, publisher: Publisher, day: Any, **extra: Any) -> dict:
    title = view.title
    return compact(
        {
            "id": view.id,
            "documentType": DOCUMENT_TYPES[kind],
            "title": title,
            "url": f"{publisher.site_url}/{view.url}",
            "datePublished": stamp(day),
            "format": "text/html",
            "language": "zh",
            **extra,
        }
    )


def _contact(contact: Any) -> dict | None:
    if not isinstance(contact, dict):
        return None
    name = "".join(part for part in (contact.get("unit"), contact.get("name")) if isinstance(part, str))
    return compact({"name": name or None, "telephone": contact.get("phone"), "email": contact.get("email")})


def tender_of(data: dict, view: ListView, publisher: Publisher, status: str) -> dict:
    """The tender as one version of the list states it."""
    budget = data.get("budget") or {}
    return compact(
        {
            "id": data.get("id", view.id),
            "title": data.get("title"),
            "description": data.get("problem"),
            "status": status,
            "procuringEntity": {"id": BUYER_ID, "name": publisher.buyer},
            "value": money(budget.get("to_solver_wan")),
            "procurementMethod": "open",
            "procurementMethodDetails": "揭榜挂帅",
            "mainProcurementCategory": "services",
            "eligibilityCriteria": data.get("solver_requirements"),
            "tenderPeriod": {
                "startDate": stamp(data.get("published")),
                "endDate": end_stamp(data.get("deadline")),
            },
            # Fields OCDS has no place for (docs/ocds.md lists them).
            "docNumber": data.get("doc_number"),
            "batch": data.get("batch"),
            "industry": data.get("industry"),
            "subfield": data.get("subfield"),
            "targets": data.get("targets"),
            "indicators": [compact(dict(i)) for i in data.get("indicators") or [] if isinstance(i, dict)],
            "benefits": data.get("benefits"),
            "periodYears": data.get("period_years"),
            "ipTerms": data.get("ip_terms"),
        }
    )


@dataclass
class Process:
    """The state of one contracting process while its events are turned into releases, in date order."""

    view: ListView
    publisher: Publisher
    parties: Parties = field(default_factory=Parties)
    tender_status: str = "active"
    award_id: str | None = None
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

    def add_list_parties(self, data: dict) -> None:
        bureau = {"name": self.publisher.buyer}
        demander = data.get("demander") if isinstance(data.get("demander"), dict) else {}
        contact = _contact(data.get("contact"))
        unit = (data.get("contact") or {}).get("unit") if isinstance(data.get("contact"), dict) else None
        # The enquiry contact is the demander's when its unit is part of the demander, else the bureau's.
        on_demander = (
            isinstance(unit, str) and bool(demander.get("name")) and unit.startswith(demander["name"])
        )
        self.parties.add(
            bureau, "buyer", "procuringEntity", id=BUYER_ID, contactPoint=None if on_demander else contact
        )
        self.parties.add(
            demander,
            "interestedParty",
            address={"locality": demander.get("county"), "countryName": "中国"}
            if demander.get("county")
            else None,
            unitKind=demander.get("kind"),
            contactPoint=contact if on_demander else None,
        )
        if isinstance(data.get("host_enterprise"), dict):
            self.parties.add(data["host_enterprise"], "interestedParty")

    def publication(self, data: dict) -> dict:
        self.add_list_parties(data)
        budget = data.get("budget") or {}
        self.last_tender_release = self.view.id
        tender = tender_of(data, self.view, self.publisher, self.tender_status)
        tender["documents"] = [_document(self.view, "list", self.publisher, data.get("published"))]
        return self.release(
            self.view.id,
            stamp(data.get("published")),
            ["tender"],
            tender=tender,
            planning={
                "budget": compact(
                    {
                        "id": f"{self.view.id}-budget",
                        "description": "预计项目经费",
                        "amount": money(budget.get("total_wan")),
                    }
                )
            },
        )

    def revision(self, commit: str, day: str | None, data: dict, notes: list[dict], changes: list) -> dict:
        """A later version of the list: the tender as it now reads, and its 更正说明 as amendments."""
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
        tender = {**tender_of(data, self.view, self.publisher, self.tender_status), "amendments": amendments}
        self.last_tender_release = release_id
        return self.release(release_id, day, ["tenderAmendment"], tender=tender)

    def notice(self, notice: NoticeView, list_data: dict) -> Iterator[dict]:
        """The release (or two) one notice makes."""
        data, kind, day = notice.data, notice.kind, stamp(notice.date)
        doc = _document(
            notice,
            kind,
            self.publisher,
            notice.date,
            description=data.get("reason") if isinstance(data.get("reason"), str) else None,
        )
        budget = list_data.get("budget") or {}
        contract = {"id": self.contract_id, "awardID": self.award_id}
        if kind == AWARD:
            self.tender_status, self.award_id = "complete", notice.id
            suppliers = [
                self.parties.add(
                    s,
                    "tenderer",
                    "supplier",
                    address={"locality": s.get("city"), "countryName": "中国"} if s.get("city") else None,
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
                "value": money(budget.get("to_solver_wan")),
                "suppliers": suppliers,
                "documents": [doc],
                "noticePeriod": {
                    "startDate": stamp(period.get("start")),
                    "endDate": end_stamp(period.get("end")),
                },
                "objectionContact": _contact(data.get("objection_contact")),
            }
            yield self.release(
                notice.id,
                day,
                ["award"],
                tender={"id": self.view.id, "status": "complete", "tenderers": suppliers},
                awards=[award],
            )
            end = as_date(period.get("end"))
            if end and end < self.publisher.as_of:  # 公示期 over: the award stands
                yield self.release(
                    f"{notice.id}-active",
                    stamp(date.fromordinal(end.toordinal() + 1)),
                    ["awardUpdate"],
                    awards=[{"id": notice.id, "status": "active"}],
                )
        elif kind == FAILED:
            self.tender_status = "unsuccessful"
            yield self.release(
                notice.id,
                day,
                ["tenderUpdate"],
                tender={"id": self.view.id, "status": "unsuccessful", "documents": [doc]},
            )
        elif kind == PROJECT:
            self.contract_id = notice.id
            term = data.get("term") or {}
            yield self.release(
                notice.id,
                day,
                ["contract"],
                contracts=[
                    {
                        "id": notice.id,
                        "awardID": self.award_id,
                        "title": notice.title,
                        "status": "active",
                        "dateSigned": stamp(data.get("contract_date")),
                        "value": money(budget.get("to_solver_wan")),
                        "period": {
                            "startDate": stamp(term.get("start")),
                            "endDate": end_stamp(term.get("end")),
                        },
                        "subsidy": money(data.get("subsidy_wan")),
                        "documents": [doc],
                    }
                ],
            )
        elif kind == TRANCHE and self.contract_id:
            payer = self.parties.add({"name": self.publisher.payer}, "payer", "funder", id=PAYER_ID)
            payee = self.payee()
            transaction = {
                "id": notice.id,
                "date": day,
                "value": money(data.get("amount_wan")),
                "payer": payer,
                "payee": payee,
                "uri": doc["url"],
                "tranche": data.get("tranche"),
            }
            yield self.release(
                notice.id,
                day,
                ["implementation"],
                contracts=[
                    {**contract, "implementation": {"transactions": [transaction], "documents": [doc]}}
                ],
            )
        elif kind in (MIDTERM, ACCEPTANCE) and self.contract_id:
            met = data.get("conclusion") in ("继续支持", "合格")
            what = "中期评估" if kind == MIDTERM else "验收"
            completion = data.get("completion")
            text = f"{what}结论：{data.get('conclusion')}" + (
                f"；完成任务书 {format(Decimal(completion) * 100, 'f').rstrip('0').rstrip('.')}%"
                if completion is not None
                else ""
            )
            milestone = {
                "id": notice.id,
                "title": what,
                "type": "assessment",
                "status": "met" if met else "notMet",
                "dateMet": day if met else None,
                "dateModified": day,
                "description": text,
                "completion": completion,
            }
            # 验收 closes the 任务书: OCDS's `terminated` is a contract come to a close, completed or not.
            extra = {"status": "terminated"} if kind == ACCEPTANCE else {}
            yield self.release(
                notice.id,
                day,
                ["contractTermination" if extra else "implementationUpdate"],
                contracts=[
                    {**contract, **extra, "implementation": {"milestones": [milestone], "documents": [doc]}}
                ],
            )
        elif kind == EXTENSION and self.contract_id:
            amendment = {
                "id": notice.id,
                "date": day,
                "rationale": data.get("reason"),
                "description": f"任务书执行期延至 {data.get('new_term_end')}",
            }
            yield self.release(
                notice.id,
                day,
                ["contractAmendment"],
                contracts=[
                    {
                        **contract,
                        "period": {"endDate": end_stamp(data.get("new_term_end"))},
                        "amendments": [amendment],
                        "documents": [doc],
                    }
                ],
            )
        elif kind == TERMINATION:
            if self.contract_id:
                yield self.release(
                    notice.id,
                    day,
                    ["contractTermination"],
                    contracts=[{**contract, "status": "terminated", "documents": [doc]}],
                )
            else:  # withdrawn before any contract (DESIGN.md: a list is withdrawn with a 终止 notice)
                self.tender_status = "cancelled"
                yield self.release(
                    notice.id,
                    day,
                    ["tenderCancellation"],
                    tender={"id": self.view.id, "status": "cancelled", "documents": [doc]},
                )
        elif kind == CORRECTION:
            yield self.correction(notice, doc)

    def payee(self) -> dict | None:
        """Who receives the tranches: the 承接企业 where the award names one (第九条（七）: the city's firm
        that passes them on to an out-of-city solver), else the solver when there is one."""
        award = next((n for n in self.view.notices if n.id == self.award_id), None)
        if award is None:
            return None
        host = award.data.get("host_enterprise")
        if isinstance(host, dict):
            return self.parties.add(host, "payee")
        solvers = [s for s in award.data.get("solvers") or [] if isinstance(s, dict)]
        return self.parties.add(solvers[0], "payee") if len(solvers) == 1 else None

    def correction(self, notice: NoticeView, doc: dict) -> dict:
        data, day = notice.data, stamp(notice.date)
        fields = [f for f in data.get("fields") or [] if isinstance(f, str)]
        amendment = {
            "id": notice.id,
            "date": day,
            "rationale": data.get("reason"),
            "description": "更正事项：" + "、".join(fields) if fields else None,
        }
        target = data.get("target")
        if target == self.view.id or target is None:
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
            contracts=[{"id": self.contract_id or target, "amendments": [amendment], "documents": [doc]}],
        )


def list_versions(
    view: ListView, history
) -> tuple[dict, list[tuple[str, str | None, dict, list[dict], list]]]:
    """The list as first published, and each later committed version that added 更正说明: (commit, date,
    data, the new `changes` entries numbered from 1, the field changes). Without git, or for a list never
    corrected (no `changes`: the audit rules refuse any other change to a published list), the list as it is;
    git is read only for the corrected ones."""
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
        if changes:
            day = stamp(new[-1][1].get("date")) if new else revision.date
            later.append((revision.commit, day, revision.data, new, changes))
    return first, later


def releases_of(view: ListView, publisher: Publisher, history=None) -> list[dict]:
    """Every release of one list's process, in the order OCDS merges them (date, then as they happened)."""
    process = Process(view, publisher)
    first, later = list_versions(view, history)
    events: list[tuple[str, int, Any]] = [(stamp(first.get("published")) or "", 0, ("list", first))]
    events += [(day or "", 1, ("revision", item)) for item, day in ((v, v[1]) for v in later)]
    events += [(stamp(n.date) or "", 2, ("notice", n)) for n in view.notices]
    releases: list[dict] = []
    for _day, _order, (what, item) in sorted(events, key=lambda e: (e[0][:10], e[1])):
        if what == "list":
            releases.append(process.publication(item))
        elif what == "revision":
            releases.append(process.revision(item[0], item[1], item[2], item[3], item[4]))
        else:
            releases += process.notice(item, view.data)
    return sorted(releases, key=lambda r: r["date"])  # stable: same-day releases keep their order
