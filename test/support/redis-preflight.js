'use strict';
// Plain JavaScript so that `npm test` can run it before type-checking and building (a minute of work),
// and jest as its globalSetup.
const net = require('node:net');
const tls = require('node:tls');

const TIMEOUT_MS = 2_500;

/**
 * Checks once, before any suite, that the Redis at REDIS_URL (default
 * redis://127.0.0.1:6379) answers PING. Without it the suites would each wait
 * out their own timeouts (a thousand lines of output and a run that seems to
 * hang); instead the run stops at once with one line that names Redis, the
 * address tried and how to start one.
 * @returns {Promise<void>}
 */
async function redisPreflight() {
  const raw = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw oneLine('Redis: REDIS_URL is not a URL; set it to redis://host:port');
  }
  const address = `${url.hostname}:${url.port || 6379}`;
  const problem = await ping(url).catch((error) => error.message);
  if (problem !== undefined) {
    throw oneLine(`Redis is not reachable at ${address} (${problem}): the tests need one. Start it with \`redis-server --daemonize yes --save "" --appendonly no\`, or set REDIS_URL.`);
  }
}

/** Resolves once Redis answers PONG; rejects with a short reason (never the URL: it may hold a password). */
function ping(url) {
  return new Promise((resolve, reject) => {
    const port = Number(url.port || 6379);
    const socket = url.protocol === 'rediss:' ? tls.connect({ host: url.hostname, port, servername: url.hostname }) : net.connect({ host: url.hostname, port });
    const done = (error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(undefined);
    };
    const timer = setTimeout(() => done(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    let reply = '';
    socket.on('error', (error) => done(new Error(error.code || 'connection failed')));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('+PONG')) done();
      else if (reply.startsWith('-') || reply.includes('\r\n-')) done(new Error('it refused PING; check the password in REDIS_URL'));
    });
    const password = url.password ? decodeURIComponent(url.password) : '';
    const auth = password ? [url.username ? `AUTH ${decodeURIComponent(url.username)} ${password}` : `AUTH ${password}`] : [];
    socket.write([...auth, 'PING', ''].join('\r\n'));
  });
}

/** An error that prints as exactly one line: jest prints a globalSetup error's stack, so the stack is the line. */
function oneLine(line) {
  const error = new Error(line);
  error.stack = line;
  return error;
}

module.exports = redisPreflight;

if (require.main === module) {
  redisPreflight().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  });
}
