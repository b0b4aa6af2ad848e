// The whole loop a partner integration lives on: an end user's message comes in through
// /api/v1/interactions, a rep (driven through the rep API) accepts and answers, and the reply
// arrives (a) at a subscriber built on the unmodified npm `salesforce-pubsub-api-client`, (b) on
// the server-sent events stream, and (c) at the inspection API — and survives kill -9.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import PubSubApiClient from 'salesforce-pubsub-api-client';
import { startServer } from './lib/server.mjs';
import { postInteraction, getJson, textMessage } from './lib/api.mjs';

const TOPIC = '/event/Partner1_Event__e';
const ALICE = '0058c00000DREP1';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
let server;
const clients = [];  // closed after the server stops (the client's close() leaves streams open)

before(async () => { server = await startServer({ args: ['--pubsub-keepalive-ms', '500'], keepData: true }); });
after(async () => {
  await server?.stop();
  for (const client of clients) client.close();
});

async function subscriber(mode = 'latest', count = 100) {
  const client = new PubSubApiClient({
    authType: 'user-supplied',
    accessToken: server.env.ACCESS_TOKEN,
    instanceUrl: `https://localhost:${server.port}`,
    organizationId: server.env.ORG_ID,
    pubSubEndpoint: `localhost:${server.pubsubTlsPort}`,
    rejectUnauthorizedSsl: false,
  }, quiet);
  await client.connect();
  clients.push(client);
  const state = { events: [], keepalives: 0, errors: [] };
  const callback = (info, type, data) => {
    if (type === 'event') state.events.push(data);
    else if (type === 'grpcKeepAlive') state.keepalives += 1;
    else if (type === 'error') state.errors.push(data);
  };
  if (mode === 'earliest') client.subscribeFromEarliestEvent(TOPIC, callback, count);
  else client.subscribe(TOPIC, callback, count);
  return { state, client };
}

async function until(predicate, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Opens a server-sent events stream and returns a reader of its first `count` events. The stream
// is open (its response header arrived) when this resolves, so later requests cannot be queued
// behind it on the client's connection.
async function openSse(url, count, controller) {
  const response = await fetch(url, { signal: controller.signal });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /text\/event-stream/);
  return { events: readSse(response, count, controller) };
}

async function readSse(response, count, controller) {
  const decoder = new TextDecoder();
  let buffer = '';
  const events = [];
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let at;
    while ((at = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':'))
        .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
      if (fields.data) events.push({ id: Number(fields.id), event: fields.event, data: JSON.parse(fields.data) });
    }
    if (events.length >= count) break;
  }
  controller.abort();
  return events;
}

test('end user → rep reply → Pub/Sub subscriber, SSE and inspection', async () => {
  const pubsub = await subscriber('latest');
  await until(() => pubsub.state.keepalives >= 1, 'the subscription to be positioned');
  const sseController = new AbortController();
  const sse = await openSse(`${server.baseUrl}/admin/v1/events/stream?topic=${encodeURIComponent(TOPIC)}&orgId=${server.env.ORG_ID}`, 5, sseController);

  const from = `round-trip-${randomUUID()}`;
  const inbound = await postInteraction(server, { json: textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from, text: 'I need help' }) });
  assert.equal(inbound.status, 202);
  const conversation = inbound.body.conversationIdentifier;
  const rep = (action, body) => fetch(`${server.baseUrl}/admin/v1/reps/${ALICE}/conversations/${conversation}/${action}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body && JSON.stringify(body),
  }).then((r) => r.json());
  assert.equal((await rep('accept')).success, true);
  const reply = await rep('messages', { text: 'Happy to help!' });
  assert.equal(reply.success, true);

  // (c) inspection, without sleeping
  const inspected = await getJson(server, `/admin/v1/events?conversation=${conversation}&type=Message&wait=5s`);
  assert.equal(inspected.body.events.length, 1);
  const replayId = inspected.body.events[0].replayId;

  // (a) the npm Pub/Sub client: the session queued by Salesforce-owned routing (SessionStatusChanged
  // Waiting, QueuePosition), the rep joining (ParticipantChanged, SessionStatusChanged), the Message
  await until(() => pubsub.state.events.some((e) => e.replayId === replayId), 'the reply on Pub/Sub');
  assert.deepEqual(pubsub.state.errors, []);
  const ours = pubsub.state.events.filter((e) => JSON.parse(e.payload.Payload__c).conversationIdentifier === conversation);
  const routedAndAnswered = ['SessionStatusChanged', 'QueuePosition', 'ParticipantChanged', 'SessionStatusChanged', 'Message'];
  assert.deepEqual(ours.map((e) => JSON.parse(e.payload.Payload__c).payload.entryType), routedAndAnswered);
  const message = ours.at(-1);
  assert.equal(message.replayId, replayId);
  assert.equal(message.payload.EventType__c, 'Interaction');
  assert.equal(message.payload.CreatedById, ALICE);
  assert.equal(typeof message.payload.CreatedDate, 'number');
  const payload = JSON.parse(message.payload.Payload__c);
  // The fields the outbound schema requires (InteractionEvent / ConversationEntry).
  assert.equal(payload.channelAddressIdentifier, server.env.CHANNEL_ADDRESS_IDENTIFIER);
  assert.deepEqual(payload.recipient, { appType: 'custom', subject: from, role: 'EndUser' });
  for (const key of ['entryPayload', 'identifier', 'sender', 'clientTimestamp', 'clientDuration', 'transcriptedTimestamp', 'entryType']) {
    assert.ok(key in payload.payload, `ConversationEntry.${key}`);
  }
  assert.deepEqual(payload.payload.sender, { appType: 'agent', subject: ALICE, role: 'Agent' });
  assert.equal(payload.payload.entryPayload.abstractMessage.staticContent.text, 'Happy to help!');
  assert.equal(payload.payload.identifier, reply.identifier);
  assert.deepEqual(JSON.parse(inspected.body.events[0].fields.Payload__c), payload);

  // (b) server-sent events: the same five, same replay ids
  const streamed = await sse.events;
  assert.deepEqual(streamed.map((e) => e.event), routedAndAnswered);
  assert.deepEqual(streamed.map((e) => e.id), ours.map((e) => e.replayId));
  assert.deepEqual(streamed[4].data.payload, payload);
});

test('SSE resumes after a replay id (Last-Event-ID) with exactly the later events', async () => {
  const all = await getJson(server, `/admin/v1/events?topic=${encodeURIComponent(TOPIC)}`);
  assert.ok(all.body.events.length >= 3);
  const from = all.body.events.at(-3).replayId;
  const controller = new AbortController();
  const response = await fetch(`${server.baseUrl}/admin/v1/events/stream?topic=${encodeURIComponent(TOPIC)}`, {
    signal: controller.signal, headers: { 'Last-Event-ID': String(from) },
  });
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of response.body) {
    text += decoder.decode(chunk, { stream: true });
    if ((text.match(/^id: /gm) ?? []).length >= 2) break;
  }
  controller.abort();
  const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  assert.deepEqual(ids, all.body.events.slice(-2).map((e) => e.replayId));
  assert.equal((await fetch(`${server.baseUrl}/admin/v1/events/stream?after=x`)).status, 400);
});

test('events written before kill -9 are delivered by Pub/Sub after the restart', async () => {
  const before = await getJson(server, `/admin/v1/events?topic=${encodeURIComponent(TOPIC)}`);
  const ids = before.body.events.map((e) => e.replayId);
  assert.ok(ids.length > 0);
  await server.stop('SIGKILL');
  server = await startServer({ dataDir: server.dataDir, args: ['--pubsub-keepalive-ms', '500'], keepData: true });
  const pubsub = await subscriber('earliest');
  await until(() => ids.every((id) => pubsub.state.events.some((e) => e.replayId === id)), 'every event after restart');
  const delivered = pubsub.state.events.map((e) => e.replayId);
  assert.deepEqual(delivered, [...new Set(delivered)].sort((a, b) => a - b), 'in order, no duplicates');
});
