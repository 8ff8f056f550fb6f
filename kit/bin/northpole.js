#!/usr/bin/env node
// `npx northpole exercise 1 --json`: the kit's CLI with the TypeScript loader. A `--` typed out of
// `npm run` habit is dropped: here every flag reaches the kit anyway.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'kit', 'cli.ts'), ...process.argv.slice(2).filter((arg) => arg !== '--')], {
  cwd: root,
  // Paths the learner types (--file) are relative to where they typed them, as under npm run.
  env: { ...process.env, INIT_CWD: process.env.INIT_CWD ?? process.cwd() },
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
