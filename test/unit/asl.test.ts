import { describe, expect, it } from 'vitest';
import { aslFileProblem, DEFINITION_LIMIT_BYTES } from '../../kit/grading/checks/asl.ts';

const machine = (comment: string) => JSON.stringify({ Comment: comment, StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });

describe('an ASL file as AWS would take it', () => {
  it('is refused over 1 MB, which LocalStack accepts and AWS does not', () => {
    const padding = 'x'.repeat(DEFINITION_LIMIT_BYTES);
    expect(aslFileProblem(machine(padding))?.found).toMatch(
      /^it is 1\.0 MB\. LocalStack accepts this; AWS would refuse it at CreateStateMachine: a definition may be 1 MB at most/,
    );
  });

  it('is taken at the limit, and a small one is taken', () => {
    const atLimit = machine('x'.repeat(DEFINITION_LIMIT_BYTES - machine('').length));
    expect(Buffer.byteLength(atLimit)).toBe(DEFINITION_LIMIT_BYTES);
    expect(aslFileProblem(atLimit)).toBeUndefined();
    expect(aslFileProblem(machine('fulfil an order'))).toBeUndefined();
  });

  it('says when it is missing or not JSON', () => {
    expect(aslFileProblem(undefined)).toEqual({ found: 'no such file' });
    expect(aslFileProblem('{ "StartAt": ')?.found).toMatch(/^it is not JSON/);
  });
});
