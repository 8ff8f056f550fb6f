import { ensureLocalStack } from '../kit/localstack/runtime.ts';

/** One LocalStack for every test file; tests read its endpoint from NORTHPOLE_ENDPOINT. */
export default async function setup(): Promise<void> {
  const started = await ensureLocalStack((line) => console.log(line));
  process.env.NORTHPOLE_ENDPOINT = started.endpoint;
}
