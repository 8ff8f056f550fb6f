import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import { EnvironmentError } from '../environmentError.ts';

/** One grade as the board keeps it: the learner's verdict for a step, and where they stood. */
export interface StoredGrade {
  learnerId: string;
  gradeId: string;
  exercise: number;
  status: 'pass' | 'fail' | 'error';
  /** The first failing task of a failed grade. */
  failingTask?: number;
  /** That task's failure message, as the learner's kit sent it (shown escaped, never as HTML). */
  message?: string;
  /** A grade that could not run (exit 2): what broke on the learner's machine, e.g. "localstack". */
  problemKind?: string;
  hints: number;
  timeSpentMs: number;
  finishedAt: string;
  receivedAt: string;
}

export type RecordOutcome = 'recorded' | 'already recorded';

export interface Learner {
  id: string;
  name: string;
  joinedAt: string;
}

/** One learner's step as the board sums it up: enough for the board and the exports, whatever the number of grades. */
export interface StepSummary {
  learnerId: string;
  exercise: number;
  runs: number;
  firstGradedAt: string;
  firstPassedAt?: string;
  last: Pick<StoredGrade, 'status' | 'failingTask' | 'message' | 'problemKind' | 'hints' | 'receivedAt'> & { seq: number };
}

/** What the instructor changed by hand: it goes into the export, so a mark sheet shows why a row is gone. */
export interface RoomChange {
  at: string;
  action: 'removed' | 'merged';
  name: string;
  into?: string;
}

export interface BoardSettings {
  code: string;
  token: string;
}

/** The board's record of the room: what the view and the exports are drawn from. */
export interface RoomRecord {
  learners: Learner[];
  steps: StepSummary[];
  changes: RoomChange[];
}

export interface RoomLimits {
  /** Learners on the board at once (a room is tens, not hundreds). */
  learners: number;
  /** Learners joined from one network address. */
  perAddress: number;
}

export type JoinOutcome =
  { joined: true; learner: Learner; secret: string } | { joined: false; reason: 'closed' | 'name taken' | 'room full' | 'address full' };

/** Grades kept per learner: the oldest go first, and the step summaries keep what the board shows. */
export const GRADES_KEPT_PER_LEARNER = 500;

const SCHEMA_VERSION = 2;

const TABLES = `
  CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS learners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    joined_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS grades (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    learner_id TEXT NOT NULL REFERENCES learners(id),
    grade_id TEXT NOT NULL,
    exercise INTEGER NOT NULL,
    status TEXT NOT NULL,
    failing_task INTEGER,
    message TEXT,
    hints INTEGER NOT NULL,
    time_spent_ms INTEGER NOT NULL,
    finished_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (learner_id, grade_id)
  );
  CREATE INDEX IF NOT EXISTS grades_by_learner_step ON grades (learner_id, exercise, seq);
`;

/** Version 2: where a learner joined from, removals and merges, environment failures, and one summary row per learner and step. */
const TO_VERSION_2 = `
  ALTER TABLE learners ADD COLUMN joined_from TEXT;
  ALTER TABLE learners ADD COLUMN removed_at TEXT;
  ALTER TABLE learners ADD COLUMN merged_into TEXT;
  ALTER TABLE grades ADD COLUMN problem_kind TEXT;
  CREATE INDEX grades_by_learner ON grades (learner_id, seq);
  CREATE TABLE steps (
    learner_id TEXT NOT NULL,
    exercise INTEGER NOT NULL,
    runs INTEGER NOT NULL,
    first_graded_at TEXT NOT NULL,
    first_passed_at TEXT,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (learner_id, exercise)
  );
  CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, action TEXT NOT NULL, name TEXT NOT NULL, into_name TEXT);
  INSERT INTO steps (learner_id, exercise, runs, first_graded_at, first_passed_at, last_seq)
    SELECT learner_id, exercise, COUNT(*), MIN(received_at), MIN(CASE WHEN status = 'pass' THEN received_at END), MAX(seq)
    FROM grades GROUP BY learner_id, exercise;
`;

/** Adds a grade to its learner's step summary (runs, first grade, first pass, last grade). */
const STEP_UPSERT = `
  INSERT INTO steps (learner_id, exercise, runs, first_graded_at, first_passed_at, last_seq) VALUES (?, ?, 1, ?, ?, ?)
  ON CONFLICT (learner_id, exercise) DO UPDATE SET
    runs = runs + 1,
    first_passed_at = COALESCE(first_passed_at, excluded.first_passed_at),
    last_seq = excluded.last_seq
`;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
/** Names compared as people read them: "ada  lovelace" is "Ada Lovelace". */
const sameName = (name: string) => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');

const ACTIVE = 'removed_at IS NULL AND merged_into IS NULL';

/**
 * The board's memory, one SQLite file: every learner, every grade they sent (the newest
 * GRADES_KEPT_PER_LEARNER of each), and a summary row per learner and step that the board is drawn
 * from, so drawing it costs the same however many grades arrived. Grades that arrive together are
 * committed together, in WAL mode with full syncs, before any is acknowledged: a crash or a restart
 * loses nothing a learner was told was recorded.
 */
export class ClassStore {
  private constructor(
    readonly file: string,
    private readonly db: DatabaseSync,
    private readonly cleanUp: () => void = () => {},
  ) {}

  /** The board's own file, created when missing: a corrupt or unwritable one is reported by name with what to do. */
  static open(file: string): ClassStore {
    try {
      if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      const db = new DatabaseSync(file);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
      migrate(db);
      return new ClassStore(file, db);
    } catch (error) {
      throw unusable(file, error);
    }
  }

  /**
   * A board's file only read, as `instructor export` does: also an archived copy that is read-only,
   * in a read-only folder (opened immutable), or written by an older kit (read through a copy).
   */
  static read(file: string): ClassStore {
    if (!existsSync(file)) {
      throw new RangeError(`There is no class board data in ${file}: start one with \`npm run instructor\`, or pass --data FILE.`);
    }
    try {
      let db: DatabaseSync;
      try {
        db = new DatabaseSync(file, { readOnly: true });
        db.prepare('SELECT 1 FROM sqlite_master').get();
      } catch (error) {
        // A WAL file whose folder cannot take the shared-memory file: nobody writes an archive, so read it as immutable.
        if ((error as { errcode?: number }).errcode !== 14) throw error;
        db = new DatabaseSync(new URL(`${pathToFileURL(path.resolve(file)).href}?immutable=1`), { readOnly: true });
      }
      const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
      if (version >= SCHEMA_VERSION) return new ClassStore(file, db);
      db.close();
      // An older kit's file is brought up to date in a copy: the archive itself is never changed.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'northpole-board-read-'));
      const copy = path.join(dir, 'board.sqlite');
      copyFileSync(file, copy);
      const upgraded = new DatabaseSync(copy);
      migrate(upgraded);
      return new ClassStore(file, upgraded, () => rmSync(dir, { recursive: true, force: true }));
    } catch (error) {
      throw unusable(file, error);
    }
  }

  /** The join code and token, kept from the last run unless given: learners need not join again after a restart. */
  settings(given: Partial<BoardSettings>): BoardSettings {
    const code = given.code ?? this.setting('code') ?? newJoinCode();
    const token = given.token ?? this.setting('token') ?? randomBytes(24).toString('base64url');
    this.setSetting('code', code);
    this.setSetting('token', token);
    return { code, token };
  }

  /** Whether new learners may join; the instructor closes it once the room is in. */
  get joiningOpen(): boolean {
    return this.setting('joining') !== 'closed';
  }

  set joiningOpen(open: boolean) {
    this.setSetting('joining', open ? 'open' : 'closed');
  }

  private setting(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  private setSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /**
   * A new learner and the secret only they hold (the board keeps its hash alone), within the room's
   * limits: one name once, so one person is one row.
   */
  join(name: string, from: string, limits: RoomLimits, at = new Date()): JoinOutcome {
    if (!this.joiningOpen) return { joined: false, reason: 'closed' };
    if (this.nameTaken(name)) return { joined: false, reason: 'name taken' };
    const count = (where: string, ...values: string[]) =>
      (this.db.prepare(`SELECT COUNT(*) AS n FROM learners WHERE ${ACTIVE}${where}`).get(...values) as { n: number }).n;
    if (count('') >= limits.learners) return { joined: false, reason: 'room full' };
    if (count(' AND joined_from = ?', from) >= limits.perAddress) return { joined: false, reason: 'address full' };
    const learner = { id: randomUUID(), name, joinedAt: at.toISOString() };
    const secret = randomBytes(24).toString('base64url');
    this.db
      .prepare('INSERT INTO learners (id, name, secret_hash, joined_at, joined_from) VALUES (?, ?, ?, ?, ?)')
      .run(learner.id, name, hashSecret(secret), learner.joinedAt, from);
    return { joined: true, learner, secret };
  }

  /**
   * A learner joining again from the same copy: the same row, under the name given now when nobody
   * else has it; from a copy the instructor merged, the row it was merged into, as it is.
   */
  rejoin(learnerId: string, secret: string, name: string): { learner: Learner } | { refused: 'name taken' } | undefined {
    const id = this.authenticates(learnerId, secret);
    // A removed learner joins again as a new row, within the room's limits.
    if (id === undefined || id === 'removed') return undefined;
    // A copy merged into another row keeps that row's name: the instructor chose it.
    if (id !== learnerId) return { learner: this.learner(id)! };
    if (this.nameTaken(name, id)) return { refused: 'name taken' };
    this.db.prepare('UPDATE learners SET name = ? WHERE id = ?').run(name, id);
    return { learner: this.learner(id)! };
  }

  private nameTaken(name: string, except = ''): boolean {
    const wanted = sameName(name);
    return (this.db.prepare(`SELECT id, name FROM learners WHERE ${ACTIVE}`).all() as { id: string; name: string }[]).some(
      (row) => row.id !== except && sameName(row.name) === wanted,
    );
  }

  private learner(id: string): Learner | undefined {
    const row = this.db.prepare('SELECT id, name, joined_at FROM learners WHERE id = ?').get(id) as { id: string; name: string; joined_at: string } | undefined;
    return row && { id: row.id, name: row.name, joinedAt: row.joined_at };
  }

  /**
   * The learner whose grades these credentials send: the holder's own row, or the row the instructor
   * merged it into; 'removed' when the instructor took it off the board, undefined when unknown.
   */
  authenticates(learnerId: string, secret: string): string | 'removed' | undefined {
    const row = this.db.prepare('SELECT secret_hash, removed_at, merged_into FROM learners WHERE id = ?').get(learnerId) as
      { secret_hash: string; removed_at: string | null; merged_into: string | null } | undefined;
    if (!row || !timingSafeEqual(Buffer.from(row.secret_hash, 'hex'), Buffer.from(hashSecret(secret), 'hex'))) return undefined;
    if (row.removed_at) return 'removed';
    let id = learnerId;
    for (let into = row.merged_into; into;) {
      id = into;
      const next = this.db.prepare('SELECT removed_at, merged_into FROM learners WHERE id = ?').get(into) as
        { removed_at: string | null; merged_into: string | null } | undefined;
      if (!next || next.removed_at) return 'removed';
      into = next.merged_into;
    }
    return id;
  }

  /** Takes a learner off the board (a ghost, a fake name). Their grades stay in the file; the export says who was removed. */
  remove(learnerId: string, at = new Date()): Learner | undefined {
    const learner = this.activeLearner(learnerId);
    if (!learner) return undefined;
    this.transaction(() => {
      this.db.prepare('UPDATE learners SET removed_at = ? WHERE id = ?').run(at.toISOString(), learnerId);
      this.db.prepare("INSERT INTO changes (at, action, name) VALUES (?, 'removed', ?)").run(at.toISOString(), learner.name);
    });
    return learner;
  }

  /**
   * One person with two rows: `from`'s grades become `into`'s, its steps are summed into `into`'s,
   * and its credentials send to `into` from now on.
   */
  merge(fromId: string, intoId: string, at = new Date()): { from: Learner; into: Learner } | undefined {
    const from = this.activeLearner(fromId);
    const into = this.activeLearner(intoId);
    if (!from || !into || fromId === intoId) return undefined;
    this.transaction(() => {
      this.db.prepare('UPDATE OR IGNORE grades SET learner_id = ? WHERE learner_id = ?').run(intoId, fromId);
      this.db
        .prepare(
          `INSERT INTO steps (learner_id, exercise, runs, first_graded_at, first_passed_at, last_seq)
           SELECT ?, exercise, runs, first_graded_at, first_passed_at, last_seq FROM steps WHERE learner_id = ? AND true
         ON CONFLICT (learner_id, exercise) DO UPDATE SET
           runs = runs + excluded.runs,
           first_graded_at = MIN(first_graded_at, excluded.first_graded_at),
           first_passed_at = CASE WHEN first_passed_at IS NULL THEN excluded.first_passed_at WHEN excluded.first_passed_at IS NULL THEN first_passed_at ELSE MIN(first_passed_at, excluded.first_passed_at) END,
           last_seq = MAX(last_seq, excluded.last_seq)`,
        )
        .run(intoId, fromId);
      this.db.prepare('DELETE FROM steps WHERE learner_id = ?').run(fromId);
      // The person arrived when their first row did: time on step counts from there.
      this.db.prepare('UPDATE learners SET joined_at = MIN(joined_at, ?) WHERE id = ?').run(from.joinedAt, intoId);
      this.db.prepare('UPDATE learners SET merged_into = ? WHERE id = ?').run(intoId, fromId);
      this.db.prepare("INSERT INTO changes (at, action, name, into_name) VALUES (?, 'merged', ?, ?)").run(at.toISOString(), from.name, into.name);
      this.pruneGrades(intoId);
    });
    return { from, into: this.learner(intoId)! };
  }

  private activeLearner(id: string): Learner | undefined {
    const row = this.db.prepare(`SELECT id FROM learners WHERE id = ? AND ${ACTIVE}`).get(id);
    return row ? this.learner(id) : undefined;
  }

  private batch: { grade: StoredGrade; settle: (outcome: RecordOutcome | Error) => void }[] = [];

  /**
   * Records a grade once: the same grade sent again (a retry from the learner's outbox) is not
   * counted twice. Grades that arrive together are committed together, one sync to disk for the
   * lot, and each is answered only once its commit is done.
   */
  record(grade: StoredGrade): Promise<RecordOutcome> {
    return new Promise((resolve, reject) => {
      if (this.batch.length === 0) setImmediate(() => this.commitBatch());
      this.batch.push({ grade, settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)) });
    });
  }

  private commitBatch(): void {
    const batch = this.batch;
    this.batch = [];
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO grades (learner_id, grade_id, exercise, status, failing_task, message, problem_kind, hints, time_spent_ms, finished_at, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const step = this.db.prepare(STEP_UPSERT);
    let outcomes: RecordOutcome[];
    try {
      outcomes = this.transaction(() => {
        const answers = batch.map(({ grade }): RecordOutcome => {
          const inserted = insert.run(
            grade.learnerId,
            grade.gradeId,
            grade.exercise,
            grade.status,
            grade.failingTask ?? null,
            grade.message ?? null,
            grade.problemKind ?? null,
            grade.hints,
            grade.timeSpentMs,
            grade.finishedAt,
            grade.receivedAt,
          );
          if (inserted.changes !== 1) return 'already recorded';
          step.run(grade.learnerId, grade.exercise, grade.receivedAt, grade.status === 'pass' ? grade.receivedAt : null, inserted.lastInsertRowid);
          return 'recorded';
        });
        // Once a batch, not once a grade: a burst from one learner costs one look at their grades.
        for (const learnerId of new Set(batch.map(({ grade }) => grade.learnerId))) this.pruneGrades(learnerId);
        return answers;
      });
    } catch (error) {
      for (const { settle } of batch) settle(error as Error);
      return;
    }
    batch.forEach(({ settle }, index) => settle(outcomes[index]!));
  }

  /** Keeps a learner's newest grades (and each step's last): one learner posting in a loop cannot grow the file without end. */
  private pruneGrades(learnerId: string): void {
    const oldestKept = this.db
      .prepare('SELECT seq FROM grades WHERE learner_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?')
      .get(learnerId, GRADES_KEPT_PER_LEARNER - 1) as { seq: number } | undefined;
    // A step's last grade stays, however old: the board shows it.
    if (oldestKept)
      this.db
        .prepare('DELETE FROM grades WHERE learner_id = ? AND seq < ? AND seq NOT IN (SELECT last_seq FROM steps WHERE learner_id = ?)')
        .run(learnerId, oldestKept.seq, learnerId);
  }

  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** The learners on the board (not removed, not merged into another), in the order they joined. */
  learners(): Learner[] {
    return (
      this.db.prepare(`SELECT id, name, joined_at FROM learners WHERE ${ACTIVE} ORDER BY joined_at, id`).all() as {
        id: string;
        name: string;
        joined_at: string;
      }[]
    ).map((row) => ({
      id: row.id,
      name: row.name,
      joinedAt: row.joined_at,
    }));
  }

  /** The room as the board draws it: one summary row per learner and step, with that step's last grade. */
  room(): RoomRecord {
    const steps = (
      this.db
        .prepare(
          `SELECT s.learner_id, s.exercise, s.runs, s.first_graded_at, s.first_passed_at, s.last_seq, g.status, g.failing_task, g.message, g.problem_kind, g.hints, g.received_at
           FROM steps s JOIN learners l ON l.id = s.learner_id AND l.removed_at IS NULL AND l.merged_into IS NULL JOIN grades g ON g.seq = s.last_seq`,
        )
        .all() as Record<string, string | number | null>[]
    ).map((row): StepSummary => ({
      learnerId: row.learner_id as string,
      exercise: row.exercise as number,
      runs: row.runs as number,
      firstGradedAt: row.first_graded_at as string,
      firstPassedAt: (row.first_passed_at as string | null) ?? undefined,
      last: {
        seq: row.last_seq as number,
        status: row.status as StoredGrade['status'],
        failingTask: (row.failing_task as number | null) ?? undefined,
        message: (row.message as string | null) ?? undefined,
        problemKind: (row.problem_kind as string | null) ?? undefined,
        hints: row.hints as number,
        receivedAt: row.received_at as string,
      },
    }));
    const changes = (
      this.db.prepare('SELECT at, action, name, into_name FROM changes ORDER BY seq').all() as {
        at: string;
        action: RoomChange['action'];
        name: string;
        into_name: string | null;
      }[]
    ).map((row) => ({
      at: row.at,
      action: row.action,
      name: row.name,
      ...(row.into_name ? { into: row.into_name } : {}),
    }));
    return { learners: this.learners(), steps, changes };
  }

  /** Every grade kept, in the order the board received them. */
  grades(): StoredGrade[] {
    return (this.db.prepare('SELECT * FROM grades ORDER BY seq').all() as Record<string, string | number | null>[]).map((row) => ({
      learnerId: row.learner_id as string,
      gradeId: row.grade_id as string,
      exercise: row.exercise as number,
      status: row.status as StoredGrade['status'],
      failingTask: (row.failing_task as number | null) ?? undefined,
      message: (row.message as string | null) ?? undefined,
      problemKind: (row.problem_kind as string | null) ?? undefined,
      hints: row.hints as number,
      timeSpentMs: row.time_spent_ms as number,
      finishedAt: row.finished_at as string,
      receivedAt: row.received_at as string,
    }));
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
    this.cleanUp();
  }
}

function migrate(db: DatabaseSync): void {
  db.exec(TABLES);
  const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  if (version >= SCHEMA_VERSION) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(TO_VERSION_2);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** SQLite's reason, as the instructor can act on it. */
function unusable(file: string, error: unknown): EnvironmentError {
  const code = (error as { errcode?: number }).errcode;
  const reason = (error as Error).message;
  // SQLITE_CORRUPT (11) and SQLITE_NOTADB (26): not a board's file, or a damaged one.
  if (code === 11 || code === 26) {
    return new EnvironmentError(
      `${file} is not a class board's data file, or it is damaged`,
      `SQLite: ${reason}.`,
      'Start the board with another file (--data new-class.sqlite); keep this one aside: if it was a board, `sqlite3 FILE .recover` may save its grades.',
    );
  }
  // SQLITE_READONLY (8), SQLITE_CANTOPEN (14), SQLITE_PERM (3): the file or its folder refuses writes.
  return new EnvironmentError(
    `The class board cannot write its data file ${file}`,
    `SQLite: ${reason}.`,
    'Make the file and its folder writable (the board keeps a journal beside the file), or start with another file (--data new-class.sqlite). `npm run instructor -- export --data FILE` reads a read-only board without changing it.',
  );
}

/** Easy to read aloud and to type: no 0/O, 1/I/L. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function newJoinCode(): string {
  const pick = () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${Array.from({ length: 4 }, pick).join('')}-${Array.from({ length: 4 }, pick).join('')}`;
}
