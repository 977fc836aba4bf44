// The personal-data inventory in the editor (issue 11): the "Personal Data" view over the fixture workspace (data
// type → collected / stored / logged / sent → locations; a location opens its place; tooltips explain the
// classification), "Export Personal-Data Inventory" compared with `sealant inventory` on the same files, and the
// HTML report in a webview whose Content Security Policy allows nothing remote.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PersonalDataTreeNode } from '../../../src/inventory';
import { closeAll, EXTENSION_ID, sealant, tempDir, waitUntil, workspaceRoot } from './helpers';

const ACTIVITIES = ['Collected', 'Stored', 'Logged', 'Sent'];

function cli(args: string[], cwd: string): Promise<string> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(ext.extensionPath, 'dist', 'cli.js'), ...args], { cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`sealant ${args.join(' ')} failed: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * The workspace's top-level entries without those `files.exclude` hides (the CLI knows nothing of VS Code
 * settings): named explicitly, the CLI scans what the editor scans.
 */
function cliPaths(root: string): string[] {
  const exclude = vscode.workspace.getConfiguration('files', workspaceRoot()).get<Record<string, boolean>>('exclude') ?? {};
  const hidden = Object.entries(exclude).filter(([, on]) => on).map(([glob]) => glob.replace(/^\*\*\//, ''));
  return readdirSync(root).filter((name) => !name.startsWith('.') && !hidden.includes(name)).sort();
}

function walk(nodes: readonly PersonalDataTreeNode[]): PersonalDataTreeNode[] {
  return nodes.flatMap((n) => [n, ...walk(n.children)]);
}

describe('personal-data inventory', function () {
  this.timeout(120_000);

  after(closeAll);

  it('builds nothing at activation: the inventory waits for its view or a command', async () => {
    const api = await sealant();
    assert.equal(api.inventoryBuilds(), 0, 'an inventory scan ran before anything asked for it');
    assert.ok(!api.logLines().some((l) => l.includes('personal-data inventory')), 'the log reports an inventory before any was asked for');
  });

  it('shows data type → activity → location for the fixture workspace, with the CLI\'s data types', async () => {
    const api = await sealant();
    const tree = await api.personalDataTree();
    assert.ok(api.inventoryBuilds() >= 1);
    const cliInventory = JSON.parse(await cli(['inventory', '--format', 'json', ...cliPaths(workspaceRoot().fsPath)], workspaceRoot().fsPath)) as {
      dataTypes: { id: string; label: string; collected: unknown[]; stored: unknown[]; logged: unknown[]; sent: unknown[] }[];
    };
    // Credentials, government id, financial and contact data appear in the fixtures (signup.js, app.py, billing.ts).
    assert.ok(cliInventory.dataTypes.length >= 4, `the CLI found only ${cliInventory.dataTypes.map((t) => t.id).join(', ')}`);
    assert.deepEqual(tree.map((n) => n.kind), tree.map(() => 'dataType'));
    assert.deepEqual(tree.map((n) => n.dataType), cliInventory.dataTypes.map((t) => t.id));
    assert.deepEqual(tree.map((n) => n.label), cliInventory.dataTypes.map((t) => t.label));
    for (const [i, type] of tree.entries()) {
      const expected = cliInventory.dataTypes[i];
      const activities = ACTIVITIES.filter((a) => (expected[a.toLowerCase() as 'collected'] ?? []).length > 0);
      assert.deepEqual(type.children.map((c) => c.label), activities, `${type.label}: activities`);
      for (const activity of type.children) {
        assert.equal(activity.kind, 'activity');
        assert.equal(activity.children.length, expected[activity.label.toLowerCase() as 'collected'].length, `${type.label} / ${activity.label}: locations`);
        assert.ok(activity.children.every((l) => l.kind === 'location' && l.location && /:\d+$/.test(l.label)));
      }
      // The tooltip says why the data was classified so.
      assert.match(type.tooltip ?? '', /Classified because:\n- \S/, `${type.label}: no classification in the tooltip`);
    }
    // The fixtures log an SSN in py/app.py and send one over plain HTTP in js/signup.js.
    const ssn = tree.find((n) => n.dataType === 'ssn');
    assert.ok(ssn, 'no SSN in the view');
    const logged = ssn.children.find((c) => c.label === 'Logged')?.children ?? [];
    assert.ok(logged.some((l) => l.location?.path === 'py/app.py'), `SSN logged at ${logged.map((l) => l.location?.path).join(', ')}`);
    const sent = ssn.children.find((c) => c.label === 'Sent')?.children ?? [];
    assert.ok(sent.some((l) => l.location?.path === 'js/signup.js' && l.protection === 'clear'));
  });

  it('opens a location when it is clicked, and explains it in its tooltip', async () => {
    const api = await sealant();
    const nodes = walk(await api.personalDataTree()).filter((n) => n.kind === 'location');
    const node = nodes.find((n) => n.location?.path === 'py/app.py' && n.activity === 'logged');
    assert.ok(node?.location, 'no logged location in py/app.py');
    const item = api.personalDataItem(node);
    assert.ok(item.command, 'a location item runs no command');
    assert.ok(item.tooltip instanceof vscode.MarkdownString);
    assert.match(item.tooltip.value, /\*\*Logged\*\* at `py\/app\.py:\d+`/);
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'no editor opened');
    assert.equal(vscode.workspace.asRelativePath(editor.document.uri, false), 'py/app.py');
    assert.equal(editor.selection.start.line, node.location.start.line);
    assert.match(editor.document.lineAt(node.location.start.line).text, /logger\.info/);
  });

  it('exports JSON and CSV that match `sealant inventory` of the same files', async () => {
    const api = await sealant();
    const root = workspaceRoot().fsPath;
    const dir = tempDir();
    const paths = cliPaths(root);
    for (const format of ['json', 'csv'] as const) {
      const output = join(dir, `inventory.${format}`);
      const written = await vscode.commands.executeCommand<string>('sealant.exportInventory', { format, output });
      assert.equal(written, output);
      const editor = readFileSync(output, 'utf8');
      const fromCli = await cli(['inventory', '--format', format, ...paths], root);
      if (format === 'csv') {
        assert.ok(editor.split('\n').length > 5, 'the CSV export has (almost) no rows');
        assert.equal(editor.trimEnd(), fromCli.trimEnd());
      } else {
        const a = JSON.parse(editor) as Record<string, unknown>;
        const b = JSON.parse(fromCli) as Record<string, unknown>;
        assert.ok(typeof a.generatedAt === 'string' && typeof b.generatedAt === 'string');
        delete a.generatedAt;
        delete b.generatedAt;
        assert.deepEqual(a, b);
      }
    }
    assert.ok((await api.inventory())?.dataTypes.length);
  });

  it('opens the HTML report in a webview whose CSP allows no remote source and scripts only by nonce', async () => {
    const info = await vscode.commands.executeCommand<{ title: string; html: string }>('sealant.showInventoryReport');
    assert.ok(info, 'the report command returned nothing');
    // The workbench opens the panel's tab asynchronously.
    const tab = await waitUntil(
      vscode.window.tabGroups.onDidChangeTabs,
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('sealant.inventoryReport')),
      'the report tab',
    );
    assert.equal(tab.label, info.title);
    const html = info.html;
    const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
    assert.equal(metas.length, 1, 'one CSP meta expected');
    const csp = metas[0][1].replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values] as const));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, `weak or missing nonce in ${csp}`);
    assert.deepEqual(directives.get('script-src'), [`'nonce-${nonce}'`]);
    for (const [name, values] of directives) {
      for (const v of values) {
        assert.ok(!/^(https?:|wss?:|\*|'unsafe-inline'|'unsafe-eval'|'self')/.test(v) && !/\.(com|net|io|dev)\b/.test(v), `${name} allows ${v}`);
      }
    }
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)];
    const styles = [...html.matchAll(/<style\b([^>]*)>/g)];
    assert.ok(scripts.length >= 1 && styles.length >= 1);
    for (const [tag, attrs] of [...scripts, ...styles]) assert.ok(attrs.includes(`nonce="${nonce}"`), `${tag} runs without the nonce`);
    assert.ok(!/<(script|img|link|iframe)\b[^>]*\b(src|href)="(https?:)?\/\//.test(html), 'the report loads something remote');
    // The report is the inventory the view shows.
    const api = await sealant();
    const inv = await api.inventory();
    for (const t of inv?.dataTypes ?? []) assert.ok(html.includes(t.label), `${t.label} is not in the report`);
  });
});
