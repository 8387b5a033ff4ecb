// The public indicators dashboard (/stats): draws the charts from the JSON
// that the page carries in <script type="application/json" id="stats-data">.
// The tables on the page hold the same figures; without this script (or
// without Chart.js) nothing is lost but the pictures.
(function () {
  "use strict";

  var holder = document.getElementById("stats-data");
  if (!holder || typeof window.Chart === "undefined") {
    return;
  }
  var data;
  try {
    data = JSON.parse(holder.textContent);
  } catch (e) {
    return;
  }
  var L = data.labels || {};
  var red = "#b5171d", blue = "#1d4f91", green = "#1f7a3d", grey = "#8a93a0";

  var daily = document.getElementById("chart-daily");
  if (daily && data.days) {
    new window.Chart(daily, {
      type: "bar",
      data: {
        labels: data.days,
        datasets: [
          { type: "bar", label: L.submitted, data: data.submitted, backgroundColor: "rgba(29, 79, 145, .25)", borderColor: blue, borderWidth: 1, order: 2 },
          { type: "line", label: L.online, data: data.online, borderColor: blue, backgroundColor: blue, pointRadius: 0, order: 1 },
          { type: "line", label: L.decided, data: data.decided, borderColor: red, backgroundColor: red, pointRadius: 0, order: 0 }
        ]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxRotation: 0, autoSkip: true } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  var depts = document.getElementById("chart-depts");
  if (depts && data.depts && data.depts.length) {
    // One band of three bars per department.
    depts.parentNode.style.height = Math.max(260, 40 * data.depts.length + 90) + "px";
    new window.Chart(depts, {
      type: "bar",
      data: {
        labels: data.depts,
        datasets: [
          { label: L.online_rate, data: data.online_rate, backgroundColor: blue },
          { label: L.online_completion, data: data.online_completion, backgroundColor: green },
          { label: L.on_time, data: data.on_time, backgroundColor: grey }
        ]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { min: 0, max: 100 } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
})();
