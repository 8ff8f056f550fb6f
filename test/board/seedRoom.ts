import { ClassStore } from '../../kit/board/classStore.ts';
import { loadTrack } from '../../kit/track.ts';

const track = loadTrack();

// name, steps passed, the next step's last grade (a failing task, 'env:<kind>' for a grade that could not run, 0: not graded), hints
export const ROOM: [string, number, number | string, number][] = [
  ['Ada Lovelace', 3, 2, 1],
  ['Bjørn Ødegård', 1, 3, 4],
  ['Chidi Okonkwo', 5, 0, 0],
  ['Dasha Ivanova', 2, 4, 2],
  ['Emeka Nwosu', 1, 3, 6],
  ['Fatima Al-Sayed', 3, 2, 0],
  ['Gustav Lindqvist', 0, 2, 3],
  ['Hana Kobayashi', 2, 1, 1],
  ['Inés García-Márquez', 4, 3, 2],
  ['Jonas Schmidt', 1, 3, 5],
  ['Kiri Te Kanawa', 3, 0, 1],
  ['Luca Bianchi', 2, 2, 0],
  ['Maximilian Schwarzenberger', 2, 'env:localstack', 0],
  ['Nadia Haddad', 8, 0, 2],
  ['Oluwaseun Adebayo-Okafor', 3, 6, 3],
  ['Priya Ramanathan', 4, 5, 1],
  ['Quentin Dupont', 0, 'env:java', 0],
  ['Rosa Delgado', 2, 4, 2],
  ['Siobhán Ní Bhriain', 5, 3, 0],
  ['Tomasz Wiśniewski', 1, 1, 4],
  ['Uma Thurairajah', 6, 2, 1],
  ['Valentina Rossi', 3, 5, 2],
  ['Wei Zhang', 7, 4, 0],
  ['Xochitl Hernández', 2, 3, 3],
  ['Yusuf Demir', 1, 2, 2],
  ['Zoë Van der Berg', 4, 0, 0],
  ['Guðrún Ósk Sigurðardóttir', 3, 3, 1],
  ['Aleksandr Kuznetsov', 2, 4, 5],
  ['Beatriz do Nascimento', 5, 1, 0],
  ['Chen Jing', 1, 3, 2],
];

/**
 * A room of thirty ninety minutes into the workshop, written into the board's file before it starts:
 * names, steps passed, the task each is failing at, two whose machines fail, and the hints they took.
 */
export async function seedWorkshop(data: string): Promise<void> {
  const store = ClassStore.open(data);
  const start = Date.now() - 95 * 60_000;
  try {
    for (const [index, [name, passed, next, hints]] of ROOM.entries()) {
      const joined = store.join(name, `10.0.0.${index + 10}`, { learners: 100, perAddress: 1 }, new Date(start + index * 20_000));
      if (!joined.joined) throw new Error(`${name} could not join: ${joined.reason}`);
      let at = start + 60_000 + index * 40_000;
      const grade = async (exercise: number, status: 'pass' | 'fail' | 'error', task?: number, problemKind?: string) => {
        at += (3 + ((index * 7 + exercise * 5) % 9)) * 60_000 * (status === 'pass' ? 1 : 0.5);
        await store.record({
          learnerId: joined.learner.id,
          gradeId: `seed-${index}-${exercise}-${status}`,
          exercise,
          status,
          failingTask: task,
          message: problemKind
            ? `Nothing answers at http://127.0.0.1:4566: ${problemKind}`
            : task
              ? `Expected Task ${task} to be done\nFound it is not yet`
              : undefined,
          problemKind,
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
      const step = track.exercises[passed];
      if (step && typeof next === 'number' && next > 0) await grade(step.number, 'fail', next);
      if (step && typeof next === 'string') await grade(step.number, 'error', undefined, next.slice('env:'.length));
    }
  } finally {
    store.close();
  }
}
