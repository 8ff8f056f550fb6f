import { CreateRoleCommand, PutRolePolicyCommand, type Role } from '@aws-sdk/client-iam';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { queueArn } from '../../kit/aws/arns.ts';
import { describeStack, outputsOf, recreateStack, StackFailed, stackNameOf, type Template } from '../../kit/cdk/stacks.ts';
import { extraGrants } from '../../kit/grading/checks/roles.ts';
import { newNamespace } from '../../kit/grading/namespace.ts';
import { findNamespacedResources, removeNamespaces } from '../../kit/grading/sweep.ts';
import { namespacedName } from '../../kit/northPole.ts';

// Exercise 10's stacks as the kit makes and removes them, against the tests' LocalStack.
const aws = awsClients(process.env.NORTHPOLE_ENDPOINT!);
const namespace = newNamespace();
const name = (base: string) => namespacedName(namespace, base);
afterAll(async () => {
  await removeNamespaces(aws, [namespace]);
  destroyClients(aws);
});

const queueTemplate = (queue: string): Template => ({
  Resources: {
    Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: name(queue) }, Metadata: { 'aws:cdk:path': `${stackNameOf(namespace)}/Queue/Resource` } },
  },
  Outputs: { Contract: { Value: { 'Fn::Join': ['', ['{"queueArn":"', { 'Fn::GetAtt': ['Queue', 'Arn'] }, '"}']] } }, Name: { Value: name(queue) } },
});

describe('a stack as the kit deploys it: deleted, then created', () => {
  it('gives back its outputs, each parsed where it is JSON', async () => {
    const stack = await recreateStack(aws.cloudFormation, stackNameOf(namespace), queueTemplate('first'));
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(outputsOf(stack)).toEqual({ Contract: { queueArn: queueArn(name('first')) }, Name: name('first') });
  });

  it('replaces the stack of its namespace: what the old template made is gone, what the new one says is there', async () => {
    await recreateStack(aws.cloudFormation, stackNameOf(namespace), queueTemplate('second'));
    const there = async (queue: string) => !!(await aws.sqs.send(new GetQueueUrlCommand({ QueueName: name(queue) })).catch(() => undefined));
    expect([await there('first'), await there('second')]).toEqual([false, true]);
  });

  it('names the construct and CloudFormation’s reason when a resource cannot be created', async () => {
    const template: Template = {
      Resources: {
        Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: name('orders') }, Metadata: { 'aws:cdk:path': `${stackNameOf(namespace)}/Bus/Resource` } },
        SameBus: {
          Type: 'AWS::Events::EventBus',
          Properties: { Name: name('orders') },
          Metadata: { 'aws:cdk:path': `${stackNameOf(namespace)}/SameBus/Resource` },
        },
      },
    };
    template.Resources!.SameBus!.DependsOn = 'Bus';
    const failed = await recreateStack(aws.cloudFormation, stackNameOf(namespace), template).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(StackFailed);
    expect((failed as StackFailed).message).toMatch(
      /^CloudFormation could not create the construct SameBus \(AWS::Events::EventBus, logical id SameBus\): .*already exists/,
    );
  });

  it('is removed with its namespace, before the resources it made, and nothing of it is left', async () => {
    await recreateStack(aws.cloudFormation, stackNameOf(namespace), queueTemplate('third'));
    const before = await findNamespacedResources(aws, (candidate) => candidate === namespace);
    expect(before.resources.map((resource) => resource.kind).sort()).toEqual(['queue', 'stack']);
    expect(await removeNamespaces(aws, [namespace])).toEqual([namespace]);
    expect(await describeStack(aws.cloudFormation, stackNameOf(namespace))).toBeUndefined();
  });
});

describe('extraGrants: what a role may do beyond what it needs', () => {
  const table = `arn:aws:dynamodb:us-east-1:000000000000:table/${name('orders')}`;
  const queue = queueArn(name('workshop'));
  const allowances = [
    { actions: ['dynamodb:PutItem'], resource: table, what: 'the orders table' },
    { actions: ['sqs:SendMessage'], resource: queue, what: 'the workshop queue' },
  ];

  async function roleWith(base: string, statements: object[]): Promise<Role> {
    const { Role: role } = await aws.iam.send(
      new CreateRoleCommand({
        RoleName: name(base),
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    await aws.iam.send(
      new PutRolePolicyCommand({
        RoleName: name(base),
        PolicyName: 'generated',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
      }),
    );
    return role!;
  }

  it('finds none when each action is on its own resource', async () => {
    const role = await roleWith('exact', [
      { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: [table] },
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: queue },
    ]);
    expect(await extraGrants({ aws }, role, allowances)).toEqual([]);
  });

  it('names a second action, a "*" resource, a whole service and a NotAction', async () => {
    const role = await roleWith('wide', [
      { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], Resource: table },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' },
      { Effect: 'Allow', Action: 'events:*', Resource: table },
      { Effect: 'Allow', NotAction: 'iam:*', Resource: queue },
      { Effect: 'Deny', Action: '*', Resource: '*' },
    ]);
    const extras = (await extraGrants({ aws }, role, allowances)).map(({ action, resource }) => `${action} on ${resource}`);
    expect(extras).toEqual([`dynamodb:DeleteItem on ${table}`, 'sqs:SendMessage on *', `events:* on ${table}`, `everything but iam:* on ${queue}`]);
  });
});
