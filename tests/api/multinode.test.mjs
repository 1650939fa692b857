// Several nodes on one PostgreSQL database (issue 9): two `roster serve` processes on one store
// see each other's writes at once, accept each other's tokens, refuse a deleted key or a disabled
// user on the next request, keep exact members under concurrent membership changes from both
// nodes in both dialects, decide a group name race with one 201 and one 409, and migrate an
// empty database once when started together. Needs ROSTER_TEST_PG (a URL of a role that may
// create databases); runs whatever ROSTER_TEST_ENGINE says (the nodes are always on PostgreSQL).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createStore, initStore } from './lib/server.mjs';
import { assertStatus, assertError, assertList, assertGroup, parseLink, names } from './lib/asa.mjs';
import { api, assertOktaError, links } from './lib/okta.mjs';
import { assertAllValidated } from './lib/openapi.mjs';
import { rows } from './lib/pg.mjs';

const PG = process.env.ROSTER_TEST_PG;

if (!PG) {
  test('several nodes on one PostgreSQL database', { skip: 'ROSTER_TEST_PG is not set: no PostgreSQL server to run two nodes on' }, () => {});
} else {
  const TEAM = 'multi';
  let store;
  let creds;
  let A;
  let B;
  const servers = [];
  const stores = [];

  const start = async (opts) => {
    const s = {};
    servers.push(s);
    await startServer(opts, s);
    return s;
  };

  before(async () => {
    store = await createStore('pg');
    stores.push(store);
    creds = await initStore(store.store, TEAM);
    [A, B] = await Promise.all([start({ store: store.store, creds }), start({ store: store.store, creds })]);
  }, { timeout: 60000 });

  after(async () => {
    const problems = [];
    for (const s of servers) {
      if (!s.proc) { s.cleanup?.(); continue; }
      const alive = s.exit === null;
      const ex = await s.stop();
      s.cleanup();
      if (!alive) problems.push(`a node on ${s.base} died during the tests (code ${ex.code}, signal ${ex.signal}); stderr:\n${s.stderr.slice(-3000)}`);
      else if (ex.code !== 0 || ex.signal !== null) problems.push(`a node on ${s.base} exited code ${ex.code} signal ${ex.signal} on SIGTERM; stderr:\n${s.stderr.slice(-3000)}`);
    }
    for (const st of stores) st.cleanup();
    assertAllValidated();
    assert.deepEqual(problems, []);
  }, { timeout: 30000 });

  const okta = (s, method, path, o = {}) => api(s, method, path, { token: creds.api_token, ...o });
  const mkUser = (login) => ({ profile: { login: `${login}@example.com`, email: `${login}@example.com`, firstName: 'F', lastName: login } });

  // Every page of an ASA list (rel="next"), and of an Okta list (Link rel="next").
  async function asaAll(s, path) {
    const out = [];
    let next = path;
    for (let i = 0; next && i < 100; i++) {
      const r = await s.asa('GET', next);
      out.push(...assertList(r, `GET ${next} on ${s.base}`));
      next = parseLink(r.headers.link).next;
    }
    return out;
  }
  async function oktaAll(s, path) {
    const out = [];
    let next = path;
    for (let i = 0; next && i < 100; i++) {
      const r = await okta(s, 'GET', next);
      assert.equal(r.status, 200, `GET ${next} on ${s.base}: ${r.status} ${r.text.slice(0, 300)}`);
      out.push(...r.json);
      next = links(r).next;
    }
    return out;
  }

  // Runs the tasks with at most n in flight; resolves their results in order.
  async function pool(tasks, n) {
    const out = new Array(tasks.length);
    let i = 0;
    await Promise.all(Array.from({ length: n }, async () => {
      while (i < tasks.length) {
        const k = i++;
        out[k] = await tasks[k]();
      }
    }));
    return out;
  }

  test('a write through one node is read through the other, in both dialects', async () => {
    // ASA group made on A, read on B in both dialects
    let r = await A.asa('POST', 'groups', { body: { name: 'from-a', roles: ['access_user'] } });
    assertStatus(r, 201, 'create on A');
    const made = r.json;
    r = await B.asa('GET', 'groups/from-a');
    assertStatus(r, 200, 'read on B');
    assert.deepEqual(r.json, made, 'B reads the group as A wrote it');
    const og = await okta(B, 'GET', '/api/v1/groups?q=from-a');
    assert.equal(og.status, 200, og.text);
    assert.deepEqual(og.json.map((g) => g.profile.name), ['from-a']);
    const gid = og.json[0].id;

    // Okta user made on B, read on A in both dialects
    const u = await okta(B, 'POST', '/api/v1/users?activate=false', { body: mkUser('crossing') });
    assert.equal(u.status, 200, u.text);
    const ou = await okta(A, 'GET', `/api/v1/users/${u.json.id}`);
    assert.equal(ou.status, 200, ou.text);
    assert.deepEqual(ou.json.profile, u.json.profile);
    assert.equal(ou.json.status, u.json.status);
    r = await A.asa('GET', 'users/crossing');
    assertStatus(r, 200, 'the Okta user through ASA on A');
    assert.equal(r.json.details.email, 'crossing@example.com');

    // membership through A (Okta) seen by B (ASA and Okta)
    assert.equal((await okta(A, 'PUT', `/api/v1/groups/${gid}/users/${u.json.id}`)).status, 204);
    assert.deepEqual(names(assertList(await B.asa('GET', 'groups/from-a/users'))), ['crossing']);
    assert.deepEqual((await okta(B, 'GET', `/api/v1/groups/${gid}/users`)).json.map((x) => x.id), [u.json.id]);

    // a rename through B (Okta) is the ASA path key on A at once; the old name is gone
    assert.equal((await okta(B, 'PUT', `/api/v1/groups/${gid}`, { body: { profile: { name: 'renamed-on-b' } } })).status, 200);
    assertGroup((await A.asa('GET', 'groups/renamed-on-b')).json, { name: 'renamed-on-b', roles: ['access_user'] });
    assertError(await A.asa('GET', 'groups/from-a'), 404);

    // a delete through A is a 404 on B in both dialects
    assertStatus(await A.asa('DELETE', 'groups/renamed-on-b'), 204);
    assertError(await B.asa('GET', 'groups/renamed-on-b'), 404);
    assertOktaError(await okta(B, 'GET', `/api/v1/groups/${gid}`), 404, 'E0000007');
  });

  test('a bearer token issued by one node is accepted by the other', async () => {
    const tok = await A.tokenFor(creds.key_id, creds.key_secret);
    assertList(await B.asa('GET', 'groups', { token: tok }), 'the admin token from A on B');
    assertStatus(await B.asa('GET', 'current_user', { token: tok }), 200);
    const p = await B.principal('reader', ['reporting_user']);
    assertList(await A.asa('GET', 'groups', { token: p.token }), 'a token B issued, on A');
    assertError(await A.asa('POST', 'groups', { token: p.token, body: { name: 'nope', roles: [] } }), 403);
  });

  test('a key deleted, or a user disabled, through one node is refused by the other on the next request', async () => {
    const p = await A.principal('keyloser', ['reporting_user']);
    assertList(await B.asa('GET', 'groups', { token: p.token }), 'B accepts the token before');
    assertStatus(await A.asa('DELETE', `service_users/keyloser/keys/${p.keyId}`), 204);
    assertError(await B.asa('GET', 'groups', { token: p.token }), 401);
    assertError(await B.asa('POST', 'service_token', { token: null, body: { key_id: p.keyId, key_secret: p.secret } }), 401);

    const v = await B.principal('victim', ['reporting_user']);
    assertList(await A.asa('GET', 'groups', { token: v.token }), 'A accepts the token before');
    assertStatus(await B.asa('PUT', 'service_users/victim', { body: { status: 'DISABLED' } }), 200);
    assertError(await A.asa('GET', 'groups', { token: v.token }), 401);
    assertError(await A.asa('POST', 'service_token', { token: null, body: { key_id: v.keyId, key_secret: v.secret } }), 401);
  });

  test('2 × 500 concurrent membership changes through both nodes and both dialects end exact', { timeout: 120000 }, async () => {
    const N = 25; // users added (with repeats), and pre-added members removed (with repeats)
    const OPS = 500; // per node
    assertStatus(await A.asa('POST', 'groups', { body: { name: 'crowd', roles: [] } }), 201);
    const gid = (await okta(A, 'GET', '/api/v1/groups?q=crowd')).json[0].id;
    const made = await pool(Array.from({ length: 2 * N }, (_, i) => async () => {
      const login = i < N ? `m-add-${i}` : `m-rem-${i - N}`;
      const r = await okta(i % 2 ? A : B, 'POST', '/api/v1/users?activate=false', { body: mkUser(login) });
      assert.equal(r.status, 200, `create ${login}: ${r.text}`);
      return { name: login, id: r.json.id };
    }), 4);
    const adds = made.slice(0, N);
    const rems = made.slice(N);
    for (const u of rems) assertStatus(await A.asa('POST', 'groups/crowd/users', { body: { name: u.name } }), 204, `pre-add ${u.name}`);

    // Node A adds through ASA and removes through Okta on even rounds, the other way round on
    // odd ones; node B the opposite, so each kind of change comes from both nodes at once.
    const ops = [];
    for (const [k, s] of [[0, A], [1, B]]) {
      for (let i = 0; i < OPS; i++) {
        const add = i % 2 === 0;
        const j = i >> 1; // every user of both sets comes up, ten times per node
        const u = add ? adds[(j * 7 + k * 3) % N] : rems[(j * 3 + k * 11) % N];
        const viaAsa = ((i >> 1) + k) % 2 === 0;
        let req;
        if (viaAsa) req = add ? () => s.asa('POST', 'groups/crowd/users', { body: { name: u.name } }) : () => s.asa('DELETE', `groups/crowd/users/${u.name}`);
        else req = () => okta(s, add ? 'PUT' : 'DELETE', `/api/v1/groups/${gid}/users/${u.id}`);
        ops.push({ what: `${add ? 'add' : 'remove'} ${u.name} via ${viaAsa ? 'ASA' : 'Okta'} on node ${k ? 'B' : 'A'}`, req });
      }
    }
    // interleave the two nodes' operations, 12 in flight
    const order = [];
    for (let i = 0; i < OPS; i++) order.push(ops[i], ops[OPS + i]);
    const bad = [];
    await pool(order.map((o) => async () => {
      let r;
      try {
        r = await o.req();
      } catch (e) {
        bad.push(`${o.what}: ${e.message}`);
        return;
      }
      if (r.status !== 204) bad.push(`${o.what}: ${r.status} ${r.text.slice(0, 200)}`);
    }), 12);
    assert.deepEqual(bad.slice(0, 20), [], `${bad.length} of ${2 * OPS} changes did not answer 204`);

    const want = adds.map((u) => u.name).sort();
    const wantIds = adds.map((u) => u.id).sort();
    for (const s of [A, B]) {
      const asa = (await asaAll(s, 'groups/crowd/users?count=10')).map((u) => u.name);
      assert.deepEqual([...asa].sort(), want, `ASA members on ${s.base}`);
      assert.equal(asa.length, N, `ASA member count on ${s.base}`);
      const ok = (await oktaAll(s, `/api/v1/groups/${gid}/users?limit=10`)).map((u) => u.id);
      assert.deepEqual([...ok].sort(), wantIds, `Okta members on ${s.base}`);
      const g = await okta(s, 'GET', `/api/v1/groups/${gid}?expand=stats`);
      assert.equal(g.json?._embedded?.stats?.usersCount, N, `Okta usersCount on ${s.base}: ${g.text.slice(0, 300)}`);
      const [listed] = (await okta(s, 'GET', `/api/v1/groups?filter=${encodeURIComponent(`id eq "${gid}"`)}&expand=stats`)).json;
      assert.equal(listed._embedded.stats.usersCount, N, `Okta usersCount in the list on ${s.base}`);
    }
    // each side of the membership agrees: a user's groups
    for (const u of [adds[0], rems[0]]) {
      const gs = names(assertList(await B.asa('GET', `users/${u.name}/groups`)));
      assert.equal(gs.includes('crowd'), u === adds[0], `groups of ${u.name}: ${gs}`);
    }
  });

  test('two nodes creating the same group name at once: one succeeds, one conflicts', async () => {
    const kinds = [['asa', 'asa'], ['okta', 'okta'], ['asa', 'okta'], ['okta', 'asa']];
    const create = (s, kind, name) => (kind === 'asa'
      ? s.asa('POST', 'groups', { body: { name, roles: [] } })
      : okta(s, 'POST', '/api/v1/groups', { body: { profile: { name } } }));
    const won = (kind, r) => r.status === (kind === 'asa' ? 201 : 200);
    const lost = (kind, r) => (kind === 'asa'
      ? r.status === 409 && r.json?.type === 'resource_already_exists'
      : r.status === 400 && r.json?.errorCode === 'E0000001');
    for (let round = 0; round < 8; round++) {
      const [ka, kb] = kinds[round % kinds.length];
      const name = `race-${round}`;
      const [ra, rb] = await Promise.all([create(A, ka, name), create(B, kb, name)]);
      const shown = `A (${ka}): ${ra.status} ${ra.text.slice(0, 200)}; B (${kb}): ${rb.status} ${rb.text.slice(0, 200)}`;
      assert.ok((won(ka, ra) && lost(kb, rb)) || (won(kb, rb) && lost(ka, ra)), `round ${round} ${name}: one success and one conflict expected; ${shown}`);
      const listed = await okta(B, 'GET', `/api/v1/groups?q=${name}`);
      assert.deepEqual(listed.json.map((g) => g.profile.name), [name], `one group ${name}`);
      assertStatus(await A.asa('GET', `groups/${name}`), 200);
    }
  });

  test('two nodes started together on an empty database: one migration, both serve', { timeout: 90000 }, async () => {
    for (let round = 0; round < 3; round++) {
      const st = await createStore('pg');
      stores.push(st);
      const [c, d] = await Promise.all([
        start({ store: st.store, init: false, probe: 'tcp' }),
        start({ store: st.store, init: false, probe: 'tcp' }),
      ]);
      const got = await rows(st.db.url, 'SELECT version, count(*) FROM roster_schema_version GROUP BY version ORDER BY version');
      assert.ok(got.length > 0, 'the schema version table has rows');
      got.forEach(([v, n], i) => {
        assert.equal(Number(v), i + 1, `round ${round}: versions are 1..${got.length}: ${JSON.stringify(got)}`);
        assert.equal(n, '1', `round ${round}: migration ${v} is recorded once`);
      });
      // both answer from the store before any team exists, then serve the team init makes
      for (const s of [c, d]) assertOktaError(await api(s, 'GET', '/api/v1/groups', { token: 'not-a-token' }), 401, 'E0000011');
      const cr = await initStore(st.store, 'fresh');
      const again = await rows(st.db.url, 'SELECT count(*), max(version) FROM roster_schema_version');
      assert.deepEqual(again, [[String(got.length), String(got.length)]], 'init migrates nothing more');
      const tok = await c.tokenFor(cr.key_id, cr.key_secret, 'fresh');
      for (const s of [c, d]) {
        assert.deepEqual(names(assertList(await s.asa('GET', '/v1/teams/fresh/groups', { token: tok }))), ['everyone', 'owners']);
        const og = await api(s, 'GET', '/api/v1/groups', { token: cr.api_token });
        assert.equal(og.status, 200, og.text);
      }
      for (const s of [c, d]) {
        const ex = await s.stop();
        servers.splice(servers.indexOf(s), 1);
        s.cleanup();
        assert.deepEqual(ex, { code: 0, signal: null }, `a node exits 0 on SIGTERM; stderr:\n${s.stderr.slice(-2000)}`);
      }
    }
  });
}
