import pc from 'picocolors';
import yoctoSpinner from 'yocto-spinner';
import type { EnvironmentError } from './environmentError.ts';

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Colours only on a terminal, and never with NO_COLOR. picocolors alone also colours piped output
 * on Windows and whenever CI is set, which puts escape codes into log files and pasted questions.
 */
export function colorsFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Colors {
  if (env.NO_COLOR) return pc.createColors(false);
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return pc.createColors(true);
  return pc.createColors(!!stream.isTTY && env.TERM !== 'dumb');
}

/** For what goes to stdout (reports) and to stderr (progress lines, errors). */
export const out = colorsFor(process.stdout);
export const err = colorsFor(process.stderr);

/** Something the learner should know that is not the verdict, e.g. a rebuilt state file. */
export function warn(line: string): void {
  console.error(err.yellow(line));
}

/** A broken machine: what, why, and what to do about it. */
export function formatEnvironmentError(error: EnvironmentError, c: Colors = err): string {
  return `${c.red(c.bold(error.what))}\n  ${error.message}\n  ${c.bold('What to do:')} ${error.fix}`;
}

export interface Work {
  /** The line under way, e.g. what LocalStack's start-up is doing. */
  say(line: string): void;
  stop(): void;
}

/**
 * A spinner on stderr while LocalStack starts or a deploy runs. When stderr is a pipe or a log, plain
 * lines instead: what `say` reports, and `text` itself unless `quietOnPipe` (a step that is usually instant).
 */
export function startWork(text: string, options: { quietOnPipe?: boolean } = {}): Work {
  if (!process.stderr.isTTY) {
    const say = (line: string) => console.error(err.dim(line));
    if (!options.quietOnPipe) say(text);
    return { say, stop: () => {} };
  }
  const spinner = yoctoSpinner({ text, stream: process.stderr }).start();
  return {
    say: (line) => (spinner.text = line),
    stop: () => void spinner.stop(),
  };
}
