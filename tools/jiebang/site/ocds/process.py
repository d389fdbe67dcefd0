"""One list's contracting process (one ocid per list) while its events become releases: its state, the
release every event is stated in, and the list's own releases (as published, and each correction).
What each notice adds is in notices.py; the order they are made in, releases.py.

Each event is one release, dated from the record that states it: the list as first published (its
first revision in git), each later revision of the list that added a 更正说明 (`changes`), each notice,
and the day a 揭榜结果公示's 公示期 ended (the award turns from pending to active). Release ids are the
record ids (a revision's: list id + commit), so they never change from one build to the next.

A release states what it changes, and every party known so far with all its roles up to then: OCDS
merges `roles` as a whole list, so a party restated with fewer roles would lose the others in the
compiled release.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import ListView, NoticeView
from .values import (
    BUYER_ID,
    Parties,
    Publisher,
    address,
    compact,
    contact_point,
    document,
    money,
    stamp,
    tender_of,
)
from .versions import Version


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
