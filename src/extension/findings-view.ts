/**
 * The Findings view (activity bar): a tree grouped by family → rule → file → finding, switchable to
 * file → finding, filtered by a minimum severity, counts as descriptions and as the view's badge; clicking a
 * finding reveals it. A status bar item shows the count and the scan state.
 */
import * as vscode from 'vscode';
import { SEVERITY_RANK, type Finding, type RuleDescriptor, type Severity } from '../core/types';
import { COMMANDS, FINDINGS_VIEW_ID } from './constants';
import { toRange } from './convert';
import { buildTree, total, type GroupBy, type TreeNode } from './findings-model';
import { familyTitle } from './guidance-text';
import type { FindingsStore } from './store';
import type { ScanState } from './workspace-scan';

const SEVERITY_ICON: Record<Severity, vscode.ThemeIcon> = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  note: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
};
const FAMILY_ICON: Record<string, string> = { storage: 'database', transmission: 'broadcast', upload: 'cloud-upload', sealant: 'shield' };

/** A serialisable snapshot of the tree, for tests. */
export interface TreeSnapshot {
  kind: TreeNode['kind'];
  label: string;
  description: string | undefined;
  count: number;
  uri?: string;
  line?: number;
  /** What clicking the item runs. */
  command?: { command: string; arguments: unknown[] };
  children: TreeSnapshot[];
}

export class FindingsView implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<TreeNode>;
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private roots: TreeNode[] = [];
  private groupBy: GroupBy;
  private minimum: Severity;
  private scan: ScanState = { scanning: false, done: 0, total: 0 };
  private runOff = false;

  constructor(
    private readonly store: FindingsStore,
    private readonly rules: () => ReadonlyMap<string, RuleDescriptor>,
    private readonly memento: vscode.Memento,
  ) {
    this.groupBy = memento.get<GroupBy>('sealant.findings.groupBy') === 'file' ? 'file' : 'rule';
    const min = memento.get<string>('sealant.findings.minimumSeverity');
    this.minimum = min === 'error' || min === 'warning' ? min : 'note';
    this.view = vscode.window.createTreeView(FINDINGS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.status = vscode.window.createStatusBarItem('sealant.status', vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'Sealant';
    this.status.command = `${FINDINGS_VIEW_ID}.focus`;
    this.disposables.push(this.view, this.status, this.changed, store.onDidChange(() => this.rebuild()));
    void this.setContext();
    this.rebuild();
    this.status.show();
  }

  get grouping(): GroupBy {
    return this.groupBy;
  }

  get minimumSeverity(): Severity {
    return this.minimum;
  }

  async setGroupBy(groupBy: GroupBy): Promise<void> {
    this.groupBy = groupBy;
    await this.memento.update('sealant.findings.groupBy', groupBy);
    await this.setContext();
    this.rebuild();
  }

  async setMinimumSeverity(minimum: Severity): Promise<void> {
    this.minimum = minimum;
    await this.memento.update('sealant.findings.minimumSeverity', minimum);
    this.rebuild();
  }

  /** Asks for the minimum severity (or takes it from the argument). */
  async pickMinimumSeverity(arg?: unknown): Promise<void> {
    let value = typeof arg === 'string' && arg in SEVERITY_RANK ? (arg as Severity) : undefined;
    if (!value) {
      const choices: { label: string; value: Severity }[] = [
        { label: 'Errors only', value: 'error' },
        { label: 'Warnings and errors', value: 'warning' },
        { label: 'Everything (notes, warnings, errors)', value: 'note' },
      ];
      const items: (vscode.QuickPickItem & { value: Severity })[] = choices.map((i) => ({ ...i, picked: i.value === this.minimum, description: i.value === this.minimum ? 'current' : undefined }));
      value = (await vscode.window.showQuickPick(items, { title: 'Sealant: show findings at or above' }))?.value;
    }
    if (value) await this.setMinimumSeverity(value);
  }

  setScanState(state: ScanState): void {
    this.scan = state;
    this.updateStatus();
  }

  setRunOff(off: boolean): void {
    this.runOff = off;
    this.updateStatus();
  }

  private async setContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'sealant.findings.groupBy', this.groupBy);
  }

  private rebuild(): void {
    const files = this.store.all().map((e) => ({ key: e.uri.toString(), label: vscode.workspace.asRelativePath(e.uri), findings: e.findings }));
    this.roots = buildTree(files, this.groupBy, this.minimum);
    const count = total(this.roots);
    this.view.badge = count > 0 ? { value: count, tooltip: `${count} Sealant finding${count === 1 ? '' : 's'}` } : undefined;
    const filter = this.minimum === 'note' ? '' : ` · ${this.minimum} and above`;
    this.view.description = `by ${this.groupBy === 'rule' ? 'family and rule' : 'file'}${filter}`;
    this.changed.fire(undefined);
    this.updateStatus();
  }

  private updateStatus(): void {
    const all = this.store.all().flatMap((e) => e.findings.filter((f) => !f.suppression));
    const by = (s: Severity) => all.filter((f) => f.severity === s).length;
    if (this.scan.scanning) {
      this.status.text = `$(sync~spin) Sealant ${this.scan.done}/${this.scan.total}`;
      this.status.tooltip = `Sealant is scanning: ${this.scan.done} of ${this.scan.total} files done`;
    } else {
      this.status.text = `$(shield) ${all.length}${this.runOff ? ' (off)' : ''}`;
      this.status.tooltip = `Sealant: ${all.length} finding(s): ${by('error')} error(s), ${by('warning')} warning(s), ${by('note')} note(s)` +
        (this.runOff ? '\nLive analysis is off (sealant.run)' : '') + '\nClick to show the Findings view';
    }
    this.status.backgroundColor = by('error') > 0 && !this.scan.scanning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return node ? node.children : this.roots;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    const find = (list: TreeNode[], parent: TreeNode | undefined): TreeNode | undefined => {
      for (const n of list) {
        if (n === node) return parent;
        const hit = find(n.children, n);
        if (hit) return hit;
      }
      return undefined;
    };
    return find(this.roots, undefined);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.kind === 'finding' ? vscode.TreeItemCollapsibleState.None : node.kind === 'file' && this.groupBy === 'rule' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
    item.id = node.id;
    item.description = describe(node);
    item.contextValue = `sealant.${node.kind}`;
    switch (node.kind) {
      case 'family':
        item.label = node.label.charAt(0).toUpperCase() + node.label.slice(1);
        item.tooltip = familyTitle(node.label);
        item.iconPath = new vscode.ThemeIcon(FAMILY_ICON[node.label] ?? 'shield');
        break;
      case 'rule': {
        const rule = node.ruleId ? this.rules().get(node.ruleId) : undefined;
        item.tooltip = rule ? `${rule.title}\n${rule.description}` : node.label;
        item.iconPath = new vscode.ThemeIcon('law');
        break;
      }
      case 'file':
        item.resourceUri = vscode.Uri.parse(node.fileKey ?? '');
        item.label = node.label;
        break;
      case 'finding': {
        const f = node.finding as Finding;
        const uri = vscode.Uri.parse(node.fileKey ?? '');
        item.iconPath = SEVERITY_ICON[f.severity];
        item.tooltip = new vscode.MarkdownString(`**${f.ruleId}** (${f.severity})\n\n${f.message}`);
        item.command = { title: 'Reveal', command: COMMANDS.revealFinding, arguments: [uri, toRange(f.range)] };
        break;
      }
    }
    return item;
  }

  /** The tree as plain data, as the view shows it (tests read it through the extension's API). */
  snapshot(): TreeSnapshot[] {
    const walk = (nodes: TreeNode[]): TreeSnapshot[] =>
      nodes.map((n) => {
        const item = this.getTreeItem(n);
        return {
          kind: n.kind,
          label: typeof item.label === 'string' ? item.label : (item.label?.label ?? n.label),
          description: typeof item.description === 'string' ? item.description : undefined,
          count: n.count,
          ...(n.fileKey ? { uri: n.fileKey } : {}),
          ...(n.finding ? { line: n.finding.range.start.line } : {}),
          ...(item.command ? { command: { command: item.command.command, arguments: item.command.arguments ?? [] } } : {}),
          children: walk(n.children),
        };
      });
    return walk(this.roots);
  }

  /** The view's badge value (total findings shown). */
  get badge(): number {
    return this.view.badge?.value ?? 0;
  }

  get statusText(): string {
    return this.status.text;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function describe(node: TreeNode): string {
  if (node.kind === 'finding') return `line ${(node.finding?.range.start.line ?? 0) + 1}`;
  return `${node.count}`;
}

/** Opens a finding's file with the finding selected. */
export async function revealFinding(uri: vscode.Uri, range: vscode.Range): Promise<void> {
  const editor = await vscode.window.showTextDocument(uri, { selection: range, preserveFocus: false, preview: true });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
