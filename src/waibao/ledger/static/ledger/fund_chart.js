// Draws the fund overview's stacked bars (paid, committed, available) from the page's JSON data.
(function () {
  "use strict";
  var node = document.getElementById("ledger-chart-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  function draw(id, labels, series) {
    var el = document.getElementById(id);
    if (!el || !labels.length) { return; }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: labels, axisLabel: { width: 120, overflow: "truncate" } },
      series: series.map(function (s) {
        return { name: s.name, type: "bar", stack: "total", data: s.data.map(Number) };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  draw("chart-categories", data.categories, data.series);
  draw("chart-sources", data.sources, data.source_series);
})();
