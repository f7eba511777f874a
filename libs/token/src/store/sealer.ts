import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals values before they reach the store and digests lookup keys, so nothing
 * in the store is a usable credential and a store writer cannot forge one:
 *
 * - {@link seal} is AES-256-GCM with a random IV and the store key the value
 *   is written under as associated data: a sealed value copied to another key
 *   (a Sentifyd grant moved over the Miso grant) no longer opens.
 * - {@link digest} is HMAC-SHA256 under a key derived from the store key: a
 *   record planted under the plain SHA-256 of a chosen value is never found.
 *
 * Instances that share a store must share the key (`storeKey` option).
 */
export class Sealer {
  private readonly key: Buffer;
  private readonly digestKey: Buffer;
  private readonly material: Buffer;

  /** @param secret at least 32 bytes; a key for each purpose is derived from it with HKDF. */
  constructor(secret: string | Buffer = randomBytes(32)) {
    const material = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (material.length < 32) throw new Error('TokenModule: storeKey must be at least 32 bytes');
    this.material = Buffer.from(material);
    this.key = derive(material, 'token-module/store-seal/v1');
    this.digestKey = derive(material, 'token-module/store-digest/v1');
  }

  /** Encrypts `plain` for the store key `storeKey`; the output is base64url `iv.tag.ciphertext`. */
  seal(plain: string, storeKey: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(storeKey, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
  }

  /**
   * Decrypts what {@link seal} produced for the same `storeKey`; undefined when
   * tampered with, sealed under another secret, or moved from another key.
   */
  open(sealed: string, storeKey: string): string | undefined {
    const [iv, tag, body] = sealed.split('.');
    if (!iv || !tag || body === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(storeKey, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }

  /** A keyed one-way digest (HMAC-SHA256) for store keys derived from secrets or user ids. */
  digest(value: string): string {
    return createHmac('sha256', this.digestKey).update(value).digest('base64url');
  }

  /**
   * A 32-byte key for another purpose (`info` names it), derived from the same
   * secret, so one `storeKey` keys everything. Internal: for the library's own
   * formats (refresh handles), never stored or logged.
   * @internal
   */
  derivedKey(info: string): Buffer {
    return derive(this.material, info);
  }
}

function derive(material: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), info, 32));
}
