/**
 * The board page, one self-contained document: no build step, no outside request. It draws the
 * room from /events (server-sent events) with DOM text nodes only, so nothing a learner sends is
 * ever read as HTML; the Content-Security-Policy admits only this page's own script and style.
 * Made to be read from the back of a room: large type, strong contrast, and every state carries a
 * symbol and a word as well as a colour.
 */
export function boardPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Class board · North Pole Orders</title>
<style nonce="${nonce}">
  :root { --ink: #111; --paper: #fff; --muted: #555; --line: #c8c8c8;
          --pass: #0b6e2e; --fail: #b3261e; --error: #6a1b9a; --none: #eceff1; }
  * { box-sizing: border-box; }
  body { margin: 0; padding: 20px 28px; font: 22px/1.3 system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--paper); }
  header { display: flex; align-items: baseline; gap: 24px; flex-wrap: wrap; border-bottom: 4px solid var(--ink); padding-bottom: 8px; }
  h1 { font-size: 36px; margin: 0; }
  #summary { font-size: 24px; color: var(--muted); }
  #live { margin-left: auto; font-size: 22px; font-weight: 700; }
  #live.on { color: var(--pass); } #live.off { color: var(--fail); }
  #panels { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; margin: 14px 0 10px; align-items: start; }
  .panel { border: 3px solid var(--ink); border-radius: 10px; padding: 10px 16px; }
  .panel h2 { font-size: 20px; margin: 0 0 6px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
  #most { font-size: 28px; font-weight: 700; }
  #stuck { margin: 0; padding-left: 1.4em; font-size: 24px; }
  #stuck li { margin: 2px 0; }
  .quiet { color: var(--muted); font-weight: 400; }
  table { border-collapse: separate; border-spacing: 4px; width: 100%; table-layout: fixed; }
  th { font-size: 20px; text-align: left; vertical-align: bottom; padding: 4px 6px; }
  th.step { text-align: center; }
  th.step { vertical-align: bottom; }
  th .count { display: block; font-size: 26px; margin-top: 2px; }
  th.name, td.name { width: 12%; }
  th.num, td.num { width: 3.6em; text-align: right; }
  th.time, td.time { width: 6.2em; }
  td { padding: 5px 8px; border-radius: 6px; font-size: 22px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; vertical-align: middle; }
  td .task { font-weight: 700; }
  td .title { display: block; font-size: 17px; line-height: 1.15; white-space: normal; overflow: hidden; max-height: 2.3em; }
  td.cell { height: 78px; }
  /* A big room: one line a learner, the task title cut short (the whole of it is in the cell's tooltip). */
  body.compact td.cell { height: auto; }
  body.compact td .title { display: inline; font-size: inherit; white-space: nowrap; margin-left: .3em; }
  td.name { font-weight: 700; }
  td.cell { text-align: left; }
  td.pass { background: var(--pass); color: #fff; }
  td.fail { background: var(--fail); color: #fff; }
  td.error { background: var(--error); color: #fff; }
  td.none { background: var(--none); color: #444; text-align: center; }
  td.current { outline: 4px solid var(--ink); outline-offset: -4px; }
  td.pass.current, td.fail.current, td.error.current { outline-color: #ffd54f; }
  .sym { font-weight: 900; margin-right: .3em; }
  #legend { margin-top: 14px; font-size: 20px; color: var(--muted); }
  #legend span { margin-right: 1.5em; white-space: nowrap; }
  #empty { font-size: 28px; margin: 40px 0; }
</style>
</head>
<body>
<header>
  <h1>North Pole Orders · class board</h1>
  <span id="summary">waiting for the first learner…</span>
  <span id="live" class="off">○ connecting</span>
</header>
<section id="panels">
  <div class="panel"><h2>Fails most across the room</h2><div id="most"><span class="quiet">nothing failing yet</span></div></div>
  <div class="panel"><h2>Stuck longest on their step</h2><ol id="stuck"></ol></div>
</section>
<table id="grid"><thead><tr id="head"></tr></thead><tbody id="rows"></tbody></table>
<p id="empty">No learner has joined yet. Learners run <b>npm run join</b> with this board's address and code.</p>
<p id="legend"><span>✓ passed</span><span>✗ failing at the task named</span><span>! could not be graded</span><span>· not started</span><span>framed: the step they are on</span></p>
<script nonce="${nonce}">
'use strict';
const $ = (id) => document.getElementById(id);
const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};
let view;
let clockOffset = 0;
const minutes = (since) => Math.max(0, Math.floor((Date.now() + clockOffset - Date.parse(since)) / 60000));
const duration = (since) => { const m = minutes(since); return m < 60 ? m + ' min' : Math.floor(m / 60) + ' h ' + String(m % 60).padStart(2, '0'); };
const SYMBOL = { pass: '✓', fail: '✗', error: '!', none: '·' };

function cellText(cell) {
  if (cell.state === 'pass') return 'passed';
  if (cell.state === 'error') return 'error';
  if (cell.state === 'fail') return cell.failingTask === undefined ? 'failing' : 'Task ' + cell.failingTask + ': ' + (cell.failingTitle || '');
  return '';
}

/** A failing cell names the task on its first line and gives its title, smaller, below. */
function cellContent(cell) {
  if (cell.state !== 'fail' || cell.failingTask === undefined) return [el('span', 'sym', SYMBOL[cell.state]), cellText(cell)];
  return [el('span', 'sym', SYMBOL.fail), el('span', 'task', 'Task ' + cell.failingTask), el('span', 'title', cell.failingTitle || '')];
}

function render() {
  if (!view) return;
  const learners = [...view.learners].sort((a, b) => a.name.localeCompare(b.name));
  $('summary').textContent = learners.length + (learners.length === 1 ? ' learner' : ' learners') + ' · ' + view.grades + ' grades';
  $('empty').hidden = learners.length > 0;
  document.body.classList.toggle('compact', learners.length > 16);

  const head = $('head');
  head.replaceChildren(el('th', 'name', 'Learner'));
  for (const exercise of view.exercises) {
    const th = el('th', 'step');
    th.append(exercise.number + ' ' + exercise.title, el('span', 'count', '✓ ' + exercise.finished + '/' + learners.length));
    head.append(th);
  }
  head.append(el('th', 'num', 'Hints'), el('th', 'num time', 'On step'));

  const rows = learners.map((learner) => {
    const tr = el('tr');
    tr.append(el('td', 'name', learner.name));
    for (const exercise of view.exercises) {
      const cell = learner.cells[exercise.number] || { state: 'none' };
      const td = el('td', 'cell ' + cell.state + (learner.current === exercise.number ? ' current' : ''));
      td.append(...cellContent(cell));
      td.title = [cellText(cell), cell.message || ''].filter(Boolean).join('\\n');
      td.dataset.exercise = String(exercise.number);
      td.dataset.state = cell.state;
      tr.append(td);
    }
    tr.append(el('td', 'num', String(learner.hints)), el('td', 'num time', learner.current === undefined ? 'done' : duration(learner.currentSince)));
    return tr;
  });
  $('rows').replaceChildren(...rows);

  const most = $('most');
  if (view.mostFailing) {
    const f = view.mostFailing;
    most.replaceChildren('Exercise ' + f.exercise + ', Task ' + f.task + ': ' + f.title + ' ', el('span', 'quiet', '(' + f.learners + (f.learners === 1 ? ' learner)' : ' learners)')));
  } else most.replaceChildren(el('span', 'quiet', 'nothing failing yet'));

  const stuck = view.stuck.slice(0, 3).map((s) => {
    const li = el('li', '', s.name + ' · step ' + s.exercise + ' · ' + duration(s.since));
    if (s.failingTitle) li.append(el('span', 'quiet', ' · ' + s.failingTitle));
    return li;
  });
  $('stuck').replaceChildren(...(stuck.length ? stuck : [el('li', 'quiet', 'nobody yet')]));
}

function connect() {
  const source = new EventSource('/events');
  source.addEventListener('view', (event) => {
    view = JSON.parse(event.data);
    clockOffset = Date.parse(view.generatedAt) - Date.now();
    $('live').className = 'on';
    $('live').textContent = '● live';
    render();
  });
  source.onerror = () => {
    $('live').className = 'off';
    $('live').textContent = '○ reconnecting';
  };
}
connect();
setInterval(render, 30000);
</script>
</body>
</html>
`;
}
