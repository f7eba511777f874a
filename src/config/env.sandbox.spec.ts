import { EnvError } from './env-error';
import { parseEnv } from './env.schema';
import { requireProviderOrSandbox, sandboxRequested } from './env.sandbox';

const MISO = { MISO_CLIENTID: 'app', MISO_CLIENTSECRET: 'secret-value-1234', MISO_CONTROLLER_URL: 'http://127.0.0.1:9' };

function refusal(run: () => unknown): EnvError {
  try {
    run();
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('SANDBOX and TOKEN_BUDGET_PER_HOUR', () => {
  it('TOKEN_BUDGET_PER_HOUR is a whole number from 0, blank meaning unset', () => {
    expect(parseEnv({ ...MISO, TOKEN_BUDGET_PER_HOUR: '250' }).TOKEN_BUDGET_PER_HOUR).toBe(250);
    expect(parseEnv({ ...MISO, TOKEN_BUDGET_PER_HOUR: '0' }).TOKEN_BUDGET_PER_HOUR).toBe(0);
    expect(parseEnv({ ...MISO, TOKEN_BUDGET_PER_HOUR: ' ' }).TOKEN_BUDGET_PER_HOUR).toBeUndefined();
    for (const value of ['-1', 'ten', '1.5']) expect(refusal(() => parseEnv({ ...MISO, TOKEN_BUDGET_PER_HOUR: value })).variable).toBe('TOKEN_BUDGET_PER_HOUR');
  });

  it('SANDBOX is 1 or 0; only 1 asks for the sandbox', () => {
    expect(refusal(() => parseEnv({ ...MISO, SANDBOX: 'yes' })).variable).toBe('SANDBOX');
    expect(sandboxRequested({ SANDBOX: '1' })).toBe(true);
    expect(sandboxRequested({ SANDBOX: '0' })).toBe(false);
    expect(sandboxRequested({})).toBe(false);
  });

  it('parseEnv refuses SANDBOX=1 beside a provider, naming SANDBOX and the variable, never a value', () => {
    const error = refusal(() => parseEnv({ ...MISO, SANDBOX: '1' }));
    expect(error.message).toMatch(/^SANDBOX: .*MISO_CLIENTID/);
    expect(error.message).not.toContain('secret-value-1234');
  });

  it('with no provider and no SANDBOX=1 the process must not start; either one is enough', () => {
    expect(refusal(() => requireProviderOrSandbox({})).message).toMatch(/^SANDBOX: .*no provider/);
    expect(refusal(() => requireProviderOrSandbox({ SANDBOX: '0', NODE_ENV: 'development' })).variable).toBe('SANDBOX');
    expect(() => requireProviderOrSandbox({ SANDBOX: '1' })).not.toThrow();
    expect(() => requireProviderOrSandbox(MISO)).not.toThrow();
  });
});
