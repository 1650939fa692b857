// Okta dialect, users and apps: lifecycle, passwords never returned, login lookups, two-step
// delete, a user's groups, apps and app↔group assignment (reflected by /groups/{id}/apps and
// appsCount), through the official SDK with every body validated against the OpenAPI schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.mjs';
import { sdk, all, api, assertOktaError, rejectsOkta, unvalidated } from './lib/okta.mjs';

const s = useServer();
let client;
const body = (n, extra = {}) => ({ profile: { firstName: `First${n}`, lastName: `Last${n}`, email: `${n}@example.com`, login: `${n}@example.com`, ...extra } });

test('create: STAGED without activation, ACTIVE with a password, PROVISIONED without one', async () => {
  client = sdk(s);
  const staged = await client.userApi.createUser({ body: body('staged'), activate: false });
  assert.equal(staged.status, 'STAGED');
  assert.match(staged.id, /^00u[0-9A-Za-z]{17}$/);
  const active = await client.userApi.createUser({ body: { ...body('isaac.brock'), credentials: { password: { value: 'tlpWENT2m' } } } });
  assert.equal(active.status, 'ACTIVE');
  const raw = await api(s, 'GET', `/api/v1/users/${active.id}`);
  assert.deepEqual(raw.json.credentials.password, {}, 'a set password comes back as {}');
  assert.ok(!raw.text.includes('tlpWENT2m'));
  assert.ok(!raw.text.includes('argon2'));
  const prov = await client.userApi.createUser({ body: body('prov') });
  assert.equal(prov.status, 'PROVISIONED');
  const weak = await api(s, 'POST', '/api/v1/users', { body: { ...body('weak'), credentials: { password: { value: 'short' } } } });
  assertOktaError(weak, 400, 'E0000001');
});

test('duplicate login (any case) is E0000001 login; get by id and by login', async () => {
  const r = await api(s, 'POST', '/api/v1/users?activate=false', { body: body('ISAAC.BROCK') });
  assertOktaError(r, 400, 'E0000001');
  assert.equal(r.json.errorSummary, 'Api validation failed: login');
  const byLogin = await client.userApi.getUser({ userId: 'Isaac.Brock@example.com' });
  assert.equal(byLogin.profile.login, 'isaac.brock@example.com');
  await rejectsOkta(client.userApi.getUser({ userId: '00uMISSINGMISSINGMIS' }), 404, 'E0000007');
});

test('lifecycle: activate, suspend, unsuspend, deactivate, errors E0000016/E0000038, two-step delete', async () => {
  const u = await client.userApi.createUser({ body: { ...body('life'), credentials: { password: { value: 'Passw0rd!x' } } }, activate: false });
  assert.equal(u.status, 'STAGED');
  await client.userApi.activateUser({ userId: u.id, sendEmail: false });
  assert.equal((await client.userApi.getUser({ userId: u.id })).status, 'ACTIVE');
  await rejectsOkta(client.userApi.activateUser({ userId: u.id }), 403, 'E0000016');
  await client.userApi.suspendUser({ userId: u.id });
  assert.equal((await client.userApi.getUser({ userId: u.id })).status, 'SUSPENDED');
  await client.userApi.unsuspendUser({ userId: u.id });
  assert.equal((await client.userApi.getUser({ userId: u.id })).status, 'ACTIVE');
  await client.userApi.deactivateUser({ userId: u.id });
  assert.equal((await client.userApi.getUser({ userId: u.id })).status, 'DEPROVISIONED');
  await rejectsOkta(client.userApi.deactivateUser({ userId: u.id }), 403, 'E0000038');
  // a bare list omits DEPROVISIONED users; search includes them
  assert.ok(!(await all(client.userApi.listUsers({}))).some((x) => x.id === u.id));
  assert.ok((await all(client.userApi.listUsers({ search: 'status eq "DEPROVISIONED"' }))).some((x) => x.id === u.id));
  await client.userApi.deleteUser({ userId: u.id });
  await rejectsOkta(client.userApi.getUser({ userId: u.id }), 404, 'E0000007');
  // the login is free again after the hard delete
  const again = await client.userApi.createUser({ body: body('life'), activate: false });
  assert.notEqual(again.id, u.id);
  // DELETE on a live user deactivates first
  await client.userApi.deleteUser({ userId: again.id });
  assert.equal((await client.userApi.getUser({ userId: again.id })).status, 'DEPROVISIONED');
});

test('partial update (POST) keeps other fields; replace (PUT) drops missing ones; custom attributes', async () => {
  const u = await client.userApi.createUser({ body: body('upd', { nickName: 'nick' }), activate: false });
  assert.equal(u.profile.nickName, 'nick');
  const p = await client.userApi.updateUser({ userId: u.id, user: { profile: { firstName: 'Changed' } } });
  assert.equal(p.profile.firstName, 'Changed');
  assert.equal(p.profile.lastName, 'Lastupd');
  assert.equal(p.profile.nickName, 'nick');
  const r = await client.userApi.replaceUser({ userId: u.id, user: { profile: { login: 'upd2@example.com', email: 'upd2@example.com' } } });
  assert.equal(r.profile.login, 'upd2@example.com');
  assert.equal(r.profile.firstName, undefined);
  assert.equal(r.profile.nickName, undefined);
});

test('list: filter, search (sw/co, case-insensitive values), q, paging with the SDK iterator', async () => {
  for (let i = 0; i < 4; i++) await client.userApi.createUser({ body: body(`pager${i}`), activate: false });
  const every = await all(client.userApi.listUsers({ limit: 2 }));
  assert.ok(every.length >= 8);
  assert.equal(new Set(every.map((u) => u.id)).size, every.length);
  const f = await all(client.userApi.listUsers({ filter: 'profile.login eq "pager1@example.com"' }));
  assert.deepEqual(f.map((u) => u.profile.login), ['pager1@example.com']);
  // filter values are case-sensitive (okta.md §5.7), search values are not
  assert.deepEqual(await all(client.userApi.listUsers({ filter: 'profile.login eq "PAGER1@example.com"' })), []);
  assert.deepEqual(await all(client.userApi.listUsers({ filter: 'profile.email eq "Pager1@Example.com"' })), []);
  const fe = await all(client.userApi.listUsers({ filter: 'profile.email eq "pager1@example.com"' }));
  assert.deepEqual(fe.map((u) => u.profile.login), ['pager1@example.com']);
  const se = await all(client.userApi.listUsers({ search: 'profile.login eq "PAGER1@EXAMPLE.COM"' }));
  assert.deepEqual(se.map((u) => u.profile.login), ['pager1@example.com']);
  const sw = await all(client.userApi.listUsers({ search: 'profile.login sw "PAGER"' }));
  assert.equal(sw.length, 4);
  const co = await all(client.userApi.listUsers({ search: 'profile.email co "ger2@exa"' }));
  assert.deepEqual(co.map((u) => u.profile.login), ['pager2@example.com']);
  const sorted = await all(client.userApi.listUsers({ search: 'profile.login sw "pager"', sortBy: 'profile.login', sortOrder: 'desc' }));
  assert.deepEqual(sorted.map((u) => u.profile.login), ['pager3@example.com', 'pager2@example.com', 'pager1@example.com', 'pager0@example.com']);
  const q = await all(client.userApi.listUsers({ q: 'firstpager3' }));
  assert.deepEqual(q.map((u) => u.profile.login), ['pager3@example.com']);
  const st = await all(client.userApi.listUsers({ filter: 'status eq "STAGED"' }));
  assert.ok(st.length >= 4 && st.every((u) => u.status === 'STAGED'));
  await rejectsOkta(all(client.userApi.listUsers({ filter: 'profile.nickName eq "x"' })), 400, 'E0000094');
  await rejectsOkta(all(client.userApi.listUsers({ filter: 'status eq' })), 400, 'E0000031');
});

test('groupIds at creation; /users/{id}/groups lists them and Everyone', async () => {
  const g = await client.groupApi.createGroup({ group: { profile: { name: 'Via groupIds' } } });
  const u = await client.userApi.createUser({ body: { ...body('gids'), groupIds: [g.id] }, activate: false });
  const groups = await all(client.userApi.listUserGroups({ userId: u.id }));
  assert.deepEqual(groups.map((x) => x.profile.name).sort(), ['Everyone', 'Via groupIds']);
  const tooMany = await api(s, 'POST', '/api/v1/users', { body: { ...body('toomany'), groupIds: Array(21).fill(g.id) } });
  assertOktaError(tooMany, 400, 'E0000093');
});

test('apps: create, get, list, update, deactivate, delete; group assignment seen in /groups/{id}/apps and appsCount', async () => {
  const app = await client.applicationApi.createApplication({
    application: { name: 'bookmark', label: 'Sample Bookmark App', signOnMode: 'BOOKMARK', settings: { app: { url: 'https://example.com/bookmark.html' } } },
  });
  assert.match(app.id, /^0oa/);
  assert.equal(app.status, 'ACTIVE');
  const raw = await api(s, 'GET', `/api/v1/apps/${app.id}`);
  assert.equal(raw.json.settings.app.url, 'https://example.com/bookmark.html');
  const listed = await all(client.applicationApi.listApplications({}));
  assert.ok(listed.some((a) => a.id === app.id));
  const upd = await api(s, 'PUT', `/api/v1/apps/${app.id}`, { body: { ...raw.json, label: 'Renamed' } });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.json.label, 'Renamed');

  const g = await client.groupApi.createGroup({ group: { profile: { name: 'App users' } } });
  const ag = await client.applicationApi.assignGroupToApplication({ appId: app.id, groupId: g.id, applicationGroupAssignment: { priority: 0 } });
  assert.equal(ag.id, g.id);
  const gapps = await all(client.groupApi.listAssignedApplicationsForGroup({ groupId: g.id }));
  assert.deepEqual(gapps.map((a) => a.id), [app.id]);
  const assigned = await all(client.applicationApi.listApplicationGroupAssignments({ appId: app.id }));
  assert.deepEqual(assigned.map((a) => a.id), [g.id]);
  const stats = await api(s, 'GET', `/api/v1/groups?filter=id%20eq%20%22${g.id}%22&expand=stats`);
  assert.equal(stats.json[0]._embedded.stats.appsCount, 1);

  // deleting an active app is refused; after deactivation it goes, with its assignments
  const del = await api(s, 'DELETE', `/api/v1/apps/${app.id}`);
  assert.equal(del.status, 403);
  await client.applicationApi.deactivateApplication({ appId: app.id });
  await client.applicationApi.deleteApplication({ appId: app.id });
  await rejectsOkta(client.applicationApi.getApplication({ appId: app.id }), 404, 'E0000007');
  assert.deepEqual(await all(client.groupApi.listAssignedApplicationsForGroup({ groupId: g.id })), []);

  // deleting a group removes its app assignments
  const app2 = await client.applicationApi.createApplication({ application: { name: 'bookmark', label: 'B2', signOnMode: 'BOOKMARK', settings: { app: { url: 'https://e.com' } } } });
  await client.applicationApi.assignGroupToApplication({ appId: app2.id, groupId: g.id });
  await client.groupApi.deleteGroup({ groupId: g.id });
  assert.deepEqual(await all(client.applicationApi.listApplicationGroupAssignments({ appId: app2.id })), []);
});

test('every JSON body received was checked against an OpenAPI schema', () => {
  assert.deepEqual(unvalidated, [], `bodies no schema checked: ${unvalidated.join(', ')}`);
});
