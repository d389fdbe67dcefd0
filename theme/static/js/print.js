/* The list page's 打印 control. A button bound here rather than a javascript: link, which a
   Content-Security-Policy without 'unsafe-inline' refuses; hidden until there is script to print with. */
(function () {
  document.querySelectorAll("[data-print]").forEach(function (wrapper) {
    var button = wrapper.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () { window.print(); });
    wrapper.hidden = false;
  });
})();
