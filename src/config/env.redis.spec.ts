import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvError, parseEnv } from './env.schema';
import { redisConnection } from './env.redis';

const MISO = { MISO_CLIENTID: 'ctrl-dev-my-app', MISO_CLIENTSECRET: 'miso-secret-distinctive-7c1e', MISO_CONTROLLER_URL: 'https://miso.example' };
const PASSWORD = 'redis-password-distinctive-42';
const ca = join(mkdtempSync(join(tmpdir(), 'env-redis-')), 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');

/** The one line `raw` is refused with (it names the variable, and quotes no value). */
function refusal(raw: Record<string, string>): string {
  try {
    parseEnv({ ...MISO, ...raw });
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    const { message } = error as EnvError;
    expect(message).not.toMatch(/\n/);
    expect(message).not.toContain(PASSWORD);
    return message;
  }
  throw new Error('parseEnv accepted the configuration');
}

describe('Redis variables: exactly one variant', () => {
  it.each([
    [{ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: 'a:1' }, /^REDIS_CLUSTER_NODES: cannot be combined with REDIS_URL/],
    [{ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm' }, /^REDIS_SENTINELS: cannot be combined with REDIS_URL/],
    [{ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER_NODES: 'b:2' }, /^REDIS_CLUSTER_NODES: cannot be combined/],
    [{ REDIS_SENTINELS: 'a:1' }, /^REDIS_SENTINEL_NAME: is required/],
    [{ REDIS_SENTINEL_NAME: 'mymaster' }, /^REDIS_SENTINELS: is required/],
    [{ REDIS_SENTINELS: 'a', REDIS_SENTINEL_NAME: 'm' }, /^REDIS_SENTINELS: must be host:port/],
    [{ REDIS_CLUSTER_NODES: 'a:99999' }, /^REDIS_CLUSTER_NODES: must be host:port/],
    [{ REDIS_PASSWORD: PASSWORD }, /^REDIS_PASSWORD: is for REDIS_SENTINELS or REDIS_CLUSTER_NODES/],
    [{ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PASSWORD: PASSWORD }, /^REDIS_PASSWORD: is for/],
    [{ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_TLS_CA: ca }, /^REDIS_TLS_CA: needs a rediss:\/\/ REDIS_URL/],
    [{ REDIS_URL: 'rediss://127.0.0.1:6379', REDIS_TLS_CA: '/nonexistent/ca.pem' }, /^REDIS_TLS_CA: names no readable file/],
    [{ REDIS_TLS_CA: ca }, /^REDIS_TLS_CA: needs a rediss/],
  ])('refuses %j in one line naming the variable', (raw, line) => {
    expect(refusal(raw)).toMatch(line);
  });

  it.each([
    [{}, undefined],
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, { url: 'redis://127.0.0.1:6379', tlsCa: undefined }],
    [{ REDIS_SENTINELS: 's1:26379, s2:26380', REDIS_SENTINEL_NAME: 'mymaster', REDIS_PASSWORD: PASSWORD }, { sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }], name: 'mymaster', password: PASSWORD }],
    [{ REDIS_CLUSTER_NODES: '10.0.0.1:7000,[::1]:7001' }, { clusterNodes: [{ host: '10.0.0.1', port: 7000 }, { host: '::1', port: 7001 }], password: undefined }],
  ])('accepts %j', (raw, connection) => {
    expect(redisConnection(parseEnv({ ...MISO, ...raw }))).toEqual(connection);
  });

  it('reads the CA of a rediss:// URL', () => {
    const connection = redisConnection(parseEnv({ ...MISO, REDIS_URL: 'rediss://127.0.0.1:6380', REDIS_TLS_CA: ca }));
    expect(connection && 'tlsCa' in connection && connection.tlsCa?.toString()).toContain('BEGIN CERTIFICATE');
  });
});
