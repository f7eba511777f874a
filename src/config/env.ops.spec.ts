import { EnvError, parseEnv } from './env.schema';

/** The operations variables: METRICS_PORT, LOG_FORMAT, HOST. */
describe('operations environment', () => {
  const refused = (raw: Record<string, string>) => {
    try {
      parseEnv(raw);
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      return (error as EnvError).message;
    }
    throw new Error('accepted');
  };

  it('takes METRICS_PORT, LOG_FORMAT and HOST, with text logs and no metrics listener by default', () => {
    expect(parseEnv({ METRICS_PORT: '9464', LOG_FORMAT: 'json', HOST: '127.0.0.1' })).toMatchObject({ METRICS_PORT: 9464, LOG_FORMAT: 'json', HOST: '127.0.0.1' });
    expect(parseEnv({ METRICS_PORT: '', LOG_FORMAT: '' })).toMatchObject({ METRICS_PORT: undefined, LOG_FORMAT: undefined });
  });

  it('refuses a malformed METRICS_PORT or LOG_FORMAT, naming the variable', () => {
    expect(refused({ METRICS_PORT: 'nine' })).toMatch(/^METRICS_PORT: /);
    expect(refused({ METRICS_PORT: '70000' })).toMatch(/^METRICS_PORT: /);
    expect(refused({ LOG_FORMAT: 'yaml' })).toMatch(/^LOG_FORMAT: /);
  });

  it('refuses METRICS_PORT equal to PORT (or to the default 3000): metrics never go on the public port', () => {
    expect(refused({ PORT: '8080', METRICS_PORT: '8080' })).toMatch(/^METRICS_PORT: must differ from PORT/);
    expect(refused({ METRICS_PORT: '3000' })).toMatch(/^METRICS_PORT: must differ from PORT/);
    expect(parseEnv({ PORT: '0', METRICS_PORT: '0' }).METRICS_PORT).toBe(0);
  });
});
