import {
  CreateDeploymentCommand,
  CreateModelCommand,
  CreateRequestValidatorCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  TestInvokeMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { CreateTableCommand, GetItemCommand, PutItemCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import {
  CreateApiDestinationCommand,
  CreateArchiveCommand,
  CreateConnectionCommand,
  CreateEventBusCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  StartReplayCommand,
  TestEventPatternCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TestStateCommand,
  ValidateStateMachineDefinitionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { ACCOUNT_ID, REGION, type AwsClients } from '../aws/clients.ts';
import { restApiInvokeUrl } from '../aws/endpoints.ts';
import { startTracker } from '../tracker/trackerServer.ts';
import { deleteStack, recreateStack } from '../cdk/stacks.ts';

/** works: as on AWS and as the graders need; missing: the emulator does not implement it; differs: it answers, otherwise. */
export type FeatureState = 'works' | 'missing' | 'differs';

export interface FeatureVerdict {
  state: FeatureState;
  /** What was seen, for missing and differs. */
  detail?: string;
}

export interface ProbeContext {
  aws: AwsClients;
  endpoint: string;
  /** A scratch name in the preflight's namespace. */
  name(base: string): string;
}

export interface TrackFeature {
  id: string;
  title: string;
  /** The exercises whose grade relies on it (their solutions or their graders). */
  exercises: number[];
  probe(context: ProbeContext): Promise<FeatureVerdict>;
}

/** Why a probe did not see what it looked for: its words become the table's detail. */
export class Differs extends Error {}

const DEADLINE_MS = 10_000;
const ALL = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

const statesTrust = trustPolicy('states.amazonaws.com');

function trustPolicy(service: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
}

async function role(context: ProbeContext, base: string, service: string): Promise<string> {
  const created = await context.aws.iam.send(new CreateRoleCommand({ RoleName: context.name(base), AssumeRolePolicyDocument: trustPolicy(service) }));
  return created.Role!.Arn!;
}

/** A queue that EventBridge and SNS may send to; its URL and ARN. */
async function queue(context: ProbeContext, base: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const name = context.name(base);
  const arn = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`;
  const Policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: ['events.amazonaws.com', 'sns.amazonaws.com'] }, Action: 'sqs:SendMessage', Resource: arn }],
  });
  const { QueueUrl } = await context.aws.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { Policy, ...attributes } }));
  return { url: QueueUrl!, arn };
}

/** Long-polls a queue until a body satisfies `wanted`, or the deadline passes; every body seen. */
async function receive(
  context: ProbeContext,
  url: string,
  wanted: (body: string) => boolean,
  deadlineMs = DEADLINE_MS,
): Promise<{ found?: string; seen: string[] }> {
  const until = Date.now() + deadlineMs;
  const seen: string[] = [];
  while (Date.now() < until) {
    const { Messages = [] } = await context.aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
    );
    for (const message of Messages) {
      seen.push(message.Body ?? '');
      if (wanted(message.Body ?? '')) return { found: message.Body, seen };
    }
  }
  return { seen };
}

/** A bus with a rule that sends what matches `pattern` to a new queue through `target`. */
async function busToQueue(context: ProbeContext, base: string, pattern: object, target: Partial<Target> = {}): Promise<{ bus: string; url: string }> {
  const bus = context.name(`${base}-bus`);
  await context.aws.eventBridge.send(new CreateEventBusCommand({ Name: bus }));
  const { url, arn } = await queue(context, `${base}-q`);
  const rule = context.name(`${base}-rule`);
  await context.aws.eventBridge.send(new PutRuleCommand({ Name: rule, EventBusName: bus, EventPattern: JSON.stringify(pattern) }));
  await context.aws.eventBridge.send(new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: 'q', Arn: arn, ...target }] }));
  return { bus, url };
}

async function putEvent(context: ProbeContext, bus: string, detail: object, source = 'northpole.preflight'): Promise<void> {
  const { FailedEntryCount } = await context.aws.eventBridge.send(
    new PutEventsCommand({ Entries: [{ EventBusName: bus, Source: source, DetailType: 'Probe', Detail: JSON.stringify(detail) }] }),
  );
  if (FailedEntryCount) throw new Differs(`PutEvents reported ${FailedEntryCount} failed entries`);
}

function mark(): string {
  return `o-${Math.random().toString(36).slice(2, 10)}`;
}

async function stateMachine(context: ProbeContext, base: string, definition: object): Promise<string> {
  const roleArn = await role(context, `${base}-role`, 'states.amazonaws.com');
  const { stateMachineArn } = await context.aws.sfn.send(
    new CreateStateMachineCommand({ name: context.name(base), roleArn, definition: JSON.stringify(definition) }),
  );
  return stateMachineArn!;
}

/** Waits until an execution leaves RUNNING; its status and output. */
async function finished(context: ProbeContext, executionArn: string, deadlineMs = DEADLINE_MS): Promise<{ status?: string; output?: string; error?: string }> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const execution = await context.aws.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING' || Date.now() > until) return { status: execution.status, output: execution.output, error: execution.error };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function history(context: ProbeContext, executionArn: string): Promise<HistoryEvent[]> {
  return (await context.aws.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
}

async function table(context: ProbeContext, base: string): Promise<string> {
  const TableName = context.name(base);
  await context.aws.dynamoDb.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
    }),
  );
  await waitUntilTableExists({ client: context.aws.dynamoDb, maxWaitTime: 20, minDelay: 1 }, { TableName });
  return TableName;
}

const works: FeatureVerdict = { state: 'works' };

/** Every AWS call and behaviour the track's solutions and graders rely on, each probed for real. */
export const TRACK_FEATURES: TrackFeature[] = [
  {
    id: 'rule-to-sqs',
    title: 'EventBridge: a custom bus, a rule, an SQS target',
    // The kit's own observers are rules to queues in every exercise.
    exercises: ALL,
    async probe(context) {
      const { bus, url } = await busToQueue(context, 'observer', { source: ['northpole.preflight'] });
      const orderId = mark();
      await putEvent(context, bus, { orderId });
      const { found } = await receive(context, url, (body) => body.includes(orderId));
      return found ? works : { state: 'differs', detail: `the event put on the bus did not reach the rule's queue within ${DEADLINE_MS / 1000} s` };
    },
  },
  {
    id: 'test-event-pattern',
    title: 'EventBridge TestEventPattern: prefix, anything-but, numeric, exists, $or',
    exercises: [1, 3, 4, 5, 8, 9, 10],
    async probe(context) {
      const event = {
        id: '1',
        account: ACCOUNT_ID,
        source: 'northpole.orders',
        time: new Date().toISOString(),
        region: REGION,
        resources: [],
        'detail-type': 'OrderPlaced',
        detail: { gift: 'toy-train', list: 'nice', weightKg: 21 },
      };
      const cases: [object, boolean][] = [
        [{ detail: { gift: [{ prefix: 'toy-' }] } }, true],
        [{ detail: { list: [{ 'anything-but': ['nice'] }] } }, false],
        [{ detail: { weightKg: [{ numeric: ['>', 20] }] } }, true],
        [{ detail: { weightKg: [{ numeric: ['>', 21] }] } }, false],
        [{ detail: { wrapping: [{ exists: true }] } }, false],
        [{ $or: [{ detail: { list: ['naughty'] } }, { detail: { weightKg: [{ numeric: ['>=', 21] }] } }] }, true],
      ];
      const wrong: string[] = [];
      for (const [pattern, expected] of cases) {
        const { Result } = await context.aws.eventBridge.send(
          new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(event) }),
        );
        if (Result !== expected) wrong.push(`${JSON.stringify(pattern)} answered ${Result}, AWS answers ${expected}`);
      }
      return wrong.length === 0 ? works : { state: 'differs', detail: wrong.join('; ') };
    },
  },
  {
    id: 'input-path',
    title: 'EventBridge InputPath on an SQS target',
    exercises: [3, 10],
    async probe(context) {
      const { bus, url } = await busToQueue(context, 'inputpath', { source: ['northpole.preflight'] }, { InputPath: '$.detail' });
      const orderId = mark();
      await putEvent(context, bus, { orderId });
      const { found, seen } = await receive(context, url, (body) => body.includes(orderId));
      if (!found) return { state: 'differs', detail: 'nothing arrived through the target with InputPath' };
      return JSON.stringify(JSON.parse(found)) === JSON.stringify({ orderId })
        ? works
        : { state: 'differs', detail: `the target got ${seen.at(-1)?.slice(0, 120)}, not the detail alone` };
    },
  },
  {
    id: 'api-putevents',
    title: 'API Gateway: POST → PutEvents with VTL; a model answers 400',
    exercises: [2, 8, 10],
    async probe(context) {
      const { bus, url } = await busToQueue(context, 'api', { source: ['northpole.orders'] });
      const roleArn = await role(context, 'api-role', 'apigateway.amazonaws.com');
      const { id: restApiId } = await context.aws.apiGateway.send(new CreateRestApiCommand({ name: context.name('api') }));
      const root = (await context.aws.apiGateway.send(new GetResourcesCommand({ restApiId }))).items!.find((item) => item.path === '/')!;
      const { id: resourceId } = await context.aws.apiGateway.send(new CreateResourceCommand({ restApiId, parentId: root.id, pathPart: 'orders' }));
      await context.aws.apiGateway.send(
        new CreateModelCommand({
          restApiId,
          name: 'Order',
          contentType: 'application/json',
          schema: JSON.stringify({
            $schema: 'http://json-schema.org/draft-04/schema#',
            type: 'object',
            required: ['orderId'],
            properties: { orderId: { type: 'string' } },
          }),
        }),
      );
      const { id: requestValidatorId } = await context.aws.apiGateway.send(
        new CreateRequestValidatorCommand({ restApiId, name: 'body', validateRequestBody: true }),
      );
      await context.aws.apiGateway.send(
        new PutMethodCommand({
          restApiId,
          resourceId,
          httpMethod: 'POST',
          authorizationType: 'NONE',
          requestValidatorId,
          requestModels: { 'application/json': 'Order' },
        }),
      );
      await context.aws.apiGateway.send(
        new PutIntegrationCommand({
          restApiId,
          resourceId,
          httpMethod: 'POST',
          type: 'AWS',
          integrationHttpMethod: 'POST',
          uri: `arn:aws:apigateway:${REGION}:events:action/PutEvents`,
          credentials: roleArn,
          requestParameters: {
            'integration.request.header.X-Amz-Target': "'AWSEvents.PutEvents'",
            'integration.request.header.Content-Type': "'application/x-amz-json-1.1'",
          },
          requestTemplates: {
            'application/json': JSON.stringify({
              Entries: [{ EventBusName: bus, Source: 'northpole.orders', DetailType: 'OrderPlaced', Detail: '$util.escapeJavaScript($input.body)' }],
            }),
          },
          passthroughBehavior: 'NEVER',
        }),
      );
      await context.aws.apiGateway.send(new PutMethodResponseCommand({ restApiId, resourceId, httpMethod: 'POST', statusCode: '200' }));
      await context.aws.apiGateway.send(new PutIntegrationResponseCommand({ restApiId, resourceId, httpMethod: 'POST', statusCode: '200' }));
      await context.aws.apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName: 'live' }));
      const invoke = restApiInvokeUrl(context.endpoint, restApiId!, 'live', '/orders');
      const post = (body: object) =>
        fetch(invoke, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(DEADLINE_MS),
        });
      const orderId = mark();
      const good = await post({ orderId });
      if (good.status !== 200)
        return {
          state: good.status === 404 || good.status === 501 ? 'missing' : 'differs',
          detail: `POST /orders answered HTTP ${good.status} (${(await good.text()).slice(0, 120)})`,
        };
      const { found } = await receive(context, url, (body) => body.includes(orderId));
      if (!found) return { state: 'differs', detail: 'POST /orders answered 200, but no event reached the bus: the PutEvents integration did not run' };
      const bad = await post({ gift: 'no order id' });
      return bad.status === 400 ? works : { state: 'differs', detail: `a body the model refuses answered HTTP ${bad.status}, not 400` };
    },
  },
  {
    id: 'test-invoke-method',
    title: 'API Gateway TestInvokeMethod',
    exercises: [2, 10],
    async probe(context) {
      const { id: restApiId } = await context.aws.apiGateway.send(new CreateRestApiCommand({ name: context.name('tim') }));
      const root = (await context.aws.apiGateway.send(new GetResourcesCommand({ restApiId }))).items!.find((item) => item.path === '/')!;
      await context.aws.apiGateway.send(new PutMethodCommand({ restApiId, resourceId: root.id, httpMethod: 'POST', authorizationType: 'NONE' }));
      await context.aws.apiGateway.send(
        new PutIntegrationCommand({
          restApiId,
          resourceId: root.id,
          httpMethod: 'POST',
          type: 'MOCK',
          requestTemplates: { 'application/json': '{"statusCode": 200}' },
        }),
      );
      await context.aws.apiGateway.send(new PutMethodResponseCommand({ restApiId, resourceId: root.id, httpMethod: 'POST', statusCode: '200' }));
      await context.aws.apiGateway.send(
        new PutIntegrationResponseCommand({
          restApiId,
          resourceId: root.id,
          httpMethod: 'POST',
          statusCode: '200',
          responseTemplates: { 'application/json': '{"rendered": "$context.httpMethod"}' },
        }),
      );
      const tested = await context.aws.apiGateway.send(new TestInvokeMethodCommand({ restApiId, resourceId: root.id, httpMethod: 'POST', body: '{}' }));
      return tested.status === 200 ? works : { state: 'differs', detail: `TestInvokeMethod answered status ${tested.status}` };
    },
  },
  {
    id: 'rule-starts-machine',
    title: 'Step Functions from a rule: Choice, putItem, sendMessage, putEvents',
    exercises: [4, 6, 8, 9, 10],
    async probe(context) {
      const orders = await table(context, 'orders');
      const { url: workshop } = await queue(context, 'workshop');
      const { bus, url: fulfilled } = await busToQueue(context, 'fulfil', { 'detail-type': ['OrderFulfilled'] });
      const machine = await stateMachine(context, 'fulfil', {
        StartAt: 'Nice?',
        States: {
          'Nice?': {
            Type: 'Choice',
            Choices: [
              {
                And: [
                  { Variable: '$.detail.list', IsPresent: true },
                  { Variable: '$.detail.list', StringEquals: 'nice' },
                ],
                Next: 'Record',
              },
            ],
            Default: 'Record',
          },
          Record: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: { TableName: orders, Item: { orderId: { 'S.$': '$.detail.orderId' } } },
            ResultPath: null,
            Next: 'Workshop',
          },
          Workshop: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage',
            Parameters: { QueueUrl: workshop, 'MessageBody.$': '$.detail' },
            ResultPath: null,
            Next: 'Announce',
          },
          Announce: {
            Type: 'Task',
            Resource: 'arn:aws:states:::events:putEvents',
            Parameters: { Entries: [{ EventBusName: bus, Source: 'northpole.fulfilment', DetailType: 'OrderFulfilled', 'Detail.$': '$.detail' }] },
            End: true,
          },
        },
      });
      const ruleRole = await role(context, 'rule-role', 'events.amazonaws.com');
      const ordersBus = context.name('placed-bus');
      await context.aws.eventBridge.send(new CreateEventBusCommand({ Name: ordersBus }));
      await context.aws.eventBridge.send(
        new PutRuleCommand({ Name: context.name('placed'), EventBusName: ordersBus, EventPattern: JSON.stringify({ source: ['northpole.preflight'] }) }),
      );
      await context.aws.eventBridge.send(
        new PutTargetsCommand({ Rule: context.name('placed'), EventBusName: ordersBus, Targets: [{ Id: 'machine', Arn: machine, RoleArn: ruleRole }] }),
      );
      const orderId = mark();
      await putEvent(context, ordersBus, { orderId, list: 'nice' });
      const { found } = await receive(context, fulfilled, (body) => body.includes(orderId));
      if (!found) return { state: 'differs', detail: 'no OrderFulfilled event came out of the machine the rule should have started' };
      const { Item } = await context.aws.dynamoDb.send(new GetItemCommand({ TableName: orders, Key: { orderId: { S: orderId } } }));
      if (!Item) return { state: 'differs', detail: 'the putItem task left no item' };
      const { found: sent } = await receive(context, workshop, (body) => body.includes(orderId), 3000);
      return sent ? works : { state: 'differs', detail: 'the sendMessage task left no message' };
    },
  },
  {
    id: 'validate-definition',
    title: 'Step Functions ValidateStateMachineDefinition',
    exercises: [4, 10],
    async probe(context) {
      const { result } = await context.aws.sfn.send(
        new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }) }),
      );
      return result === 'OK' ? works : { state: 'differs', detail: `a valid definition was judged ${result}` };
    },
  },
  {
    id: 'test-state',
    title: 'Step Functions TestState',
    exercises: [4, 10],
    async probe(context) {
      const roleArn = await role(context, 'teststate-role', 'states.amazonaws.com');
      const tested = await context.aws.sfn.send(
        new TestStateCommand({
          definition: JSON.stringify({ Type: 'Pass', Parameters: { 'gift.$': '$.detail.gift' }, End: true }),
          roleArn,
          input: JSON.stringify({ detail: { gift: 'sleigh' } }),
        }),
      );
      return tested.status === 'SUCCEEDED' && JSON.parse(tested.output ?? '{}').gift === 'sleigh'
        ? works
        : { state: 'differs', detail: `TestState answered ${tested.status} with ${tested.output ?? tested.error}` };
    },
  },
  {
    id: 'retry-catch',
    title: 'Step Functions Retry with backoff, then Catch with ResultPath',
    exercises: [6, 8],
    async probe(context) {
      const machine = await stateMachine(context, 'retry', {
        StartAt: 'Send',
        States: {
          Send: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage',
            Parameters: { QueueUrl: `http://sqs.${REGION}.localhost/${ACCOUNT_ID}/${context.name('no-such-queue')}`, MessageBody: 'x' },
            // The error names exercise 6's reference solution retries on.
            Retry: [{ ErrorEquals: ['SQS.AmazonSQSException', 'SQS.SdkClientException'], IntervalSeconds: 1, MaxAttempts: 1, BackoffRate: 2 }],
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      });
      const { executionArn } = await context.aws.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{}' }));
      const outcome = await finished(context, executionArn!);
      if (outcome.status !== 'SUCCEEDED')
        return { state: 'differs', detail: `the execution ended ${outcome.status} ${outcome.error ?? ''}: Catch did not take the error` };
      const failures = (await history(context, executionArn!)).filter((event) => event.type === 'TaskFailed');
      const errors = [...new Set(failures.map((event) => event.taskFailedEventDetails?.error))];
      if (failures.length < 2)
        return {
          state: 'differs',
          detail: `the missing queue failed as ${errors.join(', ') || 'an error'} ${failures.length} time(s): the Retry on SQS.AmazonSQSException / SQS.SdkClientException did not retry it`,
        };
      return works;
    },
  },
  {
    id: 'conditional-put',
    title: 'DynamoDB conditional put, its failure caught by name in a Catch',
    exercises: [6, 8],
    async probe(context) {
      const TableName = await table(context, 'claims');
      const machine = await stateMachine(context, 'claim', {
        StartAt: 'Claim',
        States: {
          Claim: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: { TableName, Item: { orderId: { S: 'o-1' } }, ConditionExpression: 'attribute_not_exists(orderId)' },
            Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], Next: 'Duplicate' }],
            Next: 'First',
          },
          First: { Type: 'Pass', Result: 'first', End: true },
          Duplicate: { Type: 'Pass', Result: 'duplicate', End: true },
        },
      });
      const run = async () =>
        finished(context, (await context.aws.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{}' }))).executionArn!);
      const first = await run();
      const second = await run();
      const outputs = [first.output, second.output].map((output) => (output ? JSON.parse(output) : `${first.status} ${first.error ?? ''}`));
      if (outputs[0] === 'first' && outputs[1] === 'duplicate') return works;
      try {
        await context.aws.dynamoDb.send(
          new PutItemCommand({ TableName, Item: { orderId: { S: 'o-1' } }, ConditionExpression: 'attribute_not_exists(orderId)' }),
        );
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException')
          return { state: 'differs', detail: `the put is refused, but the executions ended ${JSON.stringify(outputs)}: the error name a Catch sees differs` };
      }
      return { state: 'differs', detail: `the executions ended ${JSON.stringify(outputs)}, not "first" then "duplicate"` };
    },
  },
  {
    id: 'redrive-move',
    title: 'SQS dead-letter queue and StartMessageMoveTask back',
    exercises: [6],
    async probe(context) {
      const dlq = await queue(context, 'dlq');
      const source = await queue(context, 'source', {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
        VisibilityTimeout: '1',
      });
      await context.aws.sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'poison' }));
      await receive(context, source.url, () => false, 2500);
      // Counted, not received: a received message is in flight, and a move task leaves it where it is.
      const until = Date.now() + DEADLINE_MS;
      while (
        Number(
          (await context.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.url, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes
            ?.ApproximateNumberOfMessages ?? 0,
        ) < 1
      ) {
        if (Date.now() > until) return { state: 'differs', detail: 'a message received more than maxReceiveCount times did not move to the dead-letter queue' };
        await receive(context, source.url, () => false, 1000);
      }
      await context.aws.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
      const { found: back } = await receive(context, source.url, (body) => body === 'poison');
      return back ? works : { state: 'differs', detail: 'StartMessageMoveTask answered, but the message did not come back to its source queue' };
    },
  },
  {
    id: 'sns-filters',
    title: 'SNS from a rule: body and attribute filter policies, raw delivery',
    exercises: [5, 10],
    async probe(context) {
      const { TopicArn } = await context.aws.sns.send(new CreateTopicCommand({ Name: context.name('dispatch') }));
      const toys = await queue(context, 'toys');
      const attributes = await queue(context, 'attributes');
      await context.aws.sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: toys.arn,
          Attributes: {
            FilterPolicyScope: 'MessageBody',
            FilterPolicy: JSON.stringify({ detail: { gift: [{ prefix: 'toy-' }] } }),
            RawMessageDelivery: 'true',
          },
        }),
      );
      await context.aws.sns.send(
        new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: attributes.arn, Attributes: { FilterPolicy: JSON.stringify({ sleigh: ['express'] }) } }),
      );
      const bus = context.name('dispatch-bus');
      await context.aws.eventBridge.send(new CreateEventBusCommand({ Name: bus }));
      await context.aws.eventBridge.send(
        new PutRuleCommand({ Name: context.name('dispatch'), EventBusName: bus, EventPattern: JSON.stringify({ source: ['northpole.preflight'] }) }),
      );
      await context.aws.eventBridge.send(
        new PutTargetsCommand({ Rule: context.name('dispatch'), EventBusName: bus, Targets: [{ Id: 'topic', Arn: TopicArn }] }),
      );
      const toy = mark();
      const coal = mark();
      await putEvent(context, bus, { orderId: coal, gift: 'coal' });
      await putEvent(context, bus, { orderId: toy, gift: 'toy-robot' });
      const { found, seen } = await receive(context, toys.url, (body) => body.includes(toy));
      if (!found) return { state: 'differs', detail: 'an event through the rule to the topic did not reach the body-filtered queue' };
      if (seen.some((body) => body.includes(coal))) return { state: 'differs', detail: 'the body filter policy let a non-matching event through' };
      if (JSON.parse(found).Type === 'Notification') return { state: 'differs', detail: 'RawMessageDelivery did not take the SNS envelope off' };
      const express = mark();
      await context.aws.sns.send(
        new PublishCommand({
          TopicArn,
          Message: JSON.stringify({ orderId: `${express}-slow` }),
          MessageAttributes: { sleigh: { DataType: 'String', StringValue: 'slow' } },
        }),
      );
      await context.aws.sns.send(
        new PublishCommand({
          TopicArn,
          Message: JSON.stringify({ orderId: express }),
          MessageAttributes: { sleigh: { DataType: 'String', StringValue: 'express' } },
        }),
      );
      const { found: envelope, seen: seenByAttributes } = await receive(
        context,
        attributes.url,
        (body) => body.includes(express) && !body.includes(`${express}-slow`),
      );
      if (!envelope) return { state: 'differs', detail: 'a message with a matching attribute did not reach the attribute-filtered queue' };
      if (seenByAttributes.some((body) => body.includes(`${express}-slow`)))
        return { state: 'differs', detail: 'the attribute filter policy let a non-matching message through' };
      return JSON.parse(envelope).Type === 'Notification' ? works : { state: 'differs', detail: 'a subscription without raw delivery got no SNS envelope' };
    },
  },
  {
    id: 'task-token',
    title: 'Step Functions waitForTaskToken, SendTaskSuccess, States.Timeout',
    exercises: [7],
    async probe(context) {
      const elves = await queue(context, 'elves');
      const machine = await stateMachine(context, 'quality', {
        StartAt: 'Ask the elves',
        States: {
          'Ask the elves': {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            TimeoutSeconds: 2,
            Parameters: { QueueUrl: elves.url, MessageBody: { 'orderId.$': '$.orderId', 'token.$': '$$.Task.Token' } },
            End: true,
          },
        },
      });
      const answered = mark();
      const ignored = mark();
      const start = async (orderId: string) =>
        (await context.aws.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: JSON.stringify({ orderId }) }))).executionArn!;
      const [answeredArn, ignoredArn] = await Promise.all([start(answered), start(ignored)]);
      const { found } = await receive(context, elves.url, (body) => body.includes(answered));
      if (!found) return { state: 'differs', detail: 'no message with a task token reached the queue' };
      await context.aws.sfn.send(new SendTaskSuccessCommand({ taskToken: JSON.parse(found).token, output: JSON.stringify({ approved: true }) }));
      const [done, timedOut] = await Promise.all([finished(context, answeredArn), finished(context, ignoredArn)]);
      if (done.status !== 'SUCCEEDED') return { state: 'differs', detail: `an execution answered with SendTaskSuccess ended ${done.status}` };
      if (timedOut.status !== 'FAILED' || timedOut.error !== 'States.Timeout')
        return { state: 'differs', detail: `an unanswered task ended ${timedOut.status} ${timedOut.error ?? ''}, not FAILED with States.Timeout` };
      const types = new Set((await history(context, answeredArn)).map((event) => event.type));
      return types.has('TaskSubmitted')
        ? works
        : { state: 'differs', detail: 'the execution history has no TaskSubmitted event, which the grader reads to see the task wait' };
    },
  },
  {
    id: 'archive-replay',
    title: 'EventBridge archive and replay, with replay-name',
    exercises: [8],
    async probe(context) {
      const { bus, url } = await busToQueue(context, 'replay', { source: ['northpole.preflight'] });
      const { ArchiveArn } = await context.aws.eventBridge.send(
        new CreateArchiveCommand({ ArchiveName: context.name('archive'), EventSourceArn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${bus}` }),
      );
      const from = new Date(Date.now() - 60_000);
      const orderId = mark();
      await putEvent(context, bus, { orderId });
      await receive(context, url, (body) => body.includes(orderId));
      const until = Date.now() + DEADLINE_MS;
      while (
        ((await context.aws.eventBridge.send(new DescribeArchiveCommand({ ArchiveName: context.name('archive') }))).EventCount ?? 0) < 1 &&
        Date.now() < until
      )
        await new Promise((resolve) => setTimeout(resolve, 200));
      const ReplayName = context.name('replay');
      await context.aws.eventBridge.send(
        new StartReplayCommand({
          ReplayName,
          EventSourceArn: ArchiveArn,
          EventStartTime: from,
          EventEndTime: new Date(Date.now() + 1000),
          Destination: { Arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${bus}` },
        }),
      );
      const { found } = await receive(context, url, (body) => body.includes(orderId) && body.includes('replay-name'));
      if (found) return works;
      const { State, StateReason } = await context.aws.eventBridge.send(new DescribeReplayCommand({ ReplayName }));
      return { state: 'differs', detail: `the replay is ${State}${StateReason ? ` (${StateReason})` : ''} and no replayed event with replay-name arrived` };
    },
  },
  {
    id: 's3-to-eventbridge',
    title: 'S3 to EventBridge: Object Created on the default bus',
    exercises: [9],
    async probe(context) {
      const Bucket = context.name('letters');
      await context.aws.s3.send(new CreateBucketCommand({ Bucket }));
      await context.aws.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: { EventBridgeConfiguration: {} } }));
      const { url, arn } = await queue(context, 'objects');
      const rule = context.name('objects');
      await context.aws.eventBridge.send(
        new PutRuleCommand({
          Name: rule,
          EventPattern: JSON.stringify({ source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [Bucket] } } }),
        }),
      );
      await context.aws.eventBridge.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 'q', Arn: arn }] }));
      const Key = `letters/${mark()}.json`;
      await context.aws.s3.send(new PutObjectCommand({ Bucket, Key, Body: '{}', ContentType: 'application/json' }));
      const { found } = await receive(context, url, (body) => body.includes(Key));
      if (!found)
        return {
          state: 'differs',
          detail: `a new object in a bucket with EventBridge notifications on sent no Object Created to the default bus within ${DEADLINE_MS / 1000} s`,
        };
      const event = JSON.parse(found) as { source?: string; detail?: { object?: { key?: string; size?: number } } };
      return event.source === 'aws.s3' && typeof event.detail?.object?.size === 'number'
        ? works
        : { state: 'differs', detail: `the event is not shaped as AWS's: ${found.slice(0, 160)}` };
    },
  },
  {
    id: 'sfn-s3-read',
    title: 'Step Functions aws-sdk:s3 headObject and getObject, States.StringToJson',
    exercises: [9],
    async probe(context) {
      const Bucket = context.name('reads');
      await context.aws.s3.send(new CreateBucketCommand({ Bucket }));
      await context.aws.s3.send(
        new PutObjectCommand({ Bucket, Key: 'letters/ada.json', Body: JSON.stringify({ gift: 'kite' }), ContentType: 'application/json' }),
      );
      const machine = await stateMachine(context, 'reader', {
        StartAt: 'Look',
        States: {
          Look: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:s3:headObject',
            Parameters: { Bucket, Key: 'letters/ada.json' },
            ResultSelector: { 'type.$': '$.ContentType', 'size.$': '$.ContentLength' },
            ResultPath: '$.head',
            Next: 'Read',
          },
          Read: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
            Parameters: { Bucket, Key: 'letters/ada.json' },
            ResultSelector: { 'letter.$': 'States.StringToJson($.Body)' },
            ResultPath: '$.read',
            End: true,
          },
        },
      });
      const { executionArn } = await context.aws.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{}' }));
      const outcome = await finished(context, executionArn!);
      if (outcome.status !== 'SUCCEEDED') return { state: 'differs', detail: `the execution ended ${outcome.status} ${outcome.error ?? ''}` };
      const output = JSON.parse(outcome.output ?? '{}') as { head?: { type?: string; size?: number }; read?: { letter?: { gift?: string } } };
      if (output.head?.type !== 'application/json' || output.head.size !== 15)
        return { state: 'differs', detail: `headObject gave ${JSON.stringify(output.head)}, not the object's ContentType and ContentLength` };
      return output.read?.letter?.gift === 'kite' ? works : { state: 'differs', detail: `getObject and StringToJson gave ${JSON.stringify(output.read)}` };
    },
  },
  {
    id: 'api-destination',
    title: 'EventBridge API destination: an API key and an input transformer, to a server on this machine',
    exercises: [9],
    async probe(context) {
      const tracker = await startTracker();
      try {
        const bus = context.name('tracked-bus');
        await context.aws.eventBridge.send(new CreateEventBusCommand({ Name: bus }));
        const { ConnectionArn } = await context.aws.eventBridge.send(
          new CreateConnectionCommand({
            Name: context.name('tracker'),
            AuthorizationType: 'API_KEY',
            AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: tracker.endpoint.apiKeyName, ApiKeyValue: tracker.endpoint.apiKey } },
          }),
        );
        const { ApiDestinationArn } = await context.aws.eventBridge.send(
          new CreateApiDestinationCommand({
            Name: context.name('tracker'),
            ConnectionArn,
            InvocationEndpoint: tracker.endpoint.updatesUrl,
            HttpMethod: 'POST',
            InvocationRateLimitPerSecond: 10,
          }),
        );
        const roleArn = await role(context, 'tracker-role', 'events.amazonaws.com');
        const rule = context.name('tracked');
        await context.aws.eventBridge.send(
          new PutRuleCommand({ Name: rule, EventBusName: bus, EventPattern: JSON.stringify({ source: ['northpole.preflight'] }) }),
        );
        const InputTransformer = {
          InputPathsMap: { orderId: '$.detail.orderId', status: '$.detail-type', time: '$.time' },
          InputTemplate: '{"orderId": <orderId>, "status": <status>, "time": <time>}',
        };
        await context.aws.eventBridge.send(
          new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: 'tracker', Arn: ApiDestinationArn, RoleArn: roleArn, InputTransformer }] }),
        );
        const orderId = mark();
        await context.aws.eventBridge.send(
          new PutEventsCommand({
            Entries: [{ EventBusName: bus, Source: 'northpole.preflight', DetailType: 'OrderPlaced', Detail: JSON.stringify({ orderId }) }],
          }),
        );
        const arrived = await tracker.waitFor((deliveries) => deliveries.length > 0, DEADLINE_MS);
        if (!arrived)
          return {
            state: 'differs',
            detail: `nothing reached ${tracker.endpoint.updatesUrl} within ${DEADLINE_MS / 1000} s: the emulator cannot reach this machine's loopback (Docker, or another machine), or does not deliver to API destinations (LocalStack needs secretsmanager among its services)`,
          };
        const [first] = tracker.deliveries;
        return first!.update?.orderId === orderId ? works : { state: 'differs', detail: `the tracker answered ${first!.status}: ${first!.problem}` };
      } finally {
        await tracker.close();
      }
    },
  },
  {
    id: 'cloudformation-stack',
    title: 'CloudFormation: CreateStack with an output, DeleteStack',
    exercises: [10],
    async probe(context) {
      const queueName = context.name('stack-queue');
      const StackName = context.name('stack');
      const template = {
        Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: queueName } } },
        Outputs: { QueueArn: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] } } },
      };
      const stack = await recreateStack(context.aws.cloudFormation, StackName, template);
      const arn = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${queueName}`;
      const output = stack.Outputs?.find((candidate) => candidate.OutputKey === 'QueueArn')?.OutputValue;
      if (output !== arn) return { state: 'differs', detail: `the stack's output QueueArn is ${output}, not ${arn}` };
      await deleteStack(context.aws.cloudFormation, StackName);
      const left = await context.aws.sqs.send(new ListQueuesCommand({ QueueNamePrefix: queueName }));
      return left.QueueUrls?.length ? { state: 'differs', detail: `DeleteStack left the queue ${left.QueueUrls[0]}` } : works;
    },
  },
  {
    id: 'iam-read-back',
    title: 'IAM roles and inline policies, read back',
    exercises: [2, 4, 5, 6, 7, 9, 10],
    async probe(context) {
      const RoleName = context.name('reader');
      await context.aws.iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: statesTrust }));
      const document = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:x` }],
      };
      await context.aws.iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'send', PolicyDocument: JSON.stringify(document) }));
      const { PolicyDocument } = await context.aws.iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: 'send' }));
      return JSON.stringify(JSON.parse(decodeURIComponent(PolicyDocument ?? '{}'))) === JSON.stringify(document)
        ? works
        : { state: 'differs', detail: `the policy read back is ${PolicyDocument?.slice(0, 120)}` };
    },
  },
];
