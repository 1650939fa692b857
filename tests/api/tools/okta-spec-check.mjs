// Checks the Okta-dialect schemas of Roster's OpenAPI document against Okta's own spec, so a
// document written from Roster's output cannot drift from Okta's: for every schema marked
// `x-okta-schema: <Okta schema name>`, each property Okta requires is required here, and each
// property both define has the same JSON type (nullability included) and the same enum.
// A deliberate difference is listed on the schema as `x-roster-deviations: {property: why}`;
// a listed deviation that is no longer a difference is reported too.
// Usage: node tests/api/tools/okta-spec-check.mjs OKTA_SPEC.yaml   (from the repository root)
// CI runs it when the developers' reference folder is beside the checkout; `make test` never does
// (Okta's spec is not in the tree).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { bundleFromTree } from '../lib/openapi.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// Okta schemas the Okta dialect renders: each must be mapped by some schema of ours.
const MUST_MAP = ['Error', 'Group', 'GroupProfile', 'User', 'UserProfile', 'Application'];

const specPath = process.argv[2];
if (!specPath) {
  console.error('usage: okta-spec-check.mjs OKTA_SPEC.yaml');
  process.exit(2);
}
const ours = bundleFromTree(REPO);
const okta = yaml.load(readFileSync(specPath, 'utf8'));

function deref(doc, s, seen = 0) {
  let x = s;
  while (x?.$ref && seen++ < 16) {
    x = x.$ref.slice(2).split('/').reduce((o, k) => o?.[k], doc);
  }
  return x ?? {};
}

// Flattens allOf into one object schema: properties and required of every part.
function flatten(doc, s) {
  const x = deref(doc, s);
  const out = { properties: { ...(x.properties ?? {}) }, required: [...(x.required ?? [])] };
  for (const part of x.allOf ?? []) {
    const f = flatten(doc, part);
    Object.assign(out.properties, f.properties);
    out.required.push(...f.required);
  }
  return out;
}

// The JSON types a schema allows, as a sorted list; null when it does not say (oneOf etc.).
function types(doc, s, openapi30) {
  const x = deref(doc, s);
  let t = x.type;
  if (t === undefined && x.allOf?.length === 1) return types(doc, x.allOf[0], openapi30);
  if (t === undefined && x.const !== undefined) t = typeof x.const === 'string' ? 'string' : undefined;
  if (t === undefined) return null;
  const list = Array.isArray(t) ? [...t] : [t];
  if (openapi30 && x.nullable === true) list.push('null');
  // integer is a number; Roster may be stricter (integer where Okta says number)
  return [...new Set(list)].sort();
}

function enumOf(doc, s) {
  const x = deref(doc, s);
  if (x.enum) return x.enum.filter((v) => v !== null).map(String).sort();
  if (x.allOf?.length === 1) return enumOf(doc, x.allOf[0]);
  return null;
}

const diffs = [];
let schemas = 0;
let compared = 0;
let deviations = 0;
const mapped = new Set();

for (const [name, schema] of Object.entries(ours.components?.schemas ?? {})) {
  const target = schema['x-okta-schema'];
  if (!target) continue;
  schemas++;
  mapped.add(target);
  const theirs = okta.components.schemas[target];
  if (!theirs) {
    diffs.push(`${name}: x-okta-schema ${target} is not a schema of Okta's spec`);
    continue;
  }
  const dev = schema['x-roster-deviations'] ?? {};
  const used = new Set();
  const a = flatten(ours, schema);
  const b = flatten(okta, theirs);
  const report = (prop, what) => {
    if (prop in dev) used.add(prop);
    else diffs.push(`${name}.${prop} (Okta ${target}): ${what}`);
  };
  for (const prop of new Set(b.required)) {
    if (!a.required.includes(prop)) report(prop, 'Okta requires it; Roster does not');
  }
  for (const [prop, bs] of Object.entries(b.properties)) {
    const as = a.properties[prop];
    if (!as) continue;
    compared++;
    const ta = types(ours, as, false);
    const tb = types(okta, bs, true);
    if (ta && tb && JSON.stringify(ta) !== JSON.stringify(tb)) {
      const numberish = (l) => l.map((t) => (t === 'integer' ? 'number' : t));
      // integer where Okta says number is stricter, not different
      if (!(tb.includes('number') && JSON.stringify(numberish(ta)) === JSON.stringify(numberish(tb)))) {
        report(prop, `type ${ta.join('|')} here, ${tb.join('|')} in Okta's spec`);
      }
    }
    const ea = enumOf(ours, as);
    const eb = enumOf(okta, bs);
    if (eb && JSON.stringify(ea) !== JSON.stringify(eb)) {
      report(prop, `enum ${ea ? ea.join(',') : '(none)'} here, ${eb.join(',')} in Okta's spec`);
    }
  }
  for (const prop of Object.keys(dev)) {
    deviations++;
    if (!used.has(prop)) diffs.push(`${name}: x-roster-deviations lists ${prop}, which no longer differs from Okta's ${target}`);
  }
}
for (const t of MUST_MAP) if (!mapped.has(t)) diffs.push(`no schema of ours maps Okta's ${t} (x-okta-schema)`);

for (const d of diffs) console.log(`okta-spec-check: ${d}`);
console.log(`okta-spec-check: ${schemas} schemas, ${compared} properties compared, ${deviations} deliberate deviations, ${diffs.length} differences`);
process.exit(diffs.length ? 1 : 0);
