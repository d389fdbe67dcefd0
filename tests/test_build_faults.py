"""Faults leave no trace: a build killed or interrupted, two builds at once, a full disk.

The live site is always whole; what a dead build left beside it is cleared by the next; a second build
waits for the first and says so; a full disk ends in a Chinese message, exit 1, the old site untouched
and nothing beside it.
"""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import sample_project
from jiebang.site import build as build_module
from jiebang.site import spare as spare_module
from jiebang.site.build import BuildError, build_site
from jiebang.site.spare import clear_leftovers, kept_beside

REPO = Path(__file__).resolve().parents[1]
JIEBANG = [sys.executable, "-m", "jiebang"]
ENV = {**os.environ, "PYTHONPATH": str(REPO / "tools")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return sample_project(tmp_path / "project")


def old_site(folder: Path) -> Path:
    site = folder / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<p>上一次发布的网站</p>", "utf-8")
    return site


def beside(site: Path) -> list[str]:
    """What is beside the site, but for what a good build keeps there by design (the spare site)."""
    return sorted(p.name for p in site.parent.iterdir() if p.name not in {site.name, *kept_beside(site)})


def start_build(project: Path, out: Path) -> subprocess.Popen:
    """`jiebang build` as a clerk starts it at a terminal. Ctrl-C as a terminal has it: a test run started
    in the background (`make test &`, nohup) has SIGINT ignored, and a build started from it would inherit
    that and rightly ignore it too."""
    return subprocess.Popen([*JIEBANG, "build", "--output", str(out), "--no-cache"], cwd=project, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for_staging(out: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not any(out.parent.glob(f".{out.name}.build-*/lists/*/index.html")):  # pages written: well into the build
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.02)


def test_the_next_build_clears_what_killed_builds_left(national_project: Path, tmp_path: Path) -> None:
    project = national_project  # 130 lists: a build long enough to be caught half-way on a fast machine
    out = old_site(tmp_path / "deploy")
    for _ in range(2):
        process = start_build(project, out)
        wait_for_staging(out, process)
        process.kill()  # kill -9: no chance to clean up
        process.wait()
    assert (out / "index.html").read_text("utf-8") == "<p>上一次发布的网站</p>"  # the live site is whole
    assert len(beside(out)) == 1  # the second build cleared the first's half-built site; its own is left
    build_site(project, out, use_cache=False)
    assert beside(out) == []
    assert len(list((out / "lists").glob("*/index.html"))) == 130


def test_a_build_killed_between_its_two_renames_gets_its_site_back(tmp_path: Path) -> None:
    out = tmp_path / "deploy" / "site"
    previous = old_site(tmp_path / "deploy").rename(tmp_path / "deploy" / ".site.old-4242")
    clear_leftovers(out)
    assert (out / "index.html").read_text("utf-8") == "<p>上一次发布的网站</p>" and not previous.exists()


def test_a_build_killed_after_making_the_live_site_its_spare_gets_it_back(tmp_path: Path) -> None:
    out = tmp_path / "deploy" / "site"
    old_site(tmp_path / "deploy").rename(tmp_path / "deploy" / ".site.spare")  # the first rename, not the second
    clear_leftovers(out)
    assert (out / "index.html").read_text("utf-8") == "<p>上一次发布的网站</p>"


def test_a_build_interrupted_with_ctrl_c_cleans_up_and_ends_quietly(national_project: Path, tmp_path: Path) -> None:
    project = national_project
    out = old_site(tmp_path / "deploy")
    process = start_build(project, out)
    wait_for_staging(out, process)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in err
    assert beside(out) == []
    assert (out / "index.html").read_text("utf-8") == "<p>上一次发布的网站</p>"


def test_a_second_build_waits_for_the_first_and_says_so(project: Path, tmp_path: Path) -> None:
    out = old_site(tmp_path / "deploy")
    held = os.open(out.parent, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)  # as a running build holds it
    try:
        process = start_build(project, out)
        time.sleep(3)
        assert process.poll() is None  # waiting, not building over the other
        assert not any(out.parent.glob(".site.build-*"))
    finally:
        os.close(held)
    done, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "另一个生成过程正在" in err and "等待它结束" in err


def test_a_lock_held_by_a_dead_build_does_not_block(project: Path, tmp_path: Path) -> None:
    out = old_site(tmp_path / "deploy")
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time\n"
                               f"fd = os.open({str(out.parent)!r}, os.O_RDONLY); fcntl.flock(fd, fcntl.LOCK_EX)\n"
                               "print('held', flush=True); time.sleep(600)"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    build_site(project, out, use_cache=False)  # returns: the lock died with its process
    assert (out / "SHA256SUMS").exists()


def small_disk(tmp_path: Path):
    """A 1 MiB tmpfs, where this machine lets us mount one (root, as CI is)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    return mount if done.returncode == 0 else None


def test_a_full_disk_ends_in_a_message_with_the_old_site_untouched(project: Path, tmp_path: Path, monkeypatch) -> None:
    mount = small_disk(tmp_path)
    try:
        if mount is None:  # no tmpfs here: the disk fills at the first page instead
            mount = tmp_path / "disk"

            def full(self, data):
                raise OSError(errno.ENOSPC, "No space left on device", str(self))

            monkeypatch.setattr(Path, "write_bytes", full)
        out = old_site(mount)
        with pytest.raises(BuildError) as raised:
            build_site(project, out, use_cache=False)
        assert "磁盘空间不足" in str(raised.value) and "原有网站保持不变" in str(raised.value)
        assert (out / "index.html").read_text("utf-8") == "<p>上一次发布的网站</p>"
        assert beside(out) == []
        if mount.name == "small-disk":  # and through the command: exit 1, no traceback
            monkeypatch.undo()
            run = subprocess.run([*JIEBANG, "build", "--output", str(out), "--no-cache"], cwd=project, env=ENV,
                                 capture_output=True, text=True)
            assert run.returncode == 1 and "磁盘空间不足" in run.stderr and "Traceback" not in run.stderr
            assert beside(out) == [] and (out / "index.html").exists()
    finally:
        if mount is not None and mount.name == "small-disk":
            subprocess.run(["umount", str(mount)], capture_output=True)


def test_the_previous_site_is_put_back_when_the_second_rename_fails(tmp_path: Path, monkeypatch) -> None:
    out = old_site(tmp_path / "deploy")
    staging = tmp_path / "deploy" / ".site.build-1"
    staging.mkdir()
    real = Path.rename

    def failing(self, target):
        if self == staging:
            raise OSError(errno.EIO, "Input/output error", str(self))
        return real(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OSError):
        spare_module.swap_in(staging, out)
    assert (out / "index.html").read_text("utf-8") == "<p>上一次发布的网站</p>"
    assert not list(out.parent.glob(".site.old-*"))


def test_a_good_build_removes_the_site_before_the_previous_one(project: Path, tmp_path: Path) -> None:
    """After a good build the live site is the new one and the previous one is its spare; the site before
    that is gone, not left at .site.old-PID (issue 11, item 7: the swap's cleanup was untested)."""
    out = old_site(tmp_path / "deploy")
    build_site(project, out, use_cache=False)
    first = (out / "SHA256SUMS").read_bytes()
    (project / "content" / "pages" / "about.md").write_text(
        (project / "content" / "pages" / "about.md").read_text("utf-8") + "\n再次生成。\n", "utf-8")
    build_site(project, out, use_cache=False)  # without the cache: the spare is not recycled but put aside
    assert (out / "SHA256SUMS").read_bytes() != first
    assert (out.parent / ".site.spare" / "SHA256SUMS").read_bytes() == first
    assert beside(out) == []
    assert "上一次发布的网站" not in "".join(p.read_text("utf-8", "replace") for p in out.parent.rglob("index.html"))


def test_a_build_that_fails_after_its_manifest_was_written_ahead_keeps_the_last_one(project: Path, tmp_path: Path,
                                                                                 monkeypatch) -> None:
    """The manifest is written beside SHA256SUMS (OutputCache.prepare_save); a disk that fills at the
    sums fails the build, and the cache keeps the manifest of the last good build, nothing else."""
    out = tmp_path / "site"
    build_site(project, out)
    folder = project / "cache/output"
    manifest = (folder / "manifest").read_bytes()
    (project / "content/lists/2026/JDZ-2026-001.yaml").open("a", encoding="utf-8").write("# 改\n")
    sums = build_module.write_sums

    def full(folder: Path, *args):
        time.sleep(0.5)  # the manifest is being written beside
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "SHA256SUMS"))

    monkeypatch.setattr(build_module, "write_sums", full)
    with pytest.raises(BuildError, match="磁盘空间不足"):
        build_site(project, out)
    assert not list(folder.glob(".manifest-*")) and (folder / "manifest").read_bytes() == manifest
    monkeypatch.setattr(build_module, "write_sums", sums)
    build_site(project, out)  # and the next build saves its own
    assert (folder / "manifest").read_bytes() != manifest and not list(folder.glob(".manifest-*"))
