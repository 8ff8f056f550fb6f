import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRADES_PER_MINUTE, LIMITS } from '../../kit/board/classBoardServer.ts';
import { BoardProcess, joinBoard, postGrade, sampleGrade, type JoinedLearner } from '../../kit/board/roomLoad.ts';
import { loadTrack } from '../../kit/track.ts';

const exercises = loadTrack().exercises.map((exercise) => exercise.number);

describe('the class board refuses bad input, says why, and keeps what it has', () => {
  let dir: string;
  let board: BoardProcess;
  let alice: JoinedLearner;
  let bob: JoinedLearner;

  const post = (route: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${board.address}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const asLearner = (learner: JoinedLearner) => ({ authorization: `Bearer ${learner.learnerId}.${learner.secret}` });
  const answer = async (response: Response) => ({ status: response.status, message: ((await response.json()) as { message: string }).message });
  /** What the board holds, without the moment it was drawn. */
  const held = async () => {
    const view = await (await fetch(`${board.address}/view.json`, { headers: { authorization: `Bearer ${board.token}` } })).json();
    delete view.generatedAt;
    return view;
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-bad-input-'));
    board = await BoardProcess.start({ data: path.join(dir, 'board.sqlite') });
    alice = await joinBoard(board.address, board.code, 'Alice');
    bob = await joinBoard(board.address, board.code, 'Bob');
    expect((await postGrade(board.address, alice, sampleGrade(board.code, exercises, 0))).status).toBe(201);
  });
  afterAll(async () => {
    await board.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('each bad request gets its status and a message that says what is wrong; nothing held changes', async () => {
    const before = await held();
    const good = sampleGrade(board.code, exercises, 1);
    const cases: [string, Promise<Response>, number, RegExp][] = [
      ['wrong join code (join)', post('/join', JSON.stringify({ code: 'NOT-THIS', name: 'Mallory' })), 403, /join code is not this board's/],
      ['wrong join code (grade)', post('/grades', JSON.stringify({ ...good, code: 'NOT-THIS' }), asLearner(alice)), 403, /join code is not this board's/],
      ['no name', post('/join', JSON.stringify({ code: board.code })), 400, /must have required property 'name'/],
      ['a blank name', post('/join', JSON.stringify({ code: board.code, name: '   ' })), 400, /name must match pattern/],
      [
        'a name too long',
        post('/join', JSON.stringify({ code: board.code, name: 'x'.repeat(LIMITS.name + 1) })),
        400,
        /name must NOT have more than 40 characters/,
      ],
      ['a missing field', post('/grades', JSON.stringify({ ...good, status: undefined }), asLearner(alice)), 400, /must have required property 'status'/],
      ['a wrong type', post('/grades', JSON.stringify({ ...good, hints: 'many' }), asLearner(alice)), 400, /hints must be integer/],
      [
        'an unknown status',
        post('/grades', JSON.stringify({ ...good, status: 'great' }), asLearner(alice)),
        400,
        /status must be equal to one of the allowed values/,
      ],
      [
        'a message too long',
        post('/grades', JSON.stringify({ ...good, message: 'x'.repeat(LIMITS.message + 1) }), asLearner(alice)),
        400,
        /message must NOT have more than 1000 characters/,
      ],
      [
        'an oversized body',
        post('/grades', JSON.stringify({ ...good, padding: 'x'.repeat(LIMITS.gradeBody) }), asLearner(alice)),
        413,
        /too large: the board accepts at most 16384 bytes/,
      ],
      ['malformed JSON', post('/grades', '{"code": ', asLearner(alice)), 400, /not valid JSON/],
      [
        'not JSON at all',
        fetch(`${board.address}/grades`, { method: 'POST', headers: { 'content-type': 'text/plain', ...asLearner(alice) }, body: 'hello' }),
        415,
        /Send JSON/,
      ],
      ['an unknown exercise', post('/grades', JSON.stringify({ ...good, exercise: 42 }), asLearner(alice)), 422, /no exercise 42 on this board's track/],
      ['no learner credentials', post('/grades', JSON.stringify(good)), 400, /must have required property 'authorization'/],
      [
        "another learner's id with one's own secret",
        post('/grades', JSON.stringify(good), { authorization: `Bearer ${alice.learnerId}.${bob.secret}` }),
        403,
        /secret does not match/,
      ],
      ['the board without a token', fetch(`${board.address}/`), 401, /needs? the token|open the address/],
      ['the board with a wrong token', fetch(`${board.address}/?token=${'x'.repeat(32)}`), 401, /token is not this board's/],
      ['the live feed with a wrong token', fetch(`${board.address}/events`, { headers: { authorization: 'Bearer nope' } }), 401, /instructor's board/],
      ['the CSV export with a wrong token', fetch(`${board.address}/export.csv`, { headers: { authorization: 'Bearer nope' } }), 401, /instructor's board/],
      ['the Markdown export with no token', fetch(`${board.address}/export.md`), 401, /instructor's board/],
      ['an address that is not there', fetch(`${board.address}/admin`), 404, /There is no GET \/admin/],
    ];
    for (const [what, request, status, message] of cases) {
      const got = await answer(await request);
      expect(got.status, what).toBe(status);
      expect(got.message, what).toMatch(message);
    }
    expect(await held()).toEqual(before);
  });

  it('a flood from one learner is cut at the limit with 429 and a retry time; the rest of the room still posts', async () => {
    const before = (await held()).grades;
    const flood = await Promise.all(
      Array.from({ length: GRADES_PER_MINUTE + 20 }, (_, k) => postGrade(board.address, bob, sampleGrade(board.code, exercises, k)).then(answer)),
    );
    const accepted = flood.filter((got) => got.status === 201).length;
    const limited = flood.filter((got) => got.status === 429);
    expect(accepted).toBe(GRADES_PER_MINUTE);
    expect(limited).toHaveLength(20);
    expect(limited[0]!.message).toMatch(new RegExp(`Too many requests: at most ${GRADES_PER_MINUTE} a minute\\. Try again in \\d+ (seconds?|minute)\\.`));
    expect((await postGrade(board.address, alice, sampleGrade(board.code, exercises, 2))).status).toBe(201);
    expect((await held()).grades).toBe(before + GRADES_PER_MINUTE + 1);
  });

  it('the same grade sent twice (an outbox retry) is counted once; the code may be typed in lower case', async () => {
    const grade = sampleGrade(board.code.toLowerCase(), exercises, 3);
    const before = (await held()).grades;
    expect((await postGrade(board.address, alice, grade)).status).toBe(201);
    const again = await postGrade(board.address, alice, grade);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ recorded: 'already recorded' });
    expect((await held()).grades).toBe(before + 1);
  });

  it('the page carries a Content-Security-Policy that admits only its own script', async () => {
    const entry = await fetch(`${board.address}/?token=${board.token}`, { redirect: 'manual' });
    expect(entry.status).toBe(303);
    const cookie = entry.headers.get('set-cookie')!;
    // Named for the port: a second board on this machine does not replace (log out) the first.
    expect(cookie).toMatch(new RegExp(`^board_token_${board.port}=[^;]+; HttpOnly; SameSite=Strict`));
    const page = await fetch(`${board.address}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    const policy = page.headers.get('content-security-policy')!;
    expect(policy).toMatch(/default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(policy).not.toContain('unsafe-inline');
    const nonce = /'nonce-([^']+)'/.exec(policy)![1]!;
    expect(await page.text()).toContain(`<script nonce="${nonce}">`);
  });

  it("a second board on another port keeps its own cookie: each page opens with its own, and not with the other's", async () => {
    const other = await BoardProcess.start({ data: path.join(dir, 'other.sqlite') });
    try {
      const cookieOf = async (of: BoardProcess) =>
        (await fetch(`${of.address}/?token=${of.token}`, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
      const both = `${await cookieOf(board)}; ${await cookieOf(other)}`;
      expect((await fetch(`${board.address}/`, { headers: { cookie: both } })).status).toBe(200);
      expect((await fetch(`${other.address}/`, { headers: { cookie: both } })).status).toBe(200);
      expect((await fetch(`${other.address}/`, { headers: { cookie: await cookieOf(board) } })).status).toBe(401);
    } finally {
      await other.stop();
    }
  });
});
