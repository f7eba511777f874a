/** Private DI token of the token routes' rate-limit storage (never `@nestjs/throttler`'s own). */
export const TOKEN_THROTTLER_STORAGE = Symbol('TokenThrottlerStorage');
