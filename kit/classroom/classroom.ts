import { execFile } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from '../environmentError.ts';
import { ExitCode } from '../exitCode.ts';
import { waitForHealth } from '../localstack/health.ts';
import { CONTAINER_STATUS_FILE, patchStatusProblem } from '../localstack/patches/localStackPatches.ts';
import { LOCALSTACK_VERSION, readSettings } from '../localstack/settings.ts';
import { exerciseDir, exerciseFiles, loadTrack } from '../track.ts';

/**
 * `npx northpole classroom take <learner's checkout>`: into this copy of the kit (the upstream one,
 * graders and all), the learner's exercise files and nothing else. What the learner changed in
 * graders/, kit/, package.json or the workflow of their repository never runs.
 */
export async function takeWork(learnerRoot: string): Promise<number> {
  const root = path.resolve(process.env.INIT_CWD ?? process.cwd(), learnerRoot);
  if (!existsSync(root)) throw new RangeError(`There is no ${root}: give the folder the learner's repository is checked out in.`);
  let taken = 0;
  for (const exercise of loadTrack().exercises) {
    for (const file of exerciseFiles(exercise)) {
      const theirs = path.join(root, 'exercises', exerciseDir(exercise), file.name);
      // A link could point the grade at a file of the kit's own; only plain files are taken.
      if (!existsSync(theirs) || !lstatSync(theirs).isFile()) continue;
      await fs.copyFile(theirs, file.working);
      taken += 1;
    }
  }
  console.log(`Took ${taken} exercise file${taken === 1 ? '' : 's'} from ${root}; everything else is this kit's.`);
  return ExitCode.Pass;
}

/**
 * `npx northpole classroom ready [--container ID]`: waits until the LocalStack at NORTHPOLE_ENDPOINT
 * has every service of the track ready and, given its container, checks that the kit's patches
 * were applied in it. Exit 2 with what is missing: a grade against it would blame the learner.
 */
export async function waitUntilReady(options: { container?: string; timeout?: number }): Promise<number> {
  const { endpoint } = readSettings();
  if (!endpoint) throw new RangeError('Set NORTHPOLE_ENDPOINT to the LocalStack to wait for, e.g. http://127.0.0.1:4566.');
  const seconds = options.timeout ?? 180;
  const { health, notReady } = await waitForHealth(endpoint, seconds * 1000);
  if (!health || notReady.length > 0) {
    throw new EnvironmentError(
      `LocalStack at ${endpoint} is not ready after ${seconds} s`,
      health ? `Not ready: ${notReady.join(', ')}.` : 'Nothing answers there.',
      `Start it with SERVICES including the track's and EAGER_SERVICE_LOADING=1; see its log (docker logs). The kit is tested with LocalStack ${LOCALSTACK_VERSION}.`,
    );
  }
  if (options.container) {
    let status: string;
    try {
      status = (await promisify(execFile)('docker', ['exec', options.container, 'cat', CONTAINER_STATUS_FILE])).stdout;
    } catch (error) {
      status = `no ${CONTAINER_STATUS_FILE} in the container (${(error as Error).message.split('\n')[0]})`;
    }
    const problem = patchStatusProblem(status);
    if (problem)
      throw new EnvironmentError(
        `The kit's patches are not applied in container ${options.container}`,
        problem,
        'Copy kit/localstack/patches and its boot script into the container and restart it (docs/classroom/grade.yml does).',
      );
  }
  console.log(`LocalStack ${health.version} at ${endpoint}: every service of the track is ready${options.container ? ", the kit's patches applied" : ''}.`);
  return ExitCode.Pass;
}
