// POST /api/v1/interactions: every error of the compatibility table (docs/compatibility.md), one
// test per rule, each asserting the HTTP status and the exact catalogue body; then the order in
// which the checks run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startServer, makeDataDir, demoEnv, mintToken, repoRoot } from './lib/server.mjs';
import {
  postInteraction, postInteractionBody, armFault, conversationsOf, getConversation, getJson,
} from './lib/api.mjs';
import { assertApiError } from './lib/catalogue.mjs';
import {
  envelope, entryInteraction, messagePayload, contents, textInteraction, typingPayload,
  deliveryFailedPayload, attachmentInteraction, pngBytes, gifBytes, encodeMultipart,
} from './lib/payloads.mjs';

let server;
let to;
let noScopeToken;
before(async () => {
  server = await startServer();
  to = server.env.CHANNEL_ADDRESS_IDENTIFIER;
  noScopeToken = mintToken(server.dataDir, ['--app', 'NoScope_ConnectedApp']);
});
after(async () => { await server.stop(); });

const newUser = (label) => `e2e-err-${label}-${randomUUID().slice(0, 8)}`;
const valid = (overrides = {}) => ({ ...textInteraction({ to, from: newUser('v') }), ...overrides });
const withEntry = (payload, extra = {}) => envelope({ to, from: newUser('entry'), interaction: entryInteraction(payload), extra });
const withAttachment = (fields) => envelope({ to, from: newUser('att'), interaction: attachmentInteraction(fields) });

// Sends `json` (object or raw text) with optional header overrides and files; asserts the error.
async function expectError(code, { json = valid(), headers = {}, files = [], filesFirst = false, context } = {}) {
  let response;
  try {
    response = await postInteraction(server, { json, headers, files, filesFirst });
  } catch (error) {
    const size = files.reduce((n, f) => n + f.data.length, 0);
    throw new Error(`${context ? `${context}: ` : ''}expected ${code}, but the request (files ${size} bytes) got no response: ${error.message} (${error.cause?.code ?? error.cause?.message})`);
  }
  assertApiError(response, code, { context });
  return response;
}

// The signed part of a token with one character changed at `index` (a position inside a
// base64url run, so the decoded bytes change).
function tamper(token, index) {
  const chars = [...token];
  chars[index] = chars[index] === 'A' ? 'B' : 'A';
  return chars.join('');
}

// ------------------------------------------------------------------------------------------------
// 10016: headers

for (const header of ['Authorization', 'OrgId', 'AuthorizationContext', 'RequestId']) {
  test(`10016: missing ${header} header`, async () => {
    await expectError(10016, { headers: { [header]: undefined } });
  });
  test(`10016: empty ${header} header`, async () => {
    await expectError(10016, { headers: { [header]: '' } });
  });
}

test('10016: Authorization without the Bearer scheme', async () => {
  for (const value of [`Basic ${server.env.ACCESS_TOKEN}`, `OAuth ${server.env.ACCESS_TOKEN}`, 'Bearer', 'Bearer ', server.env.ACCESS_TOKEN, `Bearer ${server.env.ACCESS_TOKEN} extra`]) {
    await expectError(10016, { headers: { Authorization: value }, context: `Authorization: ${value.slice(0, 20)}` });
  }
});

test('10016: Content-Type application/json instead of multipart/form-data', async () => {
  const response = await postInteractionBody(server, { body: Buffer.from(JSON.stringify(valid())), contentType: 'application/json' });
  assertApiError(response, 10016);
});

test('10016: Content-Type text/plain, and multipart/mixed', async () => {
  const form = encodeMultipart([{ name: 'json', type: 'application/json', data: JSON.stringify(valid()) }]);
  for (const type of ['text/plain', `multipart/mixed; boundary=${form.boundary}`]) {
    const response = await postInteractionBody(server, { body: form.body, contentType: type });
    assertApiError(response, 10016, { context: type });
  }
});

test('10016: multipart/form-data without a boundary parameter', async () => {
  const form = encodeMultipart([{ name: 'json', type: 'application/json', data: JSON.stringify(valid()) }]);
  const response = await postInteractionBody(server, { body: form.body, contentType: 'multipart/form-data' });
  assertApiError(response, 10016);
});

test('10016: OrgId not shaped like an org id', async () => {
  const org = server.env.ORG_ID;
  for (const value of ['12345', org.slice(0, 14), `${org}X`, `${org}XY`, `${org}XYZW`, `00X${org.slice(3)}`, `${org.slice(0, 14)}-`, `${org.slice(0, 12)} AB`]) {
    await expectError(10016, { headers: { OrgId: value }, context: `OrgId ${value}` });
  }
});

// ------------------------------------------------------------------------------------------------
// 10004: token

test('10004: garbage token', async () => {
  await expectError(10004, { headers: { Authorization: 'Bearer garbage' } });
  await expectError(10004, { headers: { Authorization: `Bearer ${server.env.ORG_ID}!garbage` } });
});

test('10004: token with one character of its signature changed', async () => {
  const token = server.env.ACCESS_TOKEN;
  const dot = token.lastIndexOf('.');
  assert.ok(dot > 0, 'token has a signature part');
  const index = dot + Math.floor((token.length - dot) / 2);
  await expectError(10004, { headers: { Authorization: `Bearer ${tamper(token, index)}` } });
});

test('10004: token with one character of its claims changed', async () => {
  const token = server.env.ACCESS_TOKEN;
  const bang = token.indexOf('!');
  await expectError(10004, { headers: { Authorization: `Bearer ${tamper(token, bang + 20)}` } });
});

test('10004: token minted for another data dir (another signing key)', async () => {
  const otherDir = makeDataDir();
  try {
    const other = demoEnv(otherDir);
    await expectError(10004, { headers: { Authorization: `Bearer ${other.ACCESS_TOKEN}` } });
  } finally {
    rmSync(otherDir, { recursive: true, force: true });
  }
});

test('10004: expired token', async () => {
  const expired = mintToken(server.dataDir, ['--ttl', '-60']);
  await expectError(10004, { headers: { Authorization: `Bearer ${expired}` } });
});

test('10004: token whose org prefix was changed', async () => {
  const token = server.env.ACCESS_TOKEN;
  const other = `00D000000000AAA${token.slice(token.indexOf('!'))}`;
  await expectError(10004, { headers: { Authorization: `Bearer ${other}`, OrgId: '00D000000000AAA' } });
});

test('10004: OrgId of another org', async () => {
  await expectError(10004, { headers: { OrgId: '00D000000000AAA' } });
  await expectError(10004, { headers: { OrgId: '00D000000000AAAXYZ' } });
});

// ------------------------------------------------------------------------------------------------
// 10003, 10005, 10093

test('10003: token of the connected app without the interaction_api scope', async () => {
  await expectError(10003, { headers: { Authorization: `Bearer ${noScopeToken}`, AuthorizationContext: 'NoScope_ChannelDefinition' } });
});

test('10003: Partner1 token minted with only the api scope', async () => {
  const token = mintToken(server.dataDir, ['--scope', 'api']);
  await expectError(10003, { headers: { Authorization: `Bearer ${token}` } });
});

test('10005: AuthorizationContext of another connected app', async () => {
  await expectError(10005, { headers: { AuthorizationContext: 'NoScope_ChannelDefinition' } });
});

test('10005: unknown AuthorizationContext', async () => {
  await expectError(10005, { headers: { AuthorizationContext: 'Partner1_NoSuchDefinition' } });
  await expectError(10005, { headers: { AuthorizationContext: 'partner1_channeldefinition1' } });
});

test('10093: AuthorizationContextType with an unknown value', async () => {
  await expectError(10093, { headers: { AuthorizationContextType: 'Bogus' } });
});

test('10093: AuthorizationContextType contradicting the AuthorizationContext', async () => {
  await expectError(10093, { headers: { AuthorizationContextType: 'ExternalConversationParticipant' } });
});

test('AuthorizationContextType is only checked when sent: an empty one is not sent', async () => {
  const json = valid();
  const response = await postInteraction(server, { json, headers: { AuthorizationContextType: '' } });
  assert.equal(response.status, 202, JSON.stringify(response.body));
});

// ------------------------------------------------------------------------------------------------
// 10100: body

test('10100: empty body', async () => {
  const response = await postInteractionBody(server, { body: Buffer.alloc(0), contentType: 'multipart/form-data; boundary=abc' });
  assertApiError(response, 10100);
});

test('10100: multipart body without a json part', async () => {
  const form = encodeMultipart([{ name: 'attachments', filename: 'a.png', type: 'image/png', data: pngBytes() }]);
  assertApiError(await postInteractionBody(server, { body: form.body, contentType: form.contentType }), 10100);
  const other = encodeMultipart([{ name: 'JSON', type: 'application/json', data: JSON.stringify(valid()) }]);
  assertApiError(await postInteractionBody(server, { body: other.body, contentType: other.contentType }), 10100, { context: 'part named JSON' });
});

test('10100: json part that is not JSON, empty, or not an object', async () => {
  for (const json of ['{"to":', '', 'not json', '[]', '[{"to":"x"}]', 'null', '42', '"text"']) {
    await expectError(10100, { json, context: `json ${JSON.stringify(json)}` });
  }
});

test('10100: a second json part', async () => {
  const form = encodeMultipart([
    { name: 'json', type: 'application/json', data: JSON.stringify(valid()) },
    { name: 'json', type: 'application/json', data: JSON.stringify(valid()) },
  ]);
  const response = await postInteractionBody(server, { body: form.body, contentType: form.contentType });
  assertApiError(response, 10100);
});

test('10100: json part over 1 MiB', async () => {
  const json = valid();
  json.interactions[0].payload.abstractMessage.staticContent.text = 'x'.repeat(1024 * 1024 + 10);
  await expectError(10100, { json });
});

test('10100: more than 16 files', async () => {
  const files = Array.from({ length: 17 }, (_, i) => ({ data: gifBytes(), filename: `f${i}.gif` }));
  await expectError(10100, { json: withAttachment({ contentLength: gifBytes().length }), files });
});

// ------------------------------------------------------------------------------------------------
// json: to, from, interactions

test('10027: to missing, not a string, empty, or longer than 240 characters', async () => {
  const cases = [undefined, 42, null, {}, ['x'], '', 'x'.repeat(241), 'é'.repeat(241)];
  for (const value of cases) {
    const json = valid();
    if (value === undefined) delete json.to; else json.to = value;
    await expectError(10027, { json, context: `to ${JSON.stringify(value)?.slice(0, 20)}` });
  }
});

test('10028: from missing, not a string, empty, or longer than 255 characters', async () => {
  const cases = [undefined, 7, { id: 'x' }, [], '', 'u'.repeat(256), 'ü'.repeat(256)];
  for (const value of cases) {
    const json = valid();
    if (value === undefined) delete json.from; else json.from = value;
    await expectError(10028, { json, context: `from ${JSON.stringify(value)?.slice(0, 20)}` });
  }
});

test('a from of exactly 255 characters and a to of 240 characters pass those checks', async () => {
  const json = valid({ from: 'u'.repeat(255) });
  const response = await postInteraction(server, { json });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  await expectError(10017, { json: valid({ to: 't'.repeat(240) }) });
});

test('10029: interactions missing or not a list', async () => {
  for (const value of [undefined, {}, 'x', 1, null]) {
    const json = valid();
    if (value === undefined) delete json.interactions; else json.interactions = value;
    await expectError(10029, { json, context: `interactions ${JSON.stringify(value)}` });
  }
});

test('20003: empty interaction list', async () => {
  await expectError(20003, { json: valid({ interactions: [] }) });
});

test('10029: more than one interaction', async () => {
  const json = valid();
  json.interactions.push(textInteraction({ to, from: 'x' }).interactions[0]);
  await expectError(10029, { json });
});

test('10029: interaction not an object, without interactionType, or with an unknown one', async () => {
  const base = valid().interactions[0];
  const { interactionType, ...withoutType } = base;
  void interactionType;
  for (const interaction of ['x', 5, null, [], withoutType, { ...base, interactionType: 'ParticipantInteraction' }, { ...base, interactionType: 42 }]) {
    await expectError(10029, { json: valid({ interactions: [interaction] }), context: JSON.stringify(interaction).slice(0, 40) });
  }
});

test('10029: timestamp missing, negative, not an integer, or a boolean', async () => {
  for (const timestamp of [undefined, -1, 1.5, true, 'abc', '', null, {}]) {
    const json = valid();
    if (timestamp === undefined) delete json.interactions[0].timestamp; else json.interactions[0].timestamp = timestamp;
    await expectError(10029, { json, context: `timestamp ${JSON.stringify(timestamp)}` });
  }
});

test('10089: routingAttributes not an object, or a value that is an object or a list', async () => {
  for (const attributes of [['a'], 'x', 3, { CustomerTier: { a: 1 } }, { Topic: ['a'] }]) {
    await expectError(10089, { json: valid({ routingAttributes: attributes }), context: JSON.stringify(attributes) });
  }
});

// ------------------------------------------------------------------------------------------------
// entries

test('10045: payload missing or not an object', async () => {
  for (const payload of [undefined, 'text', 1, [], null]) {
    const json = valid();
    if (payload === undefined) delete json.interactions[0].payload; else json.interactions[0].payload = payload;
    await expectError(10045, { json, context: `payload ${JSON.stringify(payload)}` });
  }
});

test('10045: entryType missing or not accepted inbound', async () => {
  for (const entryType of [undefined, 'ParticipantChanged', 'RoutingWorkResult', 'message', 5]) {
    const payload = messagePayload('StaticContentMessage', contents.text());
    if (entryType === undefined) delete payload.entryType; else payload.entryType = entryType;
    await expectError(10045, { json: withEntry(payload), context: `entryType ${entryType}` });
  }
});

test('10059: payload.id missing or empty', async () => {
  for (const id of [undefined, '']) {
    const payload = messagePayload('StaticContentMessage', contents.text(), { id: 'x' });
    if (id === undefined) delete payload.id; else payload.id = id;
    await expectError(10059, { json: withEntry(payload), context: `id ${JSON.stringify(id)}` });
  }
  const typing = typingPayload('TypingStartedIndicator', { id: '' });
  await expectError(10059, { json: withEntry(typing) });
  const failed = deliveryFailedPayload();
  delete failed.id;
  await expectError(10059, { json: withEntry(failed) });
});

test('10059: abstractMessage.id missing or empty', async () => {
  for (const messageId of [undefined, '']) {
    const payload = messagePayload('StaticContentMessage', contents.text());
    if (messageId === undefined) delete payload.abstractMessage.id; else payload.abstractMessage.id = messageId;
    await expectError(10059, { json: withEntry(payload), context: `abstractMessage.id ${JSON.stringify(messageId)}` });
  }
});

test('10045: an id present but not a string', async () => {
  const payload = messagePayload('StaticContentMessage', contents.text());
  payload.id = 12345;
  payload.abstractMessage.id = 12345;
  await expectError(10045, { json: withEntry(payload) });
  const message = messagePayload('StaticContentMessage', contents.text());
  message.abstractMessage.id = { id: message.id };
  await expectError(10045, { json: withEntry(message) });
});

test('10045: abstractMessage missing or not an object', async () => {
  for (const value of [undefined, [], 'x']) {
    const payload = messagePayload('StaticContentMessage', contents.text());
    if (value === undefined) delete payload.abstractMessage; else payload.abstractMessage = value;
    await expectError(10045, { json: withEntry(payload), context: `abstractMessage ${JSON.stringify(value)}` });
  }
});

test('10060: payload.id differs from abstractMessage.id', async () => {
  await expectError(10060, { json: withEntry(messagePayload('StaticContentMessage', contents.text(), { id: 'a', messageId: 'b' })) });
});

test('10047: messageType missing or unknown', async () => {
  for (const messageType of [undefined, 'TextMessage', 'staticcontentmessage', 3]) {
    const payload = messagePayload('StaticContentMessage', contents.text());
    if (messageType === undefined) delete payload.abstractMessage.messageType; else payload.abstractMessage.messageType = messageType;
    await expectError(10047, { json: withEntry(payload), context: `messageType ${messageType}` });
  }
});

test('10062: ChoicesMessage and FormMessage cannot be sent by an end user', async () => {
  await expectError(10062, { json: withEntry(messagePayload('ChoicesMessage', { formatType: 'Buttons', buttons: [] })) });
  await expectError(10062, { json: withEntry(messagePayload('FormMessage', { formatType: 'Inputs', sections: [] })) });
});

test('10045: the content object is missing', async () => {
  for (const type of ['StaticContentMessage', 'ChoicesResponseMessage', 'FormResponseMessage']) {
    const payload = messagePayload(type, contents.text());
    // The content sits under the key of another message type.
    payload.abstractMessage = { messageType: type, id: payload.id, wrongKey: contents.text() };
    await expectError(10045, { json: withEntry(payload), context: type });
  }
});

test('10048: formatType missing or not one of the 18 format types', async () => {
  for (const formatType of [undefined, 'Bogus', 'text', 7]) {
    const content = { text: 'x' };
    if (formatType !== undefined) content.formatType = formatType;
    await expectError(10048, { json: withEntry(messagePayload('StaticContentMessage', content)), context: `formatType ${formatType}` });
  }
});

test('10049: a known format type the message type does not map', async () => {
  const cases = [
    ['StaticContentMessage', { formatType: 'Selections', selectedOptions: [{ optionIdentifier: 'a' }] }],
    ['StaticContentMessage', { formatType: 'Buttons' }],
    ['StaticContentMessage', { formatType: 'RichLink' }],
    ['ChoicesResponseMessage', { formatType: 'Text', text: 'x' }],
    ['FormResponseMessage', { formatType: 'Text', text: 'x' }],
    ['FormResponseMessage', { formatType: 'Selections' }],
  ];
  for (const [type, content] of cases) {
    await expectError(10049, { json: withEntry(messagePayload(type, content)), context: `${type} ${content.formatType}` });
  }
});

test('10045: required message content missing', async () => {
  const cases = [
    ['StaticContentMessage', { formatType: 'Text' }],
    ['StaticContentMessage', { formatType: 'Text', text: 5 }],
    ['StaticContentMessage', { formatType: 'Links', links: [] }],
    ['StaticContentMessage', { formatType: 'Links', links: [{ url: 'https://a' }, { url: 'https://b' }] }],
    ['StaticContentMessage', { formatType: 'Links', links: [{ title: 'no url' }] }],
    ['StaticContentMessage', { formatType: 'ExperienceType', values: [] }],
    ['StaticContentMessage', { formatType: 'ExperienceType' }],
    ['StaticContentMessage', { formatType: 'Attachments', attachments: [] }],
    ['StaticContentMessage', { formatType: 'Attachments', attachments: [{ id: 'a', name: 'n', mimeType: 'image/png' }] }],
    ['ChoicesResponseMessage', { formatType: 'Selections', selectedOptions: [] }],
    ['ChoicesResponseMessage', { formatType: 'Selections', selectedOptions: [{ title: 'no id' }] }],
    ['FormResponseMessage', { formatType: 'Inputs' }],
    ['FormResponseMessage', { formatType: 'Inputs', inputValues: {} }],
    ['FormResponseMessage', { formatType: 'Result' }],
    ['FormResponseMessage', { formatType: 'Result', result: 'done' }],
  ];
  for (const [type, content] of cases) {
    await expectError(10045, { json: withEntry(messagePayload(type, content)), context: `${type} ${JSON.stringify(content)}` });
  }
});

test('10045: typing indicator without an integer timestamp', async () => {
  for (const kind of ['TypingStartedIndicator', 'TypingStoppedIndicator']) {
    for (const timestamp of [undefined, 'soon', 1.5, true]) {
      const payload = typingPayload(kind);
      if (timestamp === undefined) delete payload.timestamp; else payload.timestamp = timestamp;
      await expectError(10045, { json: withEntry(payload), context: `${kind} ${timestamp}` });
    }
  }
});

test('10045: MessageDeliveryFailed without recipient, subject or errorCode', async () => {
  const noRecipient = deliveryFailedPayload();
  delete noRecipient.recipient;
  await expectError(10045, { json: withEntry(noRecipient) });
  await expectError(10045, { json: withEntry(deliveryFailedPayload({ recipient: { appType: 'custom', role: 'EndUser' } })) });
  const noCode = deliveryFailedPayload();
  delete noCode.errorCode;
  await expectError(10045, { json: withEntry(noCode) });
  await expectError(10045, { json: withEntry(deliveryFailedPayload({ errorCode: { code: 1 } })) });
  await expectError(10045, { json: withEntry({ ...deliveryFailedPayload(), errorMessage: 42 }) });
  await expectError(10045, { json: withEntry(deliveryFailedPayload({ recipient: 'u' })) });
});

test('10037: MessageDeliveryFailed recipient.appType other than custom', async () => {
  for (const appType of ['iamessage', 'Custom', undefined]) {
    const recipient = { subject: 'u', role: 'EndUser' };
    if (appType !== undefined) recipient.appType = appType;
    await expectError(10037, { json: withEntry(deliveryFailedPayload({ recipient })), context: `appType ${appType}` });
  }
});

test('10038: MessageDeliveryFailed recipient.role other than EndUser', async () => {
  for (const role of ['Agent', 'Chatbot', 'enduser', undefined]) {
    const recipient = { appType: 'custom', subject: 'u' };
    if (role !== undefined) recipient.role = role;
    await expectError(10038, { json: withEntry(deliveryFailedPayload({ recipient })), context: `role ${role}` });
  }
});

// ------------------------------------------------------------------------------------------------
// AttachmentInteraction fields and files

const gif = gifBytes();
const gifFile = () => [{ data: gif, filename: 'a.gif', type: 'image/gif' }];

test('10007: attachment id missing or empty', async () => {
  for (const id of [undefined, '']) {
    const json = withAttachment({ contentLength: gif.length });
    if (id === undefined) delete json.interactions[0].id; else json.interactions[0].id = id;
    await expectError(10007, { json, files: gifFile(), context: `id ${JSON.stringify(id)}` });
  }
});

test('10010: contentLength missing, null, empty, not an integer, or negative', async () => {
  for (const contentLength of [undefined, null, '', 'abc', -1, '-1', 1.5, true, {}]) {
    const json = withAttachment({ contentLength });
    if (contentLength === undefined) delete json.interactions[0].contentLength;
    await expectError(10010, { json, files: gifFile(), context: `contentLength ${JSON.stringify(contentLength)}` });
  }
});

test('10029: attachmentIndex missing or not a non-negative integer; text not a string', async () => {
  for (const attachmentIndex of [undefined, -1, 'x', 0.5, null]) {
    const json = withAttachment({ contentLength: gif.length, attachmentIndex });
    if (attachmentIndex === undefined) delete json.interactions[0].attachmentIndex;
    await expectError(10029, { json, files: gifFile(), context: `attachmentIndex ${JSON.stringify(attachmentIndex)}` });
  }
  await expectError(10029, { json: withAttachment({ contentLength: gif.length, text: 42 }), files: gifFile() });
});

test('10011: an attachments part sent with an EntryInteraction', async () => {
  await expectError(10011, { json: valid(), files: gifFile() });
});

test('10011: more than one file for one AttachmentInteraction', async () => {
  await expectError(10011, { json: withAttachment({ contentLength: gif.length }), files: [...gifFile(), ...gifFile()] });
});

test('10011: attachmentIndex other than 0', async () => {
  await expectError(10011, { json: withAttachment({ contentLength: gif.length, attachmentIndex: 1 }), files: gifFile() });
});

test('10009: AttachmentInteraction without an attachments part', async () => {
  await expectError(10009, { json: withAttachment({ contentLength: gif.length }) });
});

test('10009: a file of 0 bytes', async () => {
  await expectError(10009, { json: withAttachment({ contentLength: 0 }), files: [{ data: Buffer.alloc(0), filename: 'empty.gif' }] });
});

test('10008: a file of 25 MiB + 1 byte', async () => {
  const data = Buffer.alloc(25 * 1024 * 1024 + 1);
  gif.copy(data);
  await expectError(10008, { json: withAttachment({ contentLength: data.length }), files: [{ data, filename: 'big.gif' }] });
});

test('10008: a 30 MB body', async () => {
  const data = Buffer.alloc(30 * 1000 * 1000);
  gif.copy(data);
  await expectError(10008, { json: withAttachment({ contentLength: data.length }), files: [{ data, filename: 'huge.gif' }] });
});

test('a file of exactly 25 MiB is accepted', async () => {
  const data = Buffer.alloc(25 * 1024 * 1024);
  pngBytes().copy(data);
  const json = withAttachment({ contentLength: data.length });
  const response = await postInteraction(server, { json, files: [{ data, filename: 'max.png' }] });
  assert.equal(response.status, 202, JSON.stringify(response.body));
});

test('10051: contentLength differs from the bytes received', async () => {
  for (const contentLength of [gif.length + 1, gif.length - 1, 0, `${gif.length * 2}`]) {
    await expectError(10051, { json: withAttachment({ contentLength }), files: gifFile(), context: `contentLength ${contentLength}` });
  }
});

test('10095: a file whose type is not supported (text, unknown binary, zip)', async () => {
  const text = Buffer.from('hello, this is a plain text file\n'.repeat(4));
  const binary = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 256));
  const zip = Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]);
  for (const [label, data] of [['text', text], ['binary', binary], ['zip', zip]]) {
    await expectError(10095, { json: withAttachment({ contentLength: data.length }), files: [{ data, filename: 'x.png', type: 'image/png' }], context: label });
  }
});

// ------------------------------------------------------------------------------------------------
// channel (the demo org's trap channels)

const CHANNEL_CASES = [
  [10017, 'no-such-channel'],
  [10026, 'trap-no-definition-channel'],
  [10001, 'trap-other-context-channel'],
  [10002, 'trap-voice-channel'],
  [10035, 'trap-whatsapp-channel'],
  [10006, 'trap-wrong-provider-channel'],
  [10031, 'trap-inactive-channel'],
];
for (const [code, channel] of CHANNEL_CASES) {
  test(`${code}: to = ${channel}`, async () => {
    await expectError(code, { json: textInteraction({ to: channel, from: newUser('trap') }) });
  });
}

test('10017: a channel address is compared exactly (case matters)', async () => {
  await expectError(10017, { json: textInteraction({ to: to.toUpperCase(), from: newUser('case') }) });
});

test('10096: a routing attribute longer than its channel variable (CustomerTier max 10)', async () => {
  await expectError(10096, { json: valid({ routingAttributes: { CustomerTier: 'x'.repeat(11) } }) });
  await expectError(10096, { json: valid({ routingAttributes: { Topic: 'ok', CustomerTier: 'é'.repeat(11) } }) });
  await expectError(10096, { json: valid({ routingAttributes: { CustomerTier: 12345678901 } }) });
});

// ------------------------------------------------------------------------------------------------
// store faults

test('20002: a failing conversation lookup answers 20002 once, then requests succeed', async () => {
  const from = newUser('lookup');
  const armed = await armFault(server, 'conversation-lookup', 1);
  assert.deepEqual(armed, { armed: { 'conversation-lookup': 1 } });
  // A request refused before the store does not consume the armed fault.
  await expectError(10027, { json: valid({ to: '' }) });
  const failed = textInteraction({ to, from, text: 'lost' });
  await expectError(20002, { json: failed });
  assert.deepEqual((await getJson(server, '/admin/v1/faults')).body, { armed: {} });
  assert.equal((await conversationsOf(server, from)).length, 0, 'nothing stored for the failed request');
  const next = textInteraction({ to, from, text: 'kept' });
  const response = await postInteraction(server, { json: next });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  const conversation = await getConversation(server, response.body.conversationIdentifier);
  assert.deepEqual(conversation.entries.map((e) => e.identifier), [next.interactions[0].payload.id]);
});

test('500: a failing store commit answers 500, stores nothing, and the next request succeeds', async () => {
  const from = newUser('commit');
  const first = textInteraction({ to, from, text: 'first' });
  const ok1 = await postInteraction(server, { json: first });
  assert.equal(ok1.status, 202, JSON.stringify(ok1.body));

  await armFault(server, 'store-commit', 1);
  const lost = textInteraction({ to, from, text: 'lost' });
  await expectError(500, { json: lost });

  // A new end user under the fault: no conversation, end user or session is left behind.
  const newcomer = newUser('commit-new');
  await armFault(server, 'store-commit', 1);
  await expectError(500, { json: textInteraction({ to, from: newcomer }) });
  assert.equal((await conversationsOf(server, newcomer)).length, 0);

  const after = textInteraction({ to, from, text: 'after' });
  const ok2 = await postInteraction(server, { json: after });
  assert.equal(ok2.status, 202, JSON.stringify(ok2.body));
  assert.equal(ok2.body.conversationIdentifier, ok1.body.conversationIdentifier);
  assert.deepEqual(ok2.body.workItemIds, ok1.body.workItemIds);
  const conversation = await getConversation(server, ok1.body.conversationIdentifier);
  assert.deepEqual(conversation.entries.map((e) => e.identifier), [first.interactions[0].payload.id, after.interactions[0].payload.id]);

  // The lost interaction was not stored, so sending it again stores it now (no false replay).
  const retry = await postInteraction(server, { json: lost });
  assert.equal(retry.status, 202, JSON.stringify(retry.body));
  const again = await getConversation(server, ok1.body.conversationIdentifier);
  assert.equal(again.entries.length, 3);
  assert.equal(again.entries[2].entryPayload.abstractMessage.staticContent.text, 'lost');

  const newcomerNow = await postInteraction(server, { json: textInteraction({ to, from: newcomer }) });
  assert.equal(newcomerNow.status, 202, JSON.stringify(newcomerNow.body));
  assert.notEqual(newcomerNow.body.workItemIds[0], ok1.body.workItemIds[0]);
});

// ------------------------------------------------------------------------------------------------
// 10019: read-only org (a configuration with features.readOnly: true)

test('10019: an org in read-only mode answers 503 10019 after authentication', async () => {
  const source = readFileSync(path.join(repoRoot, 'config', 'demo-org.yaml'), 'utf8');
  assert.match(source, /readOnly: false/);
  const dataDir = makeDataDir();
  const configFile = path.join(dataDir, 'read-only.yaml');
  writeFileSync(configFile, source.replace('readOnly: false', 'readOnly: true'));
  const readOnly = await startServer({ dataDir, args: ['--config', configFile] });
  try {
    const json = textInteraction({ to: readOnly.env.CHANNEL_ADDRESS_IDENTIFIER, from: 'ro-user' });
    const response = await postInteraction(readOnly, { json });
    assertApiError(response, 10019);
    // Authentication comes first.
    assertApiError(await postInteraction(readOnly, { json, headers: { Authorization: 'Bearer nope' } }), 10004);
  } finally {
    await readOnly.stop();
  }
});

// ------------------------------------------------------------------------------------------------
// Validation order

test('order: missing OrgId and a bad token → 10016', async () => {
  await expectError(10016, { headers: { OrgId: undefined, Authorization: 'Bearer garbage' } });
});

test('order: the header presence checks run in the documented order', async () => {
  // Every header missing but RequestId still answers 10016; a bad scheme with missing RequestId too.
  await expectError(10016, { headers: { Authorization: 'Basic abc', RequestId: undefined } });
  await expectError(10016, { headers: { AuthorizationContext: undefined, Authorization: 'Bearer garbage' } });
});

test('order: a bad token lacking the scope → 10004 (token before scope)', async () => {
  const index = noScopeToken.lastIndexOf('.') + 10;
  await expectError(10004, { headers: { Authorization: `Bearer ${tamper(noScopeToken, index)}`, AuthorizationContext: 'NoScope_ChannelDefinition' } });
  const expiredNoScope = mintToken(server.dataDir, ['--app', 'NoScope_ConnectedApp', '--ttl', '-60']);
  await expectError(10004, { headers: { Authorization: `Bearer ${expiredNoScope}`, AuthorizationContext: 'NoScope_ChannelDefinition' } });
});

test('order: missing scope before a bad OrgId shape and a foreign context → 10003', async () => {
  await expectError(10003, { headers: { Authorization: `Bearer ${noScopeToken}`, OrgId: '12345' } });
  await expectError(10003, { headers: { Authorization: `Bearer ${noScopeToken}`, OrgId: '00D000000000AAA', AuthorizationContext: 'Partner1_ChannelDefinition1' } });
});

test('order: bad OrgId shape before an unknown context → 10016; another org before it → 10004', async () => {
  await expectError(10016, { headers: { OrgId: 'bad', AuthorizationContext: 'Nope_Definition' } });
  await expectError(10004, { headers: { OrgId: '00D000000000AAA', AuthorizationContext: 'Nope_Definition' } });
});

test('order: unknown context before a bad AuthorizationContextType → 10005', async () => {
  await expectError(10005, { headers: { AuthorizationContext: 'Nope_Definition', AuthorizationContextType: 'Bogus' } });
});

test('order: header checks before the body (empty body, wrong content type)', async () => {
  const empty = await postInteractionBody(server, { body: Buffer.alloc(0), contentType: 'multipart/form-data; boundary=x', headers: { Authorization: 'Bearer garbage' } });
  assertApiError(empty, 10004);
  const json = await postInteractionBody(server, { body: Buffer.from('{}'), contentType: 'application/json', headers: { AuthorizationContextType: 'Bogus' } });
  assertApiError(json, 10093);
});

test('order: an empty body before the content type → 10100', async () => {
  const response = await postInteractionBody(server, { body: Buffer.alloc(0), contentType: 'application/json' });
  assertApiError(response, 10100);
});

test('order: bad to and bad from → 10027', async () => {
  await expectError(10027, { json: valid({ to: '', from: '' }) });
  await expectError(10027, { json: { interactions: [] } });
});

test('order: bad from before bad interactions → 10028; interactions before routingAttributes → 10029', async () => {
  await expectError(10028, { json: valid({ from: 5, interactions: 'x' }) });
  await expectError(10029, { json: valid({ interactions: {}, routingAttributes: [] }) });
});

test('order: empty interactions before routingAttributes → 20003; routingAttributes before the entry → 10089', async () => {
  await expectError(20003, { json: valid({ interactions: [], routingAttributes: [] }) });
  const json = valid({ routingAttributes: 'x' });
  delete json.interactions[0].payload;
  await expectError(10089, { json });
});

test('order: json checks before the channel, the channel before routing lengths', async () => {
  const json = textInteraction({ to: 'no-such-channel', from: newUser('o') });
  delete json.interactions[0].payload.entryType;
  await expectError(10045, { json });
  await expectError(10017, { json: { ...textInteraction({ to: 'no-such-channel', from: 'u' }), routingAttributes: { CustomerTier: 'x'.repeat(50) } } });
});

test('order: entry id checks before message checks (10059, then 10060, then 10047, then 10048)', async () => {
  const noId = messagePayload('Bogus', { formatType: 'Bogus' });
  delete noId.id;
  await expectError(10059, { json: withEntry(noId) });
  await expectError(10060, { json: withEntry(messagePayload('Bogus', { formatType: 'Bogus' }, { id: 'a', messageId: 'b' })) });
  await expectError(10047, { json: withEntry(messagePayload('Bogus', { formatType: 'Bogus' })) });
  await expectError(10062, { json: withEntry(messagePayload('ChoicesMessage', { formatType: 'Bogus' })) });
  await expectError(10048, { json: withEntry(messagePayload('StaticContentMessage', { formatType: 'Bogus' })) });
});

test('order: delivery failed recipient checks (10037 before 10038 before 10045)', async () => {
  await expectError(10037, { json: withEntry(deliveryFailedPayload({ recipient: { appType: 'x', role: 'Agent' } })) });
  const noCode = deliveryFailedPayload({ recipient: { appType: 'custom', role: 'Agent' } });
  delete noCode.errorCode;
  await expectError(10038, { json: withEntry(noCode) });
});

test('order: attachment field checks (10007, then 10010, then 10029)', async () => {
  await expectError(10007, { json: withAttachment({ id: '', contentLength: '', attachmentIndex: -1 }), files: gifFile() });
  await expectError(10010, { json: withAttachment({ contentLength: '', attachmentIndex: -1 }), files: gifFile() });
});

test('order: json errors before file errors; file errors before the channel', async () => {
  const bad = messagePayload('StaticContentMessage', { formatType: 'Text' });
  await expectError(10045, { json: withEntry(bad), files: gifFile() });
  const text = Buffer.from('plain text file contents\n');
  const toUnknown = envelope({ to: 'no-such-channel', from: 'u', interaction: attachmentInteraction({ contentLength: text.length }) });
  await expectError(10095, { json: toUnknown, files: [{ data: text, filename: 't.txt' }] });
  await expectError(10011, { json: textInteraction({ to: 'no-such-channel', from: 'u' }), files: gifFile() });
});

test('order: file count before size; size before content length; empty before content length', async () => {
  const big = Buffer.alloc(25 * 1024 * 1024 + 1);
  await expectError(10011, { json: withAttachment({ contentLength: 1, attachmentIndex: 1 }), files: [{ data: big, filename: 'big.bin' }] });
  await expectError(10008, { json: withAttachment({ contentLength: 1 }), files: [{ data: big, filename: 'big.bin' }] });
  await expectError(10009, { json: withAttachment({ contentLength: 5 }), files: [{ data: Buffer.alloc(0), filename: 'e.bin' }] });
  const text = Buffer.from('plain text file contents\n');
  await expectError(10051, { json: withAttachment({ contentLength: text.length + 1 }), files: [{ data: text, filename: 't.txt' }] });
});
