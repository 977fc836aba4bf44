/** `sealant scan [paths…]`: walk, analyse in worker threads, report, exit by --fail-on. */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Engine, type EngineConfig } from '../../core/engine';
import { SEVERITY_RANK, type ScanResult, type Severity } from '../../core/types';
import { FORMATS, formatResult, type Format } from '../../reporters';
import { BUILTIN_RULES } from '../../rules';
import { EXIT, parseOptions, UsageError, type CliIo } from '../io';
import { nodeHost, packageVersion } from '../node-host';
import { defaultJobs, runScan } from '../scan';
import { walk } from '../walk';

export const SCAN_HELP = `Usage: sealant scan [paths...] [options]

Options:
  --format <text|json|sarif|markdown>  output format (default: text)
  --output <file>                      write the report to a file instead of stdout
  --fail-on <error|warning|note|never> lowest severity that makes the exit code 1 (default: warning)
  --jobs <n>                           worker threads (default: number of cores, at most 8)
  --quiet                              print nothing but the report (no progress, no summary on stderr)
  --no-color                           no colours in text output (also: NO_COLOR=1)`;

const FAIL_ON = ['error', 'warning', 'note', 'never'] as const;

export interface ScanArgs {
  paths: string[];
  format: Format;
  output?: string;
  failOn: Severity | 'never';
  jobs: number;
  quiet: boolean;
  color: boolean;
}

export const SCAN_OPTIONS = {
  '--format': { value: true },
  '--output': { value: true, alias: '-o' },
  '--fail-on': { value: true },
  '--jobs': { value: true, alias: '-j' },
  '--quiet': { value: false, alias: '-q' },
  '--no-color': { value: false },
} as const;

export function parseScanArgs(argv: readonly string[], io: CliIo): ScanArgs {
  const { options, positional } = parseOptions(argv, SCAN_OPTIONS);
  const format = (options.get('--format') as string | undefined) ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  const failOn = (options.get('--fail-on') as string | undefined) ?? 'warning';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not "${failOn}"`);
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
    jobs,
    quiet: options.has('--quiet'),
    color: !output && !options.has('--no-color') && !!io.stdout.isTTY && !io.env.NO_COLOR,
  };
}

export async function scanCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseScanArgs(argv, io);
  const started = Date.now();
  const root = resolve(io.cwd);
  const config: EngineConfig | undefined = undefined;
  const walked = walk(root, args.paths);
  const progress = !args.quiet && !!io.stderr.isTTY && walked.files.length > 50 ? progressBar(io) : undefined;
  const scanned = await runScan({ root, files: walked.files, jobs: args.jobs, onProgress: progress, config });
  if (progress) io.stderr.write('\r\u001b[K');
  const engine = new Engine(nodeHost(), { rules: BUILTIN_RULES, config });
  const result: ScanResult = {
    tool: { name: 'Sealant', version: packageVersion() },
    root,
    files: scanned.files,
    skipped: [...walked.skipped, ...scanned.skipped, ...scanned.failed].sort((a, b) => a.path.localeCompare(b.path)),
    rules: engine.descriptors(),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  };
  const report = formatResult(result, args.format, {
    color: args.color,
    getSource: (path) => {
      try {
        return readFileSync(resolve(root, path), 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  if (args.output) {
    try {
      writeFileSync(resolve(io.cwd, args.output), report);
    } catch (err) {
      io.stderr.write(`sealant: cannot write ${args.output}: ${(err as Error).message}\n`);
      return EXIT.error;
    }
    if (!args.quiet) io.stderr.write(`sealant: wrote ${args.format} report to ${args.output}\n`);
  } else {
    io.stdout.write(report.endsWith('\n') ? report : report + '\n');
  }
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
