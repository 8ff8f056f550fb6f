import { describe, expect, it } from 'vitest';
import { verifyTrack } from '../../kit/commands/verify.ts';
import { loadTrack } from '../../kit/track.ts';

describe('npm run verify', () => {
  it('passes every reference solution and fails every untouched starter at its first task', async () => {
    const rows = await verifyTrack();
    expect(rows).toHaveLength(loadTrack().exercises.length * 2);
    for (const row of rows) {
      expect({ file: row.file, status: row.result.status }).toEqual({ file: row.file, status: row.expected });
      if (row.expected === 'fail') expect(row.result.tasks[0]).toMatchObject({ id: 1, status: 'fail' });
      else expect(row.result.tasks.every((task) => task.status === 'pass')).toBe(true);
    }
  }, 900_000);
});
