// Okta dialect helpers: the official SDK pointed at a test server (every body it receives is
// validated against Roster's OpenAPI document, like every other response: lib/openapi.mjs) and
// raw SSWS requests.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { report, validateResponse } from './openapi.mjs';

const require = createRequire(import.meta.url);
export const okta = require('@okta/okta-sdk-nodejs');

// How many bodies were checked, and those no schema could check (each test file asserts that
// stays empty, as useServer's closing check does too).
export const validated = {
  get count() { return report.validated; },
};
export const unvalidated = report.unvalidated;

// A request executor that validates every response body the SDK receives. The body is read
// once and handed on in a new response of the same class: reading a clone() alone stalls on
// bodies larger than the stream buffer (node-fetch tees the body into two bounded streams).
class ValidatingExecutor extends okta.DefaultRequestExecutor {
  fetch(request) {
    return super.fetch(request).then(async (res) => {
      const text = await res.text();
      validateResponse(request.method ?? 'GET', request.url, {
        status: res.status,
        headers: { 'content-type': res.headers.get('content-type') ?? undefined },
        text,
      });
      // read once and handed on whole: a clone() of a large body never finishes reading
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
export async function api(s, method, path, { body, raw, headers = {}, token = s.creds.api_token } = {}) {
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
  return httpRequest(url, { method, headers: h, body: b });
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
