// Liaison's own behaviour: charts drawn from data the server put in the page, and what the
// Content-Security-Policy keeps out of the markup (style attributes, on… handlers, hx-on).
(function () {
  "use strict";

  // rows: [{label, count}], as the server writes them with json_script.
  function barChart(canvas, rows, horizontal) {
    if (typeof Chart === "undefined") return;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return r.label; }),
        datasets: [{ data: rows.map(function (r) { return r.count; }), backgroundColor: "#2f6fb3" }],
      },
      options: {
        // Charts drawn from data-chart fill the height of their container.
        maintainAspectRatio: !canvas.dataset.chart,
        indexAxis: horizontal ? "y" : "x",
        plugins: { legend: { display: false } },
        scales: { [horizontal ? "x" : "y"]: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  // A canvas does not ask for web fonts itself: load the Hangul glyphs its labels need
  // first, or labels would be drawn as empty boxes where no Korean system font exists.
  function withLabelFonts(rows, draw) {
    if (typeof Chart !== "undefined") {
      Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    }
    if (!document.fonts || !document.fonts.load) return draw();
    var text = rows.map(function (r) { return r.label; }).join("");
    document.fonts.load('12px "Noto Sans KR"', text).then(draw, draw);
  }

  function drawBarChart(canvas, dataId, horizontal) {
    var source = document.getElementById(dataId);
    if (!canvas || !source) return;
    var rows = JSON.parse(source.textContent);
    withLabelFonts(rows, function () {
      barChart(canvas, rows, horizontal);
      canvas.dataset.chartDrawn = "true";
    });
  }

  // Widths the server computes (a job's progress) come as data attributes: the policy
  // refuses style attributes, not a style a script sets.
  function applyWidths(root) {
    root.querySelectorAll("[data-progress-percent]").forEach(function (bar) {
      bar.style.width = bar.dataset.progressPercent + "%";
    });
  }
  // htmx sends the filters of a list marked data-submits-by-htmx (its hx-trigger says
  // "submit"): the browser must not also submit the form itself and leave the page.
  document.addEventListener("submit", function (event) {
    if (event.target.closest("[data-submits-by-htmx]")) event.preventDefault();
  });
  // htmx leaves a refusal (4xx) unswapped; a form marked data-swap-refusal is answered
  // with itself and its errors (a purpose missing), so the 400 answer takes its place.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 && event.detail.elt.closest("[data-swap-refusal]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // New content from htmx (the job panel, polled every second) gets its widths too.
  document.addEventListener("htmx:load", function (event) { applyWidths(event.target); });

  document.addEventListener("DOMContentLoaded", function () {
    applyWidths(document);
    drawBarChart(document.getElementById("partners-by-country"), "partners-by-country-data");
    // Any <canvas data-chart="ID"> is drawn from the json_script element with that id;
    // data-chart-horizontal draws the bars sideways (long labels such as statuses).
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      drawBarChart(canvas, canvas.dataset.chart, "chartHorizontal" in canvas.dataset);
    });
  });
})();
