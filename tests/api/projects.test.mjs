// ASA projects, project groups and server enrollment tokens (asa.md §4.5), replaying what the
// Terraform providers' acceptance tests do (oktapam resource_project_group_test.go, oktaasa
// TestAccProject/TestAccGroupAssign), plus every 404, every bad body and the role matrix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { useServer } from './lib/server.mjs';
import {
  assertStatus, assertError, assertList, assertJsonType, assertNoZeroTime, parseLink, isRfc3339,
  names, byteCompare, UUID_RE,
} from './lib/asa.mjs';

const TEAM = 'william-faulkner';
const s = useServer({ team: TEAM });

const PROJECT = 'test_acc_project_group_project_ABCDEFGHIJ';
const GROUP = 'test_acc_project_group_group_ABCDEFGHIJ';
const PROJECT_KEYS = [
  'create_server_users', 'deleted_at', 'force_shared_ssh_users', 'forward_traffic', 'gateway_selector', 'id',
  'name', 'next_unix_gid', 'next_unix_uid', 'rdp_session_recording', 'require_preauth_for_creds',
  'shared_admin_user_name', 'shared_standard_user_name', 'ssh_certificate_type', 'ssh_session_recording', 'team',
  'user_on_demand_period',
];

function assertProject(p, o = {}) {
  assert.ok(p && typeof p === 'object', `project is an object: ${JSON.stringify(p)}`);
  assert.deepEqual(Object.keys(p).sort(), [...PROJECT_KEYS].sort(), 'every documented project field');
  assert.match(p.id, UUID_RE);
  assert.equal(p.team, TEAM);
  assert.equal(p.deleted_at, null, 'live project: deleted_at null (never the zero time)');
  for (const [k, v] of Object.entries(o)) assert.deepEqual(p[k], v, `project.${k}`);
  assertNoZeroTime(p, `project ${p.name}`);
}

// What oktapam's testAccProjectGroupCheckExists deep-compares: id, deleted_at, removed_at and
// servers_selector must be null (Go nil), group and the three flags as set.
function assertProjectGroup(pg, { group, access, admin, createGroup = false, selector = null, project }) {
  assert.ok(pg && typeof pg === 'object', `project group is an object: ${JSON.stringify(pg)}`);
  assert.equal(pg.id, null, 'project group id is null (oktapam compares it with nil)');
  assert.equal(pg.group, group);
  assert.equal(pg.name, group, 'name duplicates group');
  assert.match(pg.group_id, UUID_RE);
  if (project) assert.equal(pg.project, project);
  assert.equal(pg.server_access, access, 'server_access');
  assert.equal(pg.server_admin, admin, 'server_admin');
  assert.equal(pg.create_server_group, createGroup, 'create_server_group');
  assert.equal(pg.servers_selector, selector, 'servers_selector (null when unset)');
  assert.equal(pg.deleted_at, null, 'live assignment: deleted_at null');
  assert.equal(pg.removed_at, null, 'live assignment: removed_at null');
  assert.ok(pg.profile_attributes && typeof pg.profile_attributes === 'object', 'profile_attributes object');
  for (const k of ['unix_gid', 'unix_group_name', 'windows_group_name']) assert.ok(k in pg.profile_attributes, `profile_attributes.${k}`);
  assertNoZeroTime(pg, 'project group');
}

const listNames = async (path, o) => names(assertList(await s.asa('GET', path, o)));

let project; // the project as created
let rep; let acc; let adm;

test('setup: principals with each role', async () => {
  rep = await s.principal('reporter', ['reporting_user']);
  acc = await s.principal('accessor', ['access_user']);
  adm = await s.principal('admin2', ['access_admin']);
});

test('POST projects (oktapam body: next_unix_uid/gid) → 201 with every field and default', async () => {
  const r = await s.asa('POST', 'projects', {
    body: { name: PROJECT, next_unix_gid: 63020, next_unix_uid: 60120, create_server_users: true, ssh_certificate_type: 'CERT_TYPE_ED25519_01' },
  });
  assertStatus(r, 201);
  assertJsonType(r);
  assertProject(r.json, {
    name: PROJECT, next_unix_gid: 63020, next_unix_uid: 60120, create_server_users: true,
    ssh_certificate_type: 'CERT_TYPE_ED25519_01', force_shared_ssh_users: false, forward_traffic: false,
    gateway_selector: null, rdp_session_recording: false, require_preauth_for_creds: false,
    shared_admin_user_name: null, shared_standard_user_name: null, ssh_session_recording: false,
    user_on_demand_period: null,
  });
  project = r.json;
  const g = await s.asa('GET', `projects/${PROJECT}`);
  assertStatus(g, 200);
  assert.deepEqual(g.json, project, 'GET returns what POST returned');
  assert.deepEqual(await listNames('projects'), [PROJECT]);
});

test('POST projects: defaults (oktaasa/docs bodies with id "", team, deleted_at null ignored)', async () => {
  let r = await s.asa('POST', 'projects', { body: { name: 'defaults', id: '', team: 'someone-else', deleted_at: null } });
  assertStatus(r, 201);
  assertProject(r.json, {
    name: 'defaults', create_server_users: false, next_unix_uid: 60001, next_unix_gid: 63001,
    ssh_certificate_type: 'CERT_TYPE_ED25519_01',
  });
  assert.notEqual(r.json.id, '');
  r = await s.asa('POST', 'projects', { body: { name: 'oktaasa-style', create_server_users: true, next_unix_uid: 60101, next_unix_gid: 63001 } });
  assertStatus(r, 201);
  r = await s.asa('POST', 'projects', {
    body: {
      name: 'full', force_shared_ssh_users: true, shared_admin_user_name: 'admin', shared_standard_user_name: 'std',
      forward_traffic: true, gateway_selector: 'env=prod,region=us', rdp_session_recording: true,
      require_preauth_for_creds: true, ssh_session_recording: true, ssh_certificate_type: 'CERT_TYPE_ECDSA_256_01',
      user_on_demand_period: 3600,
    },
  });
  assertStatus(r, 201);
  assertProject(r.json, {
    force_shared_ssh_users: true, shared_admin_user_name: 'admin', shared_standard_user_name: 'std',
    forward_traffic: true, gateway_selector: 'env=prod,region=us', user_on_demand_period: 3600,
    ssh_certificate_type: 'CERT_TYPE_ECDSA_256_01',
  });
  // curl --data sends the form content type
  r = await s.asa('POST', 'projects', { raw: '{"name":"curl-style"}', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assertStatus(r, 201);
});

test('POST projects: duplicate live name → 409', async () => {
  const r = await s.asa('POST', 'projects', { body: { name: PROJECT } });
  assertError(r, 409, 'resource_already_exists');
});

test('POST projects: every bad body → 400, nothing created', async () => {
  const before = await listNames('projects');
  const bad = [
    {}, { name: '' }, { name: '-dash-first' }, { name: 'has space' }, { name: 'x'.repeat(256) }, { name: 7 },
    { name: 'b1', next_unix_uid: 50 }, { name: 'b2', next_unix_gid: 2147483648 }, { name: 'b3', next_unix_uid: '60001' },
    { name: 'b4', next_unix_uid: 1.5 }, { name: 'b5', create_server_users: 'true' }, { name: 'b6', forward_traffic: 1 },
    { name: 'b7', ssh_certificate_type: 'CERT_TYPE_DSA' }, { name: 'b8', gateway_selector: 'novalue' },
    { name: 'b9', gateway_selector: 'a=b,' }, { name: 'b10', gateway_selector: '=b' }, { name: 'b11', force_shared_ssh_users: true },
    { name: 'b12', force_shared_ssh_users: true, shared_admin_user_name: 'a' }, { name: 'b13', user_on_demand_period: -1 },
    { name: 'b14', shared_admin_user_name: 'bad name' }, { name: 'b15', gateway_selector: ['a=b'] },
  ];
  for (const body of bad) {
    const r = await s.asa('POST', 'projects', { body });
    assertError(r, 400, 'invalid_request');
  }
  for (const raw of ['[]', '"x"', 'null', '{"name":', '{"name":"a","name":"b"}', '']) {
    const r = await s.asa('POST', 'projects', { raw, headers: { 'Content-Type': 'application/json' } });
    assertError(r, 400, 'invalid_request');
  }
  const r = await s.asa('POST', 'projects', { raw: '{"name":"x"}', headers: { 'Content-Type': 'text/plain' } });
  assertError(r, 415, 'unsupported_content_type');
  assert.deepEqual(await listNames('projects'), before, 'no project was created');
});

test('PUT projects/{p}: partial update → exactly 204, other fields unchanged', async () => {
  let r = await s.asa('PUT', `projects/${PROJECT}`, { body: { forward_traffic: true, next_unix_uid: 61000, gateway_selector: 'a=b' } });
  assertStatus(r, 204);
  assert.equal(r.text, '', '204 has no body');
  r = await s.asa('GET', `projects/${PROJECT}`);
  assertProject(r.json, { ...project, forward_traffic: true, next_unix_uid: 61000, gateway_selector: 'a=b' });
  // evansj sends the whole object back, name included; nulls leave fields as they are
  r = await s.asa('PUT', `projects/${PROJECT}`, {
    body: { ...r.json, ssh_session_recording: true, gateway_selector: null, user_on_demand_period: null, deleted_at: null },
  });
  assertStatus(r, 204);
  r = await s.asa('GET', `projects/${PROJECT}`);
  assertProject(r.json, { forward_traffic: true, ssh_session_recording: true, gateway_selector: 'a=b', next_unix_uid: 61000 });
  // "" clears a selector
  r = await s.asa('PUT', `projects/${PROJECT}`, { body: { gateway_selector: '', forward_traffic: false, next_unix_uid: 60120, ssh_session_recording: false } });
  assertStatus(r, 204);
  r = await s.asa('GET', `projects/${PROJECT}`);
  assert.deepEqual(r.json, project, 'back to the original');
});

test('PUT projects/{p}: bad bodies → 400 and nothing changed; missing project → 404', async () => {
  for (const body of [
    { next_unix_gid: 99 }, { forward_traffic: 'yes' }, { ssh_certificate_type: 'nope' }, { name: 'renamed' },
    { gateway_selector: 'a=b=c' }, { force_shared_ssh_users: true }, { forward_traffic: true, next_unix_uid: 5 },
  ]) {
    const r = await s.asa('PUT', `projects/${PROJECT}`, { body });
    assertError(r, 400, 'invalid_request');
  }
  let r = await s.asa('PUT', `projects/${PROJECT}`, { raw: '[1]', headers: { 'Content-Type': 'application/json' } });
  assertError(r, 400, 'invalid_request');
  r = await s.asa('GET', `projects/${PROJECT}`);
  assert.deepEqual(r.json, project, 'unchanged after the rejected updates');
  r = await s.asa('PUT', 'projects/no-such-project', { body: { forward_traffic: true } });
  assertError(r, 404, 'resource_does_not_exist');
});

let group;

test('project groups: assign with oktapam\'s body ("_", "id": null) → 204; read back as oktapam compares it', async () => {
  let r = await s.asa('POST', 'groups', { body: { name: GROUP, roles: [] } });
  assertStatus(r, 201);
  group = r.json;
  r = await s.asa('POST', `projects/${PROJECT}/groups`, {
    body: { id: null, _: PROJECT, group: GROUP, create_server_group: false, server_access: true, server_admin: true },
  });
  assertStatus(r, 204);
  assert.equal(r.text, '');
  r = await s.asa('GET', `projects/${PROJECT}/groups/${GROUP}`);
  assertStatus(r, 200);
  assertJsonType(r);
  assertProjectGroup(r.json, { group: GROUP, access: true, admin: true, project: PROJECT });
  assert.equal(r.json.group_id, group.id);
  assert.ok(Number.isInteger(r.json.profile_attributes.unix_gid) && r.json.profile_attributes.unix_gid >= 100, 'the group has a unix gid');
  const list = assertList(await s.asa('GET', `projects/${PROJECT}/groups`));
  assert.equal(list.length, 1);
  assert.deepEqual(list[0], r.json, 'list and get render the same object');
});

test('project groups: change by PUT (oktapam update) and read back', async () => {
  let r = await s.asa('PUT', `projects/${PROJECT}/groups/${GROUP}`, {
    body: { _: PROJECT, group: GROUP, id: null, server_access: true, server_admin: false, create_server_group: true },
  });
  assertStatus(r, 204);
  assert.equal(r.text, '');
  r = await s.asa('GET', `projects/${PROJECT}/groups/${GROUP}`);
  assertProjectGroup(r.json, { group: GROUP, access: true, admin: false, createGroup: true });
  assert.equal(r.json.server_group_name, GROUP, 'a created server group is named after the group');
  assert.equal(r.json.unix_gid, r.json.profile_attributes.unix_gid);
});

test('project groups: change by re-POST (oktaasa update path: upsert, not 409) and read back', async () => {
  let r = await s.asa('POST', `projects/${PROJECT}/groups`, {
    body: { group: GROUP, server_access: false, server_admin: true, create_server_group: false, servers_selector: 'env=prod,role=db' },
  });
  assertStatus(r, 204);
  r = await s.asa('GET', `projects/${PROJECT}/groups/${GROUP}`);
  assertProjectGroup(r.json, { group: GROUP, access: false, admin: true, selector: 'env=prod,role=db' });
  assert.equal(r.json.server_group_name, null);
  assert.equal(r.json.unix_gid, null);
  assert.equal((await s.asa('GET', `projects/${PROJECT}/groups`)).json.list.length, 1, 'still one assignment');
  // back to oktapam's initial state; an absent selector unsets it
  r = await s.asa('PUT', `projects/${PROJECT}/groups/${GROUP}`, { body: { server_access: true, server_admin: true } });
  assertStatus(r, 204);
  r = await s.asa('GET', `projects/${PROJECT}/groups/${GROUP}`);
  assertProjectGroup(r.json, { group: GROUP, access: true, admin: true });
});

test('project groups: the group named by "name" or "group_id"; profile_attributes set the group\'s attributes', async () => {
  let r = await s.asa('POST', 'groups', { body: { name: 'by-name', roles: [] } });
  assertStatus(r, 201);
  r = await s.asa('POST', 'groups', { body: { name: 'by-id', roles: [] } });
  const byId = r.json;
  r = await s.asa('POST', `projects/${PROJECT}/groups`, { body: { name: 'by-name', server_access: true, profile_attributes: { unix_group_name: 'sft_by_name', windows_group_name: 'win_by_name', unix_gid: 64000 } } });
  assertStatus(r, 204);
  r = await s.asa('POST', `projects/${PROJECT}/groups`, { body: { group_id: byId.id, group_id_ignored: 1, server_admin: true } });
  assertStatus(r, 204);
  r = await s.asa('GET', `projects/${PROJECT}/groups/by-name`);
  assertProjectGroup(r.json, { group: 'by-name', access: true, admin: false });
  assert.deepEqual(r.json.profile_attributes, { unix_gid: 64000, unix_group_name: 'sft_by_name', windows_group_name: 'win_by_name' });
  const attrs = assertList(await s.asa('GET', 'groups/by-name/attributes'));
  assert.deepEqual(Object.fromEntries(attrs.map((a) => [a.attribute_name, a.attribute_value])),
    { unix_gid: 64000, unix_group_name: 'sft_by_name', windows_group_name: 'win_by_name' }, 'the group\'s attributes changed');
  r = await s.asa('GET', `projects/${PROJECT}/groups/by-id`);
  assertProjectGroup(r.json, { group: 'by-id', access: false, admin: true });
  assert.deepEqual(await listNames(`projects/${PROJECT}/groups`), ['by-id', 'by-name', GROUP].sort(byteCompare));
});

test('project groups: bad bodies → 400 and nothing changed', async () => {
  const path = `projects/${PROJECT}/groups`;
  const before = assertList(await s.asa('GET', path));
  for (const body of [
    {}, { server_access: true }, { group: GROUP, server_access: 'true' }, { group: GROUP, server_admin: 1 },
    { group: GROUP, servers_selector: 'novalue' }, { group: GROUP, servers_selector: 'a=b,,c=d' }, { group: GROUP, servers_selector: 5 },
    { group: 7 }, { group: GROUP, profile_attributes: 'x' }, { group: GROUP, profile_attributes: { unix_gid: 5 } },
    { group: GROUP, profile_attributes: { unix_gid: '63000' } }, { group: GROUP, profile_attributes: { unix_group_name: 'x'.repeat(256) } },
  ]) {
    assertError(await s.asa('POST', path, { body }), 400, 'invalid_request');
  }
  for (const body of [{ server_access: 'yes' }, { servers_selector: 'k' }, { create_server_group: null, server_admin: [] }]) {
    assertError(await s.asa('PUT', `${path}/${GROUP}`, { body }), 400, 'invalid_request');
  }
  assertError(await s.asa('POST', path, { raw: '[]', headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_request');
  assertError(await s.asa('PUT', `${path}/${GROUP}`, { raw: '', headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_request');
  assert.deepEqual(assertList(await s.asa('GET', path)), before, 'assignments unchanged');
  assert.equal(assertList(await s.asa('GET', `groups/${GROUP}/attributes`)).find((a) => a.attribute_name === 'unix_gid').attribute_value,
    before.find((pg) => pg.group === GROUP).profile_attributes.unix_gid, 'attributes unchanged');
});

test('project groups: filters (include_removed, create_server_group, has_selectors, has_no_selectors)', async () => {
  const path = `projects/${PROJECT}/groups`;
  let r = await s.asa('POST', path, { body: { group: 'by-id', server_admin: true, create_server_group: true, servers_selector: 'a=b' } });
  assertStatus(r, 204);
  assert.deepEqual(await listNames(`${path}?create_server_group=true`), ['by-id']);
  assert.deepEqual(await listNames(`${path}?has_selectors=true`), ['by-id']);
  assert.deepEqual(await listNames(`${path}?has_no_selectors=true`), ['by-name', GROUP].sort(byteCompare));
  assert.deepEqual(await listNames(`${path}?disconnected_mode_on_only=true`), []);
  assertError(await s.asa('GET', `${path}?has_selectors=true&has_no_selectors=true`), 400, 'invalid_request');
  assertError(await s.asa('GET', `${path}?include_removed=maybe`), 400, 'invalid_request');
});

test('project groups: DELETE → 204 (soft: include_removed shows removed_at), again → 404; PUT then → 404; re-POST revives', async () => {
  const path = `projects/${PROJECT}/groups`;
  let r = await s.asa('DELETE', `${path}/by-id`);
  assertStatus(r, 204);
  assert.equal(r.text, '');
  assertError(await s.asa('GET', `${path}/by-id`), 404, 'resource_does_not_exist');
  assertError(await s.asa('DELETE', `${path}/by-id`), 404, 'resource_does_not_exist');
  assertError(await s.asa('PUT', `${path}/by-id`, { body: { server_access: true } }), 404, 'resource_does_not_exist');
  assert.deepEqual(await listNames(path), ['by-name', GROUP].sort(byteCompare));
  const all = assertList(await s.asa('GET', `${path}?include_removed=true`));
  const removed = all.find((pg) => pg.group === 'by-id');
  assert.ok(removed && isRfc3339(removed.removed_at), `removed assignment listed with removed_at: ${JSON.stringify(removed)}`);
  assert.equal(removed.deleted_at, null, 'the group itself is not deleted');
  let g = await s.asa('GET', 'groups/by-id');
  assertStatus(g, 200, 'removing an assignment does not delete the group');
  r = await s.asa('POST', path, { body: { group: 'by-id', server_access: true } });
  assertStatus(r, 204);
  r = await s.asa('GET', `${path}/by-id`);
  assertProjectGroup(r.json, { group: 'by-id', access: true, admin: false });
  g = await s.asa('DELETE', `${path}/by-id`);
  assertStatus(g, 204);
});

test('deleting a group removes it from every project (same transaction)', async () => {
  let r = await s.asa('POST', 'projects', { body: { name: 'second-project' } });
  assertStatus(r, 201);
  r = await s.asa('POST', 'groups', { body: { name: 'doomed', roles: [] } });
  assertStatus(r, 201);
  for (const p of [PROJECT, 'second-project']) {
    r = await s.asa('POST', `projects/${p}/groups`, { body: { group: 'doomed', server_access: true } });
    assertStatus(r, 204);
    assert.ok((await listNames(`projects/${p}/groups`)).includes('doomed'));
  }
  r = await s.asa('DELETE', 'groups/doomed');
  assertStatus(r, 204);
  for (const p of [PROJECT, 'second-project']) {
    assertError(await s.asa('GET', `projects/${p}/groups/doomed`), 404, 'resource_does_not_exist');
    assert.ok(!(await listNames(`projects/${p}/groups`)).includes('doomed'), `doomed left ${p}`);
    const gone = assertList(await s.asa('GET', `projects/${p}/groups?include_removed=true`)).find((pg) => pg.group === 'doomed');
    assert.ok(gone && isRfc3339(gone.deleted_at) && isRfc3339(gone.removed_at), `removed with the group's deletion time: ${JSON.stringify(gone)}`);
  }
  // a new group of the same name is a different group: not assigned anywhere
  r = await s.asa('POST', 'groups', { body: { name: 'doomed', roles: [] } });
  assertStatus(r, 201);
  assertError(await s.asa('GET', `projects/${PROJECT}/groups/doomed`), 404);
  assert.ok(!(await listNames(`projects/${PROJECT}/groups`)).includes('doomed'));
});

let token;

test('server enrollment tokens: create → 201; token = base64 {"s": id, "u": server URL, "k": secret}; list; get', async () => {
  const path = `projects/${PROJECT}/server_enrollment_tokens`;
  assert.deepEqual(assertList(await s.asa('GET', path)), [], 'no tokens yet');
  const t0 = Date.now();
  let r = await s.asa('POST', path, { body: { description: 'Test Server Enrollment Token', id: null, token: null, created_by_user: null, issued_at: null } });
  assertStatus(r, 201);
  assertJsonType(r);
  token = r.json;
  assert.deepEqual(Object.keys(token).sort(), ['created_by_user', 'description', 'id', 'issued_at', 'token']);
  assert.match(token.id, UUID_RE);
  assert.equal(token.description, 'Test Server Enrollment Token');
  assert.equal(token.created_by_user, 'roster-admin', 'the creator\'s user name');
  assert.ok(isRfc3339(token.issued_at) && Date.parse(token.issued_at) >= t0 - 2000);
  assert.match(token.token, /^[A-Za-z0-9+/]+={0,2}$/, 'standard base64');
  const decoded = JSON.parse(Buffer.from(token.token, 'base64').toString('utf8'));
  assert.deepEqual({ s: decoded.s, u: decoded.u }, { s: token.id, u: s.base });
  assert.match(decoded.k, /^[A-Za-z0-9_-]{43}$/, 'a secret (enroll_tokens.test.mjs checks it)');
  r = await s.asa('GET', `${path}/${token.id}`);
  assertStatus(r, 200);
  assert.deepEqual(r.json, token, 'GET returns the token as created (token included)');
  r = await s.asa('GET', `${path}/${token.id.toUpperCase()}`);
  assertStatus(r, 200, 'ids are matched case-insensitively');
  assert.deepEqual(assertList(await s.asa('GET', path)), [token]);
  // oktapam sends only the description; a missing body is fine too
  r = await s.asa('POST', path, { body: { description: '' } });
  assertStatus(r, 201);
  r = await s.asa('POST', path);
  assertStatus(r, 201);
  assert.equal(r.json.description, null);
  const list = assertList(await s.asa('GET', path));
  assert.equal(list.length, 3);
  assert.equal(list[0].id, token.id, 'listed in creation order');
});

test('server enrollment tokens: bad bodies → 400 (nothing created); DELETE → 204 then 404', async () => {
  const path = `projects/${PROJECT}/server_enrollment_tokens`;
  const before = assertList(await s.asa('GET', path));
  for (const body of [{ description: 5 }, { description: 'x'.repeat(1025) }, [1]]) {
    assertError(await s.asa('POST', path, { body }), 400, 'invalid_request');
  }
  assertError(await s.asa('POST', path, { raw: '{"description":', headers: { 'Content-Type': 'application/json' } }), 400);
  assert.equal(assertList(await s.asa('GET', path)).length, before.length, 'no token was created');
  for (const t of before.slice(1)) assertStatus(await s.asa('DELETE', `${path}/${t.id}`), 204);
  let r = await s.asa('DELETE', `${path}/${token.id}`);
  assertStatus(r, 204);
  assert.equal(r.text, '');
  assertError(await s.asa('GET', `${path}/${token.id}`), 404, 'resource_does_not_exist');
  assertError(await s.asa('DELETE', `${path}/${token.id}`), 404, 'resource_does_not_exist');
  assert.deepEqual(assertList(await s.asa('GET', path)), []);
  // a token of another project is not found under this one
  r = await s.asa('POST', 'projects/second-project/server_enrollment_tokens', { body: { description: 'other' } });
  assertStatus(r, 201);
  assertError(await s.asa('GET', `${path}/${r.json.id}`), 404, 'resource_does_not_exist');
});

test('every missing object → 404 with a JSON body', async () => {
  const u = randomUUID();
  const paths = [
    'projects/nope', 'projects/nope/groups', `projects/nope/groups/${GROUP}`, `projects/${PROJECT}/groups/nope`,
    `projects/${PROJECT}/groups/everyone`, 'projects/nope/server_enrollment_tokens', `projects/nope/server_enrollment_tokens/${u}`,
    `projects/${PROJECT}/server_enrollment_tokens/${u}`, `projects/${PROJECT}/server_enrollment_tokens/not-a-uuid`,
  ];
  for (const p of paths) assertError(await s.asa('GET', p), 404, 'resource_does_not_exist');
  const writes = [
    ['PUT', 'projects/nope', { forward_traffic: true }], ['DELETE', 'projects/nope'],
    ['POST', 'projects/nope/groups', { group: GROUP, server_access: true }],
    ['POST', `projects/${PROJECT}/groups`, { group: 'no-such-group', server_access: true }],
    ['POST', `projects/${PROJECT}/groups`, { group_id: u, server_access: true }],
    ['PUT', `projects/nope/groups/${GROUP}`, { server_access: true }], ['PUT', `projects/${PROJECT}/groups/nope`, { server_access: true }],
    ['DELETE', `projects/nope/groups/${GROUP}`], ['DELETE', `projects/${PROJECT}/groups/nope`],
    ['POST', 'projects/nope/server_enrollment_tokens', { description: 'x' }],
    ['DELETE', `projects/nope/server_enrollment_tokens/${u}`], ['DELETE', `projects/${PROJECT}/server_enrollment_tokens/${u}`],
  ];
  for (const [m, p, body] of writes) assertError(await s.asa(m, p, body ? { body } : {}), 404, 'resource_does_not_exist');
});

test('roles: reporting_user reads projects and assignments but writes nothing; tokens need access_user/admin', async () => {
  const t = rep.token;
  assertList(await s.asa('GET', 'projects', { token: t }));
  assertStatus(await s.asa('GET', `projects/${PROJECT}`, { token: t }), 200);
  assertList(await s.asa('GET', `projects/${PROJECT}/groups`, { token: t }));
  assertStatus(await s.asa('GET', `projects/${PROJECT}/groups/${GROUP}`, { token: t }), 200);
  const denied = [
    ['POST', 'projects', { name: 'by-reporter' }], ['PUT', `projects/${PROJECT}`, { forward_traffic: true }],
    ['DELETE', `projects/${PROJECT}`], ['POST', `projects/${PROJECT}/groups`, { group: 'by-id', server_access: true }],
    ['PUT', `projects/${PROJECT}/groups/${GROUP}`, { server_access: false }], ['DELETE', `projects/${PROJECT}/groups/${GROUP}`],
    ['GET', `projects/${PROJECT}/server_enrollment_tokens`], ['POST', `projects/${PROJECT}/server_enrollment_tokens`, { description: 'r' }],
  ];
  for (const [m, p, body] of denied) assertError(await s.asa(m, p, { token: t, ...(body ? { body } : {}) }), 403, 'forbidden_error');
  assertError(await s.asa('GET', `projects/${PROJECT}`, { token: null }), 401);
  assertError(await s.asa('POST', 'projects', { token: null, body: { name: 'anon' } }), 401);
  assert.ok(!(await listNames('projects')).includes('by-reporter'));
  assertProjectGroup((await s.asa('GET', `projects/${PROJECT}/groups/${GROUP}`)).json, { group: GROUP, access: true, admin: true });
});

test('roles: access_user reads projects and creates/reads tokens, cannot delete tokens or write projects; access_admin can', async () => {
  const path = `projects/${PROJECT}/server_enrollment_tokens`;
  let r = await s.asa('POST', path, { token: acc.token, body: { description: 'by access_user' } });
  assertStatus(r, 201);
  assert.equal(r.json.created_by_user, 'accessor');
  const id = r.json.id;
  assertList(await s.asa('GET', path, { token: acc.token }));
  assertStatus(await s.asa('GET', `${path}/${id}`, { token: acc.token }), 200);
  assertError(await s.asa('DELETE', `${path}/${id}`, { token: acc.token }), 403, 'forbidden_error');
  assertError(await s.asa('POST', 'projects', { token: acc.token, body: { name: 'by-accessor' } }), 403, 'forbidden_error');
  assertError(await s.asa('POST', `projects/${PROJECT}/groups`, { token: acc.token, body: { group: GROUP, server_access: true } }), 403);
  assertStatus(await s.asa('DELETE', `${path}/${id}`, { token: adm.token }), 204);
  r = await s.asa('POST', 'projects', { token: adm.token, body: { name: 'by-admin' } });
  assertStatus(r, 201);
  assertStatus(await s.asa('PUT', 'projects/by-admin', { token: adm.token, body: { forward_traffic: true } }), 204);
  assertStatus(await s.asa('POST', 'projects/by-admin/groups', { token: adm.token, body: { group: GROUP, server_access: true } }), 204);
  assertStatus(await s.asa('DELETE', 'projects/by-admin', { token: adm.token }), 204);
});

test('projects: self=true lists only projects a group of the caller is assigned to', async () => {
  // reporter is in grp-reporter; assign that group to one project
  let r = await s.asa('POST', 'projects/second-project/groups', { body: { group: rep.group, server_access: true } });
  assertStatus(r, 204);
  assert.deepEqual(await listNames('projects?self=true', { token: rep.token }), ['second-project']);
  assert.deepEqual(await listNames('projects?self=true'), [], 'the admin\'s groups are assigned nowhere');
  // every live user is in everyone: assigning it shows the project to all
  r = await s.asa('POST', `projects/${PROJECT}/groups`, { body: { group: 'everyone', server_access: true } });
  assertStatus(r, 204);
  assert.deepEqual(await listNames('projects?self=true', { token: rep.token }), ['second-project', PROJECT].sort(byteCompare));
  assertStatus(await s.asa('DELETE', `projects/${PROJECT}/groups/everyone`), 204);
  assert.deepEqual(await listNames('projects?contains=SECOND'), ['second-project'], 'contains is case-insensitive');
});

test('projects: pagination (count/offset/prev/descending, one Link header, filters kept, repeated params)', async () => {
  for (let i = 0; i < 5; i++) assertStatus(await s.asa('POST', 'projects', { body: { name: `page-${i}` } }), 201);
  const all = await listNames('projects');
  assert.deepEqual(all, [...all].sort(byteCompare), 'sorted by name bytes');
  const seen = [];
  let url = 'projects?count=2&contains=page&contains=page';
  let pages = 0;
  let last;
  while (url) {
    const r = await s.asa('GET', url);
    const list = assertList(r);
    assert.ok(list.length <= 2);
    seen.push(...names(list));
    const links = parseLink(r.headers.link);
    if (links.next) {
      const u = new URL(links.next);
      assert.equal(u.searchParams.getAll('offset').length, 1, 'exactly one offset');
      assert.equal(u.searchParams.get('count'), '2', 'count kept');
      assert.equal(u.searchParams.get('contains'), 'page', 'filter kept');
      assert.ok(links.next.startsWith(`${s.base}/v1/teams/${TEAM}/projects?`), 'absolute URL');
    }
    if (pages > 0) assert.ok(links.prev, 'a later page links back');
    last = r;
    url = links.next;
    pages++;
  }
  assert.deepEqual(seen, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  assert.equal(pages, 3);
  const prev = parseLink(last.headers.link).prev;
  assert.deepEqual(names(assertList(await s.asa('GET', prev))), ['page-2', 'page-3'], 'prev returns the page before');
  assert.deepEqual(await listNames('projects?contains=page&descending=true&count=3'), ['page-4', 'page-3', 'page-2']);
  assertError(await s.asa('GET', 'projects?offset=not-a-uuid'), 400, 'invalid_request');
  assertError(await s.asa('GET', `projects?offset=${randomUUID()}`), 400, 'invalid_request');
  assertError(await s.asa('GET', 'projects?count=x'), 400, 'invalid_request');
});

test('project groups and tokens paginate the same way', async () => {
  for (const g of ['pg-a', 'pg-b', 'pg-c']) {
    assertStatus(await s.asa('POST', 'groups', { body: { name: g, roles: [] } }), 201);
    assertStatus(await s.asa('POST', 'projects/page-0/groups', { body: { group: g, server_access: true } }), 204);
    assertStatus(await s.asa('POST', 'projects/page-0/server_enrollment_tokens', { body: { description: g } }), 201);
  }
  for (const [path, key] of [['projects/page-0/groups', 'group'], ['projects/page-0/server_enrollment_tokens', 'description']]) {
    const seen = [];
    let url = `${path}?count=1`;
    while (url) {
      const r = await s.asa('GET', url);
      const list = assertList(r);
      assert.ok(list.length <= 1);
      seen.push(...list.map((x) => x[key]));
      url = parseLink(r.headers.link).next;
    }
    assert.deepEqual(seen, ['pg-a', 'pg-b', 'pg-c'], `${path} walked in order`);
    const desc = assertList(await s.asa('GET', `${path}?descending=true`)).map((x) => x[key]);
    assert.deepEqual(desc, ['pg-c', 'pg-b', 'pg-a']);
    assertError(await s.asa('GET', `${path}?offset=${randomUUID()}`), 400, 'invalid_request');
  }
});

test('DELETE project → 204 (soft); then 404 everywhere; the name can be reused by a new project', async () => {
  let r = await s.asa('POST', `projects/${PROJECT}/server_enrollment_tokens`, { body: { description: 'old' } });
  assertStatus(r, 201);
  const oldToken = r.json.id;
  r = await s.asa('DELETE', `projects/${PROJECT}`);
  assertStatus(r, 204);
  assert.equal(r.text, '');
  assertError(await s.asa('GET', `projects/${PROJECT}`), 404, 'resource_does_not_exist');
  assertError(await s.asa('GET', `projects/${PROJECT}/groups`), 404, 'resource_does_not_exist');
  assertError(await s.asa('GET', `projects/${PROJECT}/groups/${GROUP}`), 404, 'resource_does_not_exist');
  assertError(await s.asa('DELETE', `projects/${PROJECT}`), 404, 'resource_does_not_exist');
  assert.ok(!(await listNames('projects')).includes(PROJECT));
  assertStatus(await s.asa('GET', `groups/${GROUP}`), 200, 'the assigned group lives on');
  r = await s.asa('POST', 'projects', { body: { name: PROJECT, next_unix_uid: 60120, next_unix_gid: 63020 } });
  assertStatus(r, 201, 're-create under the same name');
  assertProject(r.json, { name: PROJECT, create_server_users: false });
  assert.notEqual(r.json.id, project.id, 'a new project');
  assert.deepEqual(assertList(await s.asa('GET', `projects/${PROJECT}/groups`)), [], 'no assignments carried over');
  assert.deepEqual(assertList(await s.asa('GET', `projects/${PROJECT}/groups?include_removed=true`)), []);
  assert.deepEqual(assertList(await s.asa('GET', `projects/${PROJECT}/server_enrollment_tokens`)), []);
  assertError(await s.asa('GET', `projects/${PROJECT}/server_enrollment_tokens/${oldToken}`), 404);
  assertError(await s.asa('POST', 'projects', { body: { name: PROJECT } }), 409, 'resource_already_exists');
});

test('trailing slash and percent-encoded names (oktapam PathEscape, JS clients)', async () => {
  assertList(await s.asa('GET', 'projects/'));
  assertStatus(await s.asa('GET', `projects/${encodeURIComponent(PROJECT)}/`), 200);
  assertStatus(await s.asa('GET', `projects/page-0/groups/pg%2Da`), 200);
});
