import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Output, TempProject } from './tempProject.ts';

const STARTER = 'exercises/01-orders-bus/ordersBus.ts';
const FAILING = /0 of 4 tasks pass\./;
const PASSING = /All 4 tasks pass\./;
/** The last line the loop prints after each grade. */
const FOOTER = /Stop with Ctrl-C\./;

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not so within ${timeoutMs} ms`);
    await delay(50);
  }
}

function ended(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

describe('npm run watch', () => {
  let project: TempProject;
  let starter: string;
  let solution: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    project = await TempProject.create();
    starter = await project.read(STARTER);
    solution = await project.read('solutions', '01-orders-bus', 'ordersBus.ts');
  });
  afterEach(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await ended(child);
    }
    child = undefined;
    await project.write(STARTER, starter);
  });
  afterAll(() => project.remove());

  it('grades once, grades again when the file is saved, and stops cleanly on a signal', async () => {
    child = project.start(['watch', '1']);
    const stdout = new Output(child.stdout!);
    await stdout.waitFor(FOOTER);
    expect(stdout.count(FAILING)).toBe(1);
    expect(stdout.text).toContain('Watching exercise 1: save');
    // Without a terminal there are no keys to offer.
    expect(stdout.text).not.toContain('Keys:');

    await project.write(STARTER, solution);
    await stdout.waitFor(FOOTER, 2);
    expect(stdout.count(PASSING)).toBe(1);
    expect(stdout.text).toContain('Next: npm run watch 2 · The orders API');
    expect(stdout.count(/tasks pass\./)).toBe(2);

    child.kill('SIGTERM');
    expect(await ended(child)).toBe(0);
    const progress = JSON.parse(await project.read('.northpole', 'progress.json'));
    expect(progress.exercises['1']).toMatchObject({ status: 'done' });
  });

  it('with --poll notices saves by looking at the file, a syntax error included', async () => {
    child = project.start(['watch', '1', '--poll']);
    const stdout = new Output(child.stdout!);
    await stdout.waitFor(FOOTER);
    expect(stdout.count(FAILING)).toBe(1);
    expect(stdout.text).toContain('(looking every half second)');

    await project.write(STARTER, starter.replace("const busArn = '';", 'const busArn = ;'));
    await stdout.waitFor(FOOTER, 2);
    expect(stdout.text).toMatch(/your file does not compile: Unexpected ";"/);
    expect(stdout.count(FAILING)).toBe(2);
  });

  it('keeps watching when LocalStack cannot be reached, and says what to do', async () => {
    child = project.start(['watch', '1'], { NORTHPOLE_ENDPOINT: 'http://127.0.0.1:9' });
    const stdout = new Output(child.stdout!);
    const stderr = new Output(child.stderr!);
    // stdout and stderr are separate pipes: wait on each, never compare their timing.
    await stdout.waitFor(FOOTER);
    await stderr.waitFor(/Nothing answers at http:\/\/127\.0\.0\.1:9/);
    expect(stderr.text).toContain('What to do:');

    await project.write(STARTER, `${starter}\n`);
    await stdout.waitFor(FOOTER, 2);
    await stderr.waitFor(/Nothing answers at/, 2);
    expect(child.exitCode).toBeNull();
  });
});

describe('npm run watch, as rustlings does it', () => {
  let project: TempProject;
  let starter: string;
  let solution: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    project = await TempProject.create();
    starter = await project.read(STARTER);
    solution = await project.read('solutions', '01-orders-bus', 'ordersBus.ts');
  });
  afterEach(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await ended(child);
    }
    child = undefined;
    await project.write(STARTER, starter);
  });
  afterAll(() => project.remove());

  it('a save during a grade cancels it (the slow deploy is ended) and grades the new file', async () => {
    // A deploy that would take ten minutes, with a deadline that lets it, beating into a file while it
    // runs: the new file's verdict can only come first if the save cancelled this grade.
    const heartbeat = path.join(project.root, 'deploy-heartbeat.txt');
    const slow = starter
      .replace('export async function deploy(', `import { appendFileSync } from 'node:fs';\n\n$&`)
      .replace(
        'export async function deploy(np: NorthPole): Promise<OrdersBus> {',
        `$&\n  setInterval(() => appendFileSync(${JSON.stringify(heartbeat)}, '.'), 50);\n  await new Promise((resolve) => setTimeout(resolve, 600_000));`,
      );
    await project.write(STARTER, slow);
    child = project.start(['watch', '1'], { NORTHPOLE_DEPLOY_TIMEOUT_MS: '900000' });
    const stdout = new Output(child.stdout!);
    await until(() => existsSync(heartbeat));

    await project.write(STARTER, solution);
    await stdout.waitFor(PASSING, 1, 120_000);
    expect(stdout.text).toContain('Saved again while grading: this grade is cancelled, a new one starts.');
    expect(stdout.text).toMatch(/── .* · ordersBus\.ts saved ──/);
    expect(stdout.count(/tasks pass\./)).toBe(1);
    // The slow deploy's worker was ended: its heartbeat has stopped.
    const beats = (await readFile(heartbeat, 'utf8')).length;
    await delay(500);
    expect((await readFile(heartbeat, 'utf8')).length).toBe(beats);
  });

  it('on a terminal: clears the screen before each grade, and a hint is "press h"', async () => {
    // `script` gives the loop a terminal, as a learner's shell does.
    const command = [process.execPath, '--import', 'tsx', 'kit/cli.ts', 'watch', '1'].map((part) => `'${part}'`).join(' ');
    child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: project.root,
      env: project.environment({ TERM: 'xterm' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const screen = new Output(child.stdout!);
    await screen.waitFor(/Keys: r re-run/);
    // Cursor home, then erase the screen below it: what console.clear() writes to a terminal.
    expect(screen.text).toContain('\u001b[1;1H\u001b[0J');
    expect(screen.text).toMatch(/Stuck\?.*press h for a hint/);
    expect(screen.text).not.toContain('npm run hint 1');

    child.stdin!.write('h');
    await screen.waitFor(/Another one: .*press h/);
    child.stdin!.write('q');
    expect(await ended(child)).toBe(0);
    expect(screen.text).toContain('Stopped watching exercise 1.');
  });
});
