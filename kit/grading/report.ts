import pc from 'picocolors';
import type { Track } from '../track.ts';
import { exerciseDir } from '../track.ts';
import type { GradeResult, TaskResult } from './gradeExercise.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** What a learner reads after a grade: the verdict per task, the first failure in full, then what to do. */
export function formatGrade(result: GradeResult, track: Track): string {
  const { exercise } = result;
  const lines: string[] = [];
  const firstFailure = result.tasks.find((task) => task.status === 'fail');
  if (firstFailure) lines.push(...failureLines(firstFailure, exercise.number), '');

  lines.push(pc.bold(`Exercise ${exercise.number} · ${exercise.title}`) + pc.dim(`  (${result.file}, namespace ${result.namespace}, ${seconds(result.timings.totalMs)})`));
  for (const task of result.tasks) lines.push(`  ${marker(task)} Task ${task.id}: ${task.title}${task.status === 'skip' ? pc.dim('  (checked once the tasks before it pass)') : ''}`);
  const done = result.tasks.filter((task) => task.status === 'pass').length;
  lines.push('');

  if (result.status === 'pass') {
    const next = track.exercises.find((candidate) => candidate.number > exercise.number);
    lines.push(pc.green(pc.bold(`All ${result.tasks.length} tasks pass.`)) + ` ${exercise.learned}`);
    lines.push(`Reference solution: solutions/${exerciseDir(exercise)}/`);
    lines.push(next ? `Next: ${pc.bold(`npm run exercise ${next.number}`)} · ${next.title}` : track.final);
  } else {
    lines.push(`${done} of ${result.tasks.length} tasks pass. Edit, save, and run ${pc.bold(`npm run exercise ${exercise.number}`)} again.`);
  }
  return lines.join('\n');
}

function failureLines(task: TaskResult, exercise: number): string[] {
  const lines = [pc.red(pc.bold(`✗ Task ${task.id}: ${task.title}`))];
  if (task.deployProblem) lines.push(`  ${pc.bold('Your deploy() stopped:')} ${task.deployProblem}`);
  lines.push(`  ${pc.bold('Expected:')} ${task.expected}`);
  lines.push(`  ${pc.bold('Found:   ')} ${task.found}`);
  if (task.look) lines.push(`  ${pc.bold('Look at: ')} ${task.look}`);
  lines.push(`  ${pc.bold('Stuck?   ')} npm run hint ${exercise}`);
  return lines;
}

function marker(task: TaskResult): string {
  if (task.status === 'pass') return pc.green('✓');
  if (task.status === 'fail') return pc.red('✗');
  return pc.dim('·');
}
