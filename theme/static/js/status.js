/* A page built before a deadline still says 揭榜中 after it; correct it in the reader's browser. */
(function () {
  var today = new Date();
  var iso = today.getFullYear() + "-" + String(today.getMonth() + 1).padStart(2, "0") + "-" + String(today.getDate()).padStart(2, "0");
  document.querySelectorAll("[data-deadline]").forEach(function (el) {
    if (el.getAttribute("data-deadline") < iso) {
      if (el.getAttribute("data-expired") === "hide") { el.hidden = true; return; }
      el.textContent = "评审中";
      el.className = "status s-评审中";
      var row = el.closest("[data-status]");
      if (row) row.setAttribute("data-status", "评审中");
    }
  });
})();
