// Server enrollment tokens carry a random secret (not only their id and the server URL), are
// shown again on get and list to the roles asa.md §4.5.2 allows and to no others, and are
// sealed at rest: the database file does not hold the secret, its key file (beside it, 0600)
// does not travel with a copy of the database, and a store never silently gets a new key.
// On PostgreSQL the stored bytes are what pg_dump writes of the database; the key file tests
// are about the SQLite file and skip there (README.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useServer, runCli, sqliteOnly } from './lib/server.mjs';
import { dumpData } from './lib/pg.mjs';
import { assertStatus, assertError, assertList, UUID_RE } from './lib/asa.mjs';

const s = useServer({ team: 'tokens' });
const PROJECT = 'enrolled';
const PATH = `projects/${PROJECT}/server_enrollment_tokens`;
let rep; let acc; let made;

function decode(token) {
  assert.match(token, /^[A-Za-z0-9+/]+={0,2}$/, 'standard base64');
  return JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
}

// The secret's bytes: base64url of at least 32 bytes.
function secretBytes(k) {
  assert.equal(typeof k, 'string', 'the token carries a secret "k"');
  assert.match(k, /^[A-Za-z0-9_-]+$/, 'base64url');
  return Buffer.from(k, 'base64url');
}

test('a token holds a random secret besides its id and URL; two tokens hold different ones', async () => {
  assertStatus(await s.asa('POST', 'projects', { body: { name: PROJECT } }), 201);
  rep = await s.principal('reporter', ['reporting_user']);
  acc = await s.principal('accessor', ['access_user']);
  const a = await s.asa('POST', PATH, { body: { description: 'first' } });
  const b = await s.asa('POST', PATH, { token: acc.token, body: { description: 'second' } });
  assertStatus(a, 201);
  assertStatus(b, 201);
  made = [a.json, b.json];
  const [da, db] = made.map((t) => decode(t.token));
  for (const [t, d] of [[a.json, da], [b.json, db]]) {
    assert.match(t.id, UUID_RE);
    assert.equal(d.s, t.id);
    assert.equal(d.u, s.base);
    const bytes = secretBytes(d.k);
    assert.ok(bytes.length >= 32, `at least 32 random bytes, got ${bytes.length}`);
    assert.ok(new Set(bytes).size >= 16, 'varied bytes (32 random bytes have ~30 distinct values)');
    for (const pub of [t.id, t.id.replaceAll('-', ''), s.base, t.description]) {
      assert.ok(!d.k.includes(pub) && !bytes.toString('latin1').includes(pub), `the secret is not made of ${pub}`);
    }
  }
  assert.notEqual(da.k, db.k, 'each token has its own secret');
  assert.deepEqual(Object.keys(da).sort(), ['k', 's', 'u']);
});

test('get and list show the same token again to access_admin and access_user; reporting_user gets 403', async () => {
  for (const token of [s.token, acc.token]) {
    for (const t of made) {
      const r = await s.asa('GET', `${PATH}/${t.id}`, { token });
      assertStatus(r, 200);
      assert.equal(secretBytes(decode(r.json.token).k).length, 32, 'shown with its secret');
      assert.deepEqual(r.json, t, 'the token as created, secret included');
    }
    const list = assertList(await s.asa('GET', PATH, { token }));
    assert.ok(list.every((t) => secretBytes(decode(t.token).k).length === 32), 'listed with secrets');
    assert.deepEqual(list, made);
  }
  for (const [m, p, body] of [['GET', PATH], ['GET', `${PATH}/${made[0].id}`], ['POST', PATH, { description: 'r' }]]) {
    const r = await s.asa(m, p, { token: rep.token, ...(body ? { body } : {}) });
    assertError(r, 403, 'forbidden_error');
    assert.ok(!r.text.includes(decode(made[0].token).k), 'no secret in the refusal');
  }
  assertError(await s.asa('GET', PATH, { token: null }), 401);
});

// Every byte the store keeps on disk for the database (not its key file); on PostgreSQL all
// of the database's data as pg_dump writes it.
function databaseBytes() {
  if (s.db) return dumpData(s.store);
  const parts = [s.dbPath, `${s.dbPath}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p));
  return Buffer.concat(parts);
}

test('the database does not hold a token\'s secret in any form', async () => {
  const bytes = databaseBytes();
  for (const t of made) {
    assert.ok(bytes.includes(Buffer.from(t.id)), 'the search works: the token id is stored in clear');
    const { k } = decode(t.token);
    const raw = secretBytes(k);
    for (const form of [Buffer.from(k), raw, Buffer.from(raw.toString('base64')), Buffer.from(raw.toString('hex')), Buffer.from(t.token)]) {
      assert.ok(!bytes.includes(form), `secret found in the database (${form.length} bytes)`);
    }
  }
});

test('the database file, its WAL and shared-memory files are 0600; a wider file is narrowed at open', { skip: sqliteOnly('the subject is the SQLite database file') }, async () => {
  const r = await s.asa('POST', 'groups', { body: { name: 'perm-check', roles: [] } });
  assert.equal(r.status, 201, r.text);
  for (const f of [s.dbPath, `${s.dbPath}-wal`, `${s.dbPath}-shm`]) {
    assert.ok(existsSync(f), `${f} exists`);
    assert.equal((statSync(f).mode & 0o777).toString(8), '600', f);
  }
  // a store made elsewhere with the usual 0644 is narrowed when roster opens it
  const dir = mkdtempSync(join(tmpdir(), 'roster-perm-'));
  try {
    const db = join(dir, 'wide.db');
    writeFileSync(db, '', { mode: 0o644 });
    chmodSync(db, 0o644);
    const out = await runCli(['init', '--store', `sqlite:${db}`, '--team', 'wide']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /readable by others/);
    assert.equal((statSync(db).mode & 0o777).toString(8), '600');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the key file beside the database file is 0600', { skip: sqliteOnly('the subject is the PATH.key file beside the SQLite database') }, () => {
  const key = `${s.dbPath}.key`;
  assert.ok(existsSync(key), 'the key file is beside the database');
  assert.equal(statSync(key).mode & 0o777, 0o600);
  assert.match(readFileSync(key, 'utf8'), /^[0-9a-f]{64}\n$/);
});

test('after a restart the tokens read back unchanged (Terraform re-reads them)', async () => {
  await s.restart();
  s.token = await s.tokenFor(s.creds.key_id, s.creds.key_secret);
  const list = assertList(await s.asa('GET', PATH));
  assert.ok(list.every((t) => secretBytes(decode(t.token).k).length === 32), 'still with their secrets');
  assert.deepEqual(list, made);
});

test('a copy of the database without its key does not open; with it, or a foreign key, as it should', { skip: sqliteOnly('the subject is a copy of the SQLite file and its PATH.key file') }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-copy-'));
  try {
    const copy = join(dir, 'roster.db');
    copyFileSync(s.dbPath, copy);
    if (existsSync(`${s.dbPath}-wal`)) copyFileSync(`${s.dbPath}-wal`, `${copy}-wal`);
    const init = () => runCli(['init', '--store', `sqlite:${copy}`, '--team', 'copied']);
    let r = await init();
    assert.notEqual(r.code, 0, 'no new key for a store holding sealed tokens');
    assert.match(r.stderr, /key file .*roster\.db\.key is missing/);
    assert.ok(!existsSync(`${copy}.key`), 'and none was made');

    writeFileSync(`${copy}.key`, `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    r = await init();
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /does not open this store's enrollment tokens/);

    copyFileSync(`${s.dbPath}.key`, `${copy}.key`);
    chmodSync(`${copy}.key`, 0o644);
    r = await init();
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /owner only/);

    chmodSync(`${copy}.key`, 0o600);
    r = await init();
    assert.equal(r.code, 0, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
