"""The cyclic garbage collector is paused for a build and a validation (records/collector.py), and left
as it was after them, whether they end well or not: `jiebang serve` builds again and again in one
process, and its cycles must still be collected between builds."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import jiebang.site.build as build
from conftest import sample_project
from jiebang.records.collector import paused


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
