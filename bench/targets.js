'use strict';
/**
 * The servers the bench measures, each started on 127.0.0.1 with listen(0).
 * `host.js` runs one of them per child process, so every target has a heap,
 * a JIT and an event loop of its own, and the load generator (the parent) never
 * shares a core's event loop with the server it measures.
 *
 * Every factory returns { url, info, ops, close }: `ops` are the calls the
 * parent may make over IPC (upstream call counts, upstream delay).
 */
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');
const { randomBytes } = require('node:crypto');

// BENCH_ROOT lets `--candidate <checkout>` run a patched build beside the current one: the
// app from <root>/dist/src, the library as that checkout resolves `nestjs-token-broker`
// (its workspace link to <root>/libs/token, built to libs/token/dist).
const ROOT = path.resolve(process.env.BENCH_ROOT || path.join(__dirname, '..'));
const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));

/** Requires `specifier` as the checkout at ROOT resolves it; says how to build when a file is missing. */
function fromRoot(specifier) {
  try {
    return requireFromRoot(specifier);
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND' && /dist[\\/]/.test(String(error.message))) {
      throw new Error(`${specifier} (from ${ROOT}): a built file is missing: run npm run build (npm run bench builds first)\n${error.message}`);
    }
    throw error;
  }
}

/** A module of the built example app (dist/src/...). */
const fromDist = (relative) => fromRoot(`./${path.posix.join('dist', relative)}`);

/** The built library, by its package name: '' for the main entry, '/redis', '/testing'. */
const library = (entry = '') => fromRoot(`nestjs-token-broker${entry}`);

/**
 * A file inside the built library that its package exports do not expose
 * (RefreshHandles, for the memory figure). Required by its real path, so it is
 * the same module instance the app loaded through the package.
 */
function libraryFile(relative) {
  const root = path.dirname(fs.realpathSync(requireFromRoot.resolve('nestjs-token-broker/package.json')));
  return fromRoot(path.join(root, 'dist', relative));
}

/** A Nest logger that drops every line: the request log line is still built, only not written. */
const DISCARD_LOGGER = Object.freeze({
  log() {}, error() {}, warn() {}, debug() {}, verbose() {}, fatal() {},
});

/**
 * The upstream stand-ins (the sandbox's own simulators): Miso and Sentifyd for
 * the app, and a second Sentifyd answering after 100 ms for the reference route.
 */
async function upstreams() {
  const { startMisoSimulator, startSentifydSimulator } = library('/testing');
  const clientSecret = randomBytes(24).toString('base64url');
  const apiKey = randomBytes(24).toString('base64url');
  const sims = {
    miso: await startMisoSimulator({ clientId: 'ctrl-bench-app', clientSecret }),
    sentifyd: await startSentifydSimulator({ apiKey }),
    reference: await startSentifydSimulator({ apiKey }),
  };
  sims.reference.delayMs = 100;
  const env = {
    NODE_ENV: 'production',
    MISO_CLIENTID: 'ctrl-bench-app',
    MISO_CLIENTSECRET: clientSecret,
    MISO_CONTROLLER_URL: sims.miso.url,
    AVATAR_API_KEY: apiKey,
    SENTIFYD_BACKEND: sims.sentifyd.url,
    AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
    TOKEN_RATE_LIMIT: '0',
  };
  return {
    url: sims.miso.url,
    info: { env, referenceUpstream: sims.reference.url, apiKey },
    ops: {
      counts: () => Object.fromEntries(Object.entries(sims).map(([name, sim]) => [name, sim.count])),
      delay: ({ name, ms }) => void (sims[name].delayMs = ms),
    },
    close: () => Promise.all(Object.values(sims).map((sim) => sim.close())),
  };
}

/**
 * The example app through its own factory (`createApp`), as `main.ts` starts it:
 * on Fastify, or on Express with `HTTP_ADAPTER=express` in `env`.
 * options: env; log 'discard' (default) or 'console' (Nest's ConsoleLogger, to
 * this process's stdout, which the parent points at /dev/null); redis
 * { url, prefix } for a RedisTokenStore, else the in-memory store; storeKey;
 * metrics false to switch the library's metrics off.
 * Op `storeCalls`: how many store calls the library has made.
 */
async function app(options) {
  const { createApp } = fromDist('src/app.factory.js');
  const { MemoryTokenStore } = library();
  const { RedisTokenStore } = library('/redis');
  const store = counted(
    options.redis ? RedisTokenStore.fromUrl(options.redis.url, { prefix: options.redis.prefix }) : new MemoryTokenStore(),
  );
  const overrides = { store: store.store, ...(options.storeKey && { storeKey: options.storeKey }), ...(options.metrics === false && { metrics: false }) };
  const logger = options.log === 'console' ? undefined : DISCARD_LOGGER;
  const nest = await createApp(options.env, { overrides, logger });
  const listening = await listenNest(nest);
  return { ...listening, ops: { storeCalls: () => store.calls } };
}

/**
 * The store the module would make (memory) or a RedisTokenStore, counting the
 * calls the library makes, so the bench can show a warm hit never touches it.
 */
function counted(inner) {
  const counter = { calls: 0 };
  counter.store = new Proxy(inner, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (key === 'close') return value.bind(target);
      return (...args) => {
        counter.calls += 1;
        return value.apply(target, args);
      };
    },
  });
  return counter;
}

/** The headers every token answer carries (the library's TOKEN_HEADERS), for bare Nest and raw node:http. */
const TOKEN_HEADERS = Object.freeze({ 'Cache-Control': 'no-store', Pragma: 'no-cache', 'X-Content-Type-Options': 'nosniff' });

/**
 * A bare Nest app on `options.platform` ('fastify' or 'express'), set up as
 * the example app sets up that platform: one controller with one GET route
 * returning a fixed JSON body (the app's own answer, handed over with the
 * `body` op) with the token headers from `@Header`.
 */
async function bare(options) {
  const { Controller, Get, Header, Module } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');
  let body = options.body;
  class BareController {
    get() {
      return body;
    }
  }
  const proto = BareController.prototype;
  // What `@Get() @Header(...) x3 get()` compiles to.
  const headers = Object.entries(TOKEN_HEADERS).map(([name, value]) => Header(name, value));
  Reflect.decorate([Get(), ...headers], proto, 'get', Object.getOwnPropertyDescriptor(proto, 'get'));
  Controller(options.path)(BareController);
  class BareModule {}
  Module({ controllers: [BareController] })(BareModule);
  let nest;
  if (options.platform === 'express') {
    nest = await NestFactory.create(BareModule, { logger: false });
    // The same two Express settings the example app makes, so the ratio measures the library.
    nest.set('etag', false);
    nest.disable('x-powered-by');
  } else {
    const { FastifyAdapter } = require('@nestjs/platform-fastify');
    nest = await NestFactory.create(BareModule, new FastifyAdapter(), { logger: false });
  }
  return { ...(await listenNest(nest)), ops: { body: (next) => void (body = next) } };
}

/** A raw node:http server: the same JSON (the `body` op) and headers, nothing else. */
async function raw(options) {
  let body = options.body;
  const server = http.createServer((request, response) => {
    if (request.url !== options.path) {
      response.writeHead(404).end();
      return;
    }
    const json = JSON.stringify(body);
    response.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(json),
      ...TOKEN_HEADERS,
    });
    response.end(json);
  });
  return { ...(await listenServer(server)), ops: { body: (next) => void (body = next) } };
}

/**
 * The vendors' reference style: Sentifyd's documented Express route, which
 * calls the upstream (axios) on every request. Kept as the snippet has it.
 */
async function reference(options) {
  const express = require('express');
  const axios = require('axios');
  const server = express();
  server.get('/request_tokens', async (_req, res) => {
    try {
      const response = await axios.post(`${options.upstream}/api/login`, { avatar_api_key: options.apiKey });
      if (response.status !== 200) return res.status(response.status).json({ error: 'Authentication failed', details: response.data });
      const data = response.data.data;
      return res.status(200).json({
        tokens: { accessToken: data.access_token, refreshToken: data.refresh_token },
        avatarParameters: data.avatar_params,
      });
    } catch {
      return res.status(500).json({ error: 'Internal server error' });
    }
  });
  return listenServer(http.createServer(server));
}

async function listenNest(nest) {
  await nest.listen(0, '127.0.0.1');
  const { port } = nest.getHttpServer().address();
  return { url: `http://127.0.0.1:${port}`, ops: {}, close: () => nest.close() };
}

async function listenServer(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const close = () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${server.address().port}`, ops: {}, close };
}

module.exports = { targets: { upstreams, app, bare, raw, reference }, fromDist, library, libraryFile, ROOT, DISCARD_LOGGER };
