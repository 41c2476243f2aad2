/* Router dashboard: plain browser JavaScript, no build step. The admin key lives in sessionStorage and
 * is sent only as an Authorization header; everything shown is written with textContent. */
(function () {
  'use strict';
  var KEY = 'router.adminKey';
  var COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
  var charts = {};
  var timer = null;
  var state = { route: null, routes: [], series: null, report: null, beliefs: null, recent: null };
  window.routerDashboard = state;

  function $(id) { return document.getElementById(id); }
  function key() { return sessionStorage.getItem(KEY); }
  function color(i, alpha) {
    var c = COLORS[i % COLORS.length];
    if (alpha === undefined) return c;
    var n = parseInt(c.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }
  function fmt(v, digits) { return v === null || v === undefined ? '–' : Number(v).toFixed(digits); }
  function usd(v) { return v === null || v === undefined ? '–' : '$' + (Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)); }

  function api(path) {
    return fetch(path, { headers: { Authorization: 'Bearer ' + key() }, cache: 'no-store' }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) {
          var err = new Error(body && body.error ? body.error.message : 'HTTP ' + res.status);
          err.status = res.status;
          throw err;
        }
        return body;
      });
    });
  }

  function cell(tr, text) { var td = document.createElement('td'); td.textContent = text; tr.appendChild(td); return td; }

  function chart(id, type, options) {
    if (charts[id]) return charts[id];
    charts[id] = new Chart($(id), {
      type: type,
      data: { labels: [], datasets: [] },
      options: Object.assign({ animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: 'index', intersect: false },
        plugins: { legend: { labels: { boxWidth: 12, font: { size: 11 } } } } }, options || {}),
    });
    return charts[id];
  }

  function setData(c, labels, datasets) {
    c.data.labels = labels;
    c.data.datasets = datasets;
    c.update('none');
  }

  function line(label, data, i, extra) {
    return Object.assign({ label: label, data: data, borderColor: color(i), backgroundColor: color(i, 0.25), pointRadius: 0, borderWidth: 2, tension: 0.2, spanGaps: true }, extra || {});
  }

  function drawSeries(s) {
    var labels = s.buckets.map(function (b) { return new Date(b.end).toLocaleTimeString(); });
    var models = s.models;
    setData(chart('chart-share', 'line', { scales: { y: { stacked: true, min: 0, max: 1 } } }), labels, models.map(function (m, i) {
      return line(m, s.buckets.map(function (b) { return b.models[m] ? b.models[m].share : 0; }), i, { fill: i === 0 ? 'origin' : '-1' });
    }));
    var reward = [];
    models.forEach(function (m, i) {
      var pick = function (f) { return s.buckets.map(function (b) { var c = b.models[m]; return c ? f(c) : null; }); };
      reward.push(line(m + ' upper', pick(function (c) { return c.reward_interval ? c.reward_interval[1] : null; }), i, { borderWidth: 0, fill: false }));
      reward.push(line(m + ' lower', pick(function (c) { return c.reward_interval ? c.reward_interval[0] : null; }), i, { borderWidth: 0, fill: '-1', backgroundColor: color(i, 0.12) }));
      reward.push(line(m, pick(function (c) { return c.mean_reward; }), i));
    });
    reward.push(line('quality floor', s.buckets.map(function () { return s.quality_floor; }), 7, { borderDash: [6, 4], borderWidth: 1 }));
    setData(chart('chart-reward', 'line', { scales: { y: { min: 0, max: 1 } }, plugins: { legend: { labels: { boxWidth: 12, font: { size: 11 }, filter: function (item) { return !/ (upper|lower)$/.test(item.text); } } } } }), labels, reward);
    setData(chart('chart-cost', 'line'), labels, [
      line('per request', s.buckets.map(function (b) { return b.cost_per_request_usd; }), 0),
      line('per successful request', s.buckets.map(function (b) { return b.cost_per_success_usd; }), 1),
    ]);
    var baseline = 0;
    var routed = 0;
    setData(chart('chart-savings', 'line'), labels, [
      // What routing cost, its judge's calls included: the savings are the gap to the baseline.
      line('routed (actual)', s.buckets.map(function (b) { routed += b.cost_usd + b.judge_cost_usd; return routed; }), 0),
      line('always ' + (s.baseline_model || 'strongest'), s.buckets.map(function (b) { baseline += b.baseline_cost_usd; return baseline; }), 1, { borderDash: [6, 4] }),
    ]);
    var daily = s.budget.daily;
    setData(chart('chart-budget', 'bar'), daily.map(function (d) { return d.day; }), [
      { type: 'bar', label: 'spend', data: daily.map(function (d) { return d.cost_usd; }), backgroundColor: color(0, 0.6) },
      line('daily budget', daily.map(function (d) { return d.budget_usd; }), 1, { type: 'line', borderDash: [6, 4] }),
    ]);
    setData(chart('chart-explore', 'line', { scales: { y: { min: 0, max: 1, title: { display: true, text: 'share' } }, y2: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'count' } } } }), labels, [
      line('exploration share', s.buckets.map(function (b) { return b.exploration_share; }), 0),
      line('scored below floor', s.buckets.map(function (b) { return b.below_floor; }), 1, { yAxisID: 'y2', type: 'bar', backgroundColor: color(1, 0.4) }),
    ]);

    var t = s.totals;
    var summary = $('summary');
    summary.textContent = '';
    [
      ['requests', String(t.requests)],
      ['cost', usd(t.cost_usd)],
      ['judge cost', usd(t.judge_cost_usd)],
      ['always-strongest cost', usd(t.baseline_cost_usd)],
      ['saved', t.savings_share === null ? '–' : (100 * t.savings_share).toFixed(1) + '%'],
      ['cost / success', usd(t.cost_per_success_usd)],
      ['exploration', (100 * t.exploration_share).toFixed(1) + '%'],
      ['below floor', String(t.below_floor)],
      ['spent today', usd(s.budget.spent_today_usd) + (s.budget.budget_usd_per_day ? ' / ' + usd(s.budget.budget_usd_per_day) : '')],
    ].forEach(function (pair) {
      var div = document.createElement('div');
      div.className = 'card';
      var b = document.createElement('b'); b.textContent = pair[1];
      var span = document.createElement('span'); span.textContent = pair[0];
      div.appendChild(b); div.appendChild(span);
      summary.appendChild(div);
    });
  }

  function drawBeliefs(beliefs, report) {
    var tbody = $('beliefs').tBodies[0];
    tbody.textContent = '';
    var route = (beliefs.routes || []).filter(function (r) { return r.route === state.route; })[0];
    (route ? route.contexts : []).forEach(function (ctx) {
      ctx.models.forEach(function (m) {
        var tr = document.createElement('tr');
        cell(tr, ctx.context_key || '(route)');
        cell(tr, m.model);
        cell(tr, fmt(m.mean_quality, 3));
        cell(tr, fmt(m.evidence, 1));
        cell(tr, usd(m.expected_cost_usd));
        cell(tr, ctx.decision.favoured_model === m.model ? (ctx.decision.floor_unmet ? 'yes (best known; none clears the floor)' : 'yes') : '');
        cell(tr, m.excluded_because || (ctx.refuted_anchor === m.model ? 'refuted anchor (drift alarm)' : ''));
        tbody.appendChild(tr);
      });
    });
    var r = (report.routes || []).filter(function (x) { return x.route === state.route; })[0];
    $('decision').textContent = r ? 'Now: ' + (r.decision.favoured_model || 'none') + ' — ' + r.decision.why : '';
  }

  /** The report's traffic, cost and reward per caller tag (key tags and metadata.tags) of the chosen route. */
  function drawTags(report) {
    var tbody = $('tags').tBodies[0];
    tbody.textContent = '';
    var r = (report.routes || []).filter(function (x) { return x.route === state.route; })[0];
    ((r && r.tags) || []).forEach(function (t) {
      var tr = document.createElement('tr');
      cell(tr, t.tag);
      cell(tr, String(t.requests));
      cell(tr, usd(t.total_cost_usd));
      cell(tr, usd(t.mean_cost_usd));
      cell(tr, fmt(t.mean_reward, 3));
      cell(tr, t.models.map(function (m) { return m.model + ' ' + Math.round(m.share * 100) + '%'; }).join(', '));
      tbody.appendChild(tr);
    });
  }

  function drawRecent(recent) {
    var tbody = $('recent').tBodies[0];
    tbody.textContent = '';
    recent.data.forEach(function (r) {
      var tr = document.createElement('tr');
      tr.dataset.id = r.id;
      cell(tr, new Date(r.created_at).toLocaleTimeString());
      cell(tr, r.model || '–');
      cell(tr, r.path || '–');
      cell(tr, r.kind === 'embeddings' || r.kind === 'judge' ? r.kind : r.decision_reason || '–');
      cell(tr, r.status + ' ' + r.http_status);
      cell(tr, fmt(r.latency_ms, 0));
      cell(tr, fmt(r.ttft_ms, 0));
      cell(tr, usd(r.cost_usd));
      cell(tr, fmt(r.reward, 2));
      tr.addEventListener('click', function () { showDetail(r.id); });
      tbody.appendChild(tr);
    });
  }

  function showDetail(id) {
    api('/v1/router/requests/' + encodeURIComponent(id)).then(function (detail) {
      $('detail-id').textContent = id;
      $('detail-body').textContent = JSON.stringify(detail, null, 2);
      $('detail').hidden = false;
      $('detail').scrollIntoView();
    }, showError);
  }

  function showError(err) {
    if (err.status === 401 || err.status === 403) {
      sessionStorage.removeItem(KEY);
      showLogin(err.message);
    } else {
      $('updated').textContent = 'error: ' + err.message;
    }
  }

  function refresh() {
    var route = encodeURIComponent(state.route);
    var limit = $('limit').value;
    return Promise.all([
      api('/v1/router/timeseries?route=' + route + '&limit=' + limit + '&buckets=30'),
      api('/v1/router/report?window=' + limit),
      api('/v1/router/beliefs'),
      api('/v1/router/requests?route=' + route + '&limit=25'),
    ]).then(function (res) {
      state.series = res[0].data[0];
      state.report = res[1];
      state.beliefs = res[2];
      state.recent = res[3];
      drawSeries(state.series);
      drawBeliefs(state.beliefs, state.report);
      drawTags(state.report);
      drawRecent(state.recent);
      state.loadedAt = Date.now();
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      document.body.dataset.loaded = String((Number(document.body.dataset.loaded) || 0) + 1);
    }, showError);
  }

  function schedule() {
    clearInterval(timer);
    if ($('live').checked) timer = setInterval(refresh, 5000);
  }

  function start() {
    // The beliefs endpoint takes only the admin key: it checks the key before anything else loads.
    api('/v1/router/beliefs').then(function () { return api('/v1/router/report?window=1'); }).then(function (report) {
      state.routes = report.routes.map(function (r) { return r.route; });
      var select = $('route');
      select.textContent = '';
      state.routes.forEach(function (name) { var o = document.createElement('option'); o.value = name; o.textContent = name; select.appendChild(o); });
      state.route = state.routes[0] || null;
      $('login').hidden = true;
      $('main').hidden = false;
      $('controls').hidden = false;
      if (!state.route) { $('updated').textContent = 'no routes configured'; return; }
      refresh();
      schedule();
    }, showError);
  }

  function showLogin(message) {
    clearInterval(timer);
    $('login').hidden = false;
    $('main').hidden = true;
    $('controls').hidden = true;
    $('login-error').textContent = message || '';
    $('admin-key').focus();
  }

  function login() {
    var value = $('admin-key').value.trim();
    if (!value) return;
    sessionStorage.setItem(KEY, value);
    $('admin-key').value = '';
    start();
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('login-button').addEventListener('click', login);
    $('admin-key').addEventListener('keydown', function (e) { if (e.key === 'Enter') login(); });
    $('logout').addEventListener('click', function () { sessionStorage.removeItem(KEY); showLogin(''); });
    $('route').addEventListener('change', function () { state.route = $('route').value; refresh(); });
    $('limit').addEventListener('change', refresh);
    $('live').addEventListener('change', schedule);
    $('detail-close').addEventListener('click', function () { $('detail').hidden = true; });
    if (key()) start(); else showLogin('');
  });
})();
