// Malformed input at every layer (TCP, HTTP, multipart, JSON, field types): each gets a catalogue
// error or a documented HTTP error, never a 500, a hang or a crash, and the server keeps answering.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { startServer, waitForHealth } from './lib/server.mjs';
import {
  postInteraction, postInteractionBody, apiHeaders, buildRequest, rawExchange, RawConnection,
  getJson, uploadRaw,
} from './lib/api.mjs';
import { assertApiError } from './lib/catalogue.mjs';
import { textInteraction, interactionForm, encodeMultipart, gifBytes } from './lib/payloads.mjs';

let server;
let to;
before(async () => {
  server = await startServer();
  to = server.env.CHANNEL_ADDRESS_IDENTIFIER;
});
after(async () => {
  const status = await server.stop();
  assert.deepEqual(status, { code: 0, signal: null }, `server exit status after the malformed inputs\n${server.output().slice(-3000)}`);
});
// After every test: the process is alive and answers.
afterEach(async () => {
  assert.equal(server.proc.exitCode, null, `server exited:\n${server.output().slice(-3000)}`);
  assert.equal(server.proc.signalCode, null, `server killed by ${server.proc.signalCode}:\n${server.output().slice(-3000)}`);
  await waitForHealth(server.baseUrl, 3000);
});

const newUser = () => `e2e-bad-${randomUUID().slice(0, 8)}`;
const validJson = () => textInteraction({ to, from: newUser() });

// A request over a raw socket with the API headers, `Connection: close` unless keepAlive.
function apiRequest({ body, contentType, headers = {}, keepAlive = false, ...rest }) {
  const all = { ...apiHeaders(server.env), ...headers };
  if (contentType) all['Content-Type'] = contentType;
  if (!keepAlive) all.Connection = 'close';
  return buildRequest({ headers: all, body, ...rest });
}

// Sends raw bytes and returns the single response (asserting there is exactly one).
async function rawOne(bytes, options = {}) {
  const result = await rawExchange(server.port, bytes, { timeoutMs: 10000, ...options });
  assert.equal(result.timedOut, undefined, 'no answer within 10 s');
  assert.equal(result.responses.length, 1, `expected one response, got ${result.responses.length} (closed ${result.closed}, error ${result.error})`);
  return { ...result.responses[0], closed: result.closed };
}

// Expects the Spring-style routing error body and a closed connection for an unparseable request.
async function expectHttpError(bytes, status, error) {
  const result = await rawExchange(server.port, bytes, { waitForClose: true, timeoutMs: 5000 });
  assert.equal(result.timedOut, undefined, 'the server neither answered nor closed within 5 s');
  assert.equal(result.responses.length, 1, `expected a ${status} answer, got none (closed ${result.closed})`);
  const [response] = result.responses;
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.status, status);
  assert.equal(response.body.error, error);
  assert.ok(result.closed, 'the connection must be closed after an unparseable request');
}

const form = (json) => interactionForm({ json });

// `body` in Transfer-Encoding: chunked framing, `size` bytes per chunk.
function chunk(body, size) {
  const pieces = [];
  for (let at = 0; at < body.length; at += size) {
    const piece = body.subarray(at, at + size);
    pieces.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(pieces);
}

// ------------------------------------------------------------------------------------------------
// multipart framing

test('truncated multipart: body cut in the middle of the json part (Content-Length matches)', async () => {
  const { body, contentType } = form(validJson());
  const cut = body.subarray(0, Math.floor(body.length / 2));
  assertApiError(await rawOne(apiRequest({ body: cut, contentType })), 10100);
});

test('truncated multipart: body cut inside a part header block', async () => {
  const { body, contentType } = form(validJson());
  const cut = body.subarray(0, body.indexOf('Content-Disposition') + 10);
  assertApiError(await rawOne(apiRequest({ body: cut, contentType })), 10100);
});

test('truncated multipart: closing delimiter missing', async () => {
  const { body, contentType, boundary } = form(validJson());
  const cut = body.subarray(0, body.lastIndexOf(`--${boundary}--`));
  assertApiError(await rawOne(apiRequest({ body: cut, contentType })), 10100);
});

test('the body uses another boundary than the Content-Type header', async () => {
  const { body } = form(validJson());
  assertApiError(await rawOne(apiRequest({ body, contentType: 'multipart/form-data; boundary=somethingElse123' })), 10100);
});

test('multipart/form-data without a boundary parameter', async () => {
  const { body } = form(validJson());
  assertApiError(await rawOne(apiRequest({ body, contentType: 'multipart/form-data' })), 10016);
  assertApiError(await rawOne(apiRequest({ body, contentType: 'multipart/form-data; charset=utf-8' })), 10016);
});

test('a quoted boundary (legal per RFC 2046) is honoured', async () => {
  const json = validJson();
  const { body } = encodeMultipart([{ name: 'json', type: 'application/json', data: JSON.stringify(json) }], 'quoted boundary:1');
  const response = await rawOne(apiRequest({ body, contentType: 'multipart/form-data; boundary="quoted boundary:1"' }));
  assert.equal(response.status, 202, JSON.stringify(response.body));
  assert.equal(response.body.id, json.interactions[0].payload.id);
});

test('a boundary with an unterminated quote, an empty boundary, one over 70 characters, or two boundaries', async () => {
  const { body, boundary } = form(validJson());
  for (const contentType of [`multipart/form-data; boundary=${boundary}; boundary=${boundary}`, 'multipart/form-data; boundary="abc', 'multipart/form-data; boundary=""', 'multipart/form-data; boundary=', `multipart/form-data; boundary=${'b'.repeat(71)}`]) {
    assertApiError(await rawOne(apiRequest({ body, contentType })), 10016, { context: contentType });
  }
});

test('a part without Content-Disposition, and a part header block with bare LF', async () => {
  const boundary = 'xyzBoundary';
  const noDisposition = Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(validJson())}\r\n--${boundary}--\r\n`);
  assertApiError(await rawOne(apiRequest({ body: noDisposition, contentType: `multipart/form-data; boundary=${boundary}` })), 10100);
  const { body, contentType } = form(validJson());
  const bareLf = Buffer.from(body.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
  assertApiError(await rawOne(apiRequest({ body: bareLf, contentType })), 10100);
});

test('more parts than allowed (65 small parts)', async () => {
  const parts = [{ name: 'json', type: 'application/json', data: JSON.stringify(validJson()) }];
  for (let i = 0; i < 65; i++) parts.push({ name: `extra${i}`, data: 'x' });
  const { body, contentType } = encodeMultipart(parts);
  assertApiError(await rawOne(apiRequest({ body, contentType })), 10100);
});

test('a part header block over 16 KiB', async () => {
  const { body, contentType } = encodeMultipart([{ name: 'json', type: 'application/json', headers: [`X-Filler: ${'f'.repeat(17 * 1024)}`], data: JSON.stringify(validJson()) }]);
  assertApiError(await rawOne(apiRequest({ body, contentType })), 10100);
});

// ------------------------------------------------------------------------------------------------
// JSON

test('invalid JSON in the json part', async () => {
  for (const text of ['{', '{"to": "x",}', "{'to': 'x'}", 'undefined', '{"to":"x"} trailing']) {
    assertApiError(await postInteraction(server, { json: text }), 10100, { context: text });
  }
});

test('JSON array, JSON null, and an empty json part', async () => {
  for (const text of ['[]', JSON.stringify([validJson()]), 'null', '']) {
    assertApiError(await postInteraction(server, { json: text }), 10100, { context: JSON.stringify(text) });
  }
});

test('a json part starting with a UTF-8 byte order mark', async () => {
  // RFC 8259 §8.1: senders MUST NOT add a BOM, receivers MAY ignore it. Either is acceptable;
  // anything else is not.
  const json = validJson();
  const data = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(json))]);
  const { body, contentType } = encodeMultipart([{ name: 'json', type: 'application/json', data }]);
  const response = await rawOne(apiRequest({ body, contentType }));
  if (response.status === 202) assert.equal(response.body.id, json.interactions[0].payload.id);
  else assertApiError(response, 10100);
});

test('JSON nested 10,000 levels deep', async () => {
  assertApiError(await postInteraction(server, { json: `${'['.repeat(10000)}${']'.repeat(10000)}` }), 10100);
  const deepObject = `${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}`;
  const response = await postInteraction(server, { json: deepObject });
  // Too deep to parse (10100), or parsed and then lacking `to` (10027).
  assert.ok([10100, 10027].includes(response.body?.code), JSON.stringify(response.body));
  assertApiError(response, response.body.code);
});

test('JSON with invalid UTF-8', async () => {
  const text = Buffer.from(JSON.stringify(validJson()).replace('Hello', 'He\u00ffllo'), 'latin1');
  const { body, contentType } = encodeMultipart([{ name: 'json', type: 'application/json', data: text }]);
  assertApiError(await rawOne(apiRequest({ body, contentType })), 10100);
});

test('huge string fields: to and from of 100,000 characters; a 900 KB text is fine', async () => {
  assertApiError(await postInteraction(server, { json: { ...validJson(), to: 'c'.repeat(100000) } }), 10027);
  assertApiError(await postInteraction(server, { json: { ...validJson(), from: 'u'.repeat(100000) } }), 10028);
  const big = textInteraction({ to, from: newUser(), text: 't'.repeat(900 * 1024) });
  const response = await postInteraction(server, { json: big });
  assert.equal(response.status, 202, JSON.stringify(response.body));
});

test('a number too large for any integer type as timestamp', async () => {
  const text = JSON.stringify(validJson()).replace(/"timestamp":\d+/, '"timestamp":1e400');
  const response = await postInteraction(server, { json: text });
  // Not JSON a parser must accept (10100), or a timestamp that is not an integer (10029).
  assert.ok([10100, 10029].includes(response.body?.code), JSON.stringify(response.body));
  assertApiError(response, response.body.code);
});

test('wrong types: to as number, from as object, interactions as object', async () => {
  assertApiError(await postInteraction(server, { json: { ...validJson(), to: 12345 } }), 10027);
  assertApiError(await postInteraction(server, { json: { ...validJson(), from: { id: 'x' } } }), 10028);
  assertApiError(await postInteraction(server, { json: { ...validJson(), interactions: { 0: validJson().interactions[0] } } }), 10029);
});

test('wrong types: timestamp as bool, payload as string, abstractMessage as array', async () => {
  const a = validJson();
  a.interactions[0].timestamp = true;
  assertApiError(await postInteraction(server, { json: a }), 10029);
  const b = validJson();
  b.interactions[0].payload = JSON.stringify(b.interactions[0].payload);
  assertApiError(await postInteraction(server, { json: b }), 10045);
  const c = validJson();
  c.interactions[0].payload.abstractMessage = [c.interactions[0].payload.abstractMessage];
  assertApiError(await postInteraction(server, { json: c }), 10045);
});

// ------------------------------------------------------------------------------------------------
// bodies and content types

test('an empty body with Content-Length: 0', async () => {
  assertApiError(await rawOne(apiRequest({ body: Buffer.alloc(0), contentType: 'multipart/form-data; boundary=abc' })), 10100);
  assertApiError(await rawOne(apiRequest({ contentType: 'multipart/form-data; boundary=abc', contentLength: 0 })), 10100);
});

test('no Content-Type header', async () => {
  const { body } = form(validJson());
  assertApiError(await postInteractionBody(server, { body, contentType: null }), 10016);
});

test('Content-Type application/json on /api/v1/interactions', async () => {
  const body = Buffer.from(JSON.stringify(validJson()));
  assertApiError(await postInteractionBody(server, { body, contentType: 'application/json' }), 10016);
});

test('binary garbage as a multipart body', async () => {
  const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
  assertApiError(await postInteractionBody(server, { body: garbage, contentType: 'multipart/form-data; boundary=abc' }), 10100);
});

test('a 30 MB body of garbage', async () => {
  const garbage = Buffer.alloc(30 * 1000 * 1000, 0x5a);
  assertApiError(await postInteractionBody(server, { body: garbage, contentType: 'multipart/form-data; boundary=abc' }), 10100);
});

test('a declared body over 64 MiB (Expect: 100-continue) is refused with 413 10008 before it is sent', async () => {
  const head = apiRequest({ contentType: 'multipart/form-data; boundary=abc', contentLength: 65 * 1024 * 1024, headers: { Expect: '100-continue' } });
  const result = await rawExchange(server.port, head, { waitForClose: true, timeoutMs: 5000 });
  assert.equal(result.timedOut, undefined, 'no answer within 5 s');
  assert.equal(result.continues, 0, 'the server must not invite a body it will refuse');
  assert.equal(result.responses.length, 1);
  assertApiError(result.responses[0], 10008, { status: 413 });
  assert.ok(result.closed, 'the connection is closed');
});

test('a body over 64 MiB sent without waiting is answered 413 10008 (Content-Length and chunked)', async () => {
  const body = Buffer.alloc(65 * 1024 * 1024, 0x41);
  const withLength = apiRequest({ contentType: 'multipart/form-data; boundary=abc', contentLength: body.length, keepAlive: true });
  const sized = await uploadRaw(server.port, withLength, body);
  assert.equal(sized.responses.length, 1, `no answer (closed ${sized.closed}, error ${sized.error})`);
  assertApiError(sized.responses[0], 10008, { status: 413 });
  const chunkedHead = apiRequest({ contentType: 'multipart/form-data; boundary=abc', keepAlive: true, headers: { 'Transfer-Encoding': 'chunked' }, contentLength: null });
  const chunked = await uploadRaw(server.port, chunkedHead, chunk(body, 1024 * 1024));
  assert.equal(chunked.responses.length, 1, `no answer (closed ${chunked.closed}, error ${chunked.error})`);
  assertApiError(chunked.responses[0], 10008, { status: 413 });
});

test('a JSON endpoint refuses a body over 1 MiB with 413 10100 (Content-Length and chunked)', async () => {
  const body = Buffer.from(`grant_type=${'a'.repeat(2 * 1024 * 1024)}`);
  const head = buildRequest({ path: '/services/oauth2/token', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(body.length) } });
  const sized = await uploadRaw(server.port, head, body);
  assert.equal(sized.responses.length, 1, `no answer (closed ${sized.closed}, error ${sized.error})`);
  assertApiError(sized.responses[0], 10100, { status: 413, context: 'Content-Length' });
  const chunkedHead = buildRequest({ path: '/services/oauth2/token', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' }, contentLength: null });
  const chunked = await uploadRaw(server.port, chunkedHead, chunk(body, 256 * 1024));
  assert.equal(chunked.responses.length, 1, `no answer (closed ${chunked.closed}, error ${chunked.error})`);
  assertApiError(chunked.responses[0], 10100, { status: 413, context: 'chunked' });
});

// ------------------------------------------------------------------------------------------------
// HTTP layer

test('a garbage request line gets 400 and the connection is closed', async () => {
  await expectHttpError(Buffer.from('GARBAGE\r\n\r\n'), 400, 'Bad Request');
  await expectHttpError(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), 400, 'Bad Request');
  await expectHttpError(Buffer.from('GET /health HTTP/1.1\r\nHost: a\r\nBad Header Without Colon\r\n\r\n'), 400, 'Bad Request');
});

test('broken framing headers get 400: Content-Length and chunked together, two Content-Lengths, a non-numeric one', async () => {
  const { body, contentType } = form(validJson());
  const headers = Object.entries({ ...apiHeaders(server.env), 'Content-Type': contentType });
  await expectHttpError(buildRequest({ headers: [...headers, ['Content-Length', '10']], body, chunked: true }), 400, 'Bad Request');
  await expectHttpError(buildRequest({ headers: [...headers, ['Content-Length', String(body.length)], ['Content-Length', '5']], body, contentLength: null }), 400, 'Bad Request');
  await expectHttpError(buildRequest({ headers: [...headers, ['Content-Length', 'abc']], body, contentLength: null }), 400, 'Bad Request');
});

test('an invalid chunk size in a chunked body gets 400 and the connection is closed', async () => {
  const { body, contentType } = form(validJson());
  const request = apiRequest({ body, contentType, chunked: true, keepAlive: true });
  const text = request.toString('latin1');
  const at = text.indexOf('\r\n\r\n') + 4;
  const broken = Buffer.from(`${text.slice(0, at)}zz${text.slice(text.indexOf('\r\n', at))}`, 'latin1');
  await expectHttpError(broken, 400, 'Bad Request');
});

test('a header block over 16 KiB gets 431', async () => {
  const big = buildRequest({ method: 'GET', path: '/health', headers: { 'X-Filler': 'f'.repeat(17 * 1024) } });
  await expectHttpError(big, 431, 'Request Header Fields Too Large');
  const longTarget = Buffer.from(`GET /${'a'.repeat(20000)} HTTP/1.1\r\nHost: a\r\n\r\n`);
  await expectHttpError(longTarget, 431, 'Request Header Fields Too Large');
});

test('an unknown path gets a Spring-style 404', async () => {
  const response = await getJson(server, '/api/v1/nothing-here');
  assert.equal(response.status, 404);
  assert.deepEqual(response.body, { status: 404, error: 'Not Found', path: '/api/v1/nothing-here' });
  const post = await fetch(`${server.baseUrl}/api/v2/interactions`, { method: 'POST', headers: apiHeaders(server.env), body: 'x' });
  assert.equal(post.status, 404);
  assert.deepEqual(await post.json(), { status: 404, error: 'Not Found', path: '/api/v2/interactions' });
});

test('a known path under another method gets a Spring-style 405', async () => {
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
    const response = await fetch(`${server.baseUrl}/api/v1/interactions`, { method, headers: apiHeaders(server.env) });
    assert.equal(response.status, 405, method);
    assert.deepEqual(await response.json(), { status: 405, error: 'Method Not Allowed', path: '/api/v1/interactions' }, method);
  }
  const health = await fetch(`${server.baseUrl}/health`, { method: 'POST', body: '{}' });
  assert.equal(health.status, 405);
  assert.deepEqual(await health.json(), { status: 405, error: 'Method Not Allowed', path: '/health' });
});

test('admin paths do not leak files: traversal in the attachment id is a 404', async () => {
  for (const target of ['/admin/v1/attachments/..%2F..%2Fsecrets%2Ftoken-signing.key', '/admin/v1/attachments/..%2finteractiond.db', '/admin/v1/attachments/abc', `/admin/v1/attachments/${'0'.repeat(64)}`]) {
    const response = await rawOne(Buffer.from(`GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`));
    assert.equal(response.status, 404, `${target}: ${JSON.stringify(response.body)}`);
  }
  const unknown = await getJson(server, '/admin/v1/conversations/not-a-conversation');
  assert.equal(unknown.status, 404);
  assert.equal(typeof unknown.body.error, 'string');
});

test('pipelining: two requests in one write are both answered, in order', async () => {
  const first = validJson();
  const second = validJson();
  const a = form(first);
  const b = form(second);
  const bytes = Buffer.concat([
    apiRequest({ body: a.body, contentType: a.contentType, keepAlive: true }),
    buildRequest({ method: 'GET', path: '/api/v1/nope' }),
    apiRequest({ body: b.body, contentType: b.contentType, keepAlive: true }),
  ]);
  const result = await rawExchange(server.port, bytes, { count: 3, timeoutMs: 10000 });
  assert.equal(result.responses.length, 3, `got ${result.responses.length} responses`);
  assert.equal(result.responses[0].status, 202);
  assert.equal(result.responses[0].body.id, first.interactions[0].payload.id);
  assert.equal(result.responses[1].status, 404);
  assert.equal(result.responses[2].status, 202);
  assert.equal(result.responses[2].body.id, second.interactions[0].payload.id);
});

test('a client that sends half a body and disconnects does not hurt the server', async () => {
  const bytes = gifBytes();
  const { body, contentType } = interactionForm({ json: validJson(), files: [{ data: Buffer.concat([bytes, Buffer.alloc(100000)]), filename: 'x.gif' }] });
  const request = apiRequest({ body, contentType, keepAlive: true });
  const connection = await RawConnection.open(server.port);
  await connection.write(request.subarray(0, request.length - Math.floor(body.length / 2)));
  connection.destroy();
  // And a chunked one that stops mid-chunk.
  const chunked = apiRequest({ body, contentType, keepAlive: true, chunked: true, chunkSize: 4096 });
  const second = await RawConnection.open(server.port);
  await second.write(chunked.subarray(0, Math.floor(chunked.length / 3)));
  second.destroy();
  const health = await getJson(server, '/health');
  assert.equal(health.status, 200);
  // A normal request still works.
  const response = await postInteraction(server, { json: validJson() });
  assert.equal(response.status, 202, JSON.stringify(response.body));
});

test('slowloris-style partial headers, then close, do not block other clients', async () => {
  const sockets = [];
  for (let i = 0; i < 20; i++) {
    const connection = await RawConnection.open(server.port);
    await connection.write(Buffer.from('POST /api/v1/interactions HTTP/1.1\r\nHost: 127.0.0.1\r\nOrgId: 00D'));
    sockets.push(connection);
  }
  // While they hang, normal traffic is served.
  const response = await postInteraction(server, { json: validJson() });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  for (const connection of sockets) connection.destroy();
});

test('a connection reset right after the request is sent does not hurt the server', async () => {
  const { body, contentType } = form(validJson());
  await new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      socket.write(apiRequest({ body, contentType }), () => { socket.resetAndDestroy(); resolve(); });
    });
    socket.on('error', () => {});
  });
  const health = await getJson(server, '/health');
  assert.equal(health.status, 200);
});

test('admin fault endpoint refuses malformed bodies with 400', async () => {
  for (const body of ['not json', '[]', '{"point":"nope"}', '{"point":"store-commit","count":-1}', '{"point":"store-commit","count":"1"}']) {
    const response = await fetch(`${server.baseUrl}/admin/v1/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    assert.equal(response.status, 400, body);
    assert.equal(typeof (await response.json()).error, 'string');
  }
  const armed = await getJson(server, '/admin/v1/faults');
  assert.deepEqual(armed.body, { armed: {} });
});
