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
