import { isIP } from 'node:net';
import type { HttpRequestLike } from './http-exchange';

/**
 * The client address a request's limits count: the platform's `ip` (which
 * honours `trust proxy` / `trustProxy`, so it may come from
 * `X-Forwarded-For`) only when it is an IP address; anything else a client
 * wrote there (15 kB of junk, a name) gives way to the socket's peer address,
 * which no client chooses.
 */
export function clientIp(request: HttpRequestLike): string {
  const ip = request.ip;
  if (ip !== undefined && ip.length <= 64 && isIP(ip) !== 0) return ip;
  const socket = (request as { socket?: { remoteAddress?: string } }).socket;
  return socket?.remoteAddress ?? 'unknown';
}
