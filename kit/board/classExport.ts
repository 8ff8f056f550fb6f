import type { Cell, ClassView, LearnerRow } from './classView.ts';

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
const minutesOn = (row: LearnerRow, now: Date) => (row.currentSince ? Math.max(0, Math.round((now.getTime() - Date.parse(row.currentSince)) / 60_000)) : undefined);

function cellText(cell: Cell | undefined): string {
  if (!cell || cell.state === 'none') return 'not started';
  if (cell.state === 'pass') return 'passed';
  if (cell.state === 'error') return 'error';
  return cell.failingTask === undefined ? 'failing' : `failing at Task ${cell.failingTask}: ${cell.failingTitle ?? ''}`.trimEnd();
}

/** A field as a spreadsheet reads it safely: quoted, and never a formula (a name may start with = or @). */
function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  const inert = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${inert.replaceAll('"', '""')}"`;
}

export function toCsv(view: ClassView, now = new Date(view.generatedAt)): string {
  const header = ['learner', ...view.exercises.map((exercise) => `${exercise.number} ${exercise.title}`), 'steps passed', 'hints used', 'current step', 'minutes on current step'];
  const lines = [header.map(csvField).join(',')];
  for (const row of view.learners) {
    lines.push([row.name, ...view.exercises.map((exercise) => cellText(row.cells[exercise.number])), row.done, row.hints, row.current ?? 'all done', minutesOn(row, now)].map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Text as Markdown shows it literally: no table breaks, no HTML, no emphasis from a learner's name. */
function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>&~-]/g, (character) => (character === '<' ? '&lt;' : character === '>' ? '&gt;' : character === '&' ? '&amp;' : `\\${character}`)).replace(/\s+/g, ' ');
}

const SYMBOL: Record<Cell['state'], string> = { pass: '✓ passed', fail: '✗', error: '! error', none: '·' };

export function toMarkdown(view: ClassView, now = new Date(view.generatedAt)): string {
  const lines = [
    `# Class board, ${view.generatedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${plural(view.learners.length, 'learner')}, ${plural(view.grades, 'grade')} received.`,
    '',
    `| Learner | ${view.exercises.map((exercise) => `${exercise.number} ${markdownText(exercise.title)}`).join(' | ')} | Hints | On current step |`,
    `| --- | ${view.exercises.map(() => '---').join(' | ')} | ---: | --- |`,
  ];
  for (const row of view.learners) {
    const cells = view.exercises.map((exercise) => {
      const cell = row.cells[exercise.number];
      if (cell?.state === 'fail') return `✗ Task ${cell.failingTask ?? '?'}${cell.failingTitle ? `: ${markdownText(cell.failingTitle)}` : ''}`;
      return SYMBOL[cell?.state ?? 'none'];
    });
    const current = row.current === undefined ? 'all done' : `${row.current}, ${minutesOn(row, now)} min`;
    lines.push(`| ${markdownText(row.name)} | ${cells.join(' | ')} | ${row.hints} | ${current} |`);
  }
  lines.push('', `| Step | Finished |`, `| --- | ---: |`, ...view.exercises.map((exercise) => `| ${exercise.number} ${markdownText(exercise.title)} | ${exercise.finished} of ${view.learners.length} |`));
  if (view.mostFailing) {
    const { exercise, task, title, learners } = view.mostFailing;
    lines.push('', `Fails most across the room: exercise ${exercise}, Task ${task}: ${markdownText(title)} (${plural(learners, 'learner')}).`);
  }
  return `${lines.join('\n')}\n`;
}
