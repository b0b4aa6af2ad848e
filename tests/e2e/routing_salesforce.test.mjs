// Salesforce-owned routing: the router opens a PSR for a new session on a Salesforce-routed
// channel and offers it to available reps of the queue by capacity; reps set presence, accept and
// decline through the rep API; waiting sessions are offered when a rep comes online.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from './lib/server.mjs';
import { postInteraction, textMessage } from './lib/api.mjs';
import {
  ALICE, BOB, CAROL, SUPPORT_QUEUE, DEMO_BOT, BOT_CONTEXT, call, admin, setPresence, getRep, conversation, newConversation,
  eventsOf, waitForEvent, entryOf, workEvent,
} from './lib/routing.mjs';

// Each test has its own server: routing depends on every rep's load across conversations.
let server;
beforeEach(async () => { server = await startServer(); });
afterEach(async () => { await server.stop(); });

async function allOffline() {
  for (const rep of [ALICE, CAROL]) await setPresence(server, rep, 'Offline');
}

test('a new session waits in the queue until a rep comes online, then is assigned and accepted', async () => {
  await allOffline();
  const user = await newConversation(server);
  const waiting = await conversation(server, user.conversation);
  assert.equal(waiting.pendingServiceRoutings.length, 1);
  assert.equal(waiting.pendingServiceRoutings[0].queueId, SUPPORT_QUEUE);
  assert.match(waiting.pendingServiceRoutings[0].psrId, /^0JR[0-9A-Za-z]{12}$/);
  const status = await waitForEvent(server, user.conversation, 'SessionStatusChanged');
  assert.equal(entryOf(status).sessionStatus, 'Waiting');
  assert.equal(entryOf(status).sessionStatusPrev, 'New');
  const position = await waitForEvent(server, user.conversation, 'QueuePosition');
  assert.equal(entryOf(position).pendingServiceRoutingId, waiting.pendingServiceRoutings[0].psrId);
  assert.equal(entryOf(position).workItemId, user.session);
  assert.ok(entryOf(position).position >= 1);

  const online = await setPresence(server, ALICE, 'Online');
  assert.deepEqual(online.presence, { status: 'Online', capacity: 5 });
  const assigned = await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Assigned'));
  const work = entryOf(assigned);
  assert.equal(work.agentSessionId, ALICE);
  assert.equal(work.workTargetId, user.session);
  assert.equal(work.queueId, SUPPORT_QUEUE);
  assert.equal(work.routingType, 'Initial');
  assert.match(work.workId, /^0Bz[0-9A-Za-z]{12}$/);
  const rep = await getRep(server, ALICE);
  const listed = rep.work.find((w) => w.workId === work.workId);
  assert.equal(listed.status, 'Assigned');
  assert.equal(listed.conversationIdentifier, user.conversation);

  const accept = await admin(server, 'POST', `/admin/v1/reps/${ALICE}/work/${work.workId}/accept`);
  assert.equal(accept.status, 202, JSON.stringify(accept.body));
  await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Accepted', (w) => w.workId === work.workId));
  const joined = await waitForEvent(server, user.conversation, 'ParticipantChanged');
  assert.deepEqual(entryOf(joined).entries[0].participant, { appType: 'agent', subject: ALICE, role: 'Agent' });
  await waitForEvent(server, user.conversation, 'SessionStatusChanged', (e) => entryOf(e).sessionStatus === 'Active');
  const active = await conversation(server, user.conversation);
  assert.deepEqual(active.pendingServiceRoutings, [], 'the PSR is deleted when the work is accepted');
  assert.equal(active.agentWork.find((w) => w.workId === work.workId).status, 'Opened');
  assert.equal(active.messagingSessions.at(-1).status, 'Active');

  // Accepting twice is a transition the work's status does not allow.
  const again = await admin(server, 'POST', `/admin/v1/reps/${ALICE}/work/${work.workId}/accept`);
  assert.equal(again.body.code, 10085);
  // The rep ends the conversation: the work closes.
  const end = await admin(server, 'POST', `/admin/v1/reps/${ALICE}/conversations/${user.conversation}/end`);
  assert.equal(end.status, 202);
  await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Closed'));
  assert.equal((await getRep(server, ALICE)).work.some((w) => w.workId === work.workId), false);
});

test('declined work is offered to the next available rep; the least loaded rep gets new work', async () => {
  await allOffline();
  await setPresence(server, ALICE, 'Online', 3);
  await setPresence(server, CAROL, 'Online', 2);
  const user = await newConversation(server);
  // Both idle: the tie goes to the smaller user id (Alice).
  const first = entryOf(await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Assigned')));
  assert.equal(first.agentSessionId, ALICE);
  const decline = await admin(server, 'POST', `/admin/v1/reps/${ALICE}/work/${first.workId}/decline`);
  assert.equal(decline.status, 202, JSON.stringify(decline.body));
  await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Declined'));
  const second = entryOf(await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Assigned', (w) => w.workId !== first.workId)));
  assert.equal(second.agentSessionId, CAROL);
  // Carol declines too: nobody else is available, the session keeps waiting with its PSR.
  await admin(server, 'POST', `/admin/v1/reps/${CAROL}/work/${second.workId}/decline`);
  await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Declined', (w) => w.workId === second.workId));
  const state = await conversation(server, user.conversation);
  assert.equal(state.pendingServiceRoutings.length, 1);
  assert.ok(state.agentWork.every((w) => w.status === 'Declined'));
  // Someone else's work cannot be accepted by Alice.
  const wrong = await admin(server, 'POST', `/admin/v1/reps/${ALICE}/work/${second.workId}/accept`);
  assert.equal(wrong.body.code, 10082);

  // Load balancing: Alice (capacity 3) takes one, then the next goes to Carol (ratio 0/2 < 1/3).
  const a = await newConversation(server);
  const workA = entryOf(await waitForEvent(server, a.conversation, 'RoutingWorkResult', workEvent('Assigned')));
  assert.equal(workA.agentSessionId, ALICE);
  const b = await newConversation(server);
  const workB = entryOf(await waitForEvent(server, b.conversation, 'RoutingWorkResult', workEvent('Assigned')));
  assert.equal(workB.agentSessionId, CAROL);
});

test('reps at capacity get no more work; freed capacity takes the oldest waiting session', async () => {
  await allOffline();
  await setPresence(server, CAROL, 'Online', 1);
  const a = await newConversation(server);
  const workA = entryOf(await waitForEvent(server, a.conversation, 'RoutingWorkResult', workEvent('Assigned')));
  assert.equal(workA.agentSessionId, CAROL);
  const b = await newConversation(server);
  await waitForEvent(server, b.conversation, 'QueuePosition');
  assert.equal((await eventsOf(server, b.conversation, 'RoutingWorkResult')).length, 0);
  // Carol accepts and ends the first conversation: capacity frees, the waiting one is offered.
  await admin(server, 'POST', `/admin/v1/reps/${CAROL}/work/${workA.workId}/accept`);
  await admin(server, 'POST', `/admin/v1/reps/${CAROL}/conversations/${a.conversation}/end`);
  const workB = entryOf(await waitForEvent(server, b.conversation, 'RoutingWorkResult', workEvent('Assigned')));
  assert.equal(workB.agentSessionId, CAROL);
});

test('presence: Partner Messaging is required, bodies are checked, GET shows the rep', async () => {
  const noPermission = await admin(server, 'PUT', `/admin/v1/reps/${BOB}/presence`, { status: 'Online' });
  assert.equal(noPermission.body.code, 15105);
  const unknown = await admin(server, 'PUT', '/admin/v1/reps/005000000000000/presence', { status: 'Online' });
  assert.equal(unknown.body.code, 15106);
  for (const body of [{}, { status: 'Away' }, { status: 'Online', capacity: 0 }, { status: 'Online', capacity: 'x' }]) {
    const response = await admin(server, 'PUT', `/admin/v1/reps/${ALICE}/presence`, body);
    assert.equal(response.body.code, 10089, JSON.stringify(body));
  }
  const offline = await setPresence(server, ALICE, 'Offline');
  assert.equal(offline.presence.status, 'Offline');
  assert.equal((await getRep(server, ALICE)).userId, ALICE);
});

test('a rep who joins directly withdraws the routing; a new session after End is routed anew', async () => {
  await allOffline();
  const user = await newConversation(server);
  await waitForEvent(server, user.conversation, 'QueuePosition');
  const join = await admin(server, 'POST', `/admin/v1/reps/${CAROL}/conversations/${user.conversation}/accept`);
  assert.equal(join.status, 202);
  assert.deepEqual((await conversation(server, user.conversation)).pendingServiceRoutings, []);
  // The rep leaves through a partner-side End; the next message opens a new session, routed anew.
  const end = await admin(server, 'POST', `/admin/v1/reps/${CAROL}/conversations/${user.conversation}/end`);
  assert.equal(end.status, 202);
  const again = await postInteraction(server, { json: textMessage({ to: user.channel, from: user.from }) });
  assert.equal(again.status, 202);
  assert.notEqual(again.body.workItemIds[0], user.session);
  const state = await conversation(server, user.conversation);
  assert.equal(state.pendingServiceRoutings.length, 1);
});

test('a bot: routed by the channel\'s flow, accepts, hears the end user, hands off to a rep and closes', async () => {
  const user = await newConversation(server, { channel: 'demo-bot-channel' });
  // The bot's work is announced on the bot integration's platform event (and the channel's).
  const assigned = await waitForEvent(server, user.conversation, 'RoutingWorkResult', (e) => e.topic === '/event/Partner1_Bot_Event__e');
  const work = entryOf(assigned);
  assert.equal(work.workType, 'Assigned');
  assert.equal(work.botId, DEMO_BOT);
  assert.equal(work.agentSessionId, null);
  assert.equal(work.workTargetId, user.session);
  const patch = (status) => call(server, 'PATCH', '/api/v1/agentWork',
    { workId: work.workId, contextType: 'Chatbot', status, workItemId: user.session, botId: DEMO_BOT }, BOT_CONTEXT);
  const accepted = await patch('Accept');
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Accepted'));
  const joined = await waitForEvent(server, user.conversation, 'ParticipantChanged');
  assert.deepEqual(entryOf(joined).entries[0].participant, { appType: 'custom', subject: DEMO_BOT, role: 'Chatbot' });
  assert.equal(entryOf(joined).entries[0].displayName, 'Demo_Bot');
  // The end user's next message reaches the bot on its own topic.
  const reply = await postInteraction(server, { json: textMessage({ to: user.channel, from: user.from, text: 'I need a human' }) });
  assert.equal(reply.status, 202);
  const heard = await waitForEvent(server, user.conversation, 'Message', (e) => e.topic === '/event/Partner1_Bot_Event__e');
  assert.equal(entryOf(heard).abstractMessage.staticContent.text, 'I need a human');
  assert.deepEqual(heard.payload.payload.sender, { appType: 'custom', subject: user.from, role: 'EndUser' });
  // Hand-off: the bot routes to the Support queue (Transfer), then closes its work.
  await setPresence(server, CAROL, 'Online');
  const handoff = await call(server, 'POST', '/api/v1/route',
    { conversationIdentifier: user.conversation, routingType: 'Transfer', routingInfo: { queueId: SUPPORT_QUEUE } }, BOT_CONTEXT);
  assert.equal(handoff.status, 202, JSON.stringify(handoff.body));
  const closed = await patch('Close');
  assert.equal(closed.status, 202, JSON.stringify(closed.body));
  await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Closed', (w) => w.botId === DEMO_BOT));
  const repWork = entryOf(await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Assigned', (w) => w.agentSessionId === CAROL)));
  assert.equal(repWork.routingType, 'Transfer');
  await admin(server, 'POST', `/admin/v1/reps/${CAROL}/work/${repWork.workId}/accept`);
  const state = await conversation(server, user.conversation);
  const present = state.participants.filter((p) => p.leftTime === null).map((p) => p.participant.role).sort();
  assert.deepEqual(present, ['Agent', 'EndUser']);
  // A bot that is not in a conversation cannot route it.
  const other = await newConversation(server);
  const refused = await call(server, 'POST', '/api/v1/route',
    { conversationIdentifier: other.conversation, routingType: 'Transfer', routingInfo: { queueId: SUPPORT_QUEUE } }, BOT_CONTEXT);
  assert.equal(refused.body.code, 10025);
});

test('an Inactive session the end user comes back to, with nobody in it, is routed again', async () => {
  // The bot takes the session, then leaves it without handing off: no PSR, nobody but the end user.
  const user = await newConversation(server, { channel: 'demo-bot-channel' });
  const first = entryOf(await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Assigned')));
  const patch = (workId, status) => call(server, 'PATCH', '/api/v1/agentWork',
    { workId, contextType: 'Chatbot', status, workItemId: user.session, botId: DEMO_BOT }, BOT_CONTEXT);
  assert.equal((await patch(first.workId, 'Accept')).status, 202);
  assert.equal((await patch(first.workId, 'Close')).status, 202);
  // A bot that closed is not offered the same PSR again: it was deleted on accept; nothing waits.
  assert.deepEqual((await conversation(server, user.conversation)).pendingServiceRoutings, []);
  const inactivated = await call(server, 'POST', '/api/v1/messagingSession', {
    channelAddressIdentifier: user.channel, endUserClientId: user.from, conversationIdentifier: user.conversation,
    operation: 'Inactivate', sessionId: user.session,
  });
  assert.equal(inactivated.status, 200, JSON.stringify(inactivated.body));
  // The end user comes back: Inactive → Waiting, and the channel's flow routes it to the bot again.
  const back = await postInteraction(server, { json: textMessage({ to: user.channel, from: user.from, text: 'still there?' }) });
  assert.deepEqual(back.body.workItemIds, [user.session]);
  const waiting = await waitForEvent(server, user.conversation, 'SessionStatusChanged', (e) => entryOf(e).sessionStatusPrev === 'Inactive');
  assert.equal(entryOf(waiting).sessionStatus, 'Waiting');
  const again = entryOf(await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Assigned', (w) => w.workId !== first.workId)));
  assert.equal(again.botId, DEMO_BOT);
  // The bot hears the end user's typing with its own entry type.
  assert.equal((await patch(again.workId, 'Accept')).status, 202);
  const typing = await postInteraction(server, { json: {
    to: user.channel, from: user.from,
    interactions: [{ timestamp: Date.now(), interactionType: 'EntryInteraction', payload: { id: randomUUID(), entryType: 'TypingStartedIndicator', timestamp: Date.now() } }],
  } });
  assert.equal(typing.status, 202, JSON.stringify(typing.body));
  const heard = await waitForEvent(server, user.conversation, 'TypingStartedIndicator', (e) => e.topic === '/event/Partner1_Bot_Event__e');
  assert.equal(heard.payload.payload.entryType, 'TypingStartedIndicator');
  assert.equal(entryOf(heard).entryType, 'TypingStartedIndicator');
});
