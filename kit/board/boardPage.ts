/**
 * The board page, one self-contained document: no build step, no outside request. It draws the
 * room from /events (server-sent events) with DOM text nodes only, so nothing a learner sends is
 * ever read as HTML; the Content-Security-Policy admits only this page's own script and style.
 *
 * Made for a room: on a projector the whole room on one screen (learners in as many side-by-side
 * columns as make the type largest, every name whole), a cell per learner and step with a colour, a
 * symbol and the failing task's number; a click on a cell gives the message, a click on a name the
 * instructor's actions. On a phone (narrow), one card per learner, to walk the room with.
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
  :root { --ink: #111; --paper: #fff; --muted: #4a4a4a; --line: #c8c8c8;
          --pass: #0b6e2e; --fail: #b3261e; --error: #5b1a8c; --none: #e6e9eb; --frame: #111; --fs: 20px; }
  * { box-sizing: border-box; }
  html, body { margin: 0; }
  body { padding: 10px 16px 6px; font: calc(11px + .5vw)/1.25 system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--paper); }
  header { display: flex; align-items: center; gap: 8px 18px; flex-wrap: wrap; }
  h1 { font-size: 1.25em; margin: 0; white-space: nowrap; }
  #summary { color: var(--muted); white-space: nowrap; }
  #sort { font: inherit; font-size: .85em; padding: 1px 4px; }
  #live { margin-left: auto; font-weight: 700; white-space: nowrap; }
  #live.on { color: var(--pass); } #live.off { color: var(--fail); }
  #join { display: flex; align-items: center; gap: 6px 14px; flex-wrap: wrap; margin: 6px 0; padding: 5px 10px; border: 2px solid var(--ink); border-radius: 8px; background: #fff8d6; }
  #join .how { font-weight: 700; white-space: nowrap; }
  #join code { font: 700 1.05em/1.3 ui-monospace, "DejaVu Sans Mono", Menlo, monospace; overflow-wrap: anywhere; }
  #join.closed { background: var(--none); }
  #toggle-join { margin-left: auto; font: inherit; font-size: .85em; padding: 2px 10px; border: 2px solid var(--ink); border-radius: 6px; background: var(--paper); cursor: pointer; }
  #panels { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 6px 12px; margin: 0 0 6px; }
  .panel { border-left: 5px solid var(--ink); padding: 1px 10px; min-width: 0; }
  .panel h2 { font-size: .72em; margin: 0; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
  .panel .body { font-size: .92em; font-weight: 600; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
  #trouble-panel { border-left-color: var(--error); }
  #trouble-panel[hidden] { display: none; }
  .quiet { color: var(--muted); font-weight: 400; }
  #grid { display: flex; gap: 0 18px; align-items: flex-start; font-size: var(--fs); }
  table { border-collapse: separate; border-spacing: 3px 2px; flex: 1 1 0; min-width: 0; }
  th { font-size: .8em; font-weight: 700; text-align: center; padding: 0 2px; white-space: nowrap; color: var(--muted); }
  th.name { text-align: left; }
  th .count { display: block; font-size: .85em; font-weight: 600; }
  td { padding: .12em .3em; border-radius: 5px; white-space: nowrap; vertical-align: middle; line-height: 1.2; }
  td.name { font-weight: 700; white-space: normal; overflow-wrap: anywhere; min-width: 6em; cursor: pointer; }
  td.name.trouble::after { content: " ⚠"; color: var(--error); }
  td.cell { width: 2.2em; text-align: center; font-weight: 800; cursor: pointer; }
  td.pass { background: var(--pass); color: #fff; }
  td.fail { background: var(--fail); color: #fff; }
  td.error { background: var(--error); color: #fff; }
  td.none { background: var(--none); color: #555; font-weight: 400; }
  td.current { box-shadow: inset 0 0 0 3px var(--frame); }
  td.pass.current, td.fail.current, td.error.current { box-shadow: inset 0 0 0 3px #ffd54f; }
  td.time { text-align: right; }
  #legend { margin: 6px 0 0; font-size: .8em; color: var(--muted); }
  #legend span { margin-right: 1.2em; white-space: nowrap; display: inline-block; }
  #legend #steps { white-space: normal; display: inline; }
  body.narrow #legend span { white-space: normal; }
  #empty { font-size: 24px; margin: 30px 0; }
  dialog { max-width: min(720px, 94vw); border: 3px solid var(--ink); border-radius: 10px; padding: 14px 18px; font-size: 17px; }
  dialog::backdrop { background: rgba(0, 0, 0, .35); }
  dialog h2 { margin: 0 0 6px; font-size: 21px; overflow-wrap: anywhere; }
  dialog pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 14px; background: #f3f3f3; padding: 8px; border-radius: 6px; max-height: 50vh; overflow: auto; }
  dialog .actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 12px; }
  dialog button, dialog select { font: inherit; font-size: 16px; padding: 3px 10px; }
  dialog button.danger { border: 2px solid var(--fail); color: var(--fail); background: #fff; }
  #detail-status { color: var(--fail); min-height: 1.2em; margin: 6px 0 0; }

  /* A phone walking the room: one card a learner, the steps in a strip below the name. */
  body.narrow { padding: 8px; font-size: 16px; }
  body.narrow h1 { font-size: 18px; }
  body.narrow #join code { font-size: 14px; }
  body.narrow #grid { display: block; font-size: 16px; }
  body.narrow table, body.narrow thead, body.narrow tbody { display: block; width: 100%; }
  body.narrow tr { display: grid; grid-template-columns: repeat(8, minmax(0, 1fr)); gap: 3px; margin: 0 0 8px; }
  body.narrow thead tr { position: sticky; top: 0; background: var(--paper); margin: 0 0 4px; padding: 2px 0; z-index: 1; }
  body.narrow th.name, body.narrow th.time { display: none; }
  body.narrow td.name { grid-column: 1 / span 6; min-width: 0; font-size: 17px; padding: 2px 0 0; }
  body.narrow td.time { grid-column: 7 / span 2; grid-row: 1; padding: 2px 0 0; }
  body.narrow td.cell { width: auto; grid-row: 2; padding: 4px 0; }
</style>
</head>
<body>
<header>
  <h1>North Pole Orders · class board</h1>
  <span id="summary">waiting for the first learner…</span>
  <select id="sort" aria-label="Order of learners"><option value="name">by name</option><option value="stuck">longest on step first</option></select>
  <span id="live" class="off">○ connecting</span>
</header>
<div id="join"><span class="how">Join:</span><code id="join-line">…</code><button id="toggle-join" type="button">Close joining</button></div>
<section id="panels">
  <div class="panel"><h2>Fails most across the room</h2><div class="body" id="most"><span class="quiet">nothing failing yet</span></div></div>
  <div class="panel"><h2>Longest on their step</h2><div class="body" id="stuck"><span class="quiet">nobody yet</span></div></div>
  <div class="panel" id="trouble-panel" hidden><h2>Could not grade: their machine</h2><div class="body" id="trouble"></div></div>
</section>
<div id="grid"></div>
<p id="empty">No learner has joined yet: they type the join line above.</p>
<p id="legend"><span>✓ passed</span><span>✗3 failing at Task 3</span><span>⚠ could not grade (LocalStack, Docker…: their machine)</span><span>· not started</span><span>framed: the step they are on</span><span>click a cell for its message, a name to remove or merge</span><span id="steps"></span></p>
<dialog id="detail"><h2 id="detail-title"></h2><div id="detail-body"></div><p id="detail-status"></p><div class="actions" id="detail-actions"></div></dialog>
<script nonce="${nonce}">
'use strict';
const $ = (id) => document.getElementById(id);
const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};
let board;
let clockOffset = 0;
const minutes = (since) => Math.max(0, Math.floor((Date.now() + clockOffset - Date.parse(since)) / 60000));
const duration = (since) => { const m = minutes(since); return m < 60 ? m + ' min' : Math.floor(m / 60) + ' h ' + String(m % 60).padStart(2, '0'); };
const SYMBOL = { pass: '✓', fail: '✗', error: '⚠', none: '·' };

function cellLabel(cell) {
  if (cell.state === 'fail' && cell.failingTask !== undefined) return '✗' + cell.failingTask;
  return SYMBOL[cell.state];
}

function cellWords(cell, exercise) {
  const step = 'Step ' + exercise.number + ' (' + exercise.title + '): ';
  if (cell.state === 'pass') return step + 'passed';
  if (cell.state === 'error') return step + 'could not grade, ' + (cell.problemKind || 'setup') + ' trouble on their machine';
  if (cell.state === 'fail') return step + (cell.failingTask === undefined ? 'failing' : 'failing at Task ' + cell.failingTask + ': ' + (cell.failingTitle || ''));
  return step + 'not started';
}

function ordered(learners) {
  const byName = (a, b) => a.name.localeCompare(b.name);
  if ($('sort').value !== 'stuck') return [...learners].sort(byName);
  const since = (l) => (l.current === undefined ? Infinity : Date.parse(l.currentSince));
  return [...learners].sort((a, b) => since(a) - since(b) || byName(a, b));
}

function headRow(view, learners) {
  const tr = el('tr');
  tr.append(el('th', 'name', 'Learner'));
  for (const exercise of view.exercises) {
    const th = el('th', 'step');
    th.title = exercise.number + ' ' + exercise.title;
    th.append(String(exercise.number), el('span', 'count', '✓' + exercise.finished));
    tr.append(th);
  }
  tr.append(el('th', 'time', 'On step'));
  const thead = el('thead');
  thead.append(tr);
  return thead;
}

function learnerRow(view, learner, trouble) {
  const tr = el('tr');
  const name = el('td', 'name' + (trouble.has(learner.name) ? ' trouble' : ''), learner.name);
  name.addEventListener('click', () => showLearner(learner));
  tr.append(name);
  for (const exercise of view.exercises) {
    const cell = learner.cells[exercise.number] || { state: 'none', hints: 0, runs: 0 };
    const td = el('td', 'cell ' + cell.state + (learner.current === exercise.number ? ' current' : ''), cellLabel(cell));
    td.title = [cellWords(cell, exercise), cell.hints ? cell.hints + (cell.hints === 1 ? ' hint' : ' hints') : '', cell.message || ''].filter(Boolean).join('\\n');
    td.dataset.exercise = String(exercise.number);
    td.dataset.state = cell.state;
    td.addEventListener('click', () => showCell(learner, exercise, cell));
    tr.append(td);
  }
  tr.append(el('td', 'time', learner.current === undefined ? 'done' : duration(learner.currentSince)));
  return tr;
}

/** Learners in \`columns\` side-by-side tables, down the first column first. */
function layout(view, learners, columns) {
  const trouble = new Set(view.setupTrouble.map((t) => t.name));
  const perColumn = Math.ceil(learners.length / columns) || 1;
  const tables = [];
  for (let start = 0; start < learners.length || tables.length === 0; start += perColumn) {
    const table = el('table');
    const tbody = el('tbody');
    tbody.append(...learners.slice(start, start + perColumn).map((learner) => learnerRow(view, learner, trouble)));
    table.append(headRow(view, learners), tbody);
    tables.push(table);
    if (learners.length === 0) break;
  }
  $('grid').replaceChildren(...tables);
}

const fits = () => document.documentElement.scrollWidth <= window.innerWidth && document.documentElement.scrollHeight <= window.innerHeight;
const setSize = (px) => $('grid').style.setProperty('--fs', px + 'px');

/** The largest type that shows the whole room on this screen, over one to four columns of learners. */
function fitToScreen(view, learners) {
  const narrow = window.innerWidth < 700;
  document.body.classList.toggle('narrow', narrow);
  if (narrow) return layout(view, learners, 1);
  let best = { columns: 1, size: 0 };
  for (let columns = 1; columns <= Math.min(4, Math.max(1, learners.length)); columns++) {
    layout(view, learners, columns);
    let low = 11, high = 30;
    setSize(low);
    if (!fits()) continue;
    while (high - low > 0.5) {
      const size = (low + high) / 2;
      setSize(size);
      if (fits()) low = size; else high = size;
    }
    if (low > best.size + 0.5) best = { columns, size: low };
  }
  // A room too large for one screen: the smallest readable type, and the page scrolls.
  layout(view, learners, best.size > 0 ? best.columns : Math.max(1, Math.min(4, Math.floor(window.innerWidth / 600))));
  setSize(Math.floor(best.size || 13));
}

function render() {
  if (!board) return;
  const view = board.view;
  const learners = ordered(view.learners);
  $('summary').textContent = learners.length + (learners.length === 1 ? ' learner' : ' learners') + ' · ' + view.grades + ' grades';
  $('empty').hidden = learners.length > 0;

  const join = board.join;
  $('join').classList.toggle('closed', !join.open);
  $('join-line').textContent = join.open
    ? join.addresses.map((address) => 'npm run join -- ' + address + ' --code ' + join.code + ' --name "Your name"').join('   or   ')
    : 'Joining is closed (learners already on the board still send their grades).';
  $('toggle-join').textContent = join.open ? 'Close joining' : 'Open joining';

  if (view.mostFailing) {
    const f = view.mostFailing;
    $('most').replaceChildren(el('span', 'quiet', f.learners + (f.learners === 1 ? ' learner: ' : ' learners: ')), 'Step ' + f.exercise + ', Task ' + f.task + ': ' + f.title);
  } else $('most').replaceChildren(el('span', 'quiet', 'nothing failing yet'));
  const stuck = view.stuck.slice(0, 3).flatMap((s, i) => [i ? ' · ' : '', s.name + ' ', el('span', 'quiet', duration(s.since))]);
  $('stuck').replaceChildren(...(stuck.length ? stuck : [el('span', 'quiet', 'nobody yet')]));
  $('trouble-panel').hidden = view.setupTrouble.length === 0;
  $('trouble').replaceChildren(view.setupTrouble.slice(0, 4).map((t) => t.name + ' (' + t.kind + ')').join('; ') + (view.setupTrouble.length > 4 ? '; +' + (view.setupTrouble.length - 4) + ' more' : ''));
  $('steps').textContent = 'Steps: ' + view.exercises.map((e) => e.number + ' ' + e.title).join(' · ');

  fitToScreen(view, learners);
  // Says which window the layout was made for (the browser test waits for it after a resize).
  document.body.dataset.fitted = window.innerWidth + 'x' + window.innerHeight;
}

const detail = $('detail');
function openDetail(title, body, actions) {
  $('detail-title').textContent = title;
  $('detail-body').replaceChildren(...body);
  $('detail-status').textContent = '';
  const close = el('button', '', 'Close');
  close.type = 'button';
  close.addEventListener('click', () => detail.close());
  $('detail-actions').replaceChildren(...actions, close);
  if (!detail.open) detail.showModal();
}

function showCell(learner, exercise, cell) {
  const body = [el('p', '', cellWords(cell, exercise)), el('p', 'quiet', cell.runs + (cell.runs === 1 ? ' grade' : ' grades') + ' of this step, ' + cell.hints + ' hints')];
  if (cell.message) body.push(el('pre', '', cell.message));
  openDetail(learner.name, body, []);
}

/** An instructor's action; what went wrong is said where the instructor clicked. */
async function act(path, body, done, where = $('detail-status')) {
  try {
    const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.message || 'HTTP ' + response.status);
    done();
  } catch (error) {
    where.textContent = 'Not done: ' + error.message;
  }
}

function showLearner(learner) {
  const others = board.view.learners.filter((other) => other.id !== learner.id).sort((a, b) => a.name.localeCompare(b.name));
  const remove = el('button', 'danger', 'Remove from the board');
  remove.type = 'button';
  remove.addEventListener('click', () => {
    if (remove.dataset.sure) return act('/learners/' + learner.id + '/remove', {}, () => detail.close());
    remove.dataset.sure = '1';
    remove.textContent = 'Remove ' + learner.name + ': sure?';
  });
  const into = el('select');
  into.setAttribute('aria-label', 'Merge into');
  into.append(...others.map((other) => { const option = el('option', '', other.name); option.value = other.id; return option; }));
  const merge = el('button', '', 'Merge into');
  merge.type = 'button';
  merge.disabled = others.length === 0;
  merge.addEventListener('click', () => act('/learners/' + learner.id + '/merge', { into: into.value }, () => detail.close()));
  const where = learner.current === undefined ? 'Every step passed.' : 'On step ' + learner.current + ' for ' + duration(learner.currentSince) + '.';
  openDetail(learner.name, [el('p', '', where + ' ' + learner.done + ' passed, ' + learner.hints + ' hints.'), el('p', 'quiet', 'Merge: one person with two rows (their grades join the other row). Remove: a ghost or a fake name; the export says who was removed.')], [remove, merge, into]);
}

$('toggle-join').addEventListener('click', () => act('/joining', { open: !board.join.open }, () => {}, $('toggle-join')));
$('sort').addEventListener('change', render);

function connect() {
  const source = new EventSource('/events');
  source.addEventListener('board', (event) => {
    board = JSON.parse(event.data);
    clockOffset = Date.parse(board.view.generatedAt) - Date.now();
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
let resized;
window.addEventListener('resize', () => { clearTimeout(resized); resized = setTimeout(render, 150); });
setInterval(render, 30000);
</script>
</body>
</html>
`;
}
