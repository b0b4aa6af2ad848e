// PATCH /api/v1/consent: the partner sets an end user's consent; errors in the contract's own
// ConsentResponse shape; EndUserConsentUpdated reports each change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, recordCode } from './lib/server.mjs';
import { apiHeaders, readResponse, postInteraction, textMessage, getJson } from './lib/api.mjs';
import { messageFor, statusForCode } from './lib/catalogue.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

async function patch(json, { headers = {}, raw } = {}) {
  const response = await fetch(`${server.baseUrl}/api/v1/consent`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json', ...apiHeaders(server.env, headers) },
    body: raw ?? JSON.stringify(json),
  });
  const result = await readResponse(response);
  if (result.body?.errorDetail) recordCode(result.body.errorDetail.code);
  return result;
}

function assertConsentError(response, code, context = '') {
  assert.equal(response.status, statusForCode(code), `${context} ${JSON.stringify(response.body)}`);
  const expected = { success: false, errorDetail: { code, message: messageFor(code) ?? response.body.errorDetail?.message } };
  assert.deepEqual(response.body, expected, context);
}

async function endUser() {
  const from = `consent-${randomUUID()}`;
  const inbound = await postInteraction(server, { json: textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from }) });
  assert.equal(inbound.status, 202);
  return { from, conversation: inbound.body.conversationIdentifier };
}

test('sets the consent, reports it, and a repeat changes nothing', async () => {
  const user = await endUser();
  const body = { endUserClientId: user.from, channelAddressIdentifier: server.env.CHANNEL_ADDRESS_IDENTIFIER, consentStatus: 'OptedOut' };
  const response = await patch(body);
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { success: true });
  assert.equal((await patch(body)).status, 200);
  assert.equal((await patch({ ...body, consentStatus: 'ExplicitlyOptedIn' })).status, 200);
  const detail = await getJson(server, `/admin/v1/conversations/${user.conversation}`);
  assert.equal(detail.body.messagingEndUser.consentStatus, 'ExplicitlyOptedIn');
  const events = await getJson(server, `/admin/v1/events?conversation=${user.conversation}&type=EndUserConsentUpdated`);
  const entries = events.body.events.map((e) => e.payload.payload.entryPayload);
  assert.deepEqual(entries.map((e) => e.consentStatus), ['OptOut', 'OptIn']);
  assert.equal(entries[0].endUserSubject, user.from);
  assert.equal(entries[0].isEndUserInitiated, false);
});

test('every rule with its code, in the ConsentResponse shape', async () => {
  const user = await endUser();
  const base = { endUserClientId: user.from, channelAddressIdentifier: server.env.CHANNEL_ADDRESS_IDENTIFIER, consentStatus: 'OptedOut' };
  const cases = [
    [{ channelAddressIdentifier: undefined }, 10017],
    [{ channelAddressIdentifier: 'no-such-channel' }, 10017],
    [{ channelAddressIdentifier: 'trap-inactive-channel' }, 10031],
    [{ endUserClientId: undefined }, 10020],
    [{ endUserClientId: 'x'.repeat(241) }, 10020],
    [{ endUserClientId: 'never-wrote' }, 10020],
    [{ consentStatus: 'OptIn' }, 10021],
    [{ consentStatus: undefined }, 10021],
  ];
  for (const [overrides, code] of cases) {
    const body = { ...base, ...overrides };
    for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete body[key];
    assertConsentError(await patch(body), code, JSON.stringify(overrides));
  }
  assertConsentError(await patch({ ...base, channelAddressIdentifier: 'trap-salesforce-consent-channel' },
    { headers: { AuthorizationContext: 'Partner1_SalesforceConsentDefinition' } }), 10022);
  assertConsentError(await patch({ ...base, channelAddressIdentifier: 'trap-keywords-channel' },
    { headers: { AuthorizationContext: 'Partner1_KeywordsDefinition' } }), 10023);
  assertConsentError(await patch(null, { raw: '' }), 10100);
  assertConsentError(await patch(null, { raw: '[1]' }), 10100);
  assertConsentError(await patch(base, { headers: { OrgId: undefined } }), 10016);
  assertConsentError(await patch(base, { headers: { Authorization: 'Bearer nope' } }), 10004);
  const detail = await getJson(server, `/admin/v1/conversations/${user.conversation}`);
  assert.equal(detail.body.messagingEndUser.consentStatus, 'ImplicitlyOptedIn', 'nothing changed');
});
