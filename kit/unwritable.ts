import path from 'node:path';
import { EnvironmentError } from './environmentError.ts';

/** Errors that mean the disk or the folder refuses writes, not that the kit is broken. */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'EEXIST', 'EISDIR']);

/** A failed write of one of the kit's own files as the environment problem it is; undefined for anything else. */
export function unwritableProblem(error: unknown, where: string): EnvironmentError | undefined {
  const failure = error as NodeJS.ErrnoException;
  if (!failure || !UNWRITABLE.has(failure.code ?? '')) return undefined;
  const place = failure.path ?? where;
  const full = failure.code === 'ENOSPC' || failure.code === 'EDQUOT';
  return new EnvironmentError(
    `Cannot write ${place}`,
    `${failure.code}: ${full ? 'the disk (or your quota) is full' : 'the folder is read-only, not yours, or a file stands where a folder should be'}.`,
    full
      ? 'Free some disk space, then run the command again.'
      : `Make ${path.dirname(place)} a folder you can write (for the kit's state, or point NORTHPOLE_STATE_DIR at one), then run the command again.`,
  );
}
