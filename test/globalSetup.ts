import { HostLocalStack } from '../kit/localstack/host/hostLocalStack.ts';
import { ensureLocalStack } from '../kit/localstack/runtime.ts';
import { readSettings } from '../kit/localstack/settings.ts';

/** One LocalStack for every test file; tests read its endpoint from NORTHPOLE_ENDPOINT. */
export default async function setup(): Promise<() => Promise<void>> {
  const settings = readSettings();
  const host = new HostLocalStack(settings);
  const wasRunning = !!(await host.running());
  const started = await ensureLocalStack((line) => console.log(line), settings);
  process.env.NORTHPOLE_ENDPOINT = started.endpoint;
  process.env.NORTHPOLE_TEST_LOCALSTACK_MODE = started.mode;
  // On a developer's machine LocalStack stays up for the next run; CI leaves nothing behind.
  return async () => {
    if (process.env.CI && started.mode === 'host' && !wasRunning) await host.stop();
  };
}
