// Every curl example of seed 003 (ASA Groups API docs) and the operations of seed 000, replayed
// byte for byte as `curl --data` sends them (Content-Type application/x-www-form-urlencoded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.mjs';
import { replayCurl } from './lib/curl.mjs';
import {
  assertStatus, assertGroup, assertUser, assertList, assertError, assertJsonType, assertNoZeroTime,
  names, isRfc3339, ROLES,
} from './lib/asa.mjs';

const TEAM = 'william-faulkner';
const s = useServer({ team: TEAM });

// The curl commands exactly as seed 003 prints them.
const CURL = {
  listGroups: 'curl -v -X GET \\\n-H "Authorization: Bearer ${jwt}" \\\nhttps://app.scaleft.com/v1/teams/${team_name}/groups\n',
  createGroup: 'curl -v -X POST \\\n-H "Authorization: Bearer ${jwt}" \\\n--data \'{\n\t"deleted_at": null,\n\t"federated_from_team": null,\n\t"federation_approved_at": null,\n\t"id": "",\n\t"name": "compsons",\n\t"roles": [\n\t\t"access_user",\n\t\t"reporting_user",\n\t\t"access_admin"\n\t]\n}\' \\\nhttps://app.scaleft.com/v1/teams/${team_name}/groups\n',
  getGroup: 'curl -v -X GET \\\n-H "Authorization: Bearer ${jwt}" \\\nhttps://app.scaleft.com/v1/teams/${team_name}/groups/${group_name}\n',
  deleteGroup: 'curl -v -X DELETE \\\n-H "Authorization: Bearer ${jwt}" \\\nhttps://app.scaleft.com/v1/teams/${team_name}/groups/${group_name}\n',
  updateGroup: 'curl -v -X PUT \\\n-H "Authorization: Bearer ${jwt}" \\\n--data \'{\n\t"roles": [\n\t\t"access_user",\n\t\t"reporting_user",\n\t\t"access_admin"\n\t]\n}\' \\\nhttps://app.scaleft.com/v1/teams/${team_name}/groups/${group_name}\n',
  listGroupUsers: 'curl -v -X GET \\\n-H "Authorization: Bearer ${jwt}" \\\nhttps://app.scaleft.com/v1/teams/${team_name}/groups/${group_name}/users\n',
  addGroupUser: 'curl -v -X POST \\\n-H "Authorization: Bearer ${jwt}" \\\n--data \'{\n\t"deleted_at": null,\n\t"details": {\n\t\t"email": "jason.compson@example.com",\n\t\t"first_name": "Jason",\n\t\t"full_name": "Jason Compson IV",\n\t\t"last_name": "Compson"\n\t},\n\t"id": "281aa06b-02df-4b2b-9d4a-35f6a81e844f",\n\t"name": "Jason.Compson.IV",\n\t"oauth_client_application_id": null,\n\t"role_grants": null,\n\t"status": "ACTIVE",\n\t"user_type": "human"\n}\' \\\nhttps://app.scaleft.com/v1/teams/${team_name}/groups/${group_name}/users\n',
  removeGroupUser: 'curl -v -X DELETE \\\n-H "Authorization: Bearer ${jwt}" \\\nhttps://app.scaleft.com/v1/teams/${team_name}/groups/${group_name}/users/${user_name}\n',
  usersNotInGroup: 'curl -v -X GET \\\n-H "Authorization: Bearer ${jwt}" \\\nhttps://app.scaleft.com/v1/teams/${team_name}/groups/${group_name}/users_not_in_group\n',
  // Seed 000's PATCH ("Updates the access privileges", second form) and its add-user body,
  // which carries team_name and no oauth_client_application_id/role_grants.
  patchGroup: 'curl -v -X PATCH \\\n-H "Authorization: Bearer ${jwt}" \\\n--data \'{\n\t"roles": [\n\t\t"access_user",\n\t\t"reporting_user",\n\t\t"access_admin"\n\t]\n}\' \\\nhttps://app.scaleft.com/v1/teams/${team_name}/groups/${group_name}\n',
  addGroupUser000: 'curl -v -X POST \\\n-H "Authorization: Bearer ${jwt}" \\\n--data \'{\n\t"deleted_at": null,\n\t"details": {\n\t\t"email": "jason.compson@example.com",\n\t\t"first_name": "Jason",\n\t\t"full_name": "Jason Compson IV",\n\t\t"last_name": "Compson"\n\t},\n\t"id": "6768ef2e-9a17-42ce-bf9a-a3a7242bd159",\n\t"name": "Jason.Compson.IV",\n\t"status": "ACTIVE",\n\t"team_name": "william-faulkner",\n\t"user_type": "human"\n}\' \\\nhttps://app.scaleft.com/v1/teams/${team_name}/groups/${group_name}/users\n',
};

const curl = (name, extra = {}) => replayCurl(CURL[name], s.base, {
  jwt: s.token, team_name: TEAM, group_name: 'compsons', user_name: 'Jason.Compson.IV', ...extra,
});

let created; // the compsons group as created
let jason;
let benjy;

test('setup: the seed users exist (roster user add)', async () => {
  jason = await s.mustUserAdd({ name: 'Jason.Compson.IV', email: 'jason.compson@example.com', first: 'Jason', last: 'Compson' });
  assertUser(jason, { name: 'Jason.Compson.IV', team: TEAM, type: 'human', status: 'ACTIVE', first: 'Jason', last: 'Compson', email: 'jason.compson@example.com' });
  benjy = await s.mustUserAdd({ name: 'Benjy.Compson', email: 'benjy.compson@example.com', first: 'Benjy', last: 'Compson' });
  assertUser(benjy, { name: 'Benjy.Compson', team: TEAM, type: 'human', status: 'ACTIVE' });
  const r = await s.asa('PUT', 'users/Benjy.Compson', { body: { status: 'DISABLED' } });
  assertStatus(r, 200, 'disable Benjy');
  assertUser(r.json, { name: 'Benjy.Compson', status: 'DISABLED' });
});

test('seed 003: list the groups of a new team (everyone, owners)', async () => {
  const r = await curl('listGroups');
  const list = assertList(r);
  assert.deepEqual(names(list), ['everyone', 'owners'], 'a new team has exactly everyone and owners, sorted by name');
  for (const g of list) assertGroup(g);
  assert.deepEqual(list.find((g) => g.name === 'everyone').roles, [], 'everyone has no roles by default');
  assert.deepEqual([...list.find((g) => g.name === 'owners').roles].sort(), [...ROLES].sort(), 'owners has all three roles');
  assert.ok(typeof r.headers['x-request-id'] === 'string' && r.headers['x-request-id'].length > 0, 'X-Request-Id');
  assert.equal(r.headers.link, undefined, 'a single page has no Link header');
});

test('seed 003: create a group (curl --data, form content type) → 201 + group', async () => {
  const r = await curl('createGroup');
  assertStatus(r, 201);
  assertJsonType(r);
  assertGroup(r.json, { name: 'compsons', roles: ['access_user', 'reporting_user', 'access_admin'] });
  assert.notEqual(r.json.id, '', 'the "id": "" of the request is ignored');
  created = r.json;
  const again = await curl('createGroup');
  assertError(again, 409, 'resource_already_exists');
});

test('seed 003: fetch a single group → 200, same object as created', async () => {
  const r = await curl('getGroup');
  assertStatus(r, 200);
  assertJsonType(r);
  assertGroup(r.json, { name: 'compsons' });
  assert.deepEqual(r.json, created);
  const list = assertList(await curl('listGroups'));
  assert.deepEqual(names(list), ['compsons', 'everyone', 'owners']);
  assert.deepEqual(list.find((g) => g.name === 'compsons'), created, 'list and fetch render the same object');
});

test('seed 003: update a group (PUT roles) → 204, roles replaced', async () => {
  let r = await s.asa('PUT', 'groups/compsons', { body: { roles: ['reporting_user'] } });
  assertStatus(r, 204, 'PUT roles (JSON)');
  assert.equal(r.text, '', '204 has no body');
  r = await curl('getGroup');
  assertGroup(r.json, { name: 'compsons', roles: ['reporting_user'] });
  assert.equal(r.json.id, created.id);

  r = await curl('updateGroup');
  assertStatus(r, 204, 'PUT roles (curl --data)');
  assert.equal(r.text, '');
  r = await curl('getGroup');
  assertGroup(r.json, { name: 'compsons', roles: ['access_user', 'reporting_user', 'access_admin'] });

  r = await s.asa('PUT', 'groups/compsons', { body: { roles: [] } });
  assertStatus(r, 204, 'PUT roles []');
  r = await curl('getGroup');
  assert.deepEqual(r.json.roles, [], 'no roles renders as [] (never null)');
});

test('seed 000: update a group with PATCH → 204, roles replaced', async () => {
  let r = await curl('patchGroup');
  assertStatus(r, 204);
  assert.equal(r.text, '');
  r = await curl('getGroup');
  assertGroup(r.json, { name: 'compsons', roles: ROLES });
  r = await s.asa('PATCH', 'groups/compsons', { body: { roles: ['access_user'] } });
  assertStatus(r, 204, 'PATCH roles (JSON)');
  r = await curl('getGroup');
  assertGroup(r.json, { name: 'compsons', roles: ['access_user'] });
});

test('seed 003: list the users of a group (empty, then with a DISABLED member)', async () => {
  let r = await curl('listGroupUsers');
  assert.deepEqual(assertList(r), [], 'a new group has no members');
  r = await s.asa('POST', 'groups/compsons/users', { body: { name: 'Benjy.Compson' } });
  assertStatus(r, 204, 'add {"name"}');
  assert.equal(r.text, '');
  r = await curl('listGroupUsers');
  const list = assertList(r);
  assert.equal(list.length, 1);
  assertUser(list[0], { name: 'Benjy.Compson', team: TEAM, type: 'human', status: 'DISABLED', first: 'Benjy', last: 'Compson', email: 'benjy.compson@example.com' });
  assert.equal(list[0].id, benjy.id);
});

test('seed 003: add a user with the full user object of the docs (its id is not ours) → 204', async () => {
  let r = await curl('addGroupUser');
  assertStatus(r, 204);
  assert.equal(r.text, '');
  r = await curl('listGroupUsers');
  const list = assertList(r);
  assert.deepEqual(names(list), ['Benjy.Compson', 'Jason.Compson.IV'], 'members sorted by name');
  const j = list.find((u) => u.name === 'Jason.Compson.IV');
  assertUser(j, { team: TEAM, type: 'human', status: 'ACTIVE' });
  assert.equal(j.id, jason.id, 'the member is our Jason (keyed by name), not the docs id');
  r = await curl('addGroupUser');
  assertStatus(r, 204, 're-adding a member is an idempotent success');
  assert.equal(assertList(await curl('listGroupUsers')).length, 2);
});

test('seed 003: users_not_in_group lists the team users outside the group', async () => {
  let r = await curl('usersNotInGroup');
  assert.deepEqual(assertList(r), [], 'both human users are members; service users are not listed by default');
  r = await curl('removeGroupUser');
  assertStatus(r, 204);
  assert.equal(r.text, '');
  r = await curl('usersNotInGroup');
  const list = assertList(r);
  assert.deepEqual(names(list), ['Jason.Compson.IV']);
  assertUser(list[0], { name: 'Jason.Compson.IV', team: TEAM, type: 'human', status: 'ACTIVE', first: 'Jason', last: 'Compson', email: 'jason.compson@example.com' });
});

test('seed 003: remove a user from a group → 204; removing a non-member is idempotent', async () => {
  let r = await curl('removeGroupUser');
  assertStatus(r, 204, 'removing a non-member');
  r = await curl('listGroupUsers');
  assert.deepEqual(names(assertList(r)), ['Benjy.Compson']);
});

test('seed 000: add a user with the 000 user object (team_name, other id) → 204; remove → 204', async () => {
  let r = await curl('addGroupUser000');
  assertStatus(r, 204);
  r = await curl('listGroupUsers');
  assert.deepEqual(names(assertList(r)), ['Benjy.Compson', 'Jason.Compson.IV']);
  r = await curl('removeGroupUser');
  assertStatus(r, 204);
  r = await curl('removeGroupUser', { user_name: 'Benjy.Compson' });
  assertStatus(r, 204);
  assert.deepEqual(assertList(await curl('listGroupUsers')), []);
});

test('seed 003: delete a group → 204; soft delete visible with include_deleted=true', async () => {
  await s.asa('POST', 'groups/compsons/users', { body: { name: 'Jason.Compson.IV' } });
  let r = await curl('deleteGroup');
  assertStatus(r, 204);
  assert.equal(r.text, '');

  r = await curl('getGroup');
  if (r.status === 200) {
    assertGroup(r.json, { name: 'compsons', deleted: true });
  } else {
    assertError(r, 404, 'resource_does_not_exist');
  }
  assert.deepEqual(names(assertList(await curl('listGroups'))), ['everyone', 'owners'], 'a deleted group is not listed');

  r = await s.asa('GET', 'groups?include_deleted=true');
  const all = assertList(r);
  assert.deepEqual(names(all), ['compsons', 'everyone', 'owners']);
  const gone = all.find((g) => g.name === 'compsons');
  assertGroup(gone, { deleted: true });
  assert.equal(gone.id, created.id);
  assert.ok(Math.abs(Date.parse(gone.deleted_at) - Date.now()) < 5 * 60 * 1000, `deleted_at is now: ${gone.deleted_at}`);
  for (const g of all.filter((x) => x.name !== 'compsons')) assertGroup(g);

  r = await s.asa('GET', 'groups?only_include_deleted=true');
  if (r.status === 200) assert.deepEqual(names(r.json.list), ['compsons'], 'only_include_deleted lists only deleted groups');

  r = await s.asa('GET', 'users/Jason.Compson.IV/groups');
  assert.ok(!names(assertList(r)).includes('compsons'), 'a deleted group drops its memberships');

  r = await curl('deleteGroup');
  assertError(r, 404, 'resource_does_not_exist');
});

test('seed 003: a deleted group name can be created again (new id)', async () => {
  const r = await curl('createGroup');
  assertStatus(r, 201);
  assertGroup(r.json, { name: 'compsons', roles: ROLES });
  assert.notEqual(r.json.id, created.id, 'a new group, not the deleted one revived');
  assert.deepEqual(assertList(await curl('listGroupUsers')), [], 'the new group has no members');
  const list = assertList(await curl('listGroups'));
  assert.deepEqual(names(list), ['compsons', 'everyone', 'owners']);
  for (const g of list) assertNoZeroTime(g);
  const withDeleted = assertList(await s.asa('GET', 'groups?include_deleted=true'));
  assert.equal(withDeleted.filter((g) => g.name === 'compsons').length, 2);
  assert.ok(withDeleted.some((g) => g.id === created.id && isRfc3339(g.deleted_at)));
});
