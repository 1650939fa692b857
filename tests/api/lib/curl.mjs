// Replays a documentation `curl` command as curl itself would send it: same method, headers
// (`--data` ⇒ Content-Type: application/x-www-form-urlencoded) and body bytes, with the docs'
// host replaced by the test server and ${vars} substituted.
import { httpRequest } from './server.mjs';

// Splits a shell command line (single/double quotes, backslash-newline continuations).
function shellWords(cmd) {
  const words = [];
  let cur = null;
  let i = 0;
  while (i < cmd.length) {
    const c = cmd[i];
    if (c === '\\' && cmd[i + 1] === '\n') { i += 2; continue; }
    if (/\s/.test(c)) { if (cur !== null) { words.push(cur); cur = null; } i++; continue; }
    cur ??= '';
    if (c === "'") {
      const j = cmd.indexOf("'", i + 1);
      cur += cmd.slice(i + 1, j);
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (cmd[j] !== '"') {
        if (cmd[j] === '\\' && '"\\$`'.includes(cmd[j + 1])) { cur += cmd[j + 1]; j += 2; } else { cur += cmd[j]; j++; }
      }
      i = j + 1;
    } else {
      cur += c;
      i++;
    }
  }
  if (cur !== null) words.push(cur);
  return words;
}

// Parses a curl command into {method, headers: [[k,v]...], data, url} (vars not yet expanded).
export function parseCurl(cmd) {
  const w = shellWords(cmd);
  if (w[0] !== 'curl') throw new Error(`not a curl command: ${cmd}`);
  let method;
  const headers = [];
  let data;
  let url;
  for (let i = 1; i < w.length; i++) {
    const a = w[i];
    if (a === '-v' || a === '-s' || a === '-i') continue;
    if (a === '-X' || a === '--request') method = w[++i];
    else if (a === '-H' || a === '--header') {
      const h = w[++i];
      const k = h.indexOf(':');
      headers.push([h.slice(0, k).trim(), h.slice(k + 1).trim()]);
    } else if (a === '-d' || a === '--data' || a === '--data-raw') data = w[++i];
    else if (a.startsWith('-')) throw new Error(`curl option not emulated: ${a}`);
    else url = a;
  }
  method ??= data !== undefined ? 'POST' : 'GET';
  return { method, headers, data, url };
}

// vars: {jwt, team_name, group_name, ...}; base: server base URL replacing https://app.scaleft.com.
export function replayCurl(cmd, base, vars) {
  const expand = (s) => s.replace(/\$\{(\w+)\}/g, (_, k) => {
    if (!(k in vars)) throw new Error(`no value for \${${k}} in ${cmd}`);
    return vars[k];
  });
  const c = parseCurl(cmd);
  const url = expand(c.url).replace(/^https:\/\/app\.scaleft\.com/, base);
  const u = new URL(url);
  const headers = { Host: u.host, 'User-Agent': 'curl/7.88.1', Accept: '*/*' };
  for (const [k, v] of c.headers) headers[k] = expand(v);
  let body;
  if (c.data !== undefined) {
    // curl --data sends a literal argument unchanged (only @file input is stripped of newlines).
    body = Buffer.from(c.data, 'utf8');
    headers['Content-Length'] = String(body.length);
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  return httpRequest(url, { method: c.method, headers, body });
}
