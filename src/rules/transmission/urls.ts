/**
 * URL values for the transmission rules: the static start of a URL expression (a literal, a constant, a
 * template / f-string / concatenation whose first part is known, a class attribute, an environment default),
 * the literal that spells its scheme (for the `http://` → `https://` fix) and how its host is treated.
 */
import type { Node } from 'web-tree-sitter';
import type { FixInput, RuleContext } from '../../core/rule';
import { classifyHost, type HostKind } from '../hosts';

export interface UrlValue {
  /** The static start of the URL (the whole URL when `whole`). */
  prefix: string;
  whole: boolean;
  /** The string literal that spells the start of the URL. */
  literal?: Node;
  /** Only a default, used when an environment variable or a setting is missing (`process.env.API || 'http://…'`). */
  fallback?: boolean;
}

export interface UrlTarget extends UrlValue {
  scheme: string;
  host: string | undefined;
  kind: HostKind;
  /** `user:password@` in the URL itself. */
  credentials: boolean;
}

const URL_START = /^([a-z][a-z0-9+.-]*):\/\/([^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i;

const MAX_DEPTH = 8;

function named(node: Node | null | undefined): Node[] {
  return node ? (node.namedChildren.filter((c) => c !== null) as Node[]) : [];
}

function isTemplate(node: Node): boolean {
  return node.type === 'template_string' || ((node.type === 'string' || node.type === 'interpolated_string_expression') && named(node).some((c) => c.type === 'interpolation')) || node.type === 'encapsed_string';
}

/** The first substitution of a template / f-string when the string starts with it (`${BASE}/x`, f"{BASE}/x"). */
function leadingSubstitution(node: Node): Node | undefined {
  const first = named(node).find((c) => c.type !== 'string_start' && c.type !== 'interpolation_start');
  if (!first || (first.type !== 'template_substitution' && first.type !== 'interpolation')) return undefined;
  return named(first).find((c) => c.type !== 'interpolation_brace');
}

/** The static value of a URL-valued expression, as far as it is known. */
export function urlValue(ctx: RuleContext, node: Node, depth = 0): UrlValue | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const s = ctx.syntax;
  const plain = s.stringValue(node);
  if (plain !== undefined) {
    // Python "…%s…" % x and "…{}…".format(x) are handled by their parents; a plain string is whole.
    return { prefix: plain, whole: true, literal: node };
  }
  if (isTemplate(node)) {
    const lead = leadingSubstitution(node);
    if (lead) {
      const inner = urlValue(ctx, lead, depth + 1);
      return inner ? { ...inner, whole: false } : undefined;
    }
    const prefix = s.stringPrefix(node);
    return prefix !== undefined ? { prefix, whole: false, literal: node } : undefined;
  }
  if (node.type === 'concatenated_string') {
    const first = named(node)[0];
    const inner = first && urlValue(ctx, first, depth + 1);
    return inner ? { ...inner, whole: false } : undefined;
  }
  const op = node.childForFieldName('operator')?.text;
  if (node.type === 'binary_expression' || node.type === 'binary_operator' || node.type === 'boolean_operator') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) return undefined;
    if (op === '+' || op === '.') {
      const l = urlValue(ctx, left, depth + 1);
      return l ? { ...l, whole: false } : undefined;
    }
    if (op === '%') {
      const l = urlValue(ctx, left, depth + 1);
      return l ? { ...l, prefix: l.prefix.split(/%[-#0 +]*[\d.]*[sdrifx(]/)[0], whole: false } : undefined;
    }
    if (op === '||' || op === '??' || op === 'or') {
      const l = urlValue(ctx, left, depth + 1);
      if (l) return l;
      const r = urlValue(ctx, right, depth + 1);
      return r ? { ...r, fallback: true } : undefined;
    }
    return undefined;
  }
  const e = s.expr(node);
  switch (e.kind) {
    case 'identifier': {
      const def = ctx.flow.definitionOf(e.name, node);
      if (!def?.value || def.key !== undefined || def.value.id === node.id || s.isFunction(def.value)) return undefined;
      return urlValue(ctx, def.value, depth + 1);
    }
    case 'member': {
      const obj = ctx.flow.objectLiteralOf(e.object);
      const v = obj && s.property(obj, e.key);
      if (v) return urlValue(ctx, v, depth + 1);
      const attr = classMemberValue(ctx, node);
      return attr ? urlValue(ctx, attr, depth + 1) : undefined;
    }
    case 'union':
      return e.parts.length === 1 && e.parts[0].id !== node.id ? urlValue(ctx, e.parts[0], depth + 1) : undefined;
    case 'call': {
      const recv = e.receiver;
      // "http://{}/x".format(host)
      if (e.name === 'format' && recv && s.stringValue(recv) !== undefined) {
        return { prefix: (s.stringValue(recv) ?? '').split('{')[0], whole: false, literal: recv };
      }
      // os.environ.get('API_URL', 'http://…'), os.getenv('API_URL', 'http://…'), config.get('url', 'http://…')
      if ((e.name === 'get' || e.name === 'getenv' || e.name === 'getProperty' || e.name === 'getOrDefault') && e.args.length >= 2) {
        const d = urlValue(ctx, e.args[1], depth + 1);
        return d ? { ...d, fallback: true } : undefined;
      }
      // Java: URI.create("http://…"), new URI("http://…"), new URL("http://…") with one argument.
      if (/^(java\.net\.)?URI\.create$|^new (java\.net\.)?(URI|URL)$|^new (System\.)?Uri$/.test(e.path) && e.args.length === 1 && (ctx.file.syntax === 'java' || ctx.file.syntax === 'csharp')) return urlValue(ctx, e.args[0], depth + 1);
      // Ruby: URI('http://…'), URI.parse('http://…')
      if (/^(URI|URI\.parse|URI\.join)$/.test(e.path) && e.args[0]) return urlValue(ctx, e.args[0], depth + 1);
      // fmt.Sprintf("http://%s/x", host), Java String.format("http://%s/x", host)
      if ((/^fmt\.Sprintf$/.test(e.path) || (/^String\.format$/.test(e.path) && ctx.file.syntax === 'java')) && e.args[0]) {
        const f = s.stringValue(e.args[0]);
        return f !== undefined ? { prefix: f.split('%')[0], whole: false, literal: e.args[0] } : undefined;
      }
      // urljoin('http://host/', path)
      if (/(^|\.)urljoin$/.test(e.path) && e.args[0]) {
        const b = urlValue(ctx, e.args[0], depth + 1);
        return b ? { ...b, whole: false } : undefined;
      }
      // new URL(path, 'http://host')
      if (/^new (URL|url\.URL)$/.test(e.path) && e.args.length > 0) {
        const first = urlValue(ctx, e.args[0], depth + 1);
        if (first && /^[a-z][a-z0-9+.-]*:\/\//i.test(first.prefix)) return { ...first, whole: false };
        const base = e.args[1] ? urlValue(ctx, e.args[1], depth + 1) : undefined;
        return base ? { ...base, whole: false } : undefined;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * `this.baseUrl` / `self.base_url`: the value assigned to that attribute in the enclosing class (a field
 * initialiser, `this.x = …` in the constructor, a class attribute), when the class assigns it exactly one way.
 */
export function classMemberValue(ctx: RuleContext, member: Node): Node | undefined {
  const object = member.childForFieldName('object');
  const prop = member.childForFieldName(member.type === 'attribute' ? 'attribute' : 'property');
  if (!object || !prop || (object.type !== 'this' && !(object.type === 'identifier' && (object.text === 'self' || object.text === 'cls')))) return undefined;
  const name = prop.text.replace(/^#/, '');
  let cls: Node | null = member.parent;
  while (cls && cls.type !== 'class_declaration' && cls.type !== 'class' && cls.type !== 'class_definition') cls = cls.parent;
  const body = cls?.childForFieldName('body');
  if (!body) return undefined;
  const key = `state:class-members:${body.id}`;
  let members = ctx.state.get(key) as Map<string, Node[]> | undefined;
  if (!members) {
    members = collectClassMembers(body);
    ctx.state.set(key, members);
  }
  const values = members.get(name) ?? [];
  if (values.length === 0) return undefined;
  const first = values[0].text;
  return values.every((v) => v.text === first) ? values[0] : undefined;
}

function collectClassMembers(body: Node): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  const add = (name: string | undefined, value: Node | null | undefined) => {
    if (!name || !value) return;
    const list = out.get(name) ?? [];
    list.push(value);
    out.set(name, list);
  };
  const visit = (n: Node, depth: number) => {
    if (depth > 40) return;
    for (const c of named(n)) {
      if (c.type === 'class_declaration' || c.type === 'class_definition' || c.type === 'class') continue;
      if (c.type === 'public_field_definition' || c.type === 'field_definition') {
        add((c.childForFieldName('name') ?? c.childForFieldName('property'))?.text.replace(/^#/, ''), c.childForFieldName('value'));
      } else if (c.type === 'assignment_expression' || c.type === 'assignment') {
        const left = c.childForFieldName('left');
        const right = c.childForFieldName('right');
        if (left && (left.type === 'member_expression' || left.type === 'attribute')) {
          const obj = left.childForFieldName('object');
          if (obj && (obj.type === 'this' || obj.text === 'self' || obj.text === 'cls')) {
            add(left.childForFieldName(left.type === 'attribute' ? 'attribute' : 'property')?.text.replace(/^#/, ''), right);
          }
        } else if (left?.type === 'identifier' && c.parent?.parent?.id === body.id) {
          // Python class attribute: `BASE_URL = "http://…"` directly in the class body.
          add(left.text, right);
        }
      }
      visit(c, depth + 1);
    }
  };
  visit(body, 0);
  return out;
}

/** A URL value with its scheme and host classified; undefined when the value has no `scheme://` start. */
export function urlTarget(ctx: RuleContext, node: Node): UrlTarget | undefined {
  const v = urlValue(ctx, node);
  return v ? targetOf(ctx, v) : undefined;
}

export function targetOf(ctx: RuleContext, v: UrlValue): UrlTarget | undefined {
  const m = URL_START.exec(v.prefix);
  if (!m) return undefined;
  const host = m[3];
  const rest = v.prefix.slice(m[0].length);
  // A host cut off by an interpolation (`http://api-${env}.partner.com`) is not known.
  // A prefix cut inside the user-info (`http://admin:${password}@host`) does not show the host yet.
  const authority = v.prefix.slice(m[1].length + 3);
  const cutInUserinfo = !v.whole && !/[/?#@]/.test(authority) && /:(?!\d+$)/.test(authority);
  const complete = !cutInUserinfo && (v.whole || rest.length > 0 || /\.[a-z]{2,}$/i.test(host) || /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || /^\[.*\]$/.test(host) || host.toLowerCase() === 'localhost');
  const kind = complete ? classifyHost(host, ctx.hosts.allowInsecure) : 'unknown';
  const userinfo = m[2] ?? '';
  return {
    ...v,
    scheme: m[1].toLowerCase(),
    host: complete ? host : undefined,
    kind,
    credentials: /^[^:@]+:[^@]+@$/.test(userinfo) && !/^[^:]*:(\$\{|\{|%s|<|\*+@|x+@)/i.test(userinfo),
  };
}

/** Hosts a transmission rule reports: the public internet and private addresses. */
export function reportable(kind: HostKind): boolean {
  return kind === 'public' || kind === 'private';
}

/** Replace `from://` by `to://` inside a string literal: offered, never preferred, since the host must serve TLS. */
export function schemeFix(literal: Node | undefined, from: string, to: string): FixInput[] {
  if (!literal) return [];
  const text = literal.text;
  const at = text.toLowerCase().indexOf(`${from}://`);
  if (at < 0) return [];
  return [{
    title: `Use ${to}:// (check that the host serves TLS first)`,
    safe: false,
    edits: [{ start: literal.startIndex + at, end: literal.startIndex + at + from.length, newText: to }],
  }];
}
