// Client helpers for the Interaction Service API, built on Node's fetch/FormData as a partner's
// connector would be, plus a raw-socket client for malformed requests.
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { recordCode } from './server.mjs';

export function apiHeaders(env, overrides = {}) {
  const headers = {
    Authorization: `Bearer ${env.ACCESS_TOKEN}`,
    OrgId: env.ORG_ID,
    AuthorizationContext: env.AUTHORIZATION_CONTEXT,
    RequestId: randomUUID(),
    ...overrides,
  };
  for (const [key, value] of Object.entries(headers)) if (value === undefined) delete headers[key];
  return headers;
}

// A text message interaction in the README's shape.
export function textMessage({ to, from, text = 'Hello', id = randomUUID(), timestamp = Date.now() } = {}) {
  return {
    to,
    from,
    interactions: [{
      timestamp,
      interactionType: 'EntryInteraction',
      payload: {
        id,
        entryType: 'Message',
        abstractMessage: { messageType: 'StaticContentMessage', id, staticContent: { formatType: 'Text', text } },
      },
    }],
  };
}

// POST /api/v1/interactions with a json part (object or raw string) and optional files
// ([{ name?, data: Buffer, filename, type }]). `filesFirst` puts the file parts before json.
export async function postInteraction(server, { json, files = [], headers = {}, filesFirst = false } = {}) {
  const form = new FormData();
  const addJson = () => form.append('json', new Blob([typeof json === 'string' ? json : JSON.stringify(json)], { type: 'application/json' }));
  const addFiles = () => {
    for (const file of files) {
      form.append(file.name ?? 'attachments', new Blob([file.data], { type: file.type ?? 'application/octet-stream' }), file.filename ?? 'file.bin');
    }
  };
  if (filesFirst) { addFiles(); if (json !== undefined) addJson(); } else { if (json !== undefined) addJson(); addFiles(); }
  const response = await fetch(`${server.baseUrl}/api/v1/interactions`, {
    method: 'POST',
    headers: apiHeaders(server.env, headers),
    body: form,
  });
  return readResponse(response);
}

export async function readResponse(response) {
  const text = await response.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  if (body && typeof body === 'object' && typeof body.code === 'number') recordCode(body.code);
  return { status: response.status, body, headers: response.headers };
}

export async function getJson(server, pathname) {
  const response = await fetch(`${server.baseUrl}${pathname}`);
  return readResponse(response);
}

// Sends raw bytes on a fresh connection and returns { status, headers, body } of the first
// response, or { status: 0 } when the server closed without answering.
export function rawRequest(port, bytes, { timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('raw request timed out')); }, timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const parsed = parseResponse(data);
      if (parsed) { clearTimeout(timer); socket.destroy(); resolve(parsed); }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponse(data) ?? { status: 0, headers: {}, body: data.toString() });
    });
  });
}

function parseResponse(data) {
  const text = data.toString('latin1');
  const headerEnd = text.indexOf('\r\n\r\n');
  if (headerEnd < 0) return null;
  const [statusLine, ...lines] = text.slice(0, headerEnd).split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  if (status === 100) return parseResponse(data.subarray(headerEnd + 4));
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const length = Number(headers['content-length'] ?? 0);
  const bodyBytes = data.subarray(Buffer.byteLength(text.slice(0, headerEnd + 4), 'latin1'));
  if (bodyBytes.length < length) return null;
  const bodyText = bodyBytes.subarray(0, length).toString('utf8');
  let body;
  try { body = JSON.parse(bodyText); } catch { body = bodyText; }
  if (body && typeof body === 'object' && typeof body.code === 'number') recordCode(body.code);
  return { status, headers, body };
}

// ---------------------------------------------------------------------------------------------
// Additions for the e2e suite: raw requests, several responses per connection, admin helpers.

// Serialises a request. `headers` is an object or a list of [name, value] pairs (names are sent
// exactly as given); Content-Length is added for a body unless `chunked` (then the body is sent
// in Transfer-Encoding: chunked, `chunkSize` bytes per chunk) or `contentLength` is given
// (null: no Content-Length at all).
export function buildRequest({ method = 'POST', path = '/api/v1/interactions', headers = {}, body, chunked = false, chunkSize = 1000, contentLength, host = '127.0.0.1' } = {}) {
  const list = Array.isArray(headers) ? [...headers] : Object.entries(headers);
  const bodyBuffer = body === undefined ? null : (Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
  const names = new Set(list.map(([name]) => name.toLowerCase()));
  if (!names.has('host')) list.unshift(['Host', host]);
  let payload = bodyBuffer ?? Buffer.alloc(0);
  if (chunked) {
    list.push(['Transfer-Encoding', 'chunked']);
    const pieces = [];
    for (let at = 0; at < payload.length; at += chunkSize) {
      const piece = payload.subarray(at, at + chunkSize);
      pieces.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
    }
    pieces.push(Buffer.from('0\r\n\r\n'));
    payload = Buffer.concat(pieces);
  } else if (contentLength !== null && !names.has('content-length') && (bodyBuffer !== null || contentLength !== undefined)) {
    list.push(['Content-Length', String(contentLength ?? payload.length)]);
  }
  const head = `${method} ${path} HTTP/1.1\r\n${list.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

// Parses every complete response in `data` (skipping 100 Continue); returns { responses, rest,
// continues }.
export function parseResponses(data) {
  const responses = [];
  let continues = 0;
  let rest = data;
  for (;;) {
    const text = rest.toString('latin1');
    const headerEnd = text.indexOf('\r\n\r\n');
    if (headerEnd < 0) break;
    const [statusLine, ...lines] = text.slice(0, headerEnd).split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    if (status === 100) { continues++; rest = rest.subarray(headerEnd + 4); continue; }
    const length = Number(headers['content-length'] ?? 0);
    const bodyBytes = rest.subarray(headerEnd + 4);
    if (bodyBytes.length < length) break;
    const bodyText = bodyBytes.subarray(0, length).toString('utf8');
    let body;
    try { body = JSON.parse(bodyText); } catch { body = bodyText; }
    if (body && typeof body === 'object' && typeof body.code === 'number') recordCode(body.code);
    responses.push({ status, headers, body, statusLine });
    rest = bodyBytes.subarray(length);
  }
  return { responses, rest, continues };
}

// Opens a connection, writes `bytes` (a Buffer, or a list of Buffers written in turn), and
// collects responses until `count` arrived and, with waitForClose, the server closed the
// connection. Resolves { responses, closed, continues, error } (closed: the server ended the
// connection; error: a socket error code such as ECONNRESET). Never rejects on timeout: it
// resolves with timedOut: true.
export function rawExchange(port, bytes, { count = 1, waitForClose = false, timeoutMs = 10000 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let closed = false;
    let error;
    let done = false;
    const finish = (extra = {}) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const parsed = parseResponses(data);
      resolve({ responses: parsed.responses, continues: parsed.continues, closed, error, ...extra });
    };
    const timer = setTimeout(() => finish({ timedOut: true }), timeoutMs);
    socket.on('connect', () => {
      for (const chunk of Array.isArray(bytes) ? bytes : [bytes]) socket.write(chunk);
    });
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (!waitForClose && parseResponses(data).responses.length >= count) finish();
    });
    socket.on('error', (e) => { error = e.code; });
    socket.on('end', () => { closed = true; });
    socket.on('close', () => { closed = true; finish(); });
  });
}

export async function postJson(server, pathname, body) {
  const response = await fetch(`${server.baseUrl}${pathname}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  return readResponse(response);
}

// Arms a fault point of the admin API (conversation-lookup → 20002, store-commit → 500).
export async function armFault(server, point, count = 1) {
  const response = await postJson(server, '/admin/v1/faults', { point, count });
  if (response.status !== 200) throw new Error(`arming ${point} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function listConversations(server, query = '') {
  const response = await getJson(server, `/admin/v1/conversations?limit=1000${query}`);
  if (response.status !== 200) throw new Error(`list conversations: ${response.status}`);
  return response.body;
}

export async function getConversation(server, conversationIdentifier) {
  const response = await getJson(server, `/admin/v1/conversations/${conversationIdentifier}`);
  if (response.status !== 200) throw new Error(`conversation ${conversationIdentifier}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

// Conversations of one end user (`from`) on the admin API.
export async function conversationsOf(server, from) {
  const { conversations } = await listConversations(server);
  return conversations.filter((c) => c.endUserClientId === from);
}

// POST /api/v1/interactions with an arbitrary body via fetch (contentType null: none sent).
export async function postInteractionBody(server, { body, contentType, headers = {} }) {
  const all = apiHeaders(server.env, headers);
  if (contentType !== null && contentType !== undefined) all['Content-Type'] = contentType;
  const response = await fetch(`${server.baseUrl}/api/v1/interactions`, { method: 'POST', headers: all, body });
  return readResponse(response);
}

// A raw connection driven step by step (Expect: 100-continue, bodies sent in pieces, requests in
// flight while the server stops).
export class RawConnection {
  static open(port) {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.data = Buffer.alloc(0);
    this.closed = false;
    this.error = undefined;
    this.waiters = [];
    socket.on('data', (chunk) => { this.data = Buffer.concat([this.data, chunk]); this.#wake(); });
    socket.on('error', (e) => { this.error = e.code; this.#wake(); });
    socket.on('close', () => { this.closed = true; this.#wake(); });
  }

  #wake() { for (const waiter of [...this.waiters]) waiter(); }

  write(bytes) {
    return new Promise((resolve) => this.socket.write(bytes, () => resolve()));
  }

  // Resolves with parseResponses(data) once `predicate` holds for it (or the connection closed,
  // or timeoutMs passed: then `timedOut` is set).
  until(predicate, timeoutMs = 10000) {
    return new Promise((resolve) => {
      const check = () => {
        const parsed = parseResponses(this.data);
        if (predicate(parsed) || this.closed) {
          cleanup();
          resolve({ ...parsed, closed: this.closed, error: this.error });
        }
      };
      const timer = setTimeout(() => { cleanup(); resolve({ ...parseResponses(this.data), closed: this.closed, timedOut: true }); }, timeoutMs);
      const cleanup = () => { clearTimeout(timer); this.waiters = this.waiters.filter((w) => w !== check); };
      this.waiters.push(check);
      check();
    });
  }

  waitForContinue(timeoutMs) { return this.until((p) => p.continues > 0, timeoutMs); }
  waitForResponses(count = 1, timeoutMs) { return this.until((p) => p.responses.length >= count, timeoutMs); }
  waitForClose(timeoutMs) { return this.until(() => false, timeoutMs); }
  destroy() { this.socket.destroy(); }
}

// Uploads a large request over a raw socket the way a careful client does: the body is written
// in pieces with back-pressure while the answer is read, so a server that answers early (413, or
// an error before reading the body) is heard instead of surfacing as EPIPE. Resolves
// { responses, closed, error, bytesWritten }.
export function uploadRaw(port, head, body, { pieceSize = 256 * 1024, timeoutMs = 60000 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let error;
    let closed = false;
    let done = false;
    let bytesWritten = 0;
    const finish = (extra = {}) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponses(data), closed, error, bytesWritten, ...extra });
    };
    const timer = setTimeout(() => finish({ timedOut: true }), timeoutMs);
    const answered = () => parseResponses(data).responses.length > 0;
    socket.on('data', (chunk) => { data = Buffer.concat([data, chunk]); if (answered()) finish(); });
    socket.on('error', (e) => { error = e.code; });
    socket.on('close', () => { closed = true; finish(); });
    socket.on('connect', async () => {
      socket.write(head);
      for (let at = 0; at < body.length && !done && !socket.destroyed; at += pieceSize) {
        const piece = body.subarray(at, at + pieceSize);
        const flushed = socket.write(piece);
        bytesWritten += piece.length;
        if (!flushed) {
          await new Promise((r) => {
            const go = () => { socket.off('drain', go); socket.off('close', go); r(); };
            socket.on('drain', go);
            socket.on('close', go);
          });
        }
      }
    });
  });
}
