// What a body can make Roster do before and after authentication (issue 10): a body is parsed
// only for a caller known and allowed, so an unauthenticated one gets 401 whatever it sends and
// costs no parse; one parse is bounded by its count of containers and members (20,000), not
// only by bytes; service_token, whose credentials are the body, takes at most 4 KiB; a burst of
// big bodies leaves the process about as large as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useServer, ROSTER } from './lib/server.mjs';
import { assertStatus, assertError } from './lib/asa.mjs';
import { api, assertOktaError } from './lib/okta.mjs';

const s = useServer({ team: 'bodies' });
const SANITIZER = /build-san/.test(ROSTER);

test('an unauthenticated caller gets 401 whatever the body; an authenticated one gets the parse error', async () => {
  const bad = '{"name": "x", oops';
  assertError(await s.asa('POST', 'groups', { token: 'wrong', raw: bad }), 401);
  assertOktaError(await api(s, 'POST', '/api/v1/groups', { token: 'wrong', raw: bad }), 401, 'E0000011');
  assertError(await s.asa('POST', 'groups', { raw: bad }), 400, 'invalid_request');
  const o = await api(s, 'POST', '/api/v1/groups', { token: s.creds.api_token, raw: bad });
  assert.equal(o.status, 400, o.text);
});

test('one parse holds at most 20,000 containers and members', async () => {
  const body = (n) => `{"name":"items-${n}","roles":[],"extra":[${Array(n).fill('0').join(',')}]}`;
  // 2 members + the array + n - 1 commas: under the bound it is parsed (and the field ignored)
  const ok = await s.asa('POST', 'groups', { raw: body(19000) });
  assertStatus(ok, 201);
  const over = await s.asa('POST', 'groups', { raw: body(20001) });
  assertError(over, 400, 'invalid_request');
  assertError(await s.asa('GET', 'groups/items-20001'), 404);
});

test('service_token takes a body of at most 4 KiB', async () => {
  const pad = 'x'.repeat(5000);
  const r = await s.asa('POST', '/v1/teams/bodies/service_token', {
    token: null, raw: JSON.stringify({ key_id: s.creds.key_id, key_secret: s.creds.key_secret, pad }),
  });
  assertError(r, 413);
  const ok = await s.asa('POST', '/v1/teams/bodies/service_token', {
    token: null, body: { key_id: s.creds.key_id, key_secret: s.creds.key_secret },
  });
  assertStatus(ok, 200);
});

const rss = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${s.proc.pid}/status`, 'utf8'));
  return Number(m[1]) * 1024;
};

test('24 concurrent 1 MB bodies of nested arrays, unauthenticated then authenticated: memory stays bounded and comes back', async () => {
  const big = `[${Array(333000).fill('[]').join(',')}]`; // ~1 MB, far past the item bound
  assert.ok(big.length < 1024 * 1024);
  for (let i = 0; i < 3; i++) await s.asa('GET', 'groups'); // warm
  const idle = rss();
  let peak = idle;
  for (const token of ['wrong', undefined]) {
    const rs = await Promise.all(Array.from({ length: 24 }, async () => {
      const r = await s.asa('POST', 'groups', token ? { token, raw: big } : { raw: big });
      peak = Math.max(peak, rss());
      return r.status;
    }));
    assert.deepEqual([...new Set(rs)], [token ? 401 : 400]);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const after = rss();
  const MB = 1024 * 1024;
  console.log(`body_limits: RSS idle ${(idle / MB).toFixed(1)} MB, peak seen ${(peak / MB).toFixed(1)} MB, after ${(after / MB).toFixed(1)} MB`);
  if (!SANITIZER) {
    // the bodies themselves are buffered (24 × 1 MB) while they arrive; nothing parses them
    assert.ok(peak - idle <= 64 * MB, `RSS grew ${((peak - idle) / MB).toFixed(1)} MB under the burst`);
    assert.ok(after - idle <= 16 * MB, `RSS stayed ${((after - idle) / MB).toFixed(1)} MB above idle after the burst`);
  }
});
