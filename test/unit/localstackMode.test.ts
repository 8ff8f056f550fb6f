import { describe, expect, it } from 'vitest';
import { bindToLoopback, containerEnvironment, NorthPoleLocalStackContainer } from '../../kit/localstack/docker/dockerLocalStack.ts';
import { HostLocalStack } from '../../kit/localstack/host/hostLocalStack.ts';
import { hostLayout } from '../../kit/localstack/host/install.ts';
import { chooseMode } from '../../kit/localstack/mode.ts';
import { patchSetDigest } from '../../kit/localstack/patches/localStackPatches.ts';
import { LOCALSTACK_IMAGE, readSettings } from '../../kit/localstack/settings.ts';
import { emulatorLabel, type StartedLocalStack } from '../../kit/localstack/started.ts';
import { uptime } from '../../kit/localstack/modes.ts';
import { asEnvironmentError } from '../../kit/grading/verdicts.ts';
import { EnvironmentError } from '../../kit/environmentError.ts';

describe('choosing how LocalStack runs', () => {
  it('uses a named endpoint and starts nothing, whatever else is set', () => {
    expect(chooseMode({ requested: 'docker', endpoint: 'http://10.0.0.5:4566' }, true).mode).toBe('endpoint');
  });

  it('prefers Docker when an engine answers and nothing is requested', () => {
    expect(chooseMode({ requested: 'auto' }, true)).toEqual({ mode: 'docker', reason: 'a Docker engine answers' });
  });

  it('falls back to the no-Docker mode without an engine', () => {
    expect(chooseMode({ requested: 'auto' }, false).mode).toBe('host');
  });

  it('follows an explicit request even when Docker answers', () => {
    expect(chooseMode({ requested: 'host' }, true).mode).toBe('host');
    expect(chooseMode({ requested: 'docker' }, false).mode).toBe('docker');
  });
});

describe('settings', () => {
  it('pins the image to 4.13.1 unless the user names another', () => {
    expect(LOCALSTACK_IMAGE).toBe('localstack/localstack:4.13.1');
    expect(readSettings({}).image).toBe('localstack/localstack:4.13.1');
    expect(readSettings({ NORTHPOLE_LOCALSTACK_IMAGE: 'localstack/localstack-pro:4.13.1' }).image).toBe('localstack/localstack-pro:4.13.1');
  });

  it('passes LOCALSTACK_AUTH_TOKEN through only when it is set', () => {
    expect(containerEnvironment(readSettings({ LOCALSTACK_AUTH_TOKEN: 'ls-abc' })).LOCALSTACK_AUTH_TOKEN).toBe('ls-abc');
    expect(containerEnvironment(readSettings({}))).not.toHaveProperty('LOCALSTACK_AUTH_TOKEN');
  });

  it('rejects a mode or port it does not know, saying what is allowed', () => {
    expect(() => readSettings({ NORTHPOLE_LOCALSTACK: 'podman' })).toThrow(/auto, docker, host or endpoint/);
    expect(() => readSettings({ NORTHPOLE_PORT: 'abc' })).toThrow(/TCP port/);
    expect(() => readSettings({ NORTHPOLE_LOCALSTACK: 'endpoint' })).toThrow(/NORTHPOLE_ENDPOINT/);
  });
});

describe('loopback only', () => {
  it('binds every published container port to 127.0.0.1', () => {
    expect(bindToLoopback({ '4566/tcp': [{ HostPort: '0' }], '4510/tcp': [{ HostPort: '4510' }] })).toEqual({
      '4566/tcp': [{ HostPort: '0', HostIp: '127.0.0.1' }],
      '4510/tcp': [{ HostPort: '4510', HostIp: '127.0.0.1' }],
    });
  });

  it('configures the container with the pinned image, reuse and a loopback port binding', async () => {
    const container = new NorthPoleLocalStackContainer(readSettings({}));
    const inside = container as unknown as {
      imageName: { string: string };
      reuse: boolean;
      hostConfig: { PortBindings: Record<string, { HostIp?: string }[]> };
      beforeContainerCreated(): Promise<void>;
      createOpts: { Env: string[]; Labels: Record<string, string> };
    };
    await inside.beforeContainerCreated();
    expect(inside.imageName.string).toBe('localstack/localstack:4.13.1');
    expect(inside.reuse).toBe(true);
    expect(inside.hostConfig.PortBindings['4566/tcp']?.[0]?.HostIp).toBe('127.0.0.1');
    expect(inside.createOpts.Env).toContain('EAGER_SERVICE_LOADING=1');
    expect(inside.createOpts.Env.some((entry) => entry.startsWith('LAMBDA_DOCKER_FLAGS'))).toBe(false);
    // Other patches, another container: the reuse hash covers the labels.
    expect(inside.createOpts.Labels['org.northpole.kit.patches']).toBe(patchSetDigest());
  });

  it('makes the no-Docker LocalStack listen on 127.0.0.1 only, with everything under the project', () => {
    const settings = readSettings({ NORTHPOLE_LOCALSTACK_HOME: '/work/p/.localstack', NORTHPOLE_PORT: '4599' });
    const environment = new HostLocalStack(settings).environment();
    expect(environment.GATEWAY_LISTEN).toBe('127.0.0.1:4599');
    expect(environment.GATEWAY_SERVER).toBe('twisted');
    expect(environment.FILESYSTEM_ROOT).toBe(hostLayout(settings).filesystemRoot);
    expect(hostLayout(settings).varLibs).toBe('/work/p/.localstack/filesystem/var/lib/localstack/lib');
    expect(environment.SERVICES.split(',')).toEqual(expect.arrayContaining(['apigateway', 'events', 'stepfunctions', 'sqs', 'sns', 'dynamodb', 'iam']));
  });
});

describe('an emulator that lacks an API the grade calls', () => {
  const ministack: StartedLocalStack = {
    mode: 'endpoint',
    endpoint: 'http://127.0.0.1:4599',
    version: '1.5.33',
    emulator: 'MiniStack 1.5.33',
    notLocalStack: true,
  };
  /** An SDK error as the kit's clients leave it: the operation on `$operation`, the HTTP status in `$metadata`. */
  const sdkError = (name: string, message: string, status: number, operation: string) =>
    Object.defineProperty(Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } }), '$operation', { value: operation });

  it('is an environment error naming the operation and the emulator, for each way emulators say it', () => {
    for (const error of [
      sdkError('InvalidAction', 'The action StartMessageMoveTask is not valid for this endpoint.', 400, 'SQS StartMessageMoveTask'),
      sdkError('NotImplementedException', 'StartMessageMoveTask is not implemented', 501, 'SQS StartMessageMoveTask'),
      sdkError('InternalFailure', 'The API action is not yet emulated', 501, 'SQS StartMessageMoveTask'),
    ]) {
      const environment = asEnvironmentError(error, ministack);
      expect(environment).toBeInstanceOf(EnvironmentError);
      expect(environment!.what).toBe('The emulator at http://127.0.0.1:4599 (MiniStack 1.5.33) does not implement SQS StartMessageMoveTask');
      expect(environment!.message).toContain('not a mistake of yours');
      expect(environment!.fix).toContain('npm run doctor -- --track');
    }
    const apiGateway = asEnvironmentError(
      sdkError('NotFoundException', 'Unknown API Gateway v1 path: /restapis/x/resources/y/methods/POST', 404, 'APIGateway TestInvokeMethod'),
      ministack,
    );
    expect(apiGateway?.what).toContain('does not implement APIGateway TestInvokeMethod');
  });

  it('says LocalStack when it is LocalStack, and names the operation from the message when no client tagged it', () => {
    const error = Object.assign(new Error("The API action 'StartMessageMoveTask' for service 'sqs' is not yet emulated"), {
      name: 'InternalFailure',
      $metadata: { httpStatusCode: 501 },
    });
    expect(asEnvironmentError(error, { mode: 'host', endpoint: 'http://127.0.0.1:4566', version: '4.13.1' })?.what).toBe(
      'LocalStack does not implement StartMessageMoveTask',
    );
  });

  it("leaves AWS's answers to a learner's mistakes alone: they are the learner's", () => {
    expect(asEnvironmentError(sdkError('ValidationException', 'Detail is not valid JSON', 400, 'EventBridge PutEvents'), ministack)).toBeUndefined();
    expect(
      asEnvironmentError(sdkError('ResourceNotFoundException', 'Event bus npabcde-orders does not exist.', 400, 'EventBridge PutRule'), ministack),
    ).toBeUndefined();
    expect(
      asEnvironmentError(sdkError('NotFoundException', 'Invalid Resource identifier specified', 404, 'APIGateway GetResource'), ministack),
    ).toBeUndefined();
  });

  it('a connection refused mid-grade says the emulator stopped answering', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4599'), { code: 'ECONNREFUSED' });
    expect(asEnvironmentError(refused, ministack)?.what).toBe('The emulator at http://127.0.0.1:4599 (MiniStack 1.5.33) stopped answering');
    expect(emulatorLabel({ mode: 'endpoint', endpoint: 'http://10.0.0.5:4566', version: 'unknown', notLocalStack: true })).toBe(
      'the emulator at http://10.0.0.5:4566',
    );
  });
});

describe('status lines', () => {
  it('say how long a LocalStack has been up, in words', () => {
    const now = Date.parse('2026-12-24T20:00:00Z');
    expect(uptime(new Date(now - 20_000), now)).toBe('up less than a minute');
    expect(uptime(new Date(now - 4 * 60_000), now)).toBe('up 4 min');
    expect(uptime(new Date(now - 125 * 60_000), now)).toBe('up 2 h 5 min');
    expect(uptime(new Date(now - 72 * 3600_000), now)).toBe('up 3 days');
  });
});
