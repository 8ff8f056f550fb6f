/**
 * The tracker page, one self-contained document: no build step, no outside request. It follows
 * /events (server-sent events) and draws each order's status changes with DOM text nodes only; the
 * Content-Security-Policy admits only this page's own script and style. `?order=<orderId>` shows
 * one order, as a child would watch their own.
 */
export function trackerPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Where is my present? · North Pole Orders</title>
<style nonce="${nonce}">
  :root { --ink: #14213d; --paper: #fffdf7; --muted: #4a5568; --placed: #1d4ed8; --fulfilled: #0b6e2e; --failed: #9a3412; }
  * { box-sizing: border-box; }
  body { margin: 0; padding: 16px; font: 18px/1.4 system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--paper); }
  header { display: flex; align-items: baseline; gap: 8px 16px; flex-wrap: wrap; }
  h1 { font-size: 1.4em; margin: 0; }
  #live { margin-left: auto; font-weight: 700; }
  #live.on { color: var(--fulfilled); } #live.off { color: var(--failed); }
  #empty { color: var(--muted); margin: 24px 0; }
  ol#orders { list-style: none; padding: 0; margin: 12px 0; display: grid; gap: 10px; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }
  li.order { border: 2px solid var(--ink); border-radius: 10px; padding: 8px 12px; background: #fff; }
  li.order h2 { font-size: 1em; margin: 0 0 4px; overflow-wrap: anywhere; }
  ol.steps { list-style: none; padding: 0; margin: 0; }
  ol.steps li { padding: 2px 0 2px 1.4em; position: relative; }
  ol.steps li::before { content: "●"; position: absolute; left: 0; }
  ol.steps li.OrderPlaced::before { color: var(--placed); }
  ol.steps li.OrderFulfilled::before { color: var(--fulfilled); }
  ol.steps li.OrderFailed::before { color: var(--failed); }
  time { color: var(--muted); font-size: .85em; margin-left: .4em; }
</style>
</head>
<body>
<header><h1>Where is my present?</h1><span id="live" class="off">○ connecting</span></header>
<p id="empty">No orders yet: when Santa gets a letter or an order, it shows here.</p>
<ol id="orders"></ol>
<script nonce="${nonce}">
'use strict';
const SAYS = { OrderPlaced: 'Santa has your order', OrderFulfilled: 'Made, wrapped and on the sleigh', OrderFailed: 'An elf is looking into it' };
const RANK = { OrderPlaced: 0, OrderFulfilled: 1, OrderFailed: 1 };
const only = new URLSearchParams(location.search).get('order');
const orders = new Map();

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function draw() {
  const list = document.getElementById('orders');
  const shown = [...orders.entries()].filter(([orderId]) => only === null || orderId === only);
  shown.sort((a, b) => Date.parse(a[1][0].time) - Date.parse(b[1][0].time));
  const cards = shown.map(([orderId, updates]) => {
    const card = element('li', 'order');
    card.dataset.order = orderId;
    card.append(element('h2', '', orderId));
    const steps = element('ol', 'steps');
    for (const update of updates) {
      const step = element('li', update.status, SAYS[update.status] || update.status);
      step.dataset.status = update.status;
      const when = element('time', '', new Date(update.time).toLocaleString());
      when.dateTime = update.time;
      step.append(when);
      steps.append(step);
    }
    card.append(steps);
    return card;
  });
  list.replaceChildren(...cards);
  document.getElementById('empty').hidden = cards.length > 0;
}

function take(update) {
  const updates = orders.get(update.orderId) || [];
  if (updates.some((seen) => seen.status === update.status && seen.time === update.time)) return;
  updates.push(update);
  // Events may arrive out of order: the page shows them in the order they happened.
  updates.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || RANK[a.status] - RANK[b.status]);
  orders.set(update.orderId, updates);
}

const live = document.getElementById('live');
const feed = new EventSource('/events');
feed.addEventListener('update', (message) => {
  take(JSON.parse(message.data));
  draw();
});
feed.addEventListener('ready', () => {
  live.textContent = '● live';
  live.className = 'on';
  draw();
});
feed.onerror = () => {
  live.textContent = '○ reconnecting';
  live.className = 'off';
};
</script>
</body>
</html>
`;
}
