// Okta dialect, groups: the official SDK (@okta/okta-sdk-nodejs) against the real server;
// every body validated against Roster's OpenAPI document (api/okta.yaml).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.mjs';
import { sdk, all, api, assertOktaError, links, rejectsOkta, validated, unvalidated } from './lib/okta.mjs';

const s = useServer();
let client;
const mkUser = (n) => ({ profile: { firstName: `F${n}`, lastName: `L${n}`, email: `${n}@example.com`, login: `${n}@example.com` } });

test('the SDK creates more groups than one page and iterates them all through Link rel="next"', async () => {
  client = sdk(s);
  const made = [];
  for (let i = 0; i < 7; i++) {
    const g = await client.groupApi.createGroup({ group: { profile: { name: `Page ${i}`, description: `d${i}` } } });
    assert.match(g.id, /^00g[0-9A-Za-z]{17}$/);
    assert.equal(g.type, 'OKTA_GROUP');
    assert.deepEqual(g.objectClass, ['okta:user_group']);
    made.push(g.id);
  }
  const seen = await all(client.groupApi.listGroups({ limit: 2 }));
  const ids = seen.map((g) => g.id);
  for (const id of made) assert.ok(ids.includes(id), `${id} listed`);
  assert.equal(new Set(ids).size, ids.length, 'no duplicates across pages');
  assert.ok(seen.some((g) => g.type === 'BUILT_IN' && g.profile.name === 'Everyone'));
  assert.ok(validated.count > 0);
});

test('get, replace (rename), delete; 404 E0000007 as OktaApiError', async () => {
  const g = await client.groupApi.createGroup({ group: { profile: { name: 'Temp', description: 'x' } } });
  const got = await client.groupApi.getGroup({ groupId: g.id });
  assert.equal(got.profile.name, 'Temp');
  assert.ok(got.lastMembershipUpdated instanceof Date);
  const r = await client.groupApi.replaceGroup({ groupId: g.id, group: { profile: { name: 'Temp renamed' } } });
  assert.equal(r.profile.name, 'Temp renamed');
  assert.equal(r.profile.description, undefined, 'a replaced profile drops the description; omitted, not null');
  await client.groupApi.deleteGroup({ groupId: g.id });
  await rejectsOkta(client.groupApi.getGroup({ groupId: g.id }), 404, 'E0000007');
  await rejectsOkta(client.groupApi.deleteGroup({ groupId: g.id }), 404, 'E0000007');
});

test('validation: missing and duplicate names are E0000001', async () => {
  await rejectsOkta(client.groupApi.createGroup({ group: { profile: { description: 'no name' } } }), 400, 'E0000001');
  await client.groupApi.createGroup({ group: { profile: { name: 'Dup' } } });
  await rejectsOkta(client.groupApi.createGroup({ group: { profile: { name: 'Dup' } } }), 400, 'E0000001');
  const r = await api(s, 'POST', '/api/v1/groups', { body: { profile: { name: 'Dup' } } });
  assertOktaError(r, 400, 'E0000001');
  assert.match(r.json.errorCauses[0].errorSummary, /^name: An object with this field already exists/);
  const bad = await api(s, 'POST', '/api/v1/groups', { body: { profile: { name: 'a\u0001b' } } });
  assertOktaError(bad, 400, 'E0000001');
  const astral = await api(s, 'POST', '/api/v1/groups', { body: { profile: { name: 'emoji \u{1F600}' } } });
  assertOktaError(astral, 400, 'E0000001');
});

test('Everyone is BUILT_IN: cannot be renamed, deleted or have members changed (403 E0000006)', async () => {
  const [everyone] = await all(client.groupApi.listGroups({ filter: 'type eq "BUILT_IN"' }));
  assert.equal(everyone.profile.name, 'Everyone');
  await rejectsOkta(client.groupApi.replaceGroup({ groupId: everyone.id, group: { profile: { name: 'X' } } }), 403, 'E0000006');
  await rejectsOkta(client.groupApi.deleteGroup({ groupId: everyone.id }), 403, 'E0000006');
  const u = await client.userApi.createUser({ body: mkUser('everyone.member'), activate: false });
  await rejectsOkta(client.groupApi.assignUserToGroup({ groupId: everyone.id, userId: u.id }), 403, 'E0000006');
  const members = await all(client.groupApi.listGroupUsers({ groupId: everyone.id }));
  assert.ok(members.some((m) => m.id === u.id), 'every user is an implicit member of Everyone');
});

test('members: assign, list with a small limit across pages, unassign; idempotent; usersCount', async () => {
  const g = await client.groupApi.createGroup({ group: { profile: { name: 'Members' } } });
  const users = [];
  for (let i = 0; i < 5; i++) users.push(await client.userApi.createUser({ body: mkUser(`member${i}`), activate: false }));
  for (const u of users) await client.groupApi.assignUserToGroup({ groupId: g.id, userId: u.id });
  await client.groupApi.assignUserToGroup({ groupId: g.id, userId: users[0].id }); // again: 204
  const listed = await all(client.groupApi.listGroupUsers({ groupId: g.id, limit: 2 }));
  assert.deepEqual(listed.map((u) => u.id).sort(), users.map((u) => u.id).sort());
  const raw = await api(s, 'GET', `/api/v1/groups/${g.id}/users?limit=2`);
  assert.equal(raw.json.length, 2);
  assert.ok(links(raw).next, 'rel="next" while more remain');
  assert.ok(links(raw).self.startsWith(s.base));
  const [withStats] = await all(client.groupApi.listGroups({ filter: `id eq "${g.id}"`, expand: 'stats' }));
  assert.equal(withStats._embedded.stats.usersCount, 5);
  await client.groupApi.unassignUserFromGroup({ groupId: g.id, userId: users[0].id });
  await client.groupApi.unassignUserFromGroup({ groupId: g.id, userId: users[0].id }); // non-member: 204
  const after = await all(client.groupApi.listGroupUsers({ groupId: g.id }));
  assert.equal(after.length, 4);
  await rejectsOkta(client.groupApi.assignUserToGroup({ groupId: g.id, userId: '00uMISSINGMISSINGMIS' }), 404, 'E0000007');
  const one = await api(s, 'GET', `/api/v1/groups/${g.id}?expand=stats`);
  assert.equal(one.json._embedded.stats.usersCount, 4);
  assert.equal(one.json._embedded.stats.hasAdminPrivlege, false);
});

test('q is a prefix match with exact matches first; no paging', async () => {
  for (const n of ['West Coast users', 'West', 'Westerners', 'East West']) {
    await client.groupApi.createGroup({ group: { profile: { name: n } } });
  }
  const got = await all(client.groupApi.listGroups({ q: 'west' }));
  assert.deepEqual(got.map((g) => g.profile.name), ['West', 'West Coast users', 'Westerners']);
  const r = await api(s, 'GET', '/api/v1/groups?q=West&limit=1');
  assert.equal(r.json.length, 1);
  assert.equal(r.json[0].profile.name, 'West');
  assert.equal(links(r).next, undefined);
});

test('search: sw, eq, co (case-insensitive values), sortBy/sortOrder; filter: type, lastUpdated, id', async () => {
  const names = (gs) => gs.map((g) => g.profile.name);
  assert.deepEqual(names(await all(client.groupApi.listGroups({ search: 'profile.name sw "west c"' }))), ['West Coast users']);
  assert.deepEqual(names(await all(client.groupApi.listGroups({ search: 'profile.name eq "WESTERNERS"' }))), ['Westerners']);
  const co = names(await all(client.groupApi.listGroups({ search: 'profile.name co "ST CO"' })));
  assert.deepEqual(co, ['West Coast users']);
  const co2 = names(await all(client.groupApi.listGroups({ search: 'profile.name co "est"', sortBy: 'profile.name', sortOrder: 'desc', limit: 2 })));
  assert.deepEqual(co2, ['Westerners', 'West Coast users', 'West', 'East West']);
  const asc = names(await all(client.groupApi.listGroups({ search: 'profile.name sw "page"', sortBy: 'profile.name', sortOrder: 'asc' })));
  assert.deepEqual(asc, [...asc].sort());
  const desc = await all(client.groupApi.listGroups({ search: 'profile.description sw "d"', sortBy: 'profile.description', sortOrder: 'desc' }));
  assert.deepEqual(desc.map((g) => g.profile.description), ['d6', 'd5', 'd4', 'd3', 'd2', 'd1', 'd0']);

  const okta = await all(client.groupApi.listGroups({ filter: 'type eq "OKTA_GROUP"' }));
  assert.ok(okta.length > 5 && okta.every((g) => g.type === 'OKTA_GROUP'));
  assert.deepEqual(await all(client.groupApi.listGroups({ filter: 'type eq "APP_GROUP"' })), []);
  const future = await all(client.groupApi.listGroups({ filter: 'lastUpdated gt "2999-01-01T00:00:00.000Z"' }));
  assert.deepEqual(future, []);
  const past = await all(client.groupApi.listGroups({ filter: 'lastUpdated gt "2015-11-11T00:00:00.000Z" and type eq "OKTA_GROUP"' }));
  assert.equal(past.length, okta.length);
  const byId = await all(client.groupApi.listGroups({ filter: `id eq "${okta[0].id}"` }));
  assert.deepEqual(byId.map((g) => g.id), [okta[0].id]);
});

test('bad expressions: E0000031, E0000033 (search with filter), E0000030 (bad date)', async () => {
  await rejectsOkta(all(client.groupApi.listGroups({ search: 'profile.name sw' })), 400, 'E0000031');
  await rejectsOkta(all(client.groupApi.listGroups({ search: 'type eq "X"', filter: 'type eq "X"' })), 400, 'E0000033');
  await rejectsOkta(all(client.groupApi.listGroups({ filter: 'lastUpdated gt "yesterday"' })), 400, 'E0000030');
  const r = await api(s, 'GET', '/api/v1/groups?filter=profile.name%20co%20%22x%22');
  assert.equal(r.status, 400);
  assert.ok(['E0000031', 'E0000094'].includes(r.json.errorCode), r.text);
});

test('every JSON body received was checked against an OpenAPI schema', () => {
  assert.deepEqual(unvalidated, [], `bodies no schema checked: ${unvalidated.join(', ')}`);
});
