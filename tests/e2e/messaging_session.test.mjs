// POST /api/v1/messagingSession: End and Inactivate, the session state machine, the events each
// change emits, and every code of docs/compatibility.md ("POST /api/v1/messagingSession").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from './lib/server.mjs';
import { apiHeaders, readResponse, postInteraction, textMessage, getJson } from './lib/api.mjs';
import { assertApiError } from './lib/catalogue.mjs';

const ALICE = '0058c00000DREP1';
let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

async function post(json, { headers = {}, raw } = {}) {
  const response = await fetch(`${server.baseUrl}/api/v1/messagingSession`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...apiHeaders(server.env, headers) },
    body: raw ?? JSON.stringify(json),
  });
  return readResponse(response);
}

async function conversation({ withRep = false } = {}) {
  const from = `ms-${randomUUID()}`;
  const inbound = await postInteraction(server, { json: textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from }) });
  assert.equal(inbound.status, 202);
  const id = inbound.body.conversationIdentifier;
  if (withRep) {
    const accepted = await fetch(`${server.baseUrl}/admin/v1/reps/${ALICE}/conversations/${id}/accept`, { method: 'POST' });
    assert.equal(accepted.status, 202);
  }
  return { from, id, session: inbound.body.workItemIds[0] };
}

function request(c, overrides = {}) {
  return { channelAddressIdentifier: server.env.CHANNEL_ADDRESS_IDENTIFIER, endUserClientId: c.from, conversationIdentifier: c.id, ...overrides };
}

async function events(c, type) {
  const found = await getJson(server, `/admin/v1/events?conversation=${c.id}${type ? `&type=${type}` : ''}`);
  return found.body.events.map((e) => e.payload.payload.entryPayload);
}

test('End by the end user: the rep leaves, the session ends, and the next message opens a new one', async () => {
  const c = await conversation({ withRep: true });
  const ended = await post(request(c, { operation: 'End', operationBy: 'EndUser' }));
  assert.equal(ended.status, 200);
  assert.deepEqual(ended.body, { success: true });
  // The demo channel routes (Salesforce-owned): the session waited (SessionStatusChanged New →
  // Waiting, QueuePosition) before the rep joined.
  const all = await events(c);
  assert.deepEqual(all.map((e) => e.entryType), ['SessionStatusChanged', 'QueuePosition', 'ParticipantChanged', 'SessionStatusChanged', 'ParticipantChanged', 'SessionStatusChanged']);
  const left = all[4];
  assert.equal(left.entries[0].operation, 'remove');
  assert.equal(left.entries[0].participant.subject, ALICE);
  const status = all[5];
  assert.equal(status.sessionStatus, 'Ended');
  assert.equal(status.sessionStatusPrev, 'Active');
  assert.equal(status.sessionEndedByRole, 'EndUser');
  assert.equal(status.sessionId, c.session);
  assertApiError(await post(request(c, { operation: 'End' })), 10071);  // already ended
  const next = await postInteraction(server, { json: textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from: c.from }) });
  assert.equal(next.body.conversationIdentifier, c.id);
  assert.notEqual(next.body.workItemIds[0], c.session);
});

test('Inactivate, then the end user comes back: the session is active again and says so', async () => {
  const c = await conversation({ withRep: true });
  const inactive = await post(request(c, { operation: 'Inactivate', operationBy: 'System', sessionId: c.session }));
  assert.equal(inactive.status, 200);
  const again = await post(request(c, { operation: 'Inactivate', sessionId: c.session }));
  assert.equal(again.status, 200, 'inactivating an Inactive session changes nothing');
  let statuses = await events(c, 'SessionStatusChanged');
  assert.deepEqual(statuses.map((e) => [e.sessionStatusPrev, e.sessionStatus]), [['New', 'Waiting'], ['Waiting', 'Active'], ['Active', 'Inactive']]);
  const detail = await getJson(server, `/admin/v1/conversations/${c.id}`);
  assert.equal(detail.body.messagingSessions[0].status, 'Inactive');

  const back = await postInteraction(server, { json: textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from: c.from }) });
  assert.deepEqual(back.body.workItemIds, [c.session], 'the same session is reactivated');
  statuses = await events(c, 'SessionStatusChanged');
  assert.deepEqual(statuses.at(-1).sessionStatusPrev, 'Inactive');
  assert.deepEqual(statuses.at(-1).sessionStatus, 'Active');
  const after = await getJson(server, `/admin/v1/conversations/${c.id}`);
  assert.equal(after.body.messagingSessions[0].status, 'Active');
});

test('an Inactive session without a rep comes back as Waiting', async () => {
  const c = await conversation();
  assert.equal((await post(request(c, { operation: 'Inactivate', sessionId: c.session }))).status, 200);
  await postInteraction(server, { json: textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from: c.from }) });
  const statuses = await events(c, 'SessionStatusChanged');
  assert.deepEqual(statuses.map((e) => e.sessionStatus), ['Waiting', 'Inactive', 'Waiting']);
});

test('every rule with its code', async () => {
  const c = await conversation();
  const cases = [
    [{ operation: 'End', channelAddressIdentifier: undefined }, 10017],
    [{ operation: 'End', channelAddressIdentifier: 'no-such-channel' }, 10017],
    [{ operation: 'End', channelAddressIdentifier: 'trap-inactive-channel' }, 10031],
    [{ operation: 'End', endUserClientId: undefined }, 10020],
    [{ operation: 'End', endUserClientId: '' }, 10020],
    [{ operation: 'End', conversationIdentifier: undefined }, 10018],
    [{ operation: 'End', conversationIdentifier: randomUUID() }, 10018],
    [{ operation: 'Close' }, 10102],
    [{}, 10102],
    [{ operation: 'End', operationBy: 'Agent' }, 10103],
    [{ operation: 'Inactivate' }, 10106],
    [{ operation: 'Inactivate', sessionId: '0Mw8c0000009999' }, 10071],
    [{ operation: 'End', endUserClientId: 'someone-else' }, 10105],
    [{ operation: 'End', channelAddressIdentifier: 'demo-messaging-channel', conversationIdentifier: (await conversationOnOtherChannel()).id }, 10104],
  ];
  for (const [overrides, code] of cases) {
    const body = request(c, overrides);
    for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete body[key];
    assertApiError(await post(body), code, { context: JSON.stringify(overrides) });
  }
  assertApiError(await post(null, { raw: '' }), 10100);
  assertApiError(await post(null, { raw: 'nope' }), 10100);
  assertApiError(await post(request(c, { operation: 'End' }), { headers: { 'Content-Type': 'text/plain' } }), 10016);
  assertApiError(await post(request(c, { operation: 'End' }), { headers: { RequestId: undefined } }), 10016);
  // Nothing of these changed the session (Waiting for a rep since its first message).
  const detail = await getJson(server, `/admin/v1/conversations/${c.id}`);
  assert.equal(detail.body.messagingSessions[0].status, 'Waiting');
});

// A conversation of the same end user on the CCaaS channel (another definition): reachable with the
// CCaaS context only, so the Messaging context has no access to it.
async function conversationOnOtherChannel() {
  const from = `ms-other-${randomUUID()}`;
  const response = await postInteraction(server, {
    json: textMessage({ to: 'demo-ccaas-channel', from }),
    headers: { AuthorizationContext: 'Partner1_CCaaSDefinition' },
  });
  assert.equal(response.status, 202);
  return { id: response.body.conversationIdentifier };
}
