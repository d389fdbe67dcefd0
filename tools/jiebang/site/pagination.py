"""Listings cut into pages of JIEBANG_PAGE_SIZE items, each page at the address PAGINATION_PATTERNS gives
(`{base_name}/page/{number}/`: STYLE.md's trap of page 3 of t3 overwriting t33).

A page gets a small `Pager` (its number, the neighbours' and a window of page numbers' URLs), never the
whole listing: a page is a function of its own items and its pager, so a page cache can tell which pages
of a listing changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any

from pelican.paginator import PaginationRule

DEFAULT_PAGE_SIZE = 50
# pelicanconf.py's patterns: used when a site's settings name none (Pelican's own default is the trap).
DEFAULT_PATTERNS = [(1, "{base_name}/", "{base_name}/index.html"),
                    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html")]
WINDOW = 2  # page numbers shown either side of the current one, besides the first and the last


def page_size(settings: dict) -> int:
    return max(1, int(settings.get("JIEBANG_PAGE_SIZE") or DEFAULT_PAGE_SIZE))


def page_address(save_as: str, url: str, number: int, last: bool, settings: dict) -> tuple[str, str]:
    """(url, save_as) of page `number` of the listing whose first page is `url` saved as `save_as`,
    by the last PAGINATION_PATTERNS rule that applies, as Pelican's own Paginator reads them."""
    rules = sorted((r if isinstance(r, PaginationRule) else PaginationRule(*r)
                    for r in settings.get("PAGINATION_PATTERNS") or DEFAULT_PATTERNS), key=lambda r: r.min_page)
    rule = None
    for candidate in rules:
        if candidate.min_page == -1:
            if last:
                rule = candidate
                break
        elif candidate.min_page <= number:
            rule = candidate
    if rule is None:
        return url, save_as
    name, extension = os.path.splitext(save_as)
    folder, file = os.path.split(save_as)
    fields = {"save_as": save_as, "url": url, "name": name, "extension": extension, "number": number,
              "base_name": folder if file in ("index.htm", "index.html") else name}
    # Pelican drops a single leading slash from each (its documented escape for root-relative patterns).
    return tuple(value.format(**fields).removeprefix("/") for value in (rule.URL, rule.SAVE_AS))  # type: ignore[return-value]


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str


@dataclass(frozen=True)
class Pager:
    """Where a page stands in its listing. `links` is the window of page numbers a reader can jump to:
    the first, the last and a few around this one; None marks a gap (…)."""

    number: int
    count: int  # pages in the listing
    total: int  # items in the listing
    start: int  # 1-based index of this page's first item (0 when the listing is empty)
    end: int
    url: str
    first: str  # the listing's own address (its page 1)
    previous: str | None
    next: str | None
    links: tuple[PageLink | None, ...]

    @property
    def several(self) -> bool:
        return self.count > 1


def window(number: int, count: int) -> list[int | None]:
    shown = sorted({1, count, *range(max(1, number - WINDOW), min(count, number + WINDOW) + 1)})
    out: list[int | None] = []
    previous = 0
    for n in shown:
        if n - previous == 2:  # a gap of one page: show the page rather than an ellipsis
            out.append(n - 1)
        elif n - previous > 2:
            out.append(None)
        out.append(n)
        previous = n
    return out


def paginate(items: Sequence[Any], url: str, save_as: str, settings: dict) -> Iterator[tuple[str, list[Any], Pager]]:
    """(save_as, the page's items, its pager) for every page of a listing; an empty listing still has its
    first page (it says there is nothing yet)."""
    size = page_size(settings)
    count = max(1, ceil(len(items) / size))
    addresses = [page_address(save_as, url, n, n == count, settings) for n in range(1, count + 1)]
    for number in range(1, count + 1):
        chunk = list(items[(number - 1) * size:number * size])
        start = (number - 1) * size + 1 if chunk else 0
        links = tuple(PageLink(n, addresses[n - 1][0]) if n else None for n in window(number, count))
        pager = Pager(number, count, len(items), start, start + len(chunk) - 1 if chunk else 0, addresses[number - 1][0],
                      addresses[0][0], addresses[number - 2][0] if number > 1 else None, addresses[number][0] if number < count else None,
                      links)
        yield addresses[number - 1][1], chunk, pager
