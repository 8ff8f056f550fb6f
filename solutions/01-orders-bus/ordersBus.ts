import { CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { OrdersBus, Order } from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

export async function deploy(np: NorthPole): Promise<OrdersBus> {
  // Task 1: the orders bus
  const busName = np.name('orders');
  const { EventBusArn: busArn } = await np.eventBridge.send(new CreateEventBusCommand({ Name: busName }));

  // Task 2: the elf log queue, and a policy that lets EventBridge send to it
  const { QueueUrl: elfLogQueueUrl } = await np.sqs.send(new CreateQueueCommand({ QueueName: np.name('elf-log') }));
  const { Attributes } = await np.sqs.send(new GetQueueAttributesCommand({ QueueUrl: elfLogQueueUrl, AttributeNames: ['QueueArn'] }));
  const elfLogQueueArn = Attributes!.QueueArn!;
  const ruleName = np.name('elf-log-observer');
  const ruleArn = `arn:aws:events:${np.region}:${np.accountId}:rule/${busName}/${ruleName}`;
  await np.sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: elfLogQueueUrl,
      Attributes: {
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: elfLogQueueArn,
              Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
            },
          ],
        }),
      },
    }),
  );

  // Task 3: a rule that sends every order event to the elf log
  await np.eventBridge.send(
    new PutRuleCommand({ Name: ruleName, EventBusName: busName, EventPattern: JSON.stringify({ source: ['northpole.orders'] }) }),
  );
  await np.eventBridge.send(new PutTargetsCommand({ Rule: ruleName, EventBusName: busName, Targets: [{ Id: 'elf-log', Arn: elfLogQueueArn }] }));

  return { busName, busArn: busArn!, elfLogQueueUrl: elfLogQueueUrl!, elfLogQueueArn };
}

// Task 4: the producer
export async function placeOrder(np: NorthPole, bus: OrdersBus, order: Order): Promise<void> {
  const { FailedEntryCount, Entries } = await np.eventBridge.send(
    new PutEventsCommand({
      Entries: [{ EventBusName: bus.busName, Source: 'northpole.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(order) }],
    }),
  );
  if (FailedEntryCount) throw new Error(`The order was not put on the bus: ${Entries?.[0]?.ErrorMessage}`);
}
