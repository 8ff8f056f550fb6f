import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const COPIED = ['kit', 'exercises', 'starters', 'solutions', 'graders', 'package.json', 'tsconfig.json'];

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A copy of the kit in a temporary folder, driven as a learner drives it: `node --import tsx
 * kit/cli.ts <command>` in that folder, its own .northpole/ state, the LocalStack of the test run.
 */
export class TempProject {
  private constructor(readonly root: string) {}

  /**
   * `git: true` makes the copy a git clone with one commit, as a learner's checkout is; `tests: true`
   * adds the kit's own tests, so that the README's test command can run in the copy.
   */
  static async create(options: { git?: boolean; tests?: boolean } = {}): Promise<TempProject> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-workbench-'));
    const copied = options.tests ? [...COPIED, 'test', 'vitest.config.ts'] : COPIED;
    for (const entry of copied) {
      await fs.cp(path.join(REPOSITORY, entry), path.join(root, entry), { recursive: true, filter: (source) => !source.includes(`${path.sep}.generated`) });
    }
    await fs.symlink(path.join(REPOSITORY, 'node_modules'), path.join(root, 'node_modules'), 'junction');
    if (options.git) {
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=Learner', '-c', 'user.email=learner@example.com', ...args], { cwd: root, stdio: 'ignore' });
      git('init', '--quiet');
      git('add', ...copied);
      git('commit', '--quiet', '--no-gpg-sign', '-m', 'The kit as handed out');
    }
    return new TempProject(root);
  }

  get stateDir(): string {
    return path.join(this.root, '.northpole');
  }

  path(...parts: string[]): string {
    return path.join(this.root, ...parts);
  }

  read(...parts: string[]): Promise<string> {
    return fs.readFile(this.path(...parts), 'utf8');
  }

  write(relative: string, content: string): Promise<void> {
    return fs.writeFile(this.path(relative), content);
  }

  environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    // The kit's settings of the developer's shell (NORTHPOLE_LOCALSTACK=host, a port) are not the copy's:
    // it sees the test run's LocalStack and what each test sets, nothing else.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NORTHPOLE_')));
    const env: NodeJS.ProcessEnv = { ...inherited, NORTHPOLE_STATE_DIR: this.stateDir, NORTHPOLE_ENDPOINT: process.env.NORTHPOLE_ENDPOINT, ...extra };
    // Colour is decided by the kit from the terminal and NO_COLOR; the test runner's own setting is not the learner's.
    for (const name of ['FORCE_COLOR', 'NO_COLOR']) if (!(name in extra)) delete env[name];
    return env;
  }

  start(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    return spawn(process.execPath, ['--import', 'tsx', path.join('kit', 'cli.ts'), ...args], {
      cwd: this.root,
      env: this.environment(env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  }

  /** Runs one command to its end; stdin is a pipe, as in a script. */
  run(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 90_000): Promise<Ran> {
    return this.finish(this.start(args, env), args.join(' '), timeoutMs);
  }

  /** Runs a program (npm, npx, git) in the copy to its end, with the copy's environment. */
  exec(command: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 90_000): Promise<Ran> {
    const child = spawn(command, args, { cwd: this.root, env: this.environment(env), stdio: ['pipe', 'pipe', 'pipe'] });
    return this.finish(child, `${command} ${args.join(' ')}`, timeoutMs);
  }

  private finish(child: ChildProcess, shownAs: string, timeoutMs: number): Promise<Ran> {
    child.stdin!.end();
    return new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${shownAs} did not end within ${timeoutMs} ms.\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  async remove(): Promise<void> {
    await fs.rm(this.root, { recursive: true, force: true });
  }
}

/** Collects a running command's stdout and waits for text to appear in it. */
export class Output {
  text = '';
  private waiters: (() => void)[] = [];

  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (chunk: Buffer) => {
      this.text += chunk.toString();
      for (const waiter of this.waiters) waiter();
    });
  }

  count(pattern: RegExp): number {
    return [...this.text.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))].length;
  }

  /** Resolves once `pattern` has appeared `times` times; fails after `timeoutMs` with what was seen. */
  waitFor(pattern: RegExp, times = 1, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.count(pattern) < times) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        resolve();
      };
      const timer = setTimeout(() => reject(new Error(`${pattern} did not appear ${times} times within ${timeoutMs} ms. Output:\n${this.text}`)), timeoutMs);
      this.waiters.push(check);
      check();
    });
  }
}
