import { DeleteRestApiCommand } from '@aws-sdk/client-api-gateway';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteApiDestinationCommand, DeleteArchiveCommand, DeleteConnectionCommand, DeleteEventBusCommand } from '@aws-sdk/client-eventbridge';
import { DeleteStateMachineCommand } from '@aws-sdk/client-sfn';
import { DeleteTopicCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws/clients.ts';
import { deleteStack } from '../cdk/stacks.ts';
import { removeBucket, removeRole, removeRule, removeSecret } from './sweep.ts';

/** Something the learner's code created, as the kit recorded it: enough to find it, name it, and remove it. */
export interface Creation {
  /** What it is, in AWS's words: "event bus", "queue", … */
  kind: string;
  name: string;
  /** The line of the learner's file that made it. */
  line?: number;
  /** The bus of a rule. */
  busName?: string;
  /** What the create call answered that a delete needs: a queue URL, a topic or state machine ARN, a REST API id. */
  handle?: string;
}

type Fields = Record<string, unknown> | undefined;

/** The calls that create something, the input field that names it, and the output field a delete needs. */
const CREATORS: Record<string, { kind: string; name: string; handle?: string }> = {
  CreateEventBusCommand: { kind: 'event bus', name: 'Name' },
  PutRuleCommand: { kind: 'rule', name: 'Name' },
  CreateQueueCommand: { kind: 'queue', name: 'QueueName', handle: 'QueueUrl' },
  CreateTopicCommand: { kind: 'topic', name: 'Name', handle: 'TopicArn' },
  CreateTableCommand: { kind: 'table', name: 'TableName' },
  CreateStateMachineCommand: { kind: 'state machine', name: 'name', handle: 'stateMachineArn' },
  CreateRestApiCommand: { kind: 'REST API', name: 'name', handle: 'id' },
  CreateRoleCommand: { kind: 'role', name: 'RoleName' },
  CreateArchiveCommand: { kind: 'archive', name: 'ArchiveName' },
  CreateBucketCommand: { kind: 'bucket', name: 'Bucket' },
  CreateConnectionCommand: { kind: 'connection', name: 'Name' },
  CreateApiDestinationCommand: { kind: 'API destination', name: 'Name' },
  CreateSecretCommand: { kind: 'secret', name: 'Name' },
  CreateStackCommand: { kind: 'stack', name: 'StackName', handle: 'StackId' },
};

/** The calls that delete, and how each names what it deletes (by name, or by the handle a create answered). */
const DELETERS: Record<string, { kind: string; name?: string; handle?: string }> = {
  DeleteEventBusCommand: { kind: 'event bus', name: 'Name' },
  DeleteRuleCommand: { kind: 'rule', name: 'Name' },
  DeleteQueueCommand: { kind: 'queue', handle: 'QueueUrl' },
  DeleteTopicCommand: { kind: 'topic', handle: 'TopicArn' },
  DeleteTableCommand: { kind: 'table', name: 'TableName' },
  DeleteStateMachineCommand: { kind: 'state machine', handle: 'stateMachineArn' },
  DeleteRestApiCommand: { kind: 'REST API', handle: 'restApiId' },
  DeleteRoleCommand: { kind: 'role', name: 'RoleName' },
  DeleteArchiveCommand: { kind: 'archive', name: 'ArchiveName' },
  DeleteBucketCommand: { kind: 'bucket', name: 'Bucket' },
  DeleteConnectionCommand: { kind: 'connection', name: 'Name' },
  DeleteApiDestinationCommand: { kind: 'API destination', name: 'Name' },
  DeleteSecretCommand: { kind: 'secret', name: 'SecretId' },
  DeleteStackCommand: { kind: 'stack', name: 'StackName' },
};

/** What a successful call created, or undefined when it creates nothing. */
export function creationBy(command: string, input: Fields, output: Fields, line?: number): Creation | undefined {
  const creator = CREATORS[command];
  const name = creator && input?.[creator.name];
  if (typeof name !== 'string') return undefined;
  const handle = creator.handle ? output?.[creator.handle] : undefined;
  return {
    kind: creator.kind,
    name,
    line,
    ...(command === 'PutRuleCommand' ? { busName: typeof input?.EventBusName === 'string' ? input.EventBusName : 'default' } : {}),
    ...(typeof handle === 'string' ? { handle } : {}),
  };
}

/** Whether a successful call deleted `creation`. */
export function deletes(command: string, input: Fields, creation: Creation): boolean {
  const deleter = DELETERS[command];
  if (!deleter || deleter.kind !== creation.kind) return false;
  if (deleter.name) return input?.[deleter.name] === creation.name;
  return deleter.handle !== undefined && input?.[deleter.handle] === creation.handle;
}

/** Removes one creation; what is already gone is not an error. */
export async function removeCreation(aws: AwsClients, creation: Creation): Promise<void> {
  const { name, handle } = creation;
  const removals: Record<string, () => Promise<unknown>> = {
    'event bus': () => aws.eventBridge.send(new DeleteEventBusCommand({ Name: name })),
    rule: () => removeRule(aws, name, creation.busName ?? 'default'),
    queue: () => aws.sqs.send(new DeleteQueueCommand({ QueueUrl: handle })),
    topic: () => aws.sns.send(new DeleteTopicCommand({ TopicArn: handle })),
    table: () => aws.dynamoDb.send(new DeleteTableCommand({ TableName: name })),
    'state machine': () => aws.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: handle })),
    'REST API': () => aws.apiGateway.send(new DeleteRestApiCommand({ restApiId: handle })),
    role: () => removeRole(aws, name),
    archive: () => aws.eventBridge.send(new DeleteArchiveCommand({ ArchiveName: name })),
    bucket: () => removeBucket(aws, name),
    connection: () => aws.eventBridge.send(new DeleteConnectionCommand({ Name: name })),
    'API destination': () => aws.eventBridge.send(new DeleteApiDestinationCommand({ Name: name })),
    secret: () => removeSecret(aws, name),
    stack: () => deleteStack(aws.cloudFormation, name),
  };
  await removals[creation.kind]?.().catch(() => undefined);
}

/** Stacks before everything (CloudFormation removes what it made), rules and archives before the buses they are on, API destinations before their connection: removal in this order. */
export function removalOrder(creation: Creation): number {
  if (creation.kind === 'stack') return -1;
  if (creation.kind === 'rule' || creation.kind === 'archive') return 0;
  return ['event bus', 'connection', 'secret'].includes(creation.kind) ? 2 : 1;
}
