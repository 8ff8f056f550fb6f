import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject, type Ran } from './tempProject.ts';

// npm and npx as the learner has them, on the PATH (with this Node first on it).
const npm = 'npm';
const npx = 'npx';

/**
 * The results.json verdict in what a command printed: after npm's banner (with `--`), and before the
 * error object npm adds of its own when a script given `--json` exits non-zero.
 */
function verdictIn(ran: Ran): { version: number; exercise: { number: number } } {
  const start = ran.stdout.indexOf('{');
  return JSON.parse(ran.stdout.slice(start, ran.stdout.indexOf('\n}', start) + 2));
}

describe('flags given to npm run, with and without --', () => {
  let project: TempProject;
  const hintsOf = async () => JSON.parse(await project.read('.northpole', 'progress.json')).exercises['1'].hints as Record<string, number>;

  beforeAll(async () => {
    project = await TempProject.create();
    // npm's settings of the test run itself (npm test) are not the learner's.
    for (const name of Object.keys(process.env)) if (name.startsWith('npm_')) delete process.env[name];
  });
  afterAll(() => project.remove());

  it('`npm run hint 1 --all` and `npm run hint 1 -- --all` show the hints so far and spend none', async () => {
    expect((await project.exec(npm, ['run', 'hint', '1'])).code).toBe(0);
    const spent = await hintsOf();
    expect(spent).toEqual({ '1': 1 });
    for (const args of [
      ['run', 'hint', '1', '--all'],
      ['run', 'hint', '1', '--', '--all'],
    ]) {
      const ran = await project.exec(npm, args);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout).toContain('Hints shown so far for exercise 1');
      expect(await hintsOf()).toEqual(spent);
    }
  });

  it('`npm run exercise 1 --json`, `-- --json` and `npx northpole exercise 1 --json` print the results.json verdict', async () => {
    for (const [command, args] of [
      [npm, ['run', 'exercise', '1', '--json']],
      [npm, ['run', 'exercise', '1', '--', '--json']],
      [npx, ['northpole', 'exercise', '1', '--json']],
    ] as const) {
      const ran = await project.exec(command, [...args]);
      expect(ran.code, `${args.join(' ')}: ${ran.stderr}`).toBe(1);
      expect(ran.stdout).not.toContain('Checks, in order:');
      expect(verdictIn(ran)).toMatchObject({ version: 3, exercise: { number: 1 } });
    }
  });

  it('`npm run exercise 1 --file <path>` grades that file', async () => {
    const ran = await project.exec(npm, ['run', 'exercise', '1', '--file', 'solutions/01-orders-bus/ordersBus.ts']);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toContain('All 4 tasks pass.');
  });
});
