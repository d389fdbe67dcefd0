"""The JSON Schemas the site publishes under /schema/, each with an `$id` on this site.

- `schema/list.schema.json`, `result.schema.json`, `regulation.schema.json`: the records' own schemas,
  as the editor uses them (tools/jiebang/schemas), only their `$id` moved to this site.
- `schema/data/list.schema.json`, `schema/data/result.schema.json`: one list or notice as the open
  data publishes it. Built here from the record's schema, so the two never drift: every field of the
  record as the record schema defines it, plus what the site derives (status, url, notices, and in a
  record's own file its `$schema`, revisions and versioned_fields). Still `additionalProperties: false`.
- `schema/data/lists.schema.json`, `schema/data/results.schema.json`: /data/lists.json and
  /data/results.json, whose items `$ref` the two above.
- `schema/data/lists-index.schema.json`: /data/lists-index.json, the compact index the /lists/ filters
  read: one array a list, its columns named once in `fields` (INDEX_FIELDS: each column's schema is
  the record field's own where there is one).

Every JSON file under /data/ and every record's own JSON names its schema in `$schema`.
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path

from ..records.lifecycle import STATUSES
from ..records.schema import subschema
from .outputcache import OutputCache

DRAFT = "https://json-schema.org/draft/2020-12/schema"
RECORD_KINDS = ("list", "result", "regulation")
DATE = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
NULLABLE_TEXT = {"type": ["string", "null"]}


def schema_path(name: str) -> str:
    """Where a schema is published, relative to the site root: "list" → schema/list.schema.json,
    "data/lists" → schema/data/lists.schema.json."""
    return f"schema/{name}.schema.json"


def schema_id(site_url: str, name: str) -> str:
    """The schema's `$id`: its address on this site (root-relative when the site has no SITEURL)."""
    return f"{site_url}/{schema_path(name)}"


def record_schema(kind: str) -> dict:
    return json.loads(resources.files("jiebang.schemas").joinpath(f"{kind}.schema.json").read_text("utf-8"))


def published_record_schema(kind: str, site_url: str) -> dict:
    schema = record_schema(kind)
    schema["$id"] = schema_id(site_url, kind)  # in place: the key keeps its place after $schema
    return schema


HISTORY_DEFS = {
    "revision": {
        "type": "object",
        "title": "修订",
        "description": "记录在 git 中的一个版本：提交、日期、作者、说明，以及相对上一版本的字段级更改。",
        "additionalProperties": False,
        "required": ["commit", "short", "date", "author", "subject", "path", "status", "changes_note", "problem",
                     "first_publication", "changes"],
        "properties": {
            "commit": {**NULLABLE_TEXT, "title": "提交", "description": "提交的完整 SHA-1；工作区中未提交的版本为 null。"},
            "short": {"type": "string", "title": "简写"},
            "date": {**NULLABLE_TEXT, "title": "日期", "description": "提交的作者日期（ISO 8601）。"},
            "author": {"type": "string", "title": "作者"},
            "subject": {"type": "string", "title": "提交说明"},
            "path": {"type": "string", "title": "文件"},
            "status": {"enum": ["added", "modified", "deleted"], "title": "变动"},
            "changes_note": {**NULLABLE_TEXT, "title": "更正说明", "description": "本版本新增的 changes 条目。"},
            "problem": {**NULLABLE_TEXT, "title": "问题", "description": "本版本无法作为记录读取时的原因。"},
            "first_publication": {"type": "boolean", "title": "首次发布"},
            "changes": {"type": "array", "title": "字段更改", "items": {"$ref": "#/$defs/field_change"}},
        },
    },
    "field_change": {
        "type": "object",
        "title": "字段更改",
        "additionalProperties": False,
        "required": ["path", "label", "change", "before", "after", "summary", "edits"],
        "properties": {
            "path": {"type": "string", "title": "字段", "description": "如 budget.total_wan、indicators[2].target。"},
            "label": {"type": "string", "title": "字段名称"},
            "change": {"enum": ["added", "removed", "changed"], "title": "更改"},
            "before": {"title": "更改前"},
            "after": {"title": "更改后"},
            "summary": {"type": "string", "title": "摘要"},
            "edits": {
                "type": "array",
                "title": "文字增删",
                "items": {"type": "object", "additionalProperties": False, "required": ["op", "text"],
                          "properties": {"op": {"enum": ["-", "+"]}, "text": {"type": "string"}}},
            },
        },
    },
    "versioned_value": {
        "type": "object",
        "additionalProperties": False,
        "required": ["commit", "date", "value"],
        "properties": {"commit": NULLABLE_TEXT, "date": NULLABLE_TEXT, "value": {"title": "取值"}},
    },
}


def _history_properties() -> dict:
    return {
        "revisions": {"type": "array", "title": "修订记录", "items": {"$ref": "#/$defs/revision"},
                      "description": "只在记录自己的 JSON 文件中：每个版本，最早的在前。"},
        "versioned_fields": {"type": "object", "title": "字段沿革",
                             "description": "只在记录自己的 JSON 文件中：每个改过的字段，其历次取值及设定它的版本。",
                             "additionalProperties": {"type": "array", "items": {"$ref": "#/$defs/versioned_value"}}},
    }


def _url(title: str) -> dict:
    return {"type": "string", "format": "uri-reference", "title": title}


DERIVED = {
    "list": ({"status": {"enum": list(STATUSES), "title": "状态",
                         "description": "由榜单及其公告按数据的 as_of 日期推导出的状态，不是记录中填写的字段。"},
              "url": _url("网址"),
              "notices": {"type": "array", "title": "公告", "description": "本榜单各公告的编号，按日期排列。",
                          "items": {"type": "string"}}},
             ["status", "url", "notices"]),
    "result": ({"list_status": {"enum": list(STATUSES), "title": "所属榜单状态",
                                "description": "公告所属榜单按数据的 as_of 日期推导出的状态。"},
                "url": _url("网址")},
               ["list_status", "url"]),
}
TITLES = {"list": ("榜单（开放数据）", "lists/<id>/<id>.json 及 /data/lists.json 中的一个榜单"),
          "result": ("公告（开放数据）", "results/<id>/<id>.json 及 /data/results.json 中的一个公告")}


def _add_names(schema: dict, names: list[str]) -> None:
    """The record object's own `propertyNames: {enum: […]}` (a notice kind's allowed fields, in the
    `then` of each `allOf` clause) also allows the derived names. Nested objects are left alone."""
    for node in [schema, *[part for clause in schema.get("allOf", []) for part in (clause.get("then"), clause.get("else"))
                           if isinstance(part, dict)]]:
        allowed = node.get("propertyNames")
        if isinstance(allowed, dict) and isinstance(allowed.get("enum"), list):
            allowed["enum"] += [n for n in names if n not in allowed["enum"]]


def data_schema(kind: str, site_url: str) -> dict:
    """One list or notice as the open data has it: the record schema, extended with the derived fields."""
    source = record_schema(kind)
    own_id = schema_id(site_url, f"data/{kind}")
    derived, required = DERIVED[kind]
    extra = {"$schema": {"const": own_id, "title": "数据格式", "description": "只在记录自己的 JSON 文件中：本格式的网址。"},
             **copy.deepcopy(derived), **_history_properties()}
    schema = copy.deepcopy(source)
    title, where = TITLES[kind]
    schema.update({
        "$schema": DRAFT,
        "$id": own_id,
        "title": title,
        "description": f"{where}：记录的全部字段（格式同 {schema_id(site_url, kind)}：{source.get('title', '')}），"
                       "加上网站派生的字段。",
    })
    schema["properties"] = {**schema["properties"], **extra}
    schema["required"] = [*schema.get("required", []), *required]
    _add_names(schema, list(extra))
    schema["$defs"] = {**schema.get("$defs", {}), **copy.deepcopy(HISTORY_DEFS)}
    return schema


def collection_schema(kind: str, site_url: str) -> dict:
    """/data/lists.json or /data/results.json: the day the statuses are computed for, and every record."""
    key, title = {"list": ("lists", "全部榜单"), "result": ("results", "全部公告")}[kind]
    own_id = schema_id(site_url, f"data/{key}")
    return {
        "$schema": DRAFT,
        "$id": own_id,
        "title": f"{title}（/data/{key}.json）",
        "type": "object",
        "additionalProperties": False,
        "required": ["$schema", "as_of", key],
        "properties": {
            "$schema": {"const": own_id, "title": "数据格式"},
            "as_of": {**DATE, "title": "状态计算日期", "description": "各状态按此日期（内容最后一次提交的日期）计算。"},
            key: {"type": "array", "items": {"$ref": f"{kind}.schema.json"}},
        },
    }


def _nullable(schema: dict) -> dict:
    return {"title": schema.get("title", ""), "anyOf": [schema, {"type": "null"}]}


def _field(*path: str) -> dict:
    return copy.deepcopy(subschema("list", path))


# The columns of /data/lists-index.json, in order: name → the schema of its values.
INDEX_FIELDS: dict[str, dict] = {
    "id": _field("id"),
    "title": _field("title"),
    "url": _url("网址"),
    "industry": _field("industry"),
    "year": {"type": "integer", "title": "发榜年度", "description": "发榜日期（published）的年份。"},
    "status": {"enum": list(STATUSES), "title": "状态", "description": "按 as_of 日期推导出的状态。"},
    "county": _nullable(_field("demander", "county")),
    "deadline": _field("deadline"),
    "amount": {**_field("budget", "to_solver_wan"), "title": "榜单金额（万元）"},
    "demander": _field("demander", "name"),
    "corrected": {"type": "boolean", "title": "已更正", "description": "发布后有更正说明（changes）。"},
}


def index_schema(site_url: str) -> dict:
    own_id = schema_id(site_url, "data/lists-index")
    columns = list(INDEX_FIELDS)
    return {
        "$schema": DRAFT,
        "$id": own_id,
        "title": "榜单索引（/data/lists-index.json）",
        "description": "“全部榜单”页面的筛选所读的精简索引：每个榜单一个数组，各列依次为 fields 所列字段。"
                       f"全部字段见 {schema_id(site_url, 'data/lists')}。",
        "type": "object",
        "additionalProperties": False,
        "required": ["$schema", "as_of", "fields", "lists"],
        "properties": {
            "$schema": {"const": own_id, "title": "数据格式"},
            "as_of": {**DATE, "title": "状态计算日期", "description": "各状态按此日期（内容最后一次提交的日期）计算。"},
            "fields": {"const": columns, "title": "列名"},
            "lists": {"type": "array", "title": "榜单", "description": "与全部榜单页面同序：发榜日期新的在前。",
                      "items": {"type": "array", "prefixItems": list(INDEX_FIELDS.values()), "items": False,
                                "minItems": len(columns)}},
        },
    }


def dumps(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_schemas(site_url: str, output: Path, cache: OutputCache | None = None) -> None:
    cache = cache or OutputCache.disabled()

    def write(name: str, schema: dict) -> None:
        cache.write_plain(output, schema_path(name), dumps(schema).encode("utf-8"))

    for kind in RECORD_KINDS:
        write(kind, published_record_schema(kind, site_url))
    for kind, key in (("list", "lists"), ("result", "results")):
        write(f"data/{kind}", data_schema(kind, site_url))
        write(f"data/{key}", collection_schema(kind, site_url))
    write("data/lists-index", index_schema(site_url))
