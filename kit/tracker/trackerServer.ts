import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { EventTypes, type TrackerEndpoint, type TrackerUpdate } from '../contracts.ts';
import { trackerPage } from './trackerPage.ts';

/** The header EventBridge's connection puts the tracker's API key in. */
export const API_KEY_HEADER = 'x-tracker-key';
export const UPDATES_PATH = '/updates';

/** Loopback only: the tracker is for the machine it runs on. */
const HOST = '127.0.0.1';
/** An update is three short fields; anything near this size is not one. */
const BODY_LIMIT = 4 * 1024;
/** Pages watching at once: a family's worth of tabs, not a flood. */
const MOST_WATCHERS = 50;
const STATUSES = [EventTypes.OrderPlaced, EventTypes.OrderFulfilled, EventTypes.OrderFailed] as const;

const UPDATE_SCHEMA = {
  type: 'object',
  required: ['orderId', 'status', 'time'],
  additionalProperties: false,
  properties: {
    orderId: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$' },
    status: { enum: STATUSES },
    time: { type: 'string', format: 'date-time', maxLength: 40 },
  },
} as const;

/** One request that came to the tracker, as the grader and `npm run tracker` read it. */
export interface Delivery {
  receivedAt: string;
  method: string;
  path: string;
  /** What the tracker answered: 202 taken, 400 not an update, 401 without the key, 404 elsewhere. */
  status: number;
  /** Why it was refused, in a sentence. */
  problem?: string;
  /** The top-level fields of a refused body, by name: the tracker keeps no value it refused. */
  fields?: string[];
  update?: TrackerUpdate;
}

export interface TrackerOptions {
  /** 0 (the default) takes any free port. */
  port?: number;
  apiKey?: string;
  /** Hears each delivery as it comes (`npm run tracker` prints the refused ones). */
  onDelivery?: (delivery: Delivery) => void;
}

export interface RunningTracker {
  /** The page: http://127.0.0.1:<port>/ */
  address: string;
  /** Where EventBridge posts, and with which key. */
  endpoint: TrackerEndpoint;
  /** Every request to the tracker so far, in the order they came. */
  readonly deliveries: Delivery[];
  /** The order's updates as the page shows them: by time, a placed order before its outcome. */
  timeline(orderId: string): TrackerUpdate[];
  /** Resolves true once `done` holds for the deliveries so far, false when `deadlineMs` passes first. */
  waitFor(done: (deliveries: Delivery[]) => boolean, deadlineMs: number): Promise<boolean>;
  close(): Promise<void>;
}

const rank = (status: TrackerUpdate['status']) => STATUSES.indexOf(status);

const sameKey = (given: string | string[] | undefined, expected: string) => {
  if (typeof given !== 'string') return false;
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
};

const problem = (reply: FastifyReply, status: number, message: string) => reply.code(status).send({ statusCode: status, message });

/**
 * The order tracker: EventBridge posts each status change of an order (an API destination with the
 * tracker's API key), and children watch them on a page that updates itself (server-sent events).
 * It takes only what a child may see: an orderId, a status and a time, nothing else.
 */
export async function startTracker(options: TrackerOptions = {}): Promise<RunningTracker> {
  const apiKey = options.apiKey ?? randomBytes(24).toString('base64url');
  const deliveries: Delivery[] = [];
  const timelines = new Map<string, TrackerUpdate[]>();
  const watchers = new Set<ServerResponse>();
  const waiters = new Set<() => void>();

  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    // Refuse what the schema does not allow, never strip or convert it: a field too many is the sender's mistake.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  app.removeContentTypeParser('text/plain');

  const record = (delivery: Omit<Delivery, 'receivedAt'>) => {
    const full = { receivedAt: new Date().toISOString(), ...delivery };
    deliveries.push(full);
    options.onDelivery?.(full);
    for (const wake of waiters) wake();
  };
  const pathOf = (request: FastifyRequest) => request.url.split('?')[0]!;

  // Only this machine's own names: a page elsewhere cannot reach the tracker by pointing a name of its own at 127.0.0.1.
  app.addHook('onRequest', async (request, reply) => {
    const port = (app.server.address() as AddressInfo).port;
    if (![`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(request.headers.host ?? '')) {
      return problem(reply, 421, `The tracker answers to 127.0.0.1:${port} and localhost:${port} only.`);
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string; validation?: unknown; message: string }, request, reply) => {
    const refuse = (status: number, why: string) => {
      if (pathOf(request) === UPDATES_PATH) {
        const body = request.body;
        const fields = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : undefined;
        record({ method: request.method, path: pathOf(request), status, problem: why, fields });
      }
      return problem(reply, status, why);
    };
    if (error.validation) {
      return refuse(400, `Not an update: ${error.message.replace(/^body\/?\s*/, '')}. The tracker takes {"orderId", "status", "time"} and nothing else.`);
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return refuse(413, `The body is larger than ${BODY_LIMIT} bytes: an update is three short fields.`);
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return refuse(415, 'Send JSON, with Content-Type: application/json.');
    if (error.code?.startsWith('FST_ERR_CTP_') || error instanceof SyntaxError) return refuse(400, `The body is not valid JSON: ${error.message}`);
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    return refuse(status, status === 500 ? 'The tracker failed to handle this request.' : error.message);
  });
  app.setNotFoundHandler((request, reply) => {
    const why = `There is no ${request.method} ${pathOf(request)} on the tracker: updates go to POST ${UPDATES_PATH}, with the order in the body (no path parameters).`;
    record({ method: request.method, path: pathOf(request), status: 404, problem: why });
    return problem(reply, 404, why);
  });

  app.post<{ Body: TrackerUpdate }>(
    UPDATES_PATH,
    {
      schema: { body: UPDATE_SCHEMA },
      // The key is checked before the body is read: without it, nothing of the request is looked at.
      onRequest: async (request, reply) => {
        if (sameKey(request.headers[API_KEY_HEADER], apiKey)) return;
        const why =
          request.headers[API_KEY_HEADER] === undefined
            ? `No API key: the tracker takes updates with the header ${API_KEY_HEADER} only.`
            : `The ${API_KEY_HEADER} header does not hold the tracker's API key.`;
        record({ method: request.method, path: UPDATES_PATH, status: 401, problem: why });
        return problem(reply, 401, why);
      },
    },
    async (request, reply) => {
      const update = { orderId: request.body.orderId, status: request.body.status, time: request.body.time };
      record({ method: request.method, path: UPDATES_PATH, status: 202, update });
      const timeline = timelines.get(update.orderId) ?? [];
      // At-least-once delivery: the same update twice is one status change.
      if (!timeline.some((seen) => seen.status === update.status && seen.time === update.time)) {
        timeline.push(update);
        timeline.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || rank(a.status) - rank(b.status));
        timelines.set(update.orderId, timeline);
        const message = `event: update\ndata: ${JSON.stringify(update)}\n\n`;
        for (const stream of watchers) stream.write(message);
      }
      return reply.code(202).send({ taken: true });
    },
  );

  app.get('/', async (_request, reply) => {
    const nonce = randomBytes(16).toString('base64');
    return reply
      .header(
        'content-security-policy',
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      )
      .type('text/html; charset=utf-8')
      .send(trackerPage(nonce));
  });

  app.get('/events', async (request, reply) => {
    if (watchers.size >= MOST_WATCHERS) return problem(reply, 503, `${MOST_WATCHERS} pages are watching already: close one.`);
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    // A page that opens late sees every order so far, then each change as it comes.
    const sofar = [...timelines.values()].flat().map((update) => `event: update\ndata: ${JSON.stringify(update)}\n\n`);
    stream.write(`retry: 2000\n\n${sofar.join('')}event: ready\ndata: {}\n\n`);
    watchers.add(stream);
    request.raw.on('close', () => watchers.delete(stream));
  });

  const heartbeat = setInterval(() => {
    for (const stream of watchers) stream.write(': still here\n\n');
  }, 20_000);
  heartbeat.unref();
  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    for (const stream of watchers) stream.end();
    watchers.clear();
  });

  await app.listen({ host: HOST, port: options.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;
  const address = `http://${HOST}:${port}`;
  return {
    address: `${address}/`,
    endpoint: { updatesUrl: `${address}${UPDATES_PATH}`, apiKeyName: API_KEY_HEADER, apiKey },
    deliveries,
    timeline: (orderId) => [...(timelines.get(orderId) ?? [])],
    waitFor(done, deadlineMs) {
      if (done(deliveries)) return Promise.resolve(true);
      return new Promise((resolve) => {
        const finish = (outcome: boolean) => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(outcome);
        };
        const check = () => done(deliveries) && finish(true);
        const timer = setTimeout(() => finish(done(deliveries)), deadlineMs);
        waiters.add(check);
      });
    },
    close: () => app.close(),
  };
}
