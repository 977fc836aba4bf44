/**
 * Tree data for the editor's "Personal Data" view: data type → collected / stored / logged / sent → locations.
 * Pure data (no vscode import): the extension maps each node to a TreeItem. Ids are stable across rebuilds, so
 * the view keeps its expansion state; tooltips are Markdown and say why the data was classified so.
 */
import type { FileResult, Position, Protection } from '../core/types';
import { ACTIVITIES, buildInventory, CATEGORY_LABELS, type BuildOptions, type InventoryLocation, type ListedActivity } from './model';

export type PersonalDataNodeKind = 'category' | 'dataType' | 'activity' | 'location';

export interface PersonalDataTreeNode {
  /** Stable id: `type:ssn`, `type:ssn/stored`, `type:ssn/stored/src/db.js:12:4:users.ssn`. */
  id: string;
  kind: PersonalDataNodeKind;
  label: string;
  /** Shown after the label, dimmed. */
  description?: string;
  /** Markdown: why the data was classified so, and why this place collects / stores / logs / sends it. */
  tooltip?: string;
  /** Suggested codicon id (`lock`, `unlock`, `database`, `output`, `globe`, `cloud-upload`, …). */
  icon: string;
  /** For a location, and for a data type or activity: the weakest protection below it. */
  protection?: Protection;
  /** Findings (not suppressed) at this location or below this node. */
  findings: number;
  /** For locations: where to go (zero-based, as VS Code positions). */
  location?: { path: string; start: Position; end: Position };
  activity?: ListedActivity;
  dataType?: string;
  children: PersonalDataTreeNode[];
}

export interface PersonalDataTreeOptions extends BuildOptions {
  /** Put data types under their category (Credentials, Financial, …). Default false: data types at the top. */
  groupByCategory?: boolean;
}

const ACTIVITY_ICON: Record<ListedActivity, string> = { collected: 'arrow-down', stored: 'database', logged: 'output', sent: 'cloud-upload' };
const ACTIVITY_LABEL: Record<ListedActivity, string> = { collected: 'Collected', stored: 'Stored', logged: 'Logged', sent: 'Sent' };

function weakest(list: readonly InventoryLocation[]): Protection | undefined {
  const order: Protection[] = ['clear', 'masked', 'hashed', 'tokenised', 'encrypted'];
  const present = list.filter((l) => l.activity !== 'collected').map((l) => order.indexOf(l.protection));
  return present.length ? order[Math.min(...present)] : undefined;
}

function openFindings(list: readonly InventoryLocation[]): number {
  return new Set(list.flatMap((l) => l.findings.filter((f) => !f.suppressed).map((f) => f.fingerprint))).size;
}

function locationNode(parentId: string, l: InventoryLocation): PersonalDataTreeNode {
  const file = l.path.slice(l.path.lastIndexOf('/') + 1);
  const what = [l.target, l.activity === 'collected' ? l.name : undefined].filter(Boolean).join(' · ');
  const desc = [what || l.sink, l.activity === 'collected' ? undefined : l.protection, l.transport === 'plain' ? 'plain channel' : undefined].filter(Boolean).join(' · ');
  const findings = l.findings.filter((f) => !f.suppressed);
  const tooltip = [
    `**${ACTIVITY_LABEL[l.activity]}** at \`${l.path}:${l.line}\` (${l.sink}${l.target ? `, \`${l.target}\`` : ''})`,
    '',
    l.explanation,
    ...(l.protection !== 'clear' && l.activity !== 'collected' ? ['', `Protection: ${l.protection}${l.protectedBy ? ` by ${l.protectedBy}` : ''}`] : []),
    ...(findings.length ? ['', ...findings.map((f) => `- \`${f.ruleId}\` (${f.severity}): ${f.message}`)] : []),
  ].join('\n');
  return {
    id: `${parentId}/${l.path}:${l.line}:${l.column}:${l.target ?? ''}`,
    kind: 'location',
    label: `${file}:${l.line}`,
    description: desc,
    tooltip,
    icon: l.activity === 'collected' ? 'arrow-down' : l.protection === 'clear' ? 'unlock' : 'lock',
    ...(l.activity !== 'collected' ? { protection: l.protection } : {}),
    findings: findings.length,
    location: { path: l.path, start: { line: l.line - 1, column: l.column - 1 }, end: { line: l.endLine - 1, column: l.endColumn - 1 } },
    activity: l.activity,
    children: [],
  };
}

/**
 * The Personal Data tree from the results of a scan run with `EngineConfig.inventory` (FileResult.facts).
 * Data types are sorted by category (credentials first) and label; empty activities are left out.
 */
export function buildPersonalDataTree(files: readonly FileResult[], options: PersonalDataTreeOptions = {}): PersonalDataTreeNode[] {
  const inv = buildInventory(files, options);
  const typeNodes = inv.dataTypes.map((t): PersonalDataTreeNode => {
    const id = `type:${t.id}`;
    const all = ACTIVITIES.flatMap((a) => t[a]);
    const classified = [...new Set(all.map((l) => l.explanation.split('; ')[0]))].slice(0, 3);
    const children = ACTIVITIES.filter((a) => t[a].length > 0).map((a): PersonalDataTreeNode => {
      const aid = `${id}/${a}`;
      const protection = a === 'collected' ? undefined : weakest(t[a]);
      return {
        id: aid,
        kind: 'activity',
        label: ACTIVITY_LABEL[a],
        description: `${t[a].length}`,
        icon: ACTIVITY_ICON[a],
        ...(protection ? { protection } : {}),
        findings: openFindings(t[a]),
        activity: a,
        dataType: t.id,
        children: t[a].map((l) => ({ ...locationNode(aid, l), dataType: t.id })),
      };
    });
    const protection = weakest(all);
    return {
      id,
      kind: 'dataType',
      label: t.label,
      description: `${CATEGORY_LABELS[t.category]} · ${ACTIVITIES.filter((a) => t[a].length).map((a) => `${a} ${t[a].length}`).join(', ')}`,
      tooltip: [`**${t.label}** (\`${t.id}\`, ${CATEGORY_LABELS[t.category].toLowerCase()})`, '', 'Classified because:', ...classified.map((c) => `- ${c}`)].join('\n'),
      icon: protection === 'clear' ? 'warning' : 'shield',
      ...(protection ? { protection } : {}),
      findings: openFindings(all),
      dataType: t.id,
      children,
    };
  });
  if (!options.groupByCategory) return typeNodes;
  return inv.categories.map((c) => {
    const children = typeNodes.filter((n) => c.dataTypes.includes(n.dataType ?? ''));
    return {
      id: `category:${c.id}`,
      kind: 'category' as const,
      label: c.label,
      description: `${children.length}`,
      icon: 'symbol-folder',
      findings: children.reduce((n, x) => n + x.findings, 0),
      children,
    };
  });
}
