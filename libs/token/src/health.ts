/**
 * `nestjs-token-broker/health`: a `@nestjs/terminus` indicator for the token
 * store. Its own entry so that the main entry never loads terminus (an
 * optional peer dependency).
 *
 * @example
 * import { TerminusModule } from '@nestjs/terminus';
 * import { TokenStoreHealthIndicator } from 'nestjs-token-broker/health';
 *
 * @Module({ imports: [TerminusModule, TokenModule.forRoot({ ... })], controllers: [HealthController], providers: [TokenStoreHealthIndicator] })
 * export class AppModule {}
 */
export { TokenStoreHealthIndicator } from './health/token-store.health';
