/**
 * The ingest scenario's live producer, in its own process: XADDs contract entries to
 * `kw:collect` at a fixed rate, pipelined in 20 ms slices on a fixed schedule, for as long
 * as asked (IPC `produce`), and reports how much it wrote and how far behind it fell.
 */
import { createClient } from 'redis';
import { startProducer } from '../lib/entries.mjs';
import { serveRequests } from '../lib/ipc.mjs';

const client = createClient({ url: process.env.BENCH_REDIS_URL, RESP: 2 });
client.on('error', () => {});
await client.connect();

serveRequests({
  produce: async ({ rate, durationMs }) => {
    const producer = startProducer(client, 'kw:collect', rate, { sliceMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    return producer.stop();
  },
});
