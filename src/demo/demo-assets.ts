import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The browser client's emitted ES modules, as the package builds them into `dist/browser`. */
export const CLIENT_FILES = ['index.js', 'token-client.js', 'token-client-error.js', 'types.js'] as const;

/**
 * The demo page's files, read once: the page itself (next to this file, in
 * `page/`) and the browser client from the installed package, so the page runs
 * exactly what `nestjs-token-broker/browser` ships.
 */
export class DemoAssets {
  readonly html: string;
  readonly css: string;
  /** Page script and client modules by file name, all served under `/demo/`. */
  readonly scripts: ReadonlyMap<string, string>;

  constructor(pageDir = join(__dirname, 'page'), clientDir = browserClientDir()) {
    const missing = CLIENT_FILES.find((file) => !existsSync(join(clientDir, file)));
    if (missing) {
      throw new Error(`The demo page needs the built browser client (${join(clientDir, missing)} is missing): run npm run build:lib`);
    }
    this.html = readFileSync(join(pageDir, 'index.html'), 'utf8');
    this.css = readFileSync(join(pageDir, 'demo.css'), 'utf8');
    this.scripts = new Map([
      ['demo.js', readFileSync(join(pageDir, 'demo.js'), 'utf8')],
      ...CLIENT_FILES.map((file) => [file, readFileSync(join(clientDir, file), 'utf8')] as const),
    ]);
  }
}

/** `dist/browser` of the installed package, found from its package.json (exported for this). */
function browserClientDir(): string {
  return join(dirname(require.resolve('nestjs-token-broker/package.json')), 'dist', 'browser');
}
