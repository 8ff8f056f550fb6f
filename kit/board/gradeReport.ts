import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { EnvironmentError } from '../environmentError.ts';
import type { ResultsJson } from '../grading/results.ts';
import { hintsGiven, type ExerciseProgress } from '../progress/progress.ts';
import { findExercise } from '../track.ts';
import type { GradeBody } from './classBoardServer.ts';

/** What `npm run join` keeps in .northpole/board.json: where to send grades, and the learner's own secret. */
export interface BoardMembership {
  address: string;
  code: string;
  learnerId: string;
  secret: string;
  name: string;
  joinedAt: string;
}

/** Sending never holds a learner up longer than this; what was not sent waits in the outbox. */
export const SEND_TIMEOUT_MS = 1500;
const MESSAGE_LIMIT = 1000;

export const membershipFile = (stateDir: string) => path.join(stateDir, 'board.json');
export const outboxDir = (stateDir: string) => path.join(stateDir, 'board-outbox');

export async function readMembership(stateDir: string): Promise<BoardMembership | undefined> {
  try {
    return JSON.parse(await fs.readFile(membershipFile(stateDir), 'utf8')) as BoardMembership;
  } catch {
    return undefined;
  }
}

/**
 * A grade as the board takes it: the verdict, the first failure's message (cut to size), the hints used
 * on the step. A file that does not load (results.json's "error") is the learner's to fix, not their
 * machine's: the board shows it failing at the first task, with why.
 */
export function gradeBody(membership: BoardMembership, results: ResultsJson, entry: ExerciseProgress | undefined): GradeBody {
  let failureShown = false;
  const tests =
    results.status === 'error'
      ? [{ task_id: findExercise(results.exercise.number).tasks[0]!.id, status: 'fail' as const, message: results.message }]
      : results.tests.slice(0, 30);
  return {
    code: membership.code,
    gradeId: randomUUID(),
    exercise: results.exercise.number,
    status: results.status === 'pass' ? 'pass' : 'fail',
    // A grade on the reference steps is told apart from the learner's own, on the board too.
    ...(results.earlierSteps ? { earlierSteps: results.earlierSteps } : {}),
    finishedAt: results.finishedAt,
    tests: tests.map((test) => {
      const first = test.status === 'fail' && !failureShown;
      if (first) failureShown = true;
      return { task_id: test.task_id, status: test.status, message: first ? test.message?.slice(0, MESSAGE_LIMIT) : undefined };
    }),
    hints: hintsGiven(entry),
    timeSpentMs: Math.round(entry?.timeSpentMs ?? 0),
  };
}

/**
 * What broke, in a word the board can group by: the learner's machine needs the instructor's help,
 * and the board shows how many share the same trouble.
 */
export function problemKind(error: EnvironmentError): string {
  const text = `${error.what} ${error.message}`;
  if (/patch/i.test(text)) return 'localstack patches';
  if (/\b(JDK|Java|JVM)\b/.test(text)) return 'java';
  // "the no-Docker mode" is LocalStack on the host, not Docker.
  if (/(?<!no-)docker/i.test(text)) return 'docker';
  if (/python/i.test(text)) return 'python';
  if (/localstack|nothing answers|port \d+/i.test(text)) return 'localstack';
  if (/cannot write|held by process|disk|space/i.test(text)) return 'state folder';
  if (/grader|kit/i.test(text)) return 'kit files';
  return 'setup';
}

/** A grade that could not run (exit 2), as the board takes it: the kind of trouble and the first line of why. */
export function environmentBody(membership: BoardMembership, exercise: number, error: EnvironmentError, entry: ExerciseProgress | undefined): GradeBody {
  return {
    code: membership.code,
    gradeId: randomUUID(),
    exercise,
    status: 'error',
    finishedAt: new Date().toISOString(),
    tests: [],
    hints: hintsGiven(entry),
    timeSpentMs: Math.round(entry?.timeSpentMs ?? 0),
    environment: { kind: problemKind(error), message: `${error.what}: ${error.message.split('\n')[0]}`.slice(0, MESSAGE_LIMIT) },
  };
}

/**
 * After a grade of the learner's own file: when they have joined a class board, the verdict goes
 * into the outbox and the outbox is sent. Never throws and never waits past SEND_TIMEOUT_MS, so a
 * board that is down or slow costs the grade nothing; unsent grades go with the next one. `tell`
 * hears only what the learner must act on: the board no longer takes their grades.
 */
export async function reportGrade(stateDir: string, results: ResultsJson, entry: ExerciseProgress | undefined, tell?: (line: string) => void): Promise<void> {
  await report(stateDir, (membership) => gradeBody(membership, results, entry), tell);
}

/** The same for a grade that could not run: LocalStack unreachable, Docker or Java missing (exit 2). */
export async function reportEnvironmentFailure(
  stateDir: string,
  exercise: number,
  error: EnvironmentError,
  entry: ExerciseProgress | undefined,
  tell?: (line: string) => void,
): Promise<void> {
  await report(stateDir, (membership) => environmentBody(membership, exercise, error, entry), tell);
}

async function report(stateDir: string, body: (membership: BoardMembership) => GradeBody, tell?: (line: string) => void): Promise<void> {
  try {
    const membership = await readMembership(stateDir);
    if (!membership) return;
    await queue(stateDir, body(membership));
    const outcome = await sendOutbox(stateDir, membership);
    if (outcome.rejoin) tell?.(rejoinAdvice(membership, outcome.rejoin));
  } catch {
    // The board is a convenience for the instructor: nothing about it may fail a learner's grade.
  }
}

/** The board refused who the learner is (a new code after a restart, removed by the instructor): what to type. */
export function rejoinAdvice(membership: BoardMembership, reason: string): string {
  return `The class board at ${membership.address} no longer takes your grades: ${reason} They wait on this machine until you join again: npm run join -- ${membership.address} --code <the code the board shows> --name "${membership.name}"`;
}

export async function queue(stateDir: string, body: GradeBody): Promise<void> {
  const dir = outboxDir(stateDir);
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${Date.now()}-${body.gradeId}.json`);
  await fs.writeFile(`${file}.tmp`, JSON.stringify(body));
  await fs.rename(`${file}.tmp`, file);
}

export async function outboxSize(stateDir: string): Promise<number> {
  return (await fs.readdir(outboxDir(stateDir)).catch(() => [])).filter((name) => name.endsWith('.json')).length;
}

export type SendOutcome = { sent: number; waiting: number; refused: string[]; rejoin?: string };

/**
 * Sends the waiting grades, oldest first, within one deadline, each with the membership's code as it
 * is now (a re-join after the board's code changed sends what waited). A grade the board refuses for
 * what it is (invalid, unknown exercise) is dropped with its reason; one it could not take now
 * (unreachable, busy) stays, and so do the ones after it; a refusal of the learner (403: a new code,
 * unknown, removed) stops the send and says why in `rejoin`.
 */
export async function sendOutbox(stateDir: string, membership: BoardMembership, timeoutMs = SEND_TIMEOUT_MS): Promise<SendOutcome> {
  const dir = outboxDir(stateDir);
  const files = (await fs.readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.json')).sort();
  const deadline = AbortSignal.timeout(timeoutMs);
  const outcome: SendOutcome = { sent: 0, waiting: files.length, refused: [] };
  for (const name of files) {
    const file = path.join(dir, name);
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    let body: string;
    try {
      body = JSON.stringify({ ...(JSON.parse(text) as GradeBody), code: membership.code });
    } catch {
      await fs.rm(file, { force: true });
      outcome.waiting -= 1;
      continue;
    }
    let response: Response;
    try {
      response = await fetch(new URL('/grades', membership.address), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${membership.learnerId}.${membership.secret}` },
        body,
        signal: deadline,
      });
    } catch {
      break;
    }
    const answer = (await response.json().catch(() => ({}))) as { message?: string };
    if (response.status === 403) {
      outcome.rejoin = answer.message ?? 'it refused you (HTTP 403).';
      break;
    }
    if (response.ok) outcome.sent += 1;
    else if ([400, 413, 422].includes(response.status)) outcome.refused.push(answer.message ?? `HTTP ${response.status}`);
    else break;
    await fs.rm(file, { force: true });
    outcome.waiting -= 1;
  }
  return outcome;
}
