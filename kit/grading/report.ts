import path from 'node:path';
import type { Exercise, Track } from '../track.ts';
import { exerciseDir } from '../track.ts';
import type { GradeResult } from './gradeExercise.ts';
import type { TaskResult } from './verdicts.ts';
import { formatPath, type Hop } from './checks/orderPath.ts';
import { referenceStepsMessage } from './results.ts';
import { out, type Colors } from '../terminal.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Which step, which file, and what the grade will check: shown before the (slower) grade itself. */
export function formatPlan(exercise: Exercise, track: Track, file: string, c: Colors = out): string {
  const lines = [
    c.bold(`Exercise ${exercise.number} of ${track.exercises.length} · ${exercise.title}`),
    c.dim(`${file} · instructions: ${path.join('exercises', exerciseDir(exercise), 'README.md')}`),
    'Checks, in order:',
    ...exercise.tasks.map((task) => `  ${task.id}. ${task.title}`),
  ];
  return lines.join('\n');
}

export interface GradeReportOptions {
  /** In watch mode the loop says what comes next, so the report leaves out the commands to run. */
  watching?: boolean;
  /** Watch mode on a terminal: a hint is a key away (h), not a command. */
  hintKey?: boolean;
  colors?: Colors;
}

/** What a learner reads after a grade: the first failure in full, the verdict per task, then what to do. */
export function formatGrade(result: GradeResult, track: Track, options: GradeReportOptions = {}): string {
  const c = options.colors ?? out;
  const { exercise } = result;
  const lines: string[] = [''];
  if (result.typeProblems?.length) lines.push(...typeProblemLines(result.typeProblems, c), '');
  const firstFailure = result.tasks.find((task) => task.status === 'fail');
  if (firstFailure) lines.push(...failureLines(firstFailure, options.hintKey ? 'press h for a hint' : `npm run hint ${exercise.number}`, c), '');

  for (const task of result.tasks) {
    lines.push(`  ${marker(task, c)} Task ${task.id}: ${task.title}${task.status === 'skip' ? c.dim('  (checked once the tasks before it pass)') : ''}`);
    for (const note of task.notes ?? []) lines.push(c.dim(`      ${note}`));
  }
  const done = result.tasks.filter((task) => task.status === 'pass').length;
  const about = c.dim(` (${result.file}, namespace ${result.namespace}, ${seconds(result.timings.totalMs)})`);
  lines.push('');

  if (result.status === 'pass' && result.referenceSteps) {
    // The batch ran on the reference solutions: worth seeing, never the learner's pass nor the track's end.
    lines.push(c.yellow(c.bold(`All ${result.tasks.length} tasks pass on the reference solutions of the earlier steps (--reference-steps).`)) + about);
    lines.push(referenceStepsMessage(exercise));
  } else if (result.status === 'pass') {
    lines.push(c.green(c.bold(`All ${result.tasks.length} tasks pass.`)) + about);
    lines.push(`${c.bold('You learned:')} ${exercise.learned}`);
    lines.push(
      `${c.bold('Reference solution:')} ${path.join('solutions', exerciseDir(exercise), exercise.file)} (${c.bold(`npm run solution ${exercise.number}`)} shows it)`,
    );
    if (!options.watching) {
      const next = track.exercises.find((candidate) => candidate.number > exercise.number);
      lines.push(next ? `${c.bold('Next:')} ${c.bold(`npm run exercise ${next.number}`)} · ${next.title}` : track.final);
    }
  } else {
    lines.push(`${done} of ${result.tasks.length} tasks pass.` + about);
    if (!options.watching)
      lines.push(
        `Edit, save, and run ${c.bold(`npm run exercise ${exercise.number}`)} again, or let ${c.bold(`npm run watch ${exercise.number}`)} grade every save.`,
      );
  }
  // What this run built stays until the next one: say where, and how to look at it.
  lines.push(
    c.dim(
      `LocalStack: ${result.localstack.endpoint} · namespace ${result.namespace} · look around: npm run aws -- sqs list-queues --queue-name-prefix ${result.namespace}`,
    ),
  );
  return lines.join('\n');
}

/** tsc's errors come first: a wrong type (an object where a JSON string belongs) often explains the failure below. */
function typeProblemLines(problems: NonNullable<GradeResult['typeProblems']>, c: Colors): string[] {
  const lines = [c.yellow(c.bold(`Type ${problems.length === 1 ? 'error' : 'errors'} in your file (tsc):`))];
  for (const problem of problems) {
    const [first, ...more] = problem.message.split('\n');
    lines.push(`  ${c.bold(`${problem.file}:${problem.line}:${problem.column}`)} ${first}`, ...more.map((line) => `      ${line}`));
  }
  return lines;
}

function failureLines(task: TaskResult, hint: string, c: Colors): string[] {
  const lines = [c.red(c.bold(`✗ Task ${task.id}: ${task.title}`))];
  if (task.deployProblem) lines.push(`  ${c.bold('Your code:')} ${task.deployProblem}`);
  lines.push(`  ${c.bold('Expected:')} ${task.expected}`);
  lines.push(`  ${c.bold('Found:   ')} ${task.found}`);
  if (task.look) lines.push(`  ${c.bold('Look at: ')} ${task.look}`);
  if (task.path) {
    const mark = (kind: Hop['kind']) => (kind === 'reached' ? c.green('✓') : kind === 'missed' ? c.red('✗') : c.dim('·'));
    const [heading, ...hops] = formatPath(task.path.orderId, task.path.hops, mark);
    lines.push(`  ${c.bold(heading!)}`, ...hops.map((line) => `  ${line}`));
  }
  lines.push(`  ${c.bold('Stuck?   ')} ${hint}`);
  return lines;
}

function marker(task: TaskResult, c: Colors): string {
  if (task.status === 'pass') return c.green('✓');
  if (task.status === 'fail') return c.red('✗');
  return c.dim('·');
}
