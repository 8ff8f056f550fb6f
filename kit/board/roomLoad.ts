import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { GradeBody } from './classBoardServer.ts';
import { PROJECT_ROOT } from '../paths.ts';

/** A class board run as the instructor runs it (`npm run instructor`), in its own process, on loopback. */
export class BoardProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly address: string,
    readonly code: string,
    readonly token: string,
    readonly output: () => string,
  ) {}

  /** `nice` (0 to 19) lowers the board's CPU priority: a load test then leaves room for what runs beside it. */
  static start(options: {
    data: string;
    port?: number;
    code?: string;
    token?: string;
    maxLearners?: number;
    perAddress?: number;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    nice?: number;
  }): Promise<BoardProcess> {
    const args = [
      '--import',
      'tsx',
      path.join(PROJECT_ROOT, 'kit', 'cli.ts'),
      'instructor',
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port ?? 0),
      '--data',
      options.data,
    ];
    if (options.code) args.push('--code', options.code);
    if (options.token) args.push('--token', options.token);
    if (options.maxLearners) args.push('--max-learners', String(options.maxLearners));
    if (options.perAddress) args.push('--per-address', String(options.perAddress));
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    if (options.nice && child.pid) os.setPriority(child.pid, options.nice);
    let output = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`The class board did not start within ${options.timeoutMs ?? 30_000} ms:\n${output}`));
      }, options.timeoutMs ?? 30_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const board = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/.exec(output);
        const code = /join code (\S+?)\)/.exec(output);
        if (!board || !code || !output.includes('Stop with Ctrl+C')) return;
        clearTimeout(timer);
        resolve(new BoardProcess(child, `http://127.0.0.1:${board[1]}`, code[1]!, board[2]!, () => output));
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The class board exited (${code}) before it was ready:\n${output}`));
      });
    });
  }

  get port(): number {
    return Number(new URL(this.address).port);
  }

  /** Ctrl+C (`SIGTERM`), or a crash (`SIGKILL`): resolves once the process has ended. */
  stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => {
      this.child.once('exit', (code) => resolve(code));
      this.child.kill(signal);
    });
  }
}

export interface JoinedLearner {
  learnerId: string;
  secret: string;
  name: string;
}

export async function joinBoard(address: string, code: string, name: string): Promise<JoinedLearner> {
  const response = await fetch(`${address}/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name }) });
  if (response.status !== 201) throw new Error(`join answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as JoinedLearner;
}

/**
 * A POST sent from another address of this machine's loopback (127.0.0.2, …): a second computer in
 * the room, as far as the board can tell.
 */
export function postFrom(
  url: string,
  body: unknown,
  localAddress: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { message?: string } & Record<string, unknown> }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        timeout: 30_000,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text || '{}') }));
      },
    );
    request.on('timeout', () => request.destroy(new Error('no answer within 30 s')));
    request.on('error', reject);
    request.end(payload);
  });
}

export const joinFrom = (address: string, code: string, name: string, localAddress: string) => postFrom(`${address}/join`, { code, name }, localAddress);

export function postGrade(address: string, learner: JoinedLearner, body: GradeBody): Promise<Response> {
  return fetch(`${address}/grades`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${learner.learnerId}.${learner.secret}` },
    body: JSON.stringify(body),
  });
}

/** A grade as a learner's kit sends it: the k-th grade of a learner goes through the track's steps, failing first, passing later. */
export function sampleGrade(code: string, exercises: number[], k: number): GradeBody {
  const exercise = exercises[k % exercises.length]!;
  const passes = k >= exercises.length;
  return {
    code,
    gradeId: randomUUID(),
    exercise,
    status: passes ? 'pass' : 'fail',
    finishedAt: new Date().toISOString(),
    tests: passes ? [{ task_id: 1, status: 'pass' }] : [{ task_id: 1, status: 'fail', message: 'Expected the orders bus\nFound no bus' }],
    hints: k,
    timeSpentMs: k * 60_000,
  };
}

export interface RoomLoad {
  sent: number;
  /** The grades the board answered 201 for, by gradeId. */
  acknowledged: Set<string>;
  /** Every grade sent, by learner, so that what was not acknowledged can be sent again. */
  grades: { learner: JoinedLearner; body: GradeBody }[];
  failures: string[];
  latenciesMs: number[];
  wallMs: number;
}

/**
 * A room at once: every learner posts all its grades at the same moment, over real HTTP on
 * loopback. Bounded: learners × gradesEach requests, each with its own deadline.
 */
export async function loadRoom(
  address: string,
  code: string,
  learners: JoinedLearner[],
  exercises: number[],
  gradesEach: number,
  onAcknowledged?: (count: number) => void,
): Promise<RoomLoad> {
  const grades = learners.flatMap((learner) => Array.from({ length: gradesEach }, (_, k) => ({ learner, body: sampleGrade(code, exercises, k) })));
  const load: RoomLoad = { sent: grades.length, acknowledged: new Set(), grades, failures: [], latenciesMs: [], wallMs: 0 };
  const started = performance.now();
  await Promise.all(
    grades.map(async ({ learner, body }) => {
      const sent = performance.now();
      try {
        const response = await fetch(`${address}/grades`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${learner.learnerId}.${learner.secret}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        await response.arrayBuffer();
        if (response.status === 201) {
          load.latenciesMs.push(performance.now() - sent);
          load.acknowledged.add(body.gradeId);
          onAcknowledged?.(load.acknowledged.size);
        } else load.failures.push(`HTTP ${response.status}`);
      } catch (error) {
        load.failures.push(((error as Error).cause as Error | undefined)?.message ?? (error as Error).message);
      }
    }),
  );
  load.wallMs = performance.now() - started;
  return load;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export interface Flood {
  /** The answer to each join of the flood, in the order they were sent. */
  joins: { status: number; message?: string }[];
  /** The identities the board let in. */
  identities: JoinedLearner[];
  /** How many of the flood's grades the board took (201), refused (429 after the per-learner limit), and cut (connections past the per-address limit). */
  floodGrades: { accepted: number; limited: number; cut: number; other: string[] };
  /** The honest learner's grades sent while the flood's grades arrived: status and time to the acknowledgement. */
  honest: { status: number; ms: number }[];
}

/**
 * One holder of the join code floods the board: `joins` joins at once from another address of this
 * machine, then every identity it got posts `gradesEach` grades at once, while an honest learner
 * sends `honestGrades` grades one after another, each timed to its acknowledgement. Bounded in
 * count, on loopback only.
 */
export async function floodBoard(
  address: string,
  code: string,
  honest: JoinedLearner,
  exercises: number[],
  options: { joins?: number; gradesEach?: number; honestGrades?: number; from?: string } = {},
): Promise<Flood> {
  const { joins = 200, gradesEach = 80, honestGrades = 5, from = '127.0.0.2' } = options;
  const answers = await Promise.all(Array.from({ length: joins }, (_, i) => joinFrom(address, code, `Fake ${i + 1}`, from)));
  const identities = answers.filter((answer) => answer.status === 201).map((answer) => answer.body as unknown as JoinedLearner);
  const floodGrades = { accepted: 0, limited: 0, cut: 0, other: [] as string[] };
  const flooding = Promise.all(
    identities.flatMap((identity) =>
      Array.from({ length: gradesEach }, async (_, k) => {
        try {
          const response = await postFrom(`${address}/grades`, sampleGrade(code, exercises, k), from, {
            authorization: `Bearer ${identity.learnerId}.${identity.secret}`,
          });
          if (response.status === 201) floodGrades.accepted += 1;
          else if (response.status === 429) floodGrades.limited += 1;
          else floodGrades.other.push(`HTTP ${response.status}`);
        } catch (error) {
          // The board closes connections past its limit for one address before reading them.
          if ((error as NodeJS.ErrnoException).code === 'ECONNRESET') floodGrades.cut += 1;
          else floodGrades.other.push((error as Error).message);
        }
      }),
    ),
  );
  const honestAnswers: Flood['honest'] = [];
  for (let k = 0; k < honestGrades; k++) {
    const started = performance.now();
    const response = await postGrade(address, honest, sampleGrade(code, exercises, k));
    await response.arrayBuffer();
    honestAnswers.push({ status: response.status, ms: performance.now() - started });
  }
  await flooding;
  return { joins: answers.map((answer) => ({ status: answer.status, message: answer.body.message })), identities, floodGrades, honest: honestAnswers };
}
