import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Track } from '../track.ts';
import { boardPage } from './boardPage.ts';
import { toCsv, toMarkdown } from './classExport.ts';
import type { ClassStore } from './classStore.ts';
import { classView } from './classView.ts';

export interface ClassBoardOptions {
  store: ClassStore;
  track: Track;
  code: string;
  token: string;
  /** Grades one learner may send in a minute before the board answers 429. */
  gradesPerMinute?: number;
  /** Joins from one address in a minute (a whole room may share one address). */
  joinsPerMinute?: number;
}

/** The most a learner can send: a name, a verdict with one failure message. Anything larger is refused, not cut. */
export const LIMITS = { name: 40, message: 1000, tests: 30, joinBody: 1024, gradeBody: 16 * 1024 } as const;

const JOIN_SCHEMA = {
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
    properties: { authorization: { type: 'string', pattern: '^Bearer [0-9a-f-]{36}\\.[A-Za-z0-9_-]{16,64}$' } },
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
            status: { enum: ['pass', 'fail', 'skip'] },
            message: { type: 'string', maxLength: LIMITS.message },
          },
        },
      },
      hints: { type: 'integer', minimum: 0, maximum: 10_000 },
      timeSpentMs: { type: 'integer', minimum: 0, maximum: 1e12 },
    },
  },
} as const;

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
  tests: { task_id: number; status: 'pass' | 'fail' | 'skip'; message?: string }[];
  hints: number;
  timeSpentMs: number;
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
  const exercises = new Set(track.exercises.map((exercise) => exercise.number));
  const app = Fastify({ logger: false, bodyLimit: LIMITS.gradeBody, forceCloseConnections: true });
  const watchers = new Set<ServerResponse>();
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
  const isInstructor = (request: FastifyRequest) => {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const cookie = /(?:^|;\s*)board_token=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
    return [bearer, cookie].some((given) => given !== undefined && sameSecret(given, token));
  };
  const instructorOnly = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isInstructor(request)) return problem(reply, 401, "This is the instructor's board: it needs the token `npm run instructor` printed (Authorization: Bearer <token>).");
  };
  const instructorLimit = { rateLimit: { max: 600, timeWindow: '1 minute' } };

  app.post<{ Body: JoinBody }>('/join', { schema: JOIN_SCHEMA, bodyLimit: LIMITS.joinBody, config: { rateLimit: { max: options.joinsPerMinute ?? 300, timeWindow: '1 minute' } } }, async (request, reply) => {
    if (!sameCode(request.body.code)) return problem(reply, 403, 'That join code is not this board\'s: check the code the instructor shows.');
    const { learner, secret } = store.join(request.body.name.trim());
    changed();
    return reply.code(201).send({ learnerId: learner.id, secret, name: learner.name, exercises: [...exercises] });
  });

  const learnerOf = (request: FastifyRequest) => /^Bearer ([0-9a-f-]{36})\./.exec(request.headers.authorization ?? '')?.[1];

  app.post<{ Body: GradeBody }>(
    '/grades',
    {
      schema: GRADE_SCHEMA,
      // One learner's flood is limited on its own; the rest of the room is not slowed by it.
      config: { rateLimit: { max: options.gradesPerMinute ?? 60, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => learnerOf(request) ?? request.ip } },
    },
    async (request, reply) => {
      const grade = request.body;
      if (!sameCode(grade.code)) return problem(reply, 403, "That join code is not this board's: the board may have been started with a new code. Join again with `npm run join`.");
      const [learnerId, secret] = request.headers.authorization!.slice('Bearer '.length).split('.') as [string, string];
      if (!store.authenticates(learnerId, secret)) return problem(reply, 403, 'This learner is not known to the board, or its secret does not match. Join again with `npm run join`.');
      if (!exercises.has(grade.exercise)) return problem(reply, 422, `There is no exercise ${grade.exercise} on this board's track (${[...exercises].join(', ')}).`);
      const failing = grade.tests.find((test) => test.status === 'fail');
      const outcome = await store.record({
        learnerId,
        gradeId: grade.gradeId,
        exercise: grade.exercise,
        status: grade.status,
        failingTask: failing?.task_id,
        message: failing?.message ?? grade.message,
        hints: grade.hints,
        timeSpentMs: grade.timeSpentMs,
        finishedAt: grade.finishedAt,
        receivedAt: new Date().toISOString(),
      });
      if (outcome === 'recorded') changed();
      return reply.code(outcome === 'recorded' ? 201 : 200).send({ recorded: outcome });
    },
  );

  app.get<{ Querystring: { token?: string } }>('/', { config: instructorLimit }, async (request, reply) => {
    // The printed address carries the token once: it becomes an HttpOnly cookie and leaves the address bar (and the projector).
    const given = request.query.token;
    if (given !== undefined) {
      if (!sameSecret(given, token)) return problem(reply, 401, 'That token is not this board\'s: use the address `npm run instructor` printed.');
      return reply.header('set-cookie', `board_token=${token}; HttpOnly; SameSite=Strict; Path=/`).redirect('/', 303);
    }
    if (!isInstructor(request)) return problem(reply, 401, "This is the instructor's board: open the address with ?token= that `npm run instructor` printed.");
    const nonce = randomBytes(16).toString('base64');
    return reply
      .header('content-security-policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`)
      .type('text/html; charset=utf-8')
      .send(boardPage(nonce));
  });

  const view = () => classView(track, store.learners(), store.grades());

  app.get('/view.json', { onRequest: instructorOnly, config: instructorLimit }, async () => view());
  app.get('/export.csv', { onRequest: instructorOnly, config: instructorLimit }, async (_request, reply) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="class-board.csv"').send(toCsv(view())),
  );
  app.get('/export.md', { onRequest: instructorOnly, config: instructorLimit }, async (_request, reply) => reply.type('text/markdown; charset=utf-8').send(toMarkdown(view())));

  app.get('/events', { onRequest: instructorOnly, config: instructorLimit }, async (request, reply) => {
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', connection: 'keep-alive' });
    stream.write(`retry: 2000\nevent: view\ndata: ${JSON.stringify(view())}\n\n`);
    watchers.add(stream);
    request.raw.on('close', () => watchers.delete(stream));
  });

  // Grades arrive in bursts (a whole room at once): the board is sent at most every quarter second.
  let pending: NodeJS.Timeout | undefined;
  function changed(): void {
    if (pending || watchers.size === 0) return;
    pending = setTimeout(() => {
      pending = undefined;
      const message = `event: view\ndata: ${JSON.stringify(view())}\n\n`;
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
