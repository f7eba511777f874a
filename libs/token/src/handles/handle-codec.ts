import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sealer } from '../store/sealer';

const CHAIN_BYTES = 8;
const BLOCK_BYTES = 16;
const TAG_BYTES = 16;
/** 32 bytes in base64url. */
const HANDLE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The refresh handle format: 32 bytes, 43 base64url characters.
 *
 * The first 16 are one AES-256 block holding the chain id (8 bytes) and 8
 * random bytes, so every handle differs and none shows its chain to the
 * browser (handles of one chain cannot be linked). The last 16 are an
 * HMAC-SHA256 tag over that block: a handle this server did not mint is
 * refused before any store lookup, and a spent handle still names its chain
 * after every record of it is gone, so a late reuse revokes the chain.
 */
export class HandleCodec {
  private readonly blockKey: Buffer;
  private readonly tagKey: Buffer;
  private readonly nextKey: Buffer;

  constructor(sealer: Sealer) {
    this.blockKey = sealer.derivedKey('token-module/handle-block/v1');
    this.tagKey = sealer.derivedKey('token-module/handle-tag/v1');
    this.nextKey = sealer.derivedKey('token-module/handle-next/v1');
  }

  /** A new random chain id (11 base64url characters). */
  newChain(): string {
    return randomBytes(CHAIN_BYTES).toString('base64url');
  }

  /** A new handle of `chain`: the first of a chain. */
  mint(chain: string): string {
    return this.encode(chain, randomBytes(BLOCK_BYTES - CHAIN_BYTES));
  }

  /**
   * The one successor of `handle` in `chain`: derived from it under a key of
   * ours, so concurrent spends agree on it and the store need keep no handle
   * at all (only keyed digests), yet nobody without the key can predict it.
   */
  successor(chain: string, handle: string): string {
    return this.encode(chain, createHmac('sha256', this.nextKey).update(handle).digest().subarray(0, BLOCK_BYTES - CHAIN_BYTES));
  }

  private encode(chain: string, unique: Buffer): string {
    const plain = Buffer.concat([Buffer.from(chain, 'base64url'), unique]);
    const cipher = createCipheriv('aes-256-ecb', this.blockKey, null).setAutoPadding(false);
    const block = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([block, this.tag(block)]).toString('base64url');
  }

  /** The chain `handle` belongs to, when this server minted it; else undefined. */
  chainOf(handle: string): string | undefined {
    if (!HANDLE.test(handle)) return undefined;
    const bytes = Buffer.from(handle, 'base64url');
    const block = bytes.subarray(0, BLOCK_BYTES);
    if (!timingSafeEqual(bytes.subarray(BLOCK_BYTES), this.tag(block))) return undefined;
    const decipher = createDecipheriv('aes-256-ecb', this.blockKey, null).setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(block), decipher.final()]);
    return plain.subarray(0, CHAIN_BYTES).toString('base64url');
  }

  private tag(block: Buffer): Buffer {
    return createHmac('sha256', this.tagKey).update(block).digest().subarray(0, TAG_BYTES);
  }
}
