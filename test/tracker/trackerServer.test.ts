import http from 'node:http';
import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY_HEADER, startTracker, type RunningTracker } from '../../kit/tracker/trackerServer.ts';

/** A request as EventBridge's API destination sends it, with the key unless told otherwise. */
function post(
  tracker: RunningTracker,
  body: unknown,
  options: { key?: string | null; path?: string; contentType?: string } = {},
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json; charset=utf-8' };
  if (options.key !== null) headers[API_KEY_HEADER] = options.key ?? tracker.endpoint.apiKey;
  return fetch(`${tracker.address.replace(/\/$/, '')}${options.path ?? '/updates'}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(async (response) => ({
    status: response.status,
    body: await response.text(),
  }));
}

/** A request with a Host header of the test's choosing (fetch does not let one be set). */
function withHost(tracker: RunningTracker, host: string): Promise<number> {
  const url = new URL(tracker.address);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: url.hostname, port: url.port, path: '/', headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

/** The first `count` messages of the server-sent event stream, and the stream closed. */
async function events(tracker: RunningTracker, count: number): Promise<{ event: string; data: string }[]> {
  const controller = new AbortController();
  const response = await fetch(`${tracker.address}events`, { signal: controller.signal });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = response.body!.getReader();
  let text = '';
  const messages = () =>
    text
      .split('\n\n')
      .filter((block) => block.includes('data: '))
      .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: /^data: (.*)$/m.exec(block)![1]! }));
  while (messages().length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  controller.abort();
  return messages().slice(0, count);
}

const placed = { orderId: 'letters/ada.json', status: 'OrderPlaced', time: '2026-12-24T21:10:07Z' };
const fulfilled = { orderId: 'letters/ada.json', status: 'OrderFulfilled', time: '2026-12-24T21:10:07Z' };

describe('the order tracker', () => {
  let tracker: RunningTracker;
  beforeEach(async () => {
    tracker = await startTracker();
  });
  afterEach(async () => {
    await tracker.close();
  });

  it('listens on 127.0.0.1 only, and tells EventBridge where to post and with which key', async () => {
    expect(tracker.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(tracker.endpoint).toEqual({
      updatesUrl: `${tracker.address}updates`,
      apiKeyName: API_KEY_HEADER,
      apiKey: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) as string,
    });
    const other = Object.values(os.networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (other) {
      const port = new URL(tracker.address).port;
      await expect(fetch(`http://${other.address}:${port}/`, { signal: AbortSignal.timeout(3000) })).rejects.toThrow();
    }
  });

  it('takes an update with its key, and the page hears it: every update so far, then each new one', async () => {
    expect(await post(tracker, placed)).toEqual({ status: 202, body: '{"taken":true}' });
    const stream = events(tracker, 3);
    // Let the page connect before the next update, so the second arrives live.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await post(tracker, fulfilled)).status).toBe(202);
    expect(await stream).toEqual([
      { event: 'update', data: JSON.stringify(placed) },
      { event: 'ready', data: '{}' },
      { event: 'update', data: JSON.stringify(fulfilled) },
    ]);
    expect(tracker.timeline(placed.orderId)).toEqual([placed, fulfilled]);
  });

  it('shows an order in the order things happened, however the updates arrive; the same update twice is one', async () => {
    const later = { ...fulfilled, time: '2026-12-24T21:10:09Z' };
    for (const update of [later, placed, placed, fulfilled]) expect((await post(tracker, update)).status).toBe(202);
    // Same second: a placed order comes before its outcome.
    expect(tracker.timeline(placed.orderId)).toEqual([placed, fulfilled, later]);
    expect(tracker.deliveries.filter((delivery) => delivery.status === 202)).toHaveLength(4);
  });

  it('refuses an update without its key, or with another, and reads nothing of it', async () => {
    const without = await post(tracker, placed, { key: null });
    const wrong = await post(tracker, placed, { key: 'ho-ho-ho' });
    expect([without.status, wrong.status]).toEqual([401, 401]);
    expect(JSON.parse(without.body).message).toContain(`header ${API_KEY_HEADER}`);
    expect(tracker.deliveries.map((delivery) => [delivery.status, delivery.fields])).toEqual([
      [401, undefined],
      [401, undefined],
    ]);
    expect(tracker.timeline(placed.orderId)).toEqual([]);
  });

  it('takes an orderId, a status and a time, and nothing else: what it refuses it names by field, never keeps', async () => {
    const whole = {
      version: '0',
      id: 'e-1',
      'detail-type': 'OrderPlaced',
      source: 'northpole.orders',
      time: placed.time,
      detail: { orderId: 'o-1', child: 'Ada', gift: 'kite', list: 'naughty' },
    };
    const refused = [
      { ...placed, child: 'Ada' },
      whole,
      { ...placed, status: 'coal' },
      { ...placed, orderId: '' },
      { ...placed, time: '' },
      { orderId: 'o-1', status: 'OrderPlaced' },
      [placed],
    ];
    for (const body of refused) expect((await post(tracker, body)).status, JSON.stringify(body)).toBe(400);
    expect((await post(tracker, '{"orderId": "o-1", ', {})).status).toBe(400);
    expect((await post(tracker, 'orderId=o-1', { contentType: 'text/plain' })).status).toBe(415);
    expect((await post(tracker, { ...placed, orderId: 'x'.repeat(5000) })).status).toBe(413);
    expect(tracker.deliveries[0]!.fields).toEqual(['orderId', 'status', 'time', 'child']);
    expect(tracker.deliveries[1]!.fields).toEqual(['version', 'id', 'detail-type', 'source', 'time', 'detail']);
    expect(tracker.deliveries[2]!.problem).toContain('status must be equal to one of the allowed values');
    expect(JSON.stringify(tracker.deliveries)).not.toMatch(/Ada|kite|naughty|coal/);
    expect(tracker.deliveries.every((delivery) => delivery.status >= 400)).toBe(true);
  });

  it('answers 404 to any other address, an order in the path included, and says where updates go', async () => {
    const inPath = await post(tracker, placed, { path: '/updates/*/letters%2Fada.json' });
    expect(inPath.status).toBe(404);
    expect(JSON.parse(inPath.body).message).toContain('no path parameters');
    expect(tracker.deliveries[0]).toMatchObject({ status: 404, path: '/updates/*/letters%2Fada.json' });
  });

  it('answers only to its own names: a page elsewhere cannot reach it through a name of its own', async () => {
    const port = new URL(tracker.address).port;
    expect(await withHost(tracker, `127.0.0.1:${port}`)).toBe(200);
    expect(await withHost(tracker, `localhost:${port}`)).toBe(200);
    expect(await withHost(tracker, `evil.example:${port}`)).toBe(421);
  });

  it('serves its page under a Content-Security-Policy that admits its own nonce-tagged script and style only', async () => {
    const response = await fetch(tracker.address);
    const policy = response.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(policy)![1];
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain(`script-src 'nonce-${nonce}'`);
    expect(policy).toContain("connect-src 'self'");
    const page = await response.text();
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).toContain(`<script nonce="${nonce}">`);
    expect(page).toContain(`<style nonce="${nonce}">`);
    expect(page).not.toMatch(/innerHTML|\son[a-z]+=/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const again = /'nonce-([^']+)'/.exec((await fetch(tracker.address)).headers.get('content-security-policy')!)![1];
    expect(again).not.toBe(nonce);
  });

  it('waits for what it is told to, and says when it came too late', async () => {
    const taken = tracker.waitFor((deliveries) => deliveries.some((delivery) => delivery.update?.orderId === placed.orderId), 5_000);
    await post(tracker, placed);
    expect(await taken).toBe(true);
    expect(await tracker.waitFor(() => false, 50)).toBe(false);
  });
});
