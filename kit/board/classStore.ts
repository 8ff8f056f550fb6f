import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

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

export interface BoardSettings {
  code: string;
  token: string;
}

const SCHEMA = `
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

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * The board's memory, one SQLite file: every learner and every grade they sent, never overwritten.
 * Each grade is its own committed transaction before it is acknowledged, in WAL mode with full
 * syncs, so a crash or a restart loses nothing a learner was told was recorded.
 */
export class ClassStore {
  private readonly db: DatabaseSync;

  constructor(readonly file: string) {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    this.db.exec(SCHEMA);
  }

  /** The join code and token, kept from the last run unless given: learners need not join again after a restart. */
  settings(given: Partial<BoardSettings>): BoardSettings {
    const read = (key: keyof BoardSettings) => (this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
    const code = given.code ?? read('code') ?? newJoinCode();
    const token = given.token ?? read('token') ?? randomBytes(24).toString('base64url');
    const upsert = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    upsert.run('code', code);
    upsert.run('token', token);
    return { code, token };
  }

  /** A new learner and the secret only they hold; the board keeps its hash alone. */
  join(name: string, at = new Date()): { learner: Learner; secret: string } {
    const learner = { id: randomUUID(), name, joinedAt: at.toISOString() };
    const secret = randomBytes(24).toString('base64url');
    this.db.prepare('INSERT INTO learners (id, name, secret_hash, joined_at) VALUES (?, ?, ?, ?)').run(learner.id, name, hashSecret(secret), learner.joinedAt);
    return { learner, secret };
  }

  /** Whether `secret` is the one handed to this learner at join. */
  authenticates(learnerId: string, secret: string): boolean {
    const row = this.db.prepare('SELECT secret_hash FROM learners WHERE id = ?').get(learnerId) as { secret_hash: string } | undefined;
    if (!row) return false;
    return timingSafeEqual(Buffer.from(row.secret_hash, 'hex'), Buffer.from(hashSecret(secret), 'hex'));
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
      `INSERT OR IGNORE INTO grades (learner_id, grade_id, exercise, status, failing_task, message, hints, time_spent_ms, finished_at, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let outcomes: RecordOutcome[];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      outcomes = batch.map(({ grade }) => {
        const inserted = insert.run(grade.learnerId, grade.gradeId, grade.exercise, grade.status, grade.failingTask ?? null, grade.message ?? null, grade.hints, grade.timeSpentMs, grade.finishedAt, grade.receivedAt);
        return inserted.changes === 1 ? 'recorded' : 'already recorded';
      });
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      for (const { settle } of batch) settle(error as Error);
      return;
    }
    batch.forEach(({ settle }, index) => settle(outcomes[index]!));
  }

  learners(): Learner[] {
    return (this.db.prepare('SELECT id, name, joined_at FROM learners ORDER BY joined_at, id').all() as { id: string; name: string; joined_at: string }[]).map((row) => ({
      id: row.id,
      name: row.name,
      joinedAt: row.joined_at,
    }));
  }

  /** Every grade in the order the board received them. */
  grades(): StoredGrade[] {
    return (this.db.prepare('SELECT * FROM grades ORDER BY seq').all() as Record<string, string | number | null>[]).map((row) => ({
      learnerId: row.learner_id as string,
      gradeId: row.grade_id as string,
      exercise: row.exercise as number,
      status: row.status as StoredGrade['status'],
      failingTask: (row.failing_task as number | null) ?? undefined,
      message: (row.message as string | null) ?? undefined,
      hints: row.hints as number,
      timeSpentMs: row.time_spent_ms as number,
      finishedAt: row.finished_at as string,
      receivedAt: row.received_at as string,
    }));
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

/** Easy to read aloud and to type: no 0/O, 1/I/L. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function newJoinCode(): string {
  const pick = () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${Array.from({ length: 4 }, pick).join('')}-${Array.from({ length: 4 }, pick).join('')}`;
}
