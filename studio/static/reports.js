// The reports page's chart: each row's click rate, with the lower bound it is ranked by drawn over it.
(() => {
  const element = document.getElementById("report-chart");
  if (!element || !window.echarts) return;
  element.style.height = `${element.dataset.height}px`; // one row's room per row; not a style attribute (CSP)
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const labels = data.labels;
  const escape = echarts.format.encodeHTML;
  const rows = data.rows.slice().reverse(); // a category axis starts at the bottom: the best row goes on top
  const percent = (value) => (value == null ? null : Math.round(value * 1000) / 10);
  const name = (row) => (row.label || data.blank) + (row.ranked ? "" : ` · ${labels.unranked}`);
  // rows below the minimum reach in grey: [ranked, not ranked]
  const bar = (row, key, colours) => ({value: percent(row[key]), itemStyle: {color: colours[row.ranked ? 0 : 1]}});

  const chart = echarts.init(element, null, {renderer: "canvas"});
  chart.setOption({
    animationDuration: 300,
    grid: {left: 24, right: 56, top: 36, bottom: 8, containLabel: true},
    legend: {top: 0, data: [labels.rate, labels.rateLow]},
    tooltip: {
      trigger: "axis", axisPointer: {type: "shadow"},
      formatter: (points) => {
        const row = rows[points[0].dataIndex];
        const rate = row.rate == null ? "—" : `${percent(row.rate)}%`;
        return `<strong>${escape(name(row))}</strong><br>${escape(labels.rate)}: ${rate}`
          + `<br>${escape(labels.rateLow)}: ${percent(row.rate_low)}%`
          + `<br>${escape(labels.unique)} / ${escape(labels.reach)}: ${row.unique} / ${row.reach}`;
      },
    },
    xAxis: {type: "value", axisLabel: {formatter: "{value}%"}},
    yAxis: {type: "category", data: rows.map(name), axisLabel: {width: 220, overflow: "truncate"}},
    series: [
      {name: labels.rate, type: "bar", barWidth: 18,
       data: rows.map((row) => bar(row, "rate", ["#a7d7c1", "#e5e7eb"])), itemStyle: {color: "#a7d7c1"}, label: {show: true, position: "right",
       formatter: (point) => (point.value == null ? "" : `${point.value.toFixed(1)}%`)}},
      // drawn over the rate bar: the part of the rate that is not luck, at 95 % confidence
      {name: labels.rateLow, type: "bar", barWidth: 18, barGap: "-100%",
       data: rows.map((row) => bar(row, "rate_low", ["#2f7d5b", "#9ca3af"])),
       itemStyle: {color: "#2f7d5b"}},
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
