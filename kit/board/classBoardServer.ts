import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Track } from '../track.ts';
import { boardPage } from './boardPage.ts';
import { toCsv, toMarkdown } from './classExport.ts';
import type { ClassStore, JoinOutcome, RoomLimits } from './classStore.ts';
import { classView, type ClassView } from './classView.ts';

/** What the page draws: the room, and how to join it. */
export interface BoardState {
  view: ClassView;
  join: { addresses: string[]; code: string; open: boolean };
}

export interface ClassBoardOptions {
  store: ClassStore;
  track: Track;
  code: string;
  token: string;
  /** Grades one learner may send in a minute before the board answers 429. */
  gradesPerMinute?: number;
  /** Join requests from one address in a minute (default: twice the learners one address may bring, for re-joins). */
  joinsPerMinute?: number;
  /** Learners on the board, and learners joined from one address. */
  limits?: Partial<RoomLimits>;
  /** The addresses learners join with, shown on the page with the code (known once the board listens). */
  joinAddresses?: () => string[];
  /** The board's clock (tests set it). */
  now?: () => Date;
}

export const DEFAULT_LIMITS: RoomLimits = { learners: 60, perAddress: 30 };

/**
 * Grades one learner may send in a minute. A learner's kit reports at most one grade per finished
 * grade (1.3 s at the quickest, and watch mode drops the ones a new save interrupts); what the
 * board answers 429 waits in the learner's outbox and goes later.
 */
export const GRADES_PER_MINUTE = 30;

/** The most a learner can send: a name, a verdict with one failure message. Anything larger is refused, not cut. */
export const LIMITS = { name: 40, message: 1000, kind: 40, tests: 30, joinBody: 1024, gradeBody: 16 * 1024 } as const;

const CREDENTIALS = { type: 'string', pattern: '^Bearer [0-9a-f-]{36}\\.[A-Za-z0-9_-]{16,64}$' } as const;

const JOIN_SCHEMA = {
  // A learner joining again from the same copy sends the credentials it was given: same row.
  headers: { type: 'object', properties: { authorization: CREDENTIALS } },
  body: {
    type: 'object',
    required: ['code', 'name'],
    additionalProperties: false,
    properties: {
      code: { type: 'string', minLength: 1, maxLength: 32 },
      // Printable text only: no control characters that would garble the board or an export.
      name: { type: 'string', minLength: 1, maxLength: LIMITS.name, pattern: '^[^\\u0000-\\u001f\\u007f]*\\S[^\\u0000-\\u001f\\u007f]*$' },
    },
  },
} as const;

const GRADE_SCHEMA = {
  headers: {
    type: 'object',
    required: ['authorization'],
    properties: { authorization: CREDENTIALS },
  },
  body: {
    type: 'object',
    required: ['code', 'gradeId', 'exercise', 'status', 'finishedAt', 'tests', 'hints', 'timeSpentMs'],
    additionalProperties: false,
    properties: {
      code: { type: 'string', minLength: 1, maxLength: 32 },
      gradeId: { type: 'string', pattern: '^[A-Za-z0-9-]{8,64}$' },
      exercise: { type: 'integer', minimum: 1, maximum: 99 },
      status: { enum: ['pass', 'fail', 'error'] },
      earlierSteps: { enum: ['reference'] },
      message: { type: 'string', maxLength: LIMITS.message },
      finishedAt: { type: 'string', format: 'date-time', maxLength: 40 },
      tests: {
        type: 'array',
        maxItems: LIMITS.tests,
        items: {
          type: 'object',
          required: ['task_id', 'status'],
          additionalProperties: false,
          properties: {
            task_id: { type: 'integer', minimum: 0, maximum: 99 },
            status: { enum: ['pass', 'fail'] },
            message: { type: 'string', maxLength: LIMITS.message },
          },
        },
      },
      hints: { type: 'integer', minimum: 0, maximum: 10_000 },
      timeSpentMs: { type: 'integer', minimum: 0, maximum: 1e12 },
      // A grade that could not run (exit 2): what broke, and the first line of why.
      environment: {
        type: 'object',
        required: ['kind'],
        properties: {
          kind: { type: 'string', minLength: 1, maxLength: LIMITS.kind, pattern: '^[a-z][a-z -]*$' },
          message: { type: 'string', maxLength: LIMITS.message },
        },
      },
    },
  },
} as const;

const LEARNER_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } } } as const;
const MERGE_SCHEMA = {
  params: LEARNER_PARAMS,
  body: { type: 'object', required: ['into'], additionalProperties: false, properties: { into: { type: 'string', pattern: '^[0-9a-f-]{36}$' } } },
} as const;
const REMOVE_SCHEMA = { params: LEARNER_PARAMS, body: { type: 'object', additionalProperties: false, properties: {} } } as const;
const JOINING_SCHEMA = { body: { type: 'object', required: ['open'], additionalProperties: false, properties: { open: { type: 'boolean' } } } } as const;

interface JoinBody {
  code: string;
  name: string;
}

export interface GradeBody {
  code: string;
  gradeId: string;
  exercise: number;
  status: 'pass' | 'fail' | 'error';
  /** "reference": the learner's earlier steps were the reference solutions (--reference-steps), so this is never their pass. */
  earlierSteps?: 'reference';
  message?: string;
  finishedAt: string;
  tests: { task_id: number; status: 'pass' | 'fail'; message?: string }[];
  hints: number;
  timeSpentMs: number;
  environment?: { kind: string; message?: string };
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

const problem = (reply: FastifyReply, status: number, message: string) => reply.code(status).send({ statusCode: status, message });

/**
 * The class board: learners post each grade with the join code and their own secret; the instructor
 * (and only the holder of the token) sees the room live, and exports it.
 */
export async function classBoardServer(options: ClassBoardOptions): Promise<FastifyInstance> {
  const { store, track, code, token } = options;
  const now = options.now ?? (() => new Date());
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const exercises = new Set(track.exercises.map((exercise) => exercise.number));
  const app = Fastify({ logger: false, bodyLimit: LIMITS.gradeBody, forceCloseConnections: true });
  const watchers = new Set<ServerResponse>();
  // One address may hold a few connections per learner it may bring; past that a connection is closed
  // before a byte of it is read, so a flood from one machine costs the board little and the room nothing.
  const connections = new Map<string, number>();
  const connectionsPerAddress = 8 * limits.perAddress;
  app.server.prependListener('connection', (socket) => {
    const from = socket.remoteAddress ?? '';
    const open = (connections.get(from) ?? 0) + 1;
    if (open > connectionsPerAddress) {
      socket.destroy();
      return;
    }
    connections.set(from, open);
    socket.once('close', () => {
      const left = (connections.get(from) ?? 1) - 1;
      if (left > 0) connections.set(from, left);
      else connections.delete(from);
    });
  });
  // JSON only: a text body would otherwise reach validation as a string.
  app.removeContentTypeParser('text/plain');

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: context.statusCode,
      message: `Too many requests: at most ${context.max} a minute. Try again in ${context.after}.`,
    }),
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string; validation?: unknown; validationContext?: string; message: string }, _request, reply) => {
    if (error.validation) return problem(reply, 400, `Invalid ${error.validationContext ?? 'request'}: ${error.message.replace(/^(body|headers)\/?\s*/, '')}`);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return problem(reply, 413, `The body is too large: the board accepts at most ${LIMITS.gradeBody} bytes.`);
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
      return problem(reply, 400, `The body is not valid JSON: ${error.message}`);
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return problem(reply, 415, 'Send JSON, with Content-Type: application/json.');
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    return problem(reply, status, status === 500 ? 'The board failed to handle this request.' : error.message);
  });
  app.setNotFoundHandler((request, reply) => problem(reply, 404, `There is no ${request.method} ${request.url.split('?')[0]} on the class board.`));

  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cache-control', 'no-store');
  });

  // A code is read aloud and typed by hand: its case does not matter.
  const sameCode = (given: string) => sameSecret(given.toUpperCase(), code.toUpperCase());
  // Cookies are shared by every port of a host: each board names its own, so a second board does not log out the first.
  const cookieName = (request: FastifyRequest) => `board_token_${request.raw.socket.localPort}`;
  const isInstructor = (request: FastifyRequest) => {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const cookie = request.headers.cookie
      ?.split(/;\s*/)
      .find((pair) => pair.startsWith(`${cookieName(request)}=`))
      ?.slice(cookieName(request).length + 1);
    return [bearer, cookie].some((given) => given !== undefined && sameSecret(given, token));
  };
  const instructorOnly = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isInstructor(request))
      return problem(reply, 401, "This is the instructor's board: it needs the token `npm run instructor` printed (Authorization: Bearer <token>).");
  };
  const instructorLimit = { rateLimit: { max: 600, timeWindow: '1 minute' } };

  const REFUSED: Record<Extract<JoinOutcome, { joined: false }>['reason'], [number, (name: string) => string]> = {
    closed: [403, () => 'Joining is closed on this board: ask the instructor to open it.'],
    'name taken': [
      409,
      (name) =>
        `Someone on this board is already called "${name}": join with another name (add an initial). If that row is you from another copy of the kit, ask the instructor to remove it.`,
    ],
    'room full': [
      403,
      () => `This board is full (${limits.learners} learners): the instructor can allow more with \`npm run instructor -- --max-learners N\`.`,
    ],
    'address full': [
      429,
      () =>
        `${limits.perAddress} learners have joined from your network address already: the instructor can allow more with \`npm run instructor -- --per-address N\`.`,
    ],
  };

  app.post<{ Body: JoinBody }>(
    '/join',
    {
      schema: JOIN_SCHEMA,
      bodyLimit: LIMITS.joinBody,
      config: { rateLimit: { max: options.joinsPerMinute ?? 2 * limits.perAddress, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      if (!sameCode(request.body.code)) return problem(reply, 403, "That join code is not this board's: check the code the instructor shows.");
      const name = request.body.name.trim();
      const credentials = request.headers.authorization?.slice('Bearer '.length).split('.');
      const again = credentials && store.rejoin(credentials[0]!, credentials[1]!, name);
      if (again && 'refused' in again) return problem(reply, REFUSED['name taken'][0], REFUSED['name taken'][1](name));
      if (again) {
        changed();
        return reply.code(200).send({ learnerId: again.learner.id, name: again.learner.name, rejoined: true, exercises: [...exercises] });
      }
      const joined = store.join(name, request.ip, limits, now());
      if (!joined.joined) {
        const [status, message] = REFUSED[joined.reason];
        return problem(reply, status, message(name));
      }
      changed();
      return reply.code(201).send({ learnerId: joined.learner.id, secret: joined.secret, name: joined.learner.name, exercises: [...exercises] });
    },
  );

  const learnerOf = (request: FastifyRequest) => /^Bearer ([0-9a-f-]{36})\./.exec(request.headers.authorization ?? '')?.[1];

  app.post<{ Body: GradeBody }>(
    '/grades',
    {
      schema: GRADE_SCHEMA,
      // One learner's flood is limited on its own; the rest of the room is not slowed by it.
      config: {
        rateLimit: {
          max: options.gradesPerMinute ?? GRADES_PER_MINUTE,
          timeWindow: '1 minute',
          keyGenerator: (request: FastifyRequest) => learnerOf(request) ?? request.ip,
        },
      },
    },
    async (request, reply) => {
      const grade = request.body;
      if (!sameCode(grade.code))
        return problem(reply, 403, "That join code is not this board's: the board may have been started with a new code. Join again with `npm run join`.");
      const [holder, secret] = request.headers.authorization!.slice('Bearer '.length).split('.') as [string, string];
      const learnerId = store.authenticates(holder, secret);
      if (learnerId === 'removed')
        return problem(reply, 403, 'The instructor removed you from this board. If that was a mistake, join again with `npm run join`.');
      if (!learnerId) return problem(reply, 403, 'This learner is not known to the board, or its secret does not match. Join again with `npm run join`.');
      if (!exercises.has(grade.exercise))
        return problem(reply, 422, `There is no exercise ${grade.exercise} on this board's track (${[...exercises].join(', ')}).`);
      const failing = grade.tests.find((test) => test.status === 'fail');
      const outcome = await store.record({
        learnerId,
        gradeId: grade.gradeId,
        exercise: grade.exercise,
        status: grade.status,
        failingTask: failing?.task_id,
        message: failing?.message ?? grade.environment?.message ?? grade.message,
        problemKind: grade.status === 'error' ? (grade.environment?.kind ?? 'setup') : undefined,
        hints: grade.hints,
        timeSpentMs: grade.timeSpentMs,
        finishedAt: grade.finishedAt,
        receivedAt: now().toISOString(),
      });
      if (outcome === 'recorded') changed();
      return reply.code(outcome === 'recorded' ? 201 : 200).send({ recorded: outcome });
    },
  );

  app.get<{ Querystring: { token?: string } }>('/', { config: instructorLimit }, async (request, reply) => {
    // The printed address carries the token once: it becomes an HttpOnly cookie and leaves the address bar (and the projector).
    const given = request.query.token;
    if (given !== undefined) {
      if (!sameSecret(given, token)) return problem(reply, 401, "That token is not this board's: use the address `npm run instructor` printed.");
      return reply.header('set-cookie', `${cookieName(request)}=${token}; HttpOnly; SameSite=Strict; Path=/`).redirect('/', 303);
    }
    if (!isInstructor(request)) return problem(reply, 401, "This is the instructor's board: open the address with ?token= that `npm run instructor` printed.");
    const nonce = randomBytes(16).toString('base64');
    return reply
      .header(
        'content-security-policy',
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      )
      .type('text/html; charset=utf-8')
      .send(boardPage(nonce));
  });

  const view = () => classView(track, store.room(), now());
  const boardState = (): BoardState => ({ view: view(), join: { addresses: options.joinAddresses?.() ?? [], code, open: store.joiningOpen } });

  app.get('/view.json', { onRequest: instructorOnly, config: instructorLimit }, async () => view());

  // The instructor's hands on the room. JSON bodies only: a page of another origin cannot send them without a preflight the board never answers.
  app.post<{ Params: { id: string } }>(
    '/learners/:id/remove',
    { schema: REMOVE_SCHEMA, onRequest: instructorOnly, config: instructorLimit },
    async (request, reply) => {
      const removed = store.remove(request.params.id, now());
      if (!removed) return problem(reply, 404, 'There is no such learner on the board (removed or merged already?).');
      changed();
      return reply.send({ removed: removed.name });
    },
  );
  app.post<{ Params: { id: string }; Body: { into: string } }>(
    '/learners/:id/merge',
    { schema: MERGE_SCHEMA, onRequest: instructorOnly, config: instructorLimit },
    async (request, reply) => {
      const merged = store.merge(request.params.id, request.body.into, now());
      if (!merged) return problem(reply, 404, 'Merge needs two different learners who are both on the board.');
      changed();
      return reply.send({ merged: merged.from.name, into: merged.into.name });
    },
  );
  app.post<{ Body: { open: boolean } }>('/joining', { schema: JOINING_SCHEMA, onRequest: instructorOnly, config: instructorLimit }, async (request, reply) => {
    store.joiningOpen = request.body.open;
    changed();
    return reply.send({ open: store.joiningOpen });
  });
  app.get('/export.csv', { onRequest: instructorOnly, config: instructorLimit }, async (_request, reply) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="class-board.csv"').send(toCsv(view())),
  );
  app.get('/export.md', { onRequest: instructorOnly, config: instructorLimit }, async (_request, reply) =>
    reply.type('text/markdown; charset=utf-8').send(toMarkdown(view())),
  );

  app.get('/events', { onRequest: instructorOnly, config: instructorLimit }, async (request, reply) => {
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    stream.write(`retry: 2000\nevent: board\ndata: ${JSON.stringify(boardState())}\n\n`);
    watchers.add(stream);
    request.raw.on('close', () => watchers.delete(stream));
  });

  // Grades arrive in bursts (a whole room at once): the board is sent at most every quarter second.
  let pending: NodeJS.Timeout | undefined;
  function changed(): void {
    if (pending || watchers.size === 0) return;
    pending = setTimeout(() => {
      pending = undefined;
      const message = `event: board\ndata: ${JSON.stringify(boardState())}\n\n`;
      for (const stream of watchers) stream.write(message);
    }, 250);
  }
  const heartbeat = setInterval(() => {
    for (const stream of watchers) stream.write(': still here\n\n');
  }, 20_000);

  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    clearTimeout(pending);
    for (const stream of watchers) stream.end();
    watchers.clear();
  });
  return app;
}
