"""desk: what the 计划科 clerk runs besides the build.

`scaffold` knows which fields a new record needs and writes their placeholders; `yamlwriter` writes a
record as YAML with a Chinese comment above every field; `formtable` and `wordform` read the
enterprise's Word 征集表 into a record; `export` writes the 附件2 汇总表 and every list with every
field. May import `jiebang.records`, `jiebang.rules` and `jiebang.history`, never the site or the
commands (tests/test_layout.py checks).
"""
