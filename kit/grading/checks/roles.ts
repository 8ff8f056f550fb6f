import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  type Role,
} from '@aws-sdk/client-iam';
import type { AwsClients } from '../../aws/clients.ts';
import { ifExists, policyAllows } from './evidence.ts';
import { Miss, type GradingContext } from './grader.ts';

// LocalStack does not enforce IAM, so graders read roles and their policies back through the IAM API.

/** A policy document as one readable line: IAM returns them URL-encoded. */
export function policyText(document: string | undefined): string {
  if (!document) return '(empty)';
  try {
    return JSON.stringify(JSON.parse(decodeURIComponent(document)));
  } catch {
    return document;
  }
}

/** The role named `np.name(baseName)`, or a Miss that lists the roles of this run there are. */
export async function namespacedRole(context: Pick<GradingContext, 'aws' | 'name'>, baseName: string): Promise<Role> {
  const roleName = context.name(baseName);
  const role = (await ifExists(() => context.aws.iam.send(new GetRoleCommand({ RoleName: roleName }))))?.Role;
  if (role) return role;
  const { Roles = [] } = await context.aws.iam.send(new ListRolesCommand({ MaxItems: 1000 }));
  const ours = Roles.map((candidate) => candidate.RoleName).filter((name) => name?.startsWith(context.name('')));
  throw new Miss({
    expected: `an IAM role named ${roleName} (np.name('${baseName}'))`,
    found: ours.length ? `only roles named ${ours.join(', ')}` : 'no role with that name',
  });
}

export interface RolePolicy {
  /** e.g. "inline policy put-orders", to show. */
  name: string;
  document: string | undefined;
}

/** Every policy of the role, inline and attached. */
export async function rolePolicies(aws: AwsClients, roleName: string): Promise<RolePolicy[]> {
  const [{ PolicyNames = [] }, { AttachedPolicies = [] }] = await Promise.all([
    aws.iam.send(new ListRolePoliciesCommand({ RoleName: roleName })),
    aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName })),
  ]);
  const inline = PolicyNames.map(async (PolicyName) => ({
    name: `inline policy ${PolicyName}`,
    document: (await aws.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }))).PolicyDocument,
  }));
  const attached = AttachedPolicies.map(async ({ PolicyArn, PolicyName }) => {
    const { Policy } = await aws.iam.send(new GetPolicyCommand({ PolicyArn }));
    const { PolicyVersion } = await aws.iam.send(new GetPolicyVersionCommand({ PolicyArn, VersionId: Policy?.DefaultVersionId }));
    return { name: `attached policy ${PolicyName}`, document: PolicyVersion?.Document };
  });
  return Promise.all([...inline, ...attached]);
}

/** The policies as one line each, to show what was found. */
export const policiesText = (policies: RolePolicy[]): string =>
  policies.length ? policies.map((policy) => `${policy.name}: ${policyText(policy.document)}`).join('; ') : 'no policies on the role';

/** What a role must be allowed, on what, and what it must not be allowed beside it (least privilege). */
export interface Grant {
  action: string;
  resource: string;
  /** What the resource is in the story: "the orders bus". */
  what: string;
  /** Why the role needs it, said after the resource. */
  why?: string;
  /** A resource of the same kind the role must not reach: the grant names `resource`, not "*". */
  other?: string;
  /** Another action on the resource the role must not have: the grant is the action, not "service:*". */
  notAction?: string;
}

/** The role's trust policy lets `service` assume it. */
export function checkTrust(role: Role, service: string, why?: string): void {
  if (policyAllows(role.AssumeRolePolicyDocument, { service, action: 'sts:AssumeRole' })) return;
  throw new Miss({
    expected: `a trust policy (AssumeRolePolicyDocument) that allows the service ${service} to sts:AssumeRole${why ? `: ${why}` : ''}`,
    found: `the trust policy ${policyText(role.AssumeRolePolicyDocument)}`,
  });
}

/** Every grant is in the role's policies, and nothing wider: each action on its one resource, and no other action. */
export async function checkGrants(context: Pick<GradingContext, 'aws'>, role: Role, grants: Grant[], look?: string): Promise<void> {
  const policies = await rolePolicies(context.aws, role.RoleName!);
  const allows = (action: string, resource: string) => policies.some((policy) => policyAllows(policy.document, { action, resource }));
  for (const grant of grants) {
    if (!allows(grant.action, grant.resource)) {
      throw new Miss({
        expected: `a policy on the role ${role.RoleName} that allows "${grant.action}" on ${grant.what}, ${grant.resource}${grant.why ? `: ${grant.why}` : ''} (LocalStack does not enforce IAM; AWS does)`,
        found: policiesText(policies),
        look,
      });
    }
  }
  for (const grant of grants) {
    if (grant.other && allows(grant.action, grant.other)) {
      throw new Miss({
        expected: `"${grant.action}" on ${grant.what} only: Resource "${grant.resource}", not "*" (least privilege)`,
        found: `the role may also ${grant.action} on ${grant.other}: ${policiesText(policies)}`,
        look,
      });
    }
    if (grant.notAction && allows(grant.notAction, grant.resource)) {
      throw new Miss({
        expected: `the action "${grant.action}" on ${grant.what}, not "${grant.action.split(':')[0]}:*" (least privilege)`,
        found: `the role may also ${grant.notAction} on it: ${policiesText(policies)}`,
        look,
      });
    }
  }
}

/** What a role may do on one resource, and nothing else there. */
export interface Allowance {
  actions: string[];
  resource: string;
  /** What the resource is in the story: "the orders table". */
  what: string;
}

/** An action on a resource that a policy allows beyond what the role needs. */
export interface ExtraGrant {
  policy: RolePolicy;
  action: string;
  resource: string;
}

interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
}

const listOf = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every action on every resource the role's policies allow that no allowance names: a "*", a whole service, a second action. */
export async function extraGrants(context: Pick<GradingContext, 'aws'>, role: Role, allowances: Allowance[]): Promise<ExtraGrant[]> {
  const extras: ExtraGrant[] = [];
  for (const policy of await rolePolicies(context.aws, role.RoleName!)) {
    let statements: PolicyStatement[];
    try {
      const parsed = JSON.parse(decodeURIComponent(policy.document ?? '')) as { Statement?: PolicyStatement | PolicyStatement[] };
      statements = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
    } catch {
      continue;
    }
    for (const statement of statements.filter((candidate) => candidate.Effect === 'Allow')) {
      // NotAction and NotResource allow everything but what they name: wider than any allowance.
      const actions = statement.NotAction ? ['everything but ' + listOf(statement.NotAction).join(', ')] : listOf(statement.Action);
      const resources = statement.NotResource ? ['everything but ' + listOf(statement.NotResource).join(', ')] : listOf(statement.Resource);
      for (const action of actions) {
        for (const resource of resources) {
          const allowed = allowances.some(
            (allowance) => allowance.resource === resource && allowance.actions.some((name) => name.toLowerCase() === action.toLowerCase()),
          );
          if (!allowed) extras.push({ policy, action, resource });
        }
      }
    }
  }
  return extras;
}

/** The extra grants as one line: "dynamodb:DeleteItem, dynamodb:UpdateItem on arn:…:table/…". */
export function describeExtras(extras: ExtraGrant[], allowances: Allowance[]): string {
  const byResource = new Map<string, string[]>();
  for (const extra of extras) byResource.set(extra.resource, [...(byResource.get(extra.resource) ?? []), extra.action]);
  return [...byResource]
    .map(
      ([resource, actions]) =>
        `${actions.join(', ')} on ${allowances.find((allowance) => allowance.resource === resource)?.what ?? (resource === '*' ? 'every resource ("*")' : resource)}`,
    )
    .join('; ');
}
