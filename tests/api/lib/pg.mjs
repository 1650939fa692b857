// PostgreSQL for the API tests: a fresh database per server on the server ROSTER_TEST_PG names
// (a URL of a role that may CREATE DATABASE), psql and pg_dump against it, and a throwaway
// cluster of a test's own (scripts/pg.sh) for the tests that stop and start PostgreSQL.
// Passwords never go on a command line: they go into one libpq password file (0600) that every
// child process finds through PGPASSFILE, so store URLs handed to roster carry none.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const PG_URL = process.env.ROSTER_TEST_PG ?? '';
const PG_BIN = '/usr/lib/postgresql/15/bin';
const tool = (name) => (existsSync(join(PG_BIN, name)) ? join(PG_BIN, name) : name);

// ---- the password file ----
let passDir = null;
const passLines = [];
function passfile() {
  if (!passDir) {
    passDir = mkdtempSync(join(tmpdir(), 'roster-pgpass-'));
    process.env.PGPASSFILE = join(passDir, 'pgpass');
    writeFileSync(process.env.PGPASSFILE, '', { mode: 0o600 });
  }
  return process.env.PGPASSFILE;
}
const esc = (v) => v.replace(/[\\:]/g, (c) => `\\${c}`);

// The URL without its password (which goes into the password file, for host:port:user).
export function withoutPassword(url) {
  const u = new URL(url);
  if (u.password) {
    const line = [u.hostname || '*', u.port || '5432', '*', decodeURIComponent(u.username), decodeURIComponent(u.password)]
      .map((x, i) => (i < 2 && x === '*' ? x : esc(x))).join(':');
    const file = passfile();
    if (!passLines.includes(line)) {
      passLines.push(line);
      writeFileSync(file, `${passLines.join('\n')}\n`, { mode: 0o600 });
    }
    u.password = '';
  }
  return u.href;
}

// The same server and role, another database.
export function databaseUrl(url, db) {
  const u = new URL(withoutPassword(url));
  u.pathname = `/${db}`;
  return u.href;
}

const env = () => ({ ...process.env, PGCONNECT_TIMEOUT: '5' });
const psqlArgs = (url, sql) => ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', withoutPassword(url), '-c', sql];

// Runs SQL through psql; returns its unaligned, tuples-only output (rows on lines, '|' between
// columns). Throws with psql's message on failure.
export function psqlSync(url, sql) {
  return execFileSync(tool('psql'), psqlArgs(url, sql), { env: env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000 });
}
export function psql(url, sql) {
  return new Promise((res, rej) => {
    execFile(tool('psql'), psqlArgs(url, sql), { env: env(), encoding: 'utf8', timeout: 30000 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`psql: ${sql}: ${stderr || err.message}`));
      else res(stdout);
    });
  });
}
// Rows of a query as arrays of column strings.
export async function rows(url, sql) {
  return (await psql(url, sql)).split('\n').filter((l) => l !== '').map((l) => l.split('|'));
}

// Every byte of a database's data as pg_dump writes it (plain SQL, data only).
export function dumpData(url) {
  return execFileSync(tool('pg_dump'), ['--data-only', '--no-owner', '-d', withoutPassword(url)],
    { env: env(), maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000 });
}

// ---- one database per server ----
const live = new Map(); // name → admin URL
let seq = 0;
// Plain DROP first: it waits (up to 5 s) for the sessions of stopped servers to end and stops an
// autovacuum worker itself, which WITH (FORCE) may not do for a role that is not a superuser
// ("must be a member of the role whose process is being terminated"); FORCE for a session left
// behind.
function dropSync(admin, name) {
  try {
    psqlSync(admin, `DROP DATABASE IF EXISTS "${name}"`);
  } catch {
    psqlSync(admin, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}
process.on('exit', () => {
  for (const [name, admin] of live) {
    try { dropSync(admin, name); } catch { /* the server may be gone */ }
  }
  if (passDir) rmSync(passDir, { recursive: true, force: true });
});

// A new empty UTF8 database on the server of `admin` (ROSTER_TEST_PG by default). Returns
// {name, url (no password: roster finds it in PGPASSFILE), drop()}.
export async function createDatabase(admin = PG_URL) {
  if (!admin) throw new Error('ROSTER_TEST_PG is not set: no PostgreSQL server to create a database on');
  const name = `roster_t${process.pid}_${++seq}_${randomBytes(3).toString('hex')}`;
  await psql(admin, `CREATE DATABASE "${name}" ENCODING 'UTF8'`);
  live.set(name, admin);
  return {
    name,
    url: databaseUrl(admin, name),
    drop: () => {
      if (!live.has(name)) return;
      live.delete(name);
      dropSync(admin, name);
    },
  };
}

// ---- a cluster of one's own (scripts/pg.sh) ----
// Returns {url, stop() (keeps the data and port), start(), destroy()}; null when pg.sh cannot
// start one here (its message in .error).
export function ownCluster(repo) {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ownpg-'));
  const state = join(dir, 'pg.state');
  const sh = (cmd) => new Promise((res) => {
    execFile('sh', [join(repo, 'scripts', 'pg.sh'), cmd], { env: { ...process.env, ROSTER_PG_STATE: state }, encoding: 'utf8', timeout: 120000 },
      (err, stdout, stderr) => res({ ok: !err, stdout: stdout.trim(), stderr }));
  });
  const c = {
    state,
    url: null,
    async create() {
      const r = await sh('start');
      if (!r.ok) throw new Error(`scripts/pg.sh start failed: ${r.stderr}`);
      c.url = r.stdout.split('\n').pop();
      return c;
    },
    async stop() {
      const r = await sh('stop-keep');
      if (!r.ok) throw new Error(`scripts/pg.sh stop-keep failed: ${r.stderr}`);
    },
    async start() {
      const r = await sh('start');
      if (!r.ok) throw new Error(`scripts/pg.sh start (again) failed: ${r.stderr}`);
      if (r.stdout.split('\n').pop() !== c.url) throw new Error(`scripts/pg.sh start came back on another URL: ${r.stdout}`);
    },
    async destroy() {
      await sh('stop');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return c;
}
