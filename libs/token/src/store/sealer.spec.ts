import { createHash } from 'node:crypto';
import { Sealer } from './sealer';

const KEY = 'a-store-key-that-is-32-bytes-long';

describe('Sealer', () => {
  it('opens what it sealed, and the sealed form does not show the value', () => {
    const sealer = new Sealer(KEY);
    const plain = '{"accessToken":"tok-distinctive-42","expiresAt":1}';
    const sealed = sealer.seal(plain, 'grant:k');
    expect(sealed).not.toContain('distinctive');
    expect(sealer.open(sealed, 'grant:k')).toBe(plain);
  });

  it('seals the same value differently each time (random IV)', () => {
    const sealer = new Sealer(KEY);
    expect(sealer.seal('same', 'k')).not.toBe(sealer.seal('same', 'k'));
  });

  it('round-trips through another instance with the same key (shared store)', () => {
    expect(new Sealer(KEY).open(new Sealer(KEY).seal('shared', 'k'), 'k')).toBe('shared');
    expect(new Sealer(Buffer.alloc(32, 7)).open(new Sealer(Buffer.alloc(32, 7)).seal('buf', 'k'), 'k')).toBe('buf');
  });

  it('answers undefined for tampered values', () => {
    const sealer = new Sealer(KEY);
    const [iv, tag, body] = sealer.seal('some plain value', 'k').split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(sealer.open(`${iv}.${tag}.${flipped.toString('base64url')}`, 'k')).toBeUndefined();
    const badTag = Buffer.from(tag, 'base64url');
    badTag[0] ^= 1;
    expect(sealer.open(`${iv}.${badTag.toString('base64url')}.${body}`, 'k')).toBeUndefined();
    expect(sealer.open('not-sealed', 'k')).toBeUndefined();
    expect(sealer.open('', 'k')).toBeUndefined();
    expect(sealer.open('a.b.', 'k')).toBeUndefined();
  });

  it('answers undefined for values sealed under another key', () => {
    const sealed = new Sealer(KEY).seal('value', 'k');
    expect(new Sealer('another-store-key-also-32-bytes!!').open(sealed, 'k')).toBeUndefined();
    expect(new Sealer().open(sealed, 'k')).toBeUndefined();
  });

  it('rejects a key shorter than 32 bytes', () => {
    expect(() => new Sealer('x'.repeat(31))).toThrow(/32 bytes/);
    expect(() => new Sealer(Buffer.alloc(16))).toThrow(/32 bytes/);
    expect(() => new Sealer('x'.repeat(32))).not.toThrow();
  });

  it('refuses a value moved to another store key (the key is associated data)', () => {
    const sealer = new Sealer(KEY);
    const sealed = sealer.seal('{"accessToken":"sentifyd"}', 'grant:sentifyd|a:avtr_1');
    expect(sealer.open(sealed, 'grant:sentifyd|a:avtr_1')).toBe('{"accessToken":"sentifyd"}');
    expect(sealer.open(sealed, 'grant:miso')).toBeUndefined();
  });

  it('digests with a key: stable across instances with the same key, not a plain SHA-256', () => {
    const a = new Sealer(KEY).digest('handle-1');
    expect(new Sealer(KEY).digest('handle-1')).toBe(a);
    expect(new Sealer().digest('handle-1')).not.toBe(a);
    expect(new Sealer(KEY).digest('handle-2')).not.toBe(a);
    expect(a).not.toBe(createHash('sha256').update('handle-1').digest('base64url'));
    expect(a).not.toContain('handle-1');
  });
});
