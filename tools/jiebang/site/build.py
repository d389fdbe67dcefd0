"""Building the site: validate, run Pelican beside the output, hash every file, then swap it in.

A build that fails leaves the previous output untouched; two builds of one commit give the same
bytes, and SHA256SUMS (naming the source commit) lets anyone check that.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .outputcache import OutputCache, code_version

SUMS = "SHA256SUMS"


class BuildError(Exception):
    """The site could not be built; the message says why, in Chinese."""


def source_commit(project: Path) -> str:
    """The commit the build comes from, with "-dirty" when the published sources differ from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "content", "theme", "tools", "pelicanconf.py",
                                "publishconf.py"], cwd=project, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if dirty.strip() else "")


def run_pelican(project: Path, output: Path, settings_file: str = "pelicanconf.py", overrides: dict | None = None,
                use_cache: bool = True) -> OutputCache:
    """Run Pelican into `output`; return the output cache it used (disabled when `use_cache` is off)."""
    from pelican import Pelican
    from pelican.log import FatalLogger, console
    from pelican.settings import read_settings

    from .generator import ContentErrors

    settings = read_settings(str(project / settings_file), override={
        "OUTPUT_PATH": str(output), "PATH": str(project / "content"), "THEME": str(project / "theme"),
        "CACHE_PATH": str(output / ".cache"), **(overrides or {})})
    # Where the output cache lives is a setting (JIEBANG_CACHE_PATH, relative to the project).
    folder = project / settings.get("JIEBANG_CACHE_PATH", "cache") / "output" if use_cache else None
    cache = OutputCache(folder, code_version(), say=lambda line: print(line, file=sys.stderr)) if folder else \
        OutputCache.disabled()
    settings["JIEBANG_OUTPUT_CACHE"] = cache
    # Pelican logs a failing reader and carries on with exit 0: make every warning fatal instead.
    previous, FatalLogger.fatal_lvl = FatalLogger.fatal_lvl, logging.WARNING
    # Pelican's "Done: Processed 0 articles, 0 drafts …" reads like a failure to a clerk: ours says it.
    loud, console.quiet = console.quiet, True
    try:
        Pelican(settings).run()
    except ContentErrors as exc:
        raise BuildError(f"内容有错误，未生成网站：\n{exc}") from None
    except RuntimeError as exc:
        raise BuildError(f"Pelican 报告了警告或错误，未生成网站：{exc}") from exc
    finally:
        FatalLogger.fatal_lvl, console.quiet = previous, loud
    shutil.rmtree(output / ".cache", ignore_errors=True)
    return cache


def hash_tree(folder: Path, known: dict[str, str] | None = None) -> dict[str, str]:
    """SHA-256 of every file; `known` gives those the build already hashed as it wrote them."""
    known = known or {}
    sums = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != SUMS:
            name = path.relative_to(folder).as_posix()
            sums[name] = known.get(name) or hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


def write_sums(folder: Path, commit: str, known: dict[str, str] | None = None) -> None:
    lines = [f"# source-commit: {commit}"] + [f"{digest}  {name}" for name, digest in hash_tree(folder, known).items()]
    (folder / SUMS).write_text("\n".join(lines) + "\n", "utf-8")


def read_sums(folder: Path) -> tuple[str, dict[str, str]]:
    commit, sums = "", {}
    for line in (folder / SUMS).read_text("utf-8").splitlines():
        if line.startswith("# source-commit:"):
            commit = line.split(":", 1)[1].strip()
        elif line.strip():
            digest, name = line.split("  ", 1)
            sums[name] = digest
    return commit, sums


def build_site(project: Path, output: Path, settings_file: str = "pelicanconf.py", overrides: dict | None = None,
               commit: str | None = None, use_cache: bool = True) -> int:
    """Build into a sibling folder and swap it in; return the number of files written. With the cache,
    files whose inputs are unchanged since the last build are reused rather than made again."""
    output = output.resolve()
    staging = output.parent / f".{output.name}.build-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        cache = run_pelican(project, staging, settings_file, overrides, use_cache)
        write_sums(staging, commit or source_commit(project), cache.digests)
        count = sum(1 for p in staging.rglob("*") if p.is_file())
        old = output.parent / f".{output.name}.old-{os.getpid()}"
        if output.exists():
            output.rename(old)
        staging.rename(output)
        shutil.rmtree(old, ignore_errors=True)
        cache.save()  # only after a build that succeeded
        return count
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
