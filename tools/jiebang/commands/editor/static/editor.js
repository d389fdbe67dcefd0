// The clerk's editor: live checks, 字数, Markdown preview, list rows, drafts kept in the browser,
// saving with conflict detection. Every text from the server is set as text (textContent), never as
// HTML, except the Markdown preview, which is the site's own nh3-cleaned rendering.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="jiebang-token"]').content;
  var form = document.getElementById("record-form");
  if (!form) return;
  var file = form.dataset.file;
  var draftKey = "jiebang-draft:" + file;
  var base = document.getElementById("base");
  var fields = document.getElementById("fields");
  var saveStatus = document.getElementById("save-status");
  var dirty = false;

  function post(url, params) {
    return fetch(url, {
      method: "POST",
      headers: { "X-Jiebang-Token": token, "Accept": "application/json",
                 "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: params.toString(), credentials: "same-origin"
    }).then(function (r) { return r.json().then(function (data) { return { status: r.status, data: data }; }); });
  }
  function pairs() { return new URLSearchParams(new FormData(form)); }
  function debounce(fn, ms) {
    var t = null;
    return function () { var args = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, args); }, ms); };
  }
  function domId(name) { return "f-" + name.split(".").join("-"); }
  function el(tag, text, cls) { var e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; }

  // ---------------------------------------------------------------- drafts (local storage)
  function storeDraft() {
    if (!dirty) return;
    var list = [];
    pairs().forEach(function (v, k) { if (k !== "token") list.push([k, v]); });
    try { localStorage.setItem(draftKey, JSON.stringify({ base: base.value, pairs: list, time: new Date().toISOString() })); }
    catch (e) { saveStatus.textContent = "浏览器无法保存草稿（存储已满或被禁用）：请尽快保存。"; }
  }
  var storeSoon = debounce(storeDraft, 300);
  function readDraft() { try { return JSON.parse(localStorage.getItem(draftKey) || "null"); } catch (e) { return null; } }
  function dropDraft() { localStorage.removeItem(draftKey); }

  var banner = document.getElementById("draft-banner");
  var draft = readDraft();
  if (draft && draft.pairs) {
    document.getElementById("draft-text").textContent = "此记录有一份 " + new Date(draft.time).toLocaleString("zh-CN") +
      " 输入、尚未保存的草稿" + (draft.base !== base.value ? "（其后磁盘上的文件已改动，恢复后保存时会请你比较两个版本）" : "") + "。";
    banner.hidden = false;
    // After a reload the browser puts the page back where it was scrolled to, once it has loaded: that
    // would leave the banner above the screen. Say the draft first, and show it.
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    var showBanner = function () { banner.scrollIntoView({ block: "start" }); banner.focus({ preventScroll: true }); };
    showBanner();
    window.addEventListener("load", function () { requestAnimationFrame(showBanner); });
  }
  document.getElementById("draft-restore").addEventListener("click", function () {
    var params = new URLSearchParams(draft.pairs);
    params.set("file", file); params.set("base", base.value);
    post("/_editor/api/form", params).then(function (r) {
      if (r.status !== 200) { saveStatus.textContent = r.data.error || "草稿无法恢复。"; return; }
      fields.innerHTML = r.data.html;  // our own server-rendered, autoescaped form
      base.value = draft.base;  // saving then meets the change on disk, if there was one
      banner.hidden = true; dirty = true; storeDraft();
      saveStatus.textContent = "已恢复草稿，尚未保存。";
      var first = fields.querySelector("input:not([type=hidden]), select, textarea"); if (first) first.focus();
      checkNow(); previewAll();
    });
  });
  document.getElementById("draft-discard").addEventListener("click", function () {
    dropDraft(); banner.hidden = true; saveStatus.textContent = "已丢弃草稿。";
  });
  window.addEventListener("pagehide", storeDraft);
  window.addEventListener("beforeunload", function (e) { if (dirty) { storeDraft(); e.preventDefault(); e.returnValue = ""; } });

  // ---------------------------------------------------------------- live checks
  var summary = document.getElementById("findings-list");
  var findingsStatus = document.getElementById("findings-status");
  document.getElementById("findings-details").addEventListener("toggle", function (e) {
    if (e.isTrusted && document.activeElement && document.activeElement.tagName === "SUMMARY") e.target.dataset.touched = "1";
  });
  function holderFor(name) {
    var parts = name.split(".");
    while (parts.length) {
      var ul = document.getElementById(domId(parts.join(".")) + "-findings");
      if (ul) return ul;
      parts.pop();
    }
    return null;
  }
  function tally(list) {
    var errors = list.filter(function (f) { return f.severity === "error"; }).length;
    return errors + " 个错误，" + (list.length - errors) + " 个警告";
  }
  function showFindings(data) {
    document.querySelectorAll("ul.findings").forEach(function (ul) { ul.textContent = ""; });
    document.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
    summary.textContent = "";
    // This record's findings first; the rest of the tree's (other files, as `jiebang validate` reports
    // them) after, and counted apart: after a county's import, dozens of placeholders elsewhere must not
    // hide the one finding about the record on the screen.
    var here = data.findings.filter(function (f) { return f.here; });
    var elsewhere = data.findings.filter(function (f) { return !f.here; });
    here.concat(elsewhere).forEach(function (f) {
      var word = f.severity === "error" ? "错误" : "警告";
      var text = word + " [" + f.rule + "] " + f.message + "（" + f.article + "）";
      var li = el("li", null, f.severity);
      var holder = f.here && f.field ? holderFor(f.field) : null;
      if (holder) {
        var target = document.getElementById(holder.id.replace(/-findings$/, ""));
        var a = el("a", text); a.href = "#" + (target ? target.id : holder.id);
        li.appendChild(a);
        holder.appendChild(el("li", text, f.severity));
        if (target && f.severity === "error") target.setAttribute("aria-invalid", "true");
      } else {
        li.textContent = (f.here ? "" : f.file + "：") + text;
      }
      summary.appendChild(li);
    });
    var said = here.length ? "本记录 " + tally(here) + "。" : "本记录没有发现问题。";
    if (elsewhere.length) said += "其他文件另有 " + tally(elsewhere) + "，见逐条列表末尾。";
    findingsStatus.textContent = said;
    var details = document.getElementById("findings-details");
    details.hidden = !data.findings.length;
    if (!details.dataset.touched) details.open = data.findings.length <= 5;  // a long list folds away on a phone
    Object.keys(data.counts || {}).forEach(function (key) {
      var p = document.querySelector('[data-count="' + key + '"]');
      if (!p) return;
      var n = data.counts[key], limit = data.limits[key];
      p.textContent = "已写 " + n + " 字，限 " + limit + " 字" + (n > limit ? "（超出 " + (n - limit) + " 字）" : "");
      p.classList.toggle("over", n > limit);
    });
  }
  function checkNow() {
    return post("/_editor/api/check", pairs()).then(function (r) {
      if (r.status === 200) showFindings(r.data);
      else findingsStatus.textContent = "无法检查：" + (r.data.error || "请查看运行 jiebang serve 的窗口。");
    }, function () { findingsStatus.textContent = "无法连接 jiebang serve：暂不能检查。"; });
  }
  var checkSoon = debounce(checkNow, 500);

  // ---------------------------------------------------------------- Markdown preview
  function preview(area) {
    var out = document.getElementById(area.id + "-preview");
    if (!out) return;
    post("/_editor/api/preview", new URLSearchParams({ text: area.value })).then(function (r) {
      if (r.status === 200) out.innerHTML = r.data.html;  // the site's Markdown, cleaned by nh3 on the server
    });
  }
  var previewSoon = debounce(preview, 400);
  function previewAll() { fields.querySelectorAll("textarea[data-markdown]").forEach(preview); }

  // ---------------------------------------------------------------- list rows
  function renumber(ol) {
    ol.querySelectorAll(":scope > [data-item]").forEach(function (item, i) {
      item.querySelectorAll("[data-number]").forEach(function (s) { s.textContent = String(i + 1); });
      // A table row's labels name its row: keep them true after a row is added or removed.
      item.querySelectorAll("label.visually-hidden").forEach(function (label) {
        label.textContent = label.textContent.replace(/（第.+行）$/, "（第" + (i + 1) + "行）");
      });
      var remove = item.querySelector("[data-remove][aria-label]");
      if (remove) remove.setAttribute("aria-label", "删除第" + (i + 1) + "行");
    });
  }
  fields.addEventListener("click", function (e) {
    var add = e.target.closest("[data-add]");
    var remove = e.target.closest("[data-remove]");
    if (add) {
      var box = add.closest("fieldset.list");
      var ol = box.querySelector("[data-items]");
      var index = String(Number(ol.dataset.next)); ol.dataset.next = String(Number(ol.dataset.next) + 1);
      var item = box.querySelector(":scope > template[data-blank]").content.querySelector("[data-item]").cloneNode(true);
      item.querySelectorAll("*").forEach(function (node) {
        ["name", "id", "for", "aria-describedby", "data-field"].forEach(function (attr) {
          var v = node.getAttribute(attr);
          if (v && v.indexOf("__i__") >= 0) node.setAttribute(attr, v.split("__i__").join(index));
        });
      });
      ol.appendChild(item); renumber(ol);
      var first = item.querySelector("input, select, textarea"); if (first) first.focus();
      changed();
    } else if (remove) {
      var li = remove.closest("[data-item]");
      var list = li.closest("fieldset.list");
      var items = li.parentElement;
      li.remove(); renumber(items);
      list.querySelector(":scope > [data-add]").focus();
      saveStatus.textContent = "已删除一项（保存后生效）。";
      changed();
    }
  });
  function changed() { dirty = true; storeSoon(); checkSoon(); }
  fields.addEventListener("input", function (e) {
    changed();
    if (e.target.matches("textarea[data-markdown]")) previewSoon(e.target);
  });
  fields.addEventListener("change", function (e) {
    changed();
    if (e.target.matches("select[data-reshapes]") && e.target.value) reshape(e.target);
  });

  // ---------------------------------------------------------------- a notice's kind decides its fields
  // The server draws the form again from the schema for the value chosen, with what was typed: the
  // fields the kinds share keep their input. (未选) leaves the form as it is, for the check to report.
  var reshaping = 0;
  function reshape(select) {
    var asked = ++reshaping, name = select.name, value = select.value;
    post("/_editor/api/form", pairs()).then(function (r) {
      if (asked !== reshaping) return;  // another choice was made meanwhile: its answer counts
      if (r.status !== 200) { saveStatus.textContent = r.data.error || "表单未能按所选类型更新。"; return; }
      fields.innerHTML = r.data.html;  // our own server-rendered, autoescaped form
      var again = fields.querySelector('select[name="' + name + '"]'); if (again) again.focus();
      saveStatus.textContent = "已换成“" + value + "”的字段，尚未保存。";
      storeDraft(); checkNow(); previewAll();
    }, function () { saveStatus.textContent = "无法连接 jiebang serve：表单未按所选类型更新。"; });
  }

  // ---------------------------------------------------------------- saving
  var conflict = document.getElementById("conflict");
  function save() {
    saveStatus.textContent = "正在保存……";
    return post("/_editor/api/save", pairs()).then(function (r) {
      if (r.status === 200) {
        base.value = r.data.base; dirty = false; dropDraft(); conflict.hidden = true;
        saveStatus.textContent = "已保存 content/" + r.data.saved + "（" + new Date().toLocaleTimeString("zh-CN") + "），网站预览随即重新生成。";
        var link = document.getElementById("review-link"); link.hidden = false;
        if (location.pathname.indexOf("/_editor/new") === 0) history.replaceState(null, "", "/_editor/edit?file=" + encodeURIComponent(file));
        checkNow();
      } else if (r.status === 409) {
        showConflict(r.data);
      } else {
        saveStatus.textContent = r.data.error || "未保存。";
      }
    }, function () { saveStatus.textContent = "无法连接 jiebang serve：未保存，草稿仍留在浏览器中。"; });
  }
  function showConflict(data) {
    document.getElementById("conflict-text").textContent = data.removed ? "（文件已被删除）" : data.disk_text;
    var mine = document.getElementById("conflict-mine-list"); mine.textContent = "";
    (data.mine.length ? data.mine : ["（与磁盘上的版本相同）"]).forEach(function (line) { mine.appendChild(el("li", line)); });
    conflict.dataset.diskBase = data.disk_base;
    conflict.hidden = false; conflict.focus();
    saveStatus.textContent = "未保存：文件已在别处修改。";
  }
  document.getElementById("conflict-overwrite").addEventListener("click", function () {
    base.value = conflict.dataset.diskBase; save();
  });
  document.getElementById("conflict-reload").addEventListener("click", function () {
    dirty = false; dropDraft(); location.reload();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); save(); });

  checkNow(); previewAll();
})();
