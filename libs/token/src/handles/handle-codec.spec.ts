import { Sealer } from '../store/sealer';
import { HandleCodec } from './handle-codec';

describe('HandleCodec', () => {
  const codec = new HandleCodec(new Sealer('k'.repeat(32)));

  it('mints 43-character base64url handles that name their chain, each different, none showing the chain', () => {
    const chain = codec.newChain();
    const handles = Array.from({ length: 50 }, () => codec.mint(chain));
    for (const handle of handles) {
      expect(handle).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(codec.chainOf(handle)).toBe(chain);
      expect(handle).not.toContain(chain);
    }
    expect(new Set(handles).size).toBe(50);
    expect(new Set(handles.map((h) => h.slice(0, 8))).size).toBe(50); // no common prefix links them
  });

  it('refuses a handle with any character changed, one of another storeKey, and anything not a handle', () => {
    const handle = codec.mint(codec.newChain());
    for (const i of [0, 10, 21, 30, 42]) {
      const changed = handle.slice(0, i) + (handle[i] === 'A' ? 'B' : 'A') + handle.slice(i + 1);
      expect(codec.chainOf(changed)).toBeUndefined();
    }
    expect(new HandleCodec(new Sealer('o'.repeat(32))).chainOf(handle)).toBeUndefined();
    for (const junk of ['', 'A'.repeat(43), 'A'.repeat(44), `${handle}=`, handle.replace(/.$/, '+')]) expect(codec.chainOf(junk)).toBeUndefined();
  });
  it('derives one successor per handle: the same every time, another for another handle, in the same chain', () => {
    const chain = codec.newChain();
    const [a, b] = [codec.mint(chain), codec.mint(chain)];
    expect(codec.successor(chain, a)).toBe(codec.successor(chain, a));
    expect(codec.successor(chain, a)).not.toBe(codec.successor(chain, b));
    expect(codec.chainOf(codec.successor(chain, a))).toBe(chain);
    expect(new HandleCodec(new Sealer('o'.repeat(32))).successor(chain, a)).not.toBe(codec.successor(chain, a));
  });
});
