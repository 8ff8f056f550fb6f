import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrack } from '../../kit/track.ts';
import { TempProject } from './tempProject.ts';

const STARTER = 'exercises/01-orders-bus/ordersBus.ts';
const total = loadTrack().exercises.length;

describe('npm run progress and the state file', () => {
  let project: TempProject;

  beforeAll(async () => {
    project = await TempProject.create();
  });
  afterAll(() => project.remove());

  it('before any grade: every step not started, 0/M, and an empty state as JSON', async () => {
    const shown = await project.run(['progress']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`0/${total} exercises done`);
    expect(shown.stdout).toMatch(/· 1 The orders bus\s+not started/);
    expect(shown.stdout).toContain('Next: npm run exercise 1 · The orders bus');

    const json = await project.run(['progress', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ version: 1, exercises: {} });
  });

  it('after a pass: done, 1/M, runs and hints counted; --json prints the whole state file', async () => {
    const starter = await project.read(STARTER);
    await project.write(STARTER, await project.read('solutions', '01-orders-bus', 'ordersBus.ts'));
    try {
      expect((await project.run(['hint', '1'])).code).toBe(0);
      expect((await project.run(['exercise', '1'])).code).toBe(0);
    } finally {
      await project.write(STARTER, starter);
    }

    const shown = await project.run(['progress']);
    expect(shown.stdout).toContain(`1/${total} exercises done`);
    expect(shown.stdout).toMatch(/✓ 1 The orders bus\s+done\s+1 run · under a minute · 1 hint/);
    expect(shown.stdout).toMatch(/· 2 The orders API\s+not started/);
    expect(shown.stdout).toContain('hints used: 1');

    const json = await project.run(['progress', '--json']);
    const state = JSON.parse(json.stdout);
    expect(state).toEqual(JSON.parse(await project.read('.northpole', 'progress.json')));
    expect(state.exercises['1']).toMatchObject({ slug: 'orders-bus', status: 'done', runs: 1, hints: { '1': 1 } });
    for (const key of ['firstGradedAt', 'lastGradedAt', 'passedAt']) expect(Date.parse(state.exercises['1'][key])).not.toBeNaN();
    expect(state.exercises['1'].timeSpentMs).toBeGreaterThanOrEqual(0);
  });

  it('rebuilds a corrupt state file from its backup, keeps finished steps, and sets the broken file aside', async () => {
    await project.write('.northpole/progress.json', '{ "version": 1, "exercises": { "1": ');
    const ran = await project.run(['progress', '--json']);

    expect(ran.code).toBe(0);
    expect(ran.stderr).toContain('was not readable (not JSON');
    expect(ran.stderr).toContain('rebuilt from its backup and your grading results');
    expect(JSON.parse(ran.stdout).exercises['1']).toMatchObject({ status: 'done', hints: { '1': 1 } });
    const aside = (await fs.readdir(project.stateDir)).filter((name) => name.startsWith('progress.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(await project.read('.northpole', aside[0]!)).toBe('{ "version": 1, "exercises": { "1": ');
    // The rebuilt file is valid again: the next command reads it without a word.
    const next = await project.run(['progress']);
    expect(next.stderr).toBe('');
    expect(next.stdout).toContain(`1/${total} exercises done`);
  });

  it('with no backup either, rebuilds from .northpole/results so a finished step is still done', async () => {
    await fs.rm(project.path('.northpole', 'progress.backup.json'));
    // Valid JSON, edited by hand into something the kit does not know.
    await project.write(
      '.northpole/progress.json',
      JSON.stringify({ version: 1, updatedAt: 'now', exercises: { '1': { slug: 'orders-bus', status: 'finished' } } }),
    );
    const ran = await project.run(['progress']);

    expect(ran.code).toBe(0);
    expect(ran.stderr).toContain('exercise 1: status "finished"');
    expect(ran.stderr).toContain('rebuilt from your grading results');
    expect(ran.stdout).toContain(`1/${total} exercises done`);
    expect(JSON.parse(await project.read('.northpole', 'progress.json')).exercises['1'].status).toBe('done');
  });

  it('colours only when asked: FORCE_COLOR colours, NO_COLOR wins over it', async () => {
    expect((await project.run(['progress'], { FORCE_COLOR: '1' })).stdout).toMatch(/\u001b\[/);
    expect((await project.run(['progress'], { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toMatch(/\u001b\[/);
  });
});
