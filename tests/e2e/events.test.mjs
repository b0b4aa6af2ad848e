// The outbound event log as the inspection API shows it: events committed with the change that
// produced them, durable across kill -9, filterable, and waitable without sleeping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from './lib/server.mjs';
import { postInteraction, getJson, textMessage } from './lib/api.mjs';
import { envelope, attachmentInteraction, pngBytes } from './lib/payloads.mjs';

let server;
before(async () => { server = await startServer({ keepData: true }); });
after(async () => { await server.stop(); });

async function sendAttachment(from, caption = 'a picture') {
  const bytes = pngBytes();
  const interaction = attachmentInteraction({ contentLength: bytes.length, text: caption });
  const json = envelope({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from, interaction });
  const response = await postInteraction(server, {
    json,
    files: [{ data: bytes, filename: 'photo.png', type: 'image/png' }],
  });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  return { response, id: interaction.id };
}

test('an inbound attachment emits MessageUpdated with the upload result, in the wrapped payload shape', async () => {
  const from = `events-${randomUUID()}`;
  const { response, id } = await sendAttachment(from);
  const conversation = response.body.conversationIdentifier;
  const found = await getJson(server, `/admin/v1/events?conversation=${conversation}&type=MessageUpdated&wait=2s`);
  assert.equal(found.status, 200);
  assert.equal(found.body.events.length, 1);
  const event = found.body.events[0];
  assert.equal(event.topic, '/event/Partner1_Event__e');
  assert.equal(event.eventType, 'Interaction');
  assert.equal(event.orgId, server.env.ORG_ID);
  assert.equal(typeof event.replayId, 'number');
  assert.equal(event.createdById, server.env.USER_ID);
  // The record's two custom fields carry the type and the payload as a JSON string.
  assert.equal(event.fields.EventType__c, 'Interaction');
  assert.deepEqual(JSON.parse(event.fields.Payload__c), event.payload);
  const payload = event.payload;
  assert.equal(payload.conversationIdentifier, conversation);
  assert.equal(payload.channelAddressIdentifier, server.env.CHANNEL_ADDRESS_IDENTIFIER);
  assert.deepEqual(payload.recipient, { appType: 'custom', subject: from, role: 'EndUser' });
  assert.equal(payload.payload.entryType, 'MessageUpdated');
  assert.equal(payload.payload.entryPayload.entryType, 'MessageUpdated');
  assert.equal(payload.payload.entryPayload.id, payload.payload.identifier);
  const updated = payload.payload.entryPayload.updatedMessage;
  assert.equal(updated.id, id);
  assert.equal(updated.staticContent.formatType, 'Attachments');
  assert.equal(updated.staticContent.text, 'a picture');
  assert.equal(updated.staticContent.attachments[0].mimeType, 'image/png');
  assert.deepEqual(updated.staticContent.attachments[0].attachmentUploadResult, { resultType: 'CompletedAttachmentUploadResult' });
  for (const key of ['identifier', 'entryType', 'entryPayload', 'sender', 'transcriptedTimestamp', 'clientTimestamp', 'clientDuration']) {
    assert.ok(key in payload.payload, `ConversationEntry requires ${key}`);
  }
});

test('a text message emits only its session\'s routing, and a replayed attachment emits nothing again', async () => {
  const from = `events-${randomUUID()}`;
  const text = await postInteraction(server, { json: textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from }) });
  assert.equal(text.status, 202);
  // The first message of a session on a Salesforce-routed channel queues it (no rep is online).
  const routed = await getJson(server, `/admin/v1/events?conversation=${text.body.conversationIdentifier}&wait=200ms`);
  assert.deepEqual(routed.body.events.map((e) => e.entryType), ['SessionStatusChanged', 'QueuePosition']);
  const second = await postInteraction(server, { json: textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from }) });
  assert.equal(second.status, 202);
  const none = await getJson(server, `/admin/v1/events?conversation=${text.body.conversationIdentifier}&after=${routed.body.events.at(-1).replayId}&wait=200ms`);
  assert.deepEqual(none.body.events, [], 'a later text message emits nothing');

  const bytes = pngBytes();
  const interaction = attachmentInteraction({ contentLength: bytes.length });
  const json = envelope({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from, interaction });
  const files = [{ data: bytes, filename: 'photo.png', type: 'image/png' }];
  assert.equal((await postInteraction(server, { json, files })).status, 202);
  assert.equal((await postInteraction(server, { json, files })).status, 202);
  const once = await getJson(server, `/admin/v1/events?conversation=${text.body.conversationIdentifier}&type=MessageUpdated`);
  assert.equal(once.body.events.length, 1, 'the replayed interaction is not stored again and emits nothing');
});

test('wait answers as soon as the event arrives, and at the deadline with none', async () => {
  const from = `events-${randomUUID()}`;
  const first = await sendAttachment(from);
  const conversation = first.response.body.conversationIdentifier;
  const latest = await getJson(server, `/admin/v1/events?conversation=${conversation}`);
  const after = latest.body.events.at(-1).replayId;
  const started = Date.now();
  const waiting = getJson(server, `/admin/v1/events?conversation=${conversation}&after=${after}&wait=10s`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await sendAttachment(from, 'second');
  const found = await waiting;
  assert.equal(found.body.events.length, 1);
  assert.ok(found.body.events[0].replayId > after);
  assert.ok(Date.now() - started < 5000, 'answered on arrival, not at the deadline');
  const t0 = Date.now();
  const empty = await getJson(server, `/admin/v1/events?conversation=${conversation}&after=${found.body.events[0].replayId}&wait=300ms`);
  assert.deepEqual(empty.body.events, []);
  assert.ok(Date.now() - t0 >= 250);
});

test('bad parameters are refused', async () => {
  for (const query of ['after=x', 'limit=0', 'limit=5000', 'wait=soon']) {
    const response = await getJson(server, `/admin/v1/events?${query}`);
    assert.equal(response.status, 400, query);
  }
});

test('events acknowledged before kill -9 are there after restart, with the same replay ids', async () => {
  const from = `events-${randomUUID()}`;
  const sent = [];
  for (let i = 0; i < 5; i += 1) sent.push(await sendAttachment(from, `n${i}`));
  const conversation = sent[0].response.body.conversationIdentifier;
  const before = await getJson(server, `/admin/v1/events?conversation=${conversation}&type=MessageUpdated`);
  assert.equal(before.body.events.length, 5);
  await server.stop('SIGKILL');
  server = await startServer({ dataDir: server.dataDir, keepData: true });
  const afterRestart = await getJson(server, `/admin/v1/events?conversation=${conversation}&type=MessageUpdated`);
  assert.deepEqual(afterRestart.body.events.map((e) => e.replayId), before.body.events.map((e) => e.replayId));
  // New events continue the sequence.
  const next = await sendAttachment(from, 'after restart');
  const later = await getJson(server, `/admin/v1/events?conversation=${next.response.body.conversationIdentifier}&type=MessageUpdated&after=${before.body.events.at(-1).replayId}&wait=2s`);
  assert.equal(later.body.events.length, 1);
  assert.ok(later.body.events[0].replayId > before.body.events.at(-1).replayId);
});
