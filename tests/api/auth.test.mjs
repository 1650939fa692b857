// Authentication (service_token, bearer tokens) and the ASA role matrix (DESIGN.md §4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { useServer } from './lib/server.mjs';
import {
  assertStatus, assertError, assertList, assertGroup, assertUser, assertJsonType, names, UUID_RE, isRfc3339,
} from './lib/asa.mjs';

const TEAM = 'acme';
const s = useServer({ team: TEAM });

const tokenReq = (body, o = {}) => s.asa('POST', `/v1/teams/${o.team ?? TEAM}/service_token`, { token: null, ...o, body: o.raw === undefined ? body : undefined });

let other; // creds of a second team in the same store
let rep; // reporting_user principal
let acc; // access_user principal
let adm; // access_admin principal (not in owners)

test('service_token: 200 {bearer_token, expires_at (~1 h, RFC 3339), team_name}', async () => {
  const t0 = Date.now();
  const r = await tokenReq({ key_id: s.creds.key_id, key_secret: s.creds.key_secret });
  assertStatus(r, 200);
  assertJsonType(r);
  assert.equal(typeof r.json.bearer_token, 'string');
  assert.ok(r.json.bearer_token.length >= 20, 'bearer token is a high-entropy value');
  assert.equal(r.json.team_name, TEAM);
  assert.ok(isRfc3339(r.json.expires_at), `expires_at is RFC 3339: ${r.json.expires_at}`);
  const exp = Date.parse(r.json.expires_at);
  assert.ok(exp > t0 + 55 * 60 * 1000 && exp < Date.now() + 65 * 60 * 1000, `expires_at is about 1 h ahead: ${r.json.expires_at}`);
  assert.equal(typeof r.headers['x-request-id'], 'string');
  const r2 = await tokenReq({ key_id: s.creds.key_id, key_secret: s.creds.key_secret });
  assertStatus(r2, 200);
  assert.notEqual(r2.json.bearer_token, r.json.bearer_token, 'each exchange issues a new token');
  const g = await s.asa('GET', 'groups', { token: r.json.bearer_token });
  assertList(g, 'the new token works');
});

test('service_token ignores an Authorization header (the docs example sends one)', async () => {
  const r = await tokenReq({ key_id: s.creds.key_id, key_secret: s.creds.key_secret }, { headers: { Authorization: 'Bearer not-a-token' } });
  assertStatus(r, 200);
  assert.equal(r.json.team_name, TEAM);
});

test('service_token with form content type (curl --data) → 200', async () => {
  const r = await tokenReq(undefined, {
    raw: JSON.stringify({ key_id: s.creds.key_id, key_secret: s.creds.key_secret }),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assertStatus(r, 200);
});

test('service_token: bad secret → 401, unknown key → 401', async () => {
  let r = await tokenReq({ key_id: s.creds.key_id, key_secret: `${s.creds.key_secret}x` });
  assertError(r, 401);
  r = await tokenReq({ key_id: s.creds.key_id, key_secret: 'A'.repeat(88) });
  assertError(r, 401);
  r = await tokenReq({ key_id: randomUUID(), key_secret: s.creds.key_secret });
  assertError(r, 401);
  r = await tokenReq({ key_id: randomUUID(), key_secret: 'x' });
  assertError(r, 401);
});

test('service_token: malformed body → 400', async () => {
  let r = await tokenReq(undefined, { raw: '{"key_id":', headers: { 'Content-Type': 'application/json' } });
  assertError(r, 400, 'invalid_request');
  r = await tokenReq({ key_id: 5, key_secret: true });
  assertError(r, 400, 'invalid_request');
  r = await tokenReq({});
  assertError(r, 400, 'invalid_request');
  r = await tokenReq({ key_id: s.creds.key_id });
  assertError(r, 400, 'invalid_request');
  r = await tokenReq(undefined, { raw: '' });
  assertError(r, 400, 'invalid_request');
  r = await tokenReq([s.creds.key_id, s.creds.key_secret]);
  assertError(r, 400, 'invalid_request');
});

test('service_token: key of another team → 401; unknown team → 401/404', async () => {
  other = await s.init('other-team');
  assert.equal(other.team, 'other-team');
  let r = await tokenReq({ key_id: other.key_id, key_secret: other.key_secret });
  assertError(r, 401);
  r = await tokenReq({ key_id: s.creds.key_id, key_secret: s.creds.key_secret }, { team: 'no-such-team' });
  assertError(r, [401, 404]);
  r = await tokenReq({ key_id: other.key_id, key_secret: other.key_secret }, { team: 'other-team' });
  assertStatus(r, 200);
  assert.equal(r.json.team_name, 'other-team');
  other.token = r.json.bearer_token;
});

test('a second `roster init` on the same team adds a working key', async () => {
  const again = await s.init(TEAM);
  assert.notEqual(again.key_id, s.creds.key_id);
  assert.notEqual(again.key_secret, s.creds.key_secret);
  const tok = await s.tokenFor(again.key_id, again.key_secret);
  assertList(await s.asa('GET', 'groups', { token: tok }));
  assertList(await s.asa('GET', 'groups'), 'the first key still works');
});

test('no token / garbage token / wrong scheme → 401 JSON', async () => {
  for (const path of ['groups', 'users', 'groups/owners', 'service_users', 'current_user']) {
    assertError(await s.asa('GET', path, { token: null }), 401, ['authentication_error', 'authorization_error']);
  }
  assertError(await s.asa('POST', 'groups', { token: null, body: { name: 'nope' } }), 401);
  assertError(await s.asa('GET', 'groups', { token: 'garbage' }), 401);
  assertError(await s.asa('GET', 'groups', { token: `${s.token}x` }), 401);
  assertError(await s.asa('GET', 'groups', { token: null, headers: { Authorization: 'Bearer' } }), 401);
  assertError(await s.asa('GET', 'groups', { token: null, headers: { Authorization: `Basic ${s.token}` } }), 401);
  assertError(await s.asa('GET', 'groups', { token: null, headers: { Authorization: `SSWS ${s.creds.api_token}` } }), 401);
  assertError(await s.asa('GET', 'groups', { token: s.creds.key_secret }), 401);
  assert.equal(assertList(await s.asa('GET', 'groups')).some((g) => g.name === 'nope'), false);
});

test('the auth scheme is case-insensitive ("bearer", "BEARER")', async () => {
  assertList(await s.asa('GET', 'groups', { token: null, headers: { Authorization: `bearer ${s.token}` } }));
  assertList(await s.asa('GET', 'groups', { token: null, headers: { Authorization: `BEARER ${s.token}` } }));
});

test('service_token: oversized or odd credentials → 400/401, never 5xx', async () => {
  // a body past 4 KiB is refused before it is parsed (the credentials are the body)
  assertError(await tokenReq({ key_id: s.creds.key_id, key_secret: 'x'.repeat(10000) }), 413);
  assertError(await tokenReq({ key_id: s.creds.key_id, key_secret: 'x'.repeat(1000) }), [400, 401]);
  assertError(await tokenReq({ key_id: 'not-a-uuid', key_secret: s.creds.key_secret }), [400, 401]);
  assertError(await tokenReq({ key_id: s.creds.key_id, key_secret: '' }), [400, 401]);
  assertError(await tokenReq({ key_id: s.creds.key_id.toUpperCase(), key_secret: `${s.creds.key_secret}x` }), [400, 401]);
});

test('a token of another team → 401 on this team\'s paths (reads and writes)', async () => {
  assert.ok(other?.token, 'needs the other-team token');
  assertError(await s.asa('GET', 'groups', { token: other.token }), 401);
  assertError(await s.asa('GET', 'groups/owners', { token: other.token }), 401);
  assertError(await s.asa('POST', 'groups', { token: other.token, body: { name: 'intruder' } }), 401);
  assertError(await s.asa('DELETE', 'groups/owners', { token: other.token }), 401);
  assertError(await s.asa('GET', 'current_user', { token: other.token }), 401);
  assertError(await s.asa('GET', '/v1/teams/other-team/groups'), 401, undefined);
  assertError(await s.asa('POST', '/v1/teams/other-team/groups', { body: { name: 'intruder' } }), 401);
  assert.equal(names(assertList(await s.asa('GET', '/v1/teams/other-team/groups', { token: other.token }))).includes('intruder'), false);
  assert.equal(names(assertList(await s.asa('GET', 'groups'))).includes('intruder'), false);
});

test('setup: reporting_user, access_user and access_admin principals', async () => {
  rep = await s.principal('rep', ['reporting_user']);
  acc = await s.principal('acc', ['access_user']);
  adm = await s.principal('adm', ['access_admin']);
  await s.mustUserAdd({ name: 'alice', email: 'alice@example.com', first: 'Alice', last: 'Liddell' });
  const r = await s.asa('POST', 'groups', { body: { name: 'target', roles: [] } });
  assertStatus(r, 201);
  assertStatus(await s.asa('POST', 'groups/target/users', { body: { name: 'alice' } }), 204);
});

const READS = [
  'groups', 'groups/owners', 'groups/target/users', 'groups/target/users_not_in_group',
  'users', 'users/alice', 'users/alice/groups', 'current_user',
];

const WRITES = [
  ['POST', 'groups', { name: 'made-by-x', roles: [] }],
  ['PUT', 'groups/target', { roles: ['access_admin'] }],
  ['DELETE', 'groups/target'],
  ['POST', 'groups/target/users', { name: 'rep' }],
  ['DELETE', 'groups/target/users/alice'],
  ['PUT', 'users/alice', { status: 'DISABLED' }],
  ['POST', 'service_users', { name: 'made-by-x' }],
  ['PUT', 'service_users/adm', { status: 'DISABLED' }],
  ['POST', 'service_users/adm/keys'],
];

async function snapshot() {
  const groups = assertList(await s.asa('GET', 'groups?include_deleted=true'));
  const target = assertList(await s.asa('GET', 'groups/target/users'));
  const svc = assertList(await s.asa('GET', 'service_users'));
  const keys = assertList(await s.asa('GET', 'service_users/adm/keys'));
  const alice = (await s.asa('GET', 'users/alice')).json;
  return { groups, target: names(target), svc, keys, alice };
}

for (const role of ['reporting_user', 'access_user']) {
  test(`${role}: every read → 200, every write → 403 and nothing changes`, async () => {
    const p = role === 'reporting_user' ? rep : acc;
    assert.ok(p, 'needs the principal');
    for (const path of READS) {
      const r = await s.asa('GET', path, { token: p.token });
      assertStatus(r, 200, `${role} GET ${path}`);
    }
    const list = assertList(await s.asa('GET', 'groups', { token: p.token }));
    for (const g of list) assertGroup(g);
    const before = await snapshot();
    for (const [method, path, body] of WRITES) {
      const r = await s.asa(method, path, { token: p.token, body });
      assertError(r, 403, 'forbidden_error');
    }
    // Service users and keys are access_admin only (reference §2.2), reads included.
    assertError(await s.asa('GET', 'service_users', { token: p.token }), 403, 'forbidden_error');
    assertError(await s.asa('GET', 'service_users/adm/keys', { token: p.token }), 403, 'forbidden_error');
    assert.deepEqual(await snapshot(), before, `${role}'s refused writes changed nothing`);
  });
}

test('access_admin (not in owners) can write', async () => {
  assert.ok(adm);
  let r = await s.asa('POST', 'groups', { token: adm.token, body: { name: 'made-by-adm', roles: ['reporting_user'] } });
  assertStatus(r, 201);
  assertGroup(r.json, { name: 'made-by-adm', roles: ['reporting_user'] });
  assertStatus(await s.asa('PUT', 'groups/made-by-adm', { token: adm.token, body: { roles: [] } }), 204);
  assertStatus(await s.asa('POST', 'groups/made-by-adm/users', { token: adm.token, body: { name: 'alice' } }), 204);
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups/made-by-adm/users'))), ['alice']);
  assertStatus(await s.asa('DELETE', 'groups/made-by-adm/users/alice', { token: adm.token }), 204);
  assertStatus(await s.asa('DELETE', 'groups/made-by-adm', { token: adm.token }), 204);
  r = await s.asa('POST', 'service_users', { token: adm.token, body: { name: 'svc-by-adm' } });
  assertStatus(r, 201);
  assertList(await s.asa('GET', 'service_users', { token: adm.token }));
});

test('current_user → {id, name, team_name} of the caller', async () => {
  let r = await s.asa('GET', 'current_user', { token: rep.token });
  assertStatus(r, 200);
  assertJsonType(r);
  assert.match(r.json.id, UUID_RE);
  assert.equal(r.json.name, 'rep');
  assert.equal(r.json.team_name, TEAM);
  const svc = assertList(await s.asa('GET', 'service_users')).find((u) => u.name === 'rep');
  assert.equal(r.json.id, svc.id, 'current_user id is the service user id');
  r = await s.asa('GET', 'current_user');
  assertStatus(r, 200);
  assert.match(r.json.id, UUID_RE);
  assert.equal(typeof r.json.name, 'string');
  assert.equal(r.json.team_name, TEAM);
  const admin = assertList(await s.asa('GET', 'service_users')).find((u) => u.name === r.json.name);
  assert.ok(admin, 'the init admin is a service user');
  assert.ok(names(assertList(await s.asa('GET', 'groups/owners/users'))).includes(r.json.name), 'the init admin is in owners');
});

test('roles follow membership at once: removed from its group → 403; everyone\'s roles count', async () => {
  const p = await s.principal('mover', ['reporting_user']);
  assertList(await s.asa('GET', 'groups', { token: p.token }));
  assertStatus(await s.asa('DELETE', `groups/${p.group}/users/mover`), 204);
  assertError(await s.asa('GET', 'groups', { token: p.token }), 403, 'forbidden_error');
  assertStatus(await s.asa('PUT', 'groups/everyone', { body: { roles: ['reporting_user'] } }), 204);
  assertList(await s.asa('GET', 'groups', { token: p.token }), 'everyone\'s roles apply to every user');
  assertError(await s.asa('POST', 'groups', { token: p.token, body: { name: 'x1' } }), 403);
  assertStatus(await s.asa('PUT', 'groups/everyone', { body: { roles: [] } }), 204);
  assertError(await s.asa('GET', 'groups', { token: p.token }), 403, 'forbidden_error');
  assertStatus(await s.asa('PUT', `groups/${p.group}`, { body: { roles: ['access_admin'] } }), 204);
  assertStatus(await s.asa('POST', `groups/${p.group}/users`, { body: { name: 'mover' } }), 204);
  const r = await s.asa('POST', 'groups', { token: p.token, body: { name: 'by-mover' } });
  assertStatus(r, 201, 'a role given to its group applies at once');
  assertGroup(r.json, { name: 'by-mover', roles: [] });
});

test('disabling a service user revokes its token at once; re-enabling is a 200', async () => {
  const p = await s.principal('victim', ['reporting_user']);
  assertList(await s.asa('GET', 'groups', { token: p.token }));
  let r = await s.asa('PUT', 'service_users/victim', { body: { status: 'DISABLED' } });
  assertStatus(r, 200);
  assertUser(r.json, { name: 'victim', type: 'service', status: 'DISABLED', team: TEAM });
  assertError(await s.asa('GET', 'groups', { token: p.token }), 401);
  assertError(await s.asa('GET', 'current_user', { token: p.token }), 401);
  assertError(await tokenReq({ key_id: p.keyId, key_secret: p.secret }), 401);
  r = await s.asa('PUT', 'service_users/victim', { body: { status: 'ACTIVE' } });
  assertStatus(r, 200);
  assertUser(r.json, { name: 'victim', status: 'ACTIVE' });
  const tok = await s.tokenFor(p.keyId, p.secret);
  assertList(await s.asa('GET', 'groups', { token: tok }), 'a re-enabled user can get a token again');
});

test('deleting a key revokes the tokens issued for it at once', async () => {
  const p = await s.principal('keyloser', ['reporting_user']);
  let r = await s.asa('POST', 'service_users/keyloser/keys');
  assert.ok(r.status === 200 || r.status === 201, `second key: ${r.status} ${r.text}`);
  const key2 = r.json;
  const tok2 = await s.tokenFor(key2.id, key2.secret);
  assertList(await s.asa('GET', 'groups', { token: p.token }));
  r = await s.asa('DELETE', `service_users/keyloser/keys/${p.keyId}`);
  assertStatus(r, 204);
  assert.equal(r.text, '');
  assertError(await s.asa('GET', 'groups', { token: p.token }), 401);
  assertError(await tokenReq({ key_id: p.keyId, key_secret: p.secret }), 401);
  assertList(await s.asa('GET', 'groups', { token: tok2 }), 'the token of the other key still works');
});

test('deleting (status DELETED) a service user revokes its token', async () => {
  const p = await s.principal('doomed', ['reporting_user']);
  const r = await s.asa('PUT', 'service_users/doomed', { body: { status: 'DELETED' } });
  assertStatus(r, 200);
  assertUser(r.json, { name: 'doomed', status: 'DELETED' });
  assertError(await s.asa('GET', 'groups', { token: p.token }), 401);
  assertError(await tokenReq({ key_id: p.keyId, key_secret: p.secret }), 401);
});

test('tokens, keys and data survive a restart (SIGTERM → exit 0 → serve the same store)', async () => {
  const p = await s.principal('survivor', ['reporting_user']);
  const before = assertList(await s.asa('GET', 'groups?include_deleted=true'));
  const revoked = await s.principal('revoked', ['reporting_user']);
  assertStatus(await s.asa('PUT', 'service_users/revoked', { body: { status: 'DISABLED' } }), 200);
  const oldPort = s.port;
  await s.restart();
  assert.ok(s.port > 0 && s.base.endsWith(`:${s.port}`), `serving again (was :${oldPort}, now ${s.base})`);
  assertList(await s.asa('GET', 'groups', { token: p.token }), 'a bearer token outlives a restart');
  assertError(await s.asa('GET', 'groups', { token: revoked.token }), 401, undefined);
  const after = assertList(await s.asa('GET', 'groups?include_deleted=true'));
  assert.deepEqual(after.map((g) => g.name).sort(), [...before.map((g) => g.name), 'grp-revoked'].sort());
  for (const g of before) assert.deepEqual(after.find((x) => x.id === g.id), g, `group ${g.name} is unchanged`);
  await s.tokenFor(s.creds.key_id, s.creds.key_secret);
});
