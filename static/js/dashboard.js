// Dashboard charts (Chart.js, vendored). Data comes from the json_script #dashboard-charts inside
// the live fragment; when htmx swaps the fragment after a stock change, the charts are redrawn.
(function () {
  "use strict";

  var charts = {};

  function readData() {
    var element = document.getElementById("dashboard-charts");
    if (!element) { return null; }
    try { return JSON.parse(element.textContent); } catch (error) { return null; }
  }

  // A day without a stock-value snapshot comes as null: keep it null, a gap in the line, not 0.
  function numbers(values) {
    return values.map(function (value) { return value === null ? null : Number(value); });
  }

  function draw(canvasId, type, series, extra) {
    var canvas = document.getElementById(canvasId);
    if (charts[canvasId]) { charts[canvasId].destroy(); delete charts[canvasId]; }
    if (!canvas || !series) { return; }
    var dataset = Object.assign({ label: canvas.dataset.label || "", data: numbers(series.values) }, extra || {});
    charts[canvasId] = new window.Chart(canvas, {
      type: type,
      data: { labels: series.labels, datasets: [dataset] },
      options: {
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true } }
      }
    });
  }

  function drawAll() {
    var data = readData();
    if (!data || !window.Chart) { return; }
    draw("chart-stock-value", "line", data.stock_value, { fill: true, tension: 0.2, pointRadius: 0 });
    draw("chart-movements-per-day", "bar", data.movements_per_day);
    draw("chart-top-movers", "bar", data.top_movers, { indexAxis: "x" });
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "dashboard-live") { drawAll(); }
  });
})();
