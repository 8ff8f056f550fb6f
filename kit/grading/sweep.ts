import { DeleteRestApiCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { DeleteTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteArchiveCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  ListArchivesCommand,
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
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { DeleteStateMachineCommand, ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { DeleteTopicCommand, ListTopicsCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws/clients.ts';

/**
 * Deletes everything whose name starts with the namespace, service by service. Best effort: a
 * resource that is already gone, or a service that fails, must not stop the others.
 */
export async function removeNamespace(aws: AwsClients, namespace: string): Promise<void> {
  const prefix = `${namespace}-`;
  const owned = (name?: string) => !!name?.startsWith(prefix);
  await Promise.allSettled([
    removeEvents(aws, prefix),
    aws.sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix })).then(({ QueueUrls = [] }) =>
      Promise.allSettled(QueueUrls.map((QueueUrl) => aws.sqs.send(new DeleteQueueCommand({ QueueUrl })))),
    ),
    aws.sns.send(new ListTopicsCommand({})).then(({ Topics = [] }) =>
      Promise.allSettled(Topics.filter((topic) => owned(topic.TopicArn?.split(':').pop())).map(({ TopicArn }) => aws.sns.send(new DeleteTopicCommand({ TopicArn })))),
    ),
    aws.sfn.send(new ListStateMachinesCommand({})).then(({ stateMachines = [] }) =>
      Promise.allSettled(stateMachines.filter((machine) => owned(machine.name)).map(({ stateMachineArn }) => aws.sfn.send(new DeleteStateMachineCommand({ stateMachineArn })))),
    ),
    aws.dynamoDb.send(new ListTablesCommand({})).then(({ TableNames = [] }) =>
      Promise.allSettled(TableNames.filter(owned).map((TableName) => aws.dynamoDb.send(new DeleteTableCommand({ TableName })))),
    ),
    aws.apiGateway.send(new GetRestApisCommand({ limit: 500 })).then(({ items = [] }) =>
      Promise.allSettled(items.filter((api) => owned(api.name)).map(({ id }) => aws.apiGateway.send(new DeleteRestApiCommand({ restApiId: id })))),
    ),
    removeRoles(aws, owned),
  ]);
}

async function removeEvents(aws: AwsClients, prefix: string): Promise<void> {
  const { EventBuses = [] } = await aws.eventBridge.send(new ListEventBusesCommand({ NamePrefix: prefix }));
  const buses = [...EventBuses.map((bus) => bus.Name!), 'default'];
  await Promise.allSettled(
    buses.map(async (bus) => {
      const { Rules = [] } = await aws.eventBridge.send(new ListRulesCommand({ EventBusName: bus, NamePrefix: bus === 'default' ? prefix : undefined }));
      await Promise.allSettled(
        Rules.map(async (rule) => {
          const { Targets = [] } = await aws.eventBridge.send(new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: bus }));
          if (Targets.length > 0) {
            await aws.eventBridge.send(new RemoveTargetsCommand({ Rule: rule.Name, EventBusName: bus, Ids: Targets.map((target) => target.Id!) }));
          }
          await aws.eventBridge.send(new DeleteRuleCommand({ Name: rule.Name, EventBusName: bus }));
        }),
      );
    }),
  );
  const { Archives = [] } = await aws.eventBridge.send(new ListArchivesCommand({ NamePrefix: prefix }));
  await Promise.allSettled(Archives.map((archive) => aws.eventBridge.send(new DeleteArchiveCommand({ ArchiveName: archive.ArchiveName }))));
  await Promise.allSettled(EventBuses.map((bus) => aws.eventBridge.send(new DeleteEventBusCommand({ Name: bus.Name }))));
}

async function removeRoles(aws: AwsClients, owned: (name?: string) => boolean): Promise<void> {
  const { Roles = [] } = await aws.iam.send(new ListRolesCommand({ MaxItems: 1000 }));
  await Promise.allSettled(
    Roles.filter((role) => owned(role.RoleName)).map(async ({ RoleName }) => {
      const [{ PolicyNames = [] }, { AttachedPolicies = [] }] = await Promise.all([
        aws.iam.send(new ListRolePoliciesCommand({ RoleName })),
        aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName })),
      ]);
      await Promise.all([
        ...PolicyNames.map((PolicyName) => aws.iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }))),
        ...AttachedPolicies.map(({ PolicyArn }) => aws.iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn }))),
      ]);
      await aws.iam.send(new DeleteRoleCommand({ RoleName }));
    }),
  );
}
