import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { exerciseDir, loadTrack } from '../../kit/track.ts';

// Learners import the kit by name (package.json "imports"), so a file means the same in exercises/,
// starters/, solutions/ and any folder a test writes it to.
const root = path.resolve(import.meta.dirname, '..', '..');
const packageImports = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { imports: Record<string, string> }).imports;
const learnerFiles = loadTrack().exercises.flatMap((exercise) =>
  ['exercises', 'starters', 'solutions'].map((folder) => path.join(root, folder, exerciseDir(exercise), exercise.file)),
);

describe("the learner's named imports", () => {
  it('are the modules learners use, and nothing else of the kit', () => {
    expect(packageImports).toEqual({
      '#northpole/contracts': './kit/contracts.ts',
      '#northpole/northPole': './kit/northPole.ts',
      '#northpole/cdk': './kit/cdk/deployStack.ts',
    });
  });

  it('are how every exercise, starter and solution file reaches the kit', () => {
    for (const file of learnerFiles) {
      const specifiers = [...readFileSync(file, 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)].map((match) => match[1]!);
      expect([path.relative(root, file), specifiers.filter((specifier) => specifier.startsWith('.'))]).toEqual([path.relative(root, file), []]);
      expect(specifiers.filter((specifier) => specifier.startsWith('#')).every((specifier) => specifier in packageImports)).toBe(true);
    }
  });

  it('resolve at run time with tsx, as the kit loads a learner file', async () => {
    const solution = path.join(root, 'solutions', '03-order-routing', 'orderRouting.ts');
    const script = `const m = await import(${JSON.stringify(pathToFileURL(solution).href)}); console.log(Object.keys(m).sort().join(','));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root });
    expect(stdout.trim()).toBe('addDepartment,deploy');
  });

  it("lead an editor's go-to-definition into kit/contracts.ts, not into a copy", async () => {
    const file = path.join(root, 'exercises', '01-orders-bus', 'ordersBus.ts');
    const definitions = await definitionsOf(file, ['#northpole/contracts', 'OrdersBus', '#northpole/northPole']);
    expect(definitions.map((found) => path.relative(root, found))).toEqual(['kit/contracts.ts', 'kit/contracts.ts', 'kit/northPole.ts']);
  });
});

/**
 * Asks TypeScript's language server (tsc --lsp, what editors run) where each word of `file` is
 * defined, as "go to definition" does: one file path per word, at its first occurrence.
 */
async function definitionsOf(file: string, words: string[]): Promise<string[]> {
  const tsc = path.join(path.dirname(createRequire(path.join(root, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
  const server = spawn(process.execPath, [tsc, '--lsp', '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'ignore'] });
  const answers = new Map<number, (result: unknown) => void>();
  let received = Buffer.alloc(0);
  server.stdout.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    for (let end = received.indexOf('\r\n\r\n'); end >= 0; end = received.indexOf('\r\n\r\n')) {
      const length = Number(/Content-Length: (\d+)/i.exec(received.subarray(0, end).toString())?.[1]);
      if (received.length < end + 4 + length) return;
      const message = JSON.parse(received.subarray(end + 4, end + 4 + length).toString()) as { id?: number; method?: string; result?: unknown };
      received = received.subarray(end + 4 + length);
      if (message.method && message.id !== undefined) send({ id: message.id, result: null });
      else if (message.id !== undefined) answers.get(message.id)?.(message.result);
    }
  });
  const send = (message: object) => {
    const text = JSON.stringify({ jsonrpc: '2.0', ...message });
    server.stdin.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  };
  let lastId = 0;
  const request = (method: string, params: unknown) =>
    new Promise<unknown>((resolve) => {
      answers.set(++lastId, resolve);
      send({ id: lastId, method, params });
    });
  try {
    const text = readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).href;
    await request('initialize', { processId: process.pid, rootUri: pathToFileURL(root).href, capabilities: {} });
    send({ method: 'initialized', params: {} });
    send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'typescript', version: 1, text } } });
    const lines = text.split('\n');
    const found: string[] = [];
    for (const word of words) {
      const line = lines.findIndex((candidate) => candidate.includes(word));
      const result = (await request('textDocument/definition', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf(word) + 1 } })) as
        { uri: string }[] | null;
      found.push(result?.[0] ? fileURLToPath(result[0].uri) : `nothing for ${word}`);
    }
    await request('shutdown', null);
    send({ method: 'exit' });
    return found;
  } finally {
    server.kill();
  }
}
