import { existsSync } from 'node:fs';
import net from 'node:net';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { API_KEY_HEADER, startTracker, type RunningTracker } from '../../kit/tracker/trackerServer.ts';
import { Output, TempProject } from '../workbench/tempProject.ts';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE_ORDER = '<img src=x onerror="alert(1)">letters/eve.json';

const post = (tracker: RunningTracker, update: object) =>
  fetch(tracker.endpoint.updatesUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [API_KEY_HEADER]: tracker.endpoint.apiKey },
    body: JSON.stringify(update),
  });

/** What the page shows of one order: its card's steps, in the order drawn. */
const stepsOf = (page: Page, orderId: string) =>
  page
    .locator('li.order')
    .filter({ has: page.locator('h2', { hasText: orderId }) })
    .locator('ol.steps > li')
    .evaluateAll((steps) => steps.map((step) => (step as HTMLElement).dataset.status));

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

describe('the tracker page in a real browser: each order as it changes, in the order things happened', () => {
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const blocked: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium (.ci/run does this in CI).`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws updates live, each order in the order its events happened; an orderId is text, never markup', async () => {
    const tracker = await startTracker();
    try {
      await page.goto(tracker.address);
      await expect.poll(() => page.textContent('#live')).toBe('● live');
      expect(await page.isVisible('#empty')).toBe(true);
      // The outcome arrives first, as EventBridge may deliver it; the page still tells the story in order.
      await post(tracker, { orderId: 'letters/ada.json', status: 'OrderFulfilled', time: '2026-12-24T21:10:07Z' });
      await post(tracker, { orderId: 'letters/ada.json', status: 'OrderPlaced', time: '2026-12-24T21:10:07Z' });
      await post(tracker, { orderId: HOSTILE_ORDER, status: 'OrderPlaced', time: '2026-12-24T21:11:00Z' });
      await post(tracker, { orderId: 'o-failed', status: 'OrderFailed', time: '2026-12-24T21:12:00Z' });
      await expect.poll(() => stepsOf(page, 'letters/ada.json')).toEqual(['OrderPlaced', 'OrderFulfilled']);
      await expect.poll(() => stepsOf(page, 'o-failed')).toEqual(['OrderFailed']);
      expect(await page.locator('li.order h2').allTextContents()).toEqual(['letters/ada.json', HOSTILE_ORDER, 'o-failed']);
      expect(await page.locator('li.order').first().locator('ol.steps > li').allInnerTexts()).toEqual([
        expect.stringContaining('Santa has your order') as string,
        expect.stringContaining('Made, wrapped and on the sleigh') as string,
      ]);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.isVisible('#empty')).toBe(false);

      // A child follows one order; a page opened late sees what happened before.
      await page.goto(`${tracker.address}?order=${encodeURIComponent('letters/ada.json')}`);
      await expect.poll(() => stepsOf(page, 'letters/ada.json')).toEqual(['OrderPlaced', 'OrderFulfilled']);
      expect(await page.locator('li.order').count()).toBe(1);
      expect(dialogs).toEqual([]);
      expect(blocked).toEqual([]);
    } finally {
      await tracker.close();
    }
  });

  it('says so when the tracker goes away', async () => {
    const tracker = await startTracker();
    await page.goto(tracker.address);
    await expect.poll(() => page.textContent('#live')).toBe('● live');
    await tracker.close();
    await expect.poll(() => page.textContent('#live')).toBe('○ reconnecting');
  });

  it('npm run tracker: a letter put in the bucket of the last grade shows on the page, placed and then fulfilled', async () => {
    const project = await TempProject.create();
    const aws = awsClients(process.env.NORTHPOLE_ENDPOINT!);
    try {
      const graded = await project.run(['exercise', '9', '--solution'], {}, 300_000);
      expect(graded.code, graded.stdout + graded.stderr).toBe(0);
      const port = await freePort();
      const tracker = project.start(['tracker', '--port', String(port)]);
      const output = new Output(tracker.stdout!);
      try {
        await output.waitFor(/now sends its updates here/);
        const namespace = /namespace (np[0-9a-z]{5})/.exec(output.text)![1]!;
        expect(graded.stdout).toContain(`namespace ${namespace}`);
        await page.goto(`http://127.0.0.1:${port}/`);
        await expect.poll(() => page.textContent('#live')).toBe('● live');
        await aws.s3.send(
          new PutObjectCommand({
            Bucket: `${namespace}-letters`,
            Key: 'letters/me.json',
            Body: JSON.stringify({ child: 'Me', gift: 'kite', quantity: 1 }),
            ContentType: 'application/json',
          }),
        );
        await expect.poll(() => stepsOf(page, 'letters/me.json'), { timeout: 60_000 }).toEqual(['OrderPlaced', 'OrderFulfilled']);
        await output.waitFor(/letters\/me\.json: OrderFulfilled/);
        expect(dialogs).toEqual([]);
        expect(blocked).toEqual([]);
      } finally {
        tracker.kill('SIGINT');
        const code = await new Promise<number | null>((resolve) => (tracker.exitCode !== null ? resolve(tracker.exitCode) : tracker.on('close', resolve)));
        expect(code).toBe(0);
      }
    } finally {
      destroyClients(aws);
      await project.remove();
    }
  });
});
