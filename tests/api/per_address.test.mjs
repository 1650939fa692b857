// One address cannot take every connection slot (issue 10): past --max-connections-per-address
// (256 by default) further connections from that address are refused, while a client on
// another address is answered at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './lib/server.mjs';

const open = (port, localAddress) => new Promise((res) => {
  const c = net.connect({ port, host: '127.0.0.1', localAddress });
  c.on('connect', () => res(c));
  c.on('error', () => res(c));
});
const alive = (c) => new Promise((res) => {
  if (c.destroyed) return res(false);
  // refused past the cap: the server closes it at once
  const t = setTimeout(() => res(!c.destroyed), 500);
  c.on('close', () => { clearTimeout(t); res(false); });
});

test('idle connections from one address stop at the cap; another address is served at once', async () => {
  const s = await startServer({ team: 'peraddr', args: ['--max-connections', '64', '--max-connections-per-address', '8'] });
  const socks = [];
  try {
    for (let i = 0; i < 20; i++) socks.push(await open(s.port, '127.0.0.2'));
    const kept = (await Promise.all(socks.map(alive))).filter(Boolean).length;
    assert.equal(kept, 8, `connections kept from 127.0.0.2: ${kept}`);
    const t0 = Date.now();
    const r = await s.asa('GET', 'groups');
    assert.equal(r.status, 200, r.text);
    assert.ok(Date.now() - t0 < 1000, `answered in ${Date.now() - t0} ms`);
  } finally {
    socks.forEach((c) => c.destroy());
    await s.stop();
    s.cleanup();
  }
});
