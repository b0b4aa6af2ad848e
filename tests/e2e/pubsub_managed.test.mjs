// PublishStream and ManagedSubscribe as real clients use them: the unmodified npm
// `salesforce-pubsub-api-client` (`publishBatch`, `subscribeWithManagedSubscription`,
// `commitReplayId`) over TLS, plus raw gRPC calls made with our own .proto over the plaintext
// listener for what the client does not show (commit responses, stream errors).
//
// The client looks a managed subscription up in the Tooling API before it calls ManagedSubscribe
// (GET <instanceUrl>/services/data/v62.0/tooling/query/?q=SELECT … FROM ManagedEventSubscription …,
// through jsforce, and only to an https:// instanceUrl). interactiond answers that query itself over
// its plain-HTTP REST API (the last test); the client tests use a small HTTPS stand-in for it,
// which can also name a subscription the Tooling API knows and the server does not, as when a
// new subscription has not reached Pub/Sub yet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import path from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import PubSubApiClient from 'salesforce-pubsub-api-client';
import { repoRoot, startServer } from './lib/server.mjs';
import { getJson } from './lib/api.mjs';

const require = createRequire(import.meta.url);
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const TOPIC = '/event/Partner1_Event__e';
const MANAGED_ID = '18x8c00000DMS01';  // config/demo-org.yaml: Partner1_Managed_Sub, RUN
const MANAGED_NAME = 'Partner1_Managed_Sub';
const STOPPED_ID = '18x8c00000DMS02';  // Partner1_Stopped_Sub, STOP
const STOPPED_NAME = 'Partner1_Stopped_Sub';
const UNKNOWN_TO_SERVER_ID = '18x8c00000DMS09';  // only in the Tooling API stand-in
const UNKNOWN_TO_SERVER_NAME = 'Partner1_Not_Yet_Sub';
const CODE = (suffix) => `sfdc.platform.eventbus.grpc.${suffix}`;
// eventbus.v1.ErrorCode values (proto-loader's default leaves enums as numbers).
const ERROR_CODE_PUBLISH = 1;
const ERROR_CODE_COMMIT = 2;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let server;
let committedByClient;  // the replay id the client committed (second test)
let tooling;  // the Tooling API stand-in
let raw;      // raw gRPC client on the plaintext listener
// The client's close() drops its stream listeners without cancelling the streams, so a stream
// error arriving later would be unhandled: clients are closed only after the server has stopped.
const clients = [];

// The 18-character case-safe form of a 15-character record id (what the Tooling API returns).
function id18(id15) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
  let suffix = '';
  for (let block = 0; block < 3; block += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15[block * 5 + i];
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += alphabet[bits];
  }
  return id15 + suffix;
}

// Answers the one Tooling API query the client makes, from `records`, over HTTPS with the
// server's own (self-signed, SAN localhost) certificate, which the test process trusts.
async function startToolingStandIn(dataDir, accessToken) {  // accessToken(): the valid one
  const cert = readFileSync(path.join(dataDir, 'tls', 'pubsub.crt'));
  const key = readFileSync(path.join(dataDir, 'tls', 'pubsub.key'));
  // jsforce uses Node's default HTTPS agent: trust the certificate there (and nowhere else).
  https.globalAgent.options.ca = [cert];
  const records = [
    { id: MANAGED_ID, name: MANAGED_NAME, state: 'RUN' },
    { id: STOPPED_ID, name: STOPPED_NAME, state: 'STOP' },
    { id: UNKNOWN_TO_SERVER_ID, name: UNKNOWN_TO_SERVER_NAME, state: 'RUN' },
  ].map(({ id, name, state }) => ({
    attributes: { type: 'ManagedEventSubscription', url: `/services/data/v62.0/tooling/sobjects/ManagedEventSubscription/${id18(id)}` },
    Id: id18(id),
    DeveloperName: name,
    Metadata: { label: name, topicName: TOPIC, defaultReplay: 'LATEST', errorRecoveryReplay: 'LATEST', state },
  }));
  const queries = [];
  const standIn = https.createServer({ cert, key }, (request, response) => {
    const url = new URL(request.url, 'https://localhost');
    const q = url.searchParams.get('q') ?? '';
    queries.push(q);
    const reply = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${accessToken()}`) {
      return reply(401, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
    }
    const where = q.match(/FROM ManagedEventSubscription WHERE (Id|DeveloperName)='([^']*)' LIMIT 1$/);
    if (url.pathname !== '/services/data/v62.0/tooling/query/' || !where) {
      return reply(400, [{ errorCode: 'MALFORMED_QUERY', message: 'unexpected query' }]);
    }
    const [, field, value] = where;
    const found = records.filter((r) => (field === 'Id'
      ? r.Id.slice(0, 15) === value.slice(0, 15)
      : r.DeveloperName.toLowerCase() === value.toLowerCase()));
    reply(200, { size: found.length, totalSize: found.length, done: true, queryLocator: null, entityTypeName: 'ManagedEventSubscription', records: found });
  });
  await new Promise((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  return { url: `https://localhost:${standIn.address().port}`, queries, close: () => standIn.close() };
}

const SERVER_ARGS = ['--pubsub-keepalive-ms', '500', '--pubsub-idle-timeout-ms', '1500'];
const { PubSub } = grpc.loadPackageDefinition(
  protoLoader.loadSync(path.join(repoRoot, 'proto', 'pubsub.proto'), {}),
).eventbus.v1;

before(async () => {
  // The data survives a restart (last test); after() removes it.
  server = await startServer({ args: SERVER_ARGS, keepData: true });
  assert.ok(server.pubsubTlsPort > 0, server.output());
  tooling = await startToolingStandIn(server.dataDir, () => server.env.ACCESS_TOKEN);
  raw = new PubSub(`127.0.0.1:${server.pubsubPlaintextPort}`, grpc.credentials.createInsecure());
});

after(async () => {
  raw?.close();
  await server?.stop();
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
  tooling?.close();
  for (const client of clients) client.close();
});

async function newClient() {
  const client = new PubSubApiClient(
    {
      authType: 'user-supplied',
      accessToken: server.env.ACCESS_TOKEN,
      instanceUrl: tooling.url,  // where the client asks the Tooling API
      organizationId: server.env.ORG_ID,
      pubSubEndpoint: `localhost:${server.pubsubTlsPort}`,
      rejectUnauthorizedSsl: false,
    },
    quiet,
  );
  await client.connect();
  clients.push(client);
  return client;
}

function authMetadata() {
  const metadata = new grpc.Metadata();
  metadata.add('accesstoken', server.env.ACCESS_TOKEN);
  metadata.add('instanceurl', `https://localhost:${server.port}`);
  metadata.add('tenantid', server.env.ORG_ID);
  return metadata;
}

// Collects what a client subscription reports; waitFor resolves when `predicate(state)` holds.
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
  const waitFor = (predicate, timeoutMs = 8000) =>
    new Promise((resolve, reject) => {
      if (predicate(state)) return resolve(state);
      const timer = setTimeout(() => {
        reject(new Error(`timed out; state: ${JSON.stringify({ ...state, events: state.events.map((e) => e.replayId) })}`));
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

// What publishBatch reports (one callback for every batch of the topic's cached stream).
function publishCollector() {
  const state = { responses: [], errors: [], statuses: [] };
  const c = collector();
  const callback = (info, type, data) => {
    if (type === 'publishResponse') state.responses.push(data);
    else if (type === 'error') state.errors.push(data);
    else if (type === 'grpcStatus') state.statuses.push(data);
    c.callback(info, type, data);
  };
  return { state, callback, waitFor: (predicate, timeoutMs) => c.waitFor(() => predicate(state), timeoutMs) };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function eventPayload(conversation, label) {
  return {
    CreatedDate: Date.now(),
    CreatedById: '005000000000000',
    EventType__c: { string: 'Interaction' },
    Payload__c: {
      string: JSON.stringify({
        conversationIdentifier: conversation,
        channelAddressIdentifier: 'demo-messaging-channel',
        payload: { identifier: `entry-${label}`, entryType: 'Message' },
      }),
    },
  };
}

// Publishes `count` events with the client's unary publish; resolves with their replay ids.
async function publishEvents(client, count, conversation = `conv-${randomUUID()}`) {
  const ids = [];
  for (let i = 0; i < count; i += 1) {
    const result = await client.publish(TOPIC, eventPayload(conversation, `${conversation}-${i}`));
    ids.push(result.replayId);
  }
  return ids;
}

// A raw ManagedSubscribe stream: collects responses; `error` resolves with the stream's error.
function rawManaged() {
  const call = raw.ManagedSubscribe(authMetadata());
  const responses = [];
  const waiters = [];
  call.on('data', (response) => {
    responses.push(response);
    for (const waiter of [...waiters]) waiter();
  });
  const error = new Promise((resolve) => call.on('error', resolve));
  const next = (predicate, timeoutMs = 5000) => new Promise((resolve, reject) => {
    const check = () => {
      const found = responses.find(predicate);
      if (!found) return false;
      responses.splice(responses.indexOf(found), 1);
      resolve(found);
      return true;
    };
    if (check()) return;
    const timer = setTimeout(() => reject(new Error(`no such response: ${JSON.stringify(responses)}`)), timeoutMs);
    const waiter = () => {
      if (check()) {
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(waiter), 1);
      }
    };
    waiters.push(waiter);
  });
  return { call, responses, next, error };
}

const decode = (bytes) => Number(Buffer.from(bytes).readBigUInt64BE());
const encode = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b; };

test('publishBatch: one PublishResponse per batch; the events reach the log and a subscriber', async () => {
  const client = await newClient();
  const subscriber = collector();
  client.subscribe(TOPIC, subscriber.callback, 10);
  await subscriber.waitFor((s) => s.keepalives >= 1);  // positioned (LATEST)

  const conversation = `conv-batch-${randomUUID()}`;
  const published = publishCollector();
  const first = [0, 1, 2].map((i) => ({ id: `batch1-${i}`, payload: eventPayload(conversation, `b1-${i}`) }));
  const second = [0, 1].map((i) => ({ id: `batch2-${i}`, payload: eventPayload(conversation, `b2-${i}`) }));
  // The second batch goes out on the same (cached) stream without waiting for the first answer.
  await client.publishBatch(TOPIC, first, published.callback);
  await client.publishBatch(TOPIC, second, published.callback);
  await published.waitFor((s) => s.responses.length >= 2);
  assert.deepEqual(published.state.errors, []);
  const [r1, r2] = published.state.responses;
  assert.deepEqual(r1.results.map((r) => r.correlationKey), ['batch1-0', 'batch1-1', 'batch1-2']);
  assert.deepEqual(r2.results.map((r) => r.correlationKey), ['batch2-0', 'batch2-1']);
  assert.match(r1.schemaId, /^[A-Za-z0-9_-]{22}$/);
  assert.match(r1.rpcId, /^[0-9a-f-]{36}$/);
  assert.equal(r2.rpcId, r1.rpcId);  // one stream
  const ids = [...r1.results, ...r2.results].map((r) => r.replayId);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  assert.equal(new Set(ids).size, 5);

  // The inspection API shows them, in order, with the payloads sent.
  const logged = await getJson(server, `/admin/v1/events?conversation=${conversation}&wait=2s`);
  assert.equal(logged.status, 200);
  assert.deepEqual(logged.body.events.map((e) => e.replayId), ids);
  assert.equal(logged.body.events[0].topic, TOPIC);
  assert.equal(logged.body.events[3].payload.payload.identifier, 'entry-b2-0');
  assert.equal(logged.body.events[0].createdById, server.env.USER_ID);

  // And the subscriber gets all five.
  await subscriber.waitFor((s) => s.events.length >= 5);
  assert.deepEqual(subscriber.state.events.map((e) => e.replayId), ids);
  assert.equal(JSON.parse(subscriber.state.events[4].payload.Payload__c).payload.identifier, 'entry-b2-1');
});

test('subscribeWithManagedSubscription: receives, commits, and resumes exactly after the commit', async () => {
  const client = await newClient();
  const first = collector();
  // By developer name: the client finds the id in the Tooling API, then sends the id.
  await client.subscribeWithManagedSubscription(MANAGED_NAME, first.callback, 3);
  assert.ok(tooling.queries.some((q) => q.includes(`DeveloperName='${MANAGED_NAME}'`)));
  // Nothing committed yet: the subscription starts at LATEST. Its first keepalive shows the
  // stream is positioned, and carries an 8-byte replay id (the client decodes it).
  await first.waitFor((s) => s.keepalives >= 1);
  assert.equal(typeof first.state.info.lastReplayId, 'number');
  const { subscriptionId } = first.state.info;
  assert.equal(subscriptionId, id18(MANAGED_ID));  // the Tooling API's 18-character id

  const published = await publishEvents(client, 5);
  await first.waitFor((s) => s.events.length >= 3 && s.lastEvent);
  assert.deepEqual(first.state.events.map((e) => e.replayId), published.slice(0, 3));
  assert.equal(first.state.events[0].payload.EventType__c, 'Interaction');
  assert.match(first.state.events[0].id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-/);

  // Commit the second event (the third is "not processed"). No credit is pending, so no
  // keepalive can come: the next empty response the client reports is the commit's answer.
  const keepalivesBefore = first.state.keepalives;
  const commitRequestId = client.commitReplayId(subscriptionId, published[1]);
  committedByClient = published[1];
  assert.match(commitRequestId, /^[0-9a-f-]{36}$/);
  await first.waitFor((s) => s.keepalives > keepalivesBefore);
  assert.equal(first.state.info.lastReplayId, published[2]);  // the stream's position

  // Without credit the stream is closed after the idle timeout (1.5 s here).
  await first.waitFor((s) => s.ended);
  assert.deepEqual(first.state.errors, []);

  // Reconnect (by id this time): exactly the events after the committed one, none lost, none
  // duplicated.
  const second = collector();
  await client.subscribeWithManagedSubscription(subscriptionId, second.callback, 3);
  assert.ok(tooling.queries.some((q) => q.includes(`Id='${subscriptionId}'`)));
  await second.waitFor((s) => s.events.length >= 3 && s.lastEvent);
  await sleep(700);
  assert.deepEqual(second.state.events.map((e) => e.replayId), published.slice(2));
  await second.waitFor((s) => s.ended);  // frees the subscription for the next test
});

test('ManagedSubscribe over raw gRPC: CommitReplayResponse, commit errors, one client at a time', async () => {
  assert.ok(committedByClient, 'the previous test committed');
  const log = await getJson(server, `/admin/v1/events?topic=${encodeURIComponent(TOPIC)}&after=${committedByClient}&limit=1000`);
  const last = log.body.events.at(-1).replayId;
  const stream = rawManaged();
  stream.call.write({ developerName: MANAGED_NAME, numRequested: 1 });
  // It resumes right after what the client committed. One credit: that one event.
  const first = await stream.next((r) => (r.events ?? []).length > 0);
  const delivered = decode(first.events[0].replayId);
  assert.equal(delivered, log.body.events[0].replayId);
  assert.equal(first.latestReplayId.length, 8);

  const startedAt = Date.now();
  stream.call.write({ subscriptionId: MANAGED_ID, commitReplayIdRequest: { commitRequestId: 'raw-1', replayId: encode(delivered) } });
  const ack = await stream.next((r) => r.commitResponse);
  assert.equal(ack.commitResponse.commitRequestId, 'raw-1');
  assert.equal(decode(ack.commitResponse.replayId), delivered);
  assert.ok(!ack.commitResponse.error);
  const processTime = Number(ack.commitResponse.processTime);
  assert.ok(processTime >= startedAt - 1000 && processTime <= Date.now() + 1000, `${processTime}`);
  assert.equal(decode(ack.latestReplayId), delivered);
  assert.equal((ack.events ?? []).length, 0);  // proto-loader leaves an empty list out

  // A replay id that is not 8 bytes, or one the log never had: a COMMIT error, the stream goes on.
  for (const [id, replayId] of [['raw-short', Buffer.from([1, 2, 3])], ['raw-unknown', encode(last + 1000)]]) {
    stream.call.write({ commitReplayIdRequest: { commitRequestId: id, replayId } });
    const refused = await stream.next((r) => r.commitResponse?.commitRequestId === id);
    assert.equal(refused.commitResponse.error.code, ERROR_CODE_COMMIT);
    assert.ok(refused.commitResponse.error.msg.length > 0);
  }

  // A second client on the same subscription is refused while this one is connected.
  const other = rawManaged();
  other.call.write({ subscriptionId: id18(MANAGED_ID), numRequested: 1 });
  const busy = await other.error;
  assert.equal(busy.code, grpc.status.ALREADY_EXISTS);
  assert.equal(busy.metadata.get('error-code')[0], CODE('managed.subscription.already.active'));

  // Half-close: with its credit used up, the stream ends with OK.
  const ended = new Promise((resolve) => stream.call.on('status', resolve));
  stream.call.end();
  assert.equal((await ended).code, grpc.status.OK);
});

test('unknown and stopped managed subscriptions are refused with the platform-style error code', async () => {
  for (const [request, code, errorCode] of [
    [{ subscriptionId: '18x8c00000NOPE1', numRequested: 1 }, grpc.status.NOT_FOUND, 'managed.subscription.not.found'],
    [{ developerName: 'No_Such_Sub', numRequested: 1 }, grpc.status.NOT_FOUND, 'managed.subscription.not.found'],
    [{ numRequested: 1 }, grpc.status.INVALID_ARGUMENT, 'managed.subscription.validation.empty'],
    [{ developerName: STOPPED_NAME, numRequested: 1 }, grpc.status.FAILED_PRECONDITION, 'managed.subscription.stopped'],
    [{ subscriptionId: MANAGED_ID, numRequested: 0 }, grpc.status.INVALID_ARGUMENT, 'subscription.fetch.requested.events.invalid'],
  ]) {
    const stream = rawManaged();
    stream.call.write(request);
    const error = await stream.error;
    assert.equal(error.code, code, JSON.stringify(request));
    assert.equal(error.metadata.get('error-code')[0], CODE(errorCode));
    assert.match(error.details, /rpcId: [0-9a-f-]{36}$/);
    assert.equal(error.metadata.get('rpc-id')[0], error.details.match(/rpcId: (\S+)$/)[1]);
  }

  // Through the client: a subscription the Tooling API has but the Pub/Sub server does not (not
  // propagated yet) reaches the server, whose NOT_FOUND the client reports.
  const client = await newClient();
  const unknown = collector();
  await client.subscribeWithManagedSubscription(UNKNOWN_TO_SERVER_NAME, unknown.callback, 1);
  await unknown.waitFor((s) => s.errors.length > 0);
  assert.equal(unknown.state.errors[0].code, grpc.status.NOT_FOUND);
  assert.equal(unknown.state.errors[0].metadata.get('error-code')[0], CODE('managed.subscription.not.found'));
  // The client itself refuses what the Tooling API says is stopped or does not exist.
  await assert.rejects(client.subscribeWithManagedSubscription(STOPPED_NAME, () => {}, 1), /STOP state/);
  await assert.rejects(client.subscribeWithManagedSubscription('No_Such_Sub', () => {}, 1), /Failed to retrieve managed event subscription/);
});

test('PublishStream over raw gRPC: a topic mismatch or an empty batch ends the stream after earlier answers', async () => {
  const { schemaId } = await new Promise((resolve, reject) => {
    raw.GetTopic({ topicName: TOPIC }, authMetadata(), (error, response) => (error ? reject(error) : resolve(response)));
  });
  const client = await newClient();
  // A payload the topic's schema encodes: borrow one from a client-published event.
  const [replayId] = await publishEvents(client, 1);
  const payload = await new Promise((resolve, reject) => {
    const call = raw.Subscribe(authMetadata());
    call.on('data', (r) => { if (r.events?.length) { resolve(r.events[0].event.payload); call.cancel(); } });
    call.on('error', (e) => { if (e.code !== grpc.status.CANCELLED) reject(e); });
    call.write({ topicName: TOPIC, replayPreset: 'CUSTOM', replayId: encode(replayId - 1), numRequested: 1 });
  });
  const event = (id) => ({ id, schemaId, payload });

  for (const [second, code, errorCode] of [
    [{ topicName: '/event/Partner1_CCaaS_Event__e', events: [event('m-2')] }, grpc.status.INVALID_ARGUMENT, 'publish.topic.mismatch'],
    [{ events: [] }, grpc.status.INVALID_ARGUMENT, 'publish.event.count.invalid'],
  ]) {
    const call = raw.PublishStream(authMetadata());
    const responses = [];
    call.on('data', (r) => responses.push(r));
    const error = new Promise((resolve) => call.on('error', resolve));
    call.write({ topicName: TOPIC, events: [event('m-1'), { id: 'bad', schemaId: 'AAAAAAAAAAAAAAAAAAAAAA', payload }] });
    call.write(second);
    const failure = await error;
    assert.equal(failure.code, code);
    assert.equal(failure.metadata.get('error-code')[0], CODE(errorCode));
    // The first request was answered before the stream ended: one good result, one PUBLISH error.
    assert.equal(responses.length, 1);
    assert.equal(responses[0].results[0].correlationKey, 'm-1');
    assert.equal(responses[0].results[0].replayId.length, 8);
    assert.equal(responses[0].results[1].error.code, ERROR_CODE_PUBLISH);
  }

  // An unknown topic in the first request ends the stream at once.
  const call = raw.PublishStream(authMetadata());
  const error = new Promise((resolve) => call.on('error', resolve));
  call.on('data', () => assert.fail('no response expected'));
  call.write({ topicName: '/event/Unknown__e', events: [event('u-1')] });
  const failure = await error;
  assert.equal(failure.code, grpc.status.NOT_FOUND);
  assert.equal(failure.metadata.get('error-code')[0], CODE('topic.not.found'));
});

test('a committed replay id survives a server restart', async () => {
  const log = await getJson(server, `/admin/v1/events?topic=${encodeURIComponent(TOPIC)}&limit=1000`);
  const last = log.body.events.at(-1).replayId;
  // Commit the newest event with a commit-only first request (no credit asked).
  const stream = rawManaged();
  stream.call.write({ subscriptionId: MANAGED_ID, commitReplayIdRequest: { commitRequestId: 'before-restart', replayId: encode(last) } });
  const ack = await stream.next((r) => r.commitResponse);
  assert.ok(!ack.commitResponse.error);
  stream.call.cancel();

  // Restart on the same data, then publish one event before anyone subscribes.
  raw.close();
  await server.stop();
  server = await startServer({ dataDir: server.dataDir, args: SERVER_ARGS, keepData: true });
  raw = new PubSub(`127.0.0.1:${server.pubsubPlaintextPort}`, grpc.credentials.createInsecure());
  const client = await newClient();
  const [published] = await publishEvents(client, 1);
  assert.ok(published > last);

  // The subscription resumes after the commit, so it gets that event (LATEST would not).
  const resumed = collector();
  await client.subscribeWithManagedSubscription(MANAGED_NAME, resumed.callback, 5);
  await resumed.waitFor((s) => s.events.length >= 1);
  await sleep(500);
  assert.deepEqual(resumed.state.events.map((e) => e.replayId), [published]);
});

// The npm client insists on an https:// instanceUrl, and the server's REST API is plain HTTP, so
// the client itself cannot be pointed at it (a TLS proxy in front of the server can); the query
// it makes is answered here as jsforce would read it.
test('the server answers the Tooling API query managed subscriptions make', async () => {
  // The query's answer, as jsforce reads it.
  const q = `SELECT Id, DeveloperName, Metadata FROM ManagedEventSubscription WHERE Id='${id18(STOPPED_ID)}' LIMIT 1`;
  const response = await fetch(`${server.baseUrl}/services/data/v62.0/tooling/query/?q=${encodeURIComponent(q)}`, {
    headers: { Authorization: `Bearer ${server.env.ACCESS_TOKEN}` },
  });
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.totalSize, 1);
  assert.equal(body.records[0].DeveloperName, STOPPED_NAME);
  assert.equal(body.records[0].Metadata.state, 'STOP');
  assert.equal(body.records[0].Metadata.topicName, TOPIC);
  const unauthorized = await fetch(`${server.baseUrl}/services/data/v62.0/tooling/query/?q=${encodeURIComponent(q)}`);
  assert.equal(unauthorized.status, 401);
  assert.equal((await unauthorized.json())[0].errorCode, 'INVALID_SESSION_ID');
  const other = await fetch(`${server.baseUrl}/services/data/v62.0/tooling/query/?q=SELECT+Name+FROM+Account`, {
    headers: { Authorization: `Bearer ${server.env.ACCESS_TOKEN}` },
  });
  assert.equal(other.status, 400);
  assert.equal((await other.json())[0].errorCode, 'MALFORMED_QUERY');
});
