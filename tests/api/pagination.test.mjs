// ASA keyset pagination: count/offset/prev/descending and the Link header (DESIGN.md §3).
import { test } from 'node:test';
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.mjs';
import { assertStatus, assertList, assertGroup, assertError, assertUser, parseLink, byteCompare, names } from './lib/asa.mjs';

const s = useServer({ team: 'pager' });

// 250 distinct names over the whole legal alphabet, so byte order differs from locale order.
function makeNames(n) {
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x80000000; };
  const first = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const rest = `${first}._-`;
  const out = new Set(['ab', 'ab-', 'ab.', 'ab0', 'abA', 'ab_', 'aba', 'Ab', 'AB', '0ab', 'z', 'Z', '9']);
  while (out.size < n) {
    let name = first[Math.floor(rnd() * first.length)];
    const len = Math.floor(rnd() * 12);
    for (let i = 0; i < len; i++) name += rest[Math.floor(rnd() * rest.length)];
    if (name !== 'everyone' && name !== 'owners') out.add(name);
  }
  return [...out];
}

async function inBatches(items, size, fn) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

let all = []; // every live group, sorted by name bytes (as the server should list them)
const byName = new Map();

function linkOf(r) {
  const linkHeaders = [];
  for (let i = 0; i < r.rawHeaders.length; i += 2) if (r.rawHeaders[i].toLowerCase() === 'link') linkHeaders.push(r.rawHeaders[i + 1]);
  assert.ok(linkHeaders.length <= 1, `one Link header at most (ASA dialect): ${JSON.stringify(linkHeaders)}`);
  const v = linkHeaders[0];
  const links = parseLink(v);
  if (links.next && links.prev) assert.ok(v.indexOf('rel="next"') < v.indexOf('rel="prev"'), `rel="next" comes first: ${v}`);
  for (const [rel, url] of Object.entries(links)) {
    assert.ok(url.startsWith(`${s.base}/v1/teams/${s.team}/`), `rel=${rel} is an absolute URL on this server: ${url}`);
    const u = new URL(url);
    assert.equal(u.searchParams.getAll('offset').length, 1, `exactly one offset in rel=${rel}: ${url}`);
    assert.ok(u.searchParams.get('offset').length > 0, `offset is not empty: ${url}`);
    assert.ok(u.searchParams.getAll('prev').length <= 1, `at most one prev in ${url}`);
    assert.ok(u.searchParams.getAll('count').length <= 1, `at most one count in ${url}`);
  }
  return links;
}

// Follows rel (next|prev) from `start` to the end; returns the pages [{list, links, url}].
async function walk(start, rel = 'next', max = 1000) {
  const pages = [];
  let url = start;
  while (url) {
    const r = await s.asa('GET', url);
    const list = assertList(r, `GET ${url}`);
    const links = linkOf(r);
    pages.push({ list, links, url });
    assert.ok(pages.length <= max, `more than ${max} pages following rel=${rel} from ${start}`);
    url = links[rel];
  }
  return pages;
}

function assertNoDupes(list) {
  const ids = list.map((g) => g.id);
  assert.equal(new Set(ids).size, ids.length, 'no item appears twice');
}

test('setup: 250 groups (created 10 at a time)', async () => {
  const newNames = makeNames(250);
  await inBatches(newNames, 10, async (name) => {
    const r = await s.asa('POST', 'groups', { body: { name, roles: [] } });
    assertStatus(r, 201, `create ${name}`);
    byName.set(name, r.json);
  });
  all = [...newNames, 'everyone', 'owners'].sort(byteCompare);
  assert.equal(all.length, 252);
});

test('count=100: rel="next" to the end: no duplicates, no gaps, byte order; offset = last id', async () => {
  const pages = await walk(`groups?count=100`);
  assert.deepEqual(pages.map((p) => p.list.length), [100, 100, 52]);
  const got = pages.flatMap((p) => p.list);
  assertNoDupes(got);
  assert.deepEqual(names(got), all, 'all groups, sorted by name bytes');
  for (const g of got) assertGroup(g);
  assert.equal(pages[0].links.prev, undefined, 'the first page has no rel="prev"');
  assert.equal(pages[2].links.next, undefined, 'the last page has no rel="next"');
  for (const p of pages.slice(0, 2)) {
    const u = new URL(p.links.next);
    assert.equal(u.searchParams.get('offset'), p.list.at(-1).id, 'offset is the UUID of the last item of the page');
    assert.equal(u.searchParams.get('count'), '100', 'count is kept');
    assert.ok(!['true', '1'].includes(u.searchParams.get('prev')), 'next link is not a prev link');
  }
  for (const p of pages.slice(1)) {
    assert.ok(p.links.prev, `page after the first has rel="prev": ${p.url}`);
    const u = new URL(p.links.prev);
    assert.equal(u.searchParams.get('count'), '100');
    assert.equal(u.searchParams.get('prev'), 'true');
  }
});

test('rel="prev" from the last page walks back through the same pages', async () => {
  const fwd = await walk(`groups?count=100`);
  const back = await walk(fwd.at(-1).url, 'prev');
  assert.equal(back.length, 3);
  assert.deepEqual(back.map((p) => names(p.list)), fwd.map((p) => names(p.list)).reverse(), 'prev pages equal the forward pages, each in forward order');
  assert.equal(back.at(-1).links.prev, undefined, 'the first page reached by prev has no rel="prev"');
  assert.ok(back[1].links.next, 'a page reached by prev has rel="next"');
  const r = await s.asa('GET', back[1].links.next);
  assert.deepEqual(names(assertList(r)), names(fwd[2].list), 'next from a page reached by prev continues forward');
});

test('offset/prev by hand: exclusive cursor, prev returns the items just before it', async () => {
  const target = byName.get(all[50]) ?? null;
  const id = target ? target.id : (await s.asa('GET', `groups/${all[50]}`)).json.id;
  let r = await s.asa('GET', `groups?count=20&offset=${id}`);
  assert.deepEqual(names(assertList(r)), all.slice(51, 71), 'items after the cursor, cursor excluded');
  r = await s.asa('GET', `groups?count=20&offset=${id}&prev=true`);
  assert.deepEqual(names(assertList(r)), all.slice(30, 50), 'prev: the 20 items ending just before the cursor, in order');
  r = await s.asa('GET', `groups?count=100&offset=${id}&prev=true`);
  assert.deepEqual(names(assertList(r)), all.slice(0, 50), 'prev near the start: the shorter page before the cursor');
  assert.equal(linkOf(r).prev, undefined, 'no rel="prev" before the first item');
  const lastId = (await s.asa('GET', `groups/${all.at(-1)}`)).json.id;
  r = await s.asa('GET', `groups?count=20&offset=${lastId}`);
  assert.deepEqual(assertList(r), [], 'after the last item: empty page');
  assert.equal(linkOf(r).next, undefined);
});

test('descending=true reverses the order, kept in links', async () => {
  const pages = await walk('groups?count=100&descending=true');
  assert.deepEqual(pages.map((p) => p.list.length), [100, 100, 52]);
  const got = pages.flatMap((p) => p.list);
  assertNoDupes(got);
  assert.deepEqual(names(got), [...all].reverse());
  for (const p of pages.slice(0, -1)) {
    assert.equal(new URL(p.links.next).searchParams.get('descending'), 'true', `descending kept: ${p.links.next}`);
  }
  const back = await walk(pages.at(-1).url, 'prev');
  assert.deepEqual(back.map((p) => names(p.list)), pages.map((p) => names(p.list)).reverse());
});

test('contains filter: kept in every link, results filtered and complete', async () => {
  const expected = all.filter((n) => n.includes('7'));
  assert.ok(expected.length > 14, `test data has enough names containing 7 (${expected.length})`);
  const pages = await walk('groups?count=7&contains=7');
  const got = pages.flatMap((p) => p.list);
  assertNoDupes(got);
  assert.deepEqual(names(got), expected);
  assert.equal(pages.length, Math.ceil(expected.length / 7));
  for (const p of pages) {
    for (const rel of Object.keys(p.links)) {
      const u = new URL(p.links[rel]);
      assert.deepEqual(u.searchParams.getAll('contains'), ['7'], `contains kept once in rel=${rel}: ${p.links[rel]}`);
      assert.equal(u.searchParams.get('count'), '7');
    }
  }
});

test('a client re-applying its filters to the next URL (?…&contains=x) gets the same page', async () => {
  const r1 = await s.asa('GET', 'groups?count=7&contains=7');
  const next = parseLink(r1.headers.link).next;
  assert.ok(next);
  const a = await s.asa('GET', next);
  const b = await s.asa('GET', `${next}&contains=7&count=7`);
  assert.deepEqual(names(assertList(b)), names(assertList(a)));
});

test('default page size is 100', async () => {
  const r = await s.asa('GET', 'groups');
  assert.equal(assertList(r).length, 100);
  assert.ok(linkOf(r).next, 'more remain: rel="next"');
  assert.deepEqual(names(r.json.list), all.slice(0, 100));
});

test('count is clamped to 1..1000', async () => {
  let r = await s.asa('GET', 'groups?count=0');
  assert.deepEqual(names(assertList(r)), all.slice(0, 1), 'count=0 → 1 item');
  assert.ok(linkOf(r).next);
  r = await s.asa('GET', 'groups?count=-5');
  if (r.status === 200) assert.deepEqual(names(r.json.list), all.slice(0, 1), 'count=-5 → 1 item');
  else assertError(r, 400, 'invalid_request');
  r = await s.asa('GET', 'groups?count=5000');
  assert.deepEqual(names(assertList(r)), all, 'count=5000 (clamped to 1000) returns all 252');
  assert.equal(linkOf(r).next, undefined);
  r = await s.asa('GET', 'groups?count=1');
  assert.deepEqual(names(assertList(r)), all.slice(0, 1));
});

test('a malformed offset → 400 JSON', async () => {
  const r = await s.asa('GET', 'groups?offset=not-a-uuid');
  assertError(r, 400, 'invalid_request');
  const r2 = await s.asa('GET', 'groups?count=abc');
  assertError(r2, 400, 'invalid_request');
});

test('group members and users_not_in_group paginate the same way', async () => {
  const svc = Array.from({ length: 12 }, (_, i) => `svc-${String.fromCharCode(97 + ((i * 7) % 12))}${i}`);
  assertStatus(await s.asa('POST', 'groups', { body: { name: 'big' } }), 201);
  all = [...all, 'big'].sort(byteCompare);
  await inBatches(svc, 6, async (name) => {
    assertStatus(await s.asa('POST', 'service_users', { body: { name } }), 201, `service user ${name}`);
    assertStatus(await s.asa('POST', 'groups/big/users', { body: { name } }), 204);
  });
  const pages = await walk('groups/big/users?count=5');
  assert.deepEqual(pages.map((p) => p.list.length), [5, 5, 2]);
  const got = pages.flatMap((p) => p.list);
  assertNoDupes(got);
  assert.deepEqual(names(got), [...svc].sort(byteCompare));
  for (const u of got) assertUser(u, { type: 'service', team: 'pager' });
  assert.equal(new URL(pages[0].links.next).searchParams.get('offset'), pages[0].list.at(-1).id);

  const desc = (await walk('groups/big/users?count=5&descending=true')).flatMap((p) => p.list);
  assert.deepEqual(names(desc), [...svc].sort(byteCompare).reverse());

  assertStatus(await s.asa('POST', 'groups', { body: { name: 'small' } }), 201);
  all = [...all, 'small'].sort(byteCompare);
  const notIn = (await walk('groups/small/users_not_in_group?count=5&include_service_users=true')).flatMap((p) => p.list);
  assertNoDupes(notIn);
  assert.deepEqual(names(notIn), [...names(notIn)].sort(byteCompare));
  for (const n of svc) assert.ok(names(notIn).includes(n), `${n} is not in small`);
});

test('id filter: repeated or comma-separated UUIDs are OR-ed', async () => {
  const a = byName.get(all.find((n) => byName.has(n)));
  const b = byName.get([...all].reverse().find((n) => byName.has(n)));
  const want = [a.name, b.name].sort(byteCompare);
  assert.deepEqual(names(assertList(await s.asa('GET', `groups?id=${a.id}&id=${b.id}`))), want);
  assert.deepEqual(names(assertList(await s.asa('GET', `groups?id=${a.id},${b.id}`))), want);
  assert.deepEqual(names(assertList(await s.asa('GET', `groups?id=${a.id}&id=${a.id}`))), [a.name]);
});

test('ignore excludes names (case-sensitive), repeated or not', async () => {
  const first = all.slice(0, 4);
  assert.deepEqual(names(assertList(await s.asa('GET', `groups?count=2&ignore=${encodeURIComponent(first[0])}`))), first.slice(1, 3));
  assert.deepEqual(names(assertList(await s.asa('GET', `groups?count=2&ignore=${encodeURIComponent(first[0])}&ignore=${encodeURIComponent(first[1])}`))), first.slice(2, 4));
  const r = await s.asa('GET', 'groups?count=300&ignore=owners&ignore=OWNERS');
  assert.deepEqual(names(assertList(r)), all.filter((n) => n !== 'owners'));
});

test('descending=false and prev=false are the defaults', async () => {
  assert.deepEqual(names(assertList(await s.asa('GET', 'groups?count=5&descending=false'))), all.slice(0, 5));
  const first = assertList(await s.asa('GET', 'groups?count=5'));
  assert.deepEqual(names(assertList(await s.asa('GET', `groups?count=5&offset=${first.at(-1).id}&prev=false`))), all.slice(5, 10));
});

test('keyset: a group created before the cursor does not shift the next page', async () => {
  const p1 = await s.asa('GET', 'groups?count=10');
  const next = parseLink(p1.headers.link).next;
  assertStatus(await s.asa('POST', 'groups', { body: { name: '00-early', roles: [] } }), 201);
  try {
    assert.deepEqual(names(assertList(await s.asa('GET', next))), all.slice(10, 20));
  } finally {
    assertStatus(await s.asa('DELETE', 'groups/00-early'), 204);
  }
});

test('a cursor whose group was deleted meanwhile still pages on', async () => {
  const victim = all.find((n, i) => i >= 20 && byName.has(n));
  const idx = all.indexOf(victim);
  const id = byName.get(victim).id;
  assertStatus(await s.asa('DELETE', `groups/${victim}`), 204);
  all.splice(idx, 1);
  const r = await s.asa('GET', `groups?count=10&offset=${id}`);
  assert.deepEqual(names(assertList(r)), all.slice(idx, idx + 10), 'the page after the deleted cursor');
  const back = await s.asa('GET', `groups?count=10&offset=${id}&prev=true`);
  assert.deepEqual(names(assertList(back)), all.slice(idx - 10, idx), 'the page before the deleted cursor');
});

test('count is capped at 1000 (1004 groups)', async () => {
  const more = Array.from({ length: 1004 - all.length }, (_, i) => `zz-more-${String(i).padStart(4, '0')}`);
  await inBatches(more, 16, async (name) => {
    assertStatus(await s.asa('POST', 'groups', { body: { name } }), 201, `create ${name}`);
  });
  const everything = [...all, ...more].sort(byteCompare);
  assert.equal(everything.length, 1004);
  let r = await s.asa('GET', 'groups?count=5000');
  assert.equal(assertList(r).length, 1000, 'count=5000 returns 1000 items');
  assert.deepEqual(names(r.json.list), everything.slice(0, 1000));
  const next = linkOf(r).next;
  assert.ok(next, 'and a rel="next"');
  r = await s.asa('GET', next);
  assert.deepEqual(names(assertList(r)), everything.slice(1000));
});

test('more than 64 distinct id or ignore values is a 400, never a silent cut', async () => {
  const ids = Array.from({ length: 65 }, () => randomUUID());
  assertError(await s.asa('GET', `groups?id=${ids.join(',')}`), 400, 'invalid_request');
  assertError(await s.asa('GET', `groups?ignore=${ids.map((x) => `g${x}`).join(',')}`), 400, 'invalid_request');
  // 64, with repeats, is fine
  const r = await s.asa('GET', `groups?id=${[...ids.slice(0, 64), ids[0]].join(',')}`);
  assertList(r);
});
