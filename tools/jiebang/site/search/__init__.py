"""search: the site's own Chinese full-text index (positional bigrams, sharded so that a query fetches
only its own files; it measured better than Pagefind on Chinese, see bench/search_recall.py).

`documents` is what is indexed, `tokens` how text and queries are cut into units (twinned in
theme/static/js/search.js), `index` how the shards are written and read.
"""
