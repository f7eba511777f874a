import { request as httpRequest } from 'node:http';

/**
 * The requests the seeds' real browser clients send, as recorded from their
 * source (method, headers, body, credentials, query). The HTTP-level spec sends
 * them with node:http byte for byte; the browser spec replays them as the
 * clients' own fetch calls in Chromium.
 */

/** Miso's default `clientTokenUri`, and the seed's one-liner option. */
export const MISO_PATHS = ['/api/v1/auth/client-token', '/api/client-token'] as const;

/** The WordPress plugin's `token_endpoint`: its own query (avatar id, CSRF nonce) plus a cache buster. */
export function sentifydEndpoint(avatarId: string): string {
  return `/request_tokens?avatar_id=${avatarId}&_wpnonce=3f9a2c1b7e&_=1767225600000`;
}

/** What `<sentifyd-bot>` GETs when its access token expires: `refreshToken` appended to `token_endpoint`. */
export function withRefreshToken(endpoint: string, handle: string): string {
  return `${endpoint}${endpoint.includes('?') ? '&' : '?'}refreshToken=${encodeURIComponent(handle)}`;
}

/** How the body goes on the wire: none at all (GET), `Content-Length: 0`, or chunked with zero bytes. */
export type Framing = 'none' | 'length-0' | 'chunked-0';

/** One raw answer. */
export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
}

/**
 * Sends one request with exactly `headers` (node adds only `Host` and
 * `Connection`) and the body framing asked for: no body bytes, unless
 * `chunks` (chunked framing) are given.
 */
export function rawSend(base: string, method: 'GET' | 'POST', path: string, headers: Record<string, string>, framing: Framing, chunks: string[] = []): Promise<RawReply> {
  const wire: Record<string, string> = { ...headers };
  if (framing === 'length-0') wire['content-length'] = '0';
  if (framing === 'chunked-0') wire['transfer-encoding'] = 'chunked';
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, base), { method, headers: wire }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body });
      });
    });
    request.on('error', reject);
    for (const chunk of chunks) request.write(chunk);
    request.end(); // chunked: the terminating zero-length chunk
  });
}

/** The headers of Miso's `fetch` (Content-Type only; the browser adds Origin on a POST). */
export function misoHeaders(origin?: string): Record<string, string> {
  return { 'content-type': 'application/json', ...(origin && { origin }) };
}
