import type { WrongAnswer } from './wrongAnswer.ts';

const ASL = 'fulfilment.asl.json';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'mayNotSendToQualityCheck',
    mistake: "The machine's role may send to the workshop and attention queues only: LocalStack runs the quality check anyway, AWS would refuse it.",
    failsAt: 1,
    edits: [{ find: 'Resource: [workshop.arn, attention.arn, qualityCheck.arn]', replace: 'Resource: [workshop.arn, attention.arn]' }],
  },
  {
    name: 'mayNotWaitForAnything',
    mistake: 'The quality check uses plain sqs:sendMessage: the message goes, and the execution ships the gift before any elf has looked.',
    failsAt: 2,
    edits: [{ file: ASL, find: '"Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken"', replace: '"Resource": "arn:aws:states:::sqs:sendMessage"' }],
  },
  {
    name: 'messageWithoutToken',
    mistake: 'The message carries the order and not the task token: no elf can ever answer, and every fragile gift waits until it times out.',
    failsAt: 2,
    edits: [{ file: ASL, find: '"taskToken.$": "$$.Task.Token",\n          ', replace: '' }],
  },
  {
    name: 'choiceWithoutIsPresent',
    mistake: 'The Choice compares $.detail.fragile without asking whether it is there: LocalStack takes the Default, AWS fails every order without the field.',
    failsAt: 2,
    edits: [{ file: ASL, find: '"And": [\n            { "Variable": "$.detail.fragile", "IsPresent": true },\n            { "Variable": "$.detail.fragile", "BooleanEquals": true }\n          ],', replace: '"Variable": "$.detail.fragile",\n          "BooleanEquals": true,' }],
  },
  {
    name: 'elfNeverAnswers',
    mistake: 'The elf looks and deletes the message but never calls SendTaskSuccess: the execution waits until TimeoutSeconds.',
    failsAt: 3,
    edits: [
      {
        find: "      await np.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ verdict: 'approved' }) }));\n",
        replace: '',
      },
    ],
  },
  {
    name: 'elfKeepsMessages',
    mistake: 'The elf answers but does not delete the message: it comes back to another elf after the visibility timeout, with a token that is spent.',
    failsAt: 3,
    edits: [{ find: '    await np.sqs.send(new DeleteMessageCommand({ QueueUrl: workflow.qualityCheckQueueUrl, ReceiptHandle: message.ReceiptHandle }));\n', replace: '' }],
  },
  {
    name: 'rejectionAsSuccess',
    mistake: 'The elf answers a rejection with SendTaskSuccess and verdict "rejected": the machine reads it as done and ships the chipped gift.',
    failsAt: 3,
    edits: [
      {
        find: 'await np.sfn.send(new SendTaskFailureCommand({ taskToken, error: QUALITY_REJECTED, cause: inspection.reason }));',
        replace: "await np.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ verdict: 'rejected', reason: inspection.reason }) }));",
      },
    ],
  },
  {
    name: 'remakeSkipsWorkshop',
    mistake: 'The remake goes straight back to the quality check: the same chipped gift is looked at again, and nothing is made.',
    failsAt: 4,
    edits: [{ file: ASL, find: '"ResultPath": "$.remade",\n      "Next": "Send to the workshop"', replace: '"ResultPath": "$.remade",\n      "Next": "Needs a quality check?"' }],
  },
  {
    name: 'remakeForEver',
    mistake: 'Every rejection is remade, with no limit: a gift that fails every time loops between the workshop and the elves for ever.',
    failsAt: 4,
    edits: [{ file: ASL, find: '"Variable": "$.remade",\n          "IsPresent": true,\n          "Next": "Needs attention"', replace: '"Variable": "$.remade",\n          "IsPresent": true,\n          "Next": "Remake the gift"' }],
  },
  {
    name: 'catchHeartbeatOnly',
    mistake: 'The Catch names States.HeartbeatTimeout only: TimeoutSeconds passing raises States.Timeout, so an unanswered check fails the order.',
    failsAt: 5,
    edits: [{ file: ASL, find: '"ErrorEquals": ["States.Timeout", "States.HeartbeatTimeout"]', replace: '"ErrorEquals": ["States.HeartbeatTimeout"]' }],
  },
  {
    name: 'timeoutShipsUnchecked',
    mistake: 'The timeout Catch goes to "Announce OrderFulfilled": the gift ships unchecked and no person ever hears of it.',
    failsAt: 5,
    edits: [{ file: ASL, find: '"ErrorEquals": ["States.Timeout", "States.HeartbeatTimeout"],\n          "ResultPath": "$.error",\n          "Next": "Needs attention"', replace: '"ErrorEquals": ["States.Timeout", "States.HeartbeatTimeout"],\n          "ResultPath": "$.error",\n          "Next": "Announce OrderFulfilled"' }],
  },
];
