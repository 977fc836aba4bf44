/** The one place settings are read: typed, validated, defaults from settings-schema.ts. */
import * as vscode from 'vscode';
import { normalizeSettings, SETTING_KEYS, type Settings } from './settings-schema';
import type { Log } from './log';

const reported = new Set<string>();

/** Current settings for a resource (a document or folder URI; the window's when absent). */
export function readSettings(scope?: vscode.ConfigurationScope, log?: Log): Settings {
  const config = vscode.workspace.getConfiguration(undefined, scope);
  const { settings, problems } = normalizeSettings((key) => config.get(key));
  for (const p of problems) {
    if (reported.has(p)) continue;
    reported.add(p);
    log?.warn(`setting ${p}`);
  }
  return settings;
}

/** True when a configuration change touches one of Sealant's settings. */
export function affectsSettings(e: vscode.ConfigurationChangeEvent, field?: keyof Settings): boolean {
  if (field) return e.affectsConfiguration(SETTING_KEYS[field]);
  return e.affectsConfiguration('sealant');
}
