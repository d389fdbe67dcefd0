"""How fast `jiebang validate` checks a content tree, cold and after one file changed, beside
check-jsonschema and a plain PyYAML-C + jsonschema loop.

    .venv/bin/python bench/validate_bench.py [N …] [--tree ROOT] [--repeat K]   (default: 1000 20000)

Generates N synthetic lists (each with a few notices) from the sample content into bench/.work/; or,
with --tree, copies an existing content root there once (bench/.work/content-20000/content, the
national tree bench/gen_content.py makes, is read-only). Then times, in one run, on the same files:

  (a) check-jsonschema on the list files (at most 5,000: they go on its command line), where it is
      installed (on PATH, beside this Python, or CHECK_JSONSCHEMA=/path/to/check-jsonschema);
  (b) `jiebang validate` cold, every rule: without cache, and with an empty cache (it then writes it);
  (c) `jiebang validate` after one file changed, through that cache (best of K, default 3);
  (d) a bare loop of yaml.load(CSafeLoader) + jsonschema on the list files, in process.

(a)–(c) are whole commands, started the same way. Prints files/s and the ratios; the machines are
shared, so compare ratios measured side by side, not seconds.
"""

from __future__ import annotations

import argparse
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


def timed(*command: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "PYTHONPATH": str(REPO / "tools")})
    return time.perf_counter() - started, done


def jiebang(root: Path, *options: str) -> tuple[float, list]:
    seconds, done = timed(sys.executable, "-m", "jiebang", "validate", "--format", "json", str(root), *options)
    if done.returncode not in (0, 1):
        raise SystemExit(f"jiebang validate failed ({done.returncode}):\n{done.stderr}")
    return seconds, json.loads(done.stdout)


def check_jsonschema() -> str | None:
    beside = Path(sys.executable).parent / "check-jsonschema"
    return os.environ.get("CHECK_JSONSCHEMA") or shutil.which("check-jsonschema") or (str(beside) if beside.exists() else None)


def copy_tree(source: Path) -> Path:
    """A copy of a content root to change one file in; made once, kept while it holds as many files."""
    target = WORK / f"tree-{source.parent.name}-{source.name}" / "content"
    count = sum(1 for _ in source.rglob("*.yaml"))
    if not target.exists() or sum(1 for _ in target.rglob("*.yaml")) != count:
        shutil.rmtree(target.parent, ignore_errors=True)
        shutil.copytree(source, target)
    return target


def measure(root: Path, label: str, repeat: int) -> None:
    lists = sorted((root / "lists").rglob("*.yaml"))
    files = len(lists) + sum(1 for _ in (root / "results").rglob("*.yaml")) + sum(1 for _ in (root / "regulation").glob("*.yaml"))
    print(f"{label}: {files} files ({len(lists)} lists), {os.cpu_count()} cores")
    checker, theirs = check_jsonschema(), None
    if checker:
        some = lists[:5000]
        seconds, done = timed(checker, "--schemafile", str(REPO / "tools/jiebang/schemas/list.schema.json"), *map(str, some))
        theirs = len(some) / seconds
        print(f"  check-jsonschema, schema only, {len(some)} lists   {seconds:7.2f} s  {theirs:7.0f} files/s")
    cold, found = jiebang(root, "--no-cache")
    print(f"  jiebang validate, cold, no cache, every rule   {cold:7.2f} s  {files / cold:7.0f} files/s"
          + (f"  = {files / cold / theirs:.1f} × check-jsonschema" if theirs else "") + f"  ({len(found)} findings)")
    cache = WORK / f"cache-{root.parent.name}"
    shutil.rmtree(cache, ignore_errors=True)
    filling, again = jiebang(root, "--cache-dir", str(cache))
    assert again == found, "the cache changed what was found"
    print(f"  jiebang validate, cold, writing the cache      {filling:7.2f} s  {files / filling:7.0f} files/s"
          + (f"  = {files / filling / theirs:.1f} × check-jsonschema" if theirs else ""))
    changed = lists[len(lists) // 2]
    original = changed.read_bytes()
    warm = []
    try:
        for k in range(repeat):
            changed.write_bytes(original + f"# 基准测试改动 {k}\n".encode())
            seconds, after = jiebang(root, "--cache-dir", str(cache))
            warm.append(seconds)
        assert after == found
    finally:
        changed.write_bytes(original)
    best = min(warm)
    print(f"  jiebang validate, one file changed, cached     {best:7.2f} s  (best of {repeat}: "
          f"{', '.join(f'{w:.2f}' for w in warm)})  = cold / {cold / best:.0f}")
    started = time.perf_counter()
    bare_loop(lists)
    bare = time.perf_counter() - started
    print(f"  PyYAML C + jsonschema loop, lists, in process  {bare:7.2f} s  {len(lists) / bare:7.0f} files/s")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, help="generate N lists (default 1000 20000 without --tree)")
    parser.add_argument("--tree", type=Path, help="measure a copy of this content root as well")
    parser.add_argument("--repeat", type=int, default=3, help="runs after one change (best is shown)")
    args = parser.parse_args(argv)
    for n in args.sizes or ([] if args.tree else [1000, 20000]):
        measure(generate(n), f"{n} generated lists", args.repeat)
    if args.tree:
        measure(copy_tree(args.tree.resolve()), str(args.tree), args.repeat)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of a command {peak:.0f} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
