/**
 * `sealant inventory [paths…]`: which personal data the code collects, stores, logs and sends, and where.
 * Walks and scans like `sealant scan` (same team config, same worker pool, with the engine's inventory pass
 * switched on), also reads `.sql` and `.prisma` schema files, and writes the inventory as Markdown, JSON, CSV or one HTML file.
 * Exit codes: 0 when the inventory was written (findings do not change it), 2 on a usage or I/O error.
 */
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import ignore from 'ignore';
import { EngineSet } from '../../config';
import { Engine, type EngineConfig } from '../../core/engine';
import type { FileResult, SkippedFile } from '../../core/types';
import { buildInventory, formatInventory, INVENTORY_FORMATS, isSchemaFile, schemaFileFacts, type InventoryFormat } from '../../inventory';
import { EXIT, parseOptions, UsageError, type CliIo, writeReport } from '../io';
import { BUILTIN_RULES } from '../../rules';
import { nodeHost, packageVersion } from '../node-host';
import { applyTeamPolicy, ConfigFailure, formatErrors, prepareTeamScan, type TeamScan } from '../project';
import { analyzeFile, defaultJobs, runScan } from '../scan';
import { DEFAULT_EXCLUDES, MAX_FILE_BYTES, toPosix } from '../walk';

export const INVENTORY_HELP = `Usage: sealant inventory [paths...] [options]

Lists, for every kind of personal data the code handles (credentials, government ids, financial, health,
contact, personal, location), where it is collected, stored, logged and sent, with file:line, protection
(hashed, encrypted, tokenised, masked or clear), the findings at each place, and data-minimisation hints.

Options:
  --format <markdown|json|csv|html>  output format (default: markdown); html is one self-contained file
  --output <file>                    write the inventory to a file instead of stdout
  --jobs <n>                         worker threads (default: number of cores, at most 8)
  --config <file>                    use this config file for every file (default: the nearest .sealant.yml)
  --quiet                            print nothing but the inventory

The JSON output follows schemas/inventory.schema.json (versioned). Values are never printed, only names.`;

export const INVENTORY_OPTIONS = {
  '--format': { value: true },
  '--output': { value: true, alias: '-o' },
  '--jobs': { value: true, alias: '-j' },
  '--quiet': { value: false, alias: '-q' },
  '--config': { value: true, alias: '-c' },
} as const;

export interface InventoryArgs {
  paths: string[];
  format: InventoryFormat;
  output?: string;
  jobs: number;
  quiet: boolean;
  /** --config FILE (relative to cwd): one config for every file instead of the nearest .sealant.yml. */
  config?: string;
}

export function parseInventoryArgs(argv: readonly string[]): InventoryArgs {
  const { options, positional } = parseOptions(argv, INVENTORY_OPTIONS);
  const format = (options.get('--format') as string | undefined) ?? 'markdown';
  if (!(INVENTORY_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${INVENTORY_FORMATS.join(', ')}, not "${format}"`);
  let jobs = defaultJobs();
  if (options.has('--jobs')) {
    jobs = Number(options.get('--jobs'));
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError('--jobs must be a whole number from 1 to 64');
  }
  return { paths: positional, format: format as InventoryFormat, output: options.get('--output') as string | undefined, jobs, quiet: options.has('--quiet'), config: options.get('--config') as string | undefined };
}

/** `.sql` and `.prisma` files below the paths (absolute, or relative to root), with the default excludes and the root's .gitignore. */
export function findSchemaFiles(root: string, paths: readonly string[]): string[] {
  const ig = ignore().add([...DEFAULT_EXCLUDES]);
  try {
    ig.add(readFileSync(join(root, '.gitignore'), 'utf8'));
  } catch {
    // no .gitignore
  }
  const out = new Set<string>();
  const visit = (dir: string, depth: number): void => {
    if (depth > 40) return;
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries.sort()) {
      const abs = join(dir, name);
      let st: Stats;
      try {
        st = statSync(abs, { throwIfNoEntry: false }) as Stats;
      } catch {
        continue;
      }
      if (!st) continue;
      const rel = toPosix(root, abs);
      const probe = st.isDirectory() ? `${rel}/` : rel;
      if (rel && !rel.startsWith('..') && ig.ignores(probe)) continue;
      if (ig.ignores(st.isDirectory() ? `${name}/` : name)) continue;
      if (st.isDirectory()) visit(abs, depth + 1);
      else if (st.isFile() && isSchemaFile(name) && st.size <= MAX_FILE_BYTES) out.add(abs);
    }
  };
  for (const p of paths.length ? paths : ['.']) {
    const abs = resolve(root, p);
    let st: Stats | undefined;
    try {
      st = statSync(abs);
    } catch {
      continue; // the walk reports missing paths
    }
    if (st.isDirectory()) visit(abs, 0);
    else if (st.isFile() && isSchemaFile(abs)) out.add(abs);
  }
  return [...out].sort();
}

/** Whether the scan workers' engines for team configs run the inventory pass (see EngineSet). */
async function teamEnginesRecordFacts(team: TeamScan, base: EngineConfig): Promise<boolean> {
  const engines = new EngineSet(nodeHost(), base, team.teamConfigs);
  try {
    const probe = await engines.get(0).analyze({ path: 'probe.js', text: 'const { ssn } = req.body;\n' });
    return (probe.facts ?? []).length > 0;
  } finally {
    await engines.dispose();
  }
}

/** The files under team configs, in this process, each config's engine with the inventory pass on. */
async function scanInProcess(team: TeamScan): Promise<{ files: FileResult[]; skipped: SkippedFile[] }> {
  const engines = new Map<number, Engine>();
  const out: { files: FileResult[]; skipped: SkippedFile[] } = { files: [], skipped: [] };
  try {
    for (const abs of team.files) {
      const index = team.configOf[abs] ?? -1;
      let engine = engines.get(index);
      if (!engine) {
        const loaded = team.loaded[index];
        engine = new Engine(nodeHost(), loaded ? { rules: loaded.rules, config: { ...loaded.engineConfig, inventory: true } } : { rules: BUILTIN_RULES, config: { inventory: true } });
        engines.set(index, engine);
      }
      try {
        const r = await analyzeFile(engine, team.root, abs);
        if (r.skipped) out.skipped.push(r.skipped);
        else out.files.push(r);
      } catch (err) {
        out.skipped.push({ path: toPosix(team.root, abs), reason: 'error', detail: String(err) });
      }
    }
  } finally {
    await Promise.all([...engines.values()].map((e) => e.dispose()));
  }
  return out;
}

export async function inventoryCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseInventoryArgs(argv);
  const started = Date.now();
  // The team config applies as in `sealant scan`: ignore globs, custom data types and sanitizers, triage.
  let team: TeamScan;
  try {
    team = await prepareTeamScan({ cwd: io.cwd, paths: args.paths, configFile: args.config });
  } catch (err) {
    if (!(err instanceof ConfigFailure)) throw err;
    io.stderr.write(`${formatErrors(err.errors, io.cwd)}\nsealant: ${err.message}\n`);
    return EXIT.error;
  }
  if (!args.quiet && team.errors.length > 0) io.stderr.write(`${formatErrors(team.errors, io.cwd)}\n`);
  const root = team.root;
  const base: EngineConfig = { inventory: true };
  let scanned: { files: FileResult[]; skipped: SkippedFile[] };
  if (team.teamConfigs.length === 0 || (await teamEnginesRecordFacts(team, base))) {
    const r = await runScan({ root, files: team.files, jobs: args.jobs, config: base, teamConfigs: team.teamConfigs, configOf: team.configOf });
    scanned = { files: r.files, skipped: [...r.skipped, ...r.failed] };
  } else {
    scanned = await scanInProcess(team);
  }
  const targets = args.paths.length ? args.paths.map((p) => resolve(io.cwd, p)) : [resolve(io.cwd)];
  const schemaFiles: FileResult[] = findSchemaFiles(root, targets).map((abs) => schemaFileFacts(toPosix(root, abs), readFileSync(abs, 'utf8')));
  const labels = Object.fromEntries(team.teamConfigs.flatMap((c) => c.dataTypes.types.map((t) => [t.id, t.label] as const)));
  const files = applyTeamPolicy(team, scanned.files).files;
  const inventory = buildInventory([...files, ...schemaFiles].sort((a, b) => a.path.localeCompare(b.path)), {
    root,
    tool: { name: 'Sealant', version: packageVersion() },
    generatedAt: new Date(started).toISOString(),
    skipped: [...team.skipped, ...scanned.skipped],
    labels,
  });
  const report = formatInventory(inventory, args.format);
  const wrote = args.quiet ? undefined : `wrote the ${args.format} inventory (${inventory.summary.dataTypes} data types, ${inventory.summary.locations} locations) to ${args.output}`;
  if (!writeReport(io, report, args.output, wrote)) return EXIT.error;
  return EXIT.ok;
}
