// The scorecard's chart: points by source and month (stacked bars) and the running total
// (a line), drawn with the vendored ECharts from <script type="application/json" id="points-data">.
(function () {
  "use strict";
  var box = document.getElementById("points-chart");
  var source = document.getElementById("points-data");
  if (!window.echarts || !box || !source) return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(box);
  var series = data.series.map(function (s) {
    return {name: s.name, type: "bar", stack: "points", data: s.data, emphasis: {focus: "series"}};
  });
  series.push({name: box.dataset.cumulative, type: "line", data: data.cumulative, smooth: true, symbolSize: 5});
  chart.setOption({
    // Drawn inside the chart: the HTML tooltip's style="…" attributes are refused by the CSP.
    tooltip: {trigger: "axis", renderMode: "richText"},
    legend: {type: "scroll", bottom: 0},
    grid: {left: 44, right: 12, top: 16, bottom: 56},
    xAxis: {type: "category", data: data.months},
    yAxis: {type: "value"},
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
