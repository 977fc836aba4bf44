/**
 * The sensitive-data classifier: tells from a name (identifier, property key, column, keyword argument, header)
 * or a literal value which kind of sensitive data it holds, and explains why. Pure: no disk, no editor.
 *
 * The dictionary (`src/rules/data-dictionary.ts`) is compiled once into a map from a phrase's words run together
 * (`card number` → `cardnumber`) to what the phrase means: a data type, an exclusion, or a META / PRE /
 * PROTECTION / HASH / SEPARATOR word. A name is split into words; every run of consecutive words whose
 * concatenation is a key of that map is a hit, so `cardNumber`, `card_number`, `CARDNUMBER`, `cardnumber` and
 * `card-no` all find their phrase with one map lookup per run. The rules that turn hits into classifications are
 * in `classifyWords`; their reasons are documented on the word lists of the dictionary.
 */
import {
  DATA_DICTIONARY, HASHED_TYPES, HASH_WORDS, META_WORDS, NOT_COMPOUND_SUFFIXES, PRE_WORDS, PROTECTION_WORDS,
  SEPARATOR_WORDS, type DataTypeDef,
} from '../rules/data-dictionary';
import type { Classification, DataCategory } from './types';
import { ibanValid, looksLikeCardNumber, looksLikeSsn, recogniseSecretFormat } from './values';

export interface ClassifierExtension {
  /** New data types; a type with a built-in id adds its names, exclusions and whole names to it. */
  types?: DataTypeDef[];
  /** Type id → extra name phrases. */
  synonyms?: Record<string, string[]>;
  /** Type id → extra excluded phrases. */
  exclusions?: Record<string, string[]>;
}

type Role = 'data' | 'whole' | 'exclude' | 'meta' | 'pre' | 'protect' | 'hash' | 'separator';

interface Entry {
  readonly role: Role;
  /** Data type id, for `data`, `whole` and `exclude` entries. */
  readonly type: string;
  /** The phrase as written in the dictionary, for explanations. */
  readonly phrase: string;
}

interface Hit {
  readonly entry: Entry;
  /** Word indexes, end exclusive. */
  readonly start: number;
  readonly end: number;
}

interface Table {
  readonly entries: ReadonlyMap<string, readonly Entry[]>;
  /** Length of the longest key: runs of words longer than this cannot match. */
  readonly maxKeyLength: number;
  /** Data words that may be split off the end of a longer word, by their last three letters. */
  readonly suffixes: ReadonlyMap<string, readonly string[]>;
  readonly types: ReadonlyMap<string, DataTypeDef>;
}

/** A match that survived the cancelling rules. */
interface Match {
  readonly type: string;
  readonly phrase: string;
  readonly start: number;
  readonly end: number;
  readonly segment: number;
  /** The hash word that turned a password into a password hash. */
  readonly hashWord?: string;
}

const CATEGORIES: Readonly<Record<DataCategory, true>> = Object.freeze({
  credentials: true, government_id: true, financial: true, contact: true, personal: true, health: true,
  biometric: true, location: true,
});

/** Names longer than this (in characters or words) are sentences or data, not names. */
const MAX_NAME_LENGTH = 256;
const MAX_NAME_WORDS = 16;
/** Shortest data word split off the end of a longer word, and shortest remaining prefix. */
const MIN_SUFFIX_LENGTH = 5;
const MIN_PREFIX_LENGTH = 2;
const CACHE_SIZE = 10_000;
const MAX_VALUE_LENGTH = 65_536;

/**
 * Words of an identifier: `SCREAMING_CASE`, `snake_case`, `kebab-case`, dotted and spaced names split at their
 * separators; camelCase and PascalCase at case changes; acronyms kept whole (`APIKey` → api key, `userSSN` → user
 * ssn, `userSSNs` → user ssns); digits are words of their own (`cc2Num` → cc 2 num, `last4` → last 4).
 */
const WORD = /\p{Lu}{2,}s(?!\p{Ll})|\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+|\p{L}+/gu;

/** Lower-case words of a name, split at separators, case changes and digits (no dictionary knowledge). */
export function splitWords(name: string): string[] {
  return (name.match(WORD) ?? []).map((w) => w.toLowerCase());
}

const keyOf = (phrase: string): string => splitWords(phrase).join('');
const escapeRe = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
const eitherCase = (c: string): string => (c.toLowerCase() === c.toUpperCase() ? escapeRe(c) : `[${escapeRe(c.toLowerCase())}${escapeRe(c.toUpperCase())}]`);
/**
 * A short gate phrase where a word can start (see Classifier.mayName), its letters with anything but letters and
 * digits between them. ASCII classes (no `u` flag: several times faster): a non-ASCII letter counts as a separator,
 * which only widens.
 */
export function shortKeyPattern(key: string): string {
  const [first = '', ...rest] = [...key];
  return wordStart(first) + rest.map(nextLetter).join('');
}

/** A short phrase's first letter where a word can start: after no lower-case letter, or in upper case. */
const wordStart = (c: string): string => `(?:(?<![a-z])${eitherCase(c)}|${escapeRe(c.toUpperCase())})`;
/** A short phrase's next letter, after anything but letters and digits. */
const nextLetter = (c: string): string => `[^A-Za-z0-9]*${eitherCase(c)}`;

interface KeyTrie {
  end: boolean;
  next: Map<string, KeyTrie>;
}

/**
 * The gate phrases (`short`: as shortKeyPattern spells them; else as they are) in one pattern shaped as a trie:
 * phrases that start alike share their start, so a place where none can start is given up after one test, not one
 * per phrase (about twice as fast as the flat alternation over the bench corpus). A phrase that another one starts
 * with ends its branch: a text matches the longer one only where it matches the shorter, and a gate asks only
 * whether some phrase matches. Matches what the flat alternation `keys.map(shortKeyPattern).join('|')` matches.
 */
export function keysPattern(keys: readonly string[], short: boolean): string {
  const root: KeyTrie = { end: false, next: new Map() };
  for (const key of keys) {
    let n = root;
    for (const c of key) {
      let m = n.next.get(c);
      if (!m) n.next.set(c, (m = { end: false, next: new Map() }));
      n = m;
    }
    n.end = true;
  }
  const emit = (n: KeyTrie, first: boolean): string => {
    const alternatives = [...n.next].map(([c, m]) => {
      const head = !short ? escapeRe(c) : first ? wordStart(c) : nextLetter(c);
      return m.end ? head : head + emit(m, false);
    });
    return alternatives.length === 1 ? alternatives[0] : `(?:${alternatives.join('|')})`;
  };
  return root.next.size > 0 ? emit(root, true) : '(?!)';
}

/** The plural of the last word run together: `address` → `addresses`, `token` → `tokens`. */
const pluralOf = (key: string): string => (/(s|x|z|ch|sh)$/.test(key) ? `${key}es` : `${key}s`);

const noun = (label: string): string => label.replace(/^(a|an|the) /, '');

function shown(name: string): string {
  const oneLine = name.replace(/\s+/g, ' ').replace(/`/g, "'");
  return oneLine.length > 60 ? `${oneLine.slice(0, 59)}…` : oneLine;
}

// ── compiling the dictionary ──────────────────────────────────────────────────────────────────────────────

function copyType(t: DataTypeDef): DataTypeDef {
  return {
    ...t,
    names: [...t.names],
    exclude: [...(t.exclude ?? [])],
    values: [...(t.values ?? [])],
    wholeNames: [...(t.wholeNames ?? [])],
  };
}

function checkType(t: DataTypeDef, where: string): void {
  if (!/^[a-z][a-z0-9_]*$/.test(t.id ?? '')) throw new Error(`${where}: id "${t.id}" must be lowercase letters, digits and _`);
  if (!Object.hasOwn(CATEGORIES, t.category)) {
    throw new Error(`${where} (${t.id}): unknown category "${t.category}"; use one of ${Object.keys(CATEGORIES).join(', ')}`);
  }
  if (!t.label) throw new Error(`${where} (${t.id}): label is missing`);
  for (const phrase of [...t.names, ...(t.exclude ?? []), ...(t.wholeNames ?? [])]) {
    if (!keyOf(phrase)) throw new Error(`${where} (${t.id}): the phrase "${phrase}" has no words`);
  }
}

/** The dictionary with the extension applied; throws an error naming the field for an invalid extension. */
function mergeDictionary(base: readonly DataTypeDef[], extension: ClassifierExtension = {}): DataTypeDef[] {
  const byId = new Map(base.map((t) => [t.id, copyType(t)] as const));
  (extension.types ?? []).forEach((t, i) => {
    const existing = byId.get(t.id);
    const merged = existing
      ? {
          ...existing,
          ...t,
          names: [...existing.names, ...t.names],
          exclude: [...(existing.exclude ?? []), ...(t.exclude ?? [])],
          values: t.values ?? existing.values,
          wholeNames: [...(existing.wholeNames ?? []), ...(t.wholeNames ?? [])],
        }
      : copyType(t);
    checkType(merged, `dataTypes.types[${i}]`);
    byId.set(t.id, merged);
  });
  const addTo = (field: 'names' | 'exclude', where: string, extra: Record<string, string[]> = {}): void => {
    for (const [id, phrases] of Object.entries(extra)) {
      const t = byId.get(id);
      if (!t) throw new Error(`${where}: unknown data type "${id}"; known types: ${[...byId.keys()].join(', ')}`);
      (t[field] ??= []).push(...phrases);
      checkType(t, `${where}.${id}`);
    }
  };
  addTo('names', 'dataTypes.synonyms', extension.synonyms);
  addTo('exclude', 'dataTypes.exclusions', extension.exclusions);
  return [...byId.values()];
}

function compile(types: readonly DataTypeDef[]): Table {
  const entries = new Map<string, Entry[]>();
  const seen = new Set<string>();
  const add = (phrase: string, role: Role, type = '', plural = true): void => {
    const key = keyOf(phrase);
    for (const k of plural ? [key, pluralOf(key)] : [key]) {
      const id = `${k}\u0000${role}\u0000${type}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const list = entries.get(k) ?? [];
      list.push(Object.freeze({ role, type, phrase }));
      entries.set(k, list);
    }
  };
  for (const t of types) {
    for (const phrase of t.names) add(phrase, 'data', t.id);
    for (const phrase of t.wholeNames ?? []) add(phrase, 'whole', t.id, false);
    for (const phrase of t.exclude ?? []) add(phrase, 'exclude', t.id);
  }
  const words: ReadonlyArray<readonly [readonly string[], Role]> = [
    [META_WORDS, 'meta'], [PRE_WORDS, 'pre'], [PROTECTION_WORDS, 'protect'], [HASH_WORDS, 'hash'],
    [SEPARATOR_WORDS, 'separator'],
  ];
  for (const [list, role] of words) for (const word of list) add(word, role, '', role === 'meta');

  const suffixes = new Map<string, string[]>();
  const notSuffixes = new Set(NOT_COMPOUND_SUFFIXES);
  for (const t of types) {
    for (const key of t.names.map(keyOf)) {
      if (key.length < MIN_SUFFIX_LENGTH || notSuffixes.has(key) || !/^[a-z]+$/.test(key)) continue;
      const list = suffixes.get(key.slice(-3)) ?? [];
      if (!list.includes(key)) list.push(key);
      suffixes.set(key.slice(-3), list);
    }
  }
  for (const list of suffixes.values()) list.sort((a, b) => b.length - a.length);

  return {
    entries,
    maxKeyLength: Math.max(...[...entries.keys()].map((k) => k.length)),
    suffixes,
    types: new Map(types.map((t) => [t.id, t] as const)),
  };
}

// ── classifying names ─────────────────────────────────────────────────────────────────────────────────────

/** Splits a known data word off the end of a longer word: `userpassword` → user password. */
function splitCompound(word: string, table: Table): string[] {
  const candidates = table.suffixes.get(word.slice(-3)) ?? [];
  const suffix = candidates.find((s) => word.length - s.length >= MIN_PREFIX_LENGTH && word.endsWith(s));
  return suffix ? [...splitCompound(word.slice(0, -suffix.length), table), suffix] : [word];
}

/** Every run of consecutive words that spells a phrase of the table. */
function findHits(words: readonly string[], table: Table): Hit[] {
  const hits: Hit[] = [];
  for (let start = 0; start < words.length; start++) {
    let key = '';
    for (let end = start + 1; end <= words.length; end++) {
      key += words[end - 1];
      if (key.length > table.maxKeyLength) break;
      for (const entry of table.entries.get(key) ?? []) hits.push({ entry, start, end });
    }
  }
  return hits;
}

const overlaps = (a: Hit, b: { start: number; end: number }): boolean => a.start < b.end && b.start < a.end;

/**
 * The data types a name's words hold. A data hit is cancelled by an exclusion of its type that covers it, a META
 * word after it (or before an `of` before it), a PRE word before it, or a PROTECTION word elsewhere in its part of
 * the name; a HASH word elsewhere turns a password into a password hash and cancels other types. Of the hits that
 * remain in each part (parts are separated by `and`, `or`, `with`...), the one that ends last is the head of the
 * compound and wins; of those, the longest.
 */
function classifyWords(words: readonly string[], table: Table): Match[] {
  const hits = findHits(words, table);
  const segmentOf: number[] = [];
  let segment = 0;
  words.forEach((w, i) => {
    if (hits.some((h) => h.entry.role === 'separator' && h.start === i && h.end === i + 1)) segment++;
    segmentOf.push(segment);
  });
  const inSegment = (h: Hit, s: number): boolean => segmentOf[h.start] === s && segmentOf[h.end - 1] === s;
  const ofs = words.flatMap((w, i) => (w === 'of' ? [i] : []));

  const matches: Match[] = [];
  for (const hit of hits) {
    const { role, type, phrase } = hit.entry;
    if (role === 'whole' ? hit.start !== 0 || hit.end !== words.length : role !== 'data') continue;
    const seg = segmentOf[hit.start] ?? 0;
    if (!inSegment(hit, seg)) continue;
    const around = hits.filter((h) => h !== hit && inSegment(h, seg));
    const has = (r: Role, where: (h: Hit) => boolean): Hit | undefined => around.find((h) => h.entry.role === r && where(h));
    if (has('exclude', (h) => h.entry.type === type && h.start <= hit.start && h.end >= hit.end)) continue;
    if (has('meta', (h) => h.start >= hit.end)) continue;
    if (has('meta', (h) => ofs.some((o) => h.end <= o && o < hit.start && segmentOf[o] === seg))) continue;
    if (has('pre', (h) => h.end <= hit.start)) continue;
    if (has('protect', (h) => !overlaps(h, hit))) continue;
    const hash = has('hash', (h) => !overlaps(h, hit));
    if (hash) {
      const hashed = HASHED_TYPES[type];
      if (!hashed || !table.types.has(hashed)) continue;
      matches.push({ type: hashed, phrase, start: hit.start, end: hit.end, segment: seg, hashWord: hash.entry.phrase });
      continue;
    }
    matches.push({ type, phrase, start: hit.start, end: hit.end, segment: seg });
  }
  return heads(matches);
}

/** Per part of the name, the matches that end last, and of those the longest; one per type. */
function heads(matches: readonly Match[]): Match[] {
  const out: Match[] = [];
  for (const seg of new Set(matches.map((m) => m.segment))) {
    const inSeg = matches.filter((m) => m.segment === seg);
    const end = Math.max(...inSeg.map((m) => m.end));
    const last = inSeg.filter((m) => m.end === end);
    const start = Math.min(...last.map((m) => m.start));
    for (const m of last) if (m.start === start && !out.some((o) => o.type === m.type)) out.push(m);
  }
  return out;
}

// ── the classifier ────────────────────────────────────────────────────────────────────────────────────────

interface ValueMatch {
  readonly type: string;
  readonly recogniser: string;
  readonly detail: string;
}

export class Classifier {
  private readonly table: Table;
  /**
   * Name → classifications in two generations, an approximate LRU without a Map delete and insert on every hit: a hit
   * in `older` moves to `recent`; when `recent` holds CACHE_SIZE / 2 names it becomes `older` (the old one is dropped).
   */
  private recent = new Map<string, readonly Classification[]>();
  private older = new Map<string, readonly Classification[]>();
  /** The last text given to lettersAndDigits, and its answer (every gate of a file asks about the same text). */
  private stripped: { text: string; value: string } | undefined;

  constructor(dictionary: readonly DataTypeDef[] = DATA_DICTIONARY, extension?: ClassifierExtension) {
    this.table = compile(mergeDictionary(dictionary, extension));
  }

  /**
   * Lower-case words of a name across camelCase, PascalCase, snake_case, SCREAMING_CASE, kebab-case, dotted
   * names, acronyms (`APIKey` → api key) and digits (`cc2Num` → cc 2 num), with known data words split off the
   * end of longer words (`userpassword` → user password; not `microphone`).
   */
  tokenize(name: string): string[] {
    return splitWords(name).flatMap((w) => splitCompound(w, this.table));
  }

  /** Classifications of a name; empty when it is not sensitive. Memoised. */
  classifyName(name: string): Classification[] {
    const cached = this.recent.get(name);
    if (cached) return [...cached];
    const result = this.older.get(name) ?? Object.freeze(this.computeName(name).map((c) => Object.freeze(c)));
    if (this.recent.size >= CACHE_SIZE / 2) {
      this.older = this.recent;
      this.recent = new Map();
    }
    this.recent.set(name, result);
    return [...result];
  }

  /** Classifications of a literal value (card numbers, SSNs, IBANs, keys in known formats); never quotes it. */
  classifyValue(value: string): Classification[] {
    const text = value.trim();
    if (text.length < 9 || text.length > MAX_VALUE_LENGTH) return [];
    const found: ValueMatch[] = [];
    const secret = recogniseSecretFormat(text);
    if (secret) found.push({ type: secret.type, recogniser: 'key-format', detail: `looks like a ${secret.label}` });
    if (looksLikeCardNumber(text)) found.push({ type: 'card_number', recogniser: 'card-number', detail: 'Luhn-valid' });
    if (looksLikeSsn(text)) found.push({ type: 'ssn', recogniser: 'ssn', detail: 'SSN format, valid area, group and serial' });
    if (ibanValid(text)) found.push({ type: 'iban', recogniser: 'iban', detail: 'valid IBAN checksum' });
    return found.flatMap(({ type, recogniser, detail }) => {
      const def = this.table.types.get(type);
      if (!def?.values?.includes(recogniser)) return [];
      return [{ type, category: def.category, by: 'value' as const, explanation: `the value matched type \`${type}\` (${noun(def.label)}, ${detail})` }];
    });
  }

  /** Type definition by id. */
  type(id: string): DataTypeDef | undefined {
    return this.table.types.get(id);
  }

  /** Ids of every data type, the team's new types included. */
  typeIds(): string[] {
    return [...this.table.types.keys()];
  }

  /**
   * A cheap test that a text may hold a name classified as one of `types` (or as a type a hash word turns into one
   * of them), for rule gates (`RuleDefinition.gateTypes`): false only when no name in the text can spell a phrase of
   * those types. A phrase matches a run of whole words of a name, its words run together, or (five letters or more)
   * the end of a longer word; a name's words are runs of letters and digits. So a long phrase must appear in the
   * text once it is lower-cased and stripped of everything but letters and digits, and a short one must start
   * where a word can start (after a character that is not a lower-case letter, or at an upper-case letter). Phrases
   * with letters outside ASCII only make the test pass more often.
   */
  mayName(types: readonly string[]): (text: string) => boolean {
    const wanted = new Set(types);
    const keys = new Set<string>();
    for (const t of this.table.types.values()) {
      if (!wanted.has(t.id) && !wanted.has(HASHED_TYPES[t.id] ?? '')) continue;
      for (const phrase of [...t.names, ...(t.wholeNames ?? [])]) keys.add(keyOf(phrase));
    }
    const long = [...keys].filter((k) => k.length >= MIN_SUFFIX_LENGTH);
    const short = [...keys].filter((k) => k.length < MIN_SUFFIX_LENGTH);
    const shortRe = short.length > 0 ? new RegExp(keysPattern(short, true)) : undefined;
    const longRe = long.length > 0 ? new RegExp(keysPattern(long, false)) : undefined;
    return (text) => (!!shortRe && shortRe.test(text)) || (!!longRe && longRe.test(this.lettersAndDigits(text)));
  }

  /** The text lower-cased, with every character that is not a letter or a digit removed (the last one kept). */
  private lettersAndDigits(text: string): string {
    if (this.stripped?.text !== text) {
      // ASCII text (most source files): the same answer without the slower Unicode property classes.
      const value = /[^\x00-\x7f]/.test(text) ? text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '') : text.toLowerCase().replace(/[^a-z0-9]+/g, '');
      this.stripped = { text, value };
    }
    return this.stripped.value;
  }

  private computeName(name: string): Classification[] {
    if (name.length > MAX_NAME_LENGTH) return [];
    const words = this.tokenize(name);
    if (words.length === 0 || words.length > MAX_NAME_WORDS) return [];
    return classifyWords(words, this.table).flatMap((m) => {
      const def = this.table.types.get(m.type);
      if (!def) return [];
      const how = m.hashWord ? `by the name pattern "${m.phrase}" with the hash word "${m.hashWord}"` : `by the name pattern "${m.phrase}"`;
      return [{ type: def.id, category: def.category, by: 'name' as const, explanation: `\`${shown(name)}\` matched type \`${def.id}\` (${noun(def.label)}) ${how}` }];
    });
  }
}
