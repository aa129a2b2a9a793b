// 连心助手, every page: the 大字 switch (remembered in this browser's localStorage only:
// nothing is sent to the server) and the print buttons. A static file, no inline script,
// so the pages work under a strict Content-Security-Policy.
(function () {
  "use strict";
  var KEY = "lianxin-big-text";
  var root = document.documentElement;

  function remembered() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }

  function remember(on) {
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode: this page only */ }
  }

  if (remembered()) root.classList.add("big-text"); // before the body is drawn: no jump

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("big-text");
    if (toggle) {
      toggle.hidden = false;
      toggle.setAttribute("aria-pressed", String(root.classList.contains("big-text")));
      toggle.addEventListener("click", function () {
        var on = !root.classList.contains("big-text");
        root.classList.toggle("big-text", on);
        toggle.setAttribute("aria-pressed", String(on));
        remember(on);
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
