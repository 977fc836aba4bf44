/**
 * The `sealant` command: dispatches to one module per command under ./commands. Exit codes: 0 no finding
 * at or above --fail-on, 1 findings, 2 usage, config or I/O error. Never negative, never anything else.
 */
import { inventoryCommand, INVENTORY_HELP } from './commands/inventory';
import { configCommand, CONFIG_HELP } from './commands/config';
import { scanCommand, SCAN_HELP } from './commands/scan';
import { triageCommand, TRIAGE_HELP } from './commands/triage';
import { EXIT, UsageError, type CliIo } from './io';
import { packageVersion } from './node-host';
import { WalkError } from './walk';

export { EXIT, type CliIo } from './io';

interface Command {
  summary: string;
  help: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** The commands, by name. Add a command by adding a module under ./commands and a row here. */
const COMMANDS: Record<string, Command> = {
  scan: { summary: 'scan files and folders for findings', help: SCAN_HELP, run: scanCommand },
  config: { summary: 'validate the team config (.sealant.yml) or print the merged result', help: CONFIG_HELP, run: configCommand },
  triage: { summary: 'add, list and prune entries of the triage file (.sealant-triage.yml)', help: TRIAGE_HELP, run: triageCommand },
  inventory: { summary: 'list the personal data the code collects, stores, logs and sends', help: INVENTORY_HELP, run: inventoryCommand },
};

export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `Usage: sealant <command> [options]

Finds clear-text storage of credentials and personal data, unencrypted transmission,
and unvalidated file uploads in JavaScript, TypeScript, Python, Java, C#, Go, PHP and Ruby.

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`).join('\n')}

${SCAN_HELP}

Run 'sealant <command> --help' for a command's options.
  --help      show this help
  --version   show the version

Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage error, config error or I/O error

Skipped files (binary, over 2 MB, minified, generated, unreadable) are listed in the report.
Secrets are never printed: evidence is redacted.`;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(helpText() + '\n');
      return name === undefined ? EXIT.error : EXIT.ok;
    }
    if (name === '--version' || name === '-v') {
      io.stdout.write(packageVersion() + '\n');
      return EXIT.ok;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}" (see sealant --help)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(command.help + '\n');
      return EXIT.ok;
    }
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof WalkError) {
      io.stderr.write(`sealant: ${err.message}\n`);
      return EXIT.error;
    }
    io.stderr.write(`sealant: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.error;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }).then((code) => {
    process.exitCode = code;
  });
}
