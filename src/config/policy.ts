/**
 * What a team config does to findings after the engine ran, the same in the CLI and the extension: `ignore`
 * globs (files not scanned), `testPaths` globs (findings one severity level lower), and the triage file
 * (triaged findings suppressed, expired entries noted). Globs use gitignore syntax, relative to the config's
 * folder (`ResolvedConfig.dir`).
 */
import { relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Finding, Severity } from '../core/types';
import type { TriageIndex } from './triage';
import type { ResolvedConfig } from './types';

const matchers = new WeakMap<readonly string[], Ignore>();

function matcher(globs: readonly string[]): Ignore {
  let m = matchers.get(globs);
  if (!m) {
    m = ignore().add([...globs]);
    matchers.set(globs, m);
  }
  return m;
}

/** The path of a file relative to the config's folder, with `/`; undefined when outside it. */
function relPath(config: ResolvedConfig, absPath: string): string | undefined {
  const rel = relative(config.dir, absPath);
  if (!rel || rel.startsWith('..') || rel.startsWith(sep) || /^[A-Za-z]:/.test(rel)) return undefined;
  return rel.split(sep).join('/');
}

function matches(globs: readonly string[], config: ResolvedConfig, absPath: string, isDir = false): boolean {
  if (globs.length === 0) return false;
  const rel = relPath(config, absPath);
  return rel !== undefined && matcher(globs).ignores(isDir ? `${rel}/` : rel);
}

/** True when the config's `ignore` globs exclude the file (or folder). */
export function isIgnored(config: ResolvedConfig, absPath: string, isDir = false): boolean {
  return matches(config.ignore, config, absPath, isDir);
}

/** True when the file is test code by the config's `testPaths` globs. */
export function isTestCode(config: ResolvedConfig, absPath: string): boolean {
  return matches(config.testPaths, config, absPath);
}

export function lowerSeverity(s: Severity): Severity {
  return s === 'error' ? 'warning' : 'note';
}

export interface PolicyOptions {
  /** The triage entries in force (their `used` set records what matched). */
  triage?: TriageIndex;
}

/** Applies `testPaths` and the triage file to the findings of one file (given by its absolute path). */
export function applyPolicy(findings: readonly Finding[], config: ResolvedConfig, absPath: string, options: PolicyOptions = {}): Finding[] {
  const test = isTestCode(config, absPath);
  return findings.map((f) => {
    let out = f;
    if (test && f.family !== 'sealant') out = { ...out, severity: lowerSeverity(out.severity) };
    if (options.triage) out = options.triage.apply(out);
    return out;
  });
}
