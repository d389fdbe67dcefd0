"""history: the audit trail, read from git.

`git` talks to git (one log walk, blobs in batches); `revisions` reads every record's revisions
from it, as the `steps` (a revision, its changes, a record's lazy timeline) hold them; `cache` keeps what a load computed in a folder, so the next one reads only newer commits;
`diffs` states field-level changes in the schema's Chinese titles; `compare` lists every
record that changed between two revisions; `audit` runs the audit rules (`audit.change_note`,
`audit.immutable`) against a base revision. May import `jiebang.records` and `jiebang.rules`, never
the site, the desk or the commands (tests/test_layout.py checks).
"""
