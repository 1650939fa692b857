// The built-in group in both dialects: its names (everyone / Everyone, any case) are reserved
// for creates and renames, and its lastMembershipUpdated follows users coming and going, so a
// sync tool filtering on it re-reads the group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.mjs';
import { assertStatus, assertError, assertList } from './lib/asa.mjs';
import { sdk, all, api, assertOktaError, rejectsOkta, unvalidated } from './lib/okta.mjs';

const s = useServer();
let client;
const SPELLINGS = ['Everyone', 'EVERYONE', 'everyOne', 'everyone'];

// Every group whose name is a spelling of the built-in group's, as each dialect lists them.
async function lookalikes() {
  const okta = (await all(client.groupApi.listGroups({ limit: 200 })))
    .filter((g) => g.profile.name.toLowerCase() === 'everyone');
  const asa = assertList(await s.asa('GET', 'groups?count=1000'))
    .filter((g) => g.name.toLowerCase() === 'everyone');
  return { okta, asa };
}

async function assertOneEveryone() {
  const { okta, asa } = await lookalikes();
  assert.deepEqual(okta.map((g) => [g.profile.name, g.type]), [['Everyone', 'BUILT_IN']], 'one Everyone (Okta)');
  assert.deepEqual(asa.map((g) => g.name), ['everyone'], 'one everyone (ASA)');
}

test('Okta: a group named Everyone in any case cannot be created or renamed to (400 E0000001)', async () => {
  client = sdk(s);
  for (const name of SPELLINGS) {
    await rejectsOkta(client.groupApi.createGroup({ group: { profile: { name } } }), 400, 'E0000001');
    const r = await api(s, 'POST', '/api/v1/groups', { body: { profile: { name } } });
    assertOktaError(r, 400, 'E0000001');
    assert.match(r.json.errorCauses[0].errorSummary, /^name: An object with this field already exists/,
      `${name}: the same answer as a duplicate name`);
  }
  const g = await client.groupApi.createGroup({ group: { profile: { name: 'Everyone else', description: 'd' } } });
  for (const name of SPELLINGS) {
    await rejectsOkta(client.groupApi.replaceGroup({ groupId: g.id, group: { profile: { name } } }), 400, 'E0000001');
  }
  const got = await client.groupApi.getGroup({ groupId: g.id });
  assert.equal(got.profile.name, 'Everyone else', 'the refused renames changed nothing');
  assert.equal(got.profile.description, 'd');
  await assertOneEveryone();
});

test('ASA: everyone → 409 (it exists); Everyone, EVERYONE → 400; PUT/PATCH cannot rename a group', async () => {
  assertError(await s.asa('POST', 'groups', { body: { name: 'everyone', roles: [] } }), 409, 'resource_already_exists');
  for (const name of SPELLINGS.filter((n) => n !== 'everyone')) {
    const r = await s.asa('POST', 'groups', { body: { name, roles: ['access_user'] } });
    assertError(r, 400, 'invalid_request');
    assert.match(r.json.message, /reserved/);
    assertError(await s.asa('GET', `groups/${name}`), 404, 'resource_does_not_exist');
  }
  assertStatus(await s.asa('POST', 'groups', { body: { name: 'ops', roles: [] } }), 201);
  for (const method of ['PUT', 'PATCH']) {
    for (const name of SPELLINGS) {
      assertError(await s.asa(method, 'groups/ops', { body: { name, roles: ['access_admin'] } }), 400, 'invalid_request');
    }
    // oktapam and the docs send the name back, or nulls: unchanged
    assertStatus(await s.asa(method, 'groups/ops', { body: { name: 'ops', roles: ['reporting_user'] } }), 204);
    assertStatus(await s.asa(method, 'groups/ops', { body: { id: null, name: null, roles: ['reporting_user'] } }), 204);
  }
  const ops = await s.asa('GET', 'groups/ops');
  assertStatus(ops, 200);
  assert.deepEqual(ops.json.roles, ['reporting_user'], 'the refused updates changed nothing');
  await assertOneEveryone();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// An instant strictly before anything the server does next (times are milliseconds).
async function mark() {
  const t = new Date();
  await sleep(5);
  return t;
}

async function everyone() {
  const [e] = await all(client.groupApi.listGroups({ filter: 'type eq "BUILT_IN"' }));
  assert.equal(e.profile.name, 'Everyone');
  return e;
}

async function filtered(expr, key = 'filter') {
  return (await all(client.groupApi.listGroups({ [key]: expr, limit: 200 }))).map((g) => g.profile.name);
}

test('Everyone\'s lastMembershipUpdated moves when a user is created and when one is deleted', async () => {
  const quiet = await client.groupApi.createGroup({ group: { profile: { name: 'Quiet' } } });
  const e0 = await everyone();
  let before = await mark();
  assert.ok(e0.lastMembershipUpdated < before);
  assert.ok(!(await filtered(`lastMembershipUpdated gt "${before.toISOString()}"`)).includes('Everyone'));

  const u = await client.userApi.createUser({ body: { profile: { firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com', login: 'ann@example.com' } } });
  const e1 = await everyone();
  assert.ok(e1.lastMembershipUpdated >= before, `created: ${e1.lastMembershipUpdated.toISOString()} ≥ ${before.toISOString()}`);
  assert.equal(e1.lastMembershipUpdated.getTime(), u.created.getTime(), 'the user\'s creation');
  assert.equal((await client.groupApi.getGroup({ groupId: e1.id })).lastMembershipUpdated.getTime(), e1.lastMembershipUpdated.getTime());
  for (const key of ['filter', 'search']) {
    assert.deepEqual(await filtered(`lastMembershipUpdated gt "${before.toISOString()}"`, key), ['Everyone'], `${key} gt before`);
    assert.ok(!(await filtered(`lastMembershipUpdated lt "${before.toISOString()}"`, key)).includes('Everyone'), `${key} lt before`);
    assert.ok((await filtered(`lastMembershipUpdated lt "${before.toISOString()}"`, key)).includes('Quiet'));
  }
  assert.deepEqual(await filtered(`type eq "BUILT_IN" and lastMembershipUpdated gt "${before.toISOString()}"`), ['Everyone']);

  // deactivation keeps the user a member (until deleted): no change
  before = await mark();
  await client.userApi.deactivateUser({ userId: u.id });
  assert.equal((await everyone()).lastMembershipUpdated.getTime(), e1.lastMembershipUpdated.getTime());
  await client.userApi.deleteUser({ userId: u.id });
  const e2 = await everyone();
  assert.ok(e2.lastMembershipUpdated >= before, `deleted: ${e2.lastMembershipUpdated.toISOString()} ≥ ${before.toISOString()}`);
  assert.deepEqual(await filtered(`lastMembershipUpdated gt "${before.toISOString()}"`), ['Everyone']);
  const q = await client.groupApi.getGroup({ groupId: quiet.id });
  assert.equal(q.lastMembershipUpdated.getTime(), quiet.lastMembershipUpdated.getTime(), 'other groups keep theirs');
});

test('the same through the ASA dialect: a user added by the CLI, then DELETED', async () => {
  let before = await mark();
  await s.mustUserAdd({ name: 'Jason.Compson.IV' });
  assert.ok((await everyone()).lastMembershipUpdated >= before);
  before = await mark();
  assertStatus(await s.asa('PUT', 'users/Jason.Compson.IV', { body: { status: 'DELETED' } }), 200);
  assert.ok((await everyone()).lastMembershipUpdated >= before);
  assert.deepEqual(await filtered(`lastMembershipUpdated gt "${before.toISOString()}"`), ['Everyone']);
});

test('every JSON body received was checked against an OpenAPI schema', () => {
  assert.deepEqual(unvalidated, []);
});
