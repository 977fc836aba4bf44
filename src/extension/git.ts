/** Files changed against git HEAD in a folder: `git diff --name-only HEAD` plus untracked files. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface ChangedFiles {
  /** Absolute paths of changed or untracked files that still exist. */
  files: string[];
  /** Set when git could not answer (not a repository, git missing). */
  error?: string;
  /** True when the repository has no commit yet: every tracked and untracked file counts as changed. */
  noHead?: boolean;
}

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      if (err) reject(new Error(stderr.trim() || err.message));
      else resolve(stdout);
    });
  });
}

function split(out: string): string[] {
  return out.split('\0').filter(Boolean);
}

export async function changedFiles(folder: string): Promise<ChangedFiles> {
  try {
    await git(folder, ['rev-parse', '--is-inside-work-tree']);
  } catch (err) {
    return { files: [], error: `not a git work tree (${(err as Error).message.split('\n')[0]})` };
  }
  let noHead = false;
  try {
    await git(folder, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  } catch {
    noHead = true;
  }
  try {
    // Paths relative to `folder` (--relative for diff; ls-files is relative to its cwd already).
    const listed = noHead
      ? split(await git(folder, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']))
      : [
          ...split(await git(folder, ['diff', '--name-only', '-z', '--relative', 'HEAD', '--'])),
          ...split(await git(folder, ['ls-files', '-z', '--others', '--exclude-standard'])),
        ];
    const files = [...new Set(listed)].map((p) => join(folder, p)).filter((p) => existsSync(p));
    return { files: files.sort(), noHead };
  } catch (err) {
    return { files: [], error: (err as Error).message.split('\n')[0] };
  }
}
