"""/data/ocds/: the sample's lifecycles as OCDS 1.1, checked by the OCDS tools themselves, offline.

- libcoveocds (the OCDS Data Review Tool's library) finds no validation error and no value outside a
  closed codelist in either package, and every field it calls additional is documented in docs/ocds.md;
- `ocdskit compile` of our release package gives our record package's compiled and versioned releases;
- each sample lifecycle (three complete, the terminated, the 流榜, the extended, the corrected), found
  in content/ by its notices, has the money, parties and statuses its YAML says, read here straight
  from the YAML and the OCDS codes, not through the mapping code;
- release ids stay when a correction is committed between two builds.

The OCDS 1.1.5 schema and codelists come from ../shared/ocds/standard-1__1__5.zip (its README).
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from functools import partial
from pathlib import Path

import jsonref
import pytest
import yaml

from conftest import doc, sample_project
from jiebang.site.build import build_site

REPO = Path(__file__).resolve().parents[1]
STANDARD_ZIP = REPO.parent / "shared" / "ocds" / "standard-1__1__5.zip"
SITE_URL = "https://jiebang.example"
OCDS_URL = "https://standard.open-contracting.org/schema/1__1__5/"

pytestmark = pytest.mark.skipif(
    not STANDARD_ZIP.is_file(), reason=f"OCDS 1.1.5 不在 {STANDARD_ZIP}（见 ../shared/ocds/README.md）"
)


def standard_file(name: str) -> bytes:
    with zipfile.ZipFile(STANDARD_ZIP) as archive:
        return archive.read(f"standard-1__1__5/schema/{name}")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ocds") / "site"
    build_site(REPO, out, overrides={"SITEURL": SITE_URL, "JIEBANG_CACHE_PATH": ""}, use_cache=False)
    return out


def year_files(site: Path, name: str) -> dict[int, Path]:
    """Each year's package of one kind (releases.json or records.json), oldest year first."""
    return {int(path.parent.name): path for path in sorted((site / "data" / "ocds").glob(f"*/{name}"))}


def read_package(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"), parse_float=Decimal)


def package(site: Path, name: str) -> dict:
    """Every year's releases (or records) of one kind, in the files' order, as one package's list."""
    kind = name.removesuffix(".json")
    return {kind: [item for path in year_files(site, name).values() for item in read_package(path)[kind]]}


# ------------------------------------------------------------------------------------------ libcoveocds


def cove(path: Path, tmp_path: Path, monkeypatch) -> dict:
    """libcoveocds' report on one file, with the schema and codelists from the zip. Its record-package
    check dereferences versioned-release-validation-schema.json through jsonref, which would fetch it from
    the web even with standard_zip set: jsonref is handed a loader that reads the zip instead."""
    import libcoveocds.schema
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    def offline(uri: str, **_kw):
        assert uri.startswith(OCDS_URL), f"libcoveocds asked the network for {uri}"
        return json.loads(standard_file(uri.removeprefix(OCDS_URL)))

    monkeypatch.setattr(
        libcoveocds.schema.jsonref, "replace_refs", partial(jsonref.replace_refs, loader=offline)
    )
    config = LibCoveOCDSConfig({"standard_zip": STANDARD_ZIP.as_uri(), "context": "api"})
    return ocds_json_output(str(tmp_path), str(path), "1.1", convert=False, lib_cove_ocds_config=config)


def documented_additional_fields() -> set[str]:
    """The paths the "Additional fields" table of docs/ocds.md lists (`tender/industry`)."""
    text = (REPO / "docs" / "ocds.md").read_text("utf-8")
    section = text.split("## 附加字段", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-zA-Z/]+)` \|", section, re.M))


def within(path: str) -> str:
    """A path libcoveocds reports, within a release: /records/compiledRelease/tender → tender."""
    for prefix in (
        "/releases/",
        "/records/compiledRelease/",
        "/records/versionedRelease/",
        "/records/releases/",
    ):
        if path.startswith(prefix):
            return path.removeprefix(prefix)
    return path


@pytest.mark.parametrize("name", ["releases.json", "records.json"])
def test_libcoveocds_finds_no_error_and_no_closed_codelist_violation(
    site: Path, name: str, tmp_path: Path, monkeypatch
) -> None:
    files = year_files(site, name)
    assert len(files) >= 3  # the sample's lists were published over several years
    reported = set()
    for year, path in files.items():
        report = cove(path, tmp_path / str(year), monkeypatch)
        assert report["validation_errors"] == [], json.dumps(report["validation_errors"][:5], ensure_ascii=False)
        assert report["additional_closed_codelist_values"] == {}
        assert report["additional_open_codelist_values"] == {}  # every code we use is in OCDS's own lists
        assert report.get("additional_checks") == {}, report.get("additional_checks")
        reported |= {f"{within(f['path'])}/{f['field']}" for f in report["additional_fields"]}
    assert reported, "libcoveocds reported no additional field: docs/ocds.md lists some"
    undocumented = reported - documented_additional_fields()
    assert not undocumented, f"docs/ocds.md 的附加字段表缺少：{sorted(undocumented)}"


def test_libcoveocds_reports_what_breaks_the_standard(site: Path, tmp_path: Path, monkeypatch) -> None:
    """The control: the same offline check refuses a closed-codelist value and a missing required field."""
    data = package(site, "releases.json")
    broken = copy.deepcopy(data)
    broken["releases"][0]["tender"]["status"] = "揭榜中"
    del broken["releases"][1]["ocid"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, ensure_ascii=False, default=str), "utf-8")
    report = cove(path, tmp_path, monkeypatch)
    assert {e["type"] for e in report["validation_errors"]} >= {"required"}
    assert "揭榜中" in json.dumps(report["additional_closed_codelist_values"], ensure_ascii=False)


# ---------------------------------------------------------------------------------------------- ocdskit


def ocdskit_compile(site: Path, tmp_path: Path, *args: str) -> list[dict]:
    schema = tmp_path / "release-schema.json"
    schema.write_bytes(standard_file("release-schema.json"))
    run = subprocess.run(
        [str(Path(sys.executable).parent / "ocdskit"), "compile", "--schema", str(schema), *args],
        input=b"".join(path.read_bytes() for path in year_files(site, "releases.json").values()),  # a stream of packages
        capture_output=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr.decode()
    return [
        json.loads(line, parse_float=Decimal) for line in run.stdout.decode().splitlines() if line.strip()
    ]


def test_ocdskit_compile_of_our_releases_gives_our_records(site: Path, tmp_path: Path) -> None:
    records = {r["ocid"]: r for r in package(site, "records.json")["records"]}
    compiled = {c["ocid"]: c for c in ocdskit_compile(site, tmp_path)}
    assert len(compiled) == len(records) == len(list((REPO / "content" / "lists").glob("*/*.yaml")))
    for ocid, record in records.items():
        assert compiled[ocid] == record["compiledRelease"], ocid
    versioned = {v["ocid"]: v for v in ocdskit_compile(site, tmp_path, "--versioned")}
    for ocid, record in records.items():
        assert versioned[ocid] == record["versionedRelease"], ocid


def test_every_record_links_each_of_its_releases(site: Path) -> None:
    by_ocid: dict[str, list[str]] = {}
    for year, path in year_files(site, "releases.json").items():
        for release in read_package(path)["releases"]:
            url = f"{SITE_URL}/data/ocds/{year}/releases.json#{release['id']}"
            by_ocid.setdefault(release["ocid"], []).append(url)
    for record in package(site, "records.json")["records"]:
        assert [r["url"] for r in record["releases"]] == by_ocid[record["ocid"]]
        assert len(set(by_ocid[record["ocid"]])) == len(
            by_ocid[record["ocid"]]
        )  # ids unique within a process


# ------------------------------------------------------------------------------------ the seven lifecycles


def yaml_records(folder: str) -> dict[str, dict]:
    found = {}
    for path in sorted((REPO / "content" / folder).glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        found[data["id"]] = data
    return found


def lifecycles() -> dict[str, list[str]]:
    """The sample's lists by what became of them, told by their notices' kinds."""
    notices: dict[str, list[dict]] = {}
    for notice in yaml_records("results").values():
        notices.setdefault(notice["list"], []).append(notice)
    kinds = {list_id: {n["kind"] for n in found} for list_id, found in notices.items()}
    accepted = [
        i
        for i, found in notices.items()
        if any(n["kind"] == "验收" and n["conclusion"] == "合格" for n in found)
    ]
    return {
        "complete": sorted(accepted),
        "terminated": sorted(i for i, k in kinds.items() if "终止" in k),
        "unawarded": sorted(i for i, k in kinds.items() if "流榜" in k),
        "extended": sorted(i for i, k in kinds.items() if "延期" in k),
        "corrected": sorted(i for i, k in kinds.items() if "更正公告" in k),
    }


def yuan(wan) -> Decimal:
    return Decimal(str(wan)) * 10000


def day(value) -> str:
    return str(value)[:10]


@pytest.fixture(scope="module")
def compiled(site: Path) -> dict[str, dict]:
    """Each list's compiled release, by list id."""
    return {
        r["ocid"].removeprefix("ocds-xxxxxx-"): r["compiledRelease"]
        for r in package(site, "records.json")["records"]
    }


def notices_of(list_id: str) -> list[dict]:
    return sorted(
        (n for n in yaml_records("results").values() if n["list"] == list_id),
        key=lambda n: (str(n["date"]), n["id"]),
    )


def test_the_sample_has_each_lifecycle_the_issue_names() -> None:
    found = lifecycles()
    assert {k: len(v) for k, v in found.items()} == {
        "complete": 3,
        "terminated": 1,
        "unawarded": 1,
        "extended": 1,
        "corrected": 1,
    }, found


def check_list(release: dict, data: dict) -> None:
    """What every process states of its list: the tender, the buyer, the demander."""
    tender = release["tender"]
    assert tender["id"] == data["id"] and tender["title"] == data["title"]
    assert tender["value"] == {"amount": yuan(data["budget"]["to_solver_wan"]), "currency": "CNY"}
    assert release["planning"]["budget"]["amount"] == {
        "amount": yuan(data["budget"]["total_wan"]),
        "currency": "CNY",
    }
    assert day(tender["tenderPeriod"]["startDate"]) == day(data["published"])
    assert day(tender["tenderPeriod"]["endDate"]) == day(data["deadline"])
    assert release["language"] == "zh"
    parties = {p["id"]: p for p in release["parties"]}
    assert set(parties[release["buyer"]["id"]]["roles"]) >= {"buyer", "procuringEntity"}
    demander = data["demander"]
    found = parties[f"CN-USCC-{demander['credit_code']}"]
    assert found["name"] == demander["name"] and "interestedParty" in found["roles"]
    assert found["identifier"] == {
        "scheme": "CN-USCC",
        "id": demander["credit_code"],
        "legalName": demander["name"],
    }


def check_award(release: dict, notices: list[dict]) -> dict:
    awarded = [n for n in notices if n["kind"] == "揭榜结果公示"]
    parties = {p["id"]: p for p in release["parties"]}
    awards = {a["id"]: a for a in release["awards"]}
    assert set(awards) == {n["id"] for n in awarded}
    for notice in awarded:
        award = awards[notice["id"]]
        assert award["status"] == "active"  # every sample 公示期 has ended by the content's last commit
        assert [s["name"] for s in award["suppliers"]] == [s["name"] for s in notice["solvers"]]
        for solver in notice["solvers"]:
            assert set(parties[f"CN-USCC-{solver['credit_code']}"]["roles"]) >= {"tenderer", "supplier"}
    assert release["tender"]["status"] == "complete"
    return awarded[-1]


def check_contract(release: dict, notices: list[dict], award: dict, status: str) -> dict:
    (contract,) = release["contracts"]
    project = next(n for n in notices if n["kind"] == "立项")
    assert contract["id"] == project["id"] and contract["awardID"] == award["id"]
    assert contract["status"] == status
    assert day(contract["dateSigned"]) == day(project["contract_date"])
    assert contract["subsidy"] == {"amount": yuan(project["subsidy_wan"]), "currency": "CNY"}
    assert day(contract["period"]["startDate"]) == day(project["term"]["start"])
    tranches = [n for n in notices if n["kind"] == "资金拨付"]
    transactions = contract.get("implementation", {}).get("transactions", [])
    assert [(t["id"], t["value"]["amount"], day(t["date"])) for t in transactions] == [
        (n["id"], yuan(n["amount_wan"]), day(n["date"])) for n in tranches
    ]
    parties = {p["id"]: p for p in release["parties"]}
    # Paid to the 承接企业 where the award names one, else to the one solver; racing solvers: not said.
    payee = award.get("host_enterprise") or (award["solvers"][0] if len(award["solvers"]) == 1 else None)
    for transaction in transactions:
        assert transaction["value"]["currency"] == "CNY"
        assert "payer" in parties[transaction["payer"]["id"]]["roles"]
        if payee is None:
            assert "payee" not in transaction
        else:
            assert transaction["payee"]["id"] == f"CN-USCC-{payee['credit_code']}"
            assert "payee" in parties[transaction["payee"]["id"]]["roles"]
    milestones = {m["id"]: m for m in contract.get("implementation", {}).get("milestones", [])}
    for notice in notices:
        if notice["kind"] in ("中期评估", "验收"):
            met = notice["conclusion"] in ("继续支持", "合格")
            assert milestones[notice["id"]]["status"] == ("met" if met else "notMet"), notice["id"]
    return contract


def test_each_complete_lifecycle(compiled: dict) -> None:
    lists = yaml_records("lists")
    for list_id in lifecycles()["complete"]:
        release, notices = compiled[list_id], notices_of(list_id)
        check_list(release, lists[list_id])
        award = check_award(release, notices)
        contract = check_contract(
            release, notices, award, "terminated"
        )  # 验收: the contract has come to a close
        subsidy = next(n["subsidy_wan"] for n in notices if n["kind"] == "立项")
        assert sum(t["value"]["amount"] for t in contract["implementation"]["transactions"]) == yuan(subsidy)


def test_the_terminated_lifecycle(compiled: dict) -> None:
    (list_id,) = lifecycles()["terminated"]
    release, notices = compiled[list_id], notices_of(list_id)
    check_list(release, yaml_records("lists")[list_id])
    contract = check_contract(release, notices, check_award(release, notices), "terminated")
    ended = next(n for n in notices if n["kind"] == "终止")
    assert (
        contract["documents"][-1]["id"] == ended["id"]
        and contract["documents"][-1]["documentType"] == "cancellationDetails"
    )
    assert contract["documents"][-1]["description"] == ended["reason"]
    assert all(day(t["date"]) < day(ended["date"]) for t in contract["implementation"]["transactions"])


def test_the_unawarded_lifecycle(compiled: dict) -> None:
    (list_id,) = lifecycles()["unawarded"]
    release = compiled[list_id]
    check_list(release, yaml_records("lists")[list_id])
    assert release["tender"]["status"] == "unsuccessful"
    assert "awards" not in release and "contracts" not in release
    failed = next(n for n in notices_of(list_id) if n["kind"] == "流榜")
    assert {"id": failed["id"], "description": failed["reason"]}.items() <= release["tender"]["documents"][
        -1
    ].items()


def test_the_extended_lifecycle(compiled: dict) -> None:
    (list_id,) = lifecycles()["extended"]
    release, notices = compiled[list_id], notices_of(list_id)
    contract = check_contract(release, notices, check_award(release, notices), "active")
    extension = next(n for n in notices if n["kind"] == "延期")
    assert day(contract["period"]["endDate"]) == day(extension["new_term_end"])
    (amendment,) = contract["amendments"]
    assert amendment["id"] == extension["id"] and amendment["rationale"] == extension["reason"]


def test_the_corrected_lifecycle(site: Path, compiled: dict) -> None:
    (list_id,) = lifecycles()["corrected"]
    data, release = yaml_records("lists")[list_id], compiled[list_id]
    check_list(release, data)  # the deadline as corrected
    correction = next(n for n in notices_of(list_id) if n["kind"] == "更正公告")
    amendments = {a["id"]: a for a in release["tender"]["amendments"]}
    assert amendments[correction["id"]]["rationale"] == correction["reason"]
    (note,) = data["changes"]
    assert {a["rationale"] for a in amendments.values()} == {correction["reason"], note["note"]}
    # The deadline's history, from git: as first published, then as corrected.
    record = next(r for r in package(site, "records.json")["records"] if r["ocid"].endswith(list_id))
    versions = record["versionedRelease"]["tender"]["tenderPeriod"]["endDate"]
    first = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", f"content/lists/*/{list_id}.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    original = yaml.safe_load(
        subprocess.run(
            ["git", "show", f"{first}:content/lists/{list_id[4:8]}/{list_id}.yaml"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert [day(v["value"]) for v in versions] == [day(original["deadline"]), day(data["deadline"])]
    assert versions[0]["releaseID"] == list_id and versions[1]["releaseDate"][:10] == str(note["date"])


# ----------------------------------------------------------------------------------------- the settings


def test_each_years_packages_hold_the_lists_published_that_year_and_name_themselves(site: Path) -> None:
    """OCDS's bulk-download guidance: packages split by contracting process, never jumping between files:
    a list's releases and its record are in the package pair of the year it was published in."""
    published = {path.stem: yaml.safe_load(path.read_text("utf-8"))["published"].year
                 for path in (REPO / "content" / "lists").glob("*/*.yaml")}
    for name, kind in (("releases.json", "releases"), ("records.json", "records")):
        files = year_files(site, name)
        assert set(files) == set(published.values())
        for year, path in files.items():
            data = read_package(path)
            assert data["uri"] == f"{SITE_URL}/data/ocds/{year}/{name}"
            lists = {item["ocid"].removeprefix("ocds-xxxxxx-") for item in data[kind]}
            assert lists == {list_id for list_id, y in published.items() if y == year}, (name, year)
    assert list((site / "data" / "ocds").glob("*.json")) == []  # no package of every year beside them


def test_the_data_page_and_every_list_page_link_the_packages_and_name_the_placeholder(site: Path) -> None:
    page = doc(site, "/data/")
    links = set(page.xpath("//a/@href"))
    years = set(year_files(site, "records.json"))
    assert {f"{SITE_URL}/data/ocds/{y}/{name}" for y in years for name in ("releases.json", "records.json")} <= links
    assert "占位前缀" in page.text_content()
    ocids = {r["ocid"] for r in package(site, "records.json")["records"]}
    for path in (REPO / "content" / "lists").glob("*/*.yaml"):
        list_page = doc(site, f"/lists/{path.stem}/")
        year = yaml.safe_load(path.read_text("utf-8"))["published"].year
        assert f"{SITE_URL}/data/ocds/{year}/records.json" in list_page.xpath("//a/@href")
        assert (site / "data" / "ocds" / str(year) / "records.json").is_file()
        shown = list_page.xpath("//p[contains(@class, 'downloads')]//code/text()")
        assert shown == [f"ocds-xxxxxx-{path.stem}"] and shown[0] in ocids


def test_a_registered_prefix_names_every_ocid_and_the_page_no_longer_says_placeholder(tmp_path: Path) -> None:
    project = sample_project(tmp_path / "project")
    out = tmp_path / "site"
    build_site(project, out, overrides={"SITEURL": SITE_URL, "JIEBANG_OCDS_OCID_PREFIX": "ocds-213czf"})
    ocids = [r["ocid"] for r in package(out, "releases.json")["releases"]]
    assert ocids and all(o.startswith("ocds-213czf-JDZ-") for o in ocids)
    assert "占位前缀" not in doc(out, "/data/").text_content()
    assert doc(out, "/lists/JDZ-2022-001/").xpath("//p[contains(@class, 'downloads')]//code/text()") == [
        "ocds-213czf-JDZ-2022-001"
    ]


def test_money_is_exact_yuan(tmp_path: Path) -> None:
    """万元 with four decimals is a whole number of yuan, printed with every digit (no float rounding)."""
    project = sample_project(tmp_path / "project")
    path = project / "content" / "lists" / "2026" / "JDZ-2026-001.yaml"
    text = path.read_text("utf-8")
    total = re.search(r"total_wan: (\S+)", text).group(1)
    path.write_text(re.sub(r"to_solver_wan: \S+", "to_solver_wan: 123.4567", text), "utf-8")
    assert Decimal(total) >= Decimal("123.4567")
    out = tmp_path / "site"
    build_site(project, out, overrides={"SITEURL": SITE_URL})
    raw = (out / "data" / "ocds" / "2026" / "releases.json").read_text("utf-8")
    release = next(r for r in package(out, "releases.json")["releases"] if r["id"] == "JDZ-2026-001")
    assert release["tender"]["value"] == {"amount": 1234567, "currency": "CNY"}
    assert '"amount":1234567,' in raw


# ------------------------------------------------------------------------------------ ids across builds


def git(project: Path, *args: str, date: str = "2026-11-27T10:00:00+08:00") -> None:
    env = {
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": "计划科",
        "GIT_AUTHOR_EMAIL": "jhk@example.gov.cn",
        "GIT_COMMITTER_NAME": "计划科",
        "GIT_COMMITTER_EMAIL": "jhk@example.gov.cn",
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, env=env)


def test_release_ids_stay_when_a_correction_is_committed_between_two_builds(tmp_path: Path) -> None:
    project = sample_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "样例内容")
    build_site(project, tmp_path / "before", overrides={"SITEURL": SITE_URL})
    before = [(r["ocid"], r["id"]) for r in package(tmp_path / "before", "releases.json")["releases"]]
    path = project / "content" / "lists" / "2026" / "JDZ-2026-001.yaml"
    text = path.read_text("utf-8")
    deadline = re.search(r"^deadline: (\S+)", text, re.M).group(1)
    later = "2027-01-29"
    assert later > deadline
    path.write_text(
        text.replace(f"deadline: {deadline}", f"deadline: {later}")
        + "changes:\n  - {date: 2026-11-28, note: 更正揭榜截止日期}\n",
        "utf-8",
    )
    git(project, "commit", "-qam", "更正 JDZ-2026-001 截止日期", date="2026-11-28T10:00:00+08:00")
    build_site(project, tmp_path / "after", overrides={"SITEURL": SITE_URL})
    after = package(tmp_path / "after", "releases.json")["releases"]
    ids = [(r["ocid"], r["id"]) for r in after]
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True
    ).stdout.strip()
    added = [i for i in ids if i not in before]
    assert [i for i in ids if i in before] == before  # every earlier release keeps its id, in its place
    assert added == [("ocds-xxxxxx-JDZ-2026-001", f"JDZ-2026-001-{commit[:12]}")]
    amendment = next(r for r in after if r["id"] == added[0][1])
    assert amendment["tag"] == ["tenderAmendment"]
    assert amendment["tender"]["tenderPeriod"]["endDate"].startswith(later)
    assert amendment["tender"]["amendments"][0]["amendsReleaseID"] == "JDZ-2026-001"
    shutil.rmtree(tmp_path / "before")


def test_the_release_schema_the_build_merges_with_is_the_standards() -> None:
    kept = REPO / "tools" / "jiebang" / "schemas" / "ocds" / "release-schema-1__1__5.json"
    assert kept.read_bytes() == standard_file("release-schema.json")


def test_a_rebuild_reuses_the_packages_until_a_record_changes(tmp_path: Path, monkeypatch) -> None:
    import jiebang.site.ocds.packages as packages

    project = sample_project(tmp_path / "project")
    out = tmp_path / "site"
    build_site(project, out, overrides={"SITEURL": SITE_URL})
    before = {year: path.read_bytes() for year, path in year_files(out, "records.json").items()}
    made, write = [], packages.write_packages
    monkeypatch.setattr(packages, "write_packages", lambda views, as_of, published, paths, *args: made.append(paths) or write(
        views, as_of, published, paths, *args))
    build_site(project, out, overrides={"SITEURL": SITE_URL})
    assert made == [] and {year: path.read_bytes() for year, path in year_files(out, "records.json").items()} == before
    notice = project / "content" / "results" / "2024" / "JDZ-2024-001-R01.yaml"
    text = notice.read_text("utf-8")
    reason = re.search(r"^reason: (.+)$", text, re.M).group(1)
    notice.write_text(text.replace(f"reason: {reason}", "reason: 无符合条件的揭榜单位。"), "utf-8")
    build_site(project, out, overrides={"SITEURL": SITE_URL})
    assert made == [("data/ocds/2024/releases.json", "data/ocds/2024/records.json")]  # that list's year alone
    assert {y: p.read_bytes() for y, p in year_files(out, "records.json").items() if y != 2024} == {
        y: b for y, b in before.items() if y != 2024}
    release = next(r for r in package(out, "releases.json")["releases"] if r["id"] == "JDZ-2024-001-R01")
    assert release["tender"]["documents"][0]["description"] == "无符合条件的揭榜单位。"



def test_a_later_day_remakes_only_the_lists_it_changes(tmp_path: Path, monkeypatch) -> None:
    """A list's lines of the packages are keyed on what the day decides (statuses, ended 公示期), not on
    the day: a commit on the next day remakes none of them; one on the day after JDZ-2025-001's 公示期
    ends (2025-10-21) remakes that list's, and both give a cold build's bytes. A year's packages are
    dated by their contents' last change, not by the build: on the next day none is written again; the
    day after the 公示期 ends, 2025's pair alone, dated that day."""
    from jiebang.site.ocds import packages

    project = sample_project(tmp_path / "project")
    about = project / "content/pages/about.md"

    def commit(day: str) -> None:
        about.write_text(about.read_text("utf-8") + "\n", "utf-8")
        env = {"GIT_AUTHOR_DATE": f"{day}T10:00:00+08:00", "GIT_COMMITTER_DATE": f"{day}T10:00:00+08:00",
               "GIT_AUTHOR_NAME": "计划科", "GIT_AUTHOR_EMAIL": "jhk@example.gov.cn",
               "GIT_COMMITTER_NAME": "计划科", "GIT_COMMITTER_EMAIL": "jhk@example.gov.cn"}
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", day]):
            subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, env={**os.environ, **env})

    made: list[str] = []
    real = packages.list_lines
    monkeypatch.setattr(packages, "list_lines", lambda view, *a: made.append(view.id) or real(view, *a))
    rewritten: list[str] = []
    write = packages.write_packages
    monkeypatch.setattr(packages, "write_packages", lambda views, as_of, published, paths, *a: rewritten.extend(
        paths) or write(views, as_of, published, paths, *a))

    def build(use_cache: bool = True) -> bytes:
        out = tmp_path / ("live" if use_cache else "cold")
        build_site(project, out, use_cache=use_cache)
        return b"".join(path.read_bytes() for path in year_files(out, "records.json").values())

    def dated() -> dict[int, str]:
        return {year: read_package(path)["publishedDate"] for year, path in year_files(tmp_path / "live", "releases.json").items()}

    commit("2025-10-20")
    build()
    before = dated()
    assert before[2025] == "2025-10-20T00:00:00+08:00"  # the day its records were committed
    commit("2025-10-21")
    made.clear()
    rewritten.clear()
    warm = build()
    assert made == [] and rewritten == [] and dated() == before
    assert warm == build(use_cache=False)
    commit("2025-10-22")
    made.clear()
    rewritten.clear()
    warm = build()
    assert made == ["JDZ-2025-001"] and rewritten == ["data/ocds/2025/releases.json", "data/ocds/2025/records.json"]
    assert dated() == {**before, 2025: "2025-10-22T00:00:00+08:00"}  # the day after the 公示期 ended
    assert warm == build(use_cache=False)
