// Roster's own OpenAPI document: served without credentials, identical to the tree's api/*.yaml,
// valid OpenAPI 3.1 for a real validator, every operation lists the statuses the HTTP layer
// can give, and the response validation the other files rely on really refuses bad bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { useServer, REPO, httpRequest } from './lib/server.mjs';
import { bundleFromTree, validateResponse } from './lib/openapi.mjs';
import { assertError, assertGroup } from './lib/asa.mjs';

const s = useServer({ team: 'docs' });

async function served() {
  const r = await httpRequest(`${s.base}/openapi.json`);
  assert.equal(r.status, 200, r.text.slice(0, 300));
  assert.match(r.headers['content-type'], /^application\/json/);
  return r.json;
}

test('GET /openapi.json needs no credentials and is the tree\'s document', async () => {
  const doc = await served();
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(doc, bundleFromTree(REPO), 'the served document is api/*.yaml bundled; rebuild after editing it');
});

test('the document is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)', async () => {
  const v = new Validator();
  const res = await v.validate(await served());
  assert.ok(res.valid, `not valid OpenAPI: ${JSON.stringify(res.errors, null, 1)?.slice(0, 4000)}`);
  assert.equal(v.version, '3.1');
});

test('other methods on /openapi.json get 405 in the ASA error format', async () => {
  const r = await httpRequest(`${s.base}/openapi.json`, { method: 'POST' });
  assertError(r, 405);
  assert.match(r.headers.allow ?? '', /GET/);
});

// What the HTTP layer answers before a handler runs (router.c, net.c): each operation says so.
const LAYER = {
  asa: ['400', '413', '414', '415', '429', '431', '500', '501', '503'],
  okta: ['400', '413', '414', '429', '431', '500', '501', '503'],
  meta: ['400', '413', '414', '415', '431', '500', '501'],
};

test('every operation documents the HTTP layer\'s statuses, an id, a tag and its security', async () => {
  const doc = await served();
  const ids = new Set();
  let n = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch'].includes(m)) continue;
      n++;
      const where = `${m.toUpperCase()} ${path}`;
      assert.equal(typeof op.operationId, 'string', `${where}: operationId`);
      assert.ok(!ids.has(op.operationId), `${where}: operationId ${op.operationId} used twice`);
      ids.add(op.operationId);
      const tag = op.tags?.[0];
      assert.ok(tag in LAYER, `${where}: tag is asa, okta or meta (${tag})`);
      assert.ok(path.startsWith({ asa: '/v1/teams/', okta: '/api/v1/', meta: '/' }[tag]), `${where}: tag ${tag} fits the path`);
      for (const st of LAYER[tag]) assert.ok(st in op.responses, `${where}: documents ${st}`);
      assert.ok(Array.isArray(op.security), `${where}: says which credential it needs (security)`);
      assert.ok(Object.keys(op.responses).some((st) => /^2/.test(st)), `${where}: has a success status`);
      const errRef = tag === 'okta' ? '#/components/responses/OktaError' : '#/components/responses/AsaError';
      for (const [st, resp] of Object.entries(op.responses)) {
        if (Number(st) >= 400) assert.equal(resp.$ref, errRef, `${where} ${st}: errors use the dialect's error response`);
      }
    }
  }
  assert.ok(n > 70, `operations: ${n}`);
});

test('the validation refuses a wrong type, a missing field, an unexpected null and an undeclared status', async () => {
  const r = await s.asa('GET', 'groups/owners');
  assertGroup(r.json, { name: 'owners' });
  const url = `${s.base}/v1/teams/docs/groups/owners`;
  const as = (json, status = 200) => ({ status, headers: r.headers, text: JSON.stringify(json), json });
  validateResponse('GET', url, as(r.json)); // the real body passes
  assert.throws(() => validateResponse('GET', url, as({ ...r.json, roles: 'access_admin' })), /does not match/);
  const { name, ...noName } = r.json;
  assert.equal(name, 'owners');
  assert.throws(() => validateResponse('GET', url, as(noName)), /does not match/);
  assert.throws(() => validateResponse('GET', url, as({ ...r.json, roles: null })), /does not match/);
  assert.throws(() => validateResponse('GET', url, as({ ...r.json, extra: 1 })), /does not match/);
  assert.throws(() => validateResponse('GET', url, as(r.json, 418)), /not among the responses/);
  // an Okta error body where an ASA one belongs
  const okta = { errorCode: 'E0000007', errorSummary: 'x', errorLink: 'E0000007', errorId: 'x', errorCauses: [] };
  assert.throws(() => validateResponse('GET', url, as(okta, 404)), /does not match/);
  // unknown paths: only router statuses, in the dialect's error format
  assert.throws(() => validateResponse('GET', `${s.base}/api/v1/nothing`, as(okta, 200)), /no operation serves/);
  assert.throws(() => validateResponse('GET', `${s.base}/api/v1/nothing`, as(r.json, 404)), /does not match/);
});
