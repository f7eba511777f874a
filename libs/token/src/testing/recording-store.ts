import { MemoryTokenStore } from '../store/memory.store';

/** A memory store that remembers every key and value ever written to it, for no-plaintext checks. */
export class RecordingStore extends MemoryTokenStore {
  readonly written: string[] = [];

  override async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.written.push(key, value);
    return super.set(key, value, ttlMs);
  }

  override async swap(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    this.written.push(key, value);
    return super.swap(key, expected, value, ttlMs);
  }

  override async add(key: string, value: string, ttlMs: number): Promise<boolean> {
    this.written.push(key, value);
    return super.add(key, value, ttlMs);
  }
}
