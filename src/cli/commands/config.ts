/**
 * `sealant config validate|print [FILE|DIR]`: check a team config (and everything it extends, custom queries
 * against the real grammars, the triage file beside it), or print the merged result. Exit codes: 0 valid,
 * 2 invalid (or usage error).
 */
import { statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import {
  loadConfigFile, nearestConfigFile, projectRoot, readTriageFile, TRIAGE_FILE, type ConfigError, type LoadedConfig,
} from '../../config';
import { EXIT, parseOptions, UsageError, type CliIo } from '../io';
import { nodeHost } from '../node-host';
import { formatErrors } from '../project';

export const CONFIG_HELP = `Usage: sealant config validate [file|dir] [--format text|json] [--untrusted]
       sealant config print [file|dir] [--format yaml|json]

validate  checks the config that applies to a folder (default: the current one; the nearest .sealant.yml or
          .sealant.json at or above it) or a given config file: YAML/JSON syntax, keys and types, extends (cycles,
          missing files), rule ids and options, regular expressions, custom rule queries; and the triage file
          (.sealant-triage.yml) at the project root. Problems are printed as file:line:column: severity: field:
          message.
print     prints the merged config (extends resolved, the file itself last).

Options:
  --format <fmt>   text or json for validate; yaml or json for print (default: text / yaml)
  --untrusted      validate as an untrusted workspace does (no extends, no custom rules)

Exit codes: 0 valid, 2 invalid config or usage error.`;

const OPTIONS = {
  '--format': { value: true },
  '--untrusted': { value: false },
} as const;

export async function configCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'validate' && sub !== 'print') throw new UsageError(`config needs a subcommand: validate or print${sub ? `, not "${sub}"` : ''} (see sealant config --help)`);
  const { options, positional } = parseOptions(rest, OPTIONS);
  if (positional.length > 1) throw new UsageError(`config ${sub} takes one file or folder, not ${positional.length}`);
  const format = (options.get('--format') as string | undefined) ?? (sub === 'print' ? 'yaml' : 'text');
  const formats = sub === 'print' ? ['yaml', 'json'] : ['text', 'json'];
  if (!formats.includes(format)) throw new UsageError(`--format must be ${formats.join(' or ')} for config ${sub}, not "${format}"`);
  if (sub === 'print' && options.has('--untrusted')) throw new UsageError('--untrusted is an option of config validate');

  const target = resolve(io.cwd, positional[0] ?? '.');
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    throw new UsageError(`cannot read ${positional[0]}: no such file or folder`);
  }
  const file = isDir ? nearestConfigFile(target) : target;
  if (!file) {
    const message = `no .sealant.yml or .sealant.json at or above ${relative(io.cwd, target) || '.'}: the built-in defaults apply`;
    if (sub === 'validate' && format === 'json') io.stdout.write(`${JSON.stringify({ file: null, ok: true, errors: [], files: [], message }, null, 2)}\n`);
    else if (sub === 'print' && format === 'json') io.stdout.write('{}\n');
    else io.stdout.write(sub === 'print' ? `# ${message}\n{}\n` : `${message}\n`);
    return EXIT.ok;
  }
  const loaded = await loadConfigFile(file, { host: nodeHost(), trusted: !options.has('--untrusted') });
  const triage = readTriageFile(resolve(projectRoot(dirname(file)), TRIAGE_FILE));
  const errors: ConfigError[] = [...loaded.errors, ...triage.errors];
  const ok = !errors.some((e) => e.severity === 'error');
  const rel = (f: string) => relative(io.cwd, f) || f;

  if (sub === 'validate') {
    if (format === 'json') {
      io.stdout.write(`${JSON.stringify({ file, ok, errors, files: loaded.files, triageFile: triage.exists ? triage.path : null }, null, 2)}\n`);
    } else {
      if (errors.length) io.stdout.write(`${formatErrors(errors, io.cwd)}\n`);
      io.stdout.write(`${summary(loaded, errors, rel, triage.exists ? rel(triage.path) : undefined)}\n`);
    }
    return ok ? EXIT.ok : EXIT.error;
  }

  if (!ok) {
    io.stderr.write(`${formatErrors(errors, io.cwd)}\nsealant: ${rel(file)} is not valid; nothing to print\n`);
    return EXIT.error;
  }
  const { file: _file, dir: _dir, sources, trusted: _trusted, ...merged } = loaded.config;
  if (format === 'json') io.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
  else io.stdout.write(`# The merged config of ${rel(file)}; merged from, in order: ${sources.map(rel).join(', ')}\n${stringify(merged, { lineWidth: 0 })}`);
  return EXIT.ok;
}

function summary(loaded: LoadedConfig, errors: readonly ConfigError[], rel: (f: string) => string, triage: string | undefined): string {
  const count = (s: ConfigError['severity']) => errors.filter((e) => e.severity === s).length;
  const n = count('error');
  const w = count('warning');
  const parts = [
    loaded.config.sources.length > 1 ? `extends ${loaded.config.sources.slice(0, -1).map(rel).join(', ')}` : undefined,
    loaded.config.customRules.length ? `${loaded.config.customRules.length} custom rule${loaded.config.customRules.length === 1 ? '' : 's'}` : undefined,
    triage ? `triage file ${triage}` : undefined,
    w ? `${w} warning${w === 1 ? '' : 's'}` : undefined,
  ].filter(Boolean);
  const file = rel(loaded.file ?? '');
  return n ? `${file}: ${n} error${n === 1 ? '' : 's'}${w ? `, ${w} warning${w === 1 ? '' : 's'}` : ''}` : `${file}: valid${parts.length ? ` (${parts.join('; ')})` : ''}`;
}
