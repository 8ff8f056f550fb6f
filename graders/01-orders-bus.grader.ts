import { DescribeEventBusCommand, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { busArn, queueArn, ruleArn } from '../kit/aws/arns.ts';
import { FULFILMENT_SOURCE, ORDERS_SOURCE, type Order, type OrdersBus } from '../kit/contracts.ts';
import { targetRoleProblem } from '../kit/grading/checks/awsVsLocalStack.ts';
import { Deadline } from '../kit/grading/checks/deadline.ts';
import { ifExists, patternMatches, sampleEvent } from '../kit/grading/checks/evidence.ts';
import { Miss, defineGrader, type GradingContext } from '../kit/grading/checks/grader.ts';
import { DELIVERY_DEADLINE_MS, parseEvent, receiveUntil, type BusEvent } from '../kit/grading/checks/observe.ts';
import { OrderPath } from '../kit/grading/checks/orderPath.ts';
import { deliveryProblem } from '../kit/grading/checks/resourcePolicies.ts';

async function elfLogQueueUrl(context: GradingContext): Promise<string | undefined> {
  return (await ifExists(() => context.aws.sqs.send(new GetQueueUrlCommand({ QueueName: context.name('elf-log') }))))?.QueueUrl;
}

async function observerRule(context: GradingContext) {
  const { Rules = [] } = await context.aws.eventBridge.send(new ListRulesCommand({ EventBusName: context.name('orders'), NamePrefix: context.name('') }));
  return { rule: Rules.find((rule) => rule.Name === context.name('elf-log-observer')), others: Rules.map((rule) => rule.Name) };
}

export default defineGrader<1>({
  // The elf log keeps every order event, a placed duplicate twice: it logs, it does not decide.
  sinks: (deployed) => [{ name: 'the elf log', queueUrl: deployed.elfLogQueueUrl, receives: () => true, delivery: 'every-event' }],

  tasks: {
    1: async (context) => {
      const bus = await ifExists(() => context.aws.eventBridge.send(new DescribeEventBusCommand({ Name: context.name('orders') })));
      if (!bus) {
        throw new Miss({ expected: `a custom event bus named ${context.name('orders')} (np.name('orders'))`, found: 'no event bus with that name' });
      }
    },

    2: async (context) => {
      const url = await elfLogQueueUrl(context);
      if (!url) throw new Miss({ expected: `an SQS queue named ${context.name('elf-log')} (np.name('elf-log'))`, found: 'no queue with that name' });
      const { Attributes = {} } = await context.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }));
      // AWS reads the policy for every delivery; LocalStack never does, so the grader plays AWS.
      const problem = deliveryProblem({
        what: `the elf log queue (${context.name('elf-log')})`,
        policy: Attributes.Policy,
        resource: queueArn(context.name('elf-log')),
        action: 'sqs:SendMessage',
        sender: { service: 'events.amazonaws.com', sourceArn: ruleArn(context.name('orders'), context.name('elf-log-observer')) },
        busArn: busArn(context.name('orders')),
      });
      if (problem) throw new Miss(problem);
    },

    3: async (context) => {
      const { rule, others } = (await ifExists(() => observerRule(context))) ?? { rule: undefined, others: [] };
      if (!rule) {
        throw new Miss({
          expected: `a rule named ${context.name('elf-log-observer')} on the bus ${context.name('orders')}`,
          found: others.length ? `rules named ${others.join(', ')}` : 'no rules on the orders bus',
        });
      }
      if (rule.State !== 'ENABLED') throw new Miss({ expected: 'the rule to be ENABLED', found: `its state is ${rule.State}` });
      const pattern = rule.EventPattern ?? '';
      const order = { orderId: 'sample-1', child: 'Ada', gift: 'sled', quantity: 1 };
      const matchesOrder = await patternMatches(context.aws, pattern, sampleEvent(ORDERS_SOURCE, 'OrderPlaced', order));
      if (matchesOrder !== true) {
        throw new Miss({
          expected: `the rule's pattern to match an OrderPlaced event with source "${ORDERS_SOURCE}"`,
          found: typeof matchesOrder === 'string' ? matchesOrder : `the pattern ${pattern}, which does not match it (TestEventPattern)`,
        });
      }
      // Events from other sources must stay out, whatever they are called: the weather, another shop's
      // orders, and the fulfilment's own events, which later steps put on this bus.
      const strangers = [
        sampleEvent('northpole.weather', 'SnowForecast', { cm: 40 }),
        sampleEvent('northpole.toyshop', 'OrderPlaced', order),
        sampleEvent(FULFILMENT_SOURCE, 'OrderFulfilled', { ...order, outcome: 'shipped', fulfilledAt: '2026-12-24T22:00:00Z' }),
      ];
      for (const stranger of strangers) {
        if ((await patternMatches(context.aws, pattern, stranger)) === true) {
          const { source, 'detail-type': detailType } = JSON.parse(stranger) as { source: string; 'detail-type': string };
          throw new Miss({
            expected: `the pattern to match only events whose source is "${ORDERS_SOURCE}"`,
            found: `the pattern ${pattern}, which also matches the ${detailType} event from "${source}"`,
          });
        }
      }
      const { Targets = [] } = await context.aws.eventBridge.send(new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: context.name('orders') }));
      const wanted = queueArn(context.name('elf-log'));
      const target = Targets.find((candidate) => candidate.Arn === wanted);
      if (!target) {
        throw new Miss({
          expected: `the elf log queue (${wanted}) as a target of the rule`,
          found: Targets.length ? `targets ${Targets.map((t) => t.Arn).join(', ')}` : 'no targets',
        });
      }
      const withRole = targetRoleProblem(target, 'the elf log queue');
      if (withRole) throw new Miss(withRole);
    },

    4: async (context) => {
      const observer = await context.observers.bus(context.name('orders'));
      const bus: OrdersBus = {
        busName: context.name('orders'),
        busArn: busArn(context.name('orders')),
        elfLogQueueUrl: (await elfLogQueueUrl(context))!,
        elfLogQueueArn: queueArn(context.name('elf-log')),
      };
      const order: Order = { orderId: `order-${context.namespace}`, child: 'Noelle', gift: 'wooden train', quantity: 1 };
      const path = new OrderPath(order.orderId);
      const placed = await context.callLearner('placeOrder', bus, order);
      if (placed.kind !== 'returned') {
        throw new Miss({ expected: 'placeOrder() to put the event on the bus', found: `placeOrder() failed: ${placed.message}` });
      }
      path.reached('placeOrder() returned');
      const isOurs = (event: BusEvent) => event.detail?.orderId === order.orderId;
      const toBus = new Deadline(DELIVERY_DEADLINE_MS);
      const onBus = path.busEvent(bus.busName, await observer.waitFor(isOurs, toBus, `order ${order.orderId} on ${bus.busName}`), toBus);
      if (!onBus) {
        const seen = observer.seen.map((event) => `${event.source}/${event['detail-type']}`);
        throw new Miss({
          expected: `an event with source "${ORDERS_SOURCE}", detail-type "OrderPlaced" and the order as detail on ${bus.busName}`,
          found: seen.length
            ? `only ${seen.join(', ')} on the bus, none with orderId ${order.orderId}`
            : 'no event on the bus at all (EventBusName? FailedEntryCount?)',
          path,
        });
      }
      if (onBus.source !== ORDERS_SOURCE || onBus['detail-type'] !== 'OrderPlaced') {
        await path.rules(context.aws, bus.busName, onBus, { ownPrefix: context.name(''), expected: [context.name('elf-log-observer')] });
        throw new Miss({
          expected: `source "${ORDERS_SOURCE}" and detail-type "OrderPlaced"`,
          found: `source "${onBus.source}" and detail-type "${onBus['detail-type']}"`,
          path,
        });
      }
      const toElfLog = new Deadline(DELIVERY_DEADLINE_MS);
      const inElfLog = await receiveUntil(context.aws, bus.elfLogQueueUrl, parseEvent, isOurs, [], toElfLog, {
        what: `order ${order.orderId} in the elf log`,
        say: context.say,
      });
      if (!inElfLog) {
        await path.rules(context.aws, bus.busName, onBus, { ownPrefix: context.name(''), expected: [context.name('elf-log-observer')] });
        path.missed(`the event in the elf log ${context.name('elf-log')}`, `not there ${toElfLog.within()}`);
        throw new Miss({
          expected: 'the OrderPlaced event in the elf log queue',
          found: 'the event reached the bus, but the rule did not deliver it to the elf log',
          path,
        });
      }
    },
  },
});
