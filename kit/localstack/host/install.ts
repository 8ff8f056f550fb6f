import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from '../../environmentError.ts';
import { applyLocalStackPatches, patchSetDigest } from '../patches/localStackPatches.ts';
import { LOCALSTACK_VERSION, type LocalStackSettings } from '../settings.ts';

const run = promisify(execFile);
const here = path.dirname(new URL(import.meta.url).pathname);

/** Maven Central, or a mirror of it. */
const MAVEN_REPOSITORY = process.env.NORTHPOLE_MAVEN_REPOSITORY ?? 'https://repo1.maven.org/maven2';

interface DynamoDbLocalLock {
  mainJar: string;
  artifacts: { path: string; sha1: string }[];
}

export interface HostLayout {
  venv: string;
  python: string;
  filesystemRoot: string;
  varLibs: string;
  marker: string;
  log: string;
  state: string;
}

export function hostLayout(settings: LocalStackSettings): HostLayout {
  const venv = path.join(settings.home, 'venv');
  const filesystemRoot = path.join(settings.home, 'filesystem');
  return {
    venv,
    python: path.join(venv, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python'),
    filesystemRoot,
    // LocalStack's host-mode var_libs: <FILESYSTEM_ROOT>/var/lib/localstack/lib
    varLibs: path.join(filesystemRoot, 'var', 'lib', 'localstack', 'lib'),
    marker: path.join(settings.home, 'installed.json'),
    log: path.join(settings.home, 'localstack.log'),
    state: path.join(settings.home, 'host.json'),
  };
}

/** Written into the virtualenv once pip has installed LocalStack into it. */
const VENV_COMPLETE = '.northpole-complete';

/** Raised when what the installer stages changes, so existing installs are redone. */
export const LAYOUT_VERSION = 3;

/**
 * What the no-Docker mode lacks on this machine, in one phrase; undefined when it can run (installed
 * already, or Python 3.11+ and a JDK 17+ are there to install it).
 */
export async function hostModeLacks(settings: LocalStackSettings): Promise<string | undefined> {
  if (await isInstalled(hostLayout(settings))) return undefined;
  const lacks: string[] = [];
  await checkPython(settings.python).catch((error: EnvironmentError) => lacks.push(error.message));
  await findJavaHome().catch((error: EnvironmentError) => lacks.push(error.what));
  return lacks.length > 0 ? lacks.join('; ') : undefined;
}

/** What is wrong with a finished install (doctor's check): undefined when LocalStack and DynamoDB Local are in place. */
export async function installProblem(layout: HostLayout): Promise<string | undefined> {
  if (!(await isInstalled(layout))) return existsSync(layout.venv) ? 'an install was interrupted; the next start redoes it' : undefined;
  try {
    await run(layout.python, ['-c', 'import pip, localstack.runtime.main'], { timeout: 30_000 });
  } catch (error) {
    return `the virtualenv cannot load LocalStack (${((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').at(-1)})`;
  }
  for (const needed of [path.join(layout.varLibs, 'dynamodb-local', '2', 'DynamoDBLocal.jar'), path.join(layout.varLibs, 'java', '21', 'bin', 'java')]) {
    if (!existsSync(needed)) return `${needed} is missing`;
  }
  return undefined;
}

export async function isInstalled(layout: HostLayout): Promise<boolean> {
  return (await finishedInstall(layout)) !== undefined;
}

/** The marker of a finished install of this LocalStack and layout, or undefined. */
async function finishedInstall(layout: HostLayout): Promise<InstallMarker | undefined> {
  try {
    const marker = JSON.parse(await fs.readFile(layout.marker, 'utf8')) as InstallMarker;
    return marker.version === LOCALSTACK_VERSION && marker.layout === LAYOUT_VERSION && existsSync(layout.python) ? marker : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Prepares the no-Docker mode once: a virtualenv with localstack-core pinned to LocalStack's own lock,
 * the machine's JDK where LocalStack looks for Java 21, and DynamoDB Local from Maven Central, so that
 * nothing is downloaded while grading.
 */
export async function installHostLocalStack(settings: LocalStackSettings, say: (line: string) => void = () => {}): Promise<void> {
  const layout = hostLayout(settings);
  const installed = await finishedInstall(layout);
  if (installed) {
    // A kit with more patches than the install had: apply.py leaves the patched files alone and applies the new ones.
    const patches = patchSetDigest();
    if (installed.patches === patches) return;
    await applyLocalStackPatches(layout.python);
    await writeMarker(layout, { ...installed, patches });
    return;
  }
  // Anything not marked complete is redone: an install interrupted (Ctrl-C, a closed laptop) leaves a
  // virtualenv without pip or with half a package set, which pip cannot repair.
  await fs.rm(layout.marker, { force: true });
  await fs.mkdir(settings.home, { recursive: true });

  const pythonVersion = await checkPython(settings.python);
  const venvDone = path.join(layout.venv, VENV_COMPLETE);
  if (!existsSync(venvDone)) {
    await fs.rm(layout.venv, { recursive: true, force: true });
    say(`Creating a virtualenv for LocalStack in ${path.relative(process.cwd(), layout.venv)} (Python ${pythonVersion.join('.')})`);
    await tool(settings.python, ['-m', 'venv', layout.venv], 'Creating the virtualenv', 'Install the venv module (Debian: apt-get install python3-venv).');
    say(`Installing localstack-core ${LOCALSTACK_VERSION} from PyPI (about a minute, once)`);
    await tool(
      layout.python,
      [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--quiet',
        '--constraint',
        path.join(here, `constraints-${LOCALSTACK_VERSION}.txt`),
        `localstack-core[runtime]==${LOCALSTACK_VERSION}`,
      ],
      'Installing LocalStack from PyPI',
      'Check that PyPI is reachable (pip config, proxy), then run the command again.',
      15 * 60_000,
    );
    await applyLocalStackPatches(layout.python);
    await fs.writeFile(venvDone, LOCALSTACK_VERSION);
  }

  const javaHome = await findJavaHome();
  await linkJava(layout, javaHome);
  say('Staging DynamoDB Local 2.6.1 from Maven Central (once)');
  await stageDynamoDbLocal(layout, javaHome);

  // Written last: its presence means every stage above finished.
  await writeMarker(layout, { version: LOCALSTACK_VERSION, layout: LAYOUT_VERSION, patches: patchSetDigest(), python: pythonVersion.join('.'), javaHome });
}

interface InstallMarker {
  version: string;
  layout: number;
  /** The digest of the patch set applied (patchSetDigest). */
  patches: string;
  python: string;
  javaHome: string;
}

async function writeMarker(layout: HostLayout, marker: InstallMarker): Promise<void> {
  await fs.writeFile(`${layout.marker}.tmp`, JSON.stringify(marker, null, 2));
  await fs.rename(`${layout.marker}.tmp`, layout.marker);
}

export async function checkPython(python: string): Promise<number[]> {
  const { stdout } = await tool(
    python,
    ['-c', 'import sys; print(sys.version_info[0], sys.version_info[1])'],
    'Looking for Python',
    'Install Python 3.11 or newer, or set NORTHPOLE_PYTHON to one.',
  );
  const version = stdout.trim().split(' ').map(Number);
  if (version[0] !== 3 || version[1]! < 11) {
    throw new EnvironmentError(
      'Python is too old for LocalStack',
      `${python} is Python ${version.join('.')}; LocalStack ${LOCALSTACK_VERSION} needs 3.11 or newer (it imports datetime.UTC).`,
      'Install Python 3.11+ and set NORTHPOLE_PYTHON to it, or use Docker.',
    );
  }
  return version;
}

export async function findJavaHome(): Promise<string> {
  const candidates = [process.env.NORTHPOLE_JAVA_HOME, process.env.JAVA_HOME].filter((home): home is string => !!home);
  if (candidates.length === 0) {
    try {
      const { stdout } = await run(process.platform === 'win32' ? 'where' : 'which', ['java']);
      candidates.push(path.resolve(await fs.realpath(stdout.trim().split('\n')[0]!), '..', '..'));
    } catch {
      // no java on PATH: reported below
    }
  }
  for (const home of candidates) {
    if (existsSync(path.join(home, 'bin', 'javac'))) {
      const { stderr } = await run(path.join(home, 'bin', 'java'), ['-version']);
      const major = Number(/version "(\d+)/.exec(stderr)?.[1] ?? 0);
      if (major >= 17) return home;
    }
  }
  throw new EnvironmentError(
    'No JDK 17+ for DynamoDB in the no-Docker mode',
    `LocalStack runs DynamoDB Local on Java, and the kit builds a small agent for it with javac; looked in: ${candidates.join(', ') || 'PATH'}.`,
    'Install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless) or set NORTHPOLE_JAVA_HOME, or use Docker.',
  );
}

/** LocalStack looks for Java at <var_libs>/java/21 and would download it otherwise; DynamoDB Local 2.x runs on 17+. */
async function linkJava(layout: HostLayout, javaHome: string): Promise<void> {
  const link = path.join(layout.varLibs, 'java', '21');
  await fs.mkdir(path.dirname(link), { recursive: true });
  await fs.rm(link, { recursive: true, force: true });
  await fs.symlink(javaHome, link, 'dir');
}

async function stageDynamoDbLocal(layout: HostLayout, javaHome: string): Promise<void> {
  const lock = JSON.parse(await fs.readFile(path.join(here, 'dynamodb-local-2.6.1.json'), 'utf8')) as DynamoDbLocalLock;
  const target = path.join(layout.varLibs, 'dynamodb-local', '2');
  const staging = `${target}.staging`;
  const libDir = path.join(staging, 'DynamoDBLocal_lib');
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(libDir, { recursive: true });

  const queue = [...lock.artifacts];
  const downloadNext = async (): Promise<void> => {
    for (let artifact = queue.shift(); artifact; artifact = queue.shift()) {
      const bytes = await downloadArtifact(artifact.path, artifact.sha1);
      const name = path.basename(artifact.path);
      if (artifact.path === lock.mainJar) {
        await fs.writeFile(path.join(staging, 'DynamoDBLocal.jar'), bytes);
        continue;
      }
      await fs.writeFile(path.join(libDir, name), bytes);
      // sqlite4java looks for its native library without the version in the name
      const unversioned = name.replace(/-\d+(\.\d+)*\.(so|dylib)$/, '.$2');
      if (unversioned !== name) await fs.writeFile(path.join(libDir, unversioned), bytes);
    }
  };
  await Promise.all(Array.from({ length: 8 }, downloadNext));

  const jars = (await fs.readdir(libDir)).filter((name) => name.endsWith('.jar')).sort();
  await buildAgentJar(javaHome, staging, jars);
  await fs.rm(target, { recursive: true, force: true });
  await fs.rename(staging, target);
}

async function downloadArtifact(artifactPath: string, sha1: string): Promise<Buffer> {
  const url = `${MAVEN_REPOSITORY}/${artifactPath}`;
  let failure = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const bytes = Buffer.from(await response.arrayBuffer());
      const actual = createHash('sha1').update(bytes).digest('hex');
      if (actual !== sha1) throw new Error(`checksum ${actual} instead of ${sha1}`);
      return bytes;
    } catch (error) {
      failure = (error as Error).message;
    }
  }
  throw new EnvironmentError(
    'Could not download DynamoDB Local from Maven Central',
    `${url}: ${failure}`,
    'Check that Maven Central is reachable, or set NORTHPOLE_MAVEN_REPOSITORY to a mirror, then run again.',
  );
}

/** The kit's agent (agent/): loopback-only DynamoDB Local; its manifest also carries the class path. */
async function buildAgentJar(javaHome: string, dir: string, jars: string[]): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-agent-'));
  try {
    const sources = ['LoopbackAgent.java', 'LoopbackSelectorProvider.java'].map((name) => path.join(here, 'agent', name));
    await tool(
      path.join(javaHome, 'bin', 'javac'),
      ['--release', '17', '-d', path.join(work, 'classes'), ...sources],
      'Compiling the DynamoDB Local agent',
      'Check that the JDK is complete (javac).',
    );
    // Manifest lines are at most 72 bytes; a continuation line starts with one space, and the second space separates entries.
    const manifest = ['Premain-Class: northpole.LoopbackAgent', 'Class-Path: .', ...jars.map((jar) => `  DynamoDBLocal_lib/${jar}`), ''].join('\n');
    await fs.writeFile(path.join(work, 'MANIFEST.MF'), manifest);
    await tool(
      path.join(javaHome, 'bin', 'jar'),
      ['cfm', path.join(dir, 'ddb-local-loader-0.1.jar'), path.join(work, 'MANIFEST.MF'), '-C', path.join(work, 'classes'), '.'],
      'Packing the DynamoDB Local agent',
      'Check that the JDK is complete (jar).',
    );
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

async function tool(command: string, args: string[], doing: string, fix: string, timeout = 120_000): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(command, args, { timeout, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    const why = failure.code === 'ENOENT' ? `${command} was not found.` : failure.stderr?.trim().split('\n').slice(-5).join('\n') || failure.message;
    throw new EnvironmentError(`${doing} failed`, why, fix);
  }
}
