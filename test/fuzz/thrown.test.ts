/**
 * How the fuzzer reports what was thrown (issue 8: a 25-minute run reported
 * its one crash as "[object Object]"): describeThrown on every kind of value,
 * and the supervisor's report when its worker fails with something that is
 * not an Error.
 */
import { describe, expect, it } from 'vitest';
import { describeThrown } from './thrown.mjs';
import { runTarget } from './supervise.mjs';

describe('describeThrown', () => {
  it('gives an Error its name, code, message, stack and cause', () => {
    const e = Object.assign(new RangeError('too far', { cause: { code: 'EINNER' } }), { code: 'EOUTER' });
    const text = describeThrown(e);
    expect(text.split('\n')[0]).toBe('RangeError [EOUTER]: too far');
    expect(text).toContain('thrown.test.ts');
    expect(text).toContain('cause: thrown Object that is not an Error: code "EINNER"');
  });

  it("reads a DOMException's name and message, which JSON does not see", () => {
    let thrown: unknown;
    try {
      structuredClone({ f() {} });
    } catch (e) {
      thrown = e;
    }
    expect(JSON.stringify(thrown)).toBe('{}');
    expect(describeThrown(thrown).split('\n')[0]).toMatch(/^DataCloneError \[25\]: .*could not be cloned/);
  });

  it('shows an object that is not an Error by its fields and JSON, never "[object Object]"', () => {
    const text = describeThrown({ name: 'Odd', message: 'broke', code: 7, detail: [1, 2] });
    expect(text).toBe('thrown Object that is not an Error: name "Odd", message "broke", code 7, JSON {"name":"Odd","message":"broke","code":7,"detail":[1,2]}');
  });

  it('says what an empty object most likely was', () => {
    expect(describeThrown({})).toMatch(/^thrown Object that is not an Error: JSON \{\} \(an empty object: .*DOMException/);
  });

  it('survives cycles, bigints, functions, a throwing toJSON and a throwing getter', () => {
    const cyclic: Record<string, unknown> = { n: 1n, f: function named() {} };
    cyclic.self = cyclic;
    expect(describeThrown(cyclic)).toBe('thrown Object that is not an Error: JSON {"n":"1n","f":"[function named]","self":"[cycle]"}');
    const shared = { k: 1 };
    expect(describeThrown({ a: shared, b: shared })).toContain('JSON {"a":{"k":1},"b":{"k":1}}');
    expect(describeThrown({ toJSON() { throw new Error('no'); } })).toContain('(no JSON: no)');
    const getter = Object.defineProperty({}, 'message', { get() { throw new Error('no'); }, enumerable: false });
    expect(describeThrown(getter)).toMatch(/^thrown Object that is not an Error: JSON \{\}/);
  });

  it('names primitives by type', () => {
    expect(describeThrown('text')).toBe('thrown string: "text"');
    expect(describeThrown(42)).toBe('thrown number: 42');
    expect(describeThrown(null)).toBe('thrown null: null');
    expect(describeThrown(undefined)).toBe('thrown undefined: undefined');
    expect(describeThrown(Symbol('s'))).toBe('thrown symbol: Symbol(s)');
  });

  it('cuts a long JSON', () => {
    expect(describeThrown({ s: 'x'.repeat(5000) }).length).toBeLessThan(2100);
  });
});

describe('the supervisor, when its worker fails with something not an Error', () => {
  const workerFrom = (source: string) => new URL(`data:text/javascript,${encodeURIComponent(source)}`);

  it('reports a thrown object by its code, message and JSON', async () => {
    const r = await runTarget({ target: 'test', seed: 1, cases: 1, worker: workerFrom("throw { code: 'EFUZZ', message: 'not an Error', n: 1n };") });
    expect(r.crashes).toHaveLength(1);
    expect(r.crashes[0].error).toBe('fuzz worker failed: thrown Object that is not an Error: message "not an Error", code "EFUZZ", JSON {"code":"EFUZZ","message":"not an Error","n":"1n"}');
  });

  it('reports the empty object a DataCloneError in postMessage becomes as such', async () => {
    const r = await runTarget({ target: 'test', seed: 1, cases: 1, worker: workerFrom("import { parentPort } from 'node:worker_threads'; parentPort.postMessage({ f() {} });") });
    expect(r.crashes).toHaveLength(1);
    expect(r.crashes[0].error).toMatch(/^fuzz worker failed: thrown Object that is not an Error: JSON \{\} \(an empty object: .*DataCloneError/);
  });

  it('keeps an Error as its name, message and stack', async () => {
    const r = await runTarget({ target: 'test', seed: 1, cases: 1, worker: workerFrom("throw new TypeError('bad harness');") });
    expect(r.crashes[0].error.split('\n')[0]).toBe('fuzz worker failed: TypeError: bad harness');
  });
});
