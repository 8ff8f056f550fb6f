import path from 'node:path';
import { shownPath } from '../../paths.ts';
import { exerciseDir } from '../../track.ts';
import type { GradingContext } from './grader.ts';

// Where a failure sends the learner: a Task TODO in their file, a state of their ASL, a line. Every
// "Look at" names the README's task as well.

type Where = Pick<GradingContext, 'exercise' | 'file'>;

const instructions = (context: Where, task: number) => `instructions: exercises/${exerciseDir(context.exercise)}/README.md, Task ${task}`;

/** The task's TODO in the learner's file. */
export const lookAtTodo = (context: Where, task: number) => `${shownPath(context.file)}, the "Task ${task}" TODO; ${instructions(context, task)}`;

/** A line of the learner's file, e.g. where a call of theirs threw. */
export const lookAtLine = (context: Where, task: number, line: number, inFunction?: string) =>
  `${shownPath(context.file)}, line ${line}${inFunction ? `, in ${inFunction}` : ''}; ${instructions(context, task)}`;

/** An asset beside the learner's file (e.g. the state machine's ASL), and a place in it. */
export const lookAtAsset = (context: Where, asset: string, task: number, place?: string) =>
  `${shownPath(path.join(path.dirname(context.file), asset))}${place ? `, ${place}` : ''}; ${instructions(context, task)}`;
