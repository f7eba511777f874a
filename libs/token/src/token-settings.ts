import { systemClock, type Clock } from './clock';
import { DEFAULT_EXPIRY_POLICY, type ExpiryPolicy } from './grants/expiry';
import { passportUser } from './http/passport-user';
import type { TokenModuleOptions, UserResolver } from './token-module-options';

/**
 * The module's options with every default filled in, resolved once at start-up
 * and injected (private token {@link TOKEN_SETTINGS}) wherever a setting is read,
 * so no class re-derives a default of its own.
 */
export interface TokenSettings {
  readonly clock: Clock;
  readonly upstreamTimeoutMs: number;
  readonly circuitThreshold: number;
  readonly circuitResetMs: number;
  readonly expiry: ExpiryPolicy;
  readonly refreshHandleTtlMs: number;
  readonly refreshGraceMs: number;
  readonly maxRefreshChains: number;
  readonly logRequests: boolean;
  /** Record metrics (prom-client permitting). */
  readonly metrics: boolean;
  readonly resolveUser: UserResolver;
  readonly rateLimit: { readonly perMinute: number; readonly refreshPerMinute: number };
  /** Public origin of the app, without a trailing slash; undefined derives it from the request. */
  readonly publicUrl?: string;
  /** Largest request body a token route accepts, in bytes. */
  readonly bodyLimitBytes: number;
  /** Longest a token route's body may take after its headers; then the connection is closed. */
  readonly bodyTimeoutMs: number;
  /** Upstream calls each billed provider may make per clock hour (0: no ceiling). */
  readonly budgetPerHour: number;
}

/** Private DI token of the resolved {@link TokenSettings}. */
export const TOKEN_SETTINGS = Symbol('TokenSettings');

const DAY_MS = 24 * 60 * 60_000;

/** Fills in the defaults of `options`; throws a `TokenModule:` error for a value that cannot work. */
export function resolveSettings(options: TokenModuleOptions): TokenSettings {
  const perMinute = options.rateLimit?.perMinute ?? 60;
  return Object.freeze({
    clock: options.clock ?? systemClock,
    upstreamTimeoutMs: positive('upstreamTimeoutMs', options.upstreamTimeoutMs, 5_000),
    circuitThreshold: positive('circuitThreshold', options.circuitThreshold, 5),
    circuitResetMs: positive('circuitResetMs', options.circuitResetMs, 10_000),
    expiry: { ...DEFAULT_EXPIRY_POLICY, ...options.expiry },
    refreshHandleTtlMs: positive('refreshHandleTtlMs', options.refreshHandleTtlMs, DAY_MS),
    refreshGraceMs: positive('refreshGraceMs', options.refreshGraceMs, 10_000),
    maxRefreshChains: positive('maxRefreshChains', options.maxRefreshChains, 10),
    logRequests: options.logRequests !== false,
    metrics: options.metrics !== false,
    resolveUser: options.resolveUser ?? passportUser,
    rateLimit: {
      perMinute: Math.max(0, perMinute),
      refreshPerMinute: options.rateLimit?.refreshPerMinute ?? Math.max(1, Math.floor(perMinute / 4)),
    },
    publicUrl: options.publicUrl === undefined ? undefined : publicOrigin(options.publicUrl),
    bodyLimitBytes: positive('bodyLimitBytes', options.bodyLimitBytes, 8 * 1024),
    bodyTimeoutMs: positive('bodyTimeoutMs', options.bodyTimeoutMs, 10_000),
    budgetPerHour: Math.max(0, options.budgetPerHour ?? 1000),
  });
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`TokenModule: ${name} must be a positive number`);
  return value;
}

function publicOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('TokenModule: publicUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('TokenModule: publicUrl must be an http(s) URL');
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}
