"""What the built site may contain: no mobile number, 身份证号, bank card number or personal mailbox that
the content did not publish on purpose, in any file a visitor can fetch — pages, feeds, JSON, CSV, the
附件2 .xlsx, calendars, the search index, and their precompressed copies.

On purpose means: a contact a record publishes in its contact fields (`contact`, `objection_contact`),
which the validator already asks the editor to confirm (privacy.personal_contact). The sample publishes
only office landlines and office mailboxes, so for it nothing at all may be found. The 征集表's private
fields (the enterprise contact's 姓名, 职务, 手机, 邮箱) never enter content/, so they must never reach
the output either; a planted leak, in the output or in the content, proves the scan sees it.

The numbers are recognised by kept libraries, independently of our own rules: `phonenumbers` says
whether a number is a Chinese mobile, `stdnum.cn.ric` checks a 身份证号 (check digit, birth date,
region), `stdnum.luhn` a card number.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import phonenumbers
import pytest
import yaml
from stdnum import luhn
from stdnum.cn import ric

from conftest import REPO, sample_project
from docx_forms import Form, build_form
from jiebang.cli import main
from jiebang.site.build import build_site

# The 征集表's private contact: read by the importer, never written to content/ (DESIGN.md, Privacy).
PRIVATE = Form(contact_name="钱多多", contact_position="副总经理", mobile="13987654321", email="qianduoduo@163.com")
PRIVATE_VALUES = [PRIVATE.contact_name, PRIVATE.contact_position, PRIVATE.mobile, PRIVATE.email]
IMPORTED_ID = "JDZ-2026-003"

# Personal mail providers, listed here rather than taken from the code under test.
PERSONAL_MAIL = {"qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com",
                 "139.com", "189.cn", "21cn.com", "aliyun.com", "gmail.com", "hotmail.com", "outlook.com",
                 "live.com", "yahoo.com", "icloud.com", "me.com", "msn.com"}

_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9A-Za-z])")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_CARD = re.compile(r"(?<![0-9A-Za-z\-])\d(?:[ \-]?\d){14,18}(?![0-9A-Za-z\-])")
_MAIL = re.compile(r"[A-Za-z0-9._%+\-]+@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)")
_HIDDEN = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")  # would split a number up

TEXT_SUFFIXES = {".html", ".xml", ".json", ".csv", ".ics", ".txt", ".js", ".css", ".svg"}


@dataclass(frozen=True)
class Finding:
    file: str
    kind: str  # 手机号 | 身份证号 | 银行卡号 | 个人邮箱
    value: str


def personal_data(text: str) -> list[tuple[str, str]]:
    text = _HIDDEN.sub("", text)
    found = []
    for m in _MOBILE.finditer(text):
        number = phonenumbers.parse(m.group(), "CN")
        if phonenumbers.number_type(number) in (phonenumbers.PhoneNumberType.MOBILE,
                                                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
            found.append(("手机号", m.group()))
    found += [("身份证号", m.group()) for m in _ID_CARD.finditer(text) if ric.is_valid(m.group())]
    found += [("银行卡号", m.group()) for m in _CARD.finditer(text)
              if luhn.is_valid(re.sub(r"\D", "", m.group())) and not ric.is_valid(m.group())]
    found += [("个人邮箱", m.group()) for m in _MAIL.finditer(text) if m.group(1).lower() in PERSONAL_MAIL]
    return found


def strings_of(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings_of(k), *strings_of(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings_of(v)]
    return [value] if isinstance(value, str) else []


def keys_of(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *keys_of(v))]
    return [s for v in value for s in keys_of(v)] if isinstance(value, list) else []


def texts_of(name: str, data: bytes) -> list[str]:
    """What a reader of the file gets, as text: entities and JSON escapes undone, every .xlsx cell."""
    if name.endswith(".gz"):
        return texts_of(name[:-3], gzip.decompress(data))
    suffix = Path(name).suffix
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row
                 if c is not None]
        props = book.properties
        return [*cells, *(str(v) for v in (props.creator, props.title, props.subject, props.description) if v)]
    if suffix not in TEXT_SUFFIXES and Path(name).name not in ("SHA256SUMS", "CNAME"):
        raise AssertionError(f"{name}: a kind of file this scan cannot read; teach it before publishing one")
    text = data.decode("utf-8-sig")
    if suffix == ".json" and name.startswith("search/index/shards/"):
        return keys_of(json.loads(text))  # the indexed terms; the values are encoded postings, not text
    if suffix == ".json":
        return strings_of(json.loads(text)) + [text]
    if suffix in (".html", ".xml"):
        return [html.unescape(text)]
    return [text.replace("\r\n ", "").replace("\n ", "")] if suffix == ".ics" else [text]  # RFC 5545 folding


def scan(site: Path) -> tuple[list[Finding], Counter]:
    """Every personal datum in the site, and how many files of each kind were read."""
    findings, kinds = [], Counter()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        name = path.relative_to(site).as_posix()
        kinds[Path(name.removesuffix(".gz")).suffix or Path(name).name] += 1
        for text in texts_of(name, path.read_bytes()):
            findings += [Finding(name, kind, value) for kind, value in personal_data(text)]
    return sorted(set(findings), key=lambda f: (f.file, f.kind, f.value)), kinds


def published_contacts(project: Path) -> set[str]:
    """The contacts records publish on purpose, in the fields DESIGN.md names as published."""
    found = set()
    for path in (project / "content").rglob("*.yaml"):
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        for key in ("contact", "objection_contact"):
            if isinstance(data.get(key), dict):
                found |= {str(data[key].get(k, "")) for k in ("phone", "email")} - {""}
    return found


def leaks(site: Path, project: Path) -> list[Finding]:
    findings, _ = scan(site)
    allowed = published_contacts(project)
    return [f for f in findings if f.value not in allowed]


# ---------------------------------------------------------------------------------------- the project


def import_private_form(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`jiebang import` of a 征集表 carrying a private contact, then filled in as the 操作手册 says."""
    monkeypatch.chdir(project)
    build_form(project / "征集表.docx", PRIVATE)
    assert main(["import", "征集表.docx", "--published", "2026-11-20", "--deadline", "2027-01-10"]) == 0
    (project / "征集表.docx").unlink()
    record = project / "content" / "lists" / "2026" / f"{IMPORTED_ID}.yaml"
    text = record.read_text("utf-8")
    for placeholder, value in {
        "（请填写：批次）": "2026年度第二批", "（请填写：文号）": "景科字〔2026〕99号",
        "（请填写：统一社会信用代码）": '"91360203MA35A00019"', "（请填写：所在县（市、区））": "珠山区",
        "（请填写：联系人）": "王工", "（请填写：联系科室）": "市科技局计划科", "（请填写：联系电话）": '"0798-8230012"',
        "（请填写：揭榜方条件）": "符合《办法》第五条的条件。", "（请填写：知识产权归属与利益分配）": "按技术合同约定（第十条）。",
    }.items():
        text = text.replace(placeholder, value)
    assert "（请填写" not in text, text
    record.write_text(text, "utf-8")
    assert main(["validate"]) == 0
    return record


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = sample_project(tmp_path_factory.mktemp("privacy") / "project")
    shutil.copy(REPO / "publishconf.py", project)
    with pytest.MonkeyPatch.context() as monkeypatch:
        import_private_form(project, monkeypatch)
    return project


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    out = project.parent / "site"
    build_site(project, out, "publishconf.py")
    return out


# ------------------------------------------------------------------------------------------ the tests


def test_the_built_site_holds_no_personal_data(site: Path, project: Path) -> None:
    found = leaks(site, project)
    assert found == [], "\n".join(f"{f.file}: {f.kind} {f.value}" for f in found)
    findings, kinds = scan(site)
    assert findings == []  # the sample publishes office landlines and mailboxes only: nothing is exempted
    assert "0798-8230012" in (site / "lists" / IMPORTED_ID / "index.html").read_text("utf-8")  # and shows them
    # the scan really read every kind of file the site publishes
    for kind in (".html", ".xml", ".json", ".csv", ".xlsx", ".ics", ".js", ".css", "SHA256SUMS"):
        assert kinds[kind], f"no {kind} file was scanned: {dict(kinds)}"
    assert any(site.glob("search/index/text/*.json")), "the search index's texts are not where the scan looks"
    assert len(list(site.glob("lists/*/index.html"))) == 16  # the sample's 15 lists and the imported one


def test_the_forms_private_contact_reaches_no_file(site: Path, project: Path) -> None:
    assert (site / "lists" / IMPORTED_ID / "index.html").is_file()  # the imported list is published
    record = (project / "content" / "lists" / "2026" / f"{IMPORTED_ID}.yaml").read_text("utf-8")
    for value in PRIVATE_VALUES:
        assert value not in record, f"the importer wrote the private {value} into content/"
    for path in (p for p in site.rglob("*") if p.is_file()):
        name = path.relative_to(site).as_posix()
        text = "\n".join(texts_of(name, path.read_bytes()))
        assert not [v for v in PRIVATE_VALUES if v in text], name


def plant(site: Path, target: Path) -> dict[str, str]:
    """A copy of the site with a leak planted in each kind of file; returns file → what was planted."""
    shutil.copytree(site, target)
    id_card = "11010519491231002" + ric.calc_check_digit("11010519491231002" + "?")  # it ignores the last
    card = "622202123456789" + luhn.calc_check_digit("622202123456789")
    page = target / "lists" / "JDZ-2022-001" / "index.html"
    page.write_text(page.read_text("utf-8").replace("</main>", "<p title=\"&#49;3987654321\">联系</p></main>", 1), "utf-8")
    data = target / "data" / "lists.json"
    lists = json.loads(data.read_text("utf-8"))
    lists["lists"][0]["title"] += "（卡号 " + card[:8] + "\u200b" + card[8:] + "）"
    data.write_text(json.dumps(lists), "utf-8")  # ASCII-escaped, a zero-width space inside the number
    book_path = next(target.glob("data/summary-*.xlsx"))
    book = openpyxl.load_workbook(book_path)
    book.worksheets[0]["B3"] = f"身份证 {id_card}"
    book.save(book_path)
    ics = target / "data" / "deadlines.ics"
    ics.write_bytes(ics.read_bytes().replace(b"END:VCALENDAR", b"X-CONTACT:QIANDUODUO@163.COM\r\nEND:VCALENDAR"))
    feed = target / "feeds" / "all.atom.xml"
    (target / "feeds" / "all.atom.xml.gz").write_bytes(gzip.compress(feed.read_bytes().replace(
        b"</feed>", b"<!-- +86 139-8765-4321 --></feed>")))
    return {"lists/JDZ-2022-001/index.html": "手机号", "data/lists.json": "银行卡号",
            book_path.relative_to(target).as_posix(): "身份证号", "data/deadlines.ics": "个人邮箱",
            "feeds/all.atom.xml.gz": "手机号"}


def test_a_leak_planted_in_any_kind_of_file_is_found(site: Path, project: Path, tmp_path: Path) -> None:
    planted = plant(site, tmp_path / "site")
    found = {(f.file, f.kind) for f in leaks(tmp_path / "site", project)}
    assert found == set(planted.items())


def test_a_private_field_copied_into_a_record_is_found_everywhere_it_is_published(project: Path,
                                                                                 tmp_path: Path) -> None:
    leaky = tmp_path / "project"
    shutil.copytree(project, leaky, ignore=shutil.ignore_patterns("cache"))
    record = leaky / "content" / "lists" / "2026" / f"{IMPORTED_ID}.yaml"
    text = record.read_text("utf-8")
    record.write_text(text.replace("benefits: |-\n", f"benefits: |-\n  联系人{PRIVATE.contact_name}，手机{PRIVATE.mobile}。\n", 1),
                      "utf-8")
    build_site(leaky, tmp_path / "site", "publishconf.py", use_cache=False)
    files = {f.file for f in leaks(tmp_path / "site", leaky) if f.value == PRIVATE.mobile}
    assert {f"lists/{IMPORTED_ID}/index.html", "data/lists.json"} <= files, files
    assert any(f.startswith("search/index/text/") for f in files), files  # where a result's snippet comes from
