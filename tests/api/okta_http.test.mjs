// Okta dialect over raw HTTP: what the SDK hides (headers, query decoding, paths, malformed
// bodies, auth and rights), cross-dialect visibility with the ASA dialect, and the SDK's
// automatic 429 retry against a low --rate-limit.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.mjs';
import { sdk, all, api, assertOktaError, links, unvalidated } from './lib/okta.mjs';
import { checkWindow, freshWindow, OKTA_RL } from './lib/ratelimit.mjs';

describe('raw HTTP', () => {
  const s = useServer();

  test('Date, Content-Type and X-Okta-Request-Id on every response, errors included', async () => {
    for (const [m, p, token] of [['GET', '/api/v1/groups'], ['GET', '/api/v1/nope'], ['GET', '/api/v1/groups', null]]) {
      const r = await api(s, m, p, token === null ? { token: null } : {});
      assert.ok(r.headers.date && !Number.isNaN(Date.parse(r.headers.date)), `Date on ${p}`);
      assert.match(r.headers['content-type'], /^application\/json/);
      assert.match(r.headers['x-okta-request-id'], /^\S+$/);
      if (r.status >= 400) assert.equal(r.json.errorId, r.headers['x-okta-request-id']);
    }
    const unknown = await api(s, 'GET', '/api/v1/nope');
    assertOktaError(unknown, 404, 'E0000008');
    const method = await api(s, 'PATCH', '/api/v1/groups');
    assertOktaError(method, 405, 'E0000022');
  });

  test('auth: no token / bad token 401 E0000011; a read-only principal gets 403 E0000006 on writes', async () => {
    assertOktaError(await api(s, 'GET', '/api/v1/groups', { token: null }), 401, 'E0000011');
    assertOktaError(await api(s, 'GET', '/api/v1/groups', { token: 'nope' }), 401, 'E0000011');
    const ro = await s.principal('reader', ['access_user']);
    const mint = await s.cli(['token', 'add', '--store', s.store, '--team', s.team, '--user', ro.name]);
    assert.equal(mint.code, 0, mint.stderr);
    const tok = JSON.parse(mint.stdout).api_token;
    assert.equal((await api(s, 'GET', '/api/v1/groups', { token: tok })).status, 200);
    assertOktaError(await api(s, 'POST', '/api/v1/groups', { token: tok, body: { profile: { name: 'no' } } }), 403, 'E0000006');
  });

  test('+ and %20 in search, //api/v1/..., trailing slash, Link headers absolute, one per relation', async () => {
    await api(s, 'POST', '/api/v1/groups', { body: { profile: { name: 'Eng & Ops' } } });
    await api(s, 'POST', '/api/v1/groups', { body: { profile: { name: 'Eng Two' } } });
    const plus = await api(s, 'GET', '/api/v1/groups?search=profile.name+sw+%22Eng+%26%22');
    const pct = await api(s, 'GET', '/api/v1/groups?search=profile.name%20sw%20%22Eng%20%26%22');
    assert.deepEqual(plus.json.map((g) => g.profile.name), ['Eng & Ops']);
    assert.deepEqual(pct.json, plus.json);
    const dbl = await api(s, 'GET', '//api/v1/groups/?limit=1');
    assert.equal(dbl.status, 200);
    const l = links(dbl);
    assert.ok(l.self.startsWith(`${s.base}/api/v1/groups?`), l.self);
    assert.ok(l.next.startsWith(`${s.base}/api/v1/groups?`) && l.next.includes('after='), l.next);
    const linkLines = dbl.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === 'link');
    assert.equal(linkLines.length, 2, 'one Link header per relation');
    const last = await api(s, 'GET', '/api/v1/groups?limit=1000');
    assert.equal(links(last).next, undefined, 'no rel="next" on the last page');
    assertOktaError(await api(s, 'GET', '/api/v1/groups?limit=abc'), 400, 'E0000029');
  });

  test('an empty path segment is 404 E0000008 (never collapsed); a trailing / and a leading // still work', async () => {
    const g = await api(s, 'POST', '/api/v1/groups', { body: { profile: { name: 'Slashes' } } });
    assert.equal(g.status, 200, g.text);
    const u = await api(s, 'POST', '/api/v1/users?activate=false', { body: { profile: { login: 'slash@example.com', email: 'slash@example.com' } } });
    assert.equal(u.status, 200, u.text);
    assert.equal((await api(s, 'PUT', `/api/v1/groups/${g.json.id}/users/${u.json.id}`)).status, 204);
    for (const p of ['/api/v1/groups//users', `/api/v1/groups/${g.json.id}//users`, '/api/v1//groups', '/api//v1/groups',
      '/api/v1/groups//', `/api/v1/groups/${g.json.id}//`, '///api/v1/groups', `//api/v1/groups/${g.json.id}/users//`]) {
      assertOktaError(await api(s, 'GET', p), 404, 'E0000008');
    }
    // writes through an empty segment change nothing
    assertOktaError(await api(s, 'DELETE', `/api/v1/groups/${g.json.id}/users//${u.json.id}`), 404, 'E0000008');
    assertOktaError(await api(s, 'DELETE', `/api/v1/groups//${g.json.id}`), 404, 'E0000008');
    const members = await api(s, 'GET', `/api/v1/groups/${g.json.id}/users/`);
    assert.equal(members.status, 200, members.text);
    assert.deepEqual(members.json.map((x) => x.id), [u.json.id]);
    assert.equal((await api(s, 'GET', `//api/v1/groups/${g.json.id}`)).status, 200);
  });

  test('malformed JSON → 400 E0000003; other media types → 400 E0000021; empty lifecycle POST is fine', async () => {
    assertOktaError(await api(s, 'POST', '/api/v1/groups', { raw: '{"profile":', headers: { 'Content-Type': 'application/json' } }), 400, 'E0000003');
    assertOktaError(await api(s, 'POST', '/api/v1/groups', { raw: 'name=x', headers: { 'Content-Type': 'text/plain' } }), 400, 'E0000021');
    const u = await api(s, 'POST', '/api/v1/users?activate=false', { body: { profile: { login: 'empty@example.com', email: 'empty@example.com' } } });
    assert.equal(u.status, 200, u.text);
    const act = await api(s, 'POST', `/api/v1/users/${u.json.id}/lifecycle/activate?sendEmail=false`, { raw: '', headers: { 'Content-Length': '0' } });
    assert.equal(act.status, 200, act.text);
    const de = await api(s, 'POST', `/api/v1/users/${u.json.id}/lifecycle/deactivate`, { raw: '' });
    assert.equal(de.status, 200);
    assert.equal(de.text, '');
  });

  test('lifecycle: credentials are checked before sendEmail; a bad sendEmail changes nothing', async () => {
    const u = await api(s, 'POST', '/api/v1/users?activate=false', { body: { profile: { login: 'send@example.com', email: 'send@example.com' } } });
    assert.equal(u.status, 200, u.text);
    const path = `/api/v1/users/${u.json.id}/lifecycle/activate?sendEmail=maybe`;
    assertOktaError(await api(s, 'POST', path, { raw: '', token: null }), 401, 'E0000011');
    assertOktaError(await api(s, 'POST', path, { raw: '' }), 400, 'E0000001');
    assert.equal((await api(s, 'GET', `/api/v1/users/${u.json.id}`)).json.status, 'STAGED', 'nothing changed');
  });

  test('cross-dialect: made in ASA → seen here; made here → seen in ASA; same members', async () => {
    // ASA group + member (a CLI user) visible through Okta
    let r = await s.asa('POST', 'groups', { body: { name: 'asa-made', roles: [] } });
    assert.equal(r.status, 201, r.text);
    await s.mustUserAdd({ name: 'ada', email: 'ada@example.com' });
    r = await s.asa('POST', 'groups/asa-made/users', { body: { name: 'ada' } });
    assert.equal(r.status, 204, r.text);
    const og = await api(s, 'GET', '/api/v1/groups?q=asa-made');
    assert.deepEqual(og.json.map((g) => g.profile.name), ['asa-made']);
    const members = await api(s, 'GET', `/api/v1/groups/${og.json[0].id}/users`);
    assert.deepEqual(members.json.map((u) => u.profile.email), ['ada@example.com']);
    // service users (roster-admin, reader) are invisible here
    const users = await api(s, 'GET', '/api/v1/users');
    assert.ok(!users.json.some((u) => u.profile.login === 'roster-admin'));
    const ev = await api(s, 'GET', '/api/v1/groups?filter=type%20eq%20%22BUILT_IN%22&expand=stats');
    const everyoneMembers = await api(s, 'GET', `/api/v1/groups/${ev.json[0].id}/users`);
    assert.equal(ev.json[0]._embedded.stats.usersCount, everyoneMembers.json.length, 'usersCount counts human users only');
    assert.ok(!everyoneMembers.json.some((u) => u.profile.login === 'roster-admin'));

    // Okta group (any BMP name) + Okta user visible through ASA, percent-encoded
    const g = await api(s, 'POST', '/api/v1/groups', { body: { profile: { name: 'Équipe Ops' } } });
    const u = await api(s, 'POST', '/api/v1/users?activate=false', { body: { profile: { login: 'grace.hopper@example.com', email: 'grace.hopper@example.com', firstName: 'Grace', lastName: 'Hopper' } } });
    assert.equal((await api(s, 'PUT', `/api/v1/groups/${g.json.id}/users/${u.json.id}`)).status, 204);
    r = await s.asa('GET', `groups/${encodeURIComponent('Équipe Ops')}/users`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.list.map((x) => x.name), ['grace.hopper']);
    assert.equal(r.json.list[0].status, 'DISABLED', 'STAGED is DISABLED in ASA');
    // a second user with the same local part gets a suffixed ASA name
    await api(s, 'POST', '/api/v1/users?activate=false', { body: { profile: { login: 'grace.hopper@other.example', email: 'g2@example.com' } } });
    r = await s.asa('GET', 'users/grace.hopper-2');
    assert.equal(r.status, 200, r.text);
    // rename via Okta changes the ASA path key
    await api(s, 'PUT', `/api/v1/groups/${g.json.id}`, { body: { profile: { name: 'Ops Team' } } });
    assert.equal((await s.asa('GET', `groups/${encodeURIComponent('Ops Team')}`)).status, 200);
    assert.equal((await s.asa('GET', `groups/${encodeURIComponent('Équipe Ops')}`)).status, 404);
    // ASA delete → gone here
    assert.equal((await s.asa('DELETE', 'groups/asa-made')).status, 204);
    assertOktaError(await api(s, 'GET', `/api/v1/groups/${og.json[0].id}`), 404, 'E0000007');
  });
});

describe('rate limits', () => {
  const W = 4; // --rate-limit-window: the test-only short window keeps these tests to seconds
  const s = useServer({ args: ['--rate-limit', '60', '--rate-limit-window', String(W)] });
  const groups = () => api(s, 'GET', '/api/v1/groups');

  test('X-Rate-Limit-* in fixed windows: one Reset per window, 1–60 pass, the 61st is 429 E0000047; the SDK retries into the next window', async () => {
    await checkWindow(groups, OKTA_RL, {
      limit: 60,
      window: W,
      ok: (r, n) => assert.equal(r.status, 200, `request ${n} of the window: ${r.text}`),
      refused: (r) => assertOktaError(r, 429, 'E0000047'),
    });
    // unauthenticated calls carry the headers too (counted against the client address)
    const anon = await api(s, 'GET', '/api/v1/groups', { token: null });
    assertOktaError(anon, 401, 'E0000011');
    for (const h of Object.values(OKTA_RL)) assert.match(anon.headers[h] ?? '', /^\d+$/, h);
    // exhaust the window, then the SDK's own retry (Reset − Date + 1 s) lands in the next one
    let last;
    for (let i = 0; i < 130 && last?.status !== 429; i++) last = await groups();
    assertOktaError(last, 429, 'E0000047');
    const t = Date.now();
    const list = await all(sdk(s).groupApi.listGroups({}));
    assert.ok(list.some((g) => g.profile.name === 'Everyone'), 'the retried request succeeds');
    assert.ok(Date.now() - t <= (W + 1) * 1000 + 1000, `the retry came within one window: ${Date.now() - t} ms`);
  });

  test('90 parallel SDK getUser calls all succeed; each 429 is retried once, after its Reset and within one window', async (t) => {
    const u = await api(s, 'POST', '/api/v1/users?activate=false', { body: { profile: { login: 'burst@example.com', email: 'burst@example.com' } } });
    assert.equal(u.status, 200, u.text);
    await freshWindow(groups, OKTA_RL);
    const client = sdk(s);
    const refused = new Map(); // X-Okta-Request-Id of a 429 → {at, reset}
    const retries = [];
    client.requestExecutor.on('response', (res) => {
      if (res.status === 429) refused.set(res.headers.get('x-okta-request-id'), { at: Date.now(), reset: Number(res.headers.get('x-rate-limit-reset')) });
    });
    client.requestExecutor.on('request', (req) => {
      const of = req.headers?.['X-Okta-Retry-For'];
      if (of) retries.push({ of, at: Date.now(), count: req.headers['X-Okta-Retry-Count'] });
    });
    const got = await Promise.allSettled(Array.from({ length: 90 }, () => client.userApi.getUser({ userId: u.json.id })));
    const failed = got.filter((g) => g.status === 'rejected').map((g) => `${g.reason?.status} ${g.reason?.message}`);
    assert.deepEqual(failed, [], `every call succeeds (${failed.length} failed)`);
    for (const g of got) assert.equal(g.value.id, u.json.id);
    assert.ok(refused.size > 0 && refused.size <= 30, `beyond 60 in the window the calls were refused, then retried: ${refused.size} 429s`);
    assert.equal(retries.length, refused.size, 'one retry per 429, none refused again');
    for (const r of retries) {
      const no = refused.get(r.of);
      assert.ok(no, `the retry follows a 429 (${r.of})`);
      assert.equal(r.count, 1, 'the first retry succeeded');
      assert.ok(r.at >= no.reset * 1000 && r.at < (no.reset + W) * 1000, `the retry is sent in the window after the 429's (${r.at} vs Reset ${no.reset})`);
      assert.ok(r.at - no.at <= (W + 1) * 1000 + 500, `the retry came within one window (+ the SDK's 1 s) of its 429: ${r.at - no.at} ms`);
    }
    const waits = retries.map((r) => r.at - refused.get(r.of).at);
    t.diagnostic(`${refused.size} of 90 got 429 and were retried once; waits ${Math.min(...waits)}..${Math.max(...waits)} ms (window ${W} s)`);
  });
});

test('every JSON body received was checked against an OpenAPI schema', () => {
  assert.deepEqual(unvalidated, [], `bodies no schema checked: ${unvalidated.join(', ')}`);
});
