"""`jiebang validate` as users run it: the real console script, its output formats and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, ContentRoot, good_list, lifecycle
from jiebang import cli
from jiebang.rules import registry as rules
from jiebang.rules.registry import RECORD_CHECKS, TREE_CHECKS

JIEBANG = REPO / ".venv" / "bin" / "jiebang"
KEYS = ["file", "line", "column", "severity", "rule", "article", "message"]
LINE = re.compile(r"^(?P<file>[^:\s]+\.yaml)(?::(?P<line>\d+)(?::(?P<column>\d+))?)?: (?P<sev>错误|警告) "
                  r"\[(?P<rule>[a-z_]+\.[a-z_]+)\] (?P<message>.+)$")
SUMMARY = re.compile(r"^检查了 (\d+) 个文件：(\d+) 个错误，(\d+) 个警告。$")


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"}
    return subprocess.run([str(JIEBANG), "validate", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120)


def no_traceback(result) -> None:
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, stream
        assert not re.search(r'File ".*", line \d+', stream), stream


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A working directory holding content/ with the lawful lifecycle."""
    root = ContentRoot(tmp_path / "content")
    root.write(good_list())
    root.write_all(lifecycle())
    return tmp_path


def existing(project: Path) -> ContentRoot:
    """The project's content root, to write more records into."""
    root = ContentRoot.__new__(ContentRoot)
    root.path = project / "content"
    return root


# The issue's example: to_solver_wan on line 14, indented under budget.
EXAMPLE = """\
# yaml-language-server: $schema=../../../tools/jiebang/schemas/list.schema.json
id: JDZ-2022-003
batch: 2022年度第一批
doc_number: 景科字〔2022〕56号
industry: 陶瓷
subfield: 先进陶瓷材料
title: 日用陶瓷低温快烧釉料关键技术
demander: {name: 景德镇市示例陶瓷有限公司, kind: 企业, credit_code: 91360203MA35A00019, county: 珠山区}
contact: {name: 李工, unit: 市科技局计划科, phone: 0798-8222222, email: jhk@example.gov.cn}
problem: 日用陶瓷烧成温度高、能耗大，需要研发低温快烧釉料。
targets: 烧成温度降至 1180 ℃ 以下，釉面光泽度不低于 95。
period_years: 3
budget:
  to_solver_wan: 80
  total_wan: 300
benefits: 每年节约能耗约两成。
solver_requirements: 符合《办法》第五条的条件。
ip_terms: 按技术合同约定（第十条）。
published: 2022-10-15
deadline: 2022-11-30
"""


def write_example(cwd: Path) -> Path:
    path = cwd / "content" / "lists" / "2022" / "JDZ-2022-003.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(EXAMPLE, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------------------- text format


def test_text_output_exactly_like_the_issue(project):
    write_example(project)
    result = run(project)
    no_traceback(result)
    lines = result.stdout.splitlines()
    assert lines[0] == ("content/lists/2022/JDZ-2022-003.yaml:14:3: 错误 [money.list_amount_min] "
                        "榜单金额 80 万元低于《办法》第六条规定的 100 万元下限。")
    assert result.returncode == 1


def test_text_output_has_compiler_shape_and_summary(project):
    write_example(project)
    result = run(project)
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    m = LINE.match(lines[0])
    assert m, lines[0]
    assert m["file"] == "content/lists/2022/JDZ-2022-003.yaml"
    assert m["line"] == "14" and m["sev"] == "错误" and m["rule"] == "money.list_amount_min"
    assert m["message"] == "榜单金额 80 万元低于《办法》第六条规定的 100 万元下限。"
    assert SUMMARY.match(lines[-1]).groups() == ("10", "1", "0")
    assert result.stderr == ""


def test_text_output_warning_word_and_summary_counts(project):
    root = existing(project)
    root.write(good_list(id="JDZ-2022-002", period_years=4))
    write_example(project)
    result = run(project)
    lines = result.stdout.splitlines()
    parsed = [LINE.match(line) for line in lines[:-1]]
    assert all(parsed), lines
    # sorted by file: JDZ-2022-002 (the warning) before JDZ-2022-003 (the error)
    assert [(m["sev"], m["rule"]) for m in parsed] == [("警告", "period.years"), ("错误", "money.list_amount_min")]
    assert SUMMARY.match(lines[-1]).groups() == ("11", "1", "1")
    assert result.returncode == 1


def test_clean_tree_prints_only_the_summary(project):
    result = run(project)
    no_traceback(result)
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["检查了 9 个文件：0 个错误，0 个警告。"]


def test_default_path_is_content(project):
    assert run(project).returncode == 0
    assert run(project, "content").stdout == run(project).stdout


# ----------------------------------------------------------------------------------------- json format


def test_json_output_keys_exactly(project):
    write_example(project)
    root = existing(project)
    root.write(good_list(id="JDZ-2022-002", period_years=4))
    result = run(project, "--format", "json")
    no_traceback(result)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 2
    for item in data:
        assert list(item) == KEYS
        assert isinstance(item["line"], int) and isinstance(item["column"], int)
        assert item["severity"] in ("error", "warning")
    second, first = data  # sorted by file: JDZ-2022-002 before JDZ-2022-003
    assert first["file"] == "content/lists/2022/JDZ-2022-003.yaml"
    assert first["line"] == 14
    assert first["severity"] == "error"
    assert first["rule"] == "money.list_amount_min"
    assert first["article"] == "第六条"
    assert first["message"] == "榜单金额 80 万元低于《办法》第六条规定的 100 万元下限。"
    assert second["severity"] == "warning" and second["rule"] == "period.years"
    assert second["file"] == "content/lists/2022/JDZ-2022-002.yaml"
    assert "\\u" not in result.stdout  # Chinese is written as Chinese


def test_json_output_of_a_clean_tree_is_an_empty_array(project):
    result = run(project, "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == []


def test_json_and_text_agree(project):
    write_example(project)
    text = run(project).stdout.splitlines()[:-1]
    data = json.loads(run(project, "--format", "json").stdout)
    assert len(text) == len(data)
    for line, item in zip(text, data):
        assert line.startswith(f"{item['file']}:{item['line']}:{item['column']}: ")
        assert line.endswith(f"[{item['rule']}] {item['message']}")


# ----------------------------------------------------------------------------------------- exit codes


def test_exit_0_with_warnings_only(project):
    root = existing(project)
    root.write(good_list(id="JDZ-2022-002", period_years=4))
    result = run(project)
    assert result.returncode == 0
    assert "警告 [period.years]" in result.stdout
    assert SUMMARY.match(result.stdout.splitlines()[-1]).groups() == ("10", "0", "1")
    assert run(project, "--format", "json").returncode == 0


def test_exit_1_with_errors(project):
    write_example(project)
    assert run(project).returncode == 1
    assert run(project, "--format", "json").returncode == 1


def test_exit_2_for_a_nonexistent_path(project):
    result = run(project, "no/such/place")
    no_traceback(result)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "no/such/place" in result.stderr and "找不到" in result.stderr


def test_exit_2_for_a_folder_that_is_not_a_content_root(project):
    other = project / "elsewhere"
    other.mkdir()
    (other / "x.yaml").write_text("id: x\n", encoding="utf-8")
    result = run(project, "elsewhere")
    no_traceback(result)
    assert result.returncode == 2
    assert "lists/" in result.stderr and "regulation/" in result.stderr


def test_exit_2_without_content_folder(tmp_path):
    result = run(tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    assert "content" in result.stderr


def test_exit_2_for_a_bad_format(project):
    result = run(project, "--format", "xml")
    no_traceback(result)
    assert result.returncode == 2
    assert "xml" in result.stderr and "用法错误" in result.stderr
    assert result.stdout == ""


def test_exit_2_for_an_unknown_option(project):
    result = run(project, "--frobnicate")
    assert result.returncode == 2


def test_broken_regulation_file_is_reported_with_its_position(project):
    (project / "content" / "regulation" / "2022-09-05.yaml").write_text("effective: [2022-09-05\n", encoding="utf-8")
    result = run(project)
    no_traceback(result)
    assert result.returncode in (1, 2)
    out = result.stdout + result.stderr
    assert "content/regulation/2022-09-05.yaml:" in out
    assert "yaml.syntax" in out


# ----------------------------------------------------------------------------------------- single files


def test_single_file_reports_only_that_file_but_sees_the_whole_tree(project):
    root = existing(project)
    root.write(good_list(budget={"total_wan": 300, "to_solver_wan": 80}))  # list error + ratio error on R02
    whole = run(project)
    assert "JDZ-2022-001.yaml" in whole.stdout and "JDZ-2022-001-R02.yaml" in whole.stdout

    notice = "content/results/2022/JDZ-2022-001-R02.yaml"
    result = run(project, notice)
    no_traceback(result)
    lines = result.stdout.splitlines()
    body = [LINE.match(line) for line in lines[:-1]]
    assert all(body), lines
    assert {m["file"] for m in body} == {notice}
    assert [m["rule"] for m in body] == ["money.subsidy_ratio"]  # needs the list's amount: the tree was read
    assert "80 万元" in body[0]["message"]
    assert SUMMARY.match(lines[-1]).groups() == ("1", "1", "0")
    assert result.returncode == 1


def test_single_file_without_findings_does_not_report_missing_references(project):
    result = run(project, "content/results/2022/JDZ-2022-001-R07.yaml")
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["检查了 1 个文件：0 个错误，0 个警告。"]


def test_single_clean_file_exits_0_even_if_another_file_has_errors(project):
    write_example(project)
    result = run(project, "content/lists/2022/JDZ-2022-001.yaml")
    assert result.returncode == 0
    assert "JDZ-2022-003" not in result.stdout


def test_subfolder_inside_a_root(project):
    write_example(project)
    result = run(project, "content/results")
    assert result.returncode == 0
    assert SUMMARY.match(result.stdout.splitlines()[-1]).groups() == ("7", "0", "0")


def test_absolute_path_is_accepted(project):
    write_example(project)
    result = run(project, str(project / "content"))
    assert result.returncode == 1
    assert "content/lists/2022/JDZ-2022-003.yaml:14:" in result.stdout


# ----------------------------------------------------------------------------------------- no traceback for bad input

BAD = REPO / "tests" / "bad"
BAD_FILES = sorted(p for p in BAD.rglob("*") if p.is_file()) if BAD.is_dir() else []
HEADER = re.compile(r"^#\s*(path|pad-to):\s*(\S+)\s*$", re.M)


def bad_root(bad: Path, where: Path) -> Path:
    """A content root holding the lawful base and the bad file where its `# path:` header puts it."""
    root = ContentRoot(where / "content")
    root.write(good_list())
    root.write_all(lifecycle())
    raw = bad.read_bytes()
    header = dict(HEADER.findall(raw[:2000].decode("utf-8", "replace")))
    target = root.path / header.get("path", f"lists/2022/{bad.stem}.yaml")
    target.parent.mkdir(parents=True, exist_ok=True)
    if "pad-to" in header:
        raw += b"#" * max(0, int(header["pad-to"]) - len(raw) - 1) + b"\n"
    target.write_bytes(raw)
    return root.path


@pytest.mark.skipif(not BAD_FILES, reason="tests/bad holds no files yet")
@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda p: str(p.relative_to(BAD)))
def test_no_traceback_for_bad_file_in_process(bad, tmp_path, capsys, monkeypatch):
    bad_root(bad, tmp_path)
    monkeypatch.chdir(tmp_path)
    for fmt in ("text", "json"):
        code = cli.main(["validate", "--format", fmt])
        out, err = capsys.readouterr()
        assert code in (0, 1), (code, err)
        assert "Traceback" not in out + err


@pytest.mark.skipif(not BAD_FILES, reason="tests/bad holds no files yet")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_no_traceback_for_bad_files_with_the_console_script(tmp_path, fmt):
    roots = [str(bad_root(bad, tmp_path / f"case{i:03d}").relative_to(tmp_path)) for i, bad in enumerate(BAD_FILES)]
    result = run(tmp_path, "--format", fmt, *roots)
    no_traceback(result)
    assert result.returncode == 1
    if fmt == "json":
        assert all(list(item) == KEYS for item in json.loads(result.stdout))


@pytest.mark.parametrize("raw", [
    b"\xff\xfe\x00\x00garbage",
    "标题: 中文\n".encode("gbk"),
    b"id: [unclosed\n",
    b"a: &x [*x]\n",
    b"- just\n- a list\n",
    b"",
    b"\x00\x01\x02",
    b"id: !!python/object/apply:os.system ['echo hi']\n",
    b"? [a]\n: b\n",
    b"kind: [1]\nlist: {a: 1}\n",
])
def test_no_traceback_for_hostile_input(project, raw):
    target = project / "content" / "lists" / "2022" / "JDZ-2022-009.yaml"
    target.write_bytes(raw)
    notice = project / "content" / "results" / "2022" / "JDZ-2022-001-R09.yaml"
    notice.write_bytes(raw)
    result = run(project)
    no_traceback(result)
    assert result.returncode == 1
    assert "internal.error" not in result.stdout


# ----------------------------------------------------------------------------------------- internal errors


def test_a_crashing_record_rule_is_an_internal_error_on_that_file(tmp_path, capsys, monkeypatch):
    root = ContentRoot(tmp_path / "content")
    root.write(good_list(budget={"total_wan": 300, "to_solver_wan": 80}))
    root.write(good_list(id="JDZ-2022-002", period_years=4))
    index, (kind, original) = next((i, e) for i, e in enumerate(RECORD_CHECKS) if e[1].__name__ == "list_amounts")

    def crashing(record, regulation, tree, findings):
        if record.id == "JDZ-2022-002":
            raise ZeroDivisionError("boom")
        return original(record, regulation, tree, findings)

    crashing.__module__, crashing.__name__ = original.__module__, original.__name__
    checks = list(RECORD_CHECKS)
    checks[index] = (kind, crashing)
    monkeypatch.setattr(rules, "RECORD_CHECKS", checks)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["validate", "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == 1
    data = json.loads(out)
    by_rule = {(Path(d["file"]).name, d["rule"]) for d in data}
    assert ("JDZ-2022-002.yaml", "internal.error") in by_rule
    assert ("JDZ-2022-001.yaml", "money.list_amount_min") in by_rule  # other files still checked
    assert ("JDZ-2022-002.yaml", "period.years") in by_rule  # and the crashing file's other rules too
    internal = next(d for d in data if d["rule"] == "internal.error")
    assert internal["severity"] == "error"
    assert internal["file"] == "content/lists/2022/JDZ-2022-002.yaml"
    assert "ZeroDivisionError" in internal["message"] and "list_amounts" in internal["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in internal["message"])

    code = cli.main(["validate"])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err
    assert "content/lists/2022/JDZ-2022-002.yaml: 错误 [internal.error]" in out
    assert SUMMARY.match(out.splitlines()[-1])


def crash_tree(monkeypatch, name: str) -> None:
    index, original = next((i, c) for i, c in enumerate(TREE_CHECKS) if c.__name__ == name)

    def crashing(tree, findings):
        raise KeyError("boom")

    crashing.__module__, crashing.__name__ = original.__module__, original.__name__
    checks = list(TREE_CHECKS)
    checks[index] = crashing
    monkeypatch.setattr(rules, "TREE_CHECKS", checks)


def test_a_crashing_tree_rule_is_reported_and_others_still_run(tmp_path, capsys, monkeypatch):
    root = ContentRoot(tmp_path / "content")
    root.write(good_list(budget={"total_wan": 300, "to_solver_wan": 80}))
    root.write_all(lifecycle())
    crash_tree(monkeypatch, "subsidy_limits")
    monkeypatch.chdir(tmp_path)
    code = cli.main(["validate", "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == 1
    data = json.loads(out)
    rules = [d["rule"] for d in data]
    assert "internal.error" in rules
    assert "money.list_amount_min" in rules
    internal = next(d for d in data if d["rule"] == "internal.error")
    assert not Path(internal["file"]).is_absolute()  # paths are shown as the other diagnostics' are


def test_a_crashing_tree_rule_is_not_hidden_when_validating_one_file(tmp_path, capsys, monkeypatch):
    root = ContentRoot(tmp_path / "content")
    root.write(good_list())
    root.write_all(lifecycle())
    crash_tree(monkeypatch, "subsidy_limits")
    monkeypatch.chdir(tmp_path)
    code = cli.main(["validate", "content/results/2022/JDZ-2022-001-R02.yaml"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "internal.error" in out
    assert code == 1


@pytest.mark.parametrize("value", [[1], {"a": 1}])
def test_malformed_kind_or_list_is_a_schema_error_not_an_internal_error(tmp_path, value):
    root = ContentRoot(tmp_path / "content")
    root.write(good_list())
    notices = lifecycle()
    for key in ("kind", "list"):
        bad = [dict(n) for n in notices]
        bad[1][key] = value
        for n in bad:
            root.write(n)
        result = run(tmp_path)
        no_traceback(result)
        assert result.returncode == 1
        assert "internal.error" not in result.stdout, result.stdout
        assert "schema." in result.stdout
