// Raw HTTP/1.1 over a TCP socket: for pipelining and other things node:http will not send.
import net from 'node:net';
import { validateResponse } from './openapi.mjs';

// Parses as many complete responses as `buf` holds; returns {responses, rest}.
export function parseResponses(buf, { headRequests = 0 } = {}) {
  const responses = [];
  let off = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', off);
    if (end < 0) break;
    const head = buf.subarray(off, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
    if (!m) throw new Error(`bad status line: ${JSON.stringify(head[0])}`);
    const headers = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      const k = line.slice(0, i).trim().toLowerCase();
      const v = line.slice(i + 1).trim();
      headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
    }
    const status = Number(m[1]);
    let p = end + 4;
    let body;
    const noBody = status === 204 || status === 304 || (status >= 100 && status < 200) || responses.length < headRequests;
    if (noBody) {
      body = Buffer.alloc(0);
    } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const parts = [];
      let done = false;
      for (;;) {
        const le = buf.indexOf('\r\n', p);
        if (le < 0) break;
        const size = parseInt(buf.subarray(p, le).toString('latin1'), 16);
        if (buf.length < le + 2 + size + 2) break;
        if (size === 0) {
          const te = buf.indexOf('\r\n', le + 2);
          if (te < 0) break;
          p = te + 2;
          done = true;
          break;
        }
        parts.push(buf.subarray(le + 2, le + 2 + size));
        p = le + 2 + size + 2;
      }
      if (!done) break;
      body = Buffer.concat(parts);
    } else if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      if (buf.length < p + n) break;
      body = buf.subarray(p, p + n);
      p += n;
    } else {
      break; // body until close: not complete yet
    }
    const text = body.toString('utf8');
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    responses.push({ status, headers, text, json });
    off = p;
  }
  return { responses, rest: buf.subarray(off) };
}

// Sends `data` (string/Buffer, or an array of chunks written with `gapMs` between them) and
// collects `count` responses; rejects on timeout with what was received. With stopOnData,
// no further chunk is written once the server has started answering (as a careful client
// does when a server rejects an upload early).
export function rawExchange(port, data, count, { timeout = 10000, gapMs = 0, onData, stopOnData = false } = {}) {
  const sent = Buffer.concat((Array.isArray(data) ? data : [data]).map((c) => Buffer.from(c))).toString('latin1');
  return new Promise((res, rej) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let finished = false;
    const finish = (err, val) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      if (!err) {
        try { validateAll(sent, val); } catch (e) { err = e; }
      }
      if (err) rej(err); else res(val);
    };
    const timer = setTimeout(() => finish(new Error(`timeout waiting for ${count} responses; got: ${JSON.stringify(buf.toString('latin1').slice(0, 2000))}`)), timeout);
    sock.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      if (onData) onData(buf, sock);
      try {
        const { responses } = parseResponses(buf);
        if (responses.filter((r) => r.status >= 200).length >= count) finish(null, responses.filter((r) => r.status >= 200));
      } catch (e) { finish(e); }
    });
    sock.on('error', (e) => {
      try {
        const final = parseResponses(buf).responses.filter((r) => r.status >= 200);
        if (final.length >= count) return finish(null, final);
      } catch { /* report the socket error */ }
      return finish(e);
    });
    sock.on('close', () => {
      try {
        const { responses } = parseResponses(buf);
        const final = responses.filter((r) => r.status >= 200);
        if (final.length >= count) finish(null, final);
        else finish(new Error(`connection closed after ${final.length}/${count} responses: ${JSON.stringify(buf.toString('latin1').slice(0, 2000))}`));
      } catch (e) { finish(e); }
    });
    sock.on('connect', async () => {
      const chunks = Array.isArray(data) ? data : [data];
      for (const c of chunks) {
        if (finished || (stopOnData && buf.length > 0)) return;
        sock.write(c);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

// Pairs responses with the request lines that were sent (pipelined requests are answered in
// order) and validates each against the OpenAPI document; a response to bytes that were no
// request line is checked as an unrouted path.
function validateAll(sent, responses) {
  const lines = [...sent.matchAll(/([A-Z]+) (\S+) HTTP\/1\.[01]\r?\n/g)].map((m) => ({ method: m[1], target: m[2] }));
  responses.forEach((r, i) => {
    const q = lines[i] ?? { method: 'GET', target: '/' };
    const target = q.target.startsWith('/') ? q.target : '/';
    validateResponse(q.method, `http://127.0.0.1${target}`, r);
  });
}
