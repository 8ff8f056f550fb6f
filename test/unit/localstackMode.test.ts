import { describe, expect, it } from 'vitest';
import { bindToLoopback, containerEnvironment, NorthPoleLocalStackContainer } from '../../kit/localstack/docker/dockerLocalStack.ts';
import { HostLocalStack } from '../../kit/localstack/host/hostLocalStack.ts';
import { hostLayout } from '../../kit/localstack/host/install.ts';
import { chooseMode } from '../../kit/localstack/mode.ts';
import { patchSetDigest } from '../../kit/localstack/patches/localStackPatches.ts';
import { LOCALSTACK_IMAGE, readSettings } from '../../kit/localstack/settings.ts';

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
    expect(environment.GATEWAY_SERVER).toBe('hypercorn');
    expect(environment.FILESYSTEM_ROOT).toBe(hostLayout(settings).filesystemRoot);
    expect(hostLayout(settings).varLibs).toBe('/work/p/.localstack/filesystem/var/lib/localstack/lib');
    expect(environment.SERVICES.split(',')).toEqual(expect.arrayContaining(['apigateway', 'events', 'stepfunctions', 'sqs', 'sns', 'dynamodb', 'iam']));
  });
});
