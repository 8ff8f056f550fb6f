import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from '../environmentError.ts';
import { ExitCode } from '../exitCode.ts';
import { out } from '../grading/report.ts';
import { readHealth, servicesNotReady, type Health } from '../localstack/health.ts';
import { HostLocalStack } from '../localstack/host/hostLocalStack.ts';
import { findJavaHome, hostLayout, installProblem, isInstalled } from '../localstack/host/install.ts';
import { chooseMode, dockerAnswers, resolveMode, type ModeChoice } from '../localstack/mode.ts';
import { LOCALSTACK_IMAGE, LOCALSTACK_VERSION, PROJECT_ROOT, readSettings, TRACK_SERVICES, type LocalStackSettings } from '../localstack/settings.ts';

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
export async function doctorCommand(): Promise<number> {
  const checks: Check[] = [checkNode()];
  let settings: LocalStackSettings;
  try {
    settings = readSettings();
  } catch (error) {
    checks.push({ name: 'Settings', state: 'fail', detail: (error as Error).message, fix: 'Correct or unset that environment variable.' });
    return report(checks);
  }

  const docker = await dockerAnswers();
  // The same resolution as the next grade: a running no-Docker LocalStack is reused, Docker only with its image.
  const running = settings.endpoint || settings.requested === 'docker' ? undefined : await new HostLocalStack(settings).running().catch(() => undefined);
  let mode: ModeChoice;
  let modeCheck: Check | undefined;
  try {
    mode = running ? { mode: 'host', reason: 'the no-Docker LocalStack of this kit is running and is reused' } : await resolveMode(settings);
  } catch (error) {
    mode = chooseMode(settings, docker);
    modeCheck = { name: 'LocalStack mode', state: 'fail', detail: (error as Error).message, fix: error instanceof EnvironmentError ? error.fix : undefined };
  }
  const needsHost = mode.mode === 'host';
  checks.push(checkDocker(docker, settings, mode));
  checks.push(await checkPython(settings, needsHost));
  checks.push(await checkJava(needsHost));
  checks.push(modeCheck ?? (await checkMode(mode, settings)));
  const health = await checkLocalStack(checks, settings, mode);
  if (health) {
    checks.push(checkVersion(health));
    checks.push(checkServices(health));
  }
  checks.push(await checkDisk());
  return report(checks);
}

function checkNode(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    return { name: 'Node.js', state: 'fail', detail: `v${process.versions.node}; the kit needs 22 or newer`, fix: 'Install Node 24 LTS (https://nodejs.org, or `nvm install 24`), then run `npm install` again.' };
  }
  return { name: 'Node.js', state: 'ok', detail: `v${process.versions.node}${major === 24 ? '' : ' (works; 24 LTS is the one the kit is tested on)'}` };
}

function checkDocker(answers: boolean, settings: LocalStackSettings, mode: ModeChoice): Check {
  if (answers) return { name: 'Docker engine', state: 'ok', detail: 'answers' };
  if (settings.requested === 'docker') {
    return { name: 'Docker engine', state: 'fail', detail: 'does not answer, and NORTHPOLE_LOCALSTACK=docker asks for it', fix: 'Start Docker Desktop (or the docker service), or unset NORTHPOLE_LOCALSTACK to run LocalStack without Docker.' };
  }
  const instead = mode.mode === 'endpoint' ? 'NORTHPOLE_ENDPOINT names the LocalStack to use' : 'LocalStack then runs on this machine from PyPI';
  return { name: 'Docker engine', state: 'note', detail: `does not answer (not needed: ${instead})` };
}

async function checkPython(settings: LocalStackSettings, required: boolean): Promise<Check> {
  const name = 'Python';
  const missing: State = required ? 'fail' : 'note';
  const why = required ? '' : ' (only needed when LocalStack runs without Docker)';
  const fix = 'Install Python 3.11 or newer with its venv module (Debian/Ubuntu: apt-get install python3 python3-venv; macOS/Windows: python.org), or set NORTHPOLE_PYTHON to one.';
  let stdout: string;
  try {
    ({ stdout } = await run(settings.python, ['-c', 'import sys, importlib.util as u; print("%d.%d.%d" % sys.version_info[:3], bool(u.find_spec("venv") and u.find_spec("ensurepip")))'], { timeout: 10_000 }));
  } catch {
    return { name, state: missing, detail: `${settings.python} not found${why}`, fix: required ? fix : undefined };
  }
  const [version = '', venv] = stdout.trim().split(' ');
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major !== 3 || minor < 11) return { name, state: missing, detail: `${version} (${settings.python}); LocalStack ${LOCALSTACK_VERSION} needs 3.11+${why}`, fix: required ? fix : undefined };
  if (venv !== 'True') return { name, state: missing, detail: `${version} (${settings.python}) without the venv module${why}`, fix: required ? fix : undefined };
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
    return { name, state: 'fail', detail: reason, fix: error instanceof EnvironmentError ? error.fix : 'Install a JDK 17 or newer, or set NORTHPOLE_JAVA_HOME to one.' };
  }
}

async function checkMode(mode: ModeChoice, settings: LocalStackSettings): Promise<Check> {
  const detail = `${mode.mode}: ${mode.reason}`;
  if (mode.mode === 'host') {
    const layout = hostLayout(settings);
    // The install itself, not only its marker: a virtualenv that cannot load LocalStack fails the next grade.
    const problem = await installProblem(layout);
    if (problem && (await isInstalled(layout))) {
      return { name: 'LocalStack mode', state: 'fail', detail: `${detail}; ${problem}`, fix: `Remove ${path.relative(PROJECT_ROOT, settings.home) || settings.home} (\`npm run localstack -- stop\` first); the next grade installs it again.` };
    }
    const installed = !problem && (await isInstalled(layout));
    return { name: 'LocalStack mode', state: 'ok', detail: `${detail}; ${installed ? `installed in ${path.relative(PROJECT_ROOT, settings.home) || settings.home}` : `${problem ? `${problem}; ` : ''}installed on the first grade (about a minute, once)`}` };
  }
  return { name: 'LocalStack mode', state: 'ok', detail: mode.mode === 'docker' ? `${detail}; image ${settings.image}` : detail };
}

/** Reachability; the health it read, when something answered, for the version and services checks. */
async function checkLocalStack(checks: Check[], settings: LocalStackSettings, mode: ModeChoice): Promise<Health | undefined> {
  const name = 'LocalStack';
  if (settings.endpoint) {
    const health = await readHealth(settings.endpoint, 10_000);
    checks.push(
      health
        ? { name, state: 'ok', detail: `answers at ${settings.endpoint}` }
        : { name, state: 'fail', detail: `nothing answers at ${settings.endpoint} (NORTHPOLE_ENDPOINT)`, fix: 'Start that LocalStack (e.g. `docker compose -f docker/compose.yml up -d`), or unset NORTHPOLE_ENDPOINT to let the kit start one.' },
    );
    return health;
  }
  if (mode.mode === 'docker') {
    checks.push({ name, state: 'note', detail: `runs in a container the kit starts, or reuses, on the next grade (${LOCALSTACK_IMAGE})` });
    return undefined;
  }
  const host = new HostLocalStack(settings);
  const running = await host.running();
  if (running) {
    checks.push({ name, state: 'ok', detail: `answers at ${running.endpoint} (started by the kit)` });
    return readHealth(running.endpoint);
  }
  const stranger = await readHealth(host.endpoint);
  if (stranger) {
    checks.push({ name, state: 'warn', detail: `something the kit did not start answers at ${host.endpoint}`, fix: `Use it with NORTHPOLE_ENDPOINT=${host.endpoint}, stop it, or pick another port with NORTHPOLE_PORT.` });
    return stranger;
  }
  checks.push({ name, state: 'note', detail: `not running; the next grade (or \`npm run localstack -- start\`) starts it at ${host.endpoint}` });
  return undefined;
}

function checkVersion(health: Health): Check {
  if (health.version === LOCALSTACK_VERSION) return { name: 'LocalStack version', state: 'ok', detail: health.version };
  return { name: 'LocalStack version', state: 'warn', detail: `${health.version}; the kit is tested with ${LOCALSTACK_VERSION}`, fix: `Run ${LOCALSTACK_IMAGE} (later tags need an auth token), or let the kit start LocalStack itself.` };
}

function checkServices(health: Health): Check {
  const states = TRACK_SERVICES.map((service) => `${service} ${health.services[service] ?? 'missing'}`).join(' · ');
  const notReady = servicesNotReady(health);
  if (notReady.length === 0) return { name: 'Services', state: 'ok', detail: states };
  return { name: 'Services', state: 'fail', detail: states, fix: `Start LocalStack with SERVICES=${TRACK_SERVICES.join(',')} (the kit does this itself), or wait for it to finish loading: ${notReady.join(', ')}.` };
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
  if (broken > 0) lines.push(c.red(`${broken} required ${broken === 1 ? 'check fails' : 'checks fail'} (✗): fix ${broken === 1 ? 'it' : 'them'}, then run npm run doctor again.`));
  else lines.push(c.green(`Everything the kit needs is in place${warnings > 0 ? `, with ${warnings} ${warnings === 1 ? 'warning' : 'warnings'} (!)` : ''}.`));
  lines.push('Asking for help? Paste everything from "North Pole Orders · doctor" down.');
  console.log(lines.join('\n'));
  return broken > 0 ? ExitCode.Environment : ExitCode.Pass;
}
