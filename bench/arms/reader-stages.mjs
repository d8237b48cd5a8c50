/**
 * Where a reader's CPU goes per entry, measured in one process with no I/O, so the ingest
 * ratio can be read against its parts: node-redis's RESP decoding of an XREADGROUP reply
 * (which the bare loop and Keywatch both pay), then what only Keywatch does — the contract
 * parse (`classifyEntry`) and the batch's deltas (`buildCommit`). Replies are 1,000
 * entries of the ingest scenario's own fields, encoded exactly as Redis sends them (RESP2).
 * Prints one JSON line: per stage, the median µs per entry over the measured rounds.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { collectFields } from '../lib/entries.mjs';
import { PROJECT_ROOT } from '../lib/paths.mjs';

const dist = (path) => import(pathToFileURL(join(PROJECT_ROOT, 'dist', path)).href);
const { classifyEntry } = await dist('server/ingest/classify.js');
const { buildCommit } = await dist('server/ingest/batch-commit.js');
const { arrivalOf } = await dist('server/ingest/stream-source.js');
// The decoder node-redis feeds every reply through (not part of its public API, hence the path).
const { Decoder } = createRequire(join(PROJECT_ROOT, 'package.json'))('@redis/client/dist/lib/RESP/decoder.js');

const ENTRIES = 1000;
const REPLIES = 20;
const WARMUP_ROUNDS = 10;
const ROUNDS = 25;

const bulk = (text) => `$${Buffer.byteLength(text)}\r\n${text}\r\n`;

/** An XREADGROUP reply of `ENTRIES` collect entries numbered from `first`, as bytes on the wire. */
function xreadgroupReply(first, nowMs) {
  let wire = `*1\r\n*2\r\n${bulk('kw:collect')}*${ENTRIES}\r\n`;
  for (let i = 0; i < ENTRIES; i++) {
    const fields = collectFields(first + i, nowMs - 200);
    wire += `*2\r\n${bulk(`${nowMs}-${i}`)}*${fields.length}\r\n${fields.map(bulk).join('')}`;
  }
  return Buffer.from(wire);
}

const nowMs = Date.now();
const replies = Array.from({ length: REPLIES }, (_, index) => xreadgroupReply(index * ENTRIES, nowMs));
let decoded = null;
const decoder = new Decoder({
  onReply: (reply) => (decoded = reply), onErrorReply: () => {}, onPush: () => {}, getTypeMapping: () => ({}),
});

const samples = { decode: [], parse: [], deltas: [] };
const perEntryUs = (fromNs, toNs) => Number(toNs - fromNs) / 1000 / ENTRIES;
for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
  const sums = { decode: 0, parse: 0, deltas: 0 };
  for (const wire of replies) {
    const start = process.hrtime.bigint();
    decoder.write(wire);
    const afterDecode = process.hrtime.bigint();
    const entries = decoded[0][1].map(([id, fields]) => ({ stream: 'collect', id, arrivalMs: arrivalOf(id), fields }));
    const afterEntries = process.hrtime.bigint();
    const classified = entries.map((entry) => classifyEntry(entry, 2000));
    const afterParse = process.hrtime.bigint();
    buildCommit(classified, 'kw:', null, 0);
    const end = process.hrtime.bigint();
    sums.decode += perEntryUs(start, afterDecode);
    sums.parse += perEntryUs(afterEntries, afterParse);
    sums.deltas += perEntryUs(afterParse, end);
  }
  if (round < WARMUP_ROUNDS) continue;
  for (const stage of Object.keys(sums)) samples[stage].push(sums[stage] / REPLIES);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
process.stdout.write(`${JSON.stringify({
  entriesPerReply: ENTRIES, rounds: ROUNDS,
  usPerEntry: Object.fromEntries(Object.entries(samples).map(([stage, values]) => [stage, median(values)])),
})}\n`);
