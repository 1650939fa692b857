// Shape checks for ASA objects and errors, and Link-header helpers (DESIGN.md §3).
import assert from 'node:assert/strict';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const RFC3339_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
export const ZERO_TIME = '0001-01-01T00:00:00Z';
export const ROLES = ['access_admin', 'access_user', 'reporting_user'];

const ctx = (r) => `HTTP ${r.status} ${r.text?.slice(0, 500)}`;

export function isRfc3339(v) {
  return typeof v === 'string' && RFC3339_RE.test(v) && !Number.isNaN(Date.parse(v)) && v !== ZERO_TIME;
}

// Fails when the zero time appears anywhere in the value.
export function assertNoZeroTime(v, where = 'body') {
  assert.ok(!JSON.stringify(v).includes(ZERO_TIME), `${where} contains the zero time ${ZERO_TIME}: ${JSON.stringify(v)}`);
}

export function assertStatus(r, status, msg = '') {
  assert.equal(r.status, status, `${msg ? `${msg}: ` : ''}expected ${status}, got ${ctx(r)}`);
}

export function assertJsonType(r) {
  const ct = r.headers['content-type'] ?? '';
  assert.match(ct, /^application\/json\b/i, `Content-Type is application/json (got ${JSON.stringify(ct)}) for ${ctx(r)}`);
}

// An ASA error: JSON object {"type","message","code"} with code == status (DESIGN.md §3).
// `status` may be a number or an array of acceptable numbers; `type` optional (string or array).
export function assertError(r, status, type) {
  const statuses = Array.isArray(status) ? status : [status];
  assert.ok(statuses.includes(r.status), `expected status ${statuses.join(' or ')}, got ${ctx(r)}`);
  assertJsonType(r);
  const b = r.json;
  assert.ok(b && typeof b === 'object' && !Array.isArray(b), `error body is a JSON object: ${ctx(r)}`);
  assert.equal(typeof b.type, 'string', `error body has a string "type": ${ctx(r)}`);
  assert.equal(typeof b.message, 'string', `error body has a string "message": ${ctx(r)}`);
  assert.ok(b.message.length > 0, `error message is not empty: ${ctx(r)}`);
  assert.equal(b.code, r.status, `error "code" is the numeric HTTP status: ${ctx(r)}`);
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    assert.ok(types.includes(b.type), `error type ${JSON.stringify(b.type)} is one of ${types.join(', ')}: ${ctx(r)}`);
  }
  if ('errors' in b) assert.ok(Array.isArray(b.errors), `"errors" is an array when present: ${ctx(r)}`);
  assert.equal(typeof r.headers['x-request-id'], 'string', 'errors carry X-Request-Id too');
}

export function assertList(r, msg = '') {
  assertStatus(r, 200, msg);
  assertJsonType(r);
  assert.ok(r.json && typeof r.json === 'object' && !Array.isArray(r.json), `list body is an object: ${ctx(r)}`);
  assert.ok(Array.isArray(r.json.list), `list body is {"list":[…]}: ${ctx(r)}`);
  return r.json.list;
}

// A live (or, with deleted=true, a soft-deleted) ASA group.
export function assertGroup(g, { name, roles, deleted = false } = {}) {
  assert.ok(g && typeof g === 'object', `group is an object: ${JSON.stringify(g)}`);
  for (const k of ['id', 'name', 'roles', 'deleted_at', 'federated_from_team', 'federation_approved_at']) {
    assert.ok(k in g, `group has "${k}": ${JSON.stringify(g)}`);
  }
  assert.match(g.id, UUID_RE, `group id is a lower-case UUID: ${JSON.stringify(g)}`);
  assert.equal(typeof g.name, 'string');
  if (name !== undefined) assert.equal(g.name, name);
  assert.ok(Array.isArray(g.roles), `roles is an array (never null): ${JSON.stringify(g)}`);
  for (const role of g.roles) assert.ok(ROLES.includes(role), `role ${role} is an ASA role`);
  assert.equal(new Set(g.roles).size, g.roles.length, `roles has no duplicates: ${JSON.stringify(g.roles)}`);
  if (roles !== undefined) assert.deepEqual([...g.roles].sort(), [...roles].sort(), `roles of ${g.name}`);
  assert.equal(g.federated_from_team, null, `federated_from_team is null: ${JSON.stringify(g)}`);
  assert.equal(g.federation_approved_at, null, `federation_approved_at is null: ${JSON.stringify(g)}`);
  if (deleted) assert.ok(isRfc3339(g.deleted_at), `deleted group has an RFC 3339 deleted_at: ${JSON.stringify(g)}`);
  else assert.equal(g.deleted_at, null, `live group has deleted_at null: ${JSON.stringify(g)}`);
  assertNoZeroTime(g, `group ${g.name}`);
}

// An ASA user. opts: name, team, type ('human'|'service'), status, first/last/email.
export function assertUser(u, o = {}) {
  assert.ok(u && typeof u === 'object', `user is an object: ${JSON.stringify(u)}`);
  for (const k of ['id', 'name', 'status', 'user_type', 'deleted_at', 'details', 'team_name']) {
    assert.ok(k in u, `user has "${k}": ${JSON.stringify(u)}`);
  }
  assert.match(u.id, UUID_RE, `user id is a lower-case UUID: ${JSON.stringify(u)}`);
  if (o.name !== undefined) assert.equal(u.name, o.name);
  if (o.team !== undefined) assert.equal(u.team_name, o.team, `team_name of ${u.name}`);
  assert.ok(['ACTIVE', 'DISABLED', 'DELETED'].includes(u.status), `status of ${u.name}: ${u.status}`);
  if (o.status !== undefined) assert.equal(u.status, o.status, `status of ${u.name}`);
  assert.ok(['human', 'service'].includes(u.user_type), `user_type of ${u.name}: ${u.user_type}`);
  if (o.type !== undefined) assert.equal(u.user_type, o.type, `user_type of ${u.name}`);
  if (u.status === 'DELETED') assert.ok(isRfc3339(u.deleted_at), `deleted user has RFC 3339 deleted_at: ${JSON.stringify(u)}`);
  else assert.equal(u.deleted_at, null, `live user has deleted_at null: ${JSON.stringify(u)}`);
  if (u.user_type === 'service') {
    assert.equal(u.details, null, `service user has details null: ${JSON.stringify(u)}`);
  } else {
    assert.ok(u.details && typeof u.details === 'object', `human user has details: ${JSON.stringify(u)}`);
    for (const k of ['first_name', 'last_name', 'full_name', 'email']) {
      assert.equal(typeof u.details[k], 'string', `details.${k} is a string: ${JSON.stringify(u)}`);
    }
    if (o.first !== undefined) assert.equal(u.details.first_name, o.first);
    if (o.last !== undefined) assert.equal(u.details.last_name, o.last);
    if (o.email !== undefined) assert.equal(u.details.email, o.email);
    if (o.first !== undefined && o.last !== undefined) {
      assert.ok(u.details.full_name.includes(o.first) && u.details.full_name.includes(o.last),
        `full_name ${JSON.stringify(u.details.full_name)} is made of first and last name`);
    }
  }
  assertNoZeroTime(u, `user ${u.name}`);
}

// Parses a Link header into {rel: url}; asserts each relation appears at most once.
export function parseLink(value) {
  const out = {};
  if (!value) return out;
  const re = /<([^>]*)>\s*((?:;\s*[^;,]+)*)/g;
  let m;
  while ((m = re.exec(value)) !== null) {
    const relm = /;\s*rel="?([^";,]+)"?/.exec(m[2]);
    assert.ok(relm, `Link entry has a rel: ${value}`);
    for (const rel of relm[1].trim().split(/\s+/)) {
      assert.ok(!(rel in out), `rel="${rel}" appears once in Link: ${value}`);
      out[rel] = m[1];
    }
  }
  return out;
}

export function byteCompare(a, b) {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function names(list) {
  return list.map((x) => x.name);
}
