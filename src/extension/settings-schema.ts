/**
 * Sealant's settings: keys, types, defaults and validation. The one place the defaults live; package.json's
 * `contributes.configuration` must declare the same keys and defaults (test/unit/manifest.test.ts checks it).
 * No `vscode` import here: settings.ts reads the values through VS Code and hands them to `normalizeSettings`.
 */

export const RUN_MODES = ['onType', 'onSave', 'off'] as const;
export type RunMode = (typeof RUN_MODES)[number];

export interface Settings {
  /** When open documents are analysed: while typing, on save, or never. */
  run: RunMode;
  /** Quiet time after the last keystroke before a document is re-analysed, in milliseconds. */
  debounceMs: number;
  /** Worker threads of the workspace scan; 0 = one per core (at most 8). */
  scanJobs: number;
  /** Extra ignore globs (gitignore syntax) for the workspace scan, on top of files.exclude and .gitignore. */
  scanExclude: string[];
}

/** Setting key (as in package.json) for each field. */
export const SETTING_KEYS: Readonly<Record<keyof Settings, string>> = Object.freeze({
  run: 'sealant.run',
  debounceMs: 'sealant.debounceMs',
  scanJobs: 'sealant.scan.jobs',
  scanExclude: 'sealant.scan.exclude',
});

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  run: 'onType',
  debounceMs: 250,
  scanJobs: 0,
  scanExclude: [],
});

export const DEBOUNCE_LIMITS = { min: 0, max: 5000 } as const;
export const JOBS_LIMITS = { min: 0, max: 64 } as const;

/** Defaults by full setting key, e.g. `{ 'sealant.run': 'onType', … }`. */
export function defaultsByKey(): Record<string, unknown> {
  return Object.fromEntries((Object.keys(SETTING_KEYS) as (keyof Settings)[]).map((k) => [SETTING_KEYS[k], DEFAULT_SETTINGS[k]]));
}

/**
 * Builds typed settings from raw values (`get(key)` returns what the user configured, or undefined). A value
 * of the wrong type or out of range falls back to its default and is reported in `problems`, never ignored
 * silently.
 */
export function normalizeSettings(get: (key: string) => unknown): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const bad = (field: keyof Settings, value: unknown, expected: string) => {
    problems.push(`${SETTING_KEYS[field]}: ${JSON.stringify(value)} is not ${expected}; using ${JSON.stringify(DEFAULT_SETTINGS[field])}`);
  };

  const run = get(SETTING_KEYS.run) ?? DEFAULT_SETTINGS.run;
  const runOk = typeof run === 'string' && (RUN_MODES as readonly string[]).includes(run);
  if (!runOk) bad('run', run, `one of ${RUN_MODES.join(', ')}`);

  const debounce = get(SETTING_KEYS.debounceMs) ?? DEFAULT_SETTINGS.debounceMs;
  const debounceOk = typeof debounce === 'number' && Number.isFinite(debounce) && debounce >= DEBOUNCE_LIMITS.min && debounce <= DEBOUNCE_LIMITS.max;
  if (!debounceOk) bad('debounceMs', debounce, `a number from ${DEBOUNCE_LIMITS.min} to ${DEBOUNCE_LIMITS.max}`);

  const jobs = get(SETTING_KEYS.scanJobs) ?? DEFAULT_SETTINGS.scanJobs;
  const jobsOk = typeof jobs === 'number' && Number.isInteger(jobs) && jobs >= JOBS_LIMITS.min && jobs <= JOBS_LIMITS.max;
  if (!jobsOk) bad('scanJobs', jobs, `a whole number from ${JOBS_LIMITS.min} to ${JOBS_LIMITS.max}`);

  const exclude = get(SETTING_KEYS.scanExclude) ?? DEFAULT_SETTINGS.scanExclude;
  const excludeOk = Array.isArray(exclude) && exclude.every((e) => typeof e === 'string');
  if (!excludeOk) bad('scanExclude', exclude, 'a list of glob strings');

  return {
    settings: {
      run: runOk ? (run as RunMode) : DEFAULT_SETTINGS.run,
      debounceMs: debounceOk ? (debounce as number) : DEFAULT_SETTINGS.debounceMs,
      scanJobs: jobsOk ? (jobs as number) : DEFAULT_SETTINGS.scanJobs,
      scanExclude: excludeOk ? [...(exclude as string[])] : [...DEFAULT_SETTINGS.scanExclude],
    },
    problems,
  };
}
