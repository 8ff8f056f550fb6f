import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type CloudFormationClient,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { namespacedName } from '../northPole.ts';

// Stacks in CloudFormation, as the kit deploys them: delete, then create. LocalStack 4.13.1 reports an
// UpdateStack as done while it leaves a rule's old pattern, a renamed rule and an unchanged API stage
// in place (docs/architecture.md, "Exercise 10"), so a stack is never updated, always made anew.

/** The stack of a namespace: `npk3x9a-north-pole`. Every run, and the learner's own loop, has its own. */
export const stackNameOf = (namespace: string) => namespacedName(namespace, 'north-pole');

/** A CloudFormation template as synthesized: what the kit reads of it. */
export interface Template {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown>; DependsOn?: string | string[] }>;
  Outputs?: Record<string, { Value: unknown }>;
  Parameters?: Record<string, unknown>;
}

/** The construct path of a resource of the template (`npk3x9a-north-pole/FulfilmentMachine/Resource`), to name it as the learner wrote it. */
export function constructPath(template: Template, logicalId: string): string | undefined {
  const metadata = template.Resources?.[logicalId]?.Metadata?.['aws:cdk:path'];
  return typeof metadata === 'string' ? metadata : undefined;
}

/** CloudFormation refuses a template without resources; the stack of an untouched starter is one. */
export const noResources = (stackName: string) => `NorthPoleStack has no resources yet, so there is no stack ${stackName} to create: start with Task 1`;

/** How often a stack's status is read while CloudFormation works: a create takes about a second here. */
const POLL_MS = 150;
/** How long a create or delete may take before the kit gives up on it, on a busy machine. */
const STACK_DEADLINE_MS = 120_000;

/** CloudFormation could not create or delete a stack: which resource, and CloudFormation's reason. */
export class StackFailed extends Error {
  constructor(
    message: string,
    /** The template's logical id of the resource that failed, when CloudFormation names one. */
    readonly logicalId?: string,
  ) {
    super(message);
    this.name = 'StackFailed';
  }
}

/** The stack as DescribeStacks gives it, or undefined when there is none (or only a deleted one). */
export async function describeStack(cfn: CloudFormationClient, stackName: string): Promise<Stack | undefined> {
  try {
    const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks[0];
    return stack && stack.StackStatus !== 'DELETE_COMPLETE' ? stack : undefined;
  } catch (error) {
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) return undefined;
    throw error;
  }
}

async function settled(cfn: CloudFormationClient, stackName: string, busy: RegExp): Promise<Stack | undefined> {
  const until = Date.now() + STACK_DEADLINE_MS;
  for (;;) {
    const stack = await describeStack(cfn, stackName);
    if (!stack || !busy.test(stack.StackStatus ?? '')) return stack;
    if (Date.now() > until)
      throw new StackFailed(`CloudFormation was still at ${stack.StackStatus} for the stack ${stackName} after ${STACK_DEADLINE_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The first resource that failed, in the order CloudFormation met them, with its reason. */
async function firstFailure(cfn: CloudFormationClient, stackName: string, failed: RegExp): Promise<StackEvent | undefined> {
  const events: StackEvent[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName, NextToken }));
    events.push(...(page.StackEvents ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  // Newest first; the stack's own event names no resource of the template.
  return events.reverse().find((event) => failed.test(event.ResourceStatus ?? '') && event.LogicalResourceId !== stackName);
}

function failureMessage(what: string, stackName: string, stack: Stack | undefined, event: StackEvent | undefined, template?: Template): StackFailed {
  if (!event)
    return new StackFailed(
      `CloudFormation could not ${what} the stack ${stackName}: ${stack?.StackStatus}${stack?.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}`,
    );
  // The construct as the stack's code names it: "npk3x9a-north-pole/Bus2/Resource" is new …(this, 'Bus2', …).
  const construct =
    template && event.LogicalResourceId
      ? constructPath(template, event.LogicalResourceId)
          ?.split('/')
          .slice(1)
          .filter((part) => part !== 'Resource')
          .join('/')
      : undefined;
  const resource = construct
    ? `the construct ${construct} (${event.ResourceType}, logical id ${event.LogicalResourceId})`
    : `${event.LogicalResourceId} (${event.ResourceType})`;
  return new StackFailed(`CloudFormation could not ${what} ${resource}: ${event.ResourceStatusReason ?? 'no reason given'}`, event.LogicalResourceId);
}

/** Deletes the stack and waits until it is gone; nothing to do when there is none. */
export async function deleteStack(cfn: CloudFormationClient, stackName: string): Promise<void> {
  if (!(await describeStack(cfn, stackName))) return;
  await cfn.send(new DeleteStackCommand({ StackName: stackName }));
  const stack = await settled(cfn, stackName, /_IN_PROGRESS$/);
  if (stack) throw failureMessage('delete', stackName, stack, await firstFailure(cfn, stackName, /DELETE_FAILED/));
}

/**
 * Deletes the namespace's stack if there is one, creates it from the template, and waits: the stack
 * with its outputs, or a StackFailed that names the resource CloudFormation could not create and why.
 */
export async function recreateStack(cfn: CloudFormationClient, stackName: string, template: Template, templateBody = JSON.stringify(template)): Promise<Stack> {
  await deleteStack(cfn, stackName);
  // Named IAM roles need CAPABILITY_NAMED_IAM, as on AWS, where it says the deployer knows the stack makes them.
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: templateBody, Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] }));
  const stack = await settled(cfn, stackName, /_IN_PROGRESS$/);
  if (stack?.StackStatus === 'CREATE_COMPLETE') return stack;
  throw failureMessage('create', stackName, stack, await firstFailure(cfn, stackName, /CREATE_FAILED/), template);
}

/** The stack's outputs by key, each parsed from JSON when it is JSON (a contract written with toJsonString). */
export function outputsOf(stack: Stack): Record<string, unknown> {
  return Object.fromEntries(
    (stack.Outputs ?? []).map(({ OutputKey, OutputValue }) => {
      try {
        return [OutputKey!, JSON.parse(OutputValue ?? '') as unknown];
      } catch {
        return [OutputKey!, OutputValue];
      }
    }),
  );
}
