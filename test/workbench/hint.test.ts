import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrack } from '../../kit/track.ts';
import { TempProject } from './tempProject.ts';

const [task1, task2] = loadTrack().exercises[0]!.tasks;

describe('npm run hint', () => {
  let project: TempProject;

  beforeAll(async () => {
    project = await TempProject.create();
  });
  afterAll(() => project.remove());

  it('gives the hints of Task 1 one at a time and remembers how many were shown', async () => {
    const first = await project.run(['hint', '1']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Exercise 1 · Task 1: ${task1!.title} · hint 1 of ${task1!.hints.length}`);
    expect(first.stdout).toContain(task1!.hints[0]);
    expect(first.stdout).not.toContain(task1!.hints[1]);

    const second = await project.run(['hint', '1']);
    expect(second.stdout).toContain(`hint 2 of ${task1!.hints.length}`);
    expect(second.stdout).toContain(task1!.hints[1]);
    expect(second.stdout).not.toContain(task1!.hints[0]);

    const progress = JSON.parse(await project.read('.northpole', 'progress.json'));
    expect(progress.exercises['1'].hints).toEqual({ '1': 2 });
    expect(progress.exercises['1'].status).toBe('in-progress');
  });

  it('--all shows the hints given so far, and only those', async () => {
    const all = await project.run(['hint', '1', '--all']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(`Task 1: ${task1!.title} (2 of ${task1!.hints.length})`);
    expect(all.stdout).toContain(`1. ${task1!.hints[0]}`);
    expect(all.stdout).toContain(`2. ${task1!.hints[1]}`);
    expect(all.stdout).not.toContain(task1!.hints[2]);
    // Looking again is not a new hint.
    expect(JSON.parse(await project.read('.northpole', 'progress.json')).exercises['1'].hints).toEqual({ '1': 2 });
  });

  it('follows the first failing task of the last grade', async () => {
    const results = {
      version: 3,
      status: 'fail',
      exercise: { number: 1, slug: 'orders-bus' },
      finishedAt: new Date().toISOString(),
      tests: [
        { name: `Task 2: ${task2!.title}`, task_id: 2, status: 'fail', message: 'Expected a queue', duration_ms: 5 },
        { name: `Task 1: ${task1!.title}`, task_id: 1, status: 'pass', duration_ms: 5 },
      ],
    };
    await fs.mkdir(path.join(project.stateDir, 'results'), { recursive: true });
    await project.write('.northpole/results/01-orders-bus.json', JSON.stringify(results));

    const ran = await project.run(['hint', '1']);
    expect(ran.stdout).toContain(`Task 2: ${task2!.title} · hint 1 of ${task2!.hints.length}`);
    expect(ran.stdout).toContain(task2!.hints[0]);
    expect(JSON.parse(await project.read('.northpole', 'progress.json')).exercises['1'].hints).toEqual({ '1': 2, '2': 1 });
  });

  it('says so when the stuck task has no hint left, without counting another', async () => {
    for (let shown = 1; shown < task2!.hints.length; shown += 1) await project.run(['hint', '1']);
    const ran = await project.run(['hint', '1']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`You have seen all ${task2!.hints.length} hints for Task 2`);
    expect(ran.stdout).toContain('npm run solution 1');
    expect(JSON.parse(await project.read('.northpole', 'progress.json')).exercises['1'].hints['2']).toBe(task2!.hints.length);
  });

  it('after a pass, says the step passes and hands out nothing, counting nothing', async () => {
    const passed = {
      version: 3,
      status: 'pass',
      exercise: { number: 1, slug: 'orders-bus' },
      finishedAt: new Date().toISOString(),
      tests: loadTrack().exercises[0]!.tasks.map((task) => ({ name: `Task ${task.id}: ${task.title}`, task_id: task.id, status: 'pass', duration_ms: 5 })),
    };
    await project.write('.northpole/results/01-orders-bus.json', JSON.stringify(passed));
    const before = JSON.parse(await project.read('.northpole', 'progress.json')).exercises['1'].hints;

    const ran = await project.run(['hint', '1']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('Exercise 1 passes: no hint needed');
    expect(ran.stdout).not.toContain(task1!.hints.at(-1));
    expect(ran.stdout).not.toMatch(/hint \d+ of/);
    expect(JSON.parse(await project.read('.northpole', 'progress.json')).exercises['1'].hints).toEqual(before);
  });
});
