/**
 * Safety of the regular expressions a team writes in its config (capture conditions, sanitizer patterns,
 * keyword gates, `#match?` predicates in custom queries). JavaScript regexes backtrack, and a pattern such as
 * `(a+)+$` takes exponential time on a short hostile input; one such pattern in a shared config would hang every
 * editor and CI run. So patterns are checked before use and rejected when they can backtrack exponentially:
 *
 * - a repeated group that contains another variable-length repetition (`(a+)+`, `(\w+\s?)*`), unless every
 *   iteration is pinned by a required delimiter that the inner repetitions cannot match (`(\.[a-z]+)*` is fine);
 * - a repeated alternation whose branches can start with the same character (`(a|ab)*`, `(\w|\d)+`) or be empty.
 *
 * - a pattern whose cost grows with the cube of the input or faster: three or more repetitions in a row that can
 *   trade characters with each other (`.*a.*b.*c`, counting the retry at every start of an unanchored pattern).
 *
 * Quadratic patterns (`.*secret.*`, `^.*foo.*bar$`) are accepted: capture conditions test at most
 * {@link MAX_MATCH_INPUT} characters, and identifiers and callee paths are short.
 */
import { RegExpParser, RegExpSyntaxError, type AST } from '@eslint-community/regexpp';

export const MAX_REGEX_LENGTH = 1000;
/** Longest text a capture condition tests; longer captures do not match. */
export const MAX_MATCH_INPUT = 2_000;
/** Highest accepted growth of the matching time with the input length (2: quadratic). */
const MAX_DEGREE = 2;

export interface RegexProblem {
  message: string;
  /** Offset and length of the offending part inside the pattern. */
  offset: number;
  length: number;
}

/** A problem with the pattern, or undefined when it is valid and cannot backtrack exponentially. */
export function checkRegex(source: string, flags = ''): RegexProblem | undefined {
  if (source.length > MAX_REGEX_LENGTH) return { message: `regular expression longer than ${MAX_REGEX_LENGTH} characters`, offset: 0, length: source.length };
  let pattern: AST.Pattern;
  try {
    pattern = new RegExpParser({ ecmaVersion: 2024 }).parsePattern(source, 0, source.length, { unicode: flags.includes('u') });
  } catch (err) {
    const index = err instanceof RegExpSyntaxError ? err.index : 0;
    const message = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return { message: `invalid regular expression: ${message}`, offset: Math.max(0, Math.min(index, source.length - 1)), length: 1 };
  }
  try {
    new RegExp(source, flags);
  } catch (err) {
    return { message: `invalid regular expression: ${(err as Error).message}`, offset: 0, length: source.length };
  }
  const ci = flags.includes('i');
  let problem: RegexProblem | undefined;
  const visit = (node: AST.Node): void => {
    if (problem) return;
    if (node.type === 'Quantifier' && node.max === Infinity) problem = checkRepeated(node, ci);
    for (const child of children(node)) visit(child);
  };
  visit(pattern);
  if (problem) return problem;
  for (const alternative of pattern.alternatives) {
    const anchored = alternative.elements[0]?.type === 'Assertion' && alternative.elements[0].kind === 'start';
    const { degree, at } = sequenceDegree(alternative.elements, ci);
    if (degree + (anchored ? 0 : 1) > MAX_DEGREE && at) {
      return {
        offset: at.start,
        length: at.end - at.start,
        message: `the repetitions up to \`${at.raw}\` can trade characters with each other, so matching can take time growing with the ${degree + (anchored ? 0 : 1) === 3 ? 'cube' : 'power'} of the input; anchor the pattern with ^ or make the parts between the repetitions unambiguous`,
      };
    }
  }
  return undefined;
}

/**
 * How many repetitions in a row can trade characters with each other: each adds a factor of the input length
 * to the worst case. A required character that none of them can match pins the split and starts a new run; a
 * repetition followed only by optional parts never backtracks into the ones before it.
 */
function sequenceDegree(elements: readonly AST.Element[], ci: boolean): { degree: number; at: AST.Node | undefined } {
  let run = 0;
  let runSet: CharSet = [];
  let best = 0;
  let at: AST.Node | undefined;
  elements.forEach((e, i) => {
    if (e.type === 'Assertion') return;
    if (unbounded(e)) {
      if (nullable(elements.slice(i + 1))) return;
      const set = consumed(e, ci);
      if (run > 0 && !intersects(set, runSet)) {
        run = 1;
        runSet = set;
      } else {
        run++;
        runSet = union(runSet, set);
      }
      if (run > best) {
        best = run;
        at = e;
      }
      return;
    }
    if (!nullableNode(e) && run > 0 && !intersects(firstOf(e, ci), runSet)) {
      run = 0;
      runSet = [];
    }
  });
  return { degree: best, at };
}

function unbounded(node: AST.Node): boolean {
  if (node.type === 'Quantifier' && node.max === Infinity) return true;
  return children(node).some(unbounded);
}

/** Compiles a pattern already checked by {@link checkRegex}; throws on an unsafe one. */
export function safeRegExp(source: string, flags = ''): RegExp {
  const problem = checkRegex(source, flags);
  if (problem) throw new Error(`${problem.message}: /${source}/`);
  return new RegExp(source, flags);
}

function children(node: AST.Node): AST.Node[] {
  switch (node.type) {
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      return node.alternatives;
    case 'Alternative':
      return node.elements;
    case 'Quantifier':
      return [node.element];
    case 'Assertion':
      return node.kind === 'lookahead' || node.kind === 'lookbehind' ? node.alternatives : [];
    default:
      return [];
  }
}

function checkRepeated(q: AST.Quantifier, ci: boolean): RegexProblem | undefined {
  const at = { offset: q.start, length: q.end - q.start };
  const body = q.element;
  // 1. Alternatives of the repeated group must not overlap on their first character, nor be empty.
  const alternatives = body.type === 'Group' || body.type === 'CapturingGroup' ? body.alternatives : [];
  if (alternatives.length > 1) {
    const firsts = alternatives.map((a) => first(a.elements, ci));
    for (let i = 0; i < alternatives.length; i++) {
      if (nullable(alternatives[i].elements)) return { ...at, message: `the repeated group \`${q.raw}\` has an alternative that can match nothing, so it can backtrack exponentially` };
      for (let j = i + 1; j < alternatives.length; j++) {
        if (intersects(firsts[i], firsts[j])) {
          return { ...at, message: `the alternatives \`${alternatives[i].raw}\` and \`${alternatives[j].raw}\` of the repeated group \`${q.raw}\` can start with the same character, so it can backtrack exponentially; factor out the common start` };
        }
      }
    }
  }
  // 2. Variable-length repetitions inside a repeated group.
  const inner: AST.Quantifier[] = [];
  const collect = (n: AST.Node): void => {
    if (n.type === 'Quantifier' && n.max > n.min) inner.push(n);
    for (const c of children(n)) collect(c);
  };
  collect(body);
  if (inner.length === 0) return undefined;
  const nested = `the repeated group \`${q.raw}\` contains the repetition \`${inner[0].raw}\`, so it can backtrack exponentially (nested quantifiers)`;
  // Allowed only when each iteration is pinned by a required single character that no inner repetition matches,
  // and the inner repetitions match pairwise different characters.
  const sequence = alternatives.length === 1 ? alternatives[0].elements : alternatives.length === 0 ? [body as AST.Element] : undefined;
  if (!sequence) return { ...at, message: nested };
  const innerSets = inner.map((n) => consumed(n.element, ci));
  for (let i = 0; i < innerSets.length; i++) {
    if (nullable([inner[i].element as AST.Element])) return { ...at, message: nested };
    for (let j = i + 1; j < innerSets.length; j++) if (intersects(innerSets[i], innerSets[j])) return { ...at, message: nested };
  }
  const delimiter = sequence.some((e) => {
    const set = singleChar(e, ci);
    return set !== undefined && innerSets.every((s) => !intersects(s, set));
  });
  return delimiter ? undefined : { ...at, message: `${nested}; separate the iterations with a character the inner repetition cannot match` };
}

// ---- character sets as sorted, disjoint code point ranges ---------------------------------------------------

type CharSet = [number, number][];
const ALL: CharSet = [[0, 0x10ffff]];
const DIGIT: CharSet = [[48, 57]];
const WORD: CharSet = [[48, 57], [65, 90], [95, 95], [97, 122]];
const SPACE: CharSet = [[9, 13], [32, 32], [160, 160], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]];

function normalise(set: CharSet): CharSet {
  const sorted = [...set].sort((a, b) => a[0] - b[0]);
  const out: CharSet = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function complement(set: CharSet): CharSet {
  const out: CharSet = [];
  let next = 0;
  for (const [lo, hi] of normalise(set)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

function union(...sets: CharSet[]): CharSet {
  return normalise(sets.flat().map(([a, b]) => [a, b] as [number, number]));
}

function intersects(a: CharSet, b: CharSet): boolean {
  return a.some(([alo, ahi]) => b.some(([blo, bhi]) => alo <= bhi && blo <= ahi));
}

function withCase(set: CharSet, ci: boolean): CharSet {
  if (!ci) return set;
  const extra: CharSet = [];
  for (const [lo, hi] of set) {
    for (let c = Math.max(lo, 65); c <= Math.min(hi, 90); c++) extra.push([c + 32, c + 32]);
    for (let c = Math.max(lo, 97); c <= Math.min(hi, 122); c++) extra.push([c - 32, c - 32]);
  }
  return union(set, extra);
}

function escapeSet(node: AST.EscapeCharacterSet | AST.AnyCharacterSet | AST.UnicodePropertyCharacterSet): CharSet {
  if (node.kind === 'any') return ALL;
  if (node.kind === 'property') return ALL;
  const base = node.kind === 'digit' ? DIGIT : node.kind === 'word' ? WORD : SPACE;
  return node.negate ? complement(base) : base;
}

/** The characters a single-character element matches, or undefined when it is not one. */
function singleChar(node: AST.Node, ci: boolean): CharSet | undefined {
  switch (node.type) {
    case 'Character':
      return withCase([[node.value, node.value]], ci);
    case 'CharacterSet':
      return escapeSet(node);
    case 'CharacterClass': {
      const parts: CharSet[] = node.elements.map((e) => {
        if (e.type === 'Character') return [[e.value, e.value]];
        if (e.type === 'CharacterClassRange') return [[e.min.value, e.max.value]];
        if (e.type === 'CharacterSet') return escapeSet(e);
        return ALL;
      });
      const set = withCase(union(...parts), ci);
      return node.negate ? complement(set) : set;
    }
    default:
      return undefined;
  }
}

/** Every character a node can consume (an over-approximation). */
function consumed(node: AST.Node, ci: boolean): CharSet {
  const single = singleChar(node, ci);
  if (single) return single;
  if (node.type === 'Backreference') return ALL;
  if (node.type === 'Assertion') return [];
  return union(...children(node).map((c) => consumed(c, ci)));
}

function nullable(elements: readonly AST.Node[]): boolean {
  return elements.every((e) => nullableNode(e));
}

function nullableNode(node: AST.Node): boolean {
  switch (node.type) {
    case 'Assertion':
      return true;
    case 'Quantifier':
      return node.min === 0 || nullableNode(node.element);
    case 'Group':
    case 'CapturingGroup':
      return node.alternatives.some((a) => nullable(a.elements));
    case 'Alternative':
      return nullable(node.elements);
    case 'Backreference':
      return true;
    default:
      return false;
  }
}

/** The characters a sequence can start with (an over-approximation). */
function first(elements: readonly AST.Node[], ci: boolean): CharSet {
  const out: CharSet[] = [];
  for (const e of elements) {
    out.push(firstOf(e, ci));
    if (!nullableNode(e)) break;
  }
  return union(...out);
}

function firstOf(node: AST.Node, ci: boolean): CharSet {
  const single = singleChar(node, ci);
  if (single) return single;
  switch (node.type) {
    case 'Quantifier':
      return firstOf(node.element, ci);
    case 'Group':
    case 'CapturingGroup':
      return union(...node.alternatives.map((a) => first(a.elements, ci)));
    case 'Backreference':
      return ALL;
    default:
      return [];
  }
}
