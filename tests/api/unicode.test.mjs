// Unicode case: `search` and `q` (Okta) and `contains`/`starts_with` (ASA) compare values
// under one full Unicode case fold (okta.md §5.7: case-insensitive, diacritics matter), while
// `filter` stays byte-exact. Data made through the Okta dialect is non-ASCII; ASA sees the
// same groups percent-encoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.mjs';
import { sdk, all, api, assertOktaError, unvalidated } from './lib/okta.mjs';
import { assertError } from './lib/asa.mjs';

const s = useServer();
let client;
const logins = (list) => list.map((u) => u.profile.login).sort();
const names = (list) => list.map((g) => g.profile.name);
const enc = encodeURIComponent;

test('seed: users and groups with accents, ß, Greek sigma', async () => {
  client = sdk(s);
  const mk = (login, profile) => client.userApi.createUser({ body: { profile: { login, email: login, ...profile } }, activate: false });
  await mk('emile@example.com', { firstName: 'Émile', lastName: 'Straße', displayName: 'ΟΔΟΣ Émile' });
  await mk('emile2@example.com', { firstName: 'émile', lastName: 'Other' });
  await mk('emil@example.com', { firstName: 'Emile', lastName: 'Plain', nickName: 'Éclair' });
  const mkg = (name, description) => client.groupApi.createGroup({ group: { profile: { name, description } } });
  await mkg('Ingénierie', 'Équipe Française');
  await mkg('INGÉNIERIE Nord', 'north');
  await mkg('Ingenierie', 'no accent');
});

test('Okta users search eq/sw fold Unicode case; filter stays case-sensitive', async () => {
  const search = async (expr) => logins(await all(client.userApi.listUsers({ search: expr })));
  const both = ['emile2@example.com', 'emile@example.com'];
  assert.deepEqual(await search('profile.firstName eq "émile"'), both);
  assert.deepEqual(await search('profile.firstName eq "ÉMILE"'), both);
  assert.deepEqual(await search('profile.firstName sw "ÉMI"'), both);
  // canonically equivalent input (E + combining acute) is the same text
  assert.deepEqual(await search('profile.firstName eq "E\u0301MILE"'), both);
  // diacritics matter
  assert.deepEqual(await search('profile.firstName eq "EMILE"'), ['emil@example.com']);
  // ß folds to ss; Greek final sigma folds like sigma
  assert.deepEqual(await search('profile.lastName eq "STRASSE"'), ['emile@example.com']);
  assert.deepEqual(await search('profile.lastName sw "strass"'), ['emile@example.com']);
  assert.deepEqual(await search('profile.displayName eq "οδος émile"'), ['emile@example.com']);
  // co: the trigram index, and the short path (two characters, three bytes)
  assert.deepEqual(await search('profile.firstName co "MIL"'), ['emil@example.com', ...both].sort());
  assert.deepEqual(await search('profile.firstName co "ÉM"'), both);
  // a custom profile attribute folds too
  assert.deepEqual(await search('profile.nickName eq "éCLAIR"'), ['emil@example.com']);
  assert.deepEqual(await search('profile.nickName sw "ÉC"'), ['emil@example.com']);
  // filter values are byte-exact
  const filter = async (expr) => logins(await all(client.userApi.listUsers({ filter: expr })));
  assert.deepEqual(await filter('profile.firstName eq "émile"'), ['emile2@example.com']);
  assert.deepEqual(await filter('profile.firstName eq "Émile"'), ['emile@example.com']);
  assert.deepEqual(await filter('profile.lastName eq "STRASSE"'), []);
});

test('Okta users q folds Unicode case on first name, last name and email prefixes', async () => {
  const q = async (v) => logins(await all(client.userApi.listUsers({ q: v })));
  assert.deepEqual(await q('ÉMI'), ['emile2@example.com', 'emile@example.com']);
  assert.deepEqual(await q('strasse'), ['emile@example.com']);
  assert.deepEqual(await q('EMIL'), ['emil@example.com', 'emile2@example.com', 'emile@example.com'], 'email prefix');
});

test('Okta groups search and q fold Unicode case; exact matches first', async () => {
  const search = async (expr) => names(await all(client.groupApi.listGroups({ search: expr }))).sort();
  assert.deepEqual(await search('profile.name sw "INGÉ"'), ['INGÉNIERIE Nord', 'Ingénierie']);
  assert.deepEqual(await search('profile.name eq "ingénierie"'), ['Ingénierie']);
  assert.deepEqual(await search('profile.description sw "ÉQUIPE FR"'), ['Ingénierie']);
  assert.deepEqual(await search('profile.name co "GÉNI"'), ['INGÉNIERIE Nord', 'Ingénierie']);
  const q = async (v) => names(await all(client.groupApi.listGroups({ q: v })));
  assert.deepEqual((await q('INGÉ')).sort(), ['INGÉNIERIE Nord', 'Ingénierie']);
  assert.deepEqual(await q('INGÉNIERIE'), ['Ingénierie', 'INGÉNIERIE Nord'], 'the exact match first');
  assert.deepEqual(await q('inge'), ['Ingenierie'], 'diacritics matter');
  assert.deepEqual(await q('EVERY'), ['Everyone']);
});

test('sortBy on a text sorts by its fold: É and é side by side', async () => {
  await client.groupApi.createGroup({ group: { profile: { name: 'Émile B' } } });
  await client.groupApi.createGroup({ group: { profile: { name: 'émile A' } } });
  const sorted = await all(client.groupApi.listGroups({ search: 'profile.name sw "émile"', sortBy: 'profile.name', limit: 1 }));
  assert.deepEqual(names(sorted), ['émile A', 'Émile B']);
  const users = await all(client.userApi.listUsers({ search: 'profile.firstName sw "émile"', sortBy: 'profile.lastName', sortOrder: 'desc' }));
  assert.deepEqual(users.map((u) => u.profile.lastName), ['Straße', 'Other']);
});

test('q that is not UTF-8 is a 400, not an empty page', async () => {
  assertOktaError(await api(s, 'GET', '/api/v1/groups?q=%FF'), 400, 'E0000002');
  assertOktaError(await api(s, 'GET', '/api/v1/users?q=a%C3'), 400, 'E0000002');
});

test('ASA contains/starts_with fold Unicode case on group, user and project names', async () => {
  const list = async (path) => {
    const r = await s.asa('GET', path);
    assert.equal(r.status, 200, r.text);
    return r.json.list.map((x) => x.name).sort();
  };
  const ing = ['INGÉNIERIE Nord', 'Ingénierie'];
  assert.deepEqual(await list(`groups?contains=${enc('ingé')}`), ing);
  assert.deepEqual(await list(`groups?contains=${enc('INGÉ')}`), ing);
  assert.deepEqual(await list(`groups?contains=${enc('ÉNIERIE')}`), ing);
  // ASA names are ASCII: K (KELVIN SIGN) and ſ (LONG S) fold to k and s
  let r = await s.asa('POST', 'service_users', { body: { name: 'kim.ross' } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(await list(`service_users?starts_with=${enc('\u212AIM')}`), ['kim.ross']);
  assert.deepEqual(await list(`service_users?contains=${enc('RO\u017F\u017F')}`), ['kim.ross']);
  assert.deepEqual(await list(`service_users?starts_with=${enc('ÉM')}`), []);
  // members of a group created through the Okta dialect
  const [g] = await all(client.groupApi.listGroups({ q: 'Ingénierie' }));
  const [u] = await all(client.userApi.listUsers({ q: 'Émile' }));
  await client.groupApi.assignUserToGroup({ groupId: g.id, userId: u.id });
  assert.deepEqual(await list(`groups/${enc('Ingénierie')}/users?starts_with=${enc('\u212A')}`), []);
  assert.deepEqual(await list(`users/${u.profile.login.split('@')[0]}/groups?contains=${enc('INGÉ')}`), ['Ingénierie']);
  r = await s.asa('POST', 'projects', { body: { name: 'kilo-project' } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(await list(`projects?contains=${enc('\u212AILO')}`), ['kilo-project']);
});

test('ASA contains/starts_with that is not UTF-8 is a 400', async () => {
  assertError(await s.asa('GET', 'groups?contains=%FF'), 400, 'invalid_request');
  assertError(await s.asa('GET', 'users?starts_with=%C3'), 400, 'invalid_request');
  assertError(await s.asa('GET', 'projects?contains=%ED%A0%80'), 400, 'invalid_request');
});

test('every Okta body was validated against the spec', () => {
  assert.deepEqual(unvalidated, []);
});
