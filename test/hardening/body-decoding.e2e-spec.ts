import { deflateSync, gzipSync } from 'node:zlib';
import { eachPlatform } from '../support/platforms';
import { expectProblem } from '../support/expect-reply';
import { MISO, useRig } from '../support/rig';
import { type Reply } from '../support/http';

/** 9 kB of JSON: over the 8 kB limit once decoded, a few dozen bytes gzipped. */
const LARGE = Buffer.from(JSON.stringify({ pad: 'a'.repeat(9 * 1024) }));
const SMALL = Buffer.from(JSON.stringify({ pad: 'a'.repeat(100) }));

/** A body sent chunked (no Content-Length), in 1 kB pieces. */
function chunked(body: Buffer): RequestInit {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < body.length; at += 1024) controller.enqueue(body.subarray(at, at + 1024));
      controller.close();
    },
  });
  return { body: stream, duplex: 'half' } as RequestInit;
}

/** Finding 3: the 8 kB limit read Content-Length on Express; Fastify took any Content-Encoding. */
eachPlatform(() => {
  describe('the body limit counts decoded bytes; unknown codings are 415 (finding 3)', () => {
    const rig = useRig();

    const post = (init: RequestInit, encoding?: string): Promise<Reply> =>
      rig.client.send(MISO, { method: 'POST', ...init, headers: { 'content-type': 'application/json', ...(encoding && { 'content-encoding': encoding }) } });
    const expectTooLarge = (reply: Reply) => {
      expect([400, 413]).toContain(reply.status);
      expectProblem(reply, reply.status);
      expect(reply.body.error).toBe('body_too_large');
    };

    it.each([
      ['gzip', gzipSync],
      ['deflate', deflateSync],
    ])('a %s body over 8 kB once inflated is refused, a small one answered', async (encoding, encode) => {
      expect(encode(LARGE).length).toBeLessThan(200);
      expectTooLarge(await post({ body: encode(LARGE) }, encoding));
      expectTooLarge(await post(chunked(encode(LARGE)), encoding));
      expect((await post({ body: encode(SMALL) }, encoding)).status).toBe(200);
    });

    it('a chunked body over 8 kB is refused, a small one answered', async () => {
      expectTooLarge(await post(chunked(LARGE)));
      expect((await post(chunked(SMALL))).status).toBe(200);
    });

    it.each(['br', 'compress', 'zstd', 'x-unknown'])('Content-Encoding: %s is 415 problem+json', async (encoding) => {
      const reply = await post({ body: SMALL }, encoding);
      expectProblem(reply, 415);
    });

    it('identity is a body as is', async () => {
      expect((await post({ body: SMALL }, 'identity')).status).toBe(200);
    });
  });
});
