/** Small wording helpers for the storage rules' messages, and a filter for parser tokens. */
import type { TaintItem } from '../../core/flow';
import type { RuleContext } from '../../core/rule';

/** "is" for one kind of data, "are" for several. */
export function isAre(items: readonly TaintItem[]): string {
  return new Set(items.map((i) => i.classification.type)).size > 1 ? 'are' : 'is';
}

/** "an AWS access key ID", "a GitHub token". */
export function withArticle(label: string): string {
  return `${/^[AEIOU]|^[aeio]|^(SSN|RSA|HMAC|SMTP|FTP|MD5)\b/.test(label) ? 'an' : 'a'} ${label}`;
}

/**
 * A bare `token` in a file that lexes or parses (`token.type`, `token.value`, a lexer or tokenizer): a syntax
 * token, not a credential.
 */
export function isParserToken(ctx: RuleContext, item: TaintItem): boolean {
  if (item.classification.type !== 'token') return false;
  // A value read by its key (`request.getParameter("token")`) is a request's token even in a file that parses.
  if (/^['"]/.test(item.origin.text)) return false;
  const name = (item.origin.text.split('.').pop() ?? '').replace(/^['"]|['"]$/g, '').replace(/^\$/, '');
  if (!/^(token|tokens|tok|currentToken|nextToken|current_token|next_token|getToken|getNextToken|peekToken)$/.test(name)) return false;
  let cached = ctx.state.get('parserFile') as boolean | undefined;
  if (cached === undefined) {
    // `token.type` / `token[0]` (a lexer's or a route compiler's tuple), or a lexer / parser in the file.
    cached = /\btok(en)?s?\.(type|kind|value|start|end|offset|source|line|loc|range|pos|text|indent)\b|\btok(en)?s?\[\d+\]|\b(lexer|tokenizer|tokenise|tokenize|scanner|parser)\b/i.test(ctx.file.text);
    ctx.state.set('parserFile', cached);
  }
  return cached;
}
