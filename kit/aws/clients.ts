import { createRequire } from 'node:module';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClock } from './awsClock.ts';

export const REGION = 'us-east-1';
/** LocalStack's default account; on real AWS it would come from STS GetCallerIdentity. */
export const ACCOUNT_ID = '000000000000';

export interface AwsClients {
  apiGateway: APIGatewayClient;
  cloudFormation: CloudFormationClient;
  dynamoDb: DynamoDBClient;
  eventBridge: EventBridgeClient;
  iam: IAMClient;
  s3: S3Client;
  secretsManager: SecretsManagerClient;
  sfn: SFNClient;
  sns: SNSClient;
  sqs: SQSClient;
}

type AnyClient = AwsClients[keyof AwsClients];

// The SDK's packages are CommonJS, so `import` in an exercise file and `require` here share one copy.
const require = createRequire(import.meta.url);

/** Which package and class each client comes from; loaded on first use, each takes tens of milliseconds. */
const CLIENTS: { [K in keyof AwsClients]: [string, string] } = {
  apiGateway: ['@aws-sdk/client-api-gateway', 'APIGatewayClient'],
  cloudFormation: ['@aws-sdk/client-cloudformation', 'CloudFormationClient'],
  dynamoDb: ['@aws-sdk/client-dynamodb', 'DynamoDBClient'],
  eventBridge: ['@aws-sdk/client-eventbridge', 'EventBridgeClient'],
  iam: ['@aws-sdk/client-iam', 'IAMClient'],
  s3: ['@aws-sdk/client-s3', 'S3Client'],
  secretsManager: ['@aws-sdk/client-secrets-manager', 'SecretsManagerClient'],
  sfn: ['@aws-sdk/client-sfn', 'SFNClient'],
  sns: ['@aws-sdk/client-sns', 'SNSClient'],
  sqs: ['@aws-sdk/client-sqs', 'SQSClient'],
};

/**
 * Host names only AWS's own endpoints resolve: Step Functions sends TestState and StartSyncExecution
 * to a prefixed host (`sync-<endpoint host>`), and S3 puts the bucket in the host name
 * (`<bucket>.<endpoint host>`); at LocalStack's address both go in the path instead.
 */
function clientConfig(key: keyof AwsClients, endpoint: string): Record<string, unknown> {
  const awsHost = new URL(endpoint).hostname.endsWith('.amazonaws.com');
  if (awsHost) return {};
  return key === 'sfn' ? { disableHostPrefix: true } : key === 's3' ? { forcePathStyle: true } : {};
}

/** Loads every client package now, for a thread that is about to run code that will use them; returns their client classes. */
export function preloadClientPackages(): (new (...args: never[]) => AnyClient)[] {
  return Object.values(CLIENTS).map(([module, className]) => (require(module) as Record<string, new (...args: never[]) => AnyClient>)[className]!);
}

export function awsClients(endpoint: string, clock?: AwsClock): AwsClients {
  const config = {
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // LocalStack answers at once or not at all; three tries would triple every wait on a dead endpoint.
    maxAttempts: 2,
  };
  const created = new Map<string, AnyClient>();
  const clients = {} as AwsClients;
  for (const [key, [module, className]] of Object.entries(CLIENTS)) {
    Object.defineProperty(clients, key, {
      enumerable: true,
      get() {
        let client = created.get(key);
        if (!client) {
          const Client = (require(module) as Record<string, new (options: typeof config) => AnyClient>)[className]!;
          client = new Client({ ...config, ...clientConfig(key as keyof AwsClients, endpoint) });
          if (clock) timeCalls(client, clock);
          nameFailures(client);
          created.set(key, client);
        }
        return client;
      },
    });
  }
  Object.defineProperty(clients, 'destroy', { value: () => created.forEach((client) => client.destroy()) });
  return clients;
}

function timeCalls(client: AnyClient, clock: AwsClock): void {
  (client.middlewareStack as { add: (middleware: unknown, options: unknown) => void }).add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      const end = clock.begin();
      try {
        return await next(args);
      } finally {
        end();
      }
    },
    { step: 'initialize', name: 'northPoleAwsClock' },
  );
}

/**
 * Puts the operation on every error a call ends with (`$operation`, e.g. "SQS StartMessageMoveTask"):
 * when an emulator lacks an API, the kit can say which one.
 */
function nameFailures(client: AnyClient): void {
  (client.middlewareStack as { add: (middleware: unknown, options: unknown) => void }).add(
    (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (error) {
        if (error && typeof error === 'object' && !('$operation' in error)) {
          Object.defineProperty(error, '$operation', {
            value: `${context.clientName?.replace(/Client$/, '') ?? ''} ${context.commandName?.replace(/Command$/, '') ?? ''}`.trim(),
          });
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'northPoleOperationName' },
  );
}

/** Closes the clients that were used (their sockets would keep the process alive). */
export function destroyClients(clients: AwsClients): void {
  (clients as AwsClients & { destroy(): void }).destroy();
}
