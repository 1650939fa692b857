// ASA users: list/get/PUT status, soft delete and name reservation, users/{u}/groups, and the
// filters of group members and users_not_in_group (reference/asa.md §4.2, §4.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.mjs';
import { assertStatus, assertError, assertList, assertUser, byteCompare, names, isRfc3339 } from './lib/asa.mjs';

const TEAM = 'people';
const s = useServer({ team: TEAM });

const HUMANS = [
  { name: 'alice', email: 'alice@example.com', first: 'Alice', last: 'Liddell' },
  { name: 'bob', email: 'bob@example.com', first: 'Bob', last: 'Builder' },
  { name: 'carol.x', email: 'carol@example.com', first: 'Carol', last: 'Xavier' },
  { name: 'dave-ops', email: 'dave@example.com', first: 'Dave', last: 'Ops' },
  { name: 'Eve_9', email: 'eve@example.com', first: 'Eve', last: 'Nine' },
];
const created = {};
let adminName;
const sorted = (a) => [...a].sort(byteCompare);
const humanNames = () => sorted(HUMANS.map((h) => h.name));

test('setup: `roster user add` prints the ASA user', async () => {
  for (const h of HUMANS) {
    const u = await s.mustUserAdd(h);
    assertUser(u, { name: h.name, team: TEAM, type: 'human', status: 'ACTIVE', first: h.first, last: h.last, email: h.email });
    created[h.name] = u;
  }
  for (const name of ['svc-a', 'svc-b']) assertStatus(await s.asa('POST', 'service_users', { body: { name } }), 201);
  adminName = (await s.asa('GET', 'current_user')).json.name;
  assert.equal(typeof adminName, 'string');
});

test('`roster user add` refuses a name already taken (human or service)', async () => {
  let r = await s.userAdd({ name: 'alice', email: 'alice2@example.com', first: 'A', last: 'B' });
  assert.notEqual(r.code, 0, 'duplicate human name');
  r = await s.userAdd({ name: 'svc-a', email: 'svca@example.com', first: 'A', last: 'B' });
  assert.notEqual(r.code, 0, 'name of a service user');
  r = await s.userAdd({ name: 'bad name', email: 'bad@example.com', first: 'A', last: 'B' });
  assert.notEqual(r.code, 0, 'invalid name');
  assert.deepEqual(names(assertList(await s.asa('GET', 'users'))), humanNames());
});

test('GET users: human users sorted by name; include_service_users=true adds service users', async () => {
  let list = assertList(await s.asa('GET', 'users'));
  assert.deepEqual(names(list), humanNames());
  for (const u of list) {
    const h = HUMANS.find((x) => x.name === u.name);
    assertUser(u, { team: TEAM, type: 'human', status: 'ACTIVE', first: h.first, last: h.last, email: h.email });
    assert.deepEqual(u, created[u.name], 'the list renders what `roster user add` printed');
  }
  list = assertList(await s.asa('GET', 'users?include_service_users=true'));
  assert.deepEqual(names(list), sorted([...HUMANS.map((h) => h.name), 'svc-a', 'svc-b', adminName]));
  for (const u of list) assertUser(u, { team: TEAM });
  for (const n of ['svc-a', 'svc-b', adminName]) assert.equal(list.find((u) => u.name === n).user_type, 'service');
});

test('GET users/{u} → 200 user; names are case-sensitive', async () => {
  const r = await s.asa('GET', 'users/carol.x');
  assertStatus(r, 200);
  assertUser(r.json, { name: 'carol.x', team: TEAM, type: 'human', status: 'ACTIVE', first: 'Carol', last: 'Xavier', email: 'carol@example.com' });
  assert.deepEqual(r.json, created['carol.x']);
  assertError(await s.asa('GET', 'users/Carol.x'), 404, 'resource_does_not_exist');
  assertError(await s.asa('GET', 'users/eve_9'), 404, 'resource_does_not_exist');
});

test('contains / starts_with on GET users', async () => {
  assert.deepEqual(names(assertList(await s.asa('GET', 'users?contains=o'))), ['bob', 'carol.x', 'dave-ops']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'users?starts_with=d'))), ['dave-ops']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'users?contains=zzz'))), []);
  assert.deepEqual(names(assertList(await s.asa('GET', 'users?contains=svc&include_service_users=true'))), ['svc-a', 'svc-b']);
});

test('PUT users/{u} status DISABLED → 200 + user; ACTIVE back → 200', async () => {
  let r = await s.asa('PUT', 'users/bob', { body: { status: 'DISABLED' } });
  assertStatus(r, 200);
  assertUser(r.json, { name: 'bob', team: TEAM, type: 'human', status: 'DISABLED', first: 'Bob', last: 'Builder' });
  assert.equal(r.json.id, created.bob.id);
  assert.equal((await s.asa('GET', 'users/bob')).json.status, 'DISABLED');
  r = await s.asa('PUT', 'users/bob', { body: { status: 'ACTIVE' } });
  assertStatus(r, 200);
  assertUser(r.json, { name: 'bob', status: 'ACTIVE' });
  assert.deepEqual((await s.asa('GET', 'users/bob')).json, created.bob, 'a round trip leaves the user as it was');
});

test('PUT users/{u} with the oktapam body (nulls = unchanged) → 200', async () => {
  const r = await s.asa('PUT', 'users/bob', { body: { id: null, name: 'bob', team_name: null, status: 'DISABLED', user_type: null } });
  assertStatus(r, 200);
  assertUser(r.json, { name: 'bob', team: TEAM, type: 'human', status: 'DISABLED', first: 'Bob', last: 'Builder', email: 'bob@example.com' });
  assert.equal(r.json.id, created.bob.id);
  const full = { ...created.bob, status: 'DISABLED', details: null, deleted_at: null };
  const r2 = await s.asa('PUT', 'users/bob', { body: full });
  assertStatus(r2, 200, 'PUT with the user object as fetched (details null = unchanged)');
  assert.deepEqual(r2.json.details, created.bob.details, 'details: null leaves the profile unchanged');
});

test('status filter: one value, repeated values and comma lists are OR-ed', async () => {
  assert.deepEqual(names(assertList(await s.asa('GET', 'users?status=DISABLED'))), ['bob']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'users?status=ACTIVE'))), humanNames().filter((n) => n !== 'bob'));
  assert.deepEqual(names(assertList(await s.asa('GET', 'users?status=ACTIVE&status=DISABLED'))), humanNames());
  assert.deepEqual(names(assertList(await s.asa('GET', 'users?status=ACTIVE,DISABLED'))), humanNames());
  assert.deepEqual(names(assertList(await s.asa('GET', 'users?status=DELETED'))), []);
  assertError(await s.asa('GET', 'users?status=ASLEEP'), 400, 'invalid_request');
});

test('setup: groups g1, g2 (alice) and mixed (alice, bob, svc-a)', async () => {
  for (const g of ['g1', 'g2', 'g3', 'mixed']) assertStatus(await s.asa('POST', 'groups', { body: { name: g, roles: [] } }), 201);
  for (const [g, u] of [['g1', 'alice'], ['g2', 'alice'], ['mixed', 'alice'], ['mixed', 'bob'], ['mixed', 'svc-a'], ['g3', 'bob']]) {
    assertStatus(await s.asa('POST', `groups/${g}/users`, { body: { name: u } }), 204, `${u} → ${g}`);
  }
});

test('GET users/{u}/groups lists the user\'s groups (everyone included)', async () => {
  let list = assertList(await s.asa('GET', 'users/alice/groups'));
  assert.deepEqual(names(list), ['everyone', 'g1', 'g2', 'mixed']);
  for (const g of list) assert.ok('roles' in g && 'id' in g && g.deleted_at === null, JSON.stringify(g));
  list = assertList(await s.asa('GET', 'users/alice/groups?contains=g'));
  assert.deepEqual(names(list), ['g1', 'g2']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'users/carol.x/groups'))), ['everyone']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'users/alice/groups?descending=true'))), ['mixed', 'g2', 'g1', 'everyone']);
  const p1 = await s.asa('GET', 'users/alice/groups?count=2');
  assert.deepEqual(names(assertList(p1)), ['everyone', 'g1']);
  assert.ok(p1.headers.link?.includes('rel="next"'), 'a Link to the next page');
  assertStatus(await s.asa('DELETE', 'groups/g2/users/alice'), 204);
  assert.deepEqual(names(assertList(await s.asa('GET', 'users/alice/groups'))), ['everyone', 'g1', 'mixed']);
});

test('everyone lists every live user', async () => {
  const all = names(assertList(await s.asa('GET', 'groups/everyone/users')));
  for (const n of [...HUMANS.map((h) => h.name), 'svc-a', 'svc-b', adminName]) assert.ok(all.includes(n), `${n} is in everyone`);
  assert.deepEqual(all, sorted(all));
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups/everyone/users?user_type=human'))), humanNames());
});

test('group users filters: contains, starts_with, status, user_type', async () => {
  const q = async (qs) => names(assertList(await s.asa('GET', `groups/mixed/users${qs}`)));
  assert.deepEqual(await q(''), ['alice', 'bob', 'svc-a']);
  const list = assertList(await s.asa('GET', 'groups/mixed/users'));
  assertUser(list.find((u) => u.name === 'svc-a'), { type: 'service', status: 'ACTIVE', team: TEAM });
  assertUser(list.find((u) => u.name === 'bob'), { type: 'human', status: 'DISABLED', team: TEAM });
  assert.deepEqual(await q('?user_type=service'), ['svc-a']);
  assert.deepEqual(await q('?user_type=human'), ['alice', 'bob']);
  assert.deepEqual(await q('?status=DISABLED'), ['bob']);
  assert.deepEqual(await q('?status=ACTIVE'), ['alice', 'svc-a']);
  assert.deepEqual(await q('?status=ACTIVE&status=DISABLED'), ['alice', 'bob', 'svc-a']);
  assert.deepEqual(await q('?contains=li'), ['alice']);
  assert.deepEqual(await q('?starts_with=b'), ['bob']);
  assert.deepEqual(await q('?starts_with=svc'), ['svc-a']);
  assert.deepEqual(await q('?starts_with=vc'), [], 'starts_with is a prefix match');
  assert.deepEqual(await q('?contains=vc'), ['svc-a']);
  assert.deepEqual(await q('?user_type=human&status=ACTIVE'), ['alice'], 'filters combine with AND');
  assert.deepEqual(await q('?descending=true'), ['svc-a', 'bob', 'alice']);
  assertError(await s.asa('GET', 'groups/mixed/users?user_type=robot'), 400, 'invalid_request');
});

test('users_not_in_group: humans by default, service users with include_service_users=true', async () => {
  const q = async (qs) => names(assertList(await s.asa('GET', `groups/mixed/users_not_in_group${qs}`)));
  assert.deepEqual(await q(''), ['Eve_9', 'carol.x', 'dave-ops']);
  const list = assertList(await s.asa('GET', 'groups/mixed/users_not_in_group'));
  for (const u of list) assertUser(u, { type: 'human', team: TEAM });
  assert.deepEqual(await q('?include_service_users=true'), sorted(['Eve_9', 'carol.x', 'dave-ops', 'svc-b', adminName]));
  assert.deepEqual(await q('?include_service_users=false'), ['Eve_9', 'carol.x', 'dave-ops']);
  assert.deepEqual(await q('?starts_with=d'), ['dave-ops']);
  assert.deepEqual(await q('?contains=.'), ['carol.x']);
  assert.deepEqual(await q('?include_service_users=true&starts_with=svc'), ['svc-b']);
  assert.deepEqual(await q('?status=DISABLED'), []);
  assert.deepEqual(await q('?descending=true'), ['dave-ops', 'carol.x', 'Eve_9']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups/g3/users_not_in_group'))), ['Eve_9', 'alice', 'carol.x', 'dave-ops']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups/g3/users_not_in_group?status=ACTIVE'))), ['Eve_9', 'alice', 'carol.x', 'dave-ops']);
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups/everyone/users_not_in_group'))), [], 'no live user is outside everyone');
});

test('a DISABLED user stays a member of its groups', async () => {
  assert.equal((await s.asa('GET', 'users/bob')).json.status, 'DISABLED');
  assert.ok(names(assertList(await s.asa('GET', 'groups/mixed/users'))).includes('bob'));
  assert.ok(names(assertList(await s.asa('GET', 'users/bob/groups'))).includes('g3'));
});

test('concurrent membership changes are all applied', async () => {
  assertStatus(await s.asa('POST', 'groups', { body: { name: 'crowd', roles: [] } }), 201);
  const svc = Array.from({ length: 30 }, (_, i) => `crowd-${String(i).padStart(2, '0')}`);
  await Promise.all(svc.map(async (name) => assertStatus(await s.asa('POST', 'service_users', { body: { name } }), 201)));
  const adds = await Promise.all(svc.map((name) => s.asa('POST', 'groups/crowd/users', { body: { name } })));
  assert.deepEqual([...new Set(adds.map((r) => r.status))], [204]);
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups/crowd/users'))), svc);
  const mixed = await Promise.all(svc.map((name, i) => (i % 2
    ? s.asa('DELETE', `groups/crowd/users/${name}`)
    : s.asa('POST', 'groups/crowd/users', { body: { name } }))));
  assert.deepEqual([...new Set(mixed.map((r) => r.status))], [204]);
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups/crowd/users'))), svc.filter((_, i) => i % 2 === 0));
  for (const name of svc.slice(0, 4)) {
    const gs = names(assertList(await s.asa('GET', `users/${name}/groups`)));
    assert.equal(gs.includes('crowd'), Number(name.slice(-2)) % 2 === 0, `${name}'s groups agree with crowd's members`);
  }
});

test('PUT status DELETED → 200, deleted_at set; the name is never reused', async () => {
  const r = await s.asa('PUT', 'users/dave-ops', { body: { status: 'DELETED' } });
  assertStatus(r, 200);
  assertUser(r.json, { name: 'dave-ops', team: TEAM, type: 'human', status: 'DELETED' });
  assert.ok(isRfc3339(r.json.deleted_at));
  assert.ok(Math.abs(Date.parse(r.json.deleted_at) - Date.now()) < 5 * 60 * 1000, `deleted_at is now: ${r.json.deleted_at}`);
  const g = await s.asa('GET', 'users/dave-ops');
  if (g.status === 200) assertUser(g.json, { name: 'dave-ops', status: 'DELETED' });
  else assertError(g, 404, 'resource_does_not_exist');
  const del = assertList(await s.asa('GET', 'users?status=DELETED'));
  assert.deepEqual(names(del), ['dave-ops']);
  assertUser(del[0], { status: 'DELETED' });
  assert.ok(!names(assertList(await s.asa('GET', 'users?status=ACTIVE&status=DISABLED'))).includes('dave-ops'));
  assert.ok(!names(assertList(await s.asa('GET', 'groups/everyone/users'))).includes('dave-ops'), 'a deleted user is no longer in everyone');
  const again = await s.userAdd({ name: 'dave-ops', email: 'dave2@example.com', first: 'Dave', last: 'Again' });
  assert.notEqual(again.code, 0, '`roster user add` with a deleted user\'s name fails');
  assertError(await s.asa('POST', 'service_users', { body: { name: 'dave-ops' } }), 409, 'resource_already_exists');
  const still = assertList(await s.asa('GET', 'users?status=DELETED'));
  assert.deepEqual(names(still), ['dave-ops']);
  assert.equal(still[0].id, created['dave-ops'].id, 'the deleted user is kept, not replaced');
});
