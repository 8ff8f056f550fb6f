import { createServer as createHttpServer, type Server } from 'node:http';

/** A Docker engine that answers, has no images and cannot reach its registry, as at an offline venue. */
export function fakeDocker(): Server {
  return createHttpServer((request, response) => {
    const url = request.url ?? '';
    const send = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.endsWith('/_ping')) return void response.writeHead(200).end('OK');
    if (url.endsWith('/version')) return send(200, { Version: '28.0.0', ApiVersion: '1.48' });
    if (url.includes('/images/')) return send(404, { message: 'No such image: localstack/localstack:4.13.1' });
    if (url.includes('/distribution/'))
      return send(500, { message: 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host' });
    send(500, { message: 'the registry is unreachable' });
  });
}
