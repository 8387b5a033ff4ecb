// The command centre's statistics dashboard (/command/stats): the figures
// of a grid node over a period from the events statistics API, a chart
// and a table by category (Chart.js), and a small map of the node with
// the cells below it, each a link to its own figures. When the API fails
// the page says so; the map of the node is still drawn.
//
// State for tests and tools: #stats-figures carries data-state
// ("loading", "ready", "failed").
(function () {
  "use strict";

  var C = window.PCCommand;
  var cfg = C && C.config("stats-config");
  if (!cfg) {
    return;
  }
  var T = cfg.text || {};
  var figures = document.getElementById("stats-figures");
  var took = document.getElementById("stats-took");
  var alertEl = document.getElementById("stats-unavailable");
  var locale = cfg.lang === "en" ? "en-GB" : "zh-CN";
  figures.setAttribute("data-state", "loading");

  function num(n) {
    return typeof n === "number" && isFinite(n) ? n.toLocaleString(locale) : "—";
  }

  function hours(h) {
    if (typeof h !== "number" || !isFinite(h)) {
      return "—";
    }
    return C.format(T["stats.js.hours"], h.toLocaleString(locale, { maximumFractionDigits: 1 }));
  }

  // rate shows a closure rate given as a fraction (0.9944) as a percentage.
  function rate(r) {
    if (typeof r !== "number" || !isFinite(r)) {
      return "—";
    }
    var pct = r <= 1 ? r * 100 : r;
    return pct.toLocaleString(locale, { maximumFractionDigits: 2 }) + "%";
  }

  function set(id, text) {
    var e = document.getElementById(id);
    if (e) {
      e.textContent = text;
    }
  }

  function fill(s) {
    set("stat-reported", num(s.reported));
    set("stat-closed", num(s.closed));
    set("stat-closure-rate", rate(s.closure_rate));
    set("stat-mean-hours", hours(s.mean_hours));
    set("stat-median-hours", hours(s.median_hours));
    set("stat-overdue", num(s.overdue));
    took.textContent = typeof s.took_ms === "number" ? C.format(T["stats.js.took"], num(s.took_ms)) : "";
    var cats = Array.isArray(s.by_category) ? s.by_category.slice() : [];
    cats.sort(function (a, b) { return (b.reported || 0) - (a.reported || 0); });
    table(cats);
    chart(cats);
    if (!s.reported && !cats.length) {
      took.textContent = T["stats.js.none"] + " " + took.textContent;
    }
  }

  function table(cats) {
    var body = document.querySelector("#category-table tbody");
    if (!body) {
      return;
    }
    body.textContent = "";
    cats.forEach(function (c) {
      var tr = document.createElement("tr");
      tr.appendChild(C.el("td", null, c.name || c.code));
      tr.appendChild(C.el("td", null, num(c.reported)));
      tr.appendChild(C.el("td", null, num(c.closed)));
      tr.appendChild(C.el("td", null, num(c.overdue)));
      body.appendChild(tr);
    });
  }

  function chart(cats) {
    var canvas = document.getElementById("chart-categories");
    if (!canvas || !window.Chart) {
      return;
    }
    if (!cats.length) {
      canvas.parentNode.hidden = true;
      return;
    }
    canvas.parentNode.style.height = Math.max(240, 30 * cats.length + 80) + "px";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: cats.map(function (c) { return c.name || c.code; }),
        datasets: [
          { label: T["stats.js.reported"], data: cats.map(function (c) { return c.reported || 0; }), backgroundColor: "#1d4f91" },
          { label: T["stats.js.closed"], data: cats.map(function (c) { return c.closed || 0; }), backgroundColor: "#1f7a3d" },
          { label: T["stats.js.overdue"], data: cats.map(function (c) { return c.overdue || 0; }), backgroundColor: "#b5171d" }
        ]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  var q = new URLSearchParams({ grid: cfg.grid, from: cfg.from, to: cfg.to });
  C.getJSON(cfg.api.stats + "?" + q.toString()).then(function (s) {
    fill(s || {});
    figures.setAttribute("data-state", "ready");
    figures.removeAttribute("aria-busy");
  }, function (err) {
    figures.setAttribute("data-state", "failed");
    figures.removeAttribute("aria-busy");
    took.textContent = "";
    C.hide(document.getElementById("stats-categories"));
    C.show(alertEl, C.format(T["stats.js.unavailable"], C.reason(err, T["stats.js.network"])));
  });

  // ---- the node's map ----

  var L = window.L;
  if (!L || !document.getElementById("node-map")) {
    return;
  }
  var map = C.plainMap("node-map", { scrollWheelZoom: false, zoomSnap: 0.25 });
  map.setView([22.65, 113.85], 11);
  var box = document.getElementById("node-map");
  box.setAttribute("data-state", "loading");

  function link(code) {
    var p = new URLSearchParams({ grid: code, from: cfg.from, to: cfg.to });
    return cfg.api.page + "?" + p.toString();
  }

  var node = C.getJSON(cfg.api.cells + "/" + encodeURIComponent(cfg.grid)).then(function (f) {
    var layer = C.cellLayer(f, 1, { interactive: false }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [6, 6], animate: false });
  });
  var children = !cfg.child_level ? Promise.resolve() :
    C.getJSON(cfg.api.cells + "?" + new URLSearchParams({ level: cfg.child_level, parent: cfg.grid }).toString()).then(function (fc) {
      C.cellLayer(fc, 2, {
        style: { fill: true, fillColor: "#1d4f91", fillOpacity: 0.06 },
        onEach: function (f, layer) {
          layer.on("click", function () { location.href = link(f.properties.code); });
        }
      }).addTo(map);
    });
  Promise.all([node, children]).then(function () {
    box.setAttribute("data-state", "ready");
  }, function (err) {
    box.setAttribute("data-state", "failed");
    var msg = C.format(T["stats.js.map_failed"], C.reason(err, T["stats.js.network"]));
    C.show(alertEl, alertEl.hidden ? msg : alertEl.textContent + " " + msg);
  });
})();
