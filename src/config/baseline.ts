/**
 * Baselines: an earlier scan result (SARIF or Sealant's JSON report) whose findings are known. With
 * `sealant scan --baseline FILE`, only findings whose fingerprint is not in the baseline are reported, so a team
 * can adopt Sealant on a legacy codebase and fail CI only on new problems. Fingerprints survive reformatting and
 * moved lines; they include the file's path relative to the project root, so a moved file's findings are new.
 */
import { readFileSync } from 'node:fs';
import type { FileResult } from '../core/types';

/** The SARIF `partialFingerprints` key Sealant writes (see src/reporters/sarif.ts). */
export const SARIF_FINGERPRINT_KEY = 'sealant/v1';

export class BaselineError extends Error {}

export interface Baseline {
  format: 'sarif' | 'json';
  fingerprints: Set<string>;
}

/** Parses a baseline from its text. Throws a BaselineError saying what is wrong. */
export function parseBaseline(text: string, name = 'baseline'): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`${name}: not JSON (${(err as Error).message}); give a SARIF or JSON report written by sealant scan`);
  }
  const obj = data as { runs?: unknown; findings?: unknown; version?: unknown };
  if (obj && typeof obj === 'object' && Array.isArray(obj.runs)) {
    const fingerprints = new Set<string>();
    let results = 0;
    for (const run of obj.runs as { results?: { partialFingerprints?: Record<string, unknown> }[] }[]) {
      for (const r of run.results ?? []) {
        results++;
        const fp = r.partialFingerprints?.[SARIF_FINGERPRINT_KEY];
        if (typeof fp === 'string') fingerprints.add(fp);
      }
    }
    if (results > 0 && fingerprints.size === 0) throw new BaselineError(`${name}: its SARIF results carry no "${SARIF_FINGERPRINT_KEY}" fingerprints; was it written by sealant scan --format sarif?`);
    return { format: 'sarif', fingerprints };
  }
  if (obj && typeof obj === 'object' && Array.isArray(obj.findings)) {
    const fingerprints = new Set<string>();
    for (const f of obj.findings as { fingerprint?: unknown }[]) {
      if (typeof f?.fingerprint !== 'string') throw new BaselineError(`${name}: a finding has no fingerprint; was it written by sealant scan --format json?`);
      fingerprints.add(f.fingerprint);
    }
    return { format: 'json', fingerprints };
  }
  throw new BaselineError(`${name}: neither SARIF (runs[]) nor a Sealant JSON report (findings[])`);
}

export function readBaseline(path: string): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BaselineError(`cannot read the baseline ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseBaseline(text, path);
}

/** Drops the findings whose fingerprint is in the baseline; returns how many were dropped. */
export function applyBaseline(files: FileResult[], baseline: Baseline): { files: FileResult[]; known: number } {
  let known = 0;
  const out = files.map((f) => {
    const findings = f.findings.filter((x) => !baseline.fingerprints.has(x.fingerprint));
    known += f.findings.length - findings.length;
    return findings.length === f.findings.length ? f : { ...f, findings };
  });
  return { files: out, known };
}
