"""What every OCDS release of the site is made of: the publisher (from the settings), dates, exact
money, parties with their 统一社会信用代码, the notices as documents, and the tender one version of a
list states. docs/ocds.md has the mapping table and the fields OCDS has no place for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
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


def document(view: NoticeView | ListView, kind: str, publisher: Publisher, day: Any, **extra: Any) -> dict:
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


def contact_point(contact: Any) -> dict | None:
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


def address(locality: Any) -> dict | None:
    """A county (区县) or a city as the party's locality, in China."""
    return {"locality": locality, "countryName": "中国"} if isinstance(locality, str) and locality else None


def percent(share: Any) -> str:
    """0.92 → 92%: a completion share as the notices write it."""
    return format(Decimal(str(share)) * 100, "f").rstrip("0").rstrip(".") + "%"
