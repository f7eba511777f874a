import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/**
 * The compiled app (`npm run build` first when it is missing), copied to a
 * temp dir so a concurrent rebuild of `dist/` cannot pull it away mid-test. It
 * loads the library by its package name, from the workspace's node_modules.
 * Processes run with a temp cwd, so no `.env` is read.
 */
export function prepareBuiltApp(): { main: string; cwd: string; cleanup(): void } {
  if (!existsSync(join(ROOT, 'dist/src/main.js')) || !existsSync(join(ROOT, 'libs/token/dist/index.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore', timeout: 180_000 });
  }
  const dir = mkdtempSync(join(tmpdir(), 'token-startup-'));
  for (let attempt = 0; ; attempt++) {
    try {
      rmSync(join(dir, 'dist'), { recursive: true, force: true });
      cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
      if (existsSync(join(dir, 'dist/src/main.js'))) break;
    } catch {
      // dist/ is being rebuilt by someone else: try again shortly.
    }
    if (attempt >= 10) throw new Error('dist/ kept changing while it was copied');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_000);
  }
  const cwd = join(dir, 'cwd');
  mkdirSync(cwd);
  return { main: join(dir, 'dist/src/main.js'), cwd, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Declares the hooks of a spec block that spawns the built app: prepared once
 * for the block, every process it started stopped after each test, the copy
 * removed at the end. Answers `start`, which spawns one with exactly `env`.
 */
export function useBuiltApp(): (env: Record<string, string>) => AppProcess {
  let built: ReturnType<typeof prepareBuiltApp> | undefined;
  const running: AppProcess[] = [];
  beforeAll(() => {
    built = prepareBuiltApp();
  }, 200_000);
  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.stop()));
  });
  afterAll(() => built?.cleanup());
  return (env) => {
    const app = new AppProcess(built!.main, built!.cwd, env);
    running.push(app);
    return app;
  };
}

/** One spawned app process and everything it printed. */
export class AppProcess {
  stdout = '';
  stderr = '';
  exitCode: number | null | undefined;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(main: string, cwd: string, env: Record<string, string>, node = process.execPath) {
    // Only what the test passes (plus where to find node_modules and no colours in logs).
    this.child = spawn(node, [main], {
      cwd,
      env: { NODE_PATH: join(ROOT, 'node_modules'), NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString('utf8')));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((done) => this.child.once('close', (code) => ((this.exitCode = code), done())));
  }

  /** Resolves once the process has exited, or after `timeoutMs`. */
  async exit(timeoutMs: number): Promise<number | null | undefined> {
    await Promise.race([this.exited, new Promise((done) => setTimeout(done, timeoutMs).unref())]);
    return this.exitCode;
  }

  /** The first match of `pattern` in the output; throws after `timeoutMs` or when the process exits first. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = (this.stdout + this.stderr).match(pattern);
      if (match) return match;
      if (this.exitCode !== undefined) throw new Error(`process exited (${this.exitCode}) before ${pattern}: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms: ${this.stdout}${this.stderr}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  /** Sends `signal` (a graceful-shutdown test's SIGTERM). */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill('SIGTERM');
    if ((await this.exit(5_000)) === undefined) {
      this.child.kill('SIGKILL');
      await this.exit(5_000);
    }
  }
}
