// The brake on failed authentications (issue 10): credentials presented and refused count
// against the client's address, in both dialects together; past the budget such attempts get
// 429 in the dialect's format with Retry-After, while that address's valid credentials keep
// working (successes never count). On by default (100 per window); --auth-fail-limit sets it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, startServer } from './lib/server.mjs';
import { assertStatus, assertError, assertList } from './lib/asa.mjs';
import { api, assertOktaError } from './lib/okta.mjs';

const LIMIT = 6;
const s = useServer({ team: 'brake', args: ['--auth-fail-limit', String(LIMIT)] });
const tokenReq = (secret) => s.asa('POST', '/v1/teams/brake/service_token', {
  token: null, body: { key_id: s.creds.key_id, key_secret: secret },
});

test('failures count across both dialects; past the budget 429 with Retry-After; valid credentials still pass', async () => {
  // the budget: LIMIT failures, whatever the dialect or the credential kind
  assertError(await tokenReq('wrong-secret'), 401);
  assertError(await s.asa('GET', 'groups', { token: 'not-a-bearer-token' }), 401);
  for (let i = 2; i < LIMIT; i++) {
    const r = await api(s, 'GET', '/api/v1/groups', { token: `wrong-${i}` });
    assertOktaError(r, 401, 'E0000011');
  }
  // spent: every further refused credential is 429, in each dialect's format
  const o = await api(s, 'GET', '/api/v1/groups', { token: 'wrong-again' });
  assertOktaError(o, 429, 'E0000047');
  assert.match(o.headers['retry-after'] ?? '', /^[1-9][0-9]*$/);
  const a = await s.asa('GET', 'groups', { token: 'still-not-a-token' });
  assertError(a, 429, 'too_many_requests');
  assert.match(a.headers['retry-after'] ?? '', /^[1-9][0-9]*$/);
  assertError(await tokenReq('wrong-secret-again'), 429, 'too_many_requests');
  // the same address's valid credentials are not throttled
  assertList(await s.asa('GET', 'groups'), 'a valid bearer token');
  assertStatus(await api(s, 'GET', '/api/v1/groups', { token: s.creds.api_token }), 200);
  const t = await tokenReq(s.creds.key_secret);
  assertStatus(t, 200);
  assertList(await s.asa('GET', 'groups', { token: t.json.bearer_token }), 'a token issued while the brake holds');
  // a request with no credentials at all is not a guess: a plain 401
  assertError(await s.asa('GET', 'groups', { token: null }), 401);
});

test('on by default: a burst of wrong API secrets is braked', async () => {
  const d = await startServer({ team: 'brake2' });
  try {
    const statuses = [];
    for (let i = 0; i < 130; i++) {
      const r = await d.asa('POST', '/v1/teams/brake2/service_token', {
        token: null, body: { key_id: d.creds.key_id, key_secret: `guess-${i}` },
      });
      statuses.push(r.status);
    }
    assert.deepEqual([...new Set(statuses)].sort(), [401, 429]);
    assert.equal(statuses.indexOf(429), 100, 'the first 100 failures are 401s, the rest 429');
    const ok = await d.asa('POST', '/v1/teams/brake2/service_token', {
      token: null, body: { key_id: d.creds.key_id, key_secret: d.creds.key_secret },
    });
    assertStatus(ok, 200);
  } finally {
    await d.stop();
    d.cleanup();
  }
});
