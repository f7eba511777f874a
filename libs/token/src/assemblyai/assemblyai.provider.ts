import { Inject, Injectable } from '@nestjs/common';
import { Secret } from '../secret';
import { TOKEN_MODULE_OPTIONS } from '../token.constants';
import type { TokenModuleOptions } from '../token-module-options';
import { UpstreamClient } from '../upstream/upstream.client';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider, type UpstreamGrant } from '../providers/token-provider';
import { parseAssemblyAIReply } from './assemblyai-reply';
import { expiresAtOf, upstreamUrl } from '../providers/provider-kit';

/** The body of an AssemblyAI token route. */
export interface AssemblyAITokenReply {
  /** The temporary streaming token: the browser appends `&token=<token>` to its WebSocket URL. */
  token: string;
  expiresIn: number;
  /** ISO 8601. */
  expiresAt: string;
}

/** AssemblyAI's streaming API. */
export const ASSEMBLYAI_DEFAULT_BASE_URL = 'https://streaming.assemblyai.com';
/** `expires_in_seconds` asked for when none is configured: the browser connects right after fetching. */
export const ASSEMBLYAI_DEFAULT_EXPIRES_IN = 60;

/**
 * The AssemblyAI provider: a temporary token for one streaming (v3) session.
 * The token is one-time use, so each caller gets its own upstream call
 * (`request` scope): never cached, never shared. Lifetimes come from the
 * options only; nothing a browser sends changes the upstream call.
 */
@RegisterTokenProvider()
@Injectable()
export class AssemblyAITokenProvider implements TokenProvider {
  readonly name = 'assemblyai';
  readonly scope = 'request';
  readonly enabled: boolean;
  private readonly apiKey?: Secret;
  private readonly tokenUrl?: string;
  private readonly expiresInSeconds: number;

  constructor(
    private readonly upstream: UpstreamClient,
    @Inject(TOKEN_MODULE_OPTIONS) options: TokenModuleOptions,
  ) {
    const assemblyai = options.assemblyai;
    this.enabled = assemblyai !== undefined;
    this.expiresInSeconds = assemblyai?.expiresInSeconds ?? ASSEMBLYAI_DEFAULT_EXPIRES_IN;
    if (!assemblyai) return;
    checkWhole('expiresInSeconds', this.expiresInSeconds, 1, 600);
    const query = new URLSearchParams({ expires_in_seconds: String(this.expiresInSeconds) });
    if (assemblyai.maxSessionDurationSeconds !== undefined) {
      checkWhole('maxSessionDurationSeconds', assemblyai.maxSessionDurationSeconds, 60, 10_800);
      query.set('max_session_duration_seconds', String(assemblyai.maxSessionDurationSeconds));
    }
    this.apiKey = Secret.of(assemblyai.apiKey);
    this.tokenUrl = upstreamUrl(assemblyai.baseUrl ?? ASSEMBLYAI_DEFAULT_BASE_URL, '/v3/token') + `?${query}`;
  }

  async fetchGrant(): Promise<UpstreamGrant> {
    const body = await this.upstream.request(this.name, { method: 'GET', url: this.tokenUrl!, headers: { authorization: this.apiKey!.reveal() } });
    return parseAssemblyAIReply(body, this.expiresInSeconds);
  }

  render(issued: IssuedToken): AssemblyAITokenReply {
    return { token: issued.grant.accessToken, expiresIn: issued.expiresIn, expiresAt: expiresAtOf(issued) };
  }
}

function checkWhole(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`TokenModule: assemblyai.${name} must be a whole number of seconds from ${min} to ${max}`);
  }
}
