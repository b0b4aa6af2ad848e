// The Pub/Sub API (gRPC) as real clients use it: the unmodified npm `salesforce-pubsub-api-client`
// over TLS (self-signed certificate, `rejectUnauthorizedSsl: false`), plus raw gRPC calls made with
// our own .proto over the plaintext listener, and payloads decoded independently with avro-js.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import PubSubApiClient from 'salesforce-pubsub-api-client';
import { repoRoot, startServer } from './lib/server.mjs';

const require = createRequire(import.meta.url);
const avro = require('avro-js');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const TOPIC = '/event/Partner1_Event__e';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let server;
let raw;  // raw gRPC client on the plaintext listener
// The client's close() drops its stream listeners without cancelling the streams, so a stream
// error arriving later would be unhandled: clients are closed only after the server has stopped.
const clients = [];

before(async () => {
  server = await startServer({ args: ['--pubsub-keepalive-ms', '1000'] });
  assert.ok(server.pubsubTlsPort > 0, server.output());
  assert.ok(server.pubsubPlaintextPort > 0, server.output());
  const definition = protoLoader.loadSync(path.join(repoRoot, 'proto', 'pubsub.proto'), {});
  const { PubSub } = grpc.loadPackageDefinition(definition).eventbus.v1;
  raw = new PubSub(`127.0.0.1:${server.pubsubPlaintextPort}`, grpc.credentials.createInsecure());
});

after(async () => {
  raw?.close();
  await server?.stop();
  for (const client of clients) client.close();
});

function authMetadata(overrides = {}) {
  const metadata = new grpc.Metadata();
  const values = {
    accesstoken: server.env.ACCESS_TOKEN,
    instanceurl: `https://localhost:${server.port}`,
    tenantid: server.env.ORG_ID,
    ...overrides,
  };
  for (const [key, value] of Object.entries(values)) if (value !== undefined) metadata.add(key, value);
  return metadata;
}

function unary(method, request, metadata = authMetadata()) {
  return new Promise((resolve, reject) => {
    raw[method](request, metadata, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

async function newClient(overrides = {}) {
  const client = new PubSubApiClient(
    {
      authType: 'user-supplied',
      accessToken: server.env.ACCESS_TOKEN,
      instanceUrl: `https://localhost:${server.port}`,
      organizationId: server.env.ORG_ID,
      pubSubEndpoint: `localhost:${server.pubsubTlsPort}`,
      rejectUnauthorizedSsl: false,
      ...overrides,
    },
    quiet,
  );
  await client.connect();
  clients.push(client);
  return client;
}

// Collects what a pozil subscription reports; waitFor resolves when `predicate(state)` holds.
function collector() {
  const state = { events: [], keepalives: 0, errors: [], lastEvent: false, ended: false, info: null };
  const waiters = [];
  const callback = (info, type, data) => {
    state.info = info;
    if (type === 'event') state.events.push(data);
    else if (type === 'grpcKeepAlive') state.keepalives += 1;
    else if (type === 'error') state.errors.push(data);
    else if (type === 'lastEvent') state.lastEvent = true;
    else if (type === 'end') state.ended = true;
    for (const waiter of [...waiters]) waiter();
  };
  const waitFor = (predicate, timeoutMs = 5000) =>
    new Promise((resolve, reject) => {
      if (predicate(state)) return resolve(state);
      const timer = setTimeout(() => {
        reject(new Error(`timed out; state: ${JSON.stringify({ ...state, events: state.events.length })}`));
      }, timeoutMs);
      const waiter = () => {
        if (predicate(state)) {
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(waiter), 1);
          resolve(state);
        }
      };
      waiters.push(waiter);
    });
  return { state, callback, waitFor };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let sequence = 0;
function eventPayload(label) {
  sequence += 1;
  return {
    CreatedDate: Date.now(),
    CreatedById: '005000000000000',
    EventType__c: { string: 'Interaction' },
    Payload__c: {
      string: JSON.stringify({
        conversationIdentifier: `conv-${label}`,
        channelAddressIdentifier: 'demo-messaging-channel',
        payload: { identifier: `entry-${label}-${sequence}`, entryType: 'Message' },
      }),
    },
  };
}

test('GetTopic and GetSchema describe the channel definition event', async () => {
  const topic = await unary('GetTopic', { topicName: TOPIC });
  assert.equal(topic.topicName, TOPIC);
  assert.equal(topic.canSubscribe, true);
  assert.equal(topic.canPublish, true);
  assert.match(topic.schemaId, /^[A-Za-z0-9_-]{22}$/);
  const schema = await unary('GetSchema', { schemaId: topic.schemaId });
  assert.equal(schema.schemaId, topic.schemaId);
  const json = JSON.parse(schema.schemaJson);
  assert.equal(json.name, 'Partner1_Event__e');
  assert.equal(json.namespace, 'com.sforce.eventbus');
  assert.deepEqual(json.fields.map((f) => [f.name, f.type]), [
    ['CreatedDate', 'long'],
    ['CreatedById', 'string'],
    ['EventType__c', ['null', 'string']],
    ['Payload__c', ['null', 'string']],
  ]);

  await assert.rejects(unary('GetTopic', { topicName: '/event/Unknown__e' }), (error) => {
    assert.equal(error.code, grpc.status.NOT_FOUND);
    assert.equal(error.metadata.get('error-code')[0], 'sfdc.platform.eventbus.grpc.topic.not.found');
    assert.match(error.details, /rpcId: [0-9a-f-]{36}/);
    return true;
  });
  await assert.rejects(unary('GetSchema', { schemaId: 'AAAAAAAAAAAAAAAAAAAAAA' }), (error) => {
    assert.equal(error.code, grpc.status.NOT_FOUND);
    assert.equal(error.metadata.get('error-code')[0], 'sfdc.platform.eventbus.grpc.schema.validation.failed');
    return true;
  });
});

test('authentication failures are UNAUTHENTICATED with the platform error codes', async () => {
  await assert.rejects(unary('GetTopic', { topicName: TOPIC }, authMetadata({ accesstoken: 'x!y' })), (error) => {
    assert.equal(error.code, grpc.status.UNAUTHENTICATED);
    assert.equal(error.metadata.get('error-code')[0], 'sfdc.platform.eventbus.grpc.service.auth.error');
    return true;
  });
  await assert.rejects(unary('GetTopic', { topicName: TOPIC }, authMetadata({ tenantid: undefined })), (error) => {
    assert.equal(error.code, grpc.status.UNAUTHENTICATED);
    assert.equal(error.metadata.get('error-code')[0], 'sfdc.platform.eventbus.grpc.service.auth.headers.invalid');
    return true;
  });
  // Through the real client: the subscription reports the error.
  const client = await newClient({ accessToken: `${server.env.ORG_ID}!not-a-token` });
  const c = collector();
  client.subscribe(TOPIC, c.callback, 1);
  await c.waitFor((s) => s.errors.length > 0);
  assert.equal(c.state.errors[0].code, grpc.status.UNAUTHENTICATED);
  assert.equal(c.state.errors[0].metadata.get('error-code')[0], 'sfdc.platform.eventbus.grpc.service.auth.error');
});

test('publish with the client, then subscribe: LATEST, flow control, EARLIEST, CUSTOM, keepalive', async () => {
  const client = await newClient();

  // LATEST with numRequested 2: wait until the stream is positioned (its first keepalive), then
  // publish 3 events; exactly 2 arrive.
  const latest = collector();
  client.subscribe(TOPIC, latest.callback, 2);
  await latest.waitFor((s) => s.keepalives >= 1);
  assert.equal(typeof latest.state.info.lastReplayId, 'number');
  const published = [];
  for (const label of ['a', 'b', 'c']) {
    const result = await client.publish(TOPIC, eventPayload(label), `corr-${label}`);
    assert.equal(result.correlationKey, `corr-${label}`);
    assert.equal(typeof result.replayId, 'number');
    published.push(result.replayId);
  }
  assert.ok(published[0] < published[1] && published[1] < published[2]);
  await latest.waitFor((s) => s.events.length >= 2 && s.lastEvent);
  await sleep(1500);  // a keepalive interval: nothing beyond the credit arrives
  assert.equal(latest.state.events.length, 2);
  assert.deepEqual(latest.state.events.map((e) => e.replayId), published.slice(0, 2));
  const first = latest.state.events[0];
  assert.equal(first.payload.EventType__c, 'Interaction');  // union flattened by the client
  assert.equal(JSON.parse(first.payload.Payload__c).conversationIdentifier, 'conv-a');
  assert.equal(first.payload.CreatedById, server.env.USER_ID);  // the publishing user
  assert.match(first.id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // More credit on the same stream: the third event follows.
  client.requestAdditionalEvents(TOPIC, 5);
  await latest.waitFor((s) => s.events.length >= 3);
  assert.equal(latest.state.events[2].replayId, published[2]);

  // EARLIEST replays everything retained, ours included, in order.
  const client2 = await newClient();
  const earliest = collector();
  client2.subscribeFromEarliestEvent(TOPIC, earliest.callback, 100);
  await earliest.waitFor((s) => s.events.some((e) => e.replayId === published[2]));
  const ids = earliest.state.events.map((e) => e.replayId);
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
  for (const id of published) assert.ok(ids.includes(id));

  // CUSTOM after the first published event: exactly the two later ones.
  const client3 = await newClient();
  const custom = collector();
  client3.subscribeFromReplayId(TOPIC, custom.callback, 10, published[0]);
  await custom.waitFor((s) => s.events.length >= 2);
  await sleep(500);
  assert.deepEqual(custom.state.events.map((e) => e.replayId), published.slice(1));
});

test('an unknown replay id is refused as corrupted', async () => {
  const client = await newClient();
  const c = collector();
  client.subscribeFromReplayId(TOPIC, c.callback, 1, 987654321);
  await c.waitFor((s) => s.errors.length > 0);
  assert.equal(c.state.errors[0].code, grpc.status.INVALID_ARGUMENT);
  assert.equal(
    c.state.errors[0].metadata.get('error-code')[0],
    'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted',
  );

  // A replay id that is not 8 bytes, and CUSTOM without one, over raw gRPC.
  for (const [replayId, code] of [
    [Buffer.from([1, 2, 3, 4]), 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted'],
    [Buffer.alloc(0), 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed'],
  ]) {
    const call = raw.Subscribe(authMetadata());
    const error = await new Promise((resolve) => {
      call.on('error', resolve);
      call.on('data', () => {});
      call.write({ topicName: TOPIC, replayPreset: 'CUSTOM', replayId, numRequested: 1 });
    });
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(error.metadata.get('error-code')[0], code);
  }
});

test('payloads decode independently with avro-js and the GetSchema schema', async () => {
  const topic = await unary('GetTopic', { topicName: TOPIC });
  const { schemaJson } = await unary('GetSchema', { schemaId: topic.schemaId });
  const type = avro.parse(schemaJson);
  const call = raw.Subscribe(authMetadata());
  const responses = [];
  const done = new Promise((resolve, reject) => {
    call.on('data', (response) => {
      responses.push(response);
      const total = responses.reduce((n, r) => n + r.events.length, 0);
      if (total >= 3) resolve();
    });
    call.on('error', reject);
  });
  call.write({ topicName: TOPIC, replayPreset: 'EARLIEST', numRequested: 3 });
  await done;
  call.cancel();
  for (const response of responses) {
    assert.equal(response.latestReplayId.length, 8);
    for (const { event, replayId } of response.events) {
      assert.equal(replayId.length, 8);
      assert.equal(event.schemaId, topic.schemaId);
      const record = type.fromBuffer(event.payload);  // throws on extra or missing bytes
      assert.equal(typeof record.CreatedDate, 'number');
      assert.equal(record.EventType__c.string, 'Interaction');  // the un-flattened union branch
      assert.ok(JSON.parse(record.Payload__c.string).payload.identifier);
    }
  }
  // proto3 leaves 0 off the wire; proto-loader then reports no value.
  assert.equal(responses.at(-1).pendingNumRequested ?? 0, 0);
});
