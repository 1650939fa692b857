// Starts a real `build/roster serve` on a temporary store and speaks HTTP to it.
// Each test file calls useServer() (or startServer()) and gets its own server and store: a
// SQLite file in a temporary directory, or with ROSTER_TEST_ENGINE=pg a fresh database on the
// PostgreSQL server ROSTER_TEST_PG names (dropped when the server stops).
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { setDocument, documentLoaded, validateResponse, assertAllValidated } from './openapi.mjs';
import { createDatabase, PG_URL } from './pg.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// ROSTER_BIN lets `make sanitize` run the same suite against build-san/roster.
export const ROSTER = process.env.ROSTER_BIN
  ? resolve(process.env.ROSTER_BIN)
  : join(REPO, 'build', 'roster');

// The engine every server of the suite runs on: 'sqlite' (default) or 'pg'.
export const ENGINE = process.env.ROSTER_TEST_ENGINE === 'pg' ? 'pg' : 'sqlite';
if (ENGINE === 'pg' && !PG_URL) {
  throw new Error('ROSTER_TEST_ENGINE=pg needs ROSTER_TEST_PG: the URL of a PostgreSQL role that may create databases');
}
// For test options: { skip: sqliteOnly('why') } skips a test whose subject is the SQLite file
// itself when the suite runs on PostgreSQL (each such test is listed in README.md).
export const sqliteOnly = (why) => (ENGINE === 'pg' ? `SQLite only: ${why}` : false);

function requireBinary() {
  if (!existsSync(ROSTER)) {
    throw new Error(`${ROSTER} is missing: run \`make\` in ${REPO} before the API tests`);
  }
}

// Runs the roster CLI; resolves {code, stdout, stderr} (never rejects on a non-zero exit).
export function runCli(args, { timeout = 30000 } = {}) {
  requireBinary();
  return new Promise((res) => {
    execFile(ROSTER, args, { timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      let code = 0;
      if (err) code = typeof err.code === 'number' ? err.code : (err.signal ?? -1);
      res({ code, stdout, stderr });
    });
  });
}

// Runs the CLI, asserts exit 0 and one JSON object on stdout, returns it.
export async function runCliJson(args) {
  const r = await runCli(args);
  assert.equal(r.code, 0, `roster ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  let obj;
  try {
    obj = JSON.parse(r.stdout);
  } catch (e) {
    assert.fail(`roster ${args.join(' ')} did not print one JSON object on stdout: ${JSON.stringify(r.stdout)}`);
  }
  assert.equal(typeof obj, 'object');
  assert.ok(obj !== null && !Array.isArray(obj), 'stdout is a JSON object');
  return obj;
}

// One HTTP request with full control over method, path, headers and body bytes.
// Returns {status, headers (lower-case keys), json (undefined if body not JSON), text, raw (Buffer)}.
// Every response is validated against the served OpenAPI document (lib/openapi.mjs) unless
// validate is false (only for fetching that document itself).
export function httpRequest(url, { method = 'GET', headers = {}, body, tls = false, timeout = 30000, agent, validate = true } = {}) {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((res, rej) => {
    const req = mod.request({
      host: u.hostname,
      port: u.port,
      // Keep the path exactly as given (no normalisation of "//", "%XX", trailing '/').
      path: url.slice(url.indexOf('/', u.protocol.length + 2)) || '/',
      method,
      headers,
      agent: agent ?? false,
      rejectUnauthorized: false,
      timeout,
    }, (resp) => {
      const chunks = [];
      resp.on('data', (c) => chunks.push(c));
      resp.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = raw.toString('utf8');
        let json;
        if (text.length) {
          try { json = JSON.parse(text); } catch { json = undefined; }
        }
        const r = { status: resp.statusCode, headers: resp.headers, rawHeaders: resp.rawHeaders, json, text, raw };
        try {
          if (validate) validateResponse(method, url, r);
        } catch (e) {
          rej(e);
          return;
        }
        res(r);
      });
      resp.on('error', rej);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', rej);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

// Servers still running when this process exits (a crash, an uncaught error) are killed
// rather than left orphaned.
const live = new Set();
process.on('exit', () => { for (const p of live) p.kill('SIGKILL'); });

function waitForPort(port, host, deadline) {
  return new Promise((res, rej) => {
    const tryOnce = () => {
      const s = net.connect(port, host);
      s.once('connect', () => { s.destroy(); res(); });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) rej(new Error(`nothing listens on ${host}:${port}`));
        else setTimeout(tryOnce, 50);
      });
    };
    tryOnce();
  });
}

// A new empty store of the suite's engine: {store (the --store value), dbPath (SQLite file, else
// null), db (the PostgreSQL database, else null), dir (a temporary directory), cleanup()}.
export async function createStore(engine = ENGINE) {
  const dir = mkdtempSync(join(tmpdir(), 'roster-api-'));
  if (engine === 'pg') {
    let db;
    try {
      db = await createDatabase();
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    return {
      store: db.url, dbPath: null, db, dir,
      cleanup: () => { rmSync(dir, { recursive: true, force: true }); db.drop(); },
    };
  }
  const dbPath = join(dir, 'roster.db');
  return { store: `sqlite:${dbPath}`, dbPath, db: null, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// `roster init` on a store; asserts and returns its credentials.
export async function initStore(store, team) {
  const creds = await runCliJson(['init', '--store', store, '--team', team]);
  for (const k of ['team', 'key_id', 'key_secret', 'api_token']) {
    assert.equal(typeof creds[k], 'string', `roster init prints "${k}" as a string: ${JSON.stringify(creds)}`);
  }
  assert.equal(creds.team, team, 'roster init echoes the team name');
  return creds;
}

// Starts a server. opts: team (default 'acme'), args (extra serve args), tls (bool: make a
// self-signed cert), probe ('http' default | 'tcp': do not send an HTTP request while waiting).
// On a store of another server: opts.store (a --store value; not removed at cleanup) with
// opts.creds (that store's `roster init` output), or opts.init false to serve it uninitialised
// (no credentials, no admin token).
// `s` may be given: it is filled in place (useServer hands it out before the server starts).
export async function startServer(opts = {}, s = {}) {
  requireBinary();
  const team = opts.team ?? opts.creds?.team ?? 'acme';
  let made;
  if (opts.store) {
    const dir = mkdtempSync(join(tmpdir(), 'roster-api-'));
    made = { store: opts.store, dbPath: null, db: null, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } else {
    made = await createStore();
  }
  const { store, dbPath, dir } = made;

  Object.assign(s, {
    team, dir, store, dbPath, db: made.db, engine: opts.store ? null : ENGINE, base: '', port: 0, proc: null, stderr: '',
    creds: null, token: null, exit: null,
  });
  s.cleanup = made.cleanup;

  if (opts.creds) s.creds = opts.creds;
  else if (opts.init !== false) s.creds = await initStore(store, team);

  const args = ['serve', '--listen', '127.0.0.1:0', '--store', store, '--access-log', 'off'];
  if (opts.tls) {
    s.certFile = join(dir, 'cert.pem');
    s.keyFile = join(dir, 'key.pem');
    await new Promise((res, rej) => execFile('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
      '-keyout', s.keyFile, '-out', s.certFile,
    ], (err, _o, e) => (err ? rej(new Error(`openssl failed: ${e}`)) : res())));
    args.push('--tls-cert', s.certFile, '--tls-key', s.keyFile);
  }
  if (opts.args) args.push(...opts.args);

  // Spawns `roster serve` and waits until it answers; used at start and by restart().
  const launch = async () => {
    s.exit = null;
    s.stderr = '';
    const proc = spawn(ROSTER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    s.proc = proc;
    live.add(proc);
    s.exited = new Promise((res) => proc.on('exit', (code, signal) => { live.delete(proc); s.exit = { code, signal }; res(s.exit); }));
    proc.stdout.on('data', () => {});
    s.stop = async () => {
      if (s.exit) return s.exit;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
      const ex = await s.exited;
      clearTimeout(timer);
      return ex;
    };

    const scheme = opts.tls ? 'https' : 'http';
    const re = new RegExp(`roster: listening on (${scheme}://127\\.0\\.0\\.1:(\\d+))`);
    s.base = await new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`roster serve did not print "roster: listening on ${scheme}://127.0.0.1:PORT" within 15 s; stderr:\n${s.stderr}`)), 15000);
      let found = false;
      proc.stderr.on('data', (c) => {
        s.stderr += c.toString();
        if (s.stderr.length > 1 << 20) s.stderr = s.stderr.slice(-(1 << 19));
        const m = !found && re.exec(s.stderr);
        if (m) { found = true; clearTimeout(timer); s.port = Number(m[2]); res(m[1]); }
      });
      proc.on('exit', (code, signal) => {
        if (!found) { clearTimeout(timer); rej(new Error(`roster serve exited (code ${code}, signal ${signal}) before listening; stderr:\n${s.stderr}`)); }
      });
      proc.on('error', (e) => { clearTimeout(timer); rej(e); });
    });

    const deadline = Date.now() + 10000;
    await waitForPort(s.port, '127.0.0.1', deadline);
    if ((opts.probe ?? 'http') === 'http') {
      for (;;) {
        try {
          await httpRequest(`${s.base}/v1/teams/${team}/current_user`, { timeout: 2000 });
          break;
        } catch (e) {
          if (Date.now() > deadline) throw new Error(`roster serve does not answer HTTP: ${e.message}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
  };
  await launch();
  if (!documentLoaded()) {
    const d = await httpRequest(`${s.base}/openapi.json`, { validate: false });
    assert.equal(d.status, 200, `GET /openapi.json: ${d.status} ${d.text.slice(0, 300)}`);
    setDocument(d.json);
  }

  // Stops the server (asserting a clean exit 0) and serves the same store again (new port).
  s.restart = async () => {
    const ex = await s.stop();
    assert.deepEqual(ex, { code: 0, signal: null }, `roster serve exits 0 on SIGTERM; stderr:\n${s.stderr.slice(-4000)}`);
    await launch();
  };

  // path: absolute URL, or a path starting with '/' (relative to base), or a path without a
  // leading '/' (relative to /v1/teams/{team}/). body: JS value sent as application/json.
  // raw: string/Buffer sent as is (no Content-Type added unless given in headers).
  // token: bearer token; defaults to the admin token; null sends no Authorization.
  s.url = (path) => {
    if (/^https?:\/\//.test(path)) return path;
    if (path.startsWith('/')) return s.base + path;
    return `${s.base}/v1/teams/${s.team}/${path}`;
  };
  s.asa = (method, path, o = {}) => {
    const headers = { Accept: 'application/json', ...(o.headers ?? {}) };
    const token = 'token' in o ? o.token : s.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    let body;
    if (o.raw !== undefined) {
      body = Buffer.isBuffer(o.raw) ? o.raw : Buffer.from(o.raw, 'utf8');
    } else if (o.body !== undefined) {
      body = Buffer.from(JSON.stringify(o.body), 'utf8');
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    }
    if (body !== undefined) headers['Content-Length'] = String(body.length);
    for (const [k, v] of Object.entries(headers)) if (v === null || v === undefined) delete headers[k];
    return httpRequest(s.url(path), { method, headers, body });
  };

  s.tokenFor = async (keyId, keySecret, team = s.team) => {
    const r = await s.asa('POST', `/v1/teams/${team}/service_token`, { token: null, body: { key_id: keyId, key_secret: keySecret } });
    assert.equal(r.status, 200, `service_token: ${r.status} ${r.text}`);
    assert.equal(typeof r.json?.bearer_token, 'string');
    return r.json.bearer_token;
  };

  s.cli = (args) => runCli(args);
  s.init = (team) => runCliJson(['init', '--store', store, '--team', team]);
  // roster user add; returns {code, stdout, stderr, json}
  s.userAdd = async ({ name, email, first, last, team: t = s.team }) => {
    const r = await runCli(['user', 'add', '--store', store, '--team', t, '--name', name,
      '--email', email ?? `${name.toLowerCase()}@example.com`, '--first', first ?? name, '--last', last ?? 'Example']);
    try { r.json = JSON.parse(r.stdout); } catch { r.json = undefined; }
    return r;
  };
  s.mustUserAdd = async (u) => {
    const r = await s.userAdd(u);
    assert.equal(r.code, 0, `roster user add ${u.name} exited ${r.code}: ${r.stderr}`);
    assert.ok(r.json && typeof r.json === 'object', `roster user add prints a JSON user: ${r.stdout}`);
    return r.json;
  };

  // A service user in a group carrying `roles`; returns {name, keyId, secret, token, group}.
  s.principal = async (name, roles) => {
    const group = `grp-${name}`;
    let r = await s.asa('POST', 'groups', { body: { name: group, roles } });
    assert.equal(r.status, 201, `create group ${group}: ${r.status} ${r.text}`);
    r = await s.asa('POST', 'service_users', { body: { name } });
    assert.equal(r.status, 201, `create service user ${name}: ${r.status} ${r.text}`);
    r = await s.asa('POST', `service_users/${name}/keys`);
    assert.ok(r.status === 200 || r.status === 201, `create key for ${name}: ${r.status} ${r.text}`);
    const keyId = r.json.id;
    const secret = r.json.secret;
    r = await s.asa('POST', `groups/${group}/users`, { body: { name } });
    assert.equal(r.status, 204, `add ${name} to ${group}: ${r.status} ${r.text}`);
    const token = await s.tokenFor(keyId, secret);
    return { name, keyId, secret, token, group };
  };


  if (s.creds) s.token = await s.tokenFor(s.creds.key_id, s.creds.key_secret);
  return s;
}

// Registers before/after hooks for the current test file; returns the server object, filled
// in by `before`.
export function useServer(opts = {}) {
  const s = {};
  let started = false;
  before(async () => {
    await startServer(opts, s);
    started = true;
  }, { timeout: 60000 });
  after(async () => {
    if (!s.proc) { s.cleanup?.(); return; }
    if (!started && s.exit === null) { await s.stop?.(); s.cleanup?.(); return; }
    const alive = s.exit === null;
    const ex = await s.stop();
    try {
      assertAllValidated();
      assert.ok(alive, `roster serve died during the tests (code ${ex.code}, signal ${ex.signal}); stderr:\n${s.stderr.slice(-4000)}`);
      assert.deepEqual(ex, { code: 0, signal: null },
        `roster serve must exit 0 on SIGTERM; got code ${ex.code} signal ${ex.signal}; stderr:\n${s.stderr.slice(-4000)}`);
    } finally {
      s.cleanup();
    }
  }, { timeout: 30000 });
  return s;
}
