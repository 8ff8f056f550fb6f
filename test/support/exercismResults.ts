import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

const schema = JSON.parse(readFileSync(new URL('./exercism-results-v3.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true }).compile(schema);

/**
 * Where `results` departs from Exercism's results.json v3, in words; empty when it conforms. Beyond
 * the schema, the spec wants the tests in the order they are specified: here, the exercise's tasks.
 */
export function exercismViolations(results: unknown, taskOrder: number[]): string[] {
  const violations = validate(results) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '(top level)'} ${error.message}`);
  const tests = (results as { tests?: { task_id?: number }[] }).tests ?? [];
  const order = tests.map((test) => test.task_id);
  const expected = taskOrder.slice(0, order.length);
  if (order.some((id, index) => id !== expected[index]))
    violations.push(`tests come in the order ${order.join(', ')}, not the tasks' order ${expected.join(', ')}`);
  return violations;
}
