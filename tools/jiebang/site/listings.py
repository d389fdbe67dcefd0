"""The site's listings and facets: /lists/, /results/, and the lists of each industry, year, status and
county, each at the URL pattern JIEBANG_URLS gives it; the generator cuts each into pages (pagination).

A facet is one way to browse /lists/ (行业领域, 发榜年度, 状态, 县（市、区）): its values, each with the URL of
its listing and how many lists it holds. The facet keys are also the filter's query parameters on
/lists/ (`?industry=陶瓷&status=揭榜中`) and the columns of /data/lists-index.json.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .model import SiteData


@dataclass(frozen=True)
class FacetOption:
    name: str
    url: str
    count: int


@dataclass(frozen=True)
class Facet:
    key: str  # the query parameter and the index column: industry, year, status, county
    title: str
    options: tuple[FacetOption, ...]


@dataclass(frozen=True)
class Listing:
    """One paginated listing: where its first page lives, the template, what it shows."""

    url: str
    template: str
    column: str  # the ColumnName government inspection tools read
    title: str
    key: str  # the context key its items go under: "lists" or "notices"
    items: list = field(repr=False)
    extra: dict[str, Any] = field(default_factory=dict)


def facets(site: SiteData, pattern: dict[str, str]) -> tuple[Facet, ...]:
    def facet(key: str, title: str, values: dict[Any, str], members: Callable[[Any], list]) -> Facet:
        return Facet(key, title, tuple(FacetOption(str(value), pattern[key].format(slug=slug, year=value),
                                                   len(members(value))) for value, slug in values.items()))

    return (facet("industry", "行业领域", site.industries, site.lists_in),
            facet("year", "发榜年度", {year: str(year) for year in site.years()}, site.lists_of_year),
            facet("status", "状态", site.status_slugs, site.lists_with_status),
            facet("county", "县（市、区）", site.county_slugs, site.lists_in_county))


def listings(site: SiteData, pattern: dict[str, str], page_size: int) -> Iterator[Listing]:
    browse = facets(site, pattern)
    yield Listing("lists/", "lists", "榜单", "全部榜单", "lists", site.lists,
                  {"facets": browse, "page_size": page_size})
    yield Listing("results/", "results", "结果公告", "结果公告", "notices", site.results)
    groups = {"industry": ("行业领域", "{}领域榜单", site.lists_in), "year": ("年度", "{}年发布的榜单", site.lists_of_year),
              "status": ("状态", "{}的榜单", site.lists_with_status),
              "county": ("县（市、区）", "需求单位在{}的榜单", site.lists_in_county)}
    for one in browse:
        column, title, members = groups[one.key]
        for option in one.options:
            value = int(option.name) if one.key == "year" else option.name
            extra = {"feed_slug": site.industries[option.name]} if one.key == "industry" else {}
            yield Listing(option.url, "group", column, title.format(option.name), "lists", members(value), extra)
