/**
 * The `sealant` command. Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage, config or
 * I/O error. Never negative, never anything else.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ScanResult, Severity } from '../core/types';
import { SEVERITY_RANK } from '../core/types';
import { Engine } from '../core/engine';
import { BUILTIN_RULES } from '../rules';
import { FORMATS, formatResult, type Format } from '../reporters';
import { nodeHost, packageVersion } from './node-host';
import { runScan, defaultJobs } from './scan';
import { walk, WalkError } from './walk';
import { readFileSync } from 'node:fs';

export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

export const HELP = `Usage: sealant scan [paths...] [options]

Finds clear-text storage of credentials and personal data, unencrypted transmission,
and unvalidated file uploads in JavaScript, TypeScript and Python.

Options:
  --format <text|json|sarif|markdown>  output format (default: text)
  --output <file>                      write the report to a file instead of stdout
  --fail-on <error|warning|note|never> lowest severity that makes the exit code 1 (default: warning)
  --jobs <n>                           worker threads (default: number of cores, at most 8)
  --quiet                              print nothing but the report (no progress, no summary on stderr)
  --no-color                           no colours in text output (also: NO_COLOR=1)
  --help                               show this help
  --version                            show the version

Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage error, config error or I/O error

Skipped files (binary, over 2 MB, minified, generated, unreadable) are listed in the report.
Secrets are never printed: evidence is redacted.`;

export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  cwd: string;
  env: Record<string, string | undefined>;
}

interface ScanArgs {
  paths: string[];
  format: Format;
  output?: string;
  failOn: Severity | 'never';
  jobs: number;
  quiet: boolean;
  color: boolean;
}

class UsageError extends Error {}

const FAIL_ON = ['error', 'warning', 'note', 'never'] as const;

function parseScanArgs(argv: string[], io: CliIo): ScanArgs {
  const args: ScanArgs = { paths: [], format: 'text', failOn: 'warning', jobs: defaultJobs(), quiet: false, color: !!io.stdout.isTTY && !io.env.NO_COLOR };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = value(i, flag);
      i++;
      return v;
    };
    switch (flag) {
      case '--format': {
        const f = take();
        if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${f}"`);
        args.format = f as Format;
        break;
      }
      case '--output':
      case '-o':
        args.output = take();
        break;
      case '--fail-on': {
        const f = take();
        if (!(FAIL_ON as readonly string[]).includes(f)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not "${f}"`);
        args.failOn = f as ScanArgs['failOn'];
        break;
      }
      case '--jobs':
      case '-j': {
        const n = Number(take());
        if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError('--jobs must be a whole number from 1 to 64');
        args.jobs = n;
        break;
      }
      case '--quiet':
      case '-q':
        args.quiet = true;
        break;
      case '--no-color':
        args.color = false;
        break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${flag} (see sealant --help)`);
        args.paths.push(a);
    }
  }
  if (args.output) args.color = false;
  return args;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(HELP + '\n');
      return command === undefined ? EXIT.error : EXIT.ok;
    }
    if (command === '--version' || command === '-v') {
      io.stdout.write(packageVersion() + '\n');
      return EXIT.ok;
    }
    if (command !== 'scan') throw new UsageError(`unknown command "${command}" (see sealant --help)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(HELP + '\n');
      return EXIT.ok;
    }
    return await scanCommand(parseScanArgs(rest, io), io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof WalkError) {
      io.stderr.write(`sealant: ${err.message}\n`);
      return EXIT.error;
    }
    io.stderr.write(`sealant: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.error;
  }
}

async function scanCommand(args: ScanArgs, io: CliIo): Promise<number> {
  const started = Date.now();
  const root = resolve(io.cwd);
  const walked = walk(root, args.paths);
  const progress = !args.quiet && !!io.stderr.isTTY && walked.files.length > 50 ? progressBar(io) : undefined;
  const scanned = await runScan({ root, files: walked.files, jobs: args.jobs, onProgress: progress });
  if (progress) io.stderr.write('\r\u001b[K');
  const descriptors = new Engine(nodeHost(), { rules: BUILTIN_RULES }).descriptors();
  const result: ScanResult = {
    tool: { name: 'Sealant', version: packageVersion() },
    root,
    files: scanned.files,
    skipped: [...walked.skipped, ...scanned.skipped, ...scanned.failed].sort((a, b) => a.path.localeCompare(b.path)),
    rules: descriptors,
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

if (require.main === module) {
  void main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }).then((code) => {
    process.exitCode = code;
  });
}
