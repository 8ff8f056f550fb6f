import { watch, type FSWatcher } from 'chokidar';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { EnvironmentError } from '../environmentError.ts';
import { ExitCode } from '../exitCode.ts';
import { formatGrade, formatPlan } from '../grading/report.ts';
import { prewarmLearnerHost } from '../grading/learnerSession.ts';
import { err, formatEnvironmentError, out, warn } from '../terminal.ts';
import { loadProgress, nextUnfinished } from '../progress/progress.ts';
import { exerciseFiles, exercisePaths, findExercise, loadTrack, type Exercise, type Track } from '../track.ts';
import { gradeTarget } from '../grading/gradeExercise.ts';
import { STATE_DIR, shownPath } from '../paths.ts';
import { gradeStep, type Graded } from './exercise.ts';
import { giveHint } from './hint.ts';

/** Saves come in bursts (an editor writes, formats, writes again): grade once they settle. */
const DEBOUNCE_MS = 200;
const POLL_INTERVAL_MS = 500;

export async function watchCommand(number: number | undefined, options: { poll?: boolean }): Promise<number> {
  const track = loadTrack();
  const exercise = number === undefined ? nextUnfinished(track, await loadProgress(STATE_DIR, track, warn)) : findExercise(number, track);
  if (!exercise) {
    console.log(track.final);
    return ExitCode.Pass;
  }
  return new WatchLoop(track, exercise, options.poll ?? false).run();
}

/**
 * Grades a step on every save of its file, one grade at a time, as rustlings does: a save during a
 * grade cancels it (its learner worker is ended) and starts a new one; other requests (r) queue one more.
 * Keys (r, h, n, q) only when stdin is a terminal; from a pipe or a script it is just the loop,
 * ended by a signal.
 */
class WatchLoop {
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  private grading?: Promise<void>;
  private current?: AbortController;
  /** Why the grade under way must run once more when it ends (a save, r), or undefined. */
  private again?: string;
  private passed = false;
  private plannedFor?: number;
  private finished!: (code: number) => void;
  private readonly keyboard = !!process.stdin.isTTY;

  constructor(
    private readonly track: Track,
    private exercise: Exercise,
    private polling: boolean,
  ) {}

  async run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finished = resolve));
    if (this.keyboard) this.listenToKeys();
    process.once('SIGINT', this.quit).once('SIGTERM', this.quit);
    if (!this.polling && onWindowsDrive(this.file)) {
      this.polling = true;
      console.log(out.dim('This file is on a Windows drive seen from WSL, where change events do not arrive: looking at it every half second instead.'));
    }
    await this.watchFile();
    void this.grade('first grade');
    return done;
  }

  private get file(): string {
    return exercisePaths(this.exercise).working;
  }

  private async watchFile(): Promise<void> {
    await this.watcher?.close();
    // The exercise's assets (e.g. a state machine definition) are graded with it, so a save of one grades too.
    const files = exerciseFiles(this.exercise).map((file) => file.working);
    const watcher = watch(files, { ignoreInitial: true, backend: this.polling ? 'polling' : 'auto', pollingInterval: POLL_INTERVAL_MS });
    this.watcher = watcher;
    watcher.on('all', (event, changed) => {
      if (event === 'unlink') console.log(err.yellow(`${shownPath(changed)} was removed; \`npm run reset ${this.exercise.number}\` brings back the starter.`));
      else if (event === 'add' || event === 'change') this.soon(`${path.basename(changed)} saved`, { cancel: true });
    });
    watcher.on('error', (error) => void this.watchingFailed(error as Error));
    await new Promise<void>((resolve) => watcher.once('ready', resolve));
  }

  /** Change events stopped working (too many watched files, an odd filesystem): look at the file instead, or by hand. */
  private async watchingFailed(error: Error): Promise<void> {
    if (!this.polling) {
      warn(`Watching for changes failed (${error.message}); looking at the file every half second instead.`);
      this.polling = true;
      await this.watchFile();
      return;
    }
    await this.watcher?.close();
    this.watcher = undefined;
    warn(
      `Watching ${shownPath(this.file)} failed (${error.message}). ${this.keyboard ? 'Press r after each save to grade.' : 'Run `npm run exercise` after each save instead.'}`,
    );
  }

  private soon(reason: string, options: { cancel?: boolean } = {}): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.grade(reason, options), DEBOUNCE_MS);
  }

  /** `cancel`: the grade under way is of a file that has changed since; stop it rather than wait for it. */
  private async grade(reason: string, options: { cancel?: boolean } = {}): Promise<void> {
    if (this.grading) {
      this.again = reason;
      if (options.cancel) this.current?.abort(new GradeCancelled());
      return this.grading;
    }
    this.grading = (async () => {
      for (let next: string | undefined = reason; next !== undefined;) {
        this.again = undefined;
        await this.gradeOnce(next);
        next = this.again;
      }
    })();
    await this.grading;
    this.grading = undefined;
  }

  private async gradeOnce(reason: string): Promise<void> {
    // On a terminal each grade starts on a clear screen; in a pipe or a log, a line between grades.
    if (process.stdout.isTTY) console.clear();
    else console.log(out.dim(`── ${new Date().toLocaleTimeString()} · ${reason} ──`));
    if (process.stdout.isTTY || this.plannedFor !== this.exercise.number) console.log(formatPlan(this.exercise, this.track, shownPath(this.file)));
    this.plannedFor = this.exercise.number;
    const controller = new AbortController();
    this.current = controller;
    try {
      const show = (verdict: Graded & { kind: 'graded' }) => {
        this.passed = verdict.result.status === 'pass';
        console.log(formatGrade(verdict.result, this.track, { watching: true, hintKey: this.keyboard }));
      };
      const graded = await gradeStep(gradeTarget(this.exercise), this.track, { signal: controller.signal, show });
      if (graded.kind === 'missing') console.log(graded.message);
    } catch (error) {
      if (controller.signal.aborted) {
        console.log(out.dim('Saved again while grading: this grade is cancelled, a new one starts.'));
        return;
      }
      // The loop outlives a stopped LocalStack or a bug in the kit: say so, keep watching, grade again on the next save.
      console.error(
        error instanceof EnvironmentError
          ? formatEnvironmentError(error)
          : `${err.red(err.bold('The kit failed unexpectedly:'))} ${(error as Error)?.stack ?? String(error)}`,
      );
    } finally {
      // The next save's grade finds a process for the learner's code started already (Node, the
      // TypeScript loader, the SDK: about a second), as the first grade did; it imports the file afresh.
      prewarmLearnerHost();
    }
    console.log(this.footer());
  }

  private footer(): string {
    const next = this.nextExercise();
    const lines = [''];
    if (this.passed) {
      if (!next) lines.push(this.track.final);
      else
        lines.push(
          this.keyboard
            ? `Press ${out.bold('n')} for exercise ${next.number} · ${next.title}.`
            : `Next: ${out.bold(`npm run watch ${next.number}`)} · ${next.title}`,
        );
    }
    const files = exerciseFiles(this.exercise).map((file) => shownPath(file.working));
    const saved = files.length === 1 ? files[0] : `${files.slice(0, -1).join(', ')} or ${files.at(-1)}`;
    const how = this.watcher ? `save ${saved} to grade again${this.polling ? ' (looking every half second)' : ''}` : 'file watching is off';
    lines.push(out.dim(`Watching exercise ${this.exercise.number}: ${how}.`));
    if (this.keyboard) lines.push(out.dim('Keys: r re-run · h hint · n next exercise · q quit'));
    else lines.push(out.dim('Stop with Ctrl-C.'));
    return lines.join('\n');
  }

  private nextExercise(): Exercise | undefined {
    return this.track.exercises.find((candidate) => candidate.number > this.exercise.number);
  }

  private listenToKeys(): void {
    readline.emitKeypressEvents(process.stdin);
    process.stdin.setRawMode(true);
    process.stdin.on('keypress', this.onKey);
    process.stdin.resume();
  }

  private readonly onKey = (text: string | undefined, key: { name?: string; ctrl?: boolean } | undefined): void => {
    const name = key?.name ?? text;
    if (name === 'q' || (key?.ctrl && name === 'c')) this.quit();
    else if (name === 'r') void this.grade('re-run');
    else if (name === 'h') void this.showHint();
    else if (name === 'n') void this.moveOn();
  };

  private async showHint(): Promise<void> {
    console.log(`\n${await giveHint(this.exercise, this.track, { key: true })}`);
  }

  private async moveOn(): Promise<void> {
    const next = this.nextExercise();
    if (!next) {
      console.log(`\nExercise ${this.exercise.number} is the last one. ${this.passed ? this.track.final : ''}`);
      return;
    }
    await this.grading;
    this.exercise = next;
    this.passed = false;
    await this.watchFile();
    await this.grade(`exercise ${next.number}`);
  }

  private readonly quit = (): void => {
    clearTimeout(this.debounce);
    process.off('SIGINT', this.quit).off('SIGTERM', this.quit);
    if (this.keyboard) {
      process.stdin.off('keypress', this.onKey);
      process.stdin.setRawMode(false);
      process.stdin.pause();
    }
    void this.watcher?.close();
    if (this.grading) {
      console.log(`\nStopped watching exercise ${this.exercise.number}; the grade under way is cancelled.`);
      // Ending the grade ends the process its learner code runs in; nothing of it keeps this one alive.
      this.current?.abort(new GradeCancelled());
      process.exit(ExitCode.Pass);
    }
    console.log(`\nStopped watching exercise ${this.exercise.number}. \`npm run watch ${this.exercise.number}\` picks it up again.`);
    this.finished(ExitCode.Pass);
  };
}

class GradeCancelled extends Error {
  constructor() {
    super('The file was saved again during the grade.');
    this.name = 'GradeCancelled';
  }
}

/** WSL's view of a Windows drive (/mnt/c/...) delivers no change events to Linux watchers. */
function onWindowsDrive(file: string): boolean {
  return process.platform === 'linux' && os.release().toLowerCase().includes('microsoft') && file.startsWith('/mnt/');
}
