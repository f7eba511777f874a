import { Controller, Get, Inject, Injectable, Module, Req, UseGuards, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider } from '../providers/token-provider';
import { TokenModule } from '../token.module';
import { TokenUsers } from './token-users';
import { AllowedOrigins, Public, SignedIn, TokenRoute } from './token-route.decorator';
import { TokenGuard } from './token.guard';

const ENABLED = Symbol('ENABLED');

/** A provider that needs no upstream; whether it is configured is the app's to say. */
@RegisterTokenProvider()
@Injectable()
class WeatherProvider implements TokenProvider {
  readonly name = 'weather';
  readonly scope = 'application';
  readonly allowedOrigins = ['https://app.example'];
  constructor(@Inject(ENABLED) readonly enabled: boolean) {}
  async fetchGrant() {
    return { accessToken: 'weather-token', expiresIn: 600 };
  }
  render(issued: IssuedToken) {
    return { token: issued.grant.accessToken };
  }
}

/** An app's own routes under the guard: their plans are read from the decorators on first use. */
@Controller()
class OwnRoutes {
  constructor(private readonly users: TokenUsers) {}

  @Get('weather-token')
  @TokenRoute({ provider: 'weather' })
  @SignedIn()
  @UseGuards(TokenGuard)
  weather(@Req() request: object) {
    return { user: this.users.of(request)?.id };
  }

  @Get('open-token')
  @TokenRoute({ provider: 'weather' })
  @Public()
  @AllowedOrigins(['https://other.example'])
  @UseGuards(TokenGuard)
  open() {
    return { ok: true };
  }
}

@Module({})
class OwnApp {
  static with(enabled: boolean): DynamicModule {
    const resolveUser = (request: unknown) => {
      const user = (request as { headers: Record<string, unknown> }).headers['x-user'];
      return typeof user === 'string' ? { id: user } : undefined;
    };
    return {
      module: OwnApp,
      imports: [TokenModule.forRoot({ resolveUser, rateLimit: { perMinute: 0 }, logRequests: false, metrics: false })],
      controllers: [OwnRoutes],
      providers: [WeatherProvider, { provide: ENABLED, useValue: enabled }],
    };
  }
}

async function boot(enabled: boolean): Promise<{ app: INestApplication; get: (path: string, headers?: Record<string, string>) => Promise<[number, unknown]> }> {
  const app = await NestFactory.create(OwnApp.with(enabled), { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const get = async (path: string, headers: Record<string, string> = {}): Promise<[number, unknown]> => {
    const reply = await fetch(base + path, { headers });
    return [reply.status, await reply.json()];
  };
  return { app, get };
}

describe('TokenGuard on an app route of its own (@TokenRoute)', () => {
  let apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
  });

  it('runs the chain in the contract order, with the plan read once and kept', async () => {
    const { app, get } = await boot(true);
    apps.push(app);
    const origin = { origin: 'https://app.example' };
    expect((await get('/weather-token', origin))[0]).toBe(401);
    expect(await get('/weather-token', { origin: 'https://evil.example', 'x-user': 'u1' })).toEqual([403, expect.objectContaining({ message: 'This origin may not request tokens here.' })]);
    expect(await get('/weather-token', { ...origin, 'x-user': 'u1' })).toEqual([200, { user: 'u1' }]);
    expect(await get('/weather-token', { ...origin, 'x-user': 'u2' })).toEqual([200, { user: 'u2' }]);
    // The route's own list wins over the provider's.
    expect((await get('/open-token', origin))[0]).toBe(403);
    expect((await get('/open-token', { origin: 'https://other.example' }))[0]).toBe(200);
  });

  it('keeps each app its own provider: plans are not shared across apps in one process', async () => {
    const on = await boot(true);
    const off = await boot(false);
    apps.push(on.app, off.app);
    const headers = { origin: 'https://app.example', 'x-user': 'u1' };
    expect((await on.get('/weather-token', headers))[0]).toBe(200);
    expect(await off.get('/weather-token', headers)).toEqual([404, expect.objectContaining({ message: 'No token provider is configured for this route.' })]);
    expect((await on.get('/weather-token', headers))[0]).toBe(200);
  });
});
