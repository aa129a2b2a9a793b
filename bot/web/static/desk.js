// Desk console: search as you type and on Enter (the latest answer wins), each result with
// its 原文 and a button that copies the citation. With a city chosen, what the server says
// about that city comes first (nothing found, or no benefit of that kind), and other
// cities' clauses only under a heading that names them. The query goes in a POST body, not
// a URL, so it stays out of access logs. No personal data is sent or kept.
(function () {
  "use strict";
  var form = document.getElementById("search");
  var box = document.getElementById("q");
  var city = document.getElementById("city");
  var list = document.getElementById("results");
  var notices = document.getElementById("notices");
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

  function hit(r) {
    var li = el("li", "hit");
    li.appendChild(el("div", "meta", r.city + " " + r.number + " " + r.path + (r.title ? " " + r.title : "")
                                     + (r.draft ? list.dataset.draft : "")));
    if (r.sentence) li.appendChild(el("div", "sentence", list.dataset.original + "：" + r.sentence));
    li.appendChild(el("div", "text", r.text));
    var button = el("button", "copy", list.dataset.copy);
    button.type = "button";
    button.dataset.citation = r.citation;
    button.addEventListener("click", function () { copy(r.citation, button); });
    li.appendChild(button);
    return li;
  }

  function show(data) {
    list.textContent = "";
    notices.textContent = "";
    (data.notices || []).forEach(function (line) { notices.appendChild(el("p", "notice", line)); });
    var groups = data.groups || [];
    if (!groups.length && !(data.notices || []).length) {
      list.appendChild(el("p", "none", list.dataset.empty));
      return;
    }
    groups.forEach(function (g) {
      var section = el("section", g.elsewhere ? "group elsewhere" : "group");
      if (g.heading) section.appendChild(el("h2", "group-heading", g.heading));
      var ol = el("ol", "hits");
      g.results.forEach(function (r) { ol.appendChild(hit(r)); });
      section.appendChild(ol);
      list.appendChild(section);
    });
  }

  function run() {
    clearTimeout(timer);
    var q = box.value.trim();
    var mine = ++seq;
    if (!q) { list.textContent = ""; notices.textContent = ""; return; }
    var body = new URLSearchParams();
    body.set("q", q);
    body.set("city", city.value);
    fetch("/desk/search", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (mine === seq) show(data); });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
  city.addEventListener("change", run);
})();
