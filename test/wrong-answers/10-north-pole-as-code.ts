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
    edits: [{ find: "new CfnOutput(this, 'OrdersBus', { value: this.toJsonString(ordersBus) })", replace: "new CfnOutput(this, 'OrdersBus', { value: bus.eventBusName })" }],
  },
  {
    name: 'machineFromFileAsset',
    mistake: 'DefinitionBody.fromFile(), as the CDK documentation shows it: the file becomes an S3 asset, which a stack deployed without a bootstrap cannot have, so nothing is created.',
    failsAt: 1,
    says: /fromFile\(\) uploads the file to S3 as an asset/,
    edits: [{ find: FROM_FILE, replace: "sfn.DefinitionBody.fromFile(new URL('./fulfilment.asl.json', import.meta.url).pathname)" }],
  },
  {
    name: 'busDeclaredTwice',
    mistake: "The dispatch section makes a second EventBus with the orders bus's name, meaning to refer to the first: CloudFormation cannot create a bus that is already there.",
    failsAt: 1,
    says: /CloudFormation could not create the construct DispatchBus/,
    edits: [{ find: "    const topic = new sns.Topic(this, 'DispatchTopic',", replace: "    new events.EventBus(this, 'DispatchBus', { eventBusName: name('orders') });\n    const topic = new sns.Topic(this, 'DispatchTopic'," }],
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
    edits: [{ find: 'bus.grantPutEventsTo(apiRole);', replace: "apiRole.addToPolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: ['*'] }));" }],
  },
  {
    name: 'departmentRuleNameFromRef',
    mistake: "The output takes each department's rule name from rule.ruleName, which for a rule on a custom bus is CloudFormation's \"<bus>|<rule>\".",
    failsAt: 3,
    says: /"<bus>\|<rule>"/,
    edits: [
      { find: '      new events.Rule(this, `${key}Rule`, {', replace: '      const rule = new events.Rule(this, `${key}Rule`, {' },
      { find: 'return { ruleName: name(base), queueUrl: queue.queueUrl, queueArn: queue.queueArn };', replace: 'return { ruleName: rule.ruleName, queueUrl: queue.queueUrl, queueArn: queue.queueArn };' },
    ],
  },
  {
    name: 'wholeEventToDepartments',
    mistake: 'The departments get the whole event: targets.SqsQueue without a message sends the envelope, not the order.',
    failsAt: 3,
    says: /fromEventPath\('\$\.detail'\)/,
    edits: [{ find: "targets: [new targets.SqsQueue(queue, { message: events.RuleTargetInput.fromEventPath('$.detail') })]", replace: 'targets: [new targets.SqsQueue(queue)]' }],
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
    mistake: 'The rule starts the machine with $.detail: LocalStack starts no execution from a reshaped event, and the machine reads the order from $.detail of the whole event.',
    failsAt: 4,
    says: /whole event/,
    edits: [{ find: 'new targets.SfnStateMachine(machine, { role: startRole })', replace: "new targets.SfnStateMachine(machine, { role: startRole, input: events.RuleTargetInput.fromEventPath('$.detail') })" }],
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
    failsAt: 6,
    says: /sleigh's queue/,
    edits: [{ file: ASL, find: '"DetailType": "OrderFulfilled"', replace: '"DetailType": "OrderShipped"' }],
  },
  {
    name: 'announcedOnAnotherBus',
    mistake: 'The ASL file names the bus "orders" where the placeholder ${OrdersBus} should be: every OrderFulfilled goes to a bus that is not there.',
    failsAt: 6,
    says: /sleigh's queue/,
    edits: [{ file: ASL, find: '"EventBusName": "${OrdersBus}"', replace: '"EventBusName": "orders"' }],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence: 'The graders find your resources through them.',
    provedBy: ['busOutputAsText', 'noSleighDispatchOutput', 'departmentRuleNameFromRef'],
  },
  {
    sentence: "The grader runs exercise 1's checks against your stack's bus, rule and queue, the rule before the queue policy CDK wrote from it",
    provedBy: ['observerWithoutBus', 'queueNamedByCdk', 'busOutputAsText'],
  },
  {
    sentence: "The grader runs exercise 2's checks against your API: the role and the policy your grant wrote, the method with its model and validator",
    provedBy: ['apiWithoutValidator', 'apiMayPutAnywhere'],
  },
  {
    sentence: "The grader runs exercise 3's checks on each department's queue and rule, with exercise 3's samples, reads each target for `InputPath` `$.detail`",
    provedBy: ['wholeEventToDepartments', 'departmentRuleNameFromRef'],
  },
  {
    sentence: "The grader runs exercise 4's checks (the table, both roles, the machine with its Choice tried by `TestState`, the rule and its target), then compares the deployed definition with your file, placeholder by placeholder",
    provedBy: ['machineStartedWithDetail', 'machineWithoutBusGrant', 'workshopArnForUrl', 'machineInlinedAndDrifted', 'tableGrantWriteData'],
  },
  {
    sentence: "The grader runs exercise 5's checks: the topic and its policy, the rule, each queue's policy, each subscription's filter policy tried on exercise 5's samples",
    provedBy: ['sleighFiltersOnAttributes', 'noSleighDispatchOutput'],
  },
  {
    sentence: 'The grader sends three good orders through `POST /orders`',
    provedBy: ['announcedAsShipped', 'announcedOnAnotherBus'],
  },
  {
    sentence: 'The grader deploys your stack into a namespace of its own as above, then runs the checks of each task against its resources.',
    provedBy: ['busDeclaredTwice', 'machineFromFileAsset', 'observerWithoutBus', 'announcedAsShipped'],
  },
];
