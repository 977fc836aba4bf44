// package.json's extension manifest agrees with the code: activation events and document selectors come from the
// language registry, every command the code registers is contributed, and the setting defaults are the code's.
// Loads only vscode-free modules of src/extension (constants.ts, settings-schema.ts, tree-cache.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES, languageForPath } from '../../src/languages/registry';
import { activationEvents, COMMANDS, CONFIG_FILE, documentSelector, DOCUMENT_SCHEMES, FINDINGS_VIEW_ID, INTERNAL_COMMANDS, PERSONAL_DATA_VIEW_ID, VIEW_CONTAINER_ID } from '../../src/extension/constants';
import { DEFAULT_SETTINGS, defaultsByKey, normalizeSettings, RUN_MODES, SETTING_KEYS } from '../../src/extension/settings-schema';
import { TreeCache, toTreeEdit } from '../../src/extension/tree-cache';
import type { Tree } from 'web-tree-sitter';
import { REPO_ROOT } from './helpers/paths';

interface Manifest {
  main: string;
  icon?: string;
  activationEvents: string[];
  capabilities?: { untrustedWorkspaces?: { supported: unknown; description?: string } };
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: { commandPalette?: { command: string; when?: string }[] };
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    views: Record<string, { id: string }[]>;
    configuration: { properties: Record<string, { default: unknown; enum?: string[]; type: string }> };
  };
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

describe('extension manifest', () => {
  it('activates on every registry language, the team config file, the view and the commands', () => {
    for (const lang of LANGUAGES) {
      for (const id of [lang.id, ...(lang.aliases ?? [])]) assert.ok(manifest.activationEvents.includes(`onLanguage:${id}`), `missing onLanguage:${id}`);
    }
    assert.ok(manifest.activationEvents.includes(`workspaceContains:${CONFIG_FILE}`));
    assert.deepEqual([...manifest.activationEvents].sort(), [...activationEvents()].sort(), 'activationEvents differ from constants.ts activationEvents()');
    // Nothing that would activate Sealant for every window.
    assert.ok(!manifest.activationEvents.includes('*') && !manifest.activationEvents.includes('onStartupFinished'));
  });

  it('document selectors cover exactly the registry languages, on disk and unsaved', () => {
    const selector = documentSelector();
    assert.deepEqual([...new Set(selector.map((s) => s.language))], LANGUAGES.flatMap((l) => [l.id, ...(l.aliases ?? [])]));
    for (const lang of LANGUAGES) {
      for (const id of [lang.id, ...(lang.aliases ?? [])]) {
        const filters = selector.filter((s) => s.language === id);
        assert.deepEqual(filters.map((s) => s.scheme), [...DOCUMENT_SCHEMES]);
        // Spring config languages: only application*/bootstrap* files, never every YAML file of the workspace.
        for (const f of filters) assert.equal(f.pattern !== undefined, lang.baseNames !== undefined, `${id}: pattern`);
      }
    }
  });

  it('takes only Spring Boot config files of the YAML and properties languages, by path and by language id', () => {
    const yes = ['src/main/resources/application.yml', 'application-prod.yaml', 'config/bootstrap.properties', 'C:\\app\\Application-Dev.properties', 'application.properties'];
    const no = ['charts/api/values.yaml', '.github/workflows/ci.yml', '.sealant.yml', 'messages.properties', 'docker-compose.yml', 'gradle.properties', 'my-application.yml', 'applicationContext.yml', 'applications.properties'];
    for (const p of yes) assert.ok(languageForPath(p), `${p} should be analysed`);
    for (const p of no) assert.equal(languageForPath(p), undefined, `${p} must not be analysed`);
    assert.equal(languageForPath('application.yml')?.syntax, 'yaml');
    assert.equal(languageForPath('bootstrap-cloud.properties')?.syntax, 'properties');
    const yaml = documentSelector().find((s) => s.language === 'yaml');
    assert.equal(yaml?.pattern, '**/{application,application-*,bootstrap,bootstrap-*}.{yml,yaml}');
  });

  it('contributes every command the code registers, and only those', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(COMMANDS).sort());
    for (const c of manifest.contributes.commands) assert.equal(c.category, 'Sealant', `${c.command} has no Sealant category`);
    const hidden = (manifest.contributes.menus.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command).sort();
    assert.deepEqual(hidden, [...INTERNAL_COMMANDS].sort(), 'commands that need arguments must be hidden from the palette');
  });

  it('declares the Findings view in its own activity-bar container, with an icon file that exists', () => {
    const container = manifest.contributes.viewsContainers.activitybar.find((c) => c.id === VIEW_CONTAINER_ID);
    assert.ok(container, 'no sealant activity-bar container');
    readFileSync(join(REPO_ROOT, container.icon));
    assert.deepEqual(manifest.contributes.views[VIEW_CONTAINER_ID].map((v) => v.id), [FINDINGS_VIEW_ID, PERSONAL_DATA_VIEW_ID]);
    assert.ok(manifest.icon);
    readFileSync(join(REPO_ROOT, manifest.icon));
  });

  it('declares limited support for untrusted workspaces, with a reason', () => {
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, 'limited');
    assert.ok((manifest.capabilities?.untrustedWorkspaces?.description ?? '').length > 20);
  });

  it('declares exactly the settings of settings-schema.ts, with the same defaults', () => {
    const props = manifest.contributes.configuration.properties;
    assert.deepEqual(Object.keys(props).sort(), Object.values(SETTING_KEYS).sort());
    for (const [key, value] of Object.entries(defaultsByKey())) assert.deepEqual(props[key].default, value, `${key}: manifest default differs from the code's`);
    assert.deepEqual(props[SETTING_KEYS.run].enum, [...RUN_MODES]);
  });

  it('falls back to the defaults, and says so, for values of the wrong type', () => {
    const ok = normalizeSettings(() => undefined);
    assert.deepEqual(ok.settings, DEFAULT_SETTINGS);
    assert.deepEqual(ok.problems, []);
    const bad = normalizeSettings((key) => ({ 'sealant.run': 'sometimes', 'sealant.debounceMs': -5, 'sealant.scan.jobs': 1.5, 'sealant.scan.exclude': 'dist' })[key]);
    assert.deepEqual(bad.settings, DEFAULT_SETTINGS);
    assert.equal(bad.problems.length, 4);
    const set = normalizeSettings((key) => ({ 'sealant.run': 'onSave', 'sealant.debounceMs': 0, 'sealant.scan.jobs': 2, 'sealant.scan.exclude': ['gen/'] })[key]);
    assert.deepEqual(set.settings, { run: 'onSave', debounceMs: 0, scanJobs: 2, scanExclude: ['gen/'] });
  });
});

describe('incremental edits', () => {
  it('turn a VS Code text change into a tree-sitter edit (UTF-16 offsets, multi-line inserts)', () => {
    const edit = toTreeEdit({ rangeOffset: 10, rangeLength: 3, range: { start: { line: 1, character: 4 }, end: { line: 1, character: 7 } }, text: 'ab\ncdé' });
    assert.deepEqual(edit, {
      startIndex: 10,
      oldEndIndex: 13,
      newEndIndex: 16,
      startPosition: { row: 1, column: 4 },
      oldEndPosition: { row: 1, column: 7 },
      newEndPosition: { row: 2, column: 3 },
    });
  });
});

describe('tree cache', () => {
  function fakeTree(name: string, log: string[]): Tree {
    return { edit: () => log.push(`edit ${name}`), delete: () => log.push(`delete ${name}`) } as unknown as Tree;
  }

  it('frees replaced, evicted, dropped and cleared trees, and nothing else', () => {
    const log: string[] = [];
    const cache = new TreeCache(2);
    cache.set('a', fakeTree('a1', log), 1);
    cache.set('a', fakeTree('a2', log), 2);
    assert.deepEqual(log, ['delete a1']);
    cache.set('b', fakeTree('b1', log), 1);
    cache.get('a'); // a is now the most recently used
    cache.set('c', fakeTree('c1', log), 1);
    assert.deepEqual(log, ['delete a1', 'delete b1']);
    assert.deepEqual(cache.keys(), ['a', 'c']);
    cache.delete('a');
    cache.clear();
    assert.deepEqual(log, ['delete a1', 'delete b1', 'delete a2', 'delete c1']);
    assert.equal(cache.size, 0);
  });

  it('applies edits to the tree and marks it for an incremental re-parse', () => {
    const log: string[] = [];
    const cache = new TreeCache(2);
    cache.set('a', fakeTree('a', log), 1);
    const change = { rangeOffset: 0, rangeLength: 0, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' };
    assert.equal(cache.edit('a', [change, change], undefined, 2), true);
    assert.deepEqual(log, ['edit a', 'edit a']);
    assert.deepEqual({ version: cache.get('a')?.version, edited: cache.get('a')?.edited }, { version: 2, edited: true });
    // An edit from a version the tree does not describe drops the tree (the next run parses from scratch).
    assert.equal(cache.edit('a', [change], 5, 6), false);
    assert.deepEqual(log.slice(-1), ['delete a']);
    assert.equal(cache.edit('missing', [change], undefined, 1), false);
  });
});
