import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { EventTypes, ORDERS_SOURCE, type Department, type OrderRouting, type OrdersBus } from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

// Task 1: a department is a queue that only its own rule may send to
async function departmentQueue(np: NorthPole, ordersBus: OrdersBus, base: string): Promise<Department> {
  const queueName = np.name(base);
  const ruleName = np.name(base);
  const queueArn = `arn:aws:sqs:${np.region}:${np.accountId}:${queueName}`;
  const ruleArn = `arn:aws:events:${np.region}:${np.accountId}:rule/${ordersBus.busName}/${ruleName}`;
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  };
  const { QueueUrl } = await np.sqs.send(new CreateQueueCommand({ QueueName: queueName, Attributes: { Policy: JSON.stringify(policy) } }));
  return { ruleName, queueUrl: QueueUrl!, queueArn };
}

// Tasks 2 to 4: a rule per department, on order events from the orders producer only
async function route(np: NorthPole, ordersBus: OrdersBus, department: Department, detail: Record<string, unknown>): Promise<void> {
  const pattern = { source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced], detail };
  await np.eventBridge.send(new PutRuleCommand({ Name: department.ruleName, EventBusName: ordersBus.busName, EventPattern: JSON.stringify(pattern) }));
  // Task 5: the elves want the order, not the envelope around it
  await np.eventBridge.send(
    new PutTargetsCommand({ Rule: department.ruleName, EventBusName: ordersBus.busName, Targets: [{ Id: 'department', Arn: department.queueArn, InputPath: '$.detail' }] }),
  );
}

export async function deploy(np: NorthPole, ordersBus: OrdersBus): Promise<OrderRouting> {
  const [toyWorkshop, coalDepot, heavyLift, giftWrap, expressDesk] = await Promise.all(
    ['toy-workshop', 'coal-depot', 'heavy-lift', 'gift-wrap', 'express-desk'].map((base) => departmentQueue(np, ordersBus, base)),
  );

  await Promise.all([
    // Task 2: toys for children on the nice list
    route(np, ordersBus, toyWorkshop, { list: ['nice'], sku: [{ prefix: 'TOY-' }] }),
    // Task 3: coal for every child on the list who is not nice; gifts over 20 kg need the heavy-lift team
    route(np, ordersBus, coalDepot, { list: [{ 'anything-but': 'nice' }] }),
    route(np, ordersBus, heavyLift, { weightKg: [{ numeric: ['>', 20] }] }),
    // Task 4: exists works on values, not objects: ask for the paper, not for giftWrap
    route(np, ordersBus, giftWrap, { giftWrap: { paper: [{ exists: true }] } }),
    route(np, ordersBus, expressDesk, { $or: [{ express: [true] }, { quantity: [{ numeric: ['>=', 10] }] }] }),
  ]);

  return { toyWorkshop, coalDepot, heavyLift, giftWrap, expressDesk };
}

// Task 6: a new consumer, and nothing else on the bus changes
export async function addDepartment(np: NorthPole, ordersBus: OrdersBus): Promise<Department> {
  const library = await departmentQueue(np, ordersBus, 'library');
  await route(np, ordersBus, library, { sku: [{ prefix: 'BOOK-' }] });
  return library;
}
