import type { EnvironmentError } from './environmentError.ts';
import { unwritableProblem } from './unwritable.ts';
import { STATE_DIR } from './paths.ts';

/** A failed write of the kit's state as the environment problem it is; undefined for anything else. */
export function stateWriteProblem(error: unknown, where?: string): EnvironmentError | undefined {
  return unwritableProblem(error, where ?? STATE_DIR);
}
