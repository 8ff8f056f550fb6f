import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from '../environmentError.ts';
import { ExitCode } from '../exitCode.ts';
import { out } from '../terminal.ts';
import { readHealth, servicesNotReady, type Health } from '../localstack/health.ts';
import { HostLocalStack } from '../localstack/host/hostLocalStack.ts';
import { findJavaHome, hostLayout, installProblem, isInstalled } from '../localstack/host/install.ts';
import { chooseMode, dockerAnswers, resolveMode, type ModeChoice } from '../localstack/mode.ts';
import { uptime, type ModeStatus } from '../localstack/modes.ts';
import { checkLocalStackPatches, patchSetDigest } from '../localstack/patches/localStackPatches.ts';
import { ensureLocalStack, localStackStatus, modeFor } from '../localstack/runtime.ts';
import { LOCALSTACK_IMAGE, LOCALSTACK_VERSION, readSettings, TRACK_SERVICES, type LocalStackSettings } from '../localstack/settings.ts';
import { capitalised, emulatorLabel, type StartedLocalStack } from '../localstack/started.ts';
import { PROJECT_ROOT } from '../paths.ts';

const run = promisify(execFile);

type State = 'ok' | 'note' | 'warn' | 'fail';

interface Check {
  name: string;
  state: State;
  detail: string;
  fix?: string;
}

const GIB = 1024 ** 3;

/** Every check a learner's question needs, in plain lines they can paste; exit 2 when something required is broken. */
export async function doctorCommand(options: { track?: boolean } = {}): Promise<number> {
  if (options.track) return trackPreflight();
  const checks: Check[] = [checkNode()];
  let settings: LocalStackSettings;
  try {
    settings = readSettings();
  } catch (error) {
    checks.push({ name: 'Settings', state: 'fail', detail: (error as Error).message, fix: 'Correct or unset that environment variable.' });
    return report(checks);
  }

  const docker = await dockerAnswers();
  // The same resolution as the next grade: a running LocalStack of the kit's (no-Docker, then Docker) is reused, Docker only with its image.
  const statuses = settings.endpoint ? [] : await localStackStatus(settings).catch(() => []);
  const running = statuses.find((status) => status.running && status.started);
  let mode: ModeChoice;
  let modeCheck: Check | undefined;
  try {
    mode = running
      ? { mode: running.mode, reason: `the ${running.mode === 'host' ? 'no-Docker LocalStack' : 'Docker LocalStack'} of this kit is running and is reused` }
      : await resolveMode(settings);
  } catch (error) {
    mode = chooseMode(settings, docker);
    modeCheck = { name: 'LocalStack mode', state: 'fail', detail: (error as Error).message, fix: error instanceof EnvironmentError ? error.fix : undefined };
  }
  const needsHost = mode.mode === 'host';
  checks.push(checkDocker(docker, settings, mode));
  checks.push(await checkPython(settings, needsHost));
  checks.push(await checkJava(needsHost));
  checks.push(modeCheck ?? (await checkMode(mode, settings)));
  const health = await checkLocalStack(checks, settings, mode, running);
  if (health) {
    checks.push(checkVersion(health));
    checks.push(checkServices(health));
  }
  const patches = await checkPatches(settings, mode, running);
  if (patches) checks.push(patches);
  checks.push(await checkDisk());
  return report(checks);
}

function checkNode(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    return {
      name: 'Node.js',
      state: 'fail',
      detail: `v${process.versions.node}; the kit needs 22 or newer`,
      fix: 'Install Node 24 LTS (https://nodejs.org, or `nvm install 24`), then run `npm install` again.',
    };
  }
  return { name: 'Node.js', state: 'ok', detail: `v${process.versions.node}${major === 24 ? '' : ' (works; 24 LTS is the one the kit is tested on)'}` };
}

function checkDocker(answers: boolean, settings: LocalStackSettings, mode: ModeChoice): Check {
  if (answers) return { name: 'Docker engine', state: 'ok', detail: 'answers' };
  if (settings.requested === 'docker') {
    return {
      name: 'Docker engine',
      state: 'fail',
      detail: 'does not answer, and NORTHPOLE_LOCALSTACK=docker asks for it',
      fix: 'Start Docker Desktop (or the docker service), or unset NORTHPOLE_LOCALSTACK to run LocalStack without Docker.',
    };
  }
  const instead = mode.mode === 'endpoint' ? 'NORTHPOLE_ENDPOINT names the LocalStack to use' : 'LocalStack then runs on this machine from PyPI';
  return { name: 'Docker engine', state: 'note', detail: `does not answer (not needed: ${instead})` };
}

async function checkPython(settings: LocalStackSettings, required: boolean): Promise<Check> {
  const name = 'Python';
  const missing: State = required ? 'fail' : 'note';
  const why = required ? '' : ' (only needed when LocalStack runs without Docker)';
  const fix =
    'Install Python 3.11 or newer with its venv module (Debian/Ubuntu: apt-get install python3 python3-venv; macOS/Windows: python.org), or set NORTHPOLE_PYTHON to one.';
  let stdout: string;
  try {
    ({ stdout } = await run(
      settings.python,
      ['-c', 'import sys, importlib.util as u; print("%d.%d.%d" % sys.version_info[:3], bool(u.find_spec("venv") and u.find_spec("ensurepip")))'],
      { timeout: 10_000 },
    ));
  } catch {
    return { name, state: missing, detail: `${settings.python} not found${why}`, fix: required ? fix : undefined };
  }
  const [version = '', venv] = stdout.trim().split(' ');
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major !== 3 || minor < 11)
    return {
      name,
      state: missing,
      detail: `${version} (${settings.python}); LocalStack ${LOCALSTACK_VERSION} needs 3.11+${why}`,
      fix: required ? fix : undefined,
    };
  if (venv !== 'True')
    return { name, state: missing, detail: `${version} (${settings.python}) without the venv module${why}`, fix: required ? fix : undefined };
  return { name, state: 'ok', detail: `${version} (${settings.python}), with venv` };
}

async function checkJava(required: boolean): Promise<Check> {
  const name = 'Java';
  try {
    const home = await findJavaHome();
    const { stderr } = await run(path.join(home, 'bin', 'java'), ['-version'], { timeout: 10_000 });
    const version = /version "([^"]+)"/.exec(stderr)?.[1] ?? 'unknown version';
    return { name, state: 'ok', detail: `JDK ${version} (${home})${required ? ', for DynamoDB without Docker' : ''}` };
  } catch (error) {
    const reason = error instanceof EnvironmentError ? error.what : (error as Error).message;
    if (!required) return { name, state: 'note', detail: `${reason} (only needed for DynamoDB when LocalStack runs without Docker)` };
    return {
      name,
      state: 'fail',
      detail: reason,
      fix: error instanceof EnvironmentError ? error.fix : 'Install a JDK 17 or newer, or set NORTHPOLE_JAVA_HOME to one.',
    };
  }
}

async function checkMode(mode: ModeChoice, settings: LocalStackSettings): Promise<Check> {
  const detail = `${mode.mode}: ${mode.reason}`;
  if (mode.mode === 'host') {
    const layout = hostLayout(settings);
    // The install itself, not only its marker: a virtualenv that cannot load LocalStack fails the next grade.
    const problem = await installProblem(layout);
    if (problem && (await isInstalled(layout))) {
      return {
        name: 'LocalStack mode',
        state: 'fail',
        detail: `${detail}; ${problem}`,
        fix: `Remove ${path.relative(PROJECT_ROOT, settings.home) || settings.home} (\`npm run localstack -- stop\` first); the next grade installs it again.`,
      };
    }
    const installed = !problem && (await isInstalled(layout));
    return {
      name: 'LocalStack mode',
      state: 'ok',
      detail: `${detail}; ${installed ? `installed in ${path.relative(PROJECT_ROOT, settings.home) || settings.home}` : `${problem ? `${problem}; ` : ''}installed on the first grade (about a minute, once)`}`,
    };
  }
  return { name: 'LocalStack mode', state: 'ok', detail: mode.mode === 'docker' ? `${detail}; image ${settings.image}` : detail };
}

/** Reachability; the health it read, when something answered, for the version and services checks. */
async function checkLocalStack(checks: Check[], settings: LocalStackSettings, mode: ModeChoice, running: ModeStatus | undefined): Promise<Health | undefined> {
  const name = 'LocalStack';
  if (settings.endpoint) return checkEndpoint(checks, settings.endpoint);
  if (running?.started) {
    checks.push({
      name,
      state: 'ok',
      detail: `answers at ${running.endpoint} (started by the kit: ${running.what}${running.since ? `, ${uptime(running.since)}` : ''})`,
    });
    return readHealth(running.started.endpoint);
  }
  const status = await modeFor(mode.mode, settings)
    .describe()
    .catch(() => undefined);
  if (status?.what && status.note)
    checks.push({ name, state: 'warn', detail: `${status.what}: ${status.note}`, fix: 'Run `npm run localstack -- stop`; the next grade starts a fresh one.' });
  if (mode.mode === 'docker') {
    checks.push({ name, state: 'note', detail: `no container of the kit runs; the next grade (or \`npm run localstack -- start\`) starts ${settings.image}` });
    return undefined;
  }
  const host = new HostLocalStack(settings);
  const stranger = await readHealth(host.endpoint);
  if (stranger) {
    checks.push({
      name,
      state: 'warn',
      detail: `something the kit did not start answers at ${host.endpoint}`,
      fix: `Use it with NORTHPOLE_ENDPOINT=${host.endpoint}, stop it, or pick another port with NORTHPOLE_PORT.`,
    });
    return stranger;
  }
  checks.push({ name, state: 'note', detail: `not running; the next grade (or \`npm run localstack -- start\`) starts it at ${host.endpoint}` });
  return undefined;
}

/** NORTHPOLE_ENDPOINT: LocalStack by its health route, any other emulator by its services. */
async function checkEndpoint(checks: Check[], endpoint: string): Promise<Health | undefined> {
  const name = 'LocalStack';
  let started: StartedLocalStack;
  try {
    started = await modeFor('endpoint', { endpoint } as LocalStackSettings).start();
  } catch (error) {
    const failure = error as EnvironmentError;
    const nothing = /^Nothing answers/.test(failure.what ?? '');
    checks.push(
      nothing
        ? {
            name,
            state: 'fail',
            detail: `nothing answers at ${endpoint} (NORTHPOLE_ENDPOINT)`,
            fix: 'Start that LocalStack (e.g. `docker compose -f docker/compose.yml up -d`), or unset NORTHPOLE_ENDPOINT to let the kit start one.',
          }
        : { name, state: 'fail', detail: `${failure.what}: ${failure.message}`, fix: failure.fix },
    );
    return nothing ? undefined : readHealth(endpoint);
  }
  if (!started.notLocalStack) {
    checks.push({ name, state: 'ok', detail: `answers at ${endpoint}` });
    return readHealth(endpoint);
  }
  checks.push({
    name,
    state: 'warn',
    detail: `${capitalised(emulatorLabel(started))} answers, with every service of the track; it is not LocalStack ${LOCALSTACK_VERSION}, the one the kit is tested with`,
    fix: '`npm run doctor -- --track` tells which exercises it can grade.',
  });
  return undefined;
}

/** Doctor's look at the kit's patches in the LocalStack the next grade uses: a mismatch fails every grade. */
async function checkPatches(settings: LocalStackSettings, mode: ModeChoice, running: ModeStatus | undefined): Promise<Check | undefined> {
  const name = 'LocalStack patches';
  if (mode.mode === 'endpoint')
    return {
      name,
      state: 'note',
      detail: 'not checked: the kit did not start what answers at NORTHPOLE_ENDPOINT (`npm run doctor -- --track` tries replay there)',
    };
  if (mode.mode === 'docker') {
    if (!running?.started)
      return { name, state: 'note', detail: `copied into the container and applied before LocalStack starts (patch set ${patchSetDigest()})` };
    return { name, state: 'ok', detail: `every patch applied in ${running.what} (patch set ${patchSetDigest()}, checked at its start)` };
  }
  const layout = hostLayout(settings);
  if (!(await isInstalled(layout))) return undefined;
  const outcome = await checkLocalStackPatches(layout.python);
  if (!outcome) return { name, state: 'ok', detail: `every patch of the kit is applied in ${path.relative(PROJECT_ROOT, settings.home) || settings.home}` };
  if ('refused' in outcome) {
    return {
      name,
      state: 'fail',
      detail: `the installed LocalStack refuses the kit's patches: ${outcome.refused}`,
      fix: `Run \`npm run localstack -- stop\`, remove ${path.relative(PROJECT_ROOT, settings.home) || settings.home}, and run again: the next grade installs LocalStack ${LOCALSTACK_VERSION} afresh.`,
    };
  }
  return running?.started
    ? {
        name,
        state: 'warn',
        detail: `not applied yet: ${outcome.pending.join(', ')}; the running LocalStack started before them`,
        fix: 'Run `npm run localstack -- stop`; the next grade applies them and starts it again.',
      }
    : { name, state: 'ok', detail: `the next start applies ${outcome.pending.join(', ')}` };
}

function checkVersion(health: Health): Check {
  if (health.version === LOCALSTACK_VERSION) return { name: 'LocalStack version', state: 'ok', detail: health.version };
  return {
    name: 'LocalStack version',
    state: 'warn',
    detail: `${health.version}; the kit is tested with ${LOCALSTACK_VERSION}`,
    fix: `Run ${LOCALSTACK_IMAGE} (later tags need an auth token), or let the kit start LocalStack itself.`,
  };
}

function checkServices(health: Health): Check {
  const states = TRACK_SERVICES.map((service) => `${service} ${health.services[service] ?? 'missing'}`).join(' · ');
  const notReady = servicesNotReady(health);
  if (notReady.length === 0) return { name: 'Services', state: 'ok', detail: states };
  return {
    name: 'Services',
    state: 'fail',
    detail: states,
    fix: `Start LocalStack with SERVICES=${TRACK_SERVICES.join(',')} (the kit does this itself), or wait for it to finish loading: ${notReady.join(', ')}.`,
  };
}

async function checkDisk(): Promise<Check> {
  const name = 'Free disk';
  try {
    const stats = await fs.statfs(PROJECT_ROOT);
    const free = stats.bavail * stats.bsize;
    const detail = `${(free / GIB).toFixed(1)} GiB in ${PROJECT_ROOT}`;
    const fix = "Free some space: LocalStack's virtualenv needs about 0.5 GiB, its Docker image about 1.5 GiB.";
    if (free < 0.3 * GIB) return { name, state: 'fail', detail, fix };
    if (free < 2 * GIB) return { name, state: 'warn', detail, fix };
    return { name, state: 'ok', detail };
  } catch (error) {
    return { name, state: 'note', detail: `could not be read (${(error as Error).message})` };
  }
}

function report(checks: Check[]): number {
  const c = out;
  const mark: Record<State, string> = { ok: c.green('✓'), note: c.dim('·'), warn: c.yellow('!'), fail: c.red('✗') };
  const width = Math.max(...checks.map((check) => check.name.length));
  const system = `${os.platform()} ${os.release()} ${os.arch()}`;
  const lines = [c.bold('North Pole Orders · doctor') + c.dim(` (${system}, ${new Date().toISOString()})`), ''];
  for (const check of checks) {
    lines.push(`  ${mark[check.state]} ${check.name.padEnd(width)}  ${check.detail}`);
    if (check.fix) lines.push(`    ${' '.repeat(width)}  ${c.bold('Fix:')} ${check.fix}`);
  }
  const broken = checks.filter((check) => check.state === 'fail').length;
  const warnings = checks.filter((check) => check.state === 'warn').length;
  lines.push('');
  if (broken > 0)
    lines.push(
      c.red(`${broken} required ${broken === 1 ? 'check fails' : 'checks fail'} (✗): fix ${broken === 1 ? 'it' : 'them'}, then run npm run doctor again.`),
    );
  else lines.push(c.green(`Everything the kit needs is in place${warnings > 0 ? `, with ${warnings} ${warnings === 1 ? 'warning' : 'warnings'} (!)` : ''}.`));
  lines.push('Asking for help? Paste everything from "North Pole Orders · doctor" down.');
  console.log(lines.join('\n'));
  return broken > 0 ? ExitCode.Environment : ExitCode.Pass;
}

/**
 * `npm run doctor -- --track`: every AWS feature the track relies on, probed for real against the
 * endpoint the next grade uses (started when needed), and which exercises can be graded there.
 */
async function trackPreflight(): Promise<number> {
  const { runPreflight } = await import('../conformance/preflight.ts');
  const { loadTrack } = await import('../track.ts');
  const localstack = await ensureLocalStack((line) => console.error(line));
  const exercises = loadTrack().exercises.map((exercise) => exercise.number);
  const c = out;
  const where = localstack.notLocalStack ? emulatorLabel(localstack) : `LocalStack ${localstack.version} at ${localstack.endpoint} (${localstack.mode} mode)`;
  console.error(`Probing ${where}…`);
  const preflight = await runPreflight(localstack.endpoint, exercises);
  const marks = { works: c.green('✓ works  '), missing: c.red('✗ missing'), differs: c.yellow('! differs') } as const;
  const width = Math.max(...preflight.results.map((result) => result.feature.title.length));
  const lines = [c.bold('North Pole Orders · track preflight') + c.dim(` against ${where}, ${(preflight.ms / 1000).toFixed(1)} s`), ''];
  for (const result of preflight.results) {
    lines.push(`  ${marks[result.state]}  ${result.feature.title.padEnd(width)}  ${c.dim(`exercises ${result.feature.exercises.join(', ')}`)}`);
    if (result.detail) lines.push(`             ${c.dim(result.detail)}`);
  }
  lines.push('');
  const blocked = exercises.filter((exercise) => !preflight.gradable.includes(exercise));
  lines.push(
    `Can be graded here: ${preflight.gradable.length > 0 ? preflight.gradable.join(', ') : 'none'}${blocked.length === 0 ? ' (the whole track)' : ''}.`,
  );
  for (const exercise of blocked)
    lines.push(
      `Not exercise ${exercise}: ${preflight.blocked
        .get(exercise)!
        .map((result) => `${result.feature.title} (${result.state})`)
        .join('; ')}.`,
    );
  if (blocked.length > 0) lines.push(`For those, grade on the kit's own LocalStack ${LOCALSTACK_VERSION} (unset NORTHPOLE_ENDPOINT).`);
  console.log(lines.join('\n'));
  return blocked.length === 0 ? ExitCode.Pass : ExitCode.Environment;
}
