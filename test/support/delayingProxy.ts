import http from 'node:http';

/**
 * An HTTP proxy in front of LocalStack that holds back the answer to every request whose body
 * contains `marker` until `release()` is called (or forever): a late answer made on purpose, so a
 * test does not depend on how fast the machine happens to be.
 */
export class DelayingProxy {
  private readonly held: (() => void)[] = [];
  /** How many requests with the marker have arrived. */
  heldCount = 0;
  private readonly arrivals: (() => void)[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
  ) {}

  static async start(target: string, marker: string): Promise<DelayingProxy> {
    let proxy!: DelayingProxy;
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const forward = () => {
          const upstream = http.request(new URL(request.url ?? '/', target), { method: request.method, headers: request.headers }, (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
          });
          upstream.on('error', () => response.destroy());
          upstream.end(body);
        };
        if (!body.includes(marker)) return forward();
        proxy.heldCount++;
        proxy.held.push(forward);
        proxy.arrivals.splice(0).forEach((arrived) => arrived());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new DelayingProxy(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    return proxy;
  }

  /** Resolves once a request with the marker has arrived and is being held. */
  async arrived(): Promise<void> {
    if (this.heldCount > 0) return;
    await new Promise<void>((resolve) => this.arrivals.push(resolve));
  }

  /** Lets every held request through to LocalStack. */
  release(): void {
    this.held.splice(0).forEach((forward) => forward());
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
