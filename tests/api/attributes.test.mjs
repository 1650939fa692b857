// Group and user attributes (asa.md §4.4), team settings and team_stats (§4.1): stable ids,
// unix ids from the team counters, value rules, PUT settings → 200 + body, roles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { useServer } from './lib/server.mjs';
import { assertStatus, assertError, assertList, assertJsonType, assertNoZeroTime, parseLink, UUID_RE } from './lib/asa.mjs';

const TEAM = 'attrs';
const s = useServer({ team: TEAM });

const GROUP_ATTRS = ['unix_gid', 'unix_group_name', 'windows_group_name'];
const USER_ATTRS = ['unix_gid', 'unix_uid', 'unix_user_name', 'windows_user_name'];

function assertAttrs(list, expectNames) {
  assert.deepEqual(list.map((a) => a.attribute_name), expectNames, 'the whole set, in name order');
  for (const a of list) {
    assert.deepEqual(Object.keys(a).sort(), ['attribute_name', 'attribute_value', 'id', 'managed']);
    assert.match(a.id, UUID_RE);
    assert.equal(a.managed, false);
    if (a.attribute_name.startsWith('unix_') && a.attribute_name.endsWith('id')) {
      assert.ok(Number.isInteger(a.attribute_value) && a.attribute_value >= 100 && a.attribute_value <= 2147483647,
        `${a.attribute_name} is an integer in range: ${a.attribute_value}`);
    } else {
      assert.equal(typeof a.attribute_value, 'string', `${a.attribute_name} is a string`);
    }
  }
  return Object.fromEntries(list.map((a) => [a.attribute_name, a]));
}

let rep;
let g1; // attributes of group g1 by name
let u1;

test('setup: groups, a human user, a reporting_user principal', async () => {
  for (const name of ['g1', 'g2']) assertStatus(await s.asa('POST', 'groups', { body: { name, roles: [] } }), 201);
  await s.mustUserAdd({ name: 'ada.lovelace', first: 'Ada', last: 'Lovelace' });
  rep = await s.principal('reporter', ['reporting_user']);
});

test('group attributes: the whole set, names default to the group name, gid from the team counter, ids stable', async () => {
  const r = await s.asa('GET', 'groups/g1/attributes');
  g1 = assertAttrs(assertList(r), GROUP_ATTRS);
  assert.equal(g1.unix_group_name.attribute_value, 'g1');
  assert.equal(g1.windows_group_name.attribute_value, 'g1');
  assert.ok(g1.unix_gid.attribute_value >= 63001, 'gids start at 63001');
  const again = assertAttrs(assertList(await s.asa('GET', 'groups/g1/attributes')), GROUP_ATTRS);
  assert.deepEqual(again, g1, 'same ids and values on every read');
  const g2 = assertAttrs(assertList(await s.asa('GET', 'groups/g2/attributes')), GROUP_ATTRS);
  assert.notEqual(g2.unix_gid.attribute_value, g1.unix_gid.attribute_value, 'each group its own gid');
  assert.notEqual(g2.unix_gid.id, g1.unix_gid.id, 'ids differ between owners');
  for (const a of Object.values(g1)) {
    const one = await s.asa('GET', `groups/g1/attributes/${a.id}`);
    assertStatus(one, 200);
    assertJsonType(one);
    assert.deepEqual(one.json, a);
    assertNoZeroTime(one.json);
  }
  assertStatus(await s.asa('GET', `groups/g1/attributes/${g1.unix_gid.id.toUpperCase()}`), 200);
});

test('group attributes: PUT → 204 and read back; the ids stay', async () => {
  let r = await s.asa('PUT', `groups/g1/attributes/${g1.unix_group_name.id}`, { body: { attribute_name: 'unix_group_name', attribute_value: 'new_name' } });
  assertStatus(r, 204);
  assert.equal(r.text, '');
  r = await s.asa('PUT', `groups/g1/attributes/${g1.unix_gid.id}`, { body: { attribute_name: 'unix_gid', attribute_value: 70000 } });
  assertStatus(r, 204);
  r = await s.asa('PUT', `groups/g1/attributes/${g1.windows_group_name.id}`, { body: { attribute_value: 'Win Group' } });
  assertStatus(r, 204, 'attribute_name may be left out');
  const now = assertAttrs(assertList(await s.asa('GET', 'groups/g1/attributes')), GROUP_ATTRS);
  assert.equal(now.unix_group_name.attribute_value, 'new_name');
  assert.equal(now.unix_gid.attribute_value, 70000);
  assert.equal(now.windows_group_name.attribute_value, 'Win Group');
  for (const k of GROUP_ATTRS) assert.equal(now[k].id, g1[k].id, `${k} keeps its id`);
  // "" restores the default
  r = await s.asa('PUT', `groups/g1/attributes/${g1.windows_group_name.id}`, { body: { attribute_name: 'windows_group_name', attribute_value: '' } });
  assertStatus(r, 204);
  r = await s.asa('GET', `groups/g1/attributes/${g1.windows_group_name.id}`);
  assert.equal(r.json.attribute_value, 'g1');
  g1 = assertAttrs(assertList(await s.asa('GET', 'groups/g1/attributes')), GROUP_ATTRS);
});

test('group attributes: bad bodies → 400 and nothing changed', async () => {
  const put = (a, body) => s.asa('PUT', `groups/g1/attributes/${g1[a].id}`, { body });
  for (const [a, body] of [
    ['unix_gid', { attribute_name: 'unix_gid', attribute_value: 99 }],
    ['unix_gid', { attribute_name: 'unix_gid', attribute_value: 2147483648 }],
    ['unix_gid', { attribute_name: 'unix_gid', attribute_value: '70001' }],
    ['unix_gid', { attribute_name: 'unix_gid', attribute_value: 1.5 }],
    ['unix_gid', { attribute_name: 'unix_gid' }],
    ['unix_gid', { attribute_name: 'unix_gid', attribute_value: null }],
    ['unix_group_name', { attribute_name: 'unix_group_name', attribute_value: 5 }],
    ['unix_group_name', { attribute_name: 'unix_group_name', attribute_value: 'x'.repeat(256) }],
    ['unix_group_name', { attribute_name: 'unix_group_name', attribute_value: 'a\nb' }],
    ['unix_group_name', { attribute_name: 'windows_group_name', attribute_value: 'x' }],
    ['unix_group_name', { attribute_name: 7, attribute_value: 'x' }],
  ]) {
    assertError(await put(a, body), 400, 'invalid_request');
  }
  assertError(await s.asa('PUT', `groups/g1/attributes/${g1.unix_gid.id}`, { raw: '[70001]', headers: { 'Content-Type': 'application/json' } }), 400);
  assert.deepEqual(assertAttrs(assertList(await s.asa('GET', 'groups/g1/attributes')), GROUP_ATTRS), g1, 'unchanged');
  // 255 characters (not bytes) is the limit
  assertStatus(await put('unix_group_name', { attribute_name: 'unix_group_name', attribute_value: 'é'.repeat(255) }), 204);
  assertStatus(await put('unix_group_name', { attribute_name: 'unix_group_name', attribute_value: 'new_name' }), 204);
});

test('user attributes: the whole set, uid/gid from the team counters, names default to the user name', async () => {
  u1 = assertAttrs(assertList(await s.asa('GET', 'users/ada.lovelace/attributes')), USER_ATTRS);
  assert.equal(u1.unix_user_name.attribute_value, 'ada.lovelace');
  assert.equal(u1.windows_user_name.attribute_value, 'ada.lovelace');
  assert.ok(u1.unix_uid.attribute_value >= 60001, 'uids start at 60001');
  const svc = assertAttrs(assertList(await s.asa('GET', 'users/reporter/attributes')), USER_ATTRS);
  assert.notEqual(svc.unix_uid.attribute_value, u1.unix_uid.attribute_value);
  const gids = new Set([u1.unix_gid.attribute_value, svc.unix_gid.attribute_value, g1.unix_gid.attribute_value]);
  assert.equal(gids.size, 3, 'gids are not shared between users and groups');
  assert.deepEqual(assertAttrs(assertList(await s.asa('GET', 'users/ada.lovelace/attributes')), USER_ATTRS), u1, 'stable');
  let r = await s.asa('PUT', `users/ada.lovelace/attributes/${u1.unix_user_name.id}`, { body: { attribute_name: 'unix_user_name', attribute_value: 'ada_lovelace' } });
  assertStatus(r, 204);
  r = await s.asa('PUT', `users/ada.lovelace/attributes/${u1.unix_uid.id}`, { body: { attribute_name: 'unix_uid', attribute_value: 1210 } });
  assertStatus(r, 204);
  r = await s.asa('GET', `users/ada.lovelace/attributes/${u1.unix_uid.id}`);
  assertStatus(r, 200);
  assert.deepEqual(r.json, { ...u1.unix_uid, attribute_value: 1210 });
  r = await s.asa('GET', `users/ada.lovelace/attributes/${u1.unix_user_name.id}`);
  assert.equal(r.json.attribute_value, 'ada_lovelace');
  assertError(await s.asa('PUT', `users/ada.lovelace/attributes/${u1.unix_uid.id}`, { body: { attribute_name: 'unix_uid', attribute_value: 'x' } }), 400);
  assertError(await s.asa('PUT', `users/ada.lovelace/attributes/${u1.unix_uid.id}`, { body: { attribute_name: 'unix_gid', attribute_value: 5000 } }), 400);
  r = await s.asa('GET', `users/ada.lovelace/attributes/${u1.unix_uid.id}`);
  assert.equal(r.json.attribute_value, 1210, 'unchanged after the rejected PUTs');
});

test('a new user does not get a uid already set by hand', async () => {
  // the counter's next value is taken by hand: the counter skips it
  const svc = assertAttrs(assertList(await s.asa('GET', 'users/reporter/attributes')), USER_ATTRS);
  const next = Math.max(u1.unix_uid.attribute_value, svc.unix_uid.attribute_value) + 1;
  assertStatus(await s.asa('PUT', `users/reporter/attributes/${svc.unix_uid.id}`, { body: { attribute_value: next } }), 204);
  await s.mustUserAdd({ name: 'charles.babbage' });
  const cb = assertAttrs(assertList(await s.asa('GET', 'users/charles.babbage/attributes')), USER_ATTRS);
  assert.equal(cb.unix_uid.attribute_value, next + 1, 'the counter skipped the uid set by hand');
});

test('attributes: conflicting=true lists ids another owner holds too', async () => {
  const g2 = assertAttrs(assertList(await s.asa('GET', 'groups/g2/attributes')), GROUP_ATTRS);
  assert.deepEqual(assertList(await s.asa('GET', 'groups/g2/attributes?conflicting=true')), []);
  assertStatus(await s.asa('PUT', `groups/g2/attributes/${g2.unix_gid.id}`, { body: { attribute_name: 'unix_gid', attribute_value: g1.unix_gid.attribute_value } }), 204);
  const c = assertList(await s.asa('GET', 'groups/g2/attributes?conflicting=true'));
  assert.deepEqual(c.map((a) => a.attribute_name), ['unix_gid']);
  assert.deepEqual(assertList(await s.asa('GET', 'groups/g1/attributes?conflicting=true')).map((a) => a.attribute_name), ['unix_gid']);
});

test('attributes: paginated like every list (count, offset, prev, descending, Link)', async () => {
  const seen = [];
  let url = 'users/ada.lovelace/attributes?count=3';
  let last;
  while (url) {
    last = await s.asa('GET', url);
    const list = assertList(last);
    assert.ok(list.length <= 3);
    seen.push(...list.map((a) => a.attribute_name));
    const links = parseLink(last.headers.link);
    if (links.next) assert.equal(new URL(links.next).searchParams.getAll('offset').length, 1);
    url = links.next;
  }
  assert.deepEqual(seen, USER_ATTRS);
  const prev = parseLink(last.headers.link).prev;
  assert.ok(prev, 'the last page links back');
  assert.deepEqual(assertList(await s.asa('GET', prev)).map((a) => a.attribute_name), USER_ATTRS.slice(0, 3));
  assert.deepEqual(assertList(await s.asa('GET', 'users/ada.lovelace/attributes?descending=true')).map((a) => a.attribute_name), [...USER_ATTRS].reverse());
  assertError(await s.asa('GET', `users/ada.lovelace/attributes?offset=${randomUUID()}`), 400, 'invalid_request');
});

test('attributes: missing owners and ids → 404 JSON; roles', async () => {
  const u = randomUUID();
  for (const p of ['groups/nope/attributes', `groups/nope/attributes/${u}`, `groups/g1/attributes/${u}`, 'groups/g1/attributes/not-a-uuid',
    `groups/g1/attributes/${u1.unix_uid.id}`, 'users/nope/attributes', `users/nope/attributes/${u}`, `users/ada.lovelace/attributes/${g1.unix_gid.id}`]) {
    assertError(await s.asa('GET', p), 404, 'resource_does_not_exist');
  }
  assertError(await s.asa('PUT', `groups/g1/attributes/${u}`, { body: { attribute_value: 'x' } }), 404, 'resource_does_not_exist');
  assertError(await s.asa('PUT', `users/nope/attributes/${u}`, { body: { attribute_value: 'x' } }), 404, 'resource_does_not_exist');
  assertList(await s.asa('GET', 'groups/g1/attributes', { token: rep.token }));
  assertStatus(await s.asa('GET', `users/ada.lovelace/attributes/${u1.unix_uid.id}`, { token: rep.token }), 200);
  assertError(await s.asa('PUT', `groups/g1/attributes/${g1.unix_group_name.id}`, { token: rep.token, body: { attribute_value: 'by_reporter' } }), 403, 'forbidden_error');
  assertError(await s.asa('PUT', `users/ada.lovelace/attributes/${u1.unix_user_name.id}`, { token: rep.token, body: { attribute_value: 'r' } }), 403);
  assertError(await s.asa('GET', 'groups/g1/attributes', { token: null }), 401);
});

const SETTINGS_KEYS = [
  'approve_device_without_interaction', 'client_session_duration', 'include_user_sid', 'post_device_enrollment_url',
  'post_login_url', 'post_logout_url', 'reactivate_users_via_idp', 'team', 'user_provisioning_exact_username',
  'web_session_duration',
];
const DEFAULTS = {
  approve_device_without_interaction: false, client_session_duration: 36000, include_user_sid: null,
  post_device_enrollment_url: null, post_login_url: null, post_logout_url: null, reactivate_users_via_idp: false,
  team: TEAM, user_provisioning_exact_username: null, web_session_duration: 36000,
};

test('settings: GET → the documented defaults', async () => {
  const r = await s.asa('GET', 'settings');
  assertStatus(r, 200);
  assertJsonType(r);
  assert.deepEqual(Object.keys(r.json).sort(), SETTINGS_KEYS);
  assert.deepEqual(r.json, DEFAULTS);
});

test('settings: PUT (partial) → 200 + the settings; null unsets; read back', async () => {
  let r = await s.asa('PUT', 'settings', { body: { reactivate_users_via_idp: true, client_session_duration: 7200, post_login_url: 'https://example.com/in', team: 'ignored' } });
  assertStatus(r, 200, 'oktapam accepts only 200');
  assertJsonType(r);
  const want = { ...DEFAULTS, reactivate_users_via_idp: true, client_session_duration: 7200, post_login_url: 'https://example.com/in' };
  assert.deepEqual(r.json, want);
  assert.deepEqual((await s.asa('GET', 'settings')).json, want);
  r = await s.asa('PUT', 'settings', { body: { approve_device_without_interaction: true, user_provisioning_exact_username: true, web_session_duration: 1800, include_user_sid: 'Always' } });
  assertStatus(r, 200);
  const want2 = { ...want, approve_device_without_interaction: true, user_provisioning_exact_username: true, web_session_duration: 1800, include_user_sid: 'Always' };
  assert.deepEqual(r.json, want2, 'earlier changes kept');
  r = await s.asa('PUT', 'settings', { body: { post_login_url: null, client_session_duration: null, user_provisioning_exact_username: null } });
  assertStatus(r, 200);
  const want3 = { ...want2, post_login_url: null, client_session_duration: 36000, user_provisioning_exact_username: null };
  assert.deepEqual(r.json, want3);
  assert.deepEqual((await s.asa('GET', 'settings')).json, want3);
});

test('settings: bad bodies → 400 and nothing changed; roles', async () => {
  const before = (await s.asa('GET', 'settings')).json;
  for (const body of [
    { client_session_duration: 3599 }, { client_session_duration: 90001 }, { web_session_duration: 1799 },
    { web_session_duration: '3600' }, { reactivate_users_via_idp: 'true' }, { post_login_url: 'ftp://x' },
    { post_logout_url: 'not a url' }, { post_device_enrollment_url: 5 }, { user_provisioning_exact_username: 1 },
    { approve_device_without_interaction: true, client_session_duration: 1 },
  ]) {
    assertError(await s.asa('PUT', 'settings', { body }), 400, 'invalid_request');
  }
  assertError(await s.asa('PUT', 'settings', { raw: '[]', headers: { 'Content-Type': 'application/json' } }), 400);
  assert.deepEqual((await s.asa('GET', 'settings')).json, before, 'unchanged');
  assertError(await s.asa('GET', 'settings', { token: rep.token }), 403, 'forbidden_error');
  const acc = await s.principal('accessor', ['access_user']);
  assertStatus(await s.asa('GET', 'settings', { token: acc.token }), 200);
  assertError(await s.asa('PUT', 'settings', { token: acc.token, body: { reactivate_users_via_idp: false } }), 403);
  assertError(await s.asa('GET', 'team_stats', { token: acc.token }), 403, 'forbidden_error');
  assertError(await s.asa('GET', 'team_stats', { token: rep.token }), 403, 'forbidden_error');
  assertError(await s.asa('GET', 'settings', { token: null }), 401);
});

test('team_stats (access_admin): live groups, human and service users, projects; 0 for the rest', async () => {
  const stats = async () => {
    const r = await s.asa('GET', 'team_stats');
    assertStatus(r, 200);
    assertJsonType(r);
    assert.deepEqual(Object.keys(r.json).sort(), ['num_clients', 'num_gateways', 'num_groups', 'num_human_users', 'num_projects', 'num_servers', 'num_service_users']);
    return r.json;
  };
  const groups = assertList(await s.asa('GET', 'groups?count=1000')).length;
  const a = await stats();
  assert.deepEqual(a, {
    num_clients: 0, num_gateways: 0, num_servers: 0, num_groups: groups, num_human_users: 2, num_projects: 0,
    num_service_users: 3, // roster-admin, reporter, accessor
  });
  assertStatus(await s.asa('POST', 'projects', { body: { name: 'p1' } }), 201);
  assertStatus(await s.asa('POST', 'projects', { body: { name: 'p2' } }), 201);
  assertStatus(await s.asa('DELETE', 'projects/p2'), 204);
  assertStatus(await s.asa('DELETE', 'groups/g2'), 204);
  assertStatus(await s.asa('PUT', 'users/charles.babbage', { body: { status: 'DELETED' } }), 200);
  const b = await stats();
  assert.equal(b.num_projects, 1, 'deleted projects are not counted');
  assert.equal(b.num_groups, groups - 1, 'deleted groups are not counted');
  assert.equal(b.num_human_users, 1, 'deleted users are not counted');
});
