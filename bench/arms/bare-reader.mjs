/**
 * Baseline arm of the ingest scenario: the least a reader can do — a node-redis loop
 * that reads `kw:collect` through its own consumer group (`XREADGROUP COUNT 500`) and
 * acknowledges each batch (`XACK`), applying nothing. Exits once a read comes back empty.
 */
import { createClient } from 'redis';

const url = process.env.BENCH_REDIS_URL;
const stream = process.env.BENCH_STREAM ?? 'kw:collect';
const group = process.env.BENCH_GROUP ?? 'bare';
const count = Number(process.env.BENCH_COUNT ?? 500);

const client = createClient({ url, RESP: 2 });
client.on('error', () => {});
await client.connect();
try {
  await client.sendCommand(['XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM']);
} catch (error) {
  if (!String(error.message).startsWith('BUSYGROUP')) throw error;
}
let read = 0;
for (;;) {
  const reply = await client.sendCommand(['XREADGROUP', 'GROUP', group, 'bare-1', 'COUNT', String(count), 'STREAMS', stream, '>']);
  const entries = reply?.[0]?.[1] ?? [];
  if (entries.length === 0) break;
  await client.sendCommand(['XACK', stream, group, ...entries.map((entry) => entry[0])]);
  read += entries.length;
}
client.destroy();
process.stdout.write(`bare reader: ${read} entries\n`);
