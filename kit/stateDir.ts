import path from 'node:path';
import { PROJECT_ROOT } from './localstack/settings.ts';

/** The learner's own state: progress, results, backups, namespaces (ignored by git). */
export const STATE_DIR = process.env.NORTHPOLE_STATE_DIR ?? path.join(PROJECT_ROOT, '.northpole');
