import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The kit's own folder: the one with package.json, exercises/ and kit/. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The learner's own state: progress, results, backups, namespaces (ignored by git). */
export const STATE_DIR = process.env.NORTHPOLE_STATE_DIR ?? path.join(PROJECT_ROOT, '.northpole');
