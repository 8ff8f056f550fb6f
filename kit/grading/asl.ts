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
    const reason = message.replace(/^\S.* is invalid\. /, '').replace(/^must match format "asl_(?:payload_template|path|ref_path|json_path)"$/, 'must be a path that starts with $ (or an intrinsic such as States.JsonToString(...))');
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
