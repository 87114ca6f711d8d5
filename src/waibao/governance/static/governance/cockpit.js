// The leaders' cockpit charts (ECharts, vendored). Data from the json_script element "cockpit-data".
(function () {
  "use strict";
  var el = document.getElementById("cockpit-data");
  if (!el || typeof echarts === "undefined") { return; }
  var data = JSON.parse(el.textContent);
  var num = function (v) { return v === null ? null : Number(v); };
  var axisLabel = { interval: 0, width: 90, overflow: "truncate", hideOverlap: true };
  var charts = [];
  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var chart = echarts.init(node);
    chart.setOption(option);
    charts.push(chart);
  }
  draw("cockpit-goal-chart", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.goal.years },
    yAxis: { type: "value", axisLabel: { formatter: function (v) { return (v / 1e6) + "M"; } } },
    series: [
      { name: data.goal.names[0], type: "line", data: data.goal.required.map(num), lineStyle: { type: "dashed" } },
      { name: data.goal.names[1], type: "bar", data: data.goal.actual.map(num) }
    ]
  });
  draw("cockpit-fund-chart", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.fund.labels, axisLabel: axisLabel },
    yAxis: { type: "value", axisLabel: { formatter: function (v) { return (v / 1e6) + "M"; } } },
    series: [
      { name: data.fund.names[0], type: "bar", data: data.fund.budgeted.map(num) },
      { name: data.fund.names[1], type: "bar", data: data.fund.committed.map(num) },
      { name: data.fund.names[2], type: "bar", data: data.fund.paid.map(num) }
    ]
  });
  draw("cockpit-duties-chart", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.duties.labels, axisLabel: axisLabel },
    series: [
      { name: data.duties.names[0], type: "bar", stack: "d", data: data.duties.on_time, itemStyle: { color: "#3a7d44" } },
      { name: data.duties.names[1], type: "bar", stack: "d", data: data.duties.overdue, itemStyle: { color: "#b03a2e" } }
    ]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
