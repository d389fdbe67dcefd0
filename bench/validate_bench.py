"""How fast `jiebang validate` checks a content tree, beside a plain PyYAML-C + jsonschema loop.

    .venv/bin/python bench/validate_bench.py [N …]      (default: 1000 20000)

Generates N synthetic lists (each with a few notices) from the sample content into bench/.work/,
then times, in one run and on the same files: (a) our whole pipeline, every rule included, and
(b) a bare loop of yaml.load(CSafeLoader) + jsonschema on the list files only, and (c) where it is
installed (on PATH, or CHECK_JSONSCHEMA=/path/to/check-jsonschema), check-jsonschema on the lists. Prints files/s and
the ratio; the machines are shared, so compare ratios, not seconds.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work"
DATE = re.compile(r"\b(20[0-9]{2})-([0-9]{2}-[0-9]{2})\b")
sys.path.insert(0, str(REPO / "tools"))

from jiebang.rules.validate import validate  # noqa: E402


def list_id(i: int) -> tuple[int, str]:
    """Ids have three digits: 999 lists a year, as many years as it takes."""
    year, seq = 2022 + i // 999, i % 999 + 1
    return year, f"JDZ-{year}-{seq:03d}"


def generate(n: int) -> Path:
    root = WORK / f"content-{n}"
    if (root / "lists").exists() and sum(1 for _ in (root / "lists").rglob("*.yaml")) == n:
        return root
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(REPO / "content" / "regulation", root / "regulation")
    templates = [p.read_text("utf-8") for p in sorted((REPO / "content" / "lists").rglob("*.yaml"))]
    notices = [p.read_text("utf-8") for p in sorted((REPO / "content" / "results" / "2022").glob("JDZ-2022-001-R*.yaml"))]
    for i in range(n):
        year, new_id = list_id(i)
        text = templates[i % len(templates)]
        data = yaml.load(text, Loader=yaml.CSafeLoader)
        offset = year - int(str(data["published"])[:4])
        text = DATE.sub(lambda m, k=offset: f"{int(m.group(1)) + k}-{m.group(2)}", text.replace(data["id"], new_id))
        target = root / "lists" / str(year) / f"{new_id}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
        if year == 2022 and i % 40 == 0:  # a whole lifecycle for some lists, so cross-record rules work
            target.write_text(templates[0].replace("JDZ-2022-001", new_id), "utf-8")
            for notice in notices:
                notice_id = yaml.load(notice, Loader=yaml.CSafeLoader)["id"].replace("JDZ-2022-001", new_id)
                out = root / "results" / "2022" / f"{notice_id}.yaml"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(notice.replace("JDZ-2022-001", new_id), "utf-8")
    return root


def bare_loop(files: list[Path]) -> None:
    schema = json.loads((REPO / "tools/jiebang/schemas/list.schema.json").read_text("utf-8"))
    validator = Draft202012Validator(schema)
    for path in files:
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        list(validator.iter_errors(json.loads(json.dumps(data, default=str))))


def main(sizes: list[int]) -> None:
    for n in sizes:
        root = generate(n)
        files = sorted((root / "lists").rglob("*.yaml"))
        started = time.perf_counter()
        report = validate([root])
        ours = time.perf_counter() - started
        started = time.perf_counter()
        bare_loop(files)
        bare = time.perf_counter() - started
        rules = {d.rule for d in report.diagnostics}
        checker = os.environ.get("CHECK_JSONSCHEMA") or shutil.which("check-jsonschema")
        if checker and n <= 5000:  # check-jsonschema takes its files on the command line
            started = time.perf_counter()
            subprocess.run([checker, "--schemafile", str(REPO / "tools/jiebang/schemas/list.schema.json"),
                            *map(str, files)], capture_output=True, check=True)
            other = time.perf_counter() - started
            print(f"{n:>6} lists: check-jsonschema (schema only) {other:6.2f} s ({len(files) / other:7.0f} files/s)")
        print(f"{n:>6} lists: jiebang validate {ours:6.2f} s ({report.files / ours:7.0f} files/s, "
              f"{report.errors} errors, rules hit {sorted(rules)[:5]})")
        print(f"{'':>6}        PyYAML C + jsonschema {bare:6.2f} s ({len(files) / bare:7.0f} files/s)  "
              f"ratio ours/bare time = {ours / bare:.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 20000])
