"""The publish build, read by the strict readers a government-site inspection runs.

- every page: the W3C Nu HTML Checker (vnu.jar, one JVM for all pages);
- every Atom feed: RFC 4287's own schema (Appendix B, RELAX NG, with its Schematron rules);
  every RSS channel: links the page it is about;
- every calendar: RFC 5545 (a component at least, UID/DTSTAMP/DTSTART, CRLF, lines of ≤ 75 octets);
- every JSON file: the JSON Schema it names in `$schema`, as published on this site (refs resolved from
  the built output, never the network); the OCDS packages under /data/ocds/: the OCDS 1.1.5 package schema
  their `version` names, read from ../shared/ocds's copy of the standard;
- the sitemap: sitemaps.org's 0.9 XSD, with lastmod on list and notice pages.

The sample is built once for the module with publishconf.py (an absolute SITEURL), as
`jiebang build --settings publishconf.py` does. Each reader is also shown a faulty document, so a
reader that accepts everything cannot pass.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import os
import runpy
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
from icalendar import Calendar
from jsonschema import Draft4Validator, Draft202012Validator
from lxml import etree, isoschematron
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from jiebang.records.content import load_tree
from jiebang.site.build import build_site
from jiebang.site.feeds import feed_author
from jiebang.site.model import pinyin_slug

REPO = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
ATOM = "{http://www.w3.org/2005/Atom}"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
VNU_JAR = REPO / ".venv" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, dict]:
    """(output, settings) of the publish build. publishconf.py imports pelicanconf from the current
    directory, as Pelican's own publishconf does: build from the project's root."""
    out = tmp_path_factory.mktemp("publish") / "site"
    with contextlib.chdir(REPO):
        build_site(REPO, out, "publishconf.py")
        settings = runpy.run_path("publishconf.py")
    assert settings["SITEURL"].startswith("https://"), settings["SITEURL"]
    return out, settings


@pytest.fixture(scope="module")
def site(published) -> Path:
    return published[0]


@pytest.fixture(scope="module")
def site_url(published) -> str:
    return published[1]["SITEURL"]


@pytest.fixture(scope="module")
def tree():
    content, _ = load_tree(REPO / "content")
    return content


def local_file(site: Path, site_url: str, url: str) -> Path:
    """The built file a URL of this site names (a folder URL → its index.html)."""
    assert url.startswith(site_url + "/"), f"{url} is not on {site_url}"
    rel = urlsplit(url).path.lstrip("/")
    return site / rel / "index.html" if rel == "" or rel.endswith("/") else site / rel


# ----------------------------------------------------------------------------------- Nu HTML Checker


def vnu_command() -> list[str]:
    """java -jar vnu.jar, or skip (fail on CI) saying what is missing and how to get it."""
    java = shutil.which("java")
    jar = Path(os.environ.get("VNU_JAR") or VNU_JAR)
    missing = ([] if java else ["Java（Debian：apt-get install default-jre-headless）"]) + (
        [] if jar.is_file() else [f"vnu.jar（{jar}；`make vnu` 用 npm 安装 vnu-jar）"])
    if missing:
        message = "W3C Nu HTML Checker 无法运行，缺少：" + "、".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return [java, "-jar", str(jar)]


def test_every_page_passes_the_nu_html_checker(site: Path, tmp_path: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50, pages
    # A control page the checker must refuse, checked in the same run: proves it read the files.
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>x</title></head>'
                       '<body><form action=""></form></body></html>', "utf-8")
    run = subprocess.run([*vnu_command(), "--format", "json", "--exit-zero-always", *map(str, pages), str(control)],
                         capture_output=True, text=True, timeout=600)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    by_file: dict[str, list[str]] = {}
    for message in messages:
        if message.get("type") in ("error", "non-document-error"):
            where = Path(urlsplit(message.get("url", "")).path).as_posix()
            by_file.setdefault(where, []).append(f"{message.get('lastLine', '?')}: {message['message']}")
    assert by_file.pop(control.as_posix(), None), f"the checker accepted a form with an empty action: {messages}"
    problems = {str(Path(name).relative_to(site)) if name.startswith(str(site)) else name: found
                for name, found in by_file.items()}
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


# ------------------------------------------------------------------------------------------ feeds


@pytest.fixture(scope="module")
def atom_reader():
    """RFC 4287 Appendix B: its RELAX NG grammar and its Schematron rules (which carry the MUSTs the
    grammar cannot: an author for every entry, a link or content for every entry)."""
    schema = etree.parse(str(TESTS / "rfc4287-atom.rng"))
    grammar, rules = etree.RelaxNG(schema), isoschematron.Schematron(schema, store_report=True)

    def problems(doc) -> list[str]:
        found = [] if grammar.validate(doc) else [f"{e.line}: {e.message}" for e in grammar.error_log]
        if not rules.validate(doc):
            found += [a.findtext(f"{SVRL}text").strip() for a in rules.validation_report.iter(f"{SVRL}failed-assert")]
        return found

    return problems


def feed_files(site: Path, kind: str) -> list[Path]:
    return sorted(site.rglob(f"*.{kind}.xml"))


def test_every_atom_feed_is_valid_rfc_4287(site: Path, tree, atom_reader) -> None:
    feeds = feed_files(site, "atom")
    industries = {r.data["industry"] for r in tree.lists}
    assert len(feeds) >= 3 + len(industries) + len(tree.lists), feeds
    problems = {str(f.relative_to(site)): atom_reader(etree.parse(str(f))) for f in feeds}
    assert not {name: found for name, found in problems.items() if found}, problems


def test_the_atom_reader_refuses_a_feed_without_author_or_with_unknown_atom_elements(site: Path, atom_reader) -> None:
    doc = etree.parse(str(site / "feeds" / "all.atom.xml"))
    assert atom_reader(doc) == []
    no_author = copy.deepcopy(doc)
    for author in no_author.getroot().findall(f"{ATOM}author"):
        no_author.getroot().remove(author)
    assert any("atom:author" in p for p in atom_reader(no_author)), atom_reader(no_author)
    unknown = copy.deepcopy(doc)
    etree.SubElement(unknown.getroot().find(f"{ATOM}entry"), f"{ATOM}status").text = "x"
    assert atom_reader(unknown)


def test_every_feed_names_the_sites_host_as_its_author(site: Path, published) -> None:
    host = published[1]["JIEBANG_IDENTITY"]["主办单位"]
    assert host
    for feed in feed_files(site, "atom"):
        root = etree.parse(str(feed)).getroot()
        assert [a.findtext(f"{ATOM}name") for a in root.findall(f"{ATOM}author")] == [host], feed


def test_a_site_without_a_host_names_itself_as_author() -> None:
    assert feed_author({"SITENAME": "某市榜单", "SITEURL": "", "JIEBANG_IDENTITY": {"主办单位": ""}}) == {"name": "某市榜单"}
    assert feed_author({"SITENAME": "某市榜单", "SITEURL": "https://x.example", "JIEBANG_IDENTITY": {"主办单位": "某市科技局"}}) == {
        "name": "某市科技局", "uri": "https://x.example/"}


def test_notice_bodies_are_html_and_list_entries_plain_text(site: Path, tree) -> None:
    """A reader shows type="html" content as HTML; text without a type as text. The notices' bodies are
    HTML, so they must say so, or readers show "<p>" to the user."""
    lists, notices = {r.id for r in tree.lists}, {r.id: r for r in tree.results}
    seen = set()
    for feed in feed_files(site, "atom"):
        for entry in etree.parse(str(feed)).getroot().iter(f"{ATOM}entry"):
            key = entry.findtext(f"{ATOM}id").rsplit(":", 1)[1]
            content, summary = entry.find(f"{ATOM}content"), entry.find(f"{ATOM}summary")
            if key in notices:
                assert content is not None and content.get("type") == "html", (feed, key)
                shown = lxml.html.fragment_fromstring(content.text, create_parent="div").text_content()
                assert "<" not in shown and shown.strip(), (feed, key, shown)
                first = notices[key].data["body"].strip().splitlines()[0].lstrip("#>-* ").strip()
                assert first[:12] in shown, (feed, key, first)
            else:
                assert key in lists, key
                assert content is None and summary is not None and summary.get("type") in (None, "text"), (feed, key)
                assert "<" not in summary.text and "榜单金额" in summary.text, (feed, key)
            seen.add(key)
    assert seen == lists | set(notices)


def test_every_rss_channel_links_the_page_it_is_about(site: Path, site_url: str, tree) -> None:
    expected = {"feeds/all": "", "feeds/lists": "lists/", "feeds/results": "results/"}
    expected |= {f"feeds/industries/{pinyin_slug(r.data['industry'])}": f"industries/{pinyin_slug(r.data['industry'])}/"
                 for r in tree.lists}
    expected |= {f"lists/{r.id}/feed": f"lists/{r.id}/" for r in tree.lists}
    for base, page in expected.items():
        rss = etree.parse(str(site / f"{base}.rss.xml")).getroot()
        link = rss.findtext("channel/link")
        assert link == f"{site_url}/{page}", (base, link)
        assert local_file(site, site_url, link).is_file(), link
        atom = etree.parse(str(site / f"{base}.atom.xml")).getroot()
        assert [x.get("href") for x in atom.findall(f"{ATOM}link[@rel='alternate']")] == [link], base
        # each file's rel="self" names that file itself (a reader subscribes to what it finds there)
        assert [x.get("href") for x in rss.findall(f"channel/{ATOM}link[@rel='self']")] == [f"{site_url}/{base}.rss.xml"]
        assert [x.get("href") for x in atom.findall(f"{ATOM}link[@rel='self']")] == [f"{site_url}/{base}.atom.xml"]
    assert len(feed_files(site, "rss")) == len(expected)


# --------------------------------------------------------------------------------------- calendars


def calendar_problems(raw: bytes) -> list[str]:
    """What RFC 5545 refuses and a strict reader trips on."""
    problems = []
    if raw.replace(b"\r\n", b"").count(b"\n") or b"\r" in raw.replace(b"\r\n", b"") or not raw.endswith(b"\r\n"):
        problems.append("line ends are not all CRLF (3.1)")
    for number, line in enumerate(raw.replace(b"\r\n", b"\n").split(b"\n")[:-1], 1):
        if len(line) > 75:
            problems.append(f"line {number} is {len(line)} octets, more than 75 (3.1)")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number} is folded inside a UTF-8 character")
    calendar = Calendar.from_ical(raw)
    if calendar.name != "VCALENDAR" or str(calendar.get("version")) != "2.0" or not calendar.get("prodid"):
        problems.append("not a VCALENDAR with VERSION:2.0 and PRODID (3.4, 3.7)")
    events = calendar.walk("VEVENT")
    if not events:
        problems.append("no component: icalbody needs at least one (3.6)")
    for event in events:
        for name in ("UID", "DTSTAMP", "DTSTART"):
            if not event.get(name):
                problems.append(f"an event without {name} (3.6.1)")
        if event.get("DTSTAMP") and not event["DTSTAMP"].to_ical().endswith(b"Z"):
            problems.append("DTSTAMP not in UTC (3.8.7.2)")
    uids = [str(e.get("UID")) for e in events]
    if len(uids) != len(set(uids)):
        problems.append("two events share a UID")
    return problems


def test_every_calendar_is_valid_rfc_5545_and_lists_every_deadline(site: Path, tree) -> None:
    in_industry: dict[str, set[str]] = {}
    for record in tree.lists:
        in_industry.setdefault(f"deadlines-{pinyin_slug(record.data['industry'])}.ics", set()).add(record.id)
    in_industry["deadlines.ics"] = {r.id for r in tree.lists}
    calendars = sorted((site / "data").glob("*.ics"))
    assert {c.name for c in calendars} == set(in_industry)
    for path in calendars:
        raw = path.read_bytes()
        assert calendar_problems(raw) == [], path.name
        events = Calendar.from_ical(raw).walk("VEVENT")
        assert {str(e["UID"]).removesuffix("-deadline@jiebang") for e in events} == in_industry[path.name], path.name


def test_the_calendar_reader_refuses_an_empty_calendar_and_bad_lines() -> None:
    empty = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//ZH\r\nEND:VCALENDAR\r\n"
    assert any("no component" in p for p in calendar_problems(empty))
    long = ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//x//y//ZH\nBEGIN:VEVENT\nUID:a\nDTSTAMP:20260101T000000Z\n"
            "DTSTART;VALUE=DATE:20260102\nSUMMARY:" + "揭榜截止" * 10 + "\nEND:VEVENT\nEND:VCALENDAR\n").encode()
    found = calendar_problems(long)
    assert any("CRLF" in p for p in found) and any("75" in p for p in found), found


def test_an_industry_without_lists_gets_no_calendar_and_no_link_to_one(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("content", "theme"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "pelicanconf.py", project / "pelicanconf.py")
    gone = [p for p in (project / "content" / "lists").rglob("*.yaml") if "industry: 新能源" in p.read_text("utf-8")]
    assert gone
    for path in gone:
        path.unlink()
        for notice in (project / "content" / "results").rglob(f"{path.stem}-R*.yaml"):
            notice.unlink()
    out = tmp_path / "site"
    build_site(project, out)
    slug = pinyin_slug("新能源")
    assert not (out / "data" / f"deadlines-{slug}.ics").exists()
    page = lxml.html.fromstring((out / "industries" / slug / "index.html").read_bytes())
    calendars = [h for h in page.xpath("//a/@href") if h.endswith(".ics")]
    assert f"/data/deadlines-{slug}.ics" not in calendars
    assert all((out / h.lstrip("/")).is_file() for h in calendars), calendars
    other = lxml.html.fromstring((out / "industries" / pinyin_slug("陶瓷") / "index.html").read_bytes())
    assert f"/data/deadlines-{pinyin_slug('陶瓷')}.ics" in other.xpath("//a/@href")
    assert (out / "data" / f"deadlines-{pinyin_slug('陶瓷')}.ics").is_file()


# --------------------------------------------------------------------------------------- JSON data


def json_files(site: Path) -> list[Path]:
    return sorted([*(site / "data").glob("*.json"), *site.glob("lists/*/*.json"), *site.glob("results/*/*.json")])


def local_registry(site: Path, site_url: str) -> Registry:
    """Resolves this site's schemas from the built output; anything else is an error, never a download."""
    def retrieve(uri: str) -> Resource:
        if not uri.startswith(f"{site_url}/schema/"):
            raise LookupError(f"a schema not on this site: {uri}")
        return Resource.from_contents(json.loads(local_file(site, site_url, uri).read_text("utf-8")))

    return Registry(retrieve=retrieve)


def validator_for(site: Path, site_url: str, uri: str) -> Draft202012Validator:
    schema = json.loads(local_file(site, site_url, uri).read_text("utf-8"))
    assert schema["$id"] == uri
    return Draft202012Validator(schema, registry=local_registry(site, site_url),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_every_published_schema_has_its_id_on_this_site(site: Path, site_url: str) -> None:
    schemas = sorted((site / "schema").rglob("*.schema.json"))
    names = {p.relative_to(site).as_posix() for p in schemas}
    assert {"schema/list.schema.json", "schema/result.schema.json", "schema/regulation.schema.json",
            "schema/data/lists.schema.json", "schema/data/list.schema.json", "schema/data/results.schema.json",
            "schema/data/result.schema.json", "schema/data/lists-index.schema.json"} <= names
    for path in schemas:
        schema = json.loads(path.read_text("utf-8"))
        assert schema["$id"] == f"{site_url}/{path.relative_to(site).as_posix()}", path
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", path
        Draft202012Validator.check_schema(schema)


def test_every_published_json_validates_against_the_schema_it_names(site: Path, site_url: str, tree) -> None:
    files = json_files(site)
    assert len(files) == 3 + len(tree.lists) + len(tree.results)
    expected = {"data/lists.json": "data/lists", "data/results.json": "data/results",
                "data/lists-index.json": "data/lists-index"}
    expected |= {f"lists/{r.id}/{r.id}.json": "data/list" for r in tree.lists}
    expected |= {f"results/{r.id}/{r.id}.json": "data/result" for r in tree.results}
    problems = {}
    for path in files:
        rel = path.relative_to(site).as_posix()
        data = json.loads(path.read_text("utf-8"))
        assert data.get("$schema") == f"{site_url}/schema/{expected[rel]}.schema.json", rel
        errors = [f"{e.json_path}: {e.message}" for e in validator_for(site, site_url, data["$schema"]).iter_errors(data)]
        if errors:
            problems[rel] = errors[:5]
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


OCDS_ZIP = REPO.parent / "shared" / "ocds" / "standard-1__1__5.zip"
OCDS_SCHEMAS = "https://standard.open-contracting.org/schema/1__1__5/"


def ocds_validator(name: str) -> Draft4Validator:
    """An OCDS 1.1.5 package schema, with every schema it refers to, read from ../shared/ocds's zip (never
    the network: the schemas' $refs name their standard.open-contracting.org addresses)."""
    if not OCDS_ZIP.is_file():
        pytest.skip(f"OCDS 1.1.5 不在 {OCDS_ZIP}（见 ../shared/ocds/README.md）")

    def read(uri: str) -> dict:
        if not uri.startswith(OCDS_SCHEMAS):
            raise LookupError(f"a schema not in OCDS 1.1.5: {uri}")
        with zipfile.ZipFile(OCDS_ZIP) as archive:
            return json.loads(archive.read(f"standard-1__1__5/schema/{uri.removeprefix(OCDS_SCHEMAS)}"))

    schema = read(OCDS_SCHEMAS + name)
    assert schema["id"] == OCDS_SCHEMAS + name
    registry = Registry(retrieve=lambda uri: Resource.from_contents(read(uri), default_specification=DRAFT4))
    return Draft4Validator(schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def ocds_package_schema(data: dict) -> str:
    """The schema an OCDS package names: its `version` (the standard, 1.1) and whether it holds releases or records."""
    assert data.get("version") == "1.1", data.get("version")
    return "record-package-schema.json" if "records" in data else "release-package-schema.json"


def test_the_ocds_packages_validate_against_the_ocds_package_schemas(site: Path, site_url: str, tree) -> None:
    files = sorted((site / "data" / "ocds").glob("**/*.json"))  # a pair for each year lists were published
    assert {p.name for p in files} == {"records.json", "releases.json"} and len(files) >= 6
    for path in files:
        data = json.loads(path.read_text("utf-8"))
        assert data["uri"] == f"{site_url}/{path.relative_to(site).as_posix()}"
        check = ocds_validator(ocds_package_schema(data))
        errors = [f"{e.json_path}: {e.message}" for e in check.iter_errors(data)]
        assert not errors, json.dumps(errors[:5], ensure_ascii=False, indent=1)
    # The control: a date that is not a date-time, and a record without its ocid, are refused.
    packages = [json.loads(path.read_text("utf-8")) for path in files if path.name == "records.json"]
    records = {**packages[0], "records": [r for package in packages for r in package["records"]]}  # every record
    assert len(records["records"]) == len(tree.lists)
    records["records"][0]["compiledRelease"]["date"] = "2026-11-27"
    del records["records"][1]["ocid"]
    found = {tuple(e.absolute_path)[:2] for e in ocds_validator("record-package-schema.json").iter_errors(records)}
    assert found == {("records", 0), ("records", 1)}, found


def test_the_data_schemas_refuse_what_the_data_must_not_hold(site: Path, site_url: str, tree) -> None:
    lists = json.loads((site / "data" / "lists.json").read_text("utf-8"))
    check = validator_for(site, site_url, lists["$schema"])
    assert not list(check.iter_errors(lists))
    broken = copy.deepcopy(lists)
    broken["lists"][0]["unknown_key"] = 1
    broken["lists"][1]["status"] = "进行中"
    broken["lists"][2]["deadline"] = "2026-13-40"
    del broken["lists"][3]["url"]
    found = {tuple(e.absolute_path)[:2] for e in check.iter_errors(broken)}
    assert found == {("lists", 0), ("lists", 1), ("lists", 2), ("lists", 3)}, found
    # A notice may hold only the fields of its kind, the derived ones added.
    award = next(r for r in tree.results if r.data["kind"] == "立项")
    notice = json.loads((site / "results" / award.id / f"{award.id}.json").read_text("utf-8"))
    check = validator_for(site, site_url, notice["$schema"])
    assert not list(check.iter_errors(notice))
    assert list(check.iter_errors({**notice, "solvers": []}))


def test_lists_csv_gives_every_page_its_full_address(site: Path, site_url: str, tree) -> None:
    rows = list(csv.reader(io.StringIO((site / "data" / "lists.csv").read_bytes().decode("utf-8-sig"), newline="")))
    header = rows[0]
    addresses = {row[header.index("榜单编号")]: row[header.index("网址")] for row in rows[1:]}
    assert addresses == {r.id: f"{site_url}/lists/{r.id}/" for r in tree.lists}
    assert all(local_file(site, site_url, url).is_file() for url in addresses.values())


# ------------------------------------------------------------------------------------------ sitemap


def test_sitemap_is_valid_and_dates_list_and_notice_pages_like_their_feeds(site: Path, site_url: str, tree) -> None:
    xsd = etree.XMLSchema(etree.parse(str(TESTS / "sitemap-0.9.xsd")))
    doc = etree.parse(str(site / "sitemap.xml"))
    assert xsd.validate(doc), xsd.error_log
    lastmod = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in doc.getroot().iter(f"{SITEMAP}url")}
    for record in tree.lists:
        feed = etree.parse(str(site / "lists" / record.id / "feed.atom.xml")).getroot()
        assert lastmod[f"{site_url}/lists/{record.id}/"] == feed.findtext(f"{ATOM}updated")[:10], record.id
    entries = {e.findtext(f"{ATOM}id").rsplit(":", 1)[1]: e.findtext(f"{ATOM}updated")[:10]
               for e in etree.parse(str(site / "feeds" / "results.atom.xml")).getroot().iter(f"{ATOM}entry")}
    for record in tree.results:
        assert lastmod[f"{site_url}/results/{record.id}/"] == entries[record.id], record.id
    # the XSD is strict: a lastmod that is not a W3C date fails it
    url = doc.getroot().find(f"{SITEMAP}url")
    etree.SubElement(url, f"{SITEMAP}lastmod").text = "2026年11月27日"
    assert not xsd.validate(doc)
