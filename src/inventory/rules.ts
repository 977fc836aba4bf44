/**
 * The inventory pass: one facts-only rule the engine adds when `EngineConfig.inventory` is set. Its patterns
 * join the grammar's single combined query like any rule's; it never reports a finding, it only records facts
 * (`ctx.record`) of where personal data is collected, stored, logged, sent and read back.
 */
import type { RuleContext, RuleDefinition, RuleMatch } from '../core/rule';
import { collectCall, collectDestructuring, collectHandlerParams, collectMember } from './facts/collect';
import { jvmCall, jvmEntityField, jvmHandler } from './facts/jvm';
import { goPhpCall, phpSuperglobal } from './facts/gophp';
import { rubyAssign, rubyCall, rubyElement } from './facts/ruby';
import { logCall } from './facts/log';
import { readCall, readMember, readSql } from './facts/read';
import { sendCall } from './facts/send';
import { dbWrite, ddlString, modelCall, modelClass, otherStores, sqlWrite, storageSink, storeAssignment } from './facts/store';

export const INVENTORY_RULE_ID = 'inventory/personal-data';

/** The context with a counter of the `stored` facts recorded through it. */
function counting(ctx: RuleContext): { ctx: RuleContext; stored: () => number } {
  let n = 0;
  const wrapped: RuleContext = {
    ...ctx,
    record: (fact) => {
      if (fact.activity === 'stored') n++;
      ctx.record(fact);
    },
  };
  return { ctx: wrapped, stored: () => n };
}

/** Java and C#: entity columns, handler parameters, log calls and HTTP requests (facts/jvm.ts). */
function checkJvm(match: RuleMatch, ctx: RuleContext): void {
  const call = match.get('call');
  if (call) return jvmCall(ctx, call);
  const decl = match.get('decl');
  if (decl) return jvmEntityField(ctx, decl);
  const handler = match.get('handler');
  if (handler) jvmHandler(ctx, handler);
}

/** Go and PHP: request reads, log calls, storage writes and HTTP requests the rules recognise (facts/gophp.ts). */
function checkGoPhp(match: RuleMatch, ctx: RuleContext): void {
  const call = match.get('call');
  if (call) return goPhpCall(ctx, call);
  const member = match.get('member');
  if (member) phpSuperglobal(ctx, member);
}

/** Ruby: request reads, schema columns, log calls, storage writes and HTTP requests (facts/ruby.ts). */
function checkRuby(match: RuleMatch, ctx: RuleContext): void {
  const call = match.get('call');
  if (call) return rubyCall(ctx, call);
  const member = match.get('member');
  if (member) return rubyElement(ctx, member);
  const assign = match.get('assign');
  if (assign) rubyAssign(ctx, assign);
}

function check(match: RuleMatch, ctx: RuleContext): void {
  if (ctx.file.syntax === 'java' || ctx.file.syntax === 'csharp') return checkJvm(match, ctx);
  if (ctx.file.syntax === 'ruby') return checkRuby(match, ctx);
  if (ctx.file.syntax === 'go' || ctx.file.syntax === 'php') return checkGoPhp(match, ctx);
  const call = match.get('call');
  if (call) {
    collectCall(ctx, call);
    if (logCall(ctx, call)) return;
    const c = counting(ctx);
    sqlWrite(c.ctx, call);
    dbWrite(c.ctx, call);
    modelCall(c.ctx, call);
    otherStores(c.ctx, call);
    if (c.stored() === 0) storageSink(ctx, call);
    sendCall(ctx, call);
    readCall(ctx, call);
    return;
  }
  const member = match.get('member');
  if (member) {
    if (!collectMember(ctx, member)) readMember(ctx, member);
    return;
  }
  const destructure = match.get('destructure');
  if (destructure) return collectDestructuring(ctx, destructure);
  const assign = match.get('assign');
  if (assign) {
    const c = counting(ctx);
    storeAssignment(c.ctx, assign);
    if (c.stored() === 0) storageSink(ctx, assign);
    return;
  }
  const cls = match.get('class');
  if (cls) return modelClass(ctx, cls);
  const str = match.get('string');
  if (str) {
    ddlString(ctx, str);
    readSql(ctx, str);
    return;
  }
  const handler = match.get('handler');
  if (handler) collectHandlerParams(ctx, handler);
}

export const inventoryRule: RuleDefinition = {
  id: INVENTORY_RULE_ID,
  family: 'storage',
  title: 'Personal-data inventory',
  description: 'Records where personal data is collected, stored, logged and sent; reports no findings.',
  severity: 'note',
  confidence: 'medium',
  cwe: [],
  owasp: [],
  fixable: false,
  guidance: {
    why: 'Privacy reviews (GDPR records of processing, DPIAs) start from a map of the personal data a system handles.',
    bad: '',
    good: '',
    fix: 'Run `sealant inventory` or open the Personal Data view.',
  },
  queries: {
    js: [
      '(call_expression) @call',
      '(new_expression) @call',
      '(member_expression) @member',
      '(subscript_expression) @member',
      '(variable_declarator name: (object_pattern)) @destructure',
      '(assignment_expression) @assign',
      '(class_declaration) @class',
      '(string) @string',
      '(template_string) @string',
    ].join('\n'),
    python: [
      '(call) @call',
      '(attribute) @member',
      '(subscript) @member',
      '(assignment) @assign',
      '(class_definition) @class',
      '(string) @string',
      '(concatenated_string) @string',
      '(decorated_definition) @handler',
    ].join('\n'),
    java: ['(method_invocation) @call', '(field_declaration) @decl', '(method_declaration) @handler'].join('\n'),
    csharp: ['(invocation_expression) @call', '(property_declaration) @decl', '(method_declaration) @handler'].join('\n'),
    go: '(call_expression) @call',
    ruby: ['(call) @call', '(element_reference) @member', '(assignment) @assign'].join('\n'),
    php: ['[(function_call_expression) (member_call_expression) (nullsafe_member_call_expression) (scoped_call_expression)] @call', '(subscript_expression) @member'].join('\n'),
  },
  check,
};

export const INVENTORY_RULES: readonly RuleDefinition[] = Object.freeze([inventoryRule]);
