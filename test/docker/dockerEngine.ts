import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The stand-in (or official) image the Docker group runs; .ci/run builds it and sets this. */
export function dockerGroupImage(): string {
  const image = process.env.NORTHPOLE_LOCALSTACK_IMAGE;
  if (!image) throw new Error('The Docker group needs NORTHPOLE_LOCALSTACK_IMAGE (.ci/run builds the stand-in image and sets it).');
  return image;
}

export async function docker(...args: string[]): Promise<string> {
  return (await run('docker', args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
}

/** Containers of the kit's Docker mode made from this image (the label is the kit's, the image the group's). */
export async function kitContainers(image: string): Promise<string[]> {
  const ids = await docker('ps', '--all', '--quiet', '--filter', 'label=org.northpole.kit=localstack', '--filter', `ancestor=${image}`);
  return ids ? ids.split('\n') : [];
}

/** Environment for the kit's CLI in the Docker mode: no endpoint, no Ryuk (no registry to pull it from). */
export function dockerModeEnvironment(image: string): NodeJS.ProcessEnv {
  return { NORTHPOLE_LOCALSTACK: 'docker', NORTHPOLE_LOCALSTACK_IMAGE: image, NORTHPOLE_ENDPOINT: '', TESTCONTAINERS_RYUK_DISABLED: 'true' };
}
