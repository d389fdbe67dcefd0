/* Filters for /lists/: without JavaScript the page is the plain complete list. */
(function () {
  var form = document.getElementById("filters");
  if (!form) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.lists tbody tr"));
  var count = document.getElementById("filter-count");
  var keys = ["industry", "year", "status", "county"];
  var params = new URLSearchParams(location.search);
  keys.forEach(function (k) { if (params.get(k)) form.elements[k].value = params.get(k); });
  function apply() {
    var shown = 0, query = new URLSearchParams();
    keys.forEach(function (k) { if (form.elements[k].value) query.set(k, form.elements[k].value); });
    rows.forEach(function (row) {
      var ok = keys.every(function (k) { var v = form.elements[k].value; return !v || row.getAttribute("data-" + k) === v; });
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = "共 " + rows.length + " 个榜单，符合条件 " + shown + " 个。";
    var qs = query.toString();
    history.replaceState(null, "", qs ? "?" + qs : location.pathname);
  }
  form.hidden = false;
  form.addEventListener("change", apply);
  apply();
})();
