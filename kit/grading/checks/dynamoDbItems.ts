// DynamoDB's API takes every attribute value typed, and the scalar ones as text: { "N": "2" }, not
// { "N": 2 }. A Step Functions task that renders a JSON number there fails on AWS ("The value for the
// field 'N' must be a STRING"); LocalStack stores it. The grader reads what the task really sent.

const STRING_TYPES = ['S', 'N', 'B'] as const;
const SET_TYPES = ['SS', 'NS', 'BS'] as const;

/** What is wrong with one attribute value, as DynamoDB's API would see it; undefined when it is right. */
function valueProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${JSON.stringify(value)} is not a typed value such as { "S": "…" }`;
  const types = Object.keys(value);
  if (types.length !== 1) return `${JSON.stringify(value)} should have exactly one type key (S, N, BOOL, M, …)`;
  const [type] = types as [string];
  const inner = (value as Record<string, unknown>)[type];
  if ((STRING_TYPES as readonly string[]).includes(type)) {
    if (typeof inner === 'string') return type === 'N' && Number.isNaN(Number(inner)) ? `"N" holds ${JSON.stringify(inner)}, which is not a number` : undefined;
    return `"${type}" holds ${JSON.stringify(inner)}, a JSON ${inner === null ? 'null' : typeof inner}; DynamoDB wants ${type === 'N' ? 'the number as a string' : 'a string'}`;
  }
  if ((SET_TYPES as readonly string[]).includes(type)) {
    return Array.isArray(inner) && inner.every((entry) => typeof entry === 'string')
      ? undefined
      : `"${type}" should be a list of strings, not ${JSON.stringify(inner)}`;
  }
  if (type === 'BOOL') return typeof inner === 'boolean' ? undefined : `"BOOL" holds ${JSON.stringify(inner)}, not true or false`;
  if (type === 'NULL') return inner === true ? undefined : `"NULL" should be true, not ${JSON.stringify(inner)}`;
  if (type === 'L') return Array.isArray(inner) ? inner.map(valueProblem).find(Boolean) : `"L" should be a list, not ${JSON.stringify(inner)}`;
  if (type === 'M')
    return inner && typeof inner === 'object' && !Array.isArray(inner) ? itemProblems(inner)[0] : `"M" should be an object, not ${JSON.stringify(inner)}`;
  return `"${type}" is not a DynamoDB type (S, N, B, BOOL, NULL, M, L, SS, NS, BS)`;
}

/** Each attribute of an item (or a key) that DynamoDB's API would refuse, as "name: why". */
export function itemProblems(item: unknown): string[] {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return [`the item ${JSON.stringify(item)} is not an object of attributes`];
  return Object.entries(item).flatMap(([name, value]) => {
    const problem = valueProblem(value);
    return problem ? [`${name}: ${problem}`] : [];
  });
}
