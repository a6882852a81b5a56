/* Dashboards: draw the server-built Plotly figures, submit filters on change, sort tables.
 * No inline script anywhere (Content-Security-Policy): each figure's JSON sits in a
 * <script type="application/json" id="…"> placed by Django's json_script, named by data-figure. */
(function () {
  "use strict";

  function drawCharts() {
    if (!window.Plotly) { return; }
    document.querySelectorAll(".js-chart[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(el, figure.data, figure.layout, figure.config);
    });
  }

  function resizeCharts() {
    if (!window.Plotly) { return; }
    document.querySelectorAll(".js-plotly-plot").forEach(function (el) {
      window.Plotly.Plots.resize(el);
    });
  }

  function autosubmit() {
    document.querySelectorAll("select.js-autosubmit").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  function sortable() {
    document.querySelectorAll("table[data-sortable]").forEach(function (table) {
      table.querySelectorAll("button.sort").forEach(function (button) {
        button.addEventListener("click", function () {
          var column = Number(button.getAttribute("data-column"));
          var th = button.closest("th");
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = a.cells[column] ? a.cells[column].getAttribute("data-sort") || "" : "";
            var y = b.cells[column] ? b.cells[column].getAttribute("data-sort") || "" : "";
            var numeric = /^-?\d+(\.\d+)?$/;
            var result = numeric.test(x) && numeric.test(y) ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, "vi");
            if (x === "" && y !== "") { return 1; }
            if (y === "" && x !== "") { return -1; }
            return ascending ? result : -result;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    autosubmit();
    sortable();
  });
  window.addEventListener("beforeprint", resizeCharts);
  window.addEventListener("afterprint", resizeCharts);
})();
