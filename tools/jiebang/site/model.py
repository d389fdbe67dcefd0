"""What the pages show: lists and notices with their derived facts (status, URLs, slugs, dates).

Built once per build from the validated content tree; every page is then a pure function of these
views, the settings and the templates.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from ..records.content import ContentTree, Record, as_date
from ..records.lifecycle import AWARD, CORRECTION, OPEN, STATUSES, Timeline, derive_status
from ..records.regulation import Regulation
from .slugs import pinyin_slug

NOTICE_ORDER = ("揭榜结果公示", "流榜", "立项", "资金拨付", "中期评估", "延期", "验收", "终止", "更正公告")


def cn_date(value: Any) -> str:
    """2023-10-26 → 2023年10月26日 (no zero padding), the way Chinese notices write dates."""
    day = value if isinstance(value, date) else as_date(value)
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def cn_dates(text: Any) -> str:
    """Every ISO date inside a text written the Chinese way (for diffs shown on pages)."""
    return _ISO_DATE.sub(lambda m: f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日", str(text))


def wan(value: Any) -> str:
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return format(Decimal(value).normalize(), "f") + " 万元"
    return ""




def unique_slugs(names: list[str]) -> dict[str, str]:
    """name → pinyin slug, in the names' order; a slug two names share (同音) gets -2, -3 … on the later ones,
    so two facets never write one page."""
    found: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        slug, n = pinyin_slug(name), 1
        while (slug if n == 1 else f"{slug}-{n}") in taken:
            n += 1
        found[name] = slug if n == 1 else f"{slug}-{n}"
        taken.add(found[name])
    return found


@dataclass
class RecordView:
    """A record and the URL of its page."""

    record: Record
    url: str

    @cached_property  # asked for 1.7 million times in a national-scale rebuild
    def id(self) -> str:
        return self.record.id

    @property
    def data(self) -> dict:
        return self.record.data


@dataclass
class NoticeView(RecordView):
    list_view: ListView | None = None

    @property
    def kind(self) -> str:
        return self.data.get("kind", "")

    @property
    def date(self) -> date | None:
        return self.record.date

    @property
    def title(self) -> str:
        if self.data.get("title"):
            return self.data["title"]
        subject = self.list_view.title if self.list_view else self.data.get("list", "")
        return f"“{subject}”{self.kind}公告" if self.kind != AWARD else f"“{subject}”揭榜结果公示"


@dataclass
class ListView(RecordView):
    status: str = ""
    industry_slug: str = ""
    notices: list[NoticeView] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.data.get("title", self.id)

    @property
    def year(self) -> int | None:
        published = self.record.date
        return published.year if published else None

    @property
    def deadline(self) -> date | None:
        return as_date(self.data.get("deadline"))

    @property
    def county(self) -> str | None:
        demander = self.data.get("demander")
        county = demander.get("county") if isinstance(demander, dict) else None
        return county if isinstance(county, str) else None

    @property
    def corrected(self) -> bool:
        return bool(self.data.get("changes"))

    @property
    def timeline(self) -> list[tuple[date, str, NoticeView | None]]:
        """Publication, deadline and every notice, in date order (a correction may precede the deadline)."""
        entries: list[tuple[date, str, NoticeView | None]] = []
        if self.record.date:
            entries.append((self.record.date, "发布榜单", None))
        if self.deadline:
            entries.append((self.deadline, "揭榜截止", None))
        entries += [(n.date, n.kind, n) for n in self.notices if n.date]
        return sorted(entries, key=lambda e: (e[0], e[2].id if e[2] else ""))

    @property
    def solvers(self) -> list[dict]:
        """Every solver named in the award notices (赛马制: several may race)."""
        found = []
        for notice in self.notices:
            if notice.kind == AWARD:
                found += [s for s in notice.data.get("solvers", []) if isinstance(s, dict)]
        return found


@dataclass
class SiteData:
    lists: list[ListView]
    results: list[NoticeView]
    as_of: date
    regulation: Regulation
    industries: dict[str, str]  # name → slug, in the regulation's order
    statuses: tuple[str, ...] = STATUSES
    county_slugs: dict[str, str] = field(default_factory=dict)  # name → slug, in the regulation's order

    @property
    def open_lists(self) -> list[ListView]:
        return sorted(self.lists_with_status(OPEN), key=lambda v: (v.deadline or date.max, v.id))

    @cached_property
    def status_slugs(self) -> dict[str, str]:
        return unique_slugs(list(self.statuses))

    def lists_in(self, industry: str) -> list[ListView]:
        return self._grouped["industry"].get(industry, [])

    def lists_of_year(self, year: int) -> list[ListView]:
        return self._grouped["year"].get(year, [])

    def lists_with_status(self, status: str) -> list[ListView]:
        return self._grouped["status"].get(status, [])

    def lists_in_county(self, county: str) -> list[ListView]:
        return self._grouped["county"].get(county, [])

    @cached_property
    def _grouped(self) -> dict[str, dict[Any, list[ListView]]]:
        """Every facet's lists in one pass, each group in the order of `lists` (a scan per group would be
        quadratic at national scale)."""
        grouped: dict[str, dict[Any, list[ListView]]] = {"industry": {}, "year": {}, "status": {}, "county": {}}
        for view in self.lists:
            for facet, value in (("industry", view.data.get("industry")), ("year", view.year), ("status", view.status),
                                 ("county", view.county)):
                grouped[facet].setdefault(value, []).append(view)
        return grouped

    def corrections_for(self, record_id: str) -> list[NoticeView]:
        """The 更正公告 that correct a record (one index for all: a scan per list would be quadratic)."""
        return self._corrections.get(record_id, [])

    @cached_property
    def _corrections(self) -> dict[str, list[NoticeView]]:
        found: dict[str, list[NoticeView]] = {}
        for notice in self.results:
            if notice.kind == CORRECTION and isinstance(notice.data.get("target"), str):
                found.setdefault(notice.data["target"], []).append(notice)
        return found

    def years(self) -> list[int]:
        return sorted({v.year for v in self.lists if v.year}, reverse=True)


def content_as_of(content_dir: Path, tree: ContentTree) -> date:
    """The day statuses are computed for: the content's last commit, so a build is reproducible.
    Outside git, the latest date the content itself names."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", "."], cwd=content_dir,
                             capture_output=True, text=True, check=True).stdout.strip()
        if out:
            return date.fromisoformat(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        pass
    dates = [r.date for r in tree.records if r.date]
    return max(dates) if dates else date(1970, 1, 1)


def build_site_data(tree: ContentTree, urls: dict[str, str], as_of: date) -> SiteData:
    regulation = tree.regulations.in_force(as_of)
    industries = {name: pinyin_slug(name) for name in regulation.value("industries")}
    counties = list(regulation.value("counties"))
    for record in tree.lists:  # an industry or county of an older regulation still gets its page
        name = record.data.get("industry")
        if isinstance(name, str):
            industries.setdefault(name, pinyin_slug(name))
        demander = record.data.get("demander")
        county = demander.get("county") if isinstance(demander, dict) else None
        if isinstance(county, str) and county not in counties:
            counties.append(county)
    views: dict[str, ListView] = {}
    for record in tree.lists:
        timeline = Timeline.of(tree, record.id)
        views[record.id] = ListView(record, urls["list"].format(id=record.id), derive_status(timeline, as_of),
                                    industries.get(record.data.get("industry"), "x"))
    notices = []
    for record in tree.results:
        view = NoticeView(record, urls["result"].format(id=record.id), views.get(record.data.get("list")))
        notices.append(view)
        if view.list_view:
            view.list_view.notices.append(view)
    for view in views.values():
        view.notices.sort(key=lambda n: (n.date or date.max, n.id))
    lists = sorted(views.values(), key=lambda v: (v.record.date or date.min, v.id), reverse=True)
    notices.sort(key=lambda n: (n.date or date.min, n.id), reverse=True)
    return SiteData(lists, notices, as_of, regulation, industries, county_slugs=unique_slugs(counties))

