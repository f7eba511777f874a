import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort, startPrivateRedis, type PrivateRedis } from './redis-server';

/** Polls `check` every 50 ms until it holds; rejects after `timeoutMs` naming `what`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > giveUpAt) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A TLS-only server with a certificate for 127.0.0.1 signed by a CA made for the test (openssl). */
export interface TlsRedis extends PrivateRedis {
  /** Path of the CA's PEM file. */
  readonly caPath: string;
  readonly ca: Buffer;
  /** Removes the certificates. */
  cleanup(): void;
}

/** Makes a CA and a server certificate with `openssl`, and starts a TLS-only server with them. */
export async function startTlsRedis(): Promise<TlsRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-tls-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore', timeout: 10_000 });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test-ca', '-keyout', at('ca.key'), '-out', at('ca.pem'));
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', at('server.key'), '-out', at('server.csr'));
  openssl('x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-days', '1', '-out', at('server.pem'), '-extfile', writeExt(dir));
  const ca = readFileSync(at('ca.pem'));
  const args = ['--tls-cert-file', at('server.pem'), '--tls-key-file', at('server.key'), '--tls-ca-cert-file', at('ca.pem'), '--tls-auth-clients', 'no'];
  const server = await startPrivateRedis({ tls: { args, ca } });
  return Object.assign(Object.create(server) as PrivateRedis, { caPath: at('ca.pem'), ca, cleanup: () => rmSync(dir, { recursive: true, force: true }) }) as TlsRedis;
}

function writeExt(dir: string): string {
  const path = join(dir, 'san.ext');
  writeFileSync(path, 'subjectAltName=IP:127.0.0.1\n');
  return path;
}

/** A primary, its replica and one Sentinel watching them, all with `password`. */
export interface SentinelSet {
  readonly primary: PrivateRedis;
  readonly replica: PrivateRedis;
  readonly sentinel: PrivateRedis;
  readonly name: string;
}

/** Starts the set and resolves once the replica is in sync and the Sentinel knows both. */
export async function startSentinelSet(password: string): Promise<SentinelSet> {
  const auth = ['--requirepass', password, '--masterauth', password];
  const primary = await startPrivateRedis({ args: auth });
  const replica = await startPrivateRedis({ args: [...auth, '--replicaof', '127.0.0.1', String(primary.port)] });
  const name = 'testprimary';
  const sentinel = await startPrivateRedis({
    port: await freePort(),
    sentinelConfig: [
      `sentinel monitor ${name} 127.0.0.1 ${primary.port} 1`,
      `sentinel auth-pass ${name} ${password}`,
      `sentinel down-after-milliseconds ${name} 1000`,
      `sentinel failover-timeout ${name} 3000`,
      `requirepass ${password}`,
      '',
    ].join('\n'),
  });
  const probe = new Redis(replica.port, '127.0.0.1', { password, maxRetriesPerRequest: 1 });
  const watcher = new Redis(sentinel.port, '127.0.0.1', { password, maxRetriesPerRequest: 1 });
  try {
    await until('replica in sync', async () => /master_link_status:up/.test(await probe.info('replication')));
    await until('sentinel sees the replica', async () => ((await watcher.call('SENTINEL', 'REPLICAS', name)) as unknown[]).length > 0);
  } finally {
    probe.disconnect();
    watcher.disconnect();
  }
  return { primary, replica, sentinel, name };
}

/** Three masters of a Redis Cluster (no replicas), slots spread by `redis-cli --cluster create`. */
export async function startCluster(password: string): Promise<PrivateRedis[]> {
  const nodes: PrivateRedis[] = [];
  for (let i = 0; i < 3; i++) {
    // The bus port defaults to port + 10000, which may be taken or past 65535: a free one of its own instead.
    const bus = String(await freePort());
    nodes.push(await startPrivateRedis({ args: ['--cluster-enabled', 'yes', '--cluster-port', bus, '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000', '--requirepass', password, '--masterauth', password] }));
  }
  execFileSync('redis-cli', ['-a', password, '--no-auth-warning', '--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore', timeout: 20_000 });
  for (const node of nodes) {
    const client = new Redis(node.port, '127.0.0.1', { password, maxRetriesPerRequest: 1 });
    try {
      await until('cluster state ok', async () => /cluster_state:ok/.test((await client.call('CLUSTER', 'INFO')) as string), 15_000);
    } finally {
      client.disconnect();
    }
  }
  return nodes;
}
