"""The Pelican plugin that publishes every list and notice (PLUGINS = ["jiebang.site"]).

It adds one generator through the `get_generators` signal; receivers are module-level functions
because Pelican holds them by weak reference.
"""

from __future__ import annotations

from pelican import signals


def _generators(pelican_object):
    from .generator import JiebangGenerator

    return JiebangGenerator


def register() -> None:
    signals.get_generators.connect(_generators)
