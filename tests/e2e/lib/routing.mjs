// Helpers for the routing tests: partner API calls with any method, reps, events.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { apiHeaders, readResponse, postInteraction, textMessage, getJson } from './api.mjs';
import { haveCatalogue, messageFor, statusForCode } from './catalogue.mjs';

export const ALICE = '0058c00000DREP1';
export const BOB = '0058c00000DREP2'; // no Partner Messaging
export const CAROL = '0058c00000DREP3';
export const SUPPORT_QUEUE = '00G8c00000DQ001';
export const BILLING_QUEUE = '00G8c00000DQ002';
export const SUPPORT_FLOW = '3008c00000DFL01';
export const BOT_FLOW = '3008c00000DFL02';
export const ALICE_FLOW = '3008c00000DFL03';
export const DEMO_BOT = '1JZ8c00000DBOT1';
export const CCAAS = { AuthorizationContext: 'Partner1_CCaaSDefinition' };
export const BOT_CONTEXT = {
  AuthorizationContext: 'Partner1_BotDefinition',
  AuthorizationContextType: 'ExternalConversationParticipant',
};

// A partner call: JSON body (object or raw string), the demo env's headers plus `headers`.
export async function call(server, method, pathname, body, headers = {}) {
  const response = await fetch(`${server.baseUrl}${pathname}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...apiHeaders(server.env, headers) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return readResponse(response);
}

export async function admin(server, method, pathname, body) {
  const response = await fetch(`${server.baseUrl}${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return readResponse(response);
}

export async function setPresence(server, userId, status, capacity) {
  const response = await admin(server, 'PUT', `/admin/v1/reps/${userId}/presence`,
    capacity === undefined ? { status } : { status, capacity });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

export async function getRep(server, userId) {
  const response = await getJson(server, `/admin/v1/reps/${userId}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

export async function conversation(server, id) {
  const response = await getJson(server, `/admin/v1/conversations/${id}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

// A new end user's first message on `channel` (as `headers`' definition).
export async function newConversation(server, { channel = server.env.CHANNEL_ADDRESS_IDENTIFIER, headers = {} } = {}) {
  const from = `routing-${randomUUID()}`;
  const response = await postInteraction(server, { json: textMessage({ to: channel, from }), headers });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  return { from, channel, conversation: response.body.conversationIdentifier, session: response.body.workItemIds?.[0] };
}

// Every event of the conversation (of `type`, when given) so far, oldest first.
export async function eventsOf(server, conversationId, type) {
  const query = new URLSearchParams({ conversation: conversationId, limit: '1000' });
  if (type) query.set('type', type);
  const response = await getJson(server, `/admin/v1/events?${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.events;
}

// Waits until an event of `type` satisfying `predicate(event)` exists; returns it.
export async function waitForEvent(server, conversationId, type, predicate = () => true, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  let after = 0;
  for (;;) {
    const query = new URLSearchParams({ conversation: conversationId, type, after: String(after), wait: '1s', limit: '1000' });
    const response = await getJson(server, `/admin/v1/events?${query}`);
    assert.equal(response.status, 200);
    for (const event of response.body.events) {
      if (predicate(event)) return event;
      after = Math.max(after, event.replayId);
    }
    if (Date.now() > deadline) assert.fail(`no ${type} event on ${conversationId} within ${timeoutMs} ms`);
  }
}

// The entry payload of an Interaction event.
export function entryOf(event) {
  return event.payload.payload.entryPayload;
}

export function workEvent(workType, predicate = () => true) {
  return (event) => entryOf(event).workType === workType && predicate(entryOf(event));
}

// Asserts a catalogue error whose message may carry placeholders (15107, 15110, 15111, 250xx).
export function assertCode(response, code, substitutions = {}, context = '') {
  const where = `${context} expected ${code}, got ${response.status} ${JSON.stringify(response.body)}`;
  assert.equal(response.status, statusForCode(code), where);
  assert.equal(response.body?.code, code, where);
  if (haveCatalogue) {
    let message = messageFor(code);
    for (const [name, value] of Object.entries(substitutions)) message = message.replaceAll(`<${name}>`, value);
    assert.equal(response.body.message, message, where);
  }
}
