// `roster serve|init --store postgres://…`: a malformed URL is one line and exit 2, an
// unreachable database one line and exit 1, the password never printed, a warning when it is on
// the command line; against a real server (ROSTER_TEST_PG): init and serve work with the
// password in ROSTER_STORE, in --store (with the warning) or in a libpq password file, the
// password in no output or log line, and a database with a newer schema or not in UTF8 refused
// in one line.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { ROSTER, startServer } from './lib/server.mjs';
import { createDatabase, databaseUrl, psql, psqlSync } from './lib/pg.mjs';
import { assertList } from './lib/asa.mjs';
import { api } from './lib/okta.mjs';
import { assertAllValidated } from './lib/openapi.mjs';

const SECRET = 'pw-Secret-42';

function run(args, env = {}) {
  return new Promise((res) => {
    const e = { ...process.env };
    delete e.ROSTER_STORE; // only what the test gives
    Object.assign(e, env);
    execFile(ROSTER, args, { env: e, timeout: 30000 }, (err, stdout, stderr) => {
      res({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}

function oneLine(out, secret = SECRET) {
  const lines = out.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, out.stderr);
  assert.ok(!out.stderr.includes(secret) && !out.stdout.includes(secret), out.stderr);
  return lines[0];
}

for (const cmd of [['serve', '--listen', '127.0.0.1:0'], ['init', '--team', 'acme']]) {
  test(`${cmd[0]}: a malformed postgres URL is one line and exit 2`, async () => {
    for (const url of [
      `postgres://u:${SECRET}@db:notaport/roster`,
      `postgresql://u:${SECRET}@db/roster?nosuchoption=1`,
      `postgresql://u:${SECRET}%zz@db/roster`,
    ]) {
      const out = await run([...cmd], { ROSTER_STORE: url });
      assert.equal(out.code, 2, out.stderr);
      assert.match(oneLine(out), /invalid store URL postgres(ql)?:\/\/u:\*\*\*@db/);
    }
  });

  test(`${cmd[0]}: an unreachable database is one line and exit 1, with a warning for --store`, async () => {
    const url = `postgresql://roster:${SECRET}@127.0.0.1:1/roster`;
    let out = await run([...cmd], { ROSTER_STORE: url });
    assert.equal(out.code, 1, out.stderr);
    assert.match(oneLine(out), /cannot connect to postgresql:\/\/roster:\*\*\*@127\.0\.0\.1:1\/roster/);
    out = await run([...cmd, '--store', url]);
    assert.equal(out.code, 1, out.stderr);
    const lines = out.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 2, out.stderr);
    assert.match(lines[0], /warning: --store carries a password.*ROSTER_STORE.*PGPASSFILE/);
    assert.ok(!out.stderr.includes(SECRET));
  });
}

const PG = process.env.ROSTER_TEST_PG;
const noPg = !PG && 'ROSTER_TEST_PG is not set';
const made = [];
after(() => { for (const db of made) db.drop(); });

// A fresh database: its URL with the password of ROSTER_TEST_PG (when it has one), and without.
async function fresh() {
  const db = await createDatabase(PG);
  made.push(db);
  const u = new URL(PG);
  u.pathname = `/${db.name}`;
  return { db, withPw: u.href, noPw: databaseUrl(PG, db.name), pw: decodeURIComponent(u.password) || SECRET };
}
const noSecret = (out, pw) => {
  for (const t of [out.stdout, out.stderr]) assert.ok(!t.includes(pw), `the password appears in: ${t}`);
};
const WARNING = /^roster (init|serve): warning: --store carries a password.*ROSTER_STORE.*PGPASSFILE/;
let creds;
let store;

test('init on a reachable database: ROSTER_STORE (no warning), --store (a warning, never the password), a password file (no warning)', { skip: noPg }, async () => {
  const f = await fresh();
  store = f;
  let out = await run(['init', '--team', 'acme'], { ROSTER_STORE: f.withPw });
  assert.equal(out.code, 0, out.stderr);
  creds = JSON.parse(out.stdout);
  assert.equal(creds.team, 'acme');
  assert.equal(out.stderr, '', 'no warning when the password comes from ROSTER_STORE');
  noSecret(out, f.pw);

  out = await run(['init', '--team', 'second', '--store', f.withPw]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(JSON.parse(out.stdout).team, 'second');
  const lines = out.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, out.stderr);
  assert.match(lines[0], WARNING);
  noSecret(out, f.pw);

  // PGPASSFILE is set up by databaseUrl (lib/pg.mjs) and inherited
  assert.ok(process.env.PGPASSFILE || !new URL(PG).password, 'a password file holds the password');
  out = await run(['init', '--team', 'third', '--store', f.noPw]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stderr, '', 'no warning without a password in --store');
});

test('serve with the password in --store: a warning at start, and the password in no output or log line', { skip: noPg }, async () => {
  const s = await startServer({ store: store.withPw, creds, args: ['--access-log', 'on'] });
  try {
    assertList(await s.asa('GET', 'groups'));
    assert.equal((await api(s, 'GET', '/api/v1/groups', { token: creds.api_token })).status, 200);
    assert.equal((await api(s, 'GET', '/api/v1/groups', { token: 'wrong' })).status, 401);
    await s.restart();
    assertList(await s.asa('GET', 'groups', { token: await s.tokenFor(creds.key_id, creds.key_secret) }));
  } finally {
    const ex = await s.stop();
    s.cleanup();
    assert.deepEqual(ex, { code: 0, signal: null }, s.stderr);
  }
  const lines = s.stderr.split('\n').filter((l) => l !== '');
  assert.match(lines[0], WARNING, s.stderr);
  assert.ok(!s.stderr.includes(store.pw), `the password appears in the log:\n${s.stderr}`);
  assertAllValidated();
});

test('a database whose schema is newer than this roster is refused: one line, exit 1', { skip: noPg }, async () => {
  const f = await fresh();
  await psql(f.noPw, 'CREATE TABLE roster_schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()); INSERT INTO roster_schema_version (version) SELECT generate_series(1, 999)');
  for (const cmd of [['serve', '--listen', '127.0.0.1:0'], ['init', '--team', 'acme']]) {
    const out = await run(cmd, { ROSTER_STORE: f.withPw });
    assert.equal(out.code, 1, out.stderr);
    assert.match(oneLine(out, f.pw), /schema is version 999, newer than this roster's \d+/);
  }
});

test('a database whose encoding is not UTF8 is refused: one line, exit 1', { skip: noPg }, async () => {
  const u = new URL(PG);
  const name = `roster_ascii_${process.pid}`;
  await psql(PG, `CREATE DATABASE "${name}" ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
  made.push({ drop: () => psqlSync(PG, `DROP DATABASE IF EXISTS "${name}"`) });
  u.pathname = `/${name}`;
  for (const cmd of [['serve', '--listen', '127.0.0.1:0'], ['init', '--team', 'acme']]) {
    const out = await run(cmd, { ROSTER_STORE: u.href });
    assert.equal(out.code, 1, out.stderr);
    assert.match(oneLine(out, decodeURIComponent(u.password) || SECRET), /server encoding SQL_ASCII; roster needs UTF8/);
  }
});
