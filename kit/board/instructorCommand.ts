import os from 'node:os';
import path from 'node:path';
import { EnvironmentError } from '../environmentError.ts';
import { ExitCode } from '../exitCode.ts';
import { out } from '../terminal.ts';
import { loadTrack } from '../track.ts';
import { classBoardServer, DEFAULT_LIMITS } from './classBoardServer.ts';
import { toCsv, toMarkdown } from './classExport.ts';
import { ClassStore } from './classStore.ts';
import { classView } from './classView.ts';
import { STATE_DIR } from '../paths.ts';

export interface InstructorOptions {
  host: string;
  port: number;
  data?: string;
  code?: string;
  token?: string;
  format?: string;
  maxLearners?: number;
  perAddress?: number;
}

export const DEFAULT_PORT = 4747;
export const defaultDataFile = () => path.join(STATE_DIR, 'board.sqlite');
// npm runs scripts from the project folder; INIT_CWD is where the instructor typed the command.
const dataFile = (given: string | undefined) => (given ? path.resolve(process.env.INIT_CWD ?? process.cwd(), given) : defaultDataFile());

export async function instructorCommand(action: string | undefined, options: InstructorOptions): Promise<number> {
  if (action === 'export') return exportBoard(options);
  if (action !== undefined)
    throw new RangeError(`There is no \`npm run instructor -- ${action}\`: run it with no action to start the board, or \`export --format md|csv\`.`);
  if (options.code !== undefined && !/^[A-Za-z0-9-]{4,32}$/.test(options.code)) throw new RangeError('--code: 4 to 32 letters, digits or dashes.');
  if (options.token !== undefined && !/^[A-Za-z0-9_-]{16,128}$/.test(options.token))
    throw new RangeError('--token: 16 to 128 letters, digits, _ or -; long enough that nobody guesses it.');

  const track = loadTrack();
  const store = ClassStore.open(dataFile(options.data));
  const { code, token } = store.settings({ code: options.code, token: options.token });
  const hosts = addressesFor(options.host);
  const limits = { learners: options.maxLearners ?? DEFAULT_LIMITS.learners, perAddress: options.perAddress ?? DEFAULT_LIMITS.perAddress };
  let port = options.port;
  const app = await classBoardServer({ store, track, code, token, limits, joinAddresses: () => hosts.map((host) => learnerAddress(host, port)) });
  try {
    // A room connecting at once (or one learner's flood) must not fill the kernel's queue of new
    // connections: a dropped connection is retried after a second or more, past the learner's 1.5 s.
    await app.listen({ host: options.host, port: options.port, backlog: 4096 });
  } catch (error) {
    store.close();
    const reason = (error as NodeJS.ErrnoException).code;
    throw new EnvironmentError(
      `The class board cannot listen on ${options.host}:${options.port}`,
      reason === 'EADDRINUSE' ? 'Another program uses that port.' : (error as Error).message,
      reason === 'EADDRINUSE' ? 'Choose another with `npm run instructor -- --port 4748`.' : 'Check --host: an address of this machine, 127.0.0.1 or 0.0.0.0.',
    );
  }
  port = (app.server.address() as { port: number }).port;
  const kept = classView(track, store.room());

  console.log(out.bold('North Pole Orders · class board'));
  const shownFile = path.relative(process.cwd(), path.resolve(store.file));
  console.log(
    `Data: ${shownFile.startsWith('..') ? path.resolve(store.file) : shownFile} (${kept.learners.length} learners, ${kept.grades} grades kept; at most ${limits.learners} learners, ${limits.perAddress} from one address)`,
  );
  // The token stays in this terminal, far from the join line: the page shows learners how to join, so project the page, not this.
  console.log(`\nOpen your board and put that window on the projector (the page shows learners the join line, join code ${out.bold(code)}):`);
  console.log(`  http://127.0.0.1:${port}/?token=${token}`);
  console.log(out.dim('  Keep this terminal off the projector: the address above holds your token.'));
  if (isLoopback(options.host)) console.log(out.dim('  Listening on this machine only: for a room, start it with --host 0.0.0.0.'));
  console.log('\nExport: npm run instructor -- export --format md (or csv), also while the board runs.');
  console.log('Stop with Ctrl+C; every result is kept for the next start.');

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  store.close();
  console.log('Class board stopped; its data is kept.');
  return ExitCode.Pass;
}

/** Reads the board's file without changing it: an archived, read-only board exports too. */
function exportBoard(options: InstructorOptions): number {
  const file = dataFile(options.data);
  const format = options.format ?? 'md';
  if (!['md', 'csv'].includes(format)) throw new RangeError(`--format ${format}: md or csv.`);
  const store = ClassStore.read(file);
  try {
    const view = classView(loadTrack(), store.room());
    process.stdout.write(format === 'csv' ? toCsv(view) : toMarkdown(view));
  } finally {
    store.close();
  }
  return ExitCode.Pass;
}

const learnerAddress = (host: string, port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

const isLoopback = (host: string) => host === 'localhost' || host.startsWith('127.') || host === '::1';

/** The addresses learners can type: the machine's LAN addresses when it listens on all of them. */
function addressesFor(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host === 'localhost' ? '127.0.0.1' : host];
  const lan = Object.values(os.networkInterfaces())
    .flat()
    .filter((address) => address && address.family === 'IPv4' && !address.internal)
    .map((address) => address!.address);
  return lan.length > 0 ? lan : ['127.0.0.1'];
}
