// Helpers shared by the command centre's map (command-map.js) and its
// statistics dashboard (command-stats.js): reading the page's
// configuration, fetching JSON with readable failures, formatting, and
// drawing grid cells with Leaflet. Text from the server is always put in
// the page as text, never as HTML.
(function () {
  "use strict";

  // config returns the JSON of <script type="application/json" id=id>.
  function config(id) {
    var holder = document.getElementById(id);
    if (!holder) {
      return null;
    }
    try {
      return JSON.parse(holder.textContent);
    } catch (e) {
      return null;
    }
  }

  // FetchError is a failed request: status 0 for a network failure.
  function FetchError(status, detail) {
    this.status = status;
    this.detail = detail || "";
  }

  // getJSON fetches url and resolves with its JSON, or rejects with a
  // FetchError carrying the problem's detail when the server sent one.
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json, application/geo+json" }, credentials: "same-origin" })
      .then(function (res) {
        if (res.ok) {
          return res.json();
        }
        return res.text().then(function (body) {
          var detail = "";
          try {
            var p = JSON.parse(body);
            detail = p.detail || p.title || "";
          } catch (e) { /* not problem details */ }
          throw new FetchError(res.status, detail);
        });
      }, function (err) {
        throw new FetchError(0, String(err && err.message || err));
      });
  }

  // reason describes a failure for a message: "HTTP 404: detail".
  function reason(err, networkText) {
    if (err instanceof FetchError) {
      if (err.status === 0) {
        return networkText;
      }
      return "HTTP " + err.status + (err.detail ? ": " + err.detail : "");
    }
    return String(err && err.message || err);
  }

  // format replaces each %d or %s of s with the next argument (%% is %).
  function format(s) {
    var args = Array.prototype.slice.call(arguments, 1), i = 0;
    return String(s).replace(/%[ds%]/g, function (m) {
      return m === "%%" ? "%" : String(args[i++]);
    });
  }

  // show puts text in el and shows it; hide hides el.
  function show(el, text) {
    if (el) {
      el.textContent = text;
      el.hidden = false;
    }
  }
  function hide(el) {
    if (el) {
      el.hidden = true;
    }
  }

  // el makes an element with a class and text.
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined && text !== null) {
      e.textContent = text;
    }
    return e;
  }

  // cellStyles are the outlines of the grid's levels, by rank (0: the top).
  var cellStyles = [
    { color: "#163d70", weight: 3, fill: false },
    { color: "#1d4f91", weight: 2, fillColor: "#cfdcef", fillOpacity: 0.25 },
    { color: "#5c6470", weight: 1, dashArray: "4 3", fill: false },
    { color: "#8a93a0", weight: 0.6, fill: false }
  ];

  // cellLayer draws a FeatureCollection of cells of the given rank, each
  // path with the classes "cell cell-LEVEL" and a tooltip of its name.
  function cellLayer(fc, rank, opts) {
    var base = cellStyles[Math.min(rank, cellStyles.length - 1)];
    opts = opts || {};
    return window.L.geoJSON(fc, {
      interactive: opts.interactive !== false,
      style: function (f) {
        var s = {};
        var k;
        for (k in base) {
          s[k] = base[k];
        }
        for (k in opts.style || {}) {
          s[k] = opts.style[k];
        }
        s.className = "cell cell-" + (f.properties && f.properties.level || "r" + rank);
        return s;
      },
      onEachFeature: function (f, layer) {
        var name = f.properties && f.properties.name;
        if (name) {
          layer.bindTooltip(el("span", null, name), { sticky: true, className: "cell-label" });
        }
        if (opts.onEach) {
          opts.onEach(f, layer);
        }
      }
    });
  }

  // plainMap makes a Leaflet map without tiles in the element with id.
  function plainMap(id, options) {
    var map = window.L.map(id, options || {});
    map.attributionControl.setPrefix("");
    map.attributionControl.addAttribution("Leaflet");
    return map;
  }

  window.PCCommand = {
    config: config, getJSON: getJSON, FetchError: FetchError, reason: reason, format: format,
    show: show, hide: hide, el: el, cellLayer: cellLayer, plainMap: plainMap
  };
})();
