import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardProcess } from '../../kit/board/roomLoad.ts';
import { loadTrack } from '../../kit/track.ts';
import { TempProject } from '../workbench/tempProject.ts';
import { ROOM, seedWorkshop } from './seedRoom.ts';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE_NAME = '<script>alert(1)</script>Jingle';
const track = loadTrack();
/** NORTHPOLE_BOARD_SCREENSHOTS=docs/images writes the facilitator guide's pictures. */
const SCREENSHOTS = process.env.NORTHPOLE_BOARD_SCREENSHOTS;

/** Everything that makes a text not whole on screen: cut, scrolled inside its box, or outside the window. */
async function hiddenTexts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (nodes) => {
    const { innerWidth, innerHeight } = window;
    return nodes.flatMap((node) => {
      const box = node.getBoundingClientRect();
      const style = getComputedStyle(node);
      const problems = [
        node.scrollWidth > node.clientWidth + 1 && 'overflows its width',
        node.scrollHeight > node.clientHeight + 1 && 'overflows its height',
        style.textOverflow === 'ellipsis' && node.scrollWidth > node.clientWidth && 'ends in an ellipsis',
        (box.left < 0 || box.right > innerWidth || box.top < 0 || box.bottom > innerHeight) &&
          `lies outside the ${innerWidth}×${innerHeight} window (${Math.round(box.left)},${Math.round(box.top)})–(${Math.round(box.right)},${Math.round(box.bottom)})`,
      ].filter(Boolean);
      return problems.length ? [`${node.textContent}: ${problems.join(', ')}`] : [];
    });
  });
}

describe('the class board in a real browser: a room of thirty on a projector and a phone; learners join and grade live', () => {
  let dir: string;
  let board: BoardProcess;
  let browser: Browser;
  let page: Page;
  const learners: TempProject[] = [];
  const dialogs: string[] = [];

  const shoot = async (name: string) => {
    const picture = await page.screenshot();
    expect(picture.length).toBeGreaterThan(10_000);
    if (SCREENSHOTS) {
      await fs.mkdir(path.resolve(SCREENSHOTS), { recursive: true });
      await fs.writeFile(path.resolve(SCREENSHOTS, name), picture);
    }
  };
  const row = (name: string) => page.locator('#grid tbody tr', { has: page.locator('td.name', { hasText: name }) });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium (.ci/run does this in CI).`);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-board-page-'));
    const data = path.join(dir, 'board.sqlite');
    await seedWorkshop(data);
    board = await BoardProcess.start({ data });
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
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  afterAll(async () => {
    await browser?.close();
    await board?.stop();
    for (const learner of learners) await learner.remove();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('opens with the printed address; the token leaves the address bar; the join line is on the page', async () => {
    await page.goto(`${board.address}/?token=${board.token}`);
    expect(page.url()).toBe(`${board.address}/`);
    await expect.poll(() => page.textContent('#live')).toBe('● live');
    await expect.poll(() => page.evaluate(() => document.body.dataset.fitted)).toBe('1280x800');
    expect(await page.locator('#grid tbody tr').count()).toBe(30);
    expect(await page.textContent('#summary')).toMatch(/^30 learners · \d+ grades$/);
    expect(await page.textContent('#join-line')).toBe(`npm run join -- ${board.address} --code ${board.code} --name "Your name"`);
    expect(await page.content()).not.toContain(board.token);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  });

  it('1280×800, the common projector: all thirty on one screen, every name and every failing task number whole', async () => {
    expect(await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight])).toEqual([1280, 800]);
    expect(await hiddenTexts(page, '#grid td.name')).toEqual([]);
    expect(await hiddenTexts(page, '#grid td.cell.fail')).toEqual([]);
    expect((await page.$$eval('#grid td.name', (cells) => cells.map((cell) => cell.textContent))).sort()).toEqual(ROOM.map(([name]) => name).sort());
    // Each failing cell says its task, as the board holds it.
    for (const [name, passed, next] of ROOM.filter(([, passed, next]) => typeof next === 'number' && next > 0 && passed < track.exercises.length)) {
      expect(await row(name).locator(`td[data-exercise="${track.exercises[passed]!.number}"]`).textContent(), name).toBe(`✗${next}`);
    }
    const fontSize = await page.$eval('#grid td.name', (cell) => parseFloat(getComputedStyle(cell).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(15);
    // The machines that could not grade are shown apart from failing tasks.
    expect((await page.textContent('#trouble'))!.split('; ').sort()).toEqual(['Maximilian Schwarzenberger (localstack)', 'Quentin Dupont (java)']);
    expect(await row('Maximilian Schwarzenberger').locator('td[data-exercise="3"]').getAttribute('data-state')).toBe('error');
    await shoot('class-board-1280x800.png');
  });

  it('1920×1080: the same room, larger type', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await expect.poll(() => page.evaluate(() => document.body.dataset.fitted)).toBe('1920x1080');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(1920);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBe(1080);
    expect(await hiddenTexts(page, '#grid td.name')).toEqual([]);
    expect(await page.$eval('#grid td.name', (cell) => parseFloat(getComputedStyle(cell).fontSize))).toBeGreaterThanOrEqual(20);
    await shoot('class-board-1920x1080.png');
  });

  it('390×844, a phone walking the room: no sideways scroll, a card per learner with every name whole', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.body.dataset.fitted)).toBe('390x844');
    expect(await page.evaluate(() => document.body.classList.contains('narrow'))).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const names = await page.$$eval('#grid td.name', (cells) =>
      cells.map((cell) => ({ text: cell.textContent, cut: cell.scrollWidth > cell.clientWidth + 1, right: cell.getBoundingClientRect().right })),
    );
    expect(names.filter((name) => name.cut || name.right > 390)).toEqual([]);
    const firstCard = await page.locator('#grid tbody tr').first().boundingBox();
    expect(firstCard!.y).toBeLessThan(844);
    await shoot('class-board-390x844.png');
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => page.evaluate(() => document.body.dataset.fitted)).toBe('1280x800');
  });

  it('learners join and grade with the real CLI: a pass, a failure and a machine that cannot reach LocalStack (exit 2) appear live; a <script> name is text', async () => {
    for (const name of ['Holly', HOSTILE_NAME, 'Noel']) {
      const project = await TempProject.create();
      learners.push(project);
      const joined = await project.run(['join', board.address, '--code', board.code, '--name', name]);
      expect(joined.code, joined.stderr).toBe(0);
    }
    const [holly, jingle, noel] = learners as [TempProject, TempProject, TempProject];
    const starter = path.join('exercises', '01-orders-bus', 'ordersBus.ts');
    await holly.write(starter, await holly.read('solutions', '01-orders-bus', 'ordersBus.ts'));
    const [passed, failed, broken] = await Promise.all([
      holly.run(['exercise', '1']),
      jingle.run(['exercise', '1']),
      // Nothing listens on port 9: the grade cannot run.
      noel.run(['exercise', '1'], { NORTHPOLE_ENDPOINT: 'http://127.0.0.1:9' }),
    ]);
    expect(passed.code, passed.stderr).toBe(0);
    expect(failed.code, failed.stderr).toBe(1);
    expect(broken.code, broken.stderr).toBe(2);

    await expect.poll(() => row('Holly').locator('td[data-exercise="1"]').getAttribute('data-state'), { timeout: 10_000 }).toBe('pass');
    await expect.poll(() => row('Jingle').locator('td[data-exercise="1"]').getAttribute('data-state'), { timeout: 10_000 }).toBe('fail');
    await expect.poll(() => row('Noel').locator('td[data-exercise="1"]').getAttribute('data-state'), { timeout: 10_000 }).toBe('error');
    expect(await row('Holly').locator('td[data-exercise="1"]').textContent()).toBe('✓');
    expect(await row('Jingle').locator('td[data-exercise="1"]').textContent()).toBe('✗1');
    expect(await row('Jingle').locator('td[data-exercise="1"]').getAttribute('title')).toMatch(
      /^Step 1 \(The orders bus\): failing at Task 1: Create the orders bus\nExpected/,
    );
    expect(await row('Noel').locator('td[data-exercise="1"]').textContent()).toBe('⚠');
    expect(await page.textContent('#trouble')).toMatch(/^Noel \(localstack\); /);
    expect(await row('Jingle').locator('td.name').textContent()).toBe(HOSTILE_NAME);
    expect(await page.locator('#grid script, #grid img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await page.locator('#grid tbody tr').count()).toBe(33);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBe(800);
    expect(await hiddenTexts(page, '#grid td.name')).toEqual([]);
  });

  it('a click on a cell gives its message; a click on a name merges two rows of one person, and the export says so', async () => {
    await row('Jingle').locator('td[data-exercise="1"]').click();
    await expect.poll(() => page.locator('#detail').isVisible()).toBe(true);
    expect(await page.textContent('#detail-body pre')).toMatch(/^Expected/);
    await page.click('#detail-actions button:text("Close")');

    await row('Noel').locator('td.name').click();
    await page.selectOption('#detail-actions select', { label: 'Holly' });
    await page.click('#detail-actions button:text("Merge into")');
    await expect.poll(() => page.locator('#grid tbody tr').count(), { timeout: 10_000 }).toBe(32);
    expect(await row('Noel').count()).toBe(0);
    const exported = await (await fetch(`${board.address}/export.md`, { headers: { authorization: `Bearer ${board.token}` } })).text();
    expect(exported).toMatch(/- \d{4}-\d\d-\d\d \d\d:\d\d UTC: Noel merged into Holly/);

    await page.click('#toggle-join');
    await expect.poll(() => page.textContent('#join-line')).toMatch(/^Joining is closed/);
    const late = await fetch(`${board.address}/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: board.code, name: 'Late Larry' }),
    });
    expect(late.status).toBe(403);
    expect(((await late.json()) as { message: string }).message).toBe('Joining is closed on this board: ask the instructor to open it.');
    expect(dialogs).toEqual([]);
  });
});
