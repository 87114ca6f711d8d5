// Draws the fund overview's stacked bars (paid, committed, available) from the page's JSON data.
// Labels are never cut: category names wrap (overflow "break") within a width that suits the screen, the chart
// grows with the number of categories, amounts on the axis are compact ("1,500万", "15M") and ECharts hides
// any that would still overlap; containLabel keeps every label inside the chart.
(function () {
  "use strict";
  var node = document.getElementById("ledger-chart-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var compact = new Intl.NumberFormat(document.documentElement.lang || "zh-Hans", {
    notation: "compact", maximumFractionDigits: 1
  });
  function draw(id, labels, series) {
    var el = document.getElementById(id);
    if (!el || !labels.length) { return; }
    var narrow = el.clientWidth < 600;
    var labelWidth = Math.round(Math.max(84, Math.min(220, el.clientWidth * (narrow ? 0.3 : 0.22))));
    el.style.height = Math.max(320, labels.length * (narrow ? 44 : 34) + 90) + "px";
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 28, bottom: 8, top: 40, containLabel: true },
      xAxis: {
        type: "value",
        splitNumber: narrow ? 3 : 5,
        axisLabel: { hideOverlap: true, formatter: function (v) { return compact.format(v); } }
      },
      yAxis: {
        type: "category",
        data: labels,
        axisLabel: { width: labelWidth, overflow: "break", lineHeight: 14, interval: 0 }
      },
      series: series.map(function (s) {
        return { name: s.name, type: "bar", stack: "total", data: s.data.map(Number) };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  draw("chart-categories", data.categories, data.series);
  draw("chart-sources", data.sources, data.source_series);
})();
