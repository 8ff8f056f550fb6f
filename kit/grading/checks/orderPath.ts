import type { AwsClients } from '../../aws/clients.ts';
import { patternMatches } from './evidence.ts';
import { rulesNamed } from './lists.ts';
import { describeVerdict, explainPattern } from './eventPatterns.ts';
import { describeAttempts, describeToken, explainFailure, refusedByAws, uncaughtOnAws, type ExecutedState } from './executions.ts';
import type { Deadline } from './deadline.ts';
import type { BusEvent } from './observe.ts';

/**
 * One hop of a test order's way through what the learner built: the API request, the event on the
 * bus, a rule, an execution and its states, a message in a queue, an item in a table.
 *  - `reached`: it happened;
 *  - `passed-by`: it did not happen, and should not have (a rule whose pattern rightly did not match);
 *  - `missed`: it should have happened and did not. The path ends at the first one.
 */
export interface Hop {
  kind: 'reached' | 'passed-by' | 'missed';
  what: string;
  detail?: string;
  /** Finer hops under this one, e.g. the states of an execution. */
  steps?: Hop[];
}

/**
 * How far one test order got, told hop by hop. A grader records what it saw while it checks, and a
 * failing check hands the path to its Miss: the report then ends with a few lines that stop at the
 * first hop that did not happen. An event-driven system is hard to see; this is where it shows.
 */
export class OrderPath {
  readonly hops: Hop[] = [];

  constructor(readonly orderId: string) {}

  reached(what: string, detail?: string, steps?: Hop[]): this {
    this.hops.push({ kind: 'reached', what, detail, steps });
    return this;
  }

  passedBy(what: string, detail?: string): this {
    this.hops.push({ kind: 'passed-by', what, detail });
    return this;
  }

  missed(what: string, detail?: string, steps?: Hop[]): this {
    this.hops.push({ kind: 'missed', what, detail, steps });
    return this;
  }

  /** The hops up to and including the first one that was missed: what the learner reads. */
  shown(): Hop[] {
    const end = this.hops.findIndex((hop) => hop.kind === 'missed' || hop.steps?.some((step) => step.kind === 'missed'));
    return end === -1 ? [...this.hops] : this.hops.slice(0, end + 1);
  }

  /** The event on the bus, as a grader-owned observer saw it, or the hop where it went missing. */
  busEvent(busName: string, event: BusEvent | undefined, waited: Deadline): BusEvent | undefined {
    if (event) this.reached(`${event['detail-type']} on the bus ${busName}`, `source ${event.source}`);
    else this.missed(`an event for ${this.orderId} on the bus ${busName}`, `none arrived ${waited.within()}`);
    return event;
  }

  /**
   * Every rule on the bus the event was on, asked through EventBridge's TestEventPattern whether it
   * matches that very event, and for those that do not, the field that decided it. The grader's own
   * observer rules are left out.
   * `expected` names the rules that should match; one that does not is the missed hop.
   */
  async rules(aws: AwsClients, busName: string, event: BusEvent, options: { ownPrefix: string; expected?: string[] }): Promise<void> {
    const rules = (await rulesNamed(aws, busName, options.ownPrefix)).filter((rule) => !rule.Name?.startsWith(`${options.ownPrefix}observer-`));
    const shownEvent = JSON.stringify(event);
    const verdicts = await Promise.all(
      rules.map(async (rule) => ({ rule, matches: rule.EventPattern ? await patternMatches(aws, rule.EventPattern, shownEvent) : false })),
    );
    for (const { rule, matches } of verdicts) {
      const name = `rule ${rule.Name}`;
      if (matches === true) {
        this.reached(`${name} matched`, rule.State === 'ENABLED' ? undefined : `but it is ${rule.State}, so it sends nothing`);
      } else {
        const why =
          typeof matches === 'string'
            ? matches
            : rule.EventPattern
              ? describeVerdict(await explainPattern(aws, rule.EventPattern, shownEvent))
              : 'it has no event pattern';
        if (options.expected?.includes(rule.Name!)) this.missed(`${name} did not match`, why);
        else this.passedBy(`${name} did not match`, why);
      }
    }
    for (const missing of (options.expected ?? []).filter((name) => !rules.some((rule) => rule.Name === name))) {
      this.missed(`rule ${missing}`, 'there is no rule with that name on this bus');
    }
  }
}

/**
 * The states of an execution as hops under it: each state, its task, and what its attempts came to
 * (retried, caught), the state the execution failed in as the missed one. The path tells what AWS
 * would do: where LocalStack went on and AWS would not (a States.Runtime caught by States.ALL, a
 * DynamoDB value of the wrong type), that state is the missed one, and the detail says why.
 */
export function stateHops(states: ExecutedState[]): Hop[] {
  return states.map((state) => {
    const attempts = [describeToken(state), describeAttempts(state)].filter(Boolean).join('; ') || undefined;
    const what = `${state.type} state "${state.name}"${state.task ? ` (${state.task.resource})` : ''}`;
    const unlikeAws = refusedByAws(state) ?? (uncaughtOnAws(state) && attempts);
    if (unlikeAws && !state.error) return { kind: 'missed', what, detail: unlikeAws };
    if (!state.error) return { kind: 'reached', what, detail: attempts };
    const retried = state.attempts > 1 ? ` (tried ${state.attempts} times)` : '';
    return { kind: 'missed', what, detail: `${explainFailure(state.error, state.cause)}${retried}` };
  });
}

/** The path as plain lines, indented under a heading; the report colours the markers. */
export function formatPath(orderId: string, hops: Hop[], mark: (kind: Hop['kind']) => string = plainMark): string[] {
  const lines = [`The order's path (${orderId}):`];
  const add = (hop: Hop, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${mark(hop.kind)} ${hop.what}${hop.detail ? `: ${hop.detail}` : ''}`);
    for (const step of hop.steps ?? []) add(step, depth + 1);
  };
  for (const hop of hops) add(hop, 1);
  return lines;
}

function plainMark(kind: Hop['kind']): string {
  return kind === 'reached' ? '✓' : kind === 'missed' ? '✗' : '·';
}
