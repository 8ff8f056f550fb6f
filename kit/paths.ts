import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The kit's own folder: the one with package.json, exercises/ and kit/. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The learner's own state: progress, results, backups, namespaces (ignored by git). */
export const STATE_DIR = process.env.NORTHPOLE_STATE_DIR ?? path.join(PROJECT_ROOT, '.northpole');

/** A file as messages show it: from the project folder (where the exercises' READMEs start their paths), whole when outside it. */
export function shownPath(file: string): string {
  const relative = path.relative(PROJECT_ROOT, file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
