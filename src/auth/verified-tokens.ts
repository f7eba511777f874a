/**
 * JWTs verified lately, by their exact text, so a browser presenting the same
 * bearer or session cookie again costs a Map lookup instead of a signature
 * check (as API gateways keep a JWT cache). Only tokens that passed every check
 * are kept, each until the earliest of its `exp`, its maximum age and
 * {@link VerifiedTokens.lifeMs} (so a key removed from a JWKS stops counting
 * within that), at most {@link VerifiedTokens.max} of them (oldest out first):
 * invalid tokens never enter, so a flood of them cannot evict valid ones.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { readonly sub: string; readonly untilMs: number }>();

  constructor(
    readonly max = 1000,
    readonly lifeMs = 60_000,
  ) {}

  /** The `sub` of `token` when it was verified and its entry still holds. */
  get(token: string, nowMs: number): string | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (nowMs < entry.untilMs) return entry.sub;
    this.entries.delete(token);
    return undefined;
  }

  /** Keeps `token`, verified now for `sub`, until `untilMs` at the latest. */
  set(token: string, sub: string, nowMs: number, untilMs: number): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { sub, untilMs: Math.min(untilMs, nowMs + this.lifeMs) });
  }
}
