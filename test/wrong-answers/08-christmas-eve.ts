import type { ReadmePromise, WrongAnswer } from './wrongAnswer.ts';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'archiveBySourceOnly',
    mistake:
      'The archive keeps every event from northpole.orders: fine while OrderPlaced is the only one, and a cancellation would be archived and replayed too.',
    failsAt: 1,
    says: /OrderCancelled from northpole\.orders/,
    edits: [
      {
        find: "      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] }),\n      RetentionDays",
        replace: '      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE] }),\n      RetentionDays',
      },
    ],
  },
  {
    name: 'lettersBySourceOnly',
    mistake: 'The letters rule matches every event from northpole.orders that is not a replay: any other event of the orders service sends a letter too.',
    failsAt: 2,
    says: /OrderCancelled from northpole\.orders/,
    edits: [
      {
        find: "EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced], 'replay-name'",
        replace: "EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'replay-name'",
      },
    ],
  },
  {
    name: 'lettersPolicyNamesRuleWithoutBus',
    mistake:
      'The letters queue policy allows EventBridge only for aws:SourceArn rule/<rule>, without the bus: LocalStack never reads conditions; on AWS the ARN is rule/<bus>/<rule>, so every letter is refused.',
    failsAt: 2,
    says: /LocalStack accepts this; AWS would refuse every delivery.*leaves out the bus/,
    edits: [
      {
        find: "Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: lettersQueueArn }],",
        replace:
          "Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: lettersQueueArn, Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:events:${np.region}:${np.accountId}:rule/${lettersName}` } } }],",
      },
    ],
  },
  {
    name: 'recoverSaysCompleted',
    mistake: 'recover() starts the replay and reports COMPLETED without asking: on LocalStack the replay has finished by then, on AWS it is only starting.',
    failsAt: 4,
    says: /without asking DescribeReplay once/,
    edits: [
      { find: '  // Task 4: the orders are back on the bus only once the replay has completed\n', replace: "  return { replayName, state: 'COMPLETED' };\n" },
    ],
  },
  {
    name: 'recoverWithoutPause',
    mistake: 'recover() polls DescribeReplay without a pause between calls: hundreds of calls a second while the replay runs.',
    failsAt: 4,
    says: /a loop without a pause/,
    edits: [{ find: '    await new Promise((resolve) => setTimeout(resolve, 200));\n', replace: '' }],
  },
  {
    name: 'recoverWaitsOutFailed',
    mistake: 'recover() treats FAILED as "not yet": it keeps asking until its deadline instead of saying at once that the replay failed.',
    failsAt: 4,
    says: /FAILED is final/,
    edits: [{ find: "if (State === 'FAILED' || State === 'CANCELLED') throw", replace: "if (State === 'CANCELLED') throw" }],
  },
  {
    name: 'replayNameNotFromWindow',
    mistake: "The replay is always named np.name('outage'): the first recovery works, the next one is refused, since a replay name can be used once only.",
    failsAt: 4,
    looksAt: 3,
    says: /a replay's name can be used once only/,
    edits: [{ find: 'const replayName = np.name(`outage-${Date.parse(window.start) / 1000}`);', replace: "const replayName = np.name('outage');" }],
  },
  {
    name: 'archiveWithoutPattern',
    mistake: 'The archive has no pattern, so it keeps OrderFulfilled too: a replay would announce fulfilments again.',
    failsAt: 1,
    edits: [
      {
        find: "      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] }),\n      RetentionDays: 30,",
        replace: '      RetentionDays: 30,',
      },
    ],
  },
  {
    name: 'archiveKeepsEveryNorthPoleEvent',
    mistake: 'The archive keeps every event whose source starts with "northpole.", fulfilment events included.',
    failsAt: 1,
    edits: [
      {
        find: "      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] }),\n      RetentionDays",
        replace: "      EventPattern: JSON.stringify({ source: [{ prefix: 'northpole.' }] }),\n      RetentionDays",
      },
    ],
  },
  {
    name: 'lettersSeeReplays',
    mistake: 'The letters rule does not exclude replayed events: after an outage, every child in the window gets a second letter.',
    failsAt: 2,
    edits: [{ find: ", 'replay-name': [{ exists: false }] })", replace: ' })' }],
  },
  {
    name: 'lettersForEveryOrderEvent',
    mistake: 'The letters rule matches every event from the orders bus by source prefix, so OrderFulfilled sends a letter too.',
    failsAt: 2,
    edits: [
      {
        find: "EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced], 'replay-name'",
        replace: "EventPattern: JSON.stringify({ source: [{ prefix: 'northpole.' }], 'replay-name'",
      },
    ],
  },
  {
    name: 'replayToWholeBus',
    mistake: 'The replay has no FilterArns: on AWS it reaches every rule on the bus, and LocalStack does the same whatever FilterArns says.',
    failsAt: 3,
    edits: [
      { find: 'Destination: { Arn: christmasEve.busArn, FilterArns: [christmasEve.fulfilmentRuleArn] }', replace: 'Destination: { Arn: christmasEve.busArn }' },
    ],
  },
  {
    name: 'replayWindowBeforeOutage',
    mistake: 'The replay covers the hour before the outage and ends where it begins: the missed orders are never replayed.',
    failsAt: 3,
    edits: [
      {
        find: 'EventStartTime: new Date(window.start),\n      EventEndTime: new Date(window.end),',
        replace: 'EventStartTime: new Date(Date.parse(window.start) - 3_600_000),\n      EventEndTime: new Date(window.start),',
      },
    ],
  },
  {
    name: 'replayEverything',
    mistake: 'The replay starts at the beginning of the archive instead of the outage: every order ever placed goes back on the bus.',
    failsAt: 3,
    edits: [{ find: 'EventStartTime: new Date(window.start),', replace: 'EventStartTime: new Date(0),' }],
  },
  {
    name: 'recoverReportsNoState',
    mistake: 'recover() starts the replay and returns only its name, without waiting: the caller cannot tell whether the missed orders are back on the bus.',
    failsAt: 4,
    edits: [{ find: '  // Task 4: the orders are back on the bus only once the replay has completed\n', replace: '  return { replayName } as Recovery;\n' }],
  },

  {
    name: 'starterArchive',
    mistake: 'Task 1 as the starter ships it: no archive.',
    failsAt: 1,
    starterPart: true,
    edits: [
      {
        find: `  // Task 1: keep every order placed, and only those: a replay puts them on the bus again
  const archiveName = np.name('orders-archive');
  const { ArchiveArn } = await np.eventBridge.send(
    new CreateArchiveCommand({
      ArchiveName: archiveName,
      EventSourceArn: ordersBus.busArn,
      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] }),
      RetentionDays: 30,
    }),
  );
`,
        replace: `  // TODO (Task 1): create the archive np.name('orders-archive') on the orders bus (ordersBus.busArn),
  // with an event pattern that keeps OrderPlaced events from ORDERS_SOURCE and nothing else.
  const archiveName = np.name('orders-archive');
  const archiveArn = '';
`,
      },
    ],
  },
  {
    name: 'starterLetters',
    mistake: 'Task 2 as the starter ships it: no letters queue and no rule to it.',
    failsAt: 2,
    starterPart: true,
    edits: [
      {
        find: `  // Task 2: a letter for each order placed, never a second one for the same order replayed
  const lettersName = np.name('letters');
  const lettersQueueArn = \`arn:aws:sqs:\${np.region}:\${np.accountId}:\${lettersName}\`;
  const { QueueUrl } = await np.sqs.send(
    new CreateQueueCommand({
      QueueName: lettersName,
      Attributes: {
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: lettersQueueArn }],
        }),
      },
    }),
  );
  await np.eventBridge.send(
    new PutRuleCommand({
      Name: lettersName,
      EventBusName: ordersBus.busName,
      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced], 'replay-name': [{ exists: false }] }),
    }),
  );
  await np.eventBridge.send(
    new PutTargetsCommand({ Rule: lettersName, EventBusName: ordersBus.busName, Targets: [{ Id: 'letters', Arn: lettersQueueArn, InputPath: '$.detail' }] }),
  );
`,
        replace: `  // TODO (Task 2): create the queue np.name('letters') that EventBridge may send to, and the rule
  // np.name('letters') on the orders bus that sends it each OrderPlaced event, but never a replayed one.
  const lettersRuleName = np.name('letters');
  const lettersQueueUrl = '';
  const lettersQueueArn = '';
`,
      },
    ],
  },
  {
    name: 'starterReplay',
    mistake: 'Task 3 as the starter ships it: no fulfilment rule ARN, and recover() starts no replay.',
    failsAt: 3,
    starterPart: true,
    edits: [
      {
        find: `  // Task 3: the one rule a replay is for
  const { Arn: fulfilmentRuleArn } = await np.eventBridge.send(new DescribeRuleCommand({ Name: fulfilment.ruleName, EventBusName: ordersBus.busName }));
`,
        replace: `  // TODO (Task 3): find the ARN of the rule that starts fulfilment (fulfilment.ruleName on the orders
  // bus): recover() aims its replay at that rule.
  const fulfilmentRuleArn = '';
`,
      },
      {
        find: `  // Task 3: exactly the outage, back to the fulfilment rule alone
  const replayName = np.name(\`outage-\${Date.parse(window.start) / 1000}\`);
  await np.eventBridge.send(
    new StartReplayCommand({
      ReplayName: replayName,
      EventSourceArn: christmasEve.archiveArn,
      EventStartTime: new Date(window.start),
      EventEndTime: new Date(window.end),
      Destination: { Arn: christmasEve.busArn, FilterArns: [christmasEve.fulfilmentRuleArn] },
    }),
  );
`,
        replace: `  // TODO (Task 3): start a replay from the archive of exactly the outage (window.start to window.end),
  // back to the orders bus and aimed at the fulfilment rule only (Destination.FilterArns).
  const replayName = np.name('outage');
`,
      },
    ],
  },
  {
    name: 'starterWaitForReplay',
    mistake: 'Task 4 as the starter ships it: recover() returns at once, without waiting for the replay.',
    failsAt: 4,
    starterPart: true,
    edits: [
      {
        find: `  // Task 4: the orders are back on the bus only once the replay has completed
  const deadline = Date.now() + REPLAY_DEADLINE_MS;
  for (;;) {
    const { State, StateReason } = await np.eventBridge.send(new DescribeReplayCommand({ ReplayName: replayName }));
    if (State === 'COMPLETED') return { replayName, state: State };
    if (State === 'FAILED' || State === 'CANCELLED') throw new Error(\`The replay \${replayName} \${State.toLowerCase()}: \${StateReason ?? 'no reason given'}\`);
    if (Date.now() > deadline) throw new Error(\`The replay \${replayName} was still \${State} after \${REPLAY_DEADLINE_MS / 1000} s\`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
`,
        replace: `  // TODO (Task 4): wait until DescribeReplay says COMPLETED (a short pause between calls, a deadline,
  // FAILED and CANCELLED are errors), then return the replay's name and its last state.
  return { replayName, state: 'NOT STARTED' };
`,
      },
    ],
  },
  {
    name: 'starterEarlierSteps',
    mistake: 'Task 5 as the starter ships it: its part is the earlier exercises, and here each is as its starter ships it.',
    failsAt: 5,
    starterPart: true,
    earlierSteps: 'starters',
    edits: [],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence: 'so the grader reads your replay back with `DescribeReplay` to check it is aimed as AWS needs it',
    provedBy: ['replayToWholeBus'],
  },
  {
    sentence:
      'The grader reads the archive back and tries its pattern with `TestEventPattern` on an `OrderPlaced`, an `OrderFulfilled`, an order from another source and another event type from `northpole.orders` (an `OrderCancelled`): the pattern names both the source and the detail-type.',
    provedBy: ['archiveWithoutPattern', 'archiveKeepsEveryNorthPoleEvent', 'archiveBySourceOnly'],
  },
  {
    sentence:
      "LocalStack never evaluates a condition, AWS refuses every delivery whose source does not match, and the grader checks the condition against the rule's ARN",
    provedBy: ['lettersPolicyNamesRuleWithoutBus'],
  },
  {
    sentence:
      "The grader tries the rule's pattern on an original event and on the same event replayed (with `replay-name`), and in task 4 counts the letters after a real replay.",
    provedBy: ['lettersSeeReplays', 'lettersForEveryOrderEvent', 'lettersBySourceOnly'],
  },
  {
    sentence:
      'The grader causes the outage for real: it puts two orders on the bus, waits until they are fulfilled, disables the fulfilment rule (`DisableRule`), puts three more, enables the rule again and calls your `recover()`.',
    provedBy: ['replayWindowBeforeOutage', 'replayEverything', 'recoverSaysCompleted'],
  },
  {
    sentence: 'Then it reads your replay back with `DescribeReplay`.',
    provedBy: ['replayToWholeBus', 'replayWindowBeforeOutage'],
  },
  {
    sentence: 'The grader counts what your loop asked: it wants `COMPLETED` seen, not assumed, and a pause between calls',
    provedBy: ['recoverSaysCompleted', 'recoverReportsNoState', 'recoverWithoutPause'],
  },
  {
    sentence: 'Then it calls `recover()` once more, for an hour-old window, and reports that replay `FAILED`: `recover()` must throw at once.',
    provedBy: ['recoverWaitsOutFailed', 'replayNameNotFromWindow'],
  },
];
