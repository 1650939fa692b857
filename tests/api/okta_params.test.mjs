// Okta dialect, documented list parameters that used to be accepted and ignored: sortBy on
// custom profile attributes with a consistent `after` cursor, the apps `filter`, `q` and
// `expand=group` on an app's groups, users `fields`, invalid `after` cursors (E0000029) and
// the groups `limit` up to 10,000. Raw requests and the official SDK; every body validated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.mjs';
import { sdk, all, api, assertOktaError, links, rejectsOkta, unvalidated } from './lib/okta.mjs';

const s = useServer();
let sdkClient;
const okta = () => (sdkClient ??= sdk(s)); // made once the server runs
const enc = encodeURIComponent;

// Every page of a raw list, following rel="next"; returns the items and the page count.
async function pages(path) {
  const items = [];
  let url = s.base + path;
  let n = 0;
  while (url) {
    const r = await api(s, 'GET', url);
    assert.equal(r.status, 200, r.text);
    items.push(...r.json);
    n++;
    assert.ok(n < 1000, 'paging ends');
    url = links(r).next;
  }
  return { items, pages: n };
}

// SQLite NOCASE: ASCII letters folded, then bytes.
const fold = (v) => v.replace(/[A-Z]/g, (c) => c.toLowerCase());
const cmpNocase = (a, b) => (fold(a) < fold(b) ? -1 : fold(a) > fold(b) ? 1 : 0);

// Expected order of sortBy on a custom attribute: rows without it first, then by value
// (without case), ties in creation order; desc reverses the whole order.
function expectedOrder(made, key, desc) {
  const idx = new Map(made.map((x, i) => [x.id, i]));
  const val = (x) => x.profile[key];
  const out = [...made].sort((a, b) => {
    const va = val(a), vb = val(b);
    if ((va === undefined) !== (vb === undefined)) return va === undefined ? -1 : 1;
    const c = va === undefined ? 0 : cmpNocase(va, vb);
    return c || idx.get(a.id) - idx.get(b.id);
  });
  return (desc ? out.reverse() : out).map((x) => x.id);
}

test('users: sortBy a custom profile attribute pages with after in that order, both ways, no repeats or gaps', async () => {
  const values = ['beta', 'Alpha', undefined, 'gamma', 'alpha', 'Beta', undefined, 'delta', 'beta'];
  const made = [];
  for (const [i, v] of values.entries()) {
    const profile = { firstName: 'Sort', lastName: `L${i}`, email: `sort${i}@example.com`, login: `sort${i}@example.com` };
    if (v !== undefined) profile.costCenter = v;
    made.push(await okta().userApi.createUser({ body: { profile }, activate: false }));
  }
  const search = enc('profile.login sw "sort"');
  for (const order of ['asc', 'desc']) {
    const want = expectedOrder(made, 'costCenter', order === 'desc');
    const got = await pages(`/api/v1/users?search=${search}&sortBy=profile.costCenter&sortOrder=${order}&limit=2`);
    const ids = got.items.map((u) => u.id);
    assert.equal(new Set(ids).size, ids.length, `${order}: no user twice`);
    assert.deepEqual(ids, want, `${order}: every user once, in costCenter order`);
    assert.equal(got.pages, 5, `${order}: nine users, two a page`);
    // the SDK follows the same Link rel="next"
    const viaSdk = await all(okta().userApi.listUsers({ search: 'profile.login sw "sort"', sortBy: 'profile.costCenter', sortOrder: order, limit: 3 }));
    assert.deepEqual(viaSdk.map((u) => u.id), want);
  }
  // sortOrder without case and a built-in attribute still sort
  const byLast = await all(okta().userApi.listUsers({ search: 'profile.login sw "sort"', sortBy: 'profile.lastName', sortOrder: 'DESC', limit: 4 }));
  assert.deepEqual(byLast.map((u) => u.profile.lastName), [...made].map((u) => u.profile.lastName).sort().reverse());
});

test('groups: sortBy a custom profile attribute pages with after; sortBy names Okta refuses are 400', async () => {
  const values = ['x3', 'X1', undefined, 'x2', 'x1'];
  const made = [];
  for (const [i, v] of values.entries()) {
    const profile = { name: `Sorted group ${i}` };
    if (v !== undefined) profile.region = v;
    const r = await api(s, 'POST', '/api/v1/groups', { body: { profile } });
    assert.equal(r.status, 200, r.text);
    made.push(r.json);
  }
  const search = enc('profile.name sw "Sorted group"');
  for (const order of ['asc', 'desc']) {
    const got = await pages(`/api/v1/groups?search=${search}&sortBy=profile.region&sortOrder=${order}&limit=2`);
    assert.deepEqual(got.items.map((g) => g.id), expectedOrder(made, 'region', order === 'desc'), order);
  }
  for (const bad of ['nosuch', 'profile.a.b', '_links', 'profile.', 'profile.a-b', 'objectClass']) {
    const r = await api(s, 'GET', `/api/v1/groups?search=${search}&sortBy=${enc(bad)}`);
    assertOktaError(r, 400, 'E0000031');
  }
  // sortBy is for search only; sortOrder must be asc or desc
  assertOktaError(await api(s, 'GET', '/api/v1/groups?sortBy=profile.name'), 400, 'E0000031');
  assertOktaError(await api(s, 'GET', `/api/v1/groups?search=${search}&sortBy=profile.name&sortOrder=sideways`), 400, 'E0000001');
  await rejectsOkta(all(okta().groupApi.listGroups({ search: 'profile.name sw "Sorted"', sortBy: 'bogus' })), 400, 'E0000031');
  await rejectsOkta(all(okta().userApi.listUsers({ search: 'profile.login sw "sort"', sortBy: 'profile.login desc' })), 400, 'E0000031');
  await rejectsOkta(all(okta().userApi.listUsers({ search: 'profile.login sw "sort"', sortBy: 'lastLogin' })), 400, 'E0000031');
});

test('apps: filter on status, name, id (and, or); q, limit, after; unsupported filters are 400', async () => {
  const mk = async (label, name, activate) => (await api(s, 'POST', `/api/v1/apps?activate=${activate}`, {
    body: { name, label, signOnMode: 'BOOKMARK', settings: { app: { url: 'https://example.com' } } },
  })).json;
  const on1 = await mk('Filter On One', 'bookmark', true);
  const off1 = await mk('Filter Off One', 'bookmark', false);
  const on2 = await mk('Other On', 'custom_app', true);
  const off2 = await mk('Filter Off Two', 'custom_app', false);
  const ids = (r) => r.json.map((a) => a.id);
  let r = await api(s, 'GET', `/api/v1/apps?filter=${enc('status eq "INACTIVE"')}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(ids(r), [off1.id, off2.id]);
  assert.ok(r.json.every((a) => a.status === 'INACTIVE'));
  r = await api(s, 'GET', `/api/v1/apps?filter=${enc('status eq "ACTIVE"')}`);
  assert.deepEqual(ids(r), [on1.id, on2.id]);
  r = await api(s, 'GET', `/api/v1/apps?filter=${enc('status eq "ACTIVE" and name eq "custom_app"')}`);
  assert.deepEqual(ids(r), [on2.id]);
  r = await api(s, 'GET', `/api/v1/apps?filter=${enc(`id eq "${off1.id}" or id eq "${on2.id}"`)}`);
  assert.deepEqual(ids(r), [off1.id, on2.id]);
  r = await api(s, 'GET', `/api/v1/apps?filter=${enc('status eq "DELETED"')}`);
  assert.deepEqual(ids(r), []);
  // members of the stored body: the signing key id and single logout
  const signed = (await api(s, 'POST', '/api/v1/apps', { body: {
    name: 'custom_app', label: 'Signed', signOnMode: 'BOOKMARK',
    credentials: { signing: { kid: 'kid-1' } }, settings: { app: { url: 'https://e.com' }, slo: { enabled: true } },
  } })).json;
  r = await api(s, 'GET', `/api/v1/apps?filter=${enc('credentials.signing.kid eq "kid-1"')}`);
  assert.deepEqual(ids(r), [signed.id]);
  r = await api(s, 'GET', `/api/v1/apps?filter=${enc('settings.slo.enabled eq true')}`);
  assert.deepEqual(ids(r), [signed.id]);
  r = await api(s, 'GET', `/api/v1/apps?filter=${enc('settings.slo.enabled eq false')}`);
  assert.deepEqual(ids(r), []);
  await api(s, 'POST', `/api/v1/apps/${signed.id}/lifecycle/deactivate`);
  assert.equal((await api(s, 'DELETE', `/api/v1/apps/${signed.id}`)).status, 204);
  // q (name or label prefix) with a filter, one app per page
  const q = await pages(`/api/v1/apps?q=filter&filter=${enc('status eq "INACTIVE"')}&limit=1`);
  assert.deepEqual(q.items.map((a) => a.id), [off1.id, off2.id]);
  assert.equal(q.pages, 2);
  const viaSdk = await all(okta().applicationApi.listApplications({ filter: 'status eq "INACTIVE"' }));
  assert.deepEqual(viaSdk.map((a) => a.id), [off1.id, off2.id]);
  // values are case-sensitive in filter; unsupported attributes, operators and values are 400
  assertOktaError(await api(s, 'GET', `/api/v1/apps?filter=${enc('status eq "inactive"')}`), 400, 'E0000031');
  assertOktaError(await api(s, 'GET', `/api/v1/apps?filter=${enc('label eq "Other On"')}`), 400, 'E0000094');
  assertOktaError(await api(s, 'GET', `/api/v1/apps?filter=${enc('name sw "book"')}`), 400, 'E0000094');
  assertOktaError(await api(s, 'GET', `/api/v1/apps?filter=${enc('not (status eq "ACTIVE")')}`), 400, 'E0000094');
  assertOktaError(await api(s, 'GET', `/api/v1/apps?filter=${enc('status eq')}`), 400, 'E0000031');
  assertOktaError(await api(s, 'GET', `/api/v1/apps?expand=${enc('user/00u000000000000000x1')}`), 400, 'E0000031');
  assert.equal((await api(s, 'GET', '/api/v1/apps?expand=')).status, 200, 'an empty expand asks for nothing');
  await rejectsOkta(all(okta().applicationApi.listApplications({ filter: 'user.id eq "00u1"' })), 400, 'E0000094');
});

test('app groups: q filters assigned groups by name prefix; expand=group embeds the group', async () => {
  const app = (await api(s, 'POST', '/api/v1/apps', { body: { name: 'bookmark', label: 'Assigned', signOnMode: 'BOOKMARK', settings: { app: { url: 'https://e.com' } } } })).json;
  const groups = [];
  for (const name of ['Sales East', 'sales west', 'Support', 'Salesforce admins']) {
    const g = (await api(s, 'POST', '/api/v1/groups', { body: { profile: { name, description: `d ${name}` } } })).json;
    groups.push(g);
    const r = await api(s, 'PUT', `/api/v1/apps/${app.id}/groups/${g.id}`, { body: { priority: groups.length } });
    assert.equal(r.status, 200, r.text);
  }
  let r = await api(s, 'GET', `/api/v1/apps/${app.id}/groups?q=SALES`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.map((a) => a.id), [groups[0].id, groups[1].id, groups[3].id]);
  assert.ok(r.json.every((a) => a._embedded === undefined), 'no _embedded without expand');
  r = await api(s, 'GET', `/api/v1/apps/${app.id}/groups?q=sales%20w`);
  assert.deepEqual(r.json.map((a) => a.id), [groups[1].id]);
  r = await api(s, 'GET', `/api/v1/apps/${app.id}/groups?q=nothing`);
  assert.deepEqual(r.json, []);
  r = await api(s, 'GET', `/api/v1/apps/${app.id}/groups?expand=group`);
  assert.equal(r.json.length, 4);
  for (const [i, a] of r.json.entries()) {
    assert.equal(a._embedded.group.id, groups[i].id);
    assert.equal(a._embedded.group.profile.name, groups[i].profile.name);
    assert.equal(a._embedded.group.profile.description, groups[i].profile.description);
    assert.equal(a._embedded.group.type, 'OKTA_GROUP');
  }
  const one = await api(s, 'GET', `/api/v1/apps/${app.id}/groups/${groups[2].id}?expand=group`);
  assert.equal(one.json._embedded.group.profile.name, 'Support');
  const viaSdk = await all(okta().applicationApi.listApplicationGroupAssignments({ appId: app.id, q: 'Sales', expand: 'group' }));
  assert.deepEqual(viaSdk.map((a) => a._embedded.group.profile.name), ['Sales East', 'sales west', 'Salesforce admins']);
  const got = await okta().applicationApi.getApplicationGroupAssignment({ appId: app.id, groupId: groups[0].id, expand: 'group' });
  assert.equal(got._embedded.group.id, groups[0].id);
  assertOktaError(await api(s, 'GET', `/api/v1/apps/${app.id}/groups?expand=metadata`), 400, 'E0000001');
});

test('users fields: only the named properties (id always); bad projections and fields on get are 400', async () => {
  const u = await okta().userApi.createUser({ body: { profile: { firstName: 'Field', lastName: 'Proj', email: 'fields@example.com', login: 'fields@example.com', city: 'Chicago', costCenter: 'cc1' } }, activate: false });
  const filter = enc(`id eq "${u.id}"`);
  let r = await api(s, 'GET', `/api/v1/users?filter=${filter}&fields=${enc('status,profile:(firstName, city)')}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, [{ id: u.id, status: 'STAGED', profile: { firstName: 'Field', city: 'Chicago' } }]);
  r = await api(s, 'GET', `/api/v1/users?filter=${filter}&fields=profile`);
  assert.deepEqual(Object.keys(r.json[0]), ['id', 'profile']);
  assert.equal(r.json[0].profile.costCenter, 'cc1');
  assert.equal(r.json[0].profile.login, 'fields@example.com');
  r = await api(s, 'GET', `/api/v1/users?filter=${filter}&fields=${enc('lastUpdated,_links,credentials')}`);
  assert.deepEqual(Object.keys(r.json[0]).sort(), ['_links', 'credentials', 'id', 'lastUpdated']);
  const viaSdk = await all(okta().userApi.listUsers({ search: 'profile.city eq "chicago"', fields: 'id,profile:(lastName,costCenter)' }));
  assert.equal(viaSdk.length, 1);
  const defined = Object.entries(viaSdk[0].profile).filter(([, v]) => v !== undefined);
  assert.deepEqual(Object.fromEntries(defined), { lastName: 'Proj', costCenter: 'cc1' });
  assert.equal(viaSdk[0].status, undefined);
  for (const bad of ['nosuch', 'id,', 'profile:(', 'profile:(a b)', 'profile:firstName', ',id', 'profile:()']) {
    assertOktaError(await api(s, 'GET', `/api/v1/users?fields=${enc(bad)}`), 400, 'E0000001');
  }
  // Okta documents fields for the list only
  assertOktaError(await api(s, 'GET', `/api/v1/users/${u.id}?fields=id`), 400, 'E0000001');
  await rejectsOkta(all(okta().userApi.listUsers({ fields: 'profile:(firstName' })), 400, 'E0000001');
});

test('after: a cursor that is not an id of the list\'s kind in this team is 400 E0000029 on every list', async () => {
  const g = (await api(s, 'POST', '/api/v1/groups', { body: { profile: { name: 'Cursor group' } } })).json;
  const u = await okta().userApi.createUser({ body: { profile: { firstName: 'C', lastName: 'U', email: 'cursor@example.com', login: 'cursor@example.com' } }, activate: false });
  await okta().groupApi.assignUserToGroup({ groupId: g.id, userId: u.id });
  const app = (await api(s, 'POST', '/api/v1/apps', { body: { name: 'bookmark', label: 'Cursor app', signOnMode: 'BOOKMARK', settings: { app: { url: 'https://e.com' } } } })).json;
  await api(s, 'PUT', `/api/v1/apps/${app.id}/groups/${g.id}`);
  const lists = [
    ['/api/v1/groups', g.id, u.id],
    [`/api/v1/groups?search=${enc('profile.name sw "Cursor"')}&sortBy=profile.name`, g.id, u.id],
    ['/api/v1/users', u.id, g.id],
    [`/api/v1/users?filter=${enc('status eq "STAGED"')}`, u.id, g.id],
    ['/api/v1/apps', app.id, g.id],
    [`/api/v1/groups/${g.id}/users`, u.id, g.id],
    [`/api/v1/groups/${g.id}/apps`, app.id, g.id],
    [`/api/v1/users/${u.id}/groups`, g.id, app.id],
    [`/api/v1/apps/${app.id}/groups`, g.id, u.id],
  ];
  for (const [path, own, other] of lists) {
    const sep = path.includes('?') ? '&' : '?';
    for (const bad of ['garbage', other, `${own.slice(0, 3)}AAAAAAAAAAAAAAAAA`, own.slice(0, 19), `${own}x`]) {
      const r = await api(s, 'GET', `${path}${sep}after=${enc(bad)}`);
      assertOktaError(r, 400, 'E0000029');
      assert.equal(r.json.errorSummary, 'Invalid paging request.');
    }
    // a real cursor still works, also when nothing follows it
    const ok = await api(s, 'GET', `${path}${sep}after=${enc(own)}`);
    assert.equal(ok.status, 200, `${path} after its own id: ${ok.text}`);
  }
  await rejectsOkta(all(okta().groupApi.listGroups({ after: 'garbage' })), 400, 'E0000029');
  await rejectsOkta(all(okta().userApi.listUsers({ after: 'garbage' })), 400, 'E0000029');
  await rejectsOkta(all(okta().applicationApi.listApplications({ after: 'garbage' })), 400, 'E0000029');
});

test('groups limit: up to 10,000 per page (1,100 groups in one page)', async () => {
  const before = (await pages('/api/v1/groups?limit=200')).items.length;
  const want = 1100;
  let next = 0;
  const worker = async () => {
    while (next < want) {
      const i = next++;
      const r = await api(s, 'POST', '/api/v1/groups', { body: { profile: { name: `Bulk ${String(i).padStart(4, '0')}`, description: 'bulk' } }, validate: false });
      assert.equal(r.status, 200, r.text);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const total = before + want;
  let r = await api(s, 'GET', `/api/v1/groups?limit=${want}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.length, want, 'limit=1100: 1,100 groups in one page');
  assert.ok(links(r).next, 'and a next page for the rest');
  r = await api(s, 'GET', '/api/v1/groups?limit=10000');
  assert.equal(r.json.length, total, 'limit=10000: every group in one page');
  assert.equal(new Set(r.json.map((g) => g.id)).size, total);
  assert.equal(links(r).next, undefined);
  r = await api(s, 'GET', `/api/v1/groups?search=${enc('profile.name sw "Bulk"')}&limit=20000`);
  assert.equal(r.json.length, want, 'a larger limit is clamped to 10,000, not refused');
  const viaSdk = await all(okta().groupApi.listGroups({ q: 'Bulk', limit: 10000 }));
  assert.equal(viaSdk.length, want);
});

test('every JSON body received was checked against an OpenAPI schema', () => {
  assert.deepEqual(unvalidated, [], `bodies no schema checked: ${unvalidated.join(', ')}`);
});
