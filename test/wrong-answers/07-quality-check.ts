import type { ReadmePromise, WrongAnswer } from './wrongAnswer.ts';

const ASL = 'fulfilment.asl.json';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'mayNotSendToQualityCheck',
    mistake: "The machine's role may send to the workshop and attention queues only: LocalStack runs the quality check anyway, AWS would refuse it.",
    failsAt: 1,
    edits: [{ find: 'Resource: [workshop.arn, attention.arn, qualityCheck.arn]', replace: 'Resource: [workshop.arn, attention.arn]' }],
  },
  {
    name: 'maySendToAnyQueue',
    mistake:
      'The machine\'s role may send to every queue ("Resource": "*"): the quality check works, and on AWS the machine could send anywhere in the account.',
    failsAt: 1,
    says: /least privilege/,
    edits: [{ find: 'Resource: [workshop.arn, attention.arn, qualityCheck.arn]', replace: "Resource: '*'" }],
  },
  {
    name: 'fragileIfPresent',
    mistake: 'The Choice only asks whether "fragile" is there: an order marked "fragile": false waits for an elf too.',
    failsAt: 2,
    says: /"fragile": false is sturdy/,
    edits: [
      {
        file: ASL,
        find: '"And": [\n            { "Variable": "$.detail.fragile", "IsPresent": true },\n            { "Variable": "$.detail.fragile", "BooleanEquals": true }\n          ],',
        replace: '"Variable": "$.detail.fragile",\n          "IsPresent": true,',
      },
    ],
  },
  {
    name: 'timeoutNineSeconds',
    mistake: "TimeoutSeconds 9, one below the range: on a busy machine the elf's answer comes after the deadline.",
    failsAt: 2,
    says: /"TimeoutSeconds" between 10 and 60/,
    edits: [{ file: ASL, find: '"TimeoutSeconds": 12,', replace: '"TimeoutSeconds": 9,' }],
  },
  {
    name: 'timeoutAboveAMinute',
    mistake: 'TimeoutSeconds 61, one above the range the workshop allows.',
    failsAt: 2,
    says: /"TimeoutSeconds": 61/,
    edits: [{ file: ASL, find: '"TimeoutSeconds": 12,', replace: '"TimeoutSeconds": 61,' }],
  },
  {
    name: 'tokenWithoutDollarKey',
    mistake: 'The message says "taskToken": "$$.Task.Token", without .$ on the key: the elves get the words "$$.Task.Token", not a token.',
    failsAt: 2,
    says: /"taskToken\.\$": "\$\$\.Task\.Token"/,
    edits: [{ file: ASL, find: '"taskToken.$": "$$.Task.Token"', replace: '"taskToken": "$$.Task.Token"' }],
  },
  {
    name: 'elfAnswersInPlainText',
    mistake:
      'The elf answers SendTaskSuccess with the text approved, not JSON: LocalStack takes it and fails the waiting task later, AWS refuses the call (InvalidOutput).',
    failsAt: 3,
    says: /InvalidOutput: Invalid output: "approved" is not JSON/,
    edits: [{ find: "output: JSON.stringify({ verdict: 'approved' })", replace: "output: 'approved'" }],
  },
  {
    name: 'remakeWithoutResultPath',
    mistake: '"Remake the gift" has no ResultPath: its Parameters replace the whole state, and the workshop finds no order to send.',
    failsAt: 4,
    says: /"Remake the gift" replaced the order/,
    edits: [{ file: ASL, find: '      "ResultPath": "$.remade",\n', replace: '' }],
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
    edits: [
      {
        file: ASL,
        find: '"And": [\n            { "Variable": "$.detail.fragile", "IsPresent": true },\n            { "Variable": "$.detail.fragile", "BooleanEquals": true }\n          ],',
        replace: '"Variable": "$.detail.fragile",\n          "BooleanEquals": true,',
      },
    ],
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
    edits: [
      {
        find: '    await np.sqs.send(new DeleteMessageCommand({ QueueUrl: workflow.qualityCheckQueueUrl, ReceiptHandle: message.ReceiptHandle }));\n',
        replace: '',
      },
    ],
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
    edits: [
      {
        file: ASL,
        find: '"ResultPath": "$.remade",\n      "Next": "Send to the workshop"',
        replace: '"ResultPath": "$.remade",\n      "Next": "Needs a quality check?"',
      },
    ],
  },
  {
    name: 'remakeForEver',
    mistake: 'Every rejection is remade, with no limit: a gift that fails every time loops between the workshop and the elves for ever.',
    failsAt: 4,
    edits: [
      {
        file: ASL,
        find: '"Variable": "$.remade",\n          "IsPresent": true,\n          "Next": "Needs attention"',
        replace: '"Variable": "$.remade",\n          "IsPresent": true,\n          "Next": "Remake the gift"',
      },
    ],
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
    edits: [
      {
        file: ASL,
        find: '"ErrorEquals": ["States.Timeout", "States.HeartbeatTimeout"],\n          "ResultPath": "$.error",\n          "Next": "Needs attention"',
        replace:
          '"ErrorEquals": ["States.Timeout", "States.HeartbeatTimeout"],\n          "ResultPath": "$.error",\n          "Next": "Announce OrderFulfilled"',
      },
    ],
  },
  {
    name: 'starterQualityQueue',
    mistake: 'Task 1 as the starter ships it: no quality-check queue, and the machine may not send to one.',
    failsAt: 1,
    starterPart: true,
    edits: [
      {
        find: `  // Task 1: the queue where fragile gifts wait for an elf to look at them
  const qualityCheck = await createQueue(np, 'quality-check');
`,
        replace: `  // TODO (Task 1): create the queue np.name('quality-check'), where fragile gifts wait for an elf.
  const qualityCheck = { url: '', arn: '' };
`,
      },
      {
        find: `  // Task 1: the machine may now send to the quality-check queue too
`,
        replace: `  // TODO (Task 1): the machine will send fragile gifts to the quality-check queue: allow that too,
  // on that queue only.
`,
      },
      { find: 'Resource: [workshop.arn, attention.arn, qualityCheck.arn] }', replace: 'Resource: [workshop.arn, attention.arn] }' },
    ],
  },
  {
    name: 'starterQualityCheck',
    mistake: 'Task 2 as the starter ships it: the workshop goes straight on to OrderFulfilled, and no gift waits for an elf.',
    failsAt: 2,
    starterPart: true,
    edits: [
      {
        find: `  // Tasks 2, 4 and 5 are in fulfilment.asl.json: the quality check, the remake and the timeout
`,
        replace: `  // TODO (Task 2): the quality check in fulfilment.asl.json, and its "\${QualityCheckQueueUrl}"
  // placeholder filled in here. TODO (Task 4): the remake, and TODO (Task 5): the timeout, are in
  // fulfilment.asl.json too.
`,
      },
      {
        find: `    QualityCheckQueueUrl: qualityCheck.url,
`,
        replace: '',
      },
      { file: ASL, find: '"Next": "Needs a quality check?"', replace: '"Next": "Announce OrderFulfilled"' },
      {
        file: ASL,
        find: `    "Needs a quality check?": {
      "Comment": "On AWS a Choice rule whose Variable is not in the input fails the execution (States.Runtime), and most orders have no fragile field: the rule asks whether it is there first.",
      "Type": "Choice",
      "Choices": [
        {
          "And": [
            { "Variable": "$.detail.fragile", "IsPresent": true },
            { "Variable": "$.detail.fragile", "BooleanEquals": true }
          ],
          "Next": "Quality check"
        }
      ],
      "Default": "Announce OrderFulfilled"
    },
    "Quality check": {
      "Comment": "Sends the order with this task's token to the elves and waits until one answers with the token (SendTaskSuccess, SendTaskFailure) or TimeoutSeconds pass: 12 s leaves a busy machine time to deliver the answer, even during a batch of orders (there an elf answers within about 2 s); a real bench would allow a working day.",
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {
        "QueueUrl": "\${QualityCheckQueueUrl}",
        "MessageBody": {
          "taskToken.$": "$$.Task.Token",
          "order.$": "$.detail"
        }
      },
      "TimeoutSeconds": 12,
      "ResultPath": "$.qualityCheck",
      "Catch": [
        {
          "ErrorEquals": ["QualityCheck.Rejected"],
          "ResultPath": "$.error",
          "Next": "Remade already?"
        },
        {
          "ErrorEquals": ["States.Timeout", "States.HeartbeatTimeout"],
          "ResultPath": "$.error",
          "Next": "Needs attention"
        }
      ],
      "Next": "Announce OrderFulfilled"
    },
    "Remade already?": {
      "Comment": "One remake per gift: a gift rejected again goes to a person, with the elf's reason.",
      "Type": "Choice",
      "Choices": [
        {
          "Variable": "$.remade",
          "IsPresent": true,
          "Next": "Needs attention"
        }
      ],
      "Default": "Remake the gift"
    },
    "Remake the gift": {
      "Type": "Pass",
      "Parameters": {
        "reason.$": "$.error.Cause",
        "rejectedAt.$": "$$.State.EnteredTime"
      },
      "ResultPath": "$.remade",
      "Next": "Send to the workshop"
    },
    "Needs attention": {`,
        replace: '    "Needs attention": {',
      },
    ],
  },
  {
    name: 'starterQualityElf',
    mistake: 'Task 3 as the starter ships it: the quality elf takes nothing from the queue and answers no token.',
    failsAt: 3,
    starterPart: true,
    edits: [
      {
        find: `  // Task 3: what the elves' worker and later steps build on
`,
        replace: `  // TODO (Task 3): return the quality-check queue too (QualityCheckedFulfilment in kit/contracts.ts):
  // the elves' worker below finds it there.
`,
      },
      {
        find: `// Task 3: one round at the quality bench. \`bench\` is what the elf finds on each gift, by orderId;
// a gift that is not on it is another elf's to look at, and stays on the queue.
`,
        replace: `// TODO (Task 3): one round at the quality bench. Receive from workflow.qualityCheckQueueUrl
// (WaitTimeSeconds 1). Each message is a QualityCheckRequest: look the order up in \`bench\` (what the elf
// finds on each gift, by orderId) and skip a gift that is not on it. Approve with SendTaskSuccessCommand
// and the message's taskToken, or reject with SendTaskFailureCommand (error QUALITY_REJECTED, cause the
// reason); then delete the message.
`,
      },
      {
        find: `  const { Messages = [] } = await np.sqs.send(new ReceiveMessageCommand({ QueueUrl: workflow.qualityCheckQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
`,
        replace: '',
      },
      {
        find: `  for (const message of Messages) {
    const { taskToken, order } = JSON.parse(message.Body!) as QualityCheckRequest;
    const inspection = bench[order.orderId];
    if (!inspection) continue;
    // The token is the waiting task's address: the answer goes to that execution, that state.
    if (inspection.verdict === 'approved') {
      await np.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ verdict: 'approved' }) }));
      approved.push(order.orderId);
    } else {
      await np.sfn.send(new SendTaskFailureCommand({ taskToken, error: QUALITY_REJECTED, cause: inspection.reason }));
      rejected.push(order.orderId);
    }
    // Answered: the message has done its work. Left on the queue, another elf would answer a token that is spent.
    await np.sqs.send(new DeleteMessageCommand({ QueueUrl: workflow.qualityCheckQueueUrl, ReceiptHandle: message.ReceiptHandle }));
  }
`,
        replace: '',
      },
    ],
  },
  {
    name: 'starterRemake',
    mistake: 'Task 4 as the starter ships it: nothing catches a rejection, so a rejected gift fails the execution instead of going back to be remade.',
    failsAt: 4,
    starterPart: true,
    edits: [
      {
        file: ASL,
        find: `  "Comment": "Fulfils one OrderPlaced event (the whole event is the input, the order is in $.detail), once per order, surviving a workshop that is down; an elf checks each fragile gift before it ships.",
`,
        replace: `  "Comment": "The hardened fulfilment workflow of exercise 6. TODO (Task 2): send fragile gifts to \\"\${QualityCheckQueueUrl}\\" with a task token and wait. TODO (Task 4): remake a rejected gift. TODO (Task 5): catch States.Timeout. Instructions: exercises/07-quality-check/README.md",
`,
      },
      {
        file: ASL,
        find: `        {
          "ErrorEquals": ["QualityCheck.Rejected"],
          "ResultPath": "$.error",
          "Next": "Remade already?"
        },
`,
        replace: '',
      },
      {
        file: ASL,
        find: `    "Remade already?": {
      "Comment": "One remake per gift: a gift rejected again goes to a person, with the elf's reason.",
      "Type": "Choice",
      "Choices": [
        {
          "Variable": "$.remade",
          "IsPresent": true,
          "Next": "Needs attention"
        }
      ],
      "Default": "Remake the gift"
    },
    "Remake the gift": {
      "Type": "Pass",
      "Parameters": {
        "reason.$": "$.error.Cause",
        "rejectedAt.$": "$$.State.EnteredTime"
      },
      "ResultPath": "$.remade",
      "Next": "Send to the workshop"
    },
    "Needs attention": {`,
        replace: '    "Needs attention": {',
      },
    ],
  },
  {
    name: 'starterTimeout',
    mistake: 'Task 5 as the starter ships it: nothing catches States.Timeout, so an unanswered gift fails the execution.',
    failsAt: 5,
    starterPart: true,
    edits: [
      {
        file: ASL,
        find: `  "Comment": "Fulfils one OrderPlaced event (the whole event is the input, the order is in $.detail), once per order, surviving a workshop that is down; an elf checks each fragile gift before it ships.",
`,
        replace: `  "Comment": "The hardened fulfilment workflow of exercise 6. TODO (Task 2): send fragile gifts to \\"\${QualityCheckQueueUrl}\\" with a task token and wait. TODO (Task 4): remake a rejected gift. TODO (Task 5): catch States.Timeout. Instructions: exercises/07-quality-check/README.md",
`,
      },
      {
        file: ASL,
        find: `,
        {
          "ErrorEquals": ["States.Timeout", "States.HeartbeatTimeout"],
          "ResultPath": "$.error",
          "Next": "Needs attention"
        }`,
        replace: '',
      },
    ],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence:
      'Never `"*"`: LocalStack does not enforce IAM, so the grader reads the policy back and checks the machine may send to this queue and not to any other.',
    provedBy: ['mayNotSendToQualityCheck', 'maySendToAnyQueue'],
  },
  {
    sentence: 'so the grader reads every field of your states and names one whose value reads like a path under a key without `.$`.',
    provedBy: ['tokenWithoutDollarKey'],
  },
  {
    sentence:
      'The grader places two sturdy orders, one without the field and one with `"fragile": false`, and four fragile ones: each sturdy one must succeed with no elf at all, and each fragile one must put a request on the queue.',
    provedBy: ['fragileIfPresent', 'choiceWithoutIsPresent', 'mayNotWaitForAnything'],
  },
  {
    sentence: "The grader's elf follows the bench it is handed; in this workshop `TimeoutSeconds` is 10 to 60 s so that a grade stays short",
    provedBy: ['timeoutNineSeconds', 'timeoutAboveAMinute'],
  },
  {
    sentence: "so the grader answers your elf's call as AWS would, with `InvalidOutput`",
    provedBy: ['elfAnswersInPlainText'],
  },
  {
    sentence:
      "The grader calls your elf with an approval and two rejections, then checks that the approved order's execution received `TaskSucceeded`, that the rejected one received `TaskFailed` with `QualityCheck.Rejected` and the reason, and that no message the elf received is left on the queue.",
    provedBy: ['elfNeverAnswers', 'rejectionAsSuccess', 'elfKeepsMessages'],
  },
  {
    sentence: 'when an order gets lost that way, the grader names the state that replaced it rather than the one that missed it later',
    provedBy: ['remakeWithoutResultPath'],
  },
  {
    sentence:
      'The grader lets both rejected gifts come back: one is approved at its second look and must succeed, having been sent to the workshop twice; the other is rejected again and must end on the attention queue with the error `QualityCheck.Rejected`, not loop.',
    provedBy: ['remakeSkipsWorkshop', 'remakeForEver'],
  },
  {
    sentence: "The grader takes one fragile order's request off the queue and never answers it",
    provedBy: ['catchHeartbeatOnly', 'timeoutShipsUnchecked'],
  },
  {
    sentence: "The grader reads your queue, the machine's role and your ASL (validated with asl-validator), then places six real orders and plays the elves",
    provedBy: ['mayNotSendToQualityCheck', 'mayNotWaitForAnything', 'elfNeverAnswers'],
  },
];
