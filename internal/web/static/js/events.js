// Grid events pages (/events): the report page's map and the phone's
// location, the patrol check-in, the place of handling and verification.
// The pages work without it (coordinates can be typed in); it adds the map
// and the location. The Content-Security-Policy forbids inline scripts,
// so everything is bound here to ids and data attributes.
(function () {
  "use strict";

  function each(root, sel, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(sel), fn);
  }

  // fill puts a position into a form's [data-lon] and [data-lat] inputs.
  function fill(form, lon, lat) {
    each(form, "[data-lon]", function (el) { el.value = lon.toFixed(6); });
    each(form, "[data-lat]", function (el) { el.value = lat.toFixed(6); });
  }

  function hasPosition(form) {
    var el = form.querySelector("[data-lon]");
    return el && el.value.trim() !== "";
  }

  // locate asks the phone for its position.
  function locate(timeout, done, fail) {
    if (!navigator.geolocation) {
      fail("geolocation unavailable");
      return;
    }
    navigator.geolocation.getCurrentPosition(function (p) {
      done(p.coords.longitude, p.coords.latitude);
    }, function (err) {
      fail(err && err.message ? err.message : "error");
    }, { enableHighAccuracy: true, timeout: timeout, maximumAge: 30000 });
  }

  // Forms with data-geoform send the phone's position when they have none:
  // the patrol check-in, and the handling and verification forms
  // (data-geo-optional: they go without one if it cannot be had).
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-geoform") || hasPosition(form) || form.dataset.located) {
      return;
    }
    ev.preventDefault();
    var send = function () {
      form.dataset.located = "1";
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    };
    locate(form.hasAttribute("data-geo-optional") ? 5000 : 10000, function (lon, lat) {
      fill(form, lon, lat);
      send();
    }, send);
  });

  var mapBox = document.getElementById("report-map");
  var form = document.getElementById("report-form");
  if (!mapBox || !form) {
    return;
  }
  var where = document.getElementById("report-where");
  var lonIn = form.querySelector("[data-lon]"), latIn = form.querySelector("[data-lat]");
  var map = null, marker = null, cells = null, shownParent = "";

  // outline draws the micro-grids of the community the point lies in, the
  // point's own one stronger, so that the pin has a place around it.
  function outline(parent, cell) {
    if (!map) {
      return;
    }
    var style = function (f) {
      var mine = f.properties.code === cell;
      return { color: mine ? "#b5171d" : "#1d4f91", weight: mine ? 2 : 1, fill: mine, fillOpacity: 0.08 };
    };
    if (parent === shownParent && cells) {
      cells.setStyle(style);
      return;
    }
    fetch("/api/v1/grid/cells?level=microgrid&parent=" + encodeURIComponent(parent), { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (gj) {
        if (!gj) { return; }
        if (cells) { map.removeLayer(cells); }
        cells = window.L.geoJSON(gj, { style: style, interactive: false }).addTo(map);
        shownParent = parent;
      })
      .catch(function () {});
  }

  // describe shows which grid cell the point lies in.
  function describe(lon, lat) {
    fetch("/api/v1/grid/locate?lon=" + lon + "&lat=" + lat, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j || !j.chain) {
          where.textContent = where.dataset.outside;
          return;
        }
        where.textContent = where.dataset.label + j.chain.map(function (c) { return c.name; }).join(" › ");
        if (j.chain.length > 1 && j.cell) {
          outline(j.chain[j.chain.length - 2].code, j.cell.code);
        }
      })
      .catch(function () { where.textContent = ""; });
  }

  function place(lon, lat, pan) {
    fill(form, lon, lat);
    if (map) {
      if (!marker) {
        marker = window.L.circleMarker([lat, lon], { radius: 9, color: "#b5171d", weight: 3, fillOpacity: 0.5 }).addTo(map);
      } else {
        marker.setLatLng([lat, lon]);
      }
      if (pan) {
        map.setView([lat, lon], Math.max(map.getZoom(), 16));
      }
    }
    describe(lon, lat);
  }

  function typed() {
    var lon = parseFloat(lonIn.value), lat = parseFloat(latIn.value);
    if (isFinite(lon) && isFinite(lat)) {
      place(lon, lat, true);
    }
  }
  lonIn.addEventListener("change", typed);
  latIn.addEventListener("change", typed);

  each(form, "[data-geolocate]", function (btn) {
    btn.addEventListener("click", function () {
      var label = btn.textContent;
      btn.textContent = btn.dataset.locating;
      btn.disabled = true;
      locate(10000, function (lon, lat) {
        btn.textContent = label;
        btn.disabled = false;
        place(lon, lat, true);
      }, function (msg) {
        btn.textContent = label;
        btn.disabled = false;
        where.textContent = btn.dataset.failed + msg;
      });
    });
  });

  if (!window.L) {
    mapBox.textContent = mapBox.dataset.noMap;
    mapBox.classList.add("ev-map-none");
    return;
  }
  map = window.L.map(mapBox, { attributionControl: false }).setView([22.6, 113.85], 11);
  map.on("click", function (e) { place(e.latlng.lng, e.latlng.lat, false); });
  fetch(mapBox.dataset.streets, { headers: { Accept: "application/geo+json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (gj) {
      if (!gj) { return; }
      var streets = window.L.geoJSON(gj, {
        style: { color: "#1d4f91", weight: 1, fillColor: "#eef3fa", fillOpacity: 0.35 },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(f.properties.name, { sticky: true });
          layer.on("click", function (e) { place(e.latlng.lng, e.latlng.lat, false); });
        }
      }).addTo(map);
      // Without animation: Leaflet ignores a move asked for while it
      // animates a zoom, so a location found meanwhile would be lost.
      if (!marker) {
        map.fitBounds(streets.getBounds(), { animate: false });
      }
    })
    .catch(function () {});
  typed();
})();
