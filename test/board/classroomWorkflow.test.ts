import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TRACK_SERVICES } from '../../kit/localstack/settings.ts';
import { loadTrack } from '../../kit/track.ts';
import { TempProject } from '../workbench/tempProject.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');
const WORKFLOW = path.join(ROOT, 'docs', 'classroom', 'grade.yml');
/** .ci/run installs actionlint here, from the Go module proxy. */
const ACTIONLINT = path.join(ROOT, '.tools', 'bin', 'actionlint');
const track = loadTrack();

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  'working-directory'?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
}

const workflow = async () =>
  parse(await fs.readFile(WORKFLOW, 'utf8')) as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    concurrency: { group: string; 'cancel-in-progress': boolean };
    jobs: {
      grade: {
        if: string;
        'timeout-minutes': number;
        services: { localstack: { image: string; env: Record<string, string> } };
        env: Record<string, string>;
        steps: Step[];
      };
    };
  };

describe('the classroom workflow (docs/classroom/grade.yml): trustworthy for marks', () => {
  it('passes actionlint (with shellcheck on its scripts where shellcheck is installed)', () => {
    if (!existsSync(ACTIONLINT))
      throw new Error(
        `actionlint is not installed at ${ACTIONLINT}: GOBIN=$PWD/.tools/bin go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 (.ci/run does this in CI).`,
      );
    const lint = spawnSync(ACTIONLINT, ['-no-color', WORKFLOW], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('least permissions, one run per branch, a timeout; graders and kit from the upstream ref; points per step; LocalStack 4.13.1 with the track services', async () => {
    const { on, permissions, concurrency, jobs } = await workflow();
    expect(Object.keys(on)).toEqual(['push', 'workflow_dispatch', 'repository_dispatch']);
    expect(permissions).toEqual({ checks: 'write', actions: 'read', contents: 'read' });
    expect(concurrency).toEqual({ group: 'grade-${{ github.ref }}', 'cancel-in-progress': true });
    const job = jobs.grade;
    expect(job['timeout-minutes']).toBeLessThanOrEqual(30);
    expect(job.services.localstack.image).toBe('localstack/localstack:4.13.1');
    expect(job.services.localstack.env.SERVICES.split(',')).toEqual([...TRACK_SERVICES]);
    expect(job.env).toMatchObject({
      NORTHPOLE_ENDPOINT: 'http://127.0.0.1:4566',
      KIT_REPOSITORY: '${{ vars.NORTHPOLE_KIT_REPOSITORY }}',
      KIT_REF: '${{ vars.NORTHPOLE_KIT_REF }}',
    });

    const steps = job.steps;
    const checkouts = steps.filter((step) => step.uses?.startsWith('actions/checkout@'));
    expect(checkouts.map((step) => step.with)).toEqual([
      { repository: '${{ env.KIT_REPOSITORY }}', ref: '${{ env.KIT_REF }}', path: 'kit', 'persist-credentials': false },
      { path: 'learner', 'persist-credentials': false },
    ]);
    // Everything that runs, runs in the upstream kit; from the learner, only `classroom take` reads.
    const runs = steps.filter((step) => step.run && !step.name?.startsWith("The kit's upstream"));
    expect(
      runs.every((step) => step['working-directory'] === 'kit'),
      runs.map((step) => step.name).join(', '),
    ).toBe(true);
    expect(steps.find((step) => step.run?.includes('classroom take'))!.run!.trim()).toBe('npx northpole classroom take ../learner');
    expect(steps.find((step) => step.name === "LocalStack with the kit's patches")!.run).toContain('npx northpole classroom ready --container "$id"');

    const graders = steps.filter((step) => step.uses === 'classroom-resources/autograding-command-grader@v1');
    // A step whose grade needs LocalStack outside a container (hostOnly) cannot be graded by the service container.
    expect(graders.map((step) => [step.id, step.with!['test-name'], step.with!.command, step.with!['max-score']])).toEqual(
      track.exercises
        .filter((exercise) => !exercise.hostOnly)
        .map((exercise) => [
          `step${exercise.number}`,
          `Step ${exercise.number}: ${exercise.title}`,
          `npm --prefix kit run --silent classroom-summary -- --step ${exercise.number}`,
          10,
        ]),
    );
    // Points are reported only after a grading with no environment failure: no `if` lets them run after a failed step.
    expect(graders.every((step) => step.if === undefined)).toBe(true);
    const reporter = steps.find((step) => step.uses === 'classroom-resources/autograding-grading-reporter@v1')!;
    expect(reporter.if).toBeUndefined();
    expect(reporter.with!.runners).toBe(graders.map((step) => step.id).join(','));
    expect(reporter.env).toEqual(Object.fromEntries(graders.map((step) => [`${step.id!.toUpperCase()}_RESULTS`, `\${{ steps.${step.id}.outputs.result }}`])));
    expect(steps.indexOf(reporter)).toBeGreaterThan(steps.findIndex((step) => step.name === 'Grade every step'));

    const upload = steps.find((step) => step.uses === 'actions/upload-artifact@v4')!;
    expect(upload.with).toMatchObject({ path: 'kit/.northpole/results/*.json', 'include-hidden-files': true });
    expect(upload.if).toBe('always()');
  });
});

describe("the workflow's grading script: a learner's failure is theirs, the runner's is not", () => {
  let dir: string;
  let script: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-grade-script-'));
    await fs.mkdir(path.join(dir, 'exercises'), { recursive: true });
    await fs.copyFile(path.join(ROOT, 'exercises', 'track.json'), path.join(dir, 'exercises', 'track.json'));
    // npx as the grade sees it: `npx northpole exercise N --json`, exiting with the code given for N.
    await fs.mkdir(path.join(dir, 'bin'));
    await fs.writeFile(path.join(dir, 'bin', 'npx'), '#!/bin/sh\neval "exit \\${CODE_$3:-0}"\n', { mode: 0o755 });
    script = (await workflow()).jobs.grade.steps.find((step) => step.name === 'Grade every step')!.run!;
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  const grade = (codes: Record<number, number>) =>
    spawnSync('bash', ['-e', '-c', script], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
        ...Object.fromEntries(Object.entries(codes).map(([step, code]) => [`CODE_${step}`, String(code)])),
      },
    });

  it('leaves out a step whose grade needs LocalStack outside a container (hostOnly): it is never tried there', () => {
    const hostOnly = loadTrack().exercises.filter((exercise) => exercise.hostOnly);
    expect(hostOnly.map((exercise) => exercise.number)).toEqual([9]);
    const graded = grade(Object.fromEntries(hostOnly.map((exercise) => [exercise.number, 2])));
    expect([graded.status, graded.stdout]).toEqual([0, '']);
  });

  it('failing tasks (exit 1) let the job go on to the points', () => {
    const graded = grade({ 2: 1, 5: 1 });
    expect(graded.stdout).toBe('');
    expect(graded.status).toBe(0);
  });

  it("a step that could not be graded (exit 2, or a crash) fails the job as not the learner's, naming the step, after every step was tried", () => {
    const graded = grade({ 3: 2, 7: 3 });
    expect(graded.status).toBe(2);
    expect(graded.stdout.trim().split('\n')).toEqual([
      "::error title=Not your work::Step 3 could not be graded (exit 2: the runner's LocalStack or the kit, see this step's log). Re-run the job.",
      "::error title=Not your work::Step 7 could not be graded (exit 3: the runner's LocalStack or the kit, see this step's log). Re-run the job.",
    ]);
  });
});

describe('`classroom take` and `classroom ready`: what the workflow runs in the kit', () => {
  let kit: TempProject;
  let learner: string;

  beforeAll(async () => {
    kit = await TempProject.create();
    learner = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-learner-repo-'));
    await fs.cp(path.join(ROOT, 'exercises'), path.join(learner, 'exercises'), { recursive: true });
    await fs.cp(path.join(ROOT, 'graders'), path.join(learner, 'graders'), { recursive: true });
  });
  afterAll(async () => {
    await kit.remove();
    await fs.rm(learner, { recursive: true, force: true });
  });

  it("takes the learner's exercise files and assets only: an edited grader or a link to the kit's own files stays out", async () => {
    const [first, , , fourth] = track.exercises;
    const mine = path.join('exercises', '01-orders-bus', first!.file);
    await fs.writeFile(path.join(learner, mine), "// the learner's orders bus\n");
    const asset = path.join('exercises', '04-fulfilment-workflow', fourth!.assets![0]!);
    await fs.writeFile(path.join(learner, asset), '{"the learner": "machine"}\n');
    await fs.writeFile(path.join(learner, 'graders', '01-orders-bus.grader.ts'), 'export default { everything: "passes" };\n');
    const second = path.join('exercises', '02-orders-api', track.exercises[1]!.file);
    await fs.rm(path.join(learner, second));
    await fs.symlink(path.join(kit.root, 'solutions', '02-orders-api', track.exercises[1]!.file), path.join(learner, second));

    const taken = await kit.run(['classroom', 'take', learner]);
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toContain(
      `Took ${track.exercises.reduce((sum, exercise) => sum + 1 + (exercise.assets?.length ?? 0), 0) - 1} exercise files from ${learner}; everything else is this kit's.`,
    );
    expect(await kit.read(mine)).toBe("// the learner's orders bus\n");
    expect(await kit.read(asset)).toBe('{"the learner": "machine"}\n');
    expect(await kit.read('graders', '01-orders-bus.grader.ts')).toBe(await fs.readFile(path.join(ROOT, 'graders', '01-orders-bus.grader.ts'), 'utf8'));
    expect(await kit.read(second)).toBe(await fs.readFile(path.join(ROOT, 'starters', '02-orders-api', track.exercises[1]!.file), 'utf8'));
  });

  it("waits for the track's services; a LocalStack that is not there, or a container without the patches, is exit 2 with the reason", async () => {
    const ready = await kit.run(['classroom', 'ready'], { NORTHPOLE_ENDPOINT: process.env.NORTHPOLE_ENDPOINT });
    expect(ready.code, ready.stderr).toBe(0);
    expect(ready.stdout).toMatch(/^LocalStack 4\.13\.1\S* at http:\/\/\S+: every service of the track is ready\.$/m);
    const nobody = await kit.run(['classroom', 'ready', '--timeout', '2'], { NORTHPOLE_ENDPOINT: 'http://127.0.0.1:9' });
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('LocalStack at http://127.0.0.1:9 is not ready after 2 s');
    const unpatched = await kit.run(['classroom', 'ready', '--container', 'no-such-container'], { NORTHPOLE_ENDPOINT: process.env.NORTHPOLE_ENDPOINT });
    expect(unpatched.code).toBe(2);
    expect(unpatched.stderr).toContain("The kit's patches are not applied in container no-such-container");
    expect(unpatched.stderr).not.toMatch(/\n\s+at /);
  });
});
