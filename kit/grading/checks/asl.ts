import { createRequire } from 'node:module';

/** One problem in a state machine definition: the state and field at fault, when known. */
export interface AslProblem {
  state?: string;
  field?: string;
  message: string;
}

interface AslValidatorError {
  'Error code': string;
  Message: string;
  schemaError?: { instancePath?: string };
}

type AslValidator = (definition: unknown) => { isValid: boolean; errors: AslValidatorError[] };

// asl-validator checks what LocalStack's validation does not (a missing Next, a target that does not
// exist, the syntax of paths). It is CommonJS without type declarations.
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const fromPointer = (segment: string) => segment.replaceAll('~1', '/').replaceAll('~0', '~');

function problem(error: AslValidatorError): AslProblem {
  const message = error.Message;
  const pointer = error.schemaError?.instancePath;
  if (pointer?.startsWith('/States/')) {
    const [state, ...field] = pointer.slice('/States/'.length).split('/').map(fromPointer);
    const reason = message
      .replace(/^\S.* is invalid\. /, '')
      .replace(
        /^must match format "asl_(?:payload_template|path|ref_path|json_path)"$/,
        'must be a path that starts with $ (or an intrinsic such as States.JsonToString(...))',
      );
    return { state, field: field.length ? field.join('.') : undefined, message: reason };
  }
  const needsNext = /^State "(.+)" MUST contain exactly one of "End", "Next"$/.exec(message);
  if (needsNext) return { state: needsNext[1], message: 'needs exactly one of "Next" (the state that follows) and "End": true' };
  const missingTarget = /^Missing 'StartAt'\|'Next'\|'Default' target: (.+)$/.exec(message);
  if (missingTarget) return { message: `a "StartAt", "Next" or "Default" names the state "${missingTarget[1]}", and there is no state with that name` };
  const unreachable = /^State (.+) is not reachable$/.exec(message);
  if (unreachable) return { state: unreachable[1], message: 'no state leads to it (no "Next", "Default" or Choice rule names it)' };
  return { message };
}

/** What asl-validator finds wrong with a definition, causes before consequences (a missing target before the state it strands). */
export function aslProblems(definition: unknown): AslProblem[] {
  const { errors } = aslValidator(definition);
  return errors.map(problem).sort((a, b) => Number(a.message.startsWith('no state leads')) - Number(b.message.startsWith('no state leads')));
}

export const describeProblem = (found: AslProblem): string =>
  `${found.state ? `state "${found.state}"${found.field ? `, field "${found.field}"` : ''}: ` : ''}${found.message}`;

/** One state of a definition, as far as graders read it. */
export interface StateDefinition {
  Type?: string;
  Resource?: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  Choices?: { Next?: string }[];
  Parameters?: Record<string, unknown>;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export interface Retrier {
  ErrorEquals?: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}

export interface Catcher {
  ErrorEquals?: string[];
  ResultPath?: string | null;
  Next?: string;
}

export interface Definition {
  StartAt?: string;
  States?: Record<string, StateDefinition>;
}

/** The states reachable from `start` by Next, Default, Choice rules and Catch, leaving out those in `avoid`. */
export function reachable(definition: Definition, start: string | undefined, avoid: string[] = []): Set<string> {
  const seen = new Set<string>();
  const queue = start ? [start] : [];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name) || avoid.includes(name)) continue;
    seen.add(name);
    const state = definition.States?.[name];
    const nexts = [state?.Next, state?.Default, ...(state?.Choices ?? []).map((choice) => choice.Next), ...(state?.Catch ?? []).map((catcher) => catcher.Next)];
    for (const next of nexts) if (next) queue.push(next);
  }
  return seen;
}

/**
 * Whether a Retry or Catch whose ErrorEquals is `errorEquals` handles a task failure named `error`:
 * States.ALL takes every error, States.TaskFailed every one but States.Timeout.
 */
export function handles(errorEquals: string[] | undefined, error: string): boolean {
  const names = errorEquals ?? [];
  return names.includes(error) || names.includes('States.ALL') || (names.includes('States.TaskFailed') && error !== 'States.Timeout');
}

/** What is wrong with an ASL file before it is deployed: not there, not JSON, or not valid ASL; undefined when it is fine. */
/** Step Functions' hard quota on a definition's size; LocalStack takes larger ones. */
export const DEFINITION_LIMIT_BYTES = 1024 * 1024;

/** What asl-validator said of each text it read: a grade asks of one file several times. */
const verdicts = new Map<string, { found: string; state?: string } | undefined>();

export function aslFileProblem(text: string | undefined): { found: string; state?: string } | undefined {
  if (text === undefined) return { found: 'no such file' };
  if (verdicts.has(text)) return verdicts.get(text);
  const problem = readAsl(text);
  if (verdicts.size > 50) verdicts.clear();
  verdicts.set(text, problem);
  return problem;
}

function readAsl(text: string): { found: string; state?: string } | undefined {
  const bytes = Buffer.byteLength(text);
  if (bytes > DEFINITION_LIMIT_BYTES) {
    return {
      found: `it is ${(bytes / DEFINITION_LIMIT_BYTES).toFixed(1)} MB. LocalStack accepts this; AWS would refuse it at CreateStateMachine: a definition may be 1 MB at most (a hard quota). Keep data out of the definition: pass it in the input, or read it from a table`,
    };
  }
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    return { found: `it is not JSON: ${(error as Error).message}` };
  }
  const problems = aslProblems(definition);
  if (problems.length === 0) return undefined;
  return { found: problems.slice(0, 3).map(describeProblem).join('; '), state: problems[0].state };
}

/** One rule of a Choice state, or a condition inside one (And, Or, Not). */
export interface Condition {
  Variable?: string;
  IsPresent?: boolean;
  And?: Condition[];
  Or?: Condition[];
  Not?: Condition;
  Next?: string;
  [comparison: string]: unknown;
}

export const conditionsIn = (rule: Condition): Condition[] => [
  rule,
  ...(rule.And ?? []).flatMap(conditionsIn),
  ...(rule.Or ?? []).flatMap(conditionsIn),
  ...(rule.Not ? conditionsIn(rule.Not) : []),
];

/**
 * The Variables a Choice rule compares without first asking whether they are there (IsPresent true).
 * On AWS such a comparison fails the execution (States.Runtime) when the field is missing; LocalStack
 * takes the Default instead, so only reading the rule finds it.
 */
export function unguardedVariables(rule: Condition): string[] {
  const conditions = conditionsIn(rule).filter((condition) => condition.Variable);
  const present = new Set(conditions.filter((condition) => condition.IsPresent === true).map((condition) => condition.Variable!));
  return [
    ...new Set(
      conditions.filter((condition) => condition.IsPresent === undefined && !present.has(condition.Variable!)).map((condition) => condition.Variable!),
    ),
  ];
}

/** A field of a state whose value reads like a path, but whose key does not end in `.$`: the value goes through as text. */
export interface LiteralPath {
  state: string;
  /** Where in the state, e.g. "Parameters.MessageBody.taskToken". */
  field: string;
  value: string;
}

/**
 * Fields of Parameters, ResultSelector and their nested objects whose value starts with "$." or "$$."
 * (or is "$") while the key lacks `.$`. Step Functions passes such a value on as the text itself:
 * `"taskToken": "$$.Task.Token"` sends the words "$$.Task.Token", not the token. LocalStack and AWS
 * both accept the definition; nothing fails until a reader of the text finds it useless.
 */
export function literalPaths(definition: Definition): LiteralPath[] {
  const found: LiteralPath[] = [];
  const visit = (value: unknown, state: string, field: string) => {
    if (!value || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      const where = `${field}.${key}`;
      if (typeof inner === 'string' && !key.endsWith('.$') && /^\$(\$?\.|$)/.test(inner)) found.push({ state, field: where, value: inner });
      else if (!key.endsWith('.$')) visit(inner, state, where);
    }
  };
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    for (const field of ['Parameters', 'ResultSelector'] as const) visit((state as Record<string, unknown>)[field], name, field);
  }
  return found;
}
