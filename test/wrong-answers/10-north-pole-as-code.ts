import type { ReadmePromise, WrongAnswer } from './wrongAnswer.ts';

const ASL = 'fulfilment.asl.json';
const FROM_FILE = "sfn.DefinitionBody.fromString(readFileSync(new URL('./fulfilment.asl.json', import.meta.url), 'utf8'))";

/** Exercise 4's machine written into the stack, as a learner copies it from the file, with the source of its event changed since. */
const INLINED_MACHINE = `sfn.DefinitionBody.fromString(
        JSON.stringify({
          StartAt: 'Naughty or nice?',
          States: {
            'Naughty or nice?': {
              Type: 'Choice',
              Choices: [{ And: [{ Variable: '$.detail.list', IsPresent: true }, { Variable: '$.detail.list', StringEquals: 'naughty' }], Next: 'Coal' }],
              Default: 'Toy',
            },
            Coal: { Type: 'Pass', Parameters: { outcome: 'coal', 'fulfilledAt.$': '$$.State.EnteredTime' }, ResultPath: '$.fulfilment', Next: 'Record the order' },
            Toy: { Type: 'Pass', Parameters: { outcome: 'shipped', 'fulfilledAt.$': '$$.State.EnteredTime' }, ResultPath: '$.fulfilment', Next: 'Send to the workshop' },
            'Send to the workshop': { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: '\${WorkshopQueueUrl}', 'MessageBody.$': '$.detail' }, ResultPath: null, Next: 'Record the order' },
            'Record the order': {
              Type: 'Task',
              Resource: 'arn:aws:states:::dynamodb:putItem',
              Parameters: {
                TableName: '\${OrdersTable}',
                Item: {
                  orderId: { 'S.$': '$.detail.orderId' },
                  child: { 'S.$': '$.detail.child' },
                  gift: { 'S.$': '$.detail.gift' },
                  quantity: { 'N.$': 'States.JsonToString($.detail.quantity)' },
                  status: { S: 'fulfilled' },
                  outcome: { 'S.$': '$.fulfilment.outcome' },
                  placedAt: { 'S.$': '$.time' },
                  fulfilledAt: { 'S.$': '$.fulfilment.fulfilledAt' },
                },
              },
              ResultPath: null,
              Next: 'Announce OrderFulfilled',
            },
            'Announce OrderFulfilled': {
              Type: 'Task',
              Resource: 'arn:aws:states:::events:putEvents',
              Parameters: { Entries: [{ EventBusName: '\${OrdersBus}', Source: 'northpole.workshop', DetailType: 'OrderFulfilled', 'Detail.$': 'States.JsonMerge($.detail, $.fulfilment, false)' }] },
              End: true,
            },
          },
        }),
      )`;

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'observerWithoutBus',
    mistake: 'The elf log rule has no eventBus: CDK puts it on the default bus, where no order ever arrives.',
    failsAt: 1,
    says: /on the bus np\w+-orders/,
    edits: [{ find: "      ruleName: name('elf-log-observer'),\n      eventBus: bus,\n", replace: "      ruleName: name('elf-log-observer'),\n" }],
  },
  {
    name: 'elfLogHearsFulfilment',
    mistake: "The elf log's rule matches both sources the stack knows: every order reaches the elf log twice, once placed and once fulfilled.",
    failsAt: 1,
    says: /OrderFulfilled event from "northpole.fulfilment"/,
    edits: [
      {
        find: '      eventPattern: { source: [ORDERS_SOURCE] },\n      targets: [new targets.SqsQueue(elfLog)],',
        replace: '      eventPattern: { source: [ORDERS_SOURCE, FULFILMENT_SOURCE] },\n      targets: [new targets.SqsQueue(elfLog)],',
      },
    ],
  },
  {
    name: 'queueNamedByCdk',
    mistake: 'The elf log queue has no queueName: CDK names it after the stack and the construct, and nobody finds it by the namespace.',
    failsAt: 1,
    says: /np\w+-elf-log/,
    edits: [{ find: "new sqs.Queue(this, 'ElfLog', { queueName: name('elf-log') })", replace: "new sqs.Queue(this, 'ElfLog')" }],
  },
  {
    name: 'busOutputAsText',
    mistake: "The output OrdersBus is the bus's name alone, not the contract as JSON.",
    failsAt: 1,
    says: /toJsonString/,
    edits: [
      {
        find: "new CfnOutput(this, 'OrdersBus', { value: this.toJsonString(ordersBus) })",
        replace: "new CfnOutput(this, 'OrdersBus', { value: bus.eventBusName })",
      },
    ],
  },
  {
    name: 'machineFromFileAsset',
    mistake:
      'DefinitionBody.fromFile(), as the CDK documentation shows it: the file becomes an S3 asset, which a stack deployed without a bootstrap cannot have, so nothing is created.',
    failsAt: 1,
    says: /fromFile\(\) uploads the file to S3 as an asset/,
    edits: [{ find: FROM_FILE, replace: "sfn.DefinitionBody.fromFile(new URL('./fulfilment.asl.json', import.meta.url).pathname)" }],
  },
  {
    name: 'busDeclaredTwice',
    mistake:
      "The dispatch section makes a second EventBus with the orders bus's name, meaning to refer to the first: CloudFormation cannot create a bus that is already there.",
    failsAt: 1,
    says: /CloudFormation could not create the construct DispatchBus/,
    edits: [
      {
        find: "    const topic = new sns.Topic(this, 'DispatchTopic',",
        replace: "    new events.EventBus(this, 'DispatchBus', { eventBusName: name('orders') });\n    const topic = new sns.Topic(this, 'DispatchTopic',",
      },
    ],
  },
  {
    name: 'apiWithoutValidator',
    mistake: 'POST /orders has the Order model but no validator: API Gateway passes every body on, an order without a gift included.',
    failsAt: 2,
    says: /request validator/,
    edits: [{ find: "      requestValidator: api.addRequestValidator('Body', { requestValidatorName: 'body', validateRequestBody: true }),\n", replace: '' }],
  },
  {
    name: 'apiMayPutAnywhere',
    mistake: 'A hand-written statement instead of the grant: the API may put events on every bus, "*".',
    failsAt: 2,
    edits: [
      { find: 'bus.grantPutEventsTo(apiRole);', replace: "apiRole.addToPolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: ['*'] }));" },
    ],
  },
  {
    name: 'departmentRuleNameFromRef',
    mistake: 'The output takes each department\'s rule name from rule.ruleName, which for a rule on a custom bus is CloudFormation\'s "<bus>|<rule>".',
    failsAt: 3,
    says: /"<bus>\|<rule>"/,
    edits: [
      { find: '      new events.Rule(this, `${key}Rule`, {', replace: '      const rule = new events.Rule(this, `${key}Rule`, {' },
      {
        find: 'return { ruleName: name(base), queueUrl: queue.queueUrl, queueArn: queue.queueArn };',
        replace: 'return { ruleName: rule.ruleName, queueUrl: queue.queueUrl, queueArn: queue.queueArn };',
      },
    ],
  },
  {
    name: 'wholeEventToDepartments',
    mistake: 'The departments get the whole event: targets.SqsQueue without a message sends the envelope, not the order.',
    failsAt: 3,
    says: /fromEventPath\('\$\.detail'\)/,
    edits: [
      {
        find: "targets: [new targets.SqsQueue(queue, { message: events.RuleTargetInput.fromEventPath('$.detail') })]",
        replace: 'targets: [new targets.SqsQueue(queue)]',
      },
    ],
  },
  {
    name: 'tableGrantWriteData',
    mistake: 'table.grantWriteData() for a machine that only puts: the generated policy also lets it update and delete orders.',
    failsAt: 4,
    says: /grantWriteData\(\) grants every write/,
    edits: [{ find: "table.grant(machineRole, 'dynamodb:PutItem');", replace: 'table.grantWriteData(machineRole);' }],
  },
  {
    name: 'machineWithoutBusGrant',
    mistake: 'The machine has no grant on the bus: LocalStack runs its putEvents task anyway, AWS refuses it.',
    failsAt: 4,
    says: /events:PutEvents/,
    edits: [{ find: 'bus.grantPutEventsTo(machineRole);', replace: '' }],
  },
  {
    name: 'machineInlinedAndDrifted',
    mistake: "The machine is copied into the stack as an object, and the copy's event source changed since: the file and the machine tell two stories.",
    failsAt: 4,
    says: /differs from the file at States\.Announce OrderFulfilled/,
    edits: [{ find: FROM_FILE, replace: INLINED_MACHINE }],
  },
  {
    name: 'machineStartedWithDetail',
    mistake:
      'The rule starts the machine with $.detail: LocalStack starts no execution from a reshaped event, and the machine reads the order from $.detail of the whole event.',
    failsAt: 4,
    says: /whole event/,
    edits: [
      {
        find: 'new targets.SfnStateMachine(machine, { role: startRole })',
        replace: "new targets.SfnStateMachine(machine, { role: startRole, input: events.RuleTargetInput.fromEventPath('$.detail') })",
      },
    ],
  },
  {
    name: 'workshopArnForUrl',
    mistake: "The machine's ${WorkshopQueueUrl} is filled with the queue's ARN: sqs:sendMessage wants its URL.",
    failsAt: 4,
    says: /WorkshopQueueUrl/,
    edits: [{ find: 'WorkshopQueueUrl: workshop.queueUrl,', replace: 'WorkshopQueueUrl: workshop.queueArn,' }],
  },
  {
    name: 'noSleighDispatchOutput',
    mistake: 'The stack has no output SleighDispatch: the graders cannot find the dispatch through the stack.',
    failsAt: 5,
    says: /an output named SleighDispatch/,
    edits: [{ find: "    new CfnOutput(this, 'SleighDispatch', { value: this.toJsonString(sleighDispatch) });\n", replace: '' }],
  },
  {
    name: 'sleighFiltersOnAttributes',
    mistake: "The European sleigh's filter uses filterPolicy, which looks at message attributes; EventBridge sets none, so it never gets an order.",
    failsAt: 5,
    says: /FilterPolicyScope "MessageBody"/,
    edits: [
      {
        find: "{ rawMessageDelivery: true, filterPolicyWithMessageBody: toRegion('europe') }",
        replace: "{ rawMessageDelivery: true, filterPolicy: { region: sns.SubscriptionFilter.stringFilter({ allowlist: ['europe'] }) } }",
      },
    ],
  },
  {
    name: 'announcedAsShipped',
    mistake: 'The machine announces "OrderShipped": the dispatch rule waits for OrderFulfilled, so no sleigh hears of any order.',
    failsAt: 4,
    says: /detail-type "OrderShipped", not "OrderFulfilled"/,
    edits: [{ file: ASL, find: '"DetailType": "OrderFulfilled"', replace: '"DetailType": "OrderShipped"' }],
  },
  {
    name: 'announcedOnAnotherBus',
    mistake: 'The ASL file names the bus "orders" where the placeholder ${OrdersBus} should be: every OrderFulfilled goes to a bus that is not there.',
    failsAt: 4,
    says: /OrderFulfilled/,
    edits: [{ file: ASL, find: '"EventBusName": "${OrdersBus}"', replace: '"EventBusName": "orders"' }],
  },
  {
    name: 'modelRefusesExtraFields',
    mistake:
      "The order model made strict with additionalProperties: false: exercise 2's orders get through, and every real order, which carries its sku, region or gift wrap for the later steps, gets 400.",
    failsAt: 6,
    says: /HTTP 400/,
    edits: [
      {
        find: "  required: ['orderId', 'child', 'gift', 'quantity'],\n",
        replace: "  required: ['orderId', 'child', 'gift', 'quantity'],\n  additionalProperties: false,\n",
      },
    ],
  },
  {
    name: 'starterOrdersBus',
    mistake: 'Task 1 as the starter ships it: the orders bus is there (later tasks put things on it), and no elf log, no rule and no output OrdersBus.',
    failsAt: 1,
    starterPart: true,
    edits: [
      {
        find: `    const elfLog = new sqs.Queue(this, 'ElfLog', { queueName: name('elf-log') });
    new events.Rule(this, 'ElfLogObserver', {
      ruleName: name('elf-log-observer'),
      eventBus: bus,
      eventPattern: { source: [ORDERS_SOURCE] },
      targets: [new targets.SqsQueue(elfLog)],
    });
    const ordersBus: OrdersBus = { busName: bus.eventBusName, busArn: bus.eventBusArn, elfLogQueueUrl: elfLog.queueUrl, elfLogQueueArn: elfLog.queueArn };
    new CfnOutput(this, 'OrdersBus', { value: this.toJsonString(ordersBus) });
`,
        replace: `    // TODO (Task 1): the orders bus name('orders'), the elf log queue name('elf-log'), and the rule
    // name('elf-log-observer') on that bus that sends it every event from ORDERS_SOURCE. Then the
    // output OrdersBus: new CfnOutput(this, 'OrdersBus', { value: this.toJsonString(ordersBus) }).
`,
      },
    ],
  },
  {
    name: 'starterOrdersApi',
    mistake: 'Task 2 as the starter ships it: no role, no REST API and no output OrdersApi (and so no OrdersUrl: there is no API to address).',
    failsAt: 2,
    starterPart: true,
    edits: [
      {
        find: `    // Task 2: POST /orders puts each valid order on the bus, through a role that may do just that
    const apiRole = new iam.Role(this, 'OrdersApiRole', { roleName: name('orders-api'), assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') });
    bus.grantPutEventsTo(apiRole);
    const api = new apigateway.RestApi(this, 'Api', { restApiName: name('orders-api'), deployOptions: { stageName: 'live' } });
    const putEvents = new apigateway.AwsIntegration({
      service: 'events',
      action: 'PutEvents',
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: apiRole,
        requestParameters: {
          'integration.request.header.X-Amz-Target': "'AWSEvents.PutEvents'",
          'integration.request.header.Content-Type': "'application/x-amz-json-1.1'",
        },
        requestTemplates: { 'application/json': putEventsTemplate(bus.eventBusName) },
        passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
        integrationResponses: [{ statusCode: '200' }],
      },
    });
    api.root.addResource('orders').addMethod('POST', putEvents, {
      requestValidator: api.addRequestValidator('Body', { requestValidatorName: 'body', validateRequestBody: true }),
      requestModels: { 'application/json': api.addModel('Order', { modelName: 'Order', contentType: 'application/json', schema: ORDER_SCHEMA }) },
      methodResponses: [{ statusCode: '200' }],
    });
    const ordersApi: OrdersApi = { restApiId: api.restApiId, stageName: api.deploymentStage.stageName, roleArn: apiRole.roleArn };
    new CfnOutput(this, 'OrdersApi', { value: this.toJsonString(ordersApi) });
`,
        replace: `    // TODO (Task 2): the role name('orders-api') that API Gateway assumes, allowed to put events on the
    // bus by a grant; the REST API name('orders-api') with POST /orders, the Order model, a validator
    // and the PutEvents integration (putEventsTemplate), deployed to the stage 'live'. Output OrdersApi.
`,
      },
      {
        find: `    // Task 6: where the children's front end sends its orders, as AWS addresses POST /orders
    new CfnOutput(this, 'OrdersUrl', { value: api.urlForPath('/orders') });
`,
        replace: `    // TODO (Task 6): the output OrdersUrl, the address the children's front end sends its orders to:
    // POST /orders as AWS addresses it (api.urlForPath). The grader sends real orders through it.
`,
      },
    ],
  },
  {
    name: 'starterDepartments',
    mistake: 'Task 3 as the starter ships it: no department queues or rules, and no output OrderRouting.',
    failsAt: 3,
    starterPart: true,
    edits: [
      {
        find: `    // Task 3: a queue and a rule on the orders bus for each department, the order itself as the message
    const department = (key: keyof OrderRouting): Department => {
      const { base, detail } = DEPARTMENTS[key];
      const queue = new sqs.Queue(this, \`\${key}Queue\`, { queueName: name(base) });
      new events.Rule(this, \`\${key}Rule\`, {
        ruleName: name(base),
        eventBus: bus,
        eventPattern: { source: [ORDERS_SOURCE], detailType: [EventTypes.OrderPlaced], detail },
        targets: [new targets.SqsQueue(queue, { message: events.RuleTargetInput.fromEventPath('$.detail') })],
      });
      // A rule's Ref on a custom bus is "<bus>|<rule>": the contract wants the rule's own name.
      return { ruleName: name(base), queueUrl: queue.queueUrl, queueArn: queue.queueArn };
    };
    const orderRouting: OrderRouting = {
      toyWorkshop: department('toyWorkshop'),
      coalDepot: department('coalDepot'),
      heavyLift: department('heavyLift'),
      giftWrap: department('giftWrap'),
      expressDesk: department('expressDesk'),
    };
    new CfnOutput(this, 'OrderRouting', { value: this.toJsonString(orderRouting) });
`,
        replace: `    // TODO (Task 3): for each of DEPARTMENTS, a queue and a rule name(base) on the orders bus for
    // OrderPlaced events from ORDERS_SOURCE whose detail matches; the queue receives the order itself.
    // Output OrderRouting.
`,
      },
    ],
  },
  {
    name: 'starterFulfilment',
    mistake: 'Task 4 as the starter ships it: no table, workshop queue, roles, machine or start rule, and no output FulfilmentWorkflow.',
    failsAt: 4,
    starterPart: true,
    edits: [
      {
        find: `    // Task 4: the fulfilment machine from its ASL file, with grants no wider than its three tasks
    const table = new dynamodb.Table(this, 'OrdersTable', {
      tableName: name('orders'),
      partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    });
    const workshop = new sqs.Queue(this, 'Workshop', { queueName: name('workshop') });
    const machineRole = new iam.Role(this, 'FulfilmentRole', { roleName: name('fulfilment'), assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    table.grant(machineRole, 'dynamodb:PutItem');
    workshop.grantSendMessages(machineRole);
    bus.grantPutEventsTo(machineRole);
    const machine = new sfn.StateMachine(this, 'FulfilmentMachine', {
      stateMachineName: name('fulfilment'),
      definitionBody: sfn.DefinitionBody.fromString(readFileSync(new URL('./fulfilment.asl.json', import.meta.url), 'utf8')),
      definitionSubstitutions: { OrdersTable: table.tableName, WorkshopQueueUrl: workshop.queueUrl, OrdersBus: bus.eventBusName },
      role: machineRole,
    });
    const startRole = new iam.Role(this, 'FulfilmentStartRole', { roleName: name('fulfilment-start'), assumedBy: new iam.ServicePrincipal('events.amazonaws.com') });
    // The whole event is the machine's input: it reads the order from $.detail.
    new events.Rule(this, 'StartFulfilment', {
      ruleName: name('start-fulfilment'),
      eventBus: bus,
      eventPattern: { source: [ORDERS_SOURCE], detailType: [EventTypes.OrderPlaced] },
      targets: [new targets.SfnStateMachine(machine, { role: startRole })],
    });
    const fulfilment: FulfilmentWorkflow = {
      stateMachineArn: machine.stateMachineArn,
      ordersTableName: table.tableName,
      workshopQueueUrl: workshop.queueUrl,
      workshopQueueArn: workshop.queueArn,
      machineRoleArn: machineRole.roleArn,
      ruleName: name('start-fulfilment'),
      startRoleArn: startRole.roleArn,
    };
    new CfnOutput(this, 'FulfilmentWorkflow', { value: this.toJsonString(fulfilment) });
`,
        replace: `    // TODO (Task 4): the table name('orders'), the queue name('workshop'), the role name('fulfilment')
    // with grants for exactly the machine's three tasks, the machine name('fulfilment') from
    // fulfilment.asl.json, and the rule name('start-fulfilment') with the role name('fulfilment-start')
    // that starts it with the whole event. Output FulfilmentWorkflow.
`,
      },
    ],
  },
  {
    name: 'starterSleighDispatch',
    mistake: 'Task 5 as the starter ships it: no topic, dispatch rule or subscribed queues, and no output SleighDispatch.',
    failsAt: 5,
    starterPart: true,
    edits: [
      {
        find: `    // Task 5: every fulfilled order to the dispatch topic, and each queue subscribed with its filter
    const topic = new sns.Topic(this, 'DispatchTopic', { topicName: name('sleigh-dispatch') });
    new events.Rule(this, 'SleighDispatchRule', {
      ruleName: name('sleigh-dispatch'),
      eventBus: bus,
      eventPattern: { source: [FULFILMENT_SOURCE], detailType: [EventTypes.OrderFulfilled] },
      targets: [new targets.SnsTopic(topic)],
    });
    const dispatchQueue = (id: string, base: string, options: subscriptions.SqsSubscriptionProps): DispatchQueue => {
      const queue = new sqs.Queue(this, id, { queueName: name(base) });
      const subscription = topic.addSubscription(new subscriptions.SqsSubscription(queue, options));
      return { queueUrl: queue.queueUrl, queueArn: queue.queueArn, subscriptionArn: (subscription.node.defaultChild as sns.CfnSubscription).ref };
    };
    const toRegion = (region: string) => ({ detail: sns.FilterOrPolicy.policy({ region: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.stringFilter({ allowlist: [region] })) }) });
    const sleighDispatch: SleighDispatch = {
      topicArn: topic.topicArn,
      ruleName: name('sleigh-dispatch'),
      queues: {
        europeSleigh: dispatchQueue('EuropeSleigh', 'sleigh-europe', { rawMessageDelivery: true, filterPolicyWithMessageBody: toRegion('europe') }),
        northAmericaSleigh: dispatchQueue('NorthAmericaSleigh', 'sleigh-north-america', { rawMessageDelivery: true, filterPolicyWithMessageBody: toRegion('north-america') }),
        heavyLiftSleigh: dispatchQueue('HeavyLiftSleigh', 'heavy-lift-sleigh', {
          rawMessageDelivery: true,
          filterPolicyWithMessageBody: { detail: sns.FilterOrPolicy.policy({ weightKg: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.numericFilter({ greaterThan: 20 })) }) },
        }),
        reindeerStables: dispatchQueue('ReindeerStables', 'reindeer-stables', { rawMessageDelivery: true, filterPolicy: { minutes: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 30 }) } }),
        audit: dispatchQueue('DispatchAudit', 'dispatch-audit', { rawMessageDelivery: false }),
      },
    };
    new CfnOutput(this, 'SleighDispatch', { value: this.toJsonString(sleighDispatch) });
`,
        replace: `    // TODO (Task 5): the topic name('sleigh-dispatch'), the rule name('sleigh-dispatch') that sends it
    // every OrderFulfilled from FULFILMENT_SOURCE, and the five queues of exercise 5, each subscribed
    // with its filter policy. Output SleighDispatch.
`,
      },
    ],
  },
  {
    name: 'starterOrdersUrl',
    mistake: "Task 6 as the starter ships it: no output OrdersUrl, so the children's front end has no address to send its orders to.",
    failsAt: 6,
    starterPart: true,
    edits: [
      {
        find: `    // Task 6: where the children's front end sends its orders, as AWS addresses POST /orders
    new CfnOutput(this, 'OrdersUrl', { value: api.urlForPath('/orders') });
`,
        replace: `    // TODO (Task 6): the output OrdersUrl, the address the children's front end sends its orders to:
    // POST /orders as AWS addresses it (api.urlForPath). The grader sends real orders through it.
`,
      },
    ],
  },
  {
    name: 'ordersUrlWithoutPath',
    mistake: "The output OrdersUrl is api.url, the stage's root: the front end would post its orders to /live/, where there is no method.",
    failsAt: 6,
    says: /stage's root/,
    edits: [{ find: "api.urlForPath('/orders')", replace: 'api.url' }],
  },
  {
    name: 'ordersUrlWrittenByHand',
    mistake: "The output OrdersUrl is LocalStack's address written by hand: it names no API of this stack, and on AWS nothing answers there.",
    failsAt: 6,
    says: /not the address of the stack's API/,
    edits: [{ find: "api.urlForPath('/orders')", replace: "'http://localhost:4566/restapis/orders-api/live/_user_request_/orders'" }],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence: 'The graders find your resources through them.',
    provedBy: ['busOutputAsText', 'noSleighDispatchOutput', 'departmentRuleNameFromRef'],
  },
  {
    sentence: "The grader runs exercise 1's checks against your stack's bus, rule and queue, the rule before the queue policy CDK wrote from it",
    provedBy: ['observerWithoutBus', 'queueNamedByCdk', 'busOutputAsText', 'elfLogHearsFulfilment'],
  },
  {
    sentence: "The grader runs exercise 2's checks against your API: the role and the policy your grant wrote, the method with its model and validator",
    provedBy: ['apiWithoutValidator', 'apiMayPutAnywhere'],
  },
  {
    sentence:
      "The grader runs exercise 3's checks on each department's queue and rule, with exercise 3's samples, reads each target for `InputPath` `$.detail`",
    provedBy: ['wholeEventToDepartments', 'departmentRuleNameFromRef'],
  },
  {
    sentence:
      "The grader runs exercise 4's checks (the table, both roles, the machine with its Choice tried by `TestState`, the rule and its target), then compares the deployed definition with your file, placeholder by placeholder",
    provedBy: [
      'machineStartedWithDetail',
      'machineWithoutBusGrant',
      'workshopArnForUrl',
      'machineInlinedAndDrifted',
      'tableGrantWriteData',
      'announcedAsShipped',
      'announcedOnAnotherBus',
    ],
  },
  {
    sentence:
      "The grader runs exercise 5's checks: the topic and its policy, the rule, each queue's policy, each subscription's filter policy tried on exercise 5's samples",
    provedBy: ['sleighFiltersOnAttributes', 'noSleighDispatchOutput'],
  },
  {
    sentence: "The grader wants the output to name the stack's API, its stage and `/orders` (`api.url` is the stage's root and fails)",
    provedBy: ['ordersUrlWithoutPath', 'ordersUrlWrittenByHand', 'starterOrdersUrl'],
  },
  {
    sentence: 'then sends three good orders through `POST /orders`',
    provedBy: ['modelRefusesExtraFields'],
  },
  {
    sentence: 'The grader deploys your stack into a namespace of its own as above, then runs the checks of each task against its resources.',
    provedBy: ['busDeclaredTwice', 'machineFromFileAsset', 'observerWithoutBus', 'announcedAsShipped'],
  },
];
