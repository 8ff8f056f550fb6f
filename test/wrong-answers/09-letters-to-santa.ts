import type { ReadmePromise, WrongAnswer } from './wrongAnswer.ts';

const ASL = 'letterReader.asl.json';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'starterBucket',
    mistake: 'Task 1 as the starter ships it: no bucket, so no letter can arrive.',
    failsAt: 1,
    starterPart: true,
    edits: [
      {
        find: `  // Task 1: the letters bucket tells EventBridge about every new object
  const bucketName = np.name('letters');
  await np.s3.send(new CreateBucketCommand({ Bucket: bucketName }));
  await np.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucketName, NotificationConfiguration: { EventBridgeConfiguration: {} } }));
`,
        replace: `  // TODO (Task 1): create the bucket np.name('letters') and turn on its EventBridge notifications
  // (PutBucketNotificationConfigurationCommand with an EventBridgeConfiguration).
  const bucketName = np.name('letters');
`,
      },
    ],
  },
  {
    name: 'starterReaderQueueAndRole',
    mistake: 'Task 2 as the starter ships it: no queue for unreadable letters, and no role for the reader.',
    failsAt: 2,
    starterPart: true,
    edits: [
      {
        find: `  // Task 2: where unreadable letters wait for an elf, and a role that may read letters and nothing else
  const unreadableQueueArn = \`arn:aws:sqs:\${np.region}:\${np.accountId}:\${np.name('unreadable-letters')}\`;
  const unreadableQueueUrl = (await np.sqs.send(new CreateQueueCommand({ QueueName: np.name('unreadable-letters') }))).QueueUrl!;
  const readerRoleArn = await createRole(np, np.name('letter-reader'), 'states.amazonaws.com', [
    // headObject and getObject both need s3:GetObject
    { Action: 's3:GetObject', Resource: \`arn:aws:s3:::\${bucketName}/letters/*\` },
    { Action: 'events:PutEvents', Resource: ordersBus.busArn },
    { Action: 'sqs:SendMessage', Resource: unreadableQueueArn },
  ]);
`,
        replace: `  // TODO (Task 2): create the queue np.name('unreadable-letters'), and the role np.name('letter-reader')
  // for the state machine (createRole above): it may read the bucket's letters/ objects, put events on the
  // orders bus and send to that queue, each on its one resource.
  const unreadableQueueUrl = '';
  const unreadableQueueArn = '';
  const readerRoleArn = '';
`,
      },
    ],
  },
  {
    name: 'starterLettersRule',
    mistake: 'Task 3 as the starter ships it: letters arrive, and nothing starts the reader.',
    failsAt: 3,
    starterPart: true,
    edits: [
      {
        find: `  // Task 3: S3 sends its events to the default bus: new letters there start the reader
  const lettersRuleName = np.name('letters-arrive');
  const startRoleArn = await createRole(np, lettersRuleName, 'events.amazonaws.com', [{ Action: 'states:StartExecution', Resource: letterReaderArn }]);
  await np.eventBridge.send(
    new PutRuleCommand({
      Name: lettersRuleName,
      EventPattern: JSON.stringify({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [bucketName] }, object: { key: [{ prefix: 'letters/' }] } },
      }),
    }),
  );
  await np.eventBridge.send(new PutTargetsCommand({ Rule: lettersRuleName, Targets: [{ Id: 'letter-reader', Arn: letterReaderArn, RoleArn: startRoleArn }] }));
`,
        replace: `  // TODO (Task 3): the rule np.name('letters-arrive') on the bus S3 sends its events to, for every new
  // object under letters/ in your bucket, with the letter reader as its target and a role
  // (np.name('letters-arrive')) that may start it.
  const lettersRuleName = np.name('letters-arrive');
`,
      },
    ],
  },
  {
    name: 'starterLetterReader',
    mistake: 'Task 4 as the starter ships it: the reader is never created, so the letters are read by nobody.',
    failsAt: 4,
    starterPart: true,
    edits: [
      {
        find: `  // Task 4: the reader looks before it reads, and places the order as the API does
  const template = await readFile(new URL('./letterReader.asl.json', import.meta.url), 'utf8');
  const definition = template.replaceAll('\${OrdersBus}', ordersBus.busName).replaceAll('\${UnreadableLettersQueueUrl}', unreadableQueueUrl);
  await np.sfn.send(new CreateStateMachineCommand({ name: np.name('letter-reader'), roleArn: readerRoleArn, definition }));
`,
        replace: `  // TODO (Task 4): write the letter reader in letterReader.asl.json, then create it here as
  // np.name('letter-reader') with the role of task 2: read the file, fill in \${OrdersBus} and
  // \${UnreadableLettersQueueUrl}, CreateStateMachineCommand.
  const template = await readFile(new URL('./letterReader.asl.json', import.meta.url), 'utf8');
`,
      },
    ],
  },
  {
    name: 'starterTrackerDestination',
    mistake: 'Task 5 as the starter ships it: no connection, no API destination, no role to call it with.',
    failsAt: 5,
    starterPart: true,
    edits: [
      {
        find: `  // Task 5: the tracker's address and key, a limit on how fast EventBridge may call it, and the role it calls with
  const connectionArn = (
    await np.eventBridge.send(
      new CreateConnectionCommand({
        Name: np.name('tracker'),
        AuthorizationType: 'API_KEY',
        AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: tracker.apiKeyName, ApiKeyValue: tracker.apiKey } },
      }),
    )
  ).ConnectionArn!;
  const apiDestinationArn = (
    await np.eventBridge.send(
      new CreateApiDestinationCommand({
        Name: np.name('tracker'),
        ConnectionArn: connectionArn,
        InvocationEndpoint: tracker.updatesUrl,
        HttpMethod: 'POST',
        InvocationRateLimitPerSecond: TRACKER_UPDATES_PER_SECOND,
      }),
    )
  ).ApiDestinationArn!;
  await createRole(np, np.name('tracker'), 'events.amazonaws.com', [{ Action: 'events:InvokeApiDestination', Resource: apiDestinationArn }]);
`,
        replace: `  // TODO (Task 5): the connection np.name('tracker') with the tracker's API key (tracker.apiKeyName,
  // tracker.apiKey), the API destination np.name('tracker') that POSTs to tracker.updatesUrl at most
  // TRACKER_UPDATES_PER_SECOND times a second, and the role np.name('tracker') EventBridge invokes it with.
  const connectionArn = '';
  const apiDestinationArn = '';
`,
      },
    ],
  },
  {
    name: 'starterTrackerRules',
    mistake: 'Task 6 as the starter ships it: the tracker is ready, and no rule sends it anything.',
    failsAt: 6,
    starterPart: true,
    edits: [
      {
        find: `  // Task 6: each status change as a child may see it: the order, the event's name and its time, nothing else
  const toTracker = async (ruleName: string, pattern: object, orderIdPath: string) => {
    await np.eventBridge.send(new PutRuleCommand({ Name: ruleName, EventBusName: ordersBus.busName, EventPattern: JSON.stringify(pattern) }));
    await np.eventBridge.send(
      new PutTargetsCommand({
        Rule: ruleName,
        EventBusName: ordersBus.busName,
        Targets: [
          {
            Id: 'tracker',
            Arn: apiDestinationArn,
            RoleArn: \`arn:aws:iam::\${np.accountId}:role/\${np.name('tracker')}\`,
            InputTransformer: {
              InputPathsMap: { orderId: orderIdPath, status: '$.detail-type', time: '$.time' },
              InputTemplate: '{"orderId": <orderId>, "status": <status>, "time": <time>}',
            },
          },
        ],
      }),
    );
  };
  const trackerOrdersRuleName = np.name('tracker-orders');
  const trackerFailuresRuleName = np.name('tracker-failures');
  await toTracker(
    trackerOrdersRuleName,
    { $or: [{ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] }, { source: [FULFILMENT_SOURCE], 'detail-type': [EventTypes.OrderFulfilled] }] },
    '$.detail.orderId',
  );
  // An OrderFailed carries the order one level deeper
  await toTracker(trackerFailuresRuleName, { source: [FULFILMENT_SOURCE], 'detail-type': [EventTypes.OrderFailed] }, '$.detail.order.orderId');
`,
        replace: `  // TODO (Task 6): the rules np.name('tracker-orders') (OrderPlaced from ORDERS_SOURCE, OrderFulfilled
  // from FULFILMENT_SOURCE) and np.name('tracker-failures') (OrderFailed) on the orders bus, each with the
  // API destination as its target and an input transformer that sends { orderId, status, time } and
  // nothing else: the status is the event's detail-type (EventTypes), the time the event's.
  const trackerOrdersRuleName = np.name('tracker-orders');
  const trackerFailuresRuleName = np.name('tracker-failures');
`,
      },
    ],
  },
  {
    name: 'noEventBridgeNotifications',
    mistake: 'The bucket is created and nothing more: S3 tells EventBridge nothing until its notifications are turned on.',
    failsAt: 1,
    says: /EventBridgeConfiguration/,
    edits: [
      {
        find: '  await np.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucketName, NotificationConfiguration: { EventBridgeConfiguration: {} } }));\n',
        replace: '',
      },
    ],
  },
  {
    name: 'readerReadsEveryBucket',
    mistake: 'The reader may read any object of any bucket: s3:GetObject on arn:aws:s3:::*.',
    failsAt: 2,
    says: /least privilege/,
    edits: [
      {
        find: "{ Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucketName}/letters/*` }",
        replace: "{ Action: 's3:GetObject', Resource: 'arn:aws:s3:::*' }",
      },
    ],
  },
  {
    name: 'readerMayNotHandOver',
    mistake: 'The role forgets the unreadable letters queue: LocalStack sends anyway, AWS would refuse the elves every letter.',
    failsAt: 2,
    says: /sqs:SendMessage/,
    edits: [{ find: "    { Action: 'sqs:SendMessage', Resource: unreadableQueueArn },\n", replace: '' }],
  },
  {
    name: 'lettersRuleOnOrdersBus',
    mistake: 'The rule for new letters is put on the orders bus, like every rule so far: S3 sends its events to the default bus only.',
    failsAt: 3,
    says: /default bus, where S3 sends its events/,
    edits: [
      { find: '      Name: lettersRuleName,\n', replace: '      Name: lettersRuleName,\n      EventBusName: ordersBus.busName,\n' },
      {
        find: 'new PutTargetsCommand({ Rule: lettersRuleName, Targets:',
        replace: 'new PutTargetsCommand({ Rule: lettersRuleName, EventBusName: ordersBus.busName, Targets:',
      },
    ],
  },
  {
    name: 'lettersRuleWithoutPrefix',
    mistake: 'The rule takes every new object in the bucket: a drawing starts the reader too.',
    failsAt: 3,
    says: /drawings\/ada\.png/,
    edits: [
      {
        find: "detail: { bucket: { name: [bucketName] }, object: { key: [{ prefix: 'letters/' }] } },",
        replace: 'detail: { bucket: { name: [bucketName] } },',
      },
    ],
  },
  {
    name: 'lettersPrefixWithoutSlash',
    mistake: "The prefix is 'letters' without its slash: letters-old/ and letters-drafts/ start the reader too.",
    failsAt: 3,
    says: /letters-old/,
    edits: [{ find: "prefix: 'letters/'", replace: "prefix: 'letters'" }],
  },
  {
    name: 'lettersFromAnyBucket',
    mistake: "The rule names no bucket: every bucket's letters/ in the account start this reader.",
    failsAt: 3,
    says: /someone-elses-bucket/,
    edits: [
      {
        find: "detail: { bucket: { name: [bucketName] }, object: { key: [{ prefix: 'letters/' }] } },",
        replace: "detail: { object: { key: [{ prefix: 'letters/' }] } },",
      },
    ],
  },
  {
    name: 'readerGetsDetailOnly',
    mistake:
      "The rule hands the reader only the event's detail (InputPath $.detail): LocalStack then starts nothing, and the ASL's paths would be wrong anyway.",
    failsAt: 3,
    says: /whole event/,
    edits: [
      {
        find: "Targets: [{ Id: 'letter-reader', Arn: letterReaderArn, RoleArn: startRoleArn }]",
        replace: "Targets: [{ Id: 'letter-reader', Arn: letterReaderArn, RoleArn: startRoleArn, InputPath: '$.detail' }]",
      },
    ],
  },
  {
    name: 'catchInsteadOfLooking',
    mistake:
      'The reader looks at the size but not the content type, and catches whatever reading throws with States.ALL: on LocalStack a text letter reaches the elves; on AWS its execution fails.',
    failsAt: 4,
    says: /never catches States\.Runtime/,
    edits: [
      { file: ASL, find: '            { "Variable": "$.looked.contentType", "StringMatches": "application/json*" },\n', replace: '' },
      {
        file: ASL,
        find: '      "ResultPath": "$.read",\n',
        replace:
          '      "ResultPath": "$.read",\n      "Catch": [ { "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Hand it to the elves" } ],\n',
      },
    ],
  },
  {
    name: 'noSizeCheck',
    mistake: 'The reader reads a letter of any length: on AWS one over 256 KB fails the execution, and Santa reads 10 KB at most.',
    failsAt: 4,
    says: /longer than 10240 bytes/,
    edits: [{ file: ASL, find: ',\n            { "Variable": "$.looked.size", "NumericLessThanEquals": 10240 }', replace: '' }],
  },
  {
    name: 'sizeOffByOne',
    mistake: 'NumericLessThan 10240: a letter of exactly 10240 bytes, which Santa reads, goes to the elves.',
    failsAt: 4,
    says: /exactly 10240 bytes/,
    edits: [{ file: ASL, find: '"NumericLessThanEquals": 10240', replace: '"NumericLessThan": 10240' }],
  },
  {
    name: 'contentTypeExactly',
    mistake: 'The content type must be exactly application/json: a letter sent as "application/json; charset=utf-8" goes to the elves.',
    failsAt: 4,
    says: /charset=utf-8/,
    edits: [{ file: ASL, find: '"StringMatches": "application/json*"', replace: '"StringEquals": "application/json"' }],
  },
  {
    name: 'letterOnTheBus',
    mistake: 'The reader puts the whole letter on the bus as the detail: the address goes with it, and there is no orderId.',
    failsAt: 4,
    says: /the address and the message stay in the letter/,
    edits: [
      {
        file: ASL,
        find: '            "Detail": {\n              "orderId.$": "$.detail.object.key",\n              "child.$": "$.read.letter.child",\n              "gift.$": "$.read.letter.gift",\n              "quantity.$": "$.read.letter.quantity"\n            }',
        replace: '            "Detail.$": "$.read.letter"',
      },
    ],
  },
  {
    name: 'giftOnlyPresent',
    mistake: 'The reader asks whether there is a gift, not whether it is text: a letter asking for "7" becomes an order for the gift 7.',
    failsAt: 4,
    says: /gift is not a string/,
    edits: [{ file: ASL, find: '            { "Variable": "$.read.letter.gift", "IsString": true },\n', replace: '' }],
  },
  {
    name: 'notTheTrackersKey',
    mistake: 'The connection carries a key of its own choosing: the tracker refuses every update.',
    failsAt: 5,
    says: /answered 401/,
    edits: [{ find: 'ApiKeyValue: tracker.apiKey', replace: "ApiKeyValue: 'ho-ho-ho'" }],
  },
  {
    name: 'orderInThePath',
    mistake: 'The API destination puts the order in the address (updatesUrl/* with PathParameterValues): AWS fills in the *, LocalStack appends the values.',
    failsAt: 5,
    says: /PathParameterValues, which LocalStack appends/,
    edits: [{ find: 'InvocationEndpoint: tracker.updatesUrl,', replace: 'InvocationEndpoint: `${tracker.updatesUrl}/*`,' }],
  },
  {
    name: 'noRateLimit',
    mistake: 'The API destination has no rate limit: on Christmas Eve EventBridge would call the small tracker 300 times a second.',
    failsAt: 5,
    says: /InvocationRateLimitPerSecond at most 10/,
    edits: [{ find: '        InvocationRateLimitPerSecond: TRACKER_UPDATES_PER_SECOND,\n', replace: '' }],
  },
  {
    name: 'invokeAnyDestination',
    mistake: "The tracker's role may invoke every API destination of the account.",
    failsAt: 5,
    says: /least privilege/,
    edits: [
      {
        find: "[{ Action: 'events:InvokeApiDestination', Resource: apiDestinationArn }]",
        replace: "[{ Action: 'events:InvokeApiDestination', Resource: '*' }]",
      },
    ],
  },
  {
    name: 'trackerTargetWithoutRole',
    mistake: 'The tracker rules target the API destination with no role, as a queue target takes none: AWS invokes an API destination only with one.',
    failsAt: 6,
    says: /EventBridge invokes an API destination with a role/,
    edits: [{ find: "            RoleArn: `arn:aws:iam::${np.accountId}:role/${np.name('tracker')}`,\n", replace: '' }],
  },
  {
    name: 'wholeEventToTheTracker',
    mistake: "No input transformer: the tracker's page would get the whole event, the child's name, gift and list.",
    failsAt: 6,
    says: /no transformer: the whole event/,
    edits: [
      {
        find: '            InputTransformer: {\n              InputPathsMap: { orderId: orderIdPath, status: \'$.detail-type\', time: \'$.time\' },\n              InputTemplate: \'{"orderId": <orderId>, "status": <status>, "time": <time>}\',\n            },\n',
        replace: '',
      },
    ],
  },
  {
    name: 'childNameToTheTracker',
    mistake: "The update carries the child's name too, for a friendlier page: every child watching sees every other child's name.",
    failsAt: 6,
    says: /the fields child/,
    edits: [
      {
        find: 'InputPathsMap: { orderId: orderIdPath, status: \'$.detail-type\', time: \'$.time\' },\n              InputTemplate: \'{"orderId": <orderId>, "status": <status>, "time": <time>}\',',
        replace:
          'InputPathsMap: { orderId: orderIdPath, status: \'$.detail-type\', time: \'$.time\', child: \'$.detail.child\' },\n              InputTemplate: \'{"orderId": <orderId>, "status": <status>, "time": <time>, "child": <child>}\',',
      },
    ],
  },
  {
    name: 'failuresReadTheWrongOrderId',
    mistake:
      "The failures rule reads orderId where the other rule does, $.detail.orderId: an OrderFailed keeps its order under detail.order, so the update's orderId is empty.",
    failsAt: 6,
    says: /orderId must NOT have fewer than 1 characters/,
    edits: [{ find: "'$.detail.order.orderId'", replace: "'$.detail.orderId'" }],
  },
  {
    name: 'oneRuleForEveryStatus',
    mistake: 'The orders rule takes OrderFailed too: its transformer finds no orderId there.',
    failsAt: 6,
    says: /OrderFailed from northpole\.fulfilment: its order is under detail\.order/,
    edits: [
      {
        find: "{ source: [FULFILMENT_SOURCE], 'detail-type': [EventTypes.OrderFulfilled] }] },",
        replace: "{ source: [FULFILMENT_SOURCE], 'detail-type': [EventTypes.OrderFulfilled, EventTypes.OrderFailed] }] },",
      },
    ],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence: "The grader reads the bucket's notification configuration back.",
    provedBy: ['noEventBridgeNotifications'],
  },
  {
    sentence: 'The grader reads the role back and checks each grant names its one resource, never `*` and never `s3:*`.',
    provedBy: ['readerReadsEveryBucket', 'readerMayNotHandOver'],
  },
  {
    sentence:
      "The grader tries your pattern with `TestEventPattern` on a new letter, a letter in a folder under `letters/`, a drawing under `drawings/`, an object under `letters-old/` (a prefix needs its slash), a letter in someone else's bucket, and a letter deleted (`Object Deleted`).",
    provedBy: ['lettersRuleWithoutPrefix', 'lettersPrefixWithoutSlash', 'lettersFromAnyBucket', 'lettersRuleOnOrdersBus', 'readerGetsDetailOnly'],
  },
  {
    sentence:
      'The grader puts real letters in your bucket: three good ones (one with an address and a message, one sent as `application/json; charset=utf-8`, one of exactly 10240 bytes), four the elves must get (a plain-text letter, one without a gift, one whose gift is a number, one of 10241 bytes) and a drawing under `drawings/`.',
    provedBy: ['noSizeCheck', 'sizeOffByOne', 'contentTypeExactly', 'giftOnlyPresent', 'letterOnTheBus'],
  },
  {
    sentence:
      "It then reads each execution's history: a letter that went to the elves only because LocalStack's `States.ALL` caught a `States.Runtime` would fail on AWS, and the grader says so.",
    provedBy: ['catchInsteadOfLooking'],
  },
  {
    sentence:
      'The grader reads the connection, the API destination and the role back, then sends one update through your API destination with a rule of its own: the tracker must take it, which it does only with its key and at its address.',
    provedBy: ['notTheTrackersKey', 'orderInThePath', 'noRateLimit', 'invokeAnyDestination'],
  },
  {
    sentence: 'The grader tries both patterns with `TestEventPattern`, then watches the tracker while real orders go through',
    provedBy: ['oneRuleForEveryStatus', 'trackerTargetWithoutRole', 'wholeEventToTheTracker', 'childNameToTheTracker', 'failuresReadTheWrongOrderId'],
  },
];
