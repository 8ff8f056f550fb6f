import { ExitCode } from '../exitCode.ts';
import { out, warn, type Colors } from '../terminal.ts';
import { hintsGiven, loadProgress, nextUnfinished, statusOf, type ExerciseStatus, type Progress } from '../progress/progress.ts';
import { loadTrack, type Track } from '../track.ts';
import { STATE_DIR } from '../paths.ts';

export async function progressCommand(options: { json?: boolean }): Promise<number> {
  const track = loadTrack();
  const progress = await loadProgress(STATE_DIR, track, warn);
  console.log(options.json ? JSON.stringify(progress, null, 2) : formatProgress(track, progress));
  return ExitCode.Pass;
}

const LABEL: Record<ExerciseStatus, string> = { done: 'done', reset: 'reset (passed before)', 'in-progress': 'in progress', 'not-started': 'not started' };

export function formatProgress(track: Track, progress: Progress, c: Colors = out): string {
  const done = track.exercises.filter((exercise) => statusOf(progress, exercise) === 'done').length;
  const total = track.exercises.length;
  const width = Math.max(...track.exercises.map((exercise) => `${exercise.number} ${exercise.title}`.length));
  const lines = [c.bold('North Pole Orders · your progress'), `${bar(done, total, c)} ${done}/${total} exercises done`, ''];

  for (const exercise of track.exercises) {
    const entry = progress.exercises[exercise.number];
    const status = statusOf(progress, exercise);
    const mark = status === 'done' ? c.green('✓') : status === 'in-progress' || status === 'reset' ? c.yellow('▸') : c.dim('·');
    const label = LABEL[status].padEnd(Math.max(...Object.values(LABEL).map((text) => text.length)));
    const details =
      status === 'not-started'
        ? ''
        : c.dim(
            `${plural(entry?.runs ?? 0, 'run')} · ${duration(entry?.timeSpentMs ?? 0, true)} · ${plural(hintsGiven(entry), 'hint')}${entry?.solutionShownAt ? ' · solution seen' : ''}${entry?.referenceStepsPassedAt && status !== 'done' ? ' · passed on the reference steps only' : ''}`,
          );
    lines.push(`  ${mark} ${`${exercise.number} ${exercise.title}`.padEnd(width)}  ${label}  ${details}`.trimEnd());
  }

  const entries = Object.values(progress.exercises);
  const spent = entries.reduce((sum, entry) => sum + entry.timeSpentMs, 0);
  const hints = entries.reduce((sum, entry) => sum + hintsGiven(entry), 0);
  lines.push('', `Time spent: ${duration(spent)} ${c.dim('(the time between your grades and hints, breaks left out)')} · hints used: ${hints}`);
  const next = nextUnfinished(track, progress);
  lines.push(next ? `${c.bold('Next:')} ${c.bold(`npm run exercise ${next.number}`)} · ${next.title}` : track.final);
  return lines.join('\n');
}

function bar(done: number, total: number, c: Colors, width = 20): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return c.green('█'.repeat(filled)) + c.dim('░'.repeat(width - filled));
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `begun`: the step has been worked on, so its first minute reads as such even before time is counted (between two grades). */
function duration(ms: number, begun = false): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes === 0) return ms === 0 && !begun ? '0 min' : 'under a minute';
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
