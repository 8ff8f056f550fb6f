import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.ts';

/** One type error tsc found in the learner's file. */
export interface TypeProblem {
  /** Relative to the project, e.g. exercises/01-orders-bus/ordersBus.ts. */
  file: string;
  line: number;
  column: number;
  /** tsc's message, its follow-up lines included (they often say which property is wrong). */
  message: string;
}

const TYPECHECK_TIMEOUT_MS = 30_000;

/**
 * Type-checks one file with the project's compiler settings. tsx only strips types, so without this
 * `Policy: { … }` (an object where AWS wants a JSON string) reaches LocalStack as "[object Object]".
 * TypeScript 7's tsc is native and checks a file and what it imports in about a second, which the
 * grade spends deploying anyway. Resolves to undefined when tsc is not installed (a production-only
 * install) or does not finish: grading never waits on it or fails because of it.
 */
export async function typecheck(file: string, signal?: AbortSignal): Promise<TypeProblem[] | undefined> {
  let tsc: string;
  try {
    tsc = path.join(path.dirname(createRequire(path.join(PROJECT_ROOT, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
  } catch {
    return undefined;
  }
  // A config of the file alone, on top of the project's: checking the whole project would report others' files.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-typecheck-'));
  const config = path.join(dir, 'tsconfig.json');
  await fs.writeFile(
    config,
    JSON.stringify({
      extends: path.join(PROJECT_ROOT, 'tsconfig.json'),
      compilerOptions: { noEmit: true, pretty: false, typeRoots: [path.join(PROJECT_ROOT, 'node_modules', '@types')] },
      include: [],
      files: [file],
    }),
  );
  try {
    const output = await new Promise<string | undefined>((resolve) => {
      execFile(
        process.execPath,
        [tsc, '-p', config],
        { cwd: PROJECT_ROOT, timeout: TYPECHECK_TIMEOUT_MS, signal, maxBuffer: 4 * 1024 * 1024 },
        (error, stdout) => {
          // Exit code 2 means "errors found"; a kill, a timeout or a missing binary means no verdict.
          const code: unknown = (error as { code?: unknown } | null)?.code;
          resolve(!error || typeof code === 'number' ? stdout : undefined);
        },
      );
    });
    return output === undefined ? undefined : parseDiagnostics(output, path.relative(PROJECT_ROOT, file));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** tsc's `file(line,col): error TS1234: message` lines and their indented follow-ups, for one file. */
export function parseDiagnostics(output: string, file: string): TypeProblem[] {
  const problems: TypeProblem[] = [];
  // Follow-up lines belong to the error above them, which may be in another file (kit code it imports).
  let current: TypeProblem | undefined;
  for (const line of output.split(/\r?\n/)) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (match) {
      const [, where, row, column, code, message] = match;
      current =
        path.normalize(where!) === path.normalize(file) ? { file, line: Number(row), column: Number(column), message: `${message} (${code})` } : undefined;
      if (current) problems.push(current);
    } else if (current && /^\s/.test(line) && line.trim()) {
      current.message += `\n${line.trim()}`;
    }
  }
  return problems;
}
