// The round trip a partner integration lives on: an end user's message comes in, a rep (driven
// through the rep API) accepts, types, answers and ends, and each step emits the outbound event
// the real service sends, in order, with the payload shape of outbound-custom-event-payload.yaml.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from './lib/server.mjs';
import { postInteraction, getJson, textMessage, readResponse } from './lib/api.mjs';

const ALICE = '0058c00000DREP1';
const BOB = '0058c00000DREP2';  // no Partner Messaging
let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

async function repPost(rep, conversation, action, body) {
  const response = await fetch(`${server.baseUrl}/admin/v1/reps/${rep}/conversations/${conversation}/${action}`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return readResponse(response);
}

async function newConversation() {
  const from = `rep-${randomUUID()}`;
  const response = await postInteraction(server, { json: textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from }) });
  assert.equal(response.status, 202);
  return { from, conversation: response.body.conversationIdentifier, session: response.body.workItemIds[0] };
}

test('accept → typing → message → end emits the events of each step, in order', async () => {
  const { from, conversation, session } = await newConversation();
  const accepted = await repPost(ALICE, conversation, 'accept');
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  assert.equal(accepted.body.replayIds.length, 2);
  assert.equal((await repPost(ALICE, conversation, 'typing', { typing: true })).status, 202);
  const sent = await repPost(ALICE, conversation, 'messages', { text: 'Hi, how can I help?' });
  assert.equal(sent.status, 202);
  assert.equal((await repPost(ALICE, conversation, 'typing', { typing: false })).status, 202);
  assert.equal((await repPost(ALICE, conversation, 'end')).status, 202);

  // The rep's own events (the demo channel's routing queued the session first; the system's
  // SessionStatusChanged and QueuePosition are not the rep's).
  const { body: all } = await getJson(server, `/admin/v1/events?conversation=${conversation}`);
  assert.deepEqual(all.events.slice(0, 2).map((e) => [e.entryType, e.createdById]),
    [['SessionStatusChanged', server.env.USER_ID], ['QueuePosition', server.env.USER_ID]]);
  const body = { events: all.events.slice(2) };
  assert.deepEqual(body.events.map((e) => e.entryType), [
    'ParticipantChanged', 'SessionStatusChanged', 'TypingStartedIndicator', 'Message',
    'TypingStoppedIndicator', 'ParticipantChanged', 'SessionStatusChanged',
  ]);
  const ids = body.events.map((e) => e.replayId);
  assert.deepEqual([...ids].sort((a, b) => a - b), ids);
  for (const event of body.events) {
    assert.equal(event.topic, '/event/Partner1_Event__e');
    assert.equal(event.eventType, 'Interaction');
    assert.equal(event.createdById, ALICE);
    assert.equal(event.payload.conversationIdentifier, conversation);
    assert.deepEqual(event.payload.recipient, { appType: 'custom', subject: from, role: 'EndUser' });
    assert.deepEqual(event.payload.payload.sender, { appType: 'agent', subject: ALICE, role: 'Agent' });
    assert.equal(event.payload.payload.entryPayload.entryType, event.entryType);
  }
  const [joined, active, , message, , left, ended] = body.events.map((e) => e.payload.payload.entryPayload);
  assert.equal(joined.entries[0].operation, 'add');
  assert.deepEqual(joined.entries[0].participant, { appType: 'agent', subject: ALICE, role: 'Agent' });
  assert.equal(active.sessionStatus, 'Active');
  assert.equal(active.sessionStatusPrev, 'Waiting');
  assert.equal(active.sessionId, session);
  assert.equal(message.abstractMessage.staticContent.text, 'Hi, how can I help?');
  assert.equal(message.id, sent.body.identifier);
  assert.equal(left.entries[0].operation, 'remove');
  assert.equal(ended.sessionStatus, 'Ended');
  assert.equal(ended.sessionStatusPrev, 'Active');
  assert.equal(ended.sessionEndedByRole, 'Agent');

  // The conversation holds the rep's message as an entry, and the rep has left.
  const detail = await getJson(server, `/admin/v1/conversations/${conversation}`);
  const repEntry = detail.body.entries.find((e) => e.identifier === sent.body.identifier);
  assert.deepEqual(repEntry.sender, { appType: 'agent', subject: ALICE, role: 'Agent' });
  assert.ok(detail.body.participants.find((p) => p.participant.subject === ALICE).leftTime > 0);
  assert.equal(detail.body.messagingSessions[0].status, 'Ended');
});

test('structured messages are accepted and bad ones refused with catalogue codes', async () => {
  const { conversation } = await newConversation();
  assert.equal((await repPost(ALICE, conversation, 'accept')).status, 202);
  const buttons = {
    messageType: 'ChoicesMessage',
    choices: { formatType: 'Buttons', text: 'Pick one', optionItems: [{ optionIdentifier: 'a', titleItem: { itemType: 'TitleItem', title: 'A' } }] },
  };
  const ok = await repPost(ALICE, conversation, 'messages', { abstractMessage: buttons });
  assert.equal(ok.status, 202);
  const found = await getJson(server, `/admin/v1/events?conversation=${conversation}&type=Message`);
  assert.equal(found.body.events[0].payload.payload.entryPayload.abstractMessage.choices.formatType, 'Buttons');
  assert.equal((await repPost(ALICE, conversation, 'messages', { abstractMessage: { messageType: 'Nope' } })).body.code, 10047);
  assert.equal((await repPost(ALICE, conversation, 'messages', { abstractMessage: { messageType: 'StaticContentMessage', staticContent: { formatType: 'Nope' } } })).body.code, 10048);
  assert.equal((await repPost(ALICE, conversation, 'messages', { nothing: 1 })).body.code, 10045);
  assert.equal((await repPost(ALICE, conversation, 'typing', { typing: 'yes' })).body.code, 10100);
});

test('rules: join first, Partner Messaging, known user, known conversation, ended sessions', async () => {
  const { conversation } = await newConversation();
  const early = await repPost(ALICE, conversation, 'messages', { text: 'too early' });
  assert.equal(early.status, 404);
  assert.equal(early.body.code, 10036);
  assert.equal((await repPost(BOB, conversation, 'accept')).body.code, 15105);
  assert.equal((await repPost('0058c00000DNONE', conversation, 'accept')).body.code, 15106);
  assert.equal((await repPost(ALICE, randomUUID(), 'accept')).body.code, 10018);
  assert.equal((await repPost(ALICE, conversation, 'accept')).status, 202);
  const again = await repPost(ALICE, conversation, 'accept');
  assert.deepEqual(again.body.replayIds, [], 'accepting twice changes nothing');
  assert.equal((await repPost(ALICE, conversation, 'end')).status, 202);
  assert.equal((await repPost(ALICE, conversation, 'messages', { text: 'after end' })).body.code, 10071);
});

test('after the session ended, the end user\'s next message opens a new session in the same conversation', async () => {
  const { from, conversation, session } = await newConversation();
  assert.equal((await repPost(ALICE, conversation, 'accept')).status, 202);
  assert.equal((await repPost(ALICE, conversation, 'end')).status, 202);
  const next = await postInteraction(server, { json: textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from }) });
  assert.equal(next.body.conversationIdentifier, conversation);
  assert.notEqual(next.body.workItemIds[0], session);
  const detail = await getJson(server, `/admin/v1/conversations/${conversation}`);
  // The new session's first message queued it again (Salesforce-owned routing).
  assert.deepEqual(detail.body.messagingSessions.map((s) => s.status), ['Ended', 'Waiting']);
  // The rep can take the new session.
  const rejoined = await repPost(ALICE, conversation, 'accept');
  assert.equal(rejoined.status, 202);
  const events = await getJson(server, `/admin/v1/events?conversation=${conversation}&type=SessionStatusChanged`);
  assert.equal(events.body.events.at(-1).payload.payload.entryPayload.sessionId, next.body.workItemIds[0]);
});
