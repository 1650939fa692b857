// Okta dialect helpers: the official SDK pointed at a test server, raw SSWS requests, and a
// validator that checks every JSON body against its operation's schema in Okta's OpenAPI spec.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';
import { REPO } from './server.mjs';

const require = createRequire(import.meta.url);
export const okta = require('@okta/okta-sdk-nodejs');

const SPEC_PATH = join(REPO, '..', 'shared', 'reference', 'okta-management-openapi.yaml');
let specCache;

// Drops what is not validation (examples, vendor extensions) and any `$id` an example may
// carry, which Ajv would try to resolve as a URI.
function clean(v) {
  if (Array.isArray(v)) return v.map(clean);
  if (!v || typeof v !== 'object') return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'example' || k === 'examples' || k === '$id' || k.startsWith('x-')) continue;
    out[k] = clean(x);
  }
  return out;
}
function spec() {
  if (!specCache) {
    const doc = yaml.load(readFileSync(process.env.OKTA_SPEC ?? SPEC_PATH, 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    // OpenAPI 3.0: `nullable`, `example`, `x-*` and `discriminator` are annotations here.
    ajv.addSchema({ $id: 'okta', components: clean(doc.components) }, 'okta');
    const ops = [];
    for (const [p, item] of Object.entries(doc.paths)) {
      const re = new RegExp('^' + p.replace(/\{[^}]+\}/g, '[^/]+') + '$');
      for (const [m, op] of Object.entries(item)) {
        if (typeof op === 'object' && op.responses) ops.push({ path: p, re, method: m.toUpperCase(), op });
      }
    }
    // Literal paths before templated ones (/groups/rules before /groups/{groupId}).
    ops.sort((a, b) => (a.path.split('{').length - b.path.split('{').length));
    specCache = { doc, ajv, ops, compiled: new Map() };
  }
  return specCache;
}

function refOf(schema) {
  return schema?.$ref ? schema.$ref.replace('#/', 'okta#/') : null;
}

// The response schema of the operation for method + URL path + status, or null.
export function responseSchema(method, url, status) {
  const { ops, doc } = spec();
  // The server accepts "//api/v1/…" and a trailing '/': look the operation up without them.
  const path = new URL(url, 'http://x').pathname.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  const found = ops.find((o) => o.method === method && o.re.test(path));
  if (!found) return { op: null, schema: null };
  const r = found.op.responses[String(status)] ?? found.op.responses.default;
  let resp = r;
  if (resp?.$ref) {
    const name = resp.$ref.split('/').pop();
    resp = doc.components.responses[name];
  }
  const schema = resp?.content?.['application/json']?.schema ?? null;
  return { op: found.op.operationId, schema, path: found.path };
}

// Validates a JSON body; throws an AssertionError naming the operation on mismatch.
export function validateBody(method, url, status, json) {
  if (json === undefined) return;
  const { ajv, compiled } = spec();
  let { op, schema } = responseSchema(method, url, status);
  if (status >= 400) schema = { $ref: '#/components/schemas/Error' }; // every error is an Okta error
  if (!schema) {
    unvalidated.push(`${method} ${new URL(url).pathname} ${status}`);
    return;
  }
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) {
    const wrapped = schema.$ref ? { $ref: refOf(schema) }
      : schema.type === 'array' && schema.items?.$ref ? { type: 'array', items: { $ref: refOf(schema.items) } }
        : null;
    if (!wrapped) {
      unvalidated.push(`${method} ${new URL(url).pathname} ${status} (schema shape)`);
      return;
    }
    v = ajv.compile(wrapped);
    compiled.set(key, v);
  }
  if (!v(json)) {
    assert.fail(`${method} ${url} → ${status}: body does not match the schema of ${op ?? '?'}: ` +
      `${ajv.errorsText(v.errors, { separator: '; ' })}\n${JSON.stringify(json).slice(0, 2000)}`);
  }
  validated.count++;
}
export const validated = { count: 0 };
// Bodies that no schema could check (an operation missing from the spec, or a schema shape
// the validator does not resolve): each test file asserts this stays empty.
export const unvalidated = [];

// A request executor that validates every response body the SDK receives. The body is read
// once and handed on in a new response of the same class: reading a clone() alone stalls on
// bodies larger than the stream buffer (node-fetch tees the body into two bounded streams).
class ValidatingExecutor extends okta.DefaultRequestExecutor {
  fetch(request) {
    return super.fetch(request).then(async (res) => {
      const text = await res.text();
      if (text.length && (res.headers.get('content-type') ?? '').includes('json')) {
        validateBody(request.method ?? 'GET', request.url, res.status, JSON.parse(text));
      }
      return new res.constructor(text, { url: res.url, status: res.status, statusText: res.statusText, headers: res.headers });
    });
  }
}

// The official SDK against the test server (no GET cache, validated bodies).
export function sdk(s, { token = s.creds.api_token, maxRetries = 2 } = {}) {
  return new okta.Client({
    orgUrl: s.base,
    token,
    cacheMiddleware: null,
    requestExecutor: new ValidatingExecutor({ maxRetries }),
  });
}

// Drains an SDK collection into an array.
export async function all(coll) {
  const out = [];
  for await (const x of await coll) out.push(x);
  return out;
}

// Raw request with SSWS; validates the body too. body: JS value (JSON) or raw string.
export async function api(s, method, path, { body, raw, headers = {}, token = s.creds.api_token, validate = true } = {}) {
  const { httpRequest } = await import('./server.mjs');
  const h = { Accept: 'application/json', ...headers };
  if (token) h.Authorization = `SSWS ${token}`;
  let b;
  if (raw !== undefined) b = Buffer.from(raw);
  else if (body !== undefined) {
    b = Buffer.from(JSON.stringify(body));
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
  }
  if (b !== undefined) h['Content-Length'] = String(b.length);
  const url = /^https?:/.test(path) ? path : s.base + path;
  const r = await httpRequest(url, { method, headers: h, body: b });
  if (validate && r.json !== undefined) validateBody(method, url, r.status, r.json);
  return r;
}

// Asserts an Okta error: status, errorCode, and the error object's shape.
export function assertOktaError(r, status, code) {
  assert.equal(r.status, status, `${status} expected, got ${r.status}: ${r.text}`);
  assert.equal(r.json?.errorCode, code, r.text);
  assert.equal(r.json.errorLink, code);
  assert.equal(typeof r.json.errorSummary, 'string');
  assert.equal(typeof r.json.errorId, 'string');
  assert.ok(Array.isArray(r.json.errorCauses));
}

// Parses Link headers (one per relation) into {rel: url}.
export function links(r) {
  const raw = r.headers.link;
  const list = Array.isArray(raw) ? raw : raw ? raw.split(/,(?=\s*<)/) : [];
  const out = {};
  for (const l of list) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(l);
    if (m) out[m[2]] = m[1];
  }
  return out;
}

// Expects the SDK call to reject with OktaApiError status/errorCode.
export async function rejectsOkta(p, status, code) {
  await assert.rejects(p, (e) => {
    assert.equal(e.name, 'OktaApiError', `OktaApiError expected, got ${e.name}: ${e.message}`);
    assert.equal(e.status, status, e.message);
    assert.equal(e.errorCode, code, e.message);
    return true;
  });
}
