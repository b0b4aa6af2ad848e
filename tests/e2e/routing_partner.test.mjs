// Partner-owned routing (BYOC for CCaaS, api-notes §7.4): POST/DELETE /route, POST/PATCH
// /agentWork, POST /routingResult, POST /participant, and the rep's transfers and conferences
// that the partner answers within the routing window. Every code these endpoints name.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, mintToken, recordCode } from './lib/server.mjs';
import { armFault, postJson } from './lib/api.mjs';
import { assertApiError } from './lib/catalogue.mjs';
import {
  ALICE, BOB, CAROL, SUPPORT_QUEUE, BILLING_QUEUE, SUPPORT_FLOW, ALICE_FLOW, CCAAS, call, admin,
  setPresence, conversation, newConversation, eventsOf, waitForEvent, entryOf, workEvent,
  assertCode,
} from './lib/routing.mjs';

let server;
beforeEach(async () => { server = await startServer(); });
afterEach(async () => { await server.stop(); });

const CCAAS_CHANNEL = 'demo-ccaas-channel';
const ccaasConversation = () => newConversation(server, { channel: CCAAS_CHANNEL, headers: CCAAS });
const route = (body, headers = CCAAS) => call(server, 'POST', '/api/v1/route', body, headers);
const cancelRoute = (body, headers = CCAAS) => call(server, 'DELETE', '/api/v1/route', body, headers);
const agentWork = (body, headers = CCAAS) => call(server, 'POST', '/api/v1/agentWork', body, headers);
// PATCH /agentWork is the one endpoint whose contract requires AuthorizationContextType.
const CCAAS_TYPED = { ...CCAAS, AuthorizationContextType: 'ConversationChannelDefinition' };
const patchWork = (body, headers = CCAAS_TYPED) => call(server, 'PATCH', '/api/v1/agentWork', body, headers);
const routingResult = (body, headers = CCAAS) => call(server, 'POST', '/api/v1/routingResult', body, headers);
const participant = (body, headers = CCAAS) => call(server, 'POST', '/api/v1/participant', body, headers);

// The reps in the conversation now (the admin view keeps those who left, with leftTime).
function presentReps(state) {
  return state.participants.filter((p) => p.participant.role === 'Agent' && p.leftTime === null)
    .map((p) => p.participant.subject).sort();
}

function routingContext(user) {
  return { conversationIdentifier: user.conversation, routingType: 'Initial', routingCorrelationId: randomUUID() };
}

// A CCaaS conversation whose rep (Alice, online) has accepted work created by the partner.
async function conversationWithAlice() {
  await setPresence(server, ALICE, 'Online');
  const user = await ccaasConversation();
  const created = await agentWork({ userId: ALICE, workItemId: user.session, capacityWeight: 1, routingContext: routingContext(user) });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  const accepted = await admin(server, 'POST', `/admin/v1/reps/${ALICE}/work/${created.body.agentWorkId}/accept`);
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  return { ...user, workId: created.body.agentWorkId };
}

test('initial partner routing: no routing until the partner asks; /route to a queue assigns an online rep', async () => {
  await setPresence(server, ALICE, 'Online');
  const user = await ccaasConversation();
  assert.deepEqual((await conversation(server, user.conversation)).pendingServiceRoutings, []);
  const response = await route({ conversationIdentifier: user.conversation, routingType: 'Initial', routingInfo: { queueId: SUPPORT_QUEUE } });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  assert.equal(response.body.success, true);
  assert.match(response.body.psrId, /^0JR/);
  assert.equal(response.body.workItemId, user.session);
  assert.match(response.body.routingCorrelationId, /^[0-9a-f-]{36}$/);
  assert.equal(response.body.errors, null);
  const assigned = entryOf(await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Assigned')));
  assert.equal(assigned.agentSessionId, ALICE);
  // The partner's own agentWork for the PSR needs only userId and workItemId; Carol is offline.
  const offline = await agentWork({ userId: CAROL, workItemId: user.session });
  assertCode(offline, 15112);
  await setPresence(server, CAROL, 'Online');
  const second = await agentWork({ userId: CAROL, workItemId: user.session });
  assert.equal(second.status, 202, JSON.stringify(second.body));
  assert.equal(second.body.agentWorkDetails.existPsr, true);
  assert.equal(second.body.agentWorkDetails.psrId, response.body.psrId);
  assert.equal(second.body.id, second.body.agentWorkId);
  // 15109: the same user and work item again.
  assertCode(await agentWork({ userId: CAROL, workItemId: user.session }), 15109);
  // The partner cancels the work it assigned to Carol (still Assigned) — allowed once.
  const cancel = await patchWork({ workId: second.body.agentWorkId, contextType: 'Agent', status: 'Cancel' });
  assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
  assert.deepEqual(cancel.body, { success: true });
  assertCode(await patchWork({ workId: second.body.agentWorkId, contextType: 'Agent', status: 'Cancel' }), 10085);
  // A rep accepts in the console, not through the partner's PATCH (10085).
  assertCode(await patchWork({ workId: assigned.workId, contextType: 'Agent', status: 'Accept' }), 10085);
  // Alice accepts her work: the PSR is gone, she is in, the session is Active.
  const accept = await admin(server, 'POST', `/admin/v1/reps/${ALICE}/work/${assigned.workId}/accept`);
  assert.equal(accept.status, 202, JSON.stringify(accept.body));
  const state = await conversation(server, user.conversation);
  assert.deepEqual(state.pendingServiceRoutings, []);
  assert.deepEqual(presentReps(state), [ALICE]);
  // Close from the partner side: the work closes and Alice leaves.
  const close = await patchWork({ workId: assigned.workId, contextType: 'Agent', status: 'Close' });
  assert.equal(close.status, 202);
  await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Closed'));
  const left = await waitForEvent(server, user.conversation, 'ParticipantChanged', (e) => entryOf(e).entries[0].operation === 'remove');
  assert.equal(entryOf(left).entries[0].participant.subject, ALICE);
  // Closing again changes nothing.
  assert.equal((await patchWork({ workId: assigned.workId, contextType: 'Agent', status: 'Close' })).status, 202);
});

test('/route modes: channel default, flow with fallback queue, flow to a rep; DELETE /route cancels', async () => {
  const user = await ccaasConversation();
  const byDefault = await route({ conversationIdentifier: user.conversation, routingType: 'Initial' });
  assert.equal(byDefault.status, 202, JSON.stringify(byDefault.body));
  assert.equal((await conversation(server, user.conversation)).pendingServiceRoutings[0].queueId, SUPPORT_QUEUE);
  const byFlow = await route({ conversationIdentifier: user.conversation, routingType: 'Initial', routingInfo: { flow: { flowId: SUPPORT_FLOW, queueId: BILLING_QUEUE } } });
  assert.equal(byFlow.status, 202, JSON.stringify(byFlow.body));
  const psrs = (await conversation(server, user.conversation)).pendingServiceRoutings;
  assert.equal(psrs.length, 1, 'a new routing replaces the open PSR');
  assert.equal(psrs[0].flowId, SUPPORT_FLOW);
  assert.equal(psrs[0].queueId, SUPPORT_QUEUE);
  await setPresence(server, ALICE, 'Online');
  const toAlice = await route({ conversationIdentifier: user.conversation, routingType: 'Initial', routingInfo: { flow: { flowId: ALICE_FLOW, queueId: BILLING_QUEUE } } });
  assert.equal(toAlice.status, 202);
  const work = entryOf(await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Assigned')));
  assert.equal(work.agentSessionId, ALICE);
  // DELETE /route: the PSR goes, its unaccepted work is cancelled, RoutingResult reports it.
  const deleted = await cancelRoute({ conversationIdentifier: user.conversation, cancelReason: 'UNAVAILABLE' });
  assert.equal(deleted.status, 202, JSON.stringify(deleted.body));
  assert.deepEqual(deleted.body, { success: true });
  await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Cancelled'));
  const result = entryOf(await waitForEvent(server, user.conversation, 'RoutingResult'));
  assert.equal(result.failureType, 'Cancelled');
  assert.equal(result.cancelReason, 'Unavailable');
  assert.deepEqual((await conversation(server, user.conversation)).pendingServiceRoutings, []);
  // Malformed DELETE bodies.
  assertApiError(await cancelRoute(''), 10100);
  assertApiError(await cancelRoute('[1]'), 10100);
  assertApiError(await cancelRoute({ conversationIdentifier: 'x' }), 10018);
  assertApiError(await cancelRoute({ conversationIdentifier: user.conversation, cancelReason: 'Bored' }), 10089);
  assertApiError(await cancelRoute({ conversationIdentifier: user.conversation, cancelReason: 7 }), 10089);
  assertApiError(await cancelRoute({ conversationIdentifier: randomUUID() }), 10025);
  assertApiError(await cancelRoute({ conversationIdentifier: user.conversation }, { AuthorizationContext: 'Partner1_ChannelDefinition1' }), 15102);
  // Without a PSR, DELETE is idempotent.
  assert.equal((await cancelRoute({ conversationIdentifier: user.conversation })).status, 202);
});

test('POST /route: every code', async () => {
  const user = await ccaasConversation();
  const base = { conversationIdentifier: user.conversation, routingType: 'Initial' };
  const cases = [
    [{ ...base, conversationIdentifier: undefined }, 10018],
    [{ ...base, conversationIdentifier: 'not-a-uuid' }, 10018],
    [{ ...base, conversationIdentifier: randomUUID() }, 10025],
    [{ ...base, routingType: 'Sideways' }, 10089],
    [{ ...base, routingType: undefined }, 10089],
    [{ ...base, routingInfo: 'queue' }, 10089],
    [{ ...base, routingInfo: { flow: { flowId: SUPPORT_FLOW } } }, 10024],
    [{ ...base, routingInfo: { flow: { queueId: SUPPORT_QUEUE } } }, 10024],
    [{ ...base, routingInfo: { flow: { flowId: '3008c00000XXXXX', queueId: SUPPORT_QUEUE } } }, 10024],
    [{ ...base, routingInfo: {} }, 10030],
    [{ ...base, routingInfo: { routingAttributes: { Topic: 'x' } } }, 10030],
    [{ ...base, routingInfo: { queueId: '00G8c00000XXXXX' } }, 10032],
    [{ ...base, routingInfo: { queueId: 42 } }, 10032],
    [{ ...base, routingInfo: { queueId: SUPPORT_QUEUE, routingAttributes: { CustomerTier: 'x'.repeat(11) } } }, 10096],
    [{ ...base, routingInfo: { queueId: SUPPORT_QUEUE, routingAttributes: { CustomerTier: ['x'] } } }, 10089],
  ];
  for (const [body, code] of cases) assertApiError(await route(body), code, { context: JSON.stringify(body) });
  // Malformed bodies.
  assertApiError(await route(''), 10100);
  assertApiError(await route('{"conversationIdentifier":'), 10100);
  assertApiError(await route('[]'), 10100);
  // A conversation of another channel definition is not found for this one.
  const messaging = await newConversation(server);
  assertApiError(await route({ ...base, conversationIdentifier: messaging.conversation }), 10025);
  // 15102: a BYOC-for-Messaging definition cannot use the CCaaS routing API.
  assertApiError(await route(base, { AuthorizationContext: 'Partner1_ChannelDefinition1' }), 15102);
  // 15103: the end user opted out.
  const consent = await call(server, 'PATCH', '/api/v1/consent', { endUserClientId: user.from, channelAddressIdentifier: CCAAS_CHANNEL, consentStatus: 'OptedOut' }, CCAAS);
  assert.equal(consent.status, 200, JSON.stringify(consent.body));
  assertApiError(await route(base), 15103);
  // 15104: the channel is not linked to a contact center.
  const unlinked = await newConversation(server, { channel: 'trap-no-contact-center-channel', headers: CCAAS });
  assertApiError(await route({ ...base, conversationIdentifier: unlinked.conversation }), 15104);
  // Headers.
  assertApiError(await route(base, { Authorization: undefined }), 10016);
  assertApiError(await route(base, { AuthorizationContextType: 'Bogus' }), 10093);
});

test('an org that is not upgraded: 10075 (conference), 10076 (cancel reason), 10077 (conference action)', async () => {
  const token = mintToken(server.dataDir, ['--org', '00D8c000000TRAP']);
  const trap = { Authorization: `Bearer ${token}`, OrgId: '00D8c000000TRAP', AuthorizationContext: 'Trap_CCaaSDefinition' };
  const user = await newConversation(server, { channel: 'trap-org-ccaas-channel', headers: trap });
  assertApiError(await route({ conversationIdentifier: user.conversation, routingType: 'Conference', routingInfo: { queueId: '00G8c00000DQ001' } }, trap), 10075);
  assertApiError(await cancelRoute({ conversationIdentifier: user.conversation, cancelReason: 'Cancel' }, trap), 10076);
  assert.equal((await cancelRoute({ conversationIdentifier: user.conversation }, trap)).status, 202);
  assertApiError(await agentWork({ userId: '0058c00000TINT1', workItemId: user.session, capacityWeight: 1, routingContext: routingContext(user), agentActionVisibilities: [{ agentAction: 'Conference', visible: true }] }, trap), 10077);
});

test('POST /agentWork: every code, capacity rules, and the fault-only lookups', async () => {
  const user = await ccaasConversation();
  const base = { userId: ALICE, workItemId: user.session, capacityWeight: 1, routingContext: routingContext(user) };
  assertCode(await agentWork({ ...base, userId: undefined }), 15106);
  assertCode(await agentWork({ ...base, userId: '005000000000000' }), 15106);
  assertCode(await agentWork({ ...base, userId: BOB }), 15105);
  assertCode(await agentWork(base), 15112); // Alice is offline
  await setPresence(server, ALICE, 'Online');
  assertCode(await agentWork({ ...base, workItemId: undefined }), 10012);
  assertCode(await agentWork({ ...base, workItemId: '' }), 10012);
  assertCode(await agentWork({ ...base, workItemId: 'short' }), 15110, { workItemId: 'short' });
  assertCode(await agentWork({ ...base, workItemId: '0Mw8c0000000ZZZ' }), 15111, { workItemId: '0Mw8c0000000ZZZ' });
  assertCode(await agentWork({ ...base, capacityPercentage: 50 }), 10013);
  assertCode(await agentWork({ ...base, capacityWeight: -1 }), 10014);
  assertCode(await agentWork({ ...base, capacityWeight: undefined, capacityPercentage: 101 }), 10015);
  assertCode(await agentWork({ ...base, capacityWeight: undefined, capacityPercentage: -0.5 }), 10015);
  assertCode(await agentWork({ ...base, capacityWeight: undefined }), 10013);
  assertCode(await agentWork({ ...base, capacityWeight: '1' }), 10089);
  assertCode(await agentWork({ ...base, routingContext: undefined }), 10089);
  const other = randomUUID();
  assertCode(await agentWork({ ...base, routingContext: { ...base.routingContext, conversationIdentifier: other } }), 15107, { workItemId: user.session, conversationId: other });
  assertCode(await agentWork({ ...base, agentActionVisibilities: [{ agentAction: 'Hold', visible: true }] }), 10089);
  assertCode(await agentWork(''), 10100);
  assertCode(await agentWork('nope'), 10100);
  for (const [point, code] of [['agentwork-end-user', 25005], ['agentwork-conversation', 25006], ['agentwork-conversation-id', 25007]]) {
    await armFault(server, point);
    assertCode(await agentWork(base), code, { workItemId: user.session });
  }
  // 15108: a channel without a service channel.
  const noService = await newConversation(server, { channel: 'trap-no-service-channel', headers: CCAAS });
  assertCode(await agentWork({ ...base, workItemId: noService.session, routingContext: routingContext(noService) }), 15108);
  // The happy path with capacity and visibilities; then 15109.
  const created = await agentWork({ ...base, capacityWeight: undefined, capacityPercentage: 40, agentActionVisibilities: [{ agentAction: 'Transfer', visible: false }, { agentAction: 'Conference', visible: true }] });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  assert.equal(created.body.agentWorkDetails.existPsr, false);
  assert.equal(created.body.agentWorkDetails.capacityPercentage, 40);
  assert.equal(created.body.agentWorkDetails.capacityWeight, undefined);
  assert.equal(created.body.agentWorkDetails.routingContext.conversationIdentifier, user.conversation);
  assert.equal(created.body.agentWorkDetails.psrId, null);
  assert.equal(created.body.agentWorkDetails.routingContext.routingCorrelationId, base.routingContext.routingCorrelationId);
  assertCode(await agentWork(base), 15109);
  const session = await waitForEvent(server, user.conversation, 'SessionStatusChanged');
  assert.equal(entryOf(session).sessionStatus, 'Waiting');
  // 15102 for a Messaging definition.
  assertCode(await agentWork(base, { AuthorizationContext: 'Partner1_ChannelDefinition1' }), 15102);
});

test('PATCH /agentWork: every code and the state machine', async () => {
  const user = await conversationWithAlice();
  const base = { workId: user.workId, contextType: 'Agent', status: 'Close' };
  assertCode(await patchWork({ ...base, workId: undefined }), 10082);
  assertCode(await patchWork({ ...base, workId: 'bogus' }), 10082);
  assertCode(await patchWork({ ...base, workId: '0Bz8c0000000ZZZ' }), 10082);
  assertCode(await patchWork({ ...base, contextType: 'Robot' }), 10083);
  assertCode(await patchWork({ ...base, contextType: undefined }), 10083);
  assertCode(await patchWork({ ...base, status: 'Pause' }), 10085);
  assertCode(await patchWork({ ...base, status: 'accept' }), 10085);
  // Cancel only while Assigned; Accept/Decline only while Assigned.
  assertCode(await patchWork({ ...base, status: 'Cancel' }), 10085);
  assertCode(await patchWork({ ...base, status: 'Decline' }), 10085);
  assertCode(await patchWork({ ...base, status: 'Accept' }), 10085);
  // Chatbot context: needs the bot's own AuthorizationContext (10093), a botId (10084).
  assertCode(await patchWork({ ...base, contextType: 'Chatbot', botId: '1JZ8c00000DBOT1', workItemId: user.session }), 10093);
  const bot = { AuthorizationContext: 'Partner1_BotDefinition', AuthorizationContextType: 'ExternalConversationParticipant' };
  assertCode(await patchWork({ ...base, contextType: 'Chatbot', workItemId: user.session }, bot), 10084);
  assertCode(await patchWork({ ...base, contextType: 'Chatbot', botId: 'x', workItemId: user.session }, bot), 10084);
  assertCode(await patchWork({ ...base, contextType: 'Chatbot', botId: '1JZ8c00000XXXXX', workItemId: user.session }, bot), 10086);
  assertCode(await patchWork({ ...base, contextType: 'Chatbot', botId: '1JZ8c00000DBOT3', workItemId: user.session }, bot), 10087);
  assertCode(await patchWork({ ...base, contextType: 'Chatbot', botId: '1JZ8c00000DBOT2', workItemId: user.session }, bot), 10088);
  // The bot context on Agent work; the Agent's work seen as a Chatbot's.
  assertCode(await patchWork(base, bot), 10093);
  assertCode(await patchWork({ ...base, contextType: 'Chatbot', botId: '1JZ8c00000DBOT1', workItemId: user.session }, bot), 10083);
  assertCode(await patchWork('{'), 10100);
  assertCode(await patchWork(base, CCAAS), 10016);  // AuthorizationContextType missing
  assertCode(await patchWork(base, { ...CCAAS_TYPED, AuthorizationContext: 'Partner1_ChannelDefinition1' }), 15102);
  assert.equal((await patchWork(base)).status, 202);
});

test('POST /routingResult and POST /participant: codes and effects', async () => {
  const user = await conversationWithAlice();
  const base = { workItemId: user.session, conversationIdentifier: user.conversation, success: true, externallyRouted: false };
  assertCode(await routingResult({ ...base, errorMessage: 'oops' }), 10033);
  assertCode(await routingResult({ ...base, success: false }), 10034);
  assertCode(await routingResult({ ...base, success: false, errorMessage: '' }), 10034);
  assertCode(await routingResult({ ...base, workItemId: undefined }), 10012);
  assertCode(await routingResult({ ...base, workItemId: 'abc' }), 15110, { workItemId: 'abc' });
  assertCode(await routingResult({ ...base, workItemId: '0Mw8c0000000ZZZ' }), 15111, { workItemId: '0Mw8c0000000ZZZ' });
  assertCode(await routingResult({ ...base, conversationIdentifier: 'x'.repeat(241) }), 10018);
  assertCode(await routingResult({ ...base, success: 'yes' }), 10089);
  assertCode(await routingResult({ ...base, externallyRouted: undefined }), 10089);
  assertCode(await routingResult({ ...base, routingType: 'Sideways' }), 10089);
  assertCode(await routingResult({ ...base, conversationIdentifier: randomUUID() }), 10018);
  assertCode(await routingResult(''), 10100);
  const ok = await routingResult({ ...base, routingType: 'Initial' });
  assert.equal(ok.status, 202, JSON.stringify(ok.body));
  const result = entryOf(await waitForEvent(server, user.conversation, 'RoutingResult'));
  assert.equal(result.failureType, 'None');
  assert.equal(result.recordId, user.session);

  const remove = (participants, operation = 'Remove') => participant({ conversationIdentifier: user.conversation, operation, participants });
  assertCode(await remove([{ appType: 'agent', subject: ALICE, role: 'Agent' }], 'Add'), 10097);
  assertCode(await remove([{ appType: 'agent', subject: ALICE, role: 'Agent' }], null), 10097);
  assertCode(await remove([]), 10089);
  assertCode(await remove([{ subject: ALICE, role: 'Agent' }, { subject: CAROL, role: 'Agent' }]), 10089);
  assertCode(await remove([{ appType: 'agent', subject: CAROL, role: 'Agent' }]), 10036);
  assertCode(await remove([{ appType: 'custom', subject: user.from, role: 'EndUser' }]), 10036);
  assertCode(await participant({ conversationIdentifier: 'nope', operation: 'Remove', participants: [] }), 10018);
  assertCode(await participant(''), 10100);
  assertCode(await participant('{"operation":'), 10100);
  assertCode(await participant({ conversationIdentifier: user.conversation, operation: 'Remove', participants: 'alice' }), 10089);
  assertCode(await participant({ conversationIdentifier: user.conversation, operation: 'Remove', participants: [{ subject: 42, role: 'Agent' }] }), 10089);
  const removed = await remove([{ appType: 'agent', subject: ALICE, role: 'Agent' }]);
  assert.equal(removed.status, 200, JSON.stringify(removed.body));
  assert.deepEqual(removed.body, { success: true });
  await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Closed', (w) => w.workId === user.workId));
  const state = await conversation(server, user.conversation);
  assert.equal(state.agentWork.find((w) => w.workId === user.workId).status, 'Closed');
  assertCode(await remove([{ appType: 'agent', subject: ALICE, role: 'Agent' }]), 10036);
});

test('rep transfers under partner routing: RoutingRequested, answered by /route, /agentWork + /routingResult, externally, or timing out', async () => {
  const user = await conversationWithAlice();
  await setPresence(server, CAROL, 'Online');
  // Transfer to a queue: the partner answers with /route (Transfer).
  const toQueue = await admin(server, 'POST', `/admin/v1/reps/${ALICE}/conversations/${user.conversation}/transfer`, { queueId: SUPPORT_QUEUE });
  assert.equal(toQueue.status, 202, JSON.stringify(toQueue.body));
  const requested = await waitForEvent(server, user.conversation, 'RoutingRequested');
  assert.equal(requested.eventType, 'RoutingRequested');
  assert.equal(requested.fields.EventType__c, 'RoutingRequested');
  const payload = requested.payload;
  assert.equal(payload.channelAddressIdentifier, CCAAS_CHANNEL);
  assert.deepEqual(payload.recipient, { appType: 'custom', subject: user.from, role: 'EndUser' });
  assert.equal(payload.payload.conversationIdentifier, user.conversation);
  assert.equal(payload.payload.routingType, 'Transfer');
  assert.equal(payload.payload.routingParameters.queueId, SUPPORT_QUEUE);
  assert.equal(payload.payload.routingParameters.isTransfer, true);
  const channelData = JSON.parse(payload.payload.routingParameters.channelData);
  assert.equal(channelData.eventId, toQueue.body.routingCorrelationId);
  assert.equal(channelData.conversationId, user.conversation);
  assert.equal(channelData.routingType, 'Transfer');
  const answered = await route({ conversationIdentifier: user.conversation, routingType: 'Transfer', routingInfo: { queueId: SUPPORT_QUEUE } });
  assert.equal(answered.status, 202);
  assert.equal(answered.body.routingCorrelationId, channelData.eventId);
  // The router offers it to Carol (Alice already has this session); Carol accepts: Alice's work is Transferred, she leaves.
  const carolWork = entryOf(await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Assigned', (w) => w.agentSessionId === CAROL)));
  assert.equal(carolWork.routingType, 'Transfer');
  await admin(server, 'POST', `/admin/v1/reps/${CAROL}/work/${carolWork.workId}/accept`);
  await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Transferred', (w) => w.workId === user.workId));
  let state = await conversation(server, user.conversation);
  assert.deepEqual(presentReps(state), [CAROL]);

  // Transfer to a rep: the partner answers with /agentWork (correlated) and /routingResult.
  const toRep = await admin(server, 'POST', `/admin/v1/reps/${CAROL}/conversations/${user.conversation}/transfer`, { userId: ALICE });
  const toRepData = JSON.parse((await waitForEvent(server, user.conversation, 'RoutingRequested', (e) => e.payload.payload.routingParameters.userId === ALICE)).payload.payload.routingParameters.channelData);
  assert.equal(toRepData.eventId, toRep.body.routingCorrelationId);
  const work = await agentWork({ userId: ALICE, workItemId: user.session, capacityWeight: 1, routingContext: { conversationIdentifier: user.conversation, routingType: 'Transfer', routingCorrelationId: toRepData.eventId } });
  assert.equal(work.status, 202, JSON.stringify(work.body));
  // The partner's routingResult names no routing type: the request it completes does.
  assert.equal((await routingResult({ workItemId: user.session, conversationIdentifier: user.conversation, success: true, externallyRouted: false })).status, 202);
  const completed = entryOf(await waitForEvent(server, user.conversation, 'RoutingResult'));
  assert.equal(completed.routingType, 'Transfer');
  assert.equal(completed.workOwnerId, CAROL);
  assert.equal(completed.failureType, 'None');
  await admin(server, 'POST', `/admin/v1/reps/${ALICE}/work/${work.body.agentWorkId}/accept`);
  state = await conversation(server, user.conversation);
  assert.deepEqual(presentReps(state), [ALICE]);

  // Transfer to a flow: the partner answers with /route (Transfer, flow with its fallback queue);
  // the flow resolves to the Support queue. The partner then withdraws it (DELETE /route).
  await admin(server, 'POST', `/admin/v1/reps/${ALICE}/conversations/${user.conversation}/transfer`, { flowId: SUPPORT_FLOW });
  const toFlow = await waitForEvent(server, user.conversation, 'RoutingRequested', (e) => e.payload.payload.routingParameters.flowId === SUPPORT_FLOW);
  const flowAnswer = await route({ conversationIdentifier: user.conversation, routingType: 'Transfer', routingInfo: { flow: { flowId: SUPPORT_FLOW, queueId: BILLING_QUEUE } } });
  assert.equal(flowAnswer.status, 202, JSON.stringify(flowAnswer.body));
  assert.equal(flowAnswer.body.routingCorrelationId, JSON.parse(toFlow.payload.payload.routingParameters.channelData).eventId);
  const flowPsr = (await conversation(server, user.conversation)).pendingServiceRoutings;
  assert.deepEqual(flowPsr.map((p) => [p.routingType, p.flowId, p.queueId]), [['Transfer', SUPPORT_FLOW, SUPPORT_QUEUE]]);
  assert.equal((await cancelRoute({ conversationIdentifier: user.conversation, cancelReason: 'Cancel' })).status, 202);

  // Transfer to an external contact: routingResult(externallyRouted) ends Alice's part.
  await admin(server, 'POST', `/admin/v1/reps/${ALICE}/conversations/${user.conversation}/transfer`, { externalContactId: 'ext-42' });
  await waitForEvent(server, user.conversation, 'RoutingRequested', (e) => e.payload.payload.routingParameters.externalContactId === 'ext-42');
  assert.equal((await routingResult({ workItemId: user.session, conversationIdentifier: user.conversation, success: true, externallyRouted: true })).status, 202);
  await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Transferred', (w) => w.workId === work.body.agentWorkId));
  state = await conversation(server, user.conversation);
  assert.deepEqual(presentReps(state), []);
});

test('a transfer the partner does not answer within the routing window fails (admin clock)', async () => {
  const user = await conversationWithAlice();
  const asked = await admin(server, 'POST', `/admin/v1/reps/${ALICE}/conversations/${user.conversation}/transfer`, { flowId: SUPPORT_FLOW });
  assert.equal(asked.status, 202);
  await waitForEvent(server, user.conversation, 'RoutingRequested');
  // 59 s: nothing yet. Past 60 s: the next routing pass fails it.
  await postJson(server, '/admin/v1/clock', { advanceMs: 59_000 });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal((await eventsOf(server, user.conversation, 'RoutingResult')).length, 0);
  await postJson(server, '/admin/v1/clock', { advanceMs: 2_000 });
  const failed = entryOf(await waitForEvent(server, user.conversation, 'RoutingResult'));
  assert.equal(failed.failureType, 'RoutingError');
  assert.equal(failed.routingType, 'Transfer');
  assert.equal(failed.workOwnerId, ALICE);
  // The rep is still in the conversation and may retry; a failed routingResult reports too.
  const retry = await admin(server, 'POST', `/admin/v1/reps/${ALICE}/conversations/${user.conversation}/transfer`, { queueId: SUPPORT_QUEUE });
  assert.equal(retry.status, 202);
  assert.equal((await routingResult({ workItemId: user.session, conversationIdentifier: user.conversation, success: false, externallyRouted: false, errorMessage: 'no agents' })).status, 202);
  const reported = await waitForEvent(server, user.conversation, 'RoutingResult', (e) => entryOf(e).failureReason === 'no agents');
  assert.deepEqual(entryOf(reported).errorMessages, ['no agents']);
});

test('conference: the second rep joins and the first stays; rep API transfer codes', async () => {
  const user = await conversationWithAlice();
  await setPresence(server, CAROL, 'Online');
  const conference = await route({ conversationIdentifier: user.conversation, routingType: 'Conference', routingInfo: { queueId: SUPPORT_QUEUE } });
  assert.equal(conference.status, 202, JSON.stringify(conference.body));
  const carolWork = entryOf(await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Assigned', (w) => w.agentSessionId === CAROL)));
  assert.equal(carolWork.routingType, 'Conference');
  await admin(server, 'POST', `/admin/v1/reps/${CAROL}/work/${carolWork.workId}/accept`);
  const state = await conversation(server, user.conversation);
  assert.deepEqual(presentReps(state), [ALICE, CAROL]);
  // Rep API transfer rules.
  const transfer = (rep, body) => admin(server, 'POST', `/admin/v1/reps/${rep}/conversations/${user.conversation}/transfer`, body);
  assert.equal((await transfer(ALICE, {})).body.code, 10089);
  assert.equal((await transfer(ALICE, { queueId: SUPPORT_QUEUE, userId: CAROL })).body.code, 10089);
  assert.equal((await transfer(ALICE, { queueId: SUPPORT_QUEUE, conference: 'yes' })).body.code, 10089);
  assert.equal((await transfer(BOB, { queueId: SUPPORT_QUEUE })).body.code, 15105);
  const outsider = await ccaasConversation();
  assert.equal((await admin(server, 'POST', `/admin/v1/reps/${ALICE}/conversations/${outsider.conversation}/transfer`, { queueId: SUPPORT_QUEUE })).body.code, 10036);
  const conferenceRequest = await transfer(ALICE, { userId: CAROL, conference: true });
  assert.equal(conferenceRequest.status, 202);
  const asked = await waitForEvent(server, user.conversation, 'RoutingRequested', (e) => e.payload.payload.routingType === 'Conference');
  assert.equal(asked.payload.payload.routingParameters.isTransfer, false);
});

test('50 parallel agentWork and route calls on one conversation leave consistent state', async () => {
  await setPresence(server, ALICE, 'Online', 100);
  await setPresence(server, CAROL, 'Online', 100);
  const user = await ccaasConversation();
  const calls = [];
  for (let i = 0; i < 50; i += 1) {
    if (i % 2 === 0) {
      calls.push(agentWork({ userId: i % 4 === 0 ? ALICE : CAROL, workItemId: user.session, capacityWeight: 1, routingContext: routingContext(user) }));
    } else {
      calls.push(route({ conversationIdentifier: user.conversation, routingType: 'Initial', routingInfo: { queueId: SUPPORT_QUEUE } }));
    }
  }
  const responses = await Promise.all(calls);
  for (const response of responses) {
    assert.ok(response.status === 202 || [15109].includes(response.body.code), JSON.stringify(response.body));
    if (response.status !== 202) recordCode(response.body.code);
  }
  const state = await conversation(server, user.conversation);
  assert.ok(state.pendingServiceRoutings.length <= 1, 'at most one open PSR per session');
  // At most one active (Assigned or Opened) work per rep on the session.
  for (const rep of [ALICE, CAROL]) {
    const active = state.agentWork.filter((w) => w.userId === rep && ['Assigned', 'Opened'].includes(w.status));
    assert.ok(active.length <= 1, `${rep} has ${active.length} active works: ${JSON.stringify(active)}`);
  }
  // Every Assigned work event matches a stored work.
  const assignedEvents = (await eventsOf(server, user.conversation, 'RoutingWorkResult')).map(entryOf).filter((w) => w.workType === 'Assigned');
  const stored = new Set(state.agentWork.map((w) => w.workId));
  for (const work of assignedEvents) assert.ok(stored.has(work.workId));
});

test('a partner\'s Cancel sticks: the router does not offer the PSR back to the rep', async () => {
  await setPresence(server, ALICE, 'Online');
  const user = await ccaasConversation();
  assert.equal((await route({ conversationIdentifier: user.conversation, routingType: 'Initial', routingInfo: { queueId: SUPPORT_QUEUE } })).status, 202);
  const work = entryOf(await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Assigned')));
  assert.equal((await patchWork({ workId: work.workId, contextType: 'Agent', status: 'Cancel' })).status, 202);
  await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Cancelled'));
  // Presence changes and the routing passes they cause leave it cancelled.
  await setPresence(server, ALICE, 'Online', 4);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const assigned = (await eventsOf(server, user.conversation, 'RoutingWorkResult')).map(entryOf).filter((w) => w.workType === 'Assigned');
  assert.equal(assigned.length, 1, JSON.stringify(assigned));
  // Only Alice is excluded: another rep of the queue coming online is offered the PSR.
  await setPresence(server, CAROL, 'Online');
  const carol = entryOf(await waitForEvent(server, user.conversation, 'RoutingWorkResult', workEvent('Assigned', (w) => w.agentSessionId === CAROL)));
  assert.equal(carol.queueId, SUPPORT_QUEUE);
});

test('15111 with the work item in its message: a session of another channel definition', async () => {
  const messaging = await newConversation(server);
  await setPresence(server, ALICE, 'Online');
  assertCode(await agentWork({ userId: ALICE, workItemId: messaging.session, capacityWeight: 1, routingContext: { conversationIdentifier: messaging.conversation, routingType: 'Initial', routingCorrelationId: randomUUID() } }), 15111, { workItemId: messaging.session });
});
