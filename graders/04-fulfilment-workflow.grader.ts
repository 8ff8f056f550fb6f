import { DescribeTableCommand, GetItemCommand, ListTablesCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { TestStateCommand, ValidateStateMachineDefinitionCommand } from '@aws-sdk/client-sfn';
import { busArn, INTEGRATIONS, queueArn, stateMachineArn, tableArn } from '../kit/aws/arns.ts';
import { EventTypes, FULFILMENT_SOURCE, ORDERS_SOURCE, type FulfilledOrder, type FulfilmentWorkflow, type Order } from '../kit/contracts.ts';
import { reachable, unguardedVariables, type Condition, type Definition, aslFileProblem } from '../kit/grading/checks/asl.ts';
import { AWS_VS_LOCALSTACK } from '../kit/grading/checks/awsVsLocalStack.ts';
import { itemProblems } from '../kit/grading/checks/dynamoDbItems.ts';
import { ifExists, patternMatches, sampleEvent } from '../kit/grading/checks/evidence.ts';
import { ExecutionFinder, executedStates, explainFailure, failedState, orderIdOf, type Execution } from '../kit/grading/checks/executions.ts';
import { Miss, defineGrader, deployedValue, type GradingContext } from '../kit/grading/checks/grader.ts';
import { lookAtTodo } from '../kit/grading/checks/look.ts';
import { receiveUntil, type BusEvent } from '../kit/grading/checks/observe.ts';
import { stateHops } from '../kit/grading/checks/orderPath.ts';
import { queueUrl } from '../kit/grading/checks/queues.ts';
import { checkGrants, checkTrust, namespacedRole } from '../kit/grading/checks/roles.ts';
import { learnersRule } from '../kit/grading/checks/rules.ts';
import { aslText, fulfilmentMachine, lookAtState, pathToMachine, route, waitedFor, type Machine } from './shared/fulfilment.ts';
import { orderEvent } from './shared/orders.ts';

const stateCalling = (machine: Machine, resource: string) =>
  Object.entries(machine.definition.States ?? {}).find(([, state]) => state.Resource === resource)?.[0];

const sendsToWorkshop = (definition: Definition, start: string | undefined) =>
  [...reachable(definition, start)].filter((name) => definition.States?.[name]?.Resource === INTEGRATIONS.sendMessage);

const attribute = (item: Record<string, AttributeValue> | undefined, name: string) => item?.[name]?.S ?? item?.[name]?.N;
const isTimestamp = (value: string | undefined) => !!value && !Number.isNaN(Date.parse(value));

/** Each of these optimized integrations called by a Task state of the machine: the part of the ASL the task writes. */
function integrationsCalled(context: GradingContext<4>, machine: Machine, integrations: (keyof typeof INTEGRATIONS)[], task: number): void {
  const states = Object.values(machine.definition.States ?? {});
  for (const integration of integrations) {
    const resource = INTEGRATIONS[integration];
    if (!states.some((state) => state.Resource === resource)) {
      throw new Miss({
        expected: `a Task state with "Resource": "${resource}" (the optimized ${integration} integration)`,
        found: `the Task states call ${
          states
            .filter((state) => state.Type === 'Task')
            .map((state) => state.Resource)
            .join(', ') || 'nothing: there are no Task states'
        }`,
        look: lookAtState(context, task),
      });
    }
  }
}

async function explainExecution(context: GradingContext, execution: Execution, order: Order, waited: string): Promise<Miss> {
  const states = await executedStates(context.aws, execution.executionArn);
  const path = await pathToMachine(context, order);
  const hops = stateHops(states);
  if (execution.status !== 'SUCCEEDED' && !hops.some((hop) => hop.kind === 'missed')) hops.push({ kind: 'missed', what: `the execution ${execution.status}` });
  path.reached(`execution ${execution.name}`, execution.status, hops);
  const failed = failedState(states);
  const task = failed?.task ? ` (${failed.task.resource}, rendered parameters ${JSON.stringify(failed.task.parameters)})` : '';
  const input = failed?.input as Record<string, unknown> | undefined;
  const where =
    input && typeof input === 'object' && !('detail' in input)
      ? `The input of "${failed?.name}" has no detail: a state before it replaced it with its result ("ResultPath": null keeps a task's input as it was)`
      : "The machine's input is the whole OrderPlaced event; the order is at $.detail";
  return new Miss({
    expected: `the execution for order ${order.orderId} to succeed`,
    found:
      execution.status === 'RUNNING'
        ? `it was still running, not done ${waited}, in the state "${states.at(-1)?.name}"; the states so far: ${route(states)}`
        : `it ${execution.status.toLowerCase().replace('_', ' ')} in the state "${failed?.name}"${task}: ${explainFailure(failed?.error ?? execution.error, failed?.cause ?? execution.cause)}. ${where}`,
    look: lookAtState(context, 4, failed?.name),
    path,
  });
}

/** The table and the queue are handed over in the starter; the policy of task 1 names them, so a change to them shows there. */
async function tableAndQueue(context: GradingContext<4>): Promise<void> {
  const tableName = context.name('orders');
  const table = (await ifExists(() => context.aws.dynamoDb.send(new DescribeTableCommand({ TableName: tableName }))))?.Table;
  if (!table) {
    const { TableNames = [] } = await context.aws.dynamoDb.send(new ListTablesCommand({}));
    const ours = TableNames.filter((name) => name.startsWith(context.name('')));
    throw new Miss({
      expected: `a DynamoDB table named ${tableName} (np.name('orders')), as the starter creates it`,
      found: `${ours.length ? `only tables named ${ours.join(', ')}` : 'no table with that name'}: the starter's code for the table is handed over, keep it as it is`,
    });
  }
  const key = table.KeySchema ?? [];
  const keyType = table.AttributeDefinitions?.find((definition) => definition.AttributeName === 'orderId')?.AttributeType;
  if (key.length !== 1 || key[0].AttributeName !== 'orderId' || key[0].KeyType !== 'HASH' || keyType !== 'S') {
    throw new Miss({
      expected: 'the table to be keyed by orderId alone: KeySchema [{ AttributeName: "orderId", KeyType: "HASH" }], the attribute of type "S"',
      found: `KeySchema ${JSON.stringify(key)} with attributes ${JSON.stringify(table.AttributeDefinitions)}: the starter's code for the table is handed over, keep it as it is`,
    });
  }
  await queueUrl(context, 'workshop', 1);
}

async function machineRole(context: GradingContext<4>): Promise<void> {
  await tableAndQueue(context);
  const role = await namespacedRole(context, 'fulfilment');
  checkTrust(role, 'states.amazonaws.com');
  const task = (action: string) => `the machine needs it for its ${action.split(':')[1]} task`;
  await checkGrants(context, role, [
    {
      action: 'dynamodb:PutItem',
      resource: tableArn(context.name('orders')),
      what: 'the orders table',
      why: task('dynamodb:putItem'),
      other: tableArn(context.name('another-table')),
      notAction: 'dynamodb:DeleteTable',
    },
    {
      action: 'sqs:SendMessage',
      resource: queueArn(context.name('workshop')),
      what: 'the workshop queue',
      why: task('sqs:sendMessage'),
      other: queueArn(context.name('another-queue')),
      notAction: 'sqs:DeleteQueue',
    },
    {
      action: 'events:PutEvents',
      resource: context.contract(1).busArn,
      what: 'the orders bus',
      why: task('events:putEvents'),
      other: busArn('default'),
      notAction: 'events:DeleteEventBus',
    },
  ]);
}

async function machineInAsl(context: GradingContext<4>): Promise<void> {
  // The file first: asl-validator finds what LocalStack accepts and only fails at run time.
  const machine = await fulfilmentMachine(context, 2);
  const { result, diagnostics = [] } = await context.aws.sfn.send(new ValidateStateMachineDefinitionCommand({ definition: machine.text, type: 'STANDARD' }));
  if (result !== 'OK') {
    throw new Miss({
      expected: 'Step Functions to accept the deployed definition (ValidateStateMachineDefinition)',
      found: diagnostics.map((diagnostic) => `${diagnostic.location ?? ''} ${diagnostic.code}: ${diagnostic.message}`.trim()).join('; '),
      look: lookAtState(context, 2),
    });
  }
  const role = await namespacedRole(context, 'fulfilment');
  if (machine.roleArn !== role.Arn) {
    throw new Miss({ expected: `the machine to run as its role, ${role.Arn} (roleArn)`, found: `roleArn ${machine.roleArn}` });
  }
  const states = Object.entries(machine.definition.States ?? {});
  const lambda = states.find(([, state]) => /lambda/i.test(state.Resource ?? ''));
  if (lambda) {
    throw new Miss({
      expected: 'direct service integrations, no Lambda function: Santa wants to keep costs low',
      found: `the state "${lambda[0]}" calls ${lambda[1].Resource}`,
      look: lookAtState(context, 2, lambda[0]),
    });
  }
  integrationsCalled(context, machine, ['sendMessage'], 2);

  // Step Functions' TestState runs the Choice alone: where do a naughty and a nice order go?
  const choice = [...reachable(machine.definition, machine.definition.StartAt)].find((name) => machine.definition.States?.[name]?.Type === 'Choice');
  if (!choice) {
    throw new Miss({
      expected: 'a Choice state that sends naughty orders (detail.list "naughty") one way and the others another',
      found: 'no Choice state on the way from StartAt',
      look: lookAtState(context, 2),
    });
  }
  const order: Order = { orderId: 'choice-check', child: 'Ada', gift: 'kite', quantity: 1 };
  const [nice, naughty] = await Promise.all(
    [
      { ...order, list: 'nice' as const },
      { ...order, list: 'naughty' as const },
    ].map((sample) =>
      context.aws.sfn.send(
        new TestStateCommand({ definition: JSON.stringify(machine.definition.States![choice]), roleArn: machine.roleArn, input: orderEvent(sample) }),
      ),
    ),
  );
  for (const [list, test] of [
    ['nice', nice],
    ['naughty', naughty],
  ] as const) {
    if (test.status !== 'SUCCEEDED') {
      throw new Miss({
        expected: `the Choice "${choice}" to pick a next state for an OrderPlaced event of a ${list} child`,
        found: `it failed: ${explainFailure(test.error, test.cause)}`,
        look: lookAtState(context, 2, choice),
      });
    }
  }
  const naughtyToWorkshop = sendsToWorkshop(machine.definition, naughty.nextState);
  if (nice.nextState === naughty.nextState || naughtyToWorkshop.length > 0) {
    throw new Miss({
      expected: `the Choice "${choice}" to send a naughty order (detail.list "naughty") on a branch that never reaches the workshop queue; the machine's input is the whole event, so the list is at $.detail.list`,
      found:
        nice.nextState === naughty.nextState
          ? `it sends naughty and nice orders alike to "${naughty.nextState}"`
          : `a naughty order goes to "${naughty.nextState}", which leads to "${naughtyToWorkshop[0]}" and the workshop queue`,
      look: lookAtState(context, 2, choice),
    });
  }
  if (sendsToWorkshop(machine.definition, nice.nextState).length === 0) {
    throw new Miss({
      expected: 'a nice order to reach the state that sends it to the workshop queue (sqs:sendMessage)',
      found: `a nice order goes to "${nice.nextState}", and no state after it sends to the queue`,
      look: lookAtState(context, 2, nice.nextState),
    });
  }
  // A child not on Santa's list has no list field: LocalStack then takes the Default, AWS fails the execution.
  for (const rule of (machine.definition.States![choice]!.Choices ?? []) as Condition[]) {
    const unguarded = unguardedVariables(rule);
    if (unguarded.length > 0) {
      throw new Miss({
        expected: `the Choice "${choice}" to ask whether ${unguarded.join(', ')} is there before comparing it: { "And": [ { "Variable": "${unguarded[0]}", "IsPresent": true }, { "Variable": "${unguarded[0]}", "StringEquals": "naughty" } ], "Next": … }`,
        found: `the rule ${JSON.stringify(rule)}. The order of a child who is on neither list has no list field: LocalStack takes the Default then, AWS fails the execution with States.Runtime`,
        look: lookAtState(context, 2, choice),
      });
    }
  }
  // The third child, on neither list: the Default, a toy, as for a nice child.
  const unlisted = await context.aws.sfn.send(
    new TestStateCommand({ definition: JSON.stringify(machine.definition.States![choice]), roleArn: machine.roleArn, input: orderEvent(order) }),
  );
  if (unlisted.status !== 'SUCCEEDED' || unlisted.nextState !== nice.nextState) {
    throw new Miss({
      expected: `the Choice "${choice}" to give a child on neither list (no detail.list) a toy, as a nice child: by its Default, to "${nice.nextState}"`,
      found:
        unlisted.status === 'SUCCEEDED' ? `it sends such a child to "${unlisted.nextState}"` : `it failed: ${explainFailure(unlisted.error, unlisted.cause)}`,
      look: lookAtState(context, 2, choice),
    });
  }
}

async function startRule(context: GradingContext<4>): Promise<void> {
  const machine = await fulfilmentMachine(context, 3);
  const role = await namespacedRole(context, 'fulfilment-start');
  checkTrust(role, 'events.amazonaws.com', 'EventBridge starts the executions');
  await checkGrants(context, role, [
    {
      action: 'states:StartExecution',
      resource: machine.arn,
      what: 'the fulfilment machine',
      other: stateMachineArn(context.name('another-machine')),
      notAction: 'states:DeleteStateMachine',
    },
  ]);

  const bus = context.contract(1);
  const ruleName = context.name('start-fulfilment');
  const rule = await learnersRule(context, ruleName, bus.busName);
  const pattern = rule.EventPattern ?? '';
  const order: Order = { orderId: 'pattern-check', child: 'Ada', gift: 'kite', quantity: 1, list: 'nice' };
  const matches = await patternMatches(context.aws, pattern, orderEvent(order));
  if (matches !== true) {
    throw new Miss({
      expected: `the rule's pattern to match OrderPlaced events from "${ORDERS_SOURCE}"`,
      found: typeof matches === 'string' ? matches : `the pattern ${pattern}, which does not match one (TestEventPattern)`,
    });
  }
  const fulfilled: FulfilledOrder = { ...order, outcome: 'shipped', fulfilledAt: '2026-12-24T23:59:00Z' };
  const strangers = [
    {
      event: sampleEvent(FULFILMENT_SOURCE, EventTypes.OrderFulfilled, fulfilled),
      why: 'the machine puts OrderFulfilled on this very bus: each one would start another execution, for ever',
    },
    { event: sampleEvent('northpole.toyshop', EventTypes.OrderPlaced, order), why: 'only the orders source places orders' },
    {
      event: sampleEvent(ORDERS_SOURCE, 'OrderCancelled', order),
      why: 'the orders department puts other kinds of events on this bus too, and a cancelled order is not one to fulfil: match the detail-type as well as the source',
    },
  ];
  for (const { event, why } of strangers) {
    if ((await patternMatches(context.aws, pattern, event)) === true) {
      const { source, 'detail-type': detailType } = JSON.parse(event) as BusEvent;
      throw new Miss({
        expected: `the pattern to match only OrderPlaced events from "${ORDERS_SOURCE}"`,
        found: `the pattern ${pattern}, which also matches ${detailType} from "${source}": ${why}`,
      });
    }
  }
  const { Targets = [] } = await context.aws.eventBridge.send(new ListTargetsByRuleCommand({ Rule: ruleName, EventBusName: bus.busName }));
  const target = Targets.find((candidate) => candidate.Arn === machine.arn);
  if (!target) {
    throw new Miss({
      expected: `the fulfilment machine (${machine.arn}) as a target of the rule`,
      found: Targets.length ? `targets ${Targets.map((t) => t.Arn).join(', ')}` : 'no targets',
    });
  }
  if (target.RoleArn !== role.Arn) {
    throw new Miss({
      expected: `the target to have RoleArn ${role.Arn}: EventBridge starts executions as that role`,
      found: target.RoleArn ? `RoleArn ${target.RoleArn}` : 'no RoleArn: on AWS, EventBridge could not start the machine',
    });
  }
  if (target.InputPath || target.Input || target.InputTransformer) {
    throw new Miss({
      expected: 'the target to pass the whole event (no InputPath, Input or InputTransformer); the machine reads the order from $.detail',
      found: `the target reshapes its input (${JSON.stringify({ InputPath: target.InputPath, Input: target.Input, InputTransformer: target.InputTransformer })}); LocalStack cannot start an execution from a reshaped event`,
    });
  }
}

async function realOrders(context: GradingContext<4>): Promise<void> {
  const observer = await context.observers.bus(context.contract(1).busName);
  const machine = await fulfilmentMachine(context, 4);
  integrationsCalled(context, machine, ['putItem', 'putEvents'], 4);
  const workshopUrl = await queueUrl(context, 'workshop', 4);
  const returned = deployedValue(context);
  const expected: Omit<FulfilmentWorkflow, 'workshopQueueUrl'> = {
    stateMachineArn: machine.arn,
    ordersTableName: context.name('orders'),
    workshopQueueArn: queueArn(context.name('workshop')),
    machineRoleArn: (await namespacedRole(context, 'fulfilment')).Arn!,
    ruleName: context.name('start-fulfilment'),
    startRoleArn: (await namespacedRole(context, 'fulfilment-start')).Arn!,
  };
  const wrong = Object.entries(expected).filter(([field, value]) => returned[field as keyof FulfilmentWorkflow] !== value);
  if (wrong.length > 0 || !returned.workshopQueueUrl?.endsWith(`/${context.name('workshop')}`)) {
    throw new Miss({
      expected: `deploy() to return ${JSON.stringify({ ...expected, workshopQueueUrl: workshopUrl })}`,
      found: `it returned ${JSON.stringify(returned)}`,
    });
  }

  // One nice and one naughty order, put on the bus as the orders API would.
  const toy: Order = { orderId: `toy-${context.namespace}`, child: 'Noelle', gift: 'wooden train', quantity: 2, list: 'nice', sku: 'TOY-TRAIN-01' };
  const coal: Order = { orderId: `coal-${context.namespace}`, child: 'Grinch', gift: 'drum kit', quantity: 1, list: 'naughty' };
  const orders = [toy, coal];
  const { FailedEntryCount } = await context.aws.eventBridge.send(
    new PutEventsCommand({
      Entries: orders.map((order) => ({
        EventBusName: context.contract(1).busName,
        Source: ORDERS_SOURCE,
        DetailType: EventTypes.OrderPlaced,
        Detail: JSON.stringify(order),
      })),
    }),
  );
  if (FailedEntryCount) throw new Error(`The grader could not put its orders on the bus (FailedEntryCount ${FailedEntryCount}).`);

  const finder = new ExecutionFinder(context.aws, machine.arn);
  const executions = await finder.waitForOrders(orders.map((order) => order.orderId));
  for (const order of orders) {
    const execution = executions.get(order.orderId);
    if (!execution) {
      const others = finder.seen.map((seen) => orderIdOf(seen.input) ?? seen.name);
      throw new Miss({
        expected: `the OrderPlaced event of order ${order.orderId} to start an execution of ${context.name('fulfilment')} (the rule of task 3)`,
        found: `no execution for it ${waitedFor(finder.lastWait)}${others.length ? `; the machine ran only for ${others.join(', ')}` : ': the machine never ran'}`,
        look: lookAtTodo(context, 3),
        path: (await pathToMachine(context, order)).missed(`an execution of ${context.name('fulfilment')}`, `none started ${waitedFor(finder.lastWait)}`),
      });
    }
    if (execution.status !== 'SUCCEEDED') throw await explainExecution(context, execution, order, waitedFor(finder.lastWait));
  }

  const coalStates = await executedStates(context.aws, executions.get(coal.orderId)!.executionArn);
  const coalToWorkshop = coalStates.find((state) => state.task?.resource === 'sqs:sendMessage');
  if (coalToWorkshop) {
    throw new Miss({
      expected: `a naughty order to get coal: no message to the workshop queue`,
      found: `the execution for ${coal.orderId} went ${route(coalStates)}, and "${coalToWorkshop.name}" sent it to the workshop`,
      look: lookAtState(context, 4, coalStates[0]?.name),
    });
  }

  // What the putItem task really sent: AWS refuses an untyped or wrongly typed value, LocalStack stores it.
  for (const order of orders) {
    const states = order === coal ? coalStates : await executedStates(context.aws, executions.get(order.orderId)!.executionArn);
    const put = states.find((state) => state.task?.resource === 'dynamodb:putItem');
    const problems = itemProblems((put?.task?.parameters as { Item?: unknown } | undefined)?.Item);
    if (put && problems.length > 0) {
      throw new Miss({
        expected: `"${put.name}" to send DynamoDB typed values, numbers as strings: { "N.$": "States.JsonToString($.detail.quantity)" }`,
        found: `for order ${order.orderId} it sent ${problems.join('; ')}. LocalStack accepts this and stores the item; AWS would fail the task (States.Runtime: "The value for the field 'N' must be a STRING") and the execution with it (${AWS_VS_LOCALSTACK})`,
        look: lookAtState(context, 4, put.name),
      });
    }
  }

  for (const [order, outcome] of [
    [toy, 'shipped'],
    [coal, 'coal'],
  ] as const) {
    const { Item } = await context.aws.dynamoDb.send(
      new GetItemCommand({ TableName: context.name('orders'), Key: { orderId: { S: order.orderId } }, ConsistentRead: true }),
    );
    const problems = [
      ...(['child', 'gift'] as const).map(
        (field) => Item?.[field]?.S !== order[field] && `${field} should be the string ${JSON.stringify(order[field])}, not ${JSON.stringify(Item?.[field])}`,
      ),
      Item?.quantity?.N !== String(order.quantity) &&
        `quantity should be the number ${order.quantity} ({ "N": "${order.quantity}" }), not ${JSON.stringify(Item?.quantity)}`,
      attribute(Item, 'status') !== 'fulfilled' && `status should be "fulfilled", not ${JSON.stringify(attribute(Item, 'status'))}`,
      attribute(Item, 'outcome') !== outcome && `outcome should be "${outcome}", not ${JSON.stringify(attribute(Item, 'outcome'))}`,
      !isTimestamp(attribute(Item, 'placedAt')) && `placedAt should be a timestamp (the event's $.time), not ${JSON.stringify(attribute(Item, 'placedAt'))}`,
      !isTimestamp(attribute(Item, 'fulfilledAt')) && `fulfilledAt should be a timestamp, not ${JSON.stringify(attribute(Item, 'fulfilledAt'))}`,
    ].filter(Boolean);
    if (!Item || problems.length > 0) {
      throw new Miss({
        expected: `an item for order ${order.orderId} in ${context.name('orders')} with its child, gift and quantity, status "fulfilled", outcome "${outcome}", placedAt and fulfilledAt`,
        found: Item ? `${JSON.stringify(Item)}: ${problems.join('; ')}` : 'no item with that orderId (GetItem), though the execution succeeded',
        look: lookAtState(context, 4, stateCalling(machine, INTEGRATIONS.putItem)),
      });
    }
  }

  const inWorkshop: unknown[] = [];
  const parseBody = (message: { Body?: string }) => {
    try {
      return JSON.parse(message.Body ?? '') as unknown;
    } catch {
      return message.Body;
    }
  };
  const toyMessage = await receiveUntil(context.aws, workshopUrl, parseBody, (body) => orderIdOf(body) === toy.orderId, inWorkshop, 2_000);
  if (!toyMessage) {
    throw new Miss({
      expected: `the order ${toy.orderId} as a message on the workshop queue (MessageBody: the order, $.detail)`,
      found: inWorkshop.length
        ? `only ${inWorkshop.map((body) => JSON.stringify(body)).join(', ')}`
        : 'no message on the queue, though the execution succeeded',
      look: lookAtState(context, 4, stateCalling(machine, INTEGRATIONS.sendMessage)),
    });
  }

  for (const [order, outcome] of [
    [toy, 'shipped'],
    [coal, 'coal'],
  ] as const) {
    const ours = (event: BusEvent) => event.detail?.orderId === order.orderId && event['detail-type'] !== EventTypes.OrderPlaced;
    const announced = await observer.waitFor(ours, 2_000);
    const problems =
      announced &&
      [
        announced.source !== FULFILMENT_SOURCE && `source "${announced.source}", not "${FULFILMENT_SOURCE}"`,
        announced['detail-type'] !== EventTypes.OrderFulfilled && `detail-type "${announced['detail-type']}", not "${EventTypes.OrderFulfilled}"`,
        (announced.detail.child !== order.child || announced.detail.gift !== order.gift || announced.detail.quantity !== order.quantity) &&
          'the detail should carry the order (child, gift, quantity, …)',
        announced.detail.outcome !== outcome && `outcome ${JSON.stringify(announced.detail.outcome)}, not "${outcome}"`,
        !isTimestamp(announced.detail.fulfilledAt as string | undefined) && `fulfilledAt ${JSON.stringify(announced.detail.fulfilledAt)}, not a timestamp`,
      ].filter(Boolean);
    if (!announced || problems!.length > 0) {
      throw new Miss({
        expected: `an ${EventTypes.OrderFulfilled} event from "${FULFILMENT_SOURCE}" on ${observer.busName} for order ${order.orderId}, its detail the order with outcome "${outcome}" and fulfilledAt`,
        found: announced
          ? `${JSON.stringify({ source: announced.source, 'detail-type': announced['detail-type'], detail: announced.detail })}: ${problems!.join('; ')}`
          : 'no event for it, though the execution succeeded (EventBusName?)',
        look: lookAtState(context, 4, stateCalling(machine, INTEGRATIONS.putEvents)),
      });
    }
  }
}

export default defineGrader<4>({
  // The machine sends the order of every child not on the naughty list to the workshop.
  sinks: (deployed) => [
    { name: 'the workshop queue', queueUrl: deployed.workshopQueueUrl, receives: (order) => order.list !== 'naughty', delivery: 'every-event' },
  ],

  prepare: async (context) => {
    // The bus is watched before the learner's code runs, so that no event it puts there is missed.
    await context.observers.bus(context.contract(1).busName);
    // asl-validator takes a few hundred milliseconds of this thread: spent while the learner's deploy runs, remembered for Task 2.
    setImmediate(() => aslFileProblem(aslText(context)));
  },

  tasks: {
    1: machineRole,
    2: machineInAsl,
    3: startRule,
    4: realOrders,
  },
});
