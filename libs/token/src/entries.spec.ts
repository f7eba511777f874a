import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as main from './index';

const VENDORS = ['miso', 'sentifyd', 'openai', 'gemini', 'deepgram', 'assemblyai', 'elevenlabs', 'azure-speech', 'oauth2'];
const pkg = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  typesVersions: { '*': Record<string, string[]> };
};

/** The package's entries: a narrow core, and each vendor an entry of its own. */
describe('entries', () => {
  it('the main entry holds at most 20 runtime names, and no vendor', () => {
    const names = Object.keys(main);
    expect(names.length).toBeLessThanOrEqual(20);
    expect(names.filter((name) => /miso|sentifyd|openai|gemini|deepgram|assembly|eleven|azure|oauth/i.test(name))).toEqual([]);
  });

  it.each(VENDORS)('nestjs-token-broker/%s exports its provider, registered by register(options)', (vendor) => {
    expect(pkg.exports[`./${vendor}`]).toBeDefined();
    expect(pkg.typesVersions['*'][vendor]).toBeDefined();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require(`./${vendor}`) as Record<string, { register?: unknown }>;
    const providers = Object.values(entry);
    expect(providers).toHaveLength(1);
    expect(typeof providers[0].register).toBe('function');
  });
});
