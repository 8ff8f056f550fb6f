import type { WrongAnswer } from './wrongAnswer.ts';

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
    mistake: 'The machine\'s role may send to the workshop queue only: LocalStack runs the Catch path anyway, AWS would refuse it.',
    failsAt: 3,
    edits: [{ find: "Resource: [workshop.arn, attention.arn]", replace: 'Resource: workshop.arn' }],
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
        replace: '"outcome": "shipped",\n        "fulfilledAt.$": "$$.State.EnteredTime"\n      },\n      "ResultPath": "$.fulfilment",\n      "Next": "Send to the workshop"',
      },
      { file: ASL, find: '"Next": "Needs attention"\n        }\n      ],\n      "Next": "Announce OrderFulfilled"', replace: '"Next": "Needs attention"\n        }\n      ],\n      "Next": "Record the order"' },
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
];
