// Bring Your Own Bot: POST /api/v1/conversationEntry (a bot sends one entry), GET
// /api/v1/conversationEntry (a bot reads a conversation's entries; the parameters come as a JSON
// body on GET, or as query parameters) and POST /api/v1/attachment (a bot sends a file). Every
// rule reachable without the bot having joined a conversation, then the happy path of a bot that
// joined through routing and PATCH /api/v1/agentWork (docs/compatibility.md, "BYOB").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, makeDataDir, mintToken, repoRoot } from './lib/server.mjs';
import {
  apiHeaders, readResponse, postInteraction, textMessage, getJson, buildRequest, rawExchange,
} from './lib/api.mjs';
import { assertApiError } from './lib/catalogue.mjs';
import { entryInteraction, envelope, typingPayload, pngBytes } from './lib/payloads.mjs';

const BOT = '1JZ8c00000DBOT1';           // Demo_Bot of Partner1_BotDefinition
const INACTIVE_BOT = '1JZ8c00000DBOT2';  // trap: inactive (10088)
const OTHER_BOT = '1JZ8c00000DBOT3';     // trap: Partner1_OtherBotDefinition's (10087)
const BOT_CONTEXT = 'Partner1_BotDefinition';
const OTHER_ORG = '00D8c000000OTHR';
const READ_ONLY_ORG = '00D8c000000RDON';

let server;     // the demo org, plus the two orgs below (see before())
let configFile;
before(async () => {
  // The demo org plus another org with a conversation of its own (10018 for the demo bot) and a
  // read-only org with a bot (10019).
  const dataDir = makeDataDir();
  configFile = path.join(dataDir, 'byob-orgs.yaml');
  const demo = readFileSync(path.join(repoRoot, 'config', 'demo-org.yaml'), 'utf8');
  writeFileSync(configFile, `${demo.trimEnd()}
  - id: ${OTHER_ORG}
    name: Another org
    connectedApps:
      - {name: Other_ConnectedApp, developerPrefix: Other, consumerKey: 3MVG9other, scopes: [interaction_api]}
    channelDefinitions:
      - {developerName: Other_ChannelDefinition, connectedApp: Other_ConnectedApp, vendor: Other_Vendor, customPlatformEvent: Other_Event__e}
    channels:
      - {id: 0Mj8c00000OCH01, channelAddressIdentifier: other-org-channel, channelDefinition: Other_ChannelDefinition, provider: Other_Vendor, defaultQueue: 00G8c00000OQ001}
    queues:
      - {id: 00G8c00000OQ001, name: Other queue}
    users:
      - {id: 0058c00000OINT1, username: integration@other.demo}
  - id: ${READ_ONLY_ORG}
    name: Read-only org
    features: {readOnly: true}
    connectedApps:
      - {name: Ro_ConnectedApp, developerPrefix: Ro, consumerKey: 3MVG9readonly, scopes: [interaction_api]}
    botIntegrations:
      - {developerName: Ro_BotDefinition, connectedApp: Ro_ConnectedApp}
    bots:
      - {id: 1JZ8c00000RBOT1, integrationDefinition: Ro_BotDefinition}
    users:
      - {id: 0058c00000RINT1, username: integration@readonly.demo}
`);
  server = await startServer({ dataDir, args: ['--config', configFile] });
});
after(async () => { await server.stop(); });

// ---------------------------------------------------------------------------------------------
// Helpers

function botHeaders(overrides = {}) {
  return apiHeaders(server.env, {
    AuthorizationContext: BOT_CONTEXT,
    AuthorizationContextType: 'ExternalConversationParticipant',
    ...overrides,
  });
}

function textEntry({ id = randomUUID(), text = 'Hello from the bot', clientTimestamp = Date.now() } = {}) {
  return {
    clientTimestamp,
    entryPayload: {
      entryType: 'Message',
      id,
      abstractMessage: { messageType: 'StaticContentMessage', id: randomUUID(), staticContent: { formatType: 'Text', text } },
    },
  };
}

function entryBody(conversationIdentifier, { subject = BOT, entries = [textEntry()], sender } = {}) {
  return {
    conversationIdentifier,
    sender: sender ?? { appType: 'custom', subject, role: 'Chatbot' },
    conversationEntries: entries,
  };
}

// POST /api/v1/conversationEntry with a JSON body (object, or `raw` text).
async function postEntry(body, { headers = {}, raw, contentType = 'application/json' } = {}) {
  const all = botHeaders(headers);
  if (contentType !== null) all['Content-Type'] = contentType;
  const response = await fetch(`${server.baseUrl}/api/v1/conversationEntry`, {
    method: 'POST', headers: all, body: raw ?? JSON.stringify(body),
  });
  return readResponse(response);
}

// GET /api/v1/conversationEntry with a JSON body (the contract's form; fetch refuses bodies on GET,
// so this goes over a raw connection) and/or a query string.
async function getEntries({ body, raw, query = '', headers = {}, contentType = 'application/json' } = {}) {
  const all = botHeaders(headers);
  const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
  if (payload !== undefined && contentType !== null) all['Content-Type'] = contentType;
  const bytes = buildRequest({ method: 'GET', path: `/api/v1/conversationEntry${query}`, headers: all, body: payload });
  const { responses } = await rawExchange(server.port, bytes);
  assert.equal(responses.length, 1, 'GET /conversationEntry answered');
  return responses[0];
}

function attachmentJson(conversationIdentifier, { subject = BOT, id = randomUUID(), contentLength, extra = {}, sender } = {}) {
  return {
    conversationIdentifier,
    sender: sender ?? { subject },
    conversationEntries: [{ clientTimestamp: Date.now(), id, attachmentIndex: 0, contentLength, ...extra }],
  };
}

// POST /api/v1/attachment: the `postAttachmentRequestJson` part (object or raw string) and files.
async function postAttachment({ json, files = [], headers = {}, jsonPart = 'postAttachmentRequestJson' } = {}) {
  const form = new FormData();
  if (json !== undefined) {
    form.append(jsonPart, new Blob([typeof json === 'string' ? json : JSON.stringify(json)], { type: 'application/json' }));
  }
  for (const file of files) {
    form.append(file.name ?? 'attachments', new Blob([file.data], { type: file.type ?? 'application/octet-stream' }), file.filename ?? 'file.bin');
  }
  const response = await fetch(`${server.baseUrl}/api/v1/attachment`, { method: 'POST', headers: botHeaders(headers), body: form });
  return readResponse(response);
}

// A conversation of the demo org created by an end user's messages (clientTimestamps as given).
async function endUserConversation(timestamps = [Date.now()]) {
  const from = `byob-${randomUUID()}`;
  let conversation;
  const ids = [];
  for (const timestamp of timestamps) {
    const id = randomUUID();
    ids.push(id);
    const response = await postInteraction(server, { json: textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from, id, timestamp, text: `at ${timestamp}` }) });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    conversation = response.body.conversationIdentifier;
  }
  return { from, conversation, ids };
}

async function eventsOf(conversation, type, wait = '') {
  const response = await getJson(server, `/admin/v1/events?conversation=${conversation}&type=${type}${wait ? `&wait=${wait}` : ''}`);
  assert.equal(response.status, 200);
  return response.body.events;
}

// ---------------------------------------------------------------------------------------------
// Headers (every BYOB endpoint)

test('the header rules of every BYOB endpoint: AuthorizationContextType is required and must be ExternalConversationParticipant', async () => {
  const { conversation } = await endUserConversation();
  const png = pngBytes();
  const calls = {
    post: (headers) => postEntry(entryBody(conversation), { headers }),
    get: (headers) => getEntries({ body: { conversationIdentifier: conversation, startTime: 1 }, headers }),
    attachment: (headers) => postAttachment({ json: attachmentJson(conversation, { contentLength: png.length }), files: [{ data: png, filename: 'a.png' }], headers }),
  };
  for (const [name, call] of Object.entries(calls)) {
    assertApiError(await call({ AuthorizationContextType: undefined }), 10016, { context: `${name}: no AuthorizationContextType` });
    assertApiError(await call({ AuthorizationContextType: '' }), 10016, { context: `${name}: empty AuthorizationContextType` });
    assertApiError(await call({ AuthorizationContextType: 'ConversationChannelDefinition' }), 10093, { context: `${name}: channel type for a bot context` });
    assertApiError(await call({ AuthorizationContextType: 'EmbeddedMessagingChannel' }), 10093, { context: `${name}: embedded type` });
    assertApiError(await call({ AuthorizationContextType: 'Bot' }), 10093, { context: `${name}: unknown type` });
    // A channel definition is not a bot's AuthorizationContext.
    assertApiError(await call({ AuthorizationContext: 'Partner1_ChannelDefinition1' }), 10005, { context: `${name}: channel definition context` });
    assertApiError(await call({ AuthorizationContext: 'Partner1_NoSuchBotDefinition' }), 10005, { context: `${name}: unknown context` });
    assertApiError(await call({ Authorization: 'Bearer nope' }), 10004, { context: `${name}: bad token` });
    assertApiError(await call({ OrgId: undefined }), 10016, { context: `${name}: no OrgId` });
    assertApiError(await call({ RequestId: undefined }), 10016, { context: `${name}: no RequestId` });
  }
  // The README's upper-case spelling is accepted: these calls get past the headers (the bot has
  // not joined, so the write is refused by the participant rule; the read succeeds).
  const upper = { AuthorizationContextType: 'EXTERNALCONVERSATIONPARTICIPANT' };
  assertApiError(await calls.post(upper), 10068);
  assert.equal((await calls.get(upper)).status, 200);
  assertApiError(await calls.attachment(upper), 10068);
});

test('a read-only org refuses the bot\'s writes (10019) but not its reads', async () => {
  const token = mintToken(server.dataDir, ['--config', configFile, '--org', READ_ONLY_ORG]);
  const headers = { Authorization: `Bearer ${token}`, OrgId: READ_ONLY_ORG, AuthorizationContext: 'Ro_BotDefinition' };
  assertApiError(await postEntry(entryBody(randomUUID(), { subject: '1JZ8c00000RBOT1' }), { headers }), 10019);
  const png = pngBytes();
  assertApiError(await postAttachment({ json: attachmentJson(randomUUID(), { subject: '1JZ8c00000RBOT1', contentLength: png.length }), files: [{ data: png }], headers }), 10019);
  assertApiError(await getEntries({ body: { conversationIdentifier: randomUUID(), startTime: 1 }, headers }), 10018);
});

// ---------------------------------------------------------------------------------------------
// POST /api/v1/conversationEntry

test('POST: the bot rules — unknown or malformed id 10086, another integration\'s bot 10087, inactive bot 10088', async () => {
  const { conversation } = await endUserConversation();
  assertApiError(await postEntry(entryBody(conversation, { subject: '1JZ8c00000DBOT9' })), 10086, { context: 'unknown bot' });
  assertApiError(await postEntry(entryBody(conversation, { subject: 'not-a-bot-id' })), 10086, { context: 'malformed id' });
  assertApiError(await postEntry(entryBody(conversation, { subject: '0058c00000DREP1' })), 10086, { context: 'a rep\'s id' });
  assertApiError(await postEntry(entryBody(conversation, { subject: OTHER_BOT })), 10087, { context: 'another integration\'s bot' });
  assertApiError(await postEntry(entryBody(conversation, { subject: INACTIVE_BOT })), 10088, { context: 'inactive bot' });
  // With its own integration's context the other bot passes the bot rules; it has not joined.
  assertApiError(await postEntry(entryBody(conversation, { subject: OTHER_BOT }), { headers: { AuthorizationContext: 'Partner1_OtherBotDefinition' } }), 10068);
  // The 18-character form of an id names the same bot.
  assertApiError(await postEntry(entryBody(conversation, { subject: `${BOT}AAA` })), 10068);
});

test('POST: a bot that has not joined the conversation is not an approved participant (10068); unknown conversations are 10018', async () => {
  const { conversation } = await endUserConversation();
  assertApiError(await postEntry(entryBody(conversation)), 10068);
  const typing = { clientTimestamp: Date.now(), entryPayload: typingPayload('TypingStartedIndicator') };
  assertApiError(await postEntry(entryBody(conversation, { entries: [typing] })), 10068);
  assertApiError(await postEntry(entryBody(randomUUID())), 10018, { context: 'unknown conversation' });
  // Another org's conversation is as unknown as a missing one.
  const otherToken = mintToken(server.dataDir, ['--config', configFile, '--org', OTHER_ORG]);
  const other = await postInteraction(server, {
    json: textMessage({ to: 'other-org-channel', from: `byob-${randomUUID()}` }),
    headers: { Authorization: `Bearer ${otherToken}`, OrgId: OTHER_ORG, AuthorizationContext: 'Other_ChannelDefinition' },
  });
  assert.equal(other.status, 202, JSON.stringify(other.body));
  assertApiError(await postEntry(entryBody(other.body.conversationIdentifier)), 10018, { context: 'another org\'s conversation' });
  assertApiError(await getEntries({ body: { conversationIdentifier: other.body.conversationIdentifier, startTime: 1 } }), 10018, { context: 'GET another org\'s conversation' });
  // Nothing was stored or emitted for the refused entries.
  assert.deepEqual((await eventsOf(conversation, 'Message')).filter((e) => e.payload.payload.sender.role === 'Chatbot'), []);
});

test('POST: body, envelope and sender rules', async () => {
  const { conversation } = await endUserConversation();
  const body = entryBody(conversation);
  assertApiError(await postEntry(null, { raw: '' }), 10100, { context: 'empty body' });
  assertApiError(await postEntry(null, { raw: '  \r\n ' }), 10100, { context: 'blank body' });
  assertApiError(await postEntry(null, { raw: '{"conversationIdentifier":' }), 10100, { context: 'broken JSON' });
  assertApiError(await postEntry(null, { raw: '[1,2]' }), 10100, { context: 'a list' });
  assertApiError(await postEntry(null, { raw: '"text"' }), 10100, { context: 'a string' });
  assertApiError(await postEntry(body, { contentType: 'text/plain' }), 10016, { context: 'not JSON content type' });
  assertApiError(await postEntry(body, { contentType: null }), 10016, { context: 'no content type' });
  const cases = [
    [{ conversationIdentifier: undefined }, 10018],
    [{ conversationIdentifier: '' }, 10018],
    [{ conversationIdentifier: 42 }, 10018],
    [{ conversationIdentifier: 'c'.repeat(241) }, 10018],
    [{ sender: undefined }, 10089],
    [{ sender: 'bot' }, 10089],
    [{ sender: { appType: 'custom', role: 'Chatbot' } }, 10086],
    [{ sender: { appType: 'custom', subject: '', role: 'Chatbot' } }, 10086],
    [{ sender: { appType: 'custom', subject: 17, role: 'Chatbot' } }, 10086],
    [{ sender: { appType: 'chatbot', subject: BOT, role: 'Chatbot' } }, 10037],
    [{ sender: { subject: BOT, role: 'Chatbot' } }, 10037],
    [{ sender: { appType: 'custom', subject: BOT, role: 'EndUser' } }, 10038],
    [{ sender: { appType: 'custom', subject: BOT } }, 10038],
    [{ conversationEntries: undefined }, 10089],
    [{ conversationEntries: {} }, 10089],
    [{ conversationEntries: [] }, 10089],
    [{ conversationEntries: [textEntry(), textEntry()] }, 10089],
    [{ conversationEntries: ['entry'] }, 10045],
  ];
  for (const [overrides, code] of cases) {
    const candidate = { ...body, ...overrides };
    for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete candidate[key];
    assertApiError(await postEntry(candidate), code, { context: JSON.stringify(overrides).slice(0, 120) });
  }
});

test('POST: entry rules — timestamp frame 10046, entry format 10045, message and format types 10047/10048/10049', async () => {
  const { conversation } = await endUserConversation();
  const now = Date.now();
  const day = 24 * 60 * 60 * 1000;
  const withEntry = (entry) => postEntry(entryBody(conversation, { entries: [entry] }));
  const withPayload = (entryPayload) => withEntry({ clientTimestamp: Date.now(), entryPayload });
  const withMessage = (abstractMessage) => withPayload({ entryType: 'Message', id: randomUUID(), abstractMessage });

  for (const clientTimestamp of [undefined, null, 'yesterday', 1.5, 0, -1, now - day - 60000, now + 10 * 60000]) {
    const entry = { ...textEntry(), clientTimestamp };
    if (clientTimestamp === undefined) delete entry.clientTimestamp;
    assertApiError(await withEntry(entry), 10046, { context: `clientTimestamp ${clientTimestamp}` });
  }
  // Inside the frame (a decimal string too) the rules pass; the bot has not joined.
  assertApiError(await withEntry({ ...textEntry(), clientTimestamp: String(now - day + 60000) }), 10068);

  const malformed = [
    [{ ...textEntry(), entryPayload: undefined }, 'no entryPayload'],
    [{ ...textEntry(), entryPayload: 'Message' }, 'entryPayload a string'],
  ];
  for (const [entry, context] of malformed) assertApiError(await withEntry(entry), 10045, { context });
  const payloads = [
    [{ id: randomUUID(), abstractMessage: {} }, 'no entryType'],
    [{ entryType: 'MessageDeliveryFailed', id: randomUUID() }, 'MessageDeliveryFailed'],
    [{ entryType: 'ParticipantChanged', id: randomUUID() }, 'ParticipantChanged'],
    [{ entryType: 'NoSuchType', id: randomUUID() }, 'unknown entryType'],
    [{ entryType: 'Message', abstractMessage: textEntry().entryPayload.abstractMessage }, 'no id'],
    [{ entryType: 'Message', id: '', abstractMessage: textEntry().entryPayload.abstractMessage }, 'empty id'],
    [{ entryType: 'Message', id: 7, abstractMessage: textEntry().entryPayload.abstractMessage }, 'numeric id'],
    [{ entryType: 'Message', id: randomUUID() }, 'no abstractMessage'],
    [{ entryType: 'TypingStartedIndicator', id: randomUUID() }, 'typing without timestamp'],
    [{ entryType: 'TypingStoppedIndicator', id: randomUUID(), timestamp: 'now' }, 'typing with a bad timestamp'],
  ];
  for (const [payload, context] of payloads) assertApiError(await withPayload(payload), 10045, { context });

  const text = { formatType: 'Text', text: 'hi' };
  assertApiError(await withMessage({ id: 'm', staticContent: text }), 10047, { context: 'no messageType' });
  assertApiError(await withMessage({ messageType: 'Bogus', id: 'm', staticContent: text }), 10047);
  assertApiError(await withMessage({ messageType: 'ChoicesResponseMessage', id: 'm', choicesResponse: { formatType: 'Selections', selectedOptions: [{ optionIdentifier: '1' }] } }), 10047, { context: 'an end user\'s message type' });
  assertApiError(await withMessage({ messageType: 'StaticContentMessage', staticContent: text }), 10045, { context: 'no message id' });
  assertApiError(await withMessage({ messageType: 'StaticContentMessage', id: 'm' }), 10045, { context: 'no staticContent' });
  assertApiError(await withMessage({ messageType: 'StaticContentMessage', id: 'm', staticContent: { formatType: 'Gif' } }), 10048);
  assertApiError(await withMessage({ messageType: 'ChoicesMessage', id: 'm', choices: { text: 'x' } }), 10048, { context: 'no formatType' });
  assertApiError(await withMessage({ messageType: 'StaticContentMessage', id: 'm', staticContent: { formatType: 'Buttons', text: 'x', optionItems: [{}] } }), 10049);
  assertApiError(await withMessage({ messageType: 'ChoicesMessage', id: 'm', choices: { formatType: 'Text', text: 'x' } }), 10049);
  assertApiError(await withMessage({ messageType: 'FormMessage', id: 'm', form: { formatType: 'Selections' } }), 10049);
  assertApiError(await withMessage({ messageType: 'StaticContentMessage', id: 'm', staticContent: { formatType: 'Text' } }), 10045, { context: 'no text' });
  assertApiError(await withMessage({ messageType: 'ChoicesMessage', id: 'm', choices: { formatType: 'Buttons', text: 'Pick', optionItems: [] } }), 10045, { context: 'no options' });
  // Valid bot messages of each kind get past the entry rules.
  for (const message of [
    { messageType: 'ChoicesMessage', id: 'm', choices: { formatType: 'Buttons', text: 'Pick', optionItems: [{ optionIdentifier: '1', titleItem: { title: 'One' } }] } },
    { messageType: 'FormMessage', id: 'm', form: { formatType: 'Inputs', formTitle: { title: 'Tell us' }, sections: [{ sectionType: 'SingleInputSection' }] } },
    { messageType: 'StaticContentMessage', id: 'm', staticContent: { formatType: 'Links', links: [{ url: 'https://example.com' }] } },
  ]) {
    assertApiError(await withMessage(message), 10068, { context: message.messageType });
  }
  // The order of the rules: the envelope before the entry, the entry before the bot.
  assertApiError(await postEntry(entryBody('', { subject: 'nope', entries: [] })), 10018);
  assertApiError(await postEntry(entryBody(conversation, { subject: INACTIVE_BOT, entries: [] })), 10089);
  assertApiError(await postEntry(entryBody(conversation, { subject: INACTIVE_BOT, entries: [{ ...textEntry(), clientTimestamp: 1 }] })), 10046);
});

// ---------------------------------------------------------------------------------------------
// GET /api/v1/conversationEntry

test('GET: reads a conversation\'s entries (any sender), filtered by clientTimestamp, newest first by default', async () => {
  const base = Date.now() - 60_000;
  const { conversation, from, ids } = await endUserConversation([base, base + 1000, base + 2000, base + 3000, base + 4000]);
  // A typing indicator is an entry too.
  const typingId = randomUUID();
  const typing = await postInteraction(server, {
    json: envelope({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from, interaction: entryInteraction(typingPayload('TypingStartedIndicator', { id: typingId, timestamp: base + 5000 }), { timestamp: base + 5000 }) }),
  });
  assert.equal(typing.status, 202);

  const all = await getEntries({ body: { conversationIdentifier: conversation, startTime: 1 } });
  assert.equal(all.status, 200, JSON.stringify(all.body));
  assert.equal(all.body.success, true);
  const entries = all.body.conversationEntries;
  assert.deepEqual(entries.map((e) => e.entryPayload.id), [typingId, ...[...ids].reverse()]);
  // Each entry is {clientTimestamp, sender, entryPayload}, the payload as the client sent it.
  for (const entry of entries) assert.deepEqual(Object.keys(entry).sort(), ['clientTimestamp', 'entryPayload', 'sender']);
  const first = entries[entries.length - 1];
  assert.equal(first.clientTimestamp, base);
  assert.deepEqual(first.sender, { appType: 'custom', subject: from, role: 'EndUser' });
  assert.deepEqual(first.entryPayload, {
    id: ids[0], entryType: 'Message',
    abstractMessage: { messageType: 'StaticContentMessage', id: ids[0], staticContent: { formatType: 'Text', text: `at ${base}` } },
  });

  const read = async (params) => (await getEntries({ body: { conversationIdentifier: conversation, ...params } })).body.conversationEntries.map((e) => e.clientTimestamp - base);
  assert.deepEqual(await read({ startTime: 1, direction: 'FROM_START' }), [0, 1000, 2000, 3000, 4000, 5000]);
  assert.deepEqual(await read({ startTime: 1, direction: 'FROM_END' }), [5000, 4000, 3000, 2000, 1000, 0]);
  // Both bounds are inclusive.
  assert.deepEqual(await read({ startTime: base + 1000, endTime: base + 3000, direction: 'FROM_START' }), [1000, 2000, 3000]);
  assert.deepEqual(await read({ startTime: base + 1000, endTime: base + 3000 }), [3000, 2000, 1000]);
  assert.deepEqual(await read({ startTime: base + 1001, endTime: base + 2999 }), [2000]);
  assert.deepEqual(await read({ startTime: base + 2000, limit: 2, direction: 'FROM_START' }), [2000, 3000]);
  assert.deepEqual(await read({ startTime: 1, limit: 2 }), [5000, 4000]);
  assert.deepEqual(await read({ startTime: base + 6000 }), []);
  // null counts as absent.
  assert.deepEqual(await read({ startTime: base + 4000, endTime: null, limit: null, direction: null }), [5000, 4000]);
});

test('GET: the limit defaults to 20 and is at most 20', async () => {
  const base = Date.now() - 120_000;
  const timestamps = Array.from({ length: 22 }, (_, i) => base + i * 10);
  const { conversation } = await endUserConversation(timestamps);
  const page = await getEntries({ body: { conversationIdentifier: conversation, startTime: 1 } });
  assert.equal(page.status, 200);
  assert.equal(page.body.conversationEntries.length, 20);
  assert.equal(page.body.conversationEntries[0].clientTimestamp, base + 210);  // newest first
  const oldest = await getEntries({ body: { conversationIdentifier: conversation, startTime: 1, direction: 'FROM_START', limit: 20 } });
  assert.equal(oldest.body.conversationEntries[0].clientTimestamp, base);
  assertApiError(await getEntries({ body: { conversationIdentifier: conversation, startTime: 1, limit: 21 } }), 10092);
});

test('GET: parameters as query parameters, and the body\'s take precedence over the query\'s', async () => {
  const base = Date.now() - 60_000;
  const { conversation } = await endUserConversation([base, base + 1000, base + 2000]);
  const timestamps = (response) => {
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.conversationEntries.map((e) => e.clientTimestamp - base);
  };
  const q = (params) => `?${new URLSearchParams(params)}`;
  // Query only (no body at all).
  assert.deepEqual(timestamps(await getEntries({ query: q({ conversationIdentifier: conversation, startTime: 1 }) })), [2000, 1000, 0]);
  assert.deepEqual(timestamps(await getEntries({ query: q({ conversationIdentifier: conversation, startTime: base + 1000, endTime: base + 2000, limit: 1, direction: 'FROM_START' }) })), [1000]);
  // The body wins where both have a parameter; the query fills in what the body lacks.
  assert.deepEqual(timestamps(await getEntries({ body: { conversationIdentifier: conversation, startTime: 1, limit: 2 }, query: q({ limit: 1, direction: 'FROM_START' }) })), [0, 1000]);
  assert.deepEqual(timestamps(await getEntries({ body: { conversationIdentifier: conversation, startTime: 1, direction: 'FROM_END' }, query: q({ direction: 'FROM_START' }) })), [2000, 1000, 0]);
  assert.deepEqual(timestamps(await getEntries({ body: { startTime: 1 }, query: q({ conversationIdentifier: conversation, startTime: 'x' }) })), [2000, 1000, 0]);
  // Query values are checked like body values.
  assertApiError(await getEntries({ query: q({ conversationIdentifier: conversation, startTime: 'soon' }) }), 10090);
  assertApiError(await getEntries({ query: q({ conversationIdentifier: conversation, startTime: 1, limit: '' }) }), 10092);
  assertApiError(await getEntries({ query: q({ conversationIdentifier: conversation, startTime: 1, direction: 'SIDEWAYS' }) }), 10089);
  assertApiError(await getEntries({ query: q({ startTime: 1 }) }), 10018);
  // Neither a body nor any parameter in the query: the required body is missing.
  assertApiError(await getEntries({}), 10100);
  assertApiError(await getEntries({ query: '?unrelated=1' }), 10100);
});

test('GET: parameter rules and malformed bodies', async () => {
  const { conversation } = await endUserConversation();
  const body = { conversationIdentifier: conversation, startTime: 1 };
  const cases = [
    [{ conversationIdentifier: undefined }, 10018],
    [{ conversationIdentifier: '' }, 10018],
    [{ conversationIdentifier: ['c'] }, 10018],
    [{ conversationIdentifier: randomUUID() }, 10018],
    [{ startTime: undefined }, 10090],
    [{ startTime: 0 }, 10090],
    [{ startTime: -1000 }, 10090],
    [{ startTime: 'yesterday' }, 10090],
    [{ startTime: true }, 10090],
    [{ startTime: 1000, endTime: 1000 }, 10091],
    [{ startTime: 1000, endTime: 999 }, 10091],
    [{ endTime: 'later' }, 10091],
    [{ limit: 0 }, 10092],
    [{ limit: -1 }, 10092],
    [{ limit: 21 }, 10092],
    [{ limit: 2.5 }, 10092],
    [{ limit: '5x' }, 10092],
    [{ direction: 'from_start' }, 10089],
    [{ direction: 'UP' }, 10089],
    [{ direction: 1 }, 10089],
    // The first failing rule decides.
    [{ startTime: 0, endTime: 0, limit: 0, direction: 'UP' }, 10090],
    [{ endTime: 0, limit: 0, direction: 'UP' }, 10091],
    [{ limit: 0, direction: 'UP' }, 10092],
  ];
  for (const [overrides, code] of cases) {
    const candidate = { ...body, ...overrides };
    for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete candidate[key];
    assertApiError(await getEntries({ body: candidate }), code, { context: JSON.stringify(overrides) });
  }
  assertApiError(await getEntries({ raw: '{"conversationIdentifier":' }), 10100, { context: 'broken JSON' });
  assertApiError(await getEntries({ raw: '[]' }), 10100, { context: 'a list' });
  assertApiError(await getEntries({ raw: 'null' }), 10100, { context: 'null' });
  assertApiError(await getEntries({ body, contentType: 'text/plain' }), 10016, { context: 'body not declared JSON' });
  assertApiError(await getEntries({ body, contentType: null }), 10016, { context: 'body without content type' });
  // Strings for numbers are accepted in the body too.
  assert.equal((await getEntries({ body: { ...body, startTime: '1', limit: '3' } })).status, 200);
});

// ---------------------------------------------------------------------------------------------
// POST /api/v1/attachment

test('POST /attachment: multipart, file and bot rules', async () => {
  const { conversation } = await endUserConversation();
  const png = pngBytes();
  const file = { data: png, filename: 'photo.png', type: 'image/png' };
  const json = (options = {}) => attachmentJson(conversation, { contentLength: png.length, ...options });

  // The happy shape reaches the participant rule (the bot has not joined).
  assertApiError(await postAttachment({ json: json(), files: [file] }), 10068);
  // Body and parts.
  const noBody = await fetch(`${server.baseUrl}/api/v1/attachment`, { method: 'POST', headers: botHeaders() });
  assertApiError(await readResponse(noBody), 10100, { context: 'no body' });
  const notMultipart = await fetch(`${server.baseUrl}/api/v1/attachment`, {
    method: 'POST', headers: { ...botHeaders(), 'Content-Type': 'application/json' }, body: JSON.stringify(json()),
  });
  assertApiError(await readResponse(notMultipart), 10016, { context: 'JSON instead of multipart' });
  assertApiError(await postAttachment({ files: [file] }), 10100, { context: 'no JSON part' });
  assertApiError(await postAttachment({ json: json(), jsonPart: 'json', files: [file] }), 10100, { context: 'the /interactions part name' });
  assertApiError(await postAttachment({ json: '{"conversationIdentifier":', files: [file] }), 10100, { context: 'broken JSON' });
  assertApiError(await postAttachment({ json: '[]', files: [file] }), 10100, { context: 'a list' });
  // Fields.
  assertApiError(await postAttachment({ json: { ...json(), conversationIdentifier: undefined }, files: [file] }), 10018);
  assertApiError(await postAttachment({ json: { ...json(), sender: undefined }, files: [file] }), 10089);
  assertApiError(await postAttachment({ json: json({ sender: {} }), files: [file] }), 10086);
  assertApiError(await postAttachment({ json: json({ sender: { subject: BOT, role: 'EndUser' } }), files: [file] }), 10038);
  assertApiError(await postAttachment({ json: json({ sender: { subject: BOT, appType: 'agent' } }), files: [file] }), 10037);
  assertApiError(await postAttachment({ json: { ...json(), conversationEntries: [] }, files: [file] }), 10089);
  assertApiError(await postAttachment({ json: { ...json(), conversationEntries: [json().conversationEntries[0], json().conversationEntries[0]] }, files: [file] }), 10089);
  assertApiError(await postAttachment({ json: json({ extra: { clientTimestamp: 5 } }), files: [file] }), 10046);
  assertApiError(await postAttachment({ json: json({ extra: { id: '' } }), files: [file] }), 10007);
  assertApiError(await postAttachment({ json: json({ extra: { contentLength: undefined } }), files: [file] }), 10010);
  assertApiError(await postAttachment({ json: json({ extra: { contentLength: '' } }), files: [file] }), 10010);
  assertApiError(await postAttachment({ json: json({ extra: { attachmentIndex: 'first' } }), files: [file] }), 10089);
  assertApiError(await postAttachment({ json: json({ extra: { text: 5 } }), files: [file] }), 10089);
  // Files: the rules of POST /interactions.
  assertApiError(await postAttachment({ json: json() }), 10009, { context: 'no file' });
  assertApiError(await postAttachment({ json: json(), files: [file, file] }), 10011, { context: 'two files' });
  assertApiError(await postAttachment({ json: json({ extra: { attachmentIndex: 1 } }), files: [file] }), 10011, { context: 'attachmentIndex 1' });
  assertApiError(await postAttachment({ json: json({ contentLength: 0 }), files: [{ ...file, data: Buffer.alloc(0) }] }), 10009, { context: 'empty file' });
  assertApiError(await postAttachment({ json: json({ contentLength: png.length + 1 }), files: [file] }), 10051, { context: 'wrong contentLength' });
  const text = Buffer.from('just some plain text, not a supported type\n');
  assertApiError(await postAttachment({ json: json({ contentLength: text.length }), files: [{ data: text, filename: 'a.txt' }] }), 10095, { context: 'unsupported MIME type' });
  // The bot rules come after the body's rules.
  assertApiError(await postAttachment({ json: json({ subject: '1JZ8c00000DBOT9' }), files: [file] }), 10086);
  assertApiError(await postAttachment({ json: json({ subject: 'bot' }), files: [file] }), 10086);
  assertApiError(await postAttachment({ json: json({ subject: OTHER_BOT }), files: [file] }), 10087);
  assertApiError(await postAttachment({ json: json({ subject: INACTIVE_BOT }), files: [file] }), 10088);
  assertApiError(await postAttachment({ json: attachmentJson(randomUUID(), { contentLength: png.length }), files: [file] }), 10018);
  // None of these refused uploads stored its file.
  const stored = path.join(server.dataDir, 'attachments');
  const listed = existsSync(stored) ? readdirSync(stored, { recursive: true }) : [];
  const distinct = Buffer.concat([pngBytes(), Buffer.from(randomUUID())]);  // bytes no one stored
  assertApiError(await postAttachment({ json: json({ contentLength: distinct.length }), files: [{ ...file, data: distinct }] }), 10068);
  assertApiError(await postAttachment({ json: attachmentJson(randomUUID(), { contentLength: distinct.length }), files: [{ ...file, data: distinct }] }), 10018);
  assert.deepEqual(existsSync(stored) ? readdirSync(stored, { recursive: true }) : [], listed);
});

// ---------------------------------------------------------------------------------------------
// The happy path: a bot that joined through routing.

// Interaction on the bot's channel → RoutingWorkResult (Assigned) for the bot → PATCH /agentWork
// Chatbot Accept → the bot's entries (the demo org's `demo-bot-channel` routes to the bot).
test('happy path: a bot that accepted its work sends messages, typing and a file; they are stored, emitted and readable', async () => {
  const from = `byob-happy-${randomUUID()}`;
  const inbound = await postInteraction(server, { json: textMessage({ to: 'demo-bot-channel', from, text: 'Hi bot' }) });
  assert.equal(inbound.status, 202, JSON.stringify(inbound.body));
  const conversation = inbound.body.conversationIdentifier;
  const assigned = await eventsOf(conversation, 'RoutingWorkResult', '5s');
  const work = assigned.map((e) => e.payload.payload.entryPayload).find((p) => p.botId === BOT && p.workType === 'Assigned');
  assert.ok(work, `no RoutingWorkResult(Assigned) for ${BOT}: ${JSON.stringify(assigned.map((e) => e.payload.payload.entryPayload))}`);

  // Before accepting, the bot may read the conversation but not write to it.
  const before = await getEntries({ body: { conversationIdentifier: conversation, startTime: 1 } });
  assert.equal(before.status, 200);
  assert.equal(before.body.conversationEntries.length, 1);
  assertApiError(await postEntry(entryBody(conversation)), 10068);

  const patchWork = async (status) => readResponse(await fetch(`${server.baseUrl}/api/v1/agentWork`, {
    method: 'PATCH',
    headers: { ...botHeaders(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ workId: work.workId, contextType: 'Chatbot', status, workItemId: work.workTargetId, botId: BOT }),
  }));
  const accepted = await patchWork('Accept');
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));

  // A message: 202, stored, emitted to the partner's channel topic with the bot as sender.
  const message = textEntry({ text: 'Hello, I am the demo bot' });
  const sent = await postEntry(entryBody(conversation, { entries: [message] }));
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
  assert.deepEqual(sent.body, { success: true });
  const messageEvents = (await eventsOf(conversation, 'Message', '5s')).filter((e) => e.payload.payload.sender.role === 'Chatbot');
  assert.equal(messageEvents.length, 1);
  const event = messageEvents[0];
  assert.equal(event.topic, '/event/Partner1_Event__e');
  assert.equal(event.eventType, 'Interaction');
  assert.deepEqual(event.payload.recipient, { appType: 'custom', subject: from, role: 'EndUser' });
  assert.deepEqual(event.payload.payload.sender, { appType: 'custom', subject: BOT, role: 'Chatbot' });
  assert.equal(event.payload.payload.senderDisplayName, 'Demo_Bot');
  assert.equal(event.payload.payload.identifier, message.entryPayload.id);
  assert.equal(event.payload.payload.clientTimestamp, message.clientTimestamp);
  assert.deepEqual(event.payload.payload.entryPayload, { ...message.entryPayload, messageReason: null });

  // A retry of the same entry is accepted and changes nothing, even with other text: no second
  // entry, no second event, the stored one kept.
  assert.equal((await postEntry(entryBody(conversation, { entries: [message] }))).status, 202);
  const altered = { ...message, entryPayload: { ...message.entryPayload, abstractMessage: { ...message.entryPayload.abstractMessage, staticContent: { formatType: 'Text', text: 'changed' } } } };
  assert.equal((await postEntry(entryBody(conversation, { entries: [altered] }))).status, 202);
  const botMessages = (await eventsOf(conversation, 'Message')).filter((e) => e.payload.payload.sender.role === 'Chatbot');
  assert.equal(botMessages.length, 1);
  const stored = await getEntries({ body: { conversationIdentifier: conversation, startTime: 1, direction: 'FROM_START' } });
  const copies = stored.body.conversationEntries.filter((e) => e.entryPayload.id === message.entryPayload.id);
  assert.equal(copies.length, 1);
  assert.equal(copies[0].entryPayload.abstractMessage.staticContent.text, message.entryPayload.abstractMessage.staticContent.text);
  // An entry id the end user already used is another sender's: 409 / 10073.
  const endUserEntryId = stored.body.conversationEntries.find((e) => e.sender.role === 'EndUser').entryPayload.id;
  assertApiError(await postEntry(entryBody(conversation, { entries: [textEntry({ id: endUserEntryId })] })), 10073);
  // Typing indicators are emitted likewise.
  const typing = { clientTimestamp: Date.now(), entryPayload: typingPayload('TypingStartedIndicator') };
  assert.equal((await postEntry(entryBody(conversation, { entries: [typing] }))).status, 202);
  const typingEvents = await eventsOf(conversation, 'TypingStartedIndicator', '5s');
  assert.ok(typingEvents.some((e) => e.payload.payload.sender.role === 'Chatbot'));

  // A file: stored, emitted as an Attachments message whose url serves the bytes.
  const png = pngBytes();
  const attachmentId = randomUUID();
  const attached = await postAttachment({
    json: attachmentJson(conversation, { id: attachmentId, contentLength: png.length, extra: { text: 'a picture' } }),
    files: [{ data: png, filename: 'bot.png', type: 'image/png' }],
  });
  assert.equal(attached.status, 202, JSON.stringify(attached.body));
  assert.deepEqual(attached.body, { success: true });
  const fileEvent = (await eventsOf(conversation, 'Message')).find((e) => e.payload.payload.identifier === attachmentId);
  assert.ok(fileEvent, 'the attachment message was emitted');
  const content = fileEvent.payload.payload.entryPayload.abstractMessage.staticContent;
  assert.equal(content.formatType, 'Attachments');
  assert.equal(content.text, 'a picture');
  assert.equal(content.attachments[0].name, 'bot.png');
  assert.equal(content.attachments[0].mimeType, 'image/png');
  const bytes = await fetch(content.attachments[0].url);
  assert.equal(bytes.status, 200);
  assert.deepEqual(Buffer.from(await bytes.arrayBuffer()), png);

  // All of it is in the conversation's entries.
  const after = await getEntries({ body: { conversationIdentifier: conversation, startTime: 1, direction: 'FROM_START' } });
  const botEntries = after.body.conversationEntries.filter((e) => e.sender.role === 'Chatbot');
  assert.deepEqual(botEntries.map((e) => e.entryPayload.id), [message.entryPayload.id, typing.entryPayload.id, attachmentId]);
  assert.deepEqual(botEntries[0].sender, { appType: 'custom', subject: BOT, role: 'Chatbot' });

  // After Close the bot has left: its writes are refused again.
  const closed = await patchWork('Close');
  assert.equal(closed.status, 202, JSON.stringify(closed.body));
  assertApiError(await postEntry(entryBody(conversation)), 10068);
});
