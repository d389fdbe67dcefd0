"""site: the Pelican plugin that publishes every list and notice (PLUGINS = ["jiebang.site"]), the build
that runs it beside the output and swaps it in (`build`), the rebuild of a past commit (`rebuild`),
and the search index (`search/`). The only subpackage that imports Pelican; it may import every
subpackage below it (records, rules, history, desk), never the commands (tests/test_layout.py checks).

It adds one generator through the `get_generators` signal, and turns on Jinja's autoescape for every
generator (ours and Pelican's own pages) through `initialized`: record text comes from enterprises'
Word forms, so a site must be safe whatever its `pelicanconf.py` says; and gives every environment the
theme as compiled by an earlier build (`generator_init`, templatecache.py); and names the files Pelican
writes (sitefiles.py). Receivers are module-level
functions because Pelican holds them by weak reference.
"""

from __future__ import annotations


def _generators(pelican_object):
    from .generator import JiebangGenerator

    return JiebangGenerator


def _escape_by_default(pelican_object) -> None:
    # Generators build their Jinja environments from this setting after `initialized` has been sent.
    from .markup import clean_page

    settings = pelican_object.settings
    settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True}
    # Pelican's own page generator renders content/pages: its HTML passes our cleaner (page.html).
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), "clean_page": clean_page}


def _keep_compiled_templates(generator) -> None:
    # Every generator's environment (ours and Pelican's page generator) runs the theme's code as
    # compiled by an earlier build, under the cache folder (templatecache.py); none without a cache.
    from pathlib import Path

    from . import templatecache

    where = generator.settings.get("JIEBANG_CACHE_PATH")
    templatecache.attach(generator.env, Path(where) / "templates" if where else None)


def register() -> None:
    # Imported here, not at the top: `jiebang build` finds an unchanged site without loading Pelican.
    from pelican import signals

    signals.initialized.connect(_escape_by_default)
    signals.get_generators.connect(_generators)
    signals.generator_init.connect(_keep_compiled_templates)
    # The files Pelican itself writes, named for SHA256SUMS without walking the site (sitefiles.py).
    signals.content_written.connect(_note_written)
    signals.feed_written.connect(_note_written)
    signals.static_generator_finalized.connect(_note_static)
    signals.all_generators_finalized.connect(_writing_begins)


def _note_written(path, **kwargs) -> None:
    from .sitefiles import note_written

    note_written(path, **kwargs)


def _note_static(generator) -> None:
    from .sitefiles import note_static

    note_static(generator)


def _writing_begins(generators) -> None:
    # Before the first file is written, the build takes what its walk of the spare site found (spare.recycle).
    for generator in generators:
        cache = generator.settings.get("JIEBANG_OUTPUT_CACHE")
        if cache is not None:
            cache.writing_begins()
            return
