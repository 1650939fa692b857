// HTTP-level behaviour: path/query decoding, media types, request ids, pipelining, TLS,
// public URL and rate limits (DESIGN.md §3, §6, §7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, startServer, httpRequest, runCli } from './lib/server.mjs';
import { checkWindow, ASA_RL } from './lib/ratelimit.mjs';
import { rawExchange } from './lib/raw.mjs';
import { assertStatus, assertError, assertList, assertGroup, assertUser, parseLink, names } from './lib/asa.mjs';

const TEAM = 'web';
const s = useServer({ team: TEAM });

async function stopClean(srv) {
  const ex = await srv.stop();
  srv.cleanup();
  assert.deepEqual(ex, { code: 0, signal: null }, `server exits 0 on SIGTERM; stderr:\n${srv.stderr.slice(-2000)}`);
}

test('setup: a user and a dotted group', async () => {
  await s.mustUserAdd({ name: 'carol.x', email: 'carol@example.com', first: 'Carol', last: 'Xavier' });
  assertStatus(await s.asa('POST', 'groups', { body: { name: 'd.ots', roles: [] } }), 201);
});

test('a trailing slash is accepted', async () => {
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups/'))), ['d.ots', 'everyone', 'owners']);
  let r = await s.asa('GET', 'groups/owners/');
  assertStatus(r, 200);
  assertGroup(r.json, { name: 'owners' });
  r = await s.asa('POST', 'groups/', { body: { name: 'slashed', roles: [] } });
  assertStatus(r, 201);
  assertStatus(await s.asa('DELETE', 'groups/slashed/'), 204);
  assertList(await s.asa('GET', 'groups/owners/users/'));
});

test('a doubled leading slash (//v1/…) is accepted', async () => {
  assert.deepEqual(names(assertList(await s.asa('GET', `//v1/teams/${TEAM}/groups`))), ['d.ots', 'everyone', 'owners']);
  const r = await s.asa('GET', `//v1/teams/${TEAM}/groups/owners`);
  assertStatus(r, 200);
  assert.equal(r.json.name, 'owners');
  const t = await s.asa('POST', `//v1/teams/${TEAM}/service_token`, { token: null, body: { key_id: s.creds.key_id, key_secret: s.creds.key_secret } });
  assertStatus(t, 200);
});

test('an empty path segment is 404 (never collapsed); only a leading // and one trailing / are accepted', async () => {
  // A group named "users" is what groups//users would read if '//' were collapsed.
  assertStatus(await s.asa('POST', 'groups', { body: { name: 'users', roles: [] } }), 201);
  assertStatus(await s.asa('POST', 'groups', { body: { name: 'victim', roles: [] } }), 201);
  for (const p of ['groups//users', 'groups/owners//users', `/v1/teams/${TEAM}//groups`, `/v1//teams/${TEAM}/groups`,
    'groups//', 'groups/owners//', `///v1/teams/${TEAM}/groups`, 'groups/owners/users//', `//v1/teams/${TEAM}/groups//users`]) {
    const r = await s.asa('GET', p);
    assertError(r, 404);
  }
  // a write through an empty segment changes nothing
  assertError(await s.asa('DELETE', 'groups//victim'), 404);
  assertError(await s.asa('POST', 'groups/victim//users', { body: { name: 'carol.x' } }), 404);
  assert.deepEqual(assertList(await s.asa('GET', 'groups/victim/users')), []);
  assertStatus(await s.asa('GET', 'groups/victim'), 200);
  // what stays accepted
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups/'))), ['d.ots', 'everyone', 'owners', 'users', 'victim']);
  assert.deepEqual(names(assertList(await s.asa('GET', `//v1/teams/${TEAM}/groups/`))), ['d.ots', 'everyone', 'owners', 'users', 'victim']);
  const u = await s.asa('GET', 'groups/users');
  assertStatus(u, 200);
  assertGroup(u.json, { name: 'users' });
  assertStatus(await s.asa('DELETE', 'groups/users/'), 204);
  assertStatus(await s.asa('DELETE', 'groups/victim'), 204);
});

test('percent-encoded path segments are decoded', async () => {
  let r = await s.asa('GET', 'groups/%6Fwners');
  assertStatus(r, 200);
  assert.equal(r.json.name, 'owners');
  r = await s.asa('GET', 'groups/d%2Eots');
  assertStatus(r, 200);
  assert.equal(r.json.name, 'd.ots');
  r = await s.asa('GET', 'groups/d%2eots/users');
  assertList(r);
  r = await s.asa('GET', 'users/carol%2Ex');
  assertStatus(r, 200);
  assertUser(r.json, { name: 'carol.x' });
  r = await s.asa('POST', 'groups/d%2Eots/users', { body: { name: 'carol.x' } });
  assertStatus(r, 204);
  r = await s.asa('DELETE', 'groups/d%2Eots/users/carol%2ex');
  assertStatus(r, 204);
  assert.deepEqual(assertList(await s.asa('GET', 'groups/d.ots/users')), []);
  r = await s.asa('GET', `/v1/teams/%77eb/groups/owners`);
  assertStatus(r, 200, 'an encoded team name');
});

test('query values are decoded; repeated identical params count once', async () => {
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups?contains=own&contains=own'))), ['owners']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups?contains=%6Fwn'))), ['owners']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups?contains=d%2Eo'))), ['d.ots']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups?count=1&count=1&descending=true&descending=true'))), ['owners']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups?contains=+own'))), [], '+ is a space');
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups?contains='))), ['d.ots', 'everyone', 'owners'], 'an empty filter is no filter');
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups?unknown_param=1'))), ['d.ots', 'everyone', 'owners'], 'unknown params are ignored');
});

test('X-Request-Id on every response (2xx, 4xx), unique', async () => {
  const rs = [
    await s.asa('GET', 'groups'),
    await s.asa('POST', 'groups', { body: { name: 'rid', roles: [] } }),
    await s.asa('PUT', 'groups/rid', { body: { roles: [] } }),
    await s.asa('DELETE', 'groups/rid'),
    await s.asa('POST', 'groups', { raw: '{', headers: { 'Content-Type': 'application/json' } }),
    await s.asa('GET', 'groups', { token: null }),
    await s.asa('GET', 'groups/nope'),
    await s.asa('GET', '/nope'),
    await s.asa('DELETE', 'groups'),
    await s.asa('POST', 'groups', { raw: 'x', headers: { 'Content-Type': 'text/plain' } }),
    await s.asa('POST', `/v1/teams/${TEAM}/service_token`, { token: null, body: { key_id: s.creds.key_id, key_secret: s.creds.key_secret } }),
  ];
  assert.deepEqual(rs.map((r) => r.status), [200, 201, 204, 204, 400, 401, 404, 404, 405, 415, 200]);
  const ids = rs.map((r) => r.headers['x-request-id']);
  for (const [i, id] of ids.entries()) {
    assert.equal(typeof id, 'string', `X-Request-Id on response ${i} (${rs[i].status})`);
    assert.match(id, /^[\x21-\x7e]{8,128}$/, `X-Request-Id is a printable token: ${id}`);
  }
  assert.equal(new Set(ids).size, ids.length, 'request ids are unique');
});

test('Content-Type matching: any case, parameters, form, or none', async () => {
  const cts = [['Application/json', 'ct-a'], ['APPLICATION/JSON', 'ct-b'], ['application/json; charset=UTF-8', 'ct-c'],
    ['application/json;charset=utf-8', 'ct-d'], ['application/x-www-form-urlencoded', 'ct-e'], [null, 'ct-f']];
  for (const [ct, name] of cts) {
    const r = await s.asa('POST', 'groups', { raw: JSON.stringify({ name, roles: ['reporting_user'] }), headers: ct ? { 'Content-Type': ct } : {} });
    assertStatus(r, 201, `Content-Type ${ct}`);
    assertGroup(r.json, { name, roles: ['reporting_user'] });
  }
  const r = await s.asa('PUT', 'groups/ct-a', { raw: '{"roles":[]}', headers: { 'Content-Type': 'Application/json' } });
  assertStatus(r, 204);
});

test('GET and DELETE with a Content-Type and an empty body are fine', async () => {
  let r = await s.asa('GET', 'groups', { headers: { 'Content-Type': 'application/json' } });
  assertList(r);
  r = await s.asa('GET', 'groups/owners', { headers: { 'Content-Type': 'Application/json', 'Content-Length': '0' } });
  assertStatus(r, 200);
  r = await s.asa('GET', 'groups', { headers: { 'Content-Type': 'text/plain' } });
  assertList(r, 'GET ignores the Content-Type when there is no body');
  r = await s.asa('DELETE', 'groups/ct-b', { headers: { 'Content-Type': 'Application/json', 'Content-Length': '0' } });
  assertStatus(r, 204);
  r = await s.asa('DELETE', 'groups/ct-c', { headers: { 'Content-Type': 'text/plain' } });
  assertStatus(r, 204);
});

test('HEAD answers like GET without a body', async () => {
  const g = await s.asa('GET', 'groups/owners');
  const h = await s.asa('HEAD', 'groups/owners');
  assertStatus(h, 200);
  assert.equal(h.text, '');
  assert.match(h.headers['content-type'] ?? '', /^application\/json/i);
  assert.ok(h.headers['x-request-id']);
  assert.equal(g.status, 200);
});

test('non-ASCII query values are fine (no match, no error)', async () => {
  assert.deepEqual(assertList(await s.asa('GET', 'groups?contains=%C3%A9')), []);
  assert.deepEqual(assertList(await s.asa('GET', 'groups?contains=%E2%9C%93&starts_with=%F0%9F%98%80')), []);
});

test('the connection stays usable after an error response (keep-alive)', async () => {
  const h = `Host: 127.0.0.1:${s.port}\r\n`;
  const data = `GET /v1/teams/${TEAM}/groups HTTP/1.1\r\n${h}\r\n`
    + `POST /v1/teams/${TEAM}/groups HTTP/1.1\r\n${h}Authorization: Bearer ${s.token}\r\nContent-Type: application/json\r\nContent-Length: 1\r\n\r\n{`
    + `GET /v1/teams/${TEAM}/groups/owners HTTP/1.1\r\n${h}Authorization: Bearer ${s.token}\r\n\r\n`;
  const rs = await rawExchange(s.port, data, 3);
  assert.deepEqual(rs.map((r) => r.status), [401, 400, 200]);
  assert.equal(rs[2].json.name, 'owners');
});

test('pipelining: 3 requests in one write → 3 responses in order', async () => {
  const auth = `Authorization: Bearer ${s.token}\r\n`;
  const req = (path) => `GET /v1/teams/${TEAM}/${path} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n${auth}Accept: application/json\r\n\r\n`;
  const rs = await rawExchange(s.port, req('groups/owners') + req('groups/nope') + req('groups/everyone'), 3);
  assert.equal(rs.length, 3);
  assert.deepEqual(rs.map((r) => r.status), [200, 404, 200]);
  assert.equal(rs[0].json.name, 'owners');
  assert.equal(rs[1].json.type, 'resource_does_not_exist');
  assert.equal(rs[2].json.name, 'everyone');
  for (const r of rs) assert.ok(r.headers['x-request-id']);
});

test('pipelining with bodies: POST, GET, DELETE in one write', async () => {
  const body = JSON.stringify({ name: 'piped', roles: [] });
  const h = `Host: 127.0.0.1:${s.port}\r\nAuthorization: Bearer ${s.token}\r\n`;
  const data = `POST /v1/teams/${TEAM}/groups HTTP/1.1\r\n${h}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    + `GET /v1/teams/${TEAM}/groups/piped HTTP/1.1\r\n${h}\r\n`
    + `DELETE /v1/teams/${TEAM}/groups/piped HTTP/1.1\r\n${h}\r\n`;
  const rs = await rawExchange(s.port, data, 3);
  assert.deepEqual(rs.map((r) => r.status), [201, 200, 204]);
  assert.equal(rs[0].json.name, 'piped');
  assert.deepEqual(rs[1].json, rs[0].json);
});

test('a chunked request body is accepted', async () => {
  const body = JSON.stringify({ name: 'chunky', roles: ['access_user'] });
  const half = Math.floor(body.length / 2);
  const chunk = (x) => `${Buffer.byteLength(x).toString(16)}\r\n${x}\r\n`;
  const data = `POST /v1/teams/${TEAM}/groups HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nAuthorization: Bearer ${s.token}\r\n`
    + `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(body.slice(0, half))}${chunk(body.slice(half))}0\r\n\r\n`;
  const [r] = await rawExchange(s.port, data, 1);
  assert.equal(r.status, 201, r.text);
  assertGroup(r.json, { name: 'chunky', roles: ['access_user'] });
});

test('Expect: 100-continue (curl does it for bodies over 1 KiB) works', async () => {
  const body = JSON.stringify({ name: 'expecting', roles: [], pad: 'x'.repeat(2000) });
  const head = `POST /v1/teams/${TEAM}/groups HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nAuthorization: Bearer ${s.token}\r\n`
    + `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`;
  let sent = false;
  const [r] = await rawExchange(s.port, head, 1, {
    onData: (buf, sock) => {
      if (!sent && buf.toString('latin1').startsWith('HTTP/1.1 100')) { sent = true; sock.write(body); }
    },
  });
  assert.ok(sent, 'the server sent 100 Continue');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.name, 'expecting');
});

test('Link URLs are built from the Host header when --public-url is not set', async () => {
  const r = await s.asa('GET', 'groups?count=1', { headers: { Host: 'roster.example.org:8443' } });
  assert.equal(assertList(r).length, 1);
  const next = parseLink(r.headers.link).next;
  assert.ok(next, `a rel="next": ${r.headers.link}`);
  assert.ok(next.startsWith(`http://roster.example.org:8443/v1/teams/${TEAM}/groups?`), next);
});

test('100 concurrent connections are all answered', async () => {
  const rs = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2
    ? s.asa('GET', 'groups/owners')
    : s.asa('GET', 'groups?count=2'))));
  assert.deepEqual([...new Set(rs.map((r) => r.status))], [200]);
  for (const [i, r] of rs.entries()) {
    if (i % 2) assert.equal(r.json.name, 'owners');
    else assert.equal(r.json.list.length, 2);
  }
});

test('HTTP/1.1 without Host → 400 (RFC 9112 §3.2)', async () => {
  const [r] = await rawExchange(s.port, `GET /v1/teams/${TEAM}/groups HTTP/1.1\r\nAuthorization: Bearer ${s.token}\r\n\r\n`, 1);
  assert.equal(r.status, 400, `got ${r.status} ${r.text.slice(0, 200)}`);
});

// Requests that libmicrohttpd 0.9.75 itself refuses before Roster sees them: it answers
// (or closes) on its own, with its own HTML page. What Roster guarantees is a 400 status or
// a closed connection, no change to the store, and a server that keeps answering.
test('an invalid Content-Length → 400 and nothing changes', async () => {
  const before = names(assertList(await s.asa('GET', 'groups?count=1000')));
  const [r] = await rawExchange(s.port, `POST /v1/teams/${TEAM}/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{"name":"cl-abc"}`, 1);
  assert.equal(r.status, 400, `got ${r.status} ${r.text.slice(0, 200)}`);
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups?count=1000'))), before);
});

test('a malformed request line is refused and the server keeps answering', async () => {
  let rs = [];
  try {
    rs = await rawExchange(s.port, 'GARBAGE\r\n\r\n', 1, { timeout: 3000 });
  } catch {
    rs = []; // libmicrohttpd closes without an answer: also a refusal
  }
  if (rs.length) assert.equal(rs[0].status, 400, `got ${rs[0].status} ${rs[0].text.slice(0, 200)}`);
  assertList(await s.asa('GET', 'groups'), 'the server still answers');
});

test('HTTPS: --tls-cert/--tls-key serve TLS; Link URLs are https', async () => {
  const t = await startServer({ team: 'secure', tls: true });
  try {
    assert.ok(t.base.startsWith('https://127.0.0.1:'), t.base);
    const r = await t.asa('GET', 'groups?count=1');
    assert.deepEqual(names(assertList(r)), ['everyone']);
    const next = parseLink(r.headers.link).next;
    assert.ok(next?.startsWith(`https://127.0.0.1:${t.port}/v1/teams/secure/groups?`), `https Link: ${r.headers.link}`);
    const c = await t.asa('POST', 'groups', { body: { name: 'tls-group', roles: [] } });
    assertStatus(c, 201);
    let plainFailed = false;
    try {
      const p = await httpRequest(`http://127.0.0.1:${t.port}/v1/teams/secure/groups`, { timeout: 3000 });
      plainFailed = p.status >= 400;
    } catch { plainFailed = true; }
    assert.ok(plainFailed, 'plain HTTP to the TLS port does not get a 2xx');
    assertList(await t.asa('GET', 'groups'), 'still serving after a plain-HTTP attempt');
  } finally {
    await stopClean(t);
  }
});

test('--public-url decides the Link URLs', async () => {
  const p = await startServer({ team: 'pub', args: ['--public-url', 'https://roster.example.test'] });
  try {
    const r = await p.asa('GET', 'groups?count=1&contains=e');
    assert.equal(assertList(r).length, 1);
    const next = parseLink(r.headers.link).next;
    assert.ok(next?.startsWith('https://roster.example.test/v1/teams/pub/groups?'), `Link from --public-url: ${r.headers.link}`);
    const u = new URL(next);
    assert.equal(u.searchParams.get('contains'), 'e');
    assert.equal(u.searchParams.get('count'), '1');
  } finally {
    await stopClean(p);
  }
});

test('rate limit: --rate-limit 60 in fixed windows → one X-RateLimit-Reset per window, 1–60 pass, the 61st is 429 + X-RateLimit-Retry-At (the window end)', async () => {
  const W = 4; // --rate-limit-window: the test-only short window
  const rl = await startServer({ team: 'limited', args: ['--rate-limit', '60', '--rate-limit-window', String(W)], probe: 'tcp' });
  try {
    await checkWindow(() => rl.asa('GET', 'groups'), ASA_RL, {
      limit: 60,
      window: W,
      ok: (r, n) => assertList(r, `request ${n} of the window`),
      refused: (r) => assertError(r, 429, 'too_many_requests'),
    });
    // Another principal (another team's admin) has its own budget.
    const other = await rl.init('limited-too');
    const tok = await rl.tokenFor(other.key_id, other.key_secret, 'limited-too');
    const r = await rl.asa('GET', '/v1/teams/limited-too/groups', { token: tok });
    assertList(r, 'another principal is not throttled');
    assert.equal(r.headers['x-ratelimit-limit'], '60');
    assert.equal(r.headers['x-ratelimit-remaining'], '59');
    // Unauthenticated calls count against the client address, with the same headers.
    const anon = await rl.asa('GET', 'groups', { token: null });
    assertError(anon, 401);
    assert.match(anon.headers['x-ratelimit-remaining'] ?? '', /^\d+$/);
  } finally {
    await stopClean(rl);
  }
});

test('--rate-limit-window takes 1..3600 seconds: anything else is a one-line error and exit 2', async () => {
  for (const v of ['0', '3601', 'abc', '', '-1']) {
    const r = await runCli(['serve', '--listen', '127.0.0.1:0', '--store', 'sqlite:/nonexistent/x.db', '--rate-limit', '60', '--rate-limit-window', v], { timeout: 10000 });
    assert.equal(r.code, 2, `--rate-limit-window ${JSON.stringify(v)}: exit ${r.code}, stderr ${r.stderr}`);
    assert.match(r.stderr, /^roster serve: --rate-limit-window takes a number from 1 to 3600\n$/, r.stderr);
  }
});

test('without --rate-limit there are no X-RateLimit headers', async () => {
  for (let i = 0; i < 7; i++) assertList(await s.asa('GET', 'groups'));
  const r = await s.asa('GET', 'groups');
  assert.equal(r.headers['x-ratelimit-limit'], undefined);
  assert.equal(r.headers['x-ratelimit-remaining'], undefined);
});

test('limits are configurable: --max-body, --json-depth, --max-expression', async () => {
  const t = await startServer({ team: 'limits', args: ['--max-body', '2048', '--json-depth', '4', '--max-expression', '40'] });
  try {
    const pad = 'x'.repeat(3000);
    assertError(await t.asa('POST', 'groups', { raw: JSON.stringify({ name: 'big', roles: [], pad }), headers: { 'Content-Type': 'application/json' } }), 413);
    assertStatus(await t.asa('POST', 'groups', { body: { name: 'small', roles: [], pad: 'x'.repeat(1000) } }), 201);
    assertError(await t.asa('POST', 'groups', { raw: '{"name":"deep","roles":[],"a":{"b":{"c":{"d":{"e":1}}}}}', headers: { 'Content-Type': 'application/json' } }), 400);
    assertStatus(await t.asa('POST', 'groups', { body: { name: 'shallow', roles: [], a: { b: { c: 1 } } } }), 201);
    const okta = (q) => httpRequest(`${t.base}/api/v1/groups?search=${encodeURIComponent(q)}`, { headers: { Authorization: `SSWS ${t.creds.api_token}` } });
    let r = await okta('profile.name sw "sm"');
    assert.equal(r.status, 200, r.text);
    r = await okta(`profile.name sw "${'s'.repeat(40)}"`);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.errorCode, 'E0000031');
    assert.deepEqual(names(assertList(await t.asa('GET', 'groups'))), ['everyone', 'owners', 'shallow', 'small']);
  } finally {
    await stopClean(t);
  }
});
