import { Inject, Injectable } from '@nestjs/common';
import { RegisterTokenProvider, type IssuedToken, type ProviderUpstream, type TokenProvider } from 'nestjs-token-broker';

/** Where the weather stand-in listens: the fixture app provides it. */
export const WEATHER_URL = Symbol('WEATHER_URL');

/** A provider the library has never heard of, written as a user would (the README's weather provider). */
@RegisterTokenProvider()
@Injectable()
export class WeatherTokenProvider implements TokenProvider {
  readonly name = 'weather';
  readonly scope = 'application';

  constructor(@Inject(WEATHER_URL) private readonly baseUrl: string) {}

  async fetchGrant(upstream: ProviderUpstream) {
    const body = (await upstream.postJson(`${this.baseUrl}/oauth/token`, { grant_type: 'client_credentials' })) as {
      access_token?: unknown;
      expires_in?: unknown;
    };
    if (typeof body?.access_token !== 'string' || typeof body.expires_in !== 'number') throw upstream.invalid();
    return { accessToken: body.access_token, expiresIn: body.expires_in };
  }

  render(issued: IssuedToken) {
    return { token: issued.grant.accessToken, expiresIn: issued.expiresIn };
  }
}
