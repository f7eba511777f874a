import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';


/**
 * Seals values before they reach the store (AES-256-GCM with a random IV) and
 * hashes lookup keys, so nothing in the store is a usable credential: grants and
 * upstream refresh tokens are ciphertext, refresh handles only digests.
 *
 * Instances that share a store must share the key (`storeKey` option).
 */
export class Sealer {
  private readonly key: Buffer;

  /** @param secret at least 32 bytes; a key for this purpose is derived from it with HKDF. */
  constructor(secret: string | Buffer = randomBytes(32)) {
    const material = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (material.length < 32) throw new Error('TokenModule: storeKey must be at least 32 bytes');
    this.key = Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'token-module/store-seal/v1', 32));
  }

  /** Encrypts `plain`; the output is base64url `iv.tag.ciphertext`. */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
  }

  /** Decrypts what {@link seal} produced; undefined when tampered with or sealed under another key. */
  open(sealed: string): string | undefined {
    const [iv, tag, body] = sealed.split('.');
    if (!iv || !tag || body === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }

  /** A one-way digest for store keys derived from secrets (refresh handles). */
  digest(value: string): string {
    return createHash('sha256').update(value).digest('base64url');
  }
}
