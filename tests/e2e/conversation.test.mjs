// POST /api/v1/conversation: establish or look up the conversation of (channel address, end user),
// with every rule and code of docs/compatibility.md ("POST /api/v1/conversation").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from './lib/server.mjs';
import { apiHeaders, readResponse, postInteraction, textMessage, getJson } from './lib/api.mjs';
import { assertApiError } from './lib/catalogue.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

function body(overrides = {}) {
  return {
    channelAddressIdentifier: server.env.CHANNEL_ADDRESS_IDENTIFIER,
    participants: [{ subject: `conv-${randomUUID()}`, role: 'EndUser', appType: 'custom' }],
    ...overrides,
  };
}

async function post(json, { headers = {}, raw } = {}) {
  const response = await fetch(`${server.baseUrl}/api/v1/conversation`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...apiHeaders(server.env, headers) },
    body: raw ?? JSON.stringify(json),
  });
  return readResponse(response);
}

test('establishes a conversation, then returns the same one; messages join it', async () => {
  const request = body({ routingAttributes: { CustomerTier: 'gold', Unknown: 'ignored' } });
  const first = await post(request);
  assert.equal(first.status, 202);
  assert.equal(first.body.success, true);
  assert.match(first.body.conversationIdentifier, /^[0-9a-f-]{36}$/);
  assert.match(first.body.messagingSessionId, /^0Mw[0-9A-Za-z]{12}$/);
  const again = await post(request);
  assert.deepEqual(again.body, first.body);
  const message = await postInteraction(server, {
    json: textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from: request.participants[0].subject }),
  });
  assert.equal(message.body.conversationIdentifier, first.body.conversationIdentifier);
  assert.deepEqual(message.body.workItemIds, [first.body.messagingSessionId]);
  const detail = await getJson(server, `/admin/v1/conversations/${first.body.conversationIdentifier}`);
  assert.equal(detail.body.entries.length, 1, 'establishing adds no entry');
  assert.equal(detail.body.participants[0].participant.subject, request.participants[0].subject);
});

test('every rule with its code', async () => {
  const cases = [
    [{ channelAddressIdentifier: undefined }, 10052],
    [{ channelAddressIdentifier: '' }, 10052],
    [{ channelAddressIdentifier: 42 }, 10052],
    [{ channelAddressIdentifier: 'x'.repeat(241) }, 10052],
    [{ channelAddressIdentifier: 'no-such-channel' }, 10017],
    [{ channelAddressIdentifier: 'trap-inactive-channel' }, 10031],
    [{ channelAddressIdentifier: 'trap-other-context-channel' }, 10001],
    [{ channelAddressIdentifier: 'trap-whatsapp-channel' }, 10035],
    [{ participants: undefined }, 10053],
    [{ participants: 'end-user' }, 10053],
    [{ participants: [] }, 10039],
    [{ participants: ['end-user'] }, 10053],
    [{ participants: [{ subject: 'a', role: 'EndUser', appType: 'custom' }, { subject: 'b', role: 'EndUser', appType: 'custom' }] }, 10053],
    [{ participants: [{ subject: 'a', role: 'EndUser', appType: 'custom' }, { subject: 'a', role: 'EndUser', appType: 'custom' }] }, 10101],
    [{ participants: [{ role: 'EndUser', appType: 'custom' }] }, 10054],
    [{ participants: [{ subject: '', role: 'EndUser', appType: 'custom' }] }, 10054],
    [{ participants: [{ subject: 7, role: 'EndUser', appType: 'custom' }] }, 10054],
    [{ participants: [{ subject: 'a', role: 'EndUser', appType: 'agent' }] }, 10037],
    [{ participants: [{ subject: 'a', role: 'Agent', appType: 'custom' }] }, 10038],
    [{ routingAttributes: 'gold' }, 10089],
    [{ routingAttributes: { CustomerTier: 'platinum-plus' } }, 10096],
  ];
  for (const [overrides, code] of cases) {
    const request = body(overrides);
    for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete request[key];
    assertApiError(await post(request), code, { context: JSON.stringify(overrides) });
  }
});

test('malformed bodies and headers', async () => {
  assertApiError(await post(null, { raw: '' }), 10100);
  assertApiError(await post(null, { raw: '{"channelAddressIdentifier":' }), 10100);
  assertApiError(await post(null, { raw: '[]' }), 10100);
  assertApiError(await post(body(), { headers: { 'Content-Type': 'text/plain' } }), 10016);
  assertApiError(await post(body(), { headers: { OrgId: undefined } }), 10016);
  assertApiError(await post(body(), { headers: { Authorization: 'Bearer 00D8c000000DEMO!nope' } }), 10004);
  assertApiError(await post(body(), { headers: { AuthorizationContext: 'NoScope_ChannelDefinition' } }), 10005);
  const huge = await post(null, { raw: `{"x":"${'a'.repeat(2 * 1024 * 1024)}"}` });
  assert.equal(huge.status, 413);
  assertApiError(huge, 10100, { status: 413 });
  assert.equal((await getJson(server, '/health')).status, 200);
});
