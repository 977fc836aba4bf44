/**
 * `sealant triage add|list|prune`: the triage file (`.sealant-triage.yml` at the project root) from the command
 * line. `add` finds the finding (by fingerprint, or by file:line) with a scan under the team config and writes an
 * entry; `list` shows the entries (`--stale`: those that match no finding of a full scan; `--expired`); `prune`
 * removes stale entries (and, with `--expired`, expired ones).
 */
import { spawnSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import {
  entryFor, isExpired, projectRoot, readTriageFile, TRIAGE_FILE, updateTriageFile, type TriageEntry, type TriageStatus,
} from '../../config';
import type { Finding } from '../../core/types';
import { EXIT, parseOptions, UsageError, type CliIo } from '../io';
import { ConfigFailure, formatErrors, runTeamScan } from '../project';

export const TRIAGE_HELP = `Usage: sealant triage add <fingerprint | file:line[:column]> --reason <text> [options]
       sealant triage list [--stale | --expired] [--format text|json]
       sealant triage prune [--expired] [--dry-run]

The triage file, .sealant-triage.yml at the project root (the nearest folder with a .sealant.yml, else the
current one), lists findings reviewers accepted or marked as false positives. Triaged findings are reported as
suppressed (SARIF suppressions of kind external); from an entry's expiry date on its finding is reported again.

add      scans to find the finding (by its fingerprint, shown in JSON and SARIF output, or by file and line) and
         adds an entry for it
  --reason <text>                    why (required)
  --status <accepted|false-positive> default: accepted
  --reviewer <name>                  default: git config user.name, else $USER
  --expires <YYYY-MM-DD>             the day the entry stops suppressing the finding
  --rule <id>                        which finding, when several are on the line
list     prints the entries
  --stale                            only entries that match no finding of a scan of the whole project (exit 1
                                     when there are any)
  --expired                          only expired entries
  --format <text|json>
prune    removes the entries that match no finding of a scan of the whole project
  --expired                          also remove expired entries
  --dry-run                          print what would be removed

Common options:
  --config <file>                    the config file for the scan (default: the nearest one above each file)
  --jobs <n>                         worker threads for the scan

Exit codes: 0 done, 1 stale entries (list --stale), 2 usage, config or triage file error.`;

const OPTIONS = {
  '--reason': { value: true },
  '--status': { value: true },
  '--reviewer': { value: true },
  '--expires': { value: true },
  '--rule': { value: true },
  '--stale': { value: false },
  '--expired': { value: false },
  '--dry-run': { value: false },
  '--format': { value: true },
  '--config': { value: true, alias: '-c' },
  '--jobs': { value: true, alias: '-j' },
} as const;

const ONLY: Record<string, readonly string[]> = {
  add: ['--reason', '--status', '--reviewer', '--expires', '--rule', '--config', '--jobs'],
  list: ['--stale', '--expired', '--format', '--config', '--jobs'],
  prune: ['--expired', '--dry-run', '--config', '--jobs'],
};

interface Context {
  io: CliIo;
  root: string;
  path: string;
  options: Map<string, string | true>;
  positional: string[];
}

export async function triageCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'add' && sub !== 'list' && sub !== 'prune') throw new UsageError(`triage needs a subcommand: add, list or prune${sub ? `, not "${sub}"` : ''} (see sealant triage --help)`);
  const { options, positional } = parseOptions(rest, OPTIONS);
  for (const name of options.keys()) if (!ONLY[sub].includes(name)) throw new UsageError(`${name} is not an option of triage ${sub}`);
  if (options.has('--jobs')) {
    const jobs = Number(options.get('--jobs'));
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError('--jobs must be a whole number from 1 to 64');
  }
  const root = projectRoot(io.cwd);
  const ctx: Context = { io, root, path: resolve(root, TRIAGE_FILE), options, positional };
  const triage = readTriageFile(ctx.path);
  if (triage.errors.some((e) => e.severity === 'error')) {
    io.stderr.write(`${formatErrors(triage.errors, io.cwd)}\nsealant: fix the triage file first\n`);
    return EXIT.error;
  }
  try {
    if (sub === 'add') return await add(ctx);
    if (sub === 'list') return await list(ctx, triage.entries);
    return await prune(ctx, triage.entries);
  } catch (err) {
    if (!(err instanceof ConfigFailure)) throw err;
    io.stderr.write(`${formatErrors(err.errors, io.cwd)}\nsealant: ${err.message}\n`);
    return EXIT.error;
  }
}

async function scanAll(ctx: Context, paths: string[] = [ctx.root]) {
  return runTeamScan({
    cwd: ctx.io.cwd,
    paths,
    configFile: ctx.options.get('--config') as string | undefined,
    env: ctx.io.env,
    jobs: ctx.options.has('--jobs') ? Number(ctx.options.get('--jobs')) : undefined,
  });
}

function reviewer(io: CliIo): string | undefined {
  const r = spawnSync('git', ['config', 'user.name'], { cwd: io.cwd, encoding: 'utf8', timeout: 5000 });
  const name = r.status === 0 ? r.stdout.trim() : '';
  return name || io.env.USER || io.env.USERNAME || undefined;
}

async function add(ctx: Context): Promise<number> {
  const { io, options, positional } = ctx;
  if (positional.length !== 1) throw new UsageError('triage add takes one fingerprint or file:line');
  const reason = (options.get('--reason') as string | undefined)?.trim();
  if (!reason) throw new UsageError('triage add needs --reason <text>: reviewers need to know why');
  const status = ((options.get('--status') as string | undefined) ?? 'accepted') as TriageStatus;
  if (status !== 'accepted' && status !== 'false-positive') throw new UsageError(`--status must be accepted or false-positive, not "${status}"`);
  const expires = options.get('--expires') as string | undefined;
  const rule = options.get('--rule') as string | undefined;
  const target = positional[0];

  let candidates: Finding[];
  let where: string;
  if (/^[0-9a-f]{16}$/.test(target)) {
    const run = await scanAll(ctx);
    candidates = run.files.flatMap((f) => f.findings).filter((f) => f.fingerprint === target);
    where = `fingerprint ${target}`;
  } else {
    const m = /^(.*):(\d+)(?::(\d+))?$/.exec(target);
    if (!m) throw new UsageError(`"${target}" is neither a fingerprint (16 hexadecimal digits) nor file:line[:column]`);
    const abs = resolve(io.cwd, m[1]);
    const line = Number(m[2]) - 1;
    const column = m[3] !== undefined ? Number(m[3]) - 1 : undefined;
    const run = await scanAll(ctx, [abs]);
    const path = relative(run.scan.root, abs).split('\\').join('/');
    candidates = run.files
      .filter((f) => f.path === path)
      .flatMap((f) => f.findings)
      .filter((f) => f.range.start.line <= line && f.range.end.line >= line && (column === undefined || (f.range.start.line < line || f.range.start.column <= column) && (f.range.end.line > line || f.range.end.column >= column)));
    where = target;
  }
  if (rule) candidates = candidates.filter((f) => f.ruleId === rule);
  candidates = candidates.filter((f) => f.family !== 'sealant');
  if (candidates.length === 0) {
    io.stderr.write(`sealant: no finding${rule ? ` of ${rule}` : ''} at ${where}\n`);
    return EXIT.error;
  }
  const distinct = [...new Map(candidates.map((f) => [f.fingerprint, f])).values()];
  if (distinct.length > 1) {
    io.stderr.write(`sealant: ${distinct.length} findings at ${where}; choose one with --rule or its fingerprint:\n${distinct.map((f) => `  ${f.fingerprint}  ${f.ruleId}  ${f.path}:${f.range.start.line + 1}:${f.range.start.column + 1}  ${f.message}`).join('\n')}\n`);
    return EXIT.error;
  }
  const finding = distinct[0];
  let entry: TriageEntry;
  try {
    entry = entryFor(finding, { status, reason, reviewer: (options.get('--reviewer') as string | undefined) ?? reviewer(io), expires });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  updateTriageFile(ctx.path, { add: [entry] });
  io.stdout.write(`${relative(io.cwd, ctx.path) || TRIAGE_FILE}: ${status} ${finding.ruleId} at ${finding.path}:${finding.range.start.line + 1} (${finding.fingerprint})${finding.suppression?.kind === 'inSource' ? '; note: it is also suppressed in the source' : ''}\n`);
  return EXIT.ok;
}

function show(entries: readonly TriageEntry[], now: Date): string {
  return entries
    .map((e) => `${e.fingerprint}  ${e.status.padEnd(14)}  ${e.rule}  ${e.file}${e.reviewer ? `  by ${e.reviewer}` : ''}${e.expires ? `  ${isExpired(e, now) ? 'EXPIRED' : 'until'} ${e.expires}` : ''}\n    ${e.reason}`)
    .join('\n');
}

async function list(ctx: Context, entries: readonly TriageEntry[]): Promise<number> {
  const { io, options } = ctx;
  const format = (options.get('--format') as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  if (options.has('--stale') && options.has('--expired')) throw new UsageError('give --stale or --expired, not both');
  const now = new Date();
  let shown = [...entries];
  let label = 'triage entries';
  if (options.has('--expired')) {
    shown = entries.filter((e) => isExpired(e, now));
    label = 'expired triage entries';
  } else if (options.has('--stale')) {
    const run = await scanAll(ctx);
    shown = run.triage.stale();
    label = 'stale triage entries (they match no finding)';
    if (run.failed.length > 0) io.stderr.write(`sealant: ${run.failed.length} file(s) could not be analysed; their entries may look stale\n`);
  }
  if (format === 'json') io.stdout.write(`${JSON.stringify({ file: ctx.path, entries: shown }, null, 2)}\n`);
  else io.stdout.write(shown.length ? `${show(shown, now)}\n${shown.length} ${label}\n` : `no ${label}${entries.length === 0 ? ` (${relative(io.cwd, ctx.path) || TRIAGE_FILE} has none)` : ''}\n`);
  return options.has('--stale') && shown.length > 0 ? EXIT.findings : EXIT.ok;
}

async function prune(ctx: Context, entries: readonly TriageEntry[]): Promise<number> {
  const { io, options } = ctx;
  if (entries.length === 0) {
    io.stdout.write('no triage entries to prune\n');
    return EXIT.ok;
  }
  const now = new Date();
  const run = await scanAll(ctx);
  if (run.failed.length > 0) {
    io.stderr.write(`sealant: ${run.failed.length} file(s) could not be analysed; not pruning, since their entries would look stale:\n${run.failed.map((f) => `  ${f.path}: ${f.reason}`).join('\n')}\n`);
    return EXIT.error;
  }
  const remove = new Map<string, string>(run.triage.stale().map((e) => [e.fingerprint, 'matches no finding']));
  if (options.has('--expired')) for (const e of entries) if (isExpired(e, now)) remove.set(e.fingerprint, `expired on ${e.expires}`);
  const lines = entries.filter((e) => remove.has(e.fingerprint)).map((e) => `  ${e.fingerprint}  ${e.rule}  ${e.file}: ${remove.get(e.fingerprint)}`);
  if (remove.size === 0) {
    io.stdout.write('nothing to prune: every entry matches a finding\n');
    return EXIT.ok;
  }
  if (!options.has('--dry-run')) updateTriageFile(ctx.path, { remove: new Set(remove.keys()) });
  io.stdout.write(`${options.has('--dry-run') ? 'would remove' : 'removed'} ${remove.size} entr${remove.size === 1 ? 'y' : 'ies'}:\n${lines.join('\n')}\n`);
  return EXIT.ok;
}
