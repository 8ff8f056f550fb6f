import fs from 'node:fs/promises';
import { EnvironmentError } from '../environmentError.ts';
import { ExitCode } from '../exitCode.ts';
import { readResults } from '../grading/results.ts';
import { loadProgress } from '../progress/progress.ts';
import { warn } from '../terminal.ts';
import { loadTrack } from '../track.ts';
import { gradeBody, membershipFile, outboxDir, outboxSize, queue, readMembership, rejoinAdvice, sendOutbox, type BoardMembership } from './gradeReport.ts';
import { STATE_DIR } from '../paths.ts';

export interface JoinOptions {
  code?: string;
  name?: string;
  leave?: boolean;
}

const JOIN_TIMEOUT_MS = 5000;

export async function joinCommand(address: string | undefined, options: JoinOptions): Promise<number> {
  if (options.leave) return leave();
  if (address === undefined) return status();
  if (!options.code || !options.name)
    throw new RangeError('Joining needs the board\'s code and your name: `npm run join -- <address> --code <code> --name "Your name"`.');
  let url: URL;
  try {
    url = new URL(address.includes('://') ? address : `http://${address}`);
  } catch {
    throw new RangeError(`${address} is not an address: use the one the instructor shows, e.g. http://192.168.1.20:4747.`);
  }

  // Joining again from the same copy: the board knows these credentials and keeps the same row.
  const earlier = await readMembership(STATE_DIR);
  const same = earlier?.address === url.origin ? earlier : undefined;
  let response: Response;
  try {
    response = await fetch(new URL('/join', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(same ? { authorization: `Bearer ${same.learnerId}.${same.secret}` } : {}) },
      body: JSON.stringify({ code: options.code, name: options.name }),
      signal: AbortSignal.timeout(JOIN_TIMEOUT_MS),
    });
  } catch (error) {
    throw new EnvironmentError(
      `Cannot reach the class board at ${url.origin}`,
      (error as Error).name === 'TimeoutError'
        ? `No answer within ${JOIN_TIMEOUT_MS / 1000} s.`
        : (((error as Error).cause as Error | undefined)?.message ?? (error as Error).message),
      'Check the address with the instructor, and that you are on the same network as their board.',
    );
  }
  const answer = (await response.json().catch(() => ({}))) as { learnerId?: string; secret?: string; name?: string; message?: string; rejoined?: boolean };
  const rejoined = response.status === 200 && answer.rejoined === true && same !== undefined;
  if (!response.ok || !answer.learnerId || !(answer.secret || rejoined)) {
    console.error(`The class board did not take you in (HTTP ${response.status}): ${answer.message ?? 'no reason given'}`);
    return ExitCode.Fail;
  }

  const membership: BoardMembership = {
    address: url.origin,
    code: options.code,
    // The credentials stay this copy's own, also when the instructor merged it into another row.
    learnerId: rejoined ? same!.learnerId : answer.learnerId,
    secret: rejoined ? same!.secret : answer.secret!,
    name: answer.name ?? options.name,
    joinedAt: rejoined ? same!.joinedAt : new Date().toISOString(),
  };
  await fs.mkdir(STATE_DIR, { recursive: true });
  // A new identity starts clean; the same one keeps what waited (it goes now, with the code as it is).
  if (!rejoined) await fs.rm(outboxDir(STATE_DIR), { recursive: true, force: true });
  // The secret is the learner's alone: readable by them only.
  await fs.writeFile(membershipFile(STATE_DIR), `${JSON.stringify(membership, null, 2)}\n`, { mode: 0o600 });
  if (rejoined) {
    const outcome = await sendOutbox(STATE_DIR, membership);
    console.log(
      `Joined the class board at ${membership.address} again as ${membership.name}: the same row as before${outcome.sent ? `, and ${outcome.sent} waiting result(s) sent` : ''}.`,
    );
    return ExitCode.Pass;
  }
  const sent = await sendWhereYouAre(membership);
  console.log(`Joined the class board at ${membership.address} as ${membership.name}.`);
  console.log(
    `Every grade of your own file now goes to it${sent ? ` (your last result of ${sent} step${sent === 1 ? '' : 's'} too)` : ''}. \`npm run join -- --leave\` stops that.`,
  );
  return ExitCode.Pass;
}

/** On joining mid-way, the board learns the learner's last verdict of each step graded so far. */
async function sendWhereYouAre(membership: BoardMembership): Promise<number> {
  const track = loadTrack();
  const progress = await loadProgress(STATE_DIR, track, warn);
  let queued = 0;
  for (const exercise of track.exercises) {
    const results = await readResults(STATE_DIR, exercise);
    if (!results) continue;
    await queue(STATE_DIR, gradeBody(membership, results, progress.exercises[exercise.number]));
    queued += 1;
  }
  if (queued > 0) await sendOutbox(STATE_DIR, membership);
  return queued;
}

async function leave(): Promise<number> {
  const membership = await readMembership(STATE_DIR);
  await fs.rm(membershipFile(STATE_DIR), { force: true });
  await fs.rm(outboxDir(STATE_DIR), { recursive: true, force: true });
  console.log(membership ? `Left the class board at ${membership.address}: your grades stay on this machine only.` : 'You had not joined a class board.');
  return ExitCode.Pass;
}

async function status(): Promise<number> {
  const membership = await readMembership(STATE_DIR);
  if (!membership) {
    console.log('Not on a class board. Join with `npm run join -- <address> --code <code> --name "Your name"`.');
    return ExitCode.Pass;
  }
  const outcome = await sendOutbox(STATE_DIR, membership);
  const waiting = await outboxSize(STATE_DIR);
  if (outcome.rejoin) {
    console.log(rejoinAdvice(membership, outcome.rejoin));
    return ExitCode.Fail;
  }
  console.log(
    `On the class board at ${membership.address} as ${membership.name}.${outcome.sent ? ` Sent ${outcome.sent} waiting result(s).` : ''}${waiting ? ` ${waiting} result(s) wait for the board to answer.` : ''}`,
  );
  for (const reason of outcome.refused) warn(`The board refused a result: ${reason}`);
  return ExitCode.Pass;
}
