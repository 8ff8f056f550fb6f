import { DescribeRuleCommand, ListTargetsByRuleCommand, type DescribeRuleCommandOutput, type Rule, type Target } from '@aws-sdk/client-eventbridge';
import { rulesNamed } from './lists.ts';
import { targetRoleProblem } from './awsVsLocalStack.ts';
import { describeVerdict, explainPattern } from './eventPatterns.ts';
import { ifExists, patternMatches } from './evidence.ts';
import { Miss, type GradingContext } from './grader.ts';

// The learner's EventBridge rules, read back and tried: there and enabled, their pattern right on every
// sample (TestEventPattern), their target the one the step needs.

/** An event a rule's pattern must match, or must not. */
export interface PatternSample {
  what: string;
  event: string;
  matches: boolean;
  /** The sample differs in this envelope field alone: a pattern that does not name it takes any. */
  envelope?: 'source' | 'detail-type';
}

/** The learner's rules on a bus: the run's, but for the grader's own observers (`<namespace>-observer-…`). */
export async function learnersRules(context: Pick<GradingContext, 'aws' | 'name'>, busName: string): Promise<Rule[]> {
  return (await rulesNamed(context.aws, busName, context.name(''))).filter((rule) => !rule.Name?.startsWith(context.name('observer-')));
}

/** The learner's rule `ruleName` on `busName`, there and ENABLED; a Miss lists the rules there are. `what` says what it is for. */
export async function learnersRule(context: Pick<GradingContext, 'aws' | 'name'>, ruleName: string, busName: string, what = 'a rule'): Promise<Rule> {
  const rules = await learnersRules(context, busName);
  const rule = rules.find((candidate) => candidate.Name === ruleName);
  if (!rule) {
    throw new Miss({
      expected: `${what} named ${ruleName} on the bus ${busName}`,
      found: rules.length ? `only the rules ${rules.map((candidate) => candidate.Name).join(', ')}` : 'no rules of yours on that bus',
    });
  }
  if (rule.State !== 'ENABLED') throw new Miss({ expected: `the rule ${ruleName} to be ENABLED`, found: `its state is ${rule.State}` });
  return rule;
}

/** The rule `ruleName` on `busName`, there and ENABLED; otherwise a Miss. */
export async function enabledRule(context: Pick<GradingContext, 'aws'>, ruleName: string, busName: string): Promise<DescribeRuleCommandOutput> {
  const rule = await ifExists(() => context.aws.eventBridge.send(new DescribeRuleCommand({ Name: ruleName, EventBusName: busName })));
  if (!rule) throw new Miss({ expected: `a rule named ${ruleName} on the bus ${busName}`, found: 'no rule with that name on that bus' });
  if (rule.State !== 'ENABLED') throw new Miss({ expected: `the rule ${ruleName} to be ENABLED`, found: `its state is ${rule.State}` });
  return rule;
}

/**
 * The rule's pattern against every sample at once; the field that decided is worked out only for the
 * first sample that goes wrong. `expected` says what the rule should match, before "; so …".
 */
export async function checkPattern(
  context: Pick<GradingContext, 'aws'>,
  check: { ruleName: string; pattern: string; samples: PatternSample[]; expected: string },
): Promise<void> {
  const { ruleName, pattern, samples } = check;
  const verdicts = await Promise.all(samples.map((sample) => patternMatches(context.aws, pattern, sample.event)));
  const invalid = verdicts.find((verdict) => typeof verdict === 'string');
  if (invalid !== undefined) {
    throw new Miss({
      expected: `the pattern of ${ruleName} to be a valid event pattern (PutRule on LocalStack accepts an invalid one, and it then silences every rule created after it on the bus)`,
      found: `${invalid}; the pattern is ${pattern}`,
    });
  }
  const wrong = samples.findIndex((sample, index) => verdicts[index] !== sample.matches);
  if (wrong === -1) return;
  const sample = samples[wrong]!;
  const unnamed = sample.envelope && !(sample.envelope in (JSON.parse(pattern) as object));
  const because = unnamed
    ? `it names no ${sample.envelope}, so events with any ${sample.envelope} match`
    : describeVerdict(await explainPattern(context.aws, pattern, sample.event));
  throw new Miss({
    expected: `${check.expected}; so ${sample.matches ? 'to match' : 'not to match'} ${sample.what}`,
    found: `the pattern ${pattern} ${sample.matches ? 'does not match it' : 'matches it'}: ${because}`,
  });
}

export async function targetsOf(context: Pick<GradingContext, 'aws'>, ruleName: string, busName: string): Promise<Target[]> {
  return (await context.aws.eventBridge.send(new ListTargetsByRuleCommand({ Rule: ruleName, EventBusName: busName }))).Targets ?? [];
}

/**
 * The rule's target with the ARN `arn` (`what` says what it is: "the topic …"); a queue or topic
 * target takes no RoleArn, as its own policy lets EventBridge in.
 */
export async function ruleTarget(
  context: Pick<GradingContext, 'aws'>,
  check: { ruleName: string; busName: string; arn: string; what: string; nowhere: string },
): Promise<Target> {
  const targets = await targetsOf(context, check.ruleName, check.busName);
  const target = targets.find((candidate) => candidate.Arn === check.arn);
  if (!target) {
    throw new Miss({
      expected: `${check.what} (${check.arn}) as a target of the rule ${check.ruleName}`,
      found: targets.length ? `targets ${targets.map((candidate) => candidate.Arn).join(', ')}` : `no targets: ${check.nowhere}`,
    });
  }
  const withRole = targetRoleProblem(target, check.what);
  if (withRole) throw new Miss(withRole);
  return target;
}
