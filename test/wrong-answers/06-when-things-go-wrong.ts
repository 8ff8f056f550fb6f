import type { ReadmePromise, WrongAnswer } from './wrongAnswer.ts';

const ASL = 'fulfilment.asl.json';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'redrivePolicyOnDeadLetterQueue',
    mistake: 'The RedrivePolicy is put on the dead-letter queue, pointing at the workshop queue: the queue the elves read from has none.',
    failsAt: 1,
    edits: [
      {
        find: "const deadLetters = await createQueue(np, 'workshop-dead-letters', { MessageRetentionPeriod: '1209600' });\n  const workshop = await createQueue(np, 'workshop', {\n    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 2 }),\n  });",
        replace:
          "const workshop = await createQueue(np, 'workshop');\n  const deadLetters = await createQueue(np, 'workshop-dead-letters', {\n    MessageRetentionPeriod: '1209600',\n    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: workshop.arn, maxReceiveCount: 2 }),\n  });",
      },
    ],
  },
  {
    name: 'deadLettersForgetAsSoon',
    mistake: 'The dead-letter queue keeps messages no longer than the workshop queue: a letter keeps its age when it moves, and is gone before anyone looks.',
    failsAt: 1,
    edits: [{ find: "createQueue(np, 'workshop-dead-letters', { MessageRetentionPeriod: '1209600' })", replace: "createQueue(np, 'workshop-dead-letters')" }],
  },
  {
    name: 'redriveAfterOneReceive',
    mistake: 'maxReceiveCount 1: a message whose first receive hit a passing problem goes straight to the dead letters, with no second chance.',
    failsAt: 1,
    says: /maxReceiveCount between 2 and 5/,
    edits: [{ find: 'maxReceiveCount: 2', replace: 'maxReceiveCount: 1' }],
  },
  {
    name: 'retryOnTaskFailed',
    mistake:
      'The Retry names States.TaskFailed: it passes on LocalStack, and retries a message too large or a role that may not send as often as a queue that is down.',
    failsAt: 2,
    says: /no wait will fix/,
    edits: [{ file: ASL, find: '"ErrorEquals": ["SQS.AmazonSQSException", "SQS.SdkClientException"]', replace: '"ErrorEquals": ["States.TaskFailed"]' }],
  },
  {
    name: 'retryOnAll',
    mistake: 'The Retry names States.ALL, the easy way to make the outage pass: every error is retried, those no wait fixes too.',
    failsAt: 2,
    says: /States\.ALL also retries errors that no wait will fix/,
    edits: [{ file: ASL, find: '"ErrorEquals": ["SQS.AmazonSQSException", "SQS.SdkClientException"]', replace: '"ErrorEquals": ["States.ALL"]' }],
  },
  {
    name: 'retryOnce',
    mistake: 'MaxAttempts 1, one below the range: a single retry a second later, and an outage of two seconds costs the order.',
    failsAt: 2,
    says: /MaxAttempts between 2 and 4/,
    edits: [{ file: ASL, find: '"MaxAttempts": 3,', replace: '"MaxAttempts": 1,' }],
  },
  {
    name: 'retryWaitsThreeSeconds',
    mistake: 'IntervalSeconds 3, one above the range: the grade waits longer than the workshop allows.',
    failsAt: 2,
    says: /IntervalSeconds between 1 and 2/,
    edits: [{ file: ASL, find: '"IntervalSeconds": 1,', replace: '"IntervalSeconds": 3,' }],
  },
  {
    name: 'retryCapAboveFive',
    mistake: 'MaxDelaySeconds 6, one above what the workshop allows.',
    failsAt: 2,
    says: /MaxDelaySeconds between 1 and 5/,
    edits: [{ file: ASL, find: '"MaxDelaySeconds": 2', replace: '"MaxDelaySeconds": 6' }],
  },
  {
    name: 'nextStateMisspelt',
    mistake:
      'The Choice\'s Default names "Announce OrderFulfiled", a state that does not exist: LocalStack creates the machine anyway and fails the coal orders at run time.',
    failsAt: 2,
    says: /no state with that name/,
    edits: [{ file: ASL, find: '"Default": "Announce OrderFulfilled"', replace: '"Default": "Announce OrderFulfiled"' }],
  },
  {
    name: 'workshopBodyReadsOrder',
    mistake:
      'The workshop message reads $.order, which the event does not have: LocalStack raises States.Runtime and lets the States.ALL Catch park the order; on AWS the execution fails.',
    failsAt: 2,
    says: /never catches States\.Runtime/,
    edits: [
      {
        file: ASL,
        find: '"QueueUrl": "${WorkshopQueueUrl}",\n        "MessageBody.$": "$.detail"',
        replace: '"QueueUrl": "${WorkshopQueueUrl}",\n        "MessageBody.$": "$.order"',
      },
    ],
  },
  {
    name: 'maySendAnywhere',
    mistake:
      'The machine\'s role may send to every queue ("Resource": "*"): LocalStack does not care, and on AWS the machine could send to any queue of the account.',
    failsAt: 3,
    says: /least privilege/,
    edits: [{ find: 'Resource: [workshop.arn, attention.arn]', replace: "Resource: '*'" }],
  },
  {
    name: 'orderFailedWithoutError',
    mistake: 'OrderFailed carries the order without the error: the departments hear that an order failed, and not why.',
    failsAt: 3,
    says: /the detail's error should be/,
    edits: [
      {
        file: ASL,
        find: '"Detail": {\n              "order.$": "$.detail",\n              "error.$": "$.error"\n            }',
        replace: '"Detail": {\n              "order.$": "$.detail"\n            }',
      },
    ],
  },
  {
    name: 'duplicateCaughtByAll',
    mistake: 'The put\'s Catch names States.ALL: a missing table or a role that may not write would end as "Already fulfilled", silently.',
    failsAt: 4,
    says: /named: "States\.ALL" would make a missing table look like a duplicate/,
    edits: [{ file: ASL, find: '"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"]', replace: '"ErrorEquals": ["States.ALL"]' }],
  },
  {
    name: 'returnsWithoutDeadLetters',
    mistake: "deploy() returns the HardenedFulfilment without the dead-letter queue's URL: the elves' side has nothing to redrive from.",
    failsAt: 5,
    says: /deadLetterQueueUrl/,
    edits: [{ find: '    deadLetterQueueUrl: deadLetters.url,\n', replace: '' }],
  },
  {
    name: 'coalToTheWorkshop',
    mistake: '"To the workshop?" sends every order to the workshop by default: the naughty children\'s coal is made too.',
    failsAt: 4,
    says: /naughty list.*went to the workshop/s,
    edits: [
      {
        file: ASL,
        find: '"Default": "Announce OrderFulfilled"\n    },\n    "Send to the workshop"',
        replace: '"Default": "Send to the workshop"\n    },\n    "Send to the workshop"',
      },
    ],
  },
  {
    name: 'quantityAsNumber',
    mistake:
      'The quantity goes to DynamoDB as a JSON number ("N.$": "$.detail.quantity"): LocalStack stores it, AWS refuses it and every order fails at the put.',
    failsAt: 4,
    says: /LocalStack accepts this and goes on; AWS would fail the task/,
    edits: [{ file: ASL, find: '"quantity": { "N.$": "States.JsonToString($.detail.quantity)" }', replace: '"quantity": { "N.$": "$.detail.quantity" }' }],
  },
  {
    name: 'retryOnTimeoutOnly',
    mistake: 'The Retry names States.Timeout, as an example did: a missing queue raises another error, so the first failure ends the order.',
    failsAt: 2,
    edits: [{ file: ASL, find: '"ErrorEquals": ["SQS.AmazonSQSException", "SQS.SdkClientException"]', replace: '"ErrorEquals": ["States.Timeout"]' }],
  },
  {
    name: 'retryLocalStackNameOnly',
    mistake: 'The Retry names only the error LocalStack raises: it passes here and would retry nothing on AWS.',
    failsAt: 2,
    edits: [{ file: ASL, find: '"ErrorEquals": ["SQS.AmazonSQSException", "SQS.SdkClientException"]', replace: '"ErrorEquals": ["SQS.SdkClientException"]' }],
  },
  {
    name: 'catchLosesTheOrder',
    mistake: 'The Catch has no ResultPath: the error replaces the input, and the attention state finds no order.',
    failsAt: 3,
    edits: [{ file: ASL, find: '"ResultPath": "$.error",\n          "Next": "Needs attention"', replace: '"Next": "Needs attention"' }],
  },
  {
    name: 'attentionReadsOrder',
    mistake: 'The attention message reads $.order, which the event does not have: the Catch path itself fails, and the order is parked nowhere.',
    failsAt: 3,
    edits: [{ file: ASL, find: '"MessageBody": {\n          "order.$": "$.detail",', replace: '"MessageBody": {\n          "order.$": "$.order",' }],
  },
  {
    name: 'mayNotSendToAttention',
    mistake: "The machine's role may send to the workshop queue only: LocalStack runs the Catch path anyway, AWS would refuse it.",
    failsAt: 3,
    edits: [{ find: 'Resource: [workshop.arn, attention.arn]', replace: 'Resource: workshop.arn' }],
  },
  {
    name: 'unconditionalPut',
    mistake: 'The put has no condition: a duplicate OrderPlaced overwrites the item and sends the toy to the workshop again.',
    failsAt: 4,
    edits: [{ file: ASL, find: ',\n        "ConditionExpression": "attribute_not_exists(orderId)"', replace: '' }],
  },
  {
    name: 'putAfterTheWorkshop',
    mistake: 'The conditional put comes after the workshop task, as in exercise 4: a duplicate has already sent its toy when the put refuses it.',
    failsAt: 4,
    edits: [
      {
        file: ASL,
        find: '"outcome": "shipped",\n        "fulfilledAt.$": "$$.State.EnteredTime"\n      },\n      "ResultPath": "$.fulfilment",\n      "Next": "Record the order"',
        replace:
          '"outcome": "shipped",\n        "fulfilledAt.$": "$$.State.EnteredTime"\n      },\n      "ResultPath": "$.fulfilment",\n      "Next": "Send to the workshop"',
      },
      {
        file: ASL,
        find: '"Next": "Needs attention"\n        }\n      ],\n      "Next": "Announce OrderFulfilled"',
        replace: '"Next": "Needs attention"\n        }\n      ],\n      "Next": "Record the order"',
      },
    ],
  },
  {
    name: 'elfDeletesPoison',
    mistake: 'The elf deletes every message it receives, orders or not: the letter it could not read is gone, and no one will ever see it.',
    failsAt: 5,
    edits: [
      {
        find: 'await np.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: workflow.workshopQueueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));',
        replace: 'await np.sqs.send(new DeleteMessageCommand({ QueueUrl: workflow.workshopQueueUrl, ReceiptHandle: message.ReceiptHandle }));',
      },
    ],
  },
  {
    name: 'elfHidesPoison',
    mistake: 'The elf leaves the letter undeleted but does not hand it back: it stays hidden for the 30 s visibility timeout before anyone receives it again.',
    failsAt: 5,
    edits: [
      {
        find: '      await np.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: workflow.workshopQueueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));\n',
        replace: '',
      },
    ],
  },
  {
    name: 'redriveToAttention',
    mistake: 'The redrive moves the dead letters to the attention queue instead of back to the workshop queue.',
    failsAt: 5,
    edits: [{ find: 'DestinationArn: workflow.workshopQueueArn', replace: 'DestinationArn: workflow.attentionQueueArn' }],
  },
  {
    name: 'starterQueues',
    mistake: 'Task 1 as the starter ships it: the workshop queue has no redrive policy, and there is no dead-letter or attention queue.',
    failsAt: 1,
    starterPart: true,
    edits: [
      {
        find: `  // Task 1: the dead-letter queue first, so the workshop queue's redrive policy can name it; and the
  // queue where orders wait for a person when the workshop stays down
  const deadLetters = await createQueue(np, 'workshop-dead-letters', { MessageRetentionPeriod: '1209600' });
  const workshop = await createQueue(np, 'workshop', {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 2 }),
  });
  const attention = await createQueue(np, 'orders-needing-attention');
`,
        replace: `  // TODO (Task 1): create the dead-letter queue np.name('workshop-dead-letters') (keeping messages
  // longer than the workshop queue does), give the workshop queue a RedrivePolicy that moves a message
  // there after a few receives, and create the queue np.name('orders-needing-attention').
  const workshop = await createQueue(np, 'workshop');
  const deadLetters = { url: '', arn: '' };
  const attention = { url: '', arn: '' };
`,
      },
    ],
  },
  {
    name: 'starterRetry',
    mistake: 'Task 2 as the starter ships it: the workshop task has no Retry.',
    failsAt: 2,
    starterPart: true,
    edits: [
      {
        file: ASL,
        find: `      "Comment": "SQS.AmazonSQSException is what AWS raises when the queue is missing or refuses; SQS.SdkClientException is what LocalStack raises, and what AWS raises when it cannot reach SQS at all.",
`,
        replace: `      "Comment": "TODO (Task 2): a Retry for a queue that is briefly down. TODO (Task 3): a Catch for one that stays down.",
`,
      },
      {
        file: ASL,
        find: `      "Retry": [
        {
          "ErrorEquals": ["SQS.AmazonSQSException", "SQS.SdkClientException"],
          "IntervalSeconds": 1,
          "BackoffRate": 2,
          "MaxAttempts": 3,
          "MaxDelaySeconds": 2
        }
      ],
`,
        replace: '',
      },
    ],
  },
  {
    name: 'starterCatch',
    mistake: 'Task 3 as the starter ships it: no Catch on the workshop task, no state that parks the order, and the role may not send to the attention queue.',
    failsAt: 3,
    starterPart: true,
    edits: [
      {
        find: `  // Task 3: the machine may now send to the attention queue too
`,
        replace: `  // TODO (Task 3): the machine will send failed orders to the attention queue: allow that too.
`,
      },
      {
        find: "{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: [workshop.arn, attention.arn] },",
        replace: "{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: workshop.arn },",
      },
      {
        find: `    AttentionQueueUrl: attention.url,
`,
        replace: '',
      },
      {
        file: ASL,
        find: `      "Catch": [
        {
          "ErrorEquals": ["States.ALL"],
          "ResultPath": "$.error",
          "Next": "Needs attention"
        }
      ],
      "Next": "Announce OrderFulfilled"`,
        replace: '      "Next": "Announce OrderFulfilled"',
      },
      {
        file: ASL,
        find: `    "Needs attention": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage",
      "Parameters": {
        "QueueUrl": "\${AttentionQueueUrl}",
        "MessageBody": {
          "order.$": "$.detail",
          "error.$": "$.error"
        }
      },
      "ResultPath": null,
      "Next": "Announce OrderFailed"
    },
    "Announce OrderFailed": {
      "Type": "Task",
      "Resource": "arn:aws:states:::events:putEvents",
      "Parameters": {
        "Entries": [
          {
            "EventBusName": "\${OrdersBus}",
            "Source": "northpole.fulfilment",
            "DetailType": "OrderFailed",
            "Detail": {
              "order.$": "$.detail",
              "error.$": "$.error"
            }
          }
        ]
      },
      "End": true
    },
    "Announce OrderFulfilled": {`,
        replace: '    "Announce OrderFulfilled": {',
      },
    ],
  },
  {
    name: 'starterConditionalPut',
    mistake: 'Task 4 as the starter ships it: the order is put unconditionally, after the workshop: a duplicate OrderPlaced is made twice.',
    failsAt: 4,
    starterPart: true,
    edits: [
      { file: ASL, find: '"Next": "Announce OrderFulfilled"', replace: '"Next": "Record the order"' },
      {
        file: ASL,
        find: `    "Toy": {
      "Type": "Pass",
      "Parameters": {
        "outcome": "shipped",
        "fulfilledAt.$": "$$.State.EnteredTime"
      },
      "ResultPath": "$.fulfilment",
      "Next": "Record the order"
    },
`,
        replace: `    "Toy": {
      "Type": "Pass",
      "Parameters": {
        "outcome": "shipped",
        "fulfilledAt.$": "$$.State.EnteredTime"
      },
      "ResultPath": "$.fulfilment",
      "Next": "Send to the workshop"
    },
`,
      },
      {
        file: ASL,
        find: `      "Comment": "The conditional put is the claim on the order: a second OrderPlaced for it finds the item there and stops before anything is sent.",
`,
        replace: `      "Comment": "TODO (Task 4): put only an order that is not there yet, catch the refusal, and do this before anything goes to the workshop.",
`,
      },
      {
        file: ASL,
        find: `        },
        "ConditionExpression": "attribute_not_exists(orderId)"
      },
`,
        replace: `        }
      },
`,
      },
      {
        file: ASL,
        find: `      "ResultPath": null,
      "Catch": [
        {
          "ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
          "ResultPath": null,
          "Next": "Already fulfilled"
        }
      ],
      "Next": "To the workshop?"
    },
    "Already fulfilled": {
      "Type": "Succeed"
    },
    "To the workshop?": {
      "Type": "Choice",
      "Choices": [
        {
          "Variable": "$.fulfilment.outcome",
          "StringEquals": "shipped",
          "Next": "Send to the workshop"
        }
      ],
      "Default": "Announce OrderFulfilled"
    },
`,
        replace: `      "ResultPath": null,
      "Next": "Announce OrderFulfilled"
    },
`,
      },
    ],
  },
  {
    name: 'starterElf',
    mistake: 'Task 5 as the starter ships it: the elf takes nothing from the queue, and the redrive moves nothing.',
    failsAt: 5,
    starterPart: true,
    edits: [
      {
        find: `  const { Messages = [] } = await np.sqs.send(new ReceiveMessageCommand({ QueueUrl: workflow.workshopQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
`,
        replace: '',
      },
      {
        find: `  let leftAlone = 0;
  for (const message of Messages) {
    const order = orderIn(message.Body);
    if (order) {
      made.push(order.orderId);
      await np.sqs.send(new DeleteMessageCommand({ QueueUrl: workflow.workshopQueueUrl, ReceiptHandle: message.ReceiptHandle }));
    } else {
      // Not deleted, so the queue counts another receive; visible again at once, so the next round gets it.
      leftAlone += 1;
      await np.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: workflow.workshopQueueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
    }
  }
  return { made, leftAlone };
`,
        replace: `  const leftAlone = 0;
  return { made, leftAlone };
`,
      },
      {
        find: `  const { TaskHandle } = await np.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: workflow.deadLetterQueueArn, DestinationArn: workflow.workshopQueueArn }));
  return TaskHandle!;
`,
        replace: `  return '';
`,
      },
    ],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence: 'The grader causes every failure for real, in LocalStack: it **deletes your workshop queue** and creates it again',
    provedBy: ['retryOnTimeoutOnly', 'unconditionalPut', 'elfDeletesPoison'],
  },
  { sentence: 'The grader accepts 2 to 5; on AWS 3 to 5 is usual', provedBy: ['redriveAfterOneReceive'] },
  {
    sentence:
      'The grader reads your Retry, turns away `"States.TaskFailed"` and `"States.ALL"` in it, and says which error the failure really raised when your `ErrorEquals` would miss it.',
    provedBy: ['retryOnTaskFailed', 'retryOnAll', 'retryOnTimeoutOnly', 'retryLocalStackNameOnly'],
  },
  {
    sentence: 'the grader asks for `IntervalSeconds` 1–2, `MaxAttempts` 2–4 and `MaxDelaySeconds` up to 5',
    provedBy: ['retryWaitsThreeSeconds', 'retryOnce', 'retryCapAboveFive'],
  },
  {
    sentence:
      'To check it, the grader deletes the workshop queue, puts an order on the bus, and creates the queue again as soon as the execution history shows the first failed attempt.',
    provedBy: ['retryOnTimeoutOnly', 'workshopBodyReadsOrder'],
  },
  {
    sentence: 'the grader checks that the role may send to the workshop and attention queues and to no other',
    provedBy: ['mayNotSendToAttention', 'maySendAnywhere'],
  },
  {
    sentence: 'then checks the attention queue and the `OrderFailed` event, and puts the queue back',
    provedBy: ['attentionReadsOrder', 'orderFailedWithoutError', 'catchLosesTheOrder'],
  },
  {
    sentence:
      'The grader puts the same order on the bus twice: both executions must succeed, one of them through your Succeed state, and the workshop queue must hold one message for the order, not two.',
    provedBy: ['unconditionalPut', 'putAfterTheWorkshop', 'duplicateCaughtByAll'],
  },
  {
    sentence: "It puts a naughty child's order beside them, which must be recorded and announced and must not reach the workshop queue.",
    provedBy: ['coalToTheWorkshop'],
  },
  { sentence: 'The grader reads the put as the execution history rendered it and turns a number there away.', provedBy: ['quantityAsNumber'] },
  { sentence: '`deploy()` must return the whole `HardenedFulfilment`, which the grader passes to both functions', provedBy: ['returnsWithoutDeadLetters'] },
  {
    sentence:
      'The grader posts a letter that is not an order and an order into the workshop queue, calls your elf round after round until the letter is in the DLQ (the order must be made and deleted), then calls `redriveDeadLetters` and expects the letter back on the workshop queue.',
    provedBy: ['elfDeletesPoison', 'elfHidesPoison', 'redriveToAttention'],
  },
  {
    sentence:
      'The grader reads your queues and their attributes, your ASL (validated with asl-validator) and the deployed machine, then causes each failure for real, as above.',
    provedBy: ['redrivePolicyOnDeadLetterQueue', 'deadLettersForgetAsSoon', 'nextStateMisspelt'],
  },
  {
    sentence: "Where LocalStack is kinder than AWS, the order's path says what AWS would do",
    provedBy: ['workshopBodyReadsOrder', 'quantityAsNumber'],
  },
];
