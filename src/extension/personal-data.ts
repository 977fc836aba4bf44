/**
 * The personal-data inventory in the editor (issue 11): the "Personal Data" view (data type → collected / stored /
 * logged / sent → locations; a location opens where it is; tooltips say why the data was classified so), the
 * "Export Personal-Data Inventory" command (markdown, json, csv or html, as `sealant inventory` writes them) and the
 * HTML report in a webview under a strict Content Security Policy (no remote source; the inline style and script
 * run by nonce only).
 *
 * Nothing is built at activation: the inventory scan runs when the view first shows its items (or a command needs
 * it), and again after "Refresh" or when a saved file or config change made it stale while the view is visible.
 */
import { randomBytes } from 'node:crypto';
import { dirname, isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { Inventory, InventoryFormat, PersonalDataTreeNode } from '../inventory';
import type { Protection } from '../core/types';
import { PERSONAL_DATA_VIEW_ID } from './constants';
import { engine } from './engine-loader';
import type { Log } from './log';
import type { InventoryScan } from './workspace-scan';

export const INVENTORY_WEBVIEW_TYPE = 'sealant.inventoryReport';

const PROTECTION_COLOUR: Record<Protection, string | undefined> = {
  clear: 'problemsWarningIcon.foreground',
  masked: undefined,
  hashed: 'charts.green',
  tokenised: 'charts.green',
  encrypted: 'charts.green',
};

const FORMAT_LABELS: Record<InventoryFormat, string> = {
  markdown: 'Markdown (.md)',
  json: 'JSON (.json, schemas/inventory.schema.json)',
  csv: 'CSV (.csv)',
  html: 'HTML (.html, one self-contained file)',
};
const FORMAT_EXT: Record<InventoryFormat, string> = { markdown: 'md', json: 'json', csv: 'csv', html: 'html' };

export interface ExportInventoryArgs {
  format?: InventoryFormat;
  /** Absolute path, or relative to the first workspace folder; no save dialog. */
  output?: string;
}

/** What the report command returns (for tests): the webview's HTML as set. */
export interface InventoryReportInfo {
  title: string;
  html: string;
}

interface Built {
  inventory: Inventory;
  tree: PersonalDataTreeNode[];
}

export class PersonalData implements vscode.TreeDataProvider<PersonalDataTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PersonalDataTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<PersonalDataTreeNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private built: Promise<Built | undefined> | undefined;
  private stale = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private panel: vscode.WebviewPanel | undefined;
  /** How many inventory scans ran (tests check that activation runs none). */
  builds = 0;

  constructor(
    private readonly scan: (token?: vscode.CancellationToken) => Promise<InventoryScan | undefined>,
    private readonly version: string,
    private readonly log: Log,
    private readonly supported: (doc: vscode.TextDocument) => boolean,
  ) {
    this.view = vscode.window.createTreeView(PERSONAL_DATA_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      this.view.onDidChangeVisibility((e) => {
        if (e.visible && this.stale) this.refresh();
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (this.supported(doc) || /\.(sql|prisma)$/i.test(doc.uri.path)) this.invalidate();
      }),
    );
  }

  /** The inventory is out of date: rebuilt now if the view shows, else when it shows next. */
  invalidate(): void {
    if (!this.built) return;
    this.stale = true;
    if (!this.view.visible) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, 1000);
  }

  /** Builds the inventory again and redraws the view. */
  refresh(): void {
    this.built = undefined;
    this.stale = false;
    this.changed.fire(undefined);
  }

  /** The current inventory and tree (built on first use). */
  current(): Promise<Built | undefined> {
    if (!this.built) {
      this.built = this.build().catch((err: unknown) => {
        this.log.error('building the personal-data inventory failed', err);
        this.built = undefined;
        throw err;
      });
    }
    return this.built;
  }

  /** A fresh inventory (after a rebuild). */
  async fresh(): Promise<Built | undefined> {
    this.built = undefined;
    this.stale = false;
    const out = await this.current();
    this.changed.fire(undefined);
    return out;
  }

  private async build(): Promise<Built | undefined> {
    this.builds++;
    const started = performance.now();
    const scan = await this.scan();
    if (!scan) return undefined;
    const options = { root: scan.root, tool: { name: 'Sealant', version: this.version }, generatedAt: scan.startedAt, skipped: scan.skipped, labels: scan.labels };
    const { buildInventory, buildPersonalDataTree } = engine();
    const inventory = buildInventory(scan.files, options);
    const tree = buildPersonalDataTree(scan.files, options);
    this.root = scan.root;
    this.log.info(
      `personal-data inventory: ${inventory.summary.dataTypes} data type(s), ${inventory.summary.locations} location(s) in ${inventory.summary.filesWithData} file(s) ` +
        `(${scan.files.length} scanned, ${scan.skipped.length} skipped) in ${(performance.now() - started).toFixed(0)} ms`,
    );
    return { inventory, tree };
  }

  /** The folder inventory paths are relative to. */
  private root: string | undefined;

  async getChildren(node?: PersonalDataTreeNode): Promise<PersonalDataTreeNode[]> {
    if (node) return node.children;
    try {
      const tree = (await this.current())?.tree ?? [];
      this.view.message = undefined;
      return tree;
    } catch (err) {
      this.view.message = `Could not build the inventory: ${err instanceof Error ? err.message : String(err)} (see the Sealant log).`;
      return [];
    }
  }

  getTreeItem(node: PersonalDataTreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.children.length ? (node.kind === 'dataType' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed) : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.findings && node.kind !== 'location' ? `${node.description ?? ''} · ${node.findings} finding${node.findings === 1 ? '' : 's'}` : node.description;
    if (node.tooltip) item.tooltip = new vscode.MarkdownString(node.tooltip);
    const colour = node.protection ? PROTECTION_COLOUR[node.protection] : undefined;
    item.iconPath = new vscode.ThemeIcon(node.icon, colour ? new vscode.ThemeColor(colour) : undefined);
    item.contextValue = `sealant.personalData.${node.kind}`;
    const uri = this.locationUri(node);
    if (uri && node.location) {
      item.resourceUri = uri;
      const { start, end } = node.location;
      item.command = { command: 'vscode.open', title: 'Open', arguments: [uri, { selection: new vscode.Range(start.line, start.column, end.line, end.column), preview: true }] };
    }
    return item;
  }

  /** Where a location node points (undefined for other nodes). */
  locationUri(node: PersonalDataTreeNode): vscode.Uri | undefined {
    if (!node.location || !this.root) return undefined;
    return vscode.Uri.file(isAbsolute(node.location.path) ? node.location.path : join(this.root, ...node.location.path.split('/')));
  }

  /** "Sealant: Export Personal-Data Inventory": returns the file written, or undefined when cancelled. */
  async export(args: ExportInventoryArgs = {}): Promise<string | undefined> {
    const { formatInventory, INVENTORY_FORMATS } = engine();
    let format = args.format;
    if (format !== undefined && !(INVENTORY_FORMATS as readonly string[]).includes(format)) throw new Error(`unknown inventory format "${String(format)}"; use one of ${INVENTORY_FORMATS.join(', ')}`);
    if (!format) {
      const pick = await vscode.window.showQuickPick(
        INVENTORY_FORMATS.map((f) => ({ label: FORMAT_LABELS[f], format: f })),
        { title: 'Export Personal-Data Inventory', placeHolder: 'Format' },
      );
      if (!pick) return undefined;
      format = pick.format;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    let target: vscode.Uri | undefined;
    if (args.output) {
      target = isAbsolute(args.output) || !folder ? vscode.Uri.file(args.output) : vscode.Uri.joinPath(folder, args.output);
    } else {
      target = await vscode.window.showSaveDialog({
        title: 'Export Personal-Data Inventory',
        defaultUri: folder ? vscode.Uri.joinPath(folder, `personal-data-inventory.${FORMAT_EXT[format]}`) : undefined,
        filters: { [FORMAT_LABELS[format]]: [FORMAT_EXT[format]] },
      });
      if (!target) return undefined;
    }
    const built = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Sealant: building the personal-data inventory' }, () => this.fresh());
    if (!built) {
      void vscode.window.showWarningMessage('Sealant: open a folder to export its personal-data inventory.');
      return undefined;
    }
    const text = formatInventory(built.inventory, format);
    if (target.scheme === 'file') await vscode.workspace.fs.createDirectory(vscode.Uri.file(dirname(target.fsPath)));
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text.endsWith('\n') ? text : `${text}\n`));
    const s = built.inventory.summary;
    this.log.info(`wrote the ${format} personal-data inventory (${s.dataTypes} data types, ${s.locations} locations) to ${target.fsPath}`);
    if (!args.output) {
      void vscode.window.showInformationMessage(`Sealant: personal-data inventory written to ${vscode.workspace.asRelativePath(target, true)}.`, 'Open').then((pick) => {
        if (pick) void vscode.commands.executeCommand('vscode.open', target);
      });
    }
    return target.fsPath;
  }

  /** "Sealant: Show Personal-Data Report": the HTML report in a webview (scripts by nonce, nothing remote). */
  async showReport(): Promise<InventoryReportInfo | undefined> {
    const built = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Sealant: building the personal-data inventory' }, () => this.fresh());
    if (!built) {
      void vscode.window.showWarningMessage('Sealant: open a folder to see its personal-data report.');
      return undefined;
    }
    const title = 'Personal-Data Inventory';
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(INVENTORY_WEBVIEW_TYPE, title, vscode.ViewColumn.Active, {
        enableScripts: true,
        enableCommandUris: false,
        localResourceRoots: [],
        retainContextWhenHidden: false,
      });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
      }, undefined, this.disposables);
    } else {
      this.panel.reveal();
    }
    // A fresh nonce each time the HTML is set; the report needs no resource of the extension, so no cspSource.
    const nonce = randomBytes(18).toString('base64').replace(/[+/=]/g, '');
    const html = engine().formatInventoryHtml(built.inventory, { nonce });
    this.panel.webview.html = html;
    return { title, html };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
