// Raw bytes in headers (issue 10): a header name or value holding a CR or an LF is refused with
// 400 in the dialect's format, before any credential in it is looked at; the same request
// without them is served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.mjs';
import { rawExchange } from './lib/raw.mjs';

const s = useServer({ team: 'bytes' });

const get = (path, headers) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n\r\n`;

test('CR or LF inside a header → 400 in the dialect\'s format; without them → 200', async () => {
  const okta = `Authorization: SSWS ${s.creds.api_token}`;
  const asa = `Authorization: Bearer ${s.token}`;
  const cases = [
    ['/api/v1/groups', `X-A: a\rb\r\n${okta}`, 'okta'],
    ['/api/v1/groups', `${okta}\rjunk`, 'okta'],
    ['/v1/teams/bytes/groups', `X-A: a\rb\r\n${asa}`, 'asa'],
    ['/v1/teams/bytes/groups', `${asa}\rjunk`, 'asa'],
  ];
  for (const [path, headers, dialect] of cases) {
    const [r] = await rawExchange(s.port, get(path, headers), 1);
    assert.equal(r.status, 400, `${JSON.stringify(headers)}: ${r.status} ${r.text.slice(0, 200)}`);
    const body = JSON.parse(r.text.slice(r.text.indexOf('{')));
    if (dialect === 'okta') assert.equal(body.errorCode, 'E0000002');
    else assert.equal(body.type, 'invalid_request');
  }
  const [ok] = await rawExchange(s.port, get('/api/v1/groups', okta), 1);
  assert.equal(ok.status, 200, ok.text.slice(0, 200));
  const [ok2] = await rawExchange(s.port, get('/v1/teams/bytes/groups', asa), 1);
  assert.equal(ok2.status, 200, ok2.text.slice(0, 200));
});
