// POST /api/v1/acknowledgement: the end user's Delivered / Read receipts for a rep's messages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from './lib/server.mjs';
import { apiHeaders, readResponse, postInteraction, textMessage, getJson } from './lib/api.mjs';
import { messageFor, statusForCode } from './lib/catalogue.mjs';

const ALICE = '0058c00000DREP1';
let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

async function post(json, { headers = {}, raw } = {}) {
  const response = await fetch(`${server.baseUrl}/api/v1/acknowledgement`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...apiHeaders(server.env, headers) },
    body: raw ?? JSON.stringify(json),
  });
  const result = await readResponse(response);
  return result;
}

function assertAckError(response, code, context = '') {
  assert.equal(response.status, statusForCode(code), `${context} ${JSON.stringify(response.body)}`);
  assert.equal(response.body.success, false, context);
  assert.equal(response.body.code, code, context);
  if (messageFor(code)) assert.equal(response.body.message, messageFor(code), context);
}

async function conversationWithRepMessage() {
  const from = `ack-${randomUUID()}`;
  const inbound = await postInteraction(server, { json: textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from }) });
  const conversation = inbound.body.conversationIdentifier;
  const rep = `${server.baseUrl}/admin/v1/reps/${ALICE}/conversations/${conversation}`;
  assert.equal((await fetch(`${rep}/accept`, { method: 'POST' })).status, 202);
  const sent = await (await fetch(`${rep}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Hello!' }) })).json();
  return { from, conversation, repEntry: sent.identifier, inboundEntry: inbound.body.id };
}

function ack(c, type, { entry = c.repEntry, created = randomUUID(), timestamp = Date.now() } = {}) {
  return { acknowledgementType: type, acknowledgedConversationEntryIdentifier: entry, acknowledgmentCreatedConversationEntryIdentifier: created, acknowledgementTimestamp: timestamp };
}

function body(c, acknowledgements, overrides = {}) {
  return { sender: { appType: 'custom', subject: c.from, role: 'EndUser' }, conversationIdentifier: c.conversation, acknowledgements, ...overrides };
}

test('Delivered then Read: entries stored, the message marked, events emitted', async () => {
  const c = await conversationWithRepMessage();
  const t = Date.now();
  // Both in one request, out of order: the newest (Read) stands.
  const response = await post(body(c, [ack(c, 'Read', { timestamp: String(t + 10) }), ack(c, 'Delivered', { timestamp: t })]));
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { success: true });
  const detail = await getJson(server, `/admin/v1/conversations/${c.conversation}`);
  const message = detail.body.entries.find((e) => e.identifier === c.repEntry);
  assert.equal(message.acknowledgementStatus, 'Read');
  const ackEntries = detail.body.entries.filter((e) => e.entryType.endsWith('Acknowledgement'));
  assert.deepEqual(ackEntries.map((e) => e.entryType), ['DeliveryAcknowledgement', 'ReadAcknowledgement']);
  // A later Delivered does not downgrade Read.
  assert.equal((await post(body(c, [ack(c, 'Delivered')]))).status, 200);
  const again = await getJson(server, `/admin/v1/conversations/${c.conversation}`);
  assert.equal(again.body.entries.find((e) => e.identifier === c.repEntry).acknowledgementStatus, 'Read');
  const events = await getJson(server, `/admin/v1/events?conversation=${c.conversation}&type=ReadAcknowledgement`);
  const entry = events.body.events[0].payload.payload.entryPayload;
  assert.equal(entry.acknowledgedConversationEntryIdentifier, c.repEntry);
  assert.deepEqual(entry.recipient, { appType: 'agent', subject: ALICE, role: 'Agent' });
  assert.equal(entry.acknowledgementTimestamp, t + 10);
});

test('every rule with its code', async () => {
  const c = await conversationWithRepMessage();
  const many = Array.from({ length: 26 }, () => ack(c, 'Read'));
  const cases = [
    [body(c, [ack(c, 'Read')], { sender: undefined }), 10036],
    [body(c, [ack(c, 'Read')], { sender: { appType: 'agent', subject: c.from, role: 'EndUser' } }), 10037],
    [body(c, [ack(c, 'Read')], { sender: { appType: 'custom', subject: c.from, role: 'Agent' } }), 10038],
    [body(c, [ack(c, 'Read')], { sender: { appType: 'custom', subject: 'someone-else', role: 'EndUser' } }), 10036],
    [body(c, [ack(c, 'Read')], { conversationIdentifier: undefined }), 10018],
    [body(c, [ack(c, 'Read')], { conversationIdentifier: randomUUID() }), 10018],
    [body(c, []), 10089],
    [body(c, many), 10089],
    [body(c, [ack(c, 'Seen')]), 10089],
    [body(c, [{ ...ack(c, 'Read'), acknowledgementTimestamp: 'yesterday' }]), 10089],
    [body(c, [ack(c, 'Read', { entry: c.inboundEntry })]), 10089],
    [body(c, [ack(c, 'Read', { entry: randomUUID() })]), 10089],
  ];
  for (const [request, code] of cases) {
    for (const [key, value] of Object.entries(request)) if (value === undefined) delete request[key];
    assertAckError(await post(request), code, JSON.stringify(request).slice(0, 120));
  }
  assertAckError(await post(null, { raw: '' }), 10100);
  assertAckError(await post(null, { raw: '{' }), 10100);
  assertAckError(await post(body(c, [ack(c, 'Read')]), { headers: { RequestId: undefined } }), 10016);
  const detail = await getJson(server, `/admin/v1/conversations/${c.conversation}`);
  assert.equal(detail.body.entries.find((e) => e.identifier === c.repEntry).acknowledgementStatus, undefined, 'nothing was marked');
});
