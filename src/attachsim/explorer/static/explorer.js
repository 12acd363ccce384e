// attachsim explorer: draws every element with a data-figure attribute (Plotly JSON) once Plotly.js is loaded,
// on page load and after each htmx swap. No inline scripts (the pages' Content-Security-Policy forbids them).
(function () {
  "use strict";
  window.attachsimExplorer = { firstChartMs: null, charts: 0 };
  function draw(root) {
    if (typeof Plotly === "undefined") { return; }
    var nodes = (root || document).querySelectorAll("[data-figure]:not([data-drawn])");
    nodes.forEach(function (el) {
      el.setAttribute("data-drawn", "1");
      var fig = JSON.parse(el.getAttribute("data-figure"));
      Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false }).then(function () {
        var state = window.attachsimExplorer;
        state.charts += 1;
        if (state.firstChartMs === null) { state.firstChartMs = performance.now(); }
        el.classList.add("drawn");
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { draw(evt.target); });
})();
