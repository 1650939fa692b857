// A hostile client: thousands of seeded random requests over every route of both dialects
// (random methods, path values, query strings, bodies and media types). Nothing may get a 5xx,
// every error is a JSON object of its dialect, and the server stays up and consistent.
// Reproduce a failure with HOSTILE_SEED=<seed printed in the message>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, httpRequest } from './lib/server.mjs';

const s = useServer({ team: 'hostile' });
const SEED = Number(process.env.HOSTILE_SEED ?? 20261123);
const COUNT = Number(process.env.HOSTILE_COUNT ?? 2500);

// mulberry32: small, seedable, good enough to pick test inputs
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ASA = [
  'service_token', 'current_user', 'groups', 'groups/:g', 'groups/:g/users', 'groups/:g/users/:u',
  'groups/:g/users_not_in_group', 'users', 'users/:u', 'users/:u/groups', 'service_users',
  'service_users/:u', 'service_users/:u/keys', 'service_users/:u/keys/:id', 'groups/:g/attributes',
  'groups/:g/attributes/:id', 'users/:u/attributes', 'users/:u/attributes/:id', 'projects',
  'projects/:p', 'projects/:p/groups', 'projects/:p/groups/:g', 'projects/:p/server_enrollment_tokens',
  'projects/:p/server_enrollment_tokens/:id', 'settings', 'team_stats',
];
const OKTA = [
  'groups', 'groups/:og', 'groups/:og/users', 'groups/:og/users/:ou', 'groups/:og/apps', 'users',
  'users/:ou', 'users/:ou/groups', 'users/:ou/lifecycle/activate', 'users/:ou/lifecycle/deactivate',
  'users/:ou/lifecycle/suspend', 'users/:ou/lifecycle/unsuspend', 'apps', 'apps/:app',
  'apps/:app/lifecycle/activate', 'apps/:app/lifecycle/deactivate', 'apps/:app/groups',
  'apps/:app/groups/:og',
];
const METHODS = ['GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const STRINGS = ['', ' ', 'a', 'everyone', 'owners', 'Everyone', 'x'.repeat(300), '..', '%00', '%zz',
  '%2F', 'é', '\u{1F600}', '"', "'", '<script>', 'null', '0', '-1', '9'.repeat(30), 'a b', 'a+b',
  '00g0000000000000000', '00u0000000000000000', '0oa0000000000000000',
  '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'ACCESS_ADMIN', 'access_admin', 'ACTIVE', 'DELETED'];
const KEYS = ['name', 'roles', 'profile', 'credentials', 'status', 'id', 'group', 'server_access',
  'server_admin', 'servers_selector', 'description', 'label', 'signOnMode', 'settings', 'login',
  'email', 'firstName', 'lastName', 'key_id', 'key_secret', 'attribute_name', 'attribute_value',
  'next_unix_uid', 'next_unix_gid', 'client_session_duration', 'groupIds', '_', 'create_server_group',
  'profile_attributes', 'password', 'value', 'force_shared_ssh_users', 'ssh_certificate_type'];

// Unencoded input still has to be sendable: Node refuses non-ASCII bytes in a request target.
function sendable(v) {
  return v.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}

function pick(r, a) {
  return a[Math.floor(r() * a.length)];
}

function value(r, depth) {
  const k = Math.floor(r() * 11);
  if (depth > 3 && k >= 8) return null;
  switch (k) {
  case 0: return null;
  case 1: return r() < 0.5;
  case 2: return Math.floor(r() * 2 ** 40) * (r() < 0.5 ? -1 : 1);
  case 3: return r() * 1e300;
  case 4: case 5: return pick(r, STRINGS);
  case 6: return ['access_admin', 'access_user', 'reporting_user', pick(r, STRINGS)].slice(0, Math.floor(r() * 5));
  case 7: return `x${Math.floor(r() * 50)}`;
  default: {
    const o = {};
    for (let i = Math.floor(r() * 5); i > 0; i--) o[pick(r, KEYS)] = value(r, depth + 1);
    return o;
  }
  }
}

function body(r) {
  const k = Math.floor(r() * 10);
  if (k === 0) return undefined;
  if (k === 1) return '{"name": "unterminated';
  if (k === 2) return '{"name":"a","name":"b"}';
  if (k === 3) return Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
  if (k === 4) return '['.repeat(200) + ']'.repeat(200);
  if (k === 5) return JSON.stringify(pick(r, STRINGS));
  const o = value(r, 0);
  return JSON.stringify(o && typeof o === 'object' ? o : { name: o });
}

function fill(r, route, ids) {
  return route.split('/').map((seg) => {
    if (!seg.startsWith(':')) return seg;
    const known = ids[seg.slice(1)] ?? [];
    const v = r() < 0.6 && known.length ? pick(r, known) : pick(r, STRINGS);
    return r() < 0.8 ? encodeURIComponent(v) : sendable(v.replace(/[\s#?/]/g, ''));
  }).join('/');
}

function query(r) {
  if (r() < 0.5) return '';
  const keys = ['count', 'offset', 'prev', 'descending', 'contains', 'status', 'limit', 'after', 'q',
    'search', 'filter', 'expand', 'sortBy', 'sortOrder', 'include_deleted', 'id', 'ignore',
    'starts_with', 'user_type', 'include_service_users', 'activate', 'sendEmail', 'fields'];
  const vals = [...STRINGS, 'true', 'false', '1000000', 'profile.name sw "a"', 'type eq "OKTA_GROUP"',
    'profile.name co "x" and (id eq "1" or not type pr)', '((((((((((', 'stats,app', 'desc',
    'profile.costCenter', 'status eq "INACTIVE"', 'id,status,profile:(firstName,city)', 'group'];
  const parts = [];
  for (let i = Math.floor(r() * 4) + 1; i > 0; i--) {
    parts.push(`${pick(r, keys)}=${r() < 0.8 ? encodeURIComponent(pick(r, vals)) : sendable(pick(r, vals).replace(/[\s#&]/g, '+'))}`);
  }
  return `?${parts.join('&')}`;
}

test('setup: objects the random requests can hit', async () => {
  for (const name of ['alpha', 'beta']) assert.equal((await s.asa('POST', 'groups', { body: { name, roles: [] } })).status, 201);
  assert.equal((await s.asa('POST', 'service_users', { body: { name: 'svc-1' } })).status, 201);
  assert.equal((await s.asa('POST', 'projects', { body: { name: 'proj' } })).status, 201);
  await s.mustUserAdd({ name: 'ann', email: 'ann@example.com', first: 'Ann', last: 'Lee' });
});

test(`random requests over every route (seed ${SEED}, ${COUNT} requests)`, async () => {
  const r = rng(SEED);
  const okta = (path, o) => httpRequest(`${s.base}/api/v1/${path}`, { ...o, headers: { Authorization: `SSWS ${s.creds.api_token}`, ...o.headers } });
  const groupsOkta = (await okta('groups', { headers: {} })).json;
  const ids = {
    g: ['alpha', 'beta', 'everyone', 'owners'], u: ['ann', 'svc-1', 'roster-admin'], p: ['proj'],
    og: groupsOkta.map((g) => g.id), ou: ['ann@example.com'], app: [], id: [],
  };
  const failures = [];
  for (let i = 0; i < COUNT; i++) {
    const dialect = r() < 0.6 ? 'asa' : 'okta';
    const route = pick(r, dialect === 'asa' ? ASA : OKTA);
    const path = fill(r, route, ids) + (r() < 0.1 ? '/' : '') + query(r);
    const method = pick(r, METHODS);
    const b = method === 'GET' || method === 'HEAD' ? (r() < 0.1 ? body(r) : undefined) : body(r);
    const types = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'Application/JSON; charset=utf-8', undefined];
    const headers = {};
    const ct = pick(r, types);
    if (b !== undefined && ct) headers['Content-Type'] = ct;
    if (r() < 0.05) headers.Authorization = pick(r, ['Bearer', 'Bearer x', 'SSWS', 'SSWS 00x', 'Basic Zm9vOmJhcg==']);
    const opts = { method, headers, body: b === undefined ? undefined : Buffer.from(b) };
    if (opts.body) headers['Content-Length'] = String(opts.body.length);
    let res;
    try {
      res = dialect === 'asa' ? await s.asa(method, path, { raw: opts.body, headers, ...(headers.Authorization ? { token: null } : {}) })
        : await okta(path, opts);
    } catch (e) {
      failures.push(`#${i} ${method} ${dialect} ${path}: ${e.message}`);
      continue;
    }
    const where = `#${i} ${method} /${dialect === 'asa' ? 'v1/teams/hostile' : 'api/v1'}/${path} → ${res.status}`;
    if (res.status >= 500) failures.push(`${where} ${res.text.slice(0, 200)}`);
    if (res.status >= 400 && method !== 'HEAD') {
      const j = res.json;
      const ok = j && typeof j === 'object' && (dialect === 'asa' ? typeof j.type === 'string' && j.code === res.status : typeof j.errorCode === 'string');
      if (!ok) failures.push(`${where} error body not in the dialect's format: ${res.text.slice(0, 200)}`);
    }
    if (dialect === 'okta' && res.status === 200 && route === 'apps' && method === 'POST' && res.json?.id) ids.app.push(res.json.id);
    if (failures.length > 20) break;
  }
  assert.deepEqual(failures, [], `seed ${SEED}:\n${failures.join('\n')}`);
  // still up and consistent (the random requests may have taken the admin's roles away, so
  // ask for what needs none, and look at the built-in groups through a fresh principal)
  const me = await s.asa('GET', 'current_user');
  assert.equal(me.status, 200, me.text);
  const groups = await httpRequest(`${s.base}/api/v1/groups?q=Everyone`, { headers: { Authorization: `SSWS ${s.creds.api_token}` } });
  assert.ok(groups.status === 200 || groups.status === 403, groups.text);
  if (groups.status === 200) assert.ok(groups.json.some((g) => g.type === 'BUILT_IN'), groups.text);
});
