import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject } from './tempProject.ts';

describe('a grade that waits for traffic', () => {
  let project: TempProject;

  beforeAll(async () => {
    project = await TempProject.create();
  });
  afterAll(() => project.remove());

  it('says what it waits for once the wait passes 2 s, so that it does not look like a hang', async () => {
    // The producer forgets EventBusName: the order goes to the default bus and never reaches the orders bus.
    const solution = await project.read('solutions', '01-orders-bus', 'ordersBus.ts');
    const defaultBus = solution.replace('EventBusName: bus.busName, ', '');
    expect(defaultBus).not.toBe(solution);
    await project.write('exercises/01-orders-bus/ordersBus.ts', defaultBus);

    const ran = await project.run(['exercise', '1']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/Waiting up to 10 s for order order-np[a-z0-9]+ on np[a-z0-9]+-orders…/);
    expect(ran.stdout).toContain('✗ Task 4');
  });
});
