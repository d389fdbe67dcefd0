"""Shared fixtures: small content roots built from Python data, so each test states what it checks."""

from __future__ import annotations

import copy
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
import yaml
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent

# Hypothesis (tests/test_generated_inputs.py): a quick profile in `make test`, a long one by hand with
# JIEBANG_HYPOTHESIS=long. Each example validates a file, so Hypothesis's own per-example deadline is off
# (the tests time each file against the 1 s limit themselves) and slow generation is expected.
settings.register_profile("quick", max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("JIEBANG_HYPOTHESIS", "quick"))
REGULATION = REPO / "content" / "regulation"

# Credit codes with correct check characters (GB 32100-2015).
LOCAL_FIRM = "91360203MA35A00019"  # 珠山区
LOCAL_FIRM_2 = "91360202MA35B0002M"  # 昌江区
LOCAL_UNIVERSITY = "12360200491000003F"
BEIJING_FIRM = "91110108MA01C00046"
NATIONAL_INSTITUTE = "12100000400000005C"


def good_list(**overrides) -> dict:
    record = {
        "id": "JDZ-2022-001",
        "batch": "2022年度第一批",
        "doc_number": "景科字〔2022〕56号",
        "industry": "陶瓷",
        "subfield": "先进陶瓷材料",
        "title": "（示例）日用陶瓷低温快烧釉料关键技术",
        "demander": {"name": "景德镇市示例陶瓷有限公司", "kind": "企业", "credit_code": LOCAL_FIRM, "county": "珠山区"},
        "contact": {"name": "李工", "unit": "市科技局计划科", "phone": "0798-8222222", "email": "jhk@example.gov.cn"},
        "problem": "（示例）日用陶瓷烧成温度高、能耗大，需要研发低温快烧釉料。",
        "targets": "（示例）烧成温度降至 1180 ℃ 以下，釉面光泽度不低于 95。",
        "indicators": [{"name": "烧成温度", "current": "1300 ℃", "target": "≤ 1180 ℃"}],
        "budget": {"total_wan": 300, "to_solver_wan": 200},
        "benefits": "（示例）每年节约能耗约两成。",
        "period_years": 3,
        "solver_requirements": "- 符合《办法》第五条的条件",
        "ip_terms": "按技术合同约定（第十条）。",
        "published": "2022-10-15",
        "deadline": "2022-11-30",
    }
    record.update(overrides)
    return record


def lifecycle(list_id: str = "JDZ-2022-001") -> list[dict]:
    """A whole, lawful lifecycle: award, project, three tranches, mid-term, acceptance."""
    def notice(n: int, kind: str, date: str, **fields) -> dict:
        return {"id": f"{list_id}-R{n:02d}", "list": list_id, "kind": kind, "date": date, "body": "（示例）公告正文。", **fields}

    return [
        notice(1, "揭榜结果公示", "2022-12-20",
               solvers=[{"name": "北京示例科技有限公司", "kind": "企业", "credit_code": BEIJING_FIRM, "city": "北京市",
                         "related_to_demander": False}],
               notice_period={"start": "2022-12-20", "end": "2022-12-26"},
               objection_contact={"name": "市科技局计划科", "phone": "0798-8222222", "email": "jhk@example.gov.cn"}),
        notice(2, "立项", "2023-01-10", contract_date="2023-01-10", subsidy_wan=120,
               term={"start": "2023-01-10", "end": "2026-01-09"}),
        notice(3, "资金拨付", "2023-03-01", tranche=1, amount_wan=60),
        notice(4, "中期评估", "2024-07-15", conclusion="继续支持"),
        notice(5, "资金拨付", "2024-08-01", tranche=2, amount_wan=36),
        notice(6, "验收", "2026-02-05", applied="2026-02-01", completion=0.92, conclusion="合格"),
        notice(7, "资金拨付", "2026-03-01", tranche=3, amount_wan=24),
    ]


def dump(record: dict) -> str:
    return yaml.safe_dump(record, allow_unicode=True, sort_keys=False)


class ContentRoot:
    """A temporary content root: regulation copied from the repository, records written as given."""

    def __init__(self, path: Path):
        self.path = path
        shutil.copytree(REGULATION, path / "regulation")
        (path / "lists").mkdir()
        (path / "results").mkdir()

    def write(self, record: dict, folder: str | None = None, name: str | None = None, text: str | None = None) -> Path:
        kind = "results" if "-R" in record.get("id", "") or "list" in record else "lists"
        year = record["id"].split("-")[1]
        target = self.path / kind / (folder or year) / f"{name or record['id']}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text if text is not None else dump(record), encoding="utf-8")
        return target

    def write_all(self, records: list[dict]) -> None:
        for record in records:
            self.write(record)


@pytest.fixture
def root(tmp_path: Path) -> ContentRoot:
    return ContentRoot(tmp_path / "content")


@pytest.fixture
def full_root(root: ContentRoot) -> ContentRoot:
    """A root holding one list walked through its whole lifecycle: validates clean."""
    root.write(good_list())
    root.write_all(lifecycle())
    return root


@functools.cache
def parse_page(path: str):
    return lxml.html.fromstring(Path(path).read_bytes())


def doc(site: Path, url: str):
    """The parsed page at a site URL ("/lists/" → lists/index.html) of a built site."""
    rel = url.lstrip("/")
    target = site / rel / "index.html" if rel == "" or rel.endswith("/") else site / rel
    assert target.is_file(), f"{url} is not in the built site ({target})"
    return parse_page(str(target))


def sample_project(project: Path) -> Path:
    """A copy of the sample project (content, theme, settings) at `project`, outside git."""
    project.mkdir(parents=True)
    for name in ("content", "theme"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "pelicanconf.py", project)
    return project


def rules_hit(diagnostics) -> list[str]:
    return [d.rule for d in diagnostics]


# ------------------------------------------------------------------ a national-scale site, for pagination

GEN_CONTENT = REPO / "bench" / "gen_content.py"
NATIONAL_LISTS = 130  # enough for several pages of /lists/, /results/, a status and a county at 50 a page


def generated_project(out: Path, n: int) -> Path:
    """A project around bench/gen_content.py's tree of `n` lists (a git repository with its history): the
    repository's theme, settings and static pages beside it."""
    run = subprocess.run([sys.executable, str(GEN_CONTENT), str(n), str(out)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    shutil.copytree(REPO / "theme", out / "theme")
    shutil.copy(REPO / "pelicanconf.py", out)
    shutil.copytree(REPO / "content" / "pages", out / "content" / "pages")
    return out


@pytest.fixture(scope="session")
def national_project(tmp_path_factory) -> Path:
    return generated_project(tmp_path_factory.mktemp("national") / "project", NATIONAL_LISTS)


@pytest.fixture(scope="session")
def national_site(national_project: Path, tmp_path_factory) -> Path:
    """The generated tree built with the sample's settings (50 a page, the latest 100 in site-wide feeds)."""
    from jiebang.site.build import build_site

    out = tmp_path_factory.mktemp("national-site") / "site"
    build_site(national_project, out)
    return out


__all__ = ["good_list", "lifecycle", "dump", "ContentRoot", "rules_hit", "copy", "doc", "parse_page", "sample_project"]
