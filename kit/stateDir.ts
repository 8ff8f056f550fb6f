import path from 'node:path';
import type { EnvironmentError } from './environmentError.ts';
import { PROJECT_ROOT } from './localstack/settings.ts';
import { unwritableProblem } from './unwritable.ts';

/** The learner's own state: progress, results, backups, namespaces (ignored by git). */
export const STATE_DIR = process.env.NORTHPOLE_STATE_DIR ?? path.join(PROJECT_ROOT, '.northpole');

/** A failed write of the kit's state as the environment problem it is; undefined for anything else. */
export function stateWriteProblem(error: unknown, where?: string): EnvironmentError | undefined {
  return unwritableProblem(error, where ?? STATE_DIR);
}
