// The request target has its own limit (issue 10): a path and query over --max-target (16 KiB
// by default) get 414 in the dialect's format; one just under it is served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.mjs';
import { assertError, assertList } from './lib/asa.mjs';
import { api, assertOktaError } from './lib/okta.mjs';

const s = useServer({ team: 'target' });

test('a request target over 16 KiB → 414 JSON in either dialect; just under → served', async () => {
  const pad = (n) => `x=${'a'.repeat(n)}`;
  // 120 KB of query: refused, no longer taken
  assertError(await s.asa('GET', `groups?${pad(120 * 1024)}`), 414, 'invalid_request');
  const o = await api(s, 'GET', `/api/v1/groups?${pad(20 * 1024)}`, { token: s.creds.api_token });
  assertOktaError(o, 414, 'E0000002');
  // under the limit an unknown parameter is as harmless as before
  assertList(await s.asa('GET', `groups?${pad(15 * 1024)}`), 'a 15 KiB target is served');
});
