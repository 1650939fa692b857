// `roster serve|init --store postgres://…`: a malformed URL is one line and exit 2, an
// unreachable database one line and exit 1, the password never printed, a warning when it is on
// the command line; against a real server (ROSTER_TEST_PG) the schema is migrated and the
// command says plainly that the PostgreSQL engine does not serve requests yet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { ROSTER } from './lib/server.mjs';

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
test('a reachable database is migrated and initialised, without the password in any output', { skip: !PG && 'ROSTER_TEST_PG is not set' }, async () => {
  const password = new URL(PG).password;
  const out = await run(['init', '--team', 'pgcli' + process.pid], { ROSTER_STORE: PG });
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stderr, '', 'no warning when the password comes from ROSTER_STORE');
  const creds = JSON.parse(out.stdout);
  assert.ok(creds.key_id && creds.api_token, out.stdout);
  if (password) assert.ok(!out.stdout.includes(password));
});
