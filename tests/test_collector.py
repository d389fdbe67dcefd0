"""The cyclic garbage collector is paused for a build and a validation (records/collector.py), kept off
what a build has read once it is read (settle), and left as it was after them, whether they end well
or not: `jiebang serve` builds again and again in one process, and its cycles must still be collected
between builds."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import jiebang.site.build as build
from conftest import sample_project
from jiebang.records.collector import paused, settle


@pytest.mark.parametrize("enabled", [True, False])
def test_paused_restores_the_collector_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(KeyError), paused():
            raise KeyError("boom")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_a_build_runs_with_the_collector_paused_and_restores_it(tmp_path: Path, monkeypatch) -> None:
    project = sample_project(tmp_path / "project")
    seen = []
    inputs = build.build_inputs
    monkeypatch.setattr(build, "build_inputs", lambda *a, **k: seen.append(gc.isenabled()) or inputs(*a, **k))
    assert gc.isenabled()
    built = build.build_site(project, tmp_path / "output")
    assert seen == [False] and gc.isenabled() and built.count > 400


def test_settle_freezes_what_is_alive_and_collects_what_follows() -> None:
    was = gc.isenabled()
    gc.enable()
    try:
        with paused():
            long_lived = [[i] for i in range(1000)]
            settle()
            assert gc.isenabled() and gc.get_freeze_count() >= len(long_lived)
            cycle: list = []
            cycle.append(cycle)
            tracked = id(cycle)
            del cycle
            gc.collect()  # the cycle made after settle() is collected, the frozen objects are not walked
            assert tracked not in {id(o) for o in gc.get_objects()}
            settle()  # a second call changes nothing
        assert gc.get_freeze_count() == 0 and gc.isenabled()
        with pytest.raises(KeyError), paused():
            settle()
            raise KeyError("boom")
        assert gc.get_freeze_count() == 0 and gc.isenabled()
        gc.disable()
        with paused():
            settle()  # a block opened with the collector off keeps it off
            assert not gc.isenabled()
        assert not gc.isenabled() and gc.get_freeze_count() == 0
        settle()  # outside a block: nothing
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()


def test_a_build_renders_its_pages_with_the_records_frozen(tmp_path: Path, monkeypatch) -> None:
    project = sample_project(tmp_path / "project")
    from jiebang.site import generator

    seen = []
    render = generator.JiebangGenerator._render
    monkeypatch.setattr(generator.JiebangGenerator, "_render",
                        lambda self, job: seen.append((gc.isenabled(), gc.get_freeze_count())) or render(self, job))
    build.build_site(project, tmp_path / "output", use_cache=False)
    assert seen and all(enabled and frozen > 10_000 for enabled, frozen in seen)
    assert gc.isenabled() and gc.get_freeze_count() == 0
