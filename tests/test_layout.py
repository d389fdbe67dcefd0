"""The package is laid out as its pipeline, and stays so: records → rules → history → desk → site →
commands, each subpackage importing only those below it, no two modules importing each other, Pelican
only in the site, and `jiebang validate` (the pre-commit hook) loading none of the site, history or desk.

The desk sits below the site because the site publishes the clerk's 附件2 汇总表 through the desk's
exporter; the desk never needs the site.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tools" / "jiebang"
LAYERS = ["records", "rules", "history", "desk", "site", "commands"]  # bottom to top
TOP = {"__init__", "__main__", "cli"}


def module_name(path: Path, package: Path) -> str:
    parts = [package.name, *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, package: Path, modules: set[str]) -> set[str]:
    """Every jiebang module this file imports, anywhere in it (inside functions too)."""
    name = module_name(path, package)
    here = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: len(here.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = {f"{target}.{alias.name}" for alias in node.names} & modules
            found |= submodules or {target}
    return {m for m in found if m == package.name or m.startswith(package.name + ".")}


def layer_of(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in TOP:
        return len(LAYERS)
    return LAYERS.index(parts[1])


def layout_problems(package: Path) -> list[str]:
    files = {module_name(p, package): p for p in package.rglob("*.py")}
    graph = {name: imports_of(path, package, set(files)) - {name} for name, path in files.items()}
    problems = []
    for name in sorted(files):
        if files[name].parent == package and files[name].stem not in TOP:
            problems.append(f"{name}: a module at the top of the package (put it in its room: {', '.join(LAYERS)})")
            continue
        for target in sorted(graph[name]):
            if target in files and layer_of(target) > layer_of(name):
                problems.append(f"{name} imports {target}, which is above it")
            if name in graph.get(target, set()) and name < target:
                problems.append(f"{name} and {target} import each other")
        if layer_of(name) != LAYERS.index("site") and "pelican" in _third_party(files[name]):
            problems.append(f"{name} imports Pelican: only jiebang.site may")
    return problems


def _third_party(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return names | {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and not n.level}


def test_the_package_follows_its_pipeline() -> None:
    assert layout_problems(PACKAGE) == []


def test_the_top_of_the_package_holds_only_the_entry_points() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "cli.py"]
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(
        [*LAYERS, "schemas"])


def _fake_package(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "jiebang"
    for name, text in {"__init__.py": "", "records/__init__.py": "", "rules/__init__.py": "",
                       "site/__init__.py": "", **files}.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, "utf-8")
    return package


def test_a_rule_that_imports_the_site_is_caught(tmp_path: Path) -> None:
    package = _fake_package(tmp_path, {"rules/money.py": "def check():\n    from ..site.model import wan\n",
                                       "site/model.py": "from ..records import content\n",
                                       "records/content.py": ""})
    assert layout_problems(package) == ["jiebang.rules.money imports jiebang.site.model, which is above it"]


def test_modules_that_import_each_other_are_caught(tmp_path: Path) -> None:
    package = _fake_package(tmp_path, {"records/a.py": "from . import b\n", "records/b.py": "from .a import x\n"})
    assert layout_problems(package) == ["jiebang.records.a and jiebang.records.b import each other"]


def test_pelican_outside_the_site_and_a_module_on_top_are_caught(tmp_path: Path) -> None:
    package = _fake_package(tmp_path, {"records/load.py": "import pelican.signals\n", "helpers.py": ""})
    assert layout_problems(package) == [
        "jiebang.helpers: a module at the top of the package (put it in its room: records, rules, history, desk, site, commands)",
        "jiebang.records.load imports Pelican: only jiebang.site may"]


def test_validate_loads_neither_pelican_nor_the_site_history_or_desk(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "jiebang", "validate"], cwd=PACKAGE.parents[1],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    loaded = {line.rsplit("|", 1)[1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert "jiebang.rules.validate" in loaded  # the measurement works
    heavy = sorted(m for m in loaded if m.split(".")[0] == "pelican" or m.startswith(("jiebang.site", "jiebang.history", "jiebang.desk")))
    assert heavy == []


def test_python_dash_m_jiebang_is_the_jiebang_command() -> None:
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    module = subprocess.run([sys.executable, "-m", "jiebang", "--help"], capture_output=True, text=True, env=env)
    script = subprocess.run([str(Path(sys.executable).parent / "jiebang"), "--help"], capture_output=True, text=True)
    assert module.returncode == script.returncode == 0
    assert module.stdout == script.stdout
    assert "validate" in module.stdout and "用法" in module.stdout
    usage = subprocess.run([sys.executable, "-m", "jiebang", "frob"], capture_output=True, text=True, env=env)
    assert usage.returncode == 2 and "用法错误" in usage.stderr


def test_validate_with_every_record_cached_imports_no_checker_it_does_not_run(tmp_path: Path) -> None:
    """With every record in the record cache, no record is checked again: the numbering plan, the
    identifier checks and the worker pool are not imported (a national tree's edit pays for them only
    when a record is checked)."""
    shutil.copytree(PACKAGE.parents[1] / "content", tmp_path / "content")
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    command = [sys.executable, "-X", "importtime", "-m", "jiebang", "validate", "content"]
    runs = [subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env) for _ in range(2)]
    cold, warm = ({line.rsplit("|", 1)[1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
                  for run in runs)
    assert [run.returncode for run in runs] == [0, 0], runs[1].stdout + runs[1].stderr
    assert {"phonenumbers", "stdnum"} <= cold  # the measurement works: checking a record imports them
    assert {"phonenumbers", "stdnum", "multiprocessing"} & warm == set()
