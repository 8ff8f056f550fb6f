import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassStore } from '../../kit/board/classStore.ts';
import { BoardProcess } from '../../kit/board/roomLoad.ts';
import { loadTrack } from '../../kit/track.ts';
import { TempProject } from '../workbench/tempProject.ts';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE_NAME = '<script>alert(1)</script>Jingle';
const track = loadTrack();

/**
 * A room ninety minutes into the workshop, written into the board's file before it starts: names,
 * steps passed, the task each is failing at and the hints they took, at the times they happened.
 */
async function seedWorkshop(data: string): Promise<void> {
  const store = new ClassStore(data);
  const start = Date.now() - 95 * 60_000;
  const room: [string, number, number, number][] = [
    // name, steps passed, failing task on the next step (0: not graded yet), hints
    ['Aurora', 3, 2, 1], ['Bjørn', 1, 3, 4], ['Chidi', 5, 0, 0], ['Dasha', 2, 4, 2], ['Emeka', 1, 3, 6],
    ['Fatima', 3, 2, 0], ['Gustav', 0, 2, 3], ['Hana', 2, 1, 1], ['Ines', 4, 3, 2], ['Jonas', 1, 3, 5],
    ['Kiri', 3, 0, 1], ['Luca', 2, 2, 0],
  ];
  try {
    for (const [index, [name, passed, failingTask, hints]] of room.entries()) {
      const { learner } = store.join(name, new Date(start + index * 20_000));
      let at = start + 60_000 + index * 40_000;
      const grade = async (exercise: number, status: 'pass' | 'fail', task?: number) => {
        at += (8 + ((index * 7 + exercise * 5) % 11)) * 60_000 * (status === 'fail' ? 0.5 : 1);
        await store.record({
          learnerId: learner.id,
          gradeId: `seed-${index}-${exercise}-${status}`,
          exercise,
          status,
          failingTask: task,
          message: task ? `Expected Task ${task} to be done\nFound it is not yet` : undefined,
          hints: status === 'fail' ? hints : 0,
          timeSpentMs: 0,
          finishedAt: new Date(at).toISOString(),
          receivedAt: new Date(Math.min(at, Date.now() - 60_000)).toISOString(),
        });
      };
      for (const exercise of track.exercises.slice(0, passed)) {
        await grade(exercise.number, 'fail', 1);
        await grade(exercise.number, 'pass');
      }
      const next = track.exercises[passed];
      if (next && failingTask > 0) await grade(next.number, 'fail', failingTask);
    }
  } finally {
    store.close();
  }
}

describe('the class board in a real browser: the instructor watches two learners join and grade', () => {
  let dir: string;
  let board: BoardProcess;
  let browser: Browser;
  let page: Page;
  const learners: TempProject[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium (.ci/run does this in CI).`);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-board-page-'));
    const data = path.join(dir, 'board.sqlite');
    await seedWorkshop(data);
    board = await BoardProcess.start({ data });
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
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

  it('opens with the printed address; the token leaves the address bar; the room so far is drawn', async () => {
    await page.goto(`${board.address}/?token=${board.token}`);
    expect(page.url()).toBe(`${board.address}/`);
    await expect.poll(() => page.textContent('#live')).toBe('● live');
    expect(await page.locator('#rows tr').count()).toBe(12);
    expect(await page.textContent('#summary')).toMatch(/^12 learners · \d+ grades$/);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  });

  it('two learners join with the real CLI and grade for real: the grid updates live, without a reload, and a <script> name is text', async () => {
    for (const name of ['Holly', HOSTILE_NAME]) {
      const project = await TempProject.create();
      learners.push(project);
      const joined = await project.run(['join', board.address, '--code', board.code, '--name', name]);
      expect(joined.code, joined.stderr).toBe(0);
    }
    const [holly, jingle] = learners as [TempProject, TempProject];
    const starter = path.join('exercises', '01-orders-bus', 'ordersBus.ts');
    await holly.write(starter, await holly.read('solutions', '01-orders-bus', 'ordersBus.ts'));
    const [passed, failed] = await Promise.all([holly.run(['exercise', '1']), jingle.run(['exercise', '1'])]);
    expect(passed.code, passed.stderr).toBe(0);
    expect(failed.code, failed.stderr).toBe(1);

    const row = (name: string) => page.locator('#rows tr', { has: page.locator('td.name', { hasText: name }) });
    await expect.poll(() => row('Holly').locator('td[data-exercise="1"]').getAttribute('data-state'), { timeout: 10_000 }).toBe('pass');
    await expect.poll(() => row('Jingle').locator('td[data-exercise="1"]').getAttribute('data-state'), { timeout: 10_000 }).toBe('fail');
    expect(await row('Holly').locator('td[data-exercise="1"]').textContent()).toBe('✓passed');
    expect(await row('Jingle').locator('td[data-exercise="1"]').textContent()).toBe('✗Task 1Create the orders bus');
    expect(await row('Jingle').locator('td.name').textContent()).toBe(HOSTILE_NAME);
    expect(await page.locator('#rows script, #rows img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await page.locator('#rows tr').count()).toBe(14);
    expect(await page.textContent(`thead th:nth-child(2) .count`)).toBe('✓ 12/14');
  });

  it('shows who is stuck longest and the task that fails most, and reads from the back of the room', async () => {
    expect(await page.locator('#stuck li').count()).toBe(3);
    expect(await page.textContent('#most')).toMatch(/^Exercise \d+, Task \d+: .+ \(\d+ learners\)$/);
    const fontSize = await page.$eval('td.name', (cell) => parseFloat(getComputedStyle(cell).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(20);
    const screenshot = await page.screenshot({ fullPage: true });
    expect(screenshot.length).toBeGreaterThan(10_000);
    // The facilitator guide's picture: NORTHPOLE_BOARD_SCREENSHOT=docs/images/class-board.png writes it.
    const keep = process.env.NORTHPOLE_BOARD_SCREENSHOT;
    if (keep) {
      await fs.mkdir(path.dirname(path.resolve(keep)), { recursive: true });
      await fs.writeFile(keep, screenshot);
    }
  });
});
