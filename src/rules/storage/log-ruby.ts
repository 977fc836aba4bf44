/**
 * Rails parameter filtering: `config.filter_parameters` decides which request parameters Rails masks in its logs
 * (`Parameters: {"password"=>"[FILTERED]"}`). A file that sets the list without anything matching `password`
 * (Rails matches parts of names: `:passw` covers `password` and `password_confirmation`) lets every submitted
 * password reach the log in clear text.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../core/rule';
import { walk } from '../../core/syntax';

interface Setting {
  node: Node;
  /** `=` replaces the list; `+=` / `<<` add to a list other files may also fill. */
  replaces: boolean;
  list?: Node;
}

/** Does this entry of the list filter a parameter named `password`? undefined when it cannot be told (a lambda). */
function coversPassword(entry: Node): boolean | undefined {
  const text = entry.type === 'simple_symbol' ? entry.text.slice(1) : entry.type === 'string' || entry.type === 'bare_symbol' || entry.type === 'bare_string' ? entry.namedChildren.map((c) => (c?.type === 'string_content' ? c.text : '\u0000')).join('') : undefined;
  if (text !== undefined) return text !== '' && 'password'.includes(text.toLowerCase());
  if (entry.type === 'regex') {
    if (entry.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
    const body = entry.namedChildren.map((c) => (c?.type === 'string_content' ? c.text : '')).join('');
    try {
      return new RegExp(body, /\/[a-z]*i[a-z]*$/.test(entry.text) ? 'i' : '').test('password');
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function entriesOf(list: Node): Node[] {
  if (list.type === 'array' || list.type === 'symbol_array' || list.type === 'string_array') return list.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  return [list];
}

/** After the last entry of the list (`, :passw` / ` passw` in `%i[…]`), or inside an empty one. */
function insertion(list: Node, symbols: boolean): { start: number; end: number; newText: string } {
  const last = entriesOf(list).at(-1);
  const at = last && last.id !== list.id ? last.endIndex : list.endIndex - 1;
  return { start: at, end: at, newText: symbols ? (last ? ' passw' : 'passw') : last && last.id !== list.id ? ', :passw' : ':passw' };
}

/** Reported once per file, at the first setting, when no setting in the file covers `password`. */
export function checkFilterParameters(ctx: RuleContext, call: Node): void {
  if (call.childForFieldName('method')?.text !== 'filter_parameters' || ctx.state.get('filterParameters')) return;
  ctx.state.set('filterParameters', true);
  const settings: Setting[] = [];
  walk(ctx.root, (n) => {
    const left = n.childForFieldName('left');
    if (!left || left.type !== 'call' || left.childForFieldName('method')?.text !== 'filter_parameters') return true;
    const right = n.childForFieldName('right') ?? undefined;
    if (n.type === 'assignment') settings.push({ node: n, replaces: true, list: right });
    else if (n.type === 'operator_assignment' || (n.type === 'binary' && n.childForFieldName('operator')?.text === '<<')) settings.push({ node: n, replaces: false, list: right });
    return true;
  });
  // `app.config.filter_parameters << /token/` alone is a gem adding its own names to the application's list.
  if (!settings.some((s) => s.node.type !== 'binary')) return;
  let unknown = false;
  for (const s of settings) {
    if (!s.list) return;
    for (const e of entriesOf(s.list)) {
      const covers = coversPassword(e);
      if (covers) return;
      if (covers === undefined) unknown = true;
    }
  }
  if (unknown) return;
  const first = settings[0];
  const list = first.list;
  const arrayLiteral = list?.type === 'array' && list.text.endsWith(']');
  const symbols = list?.type === 'symbol_array';
  ctx.report({
    node: first.node,
    message: 'Rails `filter_parameters` set here does not filter `password` (add `:passw`, which also covers `password_confirmation`): passwords submitted in requests are written to the log in clear text.',
    severity: 'error',
    // `+=` adds to a list that config/application.rb or another initializer may already have filled.
    confidence: ctx.file.isTestPath ? 'low' : settings.some((s) => s.replaces) ? 'high' : 'medium',
    fingerprintKey: 'filter_parameters password',
    fixes: list && (arrayLiteral || symbols)
      ? [{ title: 'Add :passw to filter_parameters', safe: true, edits: [insertion(list, symbols)] }]
      : [],
  });
}
