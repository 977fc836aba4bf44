/**
 * `upload/no-size-limit` in Spring Boot configuration files (`application*.properties`, `application*.yml`):
 * `spring.servlet.multipart.max-file-size` / `max-request-size` (Boot 1.x: `spring.http.multipart.*`) set to -1
 * (unlimited) or above the rule's `maxBytes`. Absent means Spring Boot's defaults (1 MB per file, 10 MB per request):
 * not a finding.
 */
import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext } from '../../core/rule';
import { canonicalKey } from '../../languages/config';
import { MB, formatBytes, inTests } from './shared';

/** The multipart limits in Spring's canonical (relaxed-binding) form: lower case, no `-` / `_`. */
const LIMIT_KEY = /^spring\.(servlet|http)\.multipart\.(maxfilesize|maxrequestsize)$/;
/** Profiles whose settings do not reach production (`application-dev.yml`, `application-test.properties`). */
const LOCAL_PROFILE = /(^|[/\\])(application|bootstrap)-(dev|development|local|test|tests|it)\.[a-z]+$/i;

/**
 * A Spring `DataSize` (`10MB`, `512KB`, `1048576`, `-1`), in bytes; -Infinity / Infinity for a negative (unlimited)
 * value; undefined when it is not a size.
 */
export function springSize(text: string): number | undefined {
  const m = /^\s*([+-]?\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb)?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n < 0) return Infinity;
  const unit: Record<string, number> = { b: 1, kb: 1024, mb: MB, gb: MB * 1024, tb: MB * MB };
  return n * unit[(m[2] ?? 'b').toLowerCase()];
}

/** `${NAME:default}` (the whole value, one placeholder): its default, `''` when it has none; undefined for others. */
function placeholderDefault(text: string): string | undefined {
  const m = /^\$\{[^:}]+(?::([^}]*))?\}$/.exec(text.trim());
  return m ? (m[1] ?? '') : undefined;
}

/** The node a fix replaces: the scalar of a YAML value (not its anchor or tag), the whole value of a property. */
function replaceable(value: Node): Node {
  return value.type === 'flow_node' ? (value.namedChildren.find((c) => c !== null && /scalar$/.test(c.type)) ?? value) : value;
}

export function springConfigNoSizeLimit(ctx: RuleContext, threshold: number): void {
  for (const entry of ctx.syntax.entries(ctx.root)) {
    if (entry.key === undefined || !LIMIT_KEY.test(canonicalKey(entry.key))) continue;
    const text = ctx.syntax.stringValue(entry.value);
    if (text === undefined || text === '') continue;
    const fallback = placeholderDefault(text);
    const size = springSize(fallback ?? text);
    if (size === undefined || size <= threshold) continue;
    const perFile = /filesize$/.test(canonicalKey(entry.key));
    const what = perFile ? 'uploaded files' : 'multipart requests';
    const safeMb = Math.max(1, Math.min(10, Math.floor(threshold / MB)));
    const limit = threshold >= MB ? `${safeMb}MB` : `${threshold}B`;
    const fix: FixInput | undefined =
      fallback === undefined ? { title: `Limit ${what} to ${limit}`, safe: true, edits: [{ node: replaceable(entry.value), newText: limit }] } : undefined;
    const local = LOCAL_PROFILE.test(ctx.file.path);
    ctx.report({
      node: entry.value,
      message:
        (fallback !== undefined
          ? `\`${entry.key}\` defaults to ${Number.isFinite(size) ? formatBytes(size) : 'unlimited (-1)'} when its placeholder is not set`
          : Number.isFinite(size)
            ? `\`${entry.key}\` lets Spring accept ${what} up to ${formatBytes(size)}, above the ${formatBytes(threshold)} this project considers safe`
            : `\`${entry.key}\` is ${text.trim()}: Spring accepts ${what} of any size, so one request can fill the disk or memory`) +
        (local ? ' (a development or test profile).' : '.'),
      severity: 'warning',
      // A placeholder's default applies only when the deployment sets nothing; a dev/test profile rarely ships.
      confidence: fallback !== undefined ? 'low' : local ? inTests(ctx, 'medium', 'low') : inTests(ctx, 'high', 'low'),
      fixes: fix ? [fix] : [],
      fingerprintKey: `spring ${canonicalKey(entry.key)}`,
    });
  }
}
