// PATCH /api/v1/capabilities: channel and bot integrations register the structured content they
// support; each registration fully replaces the integration's previous one; errors in the
// contract's RegisterCapabilitiesResponse shape; GET /admin/v1/capabilities shows what is stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, makeDataDir, mintToken, recordCode, repoRoot } from './lib/server.mjs';
import { apiHeaders, readResponse, getJson, armFault } from './lib/api.mjs';
import { messageFor, statusForCode } from './lib/catalogue.mjs';

const ORG = '00D8c000000DEMO';
const CHANNEL_DEF = 'Partner1_ChannelDefinition1';
const CCAAS_DEF = 'Partner1_CCaaSDefinition';
const BOT_DEF = 'Partner1_BotDefinition';
const BOT_HEADERS = { AuthorizationContext: BOT_DEF, AuthorizationContextType: 'ExternalConversationParticipant' };

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

async function patch(target, json, { headers = {}, raw, contentType = 'application/json' } = {}) {
  const all = apiHeaders(target.env, headers);
  if (contentType !== null) all['Content-Type'] = contentType;
  const response = await fetch(`${target.baseUrl}/api/v1/capabilities`, {
    method: 'PATCH',
    headers: all,
    body: raw ?? JSON.stringify(json),
  });
  const result = await readResponse(response);
  if (result.body?.errorDetail) recordCode(result.body.errorDetail.code);
  return result;
}

function assertCapabilitiesError(response, code, context = '') {
  const where = `${context}: expected ${code}, got ${response.status} ${JSON.stringify(response.body)}`;
  assert.equal(response.status, statusForCode(code), where);
  const expected = { success: false, errorDetail: { code, message: messageFor(code) ?? response.body?.errorDetail?.message } };
  assert.deepEqual(response.body, expected, where);
  assert.match(response.headers.get('content-type'), /^application\/json/);
}

async function registrations(target, query = '') {
  const response = await getJson(target, `/admin/v1/capabilities${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

async function registrationOf(target, type, name) {
  const body = await registrations(target, `?orgId=${ORG}&integrationType=${type}&developerName=${name}`);
  assert.ok(body.registrations.length <= 1);
  return body.registrations[0];
}

const channelIntegration = (name = CHANNEL_DEF, ns = ORG) => ({
  customIntegrationType: 'CustomChannelIntegration', integrationNamespace: ns, conversationChannelDefinitionDevName: name,
});
const botIntegration = (name = BOT_DEF, ns = 'Partner1') => ({
  customIntegrationType: 'CustomBotIntegration', integrationNamespace: ns, extConvParticipantIntegDefDevName: name,
});
const messageCapability = (messageType, ...formatTypes) => ({
  messageType, formatTypeCapabilities: formatTypes.map((formatType) => ({ formatType })),
});

// The README's example request.
function readmeExample(integration = channelIntegration()) {
  return {
    capabilities: {
      appType: 'custom',
      channelCapabilities: [{
        channelType: 'custom',
        customIntegration: integration,
        messageTypeCapabilities: [
          {
            messageType: 'StaticContentMessage',
            formatTypeCapabilities: [{
              formatType: 'Attachments',
              capabilityFieldRestriction: [{
                fieldJsonPath: '$.staticContent.attachments.mimeType',
                restriction: { fieldRestrictionType: 'MimeTypeRestriction', mimeType: 'image/png' },
              }],
            }],
          },
          messageCapability('ChoicesMessage', 'Buttons'),
          messageCapability('FormMessage', 'Inputs'),
        ],
        progressIndicatorTypeCapabilities: [
          { progressIndicatorType: 'ProgressUpdateIndicator', formatTypeCapabilities: [{ formatType: 'Text' }] },
        ],
      }],
    },
  };
}

// A body with one entry listing `messages` for `integration` (undefined: none).
function bodyWith(integration, ...messages) {
  const entry = { channelType: 'custom', messageTypeCapabilities: messages };
  if (integration) entry.customIntegration = integration;
  return { capabilities: { appType: 'custom', channelCapabilities: [entry] } };
}

const formatsOf = (registration) => registration.channelCapabilities.flatMap((entry) =>
  entry.messageTypeCapabilities.flatMap((m) => m.formatTypeCapabilities.map((f) => `${m.messageType}/${f.formatType}`)));

async function eventCount(target) {
  const response = await getJson(target, '/admin/v1/events?limit=1000');
  assert.equal(response.status, 200);
  return response.body.events.length;
}

// ------------------------------------------------------------------------------------------------

test('a channel integration registers the README example; the admin API shows it', async () => {
  const events = await eventCount(server);
  const body = readmeExample();
  const response = await patch(server, body);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(response.body, { success: true });
  const registration = await registrationOf(server, 'CustomChannelIntegration', CHANNEL_DEF);
  assert.equal(registration.orgId, ORG);
  assert.equal(registration.integrationType, 'CustomChannelIntegration');
  assert.equal(registration.developerName, CHANNEL_DEF);
  assert.equal(registration.appType, 'custom');
  assert.equal(typeof registration.registeredDate, 'number');
  assert.equal(typeof registration.requestId, 'string');
  assert.deepEqual(registration.channelCapabilities, body.capabilities.channelCapabilities);
  assert.equal(await eventCount(server), events, 'registering emits no outbound event');
});

test('a bot integration registers with its own AuthorizationContext', async () => {
  const body = bodyWith(botIntegration(), messageCapability('StaticContentMessage', 'Text', 'RichLink'),
    messageCapability('ChoicesMessage', 'QuickReplies'));
  const response = await patch(server, body, { headers: BOT_HEADERS });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(response.body, { success: true });
  const registration = await registrationOf(server, 'CustomBotIntegration', BOT_DEF);
  assert.equal(registration.integrationType, 'CustomBotIntegration');
  assert.deepEqual(formatsOf(registration), ['StaticContentMessage/Text', 'StaticContentMessage/RichLink', 'ChoicesMessage/QuickReplies']);
  // The namespace may be the org id too, and the header type is optional.
  const again = await patch(server, bodyWith(botIntegration(BOT_DEF, ORG), messageCapability('FormMessage', 'Inputs')),
    { headers: { AuthorizationContext: BOT_DEF } });
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.deepEqual(formatsOf(await registrationOf(server, 'CustomBotIntegration', BOT_DEF)), ['FormMessage/Inputs']);
});

test('without customIntegration an entry registers for the AuthorizationContext', async () => {
  let response = await patch(server, bodyWith(undefined, messageCapability('ChoicesResponseMessage', 'Selections')),
    { headers: { AuthorizationContext: CCAAS_DEF } });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(formatsOf(await registrationOf(server, 'CustomChannelIntegration', CCAAS_DEF)), ['ChoicesResponseMessage/Selections']);
  response = await patch(server, bodyWith(undefined, messageCapability('FormResponseMessage', 'Result')), { headers: BOT_HEADERS });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(formatsOf(await registrationOf(server, 'CustomBotIntegration', BOT_DEF)), ['FormResponseMessage/Result']);
});

test('a registration fully replaces the integration\'s previous one and only that one', async () => {
  const first = {
    capabilities: {
      appType: 'custom',
      channelCapabilities: [
        { customIntegration: channelIntegration(CHANNEL_DEF), messageTypeCapabilities: [messageCapability('StaticContentMessage', 'Text'), messageCapability('ChoicesMessage', 'Buttons')] },
        { customIntegration: channelIntegration(CCAAS_DEF, 'Partner1'), messageTypeCapabilities: [messageCapability('FormMessage', 'Inputs')] },
        { customIntegration: botIntegration(), messageTypeCapabilities: [messageCapability('StaticContentMessage', 'Media')] },
        // A second entry for the same integration: both entries make its registration.
        { customIntegration: channelIntegration(CHANNEL_DEF), messageTypeCapabilities: [messageCapability('ChoicesMessage', 'ListPicker')] },
      ],
    },
  };
  assert.equal((await patch(server, first)).status, 200);
  assert.deepEqual(formatsOf(await registrationOf(server, 'CustomChannelIntegration', CHANNEL_DEF)),
    ['StaticContentMessage/Text', 'ChoicesMessage/Buttons', 'ChoicesMessage/ListPicker']);
  assert.deepEqual(formatsOf(await registrationOf(server, 'CustomChannelIntegration', CCAAS_DEF)), ['FormMessage/Inputs']);
  assert.deepEqual(formatsOf(await registrationOf(server, 'CustomBotIntegration', BOT_DEF)), ['StaticContentMessage/Media']);

  const second = bodyWith(channelIntegration(CHANNEL_DEF), messageCapability('ChoicesMessage', 'Carousel'));
  second.capabilities.appType = 'chatbot';
  assert.equal((await patch(server, second)).status, 200);
  const replaced = await registrationOf(server, 'CustomChannelIntegration', CHANNEL_DEF);
  assert.deepEqual(formatsOf(replaced), ['ChoicesMessage/Carousel']);
  assert.equal(replaced.appType, 'chatbot');
  assert.equal(replaced.channelCapabilities.length, 1);
  assert.equal(replaced.channelCapabilities[0].progressIndicatorTypeCapabilities, undefined);
  // The integrations the second request did not name keep their registrations.
  assert.deepEqual(formatsOf(await registrationOf(server, 'CustomChannelIntegration', CCAAS_DEF)), ['FormMessage/Inputs']);
  assert.deepEqual(formatsOf(await registrationOf(server, 'CustomBotIntegration', BOT_DEF)), ['StaticContentMessage/Media']);
});

test('GET /admin/v1/capabilities lists and filters registrations', async () => {
  assert.equal((await patch(server, readmeExample())).status, 200);
  const all = await registrations(server);
  assert.equal(all.totalSize, all.registrations.length);
  assert.ok(all.registrations.length >= 1);
  const channels = await registrations(server, `?orgId=${ORG}&integrationType=CustomChannelIntegration`);
  assert.ok(channels.registrations.every((r) => r.integrationType === 'CustomChannelIntegration'));
  assert.deepEqual((await registrations(server, '?orgId=00D000000000000')).registrations, []);
  const bad = await getJson(server, '/admin/v1/capabilities?integrationType=Bogus');
  assert.equal(bad.status, 400);
  assert.equal(typeof bad.body.error, 'string');
});

// ------------------------------------------------------------------------------------------------
// Errors: every rule with its code; nothing is stored by a failing request.

test('message types, format types and combinations: 10047, 10048, 10049', async () => {
  assert.equal((await patch(server, bodyWith(channelIntegration(), messageCapability('StaticContentMessage', 'Text')))).status, 200);
  const cases = [
    [messageCapability('TextMessage', 'Text'), 10047],
    [{ formatTypeCapabilities: [{ formatType: 'Text' }] }, 10047],
    [messageCapability(42, 'Text'), 10047],
    [messageCapability('staticcontentmessage', 'Text'), 10047],
    [messageCapability('StaticContentMessage', 'Video'), 10048],
    [{ messageType: 'StaticContentMessage', formatTypeCapabilities: [{}] }, 10048],
    [messageCapability('StaticContentMessage', 7), 10048],
    [messageCapability('StaticContentMessage', 'Buttons'), 10049],
    [messageCapability('ChoicesMessage', 'Text'), 10049],
    [messageCapability('FormMessage', 'Selections'), 10049],
    [messageCapability('ChoicesResponseMessage', 'Flow'), 10049],
  ];
  for (const [capability, code] of cases) {
    assertCapabilitiesError(await patch(server, bodyWith(channelIntegration(), capability)), code, JSON.stringify(capability));
  }
  assert.deepEqual(formatsOf(await registrationOf(server, 'CustomChannelIntegration', CHANNEL_DEF)), ['StaticContentMessage/Text'],
    'failed requests changed nothing');
});

test('every valid combination of the contract is accepted', async () => {
  const combinations = {
    StaticContentMessage: ['Text', 'Links', 'ExperienceType', 'Attachments', 'RichLink', 'Media', 'WebView', 'Application'],
    ChoicesMessage: ['Buttons', 'QuickReplies', 'ListPicker', 'Carousel', 'TimePicker', 'MessageDefinition'],
    ChoicesResponseMessage: ['Selections'],
    FormMessage: ['Inputs', 'MessageDefinition'],
    FormResponseMessage: ['Inputs', 'Result'],
  };
  const body = bodyWith(channelIntegration(CCAAS_DEF), ...Object.entries(combinations).map(([m, f]) => messageCapability(m, ...f)));
  const response = await patch(server, body);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(formatsOf(await registrationOf(server, 'CustomChannelIntegration', CCAAS_DEF)).length, 19);
});

test('custom integrations: 10050', async () => {
  const text = messageCapability('StaticContentMessage', 'Text');
  const cases = [
    [channelIntegration('Partner1_NoSuchDefinition'), 'unknown definition'],
    [channelIntegration('NoScope_ChannelDefinition', ORG), 'another connected app\'s definition'],
    [channelIntegration(CHANNEL_DEF, '00D8c000000OTHR'), 'another org id as namespace'],
    [channelIntegration(CHANNEL_DEF, 'NoScope'), 'another app\'s prefix as namespace'],
    [channelIntegration(CHANNEL_DEF, 'partner1'), 'namespace is case-sensitive'],
    [channelIntegration(BOT_DEF), 'a bot definition named as a channel'],
    [botIntegration(CHANNEL_DEF), 'a channel definition named as a bot'],
    [botIntegration('Partner1_NoSuchBot'), 'unknown bot definition'],
    [{ ...channelIntegration(), customIntegrationType: 'CustomIntegration' }, 'unknown type'],
    [{ integrationNamespace: ORG, conversationChannelDefinitionDevName: CHANNEL_DEF }, 'no type'],
    [{ customIntegrationType: 'CustomChannelIntegration', integrationNamespace: ORG }, 'no definition name'],
    [{ customIntegrationType: 'CustomChannelIntegration', conversationChannelDefinitionDevName: CHANNEL_DEF }, 'no namespace'],
    [{ customIntegrationType: 'CustomBotIntegration', integrationNamespace: 'Partner1', conversationChannelDefinitionDevName: BOT_DEF }, 'bot with the channel field'],
    [channelIntegration('x'.repeat(241)), 'name over 240 characters'],
    [channelIntegration(CHANNEL_DEF, ''), 'empty namespace'],
    [channelIntegration(CHANNEL_DEF, 12), 'namespace not a string'],
    ['Partner1_ChannelDefinition1', 'not an object'],
    [[channelIntegration()], 'an array'],
  ];
  for (const [integration, why] of cases) {
    assertCapabilitiesError(await patch(server, bodyWith(integration, text)), 10050, why);
  }
  // One bad entry fails the whole request: the good one is not stored either.
  const before = await registrationOf(server, 'CustomChannelIntegration', 'Partner1_OtherDefinition');
  assert.equal(before, undefined);
  const mixed = bodyWith(channelIntegration('Partner1_OtherDefinition'), text);
  mixed.capabilities.channelCapabilities.push({ customIntegration: channelIntegration('NoScope_ChannelDefinition'), messageTypeCapabilities: [text] });
  assertCapabilitiesError(await patch(server, mixed), 10050, 'mixed');
  assert.equal(await registrationOf(server, 'CustomChannelIntegration', 'Partner1_OtherDefinition'), undefined);
  // The 18-character org id is accepted as the namespace.
  assert.equal((await patch(server, bodyWith(channelIntegration('Partner1_OtherDefinition', `${ORG}AAA`), text))).status, 200);
});

test('progress indicator capabilities: 10098 (and 10048 / 10049 for their formats)', async () => {
  const withIndicators = (indicators) => {
    const body = readmeExample();
    body.capabilities.channelCapabilities[0].progressIndicatorTypeCapabilities = indicators;
    return body;
  };
  const cases = [
    [[], 10098],
    [{}, 10098],
    ['ProgressUpdateIndicator', 10098],
    [[null], 10098],
    [[{ formatTypeCapabilities: [{ formatType: 'Text' }] }], 10098],
    [[{ progressIndicatorType: 'TypingIndicator', formatTypeCapabilities: [{ formatType: 'Text' }] }], 10098],
    [[{ progressIndicatorType: 'ProgressUpdateIndicator' }], 10098],
    [[{ progressIndicatorType: 'ProgressUpdateIndicator', formatTypeCapabilities: [] }], 10098],
    [[{ progressIndicatorType: 'ProgressUpdateIndicator', formatTypeCapabilities: [{ formatType: 'Nope' }] }], 10048],
    [[{ progressIndicatorType: 'ProgressUpdateIndicator', formatTypeCapabilities: [{ formatType: 'Buttons' }] }], 10049],
  ];
  for (const [indicators, code] of cases) {
    assertCapabilitiesError(await patch(server, withIndicators(indicators)), code, JSON.stringify(indicators));
  }
  // null is the same as leaving the parameter out.
  assert.equal((await patch(server, withIndicators(null))).status, 200);
  const registration = await registrationOf(server, 'CustomChannelIntegration', CHANNEL_DEF);
  assert.equal(registration.channelCapabilities[0].progressIndicatorTypeCapabilities, undefined);
});

test('other invalid parameters: 10089', async () => {
  const text = messageCapability('StaticContentMessage', 'Text');
  const restricted = (restriction, fieldJsonPath = '$.staticContent.text') => bodyWith(channelIntegration(), {
    messageType: 'StaticContentMessage',
    formatTypeCapabilities: [{ formatType: 'Text', capabilityFieldRestriction: [{ fieldJsonPath, restriction }] }],
  });
  const stringRestriction = { fieldRestrictionType: 'StringFieldRestriction', encoding: 'GSM', maxLength: 160 };
  const cases = [
    [{ capabilities: 'custom' }, 'capabilities not an object'],
    [{ capabilities: [] }, 'capabilities an array'],
    [{ capabilities: { channelCapabilities: [{ messageTypeCapabilities: [text] }] } }, 'no appType'],
    [{ capabilities: { appType: 'Custom', channelCapabilities: [{ messageTypeCapabilities: [text] }] } }, 'unknown appType'],
    [{ capabilities: { appType: 1, channelCapabilities: [{ messageTypeCapabilities: [text] }] } }, 'appType a number'],
    [{ capabilities: { appType: 'custom' } }, 'no channelCapabilities'],
    [{ capabilities: { appType: 'custom', channelCapabilities: [] } }, 'empty channelCapabilities'],
    [{ capabilities: { appType: 'custom', channelCapabilities: {} } }, 'channelCapabilities an object'],
    [{ capabilities: { appType: 'custom', channelCapabilities: ['x'] } }, 'entry a string'],
    [{ capabilities: { appType: 'custom', channelCapabilities: Array(101).fill({ messageTypeCapabilities: [text] }) } }, 'over 100 entries'],
    [{ capabilities: { appType: 'custom', channelCapabilities: [{ channelType: 'whatsapp', messageTypeCapabilities: [text] }] } }, 'channelType'],
    [{ capabilities: { appType: 'custom', channelCapabilities: [{ channelType: ['custom'], messageTypeCapabilities: [text] }] } }, 'channelType an array'],
    [bodyWith(channelIntegration()), 'empty messageTypeCapabilities'],
    [{ capabilities: { appType: 'custom', channelCapabilities: [{ customIntegration: channelIntegration() }] } }, 'no messageTypeCapabilities'],
    [{ capabilities: { appType: 'custom', channelCapabilities: [{ messageTypeCapabilities: text }] } }, 'messageTypeCapabilities an object'],
    [bodyWith(channelIntegration(), 'StaticContentMessage'), 'message capability a string'],
    [bodyWith(channelIntegration(), { messageType: 'StaticContentMessage', formatTypeCapabilities: [] }), 'empty formatTypeCapabilities'],
    [bodyWith(channelIntegration(), { messageType: 'StaticContentMessage' }), 'no formatTypeCapabilities'],
    [bodyWith(channelIntegration(), { messageType: 'StaticContentMessage', formatTypeCapabilities: ['Text'] }), 'format capability a string'],
    [bodyWith(channelIntegration(), { messageType: 'StaticContentMessage', formatTypeCapabilities: [{ formatType: 'Text', capabilityFieldRestriction: {} }] }), 'restrictions an object'],
    [restricted(stringRestriction, 'staticContent.text'), 'path without $'],
    [restricted(stringRestriction, '$.items[0].text'), 'path with an index'],
    [restricted(stringRestriction, '$..text'), 'recursive descent'],
    [restricted(stringRestriction, 5), 'path a number'],
    [restricted(undefined), 'no restriction'],
    [restricted({ ...stringRestriction, fieldRestrictionType: 'LengthRestriction' }), 'unknown restriction type'],
    [restricted({ ...stringRestriction, encoding: 'ASCII' }), 'unknown encoding'],
    [restricted({ ...stringRestriction, maxLength: '160' }), 'maxLength a string'],
    [restricted({ ...stringRestriction, maxLength: -1 }), 'negative maxLength'],
    [restricted({ fieldRestrictionType: 'MimeTypeRestriction', mimeType: 'png' }), 'mime type without subtype'],
    [restricted({ fieldRestrictionType: 'FileSizeRestriction', maxSizeInKb: 1.5 }), 'fractional size'],
    [restricted({ fieldRestrictionType: 'DimensionRestriction', x: 10, y: 10, dimensionType: 'INCH' }), 'unknown dimension type'],
    [restricted({ fieldRestrictionType: 'DimensionRestriction', x: 10, dimensionType: 'PIXEL' }), 'no y'],
    [restricted({ fieldRestrictionType: 'ArrayRestriction', maxItems: null }), 'maxItems null'],
    [restricted({ fieldRestrictionType: 'RequiredFieldRestriction', fieldRequired: 'yes' }), 'fieldRequired a string'],
    [restricted({ fieldRestrictionType: 'TypeRestriction' }), 'no type'],
  ];
  for (const [body, why] of cases) {
    assertCapabilitiesError(await patch(server, body), 10089, why);
  }
  const valid = [
    stringRestriction,
    { fieldRestrictionType: 'MimeTypeRestriction', mimeType: 'image/*' },
    { fieldRestrictionType: 'FileSizeRestriction', maxSizeInKb: 5120 },
    { fieldRestrictionType: 'DimensionRestriction', x: 1.5, y: 1, dimensionType: 'RATIO' },
    { fieldRestrictionType: 'ArrayRestriction', maxItems: 10 },
    { fieldRestrictionType: 'RequiredFieldRestriction', fieldRequired: false },
    { fieldRestrictionType: 'TypeRestriction', type: 'string' },
  ];
  for (const restriction of valid) {
    const response = await patch(server, restricted(restriction, '$.staticContent.text'));
    assert.equal(response.status, 200, `${JSON.stringify(restriction)}: ${JSON.stringify(response.body)}`);
  }
});

test('body and headers: 10100, 10016, 10004, 10005, 10093, 10003', async () => {
  const body = readmeExample();
  assertCapabilitiesError(await patch(server, null, { raw: '' }), 10100, 'empty body');
  assertCapabilitiesError(await patch(server, null, { raw: '   ' }), 10100, 'blank body');
  assertCapabilitiesError(await patch(server, null, { raw: '{"capabilities":' }), 10100, 'broken JSON');
  assertCapabilitiesError(await patch(server, null, { raw: 'capabilities' }), 10100, 'not JSON');
  assertCapabilitiesError(await patch(server, null, { raw: '[1]' }), 10100, 'an array');
  assertCapabilitiesError(await patch(server, {}), 10100, 'an empty object');
  assertCapabilitiesError(await patch(server, { capabilities: null }), 10100, 'capabilities null');
  assertCapabilitiesError(await patch(server, body, { contentType: 'text/plain' }), 10016, 'Content-Type');
  assertCapabilitiesError(await patch(server, body, { contentType: null }), 10016, 'no Content-Type');
  for (const header of ['Authorization', 'OrgId', 'AuthorizationContext', 'RequestId']) {
    assertCapabilitiesError(await patch(server, body, { headers: { [header]: undefined } }), 10016, `no ${header}`);
  }
  assertCapabilitiesError(await patch(server, body, { headers: { OrgId: 'not-an-org' } }), 10016, 'OrgId shape');
  assertCapabilitiesError(await patch(server, body, { headers: { Authorization: 'Bearer nope' } }), 10004, 'token');
  assertCapabilitiesError(await patch(server, body, { headers: { OrgId: '00D8c000000OTHR' } }), 10004, 'another OrgId');
  assertCapabilitiesError(await patch(server, body, { headers: { AuthorizationContext: 'NoScope_ChannelDefinition' } }), 10005, 'context of another app');
  assertCapabilitiesError(await patch(server, body, { headers: { AuthorizationContext: 'Partner1_Nothing' } }), 10005, 'unknown context');
  assertCapabilitiesError(await patch(server, body, { headers: { AuthorizationContextType: 'ExternalConversationParticipant' } }), 10093, 'type contradicts the channel context');
  assertCapabilitiesError(await patch(server, body, { headers: { ...BOT_HEADERS, AuthorizationContextType: 'ConversationChannelDefinition' } }), 10093, 'type contradicts the bot context');
  assertCapabilitiesError(await patch(server, body, { headers: { AuthorizationContextType: 'Bogus' } }), 10093, 'unknown type');
  const noScope = mintToken(server.dataDir, ['--app', 'NoScope_ConnectedApp']);
  assertCapabilitiesError(await patch(server, body, { headers: { Authorization: `Bearer ${noScope}`, AuthorizationContext: 'NoScope_ChannelDefinition' } }), 10003, 'scope');
  // Header errors come before body errors.
  assertCapabilitiesError(await patch(server, null, { raw: '', headers: { Authorization: 'Bearer nope' } }), 10004, 'token before body');
  // The upper-case spelling of the context type is accepted.
  const upper = await patch(server, body, { headers: { AuthorizationContextType: 'CONVERSATIONCHANNELDEFINITION' } });
  assert.equal(upper.status, 200, JSON.stringify(upper.body));
});

test('a failed commit answers 500 in the contract\'s shape and stores nothing', async () => {
  const body = bodyWith(channelIntegration('Partner1_KeywordsDefinition'), messageCapability('FormMessage', 'Inputs'));
  await armFault(server, 'store-commit', 1);
  assertCapabilitiesError(await patch(server, body), 500, 'store-commit fault');
  assert.equal(await registrationOf(server, 'CustomChannelIntegration', 'Partner1_KeywordsDefinition'), undefined);
  assert.equal((await patch(server, body)).status, 200, 'the retry succeeds');
  assert.deepEqual(formatsOf(await registrationOf(server, 'CustomChannelIntegration', 'Partner1_KeywordsDefinition')), ['FormMessage/Inputs']);
});

test('a registration acknowledged with 200 survives kill -9', async () => {
  const dataDir = makeDataDir();
  const first = await startServer({ dataDir, keepData: true });
  try {
    const response = await patch(first, bodyWith(botIntegration(), messageCapability('ChoicesMessage', 'TimePicker')), { headers: BOT_HEADERS });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  } finally {
    await first.stop('SIGKILL');
  }
  const second = await startServer({ dataDir });
  try {
    assert.deepEqual(formatsOf(await registrationOf(second, 'CustomBotIntegration', BOT_DEF)), ['ChoicesMessage/TimePicker']);
  } finally {
    await second.stop();
  }
});

// ------------------------------------------------------------------------------------------------
// Another org's definitions, another app's bot, a read-only org: a configuration with a second org.

test('another org\'s or another app\'s definitions are 10050; a read-only org answers 10019', async () => {
  const source = readFileSync(path.join(repoRoot, 'config', 'demo-org.yaml'), 'utf8');
  assert.match(source, /\n    botIntegrations:\n/);
  const dataDir = makeDataDir();
  const configFile = path.join(dataDir, 'two-orgs.yaml');
  const otherOrg = `
  - id: 00D8c000000OTHR
    name: Other Org
    features: {readOnly: true}
    connectedApps:
      - name: Partner1_ConnectedApp
        developerPrefix: Partner1
        consumerKey: 3MVG9interactiond.other.Partner1
        certificate: demo-generated
        scopes: [interaction_api]
    channelDefinitions:
      - developerName: Partner1_ForeignDefinition
        connectedApp: Partner1_ConnectedApp
        vendor: Partner1_Vendor
        customPlatformEvent: Partner1_Foreign_Event__e
    botIntegrations:
      - developerName: Partner1_ForeignBotDefinition
        connectedApp: Partner1_ConnectedApp
    users:
      - id: 0058c00000OINT1
        username: integration@other.demo
`;
  const withNoScopeBot = source.replace('\n    botIntegrations:\n',
    '\n    botIntegrations:\n      - {developerName: NoScope_BotDefinition, connectedApp: NoScope_ConnectedApp}\n');
  writeFileSync(configFile, `${withNoScopeBot.trimEnd()}\n${otherOrg}`);
  const two = await startServer({ dataDir, args: ['--config', configFile] });
  try {
    const text = messageCapability('StaticContentMessage', 'Text');
    assertCapabilitiesError(await patch(two, bodyWith(channelIntegration('Partner1_ForeignDefinition'), text)), 10050, 'another org\'s channel definition');
    assertCapabilitiesError(await patch(two, bodyWith(channelIntegration('Partner1_ForeignDefinition', '00D8c000000OTHR'), text)), 10050, 'and its org id');
    assertCapabilitiesError(await patch(two, bodyWith(botIntegration('Partner1_ForeignBotDefinition'), text)), 10050, 'another org\'s bot definition');
    assertCapabilitiesError(await patch(two, bodyWith(botIntegration('NoScope_BotDefinition'), text)), 10050, 'another app\'s bot definition');
    assertCapabilitiesError(await patch(two, bodyWith(botIntegration('NoScope_BotDefinition', 'NoScope'), text)), 10050, 'another app\'s bot, its prefix');
    assert.equal((await patch(two, bodyWith(botIntegration(), text))).status, 200, 'the demo org still works');

    const token = mintToken(dataDir, ['--config', configFile, '--org', '00D8c000000OTHR']);
    const headers = { Authorization: `Bearer ${token}`, OrgId: '00D8c000000OTHR', AuthorizationContext: 'Partner1_ForeignDefinition' };
    assertCapabilitiesError(await patch(two, bodyWith(undefined, text), { headers }), 10019, 'read-only org');
    // Authentication comes first, then read-only mode, then the body.
    assertCapabilitiesError(await patch(two, null, { raw: '', headers }), 10019, 'read-only before body');
    assertCapabilitiesError(await patch(two, bodyWith(undefined, text), { headers: { ...headers, Authorization: 'Bearer nope' } }), 10004, 'token before read-only');
    assert.deepEqual((await registrations(two, '?orgId=00D8c000000OTHR')).registrations, []);
  } finally {
    await two.stop();
  }
});
