import type { ReadmePromise, WrongAnswer } from './wrongAnswer.ts';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'noQueuePolicy',
    mistake: 'The queues have no policy: LocalStack delivers anyway, AWS would drop every order.',
    failsAt: 1,
    edits: [
      {
        find: 'new CreateQueueCommand({ QueueName: queueName, Attributes: { Policy: JSON.stringify(policy) } })',
        replace: 'new CreateQueueCommand({ QueueName: queueName })',
      },
    ],
  },
  {
    name: 'sourceArnWithoutBus',
    mistake:
      'The condition names the rule as a rule on the default bus would be named: on AWS a rule on a custom bus is rule/<bus>/<rule>, so the condition never holds and every delivery is refused.',
    failsAt: 1,
    says: /LocalStack accepts this[\s\S]*leaves out the bus/,
    edits: [{ find: 'rule/${ordersBus.busName}/${ruleName}', replace: 'rule/${ruleName}' }],
  },
  {
    name: 'sourceArnIsBus',
    mistake: 'The condition names the orders bus, but EventBridge sends as the rule: AWS would refuse every delivery, LocalStack delivers anyway.',
    failsAt: 1,
    says: /LocalStack accepts this[\s\S]*bus's ARN/,
    edits: [{ find: "Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } }", replace: "Condition: { ArnEquals: { 'aws:SourceArn': ordersBus.busArn } }" }],
  },
  {
    name: 'everyQueueTrustsToyRule',
    mistake: "The policy is copied from the toy workshop's queue with its rule left in: on AWS no other department would receive anything.",
    failsAt: 1,
    says: /coal-depot/,
    edits: [{ find: 'rule/${ordersBus.busName}/${ruleName}', replace: "rule/${ordersBus.busName}/${np.name('toy-workshop')}" }],
  },
  {
    name: 'queueOpenToEveryone',
    mistake: 'Principal "*" and no condition: EventBridge may send, and so may anyone in any AWS account.',
    failsAt: 1,
    says: /any AWS account/,
    edits: [
      { find: "        Principal: { Service: 'events.amazonaws.com' },\n", replace: "        Principal: '*',\n" },
      { find: "        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },\n", replace: '' },
    ],
  },
  {
    name: 'targetWithRoleArn',
    mistake: 'The targets get a RoleArn, as a state machine target needs: LocalStack ignores it, AWS says SQS targets take none and delivery may fail.',
    failsAt: 2,
    says: /RoleArn/,
    edits: [{ find: "InputPath: '$.detail' }", replace: "InputPath: '$.detail', RoleArn: `arn:aws:iam::${np.accountId}:role/${np.name('routing')}` }" }],
  },
  {
    name: 'toyPrefixWithoutDash',
    mistake: 'A prefix of "TOY" without its dash: a toy box, "TOYBOX-3", is taken for a toy.',
    failsAt: 2,
    says: /TOYBOX-3/,
    edits: [{ find: "{ list: ['nice'], sku: [{ prefix: 'TOY-' }] }", replace: "{ list: ['nice'], sku: [{ prefix: 'TOY' }] }" }],
  },
  {
    name: 'toyOneSku',
    mistake: 'The sku of the example order as an exact value: only that one toy reaches the workshop.',
    failsAt: 2,
    says: /TOY-9001/,
    edits: [{ find: "{ list: ['nice'], sku: [{ prefix: 'TOY-' }] }", replace: "{ list: ['nice'], sku: ['TOY-0042'] }" }],
  },
  {
    name: 'toysForAllButNaughty',
    mistake: 'anything-but "naughty" for the toy workshop: a child on a list Santa starts next year gets a toy.',
    failsAt: 2,
    says: /very-naughty/,
    edits: [{ find: "{ list: ['nice'], sku: [{ prefix: 'TOY-' }] }", replace: "{ list: [{ 'anything-but': 'naughty' }], sku: [{ prefix: 'TOY-' }] }" }],
  },
  {
    name: 'toysForEveryone',
    mistake: 'The toy workshop matches on the sku only, so naughty children get toys too.',
    failsAt: 2,
    edits: [{ find: "{ list: ['nice'], sku: [{ prefix: 'TOY-' }] }", replace: "{ sku: [{ prefix: 'TOY-' }] }" }],
  },
  {
    name: 'listNotAList',
    mistake: 'A value where EventBridge wants a list of values: an invalid pattern, which PutRule on LocalStack accepts without a word.',
    failsAt: 2,
    edits: [{ find: "{ list: ['nice'], sku: [{ prefix: 'TOY-' }] }", replace: "{ list: 'nice', sku: [{ prefix: 'TOY-' }] }" }],
  },
  {
    name: 'detailOnly',
    mistake: "The patterns name only detail fields, so another producer's events, and OrderFulfilled events, reach the departments too.",
    failsAt: 2,
    edits: [{ find: "const pattern = { source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced], detail };", replace: 'const pattern = { detail };' }],
  },
  {
    name: 'coalForNiceChildren',
    mistake: 'anything-but "naughty" instead of anything-but "nice": every nice child gets coal.',
    failsAt: 3,
    edits: [{ find: "{ list: [{ 'anything-but': 'nice' }] }", replace: "{ list: [{ 'anything-but': 'naughty' }] }" }],
  },
  {
    name: 'coalForNaughtyOnly',
    mistake: 'An exact match on "naughty": a list Santa starts next year gets no coal.',
    failsAt: 3,
    edits: [{ find: "{ list: [{ 'anything-but': 'nice' }] }", replace: "{ list: ['naughty'] }" }],
  },
  {
    name: 'coalForNaughtyLists',
    mistake: 'A suffix "naughty" for the coal depot: "naughty" and "very-naughty" get coal, a list with another name does not.',
    failsAt: 3,
    says: /grumpy/,
    edits: [{ find: "{ list: [{ 'anything-but': 'nice' }] }", replace: "{ list: [{ suffix: 'naughty' }] }" }],
  },
  {
    name: 'heavyWithCeiling',
    mistake: 'A range "> 20 and <= 1000": the heaviest gifts of all reach no team.',
    failsAt: 3,
    says: /1500/,
    edits: [{ find: "{ weightKg: [{ numeric: ['>', 20] }] }", replace: "{ weightKg: [{ numeric: ['>', 20, '<=', 1000] }] }" }],
  },
  {
    name: 'heavyOffByOne',
    mistake: '">=" instead of ">": a gift of exactly 20 kg goes to the heavy-lift team.',
    failsAt: 3,
    says: /detail\.weightKg: 20 matches/,
    edits: [{ find: "{ weightKg: [{ numeric: ['>', 20] }] }", replace: "{ weightKg: [{ numeric: ['>=', 20] }] }" }],
  },
  {
    name: 'existsOnObject',
    mistake: 'exists on giftWrap itself: it is an object, and EventBridge matches values only, so no wrapped order reaches gift wrap.',
    failsAt: 4,
    edits: [{ find: '{ giftWrap: { paper: [{ exists: true }] } }', replace: '{ giftWrap: [{ exists: true }] }' }],
  },
  {
    name: 'existsOnGift',
    mistake: 'exists on the wrong field: every order has a gift, so every order goes to gift wrap.',
    failsAt: 4,
    edits: [{ find: '{ giftWrap: { paper: [{ exists: true }] } }', replace: '{ gift: [{ exists: true }] }' }],
  },
  {
    name: 'giftWrapOnePaper',
    mistake: 'The paper of the example order as an exact value: an order in snowflake paper is never wrapped.',
    failsAt: 4,
    says: /snowflakes/,
    edits: [{ find: '{ giftWrap: { paper: [{ exists: true }] } }', replace: "{ giftWrap: { paper: ['candy-stripe'] } }" }],
  },
  {
    name: 'expressBelowHundred',
    mistake: 'A range "10 to 99 gifts": the biggest orders of all miss the express desk.',
    failsAt: 4,
    says: /500/,
    edits: [{ find: "{ quantity: [{ numeric: ['>=', 10] }] }", replace: "{ quantity: [{ numeric: ['>=', 10, '<', 100] }] }" }],
  },
  {
    name: 'expressAndBulk',
    mistake: 'Both conditions in one pattern mean "and": only express orders of 10 or more gifts reach the express desk.',
    failsAt: 4,
    edits: [
      { find: "{ $or: [{ express: [true] }, { quantity: [{ numeric: ['>=', 10] }] }] }", replace: "{ express: [true], quantity: [{ numeric: ['>=', 10] }] }" },
    ],
  },
  {
    name: 'wholeEvent',
    mistake: 'No InputPath: the departments receive the whole event envelope instead of the order.',
    failsAt: 5,
    edits: [{ find: ", InputPath: '$.detail' }", replace: ' }' }],
  },
  {
    name: 'inputPathToOrder',
    mistake: 'InputPath "$.order", where the order is at "$.detail": every pattern is right, and no department receives an order.',
    failsAt: 5,
    says: /InputPath/,
    edits: [{ find: "InputPath: '$.detail' }", replace: "InputPath: '$.order' }" }],
  },
  {
    name: 'libraryJoinsToyRule',
    mistake: "The library is squeezed into the toy workshop's rule: one more prefix and its queue as the target, which takes the toy workshop's orders away.",
    failsAt: 6,
    edits: [
      {
        find: "  const library = await departmentQueue(np, ordersBus, 'library');\n  await route(np, ordersBus, library, { sku: [{ prefix: 'BOOK-' }] });",
        replace:
          "  const library = await departmentQueue(np, ordersBus, 'library');\n  await route(np, ordersBus, { ...library, ruleName: np.name('toy-workshop') }, { sku: [{ prefix: 'TOY-' }, { prefix: 'BOOK-' }] });",
      },
    ],
  },
  {
    name: 'libraryExactSku',
    mistake: 'An exact match on "BOOK-" instead of a prefix: no real book, "BOOK-0020", reaches the library.',
    failsAt: 6,
    edits: [{ find: "{ sku: [{ prefix: 'BOOK-' }] }", replace: "{ sku: ['BOOK-'] }" }],
  },
  {
    name: 'libraryPrefixWithoutDash',
    mistake: 'A prefix of "BOOK" without its dash: bookends, "BOOKEND-2", go to the library.',
    failsAt: 6,
    says: /BOOKEND-2/,
    edits: [{ find: "{ sku: [{ prefix: 'BOOK-' }] }", replace: "{ sku: [{ prefix: 'BOOK' }] }" }],
  },
  {
    name: 'starterDepartmentQueue',
    mistake: 'Task 1 as the starter ships it: departmentQueue() creates no queue and returns empty URLs and ARNs.',
    failsAt: 1,
    starterPart: true,
    edits: [
      {
        find: `  const queueName = np.name(base);
  const ruleName = np.name(base);
  const queueArn = \`arn:aws:sqs:\${np.region}:\${np.accountId}:\${queueName}\`;
  const ruleArn = \`arn:aws:events:\${np.region}:\${np.accountId}:rule/\${ordersBus.busName}/\${ruleName}\`;
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
`,
        replace: `  const ruleName = np.name(base);
  // TODO (Task 1): create the queue np.name(base) with a policy that allows the service
  // events.amazonaws.com to sqs:SendMessage to it, and return its URL and ARN.
  const queueUrl = '';
  const queueArn = '';
  return { ruleName, queueUrl, queueArn };
`,
      },
    ],
  },
  {
    name: 'starterToyWorkshop',
    mistake: "Task 2 as the starter ships it: route() puts no rule on the bus, and the toy workshop's pattern is {}.",
    failsAt: 2,
    starterPart: true,
    edits: [
      {
        find: `  const pattern = { source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced], detail };
  await np.eventBridge.send(new PutRuleCommand({ Name: department.ruleName, EventBusName: ordersBus.busName, EventPattern: JSON.stringify(pattern) }));
  // Task 5: the elves want the order, not the envelope around it
  await np.eventBridge.send(
    new PutTargetsCommand({ Rule: department.ruleName, EventBusName: ordersBus.busName, Targets: [{ Id: 'department', Arn: department.queueArn, InputPath: '$.detail' }] }),
  );
`,
        replace: `  // TODO (Task 2): put the rule department.ruleName on the orders bus. Its pattern takes only
  // OrderPlaced events (EventTypes.OrderPlaced) from the orders producer (ORDERS_SOURCE), and
  // \`detail\` decides which of them. Make the department's queue the rule's target.
  // TODO (Task 5): deliver the order itself, the event's detail, rather than the whole event.
`,
      },
      { find: "route(np, ordersBus, toyWorkshop, { list: ['nice'], sku: [{ prefix: 'TOY-' }] })", replace: 'route(np, ordersBus, toyWorkshop, {})' },
    ],
  },
  {
    name: 'starterCoalAndHeavyLift',
    mistake: 'Task 3 as the starter ships it: no route for the coal depot or the heavy-lift team.',
    failsAt: 3,
    starterPart: true,
    edits: [
      {
        find: `    // Task 3: coal for every child on the list who is not nice; gifts over 20 kg need the heavy-lift team
    route(np, ordersBus, coalDepot, { list: [{ 'anything-but': 'nice' }] }),
    route(np, ordersBus, heavyLift, { weightKg: [{ numeric: ['>', 20] }] }),
`,
        replace: `  // TODO (Task 3): the coal depot takes the orders of every child whose list is anything but "nice";
  // the heavy-lift team takes gifts heavier than 20 kg (weightKg; exactly 20 is not heavy).
`,
      },
    ],
  },
  {
    name: 'starterGiftWrapAndExpress',
    mistake: 'Task 4 as the starter ships it: no route for gift wrap or the express desk.',
    failsAt: 4,
    starterPart: true,
    edits: [
      {
        find: `    // Task 4: exists works on values, not objects: ask for the paper, not for giftWrap
    route(np, ordersBus, giftWrap, { giftWrap: { paper: [{ exists: true }] } }),
    route(np, ordersBus, expressDesk, { $or: [{ express: [true] }, { quantity: [{ numeric: ['>=', 10] }] }] }),
`,
        replace: `  // TODO (Task 4): gift wrap takes every order with gift-wrap paper (giftWrap.paper); the express
  // desk takes every order that is express, or for 10 or more gifts (quantity).
`,
      },
    ],
  },
  {
    name: 'starterWholeEvent',
    mistake: 'Task 5 as the starter ships it: the departments get the whole event, not the order.',
    failsAt: 5,
    starterPart: true,
    edits: [
      {
        find: `  // Task 5: the elves want the order, not the envelope around it
`,
        replace: `  // TODO (Task 5): deliver the order itself, the event's detail, rather than the whole event.
`,
      },
      { find: ", InputPath: '$.detail'", replace: '' },
    ],
  },
  {
    name: 'starterLibrary',
    mistake: "Task 6 as the starter ships it: the library's queue is there, and no rule feeds it.",
    failsAt: 6,
    starterPart: true,
    edits: [
      {
        find: `  const library = await departmentQueue(np, ordersBus, 'library');
  await route(np, ordersBus, library, { sku: [{ prefix: 'BOOK-' }] });
  return library;
`,
        replace: `  // TODO (Task 6): open the library (np.name('library')) for every book (an sku starting with
  // "BOOK-"), without touching the rules that are already there.
  return departmentQueue(np, ordersBus, 'library');
`,
      },
    ],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence: "The grader reads each policy as AWS would, with the department's own rule as the sender",
    provedBy: ['noQueuePolicy', 'sourceArnWithoutBus', 'sourceArnIsBus', 'everyQueueTrustsToyRule', 'queueOpenToEveryone'],
  },
  {
    sentence: 'The grader turns away a `RoleArn`, which LocalStack ignores.',
    provedBy: ['targetWithRoleArn'],
  },
  {
    sentence: 'The grader then puts a small batch of real orders on the bus, as the producer would',
    provedBy: ['wholeEvent', 'inputPathToOrder'],
  },
  {
    sentence: 'The grader calls it **after** it has checked the other five departments',
    provedBy: ['libraryJoinsToyRule'],
  },
  {
    sentence: 'For every department, the grader asks EventBridge (`TestEventPattern`) about your pattern',
    provedBy: [
      'toyPrefixWithoutDash',
      'toyOneSku',
      'toysForAllButNaughty',
      'coalForNaughtyLists',
      'heavyOffByOne',
      'heavyWithCeiling',
      'giftWrapOnePaper',
      'expressBelowHundred',
      'detailOnly',
    ],
  },
  {
    sentence: 'At the first sample that goes the wrong way, it says which field decided it',
    provedBy: ['heavyOffByOne'],
  },
  {
    sentence: 'It also asks whether your pattern is valid at all',
    provedBy: ['listNotAList'],
  },
  {
    sentence: 'Then real traffic: six orders on the bus, each in exactly the queues that care.',
    provedBy: ['wholeEvent', 'inputPathToOrder'],
  },
  {
    sentence: 'Last, `addDepartment()`, three more orders, and the same check with the library.',
    provedBy: ['libraryExactSku', 'libraryPrefixWithoutDash', 'libraryJoinsToyRule'],
  },
];
