// Runs last (files run in name order, one at a time): reports which catalogue codes the suite
// provoked, from the codes every response recorded in E2E_CODES_FILE, and checks that every code
// POST /api/v1/interactions must be able to answer was reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { catalogue, haveCatalogue, serverCatalogueCodes } from './lib/catalogue.mjs';

const REQUIRED = [
  // POST /api/v1/interactions and the header checks (issue 2)
  500, 10001, 10002, 10003, 10004, 10005, 10006, 10007, 10008, 10009, 10010, 10011, 10016, 10017,
  10026, 10027, 10028, 10029, 10031, 10035, 10037, 10038, 10045, 10047, 10048, 10049, 10051, 10059,
  10060, 10062, 10089, 10093, 10095, 10096, 10100, 20002, 20003,
  // the rep side (issue 3)
  10036, 10071, 15105, 15106,
  // conversation, messagingSession, consent, acknowledgement (issue 4)
  10018, 10019, 10020, 10021, 10022, 10023, 10039, 10052, 10053, 10054, 10101, 10102, 10103, 10104,
  10105, 10106,
  // capabilities (issue 4)
  10050, 10098,
  // conversationHistory (issue 4)
  10042, 10043, 10044, 10046, 10057, 10061, 10063, 10064, 10065, 10066, 10067, 10068, 10069, 10070,
  10072, 10073, 10074, 10078,
  // BYOB (issue 5): conversationEntry POST/GET, attachment
  10046, 10068, 10086, 10087, 10088, 10089, 10090, 10091, 10092, 10093,
  // routing (issue 5): route, agentWork, routingResult, participant
  10012, 10013, 10014, 10015, 10024, 10025, 10030, 10032, 10033, 10034, 10075, 10076, 10077, 10082,
  10083, 10084, 10085, 10097, 15102, 15103, 15104, 15107, 15108, 15109, 15110, 15111, 15112, 25005,
  25006, 25007,
  // the org gates of every /api/v1 request
  10094, 10099, 20004,
];

const codesFile = process.env.E2E_CODES_FILE;

test('catalogue coverage report', { skip: codesFile ? false : 'E2E_CODES_FILE is not set' }, () => {
  const provoked = existsSync(codesFile)
    ? [...new Set(readFileSync(codesFile, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean).map(Number))].sort((a, b) => a - b)
    : [];
  const known = haveCatalogue ? [...catalogue.keys()] : serverCatalogueCodes();
  const inCatalogue = provoked.filter((code) => known.includes(code));
  const lines = [
    `catalogue codes provoked: ${inCatalogue.length} of ${known.length}${haveCatalogue ? '' : ' (server catalogue; reference absent)'}`,
    inCatalogue.join(' '),
  ];
  const unknown = provoked.filter((code) => !known.includes(code));
  if (unknown.length) lines.push(`codes answered that the catalogue does not list: ${unknown.join(' ')}`);
  for (const line of lines) console.log(line);
  const missing = REQUIRED.filter((code) => !provoked.includes(code));
  assert.deepEqual(missing, [], `required codes never provoked: ${missing.join(', ')}`);
  assert.deepEqual(unknown, [], 'every code the server answered must be a catalogue code');
});
