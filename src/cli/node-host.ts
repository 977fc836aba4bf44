/** The Host for Node processes (CLI, workers, tests): grammars read from the package's grammars/ folder. */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Host } from '../core/host';

/** The package root: the nearest folder above this module that holds grammars/manifest.json. */
export function packageRoot(start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'grammars', 'manifest.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`sealant: grammars/manifest.json not found above ${start}; run \`npm run build\``);
  }
}

export function nodeHost(options: { log?: Host['log']; root?: string } = {}): Host {
  const root = options.root ?? packageRoot();
  return {
    readGrammar: async (file) => new Uint8Array(await readFile(join(root, 'grammars', file))),
    log: options.log,
  };
}

export function packageVersion(root: string = packageRoot()): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}
