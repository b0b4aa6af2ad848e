import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { postInteraction, textMessage, getJson } from './lib/api.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

test('GET /health answers 200', async () => {
  const response = await getJson(server, '/health');
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { status: 'UP' });
});

test('a text message creates a conversation that the admin API shows', async () => {
  const json = textMessage({ to: server.env.CHANNEL_ADDRESS_IDENTIFIER, from: 'smoke-user', text: 'Hi there' });
  const response = await postInteraction(server, { json });
  assert.equal(response.status, 202);
  assert.equal(response.body.success, true);
  assert.equal(response.body.id, json.interactions[0].payload.id);
  assert.match(response.body.workItemIds[0], /^0Mw[0-9A-Za-z]{12}$/);
  const detail = await getJson(server, `/admin/v1/conversations/${response.body.conversationIdentifier}`);
  assert.equal(detail.status, 200);
  assert.equal(detail.body.entries.length, 1);
  assert.equal(detail.body.entries[0].entryPayload.abstractMessage.staticContent.text, 'Hi there');
});
