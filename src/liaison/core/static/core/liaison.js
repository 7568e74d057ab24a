// Liaison's own behaviour: charts drawn from data the server put in the page.
(function () {
  "use strict";

  function drawBarChart(canvasId, dataId) {
    var canvas = document.getElementById(canvasId);
    var source = document.getElementById(dataId);
    if (!canvas || !source || typeof Chart === "undefined") return;
    var rows = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return r.label; }),
        datasets: [{ data: rows.map(function (r) { return r.count; }), backgroundColor: "#2f6fb3" }],
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawBarChart("partners-by-country", "partners-by-country-data");
  });
})();
