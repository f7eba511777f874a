import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.factory';
import { EnvError } from './config/env.schema';
import { requireProviderOrSandbox } from './config/env.sandbox';
import { sandboxBanner } from './sandbox/sandbox-banner';
import { startSandbox } from './sandbox/sandbox';

/**
 * Starts the example token service. A bad environment stops it with one line
 * that names the variable (never its value) and exit code 1.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const logger = new Logger('Main');
  requireProviderOrSandbox(process.env);
  const sandbox = await startSandbox(process.env);
  const app = await createApp(sandbox?.env ?? process.env, sandbox && { demo: { bearer: sandbox.demoBearer } });
  await app.listen(Number(process.env.PORT || 3000), process.env.HOST ?? '0.0.0.0');
  const url = `http://localhost:${(app.getHttpServer().address() as AddressInfo).port}`;
  if (sandbox) {
    // One banner, the demo bearer in it once: the curl lines refer to it by name.
    logger.warn(sandboxBanner(url, sandbox.demoBearer));
    app.getHttpServer().once('close', () => void sandbox.close());
  }
  logger.log(`Token service listening on ${url}`);
}

main().catch((error: unknown) => {
  if (error instanceof EnvError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
  } else {
    process.stderr.write(`Start-up failed: ${startupFailure(error)}\n`);
  }
  process.exit(1);
});

/** Our own configuration errors are safe to print; of a foreign error, only its class and code (its message may quote configuration). */
function startupFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  if (error.message.startsWith('TokenModule:')) return error.message;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} (${code})` : error.name;
}
