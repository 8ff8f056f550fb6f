import type { ReadmePromise, WrongAnswer } from './wrongAnswer.ts';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'policyForSns',
    mistake: 'The queue policy is copied from an SNS example: it lets sns.amazonaws.com send, not EventBridge.',
    failsAt: 2,
    edits: [{ find: "Principal: { Service: 'events.amazonaws.com' }", replace: "Principal: { Service: 'sns.amazonaws.com' }" }],
  },
  {
    name: 'sourceArnWithoutBus',
    mistake:
      'The condition names the rule as if it were on the default bus: on AWS the observer on a custom bus is rule/<bus>/<rule>, the condition never holds, and the elf log stays empty.',
    failsAt: 2,
    says: /LocalStack accepts this[\s\S]*leaves out the bus/,
    edits: [{ find: 'rule/${busName}/${ruleName}', replace: 'rule/${ruleName}' }],
  },
  {
    name: 'sourceArnIsBus',
    mistake: 'The condition names the orders bus: EventBridge sends as the rule, so AWS would refuse every delivery.',
    failsAt: 2,
    says: /LocalStack accepts this[\s\S]*bus's ARN/,
    edits: [{ find: "'aws:SourceArn': ruleArn", replace: "'aws:SourceArn': busArn!" }],
  },
  {
    name: 'queueOpenToEveryone',
    mistake: 'Principal "*" without a condition: EventBridge may send to the elf log, and so may anyone in any account.',
    failsAt: 2,
    says: /any AWS account/,
    edits: [
      { find: "Principal: { Service: 'events.amazonaws.com' }", replace: "Principal: '*'" },
      { find: "              Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },\n", replace: '' },
    ],
  },
  {
    name: 'targetWithRoleArn',
    mistake: 'The queue target gets a RoleArn: LocalStack ignores it, AWS says an SQS target takes none and delivery may fail.',
    failsAt: 3,
    says: /RoleArn/,
    edits: [
      {
        find: "Targets: [{ Id: 'elf-log', Arn: elfLogQueueArn }]",
        replace: "Targets: [{ Id: 'elf-log', Arn: elfLogQueueArn, RoleArn: `arn:aws:iam::${np.accountId}:role/${np.name('elf-log')}` }]",
      },
    ],
  },
  {
    name: 'patternTooBroad',
    mistake: 'A prefix pattern also routes every other northpole.* source to the elf log.',
    failsAt: 3,
    edits: [{ find: "JSON.stringify({ source: ['northpole.orders'] })", replace: "JSON.stringify({ source: [{ prefix: 'northpole' }] })" }],
  },
  {
    name: 'patternWithFulfilment',
    mistake:
      "The elf log's rule takes the fulfilment's events too: from exercise 4 on, every order would reach the elf log twice, once placed and once fulfilled.",
    failsAt: 3,
    says: /OrderFulfilled event from "northpole.fulfilment"/,
    edits: [{ find: "JSON.stringify({ source: ['northpole.orders'] })", replace: "JSON.stringify({ source: ['northpole.orders', 'northpole.fulfilment'] })" }],
  },
  {
    name: 'patternOnDetailType',
    mistake: "Matching on detail-type alone also lets another producer's OrderPlaced events into the elf log.",
    failsAt: 3,
    edits: [{ find: "JSON.stringify({ source: ['northpole.orders'] })", replace: "JSON.stringify({ 'detail-type': ['OrderPlaced'] })" }],
  },
  {
    name: 'ruleWithoutTarget',
    mistake: 'The rule is there but has no target, so orders go nowhere.',
    failsAt: 3,
    edits: [
      {
        find: "  await np.eventBridge.send(new PutTargetsCommand({ Rule: ruleName, EventBusName: busName, Targets: [{ Id: 'elf-log', Arn: elfLogQueueArn }] }));\n",
        replace: '',
      },
    ],
  },
  {
    name: 'wrongDetailType',
    mistake: 'The producer names the event OrderCreated, not the OrderPlaced the consumers expect.',
    failsAt: 4,
    edits: [{ find: "DetailType: 'OrderPlaced'", replace: "DetailType: 'OrderCreated'" }],
  },
  {
    name: 'defaultBus',
    mistake: 'The producer leaves out EventBusName, so the order lands on the default bus.',
    failsAt: 4,
    edits: [{ find: 'EventBusName: bus.busName, ', replace: '' }],
  },
  {
    name: 'starterBus',
    mistake: "Task 1 as the starter ships it: no bus is created, and busArn stays ''.",
    failsAt: 1,
    starterPart: true,
    edits: [
      {
        find: `  const { EventBusArn: busArn } = await np.eventBridge.send(new CreateEventBusCommand({ Name: busName }));
`,
        replace: `  const busArn = '';
`,
      },
    ],
  },
  {
    name: 'starterElfLog',
    mistake: "Task 2 as the starter ships it: no queue, no policy, its URL and ARN left ''.",
    failsAt: 2,
    starterPart: true,
    edits: [
      {
        find: `  const { QueueUrl: elfLogQueueUrl } = await np.sqs.send(new CreateQueueCommand({ QueueName: np.name('elf-log') }));
  const { Attributes } = await np.sqs.send(new GetQueueAttributesCommand({ QueueUrl: elfLogQueueUrl, AttributeNames: ['QueueArn'] }));
  const elfLogQueueArn = Attributes!.QueueArn!;
`,
        replace: `  const elfLogQueueUrl = '';
  const elfLogQueueArn = '';
`,
      },
      {
        find: `  await np.sqs.send(
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
`,
        replace: '',
      },
    ],
  },
  {
    name: 'starterElfLogRule',
    mistake: 'Task 3 as the starter ships it: no rule, so no event reaches the elf log.',
    failsAt: 3,
    starterPart: true,
    edits: [
      {
        find: `  // Task 3: a rule that sends every order event to the elf log
  await np.eventBridge.send(
    new PutRuleCommand({ Name: ruleName, EventBusName: busName, EventPattern: JSON.stringify({ source: ['northpole.orders'] }) }),
  );
  await np.eventBridge.send(new PutTargetsCommand({ Rule: ruleName, EventBusName: busName, Targets: [{ Id: 'elf-log', Arn: elfLogQueueArn }] }));
`,
        replace: `  // TODO (Task 3): put a rule np.name('elf-log-observer') on the orders bus whose pattern matches
  // events with source "northpole.orders", and make the elf log queue its target.
`,
      },
    ],
  },
  {
    name: 'starterProducer',
    mistake: 'Task 4 as the starter ships it: placeOrder() puts nothing on the bus.',
    failsAt: 4,
    starterPart: true,
    edits: [
      {
        find: `  const { FailedEntryCount, Entries } = await np.eventBridge.send(
    new PutEventsCommand({
      Entries: [{ EventBusName: bus.busName, Source: 'northpole.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(order) }],
    }),
  );
  if (FailedEntryCount) throw new Error(\`The order was not put on the bus: \${Entries?.[0]?.ErrorMessage}\`);
`,
        replace: `  // TODO (Task 4): put one event on the orders bus: source "northpole.orders",
  // detail-type "OrderPlaced", and the order as its detail (a JSON string).
`,
      },
    ],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence: 'so the grader reads the policy as AWS would: a condition that could never hold',
    provedBy: ['policyForSns', 'sourceArnWithoutBus', 'sourceArnIsBus', 'queueOpenToEveryone'],
  },
  {
    sentence: 'The grader turns away a `RoleArn` on the target, which LocalStack ignores.',
    provedBy: ['targetWithRoleArn'],
  },
  {
    sentence: 'This is not graded: LocalStack 4.13.1 accepts the entries AWS would reject',
    provedBy: [],
  },
  {
    sentence: "does not match a weather event, another shop's order or the workshop's `OrderFulfilled`",
    provedBy: ['patternTooBroad', 'patternOnDetailType', 'patternWithFulfilment'],
  },
  {
    sentence: 'The grader creates nothing for you: it reads what your `deploy()` made in LocalStack',
    provedBy: ['patternTooBroad', 'patternWithFulfilment', 'patternOnDetailType', 'ruleWithoutTarget', 'wrongDetailType', 'defaultBus'],
  },
];
