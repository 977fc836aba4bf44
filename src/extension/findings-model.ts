/**
 * The Findings view's tree as plain data: family → rule → file → finding, or file → finding; filtered by a
 * minimum severity; every group carries its count. No `vscode` import (the view renders these nodes).
 */
import { SEVERITY_RANK, type Finding, type Severity } from '../core/types';

export type GroupBy = 'rule' | 'file';

export interface FileInput {
  /** The file's URI as a string. */
  key: string;
  /** Path shown to the user (workspace-relative). */
  label: string;
  findings: readonly Finding[];
}

export interface TreeNode {
  id: string;
  kind: 'family' | 'rule' | 'file' | 'finding';
  label: string;
  /** Findings below this node (1 for a finding). */
  count: number;
  children: TreeNode[];
  family?: string;
  ruleId?: string;
  fileKey?: string;
  finding?: Finding;
}

const FAMILY_ORDER = ['storage', 'transmission', 'upload', 'sealant'];

export function passes(f: Finding, minimum: Severity): boolean {
  // Triaged findings (the triage file: suppression kind 'external') stay in the view; in-source suppressions do not.
  return (!f.suppression || f.suppression.kind === 'external') && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[minimum];
}

export function buildTree(files: readonly FileInput[], groupBy: GroupBy, minimum: Severity): TreeNode[] {
  const rows = files
    .flatMap((file) => file.findings.filter((f) => passes(f, minimum)).map((finding) => ({ file, finding })))
    .sort((a, b) => a.file.label.localeCompare(b.file.label) || a.finding.range.startOffset - b.finding.range.startOffset || a.finding.ruleId.localeCompare(b.finding.ruleId));

  const findingNode = (prefix: string, file: FileInput, f: Finding): TreeNode => ({
    id: `${prefix}/${f.ruleId}@${f.range.startOffset}-${f.range.endOffset}`,
    kind: 'finding',
    label: f.message,
    count: 1,
    children: [],
    family: f.family,
    ruleId: f.ruleId,
    fileKey: file.key,
    finding: f,
  });
  const byFile = (prefix: string, list: typeof rows): TreeNode[] => {
    const groups = new Map<string, typeof rows>();
    for (const r of list) groups.set(r.file.key, [...(groups.get(r.file.key) ?? []), r]);
    return [...groups.values()].map((g) => {
      const id = `${prefix}/file:${g[0].file.key}`;
      return { id, kind: 'file', label: g[0].file.label, count: g.length, children: g.map((r) => findingNode(id, r.file, r.finding)), fileKey: g[0].file.key };
    });
  };

  if (groupBy === 'file') return byFile('', rows);

  const families = new Map<string, typeof rows>();
  for (const r of rows) families.set(r.finding.family, [...(families.get(r.finding.family) ?? []), r]);
  return [...families.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([family, list]) => {
      const famId = `family:${family}`;
      const rules = new Map<string, typeof rows>();
      for (const r of list) rules.set(r.finding.ruleId, [...(rules.get(r.finding.ruleId) ?? []), r]);
      const children = [...rules.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([ruleId, rl]): TreeNode => {
          const id = `${famId}/rule:${ruleId}`;
          return { id, kind: 'rule', label: ruleId, count: rl.length, children: byFile(id, rl), family, ruleId };
        });
      return { id: famId, kind: 'family', label: family, count: list.length, children, family };
    });
}

function rank(family: string): number {
  const i = FAMILY_ORDER.indexOf(family);
  return i < 0 ? FAMILY_ORDER.length : i;
}

/** Total findings in a forest. */
export function total(nodes: readonly TreeNode[]): number {
  return nodes.reduce((n, node) => n + node.count, 0);
}
