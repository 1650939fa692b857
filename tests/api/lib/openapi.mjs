// Validates every response the API tests receive against Roster's own OpenAPI document, as the
// server serves it at GET /openapi.json: the operation is found by method and path, its status
// must be one the document lists, and a JSON body must match that response's schema.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
// What a path no operation serves may get: the router's 404/405, or an error the HTTP layer
// gives before routing (undecodable path, body or headers too large, rate limit, store down).
const UNROUTED = new Set([400, 404, 405, 413, 415, 429, 431, 500, 503]);

let state = null;
// Counts for the file's closing check (see assertAllValidated).
export const report = { validated: 0, unvalidated: [], foreign: [] };

// The document as the tree holds it: api/openapi.yaml, then the other api/*.yaml parts
// merged in (the same rule the build's tools/openapi-bundle.c applies).
export function bundleFromTree(repo) {
  const dir = join(repo, 'api');
  const load = (f) => yaml.load(readFileSync(join(dir, f), 'utf8'), { schema: yaml.CORE_SCHEMA });
  const root = load('openapi.yaml');
  const parts = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'openapi.yaml').sort();
  for (const f of parts) {
    const part = load(f);
    for (const [k, v] of Object.entries(part)) {
      assert.ok(k === 'paths' || k === 'components', `${f}: a part holds only paths and components, not ${k}`);
      root[k] ??= {};
      if (k === 'paths') {
        for (const [p, item] of Object.entries(v)) {
          assert.ok(!(p in root.paths), `${f}: path ${p} defined twice`);
          root.paths[p] = item;
        }
      } else {
        for (const [section, names] of Object.entries(v)) {
          root.components[section] ??= {};
          for (const [n, x] of Object.entries(names)) {
            assert.ok(!(n in root.components[section]), `${f}: ${section} ${n} defined twice`);
            root.components[section][n] = x;
          }
        }
      }
    }
  }
  return root;
}

// Rewrites local refs so that a schema compiled alone resolves them in the registered document.
function rebase(v) {
  if (Array.isArray(v)) return v.map(rebase);
  if (!v || typeof v !== 'object') return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$ref' && typeof x === 'string' && x.startsWith('#/')) out[k] = `roster${x}`;
    else if (k === 'example' || k === 'examples') continue;
    else out[k] = rebase(x);
  }
  return out;
}

// Takes the served document; later calls with the same document are no-ops.
export function setDocument(doc) {
  if (state) return;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'roster', components: rebase(doc.components ?? {}) });
  const ops = [];
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    const segs = p.split('/').filter(Boolean).map((x) => (/^\{[^}]+\}$/.test(x) ? null : x));
    ops.push({ path: p, segs, item, templated: segs.filter((x) => x === null).length });
  }
  // Literal segments win over templates, as in the router (…/users/me before …/users/{id}).
  ops.sort((a, b) => a.templated - b.templated);
  state = { doc, ajv, ops, compiled: new Map() };
}

export function documentLoaded() {
  return state !== null;
}

// The decoded path segments as the router reads them: the raw path (no dot-segment removal),
// split on '/', each %XX-decoded (an undecodable one stays raw). `gap` is set when a segment
// other than a doubled leading '/' or one trailing '/' is empty: the router answers 404.
function routeSegs(url) {
  const m = /^[a-z]+:\/\/[^/?#]*([^?#]*)/i.exec(url);
  let raw = m ? m[1] : url.split(/[?#]/)[0];
  raw = raw.replace(/^\/\//, '/').replace(/(.)\/$/, '$1');
  const parts = raw.split('/').slice(1);
  const segs = parts.filter(Boolean).map((x) => {
    try { return decodeURIComponent(x); } catch { return x; }
  });
  segs.gap = parts.length !== segs.length;
  return segs;
}

function resolve(obj) {
  let o = obj;
  for (let i = 0; o?.$ref && i < 8; i++) {
    o = o.$ref.slice(2).split('/').reduce((x, k) => x?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], state.doc);
  }
  return o;
}

function matches(o, segs) {
  return o.segs.length === segs.length && o.segs.every((x, i) => x === null || x === segs[i]);
}

function find(method, segs) {
  const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  const byPath = state.ops.filter((o) => matches(o, segs));
  for (const o of byPath) if (o.item[m]) return { op: o.item[m], path: o.path, pathKnown: true };
  return { op: null, path: byPath[0]?.path ?? null, pathKnown: byPath.length > 0 };
}

// The dialect a path belongs to, by its first segments (as the router picks it).
function errorSchemaFor(segs) {
  return segs[0] === 'api' && segs[1] === 'v1' ? 'OktaError' : 'AsaError';
}

function compile(key, schema) {
  let v = state.compiled.get(key);
  if (!v) {
    v = state.ajv.compile(rebase(schema));
    state.compiled.set(key, v);
  }
  return v;
}

const isJsonType = (ct) => /^application\/(.+\+)?json\b/i.test(ct ?? '');

// Validates one response. r: {status, headers (lower-case keys), text, json}.
export function validateResponse(method, url, r) {
  if (!state) return;
  const segs = routeSegs(url);
  const path = `/${segs.join('/')}`;
  const where = `${method} ${path} → ${r.status}`;
  const ct = r.headers?.['content-type'];
  const hasBody = typeof r.text === 'string' && r.text.length > 0 && method !== 'HEAD';

  // The HTTP library's own pages for requests it refuses itself (see the document's info):
  // HTML, or no Content-Type at all.
  if (hasBody && !isJsonType(ct) && (!ct || /^text\/html/i.test(ct)) && (r.status === 400 || r.status === 431)) {
    report.foreign.push(where);
    return;
  }

  const { op, path: tpl, pathKnown } = segs.gap ? { op: null, path: null, pathKnown: false } : find(method, segs);
  let schema;
  let label;
  if (!op) {
    assert.ok(UNROUTED.has(r.status), `${where}: no operation serves this ${pathKnown ? 'method' : 'path'} ` +
      `(${tpl ?? 'no path'}), so only ${[...UNROUTED].join('/')} may answer: ${r.text?.slice(0, 300)}`);
    if (pathKnown && r.status === 404) assert.fail(`${where}: a documented path answers 404 for an undocumented method (405 expected)`);
    schema = { $ref: `#/components/schemas/${errorSchemaFor(segs)}` };
    label = `unrouted ${errorSchemaFor(segs)}`;
  } else {
    const resp = resolve(op.responses?.[String(r.status)]);
    assert.ok(resp, `${where}: status ${r.status} is not among the responses of ${op.operationId} ` +
      `(${Object.keys(op.responses ?? {}).join(', ')}): ${r.text?.slice(0, 300)}`);
    const content = resp.content;
    if (!hasBody) {
      if (content && method !== 'HEAD') assert.fail(`${where}: ${op.operationId} documents a body for ${r.status}, got none`);
      report.validated++;
      return;
    }
    assert.ok(content, `${where}: ${op.operationId} documents no body for ${r.status}, got ${r.text.slice(0, 300)}`);
    const media = Object.keys(content).find((k) => isJsonType(k));
    if (!media) {
      report.unvalidated.push(`${where} (no JSON content documented)`);
      return;
    }
    schema = content[media].schema;
    label = `${op.operationId} ${r.status}`;
    // A query parameter that changes the body's shape (Okta users `fields`) names the schema
    // of that shape: `x-roster-when-parameter: {name: {status: schema}}`.
    const query = new URL(url, 'http://x').searchParams;
    for (const [name, byStatus] of Object.entries(op['x-roster-when-parameter'] ?? {})) {
      if (query.has(name) && byStatus[String(r.status)]) {
        schema = byStatus[String(r.status)];
        label = `${op.operationId} ${r.status} with ${name}`;
      }
    }
  }
  if (!hasBody) {
    // every error Roster answers carries its dialect's error object (HEAD aside)
    if (method !== 'HEAD') assert.fail(`${where}: an error with no body`);
    report.validated++;
    return;
  }
  assert.ok(isJsonType(ct), `${where}: Content-Type ${JSON.stringify(ct)} is not JSON: ${r.text.slice(0, 300)}`);
  let json = r.json;
  if (json === undefined) {
    try { json = JSON.parse(r.text); } catch { assert.fail(`${where}: the body is not JSON: ${r.text.slice(0, 300)}`); }
  }
  if (!schema) {
    report.unvalidated.push(`${where} (no schema)`);
    return;
  }
  const v = compile(`${label}|${tpl}`, schema);
  if (!v(json)) {
    assert.fail(`${where}: the body does not match ${label} (${tpl}): ` +
      `${state.ajv.errorsText(v.errors, { separator: '; ' })}\n${JSON.stringify(json).slice(0, 2000)}`);
  }
  report.validated++;
}

// Every test file ends with this: no body went unchecked.
export function assertAllValidated() {
  assert.deepEqual(report.unvalidated, [], `bodies no schema checked: ${report.unvalidated.join(', ')}`);
}
