// Request smuggling (issue 10, RFC 9112 §6): a body framed two ways (Transfer-Encoding with
// Content-Length, Content-Lengths that differ) or whose last transfer coding is not chunked
// gets 400, and a coding Roster does not implement under a final chunked gets 501 — in the
// dialect's format, at once (nothing waits for a body), with the connection closed so that no
// byte after the headers runs as a request. The store is unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.mjs';
import { rawExchange } from './lib/raw.mjs';
import { assertList, names } from './lib/asa.mjs';

const s = useServer({ team: 'smuggle' });

const head = (dialect, framing) => {
  const path = dialect === 'okta' ? '/api/v1/groups' : '/v1/teams/smuggle/groups';
  const auth = dialect === 'okta' ? `SSWS ${s.creds.api_token}` : `Bearer ${s.token}`;
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\n${framing}\r\n`;
};
const body = (dialect) => (dialect === 'okta' ? '{"profile":{"name":"smuggled"}}' : '{"name":"smuggled","roles":[]}');
const chunked = (b) => `${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`;
// what would run as a second request if the framing were misread
const tail = 'GET /v1/teams/smuggle/groups HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

const CASES = [
  ['Content-Length with Transfer-Encoding: chunked', (d) => `Content-Length: 5\r\nTransfer-Encoding: chunked\r\n`, (d) => chunked(body(d)) + tail, 400],
  ['two different Content-Lengths', (d) => `Content-Length: ${body(d).length}\r\nContent-Length: 3\r\n`, (d) => body(d) + tail, 400],
  ['Transfer-Encoding: xchunked', () => 'Transfer-Encoding: xchunked\r\n', (d) => chunked(body(d)) + tail, 400],
  ['Transfer-Encoding: chunked, identity', () => 'Transfer-Encoding: chunked, identity\r\n', (d) => chunked(body(d)) + tail, 400],
  ['Transfer-Encoding: chunked twice', () => 'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', (d) => chunked(body(d)) + tail, 400],
  ['Transfer-Encoding: gzip, chunked', () => 'Transfer-Encoding: gzip, chunked\r\n', (d) => chunked(body(d)) + tail, 501],
];

for (const dialect of ['asa', 'okta']) {
  for (const [name, framing, rest, status] of CASES) {
    test(`${dialect}: ${name} → ${status} at once, connection closed, nothing stored`, async () => {
      const data = head(dialect, framing(dialect)) + rest(dialect);
      const t0 = Date.now();
      const [r] = await rawExchange(s.port, data, 1, { timeout: 3000 });
      assert.ok(Date.now() - t0 < 2000, `answered in ${Date.now() - t0} ms`);
      assert.equal(r.status, status, r.text.slice(0, 300));
      const j = JSON.parse(r.text.slice(r.text.indexOf('{')));
      if (dialect === 'okta') assert.equal(typeof j.errorCode, 'string');
      else assert.equal(typeof j.type, 'string');
      // exactly one answer, then the connection is closed: the tail never ran
      await assert.rejects(rawExchange(s.port, data, 2, { timeout: 3000 }), /connection closed after 1\/2 responses/);
      assert.ok(!names(assertList(await s.asa('GET', 'groups'))).includes('smuggled'), 'nothing was created');
    });
  }
}

test('plain chunked and plain Content-Length bodies are still taken, on a kept-alive connection', async () => {
  const a = head('asa', 'Transfer-Encoding: chunked\r\n') + chunked('{"name":"chunked-ok","roles":[]}');
  const b = head('asa', `Content-Length: ${'{"name":"length-ok","roles":[]}'.length}\r\n`) + '{"name":"length-ok","roles":[]}';
  const rs = await rawExchange(s.port, a + b, 2);
  assert.deepEqual(rs.map((r) => r.status), [201, 201]);
  const got = names(assertList(await s.asa('GET', 'groups')));
  assert.ok(got.includes('chunked-ok') && got.includes('length-ok'), got.join(','));
});
