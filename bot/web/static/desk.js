// Desk console: search as you type (the latest answer wins), each result with its 原文
// and a button that copies the citation. No personal data is sent or kept.
(function () {
  "use strict";
  var box = document.getElementById("q");
  var city = document.getElementById("city");
  var list = document.getElementById("results");
  var seq = 0;
  var timer = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function copy(text, button) {
    var done = function () { button.textContent = list.dataset.copied; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else { fallback(text); done(); }
  }

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the citation stays visible to copy by hand */ }
    document.body.removeChild(area);
  }

  function show(data) {
    list.textContent = "";
    if (!data.results.length) { list.appendChild(el("li", "none", list.dataset.empty)); return; }
    data.results.forEach(function (r) {
      var li = el("li", "hit");
      li.appendChild(el("div", "meta", r.city + " " + r.number + " " + r.path + (r.title ? " " + r.title : "")));
      li.appendChild(el("div", "sentence", list.dataset.original + "：" + r.sentence));
      li.appendChild(el("div", "text", r.text));
      var button = el("button", "copy", list.dataset.copy);
      button.type = "button";
      button.dataset.citation = r.citation;
      button.addEventListener("click", function () { copy(r.citation, button); });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  function run() {
    var q = box.value.trim();
    var mine = ++seq;
    if (!q) { list.textContent = ""; return; }
    fetch("/desk/search?q=" + encodeURIComponent(q) + "&city=" + encodeURIComponent(city.value))
      .then(function (r) { return r.json(); })
      .then(function (data) { if (mine === seq) show(data); });
  }

  box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
  city.addEventListener("change", run);
})();
