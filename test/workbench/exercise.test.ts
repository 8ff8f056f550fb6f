import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACK_SERVICES } from '../../kit/localstack/settings.ts';
import { loadTrack } from '../../kit/track.ts';
import { exercismViolations } from '../support/exercismResults.ts';
import { TempProject } from './tempProject.ts';

const STARTER = 'exercises/01-orders-bus/ordersBus.ts';
const exercise = loadTrack().exercises[0]!;
const ANSI = /\u001b\[/;
const taskOrder = exercise.tasks.map((task) => task.id);

describe('npm run exercise', () => {
  let project: TempProject;
  let starter: string;

  beforeAll(async () => {
    project = await TempProject.create();
    starter = await project.read(STARTER);
  });
  afterAll(() => project.remove());

  it('on the untouched starter: shows the plan, fails at Task 1, exits 1, and records results and progress', async () => {
    const ran = await project.run(['exercise', '1'], { CI: 'true' });

    expect(ran.code).toBe(1);
    expect(ran.stdout).toContain(`Exercise 1 of ${loadTrack().exercises.length} · The orders bus`);
    for (const task of exercise.tasks) expect(ran.stdout).toContain(`  ${task.id}. ${task.title}`);
    const failure = ran.stdout.indexOf('✗ Task 1: Create the orders bus');
    expect(failure).toBeGreaterThan(ran.stdout.indexOf('Checks, in order:'));
    expect(failure).toBeLessThan(ran.stdout.indexOf('· Task 2: Give the elves a log queue EventBridge may send to'));
    expect(ran.stdout).toContain('0 of 4 tasks pass.');
    expect(ran.stdout).toContain('Stuck?    npm run hint 1');
    // Piped output stays plain even where CI is set (picocolors alone would colour it).
    expect(ran.stdout).not.toMatch(ANSI);

    const results = JSON.parse(await project.read('.northpole', 'results', '01-orders-bus.json'));
    expect(results).toMatchObject({ version: 3, status: 'fail', exercise: { number: 1, slug: 'orders-bus' } });
    expect(results.tests[0]).toMatchObject({ task_id: 1, status: 'fail', name: 'Task 1: Create the orders bus' });
    expect(exercismViolations(results, taskOrder)).toEqual([]);
    const progress = JSON.parse(await project.read('.northpole', 'progress.json'));
    expect(progress.exercises['1']).toMatchObject({ slug: 'orders-bus', status: 'in-progress', runs: 1 });
    expect(progress.exercises['1'].passedAt).toBeUndefined();
  });

  it("names the learner's syntax error and its line, and exits 1 rather than crashing", async () => {
    const lines = starter.split('\n');
    const broken = lines.findIndex((line) => line.includes("const busArn = '';"));
    lines[broken] = '  const busArn = ;';
    await project.write(STARTER, lines.join('\n'));
    try {
      const ran = await project.run(['exercise', '1']);
      expect(ran.code).toBe(1);
      expect(ran.stdout).toContain(`Your code: your file does not compile: Unexpected ";" (line ${broken + 1}, column 18)`);
      expect(ran.stdout).toContain('✗ Task 1: Create the orders bus');
      expect(ran.stderr).not.toContain('failed unexpectedly');
      // A file that does not load ran no check: Exercism's top-level error, with the reason.
      const results = JSON.parse(await project.read('.northpole', 'results', '01-orders-bus.json'));
      expect(results).toMatchObject({ version: 3, status: 'error', tests: [] });
      expect(results.message).toContain(`your file does not compile: Unexpected ";" (line ${broken + 1}, column 18)`);
      expect(exercismViolations(results, taskOrder)).toEqual([]);
    } finally {
      await project.write(STARTER, starter);
    }
  });

  it('on a solved file: passes, gives the lesson, the solution and the next step, and marks the step done', async () => {
    await project.write(STARTER, await project.read('solutions', '01-orders-bus', 'ordersBus.ts'));
    try {
      const ran = await project.run(['exercise', '1']);
      expect(ran.code).toBe(0);
      expect(ran.stdout).toContain('All 4 tasks pass.');
      expect(ran.stdout).toContain(`You learned: ${exercise.learned}`);
      expect(ran.stdout).toMatch(/Reference solution: solutions[\\/]01-orders-bus[\\/]ordersBus\.ts/);
      expect(ran.stdout).toContain('Next: npm run exercise 2 · The orders API');
      const progress = JSON.parse(await project.read('.northpole', 'progress.json'));
      // Three grades of the learner's file so far: the starter, the syntax error, this one.
      expect(progress.exercises['1']).toMatchObject({ status: 'done', runs: 3 });
      expect(Date.parse(progress.exercises['1'].passedAt)).not.toBeNaN();
      const results = JSON.parse(await project.read('.northpole', 'results', '01-orders-bus.json'));
      expect(results.status).toBe('pass');
      expect(exercismViolations(results, taskOrder)).toEqual([]);
    } finally {
      await project.write(STARTER, starter);
    }
  });

  it('with --json prints the results.json verdict and nothing else on stdout', async () => {
    const ran = await project.run(['exercise', '1', '--json']);
    expect(ran.code).toBe(1);
    const results = JSON.parse(ran.stdout);
    expect(results.version).toBe(3);
    // Exercism's statuses only, in the order of the tasks: the tasks not checked are not earned.
    expect(results.tests.map((test: { task_id: number; status: string; checked?: boolean }) => [test.task_id, test.status, test.checked])).toEqual([
      [1, 'fail', undefined],
      [2, 'fail', false],
      [3, 'fail', false],
      [4, 'fail', false],
    ]);
  });

  it('exits 2 and says what to do when nothing answers at the endpoint', async () => {
    const ran = await project.run(['exercise', '1'], { NORTHPOLE_ENDPOINT: 'http://127.0.0.1:9' });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('Nothing answers at http://127.0.0.1:9');
    expect(ran.stderr).toContain('What to do: Start it');
    expect(ran.stderr).not.toContain('failed unexpectedly');
  });

  it('with --json still prints a parsable verdict (status "error") when LocalStack is unreachable', async () => {
    const ran = await project.run(['exercise', '1', '--json'], { NORTHPOLE_ENDPOINT: 'http://127.0.0.1:9' });
    expect(ran.code).toBe(2);
    const verdict = JSON.parse(ran.stdout) as { exercise: object };
    expect(verdict).toMatchObject({ version: 3, status: 'error' });
    // The exercise named, not the whole track entry with every hint.
    expect(verdict.exercise).toEqual({ number: 1, slug: 'orders-bus' });
  });

  it('exits 2 and says what to do when LocalStack stops answering in the middle of a grade', async () => {
    // Healthy for the kit's first look, then gone: the port closes before any AWS call arrives.
    const sockets = new Set<Socket>();
    const server = http.createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ version: '4.13.1', services: Object.fromEntries(TRACK_SERVICES.map((service) => [service, 'running'])) }));
      server.close();
      for (const socket of sockets) socket.destroy();
    });
    server.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    const ran = await project.run(['exercise', '1'], { NORTHPOLE_ENDPOINT: `http://127.0.0.1:${port}` });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`LocalStack stopped answering at http://127.0.0.1:${port}`);
    expect(ran.stderr).toContain('What to do: Check the LocalStack NORTHPOLE_ENDPOINT points at');
    expect(ran.stderr).not.toContain('failed unexpectedly');
  });

  it('explains a missing exercise file instead of crashing', async () => {
    await fs.rm(project.path(STARTER));
    try {
      const ran = await project.run(['exercise', '1']);
      expect(ran.code).toBe(1);
      expect(ran.stdout).toContain('npm run reset 1');
    } finally {
      await project.write(STARTER, starter);
    }
  });

  it('rejects an exercise number the track does not have with exit 3', async () => {
    const ran = await project.run(['exercise', '99']);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain('There is no exercise 99');
  });
});
