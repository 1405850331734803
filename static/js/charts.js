/*
 * Draw every chart on the page from data embedded with Django's json_script.
 *
 * Markup: <canvas data-chart="ID" aria-describedby="..."></canvas> next to
 * {{ data|json_script:"ID" }}, where data is a Chart.js configuration
 * ({type, data, options}). Each chart must also have a data table or a text
 * summary beside it for screen readers and for people who prefer numbers.
 */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var palette = ["#1d4f91", "#c0392b", "#1e7b4f", "#8a5a00", "#6b3fa0", "#0f6e7a", "#5b5b5b", "#a3306b"];
  window.Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  window.Chart.defaults.color = "#1e1e1e";
  window.Chart.defaults.animation = false;
  // Numbers on axes and in tooltips as the page's language writes them
  // ("10,5" in French), whatever the browser's own language.
  window.Chart.defaults.locale = document.documentElement.lang || "fr";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var config = JSON.parse(source.textContent);
    (config.data.datasets || []).forEach(function (dataset, index) {
      var colour = palette[index % palette.length];
      if (!dataset.borderColor) {
        dataset.borderColor = colour;
      }
      if (!dataset.backgroundColor) {
        dataset.backgroundColor = config.type === "line" ? colour : colour;
      }
    });
    config.options = config.options || {};
    config.options.maintainAspectRatio = false;
    new window.Chart(canvas, config);
  });
})();
