/*
 * LocalBridge operator status page: plain JavaScript, no framework, no build step, no request other than to
 * this service's own API. It is served at /q/status/ on health-service's management port, beside the detailed
 * cluster view it reads (/q/cluster); URLs are relative (../cluster) so the page works behind a path prefix.
 *
 * It polls GET ../cluster and GET ../cluster/history together, every pollIntervalMs of the last health
 * answer (clamped to 1..10 s; 5 s until the first answer). A 503 answer is an unhealthy cluster and is shown
 * like any other; a failed request (network error, timeout, an answer that is not the health JSON) shows the
 * "health-service unreachable" banner and keeps the last data on screen, greyed.
 *
 * Machine-readable DOM, for tests and scrapers:
 *  - every element showing an API value has data-field="<json path>" (e.g. figures.successRate) and
 *    data-value="<raw value>": numbers as JavaScript prints them, booleans as true/false, strings as they are,
 *    null or absent as an empty string. The visible text is formatted ("99.2 %").
 *  - replica rows are <tr data-node-id="…">; their cells have data-field paths relative to the replica
 *    (tunnels, window.successRate, …) and data-value.
 *  - active alerts are <li data-alert="<name>" data-severity="…">; with none, one <li class="empty">.
 *  - chart SVGs have data-chart="<sample field>" and data-points="<samples drawn>"; the line is
 *    <path class="series"> with one M/L command per drawn sample.
 *  - <body> has data-refreshes (completed refreshes), data-polled-at (polledAt of the answer shown) and
 *    data-connection (loading | ok | unreachable | error: the page's own failure, see the console).
 */
(() => {
  'use strict';

  const HEALTH_URL = '../cluster';
  const HISTORY_URL = '../cluster/history';
  const MIN_INTERVAL_MS = 1000;
  const MAX_INTERVAL_MS = 10000;
  const DEFAULT_INTERVAL_MS = 5000;
  const FETCH_TIMEOUT_MS = 8000;
  const HOUR_MS = 3600 * 1000;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const DEFAULT_THRESHOLDS = {
    minSuccessRate: 0.95, maxTimeoutRate: 0.05, maxAverageResponseTimeMs: 2000, maxMemoryBytes: 209715200,
  };

  const state = {
    refreshes: 0,
    intervalMs: DEFAULT_INTERVAL_MS,
    health: null,
    history: null,
    updatedAt: null,
  };

  const $ = (id) => document.getElementById(id);

  // ---- formatting -------------------------------------------------------------------------------------------

  const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
  const pad2 = (n) => String(n).padStart(2, '0');
  const clock = (date) => `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
  const clockShort = (date) => `${pad2(date.getHours())}:${pad2(date.getMinutes())}`;

  function percent(v) {
    if (!isNum(v)) return '—';
    // Never round 99.96 % up to "100.0 %" or 0.04 % down to "0.0 %": those would hide a problem.
    let text = (v * 100).toFixed(1);
    if ((text === '100.0' && v < 1) || (text === '0.0' && v > 0)) text = (v * 100).toFixed(2);
    if (Math.abs(v * 100 - Math.round(v * 100)) < 1e-9) text = String(Math.round(v * 100));
    return `${text} %`;
  }

  function millis(v) {
    if (!isNum(v)) return '—';
    if (v >= 1000) return `${(v / 1000).toFixed(v >= 10000 ? 1 : 2).replace(/\.?0+$/, '')} s`;
    return `${v >= 10 || v === 0 ? Math.round(v) : v.toFixed(1)} ms`;
  }

  function count(v) {
    return isNum(v) ? Math.round(v).toLocaleString('en-US') : '—';
  }

  function perSecond(v) {
    if (!isNum(v)) return '—';
    return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)}/s`;
  }

  function megabytes(v) {
    if (!isNum(v)) return '—';
    const mb = v / (1024 * 1024);
    return `${mb.toFixed(mb >= 100 ? 0 : 1).replace(/\.0$/, '')} MB`;
  }

  function seconds(v) {
    if (!isNum(v)) return '—';
    if (v % 3600 === 0) return `${v / 3600} h`;
    if (v % 60 === 0) return `${v / 60} min`;
    return `${v} s`;
  }

  function time(v) {
    if (!v) return '—';
    const date = new Date(v);
    return Number.isNaN(date.getTime()) ? String(v) : clock(date);
  }

  // Each format returns the visible text and a tone (ok | warn | bad | neutral) shown as colour next to the text.
  const FORMATS = {
    text: (v) => ({ text: v == null || v === '' ? '—' : String(v) }),
    count: (v) => ({ text: count(v) }),
    percent: (v) => ({ text: percent(v) }),
    ms: (v) => ({ text: millis(v) }),
    mb: (v) => ({ text: megabytes(v) }),
    rate: (v) => ({ text: perSecond(v) }),
    seconds: (v) => ({ text: seconds(v) }),
    // the page's own refresh: the service's poll interval, clamped as the page clamps it
    interval: (v) => ({
      text: isNum(v) ? seconds(Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, v)) / 1000) : '—',
    }),
    time: (v) => ({ text: time(v) }),
    status: (v) => ({
      healthy: { text: '✓ Healthy', tone: 'ok' },
      degraded: { text: '! Degraded', tone: 'warn' },
      unhealthy: { text: '✕ Unhealthy', tone: 'bad' },
    }[v] || { text: v == null ? '—' : String(v), tone: 'neutral' }),
    state: (v) => ({
      ready: { text: '● Ready', tone: 'ok' },
      draining: { text: '◐ Draining', tone: 'warn' },
      unreachable: { text: '✕ Unreachable', tone: 'bad' },
    }[v] || { text: v == null ? '—' : String(v), tone: 'neutral' }),
    check: (v) => (v === true ? { text: '✓ OK', tone: 'ok' }
      : v === false ? { text: '✕ Failing', tone: 'bad' } : { text: '—', tone: 'neutral' }),
    presence: (v) => (v === true ? { text: '✓ Yes', tone: 'ok' }
      : v === false ? { text: '○ None', tone: 'neutral' } : { text: '—', tone: 'neutral' }),
    reachable: (v, answer) => {
      if (answer && answer.sessionService && answer.sessionService.configured === false) {
        return { text: 'not configured', tone: 'neutral' };
      }
      return v === true ? { text: '✓ Reachable', tone: 'ok' }
        : v === false ? { text: '✕ Unreachable', tone: 'bad' } : { text: 'not checked yet', tone: 'neutral' };
    },
  };

  function valueAt(obj, path) {
    return path.split('.').reduce((o, key) => (o == null ? undefined : o[key]), obj);
  }

  /** Shows one API value in el: raw value in data-value, formatted text, tone in data-tone. */
  function show(el, value, format, answer) {
    const { text, tone } = (FORMATS[format] || FORMATS.text)(value, answer);
    el.dataset.value = value == null ? '' : String(value);
    el.textContent = text;
    if (tone) el.dataset.tone = tone; else delete el.dataset.tone;
    if (el.hasAttribute('data-hide-empty')) el.hidden = value == null || value === '';
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value == null) continue;
      if (key === 'class') node.className = value; else node.setAttribute(key, value);
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }

  // ---- health answer ----------------------------------------------------------------------------------------

  function renderHealth(answer, httpStatus) {
    document.querySelectorAll('[data-field][data-format]').forEach((node) => {
      if (node.closest('#replica-rows')) return;
      show(node, valueAt(answer, node.dataset.field), node.dataset.format, answer);
    });
    if (answer.figures && answer.figures.requests === 0) {
      // Rates over no request are defaults, not measurements: keep them in data-value, do not display them.
      RATE_FIELDS.forEach((f) => document.querySelectorAll(`[data-field="figures.${f}"]`).forEach((n) => {
        n.textContent = '—';
      }));
    }
    renderCheckNotes(answer);
    renderAlerts(answer.alerts || []);
    renderReplicas(answer.replicas || [], thresholdsOf(answer));

    const note = $('http-note');
    note.hidden = httpStatus === 200;
    note.textContent = `API answered HTTP ${httpStatus}`;
    document.title = `${FORMATS.status(answer.status).text.replace(/^\W+\s*/, '')} · LocalBridge status`;
  }

  const RATE_FIELDS = ['successRate', 'timeoutRate', 'averageResponseTimeMs'];

  function thresholdsOf(answer) {
    return Object.assign({}, DEFAULT_THRESHOLDS, answer && answer.thresholds);
  }

  function renderCheckNotes(answer) {
    const t = thresholdsOf(answer);
    const notes = {
      successRateOk: [`at or above ${percent(t.minSuccessRate)}`, `✕ below ${percent(t.minSuccessRate)}`],
      timeoutRateOk: [`at or below ${percent(t.maxTimeoutRate)}`, `✕ above ${percent(t.maxTimeoutRate)}`],
      averageResponseTimeOk: [`at or below ${millis(t.maxAverageResponseTimeMs)}`,
        `✕ above ${millis(t.maxAverageResponseTimeMs)}`],
      memoryOk: [`highest instance; limit ${megabytes(t.maxMemoryBytes)}`,
        `✕ an instance is above ${megabytes(t.maxMemoryBytes)}`],
    };
    document.querySelectorAll('[data-check]').forEach((card) => {
      const ok = valueAt(answer, `checks.${card.dataset.check}`);
      const idle = card.dataset.check !== 'memoryOk' && answer.figures && answer.figures.requests === 0;
      card.dataset.tone = ok === false ? 'bad' : ok === true && !idle ? 'ok' : 'neutral';
      const note = card.querySelector('[data-check-note]');
      if (note) {
        note.textContent = idle ? 'no requests in the window'
          : (notes[card.dataset.check] || ['', ''])[ok === false ? 1 : 0];
      }
    });
  }

  function renderAlerts(alerts) {
    const list = $('alerts');
    list.replaceChildren();
    $('alert-count').textContent = alerts.length ? `(${alerts.length})` : '';
    if (!alerts.length) {
      list.append(el('li', { class: 'empty' }, '✓ No active alerts'));
      return;
    }
    const order = { critical: 0, warning: 1 };
    [...alerts]
      .sort((a, b) => (order[a.severity] ?? 2) - (order[b.severity] ?? 2))
      .forEach((alert) => {
        const severity = alert.severity || 'warning';
        list.append(el('li', { 'data-alert': alert.name, 'data-severity': severity, class: `alert alert-${severity}` },
          el('span', { class: 'badge', 'data-tone': severity === 'critical' ? 'bad' : 'warn' },
            severity === 'critical' ? '✕ Critical' : '! Warning'),
          el('strong', { class: 'alert-name' }, alert.name),
          el('span', { class: 'alert-message' }, alert.message || '')));
      });
  }

  const REPLICA_COLUMNS = [
    { field: 'state', format: 'state', badge: true },
    { field: 'tunnels', format: 'count', num: true },
    { field: 'streamsInFlight', format: 'count', num: true },
    { field: 'requestRate', format: 'rate', num: true },
    { field: 'window.requests', format: 'count', num: true },
    { field: 'window.successRate', rate: true, format: 'percent', num: true,
      bad: (v, r, t) => r.window && r.window.requests > 0 && isNum(v) && v < t.minSuccessRate },
    { field: 'window.timeoutRate', rate: true, format: 'percent', num: true,
      bad: (v, r, t) => r.window && r.window.requests > 0 && isNum(v) && v > t.maxTimeoutRate },
    { field: 'window.averageResponseTimeMs', rate: true, format: 'ms', num: true,
      bad: (v, r, t) => r.window && r.window.requests > 0 && isNum(v) && v > t.maxAverageResponseTimeMs },
    { field: 'memoryBytes', format: 'mb', num: true, bad: (v, r) => r.memoryOk === false },
    { field: 'lastSeen', format: 'time' },
    { field: 'error', format: 'text' },
  ];

  function renderReplicas(replicas, thresholds) {
    const body = $('replica-rows');
    body.replaceChildren();
    const byState = {};
    replicas.forEach((r) => { byState[r.state] = (byState[r.state] || 0) + 1; });
    $('replica-count').textContent = replicas.length
      ? `(${replicas.length}: ${Object.entries(byState).map(([s, n]) => `${n} ${s}`).join(', ')})` : '';
    if (!replicas.length) {
      body.append(el('tr', { class: 'empty' }, el('td', { colspan: 12 }, 'No gateway replica known')));
      return;
    }
    for (const replica of replicas) {
      const row = el('tr', { 'data-node-id': replica.nodeId, class: `state-${replica.state}` });
      const nodeId = el('span', { 'data-field': 'nodeId' });
      const relay = el('span', { 'data-field': 'relayAddress' });
      const management = el('span', { 'data-field': 'managementAddress' });
      show(nodeId, replica.nodeId, 'text');
      show(relay, replica.relayAddress, 'text');
      show(management, replica.managementAddress, 'text');
      const managementLine = el('span', { class: 'address mono' }, 'mgmt ', management);
      managementLine.hidden = replica.managementAddress == null;
      row.append(el('th', { scope: 'row' },
        el('span', { class: 'node-id' }, nodeId), el('span', { class: 'address mono' }, 'relay ', relay), managementLine));
      for (const column of REPLICA_COLUMNS) {
        const value = valueAt(replica, column.field);
        const target = el('span', { 'data-field': column.field });
        show(target, value, column.format);
        if (column.rate && !(replica.window && replica.window.requests > 0)) target.textContent = '—';
        if (column.badge) target.classList.add('badge');
        const cell = el('td', { class: column.num ? 'num' : column.field === 'error' ? 'error' : null }, target);
        if (column.bad && column.bad(value, replica, thresholds)) {
          target.dataset.tone = 'bad';
          target.prepend('✕ ');
        }
        if (column.field === 'lastSeen' && replica.lastSeen) target.title = replica.lastSeen;
        if (column.field === 'error' && replica.error) target.title = replica.error;
        row.append(cell);
      }
      body.append(row);
    }
  }

  // ---- charts -----------------------------------------------------------------------------------------------

  /** The smallest 1, 2 or 5 times a power of ten that is at least v. */
  function niceStep(v) {
    if (!(v > 0)) return 1;
    const magnitude = 10 ** Math.floor(Math.log10(v));
    for (const step of [1, 2, 5]) if (step * magnitude >= v * 0.999999) return step * magnitude;
    return 10 * magnitude;
  }

  /** Axis from lo to at least hi in at most four round steps: {hi, ticks}. */
  function niceAxis(lo, hi) {
    const step = niceStep((hi - lo) / 4);
    const n = Math.max(1, Math.ceil((hi - lo) / step - 1e-9));
    const ticks = [];
    for (let i = 0; i <= n; i += 1) ticks.push(lo + i * step);
    return { hi: lo + n * step, ticks };
  }

  const axisPercent = (v) => `${+(v * 100).toFixed(1)} %`;
  const axisMillis = (v) => (v === 0 ? '0' : v >= 1000 ? `${+(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);

  function chartSpecs(thresholds) {
    return {
      requestRate: {
        title: 'Request rate', format: perSecond, axis: (v) => `${+v.toFixed(2)}`,
        domain: (max) => [0, Math.max(max * 1.1, 1)],
      },
      successRate: {
        title: 'Success rate', format: percent, axis: axisPercent,
        threshold: thresholds.minSuccessRate, thresholdLabel: `min ${percent(thresholds.minSuccessRate)}`,
        domain: (max, min) => {
          const low = Math.min(isNum(min) ? min : 1, thresholds.minSuccessRate);
          return [Math.max(0, Math.floor((low - 0.02) * 20) / 20), 1];
        },
      },
      timeoutRate: {
        title: 'Timeout rate', format: percent, axis: axisPercent,
        threshold: thresholds.maxTimeoutRate, thresholdLabel: `max ${percent(thresholds.maxTimeoutRate)}`,
        domain: (max) => [0, Math.min(1, Math.max(max * 1.1, thresholds.maxTimeoutRate * 1.25))],
      },
      averageResponseTimeMs: {
        title: 'Average response time', format: millis, axis: axisMillis,
        threshold: thresholds.maxAverageResponseTimeMs,
        thresholdLabel: `max ${millis(thresholds.maxAverageResponseTimeMs)}`,
        domain: (max) => [0, Math.max(max * 1.1, thresholds.maxAverageResponseTimeMs * 1.25)],
      },
    };
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) if (value != null) node.setAttribute(key, value);
    if (text != null) node.textContent = text;
    return node;
  }

  function renderHistory(history, thresholds) {
    const samples = (history && Array.isArray(history.samples) ? history.samples : [])
      .filter((s) => isNum(s.t)).sort((a, b) => a.t - b.t);
    const specs = chartSpecs(thresholds);
    document.querySelectorAll('[data-chart]').forEach((box) => {
      const key = box.dataset.chart;
      drawChart(box, key, samples, specs[key]);
      const latest = document.querySelector(`[data-latest="${key}"]`);
      const last = [...samples].reverse().find((s) => isNum(s[key]));
      if (latest) latest.textContent = last ? `now ${specs[key].format(last[key])}` : '';
    });
  }

  function drawChart(box, key, samples, spec) {
    const width = Math.max(280, Math.round(box.clientWidth || 560));
    const height = 180;
    const m = { top: 10, right: 14, bottom: 24, left: 52 };
    const plotW = width - m.left - m.right;
    const plotH = height - m.top - m.bottom;

    const end = samples.length ? samples[samples.length - 1].t : Date.now();
    const start = end - HOUR_MS;
    const shown = samples.filter((s) => s.t >= start);
    const values = shown.map((s) => s[key]).filter(isNum);
    const [lo, rawHi] = spec.domain(values.length ? Math.max(...values) : 0,
      values.length ? Math.min(...values) : null);
    const { hi, ticks } = niceAxis(lo, rawHi);
    const x = (t) => m.left + ((t - start) / HOUR_MS) * plotW;
    const y = (v) => m.top + plotH - ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo || 1)) * plotH;
    const fmt = (n) => n.toFixed(1);

    const last = values.length ? values[values.length - 1] : null;
    const root = svg('svg', {
      viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'chart-svg',
      'data-chart': key, 'data-points': values.length,
      'aria-label': `${spec.title} over the last hour${last == null ? ', no data' : `, latest ${spec.format(last)}`}`,
    });

    const grid = svg('g', { class: 'grid' });
    for (const v of ticks) {
      const gy = fmt(y(v));
      grid.append(svg('line', { x1: m.left, x2: width - m.right, y1: gy, y2: gy }));
      grid.append(svg('text', { x: m.left - 6, y: gy, class: 'y-label', 'dominant-baseline': 'middle',
        'text-anchor': 'end' }, spec.axis(v)));
    }
    for (let minutes = 60; minutes >= 0; minutes -= 15) {
      const t = end - minutes * 60000;
      const gx = fmt(x(t));
      grid.append(svg('line', { x1: gx, x2: gx, y1: m.top, y2: m.top + plotH, class: 'v' }));
      grid.append(svg('text', { x: gx, y: height - 6, class: 'x-label',
        'text-anchor': minutes === 60 ? 'start' : minutes === 0 ? 'end' : 'middle' },
      minutes === 0 ? clockShort(new Date(t)) : `−${minutes} min`));
    }
    root.append(grid);

    if (isNum(spec.threshold)) {
      const ty = fmt(y(spec.threshold));
      root.append(svg('line', { x1: m.left, x2: width - m.right, y1: ty, y2: ty, class: 'threshold',
        'data-threshold': spec.threshold }));
      root.append(svg('text', { x: width - m.right - 4, y: Number(ty) - 4, class: 'threshold-label',
        'text-anchor': 'end' }, spec.thresholdLabel));
    }

    // One path, broken where a sample has no value (no request in that interval), so gaps stay visible.
    let line = '';
    let area = '';
    let segment = [];
    const base = fmt(m.top + plotH);
    const flush = () => {
      if (segment.length) {
        area += `M${segment[0][0]},${base}L${segment.map((p) => p.join(',')).join('L')}L${segment[segment.length - 1][0]},${base}Z`;
      }
      segment = [];
    };
    for (const s of shown) {
      if (!isNum(s[key])) { flush(); continue; }
      const p = [fmt(x(s.t)), fmt(y(s[key]))];
      line += `${segment.length ? 'L' : 'M'}${p[0]},${p[1]}`;
      segment.push(p);
    }
    flush();
    if (area) root.append(svg('path', { d: area, class: 'area' }));
    if (line) root.append(svg('path', { d: line, class: 'series' }));
    if (last != null) {
      const lastSample = [...shown].reverse().find((s) => isNum(s[key]));
      root.append(svg('circle', { cx: fmt(x(lastSample.t)), cy: fmt(y(last)), r: 3, class: 'dot' }));
    } else {
      root.append(svg('text', { x: m.left + plotW / 2, y: m.top + plotH / 2, class: 'no-data',
        'text-anchor': 'middle' }, samples.length ? 'No requests in the last hour' : 'No samples yet'));
    }

    addHover(root, shown, key, spec, { x, y, m, plotW, plotH, width });
    box.replaceChildren(root);
  }

  function addHover(root, shown, key, spec, geo) {
    const points = shown.filter((s) => isNum(s[key]));
    if (!points.length) return;
    const cursor = svg('g', { class: 'cursor', visibility: 'hidden' });
    const rule = svg('line', { y1: geo.m.top, y2: geo.m.top + geo.plotH });
    const dot = svg('circle', { r: 4 });
    const label = svg('text', { y: geo.m.top + 12 });
    cursor.append(rule, dot, label);
    const overlay = svg('rect', { x: geo.m.left, y: geo.m.top, width: geo.plotW, height: geo.plotH,
      class: 'overlay' });
    root.append(cursor, overlay);
    overlay.addEventListener('mousemove', (event) => {
      const box = root.getBoundingClientRect();
      const px = ((event.clientX - box.left) / box.width) * geo.width;
      let best = points[0];
      for (const p of points) if (Math.abs(geo.x(p.t) - px) < Math.abs(geo.x(best.t) - px)) best = p;
      const cx = geo.x(best.t);
      rule.setAttribute('x1', cx); rule.setAttribute('x2', cx);
      dot.setAttribute('cx', cx); dot.setAttribute('cy', geo.y(best[key]));
      label.textContent = `${clock(new Date(best.t))}  ${spec.format(best[key])}`;
      const right = cx > geo.m.left + geo.plotW / 2;
      label.setAttribute('x', right ? cx - 8 : cx + 8);
      label.setAttribute('text-anchor', right ? 'end' : 'start');
      cursor.setAttribute('visibility', 'visible');
    });
    overlay.addEventListener('mouseleave', () => cursor.setAttribute('visibility', 'hidden'));
  }

  // ---- polling ----------------------------------------------------------------------------------------------

  async function fetchJson(url) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
    try {
      const response = await fetch(url, {
        cache: 'no-store', signal: controller.signal, headers: { Accept: 'application/json' },
      });
      let body;
      try {
        body = await response.json();
      } catch (e) {
        throw new Error(`HTTP ${response.status}, not JSON`);
      }
      return { status: response.status, body };
    } catch (e) {
      throw new Error(e.name === 'AbortError' ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : e.message);
    } finally {
      clearTimeout(timer);
    }
  }

  function isHealthAnswer(result) {
    // 503 is the API's answer for an unhealthy cluster and carries the same JSON.
    return (result.status === 200 || result.status === 503)
      && result.body && typeof result.body.status === 'string';
  }

  /** connection: ok | unreachable (the API did not give a health answer) | error (this page failed). */
  function setConnection(connection, reason) {
    document.body.dataset.connection = connection;
    const banner = $('banner');
    const main = $('main');
    main.classList.remove('loading');
    main.classList.toggle('stale', connection !== 'ok');
    if (connection === 'ok') {
      banner.hidden = true;
      banner.textContent = '';
      $('updated').textContent = `Updated ${clock(state.updatedAt)}`;
      return;
    }
    const since = state.updatedAt ? `Showing the last answer, from ${clock(state.updatedAt)}.` : 'No data yet.';
    banner.hidden = false;
    banner.replaceChildren(el('strong', null,
      connection === 'error' ? 'status page error' : 'health-service unreachable'),
      ` (${reason}). ${since} Retrying every ${seconds(state.intervalMs / 1000)}.`);
    $('updated').textContent = state.updatedAt ? `Last update ${clock(state.updatedAt)}` : 'No answer yet';
  }

  async function poll() {
    try {
      const [health, history] = await Promise.allSettled([fetchJson(HEALTH_URL), fetchJson(HISTORY_URL)]);
      if (health.status === 'fulfilled' && isHealthAnswer(health.value)) {
        const answer = health.value.body;
        state.health = answer;
        state.updatedAt = new Date();
        if (isNum(answer.pollIntervalMs)) {
          state.intervalMs = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, answer.pollIntervalMs));
        }
        renderHealth(answer, health.value.status);
        const historyOk = history.status === 'fulfilled' && history.value.status === 200
          && history.value.body && Array.isArray(history.value.body.samples);
        if (historyOk) state.history = history.value.body;
        renderHistory(state.history, thresholdsOf(answer));
        $('history-note').textContent = historyOk ? ''
          : `history unavailable (${history.status === 'fulfilled' ? `HTTP ${history.value.status}` : history.reason.message})`;
        state.refreshes += 1;
        document.body.dataset.refreshes = String(state.refreshes);
        document.body.dataset.polledAt = answer.polledAt == null ? '' : String(answer.polledAt);
        setConnection('ok');
      } else {
        const reason = health.status === 'rejected' ? health.reason.message
          : `HTTP ${health.value.status}, not the health answer`;
        setConnection('unreachable', reason);
      }
    } catch (e) {
      // A rendering bug must not stop the polling; say so instead of failing silently.
      console.error(e);
      setConnection('error', e.message);
    } finally {
      setTimeout(poll, state.intervalMs);
    }
  }

  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (state.health) renderHistory(state.history, thresholdsOf(state.health));
    }, 150);
  });

  poll();
})();
