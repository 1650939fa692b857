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

test('X-Forwarded-For names the client only when the peer is a --trusted-proxy', async () => {
  const wrong = (srv, xff) => srv.asa('GET', 'groups', { token: 'wrong', headers: xff ? { 'X-Forwarded-For': xff } : {} });
  // behind a trusted proxy (the test client on 127.0.0.1 plays it): one budget per client
  const p = await startServer({ team: 'proxied', args: ['--auth-fail-limit', '3', '--trusted-proxy', '10.9.9.9,127.0.0.1'] });
  try {
    for (let i = 0; i < 3; i++) assertError(await wrong(p, '203.0.113.7'), 401);
    assertError(await wrong(p, '203.0.113.7'), 429, 'too_many_requests');
    // the nearest untrusted address counts: a chain through the other trusted proxy
    assertError(await wrong(p, '203.0.113.7, 10.9.9.9'), 429, 'too_many_requests');
    // another client behind the same proxy has a budget of its own
    assertError(await wrong(p, '198.51.100.1'), 401);
    assertError(await wrong(p, '[2001:db8::1]:4711'), 401);
    // a client that forges the header cannot take another's place: the proxy appends the
    // real address last, and that one is what counts
    for (let i = 0; i < 3; i++) assertError(await wrong(p, `203.0.113.${50 + i}, 192.0.2.1`), 401);
    assertError(await wrong(p, '203.0.113.99, 192.0.2.1'), 429, 'too_many_requests');
  } finally {
    await p.stop();
    p.cleanup();
  }
  // from a peer that is not trusted the header is ignored: every guess is the peer's
  const d = await startServer({ team: 'direct', args: ['--auth-fail-limit', '3'] });
  try {
    for (let i = 0; i < 3; i++) assertError(await wrong(d, `198.51.100.${i}`), 401);
    assertError(await wrong(d, '198.51.100.200'), 429, 'too_many_requests');
  } finally {
    await d.stop();
    d.cleanup();
  }
  // a bad --trusted-proxy is refused at start
  const { runCli } = await import('./lib/server.mjs');
  const bad = await runCli(['serve', '--trusted-proxy', 'proxy.example', '--listen', '127.0.0.1:0']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--trusted-proxy takes/);
});
