/** `sealant scan [paths…]`: walk, analyse in worker threads, report, exit by --fail-on. */
import { resolve } from 'node:path';
import type { EngineConfig } from '../../core/engine';
import { SEVERITY_RANK, type Confidence, type ScanResult, type Severity } from '../../core/types';
import { FORMATS, formatResult, type Format } from '../../reporters';
import { BUILTIN_RULES } from '../../rules';
import { defaultCacheDir, openResultCache } from '../cache';
import { EXIT, parseOptions, UsageError, type CliIo, writeReport } from '../io';
import { readSourceSync } from '../read';
import { packageVersion } from '../node-host';
import { defaultJobs, runScan } from '../scan';
import { applyBaseline, BaselineError, readBaseline, type Baseline } from '../../config';
import { applyTeamPolicy, cacheKeyConfig, ConfigFailure, formatErrors, prepareTeamScan, teamDescriptors, type TeamScan } from '../project';

export const SCAN_HELP = `Usage: sealant scan [paths...] [options]

Options:
  --format <text|json|sarif|markdown>  output format (default: text)
  --output <file>                      write the report to a file instead of stdout
  --fail-on <error|warning|note|never> lowest severity that makes the exit code 1 (default: warning)
  --min-confidence <low|medium|high>   leave out findings of lower confidence (default: low, all findings)
  --jobs <n>                           worker threads (default: number of cores, at most 8)
  --quiet                              print nothing but the report (no progress, no summary on stderr)
  --no-color                           no colours in text output (also: NO_COLOR=1)
  --no-cache                           analyse every file again (no result cache)
  --cache-dir <dir>                    result cache folder (default: $XDG_CACHE_HOME/sealant or ~/.cache/sealant)
  --config <file>                      use this config file for every file (default: the nearest .sealant.yml
                                       or .sealant.json above each file)
  --baseline <file>                    report only findings not in this earlier SARIF or JSON report`;

const FAIL_ON = ['error', 'warning', 'note', 'never'] as const;
const CONFIDENCES: readonly Confidence[] = ['low', 'medium', 'high'];

export interface ScanArgs {
  paths: string[];
  format: Format;
  output?: string;
  failOn: Severity | 'never';
  /** Findings below this confidence are left out of the report and the exit code. */
  minConfidence: Confidence;
  jobs: number;
  quiet: boolean;
  color: boolean;
  /** Use the result cache (off with --no-cache). */
  cache: boolean;
  cacheDir?: string;
  /** --config FILE (relative to cwd). */
  config?: string;
  /** --baseline FILE (relative to cwd). */
  baseline?: string;
}

export const SCAN_OPTIONS = {
  '--format': { value: true },
  '--output': { value: true, alias: '-o' },
  '--fail-on': { value: true },
  '--min-confidence': { value: true },
  '--jobs': { value: true, alias: '-j' },
  '--quiet': { value: false, alias: '-q' },
  '--no-color': { value: false },
  '--no-cache': { value: false },
  '--cache-dir': { value: true },
  '--config': { value: true, alias: '-c' },
  '--baseline': { value: true },
} as const;

export function parseScanArgs(argv: readonly string[], io: CliIo): ScanArgs {
  const { options, positional } = parseOptions(argv, SCAN_OPTIONS);
  const format = (options.get('--format') as string | undefined) ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  const failOn = (options.get('--fail-on') as string | undefined) ?? 'warning';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not "${failOn}"`);
  const minConfidence = (options.get('--min-confidence') as string | undefined) ?? 'low';
  if (!(CONFIDENCES as readonly string[]).includes(minConfidence)) throw new UsageError(`--min-confidence must be one of ${CONFIDENCES.join(', ')}, not "${minConfidence}"`);
  let jobs = defaultJobs();
  if (options.has('--jobs')) {
    jobs = Number(options.get('--jobs'));
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError('--jobs must be a whole number from 1 to 64');
  }
  const output = options.get('--output') as string | undefined;
  return {
    paths: positional,
    format: format as Format,
    output,
    failOn: failOn as ScanArgs['failOn'],
    minConfidence: minConfidence as Confidence,
    jobs,
    quiet: options.has('--quiet'),
    color: !output && !options.has('--no-color') && !!io.stdout.isTTY && !io.env.NO_COLOR,
    cache: !options.has('--no-cache'),
    cacheDir: options.get('--cache-dir') as string | undefined,
    config: options.get('--config') as string | undefined,
    baseline: options.get('--baseline') as string | undefined,
  };
}

export async function scanCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseScanArgs(argv, io);
  const started = Date.now();
  // The team config: the nearest .sealant.yml above each file (or --config), its ignore globs, the triage file.
  let baseline: Baseline | undefined;
  let team: TeamScan;
  try {
    if (args.baseline) baseline = readBaseline(resolve(io.cwd, args.baseline));
    team = await prepareTeamScan({ cwd: io.cwd, paths: args.paths, configFile: args.config });
  } catch (err) {
    if (err instanceof BaselineError) {
      io.stderr.write(`sealant: ${err.message}\n`);
      return EXIT.error;
    }
    if (!(err instanceof ConfigFailure)) throw err;
    io.stderr.write(`${formatErrors(err.errors, io.cwd)}\nsealant: ${err.message}\n`);
    return EXIT.error;
  }
  if (!args.quiet && team.errors.length > 0) io.stderr.write(`${formatErrors(team.errors, io.cwd)}\n`);
  const root = team.root;
  const config: EngineConfig | undefined = undefined;
  const walked = { files: team.files, skipped: team.skipped };
  const progress = !args.quiet && !!io.stderr.isTTY && walked.files.length > 50 ? progressBar(io) : undefined;
  const cache = args.cache
    ? openResultCache({ dir: args.cacheDir ? resolve(io.cwd, args.cacheDir) : defaultCacheDir(io.env), root, version: packageVersion(), config: cacheKeyConfig(team) ?? config, ruleIds: BUILTIN_RULES.map((r) => r.id) })
    : undefined;
  const scanned = await runScan({ root, files: walked.files, jobs: args.jobs, onProgress: progress, config, teamConfigs: team.teamConfigs, configOf: team.configOf, cache });
  const cacheError = cache?.save();
  if (cacheError && !args.quiet) io.stderr.write(`sealant: ${cacheError}\n`);
  if (progress) io.stderr.write('\r\u001b[K');
  // testPaths lower severities, the triage file suppresses (external), the baseline drops known findings.
  const policy = applyTeamPolicy(team, scanned.files);
  let files = policy.files;
  if (baseline) {
    const applied = applyBaseline(files, baseline);
    files = applied.files;
    if (!args.quiet) io.stderr.write(`sealant: ${applied.known} finding${applied.known === 1 ? '' : 's'} already in the baseline ${args.baseline} not reported\n`);
  }
  if (args.minConfidence !== 'low') {
    const floor = CONFIDENCES.indexOf(args.minConfidence);
    files = files.map((f) => ({ ...f, findings: f.findings.filter((x) => CONFIDENCES.indexOf(x.confidence) >= floor) }));
  }
  if (!args.quiet && team.wholeProject && policy.triage.stale().length > 0) {
    io.stderr.write(`sealant: ${policy.triage.stale().length} triage entr${policy.triage.stale().length === 1 ? 'y matches' : 'ies match'} no finding (sealant triage list --stale; sealant triage prune)\n`);
  }
  const result: ScanResult = {
    tool: { name: 'Sealant', version: packageVersion() },
    root,
    files,
    skipped: [...walked.skipped, ...scanned.skipped, ...scanned.failed].sort((a, b) => a.path.localeCompare(b.path)),
    rules: teamDescriptors(team),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  };
  const report = formatResult(result, args.format, {
    color: args.color,
    getSource: (path) => {
      // Decoded as the analysis decoded it (UTF-16 with a BOM), so code frames show the analysed text.
      const read = readSourceSync(resolve(root, path));
      return 'text' in read ? read.text : undefined;
    },
  });
  if (!writeReport(io, report, args.output, args.quiet ? undefined : `wrote ${args.format} report to ${args.output}`)) return EXIT.error;
  return exitCode(result, args.failOn);
}

export function exitCode(result: ScanResult, failOn: Severity | 'never'): number {
  if (failOn === 'never') return EXIT.ok;
  const threshold = SEVERITY_RANK[failOn];
  const failing = result.files.some((f) => f.findings.some((x) => !x.suppression && SEVERITY_RANK[x.severity] >= threshold));
  return failing ? EXIT.findings : EXIT.ok;
}

function progressBar(io: CliIo): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (now - last < 100 && done < total) return;
    last = now;
    const width = 30;
    const filled = Math.round((done / total) * width);
    io.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files`);
  };
}
