// The case dashboard's charts: bars with several series (stacked or side by side), drawn
// from {labels, datasets: [{label, data}], stacked} that the server put in the page.
(function () {
  "use strict";

  // Distinct in colour and in lightness, so the stacks also read in grey print.
  var PALETTE = [
    "#2f6fb3", "#c82333", "#e0a800", "#28a745", "#6f42c1",
    "#17a2b8", "#fd7e14", "#6c757d", "#20c997", "#e83e8c",
  ];

  function draw(canvas, chart) {
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (set, i) {
          return { label: set.label, data: set.data, backgroundColor: PALETTE[i % PALETTE.length] };
        }),
      },
      options: {
        // Drawn at once: under pressure a chart that is still growing misleads.
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        scales: {
          x: { stacked: chart.stacked },
          y: { stacked: chart.stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
    canvas.dataset.chartDrawn = "true";
  }

  // A canvas does not load web fonts itself: load the Hangul glyphs of the labels first.
  function withFonts(chart, then) {
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    if (!document.fonts || !document.fonts.load) return then();
    var text = chart.labels.concat(chart.datasets.map(function (s) { return s.label; })).join("");
    document.fonts.load('12px "Noto Sans KR"', text).then(then, then);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof Chart === "undefined") return;
    document.querySelectorAll("canvas[data-dashboard-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.dashboardChart);
      if (!source) return;
      var chart = JSON.parse(source.textContent);
      withFonts(chart, function () { draw(canvas, chart); });
    });
  });
})();
