// ASA service users and their API keys (reference/asa.md §2.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { useServer } from './lib/server.mjs';
import { assertStatus, assertError, assertList, assertUser, assertJsonType, names, byteCompare, UUID_RE, isRfc3339 } from './lib/asa.mjs';

const TEAM = 'robots';
const s = useServer({ team: TEAM });

let adminName;
let svc1;
const keys = [];

function assertKey(k, { secret = false } = {}) {
  assert.ok(k && typeof k === 'object', JSON.stringify(k));
  assert.match(k.id, UUID_RE, `key id is a UUID: ${JSON.stringify(k)}`);
  assert.ok(isRfc3339(k.issued_at), `issued_at is RFC 3339: ${JSON.stringify(k)}`);
  assert.ok('expires_at' in k, `key has expires_at: ${JSON.stringify(k)}`);
  assert.ok(k.expires_at === null || k.expires_at === '0001-01-01T00:00:00Z' || isRfc3339(k.expires_at), `expires_at: ${k.expires_at}`);
  assert.ok('last_used' in k, `key has last_used: ${JSON.stringify(k)}`);
  assert.ok(k.last_used === null || isRfc3339(k.last_used), `last_used: ${k.last_used}`);
  if (secret) {
    assert.equal(typeof k.secret, 'string');
    assert.ok(k.secret.length >= 32, 'the secret is a high-entropy value');
  } else {
    assert.ok(!('secret' in k), `no secret outside the create response: ${JSON.stringify(k)}`);
  }
}

test('setup: the init admin is listed as a service user', async () => {
  adminName = (await s.asa('GET', 'current_user')).json.name;
  const list = assertList(await s.asa('GET', 'service_users'));
  assert.deepEqual(names(list), [adminName]);
  assertUser(list[0], { type: 'service', status: 'ACTIVE', team: TEAM });
});

test('POST service_users → 201 service user', async () => {
  const r = await s.asa('POST', 'service_users', { body: { name: 'svc1' } });
  assertStatus(r, 201);
  assertJsonType(r);
  assertUser(r.json, { name: 'svc1', team: TEAM, type: 'service', status: 'ACTIVE' });
  assert.equal(r.json.details, null);
  assert.equal(r.json.deleted_at, null);
  svc1 = r.json;
  const r2 = await s.asa('POST', 'service_users', { body: { id: null, name: 'svc2', user_type: 'service', details: null, status: 'ACTIVE', team_name: null } });
  assertStatus(r2, 201, 'a user-shaped body with nulls');
  assertUser(r2.json, { name: 'svc2', type: 'service', status: 'ACTIVE' });
});

test('GET service_users/{u} → 200, same object; list sorted, services only', async () => {
  const r = await s.asa('GET', 'service_users/svc1');
  assertStatus(r, 200);
  assert.deepEqual(r.json, svc1);
  await s.mustUserAdd({ name: 'human1', email: 'h1@example.com', first: 'Hu', last: 'Man' });
  const list = assertList(await s.asa('GET', 'service_users'));
  assert.deepEqual(names(list), [adminName, 'svc1', 'svc2'].sort(byteCompare));
  for (const u of list) assertUser(u, { type: 'service', team: TEAM });
  assert.deepEqual(names(assertList(await s.asa('GET', 'service_users?contains=svc'))), ['svc1', 'svc2']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'service_users?starts_with=svc2'))), ['svc2']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'service_users?user_type=service&contains=svc'))), ['svc1', 'svc2']);
  assert.deepEqual(assertList(await s.asa('GET', 'service_users?user_type=human')), [], 'no service user is human');
  assertError(await s.asa('GET', 'service_users/human1'), 404, 'resource_does_not_exist');
});

test('duplicate service user → 409; a human\'s name → 409; invalid name → 400', async () => {
  assertError(await s.asa('POST', 'service_users', { body: { name: 'svc1' } }), 409, 'resource_already_exists');
  assertError(await s.asa('POST', 'service_users', { body: { name: 'human1' } }), 409, 'resource_already_exists');
  assertError(await s.asa('POST', 'service_users', { body: { name: 'bad name' } }), 400, 'invalid_request');
  assertError(await s.asa('POST', 'service_users', { body: { name: 7 } }), 400, 'invalid_request');
  assert.deepEqual(names(assertList(await s.asa('GET', 'service_users'))), [adminName, 'svc1', 'svc2'].sort(byteCompare));
});

test('PUT service_users/{u} with the oktapam body (nulls) → 200; status round trip', async () => {
  let r = await s.asa('PUT', 'service_users/svc1', { body: { id: null, name: 'svc1', team_name: null, status: 'DISABLED', user_type: null } });
  assertStatus(r, 200);
  assertUser(r.json, { name: 'svc1', team: TEAM, type: 'service', status: 'DISABLED' });
  assert.equal(r.json.id, svc1.id);
  assert.equal((await s.asa('GET', 'service_users/svc1')).json.status, 'DISABLED');
  assert.deepEqual(names(assertList(await s.asa('GET', 'service_users?status=DISABLED'))), ['svc1']);
  r = await s.asa('PUT', 'service_users/svc1', { body: { status: 'ACTIVE' } });
  assertStatus(r, 200);
  assert.deepEqual(r.json, svc1, 'back to the object as created');
  assertError(await s.asa('PUT', 'service_users/svc1', { body: { status: 'NAPPING' } }), 400, 'invalid_request');
  assertError(await s.asa('PUT', 'service_users/svc1', { body: { status: 7 } }), 400, 'invalid_request');
});

test('keys: list empty, create → id + secret, list shows it without the secret', async () => {
  assert.deepEqual(assertList(await s.asa('GET', 'service_users/svc1/keys')), []);
  const r = await s.asa('POST', 'service_users/svc1/keys');
  assert.ok(r.status === 200 || r.status === 201, `create key: ${r.status} ${r.text}`);
  assertJsonType(r);
  assertKey(r.json, { secret: true });
  assert.ok(Math.abs(Date.parse(r.json.issued_at) - Date.now()) < 5 * 60 * 1000, 'issued_at is now');
  keys.push(r.json);
  const l = await s.asa('GET', 'service_users/svc1/keys');
  const list = assertList(l);
  assert.deepEqual(list.map((k) => k.id), [r.json.id]);
  for (const k of list) assertKey(k);
  assert.ok(!l.text.includes(r.json.secret), 'the secret is never returned again');
  const tok = await s.tokenFor(r.json.id, r.json.secret);
  assert.equal(typeof tok, 'string');
  const who = await s.asa('GET', 'current_user', { token: tok });
  assertStatus(who, 200);
  assert.equal(who.json.name, 'svc1');
});

test('keys: a second key (rotation) — both listed, both usable until deleted', async () => {
  const r = await s.asa('POST', 'service_users/svc1/keys', { body: {} });
  assert.ok(r.status === 200 || r.status === 201, `create key: ${r.status} ${r.text}`);
  assertKey(r.json, { secret: true });
  assert.notEqual(r.json.id, keys[0].id);
  assert.notEqual(r.json.secret, keys[0].secret);
  keys.push(r.json);
  const l = await s.asa('GET', 'service_users/svc1/keys');
  assert.deepEqual(assertList(l).map((k) => k.id).sort(), keys.map((k) => k.id).sort());
  for (const k of keys) assert.ok(!l.text.includes(k.secret));
  await s.tokenFor(r.json.id, r.json.secret);
  const svcList = await s.asa('GET', 'service_users');
  for (const k of keys) assert.ok(!svcList.text.includes(k.secret), 'no secret in the service user list');
  assert.ok(!(await s.asa('GET', 'service_users/svc1')).text.includes(keys[0].secret));
});

test('keys: last_used is set by a token exchange; rotation puts an expiry on the older key', async () => {
  const list = assertList(await s.asa('GET', 'service_users/svc1/keys'));
  const k0 = list.find((k) => k.id === keys[0].id);
  const k1 = list.find((k) => k.id === keys[1].id);
  assert.ok(isRfc3339(k0.last_used), `a used key has last_used: ${JSON.stringify(k0)}`);
  assert.ok(Math.abs(Date.parse(k0.last_used) - Date.now()) < 5 * 60 * 1000, 'last_used is recent');
  assert.ok(isRfc3339(k0.expires_at) && Date.parse(k0.expires_at) > Date.now(), `the older key gets a future expires_at: ${JSON.stringify(k0)}`);
  assert.ok(k1.expires_at === null || k1.expires_at === '0001-01-01T00:00:00Z', `the new key does not expire: ${JSON.stringify(k1)}`);
  await s.tokenFor(keys[0].id, keys[0].secret);
});

test('keys: DELETE → 204; gone from the list; unknown key → 404', async () => {
  let r = await s.asa('DELETE', `service_users/svc1/keys/${keys[0].id}`);
  assertStatus(r, 204);
  assert.equal(r.text, '');
  assert.deepEqual(assertList(await s.asa('GET', 'service_users/svc1/keys')).map((k) => k.id), [keys[1].id]);
  assertError(await s.asa('POST', `/v1/teams/${TEAM}/service_token`, { token: null, body: { key_id: keys[0].id, key_secret: keys[0].secret } }), 401);
  r = await s.asa('DELETE', `service_users/svc1/keys/${keys[0].id}`);
  assertError(r, 404, 'resource_does_not_exist');
  assertError(await s.asa('DELETE', `service_users/svc1/keys/${randomUUID()}`), 404, 'resource_does_not_exist');
  assertError(await s.asa('DELETE', `service_users/svc2/keys/${keys[1].id}`), 404, 'resource_does_not_exist');
  assertError(await s.asa('DELETE', 'service_users/svc1/keys/not-a-uuid'), [400, 404]);
  assert.deepEqual(assertList(await s.asa('GET', 'service_users/svc1/keys')).map((k) => k.id), [keys[1].id], 'the other user\'s path did not delete the key');
});

test('keys of unknown or human users → 404', async () => {
  assertError(await s.asa('GET', 'service_users/nobody/keys'), 404, 'resource_does_not_exist');
  assertError(await s.asa('POST', 'service_users/nobody/keys'), 404, 'resource_does_not_exist');
  assertError(await s.asa('GET', 'service_users/human1/keys'), 404, 'resource_does_not_exist');
  assertError(await s.asa('POST', 'service_users/human1/keys'), 404, 'resource_does_not_exist');
});

test('a service user with no role gets 403 on service_users; key listing needs access_admin', async () => {
  const tok = await s.tokenFor(keys[1].id, keys[1].secret);
  assertError(await s.asa('GET', 'service_users', { token: tok }), 403, 'forbidden_error');
  assertError(await s.asa('POST', 'service_users/svc1/keys', { token: tok }), 403, 'forbidden_error');
  assertError(await s.asa('GET', 'service_users/svc1/keys', { token: tok }), 403, 'forbidden_error');
});

test('PUT status DELETED → 200 with deleted_at; name reserved; keys stop working', async () => {
  const r = await s.asa('PUT', 'service_users/svc1', { body: { id: null, name: 'svc1', team_name: null, status: 'DELETED', user_type: null } });
  assertStatus(r, 200);
  assertUser(r.json, { name: 'svc1', type: 'service', status: 'DELETED' });
  assert.ok(isRfc3339(r.json.deleted_at));
  assertError(await s.asa('POST', `/v1/teams/${TEAM}/service_token`, { token: null, body: { key_id: keys[1].id, key_secret: keys[1].secret } }), 401);
  assertError(await s.asa('POST', 'service_users', { body: { name: 'svc1' } }), 409, 'resource_already_exists');
  const g = await s.asa('GET', 'service_users/svc1');
  if (g.status === 200) assertUser(g.json, { name: 'svc1', status: 'DELETED' });
  else assertError(g, 404, 'resource_does_not_exist');
  assert.ok(!names(assertList(await s.asa('GET', 'service_users?status=ACTIVE'))).includes('svc1'));
  const u = await s.userAdd({ name: 'svc1', email: 'svc1@example.com', first: 'S', last: 'One' });
  assert.notEqual(u.code, 0, '`roster user add` refuses a deleted service user\'s name');
});

test('keys: DELETE accepts the key id in upper case, as every other id of the dialect', async () => {
  assertStatus(await s.asa('POST', 'service_users', { body: { name: 'svc-upper' } }), 201);
  const r = await s.asa('POST', 'service_users/svc-upper/keys');
  assertStatus(r, 200);
  const id = r.json.id;
  assertStatus(await s.asa('DELETE', `service_users/svc-upper/keys/${id.toUpperCase()}`), 204);
  assert.deepEqual(assertList(await s.asa('GET', 'service_users/svc-upper/keys')), [], 'the key is gone');
});
