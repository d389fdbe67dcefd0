"""records: reading and typing the content — the bottom of the pipeline.

`load` parses YAML with a line and column for every value and refuses what a record must never be;
`schema` types values by the JSON Schemas (in `jiebang/schemas/`, where every content file's `$schema`
line and DESIGN.md point) and names fields by their Chinese titles; `content` finds the records of a
content root; `regulation` holds the measures' numbers by effective date; `lifecycle` orders a list's
notices and derives its status; `diagnostics` is what every check reports; the small value checks
(`textcount` for Word's 字数, `phones`, `orgs` for 统一社会信用代码, `placeholders`) live here too.
Imports nothing else of jiebang (tests/test_layout.py checks).
"""
