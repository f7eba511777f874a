import { gzipSync } from 'node:zlib';
import { eachPlatform } from '../support/platforms';
import { expectProblem } from '../support/expect-reply';
import { MISO, SENTIFYD, useRig } from '../support/rig';

const JSON_BODY = Buffer.from(JSON.stringify({ refreshToken: 'x'.repeat(43) }));
/** A gzip body cut short, and bytes that are no deflate stream at all. */
const BROKEN: Array<[string, Buffer]> = [
  ['gzip', gzipSync(JSON_BODY).subarray(0, 12)],
  ['deflate', Buffer.from('this is not a deflate stream at all, just bytes')],
];

/**
 * A POST body with a broken Content-Encoding to a token route is the
 * framework's error, answered as ours: 400 problem+json, no-store, one
 * token_request log line, no stack trace in the log.
 */
eachPlatform(() => {
  describe('a token route given a body with a broken Content-Encoding', () => {
    const rig = useRig();

    it.each(BROKEN.flatMap(([encoding, body]) => [MISO, SENTIFYD].map((path) => ({ encoding, body, path }))))(
      '$encoding to $path → 400 problem+json, one log line, no stack',
      async ({ encoding, body, path }) => {
        const before = rig.running.logger.lines.length;
        const reply = await rig.client.send(path, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'content-encoding': encoding, ...rig.auth('alice') },
        });
        expectProblem(reply, 400);
        expect(reply.headers['x-content-type-options']).toBe('nosniff');
        const lines = rig.running.logger.lines.slice(before);
        expect(lines.filter((line) => line.includes('"event":"token_request"'))).toHaveLength(1);
        expect(lines.join('\n')).not.toMatch(/\n\s+at |Error:|zlib|incorrect header/i);
      },
    );
  });
});
