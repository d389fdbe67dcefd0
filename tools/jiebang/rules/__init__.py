"""rules: every rule of DESIGN.md's table, each in one module with the article it enforces, the runner
that checks a content tree (`validate`) and the reporters that print its findings (`report`).

`registry` holds the rule ids and the registered checks; importing this package imports every rule
module, which registers their checks in this order. May import `jiebang.records` only: never the
history, the site, the desk or the commands (tests/test_layout.py checks).
"""

from __future__ import annotations

from . import (  # noqa: F401  (imported to register their checks)
    acceptance,
    audit,
    contacts,
    dates,
    doc_numbers,
    ids,
    lifecycle,
    money,
    orgs,
    placeholders,
    privacy,
    projects,
    solvers,
    texts,
    vocabulary,
)
from .registry import (  # noqa: F401  (the registry's names, as the rules package offers them)
    ERROR,
    RECORD_CHECKS,
    RULES,
    TREE_CHECKS,
    WARNING,
    Findings,
    Rule,
    declare,
    record_check,
    run_record_checks,
    tree_check,
)
from .scopes import run_tree_checks  # noqa: F401
