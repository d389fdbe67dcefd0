"""Open data: the records as validated, with derived status, as JSON, CSV (Excel-ready), iCalendar
(RFC 5545), the 附件2 汇总表 per year, and the JSON Schemas themselves.

Every JSON file names its schema on this site in `$schema` (see dataschemas). Every calendar lists the
deadline of each of its lists, past ones too (marked 已截止), so a subscribed calendar is never empty;
an industry with no list gets no calendar.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from ..records.content import ContentTree
from ..records.lifecycle import OPEN
from ..records.schema import title_of
from .dataschemas import INDEX_FIELDS, schema_id, write_schemas
from .feeds import list_page_updated, updated_on
from .fingerprints import Fingerprints
from .model import ListView, SiteData, cn_date
from .ocds.packages import write_ocds
from .outputcache import OutputCache

CHINA = timezone(timedelta(hours=8))


def plain(value: Any) -> Any:
    """Records → JSON values; money stays exact (an integral amount as int, else its shortest float,
    which for at most 4 decimals prints the same digits)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def dumps(data: Any) -> str:
    return json.dumps(plain(data), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


ITEM_INDENT = "    "  # where an entry of a collection's array stands in dumps' output (indent 2, one level down)


def item_text(item: Any) -> str:
    """An entry of a collection (lists.json, results.json) as `dumps` writes it inside the array."""
    return "\n".join(ITEM_INDENT + line for line in dumps(item).rstrip("\n").split("\n"))


@dataclass(frozen=True)
class Joined:
    """A file that is its head, one entry per view with `between` them, and its tail: written entry by
    entry (at national scale lists.json is a hundred megabytes: never held whole), and put together
    again by a correction from the entries that did not change, cut from the last build's file
    (OutputCache.pieces), and the few that did."""

    head: bytes
    tail: bytes
    entry: Callable[[Any], bytes]
    between: bytes = b",\n"

    def write(self, out: BinaryIO, views: Iterable, known: Callable[[int], bytes | None] = lambda i: None,
              ) -> list[tuple[int, int]]:
        """Write the file; `known(i)` gives the i-th entry where it is kept. Gives where each entry lies
        in the file (start, length)."""
        spans, at = [], out.write(self.head)
        for i, view in enumerate(views):
            if i:
                at += out.write(self.between)
            item = known(i) or self.entry(view)
            spans.append((at, len(item)))
            at += out.write(item)
        out.write(self.tail)
        return spans


def json_collection(head: dict, name: str, count: int, entry: Callable[[Any], Any]) -> Joined:
    """`dumps({**head, name: [...]})` (UTF-8) byte for byte, from its `count` entries' `item_text`. (A JSON
    string holds no raw newline, so an entry's lines are its own.)"""
    whole = dumps({**head, name: [None] if count else []}).encode("utf-8")
    if not count:
        return Joined(whole, b"", entry)
    before, _, after = whole.rpartition(ITEM_INDENT.encode() + b"null")
    return Joined(before, after, lambda view: item_text(entry(view)).encode("utf-8"))


def pieced(head: dict, name: str, items: list[bytes]) -> tuple[bytes, list[tuple[int, int]]]:
    """The collection `json_collection` writes of entries already written (`item_text`), and where each
    lies in it."""
    buffer = io.BytesIO()
    spans = json_collection(head, name, len(items), lambda item: item).write(buffer, items, lambda i: items[i])
    return buffer.getvalue(), spans


def public_fields(data: dict) -> dict:
    """A list as the public sees it: peer companies only where the bureau chose to show them."""
    return {k: v for k, v in data.items() if k != "peers" or data.get("show_peers") is True}


def list_json(view: ListView, site_url: str) -> dict:
    return {**public_fields(view.data), "status": view.status, "url": f"{site_url}/{view.url}",
            "notices": [n.id for n in view.notices]}


def notice_json(notice, site_url: str) -> dict:
    status = notice.list_view.status if notice.list_view else None
    return {**notice.data, "list_status": status, "url": f"{site_url}/{notice.url}"}


def index_row(view: ListView, site_url: str) -> list:
    """One list in /data/lists-index.json, its values in the order of INDEX_FIELDS."""
    demander = view.data.get("demander") or {}
    values = {"id": view.id, "title": view.title, "url": f"{site_url}/{view.url}", "industry": view.data.get("industry"),
              "year": view.year, "status": view.status, "county": view.county,
              "deadline": view.deadline.isoformat() if view.deadline else None,
              "amount": (view.data.get("budget") or {}).get("to_solver_wan"), "demander": demander.get("name"),
              "corrected": view.corrected}
    return [plain(values[name]) for name in INDEX_FIELDS]


def lists_index(site: SiteData, site_url: str) -> Joined:
    """The compact index, one list a line: small enough for a phone to fetch whole at national scale."""
    head = {"$schema": schema_id(site_url, "data/lists-index"), "as_of": site.as_of.isoformat(),
            "fields": list(INDEX_FIELDS)}
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    return Joined((json.dumps(head, **compact)[:-1] + ',"lists":[\n').encode("utf-8"), b"\n]}\n",
                  lambda view: json.dumps(index_row(view, site_url), **compact).encode("utf-8"))


def revision_json(history, record_id: str) -> dict:
    """The record's history, like an OCDS versioned record: each revision, and for every field that
    changed, its values over time with the revision that set each one."""
    if history is None or not history.ok:
        return {"revisions": [], "versioned_fields": {}}
    revisions, versioned = [], {}
    for revision, changes in history.timeline(record_id):
        stamp = {"commit": revision.commit, "date": revision.date}
        revisions.append({**revision.as_json(), "first_publication": revision.first_publication,
                          "changes": [c.as_json() for c in changes]})
        for change in changes:
            values = versioned.setdefault(change.key, [])
            if not values and change.change != "added":
                first = revisions[0]
                values.append({"commit": first["commit"], "date": first["date"], "value": plain(change.before)})
            values.append({**stamp, "value": plain(change.after)})
    return {"revisions": revisions, "versioned_fields": versioned}


def write_open_data(site: SiteData, tree: ContentTree, settings: dict, output: Path, history=None,
                    cache: OutputCache | None = None, prints: Fingerprints | None = None) -> None:
    """Every open-data file, each reused from the cache when what it is made from is unchanged: a
    record's JSON by its view and its revisions, a calendar by its events, the collections by the
    whole site model (so a correction remakes them, and nothing else does)."""
    cache = cache or OutputCache.disabled()
    prints = prints or Fingerprints()
    site_url = settings.get("SITEURL", "")
    (output / "data").mkdir(parents=True, exist_ok=True)
    whole = prints.site(site) if cache.enabled else None

    entry_keys: dict[int, str | None] = {}  # a view's entry in each collection is made of it and the address

    def entry_key(view) -> str | None:
        if id(view) not in entry_keys:
            entry_keys[id(view)] = cache.key("collection-item", prints.view(view), site_url) if cache.enabled else None
        return entry_keys[id(view)]

    def collection(save_as: str, joined: Joined, views: list) -> None:
        # Remade with the site model; each view's entry is made once and cut from the last build's file
        # while its view is unchanged.
        key = whole and cache.key("open-data", save_as, whole, site_url)
        if cache.reuse(output, save_as, key):
            return
        previous, keys = cache.pieces(save_as), [entry_key(v) for v in views]
        target = output / save_as
        target.unlink(missing_ok=True)  # a build from the spare site may hold a link into the store here
        with target.open("wb") as out:
            spans = joined.write(out, views, lambda i: previous(keys[i]))
        cache.keep(output, save_as, key)
        cache.record_pieces(save_as, dict(zip(keys, spans)))

    as_of = site.as_of.isoformat()
    collection("data/lists.json", json_collection({"$schema": schema_id(site_url, "data/lists"), "as_of": as_of},
                                                  "lists", len(site.lists), lambda v: list_json(v, site_url)), site.lists)
    collection("data/results.json", json_collection({"$schema": schema_id(site_url, "data/results"), "as_of": as_of},
                                                    "results", len(site.results), lambda n: notice_json(n, site_url)),
               site.results)
    collection("data/lists-index.json", lists_index(site, site_url), site.lists)
    collection("data/lists.csv", lists_csv(site_url), site.lists)
    timeline = history.lazy_timeline if history is not None and history.ok else None
    for view, kind, shown in [(v, "list", list_json) for v in site.lists] + [(n, "result", notice_json) for n in site.results]:
        key = cache.key("record-json", prints.view(view), site_url,
                        prints.of(timeline(view.id)) if timeline else None) if cache.enabled else None
        cache.file(output, f"{view.url}{view.id}.json", key, lambda view=view, kind=kind, shown=shown: dumps({
            "$schema": schema_id(site_url, f"data/{kind}"), **shown(view, site_url),
            **revision_json(history, view.id)}).encode("utf-8"))
    def event_facts(view: ListView) -> list:  # all a list's event is made of, beside the site's address
        return [view.id, view.title, view.deadline, view.status, (view.data.get("budget") or {}).get("to_solver_wan"),
                list_page_updated(view, history), closed_mark(view, site.as_of)]

    keys: dict[str, str | None] = {}
    made: dict[str, bytes] = {}  # a list's event is in two calendars (all, its industry's): made once

    def event_key(view: ListView) -> str | None:
        if view.id not in keys:
            keys[view.id] = cache.key("calendar-event", event_facts(view), site_url) if cache.enabled else None
        return keys[view.id]

    for name, target in calendars(site).items():
        views, save_as = calendar_lists(site, name), f"data/{target}"
        key = cache.key("calendar", name, site_url, [event_key(v) for v in views]) if cache.enabled else None
        if cache.reuse(output, save_as, key):
            continue
        piece = cache.pieces(save_as)  # the unchanged events, cut from the last build's calendar

        def event_lines(view: ListView, piece=piece) -> bytes:
            if view.id not in made:
                made[view.id] = piece(event_key(view)) or event_bytes(view, site_url, site.as_of, history)
            return made[view.id]

        ordered, buffer = calendar_order(views), io.BytesIO()
        spans = calendar_file(calendar_title(name), event_lines).write(buffer, ordered)
        cache.write(output, save_as, buffer.getvalue(), key)
        cache.record_pieces(save_as, dict(zip(map(event_key, ordered), spans)))
    write_schemas(site_url, output, cache)
    write_summaries(site, output, cache, history)
    write_ocds(site, settings, output, history, cache, prints)  # /data/ocds/<year>/: OCDS 1.1 packages (site/ocds/)


CSV_COLUMNS = [
    ("id",), ("title",), ("industry",), ("subfield",), ("demander", "name"), ("demander", "kind"), ("demander", "county"),
    ("budget", "total_wan"), ("budget", "to_solver_wan"), ("published",), ("deadline",), ("period_years",),
    ("doc_number",), ("batch",),
]


def lists_csv(site_url: str = "") -> Joined:
    """UTF-8 with BOM and CRLF line ends, so Excel on Windows opens it with the Chinese intact. 网址 is the
    page's full address (root-relative when the site has no SITEURL), so it opens from a spreadsheet."""
    header = [title_of("list", path) for path in CSV_COLUMNS] + ["状态", "网址"]
    return Joined(b"\xef\xbb\xbf" + csv_line(header), b"", lambda view: csv_line(csv_row(view, site_url)), b"")


def csv_row(view: ListView, site_url: str) -> list:
    row = []
    for path in CSV_COLUMNS:
        value: Any = view.data
        for step in path:
            value = value.get(step) if isinstance(value, dict) else None
        row.append("" if value is None else plain(value))
    return row + [view.status, f"{site_url}/{view.url}"]


def csv_line(row: list) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(row)
    return buffer.getvalue().encode("utf-8")


ALL = ""  # the calendar of every list, beside one per industry


def calendars(site: SiteData) -> dict[str, str]:
    """Every calendar the site publishes, industry name (ALL for the whole site) → file under data/.
    An industry with no list has none: a calendar must hold at least one event (RFC 5545 3.6)."""
    found = {ALL: "deadlines.ics"} if calendar_lists(site, ALL) else {}
    for name, slug in site.industries.items():
        if calendar_lists(site, name):
            found[name] = f"deadlines-{slug}.ics"
    return found


def calendar_lists(site: SiteData, industry: str) -> list[ListView]:
    views = site.lists if industry == ALL else site.lists_in(industry)
    return [v for v in views if v.deadline]


def calendar_title(industry: str) -> str:
    return f"{industry}领域榜单揭榜截止日期" if industry else "全部榜单揭榜截止日期"


def _stamp(day: date) -> datetime:
    return datetime.combine(day, time(0), CHINA).astimezone(UTC)


END = b"END:VCALENDAR\r\n"


def calendar_file(name: str, event_lines: Callable[[ListView], bytes]) -> Joined:
    """One all-day event per list on its deadline (a past one says so in its summary), in deadline
    order (calendar_order): the calendar's head, each event's lines (`event_lines`, the cache's where
    they are unchanged) and its end, exactly as icalendar writes the whole."""
    from icalendar import Calendar  # imported when a calendar is made, not by a build that reuses them

    calendar = Calendar()
    calendar.add("prodid", "-//jiebang//揭榜挂帅榜单//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    return Joined(calendar.to_ical()[: -len(END)], END, event_lines, b"")


def calendar_order(views: list[ListView]) -> list[ListView]:
    return sorted(views, key=lambda v: (v.deadline, v.id))


def event_bytes(view: ListView, site_url: str, as_of: date, history=None) -> bytes:
    """A list's VEVENT, as its calendars hold it."""
    from icalendar import Event

    is_open = view.status == OPEN
    event = Event()
    event.add("uid", f"{view.id}-deadline@jiebang")
    event.add("summary", f"揭榜截止：{view.title}" if is_open else f"（已截止）揭榜截止：{view.title}")
    event.add("dtstart", view.deadline)
    event.add("dtend", view.deadline + timedelta(days=1))
    # DTSTAMP (no METHOD: when the event's information last changed) never comes from the clock: the list's
    # or its notices' last change, or the day after the deadline for the 已截止 mark, never past as_of.
    revised = max([list_page_updated(view, history), *filter(None, [closed_mark(view, as_of)])])
    event.add("dtstamp", _stamp(revised))
    # No "as of" day in the text: the event would change every day, and the calendar with it, while
    # nothing a subscriber reads had (its status is remade the day it changes).
    event.add("description", f"{view.id} {view.title}，榜单金额 {view.data.get('budget', {}).get('to_solver_wan')} 万元，"
                             f"揭榜截止日期 {cn_date(view.deadline)}；状态：{view.status}。")
    event.add("url", f"{site_url}/{view.url}")
    return event.to_ical()


def closed_mark(view: ListView, as_of: date) -> date | None:
    """When a list's event got its 已截止 mark (the day after the deadline, never past as_of); None while
    it is open. The only way the day shapes an event besides the status."""
    return None if view.status == OPEN else min(view.deadline + timedelta(days=1), as_of)


def write_summaries(site: SiteData, output: Path, cache: OutputCache, history=None) -> None:
    """The 附件2 汇总表 of each year as .xlsx, through the same exporter the clerk's command uses;
    a year whose rows did not change is reused (openpyxl is slow). The file is dated when the year's
    lists last changed, not on the build's day, so a later day remakes none of them."""
    from ..desk.export import ListFile, summary_rows, write_summary

    for year in site.years():
        views = [v for v in site.lists if v.year == year]
        entries = [ListFile(v.record.path, v.record.data) for v in views]
        rows, _notes = summary_rows(sorted(entries, key=lambda e: e.data.get("id", "")), year)
        save_as = f"data/summary-{year}.xlsx"
        day = min(max(updated_on(v, history) for v in views), site.as_of)
        key = cache.key("summary", year, rows, day)
        if cache.reuse(output, save_as, key):
            continue
        write_summary(rows, output / save_as, "xlsx")
        normalise_zip(output / save_as, day)
        cache.write(output, save_as, (output / save_as).read_bytes(), key)


def normalise_zip(path: Path, day: date) -> None:
    """openpyxl stamps the clock into the archive and docProps/core.xml; fix both so the same commit
    builds the same bytes."""
    import re
    import zipfile

    stamp = f"{day.isoformat()}T00:00:00Z"
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            target.writestr(zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0)), data,
                            compress_type=zipfile.ZIP_DEFLATED)
