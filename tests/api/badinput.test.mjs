// Bad input gets a 4xx ASA error {"type","message","code"} and changes nothing (DESIGN.md §3, §6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.mjs';
import { rawExchange } from './lib/raw.mjs';
import { assertStatus, assertError, assertList, assertGroup, names } from './lib/asa.mjs';

const s = useServer({ team: 'strict' });

const JSON_CT = { 'Content-Type': 'application/json' };
const postGroupRaw = (raw, headers = JSON_CT) => s.asa('POST', 'groups', { raw, headers });

let baseline; // the team's state before any bad request

async function state() {
  const groups = assertList(await s.asa('GET', 'groups?include_deleted=true'));
  const members = {};
  for (const g of groups.filter((x) => x.deleted_at === null)) {
    members[g.name] = names(assertList(await s.asa('GET', `groups/${g.name}/users`)));
  }
  const svc = names(assertList(await s.asa('GET', 'service_users')));
  const users = assertList(await s.asa('GET', 'users?include_service_users=true')).map((u) => [u.name, u.status]);
  return { groups, members, svc, users };
}

async function assertUnchanged(what) {
  assert.deepEqual(await state(), baseline, `${what} changed nothing`);
}

test('setup: a group with a member, and the baseline state', async () => {
  await s.mustUserAdd({ name: 'alice', email: 'alice@example.com', first: 'Alice', last: 'Liddell' });
  assertStatus(await s.asa('POST', 'groups', { body: { name: 'devs', roles: ['access_user'] } }), 201);
  assertStatus(await s.asa('POST', 'groups/devs/users', { body: { name: 'alice' } }), 204);
  baseline = await state();
  assert.deepEqual(names(baseline.groups), ['devs', 'everyone', 'owners']);
});

test('malformed JSON → 400 invalid_request', async () => {
  for (const raw of ['{"name":', '{name:"x"}', '{"name":"bad1",}', "{'name':'bad1'}", '{"name":"bad1"} x', 'nul', '{"name":"bad1"', '\u0000']) {
    assertError(await postGroupRaw(raw), 400, 'invalid_request');
  }
  await assertUnchanged('malformed JSON');
});

test('duplicate keys → 400', async () => {
  assertError(await postGroupRaw('{"name":"a","name":"b"}'), 400, 'invalid_request');
  assertError(await postGroupRaw('{"name":"dupa","roles":[],"roles":["access_admin"]}'), 400, 'invalid_request');
  assertError(await s.asa('PUT', 'groups/devs', { raw: '{"roles":[],"roles":["access_admin"]}', headers: JSON_CT }), 400, 'invalid_request');
  assertError(await s.asa('GET', 'groups/a'), 404, 'resource_does_not_exist');
  assertError(await s.asa('GET', 'groups/b'), 404, 'resource_does_not_exist');
  await assertUnchanged('duplicate keys');
});

test('invalid UTF-8 → 400', async () => {
  const bodies = [
    Buffer.concat([Buffer.from('{"name":"bad'), Buffer.from([0xff]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"name":"badutf","roles":[],"x'), Buffer.from([0xc3, 0x28]), Buffer.from('":1}')]),
    Buffer.concat([Buffer.from('{"name":"badutf","roles":[],"x":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), // surrogate
    Buffer.concat([Buffer.from('{"name":"badutf","roles":[],"x":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), // overlong
    Buffer.concat([Buffer.from('{"name":"badutf","roles":[],"x":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]), // truncated
  ];
  for (const raw of bodies) assertError(await postGroupRaw(raw), 400, 'invalid_request');
  assertError(await s.asa('GET', 'groups/badutf'), 404);
  await assertUnchanged('invalid UTF-8');
});

test('wrong types → 400', async () => {
  const bad = [
    { name: 5 }, { name: 'wt1', roles: 'x' }, { name: 'wt1', roles: ['access_user', 5] }, { name: 'wt1', roles: {} },
    { name: ['wt1'] }, { name: true }, { name: null }, [{ name: 'wt1' }], 'wt1', 42,
  ];
  for (const body of bad) assertError(await s.asa('POST', 'groups', { body }), 400, 'invalid_request');
  for (const body of [{ roles: 'access_user' }, { roles: [1] }, { roles: {} }, [], 'x']) {
    assertError(await s.asa('PUT', 'groups/devs', { body }), 400, 'invalid_request');
  }
  for (const body of [{ name: 5 }, { name: null }, { name: ['alice'] }, {}, [], 'alice']) {
    assertError(await s.asa('POST', 'groups/devs/users', { body }), 400, 'invalid_request');
  }
  for (const body of [{ status: 5 }, { status: 'SLEEPING' }, []]) {
    assertError(await s.asa('PUT', 'users/alice', { body }), 400, 'invalid_request');
  }
  await assertUnchanged('wrong types');
});

test('missing name / empty body → 400', async () => {
  assertError(await s.asa('POST', 'groups', { body: { roles: [] } }), 400, 'invalid_request');
  assertError(await s.asa('POST', 'groups', { body: {} }), 400, 'invalid_request');
  assertError(await postGroupRaw(''), 400, 'invalid_request');
  assertError(await s.asa('POST', 'groups'), 400, 'invalid_request');
  assertError(await s.asa('POST', 'service_users', { body: {} }), 400, 'invalid_request');
  await assertUnchanged('missing name');
});

test('unknown role → 400', async () => {
  assertError(await s.asa('POST', 'groups', { body: { name: 'r1', roles: ['superuser'] } }), 400, 'invalid_request');
  assertError(await s.asa('POST', 'groups', { body: { name: 'r1', roles: ['Access_Admin'] } }), 400, 'invalid_request');
  assertError(await s.asa('POST', 'groups', { body: { name: 'r1', roles: ['pam_admin'] } }), 400, 'invalid_request');
  assertError(await s.asa('PUT', 'groups/devs', { body: { roles: ['access_user', 'root'] } }), 400, 'invalid_request');
  await assertUnchanged('unknown role');
});

test('invalid names → 400 (space, leading -, 256 chars, empty, non-ASCII, slash)', async () => {
  const bad = ['has space', '-lead', '.lead', '_lead', 'a'.repeat(256), '', 'caf\u00e9', 'a/b', 'a\tb', 'a\u0000b', 'x:y', 'a+b'];
  for (const name of bad) {
    assertError(await s.asa('POST', 'groups', { body: { name, roles: [] } }), 400, 'invalid_request');
    assertError(await s.asa('POST', 'service_users', { body: { name } }), 400, 'invalid_request');
  }
  await assertUnchanged('invalid names');
});

test('boundary: a 255-character name is valid', async () => {
  const name = `A${'b'.repeat(253)}9`;
  assert.equal(name.length, 255);
  const r = await s.asa('POST', 'groups', { body: { name, roles: [] } });
  assertStatus(r, 201);
  assertGroup(r.json, { name, roles: [] });
  assertGroup((await s.asa('GET', `groups/${name}`)).json, { name });
  assertStatus(await s.asa('DELETE', `groups/${name}`), 204);
  baseline = await state();
});

test('Content-Type text/plain (or any non-JSON type) → 415 unsupported_content_type', async () => {
  for (const ct of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/jsonx', 'text/json']) {
    const r = await postGroupRaw('{"name":"ct1","roles":[]}', { 'Content-Type': ct });
    assertError(r, 415, 'unsupported_content_type');
  }
  assertError(await s.asa('PUT', 'groups/devs', { raw: '{"roles":["access_admin"]}', headers: { 'Content-Type': 'text/plain' } }), 415, 'unsupported_content_type');
  await assertUnchanged('non-JSON content types');
});

// A careful client stops sending once the server answers; node:http does not (it reports
// EPIPE when the server closes early), hence raw sockets here.
const BIG = Buffer.from(JSON.stringify({ name: 'huge', roles: [], pad: 'x'.repeat(2 * 1024 * 1024) }));
const bigHead = (extra) => `POST /v1/teams/strict/groups HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${s.token}\r\n`
  + `Content-Type: application/json\r\n${extra}\r\n`;
function slices(buf, size) {
  const out = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

test('2 MiB body (Content-Length) → 413', async () => {
  const [r] = await rawExchange(s.port, [bigHead(`Content-Length: ${BIG.length}\r\n`), ...slices(BIG, 64 * 1024)], 1, { gapMs: 2, stopOnData: true });
  assertError(r, 413);
  assertList(await s.asa('GET', 'groups'), 'the server still answers');
  await assertUnchanged('a 2 MiB body');
});

test('2 MiB chunked body → 413', async () => {
  const chunks = slices(BIG, 64 * 1024).map((c) => Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]));
  const [r] = await rawExchange(s.port, [bigHead('Transfer-Encoding: chunked\r\n'), ...chunks, '0\r\n\r\n'], 1, { stopOnData: true });
  assertError(r, 413);
  await assertUnchanged('a 2 MiB chunked body');
});

test('2 MiB Content-Length with Expect: 100-continue → 413, no 100 Continue', async () => {
  const [r] = await rawExchange(s.port, bigHead(`Content-Length: ${BIG.length}\r\nExpect: 100-continue\r\n`), 1, {
    onData: (buf) => assert.ok(!buf.toString('latin1').startsWith('HTTP/1.1 100'), 'no 100 Continue for a body over the limit'),
  });
  assertError(r, 413);
  await assertUnchanged('a 2 MiB announced body');
});

test('a 100 kB body is not refused for its size', async () => {
  const body = Buffer.from(JSON.stringify({ name: 'padded', roles: [], pad: 'x'.repeat(100 * 1000) }));
  const r = await s.asa('POST', 'groups', { raw: body, headers: JSON_CT });
  assertStatus(r, 201);
  assertStatus(await s.asa('DELETE', 'groups/padded'), 204);
  baseline = await state();
});

test('unknown team → 401/404 JSON', async () => {
  for (const path of ['/v1/teams/no-such-team/groups', '/v1/teams/no-such-team/groups/owners', '/v1/teams/no-such-team/users']) {
    assertError(await s.asa('GET', path), [401, 404]);
  }
  assertError(await s.asa('POST', '/v1/teams/no-such-team/groups', { body: { name: 'x' } }), [401, 404]);
  assertError(await s.asa('POST', '/v1/teams/no-such-team/service_token', { token: null, body: { key_id: s.creds.key_id, key_secret: s.creds.key_secret } }), [401, 404]);
});

test('unknown group / user → 404 resource_does_not_exist', async () => {
  const cases = [
    ['GET', 'groups/nope'], ['PUT', 'groups/nope', { roles: [] }], ['PATCH', 'groups/nope', { roles: [] }], ['DELETE', 'groups/nope'],
    ['GET', 'groups/nope/users'], ['POST', 'groups/nope/users', { name: 'alice' }], ['DELETE', 'groups/nope/users/alice'],
    ['GET', 'groups/nope/users_not_in_group'],
    ['GET', 'groups/Devs'], // names are case-sensitive
    ['POST', 'groups/devs/users', { name: 'nobody' }],
    ['GET', 'users/nobody'], ['PUT', 'users/nobody', { status: 'DISABLED' }], ['GET', 'users/nobody/groups'], ['GET', 'users/Alice'],
    ['GET', 'service_users/nobody'], ['PUT', 'service_users/nobody', { status: 'DISABLED' }],
    ['GET', 'service_users/nobody/keys'], ['POST', 'service_users/nobody/keys'],
  ];
  for (const [method, path, body] of cases) {
    assertError(await s.asa(method, path, { body }), 404, 'resource_does_not_exist');
  }
  await assertUnchanged('requests on missing objects');
});

test('unknown route → 404 JSON', async () => {
  for (const path of ['/nope', '/', '/v1', '/v1/teams', '/v1/teams/strict', '/v1/teams/strict/nope', '/v1/teams/strict/groups/devs/nope', '/v2/teams/strict/groups', '/api/v2/groups', '/v1/teams/strict/groups/devs/users/alice/extra']) {
    const r = await s.asa('GET', path);
    assertError(r, 404);
  }
  assertError(await s.asa('GET', '/nope', { token: null }), 404);
});

test('wrong method on a known path → 405 JSON with Allow', async () => {
  const cases = [
    ['DELETE', 'groups', 'GET'], ['PUT', 'groups', 'POST'], ['POST', 'groups/devs', 'GET'],
    ['PUT', 'groups/devs/users', 'GET'], ['POST', 'groups/devs/users/alice', 'DELETE'],
    ['POST', 'groups/devs/users_not_in_group', 'GET'], ['GET', 'service_token', 'POST'], ['DELETE', 'users', 'GET'],
    ['POST', 'current_user', 'GET'],
  ];
  for (const [method, path, allowed] of cases) {
    const r = await s.asa(method, path, { body: method === 'GET' || method === 'DELETE' ? undefined : {} });
    assertError(r, 405);
    assert.ok(r.headers.allow, `405 carries Allow (RFC 9110): ${method} ${path}`);
    assert.ok(r.headers.allow.split(/\s*,\s*/).includes(allowed), `Allow of ${path} lists ${allowed}: ${r.headers.allow}`);
  }
  await assertUnchanged('wrong methods');
});

test('everyone and owners cannot be deleted → 403', async () => {
  assertError(await s.asa('DELETE', 'groups/everyone'), 403, 'forbidden_error');
  assertError(await s.asa('DELETE', 'groups/owners'), 403, 'forbidden_error');
  await assertUnchanged('deleting built-in groups');
});

test('everyone\'s membership cannot be changed → 403; its roles can', async () => {
  assertError(await s.asa('POST', 'groups/everyone/users', { body: { name: 'alice' } }), 403, 'forbidden_error');
  assertError(await s.asa('DELETE', 'groups/everyone/users/alice'), 403, 'forbidden_error');
  await assertUnchanged('everyone membership changes');
  assert.ok(baseline.members.everyone.includes('alice'), 'every live user is a member of everyone');
  assertStatus(await s.asa('PUT', 'groups/everyone', { body: { roles: ['reporting_user'] } }), 204);
  assertGroup((await s.asa('GET', 'groups/everyone')).json, { name: 'everyone', roles: ['reporting_user'] });
  assertStatus(await s.asa('PUT', 'groups/everyone', { body: { roles: [] } }), 204);
  await assertUnchanged('a round trip of everyone\'s roles');
});

test('duplicate group → 409 resource_already_exists (also under concurrency)', async () => {
  assertError(await s.asa('POST', 'groups', { body: { name: 'devs', roles: [] } }), 409, 'resource_already_exists');
  assertError(await s.asa('POST', 'groups', { body: { name: 'owners' } }), 409, 'resource_already_exists');
  assertError(await s.asa('POST', 'groups', { body: { name: 'everyone' } }), 409, 'resource_already_exists');
  await assertUnchanged('duplicate creates');
  const rs = await Promise.all(Array.from({ length: 8 }, () => s.asa('POST', 'groups', { body: { name: 'racer', roles: [] } })));
  const codes = rs.map((r) => r.status).sort();
  assert.deepEqual(codes, [201, 409, 409, 409, 409, 409, 409, 409], `one create wins: ${codes}`);
  for (const r of rs.filter((x) => x.status === 409)) assertError(r, 409, 'resource_already_exists');
  assert.equal(names(assertList(await s.asa('GET', 'groups'))).filter((n) => n === 'racer').length, 1);
  assertStatus(await s.asa('DELETE', 'groups/racer'), 204);
  baseline = await state();
});

test('JSON nested 100 deep → 400', async () => {
  const deep = `{"name":"deep","roles":[],"x":${'['.repeat(100)}${']'.repeat(100)}}`;
  assertError(await postGroupRaw(deep), 400, 'invalid_request');
  const deepObj = `{"name":"deep","roles":[],"x":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`;
  assertError(await postGroupRaw(deepObj), 400, 'invalid_request');
  const veryDeep = `{"name":"deep","x":${'['.repeat(100000)}${']'.repeat(100000)}}`;
  assertError(await postGroupRaw(veryDeep), 400, 'invalid_request');
  assertError(await s.asa('GET', 'groups/deep'), 404);
  await assertUnchanged('deep JSON');
});

test('bad percent-encoding in the path → 400/404 JSON, never 5xx', async () => {
  for (const path of ['groups/%zz', 'groups/%', 'groups/de%00vs', 'groups/%C3%28', 'groups/..%2F..%2Fetc']) {
    assertError(await s.asa('GET', path), [400, 404]);
  }
});

test('a name that is not UTF-8 names nothing: 404 on either engine', async () => {
  for (const path of ['groups/%C3%28', 'projects/%C3%28', 'service_users/%FF']) {
    assertError(await s.asa('GET', path), 404, 'resource_does_not_exist');
  }
});

test('headers over the 32 KiB limit → 431 as an ASA JSON error', async () => {
  const head = `GET /v1/teams/strict/groups HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${s.token}\r\nX-Big: `;
  const chunks = [head, ...slices(Buffer.from('x'.repeat(40 * 1024)), 16 * 1024), '\r\n\r\n'];
  const [r] = await rawExchange(s.port, chunks, 1, { gapMs: 2, stopOnData: true });
  assert.equal(r.status, 431, `expected 431, got ${r.status} ${r.text.slice(0, 200)}`);
  assertError(r, 431); // DESIGN §3: every error is an ASA JSON error, with X-Request-Id
  assertList(await s.asa('GET', 'groups'), 'the server still answers');
});

test('headers far past the limit (256 KiB) → 431 from the connection layer', async () => {
  // Past libmicrohttpd's per-connection memory (128 KiB) the library answers by itself.
  const head = `GET /v1/teams/strict/groups HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${s.token}\r\nX-Big: `;
  const chunks = [head, ...slices(Buffer.from('x'.repeat(256 * 1024)), 16 * 1024), '\r\n\r\n'];
  let r;
  try {
    [r] = await rawExchange(s.port, chunks, 1, { gapMs: 2, stopOnData: true });
  } catch (e) {
    // The library answers and closes while we are still sending: our next write may fail
    // before the answer is read. A closed connection is a refusal too.
    assert.ok(['EPIPE', 'ECONNRESET'].includes(e.code), `unexpected error ${e.code}: ${e.message}`);
  }
  if (r) assert.equal(r.status, 431, `expected 431, got ${r.status} ${r.text.slice(0, 200)}`);
  assertList(await s.asa('GET', 'groups'), 'the server still answers');
});

test('names are byte-exact: "Devs" is another group than "devs"', async () => {
  const r = await s.asa('POST', 'groups', { body: { name: 'Devs', roles: [] } });
  assertStatus(r, 201);
  assertGroup(r.json, { name: 'Devs', roles: [] });
  assert.notEqual(r.json.id, baseline.groups.find((g) => g.name === 'devs').id);
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups/Devs/users'))), []);
  assertStatus(await s.asa('DELETE', 'groups/Devs'), 204);
  assertList(await s.asa('GET', 'groups/devs/users'));
  baseline = await state();
});

test('unknown keys are ignored, at any depth', async () => {
  const r = await s.asa('POST', 'groups', { body: { name: 'extra', roles: [], _: 1, nested: { a: [1, { b: null }] }, id: '', deleted_at: null } });
  assertStatus(r, 201);
  assertGroup(r.json, { name: 'extra', roles: [] });
  assert.ok(!('nested' in r.json) && !('_' in r.json));
  assertStatus(await s.asa('DELETE', 'groups/extra'), 204);
  baseline = await state();
});

test('duplicate roles in a body → 400, or accepted once', async () => {
  const r = await s.asa('POST', 'groups', { body: { name: 'duproles', roles: ['access_user', 'access_user'] } });
  if (r.status === 201) {
    assertGroup(r.json, { name: 'duproles', roles: ['access_user'] });
    assertStatus(await s.asa('DELETE', 'groups/duproles'), 204);
    baseline = await state();
  } else {
    assertError(r, 400, 'invalid_request');
  }
  await assertUnchanged('duplicate roles');
});

test('PUT groups/{g} with roles null → unchanged (204) or 400', async () => {
  const r = await s.asa('PUT', 'groups/devs', { body: { roles: null } });
  if (r.status !== 204) assertError(r, 400, 'invalid_request');
  await assertUnchanged('roles: null');
});

test('a soft-deleted group cannot be changed (404)', async () => {
  assertStatus(await s.asa('POST', 'groups', { body: { name: 'ghost', roles: [] } }), 201);
  assertStatus(await s.asa('DELETE', 'groups/ghost'), 204);
  baseline = await state();
  assertError(await s.asa('PUT', 'groups/ghost', { body: { roles: ['access_admin'] } }), 404, 'resource_does_not_exist');
  assertError(await s.asa('POST', 'groups/ghost/users', { body: { name: 'alice' } }), 404, 'resource_does_not_exist');
  assertError(await s.asa('DELETE', 'groups/ghost/users/alice'), 404, 'resource_does_not_exist');
  assertError(await s.asa('GET', 'groups/ghost/users'), 404, 'resource_does_not_exist');
  assertError(await s.asa('DELETE', 'groups/ghost'), 404, 'resource_does_not_exist');
  await assertUnchanged('changes to a deleted group');
});

test('a body with conflicting Content-Length / Transfer-Encoding never creates anything', async () => {
  const body = '{"name":"smuggled","roles":[]}';
  const data = `POST /v1/teams/strict/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\nContent-Type: application/json\r\n`
    + `Content-Length: 5\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  let rs;
  try { rs = await rawExchange(s.port, data, 1, { timeout: 3000 }); } catch { rs = []; }
  for (const r of rs) assert.ok(r.status >= 400 && r.status < 500, `two Content-Length headers → 4xx, got ${r.status}`);
  await assertUnchanged('a request with two Content-Length headers');
});

test('after all of it: state unchanged and the server healthy', async () => {
  await assertUnchanged('the whole bad-input run');
});
