// The database going away under load (issue 9): two nodes on one PostgreSQL database serve
// light traffic in both dialects while PostgreSQL stops for ~3 s and starts again. While it is
// down they answer only 503 (Retry-After set, the dialect's error object) and nothing else of
// the 5xx kind, never drop a connection or crash; within seconds of its return they serve fully
// again; every write acknowledged with a 2xx is there afterwards. The PostgreSQL server is this
// test's own (scripts/pg.sh, its own state file), so stopping it disturbs no one.
// Needs ROSTER_TEST_PG (PostgreSQL tests enabled) and PostgreSQL 15's binaries here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { REPO, startServer, initStore } from './lib/server.mjs';
import { assertList } from './lib/asa.mjs';
import { api } from './lib/okta.mjs';
import { assertAllValidated } from './lib/openapi.mjs';
import { ownCluster, withoutPassword } from './lib/pg.mjs';

const DOWN_MS = 3000;
const RECOVER_MS = 5000; // full service again within this long after PostgreSQL is back
const skip = !process.env.ROSTER_TEST_PG
  ? 'ROSTER_TEST_PG is not set: PostgreSQL tests are off'
  : !existsSync('/usr/lib/postgresql/15/bin/pg_ctl')
    ? 'PostgreSQL 15 is not installed here: no server of this test\'s own to stop and start'
    : false;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let cluster;
let creds;
const nodes = [];

if (!skip) {
  before(async () => {
    cluster = await ownCluster(REPO).create();
    const store = withoutPassword(cluster.url);
    creds = await initStore(store, 'restart');
    // node 1 has the password in --store: its log (reconnections included) must not show it
    for (const st of [store, cluster.url]) {
      const s = {};
      nodes.push(s);
      await startServer({ store: st, creds, args: ['--access-log', 'on'] }, s);
    }
  }, { timeout: 120000 });

  after(async () => {
    const problems = [];
    for (const s of nodes) {
      if (!s.proc) { s.cleanup?.(); continue; }
      const alive = s.exit === null;
      const ex = await s.stop();
      s.cleanup();
      if (!alive) problems.push(`the node on ${s.base} died (code ${ex.code}, signal ${ex.signal}); stderr:\n${s.stderr.slice(-3000)}`);
      else if (ex.code !== 0 || ex.signal !== null) problems.push(`the node on ${s.base} exited code ${ex.code} signal ${ex.signal} on SIGTERM; stderr:\n${s.stderr.slice(-3000)}`);
    }
    await cluster?.destroy();
    assertAllValidated();
    assert.deepEqual(problems, []);
  }, { timeout: 60000 });
}

// One request of the load; returns {sent, got, node, what, status, error, write, name}.
async function one(s, n, what, seq) {
  const sent = Date.now();
  const rec = { sent, node: n, what, write: what.endsWith('write') };
  try {
    let r;
    if (what === 'asa write') {
      rec.name = `w-${n}-${seq}`;
      r = await s.asa('POST', 'groups', { body: { name: rec.name, roles: [] } });
    } else if (what === 'okta write') {
      rec.name = `o-${n}-${seq}`;
      r = await api(s, 'POST', '/api/v1/groups', { body: { profile: { name: rec.name } }, token: creds.api_token });
    } else if (what === 'asa read') {
      r = await s.asa('GET', 'groups?count=5');
    } else {
      r = await api(s, 'GET', '/api/v1/groups?limit=5', { token: creds.api_token });
    }
    rec.status = r.status;
    rec.ok = r.status === (what === 'asa write' ? 201 : 200);
    if (r.status === 503) {
      rec.retryAfter = r.headers['retry-after'];
      const b = r.json ?? {};
      rec.format = what.startsWith('asa')
        ? typeof b.type === 'string' && typeof b.message === 'string' && b.code === 503
        : typeof b.errorCode === 'string' && typeof b.errorSummary === 'string' && typeof b.errorId === 'string' && Array.isArray(b.errorCauses);
      rec.body = r.text.slice(0, 300);
    } else if (!rec.ok) {
      rec.body = r.text.slice(0, 300);
    }
  } catch (e) {
    rec.error = e.message.split('\n')[0]; // a dropped connection, a timeout, or an undocumented response
  }
  rec.got = Date.now();
  return rec;
}

const show = (r) => `node ${r.node} ${r.what} sent at +${r.sent - t0} ms: ${r.error ?? `${r.status} ${r.body ?? ''}`}`;
let t0 = 0;

test('PostgreSQL stops for 3 s under light load through two nodes: 503s only, then full service, no acknowledged write lost', { skip, timeout: 60000 }, async () => {
  const log = [];
  let running = true;
  let seq = 0;
  t0 = Date.now();
  // each node: one ASA and one Okta client, alternating writes and reads, ~25 requests/s each
  const workers = [];
  nodes.forEach((s, n) => {
    for (const dialect of ['asa', 'okta']) {
      workers.push((async () => {
        for (let i = 0; running; i++) {
          log.push(await one(s, n, `${dialect} ${i % 2 ? 'read' : 'write'}`, ++seq));
          await sleep(40);
        }
      })());
    }
  });

  await sleep(1000);
  const tStop = Date.now();
  await cluster.stop();
  const tDown = Date.now();
  await sleep(DOWN_MS);
  const tStart = Date.now();
  await cluster.start();
  const tUp = Date.now();
  // until 1.5 s without a failure, or RECOVER_MS + 3 s at most
  for (;;) {
    await sleep(250);
    const now = Date.now();
    const lastBad = Math.max(tUp, ...log.filter((r) => r.sent >= tUp && !r.ok).map((r) => r.sent));
    if ((now - lastBad > 1500 && now - tUp > 1500) || now - tUp > RECOVER_MS + 3000) break;
  }
  running = false;
  await Promise.all(workers);

  const timeline = `stop at +${tStop - t0} ms, down at +${tDown - t0}, start at +${tStart - t0}, up at +${tUp - t0}`;
  // Every check runs and reports (with up to 5 examples each), so one failure hides no other.
  const problems = [];
  const none = (what, list) => {
    if (list.length) problems.push(`${what}: ${list.length} × (${timeline}), e.g.\n    ${list.slice(0, 5).map((x) => (typeof x === 'string' ? x : show(x))).join('\n    ')}`);
  };
  const check = (ok, what) => { if (!ok) problems.push(what); };
  // before the stop: full service
  const before = log.filter((r) => r.got < tStop);
  check(before.length >= 8, `load ran before the stop (${before.length} requests)`);
  none('before the stop, requests that failed', before.filter((r) => !r.ok));
  // at every time: 2xx or 503, no other status, no dropped connection
  none('answers neither 2xx nor 503 (or no answer)', log.filter((r) => !r.ok && r.status !== 503));
  // every 503 has Retry-After and the dialect's error object
  const unavailable = log.filter((r) => r.status === 503);
  none('503 without Retry-After (seconds)', unavailable.filter((r) => !/^\d+$/.test(r.retryAfter ?? '')));
  none('503 not in the dialect\'s error format', unavailable.filter((r) => !r.format));
  // while it is down: only 503s, and some were seen
  const down = log.filter((r) => r.sent >= tDown && r.got <= tStart);
  check(down.length >= 8, `requests were made while PostgreSQL was down (${down.length}; ${timeline})`);
  none('while PostgreSQL was down, answers other than 503', down.filter((r) => r.status !== 503));
  // after it is back: full service within RECOVER_MS, on both nodes and all four kinds
  const lastBad = Math.max(0, ...log.filter((r) => r.sent >= tUp && !r.ok).map((r) => r.sent));
  check(lastBad === 0 || lastBad - tUp <= RECOVER_MS,
    `full service within ${RECOVER_MS} ms of PostgreSQL's return: the last failure was sent ${lastBad - tUp} ms after (${timeline})`);
  for (const n of [0, 1]) {
    for (const what of ['asa write', 'okta write', 'asa read', 'okta read']) {
      check(log.some((r) => r.node === n && r.what === what && r.ok && r.sent > Math.max(lastBad, tUp)), `node ${n} serves ${what} after the restart`);
    }
  }

  // every acknowledged write is there, through both nodes and both dialects
  const acked = log.filter((r) => r.write && r.ok).map((r) => r.name);
  check(acked.length > 10, `writes were acknowledged (${acked.length})`);
  const [a, b] = nodes;
  const asaNames = new Set(assertList(await a.asa('GET', 'groups?count=1000')).map((g) => g.name));
  const og = await api(b, 'GET', '/api/v1/groups?limit=10000', { token: creds.api_token });
  assert.equal(og.status, 200, og.text.slice(0, 300));
  const oktaNames = new Set(og.json.map((g) => g.profile.name));
  none('acknowledged writes missing through ASA on node 0', acked.filter((n) => !asaNames.has(n)));
  none('acknowledged writes missing through Okta on node 1', acked.filter((n) => !oktaNames.has(n)));
  for (const s of nodes) check(s.exit === null, `the node on ${s.base} is still running`);
  const pw = decodeURIComponent(new URL(cluster.url).password);
  for (const s of nodes) check(!s.stderr.includes(pw), `the database password appears in the log of ${s.base}`);
  console.log(`pg_restart: ${log.length} requests, ${unavailable.length} × 503, ${acked.length} writes acknowledged; ${timeline}; ` +
    `last failure ${lastBad ? lastBad - tUp : 'none'} ms after up`);
  assert.deepEqual(problems, []);
});

test('worker threads that first meet the database down open it once it is back: full service on every thread', { skip, timeout: 60000 }, async () => {
  // a fresh node: its worker threads open their connections on their first request, which
  // here comes while PostgreSQL is down (more threads than the start-up requests reach)
  const s = {};
  nodes.push(s);
  await startServer({ store: withoutPassword(cluster.url), creds, args: ['--threads', '8'] }, s);
  await cluster.stop();
  const burst = (n) => Promise.all(Array.from({ length: n }, () => s.asa('GET', 'groups?count=1')));
  try {
    const down = await burst(24);
    assert.deepEqual([...new Set(down.map((r) => r.status))], [503], 'while down: 503 only');
  } finally {
    await cluster.start();
  }
  await sleep(1500);
  const statuses = [];
  for (let round = 0; round < 4; round++) statuses.push(...(await burst(24)).map((r) => r.status));
  const bad = statuses.filter((x) => x !== 200);
  assert.equal(bad.length, 0, `1.5 s after PostgreSQL's return, ${bad.length} of ${statuses.length} requests still failed: ${[...new Set(bad)]}`);
});
