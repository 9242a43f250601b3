import { describe, expect, it } from 'vitest';
import { ExprError, evalCondition, evaluate, parseExpr } from '../../src/playbook/expr.js';

const scope = {
  host: 'n1',
  node: { name: 'n1', roles: ['pacemaker', 'haproxy'], attributes: { rack: 'a' } },
  facts: { os: { id: 'debian', version: '12' }, selinux: { present: false } },
  count: 3,
  empty: [],
  list: ['a', 'b'],
  result: { rc: 0, stdout: 'active\n' },
};

describe('when expressions: the language', () => {
  it.each([
    ["host == 'n1'", true],
    ['host != "n1"', false],
    ["facts.os.id == 'debian' and facts.os.version >= 12", true],
    ["facts.os.id == 'rhel' or count > 2", true],
    ['not facts.selinux.present', true],
    ["'haproxy' in node.roles", true],
    ["'galera' not in node.roles", true],
    ['count < 3', false],
    ['count <= 3', true],
    ['count > -1', true],
    ['3.5 > count', true],
    ['(count == 3 or false) and not (host == "x")', true],
    ['not count == 3', false],
    ['true and null', false],
    ['empty', false],
    ['list', true],
    ['list.1 == "b"', true],
    ['host in ["n1", "n2"]', true],
    ['host in []', false],
    ["'act' in result.stdout", true],
    ['missing is defined', false],
    ['missing is not defined', true],
    ['node.attributes.rack is defined', true],
    ['missing.deeper == null', false],
    ['True', true],
    ['"12" == 12', true],
  ])('%s → %s', (src, expected) => {
    expect(evalCondition(src, scope)).toBe(expected);
  });

  it('binds `and` tighter than `or`', () => {
    expect(evalCondition('true or false and false', {})).toBe(true);
    expect(evalCondition('(true or false) and false', {})).toBe(false);
  });

  it('unknown names are undefined, never an error (and falsy)', () => {
    expect(evaluate(parseExpr('a.b.c'), {})).toBeUndefined();
    expect(evalCondition('a.b.c', {})).toBe(false);
  });

  it('a comparison of incomparable values is an error, not a silent false', () => {
    expect(() => evalCondition('list < 3', scope)).toThrow(ExprError);
  });
});

describe('when expressions: unsafe or foreign input is rejected by the parser', () => {
  it.each([
    ['process.exit(1)', /function calls are not allowed/],
    ["require('child_process')", /function calls are not allowed/],
    ['host.constructor', /not allowed/],
    ['x.__proto__.polluted', /not allowed/],
    ['facts.prototype', /not allowed/],
    ['a = 1', /unexpected character '='/],
    ['a; b', /unexpected character ';'/],
    ['`id`', /unexpected character '`'/],
    ['a + 1', /unexpected character '\+'/],
    ['a[0]', /unexpected '\['/],
    ['$HOME', /unexpected character '\$'/],
    ['"unterminated', /unterminated string/],
    ['(a == 1', /expected '\)'/],
    ['a ==', /unexpected end of expression/],
    ['a is b', /expected 'defined'/],
    ['1abc', /bad number/],
    ['and', /unexpected 'and'/],
    ['{{ x }}', /unexpected character '\{'/],
  ])('%s', (src, msg) => {
    expect(() => parseExpr(src)).toThrow(msg);
  });

  it('reports the offset of the problem', () => {
    try {
      parseExpr("host == 'n1' && x");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ExprError);
      expect((err as ExprError).offset).toBe(13);
    }
  });

  it('bounds nesting and length', () => {
    expect(() => parseExpr(`${'('.repeat(100)}a${')'.repeat(100)}`)).toThrow(/nested too deeply/);
    expect(() => parseExpr('a or '.repeat(500) + 'a')).toThrow(/longer than/);
  });

  it('never reads inherited or accessor properties', () => {
    const withGetter = Object.defineProperty({}, 'secret', { get: () => 'leak', enumerable: true });
    expect(evaluate(parseExpr('o.secret'), { o: withGetter })).toBeUndefined();
    expect(evaluate(parseExpr('o.toString'), { o: {} })).toBeUndefined();
    expect(evaluate(parseExpr('o.hasOwnProperty is defined'), { o: {} })).toBe(false);
    expect(evaluate(parseExpr('s.length'), { s: 'abc' })).toBeUndefined();
  });
});
