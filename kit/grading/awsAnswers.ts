import { createRequire } from 'node:module';

// Where LocalStack is kinder or quicker than AWS, the learner's code in the worker is answered as AWS
// would answer it, so that a grader checks what the code does on AWS:
//  - always: SendTaskSuccess with an output that is not JSON is refused (InvalidOutput), as AWS does;
//    LocalStack takes it and fails the waiting task later, far from the code that sent it;
//  - when a grader asks for one call: DescribeReplay says what AWS says of a replay that takes a while
//    (STARTING, then RUNNING, then its real state, or FAILED), where LocalStack's replay has completed
//    before the first look, so that a polling loop is tried for real.
// Every SDK client in the worker sends through the one Client class of @smithy/core, so a bare
// `new EventBridgeClient()` of the learner's is answered alike.

/** What a grader asks of one call of the learner's code. */
export interface AwsAnswers {
  /**
   * DescribeReplay, for each replay: STARTING at the first call, RUNNING for `runningMs` after it and at
   * the next call at least (answered by the kit, without LocalStack), then the replay's own state, or
   * FAILED when `fails`.
   */
  replay?: { runningMs: number; fails?: boolean };
}

/** What the kit answered in one call, for the grader to judge the loop by. */
export interface AwsAnswered {
  describeReplay: { calls: number; states: Record<string, number> };
}

const require = createRequire(import.meta.url);

interface Sendable {
  send(command: { constructor: { name: string }; input?: Record<string, unknown> }, ...rest: unknown[]): Promise<unknown>;
}

const installed = Symbol('northpole.awsAnswers');
let asked: AwsAnswers | undefined;
let answered: AwsAnswered | undefined;
/** Per replay name: when it was first described and LocalStack's own first answer. */
let replays = new Map<string, { firstAt: number; described: Record<string, unknown>; running?: boolean }>();

/** Makes every SDK client in this thread answer as AWS would; once per thread. */
export function installAwsAnswers(): void {
  const { Client } = require('@smithy/core/client') as { Client: { prototype: Sendable & { [installed]?: true } } };
  if (Client.prototype[installed]) return;
  const send = Client.prototype.send;
  Client.prototype.send = function (this: Sendable, command, ...rest) {
    const answer = command && answers[command.constructor.name];
    return answer ? answer((next = command) => send.call(this, next, ...rest), command.input ?? {}) : send.call(this, command, ...rest);
  };
  Client.prototype[installed] = true;
}

/** The answers asked for the call that starts now (none: AWS's own rules only). */
export function beginAnswers(answers: AwsAnswers | undefined): void {
  asked = answers;
  answered = answers?.replay ? { describeReplay: { calls: 0, states: {} } } : undefined;
  replays = new Map();
}

/** What was answered in the call that ended, for its outcome. */
export function answeredAsAws(): { answeredAsAws?: AwsAnswered } {
  return answered ? { answeredAsAws: answered } : {};
}

type Answer = (send: () => Promise<unknown>, input: Record<string, unknown>) => Promise<unknown>;

const answers: Record<string, Answer> = {
  SendTaskSuccessCommand: async (send, input) => {
    if (typeof input.output === 'string' && !isJson(input.output)) {
      const { InvalidOutput } = require('@aws-sdk/client-sfn') as { InvalidOutput: new (options: { message: string; $metadata: object }) => Error };
      throw new InvalidOutput({
        message: `Invalid output: ${JSON.stringify(input.output.slice(0, 80))} is not JSON. The output of SendTaskSuccess is a JSON text, e.g. JSON.stringify({ verdict: 'approved' }) (AWS refuses anything else; LocalStack takes it, and the waiting task fails later)`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    return send();
  },

  DescribeReplayCommand: async (send, input) => {
    const script = asked?.replay;
    if (!script || !answered) return send();
    const name = String(input.ReplayName);
    let replay = replays.get(name);
    let state: string;
    let described: Record<string, unknown>;
    if (!replay) {
      replay = { firstAt: Date.now(), described: (await send()) as Record<string, unknown> };
      replays.set(name, replay);
      [state, described] = ['STARTING', replay.described];
    } else if (Date.now() - replay.firstAt < script.runningMs || !replay.running) {
      replay.running = true;
      // Answered here, as quickly as a call can be: a loop without a pause shows itself by its count.
      await new Promise((resolve) => setImmediate(resolve));
      [state, described] = ['RUNNING', replay.described];
    } else if (script.fails) {
      [state, described] = ['FAILED', replay.described];
    } else {
      described = (await send()) as Record<string, unknown>;
      state = String(described.State);
    }
    answered.describeReplay.calls += 1;
    answered.describeReplay.states[state] = (answered.describeReplay.states[state] ?? 0) + 1;
    const reason =
      state === 'FAILED' && script.fails
        ? { StateReason: 'The replay failed (an answer of the kit, as AWS gives when a replay cannot finish)' }
        : state === described.State
          ? {}
          : { StateReason: undefined };
    return { ...described, State: state, ...reason };
  },
};

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
