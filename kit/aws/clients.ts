import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClock } from './awsClock.ts';

export const REGION = 'us-east-1';
/** LocalStack's default account; on real AWS it would come from STS GetCallerIdentity. */
export const ACCOUNT_ID = '000000000000';

export interface AwsClients {
  apiGateway: APIGatewayClient;
  dynamoDb: DynamoDBClient;
  eventBridge: EventBridgeClient;
  iam: IAMClient;
  sfn: SFNClient;
  sns: SNSClient;
  sqs: SQSClient;
}

type AnyClient = AwsClients[keyof AwsClients];

export function awsClients(endpoint: string, clock?: AwsClock): AwsClients {
  const config = {
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // LocalStack answers at once or not at all; three tries would triple every wait on a dead endpoint.
    maxAttempts: 2,
  };
  const clients: AwsClients = {
    apiGateway: new APIGatewayClient(config),
    dynamoDb: new DynamoDBClient(config),
    eventBridge: new EventBridgeClient(config),
    iam: new IAMClient(config),
    sfn: new SFNClient(config),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
  };
  if (clock) for (const client of Object.values(clients)) timeCalls(client as AnyClient, clock);
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

export function destroyClients(clients: AwsClients): void {
  for (const client of Object.values(clients)) (client as AnyClient).destroy();
}
