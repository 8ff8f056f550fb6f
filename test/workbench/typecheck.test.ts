import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject } from './tempProject.ts';

const FILE = 'exercises/01-orders-bus/ordersBus.ts';

describe('type errors in the learner’s file', () => {
  let project: TempProject;
  let solution: string;

  beforeAll(async () => {
    project = await TempProject.create();
    solution = await project.read('solutions', '01-orders-bus', 'ordersBus.ts');
  });
  afterAll(() => project.remove());

  it('an object where the queue policy’s JSON string belongs: tsc’s error, with file:line, above the first failed task and in results.json', async () => {
    const lines = solution.split('\n');
    const policyLine = lines.findIndex((line) => line.includes('Policy: JSON.stringify('));
    expect(policyLine).toBeGreaterThan(0);
    await project.write(FILE, solution.replace('Policy: JSON.stringify(', 'Policy: ('));

    const ran = await project.run(['exercise', '1']);
    expect(ran.code).toBe(1);
    const heading = ran.stdout.indexOf('Type error in your file (tsc):');
    expect(heading).toBeGreaterThan(0);
    expect(ran.stdout).toContain(`${FILE}:${policyLine + 1}:`);
    expect(ran.stdout).toMatch(/is not assignable to type 'string'/);
    expect(heading).toBeLessThan(ran.stdout.indexOf('✗ Task'));

    const results = JSON.parse(await project.read('.northpole', 'results', '01-orders-bus.json'));
    expect(results.typeErrors).toEqual([expect.objectContaining({ file: FILE, line: policyLine + 1, message: expect.stringContaining('TS') })]);
  });

  it('a file without type errors gets no such section', async () => {
    await project.write(FILE, solution);
    const ran = await project.run(['exercise', '1']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).not.toContain('Type error');
    expect(JSON.parse(await project.read('.northpole', 'results', '01-orders-bus.json')).typeErrors).toBeUndefined();
  });
});
