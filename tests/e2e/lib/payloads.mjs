// Interaction payloads of every kind the endpoint accepts, tiny but valid files of the supported
// types, and a byte-exact multipart/form-data encoder for requests sent over raw sockets.
import { randomUUID, createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

// ---------------------------------------------------------------------------------------------
// Interactions

// { to, from, interactions: [interaction] } plus any extra top-level fields.
export function envelope({ to, from, interaction, extra = {} }) {
  return { to, from, interactions: [interaction], ...extra };
}

export function entryInteraction(payload, { timestamp = Date.now(), extra = {} } = {}) {
  return { timestamp, interactionType: 'EntryInteraction', payload, ...extra };
}

// A Message entry whose abstractMessage carries `content` under the key its messageType uses.
export function messagePayload(messageType, content, { id = randomUUID(), messageId = id } = {}) {
  const key = {
    StaticContentMessage: 'staticContent',
    ChoicesResponseMessage: 'choicesResponse',
    FormResponseMessage: 'formResponse',
    ChoicesMessage: 'choices',
    FormMessage: 'form',
  }[messageType] ?? 'staticContent';
  return { id, entryType: 'Message', abstractMessage: { messageType, id: messageId, [key]: content } };
}

export const contents = {
  text: (text = 'Hello') => ({ formatType: 'Text', text }),
  links: (url = 'https://example.com/a') => ({ formatType: 'Links', links: [{ url, title: 'A link' }] }),
  experienceType: () => ({ formatType: 'ExperienceType', values: [{ key: 'k', value: 'v' }] }),
  attachments: () => ({
    formatType: 'Attachments',
    text: 'see attached',
    attachments: [{
      id: randomUUID(), name: 'photo.png', mimeType: 'image/png', url: 'https://example.com/photo.png',
    }],
  }),
  selections: () => ({
    formatType: 'Selections',
    selectedOptions: [{ optionIdentifier: 'opt-1', title: 'Option 1' }],
  }),
  inputs: () => ({
    formatType: 'Inputs',
    inputValues: [{ id: 'field-1', value: 'abc' }],
  }),
  result: () => ({ formatType: 'Result', result: { message: 'done', fields: [] } }),
};

export function textInteraction({ to, from, text = 'Hello', id = randomUUID(), timestamp = Date.now() }) {
  return envelope({ to, from, interaction: entryInteraction(messagePayload('StaticContentMessage', contents.text(text), { id }), { timestamp }) });
}

export function typingPayload(kind, { id = randomUUID(), timestamp = Date.now() } = {}) {
  return { id, entryType: kind, timestamp };
}

export function deliveryFailedPayload({ id = randomUUID(), subject = 'end-user', errorCode = 'ERR_1', recipient } = {}) {
  return {
    id,
    entryType: 'MessageDeliveryFailed',
    failedConversationEntryIdentifier: randomUUID(),
    recipient: recipient ?? { appType: 'custom', subject, role: 'EndUser' },
    errorCode,
  };
}

export function attachmentInteraction({ id = randomUUID(), contentLength, attachmentIndex = 0, text, timestamp = Date.now(), extra = {} }) {
  const interaction = { timestamp, interactionType: 'AttachmentInteraction', id, attachmentIndex, contentLength, ...extra };
  if (text !== undefined) interaction.text = text;
  return interaction;
}

// ---------------------------------------------------------------------------------------------
// Files

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

// A valid 1×1 RGB PNG.
export function pngBytes() {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const raw = Buffer.from([0, 0xff, 0x80, 0x00]); // filter byte + one pixel
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// A valid 1×1 GIF89a.
export function gifBytes() {
  return Buffer.from([
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xff, 0xff, 0xff, // global colour table
    0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, // image descriptor
    0x02, 0x02, 0x44, 0x01, 0x00, // LZW data
    0x3b,
  ]);
}

// A minimal one-page PDF with a correct xref table.
export function pdfBytes() {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>',
  ];
  let text = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(text));
    text += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(text);
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) text += `${String(offset).padStart(10, '0')} 00000 n \n`;
  text += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(text, 'latin1');
}

// A valid baseline 8×8 grey JPEG (one block, all coefficients zero).
export function jpegBytes() {
  const segment = (marker, data) => {
    const header = Buffer.from([0xff, marker, 0, 0]);
    header.writeUInt16BE(data.length + 2, 2);
    return Buffer.concat([header, Buffer.from(data)]);
  };
  const app0 = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const dqt = segment(0xdb, [0x00, ...new Array(64).fill(1)]);
  const sof0 = segment(0xc0, [0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00]);
  const counts = (n) => { const c = new Array(16).fill(0); c[0] = n; return c; };
  const dhtDc = segment(0xc4, [0x00, ...counts(1), 0x00]); // DC table 0: one 1-bit code → category 0
  const dhtAc = segment(0xc4, [0x10, ...counts(1), 0x00]); // AC table 0: one 1-bit code → EOB
  const sos = segment(0xda, [0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]), app0, dqt, sof0, dhtDc, dhtAc, sos,
    Buffer.from([0x3f]), // DC category 0 ('0'), EOB ('0'), padded with 1s
    Buffer.from([0xff, 0xd9]),
  ]);
}

// A valid 1×1 24-bit BMP.
export function bmpBytes() {
  const buffer = Buffer.alloc(58);
  buffer.write('BM', 0, 'latin1');
  buffer.writeUInt32LE(58, 2);
  buffer.writeUInt32LE(54, 10);
  buffer.writeUInt32LE(40, 14);
  buffer.writeInt32LE(1, 18);
  buffer.writeInt32LE(1, 22);
  buffer.writeUInt16LE(1, 26);
  buffer.writeUInt16LE(24, 28);
  buffer.writeUInt32LE(4, 34);
  buffer[54] = 0x00; buffer[55] = 0x80; buffer[56] = 0xff;
  return buffer;
}

export function sha256Hex(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Multipart, byte-exact

export function randomBoundary() {
  return `----e2eBoundary${randomUUID().replace(/-/g, '')}`;
}

// parts: [{ name, filename?, type?, data: Buffer|string, headers?: string[] }]
export function encodeMultipart(parts, boundary = randomBoundary()) {
  const chunks = [];
  for (const part of parts) {
    let disposition = `form-data; name="${part.name}"`;
    if (part.filename !== undefined) disposition += `; filename="${part.filename}"`;
    let head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n`;
    if (part.type) head += `Content-Type: ${part.type}\r\n`;
    for (const extra of part.headers ?? []) head += `${extra}\r\n`;
    head += '\r\n';
    chunks.push(Buffer.from(head, 'utf8'), Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data, 'utf8'), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), boundary, contentType: `multipart/form-data; boundary=${boundary}` };
}

// The usual form of an interactions request: a json part and optional files.
export function interactionForm({ json, files = [], filesFirst = false, boundary }) {
  const jsonPart = { name: 'json', type: 'application/json', data: typeof json === 'string' ? json : JSON.stringify(json) };
  const fileParts = files.map((f) => ({ name: f.name ?? 'attachments', filename: f.filename ?? 'file.bin', type: f.type ?? 'application/octet-stream', data: f.data }));
  const parts = filesFirst ? [...fileParts, jsonPart] : [jsonPart, ...fileParts];
  return encodeMultipart(parts, boundary);
}
