// Durability across restarts: a graceful stop (SIGTERM) keeps everything, a kill -9 keeps every
// interaction that was acknowledged with 202, and a request in flight during SIGTERM is finished.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { rmSync } from 'node:fs';
import { startServer, makeDataDir } from './lib/server.mjs';
import {
  postInteraction, listConversations, getConversation, RawConnection, buildRequest, apiHeaders,
  getJson,
} from './lib/api.mjs';
import {
  textInteraction, envelope, attachmentInteraction, pngBytes, sha256Hex, interactionForm,
} from './lib/payloads.mjs';

const dataDirs = [];
const running = new Set();
after(async () => {
  for (const server of running) await server.stop('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function start(dataDir) {
  const server = await startServer({ dataDir, keepData: true });
  running.add(server);
  return server;
}

async function stop(server, signal = 'SIGTERM') {
  const status = await server.stop(signal);
  running.delete(server);
  return status;
}

function freshDir() {
  const dir = makeDataDir();
  dataDirs.push(dir);
  return dir;
}

async function send(server, json, options = {}) {
  const response = await postInteraction(server, { json, ...options });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  return response.body;
}

// Everything the admin API shows, keyed by conversation.
async function snapshot(server) {
  const { conversations, totalSize } = await listConversations(server);
  const details = {};
  for (const c of conversations) details[c.conversationIdentifier] = await getConversation(server, c.conversationIdentifier);
  const stats = await getJson(server, '/admin/v1/stats');
  assert.equal(stats.status, 200);
  return { totalSize, conversations, details, stats: stats.body };
}

// Resolves once connecting to `port` is refused (the listener is closed).
async function waitUntilRefused(port, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const refused = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(false); });
      socket.once('error', () => resolve(true));
    });
    if (refused) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`port ${port} still accepts connections after ${timeoutMs} ms`);
}

test('graceful stop and restart on the same data dir keeps conversations, entries, attachments and ids', async () => {
  const dataDir = freshDir();
  const first = await start(dataDir);
  const to = first.env.CHANNEL_ADDRESS_IDENTIFIER;
  const alice = `alice-${randomUUID().slice(0, 6)}`;
  const bob = `bob-${randomUUID().slice(0, 6)}`;
  const aliceAck = [];
  for (let i = 0; i < 3; i++) aliceAck.push(await send(first, textInteraction({ to, from: alice, text: `alice ${i}` })));
  const bobAck = await send(first, textInteraction({ to, from: bob, text: 'bob 0' }));
  const png = pngBytes();
  const attachmentAck = await send(first, envelope({ to, from: bob, interaction: attachmentInteraction({ contentLength: png.length, text: 'pic' }) }), { files: [{ data: png, filename: 'p.png', type: 'image/png' }] });
  const before = await snapshot(first);
  assert.equal(before.totalSize, 2);
  assert.deepEqual(before.stats, { conversations: 2, messagingSessions: 2, messagingEndUsers: 2, entries: 5, attachments: 1 });

  const status = await stop(first);
  assert.deepEqual(status, { code: 0, signal: null }, `graceful stop must exit 0\n${first.output().slice(-2000)}`);

  const second = await start(dataDir);
  const afterRestart = await snapshot(second);
  assert.deepEqual(afterRestart, before);

  // The attachment bytes survived.
  const download = await fetch(`${second.baseUrl}/admin/v1/attachments/${sha256Hex(png)}`);
  assert.equal(download.status, 200);
  assert.ok(Buffer.from(await download.arrayBuffer()).equals(png));

  // Tokens survive restarts of the same data dir.
  const withOldToken = await postInteraction(second, { json: textInteraction({ to, from: alice, text: 'after restart' }), headers: { Authorization: `Bearer ${first.env.ACCESS_TOKEN}` } });
  assert.equal(withOldToken.status, 202, JSON.stringify(withOldToken.body));
  // The same end user keeps the same conversation and session.
  assert.equal(withOldToken.body.conversationIdentifier, aliceAck[0].conversationIdentifier);
  assert.deepEqual(withOldToken.body.workItemIds, aliceAck[0].workItemIds);
  const aliceNow = await getConversation(second, aliceAck[0].conversationIdentifier);
  assert.equal(aliceNow.entries.length, 4);
  assert.equal(aliceNow.entries.at(-1).entryPayload.abstractMessage.staticContent.text, 'after restart');
  assert.equal(aliceNow.messagingSessions.length, 1);

  // Bob's conversation holds his message and his attachment, untouched.
  assert.equal(attachmentAck.conversationIdentifier, bobAck.conversationIdentifier);
  const bobNow = await getConversation(second, bobAck.conversationIdentifier);
  assert.equal(bobNow.entries.length, 2);

  // A new end user gets fresh ids: counters were persisted, nothing is reused.
  const carol = await send(second, textInteraction({ to, from: `carol-${randomUUID().slice(0, 6)}` }));
  const oldSessions = before.conversations.map((c) => c.messagingSessionId);
  const oldEndUsers = before.conversations.map((c) => c.messagingEndUserId);
  assert.ok(!oldSessions.includes(carol.workItemIds[0]), `session id ${carol.workItemIds[0]} reused`);
  const carolConversation = await getConversation(second, carol.conversationIdentifier);
  assert.ok(!oldEndUsers.includes(carolConversation.messagingEndUser.id), 'end user id reused');
  assert.ok(!Object.keys(before.details).includes(carol.conversationIdentifier));

  assert.deepEqual(await stop(second), { code: 0, signal: null });
});

test('an interaction replayed after a restart is not stored twice', async () => {
  const dataDir = freshDir();
  const first = await start(dataDir);
  const json = textInteraction({ to: first.env.CHANNEL_ADDRESS_IDENTIFIER, from: 'replayer' });
  const ack = await send(first, json);
  assert.deepEqual(await stop(first), { code: 0, signal: null });
  const second = await start(dataDir);
  const again = await send(second, json);
  assert.deepEqual(again, ack);
  assert.equal((await getConversation(second, ack.conversationIdentifier)).entries.length, 1);
  await stop(second);
});

test('kill -9 right after a burst: every acknowledged interaction is there after restart', async () => {
  const dataDir = freshDir();
  const first = await start(dataDir);
  const to = first.env.CHANNEL_ADDRESS_IDENTIFIER;
  const users = Array.from({ length: 8 }, (_, i) => `burst-${i}-${randomUUID().slice(0, 6)}`);
  const perUser = 6;
  // Users in parallel, each user's messages in sequence (so their order is defined).
  const acknowledged = await Promise.all(users.map(async (from) => {
    const acks = [];
    for (let i = 0; i < perUser; i++) {
      const json = textInteraction({ to, from, text: `${from} #${i}` });
      const response = await postInteraction(first, { json });
      assert.equal(response.status, 202, JSON.stringify(response.body));
      acks.push({ id: json.interactions[0].payload.id, body: response.body });
    }
    return { from, acks };
  }));
  const status = await stop(first, 'SIGKILL');
  assert.equal(status.signal, 'SIGKILL');

  const second = await start(dataDir);
  const { totalSize } = await listConversations(second);
  assert.equal(totalSize, users.length);
  for (const { from, acks } of acknowledged) {
    const conversationIds = new Set(acks.map((a) => a.body.conversationIdentifier));
    assert.equal(conversationIds.size, 1, `${from} has one conversation`);
    const conversation = await getConversation(second, acks[0].body.conversationIdentifier);
    assert.equal(conversation.messagingEndUser.endUserClientId, from);
    assert.deepEqual(conversation.entries.map((e) => e.identifier), acks.map((a) => a.id), `entries of ${from}`);
    assert.equal(conversation.messagingSessionId, acks[0].body.workItemIds[0]);
  }
  // The store is usable after the crash recovery.
  const more = await send(second, textInteraction({ to, from: users[0], text: 'after crash' }));
  assert.equal(more.conversationIdentifier, acknowledged[0].acks[0].body.conversationIdentifier);
  await stop(second);
});

test('SIGTERM with a request in flight: the request still gets its 202, then the server exits 0', async () => {
  const dataDir = freshDir();
  const first = await start(dataDir);
  const json = textInteraction({ to: first.env.CHANNEL_ADDRESS_IDENTIFIER, from: 'in-flight' });
  const form = interactionForm({ json });
  const head = buildRequest({ headers: { ...apiHeaders(first.env), 'Content-Type': form.contentType, 'Content-Length': String(form.body.length), Expect: '100-continue' } });
  const connection = await RawConnection.open(first.port);
  try {
    await connection.write(head);
    // The 100 proves the server has read the header: the request is in flight.
    const interim = await connection.waitForContinue(5000);
    assert.equal(interim.continues, 1, 'no 100 Continue');
    first.proc.kill('SIGTERM');
    // Stopping has begun once the listener is closed.
    await waitUntilRefused(first.port);
    await connection.write(form.body);
    const final = await connection.waitForResponses(1, 5000);
    assert.equal(final.responses.length, 1, 'the in-flight request got no answer');
    assert.equal(final.responses[0].status, 202, JSON.stringify(final.responses[0].body));
    assert.equal(final.responses[0].body.id, json.interactions[0].payload.id);
    assert.equal(final.responses[0].headers.connection?.toLowerCase(), 'close', 'the last answer closes the connection');
  } finally {
    connection.destroy();
  }
  const status = await first.exited;
  running.delete(first);
  assert.deepEqual(status, { code: 0, signal: null });

  const second = await start(dataDir);
  const { conversations } = await listConversations(second);
  assert.equal(conversations.length, 1);
  const conversation = await getConversation(second, conversations[0].conversationIdentifier);
  assert.deepEqual(conversation.entries.map((e) => e.identifier), [json.interactions[0].payload.id]);
  await stop(second);
});

test('SIGTERM with idle keep-alive connections open exits promptly', async () => {
  const server = await start(freshDir());
  const idle = await RawConnection.open(server.port);
  await idle.write(buildRequest({ method: 'GET', path: '/health' }));
  const answered = await idle.waitForResponses(1, 5000);
  assert.equal(answered.responses[0].status, 200);
  const started = Date.now();
  const status = await stop(server);
  const elapsed = Date.now() - started;
  assert.deepEqual(status, { code: 0, signal: null });
  assert.ok(elapsed < 3000, `stop took ${elapsed} ms with an idle connection open`);
  const closed = await idle.waitForClose(2000);
  assert.ok(closed.closed, 'the idle connection was closed');
  idle.destroy();
});

test('SIGTERM with a stalled client: the server gives up after its grace period and exits 0', async () => {
  const server = await start(freshDir());
  const stalled = await RawConnection.open(server.port);
  // A header promising a body that never comes.
  await stalled.write(buildRequest({ headers: { ...apiHeaders(server.env), 'Content-Type': 'multipart/form-data; boundary=b', 'Content-Length': '1000' } }));
  await stalled.write(Buffer.from('--b\r\n'));
  const health = await fetch(`${server.baseUrl}/health`);
  assert.equal(health.status, 200);
  const started = Date.now();
  server.proc.kill('SIGTERM');
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), 15000); });
  const status = await Promise.race([server.exited, timeout]);
  clearTimeout(timer);
  running.delete(server);
  if (status === 'timeout') server.proc.kill('SIGKILL');
  assert.notEqual(status, 'timeout', 'the server did not exit within 15 s of SIGTERM');
  assert.deepEqual(status, { code: 0, signal: null });
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 10000, `exit took ${elapsed} ms`);
  stalled.destroy();
});
