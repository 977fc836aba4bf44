/**
 * A rule's guidance as Markdown (shown in a Markdown preview inside VS Code), and the hover text of a finding.
 * Pure functions over the engine's plain data; no `vscode` import.
 */
import type { Finding, RuleDescriptor } from '../core/types';
import { COMMANDS, GUIDANCE_SCHEME } from './constants';

const FAMILY_TITLES: Record<string, string> = {
  storage: 'Storage: sensitive data kept in clear text',
  transmission: 'Transmission: sensitive data sent unencrypted',
  upload: 'Upload: file uploads accepted without validation',
  sealant: 'Sealant: notes about suppressions',
};

export function familyTitle(family: string): string {
  return FAMILY_TITLES[family] ?? family;
}

/** Path of a rule's guidance document, e.g. `/storage/sensitive-data-in-log.md`. */
export function guidancePath(ruleId: string): string {
  return `/${ruleId}.md`;
}

/** The rule id of a guidance document path, or undefined. */
export function ruleIdOfGuidancePath(path: string): string | undefined {
  const m = /^\/(.+)\.md$/.exec(path);
  return m ? m[1] : undefined;
}

/** The guidance document's URI as a string (`sealant-guidance:/storage/….md`). */
export function guidanceDocumentUri(ruleId: string): string {
  return `${GUIDANCE_SCHEME}:${guidancePath(ruleId)}`;
}

/** A `command:` URI that opens the rendered guidance of a rule (the diagnostic's code link and hover link). */
export function showGuidanceCommandUri(ruleId: string): string {
  return `command:${COMMANDS.showGuidance}?${encodeURIComponent(JSON.stringify([ruleId]))}`;
}

function cweLink(id: number): string {
  return `[CWE-${id}](https://cwe.mitre.org/data/definitions/${id}.html)`;
}

/** The full guidance page of a rule. */
export function guidanceMarkdown(rule: RuleDescriptor): string {
  const lines = [
    `# ${rule.title}`,
    '',
    `\`${rule.id}\` · ${familyTitle(rule.family)} · default severity **${rule.severity}** · confidence ${rule.confidence}` +
      (rule.fixable ? ' · has a quick fix' : ''),
    '',
    rule.description,
    '',
    '## Why it matters',
    '',
    rule.guidance.why,
    '',
    '## Example',
    '',
    'Flagged:',
    '',
    fence(rule.guidance.bad),
    '',
    'Safe:',
    '',
    fence(rule.guidance.good),
    '',
    '## How to fix it',
    '',
    rule.guidance.fix,
    '',
    '## References',
    '',
  ];
  if (rule.cwe.length) lines.push(`- ${rule.cwe.map(cweLink).join(', ')}`);
  for (const o of rule.owasp) lines.push(`- OWASP ${o}`);
  for (const s of rule.standards) lines.push(`- ${s}`);
  if (rule.languages.length) lines.push(`- Languages: ${rule.languages.join(', ')}`);
  lines.push(
    '',
    '## Suppressing a finding',
    '',
    `Write \`sealant-ignore ${rule.id}: <reason>\` in a comment on the line or the line above, or use the quick fix "Suppress with a reason…".`,
    '',
  );
  return lines.join('\n');
}

function fence(code: string): string {
  const ticks = code.includes('```') ? '````' : '```';
  return `${ticks}\n${code}\n${ticks}`;
}

/** The hover text of a finding: what was found, why it matters, how the data was classified, how to fix it. */
export function hoverMarkdown(finding: Finding, rule: RuleDescriptor | undefined): string {
  const parts: string[] = [];
  const cwe = finding.cwe.length ? ` · ${finding.cwe.map(cweLink).join(', ')}` : '';
  parts.push(`**Sealant** · \`${finding.ruleId}\` · ${finding.severity} · confidence ${finding.confidence}${cwe}`);
  parts.push(`**What:** ${finding.message}`);
  if (rule) parts.push(`**Why it matters:** ${rule.guidance.why}`);
  if (finding.classifications.length) {
    parts.push(['**How the data was classified:**', ...finding.classifications.map((c) => `- ${c.explanation}`)].join('\n'));
  }
  if (finding.related.length) {
    parts.push(['**Where it comes from:**', ...finding.related.map((r) => `- line ${r.range.start.line + 1}: ${r.message}`)].join('\n'));
  }
  if (finding.evidence) parts.push(`**Evidence (redacted):** \`${finding.evidence}\``);
  const fixes = finding.fixes.map((f) => `- ${f.title}${f.safe ? '' : ' (review before applying)'}`);
  const fixText = rule ? rule.guidance.fix : '';
  if (fixText || fixes.length) {
    parts.push([`**Fix:** ${fixText}`, ...(fixes.length ? ['', 'Quick fixes:', ...fixes] : [])].join('\n'));
  }
  parts.push(`[Show guidance for ${finding.ruleId}](${showGuidanceCommandUri(finding.ruleId)})`);
  return parts.join('\n\n');
}
