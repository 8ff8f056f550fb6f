import { GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { awsClients, destroyClients, type AwsClients } from '../aws/clients.ts';
import type { Health } from './health.ts';

/**
 * What answers at an endpoint that is not LocalStack, for messages: "MiniStack 1.5.33" when it says
 * so, undefined when it gives no name. The kit talks to it through the AWS APIs alone.
 */
export async function emulatorName(endpoint: string, health: Health | undefined): Promise<string | undefined> {
  try {
    const response = await fetch(new URL('/_ministack/health', endpoint), { signal: AbortSignal.timeout(3000) });
    if (response.ok) {
      const { version } = (await response.json()) as { version?: string };
      return `MiniStack${version ? ` ${version}` : ''}`;
    }
  } catch {
    // not MiniStack, or nothing there
  }
  return health?.version ? `an emulator that calls itself version ${health.version}` : undefined;
}

/** How messages name what answers at an endpoint. */
export function describeEmulator(endpoint: string, emulator: string | undefined): string {
  return emulator ? `the emulator at ${endpoint} (${emulator})` : `the emulator at ${endpoint}`;
}

export interface ServiceProbe {
  service: string;
  call: string;
  /** undefined when the call answered. */
  problem?: string;
  /** Nothing accepted the connection. */
  unreachable?: boolean;
}

/** One cheap read call per service of the track, asked of the service itself (sts is asked by every SDK call's signing, not probed). */
const PROBES: { service: string; call: string; send: (aws: AwsClients) => Promise<unknown> }[] = [
  { service: 'apigateway', call: 'GetRestApis', send: (aws) => aws.apiGateway.send(new GetRestApisCommand({ limit: 1 })) },
  { service: 'events', call: 'ListEventBuses', send: (aws) => aws.eventBridge.send(new ListEventBusesCommand({ Limit: 1 })) },
  { service: 'stepfunctions', call: 'ListStateMachines', send: (aws) => aws.sfn.send(new ListStateMachinesCommand({ maxResults: 1 })) },
  { service: 'sqs', call: 'ListQueues', send: (aws) => aws.sqs.send(new ListQueuesCommand({ MaxResults: 1 })) },
  { service: 'sns', call: 'ListTopics', send: (aws) => aws.sns.send(new ListTopicsCommand({})) },
  { service: 'dynamodb', call: 'ListTables', send: (aws) => aws.dynamoDb.send(new ListTablesCommand({ Limit: 1 })) },
  { service: 'iam', call: 'ListRoles', send: (aws) => aws.iam.send(new ListRolesCommand({ MaxItems: 1 })) },
  { service: 's3', call: 'ListBuckets', send: (aws) => aws.s3.send(new ListBucketsCommand({ MaxBuckets: 1 })) },
  { service: 'secretsmanager', call: 'ListSecrets', send: (aws) => aws.secretsManager.send(new ListSecretsCommand({ MaxResults: 1 })) },
  { service: 'cloudformation', call: 'ListStacks', send: (aws) => aws.cloudFormation.send(new ListStacksCommand({})) },
];

const UNREACHABLE = /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|ETIMEDOUT|socket hang up/;

/** Asks every service of the track for a list, at once, each within `timeoutMs`. */
export async function probeServices(endpoint: string, timeoutMs = 10_000): Promise<ServiceProbe[]> {
  const aws = awsClients(endpoint);
  try {
    return await Promise.all(
      PROBES.map(async ({ service, call, send }) => {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs)));
        try {
          await Promise.race([send(aws), deadline]);
          return { service, call };
        } catch (error) {
          const failure = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
          const text = `${failure.name} ${failure.code ?? ''} ${failure.message} ${String((failure as { cause?: unknown }).cause ?? '')}`;
          const status = failure.$metadata?.httpStatusCode;
          return {
            service,
            call,
            problem: `${failure.name}${status ? ` (HTTP ${status})` : ''}: ${failure.message}`.slice(0, 200),
            unreachable: UNREACHABLE.test(text),
          };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  } finally {
    destroyClients(aws);
  }
}
