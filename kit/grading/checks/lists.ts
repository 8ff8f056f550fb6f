import { ListRulesCommand, type Rule } from '@aws-sdk/client-eventbridge';
import type { AwsClients } from '../../aws/clients.ts';

// Every page of the list calls the checks read: a bus of a busy room holds more than one page of rules.

/** Rules on a bus whose names start with `namePrefix` (a run's namespace), every page. */
export async function rulesNamed(aws: AwsClients, busName: string, namePrefix: string): Promise<Rule[]> {
  const rules: Rule[] = [];
  let NextToken: string | undefined;
  do {
    const page = await aws.eventBridge.send(new ListRulesCommand({ EventBusName: busName, NamePrefix: namePrefix, NextToken }));
    rules.push(...(page.Rules ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return rules;
}
