import type { INestApplication } from '@nestjs/common';
import { connect } from 'node:net';
import type { RequestDeadlines } from 'nestjs-token-broker';
import { createApp } from '../../src/app.factory';
import { CaptureLogger } from '../support/capture-logger';
import { startUpstreams, type Upstreams } from '../support/harness';
import { currentPlatform, eachPlatform } from '../support/platforms';

/** What a raw connection saw: the bytes the server sent, and when it closed (ms after the last write). */
interface Slow {
  received(): string;
  closed: Promise<number>;
  write(text: string): void;
}

function openRaw(url: string, first: string): Slow {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let data = '';
  let lastWrite = performance.now();
  socket.on('data', (chunk) => (data += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((done) => socket.once('close', () => done(performance.now() - lastWrite)));
  socket.write(first);
  return {
    received: () => data,
    closed,
    write: (text) => {
      lastWrite = performance.now();
      socket.write(text);
    },
  };
}

const HEAD = 'POST /api/client-token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';

/** Finding 2: a connection sending headers and part of a body was never closed on Fastify (1,000 held 1,000 descriptors). */
eachPlatform(() => {
  describe('slow requests are cut off (finding 2)', () => {
    let upstreams: Upstreams;
    const apps: INestApplication[] = [];
    beforeAll(async () => {
      upstreams = await startUpstreams();
    });
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
      await upstreams.close();
    });
    const boot = async (deadlines?: RequestDeadlines, bodyTimeoutMs?: number): Promise<string> => {
      const overrides = bodyTimeoutMs === undefined ? {} : { bodyTimeoutMs };
      const app = await createApp({ ...upstreams.env, HTTP_ADAPTER: currentPlatform() }, { logger: new CaptureLogger(), deadlines, overrides });
      apps.push(app);
      await app.listen(0, '127.0.0.1');
      return (await app.getUrl()).replace('[::1]', '127.0.0.1');
    };

    it('headers not in within the deadline: the connection is closed, nothing answered', async () => {
      const url = await boot({ headersMs: 1_000, bodyMs: 1_000 });
      const slow = openRaw(url, 'POST /api/client-token HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      expect(await slow.closed).toBeGreaterThanOrEqual(900);
      expect(slow.received()).toBe('');
    }, 10_000);

    it('a body not in within the deadline after its headers: the connection is closed, nothing answered', async () => {
      const url = await boot({ headersMs: 1_000, bodyMs: 1_000 });
      const slow = openRaw(url, `${HEAD}Content-Length: 100\r\n\r\n{"pad":"`);
      expect(await slow.closed).toBeGreaterThanOrEqual(900);
      expect(slow.received()).toBe('');
    }, 10_000);

    it('a slow body that makes it in time is answered', async () => {
      const url = await boot({ headersMs: 1_000, bodyMs: 1_000 });
      const body = '{"pad":"aaaa"}';
      const slow = openRaw(url, `${HEAD}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`);
      await new Promise((done) => setTimeout(done, 300));
      slow.write(body.slice(5));
      await slow.closed;
      expect(slow.received()).toMatch(/^HTTP\/1\.1 200 /);
    }, 10_000);

    it("the library bounds its own routes' bodies (bodyTimeoutMs) even when the app sets no deadline", async () => {
      const url = await boot({ headersMs: false, bodyMs: false }, 1_000);
      const slow = openRaw(url, `${HEAD}Content-Length: 100\r\n\r\n{"pad":"`);
      expect(await slow.closed).toBeGreaterThanOrEqual(900);
      expect(slow.received()).toBe('');
    }, 10_000);

    // The defaults themselves: a 10 s limit, a test of at most 15 s.
    it('by default the body gets 10 s after its headers, then the connection is closed', async () => {
      const url = await boot();
      const slow = openRaw(url, `${HEAD}Content-Length: 100\r\n\r\n{"pad":"`);
      expect(await slow.closed).toBeGreaterThanOrEqual(9_900);
      expect(slow.received()).toBe('');
    }, 15_000);
  });
});
