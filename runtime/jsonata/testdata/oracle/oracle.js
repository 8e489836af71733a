// Differential-test oracle: evaluates JSONata expressions with the reference
// implementation (npm jsonata, pinned in package.json).
//
// stdin:  a JSON array of {"expr": string, "input": any?, "bindings": object?}
// stdout: a JSON array, one entry per case, of
//         {"result": any} | {"undefined": true} | {"function": true} |
//         {"error": code, "message": text} | {"timeout": true}
//
// Each case runs in a worker thread with a time limit, because some
// expressions make the reference implementation loop or recurse for a long
// time. Step Functions' additions ($partition, $range, $hash, $parse, $uuid)
// are registered with straightforward implementations so that expressions
// taken from state machines run; their results are not ground truth. $eval
// is removed, as in Step Functions.
'use strict';
const { Worker, isMainThread, parentPort } = require('worker_threads');

const LIMIT_MS = 3000;

if (isMainThread) {
  main();
} else {
  const jsonata = require('jsonata');
  const crypto = require('crypto');
  const addAWSFunctions = (expr) => {
    expr.registerFunction('partition', (arr, size) => {
      if (arr === undefined) return undefined;
      const out = [];
      for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size));
      return out;
    }, '<an:a>');
    expr.registerFunction('range', (start, end, step) => {
      if (step === undefined) step = 1;
      const out = [];
      if (step > 0) { for (let v = start; v <= end; v += step) out.push(v); }
      else if (step < 0) { for (let v = start; v >= end; v += step) out.push(v); }
      out.sequence = true;
      return out;
    }, '<nnn?:a>');
    expr.registerFunction('hash', (value, alg) => {
      const names = {'MD5': 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512'};
      return crypto.createHash(names[alg]).update(value).digest('hex');
    }, '<s-s:s>');
    expr.registerFunction('parse', (s) => JSON.parse(s), '<s-:x>');
    expr.registerFunction('uuid', () => crypto.randomUUID(), '<:s>');
    expr.assign('eval', undefined);
  };
  const replacer = (k, v) => (typeof v === 'number' && !isFinite(v)) ? {nonFinite: String(v)} : v;
  parentPort.on('message', async (c) => {
    let r;
    try {
      const expr = jsonata(c.expr);
      addAWSFunctions(expr);
      const res = await expr.evaluate(c.input, c.bindings || {});
      if (res === undefined) r = {undefined: true};
      else if (typeof res === 'function' || (res && (res._jsonata_lambda || res._jsonata_function))) r = {function: true};
      else r = {result: JSON.parse(JSON.stringify(res, replacer))};
    } catch (e) {
      r = {error: e.code || 'JS', message: e.message || String(e)};
    }
    parentPort.postMessage(r);
  });
}

async function main() {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  const cases = JSON.parse(text);
  const out = [];
  let worker = null;
  for (const c of cases) {
    if (worker === null) worker = new Worker(__filename);
    const w = worker;
    const r = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), LIMIT_MS);
      w.once('message', (m) => { clearTimeout(timer); resolve(m); });
      w.postMessage(c);
    });
    if (r === null) {
      await w.terminate();
      worker = null;
      out.push({timeout: true});
    } else {
      out.push(r);
    }
  }
  if (worker) await worker.terminate();
  process.stdout.write(JSON.stringify(out));
}
