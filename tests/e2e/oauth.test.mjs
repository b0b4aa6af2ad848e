// OAuth 2.0 JWT-bearer flow (POST /services/oauth2/token) and userinfo, as a partner's connector
// drives them: an RS256 assertion signed with the connected app's private key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSign, createHmac, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startServer } from './lib/server.mjs';
import { postInteraction, readResponse } from './lib/api.mjs';
import { assertApiError } from './lib/catalogue.mjs';
import { textInteraction } from './lib/payloads.mjs';

let server;
let privateKey;
before(async () => {
  server = await startServer();
  privateKey = readFileSync(server.env.PRIVATE_KEY_FILE, 'utf8');
});
after(async () => { await server.stop(); });

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

function claims(overrides = {}) {
  const base = { iss: server.env.CONSUMER_KEY, sub: server.env.USERNAME, aud: 'https://login.salesforce.com', exp: nowSeconds() + 180 };
  const merged = { ...base, ...overrides };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return merged;
}

// A compact JWS: RS256 with `key` (default: the demo connected app's key).
function rs256(payload, { key = privateKey, header = { alg: 'RS256', typ: 'JWT' } } = {}) {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
  return `${input}.${signature}`;
}

async function requestToken(body, contentType = 'application/x-www-form-urlencoded') {
  const response = await fetch(`${server.baseUrl}/services/oauth2/token`, {
    method: 'POST', headers: { 'Content-Type': contentType }, body,
  });
  return readResponse(response);
}

const grant = (assertion) => new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString();

// Asserts an OAuth error: 400 and exactly {error, error_description}.
function assertOAuthError(response, error, description) {
  const where = `expected 400 ${error}, got ${response.status} ${JSON.stringify(response.body)}`;
  assert.equal(response.status, 400, where);
  assert.deepEqual(response.body, { error, error_description: description }, where);
  assert.match(response.headers.get('content-type'), /^application\/json/);
}

async function userinfo(authorization) {
  const headers = authorization === undefined ? {} : { Authorization: authorization };
  const response = await fetch(`${server.baseUrl}/services/oauth2/userinfo`, { headers });
  return readResponse(response);
}

// ------------------------------------------------------------------------------------------------

test('a valid RS256 assertion is exchanged for an access token', async () => {
  const before = Date.now();
  const response = await requestToken(grant(rs256(claims())));
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.match(response.headers.get('content-type'), /^application\/json/);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const body = response.body;
  assert.ok(body.access_token.startsWith(`${server.env.ORG_ID}!`), body.access_token);
  assert.ok(body.access_token.length > server.env.ORG_ID.length + 20);
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.instance_url, server.baseUrl);
  assert.equal(body.id, `${server.baseUrl}/id/${server.env.ORG_ID}/${server.env.USER_ID}`);
  assert.ok(body.scope.split(' ').includes('interaction_api'), body.scope);
  assert.match(body.issued_at, /^\d{13}$/);
  assert.ok(Number(body.issued_at) >= before - 1000 && Number(body.issued_at) <= Date.now() + 1000);
});

test('the token from the endpoint works on /api/v1/interactions', async () => {
  const { body } = await requestToken(grant(rs256(claims())));
  const json = textInteraction({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from: 'oauth-user' });
  const response = await postInteraction(server, { json, headers: { Authorization: `Bearer ${body.access_token}` } });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  assert.equal(response.body.id, json.interactions[0].payload.id);
});

test('the token lives two hours', async () => {
  const { body } = await requestToken(grant(rs256(claims())));
  const opaque = body.access_token.slice(body.access_token.indexOf('!') + 1);
  const claimSet = JSON.parse(Buffer.from(opaque.split('.')[0], 'base64url').toString('utf8'));
  const numbers = Object.values(claimSet).filter((v) => typeof v === 'number');
  assert.ok(numbers.length >= 2, JSON.stringify(claimSet));
  assert.equal(Math.max(...numbers) - Math.min(...numbers), 2 * 60 * 60 * 1000, JSON.stringify(claimSet));
});

test('GET /services/oauth2/userinfo answers for the token', async () => {
  const { body } = await requestToken(grant(rs256(claims())));
  const response = await userinfo(`Bearer ${body.access_token}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(response.body.organization_id, server.env.ORG_ID);
  assert.equal(response.body.user_id, server.env.USER_ID);
  assert.equal(response.body.preferred_username, server.env.USERNAME);
  assert.equal(response.body.sub, body.id);
});

test('userinfo without a token or with a bad one is refused with 403', async () => {
  const missing = await userinfo(undefined);
  assert.equal(missing.status, 403);
  assert.equal(missing.body, 'Missing_OAuth_Token');
  const bad = await userinfo('Bearer nonsense');
  assert.equal(bad.status, 403);
  assert.equal(bad.body, 'Bad_OAuth_Token');
});

test('accepted variants: exp in milliseconds, the test login host, the server itself, an audience list', async () => {
  const variants = [
    claims({ exp: Date.now() + 180000 }),
    claims({ aud: 'https://test.salesforce.com' }),
    claims({ aud: server.baseUrl }),
    claims({ aud: `${server.baseUrl}/` }),
    claims({ aud: ['https://example.com', 'https://login.salesforce.com'] }),
  ];
  for (const payload of variants) {
    const response = await requestToken(grant(rs256(payload)));
    assert.equal(response.status, 200, `${JSON.stringify(payload)}: ${JSON.stringify(response.body)}`);
  }
});

test('the NoScope app gets a token without interaction_api, refused by the API with 10003', async () => {
  const response = await requestToken(grant(rs256(claims({ iss: '3MVG9interactiond.demo.NoScope' }))));
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.ok(!response.body.scope.split(' ').includes('interaction_api'));
  const json = textInteraction({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from: 'noscope' });
  const api = await postInteraction(server, { json, headers: { Authorization: `Bearer ${response.body.access_token}`, AuthorizationContext: 'NoScope_ChannelDefinition' } });
  assertApiError(api, 10003);
});

// ------------------------------------------------------------------------------------------------
// bad grants

test('wrong or missing grant_type → unsupported_grant_type', async () => {
  const assertion = rs256(claims());
  for (const body of [
    new URLSearchParams({ grant_type: 'password', assertion }).toString(),
    new URLSearchParams({ grant_type: 'authorization_code', assertion }).toString(),
    new URLSearchParams({ assertion }).toString(),
  ]) {
    assertOAuthError(await requestToken(body), 'unsupported_grant_type', 'grant type not supported');
  }
});

test('a body that is not form-encoded → unsupported_grant_type', async () => {
  const body = JSON.stringify({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: rs256(claims()) });
  assertOAuthError(await requestToken(body, 'application/json'), 'unsupported_grant_type', 'grant type not supported');
});

test('a missing or unreadable assertion → invalid_grant', async () => {
  assertOAuthError(await requestToken('grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer'), 'invalid_grant', 'invalid assertion');
  assertOAuthError(await requestToken(grant('not-a-jwt')), 'invalid_grant', 'invalid assertion');
  assertOAuthError(await requestToken(grant('a.b.c')), 'invalid_grant', 'invalid assertion');
});

test('a repeated parameter → invalid_request', async () => {
  const body = `${grant(rs256(claims()))}&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer`;
  const response = await requestToken(body);
  assert.equal(response.status, 400, JSON.stringify(response.body));
  assert.equal(response.body.error, 'invalid_request');
  assert.deepEqual(Object.keys(response.body).sort(), ['error', 'error_description']);
});

test('an assertion signed by another key → invalid_grant', async () => {
  const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  assertOAuthError(await requestToken(grant(rs256(claims(), { key: otherKey }))), 'invalid_grant', 'invalid assertion');
});

test('an assertion whose payload was changed after signing → invalid_grant', async () => {
  const [header, , signature] = rs256(claims()).split('.');
  const forged = `${header}.${b64url(claims({ sub: 'alice@interactiond.demo' }))}.${signature}`;
  assertOAuthError(await requestToken(grant(forged)), 'invalid_grant', 'invalid assertion');
});

test('an expired assertion → invalid_grant', async () => {
  assertOAuthError(await requestToken(grant(rs256(claims({ exp: nowSeconds() - 60 })))), 'invalid_grant', 'expired authorization code');
  assertOAuthError(await requestToken(grant(rs256(claims({ exp: Date.now() - 60000 })))), 'invalid_grant', 'expired authorization code');
});

test('an assertion without exp or sub → invalid_grant', async () => {
  assertOAuthError(await requestToken(grant(rs256(claims({ exp: undefined })))), 'invalid_grant', 'invalid assertion');
  assertOAuthError(await requestToken(grant(rs256(claims({ sub: undefined })))), 'invalid_grant', 'invalid assertion');
});

test('an unknown issuer (consumer key) → invalid_client_id', async () => {
  assertOAuthError(await requestToken(grant(rs256(claims({ iss: '3MVG9unknown.consumer.key' })))), 'invalid_client_id', 'client identifier invalid');
});

test('an unknown subject (username) → invalid_grant', async () => {
  assertOAuthError(await requestToken(grant(rs256(claims({ sub: 'nobody@interactiond.demo' })))), 'invalid_grant', "user hasn't approved this consumer");
});

test('a wrong audience → invalid_grant', async () => {
  for (const aud of ['https://evil.example.com', 'https://login.salesforce.com.evil.example', undefined, ['https://a.example']]) {
    assertOAuthError(await requestToken(grant(rs256(claims({ aud })))), 'invalid_grant', 'audience is invalid');
  }
});

test('alg none and HS256 (algorithm confusion) → invalid_grant', async () => {
  const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims())}.`;
  assertOAuthError(await requestToken(grant(none)), 'invalid_grant', 'invalid assertion');
  // HS256 keyed with the public certificate (what a confused verifier would use as the secret).
  const certificate = readFileSync(server.env.CERTIFICATE_FILE, 'utf8');
  const input = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims())}`;
  const hs = `${input}.${createHmac('sha256', certificate).update(input).digest('base64url')}`;
  assertOAuthError(await requestToken(grant(hs)), 'invalid_grant', 'invalid assertion');
  // An RS256 signature under a header that claims RS512.
  const rs512 = rs256(claims(), { header: { alg: 'RS512', typ: 'JWT' } });
  assertOAuthError(await requestToken(grant(rs512)), 'invalid_grant', 'invalid assertion');
});
