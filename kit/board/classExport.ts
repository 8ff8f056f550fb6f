import { minutesOnStep, type Cell, type ClassView } from './classView.ts';

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function cellText(cell: Cell | undefined): string {
  if (!cell || cell.state === 'none') return 'not started';
  if (cell.state === 'pass') return 'passed';
  if (cell.state === 'error') return `could not grade (${cell.problemKind ?? 'setup'})`;
  return cell.failingTask === undefined ? 'failing' : `failing at Task ${cell.failingTask}: ${cell.failingTitle ?? ''}`.trimEnd();
}

/** A field as a spreadsheet reads it safely: quoted, and never a formula (a name may start with = or @). */
function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  const inert = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${inert.replaceAll('"', '""')}"`;
}

export function toCsv(view: ClassView, now = new Date(view.generatedAt)): string {
  const header = [
    'learner',
    ...view.exercises.map((exercise) => `${exercise.number} ${exercise.title}`),
    'steps passed',
    'hints used',
    'current step',
    'minutes on current step',
  ];
  const lines = [header.map(csvField).join(',')];
  for (const row of byName(view)) {
    lines.push(
      [
        row.name,
        ...view.exercises.map((exercise) => cellText(row.cells[exercise.number])),
        row.done,
        row.hints,
        row.current ?? 'all done',
        minutesOnStep(row, now),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A word joiner: invisible, and it breaks what GitHub would turn into a link or a mention. */
const JOINER = '\u2060';

/**
 * Text as Markdown shows it literally: no table breaks, no HTML, no emphasis from a learner's name,
 * and no link or @mention made of it (GitHub links URLs, www. and e-mail addresses, and notifies
 * @names, even in escaped text).
 */
export function markdownText(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+!|<>&~-]/g, (character) =>
      character === '<' ? '&lt;' : character === '>' ? '&gt;' : character === '&' ? '&amp;' : `\\${character}`,
    )
    .replace(/\s+/g, ' ')
    .replace(/@/g, `@${JOINER}`)
    .replace(/:\/\//g, `:${JOINER}//`)
    .replace(/\b(www)\./gi, `$1${JOINER}.`);
}

const SYMBOL: Record<Cell['state'], string> = { pass: '✓ passed', fail: '✗', error: '⚠', none: '·' };

/** Rows as the board shows them: by name. */
const byName = (view: ClassView) => [...view.learners].sort((a, b) => a.name.localeCompare(b.name));

export function toMarkdown(view: ClassView, now = new Date(view.generatedAt)): string {
  const lines = [
    `# Class board, ${view.generatedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${plural(view.learners.length, 'learner')}, ${plural(view.grades, 'grade')} received.`,
    '',
    `| Learner | ${view.exercises.map((exercise) => `${exercise.number} ${markdownText(exercise.title)}`).join(' | ')} | Hints | On current step |`,
    `| --- | ${view.exercises.map(() => '---').join(' | ')} | ---: | --- |`,
  ];
  for (const row of byName(view)) {
    const cells = view.exercises.map((exercise) => {
      const cell = row.cells[exercise.number];
      if (cell?.state === 'fail') return `✗ Task ${cell.failingTask ?? '?'}${cell.failingTitle ? `: ${markdownText(cell.failingTitle)}` : ''}`;
      if (cell?.state === 'error') return `⚠ could not grade (${markdownText(cell.problemKind ?? 'setup')})`;
      return SYMBOL[cell?.state ?? 'none'];
    });
    const current = row.current === undefined ? 'all done' : `${row.current}, ${minutesOnStep(row, now)} min`;
    lines.push(`| ${markdownText(row.name)} | ${cells.join(' | ')} | ${row.hints} | ${current} |`);
  }
  lines.push(
    '',
    `| Step | Finished |`,
    `| --- | ---: |`,
    ...view.exercises.map((exercise) => `| ${exercise.number} ${markdownText(exercise.title)} | ${exercise.finished} of ${view.learners.length} |`),
  );
  if (view.mostFailing) {
    const { exercise, task, title, learners } = view.mostFailing;
    lines.push('', `Fails most across the room: exercise ${exercise}, Task ${task}: ${markdownText(title)} (${plural(learners, 'learner')}).`);
  }
  if (view.setupTrouble.length > 0) {
    lines.push('', 'Could not grade (their machine, not their code):', '');
    for (const trouble of view.setupTrouble)
      lines.push(
        `- ${markdownText(trouble.name)}, step ${trouble.exercise}: ${markdownText(trouble.kind)}${trouble.message ? `: ${markdownText(trouble.message)}` : ''}`,
      );
  }
  if (view.changes.length > 0) {
    lines.push('', 'Changed by the instructor:', '');
    for (const change of view.changes) {
      const at = change.at.slice(0, 16).replace('T', ' ');
      lines.push(
        change.action === 'merged'
          ? `- ${at} UTC: ${markdownText(change.name)} merged into ${markdownText(change.into ?? '?')}`
          : `- ${at} UTC: ${markdownText(change.name)} removed from the board`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
