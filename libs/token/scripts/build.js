// Builds the package: CommonJS with .d.ts and source maps for Node, and the
// browser client as an ES module of its own (dist/browser).
const { execFileSync } = require('node:child_process');
const { existsSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');
const run = (project) => execFileSync(process.execPath, [tsc, '-p', join(root, project)], { stdio: 'inherit' });

rmSync(join(root, 'dist'), { recursive: true, force: true });
run('tsconfig.build.json');
if (existsSync(join(root, 'src/browser/tsconfig.json'))) {
  run('src/browser/tsconfig.json');
  // The package is CommonJS; only this folder is ESM, for browsers and bundlers.
  writeFileSync(join(root, 'dist/browser/package.json'), '{ "type": "module" }\n');
}
