/** The CLI as a real process: the built bundle (`dist/cli.js`) run with this node. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

export const CLI = join(REPO_ROOT, 'dist', 'cli.js');

export interface CliRun {
  /** Exit code; null when the process was killed (a timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sealant <args>` in `cwd` with colours off (and `env` added); reports of any size fit the output buffer. */
export function sealant(args: string[], cwd: string = REPO_ROOT, env: Record<string, string> = {}, timeout = 120_000): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.error ? `${r.stderr}\n${String(r.error)}` : r.stderr };
}
