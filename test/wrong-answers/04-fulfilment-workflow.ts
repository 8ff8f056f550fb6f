import type { ReadmePromise, WrongAnswer } from './wrongAnswer.ts';

const ASL = 'fulfilment.asl.json';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'tableKeyedById',
    mistake:
      'The handed-over table is changed to be keyed by "id", as in a tutorial, so the machine cannot put an order by its orderId: the policy of task 1 names a table that does not fit.',
    failsAt: 1,
    edits: [
      { find: "AttributeDefinitions: [{ AttributeName: 'orderId'", replace: "AttributeDefinitions: [{ AttributeName: 'id'" },
      { find: "KeySchema: [{ AttributeName: 'orderId'", replace: "KeySchema: [{ AttributeName: 'id'" },
    ],
  },
  {
    name: 'machineMayPutAnywhere',
    mistake: 'The machine may put items into every table: Resource "*" instead of the orders table.',
    failsAt: 1,
    edits: [{ find: "Action: 'dynamodb:PutItem', Resource: ordersTableArn", replace: "Action: 'dynamodb:PutItem', Resource: '*'" }],
  },
  {
    name: 'machineMayDoAnythingToTable',
    mistake: 'The machine may do anything to the orders table ("dynamodb:*"), delete it included, where it only puts items.',
    failsAt: 1,
    says: /dynamodb:\*/,
    edits: [{ find: "Action: 'dynamodb:PutItem', Resource: ordersTableArn", replace: "Action: 'dynamodb:*', Resource: ordersTableArn" }],
  },
  {
    name: 'machineMayNotSendMessage',
    mistake: 'The role has no sqs:SendMessage: LocalStack runs the machine anyway, AWS would fail the workshop task.',
    failsAt: 1,
    edits: [{ find: "          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: workshopQueueArn },\n", replace: '' }],
  },
  {
    name: 'missingNext',
    mistake: 'The workshop task has neither Next nor End: LocalStack accepts the machine, asl-validator does not.',
    failsAt: 2,
    edits: [{ file: ASL, find: '"ResultPath": null,\n      "Next": "Record the order"', replace: '"ResultPath": null' }],
  },
  {
    name: 'coalToTheWorkshop',
    mistake: 'The coal branch goes on to the workshop task, so the elves get orders from naughty children.',
    failsAt: 2,
    edits: [
      {
        file: ASL,
        find: '"ResultPath": "$.fulfilment",\n      "Next": "Record the order"',
        replace: '"ResultPath": "$.fulfilment",\n      "Next": "Send to the workshop"',
      },
    ],
  },
  {
    name: 'choiceReadsOrder',
    mistake: 'The Choice tests $.order.list, but the input is the whole event: the list is at $.detail.list, so every child gets a toy.',
    failsAt: 2,
    edits: [
      {
        file: ASL,
        find: '{ "Variable": "$.detail.list", "IsPresent": true },\n            { "Variable": "$.detail.list", "StringEquals": "naughty" }',
        replace: '{ "Variable": "$.order.list", "IsPresent": true },\n            { "Variable": "$.order.list", "StringEquals": "naughty" }',
      },
    ],
  },
  {
    name: 'listWithoutIsPresent',
    mistake:
      'The Choice compares $.detail.list without asking whether it is there: LocalStack sends a child on neither list to the Default, AWS fails the execution with States.Runtime.',
    failsAt: 2,
    says: /"IsPresent": true[\s\S]*States\.Runtime/,
    edits: [
      {
        file: ASL,
        find: '"And": [\n            { "Variable": "$.detail.list", "IsPresent": true },\n            { "Variable": "$.detail.list", "StringEquals": "naughty" }\n          ],',
        replace: '"Variable": "$.detail.list",\n          "StringEquals": "naughty",',
      },
    ],
  },
  {
    name: 'choiceNiceGetsToy',
    mistake: 'The Choice sends "nice" to the toy and everything else, by its Default, to coal: a child on neither list gets coal.',
    failsAt: 2,
    says: /neither list/,
    edits: [
      {
        file: ASL,
        find: '{ "Variable": "$.detail.list", "StringEquals": "naughty" }\n          ],\n          "Next": "Coal"',
        replace: '{ "Variable": "$.detail.list", "StringEquals": "nice" }\n          ],\n          "Next": "Toy"',
      },
      { file: ASL, find: '"Default": "Toy"', replace: '"Default": "Coal"' },
    ],
  },
  {
    name: 'placeholdersLeftIn',
    mistake: 'deploy() creates the machine from the file as it is, so the tasks name a table "${OrdersTable}".',
    failsAt: 2,
    edits: [{ find: "name: np.name('fulfilment'), definition, roleArn", replace: "name: np.name('fulfilment'), definition: template, roleArn" }],
  },
  {
    name: 'mayStartAnyMachine',
    mistake: 'EventBridge may start every state machine in the account: Resource "*" instead of this machine.',
    failsAt: 3,
    edits: [{ find: "Action: 'states:StartExecution', Resource: stateMachineArn", replace: "Action: 'states:StartExecution', Resource: '*'" }],
  },
  {
    name: 'ruleMatchesOrderFulfilled',
    mistake: 'The rule matches every northpole event, so each OrderFulfilled the machine puts on the bus starts it again.',
    failsAt: 3,
    edits: [
      {
        find: "EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] })",
        replace: "EventPattern: JSON.stringify({ source: [{ prefix: 'northpole.' }] })",
      },
    ],
  },
  {
    name: 'ruleOnSourceOnly',
    mistake: 'The start rule matches on the source alone: any other event the orders department puts on the bus, an OrderCancelled, would fulfil an order.',
    failsAt: 3,
    says: /OrderCancelled/,
    edits: [
      {
        find: "EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] })",
        replace: 'EventPattern: JSON.stringify({ source: [ORDERS_SOURCE] })',
      },
    ],
  },
  {
    name: 'startRoleTrustsStates',
    mistake: "The handed-over start role's trust policy is changed to the machine role's: it trusts states.amazonaws.com, so EventBridge could not assume it.",
    failsAt: 3,
    says: /events\.amazonaws\.com/,
    edits: [{ find: "Principal: { Service: 'events.amazonaws.com' }", replace: "Principal: { Service: 'states.amazonaws.com' }" }],
  },
  {
    name: 'targetPassesDetail',
    mistake: 'The target passes only the detail (InputPath "$.detail"): LocalStack cannot start the machine from it, and the machine reads $.detail.',
    failsAt: 3,
    edits: [{ find: 'Arn: stateMachineArn, RoleArn: startRole!.Arn }', replace: "Arn: stateMachineArn, RoleArn: startRole!.Arn, InputPath: '$.detail' }" }],
  },
  {
    name: 'itemReadsOrder',
    mistake: 'The putItem task reads $.order.orderId: the execution fails at run time, which the grader explains.',
    failsAt: 4,
    edits: [{ file: ASL, find: '"S.$": "$.detail.orderId"', replace: '"S.$": "$.order.orderId"' }],
  },
  {
    name: 'workshopResultReplacesOrder',
    mistake: 'Without "ResultPath": null the queue\'s answer replaces the state, and the next task finds no $.detail.',
    failsAt: 4,
    edits: [{ file: ASL, find: '"MessageBody.$": "$.detail"\n      },\n      "ResultPath": null,\n', replace: '"MessageBody.$": "$.detail"\n      },\n' }],
  },
  {
    name: 'fulfilledFromOrdersSource',
    mistake: 'OrderFulfilled is put with the source of the orders department: consumers of fulfilment events never see it.',
    failsAt: 4,
    edits: [{ file: ASL, find: '"Source": "northpole.fulfilment"', replace: '"Source": "northpole.orders"' }],
  },
  {
    name: 'quantityAsJsonNumber',
    mistake:
      'The quantity goes to DynamoDB as a JSON number ("N.$": "$.detail.quantity"): LocalStack stores it, AWS fails the task, since an N value must be a string.',
    failsAt: 4,
    says: /LocalStack accepts this[\s\S]*must be a STRING/,
    edits: [{ file: ASL, find: '"N.$": "States.JsonToString($.detail.quantity)"', replace: '"N.$": "$.detail.quantity"' }],
  },
  {
    name: 'itemWithoutGift',
    mistake: 'The item leaves out the gift: the execution succeeds, and the table no longer says what the child asked for.',
    failsAt: 4,
    says: /gift should be/,
    edits: [{ file: ASL, find: '          "gift": { "S.$": "$.detail.gift" },\n', replace: '' }],
  },
  {
    name: 'starterMachinePolicy',
    mistake: "Task 1 as the starter ships it: the machine's role has its trust policy and no permissions.",
    failsAt: 1,
    starterPart: true,
    edits: [
      {
        find: `  // Task 1: what the machine may do: each action of its tasks on its one resource
  await np.iam.send(
    new PutRolePolicyCommand({
      RoleName: machineRoleName,
      PolicyName: 'fulfil-orders',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: ordersTableArn },
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: workshopQueueArn },
          { Effect: 'Allow', Action: 'events:PutEvents', Resource: ordersBus.busArn },
        ],
      }),
    }),
  );

  // Handed over: the ASL`,
        replace: `  // TODO (Task 1): give the machine's role (machineRoleName) an inline policy with PutRolePolicyCommand
  // that allows what its tasks do, each action on its one resource: dynamodb:PutItem on ordersTableArn,
  // sqs:SendMessage on workshopQueueArn and events:PutEvents on ordersBus.busArn.

  // Handed over: the ASL`,
      },
    ],
  },
  {
    name: 'starterChoice',
    mistake: 'Task 2 as the starter ships it: a Pass state where the Choice goes, and no machine created.',
    failsAt: 2,
    starterPart: true,
    edits: [
      {
        find: `  // Task 2: the machine, running as its role
  const { stateMachineArn } = await np.sfn.send(
    new CreateStateMachineCommand({ name: np.name('fulfilment'), definition, roleArn: machineRole!.Arn, type: 'STANDARD' }),
  );
`,
        replace: `  // TODO (Task 2): write the Choice and the workshop in fulfilment.asl.json; here, create the state
  // machine np.name('fulfilment') from definition with CreateStateMachineCommand, running as machineRole.
  const stateMachineArn = '';
`,
      },
      {
        file: ASL,
        find: `    "Naughty or nice?": {
      "Type": "Choice",
      "Choices": [
        {
          "And": [
            { "Variable": "$.detail.list", "IsPresent": true },
            { "Variable": "$.detail.list", "StringEquals": "naughty" }
          ],
          "Next": "Coal"
        }
      ],
      "Default": "Toy"
    },
    "Coal": {
      "Type": "Pass",
      "Parameters": {
        "outcome": "coal",
        "fulfilledAt.$": "$$.State.EnteredTime"
      },
      "ResultPath": "$.fulfilment",
      "Next": "Record the order"
    },
    "Toy": {
      "Type": "Pass",
      "Parameters": {
        "outcome": "shipped",
        "fulfilledAt.$": "$$.State.EnteredTime"
      },
      "ResultPath": "$.fulfilment",
      "Next": "Send to the workshop"
    },
    "Send to the workshop": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage",
      "Parameters": {
        "QueueUrl": "\${WorkshopQueueUrl}",
        "MessageBody.$": "$.detail"
      },
      "ResultPath": null,
      "Next": "Record the order"
    },
    "Record the order": {`,
        replace: `    "Naughty or nice?": {
      "Comment": "TODO (Task 2): a Choice on $.detail.list, IsPresent first: coal for a naughty child, a toy for every other child, sent to the workshop queue \\"\${WorkshopQueueUrl}\\" (sqs:sendMessage); both branches go on to \\"Record the order\\".",
      "Type": "Pass",
      "Next": "Record the order"
    },
    "Record the order": {`,
      },
    ],
  },
  {
    name: 'starterStartRule',
    mistake: 'Task 3 as the starter ships it: the start role may do nothing, and no rule starts the machine.',
    failsAt: 3,
    starterPart: true,
    edits: [
      {
        find: `  // Task 3: a rule that starts the machine for every OrderPlaced, through a role that may start this machine only
  await np.iam.send(
    new PutRolePolicyCommand({
      RoleName: startRoleName,
      PolicyName: 'start-fulfilment',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: stateMachineArn }],
      }),
    }),
  );
  const ruleName = np.name('start-fulfilment');
  await np.eventBridge.send(
    new PutRuleCommand({
      Name: ruleName,
      EventBusName: ordersBus.busName,
      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] }),
    }),
  );
  // The whole event is the input: the machine reads the order from $.detail.
  await np.eventBridge.send(
    new PutTargetsCommand({ Rule: ruleName, EventBusName: ordersBus.busName, Targets: [{ Id: 'fulfilment', Arn: stateMachineArn, RoleArn: startRole!.Arn }] }),
  );
`,
        replace: `  // TODO (Task 3): allow the start role (startRoleName) states:StartExecution on this machine only; then
  // put the rule np.name('start-fulfilment') on the orders bus for OrderPlaced events from ORDERS_SOURCE,
  // with the machine as its target and the start role as the target's RoleArn.
  const ruleName = np.name('start-fulfilment');
`,
      },
    ],
  },
  {
    name: 'starterRecordAndAnnounce',
    mistake: 'Task 4 as the starter ships it: Pass states where the order is recorded and announced, so the executions succeed and leave nothing.',
    failsAt: 4,
    starterPart: true,
    edits: [
      {
        file: ASL,
        find: `    "Record the order": {
      "Type": "Task",
      "Resource": "arn:aws:states:::dynamodb:putItem",
      "Parameters": {
        "TableName": "\${OrdersTable}",
        "Item": {
          "orderId": { "S.$": "$.detail.orderId" },
          "child": { "S.$": "$.detail.child" },
          "gift": { "S.$": "$.detail.gift" },
          "quantity": { "N.$": "States.JsonToString($.detail.quantity)" },
          "status": { "S": "fulfilled" },
          "outcome": { "S.$": "$.fulfilment.outcome" },
          "placedAt": { "S.$": "$.time" },
          "fulfilledAt": { "S.$": "$.fulfilment.fulfilledAt" }
        }
      },
      "ResultPath": null,
      "Next": "Announce OrderFulfilled"
    },
    "Announce OrderFulfilled": {
      "Type": "Task",
      "Resource": "arn:aws:states:::events:putEvents",
      "Parameters": {
        "Entries": [
          {
            "EventBusName": "\${OrdersBus}",
            "Source": "northpole.fulfilment",
            "DetailType": "OrderFulfilled",
            "Detail.$": "States.JsonMerge($.detail, $.fulfilment, false)"
          }
        ]
      },
      "End": true
    }
`,
        replace: `    "Record the order": {
      "Comment": "TODO (Task 4): dynamodb:putItem of the order into \\"\${OrdersTable}\\", its values typed.",
      "Type": "Pass",
      "Next": "Announce OrderFulfilled"
    },
    "Announce OrderFulfilled": {
      "Comment": "TODO (Task 4): events:putEvents of OrderFulfilled to \\"\${OrdersBus}\\".",
      "Type": "Pass",
      "End": true
    }
`,
      },
    ],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence: 'Leave them as they are: the grader still reads the table, the queue and the trust policies, since what you build stands on them.',
    provedBy: ['tableKeyedById', 'startRoleTrustsStates'],
  },
  {
    sentence: 'The grader reads the role back and turns away `"*"` and `"dynamodb:*"`.',
    provedBy: ['machineMayPutAnywhere', 'machineMayDoAnythingToTable'],
  },
  {
    sentence: 'LocalStack takes the `Default` instead, so the grader reads your rule.',
    provedBy: ['listWithoutIsPresent'],
  },
  {
    sentence: 'LocalStack stores it and AWS fails the task, so the grader reads what your task really sent DynamoDB.',
    provedBy: ['quantityAsJsonNumber'],
  },
  {
    sentence: 'The grader checks the file with [asl-validator](https://www.npmjs.com/package/asl-validator) before anything else',
    provedBy: ['missingNext'],
  },
  {
    sentence: 'It then asks Step Functions to validate the deployed definition',
    provedBy: ['coalToTheWorkshop', 'choiceReadsOrder', 'choiceNiceGetsToy'],
  },
  {
    sentence: 'The grader tries your pattern on an `OrderFulfilled`',
    provedBy: ['ruleMatchesOrderFulfilled', 'ruleOnSourceOnly'],
  },
  {
    sentence: 'The grader reads the table, the queue, both roles and their policies, the machine and the rule from LocalStack',
    provedBy: ['tableKeyedById', 'machineMayNotSendMessage', 'mayStartAnyMachine', 'startRoleTrustsStates', 'targetPassesDetail', 'placeholdersLeftIn'],
  },
  {
    sentence: 'Then real traffic: it puts a nice and a naughty `OrderPlaced` on the orders bus',
    provedBy: ['itemReadsOrder', 'workshopResultReplacesOrder', 'fulfilledFromOrdersSource', 'itemWithoutGift', 'quantityAsJsonNumber'],
  },
];
