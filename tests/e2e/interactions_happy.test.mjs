// POST /api/v1/interactions: every kind of interaction an end user's connector sends is accepted,
// answered with the documented 202 body, and stored (checked through the admin API).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from './lib/server.mjs';
import {
  postInteraction, getJson, apiHeaders, buildRequest, rawExchange, RawConnection,
  getConversation, conversationsOf,
} from './lib/api.mjs';
import {
  envelope, entryInteraction, messagePayload, contents, textInteraction, typingPayload,
  deliveryFailedPayload, attachmentInteraction, pngBytes, gifBytes, pdfBytes, jpegBytes, bmpBytes,
  sha256Hex, interactionForm, encodeMultipart,
} from './lib/payloads.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SESSION_ID = /^0Mw[0-9A-Za-z]{12}$/;

let server;
let to;
before(async () => {
  server = await startServer();
  to = server.env.CHANNEL_ADDRESS_IDENTIFIER;
});
after(async () => { await server.stop(); });

const newUser = (label) => `e2e-${label}-${randomUUID().slice(0, 8)}`;

// Asserts the documented 202 body for interaction `id`.
function assertAccepted(response, id) {
  assert.equal(response.status, 202, `expected 202, got ${response.status} ${JSON.stringify(response.body)}`);
  assert.deepEqual(Object.keys(response.body).sort(), ['conversationIdentifier', 'id', 'success', 'workItemIds']);
  assert.match(response.body.conversationIdentifier, UUID);
  assert.equal(response.body.id, id);
  assert.ok(Array.isArray(response.body.workItemIds));
  assert.equal(response.body.workItemIds.length, 1);
  assert.match(response.body.workItemIds[0], SESSION_ID);
  assert.equal(response.body.success, true);
  const contentType = response.headers?.get?.('content-type') ?? response.headers?.['content-type'];
  assert.match(contentType ?? '', /^application\/json/, `content-type ${contentType}`);
}

// Sends one EntryInteraction payload from a fresh end user; returns { response, conversation,
// entry } with the stored last entry.
async function sendEntry(payload, { from = newUser('entry'), interactionExtra = {}, timestamp = Date.now() } = {}) {
  const json = envelope({ to, from, interaction: entryInteraction(payload, { timestamp, extra: interactionExtra }) });
  const response = await postInteraction(server, { json });
  assertAccepted(response, payload.id);
  const conversation = await getConversation(server, response.body.conversationIdentifier);
  const entry = conversation.entries.at(-1);
  assert.equal(entry.identifier, payload.id);
  return { response, conversation, entry };
}

test('StaticContentMessage Text is accepted and stored with its sender and session', async () => {
  const from = newUser('text');
  const payload = messagePayload('StaticContentMessage', contents.text('Hi there'));
  const { response, conversation, entry } = await sendEntry(payload, { from, timestamp: 1700000000000 });
  assert.equal(conversation.conversationIdentifier, response.body.conversationIdentifier);
  assert.equal(conversation.channelAddressIdentifier, to);
  assert.equal(conversation.orgId, server.env.ORG_ID);
  assert.equal(conversation.messagingSessionId, response.body.workItemIds[0]);
  assert.equal(conversation.messagingEndUser.endUserClientId, from);
  assert.match(conversation.messagingEndUser.id, /^0PA[0-9A-Za-z]{12}$/);
  // The demo channel's routing is Salesforce-owned: the first message puts the session in the queue.
  assert.deepEqual(conversation.messagingSessions.map((s) => [s.id, s.status]), [[response.body.workItemIds[0], 'Waiting']]);
  assert.deepEqual(conversation.participants.map((p) => p.participant), [{ appType: 'custom', subject: from, role: 'EndUser' }]);
  assert.equal(entry.entryType, 'Message');
  assert.equal(entry.clientTimestamp, 1700000000000);
  assert.deepEqual(entry.sender, { appType: 'custom', subject: from, role: 'EndUser' });
  assert.deepEqual(entry.entryPayload, payload);
});

test('StaticContentMessage Links is accepted', async () => {
  const payload = messagePayload('StaticContentMessage', contents.links('https://example.com/x'));
  const { entry } = await sendEntry(payload);
  assert.deepEqual(entry.entryPayload.abstractMessage.staticContent.links, [{ url: 'https://example.com/x', title: 'A link' }]);
});

test('StaticContentMessage ExperienceType is accepted', async () => {
  const payload = messagePayload('StaticContentMessage', contents.experienceType());
  const { entry } = await sendEntry(payload);
  assert.equal(entry.entryPayload.abstractMessage.staticContent.formatType, 'ExperienceType');
});

test('StaticContentMessage Attachments (attachments given by url) is accepted', async () => {
  const payload = messagePayload('StaticContentMessage', contents.attachments());
  const { entry } = await sendEntry(payload);
  assert.deepEqual(entry.entryPayload, payload);
});

test('ChoicesResponseMessage Selections is accepted', async () => {
  const payload = messagePayload('ChoicesResponseMessage', contents.selections());
  const { entry } = await sendEntry(payload);
  assert.deepEqual(entry.entryPayload.abstractMessage.choicesResponse.selectedOptions, [{ optionIdentifier: 'opt-1', title: 'Option 1' }]);
});

test('FormResponseMessage Inputs is accepted', async () => {
  const payload = messagePayload('FormResponseMessage', contents.inputs());
  const { entry } = await sendEntry(payload);
  assert.deepEqual(entry.entryPayload, payload);
});

test('FormResponseMessage Inputs with an empty inputValues list is accepted', async () => {
  const payload = messagePayload('FormResponseMessage', { formatType: 'Inputs', inputValues: [] });
  await sendEntry(payload);
});

test('FormResponseMessage Result is accepted', async () => {
  const payload = messagePayload('FormResponseMessage', contents.result());
  const { entry } = await sendEntry(payload);
  assert.deepEqual(entry.entryPayload, payload);
});

test('TypingStartedIndicator is accepted and stored as an entry', async () => {
  const payload = typingPayload('TypingStartedIndicator', { timestamp: 1700000000123 });
  const { entry } = await sendEntry(payload);
  assert.equal(entry.entryType, 'TypingStartedIndicator');
  assert.deepEqual(entry.entryPayload, payload);
});

test('TypingStoppedIndicator is accepted and stored as an entry', async () => {
  const payload = typingPayload('TypingStoppedIndicator');
  const { entry } = await sendEntry(payload);
  assert.equal(entry.entryType, 'TypingStoppedIndicator');
});

test('MessageDeliveryFailed (appType custom, role EndUser) is accepted', async () => {
  const from = newUser('mdf');
  const payload = deliveryFailedPayload({ subject: from, errorCode: 'ERR_TIMEOUT' });
  const { entry } = await sendEntry(payload, { from });
  assert.equal(entry.entryType, 'MessageDeliveryFailed');
  assert.deepEqual(entry.entryPayload, payload);
});

test('MessageDeliveryFailed with a numeric errorCode is accepted and stored as its string', async () => {
  const from = newUser('mdf-num');
  const payload = deliveryFailedPayload({ subject: from, errorCode: 10017 });
  const { entry } = await sendEntry(payload, { from });
  assert.equal(entry.entryPayload.errorCode, '10017');
});

// ------------------------------------------------------------------------------------------------
// AttachmentInteraction

const FILES = [
  { kind: 'PNG', bytes: pngBytes(), mime: 'image/png', filename: 'pixel.png' },
  { kind: 'GIF', bytes: gifBytes(), mime: 'image/gif', filename: 'pixel.gif' },
  { kind: 'PDF', bytes: pdfBytes(), mime: 'application/pdf', filename: 'doc.pdf' },
  { kind: 'JPEG', bytes: jpegBytes(), mime: 'image/jpeg', filename: 'block.jpg' },
  { kind: 'BMP', bytes: bmpBytes(), mime: 'image/bmp', filename: 'pixel.bmp' },
];

async function sendAttachment({ bytes, filename, type = 'application/octet-stream', text, filesFirst = false, from = newUser('att'), interaction }) {
  const id = interaction?.id ?? randomUUID();
  const json = envelope({ to, from, interaction: interaction ?? attachmentInteraction({ id, contentLength: bytes.length, text }) });
  const response = await postInteraction(server, { json, files: [{ data: bytes, filename, type }], filesFirst });
  assertAccepted(response, id);
  const conversation = await getConversation(server, response.body.conversationIdentifier);
  return { id, response, conversation, entry: conversation.entries.at(-1) };
}

// Checks the stored Attachments message and that the bytes download unchanged.
async function assertStoredAttachment({ id, entry, bytes, filename, mime, caption }) {
  const sha = sha256Hex(bytes);
  assert.equal(entry.identifier, id);
  assert.equal(entry.entryType, 'Message');
  const message = entry.entryPayload.abstractMessage;
  assert.equal(message.messageType, 'StaticContentMessage');
  assert.equal(message.id, id);
  assert.equal(message.staticContent.formatType, 'Attachments');
  assert.deepEqual(message.staticContent.attachments, [{
    id, name: filename, mimeType: mime, url: `${server.baseUrl}/admin/v1/attachments/${sha}`,
  }]);
  if (caption === undefined) assert.equal(message.staticContent.text, undefined);
  else assert.equal(message.staticContent.text, caption);
  const download = await fetch(`${server.baseUrl}/admin/v1/attachments/${sha}`);
  assert.equal(download.status, 200);
  assert.equal(download.headers.get('content-type'), mime);
  const downloaded = Buffer.from(await download.arrayBuffer());
  assert.ok(downloaded.equals(bytes), `downloaded ${downloaded.length} bytes differ from the ${bytes.length} sent`);
}

for (const file of FILES) {
  test(`AttachmentInteraction with a ${file.kind} file is accepted, stored and downloadable`, async () => {
    const { id, entry } = await sendAttachment({ bytes: file.bytes, filename: file.filename, type: file.mime });
    await assertStoredAttachment({ id, entry, bytes: file.bytes, filename: file.filename, mime: file.mime });
  });
}

test('AttachmentInteraction with a 5 MiB file (a phone photo) is accepted and stored intact', async () => {
  const bytes = Buffer.alloc(5 * 1024 * 1024);
  jpegBytes().copy(bytes);
  for (let i = 200; i < bytes.length; i += 4096) bytes[i] = i % 251;
  let result;
  try {
    result = await sendAttachment({ bytes, filename: 'photo.jpg', type: 'image/jpeg', text: 'big photo' });
  } catch (error) {
    throw new Error(`a ${bytes.length}-byte upload got no answer: ${error.message} (${error.cause?.code ?? ''})`);
  }
  await assertStoredAttachment({ id: result.id, entry: result.entry, bytes, filename: 'photo.jpg', mime: 'image/jpeg', caption: 'big photo' });
});

test('AttachmentInteraction with the file part before the json part and a caption', async () => {
  const bytes = pngBytes();
  const { id, entry, conversation } = await sendAttachment({ bytes, filename: 'first.png', type: 'image/png', text: 'This is my file', filesFirst: true });
  await assertStoredAttachment({ id, entry, bytes, filename: 'first.png', mime: 'image/png', caption: 'This is my file' });
  assert.equal(conversation.attachments.length, 1);
});

test('AttachmentInteraction: the detected type wins over the part Content-Type', async () => {
  const bytes = gifBytes();
  const { id, entry } = await sendAttachment({ bytes, filename: 'really-a-gif.png', type: 'image/png' });
  await assertStoredAttachment({ id, entry, bytes, filename: 'really-a-gif.png', mime: 'image/gif' });
});

test('AttachmentInteraction: an RFC 5987 file name (filename*) is stored decoded', async () => {
  const bytes = gifBytes();
  const id = randomUUID();
  const form = interactionForm({ json: envelope({ to, from: newUser('fname'), interaction: attachmentInteraction({ id, contentLength: bytes.length }) }), files: [{ data: bytes, filename: 'fallback.gif', type: 'image/gif' }] });
  const body = Buffer.from(form.body.toString('latin1').replace('filename="fallback.gif"', `filename="fallback.gif"; filename*=UTF-8''%E2%82%AC%20report.gif`), 'latin1');
  const { responses } = await rawExchange(server.port, buildRequest({ headers: { ...apiHeaders(server.env), 'Content-Type': form.contentType }, body }));
  assertAccepted(responses[0], id);
  const conversation = await getConversation(server, responses[0].body.conversationIdentifier);
  assert.equal(conversation.entries.at(-1).entryPayload.abstractMessage.staticContent.attachments[0].name, '€ report.gif');
});

test('AttachmentInteraction: a file part without a file name is stored under the attachment id', async () => {
  const bytes = gifBytes();
  const id = randomUUID();
  const json = envelope({ to, from: newUser('noname'), interaction: attachmentInteraction({ id, contentLength: bytes.length }) });
  const form = encodeMultipart([{ name: 'json', type: 'application/json', data: JSON.stringify(json) }, { name: 'attachments', type: 'image/gif', data: bytes }]);
  const { responses } = await rawExchange(server.port, buildRequest({ headers: { ...apiHeaders(server.env), 'Content-Type': form.contentType }, body: form.body }));
  assertAccepted(responses[0], id);
  const conversation = await getConversation(server, responses[0].body.conversationIdentifier);
  await assertStoredAttachment({ id, entry: conversation.entries.at(-1), bytes, filename: id, mime: 'image/gif' });
});

test('file bytes that resemble the boundary are stored intact', async () => {
  const boundary = 'BoundaryXYZ123';
  const bytes = Buffer.concat([gifBytes(), Buffer.from(`\r\n--${boundary.slice(0, -1)}\r\n--${boundary.slice(0, 4)}\r\n-\r\n--`)]);
  const id = randomUUID();
  const json = envelope({ to, from: newUser('nearboundary'), interaction: attachmentInteraction({ id, contentLength: bytes.length }) });
  const form = interactionForm({ json, files: [{ data: bytes, filename: 'tricky.gif', type: 'image/gif' }], boundary });
  const { responses } = await rawExchange(server.port, buildRequest({ headers: { ...apiHeaders(server.env), 'Content-Type': form.contentType }, body: form.body }));
  assertAccepted(responses[0], id);
  const conversation = await getConversation(server, responses[0].body.conversationIdentifier);
  await assertStoredAttachment({ id, entry: conversation.entries.at(-1), bytes, filename: 'tricky.gif', mime: 'image/gif' });
  const record = conversation.attachments.find((a) => a.sha256 === sha256Hex(bytes));
  assert.ok(record, JSON.stringify(conversation.attachments));
  assert.equal(record.size, bytes.length);
  assert.equal(record.mimeType, 'image/gif');
});

test('Content-Type: media type and parameter names in any case, extra parameters, no space', async () => {
  for (const template of ['Multipart/Form-Data; BOUNDARY=%b', 'multipart/form-data; charset=utf-8; boundary=%b', 'multipart/form-data;boundary=%b', 'multipart/form-data; boundary="%b"']) {
    const json = textInteraction({ to, from: newUser('ctype') });
    const form = interactionForm({ json, boundary: 'ctypeBoundary42' });
    const contentType = template.replace('%b', form.boundary);
    const { responses } = await rawExchange(server.port, buildRequest({ headers: { ...apiHeaders(server.env), 'Content-Type': contentType }, body: form.body }));
    assert.equal(responses[0].status, 202, `${contentType}: ${JSON.stringify(responses[0].body)}`);
    assertAccepted(responses[0], json.interactions[0].payload.id);
  }
});

test('parts with other names are ignored', async () => {
  const json = textInteraction({ to, from: newUser('otherparts') });
  const form = encodeMultipart([
    { name: 'metadata', type: 'application/json', data: '{"x":1}' },
    { name: 'json', type: 'application/json', data: JSON.stringify(json) },
    { name: 'note', data: 'free text' },
  ]);
  const { responses } = await rawExchange(server.port, buildRequest({ headers: { ...apiHeaders(server.env), 'Content-Type': form.contentType }, body: form.body }));
  assertAccepted(responses[0], json.interactions[0].payload.id);
});

test('numbers sent as strings: timestamp, contentLength and attachmentIndex', async () => {
  // An EntryInteraction with a string timestamp.
  const from = newUser('strings');
  const payload = messagePayload('StaticContentMessage', contents.text('string timestamp'));
  const { entry } = await sendEntry(payload, { from, timestamp: '1700000000000' });
  assert.equal(entry.clientTimestamp, 1700000000000);

  // An AttachmentInteraction of exactly 123 bytes described with strings.
  const data = Buffer.concat([gifBytes(), Buffer.alloc(123 - gifBytes().length)]);
  assert.equal(data.length, 123);
  const id = randomUUID();
  const interaction = { timestamp: '1700000000001', interactionType: 'AttachmentInteraction', id, attachmentIndex: '0', contentLength: '123' };
  const result = await sendAttachment({ bytes: data, filename: 'strings.bin', from, interaction });
  assert.equal(result.entry.identifier, id);
  assert.equal(result.entry.clientTimestamp, 1700000000001);
  assert.equal(result.conversation.entries.length, 2, 'both interactions of the user are in one conversation');
});

test('integral JSON doubles are accepted for timestamp, contentLength and attachmentIndex', async () => {
  const from = newUser('doubles');
  const id = randomUUID();
  const json = `{"to":${JSON.stringify(to)},"from":${JSON.stringify(from)},"interactions":[{"timestamp":1700000000000.0,"interactionType":"EntryInteraction","payload":{"id":"${id}","entryType":"Message","abstractMessage":{"messageType":"StaticContentMessage","id":"${id}","staticContent":{"formatType":"Text","text":"double"}}}}]}`;
  const response = await postInteraction(server, { json });
  assertAccepted(response, id);
  const bytes = pngBytes();
  const attId = randomUUID();
  const attJson = `{"to":${JSON.stringify(to)},"from":${JSON.stringify(from)},"interactions":[{"timestamp":1.7e12,"interactionType":"AttachmentInteraction","id":"${attId}","attachmentIndex":0.0,"contentLength":${bytes.length}.0}]}`;
  const attResponse = await postInteraction(server, { json: attJson, files: [{ data: bytes, filename: 'd.png', type: 'image/png' }] });
  assertAccepted(attResponse, attId);
});

test('unknown extra fields are accepted at every level and kept in the stored entry', async () => {
  const from = newUser('extra');
  const payload = messagePayload('StaticContentMessage', { ...contents.text('extra'), futureField: { a: 1 } });
  payload.extraPayloadField = 'kept';
  payload.abstractMessage.extraMessageField = [1, 2, 3];
  const json = envelope({ to, from, interaction: entryInteraction(payload, { extra: { extraInteractionField: true } }), extra: { extraTopLevel: 'ignored', conversationContext: null } });
  const response = await postInteraction(server, { json });
  assertAccepted(response, payload.id);
  const conversation = await getConversation(server, response.body.conversationIdentifier);
  const stored = conversation.entries.at(-1).entryPayload;
  assert.equal(stored.extraPayloadField, 'kept');
  assert.deepEqual(stored.abstractMessage.extraMessageField, [1, 2, 3]);
  assert.deepEqual(stored.abstractMessage.staticContent.futureField, { a: 1 });
});

test('routingAttributes: channel variables within their length, unknown names and scalars are accepted', async () => {
  const from = newUser('routing');
  const json = textInteraction({ to, from });
  json.routingAttributes = { CustomerTier: 'Gold123456', Topic: 't'.repeat(255), NotAVariable: 'x'.repeat(5000), Count: 3, Vip: true, Nothing: null };
  const response = await postInteraction(server, { json });
  assertAccepted(response, json.interactions[0].payload.id);
  // Lengths are counted in characters: ten two-byte characters fit a maxLength of 10.
  const json2 = textInteraction({ to, from });
  json2.routingAttributes = { CustomerTier: 'é'.repeat(10) };
  assertAccepted(await postInteraction(server, { json: json2 }), json2.interactions[0].payload.id);
});

// ------------------------------------------------------------------------------------------------
// Headers

test('header names in odd case are accepted (orgid, AUTHORIZATIONCONTEXT, …)', async () => {
  const json = textInteraction({ to, from: newUser('case') });
  const form = interactionForm({ json });
  const bytes = buildRequest({
    headers: [
      ['authorization', `Bearer ${server.env.ACCESS_TOKEN}`],
      ['orgid', server.env.ORG_ID],
      ['AUTHORIZATIONCONTEXT', server.env.AUTHORIZATION_CONTEXT],
      ['requestID', randomUUID()],
      ['CONTENT-TYPE', form.contentType],
    ],
    body: form.body,
  });
  const { responses } = await rawExchange(server.port, bytes);
  assert.equal(responses.length, 1);
  assertAccepted(responses[0], json.interactions[0].payload.id);
});

test('OrgId in its 18-character form is accepted', async () => {
  const json = textInteraction({ to, from: newUser('org18') });
  const response = await postInteraction(server, { json, headers: { OrgId: `${server.env.ORG_ID}XYZ` } });
  assertAccepted(response, json.interactions[0].payload.id);
});

test('the Bearer scheme is case-insensitive', async () => {
  const json = textInteraction({ to, from: newUser('bearer') });
  const response = await postInteraction(server, { json, headers: { Authorization: `bEARER ${server.env.ACCESS_TOKEN}` } });
  assertAccepted(response, json.interactions[0].payload.id);
});

test('AuthorizationContextType ConversationChannelDefinition is accepted in any case', async () => {
  for (const value of ['ConversationChannelDefinition', 'CONVERSATIONCHANNELDEFINITION', 'conversationchanneldefinition']) {
    const json = textInteraction({ to, from: newUser('ctxtype') });
    const response = await postInteraction(server, { json, headers: { AuthorizationContextType: value } });
    assertAccepted(response, json.interactions[0].payload.id);
  }
});

test('RequestId need not be a UUID and is stored with the entry', async () => {
  const json = textInteraction({ to, from: newUser('reqid') });
  const response = await postInteraction(server, { json, headers: { RequestId: 'not-a-uuid-42' } });
  assertAccepted(response, json.interactions[0].payload.id);
  const conversation = await getConversation(server, response.body.conversationIdentifier);
  assert.equal(conversation.entries.at(-1).requestId, 'not-a-uuid-42');
});

// ------------------------------------------------------------------------------------------------
// Conversations, sessions, idempotency

test('the same (to, from) reuses conversation and session; entries are kept in order', async () => {
  const from = newUser('same');
  const ids = [];
  let first;
  const kinds = [
    () => messagePayload('StaticContentMessage', contents.text('one')),
    () => typingPayload('TypingStartedIndicator'),
    () => messagePayload('ChoicesResponseMessage', contents.selections()),
    () => typingPayload('TypingStoppedIndicator'),
    () => messagePayload('StaticContentMessage', contents.text('five')),
  ];
  for (const make of kinds) {
    const payload = make();
    ids.push(payload.id);
    const response = await postInteraction(server, { json: envelope({ to, from, interaction: entryInteraction(payload) }) });
    assertAccepted(response, payload.id);
    first ??= response.body;
    assert.equal(response.body.conversationIdentifier, first.conversationIdentifier);
    assert.deepEqual(response.body.workItemIds, first.workItemIds);
  }
  const conversation = await getConversation(server, first.conversationIdentifier);
  assert.deepEqual(conversation.entries.map((e) => e.identifier), ids);
  const sequences = conversation.entries.map((e) => e.sequence);
  assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b));
  assert.equal(new Set(sequences).size, sequences.length);
  assert.equal(conversation.messagingSessions.length, 1);
  assert.equal(conversation.participants.length, 1);
  const mine = await conversationsOf(server, from);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].entryCount, ids.length);
});

test('a different from creates a new conversation, end user and session', async () => {
  const a = textInteraction({ to, from: newUser('a') });
  const b = textInteraction({ to, from: newUser('b') });
  const ra = await postInteraction(server, { json: a });
  const rb = await postInteraction(server, { json: b });
  assertAccepted(ra, a.interactions[0].payload.id);
  assertAccepted(rb, b.interactions[0].payload.id);
  assert.notEqual(ra.body.conversationIdentifier, rb.body.conversationIdentifier);
  assert.notEqual(ra.body.workItemIds[0], rb.body.workItemIds[0]);
  const ca = await getConversation(server, ra.body.conversationIdentifier);
  const cb = await getConversation(server, rb.body.conversationIdentifier);
  assert.notEqual(ca.messagingEndUser.id, cb.messagingEndUser.id);
  assert.equal(ca.entries.length, 1);
  assert.equal(cb.entries.length, 1);
});

test('the same from on another channel is another conversation', async () => {
  const from = newUser('twochannels');
  const a = textInteraction({ to, from });
  const b = textInteraction({ to: 'demo-ccaas-channel', from });
  const ra = await postInteraction(server, { json: a });
  const rb = await postInteraction(server, { json: b, headers: { AuthorizationContext: 'Partner1_CCaaSDefinition' } });
  assertAccepted(ra, a.interactions[0].payload.id);
  assertAccepted(rb, b.interactions[0].payload.id);
  assert.notEqual(ra.body.conversationIdentifier, rb.body.conversationIdentifier);
});

test('replaying an interaction id answers the same 202 and stores no second entry', async () => {
  const from = newUser('replay');
  const json = textInteraction({ to, from, text: 'original' });
  const first = await postInteraction(server, { json });
  assertAccepted(first, json.interactions[0].payload.id);
  const again = await postInteraction(server, { json });
  assert.equal(again.status, 202);
  assert.deepEqual(again.body, first.body);
  // A retry whose content differs is still the same entry: the first one stands.
  const altered = structuredClone(json);
  altered.interactions[0].payload.abstractMessage.staticContent.text = 'changed';
  const third = await postInteraction(server, { json: altered });
  assert.equal(third.status, 202);
  assert.deepEqual(third.body, first.body);
  const conversation = await getConversation(server, first.body.conversationIdentifier);
  assert.equal(conversation.entries.length, 1);
  assert.equal(conversation.entries[0].entryPayload.abstractMessage.staticContent.text, 'original');
});

test('idempotency is per conversation: the same id from another end user is a new entry', async () => {
  const json = textInteraction({ to, from: newUser('idA') });
  const a = await postInteraction(server, { json });
  const b = await postInteraction(server, { json: { ...json, from: newUser('idB') } });
  assertAccepted(a, json.interactions[0].payload.id);
  assertAccepted(b, json.interactions[0].payload.id);
  assert.notEqual(a.body.conversationIdentifier, b.body.conversationIdentifier);
  assert.equal((await getConversation(server, b.body.conversationIdentifier)).entries.length, 1);
});

test('replaying an AttachmentInteraction id stores no second entry', async () => {
  const from = newUser('replay-att');
  const bytes = gifBytes();
  const first = await sendAttachment({ bytes, filename: 'a.gif', from });
  const id = first.id;
  const json = envelope({ to, from, interaction: attachmentInteraction({ id, contentLength: bytes.length }) });
  const again = await postInteraction(server, { json, files: [{ data: bytes, filename: 'a.gif' }] });
  assert.equal(again.status, 202);
  assert.deepEqual(again.body, first.response.body);
  const conversation = await getConversation(server, first.response.body.conversationIdentifier);
  assert.equal(conversation.entries.length, 1);
});

test('concurrent first messages of one end user create exactly one conversation', async () => {
  const from = newUser('race');
  const messages = Array.from({ length: 20 }, (_, i) => textInteraction({ to, from, text: `race ${i}` }));
  const responses = await Promise.all(messages.map((json) => postInteraction(server, { json })));
  responses.forEach((response, i) => assertAccepted(response, messages[i].interactions[0].payload.id));
  assert.equal(new Set(responses.map((r) => r.body.conversationIdentifier)).size, 1, 'one conversation');
  assert.equal(new Set(responses.map((r) => r.body.workItemIds[0])).size, 1, 'one session');
  const mine = await conversationsOf(server, from);
  assert.equal(mine.length, 1);
  const conversation = await getConversation(server, mine[0].conversationIdentifier);
  assert.deepEqual(conversation.entries.map((e) => e.identifier).sort(), messages.map((m) => m.interactions[0].payload.id).sort());
  assert.equal(conversation.messagingSessions.length, 1);
  assert.equal(conversation.participants.length, 1);
});

test('the same interaction sent concurrently is stored once and answered identically', async () => {
  const from = newUser('replay-race');
  const json = textInteraction({ to, from });
  const responses = await Promise.all(Array.from({ length: 10 }, () => postInteraction(server, { json })));
  for (const response of responses) {
    assert.equal(response.status, 202, JSON.stringify(response.body));
    assert.deepEqual(response.body, responses[0].body);
  }
  const conversation = await getConversation(server, responses[0].body.conversationIdentifier);
  assert.equal(conversation.entries.length, 1);
});

// ------------------------------------------------------------------------------------------------
// Transport

test('a chunked multipart request (no Content-Length) is accepted', async () => {
  const from = newUser('chunked');
  const bytes = pngBytes();
  const id = randomUUID();
  const form = interactionForm({ json: envelope({ to, from, interaction: attachmentInteraction({ id, contentLength: bytes.length, text: 'chunked' }) }), files: [{ data: bytes, filename: 'c.png', type: 'image/png' }] });
  const request = buildRequest({ headers: { ...apiHeaders(server.env), 'Content-Type': form.contentType }, body: form.body, chunked: true, chunkSize: 37 });
  assert.ok(!request.toString('latin1').split('\r\n\r\n')[0].toLowerCase().includes('content-length'));
  const { responses } = await rawExchange(server.port, request);
  assert.equal(responses.length, 1);
  assertAccepted(responses[0], id);
  const conversation = await getConversation(server, responses[0].body.conversationIdentifier);
  await assertStoredAttachment({ id, entry: conversation.entries.at(-1), bytes, filename: 'c.png', mime: 'image/png', caption: 'chunked' });
});

test('Expect: 100-continue gets a 100 before the body, then the 202', async () => {
  const json = textInteraction({ to, from: newUser('continue') });
  const form = interactionForm({ json });
  const request = buildRequest({ headers: { ...apiHeaders(server.env), 'Content-Type': form.contentType, Expect: '100-continue', 'Content-Length': String(form.body.length) } });
  const connection = await RawConnection.open(server.port);
  try {
    await connection.write(request);
    const interim = await connection.waitForContinue(5000);
    assert.equal(interim.timedOut, undefined, 'no 100 Continue within 5 s');
    assert.equal(interim.continues, 1);
    assert.equal(interim.responses.length, 0);
    await connection.write(form.body);
    const final = await connection.waitForResponses(1, 5000);
    assert.equal(final.responses.length, 1);
    assertAccepted(final.responses[0], json.interactions[0].payload.id);
  } finally {
    connection.destroy();
  }
});

test('keep-alive: several requests on one connection are each answered', async () => {
  const connection = await RawConnection.open(server.port);
  try {
    for (let i = 1; i <= 3; i++) {
      const json = textInteraction({ to, from: newUser('keepalive') });
      const form = interactionForm({ json });
      await connection.write(buildRequest({ headers: { ...apiHeaders(server.env), 'Content-Type': form.contentType }, body: form.body }));
      const result = await connection.waitForResponses(i, 5000);
      assert.equal(result.responses.length, i);
      assertAccepted(result.responses[i - 1], json.interactions[0].payload.id);
    }
  } finally {
    connection.destroy();
  }
});

test('a form built by fetch with a Blob body without part Content-Types is accepted', async () => {
  // Some connectors send the json part without `type=application/json`.
  const json = textInteraction({ to, from: newUser('notype') });
  const form = new FormData();
  form.append('json', JSON.stringify(json));
  const response = await fetch(`${server.baseUrl}/api/v1/interactions`, { method: 'POST', headers: apiHeaders(server.env), body: form });
  const body = await response.json();
  assertAccepted({ status: response.status, body, headers: response.headers }, json.interactions[0].payload.id);
});

test('GET /health answers while the suite runs', async () => {
  const health = await getJson(server, '/health');
  assert.equal(health.status, 200);
  assert.deepEqual(health.body, { status: 'UP' });
});
