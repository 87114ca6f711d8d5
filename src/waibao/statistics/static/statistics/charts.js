// Statistics charts (ECharts, vendored). Data comes from a json_script element on the page.
// Labels are never cut: category labels wrap (overflow "break") in the room each has, ECharts drops those that
// would still overlap (hideOverlap, interval "auto"), amounts on the axis are compact ("1,500万", "15M"), the
// legend wraps with the plot below it, and containLabel keeps every label inside the chart.
(function () {
  "use strict";
  var el = document.getElementById("chart-data");
  if (!el || typeof echarts === "undefined") { return; }
  var data = JSON.parse(el.textContent);
  var num = function (v) { return v === null ? null : Number(v); };
  var compact = new Intl.NumberFormat(document.documentElement.lang || "zh-Hans", {
    notation: "compact", maximumFractionDigits: 1
  });
  var valueAxis = {
    type: "value",
    axisLabel: { hideOverlap: true, formatter: function (v) { return compact.format(v); } }
  };
  function categoryAxis(dom, labels) {
    var room = Math.max(48, Math.floor((dom.clientWidth - 80) / Math.max(labels.length, 1)) - 6);
    // Names (with spaces, or Chinese) wrap in the room each has; codes such as "2008-01" stay whole and
    // ECharts shows every n-th one that fits.
    var wraps = labels.some(function (l) { return /[\s\u3400-\u9fff]/.test(String(l)); });
    var axisLabel = { interval: "auto", hideOverlap: true, lineHeight: 14 };
    if (wraps) { axisLabel.width = room; axisLabel.overflow = "break"; axisLabel.interval = 0; }
    return { type: "category", data: labels, axisLabel: axisLabel };
  }
  // A legend that wraps onto as many lines as it needs, with the plot starting below it (never cut, never
  // scrolled): its height is laid out here with the canvas measure of ECharts' default 12px font.
  var measure = document.createElement("canvas").getContext("2d");
  measure.font = "12px sans-serif";
  function legendTop(dom, names) {
    var room = dom.clientWidth - 10, rows = 1, used = 0;
    names.forEach(function (name) {
      var item = 25 + 5 + measure.measureText(String(name)).width + 10;  // icon, gap, text, item gap
      if (used > 0 && used + item > room) { rows += 1; used = 0; }
      used += item;
    });
    return 12 + rows * 22;
  }
  var bar = document.getElementById("indicator-chart");
  var goal = document.getElementById("goal-chart");
  var option;
  if (bar) {
    option = {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: legendTop(bar, data.series.map(function (s) { return s.name; })), bottom: 8, containLabel: true },
      xAxis: categoryAxis(bar, data.labels),
      yAxis: valueAxis,
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
      grid: { left: 8, right: 24, top: legendTop(goal, data.names), bottom: 8, containLabel: true },
      xAxis: categoryAxis(goal, data.years),
      yAxis: valueAxis,
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
