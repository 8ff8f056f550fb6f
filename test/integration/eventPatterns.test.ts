import { afterAll, describe, expect, it } from 'vitest';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { describeVerdict, explainPattern } from '../../kit/grading/checks/eventPatterns.ts';
import { sampleEvent } from '../../kit/grading/checks/evidence.ts';

const aws = awsClients(process.env.NORTHPOLE_ENDPOINT!);
afterAll(() => destroyClients(aws));

const order = (fields: Record<string, unknown>) =>
  sampleEvent('northpole.orders', 'OrderPlaced', { orderId: 'o-1', child: 'Ada', gift: 'kite', quantity: 1, ...fields });
const explain = async (pattern: unknown, event: string) => describeVerdict(await explainPattern(aws, JSON.stringify(pattern), event));

describe('explaining an event pattern with TestEventPattern', () => {
  it('names the detail field that kept the event out', async () => {
    const pattern = { source: ['northpole.orders'], detail: { list: ['nice'], weightKg: [{ numeric: ['>', 20] }] } };
    expect(await explain(pattern, order({ list: 'nice', weightKg: 20 }))).toBe('detail.weightKg: 20 does not match [{"numeric":[">",20]}]');
  });

  it('names a top-level field and a missing one', async () => {
    const pattern = { source: ['northpole.orders'], detail: { sku: [{ prefix: 'TOY-' }] } };
    const event = sampleEvent('northpole.toyshop', 'OrderPlaced', { orderId: 'o-1' });
    expect(await explain(pattern, event)).toBe(
      'source: "northpole.toyshop" does not match ["northpole.orders"]; detail.sku is missing, and [{"prefix":"TOY-"}] needs it',
    );
  });

  it('takes a $or as one piece and shows the fields its branches name', async () => {
    const pattern = { detail: { $or: [{ express: [true] }, { quantity: [{ numeric: ['>=', 10] }] }] } };
    expect(await explain(pattern, order({ quantity: 9 }))).toBe(
      'detail.$or: no branch of [{"express":[true]},{"quantity":[{"numeric":[">=",10]}]}] matches (express (missing), quantity 9)',
    );
  });

  it('says when a list of conditions meets an object, and follows nested fields', async () => {
    const wrapped = order({ giftWrap: { paper: 'gold' } });
    expect(await explain({ detail: { giftWrap: [{ exists: true }] } }, wrapped)).toBe(
      'detail.giftWrap: {"paper":"gold"} does not match [{"exists":true}] (it is an object: match one of its fields, e.g. detail.giftWrap.paper)',
    );
    expect(await explain({ detail: { giftWrap: { paper: [{ exists: true }] } } }, order({}))).toBe(
      'detail.giftWrap.paper is missing, and [{"exists":true}] needs it',
    );
  });

  it('shows the detail fields that let a matching event through', async () => {
    const pattern = { source: ['northpole.orders'], detail: { weightKg: [{ numeric: ['>=', 20] }] } };
    const verdict = await explainPattern(aws, JSON.stringify(pattern), order({ weightKg: 20 }));
    expect(verdict.kind).toBe('matches');
    expect(describeVerdict(verdict)).toBe('detail.weightKg: 20 matches [{"numeric":[">=",20]}]');
  });

  it("gives EventBridge's reason for an invalid pattern", async () => {
    const verdict = await explainPattern(aws, JSON.stringify({ detail: { list: 'nice' } }), order({ list: 'nice' }));
    expect(verdict.kind).toBe('invalid');
    expect(describeVerdict(verdict)).toMatch(/not valid.*list/);
  });
});
