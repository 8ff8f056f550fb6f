import { TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import type { AwsClients } from '../../aws/clients.ts';
import { ACCOUNT_ID, REGION } from '../../aws/clients.ts';
import { unimplementedOperation } from '../../localstack/unimplemented.ts';

/** The SDK's way of saying a resource does not exist, across services. */
export function isNotFound(error: unknown): boolean {
  const name = (error as Error)?.name ?? '';
  // An emulator that does not know the call at all may answer NotFound too: that is not the learner's missing resource.
  return /NotFound|NonExistent|NoSuchEntity|DoesNotExist/.test(name) && !unimplementedOperation(error);
}

/** Runs an AWS read and turns "does not exist" into undefined; anything else propagates. */
export async function ifExists<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function sampleEvent(source: string, detailType: string, detail: unknown): string {
  return JSON.stringify({
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': detailType,
    source,
    account: ACCOUNT_ID,
    time: '2026-12-24T23:59:00Z',
    region: REGION,
    resources: [],
    detail,
  });
}

/** EventBridge's own answer to "does this pattern match this event?"; an invalid pattern is a reason, not a crash. */
export async function patternMatches(aws: AwsClients, pattern: string, event: string): Promise<boolean | string> {
  try {
    const { Result } = await aws.eventBridge.send(new TestEventPatternCommand({ EventPattern: pattern, Event: event }));
    return Result === true;
  } catch (error) {
    return `the pattern is not valid: ${(error as Error).message}`;
  }
}

interface Statement {
  Effect?: string;
  Principal?: string | { Service?: string | string[]; AWS?: string | string[] };
  Action?: string | string[];
  Resource?: string | string[];
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function wildcardMatch(pattern: string, value: string): boolean {
  const expression = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return expression.test(value);
}

/** Whether a policy document has an Allow statement for this principal service, action and resource. */
export function policyAllows(document: string | undefined, wanted: { service?: string; action: string; resource?: string }): boolean {
  if (!document) return false;
  let parsed: { Statement?: Statement | Statement[] };
  try {
    parsed = JSON.parse(decodeURIComponent(document)) as typeof parsed;
  } catch {
    return false;
  }
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  return statements.some((statement) => {
    if (statement.Effect !== 'Allow') return false;
    if (wanted.service) {
      const principal = statement.Principal;
      const services = typeof principal === 'string' ? [principal] : asList(principal?.Service);
      if (!services.some((service) => service === '*' || service === wanted.service)) return false;
    }
    if (!asList(statement.Action).some((action) => wildcardMatch(action.toLowerCase(), wanted.action.toLowerCase()))) return false;
    if (wanted.resource && !asList(statement.Resource).some((resource) => wildcardMatch(resource, wanted.resource!))) return false;
    return true;
  });
}

/**
 * One entry of an API Gateway execution log (TestInvokeMethod's `log`), e.g. "Endpoint request body
 * after transformations". Entries start with a timestamp line and may span several lines.
 */
export function executionLogEntry(log: string | undefined, label: string): string | undefined {
  const entries = (log ?? '').split(/\n(?=\w{3} \w{3} \d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4} : )/);
  const prefix = `${label}: `;
  for (const entry of entries) {
    const text = entry.replace(/^\w{3} \w{3} \d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4} : /, '');
    if (text.startsWith(prefix)) return text.slice(prefix.length).trimEnd();
  }
  return undefined;
}
