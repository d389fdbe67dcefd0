"""The national-scale bench of issue 10, in one run: every figure beside the one it is judged against.

    .venv/bin/python bench/scale_bench.py [N …] [--hugo-rounds R] [--skip-hugo]     (make bench N=20000)
    make bench N="2000 20000"     (each size, then how each row grew: issue 10 asks ≤ 11× for 10×)

Generates N lists with about 3.6 notices each and a git history (bench/gen_content.py, kept in
bench/.work/scale-N), commits this theme and settings into that repository, then measures, each
with /usr/bin/time (wall seconds, peak MiB):

- Hugo and `jiebang build` side by side (../shared/bench/hugo_side_by_side.sh, R rounds, medians);
- our cold build in the repository itself (history from git, no cache);
- rebuilds with the cache: nothing changed; one list corrected (a field and its `changes` entry,
  committed); one notice added (committed); a template changed;
- `jiebang validate` cold beside check-jsonschema (files per second), where check-jsonschema is
  installed, and again after one file changed;
and prints a table with the ratios. The machine is shared: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HUGO_SCRIPT = REPO.parent / "shared" / "bench" / "hugo_side_by_side.sh"


def timed(command: list[str], cwd: Path, env: dict | None = None, ok: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
    """Wall seconds, peak MiB and stderr of one command (which must end with a code in `ok`)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stamp:
        run = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", stamp.name, *command], cwd=cwd,
                             capture_output=True, text=True, env={**os.environ, **(env or {})})
        if run.returncode not in ok or "Traceback" in run.stderr:
            raise SystemExit(f"{' '.join(command)} failed:\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}")
        wall, kib = stamp.read().split()[-2:]
    return float(wall), int(kib) / 1024, run.stderr


def git(project: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, **({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {})}
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, env=env)


def prepare(n: int) -> Path:
    project = REPO / "bench" / ".work" / f"scale-{n}"
    if not (project / "content").is_dir():
        subprocess.run([sys.executable, str(REPO / "bench" / "gen_content.py"), str(n), str(project)], check=True)
    for name in ("theme", "pelicanconf.py", "publishconf.py"):
        source, target = REPO / name, project / name
        shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
        shutil.copytree(source, target) if source.is_dir() else shutil.copy(source, target)
    (project / ".git" / "info" / "exclude").write_text("/output/\n/cache/\n/.output.*\n", "utf-8")
    git(project, "add", "-A", "theme", "pelicanconf.py", "publishconf.py")
    if subprocess.run(["git", "diff", "--cached", "--quiet"], cwd=project).returncode:
        git(project, "commit", "-qm", "bench: theme and settings", date="2026-12-01T18:00:00+08:00")
    return project


def correct_one_list(project: Path) -> str:
    """Move the deadline of the newest open list and record the 更正说明, committed."""
    newest = sorted((project / "content" / "lists").rglob("*.yaml"))[-1]
    text = newest.read_text("utf-8")
    match = re.search(r"^deadline: (\d{4})-(\d{2})-(\d{2})$", text, re.M)
    new = f"deadline: {int(match.group(1)) + 1}-{match.group(2)}-{match.group(3)}"
    text = text.replace(match.group(0), new)
    note = f"  - {{date: 2026-12-02, note: 更正揭榜截止日期：延长一年（{new[10:]}）。}}\n"
    text = text.replace("\nchanges:\n", "\nchanges:\n" + note) if "\nchanges:\n" in text else text + "changes:\n" + note
    newest.write_text(text, "utf-8")
    git(project, "commit", "-qam", f"更正 {newest.stem}", date="2026-12-02T09:00:00+08:00")
    return newest.stem


def add_one_notice(project: Path) -> None:
    """A 延期 notice (six months more) for a project under way: 立项 done, no 延期, 验收 or 终止 yet."""
    results = project / "content" / "results"
    by_list: dict[str, list[str]] = {}
    for path in sorted(results.rglob("*.yaml")):
        by_list.setdefault(path.stem.rsplit("-R", 1)[0], []).append(path.read_text("utf-8"))
    for list_id, texts in sorted(by_list.items(), reverse=True):
        kinds = [re.search(r"^kind: (\S+)$", t, re.M).group(1) for t in texts]
        if "立项" in kinds and not {"延期", "验收", "终止"} & set(kinds):
            end = re.search(r"^  end: (\d{4})-(\d{2})-(\d{2})$", texts[kinds.index("立项")], re.M)
            new_end = f"{int(end.group(1))}-{end.group(2)}-{end.group(3)}".replace(end.group(1), str(int(end.group(1)) + 1), 1)
            target = results / list_id.split("-")[1] / f"{list_id}-R{len(texts) + 1:02d}.yaml"
            target.write_text(f"id: {target.stem}\nlist: {list_id}\nkind: 延期\ndate: 2026-12-02\nnew_term_end: {new_end}\n"
                              "reason: 关键设备到货推迟，经专家论证同意延期。\nbody: |\n  （基准）项目延期公告。\n", "utf-8")
            git(project, "add", "-A", "content")
            git(project, "commit", "-qm", f"{list_id} 延期", date="2026-12-02T10:00:00+08:00")
            return
    raise SystemExit("no project under way to extend")


Row = tuple[str, float, float, str]  # what, wall seconds, peak MiB, note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, nargs="*", default=[20000], help="lists; two or more: each, then how each row grows")
    parser.add_argument("--hugo-rounds", type=int, default=1)
    parser.add_argument("--skip-hugo", action="store_true")
    args = parser.parse_args()
    tables = {n: measure(n, args) for n in sorted(set(args.n))}
    if len(tables) > 1:
        growth(tables)


def growth(tables: dict[int, list[Row]]) -> None:
    """How each row grew from the smallest N to the largest, beside how the content grew: issue 10 asks
    that every step grow linearly (at most 11× the time for 10× the lists)."""
    (small, first), (large, last) = min(tables.items()), max(tables.items())
    before = {row[0]: row for row in first}
    print(f"\nfrom {small:,} to {large:,} lists ({large / small:.1f}× the content):\n")
    width = max(len(row[0]) for row in last)
    print(f"{'what':<{width}}  {'wall':>7}  {'peak':>7}")
    for name, wall, peak, _ in last:
        if name in before and before[name][1] > 0 and before[name][2] > 0:
            print(f"{name:<{width}}  {wall / before[name][1]:>6.1f}×  {peak / before[name][2]:>6.1f}×")


def measure(n: int, args: argparse.Namespace) -> list[Row]:
    """Every row of the table for N lists, printed as a table."""
    project = prepare(n)
    content = project / "content"
    files = sum(1 for _ in content.rglob("*.yaml"))
    jiebang = str(BIN / "jiebang")
    rows: list[Row] = []

    if not args.skip_hugo:
        out = subprocess.run(["bash", str(HUGO_SCRIPT), str(content), str(args.hugo_rounds)], cwd=REPO,
                             capture_output=True, text=True, env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"})
        print(out.stdout.strip())
        hugo = [line.split() for line in out.stdout.splitlines() if line.startswith("hugo ")]
        if not hugo:  # never a table without the figure everything is judged against, silently
            raise SystemExit(f"hugo_side_by_side.sh gave no Hugo figure (exit {out.returncode}; it needs "
                             f"{REPO}/.venv):\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
        rows.append(("Hugo (hugo_side_by_side.sh, its own layouts)", float(hugo[0][1]), float(hugo[0][2]), ""))

    output = project / "output"
    shutil.rmtree(project / "cache", ignore_errors=True)
    wall, peak, _ = timed([jiebang, "build", "--output", str(output), "--no-cache"], project)
    rows.append(("cold build (history from git, no cache)", wall, peak, ""))
    wall, peak, _ = timed([jiebang, "build", "--output", str(output)], project)
    rows.append(("cold build filling the cache", wall, peak, ""))
    wall, peak, _ = timed([jiebang, "build", "--output", str(output)], project)
    rows.append(("rebuild, nothing changed", wall, peak, ""))
    corrected = correct_one_list(project)
    wall, peak, _ = timed([jiebang, "build", "--output", str(output)], project)
    rows.append(("rebuild after correcting one list (committed)", wall, peak, corrected))
    add_one_notice(project)
    wall, peak, _ = timed([jiebang, "build", "--output", str(output)], project)
    rows.append(("rebuild after adding one notice (committed)", wall, peak, ""))
    template = project / "theme" / "templates" / "list.html"
    template.write_text(template.read_text("utf-8").replace("基本信息</h2>", "榜单基本信息</h2>", 1), "utf-8")
    wall, peak, _ = timed([jiebang, "build", "--output", str(output)], project)
    rows.append(("rebuild after a template change", wall, peak, ""))
    git(project, "checkout", "--", "theme")

    wall, peak, _ = timed([jiebang, "validate", "--no-cache", str(content)], project, ok=(0, 1))
    rows.append(("jiebang validate, cold (--no-cache)", wall, peak, f"{files / wall:,.0f} files/s"))
    timed([jiebang, "validate", str(content)], project, ok=(0, 1))  # fills the record cache
    newest = sorted(content.joinpath("lists").rglob("*.yaml"))[-1]
    newest.write_text(newest.read_text("utf-8").replace("\nbatch: ", "\nbatch: （校验基准）", 1), "utf-8")
    time.sleep(2.1)  # the cache trusts a file's status only when it is older than 2 s (as git does)
    wall, peak, _ = timed([jiebang, "validate", str(content)], project, ok=(0, 1))
    rows.append(("jiebang validate after one file changed", wall, peak, ""))
    git(project, "checkout", "--", "content")
    checker = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    if checker:
        sample = sorted(content.joinpath("lists").rglob("*.yaml"))[:2000]
        wall_c, peak_c, _ = timed([checker, "--schemafile", str(REPO / "tools/jiebang/schemas/list.schema.json"),
                                   *map(str, sample)], project, ok=(0, 1))
        rows.append((f"check-jsonschema, {len(sample):,} lists", wall_c, peak_c, f"{len(sample) / wall_c:,.0f} files/s"))

    width = max(len(r[0]) for r in rows)
    print(f"\n{n:,} lists, {files:,} record files\n")
    print(f"{'what':<{width}}  {'wall s':>8}  {'peak MiB':>8}  note")
    for name, wall, peak, note in rows:
        print(f"{name:<{width}}  {wall:>8.1f}  {peak:>8.0f}  {note}")
    by = {r[0]: r for r in rows}
    hugo_row = next((r for r in rows if r[0].startswith("Hugo")), None)
    if hugo_row:
        cold = by["cold build (history from git, no cache)"]
        print(f"\ncold build / Hugo: {cold[1] / hugo_row[1]:.2f}×")
    return rows


if __name__ == "__main__":
    main()
