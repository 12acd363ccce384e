// attachsim explorer: draws every element with a data-figure attribute (Plotly JSON) once Plotly.js is loaded,
// on page load and after each htmx swap. Charts in view are drawn first, then the rest, one at a time with a
// pause between them, so the first chart appears at once and the page stays responsive.
// No inline scripts: the pages' Content-Security-Policy forbids them.
(function () {
  "use strict";
  var state = { firstChartMs: null, charts: 0, pending: 0 };
  window.attachsimExplorer = state;
  var queue = [];
  var running = false;

  function inView(el) {
    var r = el.getBoundingClientRect();
    return r.top < window.innerHeight && r.bottom > 0;
  }

  function next() {
    if (queue.length === 0) { running = false; return; }
    running = true;
    var el = queue.shift();
    var fig = JSON.parse(el.getAttribute("data-figure"));
    Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false }).then(function () {
      state.charts += 1;
      state.pending = queue.length;
      if (state.firstChartMs === null) { state.firstChartMs = performance.now(); }
      el.classList.add("drawn");
      setTimeout(next, 0);
    });
  }

  function draw(root) {
    if (typeof Plotly === "undefined") { return; }
    var nodes = Array.prototype.slice.call((root || document).querySelectorAll("[data-figure]:not([data-queued])"));
    nodes.forEach(function (el) { el.setAttribute("data-queued", "1"); });
    var visible = nodes.filter(inView);
    var hidden = nodes.filter(function (el) { return !inView(el); });
    queue = visible.concat(queue, hidden);
    state.pending = queue.length;
    if (!running) { next(); }
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { draw(evt.target); });
})();
