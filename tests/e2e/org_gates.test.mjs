// The org gates every /api/v1 request passes after its headers: the org's permissions are fetched
// (20004 when that fails, 10094 when a downstream service times out: fault points) and must
// grant the Interaction API (10099: the demo config's trap org 00D8c000000NOPM).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, mintToken } from './lib/server.mjs';
import { postInteraction, textMessage, armFault, apiHeaders, readResponse } from './lib/api.mjs';
import { assertApiError } from './lib/catalogue.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const message = () => textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from: `gates-${randomUUID()}` });

test('an org without the Interaction API permission: 10099 on every endpoint, after the token checks', async () => {
  const token = mintToken(server.dataDir, ['--org', '00D8c000000NOPM']);
  const headers = { Authorization: `Bearer ${token}`, OrgId: '00D8c000000NOPM', AuthorizationContext: 'NoPerm_ChannelDefinition' };
  assertApiError(await postInteraction(server, { json: textMessage({ to: 'noperm-channel', from: 'someone' }), headers }), 10099);
  const conversation = await fetch(`${server.baseUrl}/api/v1/conversation`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...apiHeaders(server.env, headers) },
    body: JSON.stringify({ channelAddressIdentifier: 'noperm-channel', participants: [{ subject: 'someone', role: 'EndUser', appType: 'custom' }] }),
  });
  assertApiError(await readResponse(conversation), 10099);
  // The token is checked first: a bad token is still 10004.
  assertApiError(await postInteraction(server, { json: message(), headers: { ...headers, Authorization: 'Bearer 00D8c000000NOPM!forged' } }), 10004);
  // Nothing was stored for that org.
  const list = await (await fetch(`${server.baseUrl}/admin/v1/conversations?orgId=00D8c000000NOPM`)).json();
  assert.equal(list.conversations.filter((c) => c.orgId === '00D8c000000NOPM').length, 0);
});

test('the permission fetch failing (20004) or timing out (10094), once each; then the request goes through', async () => {
  await armFault(server, 'org-permissions');
  assertApiError(await postInteraction(server, { json: message() }), 20004);
  await armFault(server, 'downstream-timeout');
  assertApiError(await postInteraction(server, { json: message() }), 10094);
  assert.equal((await postInteraction(server, { json: message() })).status, 202);
});
