import type { ReadmePromise, WrongAnswer } from './wrongAnswer.ts';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'ruleOnOrderPlaced',
    mistake: 'The rule takes OrderPlaced instead of OrderFulfilled: sleighs would leave with gifts nobody has made yet.',
    failsAt: 1,
    edits: [{ find: "'detail-type': [EventTypes.OrderFulfilled]", replace: "'detail-type': [EventTypes.OrderPlaced]" }],
  },
  {
    name: 'noTopicPolicy',
    mistake: "The topic keeps SNS's default policy: LocalStack delivers anyway, AWS would drop every event EventBridge publishes.",
    failsAt: 1,
    edits: [
      {
        find: 'new CreateTopicCommand({ Name: topicName, Attributes: { Policy: JSON.stringify(policy) } })',
        replace: 'new CreateTopicCommand({ Name: topicName })',
      },
    ],
  },
  {
    name: 'topicSourceArnWithoutBus',
    mistake:
      'The topic policy names the rule as if it were on the default bus: on AWS the rule is rule/<bus>/<rule>, the condition never holds, and no fulfilled order reaches the topic.',
    failsAt: 1,
    says: /LocalStack accepts this[\s\S]*leaves out the bus/,
    edits: [{ find: 'rule/${ordersBus.busName}/${ruleName}', replace: 'rule/${ruleName}' }],
  },
  {
    name: 'topicSourceArnIsBus',
    mistake: 'The topic policy names the orders bus: EventBridge publishes as the rule, so AWS would refuse every event.',
    failsAt: 1,
    says: /LocalStack accepts this[\s\S]*bus's ARN/,
    edits: [{ find: "'aws:SourceArn': ruleArn", replace: "'aws:SourceArn': ordersBus.busArn" }],
  },
  {
    name: 'topicTargetWithRoleArn',
    mistake: 'The topic target gets a RoleArn: LocalStack ignores it, AWS says an SNS target takes none and delivery may fail.',
    failsAt: 1,
    says: /RoleArn/,
    edits: [
      {
        find: "Targets: [{ Id: 'sleigh-dispatch', Arn: topicArn }]",
        replace: "Targets: [{ Id: 'sleigh-dispatch', Arn: topicArn, RoleArn: `arn:aws:iam::${np.accountId}:role/${np.name('dispatch')}` }]",
      },
    ],
  },
  {
    name: 'queuePolicyForEventBridge',
    mistake: 'The queue policy of exercise 3, copied: it lets events.amazonaws.com send, but here the sender is SNS.',
    failsAt: 2,
    edits: [{ find: "Principal: { Service: 'sns.amazonaws.com' }", replace: "Principal: { Service: 'events.amazonaws.com' }" }],
  },
  {
    name: 'queueSourceArnIsRule',
    mistake: "The queue policy's condition names the rule, as the topic's does: it is the topic that sends to the queues, so AWS would refuse every message.",
    failsAt: 2,
    says: /LocalStack accepts this[\s\S]*sleigh-dispatch/,
    edits: [
      {
        find: "Condition: { ArnEquals: { 'aws:SourceArn': topicArn } }",
        replace:
          "Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:events:${np.region}:${np.accountId}:rule/${np.name('orders')}/${np.name('sleigh-dispatch')}` } }",
      },
    ],
  },
  {
    name: 'europeAllButNorthAmerica',
    mistake: 'The European sleigh takes anything but north-america: it would fly to asia too.',
    failsAt: 3,
    says: /asia/,
    edits: [
      { find: "{ filterPolicy: { detail: { region: ['europe'] } }", replace: "{ filterPolicy: { detail: { region: [{ 'anything-but': 'north-america' }] } }" },
    ],
  },
  {
    name: 'europeShippedOnly',
    mistake: 'The European sleigh takes only shipped gifts: a naughty child in Europe gets no coal.',
    failsAt: 3,
    says: /coal/,
    edits: [
      { find: "{ filterPolicy: { detail: { region: ['europe'] } }", replace: "{ filterPolicy: { detail: { region: ['europe'], outcome: ['shipped'] } }" },
    ],
  },
  {
    name: 'heavyWithCeiling',
    mistake: 'A range "> 20 and <= 1000": the heaviest gifts of all are left behind.',
    failsAt: 3,
    says: /1500/,
    edits: [{ find: "weightKg: [{ numeric: ['>', 20] }]", replace: "weightKg: [{ numeric: ['>', 20, '<=', 1000] }]" }],
  },
  {
    name: 'regionOnAttributes',
    mistake: 'The European sleigh filters on message attributes (the default scope), which EventBridge never sets: no order reaches it.',
    failsAt: 3,
    edits: [
      {
        find: "{ filterPolicy: { detail: { region: ['europe'] } }, scope: 'MessageBody', raw: true }",
        replace: "{ filterPolicy: { region: ['europe'] }, raw: true }",
      },
    ],
  },
  {
    name: 'weightAsString',
    mistake: 'A numeric filter with the number as a string ("20"): SNS refuses the policy at Subscribe, and deploy() stops.',
    failsAt: 3,
    edits: [{ find: "weightKg: [{ numeric: ['>', 20] }]", replace: "weightKg: [{ numeric: ['>', '20'] }]" }],
  },
  {
    name: 'heavyOffByOne',
    mistake: '">=" instead of ">": a gift of exactly 20 kg takes the heavy-lift sleigh.',
    failsAt: 3,
    edits: [{ find: "weightKg: [{ numeric: ['>', 20] }]", replace: "weightKg: [{ numeric: ['>=', 20] }]" }],
  },
  {
    name: 'sleighGetsEnvelope',
    mistake: "Raw delivery off for the North American sleigh: it gets SNS's envelope, not the order's event.",
    failsAt: 3,
    edits: [
      {
        find: "{ filterPolicy: { detail: { region: ['north-america'] } }, scope: 'MessageBody', raw: true }",
        replace: "{ filterPolicy: { detail: { region: ['north-america'] } }, scope: 'MessageBody', raw: false }",
      },
    ],
  },
  {
    name: 'stablesOffByOne',
    mistake: '">" instead of ">=": a delay of exactly 30 minutes leaves the reindeer unfed.',
    failsAt: 4,
    says: /exactly 30/,
    edits: [{ find: "minutes: [{ numeric: ['>=', 30] }]", replace: "minutes: [{ numeric: ['>', 30] }]" }],
  },
  {
    name: 'stablesWithCeiling',
    mistake: 'A range "30 to 120 minutes": the longest delays of all never reach the stables.',
    failsAt: 4,
    says: /240/,
    edits: [{ find: "minutes: [{ numeric: ['>=', 30] }]", replace: "minutes: [{ numeric: ['>=', 30, '<=', 120] }]" }],
  },
  {
    name: 'stablesOnBody',
    mistake: 'The stables filter on the message body, and a delay notice is plain text: no notice reaches them.',
    failsAt: 4,
    edits: [{ find: "scope: 'MessageAttributes', raw: true", replace: "scope: 'MessageBody', raw: true" }],
  },
  {
    name: 'minutesAsString',
    mistake: 'announceDelay() sends minutes as a String attribute: a numeric filter never matches a String, so no notice reaches the stables.',
    failsAt: 4,
    edits: [
      {
        find: "minutes: { DataType: 'Number', StringValue: String(notice.minutes) }",
        replace: "minutes: { DataType: 'String', StringValue: String(notice.minutes) }",
      },
    ],
  },
  {
    name: 'noticeForEachSubscriber',
    mistake:
      'announceDelay() publishes the notice a second time for the audit, as if each subscriber needed a copy of its own: the topic already gives each one, so every queue gets the notice twice.',
    failsAt: 5,
    says: /arrived 2 times/,
    edits: [
      {
        find: '  await np.sns.send(\n    new PublishCommand({',
        replace: '  for (let copy = 0; copy < 2; copy += 1) await np.sns.send(\n    new PublishCommand({',
      },
    ],
  },
  {
    name: 'auditFiltered',
    mistake: 'The audit only keeps fulfilled orders (a filter on detail-type): the delay notices go unrecorded.',
    failsAt: 5,
    edits: [
      {
        find: 'subscribe(np, topicArn, audit, { raw: false })',
        replace: "subscribe(np, topicArn, audit, { filterPolicy: { 'detail-type': ['OrderFulfilled'] }, scope: 'MessageBody', raw: false })",
      },
    ],
  },
  {
    name: 'auditRaw',
    mistake: 'Raw delivery on for the audit: it loses the MessageId, Timestamp and TopicArn it keeps the messages for.',
    failsAt: 5,
    edits: [{ find: 'subscribe(np, topicArn, audit, { raw: false })', replace: 'subscribe(np, topicArn, audit, { raw: true })' }],
  },
  {
    name: 'starterDispatchTopic',
    mistake: "Task 1 as the starter ships it: no topic, no rule, and dispatchTopic() returns ''.",
    failsAt: 1,
    starterPart: true,
    edits: [
      {
        find: `  const topicName = np.name('sleigh-dispatch');
  const topicArn = \`arn:aws:sns:\${np.region}:\${np.accountId}:\${topicName}\`;
  const ruleArn = \`arn:aws:events:\${np.region}:\${np.accountId}:rule/\${ordersBus.busName}/\${ruleName}\`;
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  };
  await np.sns.send(new CreateTopicCommand({ Name: topicName, Attributes: { Policy: JSON.stringify(policy) } }));
  const pattern = { source: [FULFILMENT_SOURCE], 'detail-type': [EventTypes.OrderFulfilled] };
  await np.eventBridge.send(new PutRuleCommand({ Name: ruleName, EventBusName: ordersBus.busName, EventPattern: JSON.stringify(pattern) }));
  await np.eventBridge.send(new PutTargetsCommand({ Rule: ruleName, EventBusName: ordersBus.busName, Targets: [{ Id: 'sleigh-dispatch', Arn: topicArn }] }));
  return topicArn;
`,
        replace: `  // TODO (Task 1): create the SNS topic np.name('sleigh-dispatch') with a policy that allows the
  // service events.amazonaws.com to sns:Publish to it. Put the rule ruleName on the orders bus for
  // every OrderFulfilled (EventTypes.OrderFulfilled) from the fulfilment workflow (FULFILMENT_SOURCE),
  // with the topic as its target.
  return '';
`,
      },
    ],
  },
  {
    name: 'starterDispatchQueue',
    mistake: 'Task 2 as the starter ships it: dispatchQueue() creates no queue and returns an empty URL and ARN.',
    failsAt: 2,
    starterPart: true,
    edits: [
      {
        find: `  const queueName = np.name(base);
  const queueArn = \`arn:aws:sqs:\${np.region}:\${np.accountId}:\${queueName}\`;
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  };
  const { QueueUrl } = await np.sqs.send(new CreateQueueCommand({ QueueName: queueName, Attributes: { Policy: JSON.stringify(policy) } }));
  return { queueUrl: QueueUrl!, queueArn };
`,
        replace: `  // TODO (Task 2): create the queue np.name(base) with a policy that allows the service
  // sns.amazonaws.com to sqs:SendMessage to it (only from the topic: aws:SourceArn), and return its URL and ARN.
  return { queueUrl: '', queueArn: '' };
`,
      },
    ],
  },
  {
    name: 'starterSleighs',
    mistake: 'Task 3 as the starter ships it: subscribe() subscribes nothing, and the sleighs have no filter.',
    failsAt: 3,
    starterPart: true,
    edits: [
      {
        find: `  const attributes: Record<string, string> = { RawMessageDelivery: String(subscription.raw) };
  if (subscription.filterPolicy) attributes.FilterPolicy = JSON.stringify(subscription.filterPolicy);
  if (subscription.scope) attributes.FilterPolicyScope = subscription.scope;
  const { SubscriptionArn } = await np.sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.queueArn, Attributes: attributes, ReturnSubscriptionArn: true }),
  );
  return { ...queue, subscriptionArn: SubscriptionArn! };
`,
        replace: `  // TODO (Task 3): subscribe the queue (Protocol 'sqs', Endpoint its ARN) to the topic, with the
  // subscription's FilterPolicy, FilterPolicyScope and RawMessageDelivery as attributes, and return
  // the subscription's ARN with the queue.
  return { ...queue, subscriptionArn: '' };
`,
      },
      {
        find: "subscribe(np, topicArn, europe, { filterPolicy: { detail: { region: ['europe'] } }, scope: 'MessageBody', raw: true })",
        replace: 'subscribe(np, topicArn, europe, { raw: true })',
      },
      {
        find: "subscribe(np, topicArn, northAmerica, { filterPolicy: { detail: { region: ['north-america'] } }, scope: 'MessageBody', raw: true })",
        replace: 'subscribe(np, topicArn, northAmerica, { raw: true })',
      },
      {
        find: "subscribe(np, topicArn, heavyLift, { filterPolicy: { detail: { weightKg: [{ numeric: ['>', 20] }] } }, scope: 'MessageBody', raw: true })",
        replace: 'subscribe(np, topicArn, heavyLift, { raw: true })',
      },
    ],
  },
  {
    name: 'starterStables',
    mistake: 'Task 4 as the starter ships it: the stables take every message, and announceDelay() publishes nothing.',
    failsAt: 4,
    starterPart: true,
    edits: [
      {
        find: "subscribe(np, topicArn, stables, { filterPolicy: { minutes: [{ numeric: ['>=', 30] }] }, scope: 'MessageAttributes', raw: true })",
        replace: 'subscribe(np, topicArn, stables, { raw: true })',
      },
      {
        find: `  await np.sns.send(
    new PublishCommand({
      TopicArn: dispatch.topicArn,
      Message: notice.text,
      MessageAttributes: {
        region: { DataType: 'String', StringValue: notice.region },
        minutes: { DataType: 'Number', StringValue: String(notice.minutes) },
      },
    }),
  );
`,
        replace: `  // TODO (Task 4): publish notice.text to dispatch.topicArn, with the message attributes region
  // (DataType 'String') and minutes (DataType 'Number') that subscribers filter on.
`,
      },
    ],
  },
  {
    name: 'starterAudit',
    mistake: 'Task 5 as the starter ships it: the audit is subscribed for the bare message, as the starter subscribes every queue.',
    failsAt: 5,
    starterPart: true,
    edits: [{ find: 'subscribe(np, topicArn, audit, { raw: false })', replace: 'subscribe(np, topicArn, audit, { raw: true })' }],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence: 'so the grader puts them on the bus itself, exactly as the workflow does',
    provedBy: ['ruleOnOrderPlaced'],
  },
  {
    sentence: 'The grader turns one away.',
    provedBy: ['topicTargetWithRoleArn'],
  },
  {
    sentence: 'The grader reads it as AWS would, with your rule as the sender',
    provedBy: ['noTopicPolicy', 'topicSourceArnWithoutBus', 'topicSourceArnIsBus'],
  },
  {
    sentence: "The grader reads each queue's policy with the topic as the sender",
    provedBy: ['queuePolicyForEventBridge', 'queueSourceArnIsRule'],
  },
  {
    sentence: 'The grader then sends real traffic: fulfilled orders on the orders bus',
    provedBy: ['noticeForEachSubscriber'],
  },
  {
    sentence: 'For every filtered queue, the grader lets SNS itself judge your filter policy',
    provedBy: [
      'regionOnAttributes',
      'europeAllButNorthAmerica',
      'europeShippedOnly',
      'heavyOffByOne',
      'heavyWithCeiling',
      'sleighGetsEnvelope',
      'stablesOffByOne',
      'stablesWithCeiling',
      'stablesOnBody',
    ],
  },
  {
    sentence: "A policy SNS refuses is reported with SNS's own reason.",
    provedBy: ['weightAsString'],
  },
];
