"""How fast jiebang.history.revisions reads every record's revisions, beside the naive one-`git log`-per-file way.

    .venv/bin/python bench/history_bench.py [--records 20000] [--commits 100000] [--sample 20] [--rebuild]
    .venv/bin/python bench/history_bench.py --content bench/.work/content-20000 [--sample 0]

Builds once, with `git fast-import`, a repository of RECORDS records (four lists to one notice, texts
recombined from the sample content, about 5 KB each) and COMMITS commits: the first publish the
records a few at a time, the rest correct one to three records each (a deadline extended, a budget
changed, a sentence rewritten, each with its 更正说明; now and then a silent typo fix or a deletion).
It is then repacked as `git gc` would, and cached under bench/.work/ (gitignored); --rebuild makes
it again (about six minutes, half of it the repack).

Then, each in a fresh process so that peak memory (getrusage) is its own:
  ours   load_history() (one `git log --raw` walk), then History.timeline() of every record: every
         revision's blob through one `git cat-file --batch`, parsed, and diffed field by field;
  naive  for a random SAMPLE of files: `git log --follow` on the file, `git show REV:PATH` for each
         revision, the same parsing and diffing; the per-file time is extrapolated to every record.
  cold   the same with a cache folder (jiebang.history.cache), on a `git clone` of the repository,
         so the time includes writing the cache;
  warm   after one more commit in the clone (a list corrected with its 更正说明, a 更正公告 added),
         the same again: the walk of that one commit and the revisions it added, the rest from the
         cache. Every record's timeline, updated date and announced changes are hashed, and the
         warm hash must equal a cold load's of the same commit.
Prints seconds, peak memory and the ratios. The machines are shared: compare ratios, not seconds.
--content measures an existing repository instead (bench/gen_content.py's, whose project is its
top folder); --sample 0 leaves out the naive way.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work"
sys.path.insert(0, str(REPO / "tools"))

SCHEMA_LINE = "# yaml-language-server: $schema=../../../tools/jiebang/schemas/{kind}.schema.json\n"
AUTHORS = ["计划科 <jhk@example.gov.cn>", "张三 <zhangsan@example.gov.cn>", "李四 <lisi@example.gov.cn>"]
START = 1546300800  # 2019-01-01 00:00 UTC
_SENTENCES = re.compile(r"[^。；]+[。；]")


# ---------------------------------------------------------------- generating the repository


class Pools:
    """Sentences and values from the sample content, recombined into many distinct records."""

    def __init__(self) -> None:
        self.lists = [yaml.load(p.read_text("utf-8"), Loader=yaml.CSafeLoader)
                      for p in sorted((REPO / "content" / "lists").rglob("*.yaml"))]
        notices = [yaml.load(p.read_text("utf-8"), Loader=yaml.CSafeLoader)
                   for p in sorted((REPO / "content" / "results").rglob("*.yaml"))]
        self.bodies = [n["body"].strip() for n in notices if n.get("body")]
        self.sentences = {key: [s for record in self.lists for s in _SENTENCES.findall(record.get(key) or "")]
                          for key in ("problem", "targets", "benefits")}
        self.fixed = {key: [record[key].rstrip() for record in self.lists] for key in ("solver_requirements", "ip_terms")}


def block(text: str, indent: str = "  ") -> str:
    return "|\n" + "".join(f"{indent}{line}\n" if line else "\n" for line in text.split("\n"))


class Record:
    def __init__(self, n: int, kind: str, rid: str, year: int, list_id: str | None, pools: Pools, rng: random.Random):
        self.kind, self.id, self.year, self.list_id = kind, rid, year, list_id
        self.folder = "lists" if kind == "list" else "results"
        self.path = f"content/{self.folder}/{year}/{rid}.yaml"
        self.template = pools.lists[n % len(pools.lists)]
        self.published = date(year, 1 + n % 12, 1 + n % 28)
        self.deadline = self.published + timedelta(days=45)
        self.total = 200 + rng.randrange(0, 400, 10)
        self.texts = {key: [rng.choice(pool) for _ in range(rng.randint(6, 10))]
                      for key, pool in pools.sentences.items() if pool}
        self.fixed = {key: rng.choice(values) for key, values in pools.fixed.items()}
        self.body = rng.choice(pools.bodies) if pools.bodies else "（示例）公告正文。"
        self.changes: list[tuple[str, str]] = []
        self.typo = 0
        self.alive = True

    def text(self) -> bytes:
        if self.kind == "result":
            return self._notice().encode()
        t = self.template
        d = t["demander"]
        indicators = "".join(f"  - name: {i['name']}\n    current: {i.get('current') or 'null'}\n    target: {i['target']}\n"
                             for i in t.get("indicators") or [])
        changes = "".join(f"  - date: {when}\n    note: {note}\n" for when, note in self.changes)
        typo = "。" * self.typo
        return self._list(t, d, indicators, changes, typo).encode()

    def _list(self, t: dict, d: dict, indicators: str, changes: str, typo: str) -> str:
        return (SCHEMA_LINE.format(kind="list") + "# 基准测试数据，均为虚构。\n"
                f"id: {self.id}\nbatch: {self.year}年度第一批\ndoc_number: 景科字〔{self.year}〕{self.year % 100}号\n"
                f"industry: {t['industry']}\nsubfield: {t['subfield']}\ntitle: {t['title']}（{self.id}）\n"
                f"demander:\n  name: {d['name']}\n  kind: {d['kind']}\n  credit_code: \"{d['credit_code']}\"\n"
                f"  county: {d['county']}\n"
                "contact:\n  name: 李工\n  unit: 市科技局计划科\n  phone: \"0798-8222222\"\n  email: jhk@example.gov.cn\n"
                f"problem: {block(''.join(self.texts.get('problem', [])))}"
                f"targets: {block(''.join(self.texts.get('targets', [])) + typo)}"
                + (f"indicators:\n{indicators}" if indicators else "")
                + f"budget:\n  total_wan: {self.total}\n  to_solver_wan: {min(self.total, 200)}\n"
                f"benefits: {block(''.join(self.texts.get('benefits', [])))}"
                f"period_years: 3\nsolver_requirements: {block(self.fixed['solver_requirements'])}"
                f"ip_terms: {block(self.fixed['ip_terms'])}"
                f"published: {self.published}\ndeadline: {self.deadline}\n"
                + (f"changes:\n{changes}" if changes else ""))

    def _notice(self) -> str:
        changes = "".join(f"  - date: {when}\n    note: {note}\n" for when, note in self.changes)
        return (SCHEMA_LINE.format(kind="result") + f"id: {self.id}\nlist: {self.list_id}\nkind: 资金拨付\n"
                f"date: {self.published}\ntitle: 关于 {self.list_id} 第1批资金拨付的公告\n"
                f"body: {block(self.body)}tranche: 1\namount_wan: {self.total // 4}\n"
                + (f"changes:\n{changes}" if changes else ""))

    def correct(self, rng: random.Random, when: date, pools: Pools) -> str:
        """Change the record the way a bureau does; return the commit message."""
        roll = rng.random()
        if roll < 0.15:  # a silent typo fix: what audit.change_note exists to catch
            self.typo = (self.typo + 1) % 3
            return f"修正 {self.id} 错别字"
        if self.kind == "result":
            old_total = self.total
            self.total += 40
            note = f"更正拨付金额：由{old_total // 4}万元更正为{self.total // 4}万元"
        elif roll < 0.55:
            old = self.deadline
            self.deadline += timedelta(days=rng.choice((7, 14, 30)))
            note = f"更正揭榜截止日期：由{old.year}年{old.month}月{old.day}日延长至{self.deadline.year}年{self.deadline.month}月{self.deadline.day}日"
        elif roll < 0.75:
            old_total = self.total
            self.total += rng.choice((-50, -20, 20, 50, 100))
            self.total = max(self.total, 100)
            note = f"更正预计项目经费：由{old_total}万元调整为{self.total}万元"
        else:
            key = rng.choice(list(self.texts))
            self.texts[key][rng.randrange(len(self.texts[key]))] = rng.choice(pools.sentences[key])
            note = f"修改{'技术难题概述' if key == 'problem' else '预期技术目标' if key == 'targets' else '预期效益'}中的表述"
        self.changes.append((when.isoformat(), note))
        return f"更正 {self.id}：{note}"


def build(target: Path, records: int, commits: int, seed: int = 2022) -> None:
    rng = random.Random(seed)
    pools = Pools()
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp)], check=True)
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=tmp, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    out = proc.stdin

    every: list[Record] = []
    n_lists = records - records // 5
    for n in range(records):
        if n < n_lists:
            year, seq = 2011 + n // 999, n % 999 + 1
            every.append(Record(n, "list", f"BEN-{year}-{seq:03d}", year, None, pools, rng))
        else:
            parent = every[(n - n_lists) * 4 % n_lists]
            every.append(Record(n, "result", f"{parent.id}-R01", parent.year, parent.id, pools, rng))
    order = every[:]
    rng.shuffle(order)

    clock = START
    published: list[Record] = []
    made = 0

    def commit(message: str, changes: list[tuple[Record, bool]]) -> None:
        nonlocal clock, made
        clock += rng.randint(60, 900)
        author = rng.choice(AUTHORS)
        msg = message.encode()
        parts = [f"commit refs/heads/main\nauthor {author} {clock} +0800\ncommitter {author} {clock} +0800\n"
                 f"data {len(msg)}\n".encode(), msg, b"\n"]
        for record, delete in changes:
            if delete:
                parts.append(f"D {record.path}\n".encode())
            else:
                body = record.text()
                parts += [f"M 100644 inline {record.path}\ndata {len(body)}\n".encode(), body, b"\n"]
        out.write(b"".join(parts) + b"\n")
        made += 1

    started = time.perf_counter()
    while order:  # publishing: a few records a commit
        batch = [order.pop() for _ in range(min(len(order), rng.randint(1, 4)))]
        published += batch
        commit(f"发布 {len(batch)} 条记录：{'、'.join(r.id for r in batch)}", [(r, False) for r in batch])
    while made < commits:  # corrections: one to three records a commit
        when = date.fromtimestamp(clock + 28800)
        touched = rng.sample(published, rng.randint(1, 3))
        if rng.random() < 0.002 and touched[0].alive:
            touched[0].alive = False
            commit(f"撤下 {touched[0].id}", [(touched[0], True)])
            continue
        touched = [r for r in touched if r.alive]
        if touched:
            messages = [r.correct(rng, when, pools) for r in touched]
            commit("；".join(messages), [(r, False) for r in touched])
        if made % 10000 == 0:
            print(f"  {made} 个提交，{time.perf_counter() - started:.0f} 秒", file=sys.stderr)
    out.write(b"done\n")
    out.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import 失败")
    # fast-import chains each blob's delta to whatever it wrote last; `git gc` (run automatically in a
    # real repository) chains a file's versions together, which is what a real history looks like.
    print(f"  git repack（如 git gc），{time.perf_counter() - started:.0f} 秒", file=sys.stderr)
    subprocess.run(["git", "repack", "-q", "-a", "-d", "-f", "--window=10", "--depth=50"], cwd=tmp, check=True)
    subprocess.run(["git", "reset", "-q", "--hard"], cwd=tmp, check=True)
    (tmp / ".git" / "bench.json").write_text(json.dumps({"records": records, "commits": made, "seed": seed}))
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)


def repository(records: int, commits: int, rebuild: bool) -> Path:
    target = WORK / f"history-{records}-{commits}"
    if rebuild or not (target / ".git" / "bench.json").is_file():
        print(f"用 git fast-import 生成 {records} 条记录、{commits} 个提交的仓库 → {target}", file=sys.stderr)
        started = time.perf_counter()
        build(target, records, commits)
        print(f"  生成用时 {time.perf_counter() - started:.1f} 秒", file=sys.stderr)
    return target


# ---------------------------------------------------------------- measuring (each in its own process)


def peak_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest child (git), MiB (Linux: KiB units)."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def measure_ours(repo: Path, cache: Path | None = None) -> dict:
    """Every record's timeline (and, as a site build asks, updated date and announced changes),
    hashed outside the timed part so that runs can be compared."""
    from jiebang.history.revisions import load_history

    digest, hashing = hashlib.sha256(), 0.0
    started = time.perf_counter()
    history = load_history(repo, cache=cache)
    walked = time.perf_counter() - started
    revisions = changes = 0
    for record_id in history.ids():
        timeline = history.timeline(record_id)
        answers = (record_id, timeline, history.updated(record_id), history.announced_changes(record_id))
        revisions += len(timeline)
        changes += sum(len(found) for _, found in timeline)
        t = time.perf_counter()
        digest.update(repr(answers).encode())  # by value: pickle's bytes depend on which objects are shared
        hashing += time.perf_counter() - t
    history.close()
    total = time.perf_counter() - started - hashing
    self_mib, git_mib = peak_mib()
    return {"walk_s": walked, "total_s": total, "records": len(history.ids()), "revisions": revisions,
            "changes": changes, "peak_mib": self_mib, "git_peak_mib": git_mib, "digest": digest.hexdigest()}


def add_one_commit(clone: Path) -> str:
    """A bureau's next commit: correct the deadline of the first list without a 更正说明 yet, with
    one, and publish the 更正公告 that announces it. Returns its subject."""
    files = subprocess.run(["git", "ls-files", "content/lists"], cwd=clone, capture_output=True, text=True,
                           check=True).stdout.split()
    path = next(clone / f for f in files if "\nchanges:" not in (clone / f).read_text("utf-8"))
    text = path.read_text("utf-8")
    deadline = re.search(r"^deadline: (\d{4}-\d{2}-\d{2})$", text, re.M)
    assert deadline, path
    new = date.fromisoformat(deadline[1]) + timedelta(days=14)
    path.write_text(text.replace(deadline[0], f"deadline: {new}") +
                    f"changes:\n  - date: {new}\n    note: 更正揭榜截止日期：延长至{new.year}年{new.month}月{new.day}日\n", "utf-8")
    list_id = path.stem
    notice = path.parent.parent.parent / "results" / path.parent.name / f"{list_id}-R99.yaml"
    notice.parent.mkdir(parents=True, exist_ok=True)
    notice.write_text(SCHEMA_LINE.format(kind="result") + f"id: {list_id}-R99\nlist: {list_id}\nkind: 更正公告\n"
                      f"date: {new}\ntitle: 关于更正 {list_id} 揭榜截止日期的公告\nbody: |\n  现将有关更正事项公告如下。\n"
                      f"target: {list_id}\nfields: [deadline]\nreason: 需求方申请延长。\n", "utf-8")
    subject = f"更正 {list_id} 揭榜截止日期，发布更正公告"
    env = {"GIT_AUTHOR_NAME": "计划科", "GIT_AUTHOR_EMAIL": "jhk@example.gov.cn", "GIT_COMMITTER_NAME": "计划科",
           "GIT_COMMITTER_EMAIL": "jhk@example.gov.cn", "GIT_AUTHOR_DATE": "2030-01-01T09:00:00+08:00",
           "GIT_COMMITTER_DATE": "2030-01-01T09:00:00+08:00"}
    subprocess.run(["git", "add", "-A", "content"], cwd=clone, check=True)
    subprocess.run(["git", "-c", "commit.gpgsign=false", "commit", "-q", "-m", subject], cwd=clone, check=True,
                   env={**os.environ, **env})
    return subject


def measure_cache(repo: Path) -> dict:
    """Cold with a cache, one commit, warm; and cold again to check the warm answers."""
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        clone, cache = Path(tmp) / "clone", Path(tmp) / "cache" / "history"
        subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
        cold = in_child("ours", clone, 0, cache)
        subject = add_one_commit(clone)
        warm = in_child("ours", clone, 0, cache)
        check = in_child("ours", clone, 0)
        size = sum(f.stat().st_size for f in cache.iterdir()) / 2**20
    return {"cold": cold, "warm": warm, "check": check, "subject": subject, "cache_mib": size}


def measure_naive(repo: Path, sample: int, seed: int = 7) -> dict:
    from jiebang.history.diffs import diff_records
    from jiebang.records.load import parse_document
    from jiebang.records.schema import SCHEMAS

    files = subprocess.run(["git", "ls-files", "content/lists", "content/results"], cwd=repo, capture_output=True,
                           text=True, check=True).stdout.split()
    chosen = random.Random(seed).sample(files, min(sample, len(files)))
    log_s = 0.0
    revisions = 0
    started = time.perf_counter()
    for path in chosen:
        kind = "list" if path.startswith("content/lists/") else "result"
        t = time.perf_counter()
        # --name-only: the name the file had in each commit, since --follow crosses renames (and
        # sometimes guesses one between two deleted and added records of similar text).
        log = subprocess.run(["git", "log", "--follow", "--name-only", "--format=%x1e%H%x00%aI%x00%s", "--", path],
                             cwd=repo, capture_output=True, check=True).stdout.decode().split("\x1e")[1:]
        log_s += time.perf_counter() - t
        previous = None
        for entry in reversed(log):
            header, _, names = entry.partition("\n")
            sha, name = header.split("\0")[0], names.strip().splitlines()[-1]
            shown = subprocess.run(["git", "show", f"{sha}:{name}"], cwd=repo, capture_output=True, check=False)
            if shown.returncode != 0:
                continue  # deleted in this commit
            raw = shown.stdout
            doc, _ = parse_document(raw, path, SCHEMAS[kind])
            data = doc.data if doc else {}
            diff_records(kind, previous, data)
            previous = data
            revisions += 1
    total = time.perf_counter() - started
    self_mib, git_mib = peak_mib()
    return {"files": len(chosen), "total_s": total, "log_s": log_s, "revisions": revisions,
            "peak_mib": self_mib, "git_peak_mib": git_mib}


def in_child(what: str, repo: Path, sample: int, cache: Path | None = None) -> dict:
    extra = ["--cache", str(cache)] if cache else []
    out = subprocess.run([sys.executable, __file__, "--measure", what, "--repo", str(repo), "--sample", str(sample),
                          *extra], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    if out.stderr:
        print(out.stderr, end="", file=sys.stderr)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--commits", type=int, default=100000)
    parser.add_argument("--sample", type=int, default=20, help="files read the naive way (default 20)")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--content", type=Path, help="an existing repository to measure (bench/gen_content.py's)")
    parser.add_argument("--measure", choices=["ours", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--repo", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        result = measure_ours(args.repo, args.cache) if args.measure == "ours" else measure_naive(args.repo, args.sample)
        print(json.dumps(result))
        return

    repo = args.content.resolve() if args.content else repository(args.records, args.commits, args.rebuild)
    commits = int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True, text=True,
                                 check=True).stdout)
    size = sum(f.stat().st_size for f in (repo / ".git" / "objects").rglob("*") if f.is_file()) / 2**20
    print(f"仓库：{commits} 个提交，对象库 {size:.0f} MiB（{repo}）")
    ours = in_child("ours", repo, args.sample)
    print(f"ours   load_history（一次 git log 遍历）     {ours['walk_s']:8.1f} s")
    print(f"ours   + 全部 {ours['records']} 条记录的 {ours['revisions']} 个版本读取、解析、逐字段比较 "
          f"{ours['total_s']:8.1f} s   峰值内存 {ours['peak_mib']:.0f} MiB（git 子进程 {ours['git_peak_mib']:.0f} MiB）")
    report_cache(measure_cache(repo))
    if args.sample:
        report_naive(ours, in_child("naive", repo, args.sample))


def report_cache(found: dict) -> None:
    cold, warm, check = found["cold"], found["warm"], found["check"]
    print(f"cold   同上，并写缓存（git clone 的副本）      遍历 {cold['walk_s']:6.1f} s，合计 {cold['total_s']:8.1f} s   "
          f"峰值内存 {cold['peak_mib']:.0f} MiB，缓存 {found['cache_mib']:.0f} MiB")
    print(f"warm   再提交一次（{found['subject']}）后     遍历 {warm['walk_s']:6.1f} s，合计 {warm['total_s']:8.1f} s   "
          f"峰值内存 {warm['peak_mib']:.0f} MiB")
    same = "相同" if warm["digest"] == check["digest"] else "不同！"
    print(f"比值   cold / warm = {cold['total_s'] / warm['total_s']:,.1f} 倍（遍历 {cold['walk_s'] / warm['walk_s']:,.1f} 倍）；"
          f"warm 的全部答案与无缓存的冷读取{same}（无缓存冷读取 {check['total_s']:.1f} s）")
    if warm["digest"] != check["digest"]:
        raise SystemExit("缓存读取的结果与冷读取不同")


def report_naive(ours: dict, naive: dict) -> None:
    per_file = naive["total_s"] / naive["files"]
    naive_all = per_file * ours["records"]
    naive_log_all = naive["log_s"] / naive["files"] * ours["records"]
    print(f"naive  抽样 {naive['files']} 个文件 {naive['total_s']:.1f} s（{naive['revisions']} 个版本，其中 git log "
          f"{naive['log_s']:.1f} s），每文件 {per_file:.2f} s   峰值内存 {naive['peak_mib']:.0f} MiB")
    print(f"naive  外推到 {ours['records']} 条记录：{naive_all:,.0f} s（约 {naive_all / 3600:.1f} 小时），"
          f"其中逐文件 git log {naive_log_all:,.0f} s")
    print(f"比值   naive / ours（全部版本及字段改动）= {naive_all / ours['total_s']:,.0f} 倍；"
          f"逐文件 git log / 一次遍历 = {naive_log_all / ours['walk_s']:,.0f} 倍")


if __name__ == "__main__":
    main()
