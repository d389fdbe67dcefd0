"""The corpus of bad inputs in tests/bad/: each file gets its rule id at its line, in Chinese, with no traceback.

Every file in tests/bad/ is one record (a list or a notice) that opens with a header of YAML comments:

    # path: lists/2022/JDZ-2022-002.yaml   where the file goes inside a content root (.yml: a misnamed file)
    # with: awarded                         optional: the base it is checked beside (SCENARIOS below)
    # pad-to: 1153434                       optional: padded with comment lines to this many bytes at run time
    # expect: money.list_amount_min 31      one or more: a rule id and the 1-based line of THIS file
    #                                       (header included) where it must be reported; 0 = the whole file
    # note: 榜单金额 80 万元                  what the case is about

Each file is copied into a fresh content root that also holds a clean base (by default the regulation,
the good list JDZ-2022-001 and its whole lawful lifecycle from conftest.py), then `jiebang validate
--format json` runs on the root, in process. The case passes when
  (a) every expected (rule, line) is reported for the file,
  (b) no other rule is reported for the file, errors and warnings alike, so each file isolates its rule,
  (c) every message is Chinese (no untranslated English phrase), names no traceback, and its text form
      starts with the file's name,
  (d) the base files stay clean,
  (e) the JSON objects have exactly the keys file, line, column, severity, rule, article, message,
and the exit code is 1 when an expected rule is an error, else 0.

A case that fails here is a bug in the validator, not in the case: the expectation states what is right.
"""

from __future__ import annotations

import io
import json
import re
import traceback
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import LOCAL_UNIVERSITY, ContentRoot, good_list, lifecycle
from jiebang.cli import main
from jiebang.records.diagnostics import Severity
from jiebang.rules import RULES
from jiebang.rules.validate import validate

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
DESIGN = HERE.parent.parent / "shared" / "DESIGN.md"  # ../shared/DESIGN.md, beside the repository
JSON_KEYS = {"file", "line", "column", "severity", "rule", "article", "message"}
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]+(?:[ \t]+[A-Za-z]+){2,}")  # three English words in a row: untranslated
NOT_IN_CORPUS = {"internal.error"}  # and audit.*: they need a git base revision, tested elsewhere


# ------------------------------------------------------------------------------------------ base scenarios

def _notice(list_id: str, n: int, kind: str, date: str, **fields) -> dict:
    return {"id": f"{list_id}-R{n:02d}", "list": list_id, "kind": kind, "date": date, "body": "（示例）公告正文。", **fields}


def _full() -> list[dict]:
    return [good_list(), *lifecycle()]


def _five_projects() -> list[dict]:
    """Lists 001–005 awarded and 立项 in 2023 (five: the most 第三条 expects), list 006 awarded only."""
    records = []
    for n in range(1, 7):
        list_id = f"JDZ-2022-{n:03d}"
        records += [good_list(id=list_id), *lifecycle(list_id)[: 2 if n <= 5 else 1]]
    return records


SCENARIOS: dict[str, Callable[[], list[dict]]] = {
    "full": _full,  # the default: the good list and its whole lifecycle (R01–R07)
    "list_only": lambda: [good_list()],
    "awarded": lambda: [good_list(), *lifecycle()[:1]],  # 揭榜结果公示 only
    "awarded_big": lambda: [good_list(budget={"total_wan": 500, "to_solver_wan": 400}), *lifecycle()[:1]],
    "project": lambda: [good_list(), *lifecycle()[:2]],  # + 立项 (资助 120 万元)
    "project_paid1": lambda: [good_list(), *lifecycle()[:3]],  # + 第 1 笔
    "running": lambda: [good_list(), *lifecycle()[:5]],  # + 中期评估 继续支持, 第 2 笔
    "stopped": lambda: [good_list(), *lifecycle()[:3],
                        _notice("JDZ-2022-001", 4, "中期评估", "2024-07-15", conclusion="不再支持")],
    "terminated": lambda: [good_list(), *lifecycle()[:3],
                           _notice("JDZ-2022-001", 4, "终止", "2024-03-01", reason="揭榜单位无法继续实施")],
    "corrected": lambda: [*_full(), _notice("JDZ-2022-001", 8, "更正公告", "2022-10-20", target="JDZ-2022-001",
                                            fields=["deadline"], reason="更正揭榜截止日期")],
    "university_list": lambda: [good_list(demander={"name": "景德镇示例大学", "kind": "高校",
                                                    "credit_code": LOCAL_UNIVERSITY, "county": "珠山区"})],
    "five_projects": _five_projects,
}


# ------------------------------------------------------------------------------------------ the corpus

HEADER = re.compile(r"#\s*(path|with|pad-to|expect|note):\s*(.*?)\s*$")


@dataclass
class Case:
    file: Path
    path: str  # inside the content root
    expects: list[tuple[str, int]]
    scenario: str = "full"
    pad_to: int | None = None
    note: str = ""
    problems: list[str] = field(default_factory=list)  # a malformed header

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def rules(self) -> set[str]:
        return {rule for rule, _ in self.expects}


def _header_lines(raw: bytes) -> list[str]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # a UTF-16 case: its header is UTF-16 too
        text = raw.decode("utf-16")
    else:
        text = raw.decode("utf-8", errors="replace")  # a GBK or broken case: the header itself is ASCII
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


def read_case(file: Path) -> Case:
    case = Case(file, "", [])
    for line in _header_lines(file.read_bytes()):
        match = HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "path":
            case.path = value
        elif key == "with":
            case.scenario = value
        elif key == "pad-to":
            case.pad_to = int(value)
        elif key == "note":
            case.note = value
        else:
            rule, _, line_no = value.rpartition(" ")
            if not rule or not line_no.isdigit():
                case.problems.append(f"expect 行格式应为“RULE LINE”：{value!r}")
                continue
            case.expects.append((rule.strip(), int(line_no)))
    if not re.fullmatch(r"(lists|results)/.+\.(?i:ya?ml)", case.path):  # .yml, .YAML: misnamed-file cases
        case.problems.append(f"path 应在 lists/ 或 results/ 下并以 .yaml（或 .yml 等）结尾：{case.path!r}")
    if not case.expects:
        case.problems.append("至少要有一行 # expect:")
    case.problems += [f"未知规则 {rule}" for rule in case.rules if rule not in RULES]
    if case.scenario not in SCENARIOS:
        case.problems.append(f"未知场景 {case.scenario}（可用：{'、'.join(SCENARIOS)}）")
    return case


CASES = [read_case(file) for file in sorted(BAD.glob("*.yaml"))]


# ------------------------------------------------------------------------------------------ running a case

def build_root(case: Case, tmp: Path) -> tuple[Path, Path]:
    """A fresh content root holding the case's base and the case; returns (root, the case's file)."""
    root = ContentRoot(tmp / "content")
    for record in SCENARIOS[case.scenario]():
        root.write(record)
    target = root.path / case.path
    assert not target.exists(), f"{case.path} 与基础记录重名"
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = case.file.read_bytes()
    if case.pad_to:
        filler = b"# " + b"x" * 1022 + b"\n"  # comment lines keep the record itself valid
        raw = raw + filler * ((case.pad_to - len(raw)) // len(filler) + 1)
    target.write_bytes(raw)
    return root.path, target


def run_cli(*args: str) -> tuple[int | None, str, str]:
    """`jiebang ARGS…` in process: (exit code or None on an uncaught exception, stdout, stderr or traceback)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(args))
    except BaseException:  # noqa: BLE001 - a traceback is exactly what this harness must catch
        lines = traceback.format_exc().splitlines()
        if len(lines) > 40:  # a RecursionError: its first and last frames tell the story
            lines = [*lines[:24], f"    …（省略 {len(lines) - 36} 行）…", *lines[-12:]]
        return None, out.getvalue(), "\n".join(lines)
    return code, out.getvalue(), err.getvalue()


def _same_file(shown: str, target: Path) -> bool:
    return Path(shown).resolve() == target.resolve()


def unmet(case: Case, reported: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The expected (rule, line) pairs not among those reported for the case's file."""
    return [expect for expect in case.expects if expect not in reported]


def case_problems(case: Case, tmp: Path) -> list[str]:
    """Everything wrong with how the validator treats one bad file (empty when it is right)."""
    root, target = build_root(case, tmp)
    code, out, err = run_cli("validate", str(root), "--format", "json")
    if code is None:
        return [f"jiebang validate 抛出了异常（traceback）：\n{err}"]
    try:
        items = json.loads(out)
    except json.JSONDecodeError:
        return [f"--format json 的输出不是 JSON：{out[:500]!r}（stderr：{err[:500]!r}）"]
    problems = []
    mine = [d for d in items if _same_file(d.get("file", ""), target)]
    others = [d for d in items if d not in mine]
    reported = [(d.get("rule"), d.get("line")) for d in mine]
    shown = "\n".join(f"    {d.get('line')}:{d.get('column')} [{d.get('rule')}] {d.get('message')}" for d in mine) or "    （无）"
    for rule, line in unmet(case, reported):
        problems.append(f"(a) 应在第 {line} 行报告 {rule}，实际报告：\n{shown}")
    extra = sorted({rule for rule, _ in reported} - case.rules)
    if extra:
        problems.append(f"(b) 报告了预期之外的规则 {extra}：\n{shown}")
    for d in items:
        if set(d) != JSON_KEYS:
            problems.append(f"(e) JSON 键应恰为 {sorted(JSON_KEYS)}，实为 {sorted(d)}")
        message = str(d.get("message", ""))
        if not CJK.search(message) or "Traceback" in message:
            problems.append(f"(c) 提示不是中文或含 traceback：{message[:200]!r}")
        elif ENGLISH.search(message):
            problems.append(f"(c) 提示中有未翻译的英文“{ENGLISH.search(message).group(0)}”：{message[:200]!r}")
    for d in others:
        problems.append(f"(d) 基础记录不应有问题：{d.get('file')}:{d.get('line')} [{d.get('rule')}] {d.get('message')}")
    # The text form, as bureau staff read it, names the file at the start of every line.
    code_text, text, err_text = run_cli("validate", str(root))
    if code_text is None:
        problems.append(f"文本格式输出时抛出了异常：\n{err_text}")
    else:
        for line in text.splitlines()[:-1]:  # the last line is the summary
            if not any(line.startswith(d.get("file", "") + ":") for d in items):
                problems.append(f"(c) 文本输出行没有以文件名开头：{line[:200]!r}")
    wanted_code = 1 if any(RULES[rule].severity == Severity.ERROR for rule in case.rules if rule in RULES) else 0
    if code != wanted_code:
        problems.append(f"退出码应为 {wanted_code}，实为 {code}")
    if "Traceback" in err:
        problems.append(f"stderr 中有 traceback：{err[:1000]}")
    return problems


def reported_pairs(case: Case, root: Path, target: Path) -> list[tuple[str, int]] | None:
    """(rule, line) pairs reported for the case's file by the library directly; None on an exception.
    The mutation tests (test_rules_removal.py) use this fast path."""
    try:
        report = validate([root])
    except Exception:  # noqa: BLE001
        return None
    return [(d.rule, d.line) for d in report.diagnostics if _same_file(d.file, target)]


# ------------------------------------------------------------------------------------------ the tests

@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    assert not case.problems, f"{case.name} 的文件头有误：{case.problems}"
    problems = case_problems(case, tmp_path)
    assert not problems, f"{case.name}（{case.note}）：\n" + "\n".join(problems)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_scenario_base_is_clean(scenario: str, tmp_path: Path) -> None:
    root = ContentRoot(tmp_path / "content")
    for record in SCENARIOS[scenario]():
        root.write(record)
    assert [d.as_text() for d in validate([root.path]).diagnostics] == []


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 40, f"tests/bad/ 只有 {len(CASES)} 个文件"
    assert all(re.fullmatch(r"\d{3}-[a-z0-9.-]+\.yaml", c.name) for c in CASES), [c.name for c in CASES]


def test_corpus_covers_every_rule() -> None:
    wanted = {rule for rule in RULES if not rule.startswith("audit.")} - NOT_IN_CORPUS
    covered = set().union(*(c.rules for c in CASES))
    assert not wanted - covered, f"这些规则在 tests/bad/ 中没有用例：{sorted(wanted - covered)}"


def design_rule_ids(text: str) -> list[str]:
    """The rule ids named in the first column of DESIGN.md's “## The rules” table."""
    section = text.split("## The rules", 1)[1].split("\n## ", 1)[0]
    ids = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.lstrip().startswith("|") or len(cells) < 2:
            continue
        ids += [name.strip(" `") for name in cells[0].split(",") if re.fullmatch(r"`?[a-z_]+\.[a-z_]+`?", name.strip())]
    return ids


def test_design_rules_exist() -> None:
    if not DESIGN.is_file():
        pytest.skip(f"{DESIGN} 不存在（设计文档位于仓库旁的 shared/ 目录）")
    named = design_rule_ids(DESIGN.read_text("utf-8"))
    assert len(named) >= 40, f"DESIGN.md 规则表只解析出 {len(named)} 个规则：{named}"
    missing = [rule for rule in named if rule not in RULES and not rule.startswith("audit.")]
    assert not missing, f"DESIGN.md 规则表中的这些规则未在 jiebang.rules.RULES 中声明：{missing}"
    undocumented = sorted(set(RULES) - set(named) - NOT_IN_CORPUS)
    assert not undocumented, f"RULES 中的这些规则不在 DESIGN.md 规则表中：{undocumented}"
