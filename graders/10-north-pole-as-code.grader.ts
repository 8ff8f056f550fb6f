import { isDeepStrictEqual } from 'node:util';
import { GetStageCommand } from '@aws-sdk/client-api-gateway';
import { ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import type { Role } from '@aws-sdk/client-iam';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { busArn, queueArn, stateMachineArn, tableArn, topicArn } from '../kit/aws/arns.ts';
import { REGION } from '../kit/aws/clients.ts';
import { restApiInvokeUrl } from '../kit/aws/endpoints.ts';
import {
  EventTypes,
  type DelayNotice,
  type Department,
  type FulfilmentWorkflow,
  type NorthPoleOutputs,
  type Order,
  type OrderRouting,
  type OrdersApi,
  type OrdersBus,
  type SleighDispatch,
  type Step,
} from '../kit/contracts.ts';
import { countByOrder, drainSinks, misdeliveryIn, placeOrders, type AcceptedOrder, type Placement, type Tally } from '../kit/grading/checks/batch.ts';
import { Deadline } from '../kit/grading/checks/deadline.ts';
import { runEarlierChecks } from '../kit/grading/checks/earlierChecks.ts';
import { ifExists } from '../kit/grading/checks/evidence.ts';
import { ExecutionFinder, executedStates } from '../kit/grading/checks/executions.ts';
import { queueSubscription } from '../kit/grading/checks/filterPolicies.ts';
import { Miss, defineGrader, type DeployedStep, type GradingContext } from '../kit/grading/checks/grader.ts';
import { lookAtAsset, lookAtTodo } from '../kit/grading/checks/look.ts';
import type { BusObserver } from '../kit/grading/checks/observe.ts';
import { OrderPath, stateHops } from '../kit/grading/checks/orderPath.ts';
import { restApiNamed } from '../kit/grading/checks/restApis.ts';
import { describeExtras, extraGrants, namespacedRole, policiesText, type Allowance } from '../kit/grading/checks/roles.ts';
import { howOften, times } from '../kit/grading/checks/routing.ts';
import { findExercise } from '../kit/track.ts';
import ordersBusChecks from './01-orders-bus.grader.ts';
import ordersApiChecks from './02-orders-api.grader.ts';
import routingChecks from './03-order-routing.grader.ts';
import fulfilmentChecks from './04-fulfilment-workflow.grader.ts';
import dispatchChecks, { checkAuditSubscription } from './05-sleigh-dispatch.grader.ts';
import { ASL_FILE, aslText, lookAtState } from './shared/fulfilment.ts';

// Exercise 10 builds exercises 1 to 5 again as one CDK stack. The kit has synthesized it and created it
// in CloudFormation (deploy(), kit/cdk/deployStack.ts); each task runs the checks of the step it rebuilds
// against the stack's resources, found through the stack's outputs, then the last task sends real orders
// through the whole of it.

/** The outputs that are an earlier step's contract; OrdersUrl is Task 6's own. */
type OutputKey = Exclude<keyof NorthPoleOutputs, 'OrdersUrl'>;

/** Which step's contract each output is, and the task that makes it. */
const OUTPUTS: Record<OutputKey, { step: Step; task: number }> = {
  OrdersBus: { step: 1, task: 1 },
  OrdersApi: { step: 2, task: 2 },
  OrderRouting: { step: 3, task: 3 },
  FulfilmentWorkflow: { step: 4, task: 4 },
  SleighDispatch: { step: 5, task: 5 },
};

const DEPARTMENT_BASES: Record<keyof OrderRouting, string> = {
  toyWorkshop: 'toy-workshop',
  coalDepot: 'coal-depot',
  heavyLift: 'heavy-lift',
  giftWrap: 'gift-wrap',
  expressDesk: 'express-desk',
};

const DISPATCH_BASES: Record<keyof SleighDispatch['queues'], string> = {
  europeSleigh: 'sleigh-europe',
  northAmericaSleigh: 'sleigh-north-america',
  heavyLiftSleigh: 'heavy-lift-sleigh',
  reindeerStables: 'reindeer-stables',
  audit: 'dispatch-audit',
};

/** The stack, or a Miss that says why there is none: the synthesis threw, or CloudFormation could not create a resource. */
function stackOf(context: GradingContext<10>) {
  const deployed = context.deployed;
  if (deployed.kind === 'returned' && deployed.value && typeof deployed.value === 'object' && 'outputs' in deployed.value) return deployed.value;
  const stackName = context.name('north-pole');
  const message = deployed.kind === 'returned' ? `deploy() returned ${JSON.stringify(deployed.value)}` : deployed.message;
  throw new Miss({
    expected: `the stack ${stackName} to synthesize (NorthPoleStack built in an app with the namespace in its context) and CloudFormation to create it`,
    found: /CloudFormation could not create/.test(message)
      ? `${message.replace(/\.+$/, '')}. A failed create is not rolled back on this LocalStack: \`npm run aws -- cloudformation describe-stack-events --stack-name ${stackName}\` lists what was made`
      : /Cannot add assets/.test(message)
        ? `${message}: DefinitionBody.fromFile() uploads the file to S3 as an asset, which needs an account bootstrapped for the CDK (cdk bootstrap); the kit creates the stack without one. Read the file yourself and pass its text: DefinitionBody.fromString(readFileSync(new URL('./${ASL_FILE}', import.meta.url), 'utf8'))`
        : message,
  });
}

/** A JSON value as a short line, for what was found. */
const shown = (value: unknown) => JSON.stringify(value ?? null);

/** The field of `found` that first differs from `wanted`, as a dotted path with both values. */
function firstDifference(wanted: unknown, found: unknown, at = ''): { at: string; wanted: unknown; found: unknown } | undefined {
  if (isDeepStrictEqual(wanted, found)) return undefined;
  if (wanted && found && typeof wanted === 'object' && typeof found === 'object' && !Array.isArray(wanted)) {
    for (const key of new Set([...Object.keys(wanted), ...Object.keys(found)])) {
      const difference = firstDifference((wanted as Record<string, unknown>)[key], (found as Record<string, unknown>)[key], at ? `${at}.${key}` : key);
      if (difference) return difference;
    }
  }
  return { at, wanted, found };
}

/** Why a field of an output may differ that the learner can act on: Ref of a rule on a custom bus is "bus|rule". */
function outputAdvice(difference: { at: string; found: unknown }): string {
  if (/ruleName$/.test(difference.at) && typeof difference.found === 'string' && difference.found.includes('|')) {
    return ': rule.ruleName of a rule on a custom bus is CloudFormation\'s Ref of the rule, which is "<bus>|<rule>"; the contract wants the rule\'s own name, the one you gave it with name(…)';
  }
  if (difference.found === undefined) return ': the field is missing';
  return '';
}

const writeOutput = (key: OutputKey) =>
  `new CfnOutput(this, '${key}', { value: this.toJsonString(${key.charAt(0).toLowerCase()}${key.slice(1)}) }), the ${key} of kit/contracts.ts`;

/** The stack's output `key` as the contract it should be: there, and a JSON object. */
function outputOf<K extends OutputKey>(context: GradingContext<10>, key: K): NorthPoleOutputs[K] {
  const { outputs } = stackOf(context);
  if (!(key in outputs)) {
    const keys = Object.keys(outputs).filter((name) => name in OUTPUTS);
    throw new Miss({
      expected: `an output named ${key} on the stack: ${writeOutput(key)}`,
      found: keys.length ? `only the outputs ${keys.join(', ')}` : "none of the contracts among the stack's outputs",
    });
  }
  const found = outputs[key];
  if (!found || typeof found !== 'object') {
    throw new Miss({ expected: `the output ${key} to be the contract as JSON: ${writeOutput(key)}`, found: `its value is ${shown(found)}, not a JSON object` });
  }
  return found as NorthPoleOutputs[K];
}

/** Exercise 1's bus as the stack's output names it: the checks of the later steps read it. */
const ordersBusOutput = (context: GradingContext<10>) => outputOf(context, 'OrdersBus');

/** The output `key` against what the resources really are; a Miss names its first wrong field. */
function checkOutput<K extends OutputKey>(context: GradingContext<10>, key: K, wanted: NorthPoleOutputs[K]): void {
  const found = outputOf(context, key);
  const difference = firstDifference(wanted, found);
  if (!difference) return;
  const field = difference.at ? `${key}.${difference.at}` : key;
  throw new Miss({
    expected: `the output ${key} to name the stack's resources as they are (${key} in kit/contracts.ts): ${field} ${shown(difference.wanted)}`,
    found: `${field} is ${shown(difference.found)}${outputAdvice(difference)}`,
  });
}

async function queueUrlOf(context: GradingContext, base: string): Promise<string | undefined> {
  return (await ifExists(() => context.aws.sqs.send(new GetQueueUrlCommand({ QueueName: context.name(base) }))))?.QueueUrl;
}

/**
 * The role's policies allow what it needs and nothing more. CDK writes the policy from the grants the
 * stack makes: when one grants more, the generated policy is quoted, with the grant that wrote it.
 */
async function checkGeneratedPolicy(
  context: GradingContext<10>,
  role: Role,
  allowances: Allowance[],
  advice: (actions: string[]) => string | undefined,
): Promise<void> {
  const extras = await extraGrants(context, role, allowances);
  if (extras.length === 0) return;
  const policies = [...new Set(extras.map((extra) => extra.policy))];
  const hint = advice(extras.map((extra) => extra.action));
  throw new Miss({
    expected: `the role ${role.RoleName} to be allowed ${allowances.map((allowance) => `${allowance.actions[0]} on ${allowance.what}`).join(', ')}, and nothing more (least privilege: on AWS, every action a role has is one a mistake can use)`,
    found: `the policy CDK generated from your grants also allows ${describeExtras(extras, allowances)}. ${policiesText(policies)}${hint ? `. ${hint}` : ''}`,
  });
}

/** Which of CDK's grants writes these actions, and the one that writes only what the machine does. */
function machineGrantAdvice(actions: string[]): string | undefined {
  const all = new Set(actions.map((action) => action.toLowerCase()));
  if (all.has('dynamodb:*'))
    return "table.grantFullAccess() gives the role everything on the table, deleting it included: table.grant(role, 'dynamodb:PutItem') gives the one action the machine's task calls";
  if (all.has('dynamodb:deleteitem') || all.has('dynamodb:batchwriteitem')) {
    return "table.grantWriteData() grants every write (PutItem, UpdateItem, DeleteItem, BatchWriteItem): the machine only puts, so table.grant(role, 'dynamodb:PutItem') is all it needs";
  }
  if (all.has('dynamodb:getitem') || all.has('dynamodb:query'))
    return "table.grantReadWriteData() grants reads and writes: table.grant(role, 'dynamodb:PutItem') is what the machine does";
  if (all.has('sqs:receivemessage') || all.has('sqs:deletemessage'))
    return "grantConsumeMessages() lets the machine take the elves' work off the queue: workshop.grantSendMessages(role) is what it does";
  if (all.has('*') || [...all].some((action) => action.endsWith(':*')))
    return 'a statement with a "*" for its actions allows a whole service: name each action the machine uses';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Task 1: the bus, the elf log and its rule, as exercise 1 checks them

async function ordersBusAsCode(context: GradingContext<10>): Promise<void> {
  const bus = ordersBusOutput(context);
  // The rule before the queue's policy: CDK writes the policy from the rule, so a rule on the wrong bus is the cause.
  await runEarlierChecks(context, 1, { step: 1, grader: ordersBusChecks, tasks: [1, 3, 2], contracts: { 1: bus } });
  checkOutput(context, 'OrdersBus', {
    busName: context.name('orders'),
    busArn: busArn(context.name('orders')),
    elfLogQueueUrl: (await queueUrlOf(context, 'elf-log'))!,
    elfLogQueueArn: queueArn(context.name('elf-log')),
  });
}

// Task 2: the API, its model, its validator and its PutEvents integration, as exercise 2 checks them

async function ordersApiAsCode(context: GradingContext<10>): Promise<void> {
  const bus = ordersBusOutput(context);
  const returned = outputOf(context, 'OrdersApi');
  await runEarlierChecks(context, 2, { step: 2, grader: ordersApiChecks, tasks: [1, 2, 3], contracts: { 1: bus, 2: returned } });
  const role = await namespacedRole(context, 'orders-api');
  await checkGeneratedPolicy(
    context,
    role,
    [{ actions: ['events:PutEvents'], resource: bus.busArn, what: 'the orders bus' }],
    () => 'bus.grantPutEventsTo(role) grants just that',
  );
  const api = await restApiNamed(context, 'orders-api');
  if (!(await ifExists(() => context.aws.apiGateway.send(new GetStageCommand({ restApiId: api.id, stageName: 'live' }))))) {
    throw new Miss({
      expected: "the API deployed to a stage named live: new RestApi(this, …, { deployOptions: { stageName: 'live' } })",
      found: `no stage live on the API ${api.name}`,
    });
  }
  checkOutput(context, 'OrdersApi', { restApiId: api.id!, stageName: 'live', roleArn: role.Arn! });
}

// Task 3: the five departments, as exercise 3 checks their queues and rules, and the order itself as the message

async function departmentsAsCode(context: GradingContext<10>): Promise<void> {
  const bus = ordersBusOutput(context);
  const returned = outputOf(context, 'OrderRouting');
  await runEarlierChecks(context, 3, { step: 3, grader: routingChecks, tasks: [1, 2, 3, 4], contracts: { 1: bus, 3: returned } });
  const wanted = {} as Record<keyof OrderRouting, Department>;
  for (const [key, base] of Object.entries(DEPARTMENT_BASES) as [keyof OrderRouting, string][]) {
    wanted[key] = { ruleName: context.name(base), queueUrl: (await queueUrlOf(context, base))!, queueArn: queueArn(context.name(base)) };
    const { Targets = [] } = await context.aws.eventBridge.send(new ListTargetsByRuleCommand({ Rule: context.name(base), EventBusName: bus.busName }));
    const target = Targets.find((candidate) => candidate.Arn === wanted[key].queueArn);
    if (target?.InputPath !== '$.detail') {
      throw new Miss({
        expected: `the rule ${context.name(base)} to send its queue the order itself, the event's detail: new targets.SqsQueue(queue, { message: events.RuleTargetInput.fromEventPath('$.detail') }) (InputPath "$.detail")`,
        found: target
          ? `its target sends ${target.InputPath ? `InputPath ${target.InputPath}` : target.Input ? `the constant ${target.Input}` : target.InputTransformer ? `an InputTransformer ${JSON.stringify(target.InputTransformer)}` : 'the whole event'}`
          : `no target for the queue ${wanted[key].queueArn}`,
      });
    }
  }
  checkOutput(context, 'OrderRouting', wanted as OrderRouting);
}

// Task 4: the fulfilment machine from its ASL file, its roles from grants no wider than its tasks, the rule that starts it

/** What each placeholder of the ASL file stands for, in the story and as the stack's resources are. */
interface Placeholder {
  what: string;
  value: string;
}

const parsed = (text: string | undefined): unknown => {
  try {
    return JSON.parse(text ?? '') as unknown;
  } catch {
    return undefined;
  }
};

/** A definition without its "Comment" fields: a copy that only dropped them does what the file does. */
function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'Comment')
      .map(([key, inner]) => [key, withoutComments(inner)]),
  );
}

/** What the deployed definition put where the file says `${Name}`, placeholder by placeholder, at the first place each is used. */
function filledIn(file: unknown, deployed: unknown, found = new Map<string, string>()): Map<string, string> {
  if (typeof file === 'string' && typeof deployed === 'string') {
    const names = [...file.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]!);
    const pattern = new RegExp(
      `^${file
        .split(/\$\{\w+\}/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('(.*)')}$`,
      's',
    );
    const values = pattern.exec(deployed)?.slice(1) ?? [];
    names.forEach((name, index) => values[index] !== undefined && !found.has(name) && found.set(name, values[index]!));
  } else if (file && deployed && typeof file === 'object' && typeof deployed === 'object') {
    for (const key of Object.keys(file)) filledIn((file as Record<string, unknown>)[key], (deployed as Record<string, unknown>)[key], found);
  }
  return found;
}

/**
 * The deployed definition is the ASL file, each placeholder filled with the resource it names: not a
 * copy written into the stack, which drifts from the file the editor, Workflow Studio and the graders read.
 */
async function machineFromFile(context: GradingContext<10>, placeholders: Record<string, Placeholder>): Promise<void> {
  const text = aslText(context) ?? '';
  const { definition } = await context.aws.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stateMachineArn(context.name('fulfilment')) }));
  const fromFile = `DefinitionBody.fromString(readFileSync(new URL('./${ASL_FILE}', import.meta.url), 'utf8'))`;
  for (const [name, value] of filledIn(parsed(text), parsed(definition))) {
    const placeholder = placeholders[name];
    if (placeholder && value !== placeholder.value) {
      throw new Miss({
        expected: `definitionSubstitutions to fill \${${name}} with ${placeholder.what}, ${placeholder.value}`,
        found: `the machine has ${shown(value)} where ${ASL_FILE} says \${${name}}`,
      });
    }
  }
  const filled = Object.entries(placeholders).reduce((result, [name, { value }]) => result.replaceAll(`\${${name}}`, value), text);
  const difference = firstDifference(withoutComments(parsed(filled)), withoutComments(parsed(definition)));
  if (!difference) return;
  throw new Miss({
    expected: `the machine's definition to be ${ASL_FILE} itself, its placeholders filled by definitionSubstitutions: ${fromFile}`,
    found: `the deployed definition differs from the file at ${difference.at || 'its top'}: the file says ${shown(difference.wanted)}, the machine ${shown(difference.found)}. A definition copied into the stack drifts from the file that your editor, Workflow Studio and the graders read`,
    look: lookAtAsset(context, ASL_FILE, 4, difference.at ? `at ${difference.at}` : undefined),
  });
}

async function fulfilmentAsCode(context: GradingContext<10>): Promise<void> {
  const bus = ordersBusOutput(context);
  const returned = outputOf(context, 'FulfilmentWorkflow');
  // The machine against its file first: a placeholder filled with the wrong value, or a definition copied
  // into the stack and changed since, is named as such, not by the wrong turn an execution then takes.
  const workshopQueueUrl = await queueUrlOf(context, 'workshop');
  const machine = await ifExists(() => context.aws.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stateMachineArn(context.name('fulfilment')) })));
  if (machine && workshopQueueUrl) {
    await machineFromFile(context, {
      OrdersTable: { what: "the orders table's name", value: context.name('orders') },
      WorkshopQueueUrl: { what: "the workshop queue's URL", value: workshopQueueUrl },
      OrdersBus: { what: "the orders bus's name", value: bus.busName },
    });
  }
  await runEarlierChecks(context, 4, { step: 4, grader: fulfilmentChecks, tasks: [1, 2, 3, 4], contracts: { 1: bus, 4: returned } });

  const machineRole = await namespacedRole(context, 'fulfilment');
  await checkGeneratedPolicy(
    context,
    machineRole,
    [
      { actions: ['dynamodb:PutItem'], resource: tableArn(context.name('orders')), what: 'the orders table' },
      // grantSendMessages() adds the two reads the SDK uses to find a queue: nothing they change.
      { actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resource: queueArn(context.name('workshop')), what: 'the workshop queue' },
      { actions: ['events:PutEvents'], resource: bus.busArn, what: 'the orders bus' },
    ],
    machineGrantAdvice,
  );
  const startRole = await namespacedRole(context, 'fulfilment-start');
  await checkGeneratedPolicy(
    context,
    startRole,
    [{ actions: ['states:StartExecution'], resource: stateMachineArn(context.name('fulfilment')), what: 'the fulfilment machine' }],
    () => 'new targets.SfnStateMachine(machine, { role }) grants the role states:StartExecution on that machine: nothing else is needed',
  );
  checkOutput(context, 'FulfilmentWorkflow', {
    stateMachineArn: stateMachineArn(context.name('fulfilment')),
    ordersTableName: context.name('orders'),
    workshopQueueUrl: workshopQueueUrl!,
    workshopQueueArn: queueArn(context.name('workshop')),
    machineRoleArn: machineRole.Arn!,
    ruleName: context.name('start-fulfilment'),
    startRoleArn: startRole.Arn!,
  });
}

// Task 5: the dispatch topic, its rule and every subscription, as exercise 5 checks them

/** What the dispatchers' own code does in exercise 5: a delay notice, text for people, attributes for filters. */
const announceDelay = (context: GradingContext) => async (dispatch: unknown, notice: unknown) => {
  const { region, minutes, text } = notice as DelayNotice;
  await context.aws.sns.send(
    new PublishCommand({
      TopicArn: (dispatch as SleighDispatch).topicArn,
      Message: text,
      MessageAttributes: { region: { DataType: 'String', StringValue: region }, minutes: { DataType: 'Number', StringValue: String(minutes) } },
    }),
  );
};

async function dispatchAsCode(context: GradingContext<10>): Promise<void> {
  const bus = ordersBusOutput(context);
  const returned = outputOf(context, 'SleighDispatch');
  await runEarlierChecks(context, 5, {
    step: 5,
    grader: dispatchChecks,
    tasks: [1, 2, 3, 4],
    contracts: { 1: bus, 5: returned },
    standIns: { announceDelay: announceDelay(context) },
  });
  await runEarlierChecks(context, 5, { step: 5, grader: { tasks: { 5: checkAuditSubscription } }, tasks: [5], contracts: { 1: bus, 5: returned } });
  const topic = topicArn(context.name('sleigh-dispatch'));
  const queues = {} as SleighDispatch['queues'];
  for (const [key, base] of Object.entries(DISPATCH_BASES) as [keyof SleighDispatch['queues'], string][]) {
    const arn = queueArn(context.name(base));
    const subscription = await queueSubscription(context, {
      topicArn: topic,
      queueArn: arn,
      what: `the queue ${context.name(base)}`,
      topicName: context.name('sleigh-dispatch'),
    });
    queues[key] = { queueUrl: (await queueUrlOf(context, base))!, queueArn: arn, subscriptionArn: subscription.arn };
  }
  checkOutput(context, 'SleighDispatch', { topicArn: topic, ruleName: context.name('sleigh-dispatch'), queues });
}

// ---------------------------------------------------------------------------------------------
// Task 6: the whole North Pole, from one stack: orders through POST /orders, each in every queue it
// should reach as often as it should, counted with the sinks the graders of exercises 1, 3, 4 and 5 declare.

/** Orders that between them reach every department, the workshop, both sleighs, the heavy-lift sleigh and the audit; and one the API must turn away. */
function wholeNorthPole(namespace: string): { good: Order[]; bad: Record<string, unknown> } {
  const order = (id: string, fields: Omit<Order, 'orderId' | 'quantity'> & { quantity?: number }): Order => ({
    orderId: `as-code-${id}-${namespace}`,
    quantity: 1,
    ...fields,
  });
  return {
    good: [
      order('toy', {
        child: 'Noelle',
        gift: 'wooden train',
        list: 'nice',
        sku: 'TOY-TRAIN-01',
        weightKg: 2,
        region: 'europe',
        giftWrap: { paper: 'candy-stripe' },
      }),
      order('coal', { child: 'Grinch', gift: 'drum kit', list: 'naughty', sku: 'TOY-DRUM-04', weightKg: 30, region: 'north-america' }),
      order('atlas', { child: 'Rudi', gift: 'atlas', quantity: 12, sku: 'BOOK-ATLAS-03', weightKg: 1, region: 'asia', express: true }),
    ],
    bad: { orderId: `as-code-no-gift-${namespace}`, child: 'Tom', quantity: 1 },
  };
}

/** The rule that should have sent the order to a sink, and whether the way goes through the fulfilment machine. */
function wayTo(context: GradingContext, tally: Tally): { rule: string; throughMachine: boolean; afterMachine?: string } {
  const number = tally.step.exercise.number;
  if (number === 1) return { rule: context.name('elf-log-observer'), throughMachine: false };
  if (number === 3) {
    const base = Object.values(DEPARTMENT_BASES).find((candidate) => tally.sink.queueUrl.endsWith(`/${context.name(candidate)}`));
    return { rule: context.name(base ?? ''), throughMachine: false };
  }
  if (number === 4) return { rule: context.name('start-fulfilment'), throughMachine: true };
  return { rule: context.name('start-fulfilment'), throughMachine: true, afterMachine: context.name('sleigh-dispatch') };
}

/** This exercise's task that builds the pieces of an earlier step's sink. */
const sinkTaskOf = (tally: Tally) => Object.values(OUTPUTS).find((output) => output.step === tally.step.exercise.number)!.task;

/** How long the path waits for an event the observer has not seen yet, once the order is known to be missing. */
const PATH_WAIT_MS = 2_000;

/**
 * How far an order got on its way to the sink it is missing from: the API, the bus, the rules, the
 * machine, the dispatch rule; and where to look, by the first hop that did not happen.
 */
async function pathTo(
  context: GradingContext<10>,
  observer: BusObserver,
  order: Order,
  placement: Placement | undefined,
  tally: Tally,
): Promise<{ path: OrderPath; look: string }> {
  const path = new OrderPath(order.orderId);
  const sinkTask = sinkTaskOf(tally);
  path.reached('POST /orders', `answered ${placement?.status}`);
  const event = (detailType: string, waited: Deadline) =>
    observer.waitFor((candidate) => candidate.detail?.orderId === order.orderId && candidate['detail-type'] === detailType, waited);
  const toPlaced = new Deadline(PATH_WAIT_MS);
  const placed = path.busEvent(observer.busName, await event(EventTypes.OrderPlaced, toPlaced), toPlaced);
  if (!placed) return { path, look: lookAtTodo(context, 2) };
  const way = wayTo(context, tally);
  await path.rules(context.aws, observer.busName, placed, { ownPrefix: context.name(''), expected: [way.rule] });
  if (way.throughMachine) {
    const finder = new ExecutionFinder(context.aws, stateMachineArn(context.name('fulfilment')));
    const execution = (await finder.waitForOrders([order.orderId], PATH_WAIT_MS)).get(order.orderId);
    if (!execution) return { path: path.missed(`an execution of ${context.name('fulfilment')}`, 'none started'), look: lookAtTodo(context, 4) };
    const states = await executedStates(context.aws, execution.executionArn);
    path.reached(`execution ${execution.name}`, execution.status, stateHops(states));
    if (execution.status !== 'SUCCEEDED') return { path, look: lookAtState(context, 4) };
    if (way.afterMachine) {
      const toFulfilled = new Deadline(PATH_WAIT_MS);
      const fulfilled = await event(EventTypes.OrderFulfilled, toFulfilled);
      if (!fulfilled) {
        // The machine succeeded and no OrderFulfilled came: what its putEvents task sent says where the event went.
        const announce = states.find((state) => state.task?.resource === 'events:putEvents');
        const sent = announce
          ? `; "${announce.name}" sent PutEvents ${JSON.stringify(announce.task!.parameters)}`
          : '; no state of the execution called events:putEvents';
        path.missed(`an ${EventTypes.OrderFulfilled} for ${order.orderId} on the bus ${observer.busName}`, `none ${toFulfilled.within()}${sent}`);
        return { path, look: lookAtState(context, 6, announce?.name) };
      }
      path.busEvent(observer.busName, fulfilled, toFulfilled);
      await path.rules(context.aws, observer.busName, fulfilled, { ownPrefix: context.name(''), expected: [way.afterMachine] });
    }
  }
  return { path: path.missed(tally.sink.name, 'the order did not arrive there'), look: lookAtTodo(context, sinkTask) };
}

/**
 * The output OrdersUrl: the address of POST /orders, which the children's front end would be configured
 * with. AWS writes https://<api>.execute-api.<region>.amazonaws.com/<stage>/orders; LocalStack writes its
 * own host (<api>.execute-api.localhost.localstack.cloud:<port>), so the API, the stage and the path are
 * what is compared. The grader sends its orders to LocalStack's address of that API and stage.
 */
function checkOrdersUrl(context: GradingContext<10>, api: OrdersApi): void {
  const { outputs } = stackOf(context);
  const onAws = `https://${api.restApiId}.execute-api.${REGION}.amazonaws.com/${api.stageName}/orders`;
  const write = "new CfnOutput(this, 'OrdersUrl', { value: api.urlForPath('/orders') })";
  if (!('OrdersUrl' in outputs)) {
    throw new Miss({
      expected: `an output named OrdersUrl on the stack, the address of POST /orders: ${write}`,
      found: `the stack's outputs are ${Object.keys(outputs).join(', ') || 'none'}`,
    });
  }
  const found = outputs.OrdersUrl;
  const url = typeof found === 'string' && URL.canParse(found) ? new URL(found) : undefined;
  if (url?.protocol === 'https:' && url.hostname.startsWith(`${api.restApiId}.execute-api.`) && url.pathname === `/${api.stageName}/orders`) return;
  const advice =
    url && url.pathname.replace(/\/$/, '') === `/${api.stageName}`
      ? ": that is the stage's root (api.url), not POST /orders: api.urlForPath('/orders')"
      : url && !url.hostname.startsWith(`${api.restApiId}.`)
        ? `: not the address of the stack's API ${api.restApiId}; CDK writes it from the API and its stage`
        : '';
  throw new Miss({
    expected: `the output OrdersUrl to be the address of POST /orders on the stack's API, on AWS ${onAws}: ${write}`,
    found: `${shown(found)}${advice}`,
  });
}

async function wholeNorthPoleFromOneStack(context: GradingContext<10>): Promise<void> {
  const { outputs } = stackOf(context);
  const contracts = {
    1: outputs.OrdersBus as OrdersBus,
    2: outputs.OrdersApi as OrdersApi,
    3: outputs.OrderRouting as OrderRouting,
    4: outputs.FulfilmentWorkflow as FulfilmentWorkflow,
    5: outputs.SleighDispatch as SleighDispatch,
  };
  checkOrdersUrl(context, contracts[2]);
  const observer = await context.observers.bus(contracts[1].busName);
  const steps: DeployedStep[] = (
    [
      [1, ordersBusChecks.sinks!(contracts[1])],
      [3, routingChecks.sinks!(contracts[3])],
      [4, fulfilmentChecks.sinks!(contracts[4])],
      [5, dispatchChecks.sinks!(contracts[5])],
    ] as const
  ).map(([number, sinks]) => ({
    exercise: findExercise(number),
    file: context.file,
    from: 'yours',
    outcome: { kind: 'returned', value: contracts[number], awsMs: 0, ms: 0 },
    sinks: [...sinks],
  }));

  const { good, bad } = wholeNorthPole(context.namespace);
  const url = restApiInvokeUrl(context.localstack.endpoint, contracts[2].restApiId, contracts[2].stageName, '/orders');
  const placements = await placeOrders(url, [
    ...good.map((order) => ({ body: order as unknown as Record<string, unknown>, kind: 'good' })),
    { body: bad, kind: 'bad' },
  ]);
  const wrongAnswer = placements.find((placement) => (placement.kind === 'bad' ? placement.status !== 400 : placement.status !== 200));
  if (wrongAnswer) {
    throw new Miss({
      expected: `POST /orders to answer ${wrongAnswer.kind === 'bad' ? '400 to an order without a gift' : '200 to a good order'}: ${JSON.stringify(wrongAnswer.body)}`,
      found: wrongAnswer.error ? `no answer: ${wrongAnswer.error}` : `HTTP ${wrongAnswer.status}`,
      look: lookAtTodo(context, 2),
    });
  }
  const accepted = new Map<string, AcceptedOrder>(
    good.map((order) => [
      order.orderId,
      { order, events: 1, sentAt: placements.find((placement) => placement.body.orderId === order.orderId)!.sentAt, remakes: 0 },
    ]),
  );
  const tallies = await drainSinks(context.aws, steps, accepted, DRAIN_DEADLINE_MS);
  // The earlier steps' checks put sample orders of their own through the stack (exercise 2's TestInvokeMethod
  // calls EventBridge for real): only this task's orders are counted.
  const ours = (orderId: string) => orderId.startsWith('as-code-');
  context.note(
    `This task's orders held per queue: ${tallies.map((tally) => `${tally.sink.name} ${tally.arrivals.filter((arrival) => ours(arrival.orderId)).length}`).join(', ')}`,
  );

  for (const tally of tallies) {
    const misdelivery = misdeliveryIn(tally, accepted);
    if (!misdelivery) continue;
    const { order } = accepted.get(misdelivery.id)!;
    const missing = misdelivery.got < misdelivery.wanted.min;
    throw new Miss({
      expected: `${tally.sink.name} (exercise ${tally.step.exercise.number}'s, Task ${sinkTaskOf(tally)} here) to hold order ${order.orderId} ${howOften(misdelivery.wanted)}: ${JSON.stringify(order)}`,
      found: `it held it ${times(misdelivery.got)}${missing ? ` within ${DRAIN_DEADLINE_MS / 1000} s` : ''}`,
      ...(missing
        ? await pathTo(
            context,
            observer,
            order,
            placements.find((placement) => placement.body.orderId === order.orderId),
            tally,
          )
        : { look: lookAtTodo(context, sinkTaskOf(tally)) }),
    });
  }
  const stray = tallies.find((tally) => [...countByOrder(tally).keys()].some((orderId) => ours(orderId) && !accepted.has(orderId)));
  if (stray) {
    throw new Miss({
      expected: `${stray.sink.name} to hold only the orders the API accepted`,
      found: `it held ${[...countByOrder(stray).keys()].filter((orderId) => ours(orderId) && !accepted.has(orderId)).join(', ')}: the API should have turned that order away`,
      look: lookAtTodo(context, 2),
    });
  }
}

/** How long the orders may take to reach every queue they should: waited out only when one is missing. */
const DRAIN_DEADLINE_MS = 15_000;

export default defineGrader<10>({
  // deploy() synthesizes the stack and waits for CloudFormation, a few seconds on a quiet machine and far
  // more on a busy one: its deadline is CloudFormation's own (kit/cdk/stacks.ts) and the synthesis.
  deployTimeoutMs: 150_000,

  prepare: async (context) => {
    context.say(`Synthesizing your NorthPoleStack and creating the stack ${context.name('north-pole')} in CloudFormation…`);
  },

  tasks: {
    1: ordersBusAsCode,
    2: ordersApiAsCode,
    3: departmentsAsCode,
    4: fulfilmentAsCode,
    5: dispatchAsCode,
    6: wholeNorthPoleFromOneStack,
  },
});
