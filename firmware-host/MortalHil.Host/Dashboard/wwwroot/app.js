// MortalHil dashboard: one page, five views (the fifth, Fleet, when started with --cluster), live through server-sent events (/api/stream).
'use strict';

const live = {
  boards: new Map(),      // "kind#serial" -> newest BoardHealthEvent
  handovers: new Map(),   // journal -> { latest, transitions: [], rounds: [] }
  trainings: new Map(),   // "kind#serial" -> { latest, curve: [] }
  stress: new Map(),      // out dir -> newest StressEvent
  processes: [],
  stored: [],
  events: 0,
  lastDelayMs: null,
};
let info = { read_only: true };
let journals = [];
const charts = {};
const selectedRuns = [];
let selectedBoard = null, selectedHandover = null, currentStress = null;
let renderPending = false;
let stressRender = 0;
let fleet = null, fleetTimer = null;

const $ = (s) => document.querySelector(s);
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const pct = (v) => (v === null || v === undefined || Number.isNaN(v)) ? '–' : (100 * v).toFixed(1) + ' %';
const num = (v, d = 0) => (v === null || v === undefined) ? '–' : Number(v).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const hours = (h) => h === null || h === undefined ? '–' : h < 48 ? num(h, 1) + ' h' : h < 24 * 730 ? num(h / 24, 1) + ' d' : num(h / 8766, 2) + ' y';
const ago = (t) => { const s = (Date.now() - Date.parse(t)) / 1000; return s < 60 ? num(s, 0) + ' s ago' : s < 3600 ? num(s / 60, 0) + ' min ago' : new Date(t).toISOString().slice(0, 16).replace('T', ' '); };
const base = (p) => String(p ?? '').split('/').pop();

async function getJson(url, options) {
  const r = await fetch(url, options);
  let body = null;
  try { body = await r.json(); } catch { body = null; }
  if (!r.ok) throw new Error((body && body.error) || `${r.status} ${r.statusText}`);
  return body;
}

function say(text, isError) {
  const m = $('#action-message');
  m.textContent = text;
  m.className = isError ? 'error' : '';
  m.hidden = false;
}

// ---- live state ----
function applyEvent(e) {
  live.events++;
  live.lastDelayMs = Date.now() - Date.parse(e.at);
  switch (e.kind) {
    case 'board': {
      const key = e.board_kind + '#' + e.serial;
      const old = live.boards.get(key);
      live.boards.set(key, e.state === 'dead' && old ? { ...old, state: 'dead', reason: e.reason, at: e.at } : e);
      if (selectedBoard === key && e.state !== 'dead') { (charts.boardHistory ??= []).push(e); }
      break;
    }
    case 'handover': {
      const h = live.handovers.get(e.journal) || { transitions: [], rounds: [] };
      h.latest = e;
      if (e.reason) h.transitions.push(e); else { h.rounds.push(e); if (h.rounds.length > 400) h.rounds.shift(); }
      live.handovers.set(e.journal, h);
      if (e.state === 'retired') markRetired(e);
      break;
    }
    case 'training': {
      const key = e.board_kind + '#' + e.serial;
      const t = live.trainings.get(key) || { curve: [] };
      if (t.latest && e.step < t.latest.step && e.is_curve_point) t.curve = [];
      t.latest = e;
      if (e.is_curve_point) t.curve.push(e);
      live.trainings.set(key, t);
      break;
    }
    case 'stress': live.stress.set(e.out_dir, e); break;
    case 'run': refreshState(); break;
  }
  scheduleRender();
}

// A retired handover retires its teacher board; the boards are matched by serial (a handover names boards by serial).
function markRetired(h) {
  for (const [key, b] of live.boards) if (b.serial === h.teacher && b.state !== 'dead') live.boards.set(key, { ...b, state: 'retired', reason: 'handed over to ' + h.student });
}

function loadSnapshot(s) {
  live.boards.clear(); live.handovers.clear(); live.trainings.clear(); live.stress.clear();
  for (const b of s.live.boards) live.boards.set(b.key, b.latest);
  for (const h of s.live.handovers) live.handovers.set(h.journal, { latest: h.latest, transitions: h.transitions, rounds: h.rounds });
  for (const h of s.live.handovers) if (h.latest.state === 'retired') markRetired(h.latest);
  for (const t of s.live.trainings) live.trainings.set(t.key, { latest: t.latest, curve: t.curve });
  for (const st of s.live.stress) live.stress.set(st.out_dir, st);
  live.processes = s.live.processes;
  live.stored = s.stored_boards;
}

async function refreshState() {
  try { loadSnapshot(await getJson('/api/state')); scheduleRender(); } catch (err) { say('could not load state: ' + err.message, true); }
}

function connect() {
  const source = new EventSource('/api/stream');
  source.onopen = () => { refreshState(); };
  source.onmessage = (m) => { try { applyEvent(JSON.parse(m.data)); } catch (err) { console.error(err); } };
  source.onerror = () => { $('#live-status').textContent = 'live: reconnecting…'; };
}

// At most one render per 200 ms however fast events come (a stress run of 1,000 boards sends hundreds a second),
// and never more than a third of the time busy rendering: a slow render (thousands of rows on a slow machine) waits
// twice its own length before the next. A change still shows well within a second on a normal machine.
let lastRender = 0, lastRenderMs = 0;
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  const wait = Math.max(0, Math.max(200, 2 * lastRenderMs) - (performance.now() - lastRender));
  setTimeout(() => requestAnimationFrame(() => {
    renderPending = false;
    const t = performance.now();
    render();
    lastRender = performance.now();
    lastRenderMs = lastRender - t;
  }), wait);
}

// ---- views ----
function route() {
  const hash = location.hash.slice(1) || 'boards';
  const [view, query] = hash.split('?');
  return { view: VIEWS.includes(view) ? view : 'boards', params: new URLSearchParams(query || '') };
}

const VIEWS = ['boards', 'handovers', 'runs', 'stress', 'fleet'];

function render() {
  const { view } = route();
  for (const v of VIEWS) {
    $('#view-' + v).hidden = v !== view;
    $('#nav-' + v).classList.toggle('active', v === view);
  }
  $('#live-status').textContent = `live: ${live.events} events` + (live.lastDelayMs !== null ? `, last shown ${live.lastDelayMs} ms after it happened` : '');
  if (view === 'boards') renderBoards();
  if (view === 'handovers') renderHandovers();
  if (view === 'runs') renderRunsLive();
  if (view === 'stress') renderStressLive();
  if (view === 'fleet') renderFleet();
}

function renderBoards() {
  const rows = [];
  const liveKeys = new Set();
  const sorted = [...live.boards.values()].sort((a, b) => (a.board_kind + a.serial).localeCompare(b.board_kind + b.serial));
  for (const b of sorted) {
    const key = b.board_kind + '#' + b.serial;
    liveKeys.add(key);
    const life = b.life_lower_hours !== undefined || b.life_median_hours !== undefined
      ? `${b.life_median_hours == null ? 'beyond horizon' : hours(b.life_median_hours)} [${hours(b.life_lower_hours)} – ${b.life_upper_hours == null ? 'beyond' : hours(b.life_upper_hours)}]` +
        (b.life_confidence ? ` at ${num(100 * b.life_confidence)} %` : '')
      : '–';
    const canAct = b.state === 'serving' || b.state === 'handover_called';
    rows.push(`<tr class="clickable board-row" data-board="${esc(key)}"><td>${esc(b.board_kind)} #${esc(b.serial)}</td><td>live</td>` +
      `<td><span class="state ${esc(b.state)}" title="${esc(b.reason)}">${esc(b.state)}</span></td><td>${hours(b.age_hours)}</td>` +
      `<td>${pct(b.canary_accuracy)}</td><td>${pct(b.stuck_fraction)}</td><td>${pct(b.write_failure_fraction)}</td><td title="${esc(b.life_indicator)}">${life}</td>` +
      `<td>${ago(b.at)}</td><td>${canAct ? `<button class="handover-action" data-kind="${esc(b.board_kind)}" data-serial="${esc(b.serial)}">request handover</button>` : ''}</td></tr>`);
  }
  for (const t of live.trainings.values()) {
    const key = t.latest.board_kind + '#' + t.latest.serial;
    if (liveKeys.has(key) || t.latest.board_kind === 'digital') continue;
    liveKeys.add(key);
    rows.push(`<tr class="board-row" data-board="${esc(key)}"><td>${esc(t.latest.board_kind)} #${esc(t.latest.serial)}</td><td>live</td><td><span class="state training">training</span></td>` +
      `<td>–</td><td>–</td><td>–</td><td>–</td><td>–</td><td>${ago(t.latest.at)}</td><td></td></tr>`);
  }
  // A student that took over serves from then on, even before its first health check.
  const serials = new Set([...live.boards.values()].map((b) => b.serial));
  for (const h of live.handovers.values()) {
    const e = h.latest;
    if (e.state !== 'retired' || serials.has(e.student)) continue;
    serials.add(e.student);
    const teacher = [...live.boards.values()].find((b) => b.serial === e.teacher);
    rows.push(`<tr class="board-row" data-board="${esc((teacher?.board_kind ?? '?') + '#' + e.student)}"><td>${esc(teacher?.board_kind ?? '')} #${esc(e.student)}</td><td>live (handover)</td>` +
      `<td><span class="state serving" title="took over from ${esc(e.teacher)}">serving</span></td><td>${hours(e.board_hours)}</td><td>${pct(e.student_canary)}</td>` +
      `<td>–</td><td>–</td><td>–</td><td>${ago(e.at)}</td><td></td></tr>`);
  }
  for (const s of live.stored) {
    const key = s.board_kind + '#' + s.serial;
    if (liveKeys.has(key)) continue;
    rows.push(`<tr class="board-row" data-board="${esc(key)}"><td>${esc(s.board_kind)}${s.serial !== '-' ? ' #' + esc(s.serial) : ''}</td><td>${esc(s.source)} (${s.runs} runs)</td>` +
      `<td><span class="state ${esc(s.state)}">${esc(s.state)}</span></td><td>–</td><td>${pct(s.last_accuracy)} <span class="muted">test</span></td><td>–</td><td>–</td><td>–</td><td>run ${s.last_run}</td><td></td></tr>`);
  }
  $('#boards-table tbody').innerHTML = rows.join('');
  $('#boards-count').textContent = `(${rows.length})`;
  const trainings = [...live.trainings.values()].sort((a, b) => Date.parse(b.latest.at) - Date.parse(a.latest.at)).slice(0, 6);
  $('#trainings').innerHTML = trainings.length === 0 ? '<p class="muted">none</p>' : trainings.map((t) => {
    const l = t.latest;
    return `<div class="card training" data-board="${esc(l.board_kind + '#' + l.serial)}"><h4>${esc(l.board_kind)} #${esc(l.serial)}</h4>` +
      `epoch ${l.epoch + 1}/${l.epochs} <span class="bar"><span style="width:${(100 * l.step / Math.max(1, l.steps_total)).toFixed(1)}%"></span></span> ` +
      `step ${num(l.step)}/${num(l.steps_total)} · train ${pct(l.train_accuracy)} · test ${pct(l.test_accuracy)} · ${ago(l.at)}</div>`;
  }).join('');
  $('#processes-table tbody').innerHTML = live.processes.slice(0, 20).map((p) =>
    `<tr><td title="${esc(p.started.arguments)}">${esc(p.started.command)} <span class="muted">${esc(p.started.arguments.slice(0, 60))}</span></td><td>${ago(p.started.at)}</td>` +
    `<td><span class="state ${p.exit_code === null ? (p.alive ? 'running' : 'failed') : p.exit_code === 0 ? 'completed' : 'failed'}">` +
    `${p.exit_code === null ? (p.alive ? 'running' : 'ended without a word') : 'exit ' + p.exit_code}</span></td><td>${ago(p.last_event)}</td></tr>`).join('');
  if (selectedBoard && charts.boardHistory) drawBoardChart();
}

async function selectBoard(key) {
  const [kind, serial] = [key.slice(0, key.lastIndexOf('#')), key.slice(key.lastIndexOf('#') + 1)];
  try {
    const b = await getJson(`/api/board?kind=${encodeURIComponent(kind)}&serial=${encodeURIComponent(serial)}`);
    selectedBoard = key;
    charts.boardHistory = b.history;
    $('#board-detail').hidden = false;
    $('#board-detail-title').textContent = `${kind} #${serial}: health over its life`;
    drawBoardChart();
  } catch (err) { say(err.message, true); }
}

function drawBoardChart() {
  const h = charts.boardHistory.filter((e) => e.age_hours !== undefined);
  const x = h.map((e) => e.age_hours / 24);
  lineChart('board', $('#board-chart'), 'age (days)', x, [
    ['canary accuracy', h.map((e) => e.canary_accuracy ?? null), '#2563eb'],
    ['stuck cells', h.map((e) => e.stuck_fraction ?? null), '#dc2626'],
    ['write failures', h.map((e) => e.write_failure_fraction ?? null), '#d97706'],
  ]);
}

function handoverRows() {
  const list = [];
  for (const [journal, h] of live.handovers) list.push({ journal, live: true, ...h.latest, transitions: h.transitions, rounds: h.rounds });
  for (const j of journals) if (!live.handovers.has(j.path)) list.push({
    journal: j.path, live: false, teacher: j.teacher ?? '?', student: j.student ?? '?', state: j.state, teacher_queries: j.teacher_queries, bits_sent: j.bits_sent,
    collected_examples: j.collected_examples, transfer_examples: Number(j.transfer_examples), student_steps: j.student_steps, student_budget: Number(j.student_budget),
    student_canary: j.student_canary, teacher_canary: j.teacher_canary, transitions: j.transitions.map((t) => ({ state: t.to, reason: t.reason, board_hours: t.board_hours, at: t.at })),
  });
  const rank = (h) => (h.state === 'distilling' || h.state === 'serving' || h.state === 'cut_over') ? 0 : 1;
  const time = (h) => Date.parse(h.at ?? (h.transitions?.length ? h.transitions[h.transitions.length - 1].at : 0)) || 0;
  return list.sort((a, b) => rank(a) - rank(b) || time(b) - time(a));
}

function renderHandovers() {
  const all = handoverRows();
  const list = all.slice(0, 150);
  $('#handovers-count').textContent = all.length > list.length ? `(${all.length}; the ${list.length} newest shown)` : `(${all.length})`;
  $('#handover-list').innerHTML = list.length === 0 ? '<p class="muted">no handovers yet</p>' : list.map((h) => {
    const collected = h.transfer_examples ? h.collected_examples / h.transfer_examples : 0;
    const steps = h.student_budget ? h.student_steps / h.student_budget : 0;
    return `<div class="card handover" data-journal="${esc(h.journal)}"><h4>${esc(h.teacher)} → ${esc(h.student)} <span class="state ${esc(h.state)}">${esc(h.state)}</span> ` +
      `<span class="muted">${h.live ? 'live' : 'journal'} · ${esc(base(h.journal))}</span></h4>` +
      `lessons <span class="bar"><span style="width:${(100 * Math.min(1, collected)).toFixed(1)}%"></span></span> <span class="collected">${num(h.collected_examples)}/${num(h.transfer_examples)}</span> · ` +
      `student steps <span class="bar"><span style="width:${(100 * Math.min(1, steps)).toFixed(1)}%"></span></span> <span class="steps">${num(h.student_steps)}/${num(h.student_budget)}</span><br>` +
      `teacher queries <b class="queries">${num(h.teacher_queries)}</b> · bits sent <b>${num(h.bits_sent)}</b> · canary: student <b class="student-canary">${pct(h.student_canary)}</b> vs teacher <b>${pct(h.teacher_canary)}</b>` +
      (h.teacher_alive === false ? ' · <span class="state dead">teacher died</span>' : '') + '</div>';
  }).join('');
  if (selectedHandover) drawHandover(list.find((h) => h.journal === selectedHandover));
}

async function selectHandover(journal) {
  selectedHandover = journal;
  const h = handoverRows().find((x) => x.journal === journal);
  if (h && !h.live) {
    try {
      const j = await getJson('/api/journal?path=' + encodeURIComponent(journal));
      h.rounds = j.rounds.map((r) => ({ round: r.round, student_canary: r.student_canary, teacher_canary: r.teacher_canary, board_hours: r.board_hours }));
      charts.journalRounds = { journal, rounds: h.rounds };
    } catch (err) { say(err.message, true); }
  }
  $('#handover-detail').hidden = false;
  drawHandover(h);
}

function drawHandover(h) {
  if (!h) return;
  $('#handover-detail-title').textContent = `${h.teacher} → ${h.student}: student and teacher on the canary set, round by round`;
  const rounds = h.live ? h.rounds : (charts.journalRounds?.journal === h.journal ? charts.journalRounds.rounds : []);
  const pts = rounds.filter((r) => r.student_canary != null || r.teacher_canary != null);
  lineChart('handover', $('#handover-chart'), 'round', pts.map((r) => r.round), [
    ['student canary', pts.map((r) => r.student_canary ?? null), '#2563eb'],
    ['teacher canary', pts.map((r) => r.teacher_canary ?? null), '#6b7280'],
  ]);
  $('#handover-transitions').innerHTML = (h.transitions || []).map((t) =>
    `<li><span class="state ${esc(t.state)}">${esc(t.state)}</span> at ${hours(t.board_hours)} board time: ${esc(t.reason)}</li>`).join('');
}

// ---- runs ----
let runs = [];
async function loadRuns() {
  try { runs = await getJson('/api/runs?limit=200'); } catch (err) { say(err.message, true); return; }
  if (selectedRuns.length === 0) selectedRuns.push(...runs.filter((r) => r.command === 'train' && r.status === 'completed').slice(0, 2).map((r) => r.id));
  $('#runs-table tbody').innerHTML = runs.map((r) =>
    `<tr data-run="${r.id}"><td><input type="checkbox" class="run-pick" value="${r.id}" ${selectedRuns.includes(r.id) ? 'checked' : ''}></td><td>${r.id}</td><td>${esc(r.command)}</td>` +
    `<td>${esc(r.algo)}</td><td>${esc(r.board)}</td><td>${esc(r.shape)}</td><td><span class="state ${esc(r.status)}">${esc(r.status)}</span></td>` +
    `<td>${pct(r.test_accuracy)}</td><td>${num(r.pulses)}</td><td>${num(r.wall_seconds, 0)}</td><td>${esc(r.started_utc)}</td></tr>`).join('');
  drawRunCompare();
}

async function drawRunCompare() {
  const series = [];
  for (const id of selectedRuns) {
    try {
      const c = await getJson(`/api/runs/${id}/curve`);
      if (c.curve) series.push([`run ${id} test (${c.run.algo ?? ''} ${c.run.board ?? ''})`, c.curve]);
    } catch (err) { say(err.message, true); }
  }
  for (const t of live.trainings.values()) if (t.latest.step < t.latest.steps_total && t.curve.length > 0)
    series.push([`live: ${t.latest.board_kind} #${t.latest.serial} test`, t.curve.map((p) => ({ epoch: p.epochs_done, test: p.test_accuracy }))]);
  const xs = [...new Set(series.flatMap(([, c]) => c.map((p) => p.epoch)))].sort((a, b) => a - b);
  const colours = ['#2563eb', '#dc2626', '#059669', '#d97706'];
  lineChart('runs', $('#runs-chart'), 'epoch', xs, series.map(([label, c], i) => {
    const m = new Map(c.map((p) => [p.epoch, p.test]));
    return [label, xs.map((x) => m.has(x) ? m.get(x) : null), colours[i % colours.length]];
  }));
}

let lastRunsLive = 0;
function renderRunsLive() {
  if (Date.now() - lastRunsLive > 1000 && [...live.trainings.values()].some((t) => t.latest.step < t.latest.steps_total)) { lastRunsLive = Date.now(); drawRunCompare(); }
}

// ---- stress ----
async function loadStressList() {
  try {
    const dirs = await getJson('/api/stress/list');
    $('#stress-list').innerHTML = dirs.length === 0 ? '<p class="muted">no stress outputs under the --dir folders</p>' :
      '<p>found: ' + dirs.map((d) => `<a href="#stress?path=${encodeURIComponent(d)}">${esc(d)}</a>`).join(' · ') + '</p>';
  } catch (err) { say(err.message, true); }
}

async function openStress(path) {
  $('#stress-error').hidden = true;
  $('#stress-path').value = path;
  let s;
  try { s = await getJson('/api/stress?path=' + encodeURIComponent(path)); } catch (err) {
    $('#stress-error').textContent = err.message;
    $('#stress-error').hidden = false;
    $('#stress-report').hidden = true;
    return;
  }
  const t0 = performance.now();
  currentStress = s;
  $('#stress-report').hidden = false;
  $('#stress-title').textContent = `${s.scenario?.name ?? ''}: ${s.scenario?.fleet_size ?? '?'} boards, ${s.scenario?.simulated_years ?? '?'} years (${s.path})`;
  $('#stress-numbers').innerHTML = [
    ['service availability', pct(s.availability)], ['board × generations', num(s.board_generations)],
    ['handovers completed', `${num(s.handovers?.completed)} / ${num(s.handovers?.started)}`], ['journaled outputs lost', num(s.journaled_outputs_lost)],
  ].map(([k, v]) => `<div>${v}<small>${esc(k)}</small></div>`).join('');
  const counts = { ...(s.handovers || {}), ...(s.faults || {}) };
  $('#stress-counts tbody').innerHTML = Object.entries(counts).map(([k, v]) => `<tr><td>${esc(k.replaceAll('_', ' '))}</td><td>${num(v)}</td></tr>`).join('') +
    Object.entries(s.deaths_by_cause || {}).map(([k, v]) => `<tr><td>deaths: ${esc(k)}</td><td>${num(v)}</td></tr>`).join('');
  const g = s.generations || [];
  lineChart('stressGen', $('#stress-generations'), 'generation', g.map((x) => x.generation), [
    ['mean accuracy', g.map((x) => x.accuracy ?? null), '#2563eb'],
    ['min', g.map((x) => x.accuracy_min ?? null), '#93c5fd'],
    ['retained vs generation 0', g.map((x) => x.generation === 0 ? null : x.retained_vs_first ?? null), '#059669'],
  ]);
  const boards = s.boards || [];
  $('#stress-boards-count').textContent = `(${num(boards.length)})`;
  // Rows go in by chunks, one per task, so the page answers clicks and scrolls while thousands of boards are added.
  const body = $('#stress-boards tbody');
  body.innerHTML = '';
  const run = ++stressRender;
  let i = 0;
  const chunk = () => {
    if (run !== stressRender) return;
    let html = '';
    for (const end = Math.min(boards.length, i + 250); i < end; i++) {
      const b = boards[i];
      html += `<tr class="stress-board"><td>${b.seed}</td><td>${b.lineage}</td><td>${b.generation}</td><td>${esc(b.serial)}</td><td>${esc(b.preset)}</td><td>${esc(b.origin)}</td>` +
        `<td>${num(b.serving_from_years, 2)}</td><td>${pct(b.accuracy_at_start)}</td><td>${num(b.died_years, 2)}</td><td>${esc(b.death_cause)}</td></tr>`;
    }
    body.insertAdjacentHTML('beforeend', html);
    if (i === Math.min(boards.length, 250)) document.body.dataset.firstRowsMs = (performance.now() - t0).toFixed(1);
    if (i < boards.length) { setTimeout(chunk, 0); return; }
    // The page measures its own render time, so the benchmark can read it (dashboard bench).
    document.body.dataset.renderMs = (performance.now() - t0).toFixed(1);
    document.body.dataset.renderedAt = performance.now().toFixed(0);
  };
  chunk();
}

function renderStressLive() {
  const runs = [...live.stress.values()];
  $('#stress-live').innerHTML = runs.map((r) => `<div class="card stress-run"><h4>${esc(r.scenario)} <span class="state ${r.done ? 'completed' : 'running'}">${r.done ? 'done' : 'running'}</span></h4>` +
    `lineages <span class="bar"><span style="width:${(100 * r.finished / Math.max(1, r.scheduled)).toFixed(1)}%"></span></span> ${r.finished}/${r.scheduled} · ` +
    `<a href="#stress?path=${encodeURIComponent(r.out_dir)}">${esc(r.out_dir)}</a></div>`).join('');
}

// ---- charts (uPlot) ----
function lineChart(name, el, xLabel, xs, series) {
  if (charts[name]) { charts[name].destroy(); charts[name] = null; }
  el.innerHTML = '';
  if (xs.length === 0 || series.length === 0) { el.innerHTML = '<p class="muted">no points yet</p>'; return; }
  const opts = {
    width: Math.min(900, Math.max(400, el.clientWidth || 800)), height: 260,
    scales: { x: { time: false } },
    axes: [{ label: xLabel }, { label: 'fraction', values: (u, v) => v.map((x) => (100 * x).toFixed(0) + '%') }],
    series: [{ label: xLabel }, ...series.map(([label, , colour]) => ({ label, stroke: colour, width: 2, spanGaps: true, points: { show: xs.length < 60 } }))],
  };
  charts[name] = new uPlot(opts, [xs, ...series.map(([, ys]) => ys)], el);
}

// ---- actions ----
async function requestHandover(kind, serial) {
  const headers = { 'Content-Type': 'application/json' };
  const token = $('#token').value.trim();
  if (token) headers['X-MortalHil-Token'] = token;
  try {
    const r = await getJson('/api/actions/handover', { method: 'POST', headers, body: JSON.stringify({ board_kind: kind, serial }) });
    say(r.message, false);
  } catch (err) { say(err.message, true); }
}

// ---- fleet ----
// Polled once a second while the view is open (the server itself reads the fleet about once a second).
async function pollFleet() {
  try { fleet = await getJson('/api/fleet'); } catch (err) { fleet = { error: err.message, nodes: fleet && fleet.nodes }; }
  if (route().view === 'fleet') renderFleet();
}

function renderFleet() {
  if (!fleet || (!fleet.nodes && !fleet.error)) { $('#fleet-title').textContent = info.fleet ? `${info.fleet}: connecting…` : 'none'; return; }
  const nodes = fleet.nodes || [];
  $('#fleet-title').textContent = `${fleet.cluster_id ?? info.fleet} via Redis ${fleet.redis ?? ''}` + (fleet.read_utc ? `, read ${ago(fleet.read_utc)}` : '');
  const e = $('#fleet-error');
  e.hidden = !fleet.error; e.textContent = fleet.error ? fleet.error + (fleet.read_utc ? ' (showing the last status read)' : '') : '';
  const count = (n, s) => n.boards.filter((b) => b.state === s).length;
  $('#fleet-nodes tbody').innerHTML = nodes.map((n) =>
    `<tr data-node="${esc(n.node)}"><td>${esc(n.node)}</td><td><span class="state ${n.silo_active ? 'serving' : 'dead'}">${n.silo_active ? 'active' : 'gone'}</span></td><td>${esc(n.silo_address ?? '–')}</td>` +
    `<td>${n.cores || '–'}</td><td>${count(n, 'alive')} / ${count(n, 'dead')} / ${count(n, 'unreachable')}</td></tr>`).join('');
  const boards = nodes.flatMap((n) => n.boards.map((b) => ({ node: n.node, ...b })));
  $('#fleet-boards-count').textContent = `(${boards.length})`;
  $('#fleet-boards tbody').innerHTML = boards.map((b) =>
    `<tr data-board="${esc(b.node + '/' + b.serial)}"><td>${esc(b.node)}</td><td>${esc(b.serial)}</td><td>${esc(b.kind || b.spec)}</td>` +
    `<td><span class="state ${b.state === 'alive' ? 'serving' : b.state === 'dead' ? 'dead' : 'distilling'}">${esc(b.state)}</span></td><td>${num(b.total_pulses)}</td><td>${num(b.max_cell_pulses)}</td><td>${hours(b.uptime_hours)}</td><td class="muted">${esc(b.error ?? '')}</td></tr>`).join('');
}

// ---- wiring ----
document.addEventListener('click', (ev) => {
  const action = ev.target.closest('.handover-action');
  if (action) { ev.stopPropagation(); requestHandover(action.dataset.kind, action.dataset.serial); return; }
  const row = ev.target.closest('tr.clickable.board-row');
  if (row) { selectBoard(row.dataset.board); return; }
  const card = ev.target.closest('.card.handover');
  if (card) { selectHandover(card.dataset.journal); return; }
  const pick = ev.target.closest('.run-pick');
  if (pick) {
    const id = Number(pick.value);
    const i = selectedRuns.indexOf(id);
    if (pick.checked && i < 0) { selectedRuns.push(id); if (selectedRuns.length > 2) selectedRuns.shift(); }
    if (!pick.checked && i >= 0) selectedRuns.splice(i, 1);
    for (const box of document.querySelectorAll('.run-pick')) box.checked = selectedRuns.includes(Number(box.value));
    drawRunCompare();
  }
});

$('#stress-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  location.hash = 'stress?path=' + encodeURIComponent($('#stress-path').value.trim());
});

async function onRoute() {
  const { view, params } = route();
  render();
  if (view === 'runs') loadRuns();
  if (view === 'handovers') { try { journals = await getJson('/api/journals'); } catch (err) { say(err.message, true); } renderHandovers(); }
  if (view === 'stress') { loadStressList(); if (params.get('path')) openStress(params.get('path')); }
  clearInterval(fleetTimer); fleetTimer = null;
  if (view === 'fleet' && info.fleet) { pollFleet(); fleetTimer = setInterval(pollFleet, 1000); }
}

window.addEventListener('hashchange', onRoute);
(async () => {
  try { info = await getJson('/api/info'); } catch (err) { say(err.message, true); }
  $('#mode').textContent = info.read_only ? 'read-only' : 'actions need the token';
  $('#nav-fleet').hidden = !info.fleet;
  $('#footer-paths').textContent = `Run store ${info.run_store}; live events ${info.live_directory ?? 'off'}; folders: ${(info.directories || []).join(', ') || 'none'}.`;
  await refreshState();
  // ?nolive: a still page without the event stream (a headless browser's --dump-dom waits for the network to go idle).
  if (!new URLSearchParams(location.search).has('nolive')) connect();
  onRoute();
})();
