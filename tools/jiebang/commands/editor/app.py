"""The editor's routes under /_editor/: each takes a Request and gives a Response. The work is the
desk's (desk/editor/); here are only the wiring, the guard and the pages."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

from ...desk import scaffold
from ...desk.editor import catalogue, checks, forms, importing, review, saving
from ...desk.editor.paths import PathRefused, record_path
from ...history.diffs import FieldChange, diff_records
from ...records.schema import SCHEMAS
from ...records.textcount import word_count
from ...site.markup import render_markdown
from ...site.model import cn_dates
from .. import missing_folder
from . import pages
from .guard import Guard
from .uploads import UploadError, parse_upload

PREFIX = "/_editor/"
MAX_FORM = 2 * 1024 * 1024  # a record is at most 1 MiB (yaml.too_large); its form is no bigger
_markdown_lock = threading.Lock()  # the site's Markdown instance is shared, and not thread-safe


@dataclass
class Request:
    method: str
    path: str  # below /_editor/, without the query
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    def pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)

    @property
    def wants_json(self) -> bool:
        return "application/json" in self.headers.get("accept", "")


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _json(status: int, data: object) -> Response:
    return Response(
        status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8"
    )


def _redirect(location: str) -> Response:
    return Response(303, b"", headers={"Location": location})


class Editor:
    def __init__(self, project: Path, guard: Guard, saved: Callable[[], None] = lambda: None) -> None:
        self.project = project
        self.root = project / "content"
        self.guard = guard
        self.saved = saved  # tells `serve` to rebuild the site now

    # ------------------------------------------------------------------ dispatch

    def handle(self, request: Request) -> Response:
        if not self.guard.allow_host(request.headers.get("host")):
            return self._refused("请求的 Host 不是本机编辑器的地址，已拒绝（防止 DNS 重绑定）。", 421)
        if not self.guard.allow_origin(request.headers.get("origin")):
            return self._refused("请求来自其他网站，已拒绝。")
        if request.method == "POST":
            if len(request.body) > (importing.MAX_UPLOAD + 65536 if request.path == "import" else MAX_FORM):
                return self._refused("提交的内容过大，未处理。", 413)
            sent = request.headers.get("x-jiebang-token") or dict(self._token_pairs(request)).get("token")
            if request.path != "import" and not self.guard.allow_token(sent):  # an upload's is in its body
                return self._refused("缺少或错误的编辑器令牌：请从 jiebang serve 打印的地址重新打开编辑器。")
        route = ROUTES.get((request.method, request.path))
        if route is None:
            return self._page(404, "message.html", title="找不到页面", message="编辑器中没有这个页面。")
        if route is not Editor.asset and (gone := self._gone(request)) is not None:
            return gone  # its page still has its style sheet
        try:
            return route(self, request)
        except (
            PathRefused,
            scaffold.ScaffoldError,
            saving.SaveError,
        ) as exc:  # bad input, no regulation, a broken file
            return self._gone(request) or self._error(request, 400, str(exc))
        except Exception:  # a bug of ours: the clerk gets a sentence, the terminal the details
            if (gone := self._gone(request)) is not None:
                return gone  # the folder went while the request was read: not a bug
            traceback.print_exc()
            return self._error(
                request, 500, "编辑器内部出错，操作未完成；详细信息已打印在运行 jiebang serve 的窗口中。"
            )

    def _gone(self, request: Request) -> Response | None:
        """503 while the content folder is not there (deleted or moved under a running serve): nothing
        is read, and nothing written, which would make a stray content/ where the project was."""
        if missing_folder(self.project) is None:
            return None
        return self._error(
            request,
            503,
            f"找不到内容目录 {self.root}：项目文件夹可能已被删除或移动。"
            "放回原处后刷新此页即可继续；尚未保存的输入仍留在浏览器的草稿中。",
        )

    def _token_pairs(self, request: Request) -> list[tuple[str, str]]:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            return []  # read with the upload
        return request.pairs()

    def _page(self, code: int, template: str, **context) -> Response:
        return Response(code, pages.render(template, token=self.guard.token, **context))

    def _refused(self, message: str, status: int = 403) -> Response:
        return Response(status, message.encode("utf-8"), "text/plain; charset=utf-8")

    def _error(self, request: Request, status: int, message: str) -> Response:
        if request.wants_json:
            return _json(status, {"error": message})
        return self._page(status, "message.html", title="未能完成", message=message)

    # ------------------------------------------------------------------ browse and start

    def browse(self, request: Request) -> Response:
        today = dt.date.today()
        entries = catalogue.catalogue(self.root, today)
        year, kind, status = (request.query.get(k, "") for k in ("year", "kind", "status"))
        shown = catalogue.choose(entries, year, kind, status)
        lists = [e for e in entries if e.kind == catalogue.LIST_KIND]
        return self._page(
            200,
            "browse.html",
            entries=shown,
            total=len(entries),
            year=year,
            kind=kind,
            status=status,
            years=sorted({e.year for e in entries}, reverse=True),
            kinds=[catalogue.LIST_KIND, *SCHEMAS["result"]["properties"]["kind"]["enum"]],
            statuses=sorted({e.status for e in entries if e.status}),
            lists=lists,
            result_kinds=SCHEMAS["result"]["properties"]["kind"]["enum"],
            result_kind_title=SCHEMAS["result"]["properties"]["kind"]["title"],
            list_title=SCHEMAS["result"]["properties"]["list"]["title"],
        )

    def new(self, request: Request) -> Response:
        today = dt.date.today()
        if request.query.get("kind") == "result":
            list_id = request.query.get("list", "")
            notice_kind = request.query.get("type", "")
            year = scaffold.list_id_year(list_id)
            if year is None or notice_kind not in SCHEMAS["result"]["properties"]["kind"]["enum"]:
                return self._error(request, 400, "请选择所属榜单和公告类型。")
            notice_id = scaffold.next_result_id(self.root / "results", list_id)
            rel = f"results/{year}/{notice_id}.yaml"
            data = {"id": notice_id, "list": list_id, "kind": notice_kind, "date": today.isoformat()}
            return self._edit_page(rel, "result", data, "", new=True)
        regulation = scaffold.regulation_in_force(self.root, today)
        prefix = str(scaffold.regulation_value(regulation, "id_prefix", "JDZ"))
        list_id = scaffold.next_list_id(self.root / "lists", prefix, today.year)
        return self._edit_page(f"lists/{today.year}/{list_id}.yaml", "list", {"id": list_id}, "", new=True)

    def upload(self, request: Request) -> Response:
        try:
            fields, files = parse_upload(request.headers.get("content-type", ""), request.body)
        except UploadError as exc:
            return self._error(request, 400, str(exc))
        if not self.guard.allow_token(fields.get("token")):
            return self._refused("缺少或错误的编辑器令牌：请从 jiebang serve 打印的地址重新打开编辑器。")
        if "form" not in files:
            return self._error(request, 400, "请选择要导入的征集表文件。")
        filename, data = files["form"]
        try:
            written = importing.import_upload(self.root, filename, data)
        except (importing.ImportRefused, scaffold.ScaffoldError) as exc:
            return self._error(request, 400, str(exc))
        finally:
            del data, files  # the upload's bytes are not kept after the import
        self.saved()
        return self._page(200, "imported.html", filename=filename, written=written)

    # ------------------------------------------------------------------ the form

    def edit(self, request: Request) -> Response:
        rel = request.query.get("file", "")
        path = record_path(self.root, rel)
        if not path.is_file():
            return self._error(request, 404, f"找不到 {rel}。")
        raw = path.read_bytes()
        kind = _kind(rel)
        try:
            data = saving._data(raw.decode("utf-8"), path, kind)
        except (saving.SaveError, UnicodeDecodeError) as exc:
            return self._error(request, 400, f"{rel} 无法在表单中打开：{exc}")
        return self._edit_page(rel, kind, data, saving.digest(raw))

    def _edit_page(self, rel: str, kind: str, data: dict, base: str, new: bool = False) -> Response:
        return self._page(
            200,
            "edit.html",
            rel=rel,
            kind=kind,
            record_id=data.get("id", ""),
            title=data.get("title") or data.get("kind") or "",
            base=base,
            new=new,
            fields=self._fields(kind, data),
            noun=review.NOUN[kind],
        )

    def _fields(self, kind: str, data: dict) -> list[forms.Field]:
        regulation = self._regulation(data, kind)
        suggestions = {
            "industry": [str(v) for v in scaffold.regulation_value(regulation, "industries", []) or []],
            "county": [str(v) for v in scaffold.regulation_value(regulation, "counties", {}) or {}],
        }
        return forms.build_fields(SCHEMAS[kind], data, self._limits(data, kind), suggestions)

    def _regulation(self, data: dict, kind: str) -> dict:
        """The regulation in force on the record's date (DESIGN.md); today's while it has none."""
        day = dt.date.today()
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(str(data.get("published" if kind == "list" else "date")))
        try:
            return scaffold.regulation_in_force(self.root, day)
        except scaffold.ScaffoldError:
            return {}

    def _limits(self, data: dict, kind: str) -> dict:
        if kind != "list":
            return {}
        return dict(scaffold.regulation_value(self._regulation(data, kind), "text_limits", {}) or {})

    def _submitted(self, request: Request) -> tuple[str, Path, str, str | None, dict, dict, str]:
        """(rel, path, kind, old text, old data, new data, base) of a submitted form."""
        sent = request.pairs()
        meta = dict(sent)
        rel = meta.get("file", "")
        path = record_path(self.root, rel)
        kind = _kind(rel)
        old_text = path.read_text("utf-8") if path.is_file() and meta.get("base") else None
        old = saving._data(old_text, path, kind) if old_text else {}
        new = forms.apply_form(SCHEMAS[kind], old, sent)
        return rel, path, kind, old_text, old, new, meta.get("base", "")

    def check(self, request: Request) -> Response:
        rel, _, kind, old_text, old, new, _ = self._submitted(request)
        found = checks.draft_findings(self.root, rel, kind, old_text, old, new)
        limits = self._limits(new, kind)
        counts = {key: word_count(str(new.get(key) or "")) for key in limits}
        return _json(200, {"findings": found, "counts": counts, "limits": limits})

    def form(self, request: Request) -> Response:
        """The form's fields as a draft has them: how a draft kept in the browser is put back."""
        rel, _, kind, _, _, new, _ = self._submitted(request)
        html = pages.render("fields.html", fields=self._fields(kind, new), token=self.guard.token)
        return _json(200, {"html": html.decode("utf-8")})

    def preview(self, request: Request) -> Response:
        text = dict(request.pairs()).get("text", "")
        with _markdown_lock:
            html = str(render_markdown(text))
        return _json(200, {"html": html})

    def save(self, request: Request) -> Response:
        try:
            rel, path, kind, _, _, new, base = self._submitted(request)
        except saving.SaveError as exc:
            return self._error(request, 400, str(exc))
        try:
            written = saving.save_record(path, kind, new, base)
        except saving.Conflict as conflict:
            return self._conflict(request, rel, kind, new, conflict)
        except (saving.SaveError, OSError) as exc:
            return self._error(request, 400, f"未保存：{exc}")
        self.saved()
        if request.wants_json:
            return _json(200, {"saved": rel, "base": written, "review": f"{PREFIX}review?file={quote(rel)}"})
        return _redirect(f"{PREFIX}review?file={quote(rel)}")

    def _conflict(
        self, request: Request, rel: str, kind: str, new: dict, conflict: saving.Conflict
    ) -> Response:
        disk = {}
        if conflict.disk_text is not None:
            try:
                disk = saving._data(conflict.disk_text, self.root / rel, kind)
            except saving.SaveError:
                disk = {}
        mine = [line for change in diff_records(kind, disk, new) for line in _said(change)]
        data = {
            "conflict": True,
            "file": rel,
            "disk_text": conflict.disk_text,
            "disk_base": conflict.disk_digest,
            "mine": mine,
            "removed": conflict.disk_text is None,
        }
        if request.wants_json:
            return _json(409, data)
        return self._page(
            409,
            "message.html",
            title="文件已在别处修改",
            message="打开后此文件在磁盘上被修改，未覆盖。",
            detail=conflict.disk_text or "",
        )

    # ------------------------------------------------------------------ review and commit

    def review_page(self, request: Request, note: str = "", error: str = "") -> Response:
        rel = request.query.get("file", "") or dict(request.pairs()).get("file", "")
        path = record_path(self.root, rel)
        if not path.is_file():
            return self._error(request, 404, f"找不到 {rel}。")
        made = review.review(self.root, rel, _kind(rel))
        return self._page(
            200 if not error else 400,
            "review.html",
            review=made,
            note=note or request.query.get("done", ""),
            error=error,
            list_kind=made.kind == "list",
        )

    def commit(self, request: Request) -> Response:
        sent = dict(request.pairs())
        rel = sent.get("file", "")
        record_path(self.root, rel)
        made = review.review(self.root, rel, _kind(rel))
        if made.blocked:
            why = (
                "已发布的记录有改动，须先在“更正说明”中追加一条说明本次更正。"
                if made.needs_change_note
                else "还有错误未改正，不能提交。"
                if made.errors
                else "与上次提交相比没有改动。"
            )
            return self.review_page(request, error=why)
        try:
            commit_id = review.commit(self.root, rel, sent.get("message", ""))
        except review.ReviewError as exc:
            return self.review_page(request, error=str(exc))
        return _redirect(
            f"{PREFIX}review?" + urlencode({"file": rel, "done": f"已提交 {commit_id[:12]}（未推送）。"})
        )

    def correction(self, request: Request) -> Response:
        rel = dict(request.pairs()).get("file", "")
        record_path(self.root, rel)
        made = review.review(self.root, rel, _kind(rel))
        notice = review.correction_notice(self.root, made, dt.date.today())
        self.saved()
        return _redirect(f"{PREFIX}edit?file={quote(notice)}")

    def asset(self, request: Request) -> Response:
        found = pages.static(request.query.get("name", ""))
        if found is None:
            return Response(404, b"", "text/plain")
        return Response(200, found[0], found[1])


def _said(change: FieldChange) -> list[str]:
    """A change as the review and the site's 修订记录 say it: the summary's dates the Chinese way, the
    sentences taken out or put in as they were written."""
    return [f"{change.label}：{cn_dates(change.summary)}", *change.lines()[1:]]


def _kind(rel: str) -> str:
    return "list" if rel.startswith("lists/") else "result"


ROUTES = {
    ("GET", ""): Editor.browse,
    ("GET", "new"): Editor.new,
    ("GET", "edit"): Editor.edit,
    ("GET", "review"): Editor.review_page,
    ("GET", "asset"): Editor.asset,
    ("POST", "import"): Editor.upload,
    ("POST", "api/check"): Editor.check,
    ("POST", "api/form"): Editor.form,
    ("POST", "api/preview"): Editor.preview,
    ("POST", "api/save"): Editor.save,
    ("POST", "commit"): Editor.commit,
    ("POST", "correction"): Editor.correction,
}
