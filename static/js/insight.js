// Charts of the archive analysis pages, drawn with the vendored ECharts. A chart is a
// <div data-chart="ID"> whose spec sits in <script type="application/json" id="ID">:
// {"kind": "bar" | "hbar" | "line" | "pie", "labels": [...], "series": [{"name", "data"}],
//  "percent": bool}. A sparkline is a <span data-spark="1,0,3" data-labels="a,b,c">.
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  var RED = "#b3120f";
  var PALETTE = [RED, "#1d4ed8", "#d4a017", "#1a7f37", "#6b21a8", "#455a64", "#d9480f"];
  var charts = [];
  // Tooltips drawn inside the chart: ECharts' HTML tooltip writes style="…" attributes, which
  // the Content-Security-Policy (style-src 'self') refuses.
  var TOOLTIP = "richText";

  function draw(el, option) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  }

  function optionFor(spec) {
    var base = { color: PALETTE, animation: false, tooltip: { trigger: spec.kind === "pie" ? "item" : "axis", renderMode: TOOLTIP } };
    var fmt = spec.percent ? "{value}%" : "{value}";
    if (spec.kind === "pie") {
      base.legend = { bottom: 0 };
      base.series = [{
        type: "pie", radius: ["40%", "68%"], label: { formatter: "{c}" },
        data: spec.labels.map(function (l, i) { return { name: l, value: spec.series[0].data[i] }; })
      }];
      return base;
    }
    var horizontal = spec.kind === "hbar";
    var category = { type: "category", data: spec.labels, axisLabel: { interval: 0, width: 90, overflow: "truncate" } };
    var value = { type: "value", minInterval: 1, axisLabel: { formatter: fmt } };
    base.grid = { left: 8, right: 16, top: 28, bottom: 8, containLabel: true };
    base.xAxis = horizontal ? value : category;
    base.yAxis = horizontal ? Object.assign({}, category, { inverse: true }) : value;
    if (spec.series.length > 1) base.legend = { top: 0, type: "scroll" };
    base.series = spec.series.map(function (s) {
      return {
        name: s.name, type: spec.kind === "line" ? "line" : "bar", data: s.data,
        barMaxWidth: 28, smooth: false, label: { show: spec.kind !== "line", position: horizontal ? "right" : "top" }
      };
    });
    return base;
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (source) draw(el, optionFor(JSON.parse(source.textContent)));
  });

  document.querySelectorAll("[data-spark]").forEach(function (el) {
    var values = el.getAttribute("data-spark").split(",").map(Number);
    var labels = (el.getAttribute("data-labels") || "").split(",");
    var last = values.length - 1;
    draw(el, {
      animation: false,
      grid: { left: 2, right: 6, top: 4, bottom: 2 },
      tooltip: { trigger: "axis", confine: true, renderMode: TOOLTIP },
      xAxis: { type: "category", show: false, data: labels },
      yAxis: { type: "value", show: false, min: 0 },
      series: [{
        type: "line", data: values, symbol: "none", lineStyle: { width: 2, color: RED },
        areaStyle: { color: "rgba(179,18,15,.12)" },
        markPoint: { symbol: "circle", symbolSize: 6, itemStyle: { color: RED }, label: { show: false },
          data: [{ coord: [last, values[last]] }] }
      }]
    });
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
