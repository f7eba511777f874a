// The sandbox demo page: the browser client (nestjs-token-broker/browser) against
// the example app's two token routes. Plain ES module, no build step.
import { createTokenClient } from './index.js';

/** The client's default: a token is refreshed in the last 20 % of its life (at least 10 s, at most half). */
const REFRESH_AHEAD = 0.2;
/** Wait after a failed request before trying again. */
const RETRY_MS = 5000;

const logBody = document.getElementById('log');
const logSummary = document.getElementById('log-summary');
let logged = 0;

/** Long enough to tell tokens apart, too short to use: head and tail only. */
const abbreviate = (token) => (token.length > 24 ? `${token.slice(0, 12)}…${token.slice(-6)}` : token);
const clock = (ms) => new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
/** `m:ss` */
const duration = (ms) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** One row of the request log, newest first. */
function logRow({ route, kind, status, ms, token, shared = false }) {
  const code =
    status === undefined
      ? el('span', { className: 'code none', textContent: '—' })
      : el('span', { className: `code ${status > 0 && status < 400 ? 'ok' : 'bad'}`, textContent: status || 'net' });
  const row = el(
    'tr',
    { className: shared ? 'shared' : '' },
    el('td', { textContent: clock(Date.now()) }),
    el('td', {}, el('code', { textContent: route })),
    el('td', { textContent: kind }),
    el('td', {}, code),
    el('td', { className: 'num', textContent: ms === undefined ? '—' : `${Math.round(ms)} ms` }),
    el('td', {}, token ? el('code', { textContent: abbreviate(token) }) : ''),
  );
  logBody.prepend(row);
  while (logBody.rows.length > 50) logBody.deleteRow(-1);
  if (!shared) logged += 1;
  logSummary.textContent = `${logged} request${logged === 1 ? '' : 's'} since this page opened`;
}

/** A `fetch` for the client that writes every request it makes into the log. */
function loggingFetch(card) {
  return async (url, init) => {
    const route = new URL(url, location.href).pathname;
    const kind = JSON.parse(init.body || '{}').refreshToken ? 'refresh (handle)' : 'new token';
    const started = performance.now();
    try {
      const response = await fetch(url, init);
      const body = await response.clone().json().catch(() => undefined);
      const token = body?.token ?? body?.tokens?.accessToken;
      logRow({ route, kind, status: response.status, ms: performance.now() - started, token });
      card.fetched = true;
      return response;
    } catch (error) {
      logRow({ route, kind, status: 0, ms: performance.now() - started });
      throw error;
    }
  };
}

/**
 * A card for one token route: shows the token the client holds, counts down to its
 * refresh and asks the client for a new one then. Another tab's fetch arrives through
 * `onToken` as well, so this tab then makes no request of its own.
 */
function tokenCard(id, { url, fetchInit, details }) {
  const node = document.getElementById(id);
  const part = (role) => node.querySelector(`[data-role="${role}"]`);
  const card = { node, current: undefined, refreshAt: 0, receivedAt: 0, received: 0, timer: 0, fetched: false };
  const client = createTokenClient({ url, fetchInit, refreshAhead: REFRESH_AHEAD, fetch: loggingFetch(card) });

  const setState = (state, label) => {
    node.dataset.state = state;
    part('status').textContent = label;
  };

  const load = () => {
    if (card.current) setState('refreshing', 'Refreshing…');
    client.getToken().then(() => {
      if (node.dataset.state === 'refreshing') setState('ready', 'Live');
    }, (error) => {
      setState('error', `${error.code ?? 'error'}${error.status ? ` (${error.status})` : ''}`);
      part('meta').textContent = `${error.message}. Trying again in ${RETRY_MS / 1000} s.`;
      clearTimeout(card.timer);
      card.timer = setTimeout(load, RETRY_MS);
    });
  };

  client.onToken((result) => {
    const own = card.fetched;
    card.fetched = false;
    if (card.current && card.current.token === result.token && card.current.expiresAt === result.expiresAt) return;
    card.current = result;
    card.received += 1;
    if (!own) {
      logRow({ route: new URL(url, location.href).pathname, kind: 'from another tab, no request', token: result.token, shared: true });
    }
    card.receivedAt = result.expiresAt - result.expiresIn * 1000;
    card.refreshAt = result.refreshAt;
    part('token').textContent = abbreviate(result.token);
    details(part, result.body);
    node.dataset.expiresAt = String(result.expiresAt);
    node.dataset.received = String(card.received);
    const from = own ? 'fetched by this tab' : 'from another tab, no request';
    part('meta').textContent = `Received ${clock(Date.now())}, ${from} · ${card.received} so far`;
    setState('ready', 'Live');
    // The client fetches only once the token is inside its refresh window: ask just after it opens.
    clearTimeout(card.timer);
    card.timer = setTimeout(load, Math.max(0, card.refreshAt - Date.now()) + 20);
    tick(card);
  });

  card.load = load;
  return card;
}

function tick(card) {
  if (!card.current) return;
  const left = card.refreshAt - Date.now();
  const span = Math.max(1, card.refreshAt - card.receivedAt);
  card.node.querySelector('[data-role="countdown"]').textContent = duration(left);
  const expires = `in ${duration(card.current.expiresAt - Date.now())}, at ${clock(card.current.expiresAt)}`;
  card.node.querySelector('[data-role="expires"]').textContent = expires;
  card.node.querySelector('[data-role="bar"]').style.width = `${Math.min(100, Math.max(0, (left / span) * 100)).toFixed(1)}%`;
}

const chip = (name, value) => el('span', { className: 'chip' }, el('b', { textContent: name }), String(value));

const miso = tokenCard('miso', {
  url: '/api/client-token',
  details(part, body) {
    part('client-id').textContent = body.config?.clientId ?? '—';
    part('controller').textContent = body.config?.controllerPublicUrl ?? body.config?.controllerUrl ?? '—';
  },
});
miso.load();

async function signIn() {
  const session = document.getElementById('session');
  const response = await fetch('/demo/session', { method: 'POST' });
  if (!response.ok) throw new Error(`sign-in failed (${response.status})`);
  const { bearer } = await response.json();
  // The bearer is a JWT: its payload names the user (reading it needs no secret).
  const payload = JSON.parse(atob(bearer.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  session.textContent = `Signed in as ${payload.sub}`;
  return bearer;
}

const sentifyd = await signIn().then(
  (bearer) =>
    tokenCard('sentifyd', {
      url: '/request_tokens?avatar_id=avtr_demo',
      fetchInit: { headers: { authorization: `Bearer ${bearer}` } },
      details(part, body) {
        const params = Object.entries(body.avatarParameters ?? {});
        part('avatar').replaceChildren(...(params.length ? params.map(([k, v]) => chip(k, v)) : ['—']));
      },
    }),
  (error) => {
    document.getElementById('session').textContent = error.message;
    return undefined;
  },
);
sentifyd?.load();

setInterval(() => {
  tick(miso);
  if (sentifyd) tick(sentifyd);
}, 250);
