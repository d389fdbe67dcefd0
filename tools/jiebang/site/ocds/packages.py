"""/data/ocds/<year>/releases.json and records.json: the OCDS 1.1 release and record packages, a pair
for each year in which lists were published.

OCDS's guidance on bulk downloads (1.1.5, guidance/build/hosting) asks for packages split once they would
grow large (at 20,000 lists the record package was 607 MB in one file, the release package 277 MB),
by release date or by contracting process, so that releases and records do not jump between files:
here by the year the list was published, its first release's, both packages the same way, so that a
list's record and its releases share a folder. A correction then writes its year's pair again, not
every list's.

The record of a list holds its releases by link, its compiledRelease and its versionedRelease, both
merged by OCDS Merge (ocdsmerge, the library `ocdskit compile` merges with) under the OCDS 1.1.5 release
schema kept beside our own schemas (schemas/ocds/), so a build needs no network. Each release, and each
record, is one line of the file: at national scale these are the largest files of the site, and
Python's C encoder only serves compact JSON (indented output took five times as long).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ...records.lifecycle import AWARD
from ..feeds import list_page_updated
from ..fingerprints import Fingerprints
from ..model import SiteData
from ..outputcache import OutputCache
from .notices import notice_period_end, what_the_day_decides
from .releases import releases_of
from .values import Publisher, stamp

VERSION = "1.1"
SCHEMA_FILE = "ocds/release-schema-1__1__5.json"
FOLDER = "data/ocds"


def package_paths(year: int) -> tuple[str, str]:
    """The release and the record package of the lists published in `year`."""
    return f"{FOLDER}/{year}/releases.json", f"{FOLDER}/{year}/records.json"


def by_year(site: SiteData) -> dict[int, list]:
    """The lists of each year (of publication: validated lists always have one), oldest year first,
    each year's by id."""
    years: dict[int, list] = {}
    for view in sorted(site.lists, key=lambda v: v.id):
        years.setdefault(view.year, []).append(view)
    return dict(sorted(years.items()))


@cache
def merge_rules() -> dict:
    from ocdsmerge.rules import get_merge_rules  # imported when a site is built, not by every command

    return get_merge_rules(
        json.loads(resources.files("jiebang.schemas").joinpath(SCHEMA_FILE).read_text("utf-8"))
    )


def merged(releases: list[dict]) -> tuple[dict, dict]:
    """(compiledRelease, versionedRelease), as ocdsmerge's Merger makes them, each release flattened once
    for both (flattening is most of the merge's time)."""
    from ocdsmerge.flatten import flatten
    from ocdsmerge.merge import CompiledRelease, VersionedRelease
    from ocdsmerge.util import sorted_releases

    rules = merge_rules()
    compiled, versioned = CompiledRelease(merge_rules=rules), VersionedRelease(merge_rules=rules)
    for release in sorted_releases(releases):
        release = dict(release)
        tag = release.pop("tag", None)
        flat = flatten(release, rules, {}, flattened={})
        compiled.flat_append(flat, release.get("ocid"), release.get("id"), release.get("date"), tag)
        versioned.flat_append(
            flat, release.get("ocid"), release.get("id"), release.get("date"), tag
        )  # pops ocid
    return compiled.asdict(), versioned.asdict()


def _exact(value: Any) -> Any:
    """JSON numbers with the record's digits: money is whole yuan already; a share like 0.92 prints as written."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


COMPACT = {"ensure_ascii": False, "separators": (",", ":"), "default": _exact}


def package_head(publisher: Publisher, path: str, published: date) -> dict:
    return {
        "uri": f"{publisher.site_url}/{path}",
        "version": VERSION,
        "publishedDate": stamp(published),
        "publisher": {"name": publisher.buyer},
    }


def last_changed(views: list, as_of: date, history=None) -> date:
    """The package's publishedDate: OCDS asks for "the date of the last change to the underlying
    contents" of a package made on demand, not the day of the build. What the packages of these lists
    say changes on the day a record or its notices were last committed or dated (the feeds' `updated`),
    and, with the day alone, the day after a deadline (the tender closes), on a notice's date (it counts
    from then: derive_status) and the day after a 公示期 ends (the award stands): the latest of these
    by `as_of`. A year whose lists did not change keeps its packages byte for byte on a later day."""
    days = [date(1970, 1, 1)]
    for view in views:
        days.append(list_page_updated(view, history))
        if view.deadline:
            days.append(view.deadline + timedelta(days=1))
        for notice in view.notices:
            if notice.date:
                days.append(notice.date)
            end = notice_period_end(notice) if notice.kind == AWARD else None
            if end:
                days.append(end + timedelta(days=1))
    return max(day for day in days if day <= as_of)


def process(view, publisher: Publisher, history=None) -> tuple[list[dict], dict]:
    """One list's releases and its record."""
    base = f"{publisher.site_url}/{package_paths(view.year)[0]}"
    found = releases_of(view, publisher, history)
    compiled, versioned = merged(found)
    return found, {
        "ocid": publisher.ocid(view.id),
        "releases": [{"url": f"{base}#{r['id']}", "date": r["date"], "tag": r["tag"]} for r in found],
        "compiledRelease": compiled,
        "versionedRelease": versioned,
    }


def list_lines(view, publisher: Publisher, history=None) -> bytes:
    """A list's lines of both packages: its releases, one a line, then a NUL, then its record's line."""
    found, record = process(view, publisher, history)
    releases = ",\n".join(json.dumps(r, **COMPACT) for r in found)
    return (releases + "\0" + json.dumps(record, **COMPACT)).encode("utf-8")


def line_key(view, as_of: date, cache: OutputCache, prints: Fingerprints, timeline=None) -> str | None:
    """What a list's lines of the packages are made of: its view (record, status, notices), the revisions
    of it and of each of its notices in git, and what the day decides; the settings are in scope."""
    if not cache.enabled:
        return None
    return cache.key("ocds-list", prints.view(view), what_the_day_decides(view, as_of), [
        prints.of(timeline(record_id)) for record_id in [view.id, *(n.id for n in view.notices)]
    ] if timeline else None)


def write_ocds(site: SiteData, settings: dict, output: Path, history=None, cache: OutputCache | None = None,
               prints: Fingerprints | None = None) -> None:
    """Each year's two packages, reused from the build cache when nothing they are made of changed (its
    lists' lines and its publishedDate); otherwise put together from each list's lines, themselves
    reused for every list whose record, notices and revisions are unchanged (mapping and merging is
    the step's cost, not writing)."""
    cache, prints = cache or OutputCache.disabled(), prints or Fingerprints()
    timeline = history.lazy_timeline if history is not None and history.ok else None
    for year, views in by_year(site).items():
        paths = package_paths(year)
        published = last_changed(views, site.as_of, history)
        keys = [line_key(view, site.as_of, cache, prints, timeline) for view in views]
        # No year key where a list's lines have none: the year would then not state what they hold.
        key = cache.key("ocds", paths, published, keys) if None not in keys else None
        whole = {path: key and f"{key}/{path}" for path in paths}
        if all(cache.reuse(output, path, whole[path]) for path in paths):
            continue
        spans = write_packages(views, site.as_of, published, paths, settings, output, history, cache, keys)
        for path in paths:
            cache.keep(output, path, whole[path])
            cache.record_pieces(path, spans[path])


def write_packages(views: list, as_of: date, published: date, paths: tuple[str, str], settings: dict, output: Path,
                   history=None, cache: OutputCache | None = None, keys: list[str | None] | None = None,
                   ) -> dict[str, dict[str | None, tuple[int, int]]]:
    """One year's two packages (`paths`: the release package's, the record package's), written list by
    list: at national scale even one year's record package is among the largest files of the site, and
    held whole it would be most of the build's memory. Each release and each record is one line (a
    list's release ids are unique within its ocid, as in OCDS). `keys`: each list's line_key, by which
    its lines are cut from the last build's packages. Gives where each list's lines lie in each
    package, by that key."""
    cache = cache or OutputCache.disabled()
    keys = keys or [None] * len(views)
    publisher = Publisher.of(settings, as_of)
    releases_path, records_path = paths
    (output / releases_path).parent.mkdir(parents=True, exist_ok=True)
    for path in paths:  # a build from the spare site may hold a link into the cache's store here:
        (output / path).unlink(missing_ok=True)  # never write through it
    # Bytes, not text: each list's lines are written as they were made or cut from the last build's
    # packages (at national scale they are hundreds of megabytes: decoding them to encode them again,
    # or reading each list's lines from a file of its own, is seconds of a correction).
    previous = {path: cache.pieces(path) for path in paths}
    spans: dict[str, dict[str | None, tuple[int, int]]] = {path: {} for path in paths}
    with (output / releases_path).open("wb") as releases, (output / records_path).open("wb") as records:
        files = {releases_path: releases, records_path: records}
        written = {path: files[path].write((json.dumps(package_head(publisher, path, published), **COMPACT)[:-1] + (
            ',"releases":[' if path == releases_path else ',"records":[')).encode()) for path in files}
        first = dict.fromkeys(paths, True)
        for view, key in zip(views, keys, strict=True):
            lines = {path: previous[path](key) for path in files}
            if None in lines.values():
                lines = dict(zip(files, list_lines(view, publisher, history).split(b"\0")))
            for path, text in lines.items():
                if not text:  # a list with no release yet: nothing in the release package
                    spans[path][key] = (written[path], 0)
                    continue
                written[path] += files[path].write(b"\n" if first[path] else b",\n")
                first[path] = False
                spans[path][key] = (written[path], len(text))
                written[path] += files[path].write(text)
        releases.write(b"\n]}\n")
        records.write(b"\n]}\n")
    return spans
