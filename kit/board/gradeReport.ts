import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ResultsJson } from '../grading/results.ts';
import { hintsGiven, type ExerciseProgress } from '../progress/progress.ts';
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

/** A grade as the board takes it: the verdict, the first failure's message (cut to size), the hints used on the step. */
export function gradeBody(membership: BoardMembership, results: ResultsJson, entry: ExerciseProgress | undefined): GradeBody {
  let failureShown = false;
  return {
    code: membership.code,
    gradeId: randomUUID(),
    exercise: results.exercise.number,
    status: results.status,
    // A grade on the reference steps is told apart from the learner's own, on the board too.
    ...(results.earlierSteps ? { earlierSteps: results.earlierSteps } : {}),
    message: results.message?.slice(0, MESSAGE_LIMIT),
    finishedAt: results.finishedAt,
    tests: results.tests.slice(0, 30).map((test) => {
      const first = test.status === 'fail' && !failureShown;
      if (first) failureShown = true;
      return { task_id: test.task_id, status: test.status, message: first ? test.message?.slice(0, MESSAGE_LIMIT) : undefined };
    }),
    hints: hintsGiven(entry),
    timeSpentMs: Math.round(entry?.timeSpentMs ?? 0),
  };
}

/**
 * After a grade of the learner's own file: when they have joined a class board, the verdict goes
 * into the outbox and the outbox is sent. Never throws and never waits past SEND_TIMEOUT_MS, so a
 * board that is down or slow costs the grade nothing; unsent grades go with the next one.
 */
export async function reportGrade(stateDir: string, results: ResultsJson, entry: ExerciseProgress | undefined): Promise<void> {
  try {
    const membership = await readMembership(stateDir);
    if (!membership) return;
    await queue(stateDir, gradeBody(membership, results, entry));
    await sendOutbox(stateDir, membership);
  } catch {
    // The board is a convenience for the instructor: nothing about it may fail a learner's grade.
  }
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

export type SendOutcome = { sent: number; waiting: number; refused: string[] };

/**
 * Sends the waiting grades, oldest first, within one deadline. A grade the board refuses for what it
 * is (invalid, unknown exercise) is dropped with its reason; one it could not take now (unreachable,
 * busy, not joined) stays, and so do the ones after it.
 */
export async function sendOutbox(stateDir: string, membership: BoardMembership, timeoutMs = SEND_TIMEOUT_MS): Promise<SendOutcome> {
  const dir = outboxDir(stateDir);
  const files = (await fs.readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.json')).sort();
  const deadline = AbortSignal.timeout(timeoutMs);
  const outcome: SendOutcome = { sent: 0, waiting: files.length, refused: [] };
  for (const name of files) {
    const file = path.join(dir, name);
    const body = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (body === undefined) continue;
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
    if (response.ok) outcome.sent += 1;
    else if ([400, 413, 422].includes(response.status)) outcome.refused.push(answer.message ?? `HTTP ${response.status}`);
    else break;
    await fs.rm(file, { force: true });
    outcome.waiting -= 1;
  }
  return outcome;
}
