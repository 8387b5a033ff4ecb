// The command-centre map (/command): the grid's cells from the grid API
// (the top two levels at once, the finer ones lazily by parent when zoomed
// in or switched on), the events from the events API as circle markers
// coloured by state (overdue ones ringed in red), kept live by its
// server-sent events, a heat map, and the filters, which are sent to the
// API. When the events API fails the page says so and shows the grid.
//
// State for tests and tools: #command-map carries data-grid
// ("loading", "ready", "failed") and data-events ("loading", "ready",
// "failed"), and data-markers, the number of markers drawn.
(function () {
  "use strict";

  var C = window.PCCommand, L = window.L;
  var cfg = C && C.config("command-config");
  var box = document.getElementById("command-map");
  if (!cfg || !L || !box) {
    return;
  }
  var T = cfg.text || {};
  var levels = cfg.levels || [];
  var form = document.getElementById("filter-form");
  var statusEl = document.getElementById("command-status");
  var liveEl = document.getElementById("command-live");
  var eventsAlert = document.getElementById("events-unavailable");
  var gridAlert = document.getElementById("grid-unavailable");
  var toggles = {
    events: document.getElementById("layer-events"),
    heat: document.getElementById("layer-heat"),
    communities: document.getElementById("layer-communities"),
    micro: document.getElementById("layer-microgrids")
  };

  // The filter panel is open beside the map on wide screens and folded
  // above it on phones.
  var panel = document.getElementById("command-filters");
  if (panel && window.matchMedia("(min-width: 761px)").matches) {
    panel.open = true;
  }

  box.setAttribute("data-grid", "loading");
  box.setAttribute("data-events", "loading");
  var map = C.plainMap("command-map", { minZoom: 8, maxZoom: 18, zoomSnap: 0.5 });
  map.setView([22.65, 113.85], 11);
  map.createPane("events").style.zIndex = 450;

  // ---- the grid ----

  var grid = {
    top: L.featureGroup().addTo(map),
    second: L.featureGroup().addTo(map),
    third: L.featureGroup(),
    fourth: L.featureGroup(),
    streets: {},  // code → layer of a second-level cell
    thirdOf: {},  // parent code → true once requested
    fourthOf: {}, // parent code → true once requested
    thirds: {},   // code → layer of a third-level cell
    synthetic: false
  };

  function cellsURL(level, parent) {
    var q = "level=" + encodeURIComponent(level);
    if (parent) {
      q += "&parent=" + encodeURIComponent(parent);
    }
    return cfg.api.cells + "?" + q;
  }

  function noteSynthetic(fc) {
    if (fc && fc.synthetic && !grid.synthetic) {
      grid.synthetic = true;
      C.show(document.getElementById("grid-note"), T["js.synthetic_grid"]);
    }
  }

  function loadGrid() {
    if (levels.length < 2) {
      return Promise.reject(new Error("no levels"));
    }
    return Promise.all([C.getJSON(cellsURL(levels[0])), C.getJSON(cellsURL(levels[1]))]).then(function (r) {
      C.cellLayer(r[0], 0, { interactive: false }).addTo(grid.top);
      C.cellLayer(r[1], 1, {
        onEach: function (f, layer) { grid.streets[f.properties.code] = layer; }
      }).addTo(grid.second);
      noteSynthetic(r[0]);
      noteSynthetic(r[1]);
      fitFilter(false);
      box.setAttribute("data-grid", "ready");
      lazyCells();
    }, function (err) {
      box.setAttribute("data-grid", "failed");
      C.show(gridAlert, C.format(T["js.grid_failed"], C.reason(err, T["js.network"])));
    });
  }

  // fitFilter shows the chosen street, or the whole grid; the first time
  // without animation, so that the page is settled once the grid is ready.
  function fitFilter(animate) {
    var s = grid.streets[filter().street];
    var b = s ? s.getBounds() : grid.top.getBounds();
    if (b.isValid()) {
      map.fitBounds(b, { padding: [8, 8], animate: animate !== false });
    }
  }

  // wants reports whether the cells of rank 2 or 3 are to be shown.
  function wants(rank) {
    var z = map.getZoom();
    if (rank === 2) {
      return levels.length > 2 && (toggles.communities.checked || toggles.micro.checked || z >= 13);
    }
    return levels.length > 3 && (toggles.micro.checked || z >= 15);
  }

  // loadChildren fetches, once per parent, the cells of rank under the
  // parents whose cells lie in view.
  function loadChildren(rank, parents, done, into, onEach) {
    var view = map.getBounds();
    Object.keys(parents).forEach(function (code) {
      if (done[code] || !parents[code].getBounds().intersects(view)) {
        return;
      }
      done[code] = true;
      C.getJSON(cellsURL(levels[rank], code)).then(function (fc) {
        noteSynthetic(fc);
        C.cellLayer(fc, rank, { onEach: onEach }).addTo(into);
        if (rank === 2) {
          lazyCells();
        }
      }, function () {
        delete done[code]; // try again on the next move
      });
    });
  }

  function lazyCells() {
    var showThird = wants(2), showFourth = wants(3);
    setLayer(grid.third, showThird);
    setLayer(grid.fourth, showFourth);
    if (showThird) {
      loadChildren(2, grid.streets, grid.thirdOf, grid.third, function (f, layer) {
        grid.thirds[f.properties.code] = layer;
      });
    }
    if (showFourth) {
      loadChildren(3, grid.thirds, grid.fourthOf, grid.fourth);
    }
  }

  function setLayer(layer, on) {
    if (on && !map.hasLayer(layer)) {
      layer.addTo(map);
    } else if (!on && map.hasLayer(layer)) {
      map.removeLayer(layer);
    }
  }

  map.on("moveend", lazyCells);
  toggles.communities.addEventListener("change", lazyCells);
  toggles.micro.addEventListener("change", lazyCells);

  // ---- filters ----

  function filter() {
    var f = { category: "", state: "", street: "", period: "7d" };
    if (form) {
      ["category", "state", "street", "period"].forEach(function (k) {
        if (form.elements[k]) {
          f[k] = form.elements[k].value;
        }
      });
    }
    return f;
  }

  // since is the start of the chosen period, or null for all time.
  function since(f) {
    for (var i = 0; i < (cfg.periods || []).length; i++) {
      var p = cfg.periods[i];
      if (p.code === f.period && p.hours > 0) {
        return new Date(Date.now() - p.hours * 3600 * 1000);
      }
    }
    return null;
  }

  function eventsQuery(f) {
    var q = new URLSearchParams();
    if (f.category) { q.set("category", f.category); }
    if (f.state) { q.set("state", f.state); }
    if (f.street) { q.set("grid", f.street); }
    var s = since(f);
    if (s) { q.set("since", s.toISOString().replace(/\.\d{3}Z$/, "Z")); }
    q.set("limit", String(cfg.limit));
    return q.toString();
  }

  // chinaDay is the day (YYYY-MM-DD) of t in China time (UTC+8), as the
  // heat-map API counts by day.
  function chinaDay(t) {
    return new Date(t.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  }

  function heatQuery(f) {
    var q = new URLSearchParams();
    if (f.street) { q.set("grid", f.street); }
    var s = since(f);
    if (s) { q.set("from", chinaDay(s)); }
    return q.toString();
  }

  // Changing a filter updates the address (so that it can be shared or
  // reloaded) and the map, without reloading the page.
  function applyFilters() {
    var f = filter(), q = new URLSearchParams();
    ["category", "state", "street"].forEach(function (k) { if (f[k]) { q.set(k, f[k]); } });
    if (f.period !== "7d") { q.set("period", f.period); }
    var qs = q.toString();
    window.history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
    fitFilter();
    loadEvents();
    if (toggles.heat.checked) {
      loadHeat();
    }
  }
  if (form) {
    form.addEventListener("submit", function (ev) { ev.preventDefault(); applyFilters(); });
    form.addEventListener("change", function (ev) {
      if (ev.target && ev.target.tagName === "SELECT") {
        applyFilters();
      }
    });
  }

  // ---- categories ----

  var parents = {}; // category code → parent code
  C.getJSON(cfg.api.categories).then(function (list) {
    var sel = form && form.elements.category;
    if (!sel || !Array.isArray(list)) {
      return;
    }
    var chosen = sel.value;
    while (sel.options.length > 1) {
      sel.remove(1);
    }
    list.forEach(function (c) {
      parents[c.code] = c.parent || "";
      var o = C.el("option", null, (c.parent ? "　" : "") + c.name);
      o.value = c.code;
      o.selected = c.code === chosen;
      sel.appendChild(o);
    });
  }, function () { /* the events notice says why */ });

  function inCategory(code, want) {
    for (var guard = 0; code && guard < 10; guard++) {
      if (code === want) {
        return true;
      }
      code = parents[code];
    }
    return false;
  }

  // ---- events ----

  var events = L.featureGroup().addTo(map);
  var markers = {}; // id → marker
  var loadSeq = 0;

  function isOverdue(p) {
    if (p.overdue) {
      return true;
    }
    return !!p.due_at && p.state !== "closed" && Date.parse(p.due_at) < Date.now();
  }

  function markerClass(p, fresh) {
    return "event-marker ev-" + p.state + (isOverdue(p) ? " ev-overdue" : "") + (fresh ? " ev-fresh" : "");
  }

  function when(s) {
    if (!s) {
      return "";
    }
    var d = new Date(s);
    if (isNaN(d)) {
      return s;
    }
    return d.toLocaleString(cfg.lang === "en" ? "en-GB" : "zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
  }

  function popup(p) {
    var root = C.el("div", "ev-popup");
    root.appendChild(C.el("strong", null, p.category_name || p.category || ""));
    root.appendChild(C.el("span", "mono", p.code || p.id));
    var dl = C.el("dl");
    [["js.reported_at", when(p.reported_at)], ["js.due_at", when(p.due_at)], ["js.cell", p.cell_name || p.cell || ""]].forEach(function (row) {
      if (row[1]) {
        dl.appendChild(C.el("dt", null, T[row[0]]));
        dl.appendChild(C.el("dd", null, row[1]));
      }
    });
    root.appendChild(dl);
    var badges = C.el("p");
    badges.appendChild(C.el("span", "badge", T["state." + p.state] || p.state));
    if (isOverdue(p)) {
      badges.appendChild(C.el("span", "badge badge-red", T["js.overdue"]));
    }
    if (p.synthetic) {
      badges.appendChild(C.el("span", "badge badge-warn", T["js.synthetic"]));
    }
    root.appendChild(badges);
    var a = C.el("a", "event-link", T["js.open_event"]);
    a.href = cfg.api.event + encodeURIComponent(p.id);
    root.appendChild(a);
    return root;
  }

  // put draws (or redraws) the event with properties p at [lat, lon].
  function put(p, lat, lon, fresh) {
    drop(p.id);
    if (typeof lat !== "number" || typeof lon !== "number") {
      return;
    }
    var m = L.circleMarker([lat, lon], {
      pane: "events", radius: isOverdue(p) ? 8 : 6, weight: isOverdue(p) ? 3 : 1,
      fillOpacity: 0.9, className: markerClass(p, fresh)
    });
    m.feature = { properties: p };
    m.bindPopup(function () { return popup(p); });
    m.addTo(events);
    markers[p.id] = m;
  }

  function drop(id) {
    if (markers[id]) {
      events.removeLayer(markers[id]);
      delete markers[id];
    }
  }

  function count() {
    var n = 0, late = 0;
    Object.keys(markers).forEach(function (id) {
      n++;
      if (isOverdue(markers[id].feature.properties)) {
        late++;
      }
    });
    box.setAttribute("data-markers", String(n));
    var s = C.format(T["js.count"], n, late);
    if (n >= cfg.limit) {
      s += C.format(T["js.limited"], cfg.limit);
    }
    statusEl.textContent = s;
  }

  // An event page links here with ?focus=<id>: the first load centres the
  // map on that event and opens its popup.
  var focusID = new URLSearchParams(location.search).get("focus");
  function focusOnce() {
    var m = focusID && markers[focusID];
    if (!m) {
      return;
    }
    focusID = null;
    map.setView(m.getLatLng(), Math.max(map.getZoom(), 16), { animate: false });
    m.openPopup();
  }

  function loadEvents() {
    var seq = ++loadSeq;
    box.setAttribute("data-events", "loading");
    return C.getJSON(cfg.api.map + "?" + eventsQuery(filter())).then(function (fc) {
      if (seq !== loadSeq) {
        return;
      }
      events.clearLayers();
      markers = {};
      (fc && fc.features || []).forEach(function (f) {
        var c = f.geometry && f.geometry.coordinates;
        if (f.properties && c) {
          put(f.properties, c[1], c[0], false);
        }
      });
      C.hide(eventsAlert);
      box.setAttribute("data-events", "ready");
      count();
      focusOnce();
      listen();
    }, function (err) {
      if (seq !== loadSeq) {
        return;
      }
      events.clearLayers();
      markers = {};
      box.setAttribute("data-events", "failed");
      box.setAttribute("data-markers", "0");
      C.show(eventsAlert, C.format(T["js.events_failed"], C.reason(err, T["js.network"])));
      statusEl.textContent = "";
    });
  }

  // matches reports whether a changed event belongs on the map.
  function matches(p) {
    var f = filter(), s = since(f);
    return (!f.category || inCategory(p.category, f.category)) && (!f.state || p.state === f.state) &&
      (!f.street || p.street === f.street) && (!s || !p.reported_at || Date.parse(p.reported_at) >= s.getTime());
  }

  // ---- live changes ----

  var stream = null;
  function listen() {
    if (stream || !window.EventSource) {
      return;
    }
    var opened = false;
    stream = new EventSource(cfg.api.stream);
    stream.addEventListener("open", function () {
      // Changes made while the stream was down are not replayed: after a
      // reconnection, read the map again.
      if (opened) {
        loadEvents();
      }
      opened = true;
      liveEl.textContent = T["js.live_on"];
      liveEl.className = "command-live muted small live-on";
    });
    stream.addEventListener("error", function () {
      var closed = stream.readyState === EventSource.CLOSED;
      liveEl.textContent = closed ? T["js.live_off"] : T["js.live_retry"];
      liveEl.className = "command-live muted small";
    });
    stream.addEventListener("change", function (ev) {
      var ch;
      try {
        ch = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      if (!ch || !ch.id) {
        return;
      }
      if (matches(ch)) {
        put(ch, ch.lat, ch.lon, true);
      } else {
        drop(ch.id);
      }
      count();
      box.setAttribute("data-last-change", ch.id);
    });
  }

  // An event becomes overdue when its time runs out, with or without a
  // change: redraw the rings every minute.
  window.setInterval(function () {
    Object.keys(markers).forEach(function (id) {
      var m = markers[id], p = m.feature.properties, el = m.getElement && m.getElement();
      m.setRadius(isOverdue(p) ? 8 : 6);
      m.setStyle({ weight: isOverdue(p) ? 3 : 1 });
      if (el) {
        el.setAttribute("class", markerClass(p, false) + " leaflet-interactive");
      }
    });
    count();
  }, 60 * 1000);

  toggles.events.addEventListener("change", function () { setLayer(events, toggles.events.checked); });

  // ---- heat map ----

  var heat = null;
  function loadHeat() {
    return C.getJSON(cfg.api.heat + "?" + heatQuery(filter())).then(function (r) {
      var pts = (r && r.points || []), max = 1;
      pts.forEach(function (p) { max = Math.max(max, p[2] || 1); });
      if (heat) {
        map.removeLayer(heat);
      }
      heat = L.heatLayer(pts, { radius: 20, blur: 16, maxZoom: 15, max: max });
      if (toggles.heat.checked) {
        heat.addTo(map);
      }
      box.setAttribute("data-heat", String(pts.length));
    }, function (err) {
      toggles.heat.checked = false;
      box.setAttribute("data-heat", "failed");
      C.show(eventsAlert, C.format(T["js.heat_failed"], C.reason(err, T["js.network"])));
    });
  }
  toggles.heat.addEventListener("change", function () {
    if (toggles.heat.checked) {
      loadHeat();
    } else if (heat) {
      map.removeLayer(heat);
    }
  });

  loadGrid();
  loadEvents();
})();
