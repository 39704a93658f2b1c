/*
 * The mlmesh monitor dashboard: fetches /dashboard/series, draws every chart with uPlot into the
 * section of its panel, fills the open-alerts table, and fetches again after the refresh
 * interval the monitor names. Each chart's element carries what it drew as data attributes
 * (chart id, series names, colours, point counts), so that tests and scripts can read the page.
 * Names from the monitor (services, variants) are set as text, never as HTML.
 */
(function () {
  'use strict';

  const DEFAULT_REFRESH_MILLIS = 5000;
  const PLOT_HEIGHT = 220;
  const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
    '#7f7f7f', '#bcbd22', '#17becf'];
  const plots = new Map();
  let refreshCount = 0;

  function colourOf(index) {
    return COLOURS[index % COLOURS.length];
  }

  function formatValue(value, unit) {
    if (value === null || value === undefined) {
      return '–';
    }
    const digits = Math.abs(value) >= 100 ? 1 : 4;
    return value.toFixed(digits) + (unit ? ' ' + unit : '');
  }

  function chartElement(chart) {
    const existing = document.getElementById('chart-' + chart.id);
    if (existing) {
      return existing;
    }

    const element = document.createElement('figure');
    element.id = 'chart-' + chart.id;
    element.className = 'chart';
    element.dataset.chartId = chart.id;
    element.dataset.panel = chart.panel;
    const caption = document.createElement('figcaption');
    caption.textContent = chart.title + (chart.unit ? ' (' + chart.unit + ')' : '');
    const plot = document.createElement('div');
    plot.className = 'plot';
    element.append(caption, plot);
    document.querySelector('#panel-' + chart.panel.toLowerCase() + ' .charts')
      .appendChild(element);
    return element;
  }

  function plotOptions(chart, element) {
    const series = chart.series.map((each, index) => ({
      label: each.name,
      stroke: colourOf(index),
      width: 2,
      points: { show: true, size: 5 },
      value: (plot, value) => formatValue(value, chart.unit),
    }));
    return {
      width: element.clientWidth || 600,
      height: PLOT_HEIGHT,
      scales: { x: { time: true } },
      series: [{}].concat(series),
      axes: [{}, { label: chart.unit }],
    };
  }

  function draw(chart) {
    const element = chartElement(chart);
    const names = chart.series.map((each) => each.name);
    const key = JSON.stringify(names);
    const data = [chart.timesMillis.map((millis) => millis / 1000)]
      .concat(chart.series.map((each) => each.values));

    let drawn = plots.get(chart.id);
    if (drawn && drawn.key === key) {
      drawn.plot.setData(data);
    } else {
      if (drawn) {
        drawn.plot.destroy();
      }
      drawn = { key: key, plot: new uPlot(plotOptions(chart, element), data,
        element.querySelector('.plot')) };
      plots.set(chart.id, drawn);
    }

    const pointsBySeries = {};
    chart.series.forEach((each) => {
      pointsBySeries[each.name] = each.values.filter((value) => value !== null).length;
    });
    element.dataset.series = key;
    element.dataset.seriesColours = JSON.stringify(names.map((name, index) => colourOf(index)));
    element.dataset.seriesPoints = JSON.stringify(pointsBySeries);
    element.dataset.points = String(chart.timesMillis.length);
  }

  function cell(text) {
    const td = document.createElement('td');
    td.textContent = text;
    return td;
  }

  function fillAlerts(alerts) {
    const rows = alerts.map((alert) => {
      const row = document.createElement('tr');
      row.className = 'alert-row';
      row.dataset.objective = alert.objective;
      row.append(cell(alert.objective), cell(alert.reason), cell(alert.since),
        cell(String(alert.calls)), cell(alert.p99Millis.toFixed(1)),
        cell(alert.errorRate.toFixed(4)));
      return row;
    });
    document.querySelector('#alerts tbody').replaceChildren(...rows);
    document.getElementById('no-alerts').hidden = rows.length > 0;
  }

  function markPanels() {
    document.querySelectorAll('.panel').forEach((panel) => {
      panel.classList.toggle('has-content', panel.querySelector('.chart') !== null);
    });
  }

  function showStatus(text, failed) {
    const status = document.getElementById('status');
    status.textContent = text;
    status.classList.toggle('failed', failed);
    status.dataset.refreshes = String(refreshCount);
  }

  async function refresh() {
    let refreshMillis = DEFAULT_REFRESH_MILLIS;
    try {
      const response = await fetch('/dashboard/series', { cache: 'no-store' });
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      const view = await response.json();
      refreshMillis = view.refreshMillis;
      view.charts.forEach(draw);
      fillAlerts(view.openAlerts);
      markPanels();
      refreshCount++;
      showStatus('updated ' + new Date().toISOString() + ', a sample every '
        + view.sampleIntervalMillis + ' ms', false);
    } catch (error) {
      showStatus('cannot read /dashboard/series: ' + error.message, true);
    } finally {
      setTimeout(refresh, refreshMillis);
    }
  }

  window.addEventListener('resize', () => {
    plots.forEach((drawn, id) => {
      const element = document.getElementById('chart-' + id);
      drawn.plot.setSize({ width: element.clientWidth, height: PLOT_HEIGHT });
    });
  });

  refresh();
}());
