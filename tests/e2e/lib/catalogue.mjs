// The published error catalogue (shared/reference/error-codes.md) as the tests' source of truth for
// error messages, and assertions on the service's error responses.
//
// When the reference file is absent the tests fall back to asserting the code only (and the report
// counts the codes of the server's own catalogue, read from its source).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { referenceDir, repoRoot } from './server.mjs';

export const catalogueFile = path.join(referenceDir, 'error-codes.md');

// Parses the markdown tables: `| 10001 | text |` rows. Markdown escapes (`\<`, `\>`, …) are
// removed; cell padding is trimmed.
export function parseCatalogue(markdown) {
  const codes = new Map();
  for (const line of markdown.split('\n')) {
    const match = line.match(/^\|\s*(\d+)\s*\|(.*)\|\s*$/);
    if (!match) continue;
    const text = match[2].trim().replace(/\\([\\`*_{}\[\]()#+\-.!<>|])/g, '$1');
    codes.set(Number(match[1]), text);
  }
  return codes;
}

function loadReference() {
  if (!existsSync(catalogueFile)) return null;
  return parseCatalogue(readFileSync(catalogueFile, 'utf8'));
}

// Map code → message, or null when the reference catalogue is not on this machine.
export const catalogue = loadReference();
export const haveCatalogue = catalogue !== null;

// The codes of the server's own catalogue (src/domain/error_catalog.cpp), for the report when the
// reference is absent.
export function serverCatalogueCodes() {
  const file = path.join(repoRoot, 'src', 'domain', 'error_catalog.cpp');
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  return [...new Set([...text.matchAll(/\{\s*(\d{3,5}),\s*\d{3},/g)].map((m) => Number(m[1])))];
}

// HTTP status per code, as docs/compatibility.md decides ("HTTP status per code").
const STATUS_BY_CODE = new Map([
  [10004, 401],
  ...[10001, 10003, 10005, 10057, 10087, 10099, 10104, 15102, 15105].map((c) => [c, 403]),
  ...[10017, 10025, 10036, 10071, 10105, 15111, 25005, 25006, 25007].map((c) => [c, 404]),
  [15109, 409], [10073, 409],
  [10055, 412],
  [10019, 503],
  [10094, 504],
  ...[500, 20002, 20004, 10056].map((c) => [c, 500]),
]);

export function statusForCode(code) {
  return STATUS_BY_CODE.get(code) ?? 400;
}

export function messageFor(code) {
  if (!haveCatalogue) return undefined;
  const message = catalogue.get(code);
  assert.ok(message !== undefined, `code ${code} is not in the reference catalogue`);
  return message;
}

// Asserts an error answer: HTTP status (the documented one unless given) and the exact body
// {code, message} (the code only when the catalogue is absent).
export function assertApiError(response, code, { status = statusForCode(code), context = '' } = {}) {
  const where = `${context ? `${context}: ` : ''}expected ${status} ${code}, got ${response.status} ${JSON.stringify(response.body)}`;
  assert.equal(response.status, status, where);
  assert.ok(response.body && typeof response.body === 'object', where);
  if (haveCatalogue) {
    assert.deepEqual(response.body, { code, message: messageFor(code) }, where);
  } else {
    assert.equal(response.body.code, code, where);
    assert.equal(typeof response.body.message, 'string', where);
  }
  const contentType = response.headers?.get?.('content-type') ?? response.headers?.['content-type'];
  if (contentType !== undefined && contentType !== null) {
    assert.match(contentType, /^application\/json/, `${where} (content-type ${contentType})`);
  }
}
