// Statistics charts (ECharts, vendored). Data comes from a json_script element on the page.
(function () {
  "use strict";
  var el = document.getElementById("chart-data");
  if (!el || typeof echarts === "undefined") { return; }
  var data = JSON.parse(el.textContent);
  var num = function (v) { return v === null ? null : Number(v); };
  var bar = document.getElementById("indicator-chart");
  var goal = document.getElementById("goal-chart");
  var option;
  if (bar) {
    option = {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 16, top: 40, bottom: 60, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 4 ? 30 : 0, width: 160, overflow: "truncate" } },
      yAxis: { type: "value" },
      series: data.series.map(function (s) {
        return { name: s.name, type: data.line ? "line" : "bar", data: s.data.map(num) };
      })
    };
    var chart = echarts.init(bar);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (goal) {
    option = {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 16, top: 40, bottom: 30, containLabel: true },
      xAxis: { type: "category", data: data.years },
      yAxis: { type: "value" },
      series: [
        { name: data.names[0], type: "line", data: data.required.map(num), lineStyle: { type: "dashed" } },
        { name: data.names[1], type: "bar", data: data.actual.map(num) },
        { name: data.names[2], type: "line", data: data.projection.map(num), lineStyle: { type: "dotted" } }
      ]
    };
    var g = echarts.init(goal);
    g.setOption(option);
    window.addEventListener("resize", function () { g.resize(); });
  }
})();
