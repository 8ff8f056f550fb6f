import { AWS_VS_LOCALSTACK } from './awsVsLocalStack.ts';

// What AWS would decide for one request against a resource policy (a queue's, a topic's). LocalStack
// never evaluates these policies, so a condition that can never hold on AWS goes unnoticed there:
// the grader plays AWS's part, following IAM's documented evaluation (an explicit Deny wins, then
// any Allow whose principal, action, resource and every condition match).

/** Who asks: an AWS service acting for one of your resources, or a principal of some account. */
export type Requester = { service: string } | { account: string };

export interface PolicyRequest {
  requester: Requester;
  action: string;
  resource: string;
  /** The condition keys AWS puts in the request, e.g. aws:SourceArn, the rule or topic that sends. */
  context: Record<string, string>;
}

export type Decision =
  | { allowed: true }
  | {
      allowed: false;
      /** Why AWS would refuse, in a sentence. */
      why: string;
      /** The aws:SourceArn values of the statements that would allow it but for their condition. */
      sourceArns: string[];
    };

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: string | { Service?: string | string[]; AWS?: string | string[] };
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** `*` any run of characters, `?` one character; the rest literally. */
function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** ArnEquals and ArnLike alike: each of the six colon-separated parts on its own, wildcards inside a part only. */
function arnMatches(pattern: string, arn: string): boolean {
  const parts = (text: string) => {
    const split = text.split(':');
    return split.length < 6 ? undefined : [...split.slice(0, 5), split.slice(5).join(':')];
  };
  const [wanted, actual] = [parts(pattern), parts(arn)];
  return !!wanted && !!actual && wanted.every((part, index) => wildcard(part, actual[index]!));
}

const COMPARISONS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (pattern, value) => pattern === value,
  StringEqualsIgnoreCase: (pattern, value) => pattern.toLowerCase() === value.toLowerCase(),
  StringLike: (pattern, value) => wildcard(pattern, value),
  ArnEquals: arnMatches,
  ArnLike: arnMatches,
};
const NEGATIONS: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

/** Whether one condition operator's block holds for the request; a reason when it does not. */
function conditionHolds(operator: string, block: Record<string, string | string[] | boolean>, context: Record<string, string>): string | undefined {
  const [, qualifier, name, ifExists] = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(operator) ?? [];
  // Condition keys are case-insensitive; every key of a block must hold.
  const lookup = (key: string) => Object.entries(context).find(([candidate]) => candidate.toLowerCase() === key.toLowerCase())?.[1];
  for (const [key, expected] of Object.entries(block)) {
    const value = lookup(key);
    const values = asList(expected).map(String);
    if (name === 'Null') {
      if ((value === undefined) !== (values[0] === 'true')) return `${key} is ${value === undefined ? 'absent' : 'present'} in the request`;
      continue;
    }
    const negated = NEGATIONS[name!];
    const compare = COMPARISONS[negated ?? name!];
    if (!compare) return `the operator ${operator} is not one the grader evaluates (use ArnEquals, ArnLike, StringEquals or StringLike)`;
    if (value === undefined) {
      // A key the request lacks: a positive test fails, a negated one holds (IAM's documented rule).
      if (ifExists || qualifier === 'ForAllValues' || negated) continue;
      return `AWS puts no ${key} in this request`;
    }
    const matches = values.some((pattern) => compare(pattern, value));
    if (negated ? matches : !matches) return `AWS sets ${key} to ${value}, and ${operator} ${JSON.stringify(expected)} does not hold for it`;
  }
  return undefined;
}

function principalMatches(principal: Statement['Principal'], requester: Requester): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal === 'string') return false;
  const aws = asList(principal.AWS);
  if (aws.includes('*')) return true;
  if ('service' in requester) return asList(principal.Service).includes(requester.service);
  return aws.some((entry) => entry === requester.account || entry === `arn:aws:iam::${requester.account}:root`);
}

const describeRequester = (requester: Requester) => ('service' in requester ? requester.service : `a principal of account ${requester.account}`);

/** AWS's decision for the request, from the policy document (JSON, possibly URL-encoded as IAM returns it). */
export function policyDecision(document: string | undefined, request: PolicyRequest): Decision {
  const refused = (why: string, sourceArns: string[] = []): Decision => ({ allowed: false, why, sourceArns });
  if (!document) return refused('there is no policy');
  let statements: Statement[];
  try {
    const parsed = JSON.parse(document.includes('%') ? decodeURIComponent(document) : document) as { Statement?: Statement | Statement[] };
    statements = asList(parsed.Statement);
  } catch {
    return refused('the policy is not JSON');
  }
  const applies = statements.filter(
    (statement) =>
      principalMatches(statement.Principal, request.requester) &&
      asList(statement.Action).some((action) => wildcard(action, request.action, true)) &&
      asList(statement.Resource).some((resource) => wildcard(resource, request.resource)),
  );
  const verdicts = applies.map((statement) => ({
    statement,
    failed: Object.entries(statement.Condition ?? {})
      .map(([operator, block]) => conditionHolds(operator, block, request.context))
      .find((reason) => reason !== undefined),
  }));
  const deny = verdicts.find(({ statement, failed }) => statement.Effect === 'Deny' && failed === undefined);
  if (deny) return refused(`the statement ${deny.statement.Sid ? `"${deny.statement.Sid}" ` : ''}denies it`);
  const allows = verdicts.filter(({ statement }) => statement.Effect === 'Allow');
  if (allows.some(({ failed }) => failed === undefined)) return { allowed: true };
  if (allows.length === 0) return refused(`no statement allows ${describeRequester(request.requester)} to ${request.action} on ${request.resource}`);
  const sourceArns = allows.flatMap(({ statement }) =>
    Object.values(statement.Condition ?? {}).flatMap((block) =>
      Object.entries(block)
        .filter(([key]) => key.toLowerCase() === 'aws:sourcearn')
        .flatMap(([, value]) => asList(value).map(String)),
    ),
  );
  return refused(`the statement that allows it has a condition that would not hold: ${allows[0]!.failed}`, sourceArns);
}

/**
 * Why a source ARN in a condition is not the one AWS sends, when it is a likely mix-up: the bus
 * instead of the rule, or a rule ARN without its bus (on AWS a rule on a custom bus is
 * `rule/<bus>/<rule>`), or another resource of the same kind.
 */
export function sourceArnMixUp(written: string[], expected: string, others: { busArn?: string } = {}): string | undefined {
  for (const arn of written) {
    if (others.busArn && arn === others.busArn) return `${arn} is the bus's ARN; EventBridge sends as the rule, ${expected}`;
    const rule = /:rule\/([^/]+)$/.exec(arn)?.[1];
    if (rule && expected.endsWith(`/${rule}`)) return `${arn} leaves out the bus: on AWS a rule on a custom bus has the ARN ${expected}`;
  }
  return written.length > 0 ? `the condition names ${written.join(', ')}; AWS sends ${expected}` : undefined;
}

export interface Delivery {
  /** The resource in words, e.g. "the queue of the toy workshop (np1a2b3-toy-workshop)". */
  what: string;
  /** Its policy document, as read back. */
  policy: string | undefined;
  resource: string;
  action: string;
  /** The service that delivers, and the resource it delivers for (AWS's aws:SourceArn). */
  sender: { service: string; sourceArn: string };
  /** The bus the sending rule is on, to name a condition that names it instead. */
  busArn?: string;
}

const STRANGER_ACCOUNT = '111122223333';

/**
 * Whether AWS would let the sender deliver, and only the sender's kind: a Miss that says what LocalStack
 * lets through and AWS would not, or undefined. LocalStack delivers without any policy at all.
 */
export function deliveryProblem(delivery: Delivery): { expected: string; found: string } | undefined {
  const { service, sourceArn } = delivery.sender;
  const grant = `${service} to ${delivery.action} to ${delivery.resource}`;
  const shown = delivery.policy ? `the policy ${delivery.policy}` : 'no Policy attribute';
  const decision = policyDecision(delivery.policy, {
    requester: { service },
    action: delivery.action,
    resource: delivery.resource,
    context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': sourceArn.split(':')[4]! },
  });
  if (!decision.allowed) {
    if (decision.sourceArns.length > 0 || /condition/.test(decision.why)) {
      const mixUp = sourceArnMixUp(decision.sourceArns, sourceArn, { busArn: delivery.busArn });
      return {
        expected: `${delivery.what} to have a policy that allows ${grant} when ${sourceArn} sends (aws:SourceArn)`,
        found: `${shown}. LocalStack accepts this; AWS would refuse every delivery, without an error anywhere: ${mixUp ?? decision.why} (${AWS_VS_LOCALSTACK})`,
      };
    }
    return {
      expected: `${delivery.what} to have a policy with an Allow statement for ${grant} (LocalStack delivers without one; AWS does not)`,
      found: `${shown}: ${decision.why}`,
    };
  }
  // Least privilege: the sender's kind, not any principal of any account.
  const stranger = policyDecision(delivery.policy, {
    requester: { account: STRANGER_ACCOUNT },
    action: delivery.action,
    resource: delivery.resource,
    context: {},
  });
  if (stranger.allowed) {
    return {
      expected: `${delivery.what} to let ${service} ${delivery.action}, and nobody else (Principal { "Service": "${service}" }, not "*")`,
      found: `${shown}: a principal of any AWS account (here ${STRANGER_ACCOUNT}) may ${delivery.action} too`,
    };
  }
  return undefined;
}
