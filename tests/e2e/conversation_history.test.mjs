// POST /api/v1/conversationHistory: a BYOC-for-CCaaS partner imports its bot's transcript —
// back-dated entries, participants with joined/left times, Establish / Attach of a messaging
// session — with every rule and code of docs/compatibility.md ("POST /api/v1/conversationHistory"),
// malformed input, another org's ids, and the 24-hour age limit driven by the admin clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, mintToken } from './lib/server.mjs';
import { apiHeaders, readResponse, postInteraction, textMessage, getJson, postJson, armFault } from './lib/api.mjs';
import { assertApiError } from './lib/catalogue.mjs';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const CHANNEL = 'demo-ccaas-channel';
const CCAAS = { AuthorizationContext: 'Partner1_CCaaSDefinition', AuthorizationContextType: 'ConversationChannelDefinition' };
const TRAP_ORG = '00D8c000000TRAP';

let server;
let trapEnv;
before(async () => {
  server = await startServer();
  trapEnv = {
    ...server.env,
    ORG_ID: TRAP_ORG,
    ACCESS_TOKEN: mintToken(server.dataDir, ['--org', TRAP_ORG, '--ttl', String(30 * 24 * 3600)]),
  };
});
after(async () => { await server.stop(); });

async function post(json, { headers = {}, raw, contentType = 'application/json', env = server.env } = {}) {
  const all = apiHeaders(env, { ...CCAAS, ...headers });
  if (contentType !== null) all['Content-Type'] = contentType;
  const response = await fetch(`${server.baseUrl}/api/v1/conversationHistory`, {
    method: 'POST',
    headers: all,
    body: raw ?? JSON.stringify(json),
  });
  return readResponse(response);
}

async function serverNow() {
  const clock = await getJson(server, '/admin/v1/clock');
  assert.equal(clock.status, 200);
  return clock.body.nowMs;
}

function textEntry({ at, subject, role = 'EndUser', appType = role === 'EndUser' ? 'custom' : 'chatbot', text = 'hi', id = randomUUID(), messageId = id }) {
  return {
    clientTimestamp: at,
    sender: { subject, role, appType },
    entryPayload: {
      entryType: 'Message',
      id,
      abstractMessage: { messageType: 'StaticContentMessage', id: messageId, staticContent: { formatType: 'Text', text } },
    },
  };
}

function participant(subject, role, joinedTime, leftTime, appType = role === 'EndUser' ? 'custom' : 'chatbot') {
  const p = { displayName: `${subject} (${role})`, participant: { subject, role, appType }, joinedTime };
  if (leftTime !== undefined) p.leftTime = leftTime;
  return p;
}

// A valid request: an end user (joined an hour ago), a bot (from 55 to 20 minutes ago), two
// entries, and an Ended session from 58 to 10 minutes ago.
function scenario(now, { user = `hist-${randomUUID()}`, bot = 'partner-bot-1' } = {}) {
  return {
    user,
    bot,
    body: {
      channelAddressIdentifier: CHANNEL,
      conversationParticipants: [
        participant(user, 'EndUser', now - 60 * MINUTE),
        participant(bot, 'Chatbot', now - 55 * MINUTE, now - 20 * MINUTE),
      ],
      conversationEntries: [
        textEntry({ at: now - 50 * MINUTE, subject: user, text: 'I need help' }),
        textEntry({ at: now - 49 * MINUTE, subject: bot, role: 'Chatbot', text: 'Let me find a rep' }),
      ],
      messagingSession: {
        messagingSessionRequestType: 'EstablishMessagingSession',
        payload: { startTime: now - 58 * MINUTE, endTime: now - 10 * MINUTE },
      },
    },
  };
}

async function conversationOf(id) {
  const detail = await getJson(server, `/admin/v1/conversations/${id}`);
  assert.equal(detail.status, 200);
  return detail.body;
}

test('establish after POST /conversation, then attach a second batch: entries back-dated in order', async () => {
  const now = await serverNow();
  const user = `hist-${randomUUID()}`;
  const bot = 'partner-bot-1';
  const established = await fetch(`${server.baseUrl}/api/v1/conversation`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...apiHeaders(server.env, { AuthorizationContext: CCAAS.AuthorizationContext }) },
    body: JSON.stringify({ channelAddressIdentifier: CHANNEL, participants: [{ subject: user, role: 'EndUser', appType: 'custom' }] }),
  });
  const conversation = (await readResponse(established)).body;
  assert.equal(established.status, 202);

  const participants = [
    participant(user, 'EndUser', now - 60 * MINUTE),
    participant(bot, 'Chatbot', now - 55 * MINUTE, now - 20 * MINUTE),
  ];
  // The first batch is sent out of order: the server stores it in conversation order.
  const first = [
    textEntry({ at: now - 48 * MINUTE, subject: bot, role: 'Chatbot', text: 'Which order?' }),
    textEntry({ at: now - 50 * MINUTE, subject: user, text: 'Where is my order?' }),
    textEntry({ at: now - 49 * MINUTE, subject: bot, role: 'Chatbot', text: 'Let me check', messageId: randomUUID() }),
  ];
  const establish = await post({
    channelAddressIdentifier: CHANNEL,
    conversationParticipants: participants,
    conversationEntries: first,
    messagingSession: { messagingSessionRequestType: 'EstablishMessagingSession', payload: { startTime: now - 58 * MINUTE } },
  });
  assert.equal(establish.status, 202, JSON.stringify(establish.body));
  assert.deepEqual(establish.body, {
    success: true,
    conversationIdentifier: conversation.conversationIdentifier,
    // The empty New session POST /conversation opened becomes the history's session.
    messagingSessionId: conversation.messagingSessionId,
  });

  const second = [
    textEntry({ at: now - 30 * MINUTE, subject: user, text: 'Order 42' }),
    textEntry({ at: now - 25 * MINUTE, subject: bot, role: 'Chatbot', text: 'Transferring you' }),
  ];
  const attach = await post({
    channelAddressIdentifier: CHANNEL,
    conversationParticipants: participants,
    conversationEntries: second,
    messagingSession: { messagingSessionRequestType: 'AttachMessagingSession', payload: { sessionId: establish.body.messagingSessionId } },
  }, { headers: { AuthorizationContextType: 'CONVERSATIONCHANNELDEFINITION' } });  // README casing
  assert.equal(attach.status, 202, JSON.stringify(attach.body));
  assert.deepEqual(attach.body, establish.body);

  const detail = await conversationOf(conversation.conversationIdentifier);
  const expected = [first[1], first[2], first[0], ...second];
  assert.deepEqual(detail.entries.map((e) => e.identifier), expected.map((e) => e.entryPayload.id));
  for (const [i, entry] of detail.entries.entries()) {
    assert.equal(entry.clientTimestamp, expected[i].clientTimestamp);
    assert.equal(entry.transcriptedTimestamp, expected[i].clientTimestamp, 'back-dated');
    assert.deepEqual(entry.sender, expected[i].sender);
    assert.deepEqual(entry.entryPayload, expected[i].entryPayload);
    assert.equal(entry.messagingSessionId, conversation.messagingSessionId);
    assert.equal(entry.entryType, 'Message');
  }
  assert.deepEqual(detail.participants.map((p) => [p.participant, p.joinedTime, p.leftTime, p.displayName]), [
    [{ appType: 'custom', subject: user, role: 'EndUser' }, now - 60 * MINUTE, null, `${user} (EndUser)`],
    [{ appType: 'chatbot', subject: bot, role: 'Chatbot' }, now - 55 * MINUTE, now - 20 * MINUTE, `${bot} (Chatbot)`],
  ]);
  assert.deepEqual(detail.messagingSessions, [
    { id: conversation.messagingSessionId, status: 'New', startTime: now - 58 * MINUTE, endTime: null },
  ]);

  // Nothing of the history is announced to the partner as live events.
  const events = await getJson(server, `/admin/v1/events?conversation=${conversation.conversationIdentifier}`);
  assert.equal(events.status, 200);
  assert.deepEqual(events.body.events, []);

  // The end user's next live message joins the same conversation and session.
  const live = await postInteraction(server, {
    json: textMessage({ to: CHANNEL, from: user }),
    headers: { AuthorizationContext: CCAAS.AuthorizationContext },
  });
  assert.equal(live.status, 202);
  assert.equal(live.body.conversationIdentifier, conversation.conversationIdentifier);
  assert.deepEqual(live.body.workItemIds, [conversation.messagingSessionId]);
});

test('an ended session; a second Establish opens another one; without a session the current one is used', async () => {
  const now = await serverNow();
  const { user, bot, body } = scenario(now);
  const first = await post(body);
  assert.equal(first.status, 202, JSON.stringify(first.body));
  assert.match(first.body.conversationIdentifier, /^[0-9a-f-]{36}$/);
  assert.match(first.body.messagingSessionId, /^0Mw[0-9A-Za-z]{12}$/);
  let detail = await conversationOf(first.body.conversationIdentifier);
  assert.deepEqual(detail.messagingSessions, [
    { id: first.body.messagingSessionId, status: 'Ended', startTime: now - 58 * MINUTE, endTime: now - 10 * MINUTE },
  ]);
  assert.equal(detail.messagingEndUser.endUserClientId, user);

  // A later bot conversation of the same end user, still going on (the bot has not left).
  const again = scenario(now, { user, bot });
  again.body.conversationParticipants[1] = participant(bot, 'Chatbot', now - 9 * MINUTE);
  again.body.conversationEntries = [textEntry({ at: now - 8 * MINUTE, subject: user, text: 'Me again' })];
  again.body.messagingSession.payload = { startTime: now - 9 * MINUTE };
  const second = await post(again.body);
  assert.equal(second.status, 202, JSON.stringify(second.body));
  assert.equal(second.body.conversationIdentifier, first.body.conversationIdentifier);
  assert.notEqual(second.body.messagingSessionId, first.body.messagingSessionId);
  detail = await conversationOf(first.body.conversationIdentifier);
  assert.equal(detail.messagingSessionId, second.body.messagingSessionId, 'the new session is current');
  assert.deepEqual(detail.messagingSessions.map((s) => [s.id, s.status]), [
    [first.body.messagingSessionId, 'Ended'],
    [second.body.messagingSessionId, 'Active'],  // a bot is in the conversation
  ]);
  assert.equal(detail.participants.find((p) => p.participant.role === 'Chatbot').leftTime, null);

  // No messagingSession: the entries go into the current session. The bot must have left.
  const third = scenario(now, { user, bot });
  delete third.body.messagingSession;
  third.body.conversationParticipants[1] = participant(bot, 'Chatbot', now - 9 * MINUTE, now - 2 * MINUTE);
  third.body.conversationEntries = [textEntry({ at: now - 3 * MINUTE, subject: bot, role: 'Chatbot', text: 'Bye' })];
  const plain = await post(third.body);
  assert.equal(plain.status, 202, JSON.stringify(plain.body));
  assert.equal(plain.body.messagingSessionId, second.body.messagingSessionId);
  detail = await conversationOf(first.body.conversationIdentifier);
  assert.equal(detail.entries.length, 4);
  assert.equal(detail.entries[3].messagingSessionId, second.body.messagingSessionId);
});

test('bots may have sent choices and forms; end users only what /interactions accepts', async () => {
  const now = await serverNow();
  const { bot, body } = scenario(now);
  const choices = {
    clientTimestamp: now - 45 * MINUTE,
    sender: { subject: bot, role: 'Chatbot', appType: 'chatbot' },
    entryPayload: {
      entryType: 'Message',
      id: randomUUID(),
      abstractMessage: {
        messageType: 'ChoicesMessage',
        id: randomUUID(),
        choices: { formatType: 'Buttons', text: 'Pick one', optionItems: [{ optionIdentifier: 'a', titleItem: { title: 'A' } }] },
      },
    },
  };
  body.conversationEntries.push(choices);
  const accepted = await post(body);
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
});

test('header, access and body checks', async () => {
  const now = await serverNow();
  const { body } = scenario(now);
  assertApiError(await post(body, { headers: { AuthorizationContextType: undefined } }), 10016, { context: 'no AuthorizationContextType' });
  assertApiError(await post(body, { headers: { AuthorizationContextType: '' } }), 10016);
  assertApiError(await post(body, { headers: { OrgId: undefined } }), 10016);
  assertApiError(await post(body, { headers: { AuthorizationContextType: 'ChannelDefinition' } }), 10093);
  assertApiError(await post(body, { headers: { AuthorizationContextType: 'ExternalConversationParticipant' } }), 10093);
  assertApiError(await post(body, { headers: { Authorization: 'Bearer nope' } }), 10004);
  assertApiError(await post(body, { headers: { AuthorizationContext: 'Partner1_Unknown' } }), 10005);
  assertApiError(await post(body, { headers: { AuthorizationContext: 'Partner1_BotDefinition' } }), 10005);
  // BYOC for Messaging may not import history.
  assertApiError(await post(body, { headers: { AuthorizationContext: 'Partner1_ChannelDefinition1' } }), 10057);
  assertApiError(await post(body, { headers: { AuthorizationContext: 'Partner1_ChannelDefinition1' }, raw: '' }), 10057,
    { context: 'access is checked before the body' });
  assertApiError(await post(null, { raw: '' }), 10100);
  assertApiError(await post(null, { raw: '  \n' }), 10100);
  assertApiError(await post(body, { contentType: 'text/plain' }), 10016);
  assertApiError(await post(body, { contentType: null }), 10016);
  assertApiError(await post(null, { raw: '{"channelAddressIdentifier":' }), 10100);
  assertApiError(await post(null, { raw: 'not json' }), 10100);
  assertApiError(await post(null, { raw: '[]' }), 10100);
  assertApiError(await post(null, { raw: '"text"' }), 10100);
  // Bodies over the 1 MiB limit of JSON endpoints.
  const huge = await post(null, { raw: JSON.stringify({ ...body, padding: 'x'.repeat(1024 * 1024 + 1) }) });
  assertApiError(huge, 10100, { status: 413 });
});

test('every field rule with its code', async () => {
  const now = await serverNow();
  // [description, change(body, ctx), code]
  const cases = [
    ['channel missing', (b) => { delete b.channelAddressIdentifier; }, 10069],
    ['channel empty', (b) => { b.channelAddressIdentifier = ''; }, 10069],
    ['channel not a string', (b) => { b.channelAddressIdentifier = 42; }, 10069],
    ['channel too long', (b) => { b.channelAddressIdentifier = 'c'.repeat(241); }, 10069],
    ['channel unknown', (b) => { b.channelAddressIdentifier = 'no-such-channel'; }, 10069],
    ['channel of the Messaging definition', (b) => { b.channelAddressIdentifier = 'demo-messaging-channel'; }, 10070],
    ['channel of another definition', (b) => { b.channelAddressIdentifier = 'trap-other-context-channel'; }, 10070],
    ['channel without a definition', (b) => { b.channelAddressIdentifier = 'trap-no-definition-channel'; }, 10026],
    ['channel of another org', (b) => { b.channelAddressIdentifier = 'trap-org-ccaas-channel'; }, 10069],

    ['participants missing', (b) => { delete b.conversationParticipants; }, 10039],
    ['participants empty', (b) => { b.conversationParticipants = []; }, 10039],
    ['participants not a list', (b) => { b.conversationParticipants = { p: 1 }; }, 10078],
    ['four participants', (b, c) => {
      b.conversationParticipants.push(participant('bot-2', 'Chatbot', c.now - HOUR, c.now - 30 * MINUTE),
        participant('bot-3', 'Chatbot', c.now - HOUR, c.now - 30 * MINUTE));
    }, 10078],
    ['participant not an object', (b) => { b.conversationParticipants[1] = 'bot'; }, 10078],
    ['participant without participant', (b) => { delete b.conversationParticipants[1].participant; }, 10078],
    ['role Agent', (b) => { b.conversationParticipants[1].participant.role = 'Agent'; }, 10043],
    ['role in another casing', (b) => { b.conversationParticipants[1].participant.role = 'chatbot'; }, 10043],
    ['role missing', (b) => { delete b.conversationParticipants[0].participant.role; }, 10043],
    ['appType unknown', (b) => { b.conversationParticipants[1].participant.appType = 'robot'; }, 10078],
    ['end user appType not custom', (b) => { b.conversationParticipants[0].participant.appType = 'iamessage'; }, 10078],
    ['subject empty', (b) => { b.conversationParticipants[1].participant.subject = ''; }, 10078],
    ['joinedTime missing', (b) => { delete b.conversationParticipants[1].joinedTime; }, 10078],
    ['joinedTime not a number', (b) => { b.conversationParticipants[1].joinedTime = 'earlier'; }, 10078],
    ['leftTime not a number', (b) => { b.conversationParticipants[1].leftTime = true; }, 10078],
    ['displayName not a string', (b) => { b.conversationParticipants[1].displayName = 7; }, 10078],
    ['duplicate participants', (b) => { b.conversationParticipants.push(structuredClone(b.conversationParticipants[1])); }, 10101],
    ['no end user', (b) => { b.conversationParticipants.shift(); }, 10042],
    ['two end users', (b, c) => { b.conversationParticipants.push(participant(`other-${randomUUID()}`, 'EndUser', c.now - HOUR)); }, 10044],
    ['end user with leftTime', (b, c) => { b.conversationParticipants[0].leftTime = c.now - MINUTE; }, 10065],
    ['chatbot without leftTime in an ended session', (b) => { delete b.conversationParticipants[1].leftTime; }, 10066],
    ['chatbot without leftTime and no session', (b) => { delete b.conversationParticipants[1].leftTime; delete b.messagingSession; }, 10066],
    ['joinedTime = leftTime', (b) => { b.conversationParticipants[1].leftTime = b.conversationParticipants[1].joinedTime; }, 10067],
    ['joinedTime after leftTime', (b, c) => { b.conversationParticipants[1].joinedTime = c.now - 5 * MINUTE; }, 10067],

    ['entries missing', (b) => { delete b.conversationEntries; }, 10078],
    ['entries empty', (b) => { b.conversationEntries = []; }, 10078],
    ['entries not a list', (b) => { b.conversationEntries = { e: 1 }; }, 10078],
    ['26 entries', (b, c) => {
      b.conversationEntries = Array.from({ length: 26 }, () => textEntry({ at: c.now - 40 * MINUTE, subject: c.user }));
    }, 10078],
    ['entry not an object', (b) => { b.conversationEntries[0] = 'hello'; }, 10045],
    ['clientTimestamp missing', (b) => { delete b.conversationEntries[0].clientTimestamp; }, 10045],
    ['clientTimestamp not a number', (b) => { b.conversationEntries[0].clientTimestamp = false; }, 10045],
    ['sender missing', (b) => { delete b.conversationEntries[0].sender; }, 10045],
    ['entryPayload missing', (b) => { delete b.conversationEntries[0].entryPayload; }, 10045],
    ['entryType not Message', (b) => { b.conversationEntries[0].entryPayload.entryType = 'TypingStartedIndicator'; }, 10045],
    ['entry id missing', (b) => { delete b.conversationEntries[0].entryPayload.id; }, 10045],
    ['abstractMessage missing', (b) => { delete b.conversationEntries[0].entryPayload.abstractMessage; }, 10045],
    ['text missing', (b) => { delete b.conversationEntries[0].entryPayload.abstractMessage.staticContent.text; }, 10045],
    ['messageType unknown', (b) => { b.conversationEntries[0].entryPayload.abstractMessage.messageType = 'Fax'; }, 10047],
    ['formatType unknown', (b) => { b.conversationEntries[0].entryPayload.abstractMessage.staticContent.formatType = 'Hologram'; }, 10048],
    ['formatType not of the message type', (b) => { b.conversationEntries[0].entryPayload.abstractMessage.staticContent.formatType = 'Selections'; }, 10049],
    ['end user sends choices', (b) => { b.conversationEntries[0].entryPayload.abstractMessage.messageType = 'ChoicesMessage'; }, 10062],
    ['sender not a participant', (b) => { b.conversationEntries[0].sender.subject = 'somebody-else'; }, 10068],
    ['sender in another role', (b) => { b.conversationEntries[0].sender.role = 'Agent'; }, 10068],
    ['entry older than 24 hours', (b, c) => {
      b.conversationParticipants[0].joinedTime = c.now - 30 * HOUR;
      b.conversationEntries[0].clientTimestamp = c.now - 25 * HOUR;
      delete b.messagingSession;
    }, 10046],
    ['entry in the future', (b, c) => { b.conversationEntries[0].clientTimestamp = c.now + HOUR; delete b.messagingSession; }, 10046],
    ['entry before the sender joined', (b, c) => { b.conversationEntries[0].clientTimestamp = c.now - 61 * MINUTE; }, 10074],
    ['entry after the bot left', (b, c) => { b.conversationEntries[1].clientTimestamp = c.now - 19 * MINUTE; }, 10074],
    ['the same entry id twice', (b) => { b.conversationEntries[1].entryPayload.id = b.conversationEntries[0].entryPayload.id; }, 10073],
    ['the same message id twice', (b) => {
      b.conversationEntries[1].entryPayload.abstractMessage.id = b.conversationEntries[0].entryPayload.abstractMessage.id;
    }, 10073],

    ['session not an object', (b) => { b.messagingSession = 'Establish'; }, 10078],
    ['session request type unknown', (b) => { b.messagingSession.messagingSessionRequestType = 'CreateMessagingSession'; }, 10078],
    ['session payload missing', (b) => { delete b.messagingSession.payload; }, 10078],
    ['startTime missing', (b) => { delete b.messagingSession.payload.startTime; }, 10061],
    ['startTime not a number', (b) => { b.messagingSession.payload.startTime = 'at noon'; }, 10061],
    ['startTime zero', (b) => { b.messagingSession.payload.startTime = 0; }, 10061],
    ['startTime after the first entry', (b, c) => { b.messagingSession.payload.startTime = c.now - 45 * MINUTE; }, 10061],
    ['startTime in the future', (b, c) => { b.messagingSession.payload.startTime = c.now + HOUR; }, 10061],
    ['endTime before startTime', (b, c) => { b.messagingSession.payload.endTime = c.now - 59 * MINUTE; }, 10064],
    ['endTime before the last entry', (b, c) => { b.messagingSession.payload.endTime = c.now - 49.5 * MINUTE; }, 10064],
    ['endTime in the future', (b, c) => { b.messagingSession.payload.endTime = c.now + HOUR; }, 10064],
    ['endTime not a number', (b) => { b.messagingSession.payload.endTime = [1]; }, 10064],
    ['sessionId missing', (b) => { b.messagingSession = { messagingSessionRequestType: 'AttachMessagingSession', payload: {} }; }, 10072],
    ['sessionId malformed', (b) => { b.messagingSession = { messagingSessionRequestType: 'AttachMessagingSession', payload: { sessionId: 'session-1' } }; }, 10072],
    ['sessionId of another type', (b) => { b.messagingSession = { messagingSessionRequestType: 'AttachMessagingSession', payload: { sessionId: '0058c00000DREP1' } }; }, 10072],
    ['sessionId unknown', (b) => { b.messagingSession = { messagingSessionRequestType: 'AttachMessagingSession', payload: { sessionId: '0Mw8c0000zzzzzz' } }; }, 10071],
  ];
  for (const [description, change, code] of cases) {
    const ctx = scenario(now);
    ctx.now = now;
    change(ctx.body, ctx);
    assertApiError(await post(ctx.body), code, { context: description });
  }
  // The session-independent rules stay valid without a session.
  const plain = scenario(now);
  delete plain.body.messagingSession;
  assert.equal((await post(plain.body)).status, 202);
});

test('ids already stored, another conversation\'s or org\'s session, a repeated upload', async () => {
  const now = await serverNow();
  const first = scenario(now);
  const accepted = await post(first.body);
  assert.equal(accepted.status, 202);
  // The same upload again: its ids are already in the conversation.
  assertApiError(await post(first.body), 10073, { context: 'repeat' });

  // A live message's id is taken too.
  const live = await postInteraction(server, {
    json: textMessage({ to: CHANNEL, from: first.user, id: randomUUID() }),
    headers: { AuthorizationContext: CCAAS.AuthorizationContext },
  });
  assert.equal(live.status, 202);
  const liveId = live.body.id;
  const reuse = scenario(now, { user: first.user });
  reuse.body.conversationEntries[1].entryPayload.abstractMessage.id = liveId;
  assertApiError(await post(reuse.body), 10073, { context: 'live id' });

  // Attach to a session of another end user's conversation.
  const other = scenario(now);
  other.body.messagingSession = { messagingSessionRequestType: 'AttachMessagingSession', payload: { sessionId: accepted.body.messagingSessionId } };
  assertApiError(await post(other.body), 10071, { context: 'another conversation\'s session (new end user)' });
  const otherAccepted = await post(scenario(now, { user: other.user }).body);
  assert.equal(otherAccepted.status, 202);
  const another = scenario(now, { user: other.user });
  another.body.messagingSession = other.body.messagingSession;
  assertApiError(await post(another.body), 10071, { context: 'another conversation\'s session' });
  // The 18-character form of the right id works.
  another.body.messagingSession = { messagingSessionRequestType: 'AttachMessagingSession', payload: { sessionId: `${otherAccepted.body.messagingSessionId}AAA` } };
  assert.equal((await post(another.body)).status, 202);

  // A chatbot that has not left cannot be attached to an Ended session.
  const open = scenario(now, { user: other.user });
  delete open.body.conversationParticipants[1].leftTime;
  open.body.messagingSession = { messagingSessionRequestType: 'AttachMessagingSession', payload: { sessionId: otherAccepted.body.messagingSessionId } };
  assertApiError(await post(open.body), 10066, { context: 'attach to Ended with an open bot' });
});

test('the trap org does not support history with a session (10063); another org\'s ids', async () => {
  const now = await serverNow();
  const trap = { env: trapEnv, headers: { AuthorizationContext: 'Trap_CCaaSDefinition' } };
  const { body } = scenario(now);
  body.channelAddressIdentifier = 'trap-org-ccaas-channel';
  assertApiError(await post(body, trap), 10063);
  assertApiError(await post({ ...body, messagingSession: 'anything' }, trap), 10063);
  // Without a session the same history is accepted in that org.
  const withoutSession = { ...body };
  delete withoutSession.messagingSession;
  const accepted = await post(withoutSession, trap);
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));

  // The demo org's channel, definition and session ids mean nothing in the trap org.
  assertApiError(await post({ ...withoutSession, channelAddressIdentifier: CHANNEL }, trap), 10069);
  assertApiError(await post(withoutSession, { env: trapEnv }), 10005, { context: 'the demo org\'s definition' });
  assertApiError(await post(withoutSession, { ...trap, headers: { ...trap.headers, OrgId: server.env.ORG_ID } }), 10004);
  // And the trap org's session is not the demo org's.
  const demo = scenario(now);
  demo.body.messagingSession = { messagingSessionRequestType: 'AttachMessagingSession', payload: { sessionId: accepted.body.messagingSessionId } };
  assert.equal((await post(scenario(now, { user: demo.user }).body)).status, 202);
  assertApiError(await post(demo.body), 10071);
});

test('a failed conversation lookup is 20002 and writes nothing', async () => {
  const now = await serverNow();
  const { user, body } = scenario(now);
  await armFault(server, 'conversation-lookup', 1);
  assertApiError(await post(body), 20002);
  const list = await getJson(server, '/admin/v1/conversations?limit=1000');
  assert.equal(list.body.conversations.filter((c) => c.endUserClientId === user).length, 0);
  assert.equal((await post(body)).status, 202);
});

test('entries older than 24 hours by the server clock are refused (10046), via the admin clock', async () => {
  const start = await serverNow();
  const fresh = scenario(start);
  assert.equal((await post(fresh.body)).status, 202);

  const moved = await postJson(server, '/admin/v1/clock', { advanceMs: 25 * HOUR });
  assert.equal(moved.status, 200);
  assert.ok(moved.body.nowMs >= start + 25 * HOUR, JSON.stringify(moved.body));
  assert.equal(moved.body.offsetMs, 25 * HOUR);
  try {
    // The same transcript (new ids) is now more than a day old.
    const stale = scenario(start);
    assertApiError(await post(stale.body), 10046);
    // History of the server's "now" is still welcome.
    const current = scenario(moved.body.nowMs);
    assert.equal((await post(current.body)).status, 202);
  } finally {
    const reset = await postJson(server, '/admin/v1/clock', { offsetMs: 0 });
    assert.equal(reset.status, 200);
    assert.equal(reset.body.offsetMs, 0);
  }
  const back = await serverNow();
  assert.ok(Math.abs(back - Date.now()) < 60 * 1000);
});

test('the admin clock validates what it is told', async () => {
  for (const bad of [{}, { advanceMs: '5' }, { offsetMs: 1.5 }, { advanceMs: 1, offsetMs: 1 }, { offsetMs: 4e12 }, { advanceMs: 1, other: 2 }, [1]]) {
    const response = await postJson(server, '/admin/v1/clock', bad);
    assert.equal(response.status, 400, JSON.stringify(bad));
    assert.equal(typeof response.body.error, 'string');
  }
  const raw = await fetch(`${server.baseUrl}/admin/v1/clock`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: 'not json' });
  assert.equal(raw.status, 400);
  const clock = await getJson(server, '/admin/v1/clock');
  assert.equal(clock.body.offsetMs, 0, 'refused requests change nothing');
  const back = await postJson(server, '/admin/v1/clock', { advanceMs: -1000 });
  assert.equal(back.status, 200);
  assert.equal(back.body.offsetMs, -1000);
  assert.equal((await postJson(server, '/admin/v1/clock', { offsetMs: 0 })).body.offsetMs, 0);
});

test('a session in use is kept: an open Establish is 10078, a finished one is stored beside it; an Inactive session stays Inactive', async () => {
  const now = await serverNow();
  const { user, body } = scenario(now);
  // The end user is talking on the CCaaS channel: the current session is in use.
  const live = await postInteraction(server, { json: textMessage({ to: CHANNEL, from: user }), headers: CCAAS });
  assert.equal(live.status, 202, JSON.stringify(live.body));
  const session = live.body.workItemIds[0];
  const open = { ...body, messagingSession: { messagingSessionRequestType: 'EstablishMessagingSession', payload: { startTime: now - 58 * MINUTE } } };
  open.conversationParticipants = [participant(user, 'EndUser', now - 60 * MINUTE), participant('partner-bot-1', 'Chatbot', now - 55 * MINUTE)];
  assertApiError(await post(open), 10078);
  // A finished historical session is stored beside the live one, which stays current.
  const finished = await post(body);
  assert.equal(finished.status, 202, JSON.stringify(finished.body));
  assert.notEqual(finished.body.messagingSessionId, session);
  let detail = await conversationOf(live.body.conversationIdentifier);
  assert.equal(detail.messagingSessionId, session);
  // Inactivate the live session; a history upload without a session does not reactivate it.
  const inactivate = await fetch(`${server.baseUrl}/api/v1/messagingSession`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...apiHeaders(server.env, { AuthorizationContext: 'Partner1_CCaaSDefinition' }) },
    body: JSON.stringify({ channelAddressIdentifier: CHANNEL, endUserClientId: user, conversationIdentifier: live.body.conversationIdentifier, operation: 'Inactivate', sessionId: session }),
  });
  assert.equal(inactivate.status, 200);
  const plain = { ...scenario(now, { user }).body };
  delete plain.messagingSession;
  const imported = await post(plain);
  assert.equal(imported.status, 202, JSON.stringify(imported.body));
  detail = await conversationOf(live.body.conversationIdentifier);
  assert.equal(detail.messagingSessions.find((s) => s.id === session).status, 'Inactive');
  const statusEvents = await getJson(server, `/admin/v1/events?conversation=${live.body.conversationIdentifier}&type=SessionStatusChanged`);
  assert.deepEqual(statusEvents.body.events.map((e) => e.payload.payload.entryPayload.sessionStatus), ['Inactive']);
});
