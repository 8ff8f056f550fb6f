import { DeleteRestApiCommand, paginateGetRestApis } from '@aws-sdk/client-api-gateway';
import { paginateListStacks } from '@aws-sdk/client-cloudformation';
import { DeleteTableCommand, paginateListTables } from '@aws-sdk/client-dynamodb';
import {
  DeleteApiDestinationCommand,
  DeleteArchiveCommand,
  DeleteConnectionCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  ListApiDestinationsCommand,
  ListArchivesCommand,
  ListConnectionsCommand,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  paginateListRoles,
} from '@aws-sdk/client-iam';
import { DeleteBucketCommand, DeleteObjectsCommand, paginateListBuckets, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { DeleteSecretCommand, paginateListSecrets } from '@aws-sdk/client-secrets-manager';
import { DeleteStateMachineCommand, paginateListStateMachines } from '@aws-sdk/client-sfn';
import { DeleteTopicCommand, paginateListTopics } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, paginateListQueues } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws/clients.ts';
import { deleteStack } from '../cdk/stacks.ts';
import { unimplementedOperation } from '../localstack/unimplemented.ts';

/** One resource a grading run left in LocalStack, found by its `np12345-` name. */
export interface NamespacedResource {
  namespace: string;
  kind: string;
  name: string;
  /** Stacks go first, rules and archives before their bus, API destinations before their connection, policies before their role: removal happens in `order`. */
  order: number;
  /** When it was made, where the list call says (buses, state machines, REST APIs, roles, archives). */
  createdAt?: Date;
  remove(): Promise<unknown>;
}

/** Every removal `order`, first to last: stacks, then rules and archives, then the rest, then buses. */
export const REMOVAL_ORDERS = [-1, 0, 1, 2];

/** The namespace a resource name belongs to, by the kit's pattern (see newNamespace). */
export function namespaceOf(name: string | undefined): string | undefined {
  return /^(np[0-9a-z]{5})-/.exec(name ?? '')?.[1];
}

/** The secret an EventBridge connection keeps its credentials in is named after the connection. */
const CONNECTION_SECRET = /^events!connection\//;

/** Collects every page of a list call. */
async function everyPage<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
}

/** EventBridge has no paginators in the SDK: NextToken by hand. */
async function everyToken<T>(list: (NextToken?: string) => Promise<{ NextToken?: string; items?: T[] }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await list(token);
    all.push(...(page.items ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}

/**
 * Every resource in LocalStack named after a namespace `wanted` accepts, every page of every list
 * read. A list that fails is skipped: what it would have found stays, and is found on a later sweep.
 */
export async function findNamespacedResources(
  aws: AwsClients,
  wanted: (namespace: string) => boolean,
): Promise<{ resources: NamespacedResource[]; complete: boolean }> {
  const found: NamespacedResource[] = [];
  const add = (kind: string, name: string | undefined, order: number, remove: () => Promise<unknown>, createdAt?: Date) => {
    const namespace = namespaceOf(name);
    if (namespace && wanted(namespace)) found.push({ namespace, kind, name: name!, order, remove, createdAt });
  };
  const eb = aws.eventBridge;
  const lists: Promise<unknown>[] = [
    everyPage(paginateListQueues({ client: aws.sqs }, { QueueNamePrefix: 'np' }), (page) => page.QueueUrls).then((urls) =>
      urls.forEach((QueueUrl) => add('queue', QueueUrl.split('/').pop(), 1, () => aws.sqs.send(new DeleteQueueCommand({ QueueUrl })))),
    ),
    everyPage(paginateListTopics({ client: aws.sns }, {}), (page) => page.Topics).then((topics) =>
      topics.forEach(({ TopicArn }) => add('topic', TopicArn?.split(':').pop(), 1, () => aws.sns.send(new DeleteTopicCommand({ TopicArn })))),
    ),
    everyPage(paginateListStateMachines({ client: aws.sfn }, {}), (page) => page.stateMachines).then((machines) =>
      machines.forEach(({ name, stateMachineArn, creationDate }) =>
        add('state machine', name, 1, () => aws.sfn.send(new DeleteStateMachineCommand({ stateMachineArn })), creationDate),
      ),
    ),
    everyPage(paginateListTables({ client: aws.dynamoDb }, {}), (page) => page.TableNames).then((tables) =>
      tables.forEach((TableName) => add('table', TableName, 1, () => aws.dynamoDb.send(new DeleteTableCommand({ TableName })))),
    ),
    everyPage(paginateGetRestApis({ client: aws.apiGateway, pageSize: 500 }, {}), (page) => page.items).then((apis) =>
      apis.forEach(({ id, name, createdDate }) =>
        add('REST API', name, 1, () => aws.apiGateway.send(new DeleteRestApiCommand({ restApiId: id })), createdDate),
      ),
    ),
    everyPage(paginateListRoles({ client: aws.iam }, {}), (page) => page.Roles).then((roles) =>
      roles.forEach(({ RoleName, CreateDate }) => add('role', RoleName, 1, () => removeRole(aws, RoleName!), CreateDate)),
    ),
    everyToken((NextToken) => eb.send(new ListEventBusesCommand({ NamePrefix: 'np', NextToken })).then((page) => ({ ...page, items: page.EventBuses }))).then(
      async (buses) => {
        for (const bus of buses) add('event bus', bus.Name, 2, () => eb.send(new DeleteEventBusCommand({ Name: bus.Name })), bus.CreationTime);
        // Rules on the default bus are found by their name; rules on a namespaced bus go with it.
        const onBuses = [...buses.filter((bus) => namespaceOf(bus.Name) && wanted(namespaceOf(bus.Name)!)).map((bus) => bus.Name!), 'default'];
        await Promise.all(
          onBuses.map(async (EventBusName) => {
            const rules = await everyToken((NextToken) =>
              eb
                .send(new ListRulesCommand({ EventBusName, NextToken, NamePrefix: EventBusName === 'default' ? 'np' : undefined }))
                .then((page) => ({ ...page, items: page.Rules })),
            );
            for (const rule of rules) {
              const ruleNamespace = namespaceOf(rule.Name) ?? namespaceOf(EventBusName);
              if (ruleNamespace && wanted(ruleNamespace))
                found.push({ namespace: ruleNamespace, kind: 'rule', name: rule.Name!, order: 0, remove: () => removeRule(aws, rule.Name!, EventBusName) });
            }
          }),
        );
      },
    ),
    // A stack goes before the resources it made: CloudFormation removes them, and a stack whose resources
    // were removed under it would be left DELETE_FAILED. An emulator without CloudFormation has no stacks.
    everyPage(paginateListStacks({ client: aws.cloudFormation }, {}), (page) => page.StackSummaries)
      .catch((error: unknown) => {
        if (unimplementedOperation(error)) return [];
        throw error;
      })
      .then((stacks) =>
        stacks
          .filter(({ StackStatus }) => StackStatus !== 'DELETE_COMPLETE')
          .forEach(({ StackName, CreationTime }) => add('stack', StackName, -1, () => deleteStack(aws.cloudFormation, StackName!), CreationTime)),
      ),
    everyToken((NextToken) => eb.send(new ListArchivesCommand({ NamePrefix: 'np', NextToken })).then((page) => ({ ...page, items: page.Archives }))).then(
      (archives) =>
        archives.forEach(({ ArchiveName, CreationTime }) =>
          add('archive', ArchiveName, 0, () => eb.send(new DeleteArchiveCommand({ ArchiveName })), CreationTime),
        ),
    ),
    everyToken((NextToken) =>
      eb.send(new ListApiDestinationsCommand({ NamePrefix: 'np', NextToken })).then((page) => ({ ...page, items: page.ApiDestinations })),
    ).then((destinations) =>
      destinations.forEach(({ Name, CreationTime }) => add('API destination', Name, 1, () => eb.send(new DeleteApiDestinationCommand({ Name })), CreationTime)),
    ),
    everyToken((NextToken) => eb.send(new ListConnectionsCommand({ NamePrefix: 'np', NextToken })).then((page) => ({ ...page, items: page.Connections }))).then(
      (connections) =>
        connections.forEach(({ Name, CreationTime }) => add('connection', Name, 2, () => eb.send(new DeleteConnectionCommand({ Name })), CreationTime)),
    ),
    everyPage(paginateListBuckets({ client: aws.s3 }, { Prefix: 'np' }), (page) => page.Buckets).then((buckets) =>
      buckets.forEach(({ Name, CreationDate }) => add('bucket', Name, 1, () => removeBucket(aws, Name!), CreationDate)),
    ),
    // A connection's secret goes with the connection; one left behind is named after it.
    everyPage(paginateListSecrets({ client: aws.secretsManager }, {}), (page) => page.SecretList).then((secrets) =>
      secrets.forEach(({ Name, CreatedDate }) => {
        const namespace = namespaceOf(Name?.replace(CONNECTION_SECRET, ''));
        if (namespace && wanted(namespace))
          found.push({ namespace, kind: 'secret', name: Name!, order: 2, createdAt: CreatedDate, remove: () => removeSecret(aws, Name!) });
      }),
    ),
  ];
  const listed = await Promise.allSettled(lists);
  return { resources: found, complete: listed.every((outcome) => outcome.status === 'fulfilled') };
}

export async function removeRule(aws: AwsClients, Rule: string, EventBusName: string): Promise<void> {
  const targets = await everyToken((NextToken) =>
    aws.eventBridge.send(new ListTargetsByRuleCommand({ Rule, EventBusName, NextToken })).then((page) => ({ ...page, items: page.Targets })),
  );
  if (targets.length > 0) await aws.eventBridge.send(new RemoveTargetsCommand({ Rule, EventBusName, Ids: targets.map((target) => target.Id!), Force: true }));
  await aws.eventBridge.send(new DeleteRuleCommand({ Name: Rule, EventBusName, Force: true }));
}

/** A bucket goes only when empty: its objects first, a thousand a call. */
export async function removeBucket(aws: AwsClients, Bucket: string): Promise<void> {
  for await (const page of paginateListObjectsV2({ client: aws.s3 }, { Bucket })) {
    const objects = (page.Contents ?? []).map(({ Key }) => ({ Key }));
    if (objects.length > 0) await aws.s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: objects, Quiet: true } }));
  }
  await aws.s3.send(new DeleteBucketCommand({ Bucket }));
}

export async function removeSecret(aws: AwsClients, SecretId: string): Promise<void> {
  await aws.secretsManager.send(new DeleteSecretCommand({ SecretId, ForceDeleteWithoutRecovery: true }));
}

export async function removeRole(aws: AwsClients, RoleName: string): Promise<void> {
  const [{ PolicyNames = [] }, { AttachedPolicies = [] }] = await Promise.all([
    aws.iam.send(new ListRolePoliciesCommand({ RoleName })),
    aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName })),
  ]);
  await Promise.all([
    ...PolicyNames.map((PolicyName) => aws.iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }))),
    ...AttachedPolicies.map(({ PolicyArn }) => aws.iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn }))),
  ]);
  await aws.iam.send(new DeleteRoleCommand({ RoleName }));
}

/**
 * Deletes everything named after the namespaces, then looks again: returns the namespaces of which
 * nothing is left, the only ones a registry may forget. Best effort: a resource that is already gone,
 * or a service that fails, does not stop the others.
 */
export async function removeNamespaces(aws: AwsClients, namespaces: string[]): Promise<string[]> {
  if (namespaces.length === 0) return [];
  const wanted = (namespace: string) => namespaces.includes(namespace);
  const { resources } = await findNamespacedResources(aws, wanted);
  for (const order of REMOVAL_ORDERS) {
    await Promise.allSettled(resources.filter((resource) => resource.order === order).map((resource) => resource.remove()));
  }
  const again = await findNamespacedResources(aws, wanted);
  if (!again.complete) return [];
  const left = new Set(again.resources.map((resource) => resource.namespace));
  return namespaces.filter((namespace) => !left.has(namespace));
}

/** Deletes everything named after one namespace; true when nothing of it is left. */
export async function removeNamespace(aws: AwsClients, namespace: string): Promise<boolean> {
  return (await removeNamespaces(aws, [namespace])).length === 1;
}
