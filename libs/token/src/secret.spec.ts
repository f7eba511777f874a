import { format, inspect } from 'node:util';
import { Secret } from './secret';

const VALUE = 'sk-live-distinctive-9f3a';

describe('Secret', () => {
  const secret = new Secret(VALUE);

  it('prints as [redacted] through String() and template literals', () => {
    expect(String(secret)).toBe('[redacted]');
    expect(`${secret}`).toBe('[redacted]');
    expect('key=' + secret).toBe('key=[redacted]');
  });

  it('serialises as [redacted], alone and nested', () => {
    expect(JSON.stringify(secret)).toBe('"[redacted]"');
    expect(JSON.stringify({ config: { apiKey: secret } })).toBe('{"config":{"apiKey":"[redacted]"}}');
  });

  it('inspects as [redacted], alone and nested, whatever the options', () => {
    expect(inspect(secret)).toBe('[redacted]');
    expect(inspect({ nested: [secret] }, { depth: 10, showHidden: true })).not.toContain(VALUE);
    expect(inspect(secret, { customInspect: false, showHidden: true })).not.toContain(VALUE);
  });

  it('formats as [redacted] the way console.log does', () => {
    const line = format('%s %o %O %j %d', secret, secret, secret, { secret }, secret);
    expect(line).not.toContain(VALUE);
    expect(format('%o', secret)).toBe('[redacted]');
    expect(format(secret, { secret })).not.toContain(VALUE);
  });

  it('leaks through no enumerable property, spread or structured clone', () => {
    expect(Object.values(secret).join()).not.toContain(VALUE);
    expect(JSON.stringify({ ...secret })).not.toContain(VALUE);
    expect(JSON.stringify(structuredClone({ ...secret }))).not.toContain(VALUE);
  });

  it('gives its value through reveal()', () => {
    expect(secret.reveal()).toBe(VALUE);
  });

  it('wraps a string once with Secret.of', () => {
    const wrapped = Secret.of(VALUE);
    expect(wrapped.reveal()).toBe(VALUE);
    expect(Secret.of(wrapped)).toBe(wrapped);
  });
});
