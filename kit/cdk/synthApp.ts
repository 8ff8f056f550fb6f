import { pathToFileURL } from 'node:url';
import { synthesize, type StackClass } from './cdkApp.ts';

// `node --import tsx kit/cdk/synthApp.ts <stack file> <namespace> <out dir>`: exercise 10's CDK app in a
// process of its own, as the CDK CLI runs an app for `cdk synth`. It writes the cloud assembly (the
// template among it) to <out dir> and exits 0, or says on stderr what the stack threw and exits 1.

const [file = '', namespace = '', outdir = ''] = process.argv.slice(2);

/** The line of the stack file an error came from, when its stack names the file. */
function lineOf(error: unknown): number | undefined {
  const frame = (error as Error)?.stack?.split('\n').find((line) => line.includes(file));
  const where = frame ? /:(\d+):\d+\)?$/.exec(frame.trim()) : null;
  return where ? Number(where[1]) : undefined;
}

try {
  const module = (await import(pathToFileURL(file).href)) as { NorthPoleStack?: unknown };
  if (typeof module.NorthPoleStack !== 'function') {
    console.error('the file exports no class NorthPoleStack (export class NorthPoleStack extends Stack { … })');
    process.exit(1);
  }
  await synthesize(module.NorthPoleStack as StackClass, namespace, outdir);
} catch (error) {
  const line = lineOf(error);
  const message = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
  console.error(`${message}${line ? ` (line ${line})` : ''}`);
  process.exit(1);
}
