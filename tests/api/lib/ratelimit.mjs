// Fixed-window rate-limit checks shared by both dialects' tests (okta.md §6): the dialects
// differ only in header names and error formats.
import assert from 'node:assert/strict';

export const ASA_RL = { limit: 'x-ratelimit-limit', remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', retryAt: 'x-ratelimit-retry-at' };
export const OKTA_RL = { limit: 'x-rate-limit-limit', remaining: 'x-rate-limit-remaining', reset: 'x-rate-limit-reset' };

export const sleepUntil = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));

// The window end a response announces (UNIX seconds), asserted to be an integer.
export function resetOf(r, h) {
  const v = r.headers[h.reset];
  assert.match(v ?? '', /^\d+$/, `${h.reset} is integer UNIX seconds: ${v}`);
  return Number(v);
}

// Waits until the current window of send()'s principal has ended: the next request opens one.
export async function freshWindow(send, h) {
  await sleepUntil(resetOf(await send(), h) * 1000 + 20);
}

// In one fresh window of `window` seconds, sends limit + 1 requests one after another and
// asserts: every response carries the same Reset (the window's end), Limit, and Remaining
// counting down to 0; requests 1..limit pass `ok`, the last one passes `refused` (and carries
// Retry-At = Reset where the dialect has it). Then, once the window has ended, the budget is
// whole again. Returns the responses.
export async function checkWindow(send, h, { limit, window, ok, refused }) {
  await freshWindow(send, h);
  const t0 = Date.now();
  const rs = [await send()];
  const t1 = Date.now();
  while (rs.length <= limit) rs.push(await send());
  const reset = resetOf(rs[0], h);
  assert.ok(reset >= Math.floor(t0 / 1000) + window && reset <= Math.floor(t1 / 1000) + window,
    `Reset ${reset} is the end of the window the first request opened (${t0 / 1000}..${t1 / 1000} + ${window} s)`);
  assert.ok(Date.now() < reset * 1000, `the ${limit + 1} requests fit in one window (test machine too slow?)`);
  for (const [i, r] of rs.entries()) {
    const n = i + 1;
    assert.equal(r.headers[h.reset], String(reset), `the same ${h.reset} on response ${n} of the window`);
    assert.equal(r.headers[h.limit], String(limit), `${h.limit} on response ${n}`);
    assert.equal(r.headers[h.remaining], String(Math.max(0, limit - n)), `${h.remaining} on response ${n}`);
    if (n <= limit) ok(r, n);
    else refused(r, n);
  }
  const last = rs[limit];
  if (h.retryAt) assert.equal(last.headers[h.retryAt], String(reset), `the 429's ${h.retryAt} is the window's end`);
  assert.equal(rs[limit - 1].headers[h.remaining], '0', 'the last allowed request leaves 0');

  // the next window restores the whole budget
  await sleepUntil(reset * 1000 + 20);
  const t2 = Date.now();
  const next = await send();
  ok(next, 1);
  assert.equal(next.headers[h.remaining], String(limit - 1), 'a new window restores the budget');
  const reset2 = resetOf(next, h);
  assert.ok(reset2 >= Math.floor(t2 / 1000) + window && reset2 <= Math.floor(Date.now() / 1000) + window,
    `the new window ends ${window} s after its first request: ${reset2}`);
  return rs;
}
