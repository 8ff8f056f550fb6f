import { DescribeConnectionCommand, UpdateApiDestinationCommand, UpdateConnectionCommand } from '@aws-sdk/client-eventbridge';
import { awsClients, destroyClients } from '../aws/clients.ts';
import { EnvironmentError } from '../environmentError.ts';
import { ExitCode } from '../exitCode.ts';
import { ifExists } from '../grading/checks/evidence.ts';
import { NamespaceRegistry } from '../grading/namespace.ts';
import { ensureLocalStack } from '../localstack/runtime.ts';
import { namespacedName } from '../northPole.ts';
import { STATE_DIR } from '../paths.ts';
import { out, warn } from '../terminal.ts';
import { startTracker, type Delivery } from './trackerServer.ts';

/** Where `npm run tracker` listens unless told otherwise. */
export const DEFAULT_TRACKER_PORT = 4599;
/** The step whose API destination calls the tracker. */
const TRACKED_STEP = 9;

function describe(delivery: Delivery): string {
  if (delivery.update) return `${delivery.update.orderId}: ${delivery.update.status} at ${delivery.update.time}`;
  return out.yellow(
    `refused ${delivery.method} ${delivery.path} (${delivery.status}): ${delivery.problem}${delivery.fields ? ` Fields: ${delivery.fields.join(', ')}.` : ''}`,
  );
}

/**
 * `npm run tracker`: the order tracker on this machine, with the learner's last graded exercise 9
 * pointed at it (its connection gets the tracker's new key, its API destination the new address),
 * until Ctrl-C.
 */
export async function trackerCommand(options: { port?: number }): Promise<number> {
  const port = options.port ?? DEFAULT_TRACKER_PORT;
  const localstack = await ensureLocalStack((line) => console.error(line));
  const tracker = await startTracker({ port, onDelivery: (delivery) => console.log(describe(delivery)) }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE')
      throw new EnvironmentError(`Port ${port} is taken`, `Something else listens on 127.0.0.1:${port}.`, 'Run `npm run tracker -- --port <another port>`.');
    throw error;
  });
  const aws = awsClients(localstack.endpoint);
  try {
    let pointed: string | undefined;
    for (const namespace of await new NamespaceRegistry(STATE_DIR).of(TRACKED_STEP)) {
      const Name = namespacedName(namespace, 'tracker');
      if (!(await ifExists(() => aws.eventBridge.send(new DescribeConnectionCommand({ Name }))))) continue;
      await aws.eventBridge.send(
        new UpdateConnectionCommand({
          Name,
          AuthorizationType: 'API_KEY',
          AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: tracker.endpoint.apiKeyName, ApiKeyValue: tracker.endpoint.apiKey } },
        }),
      );
      await aws.eventBridge.send(new UpdateApiDestinationCommand({ Name, InvocationEndpoint: tracker.endpoint.updatesUrl, HttpMethod: 'POST' }));
      pointed = namespace;
      break;
    }
    console.log(out.bold(`The order tracker: ${tracker.address}`));
    if (pointed) {
      console.log(
        `Your last graded exercise 9 (namespace ${pointed}) now sends its updates here. Put a letter in s3://${namespacedName(pointed, 'letters')}/letters/ or place an order, and watch the page.`,
      );
    } else {
      warn(
        `No graded exercise 9 with a connection ${namespacedName('<namespace>', 'tracker')} is left on this LocalStack: run \`npm run exercise 9\` (its namespace stays until your next grade), then this command again.`,
      );
    }
    if (localstack.mode === 'docker')
      warn(
        "LocalStack runs in Docker: a container's 127.0.0.1 is the container, so no update will arrive here. Use the no-Docker mode: npm run localstack -- use host.",
      );
    if (localstack.mode === 'endpoint')
      warn(`LocalStack runs at ${localstack.endpoint} (NORTHPOLE_ENDPOINT): updates arrive only if it runs on this machine outside a container.`);
    console.log(out.dim('Ctrl-C stops the tracker.'));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    return ExitCode.Pass;
  } finally {
    destroyClients(aws);
    await tracker.close();
  }
}
