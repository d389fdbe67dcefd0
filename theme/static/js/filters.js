/* Filters for /lists/. They read the compact index (/data/lists-index.json), never the page's HTML, and
   show the matching lists a page at a time with a pager of their own. The state is in the URL
   (/lists/?industry=陶瓷&status=揭榜中&page=2): a filtered view can be bookmarked, shared and reloaded.
   Without JavaScript, or until the index has arrived, the page is the plain server-rendered page with its
   own pager and browse links, and the form stays hidden. Record text is only ever set as text. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form || !window.fetch || !window.URLSearchParams || !window.history.pushState) return;
  var KEYS = ["industry", "year", "status", "county"];
  var COLUMNS = ["编号", "项目名称", "行业", "需求单位", "榜单金额", "揭榜截止", "状态"];
  var table = document.querySelector("table.lists");
  var count = document.getElementById("filter-count");
  var plainPager = document.getElementById("pager");
  var size = parseInt(form.getAttribute("data-page-size"), 10) || 50;
  var servedPage = parseInt(form.getAttribute("data-page"), 10) || 1;
  var base = ownPath(form.getAttribute("data-base"));
  var lists = [];
  var pager = null;

  // A URL of this site as a path on whatever host serves it (a preview of the publish build too).
  function ownPath(url) { return new URL(url, location.href).pathname; }

  function isoToday() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function cnDate(iso) {
    if (!iso) return "";
    var p = iso.split("-");
    return parseInt(p[0], 10) + "年" + parseInt(p[1], 10) + "月" + parseInt(p[2], 10) + "日";
  }

  function readIndex(data) {
    var at = {};
    data.fields.forEach(function (name, i) { at[name] = i; });
    var today = isoToday();
    return data.lists.map(function (row) {
      var item = {};
      data.fields.forEach(function (name) { item[name] = row[at[name]]; });
      item.year = item.year == null ? "" : String(item.year);
      // As status.js does on the pages: a list built as 揭榜中 is under review once its deadline has passed.
      if (item.status === "揭榜中" && item.deadline && item.deadline < today) item.status = "评审中";
      return item;
    });
  }

  function stateFromUrl() {
    var params = new URLSearchParams(location.search);
    var state = {};
    var filtered = false;
    KEYS.forEach(function (k) { state[k] = params.get(k) || ""; if (state[k]) filtered = true; });
    var page = parseInt(params.get("page"), 10);
    state.page = page > 0 ? page : (filtered ? 1 : servedPage);
    state.given = filtered || page > 0;
    return state;
  }

  function stateFromForm(page) {
    var state = {page: page || 1};
    KEYS.forEach(function (k) { state[k] = form.elements[k].value; });
    return state;
  }

  function setForm(state) {
    // A value the select does not offer falls back to 全部, and the state follows the form.
    KEYS.forEach(function (k) { form.elements[k].value = state[k]; });
    return stateFromForm(state.page);
  }

  function href(state, page) {
    var query = new URLSearchParams();
    KEYS.forEach(function (k) { if (state[k]) query.set(k, state[k]); });
    if (page > 1) query.set("page", String(page));
    var qs = query.toString();
    return base + (qs ? "?" + qs : "");
  }

  function cell(label, text, className) {
    var td = document.createElement("td");
    td.setAttribute("data-label", label);
    if (className) td.className = className;
    if (text !== undefined) td.textContent = text;
    return td;
  }

  function status(item) {
    var td = cell(COLUMNS[6]);
    var span = document.createElement("span");
    span.className = "status s-" + item.status;
    span.textContent = item.status;
    td.appendChild(span);
    if (item.corrected) {
      var mark = document.createElement("span");
      mark.className = "status s-corrected";
      mark.textContent = "已更正";
      td.appendChild(document.createTextNode(" "));
      td.appendChild(mark);
    }
    return td;
  }

  function row(item) {
    var tr = document.createElement("tr");
    KEYS.forEach(function (k) { tr.setAttribute("data-" + k, item[k] == null ? "" : item[k]); });
    tr.appendChild(cell(COLUMNS[0], item.id));
    var title = cell(COLUMNS[1]);
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.title;
    title.appendChild(link);
    tr.appendChild(title);
    tr.appendChild(cell(COLUMNS[2], item.industry));
    tr.appendChild(cell(COLUMNS[3], item.demander || ""));
    tr.appendChild(cell(COLUMNS[4], item.amount == null ? "" : item.amount + " 万元", "num"));
    tr.appendChild(cell(COLUMNS[5], cnDate(item.deadline)));
    tr.appendChild(status(item));
    return tr;
  }

  // The same window of page numbers as the plain pager: the first, the last, two either side of this one.
  function windowOf(page, pages) {
    var shown = [], out = [], previous = 0;
    for (var n = 1; n <= pages; n++) {
      if (n === 1 || n === pages || Math.abs(n - page) <= 2) shown.push(n);
    }
    shown.forEach(function (n) {
      if (n - previous === 2) out.push(n - 1);
      else if (n - previous > 2) out.push(null);
      out.push(n);
      previous = n;
    });
    return out;
  }

  function pageLink(state, page, text, rel, current) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = href(state, page);
    if (rel) a.rel = rel;
    if (current) a.setAttribute("aria-current", "page");
    if (typeof text === "number") {
      var before = document.createElement("span"), after = document.createElement("span");
      before.className = after.className = "sr-only";
      before.textContent = "第 ";
      after.textContent = " 页";
      a.appendChild(before);
      a.appendChild(document.createTextNode(String(text)));
      a.appendChild(after);
    } else {
      a.textContent = text;
    }
    a.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      go(Object.assign({}, state, {page: page}), true);
      count.scrollIntoView({block: "nearest"});
    });
    li.appendChild(a);
    return li;
  }

  function renderPager(state, page, pages) {
    if (!pager) {
      pager = document.createElement("nav");
      pager.className = "pager";
      pager.id = "filter-pager";
      pager.setAttribute("aria-label", "筛选结果的分页");
      table.parentNode.insertBefore(pager, table.nextSibling);
    }
    while (pager.firstChild) pager.removeChild(pager.firstChild);
    pager.hidden = pages < 2;
    if (pages < 2) return;
    var ul = document.createElement("ul");
    if (page > 1) ul.appendChild(pageLink(state, page - 1, "上一页", "prev"));
    windowOf(page, pages).forEach(function (n) {
      if (n === null) {
        var gap = document.createElement("li");
        gap.className = "gap";
        gap.setAttribute("aria-hidden", "true");
        gap.textContent = "…";
        ul.appendChild(gap);
      } else {
        ul.appendChild(pageLink(state, n, n, null, n === page));
      }
    });
    if (page < pages) ul.appendChild(pageLink(state, page + 1, "下一页", "next"));
    pager.appendChild(ul);
  }

  function render(state) {
    var matching = lists.filter(function (item) {
      return KEYS.every(function (k) { return !state[k] || item[k] === state[k]; });
    });
    var pages = Math.max(1, Math.ceil(matching.length / size));
    var page = Math.min(Math.max(1, state.page), pages);
    var body = document.createElement("tbody");
    matching.slice((page - 1) * size, page * size).forEach(function (item) { body.appendChild(row(item)); });
    table.replaceChild(body, table.tBodies[0]);
    table.hidden = matching.length === 0;
    if (plainPager) plainPager.hidden = true;
    renderPager(state, page, pages);
    count.textContent = "共 " + lists.length + " 个榜单，符合条件 " + matching.length + " 个" +
      (pages > 1 ? "，第 " + page + " / " + pages + " 页" : "") + "。";
    return page;
  }

  // Show a state; a page number past the last page shows the last, and the URL then says so.
  function show(state) {
    var page = render(state);
    if (page !== state.page) history.replaceState(null, "", href(state, page));
  }

  function go(state, push) {
    state = setForm(state);
    if (push) history.pushState(null, "", href(state, state.page));
    show(state);
  }

  function start(data) {
    lists = readIndex(data);
    var state = stateFromUrl();
    var given = state.given;
    state = setForm(state);
    if (given) show(state);  // else the served page already shows exactly this
    form.addEventListener("change", function () { go(stateFromForm(1), true); });
    window.addEventListener("popstate", function () { go(stateFromUrl(), false); });
    form.hidden = false;
    form.setAttribute("data-ready", "");
  }

  fetch(ownPath(form.getAttribute("data-index")), {credentials: "same-origin"})
    .then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + response.url);
      return response.json();
    })
    .then(start)
    .catch(function (error) {
      // The plain pages keep working; the form stays hidden rather than offering controls that do nothing.
      if (window.console) console.warn("筛选不可用：", error);
    });
})();
