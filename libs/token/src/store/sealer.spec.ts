import { Sealer } from './sealer';

const KEY = 'a-store-key-that-is-32-bytes-long';

describe('Sealer', () => {
  it('opens what it sealed, and the sealed form does not show the value', () => {
    const sealer = new Sealer(KEY);
    const plain = '{"accessToken":"tok-distinctive-42","expiresAt":1}';
    const sealed = sealer.seal(plain);
    expect(sealed).not.toContain('distinctive');
    expect(sealer.open(sealed)).toBe(plain);
  });

  it('seals the same value differently each time (random IV)', () => {
    const sealer = new Sealer(KEY);
    expect(sealer.seal('same')).not.toBe(sealer.seal('same'));
  });

  it('round-trips through another instance with the same key (shared store)', () => {
    expect(new Sealer(KEY).open(new Sealer(KEY).seal('shared'))).toBe('shared');
    expect(new Sealer(Buffer.alloc(32, 7)).open(new Sealer(Buffer.alloc(32, 7)).seal('buf'))).toBe('buf');
  });

  it('answers undefined for tampered values', () => {
    const sealer = new Sealer(KEY);
    const [iv, tag, body] = sealer.seal('some plain value').split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(sealer.open(`${iv}.${tag}.${flipped.toString('base64url')}`)).toBeUndefined();
    const badTag = Buffer.from(tag, 'base64url');
    badTag[0] ^= 1;
    expect(sealer.open(`${iv}.${badTag.toString('base64url')}.${body}`)).toBeUndefined();
    expect(sealer.open('not-sealed')).toBeUndefined();
    expect(sealer.open('')).toBeUndefined();
    expect(sealer.open('a.b.')).toBeUndefined();
  });

  it('answers undefined for values sealed under another key', () => {
    const sealed = new Sealer(KEY).seal('value');
    expect(new Sealer('another-store-key-also-32-bytes!!').open(sealed)).toBeUndefined();
    expect(new Sealer().open(sealed)).toBeUndefined();
  });

  it('rejects a key shorter than 32 bytes', () => {
    expect(() => new Sealer('x'.repeat(31))).toThrow(/32 bytes/);
    expect(() => new Sealer(Buffer.alloc(16))).toThrow(/32 bytes/);
    expect(() => new Sealer('x'.repeat(32))).not.toThrow();
  });

  it('digests stably, across instances and keys, and differently for different values', () => {
    const a = new Sealer(KEY).digest('handle-1');
    expect(new Sealer().digest('handle-1')).toBe(a);
    expect(new Sealer(KEY).digest('handle-2')).not.toBe(a);
    expect(a).not.toContain('handle-1');
  });
});
