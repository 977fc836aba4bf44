import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** What a CLI command needs of the process: streams, working directory, environment. */
export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  cwd: string;
  env: Record<string, string | undefined>;
}

export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

/** A usage error: printed as one line `sealant: <message>`, exit code 2. */
export class UsageError extends Error {}

/** Reads `--flag value` and `--flag=value` options; flags not in `spec` are usage errors. */
export function parseOptions(
  argv: readonly string[],
  spec: Record<string, { value: boolean; alias?: string }>,
): { options: Map<string, string | true>; positional: string[] } {
  const options = new Map<string, string | true>();
  const positional: string[] = [];
  const byAlias = new Map(Object.entries(spec).flatMap(([name, s]) => (s.alias ? [[s.alias, name] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const raw = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const name = byAlias.get(raw) ?? raw;
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option ${raw} (see sealant --help)`);
    if (!s.value) {
      if (eq > 0 && a.startsWith('--')) throw new UsageError(`${name} takes no value`);
      options.set(name, true);
      continue;
    }
    let v: string | undefined;
    if (a.startsWith('--') && eq > 0) v = a.slice(eq + 1);
    else {
      v = argv[i + 1];
      if (v === undefined || (v.startsWith('-') && v !== '-')) throw new UsageError(`${name} needs a value`);
      i++;
    }
    options.set(name, v);
  }
  return { options, positional };
}

/**
 * Writes a report to `output` (relative to the working directory) or, without one, to stdout. Returns false, after
 * saying why on stderr, when the file cannot be written; `wrote` is the stderr line for a written file.
 */
export function writeReport(io: CliIo, report: string, output: string | undefined, wrote: string | undefined): boolean {
  if (!output) {
    io.stdout.write(report.endsWith('\n') ? report : report + '\n');
    return true;
  }
  try {
    writeFileSync(resolve(io.cwd, output), report);
  } catch (err) {
    io.stderr.write(`sealant: cannot write ${output}: ${(err as Error).message}\n`);
    return false;
  }
  if (wrote) io.stderr.write(`sealant: ${wrote}\n`);
  return true;
}
