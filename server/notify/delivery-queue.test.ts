import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/redis-server.js';
import { WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { DeliveryQueue, type Delivery, type DeliveryOutcome } from './delivery-queue.js';
import { endpointVar } from './notify-settings.js';

const FAST_RETRY = { baseMs: 10, maxMs: 40 };

interface Logged {
  level: string;
  details: object;
  message: string;
}

function recordingLog(lines: Logged[]) {
  const at = (level: string) => (details: object, message: string) => lines.push({ level, details, message });
  return { info: at('info'), warn: at('warn'), debug: at('debug') };
}

function delivery(text: string, replaces?: string): Delivery {
  return { describe: text, build: () => ({ body: JSON.stringify({ text }), headers: { 'x-test': text } }), ...(replaces ? { replaces } : {}) };
}

let receiver: WebhookReceiver | undefined;
let queue: DeliveryQueue | undefined;

afterEach(async () => {
  await queue?.stop();
  await receiver?.stop();
  queue = undefined;
  receiver = undefined;
});

function start(url: string, options: { maxAttempts?: number; capacity?: number; timeoutMs?: number; lines?: Logged[]; outcomes?: DeliveryOutcome[] } = {}) {
  queue = new DeliveryQueue({
    target: 'webhook', endpoint: endpointVar('KW_WEBHOOK_URL', url), timeoutMs: options.timeoutMs ?? 1000,
    maxAttempts: options.maxAttempts ?? 4, capacity: options.capacity ?? 100, retry: FAST_RETRY,
    log: recordingLog(options.lines ?? []), onOutcome: (outcome) => options.outcomes?.push(outcome),
  });
  return queue;
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const texts = (server: WebhookReceiver) => server.requests.map((request) => (JSON.parse(request.rawBody) as { text: string }).text);

describe('DeliveryQueue', () => {
  it('delivers in order, returning at once from push', async () => {
    receiver = await WebhookReceiver.start('ok');
    const outcomes: DeliveryOutcome[] = [];
    const queue = start(receiver.url, { outcomes });
    for (const text of ['a', 'b', 'c']) queue.push(delivery(text));
    expect(receiver.requests).toHaveLength(0);
    await until(() => outcomes.length === 3);
    expect(texts(receiver)).toEqual(['a', 'b', 'c']);
    expect(receiver.requests[0]!.headers['x-test']).toBe('a');
    expect(outcomes).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('retries a failing receiver with backoff, a bounded number of times, then gives up and logs it once', async () => {
    receiver = await WebhookReceiver.start('fail');
    const lines: Logged[] = [];
    const outcomes: DeliveryOutcome[] = [];
    const queue = start(receiver.url, { maxAttempts: 3, lines, outcomes });
    queue.push(delivery('a'));
    await until(() => outcomes.length === 1);
    expect(outcomes).toEqual(['failed']);
    expect(receiver.requests).toHaveLength(3);
    const gaps = receiver.requests.slice(1).map((request, index) => request.receivedAt - receiver!.requests[index]!.receivedAt);
    expect(gaps[0]).toBeGreaterThanOrEqual(4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.requests).toHaveLength(3);
    expect(lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      'notification receiver failed; retrying with backoff', 'notification given up after its last attempt',
    ]);
    expect(lines.find((line) => line.message.includes('given up'))?.details).toMatchObject({ reason: 'HTTP 500', attempts: 3, notification: 'a' });

    // The receiver comes back: the next notification goes through, and the log says so.
    receiver.mode = 'ok';
    queue.push(delivery('b'));
    await until(() => outcomes.length === 2);
    expect(outcomes[1]).toBe('delivered');
    expect(lines.at(-1)?.message).toBe('notification receiver answers again');
  });

  it('gives up on a closed port within its attempts', async () => {
    const outcomes: DeliveryOutcome[] = [];
    const lines: Logged[] = [];
    const queue = start(`http://127.0.0.1:${await freePort()}/hook`, { maxAttempts: 3, outcomes, lines });
    queue.push(delivery('a'));
    await until(() => outcomes.length === 1);
    expect(outcomes).toEqual(['failed']);
    expect(queue.stats.attempts).toBe(3);
    expect(lines.find((line) => line.message.includes('given up'))?.details).toMatchObject({ reason: 'ECONNREFUSED' });
  });

  it('times out a receiver that does not answer, and retries it', async () => {
    receiver = await WebhookReceiver.start('hang');
    const outcomes: DeliveryOutcome[] = [];
    const lines: Logged[] = [];
    const queue = start(receiver.url, { maxAttempts: 2, timeoutMs: 100, outcomes, lines });
    const startedAt = Date.now();
    queue.push(delivery('a'));
    await until(() => outcomes.length === 1);
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(receiver.connectionsSeen).toBe(2);
    expect(lines.find((line) => line.message.includes('given up'))?.details).toMatchObject({ reason: 'timeout' });
  });

  it('does not retry a request the receiver refuses (4xx)', async () => {
    const { createServer } = await import('node:http');
    let requests = 0;
    const server = createServer((_request, response) => {
      requests++;
      response.writeHead(400).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const outcomes: DeliveryOutcome[] = [];
    const lines: Logged[] = [];
    const queue = start(`http://127.0.0.1:${port}/`, { maxAttempts: 5, outcomes, lines });
    queue.push(delivery('a'));
    await until(() => outcomes.length === 1);
    expect(outcomes).toEqual(['failed']);
    expect(requests).toBe(1);
    expect(lines.at(-1)?.message).toBe('notification refused by the receiver; not retried');
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('holds at most its capacity: the oldest are dropped, counted and logged once per minute', async () => {
    receiver = await WebhookReceiver.start('hang');
    const outcomes: DeliveryOutcome[] = [];
    const lines: Logged[] = [];
    const queue = start(receiver.url, { capacity: 3, maxAttempts: 1, timeoutMs: 200, outcomes, lines });
    for (let index = 0; index < 10; index++) queue.push(delivery(`n${index}`));
    // One in flight (n0), three waiting (n7, n8, n9), six dropped.
    expect(queue.length).toBe(3);
    expect(outcomes.filter((outcome) => outcome === 'dropped')).toHaveLength(6);
    expect(queue.stats.dropped).toBe(6);
    expect(lines.filter((line) => line.message.startsWith('notification queue full'))).toHaveLength(1);
    receiver.mode = 'ok';
    await until(() => outcomes.length === 10);
    expect(texts(receiver)).toEqual(['n0', 'n7', 'n8', 'n9']);
  });

  it('replaces a waiting notification with a newer one of the same key', async () => {
    receiver = await WebhookReceiver.start('ok');
    const outcomes: DeliveryOutcome[] = [];
    const queue = start(receiver.url, { outcomes });
    queue.push(delivery('first'));
    queue.push(delivery('resend-1', 'resend'));
    queue.push(delivery('event'));
    queue.push(delivery('resend-2', 'resend'));
    await until(() => outcomes.length === 3);
    expect(texts(receiver)).toEqual(['first', 'event', 'resend-2']);
  });

  it('stops at once, abandoning the attempt in flight and what waits', async () => {
    receiver = await WebhookReceiver.start('hang');
    const lines: Logged[] = [];
    const queue = start(receiver.url, { timeoutMs: 30_000, lines });
    queue.push(delivery('a'));
    queue.push(delivery('b'));
    await until(() => receiver!.connectionsSeen === 1);
    const startedAt = Date.now();
    await queue.stop();
    expect(Date.now() - startedAt).toBeLessThan(500);
    expect(lines.at(-1)).toMatchObject({ message: 'notifications not sent at shutdown', details: { left: 1 } });
    queue.push(delivery('c'));
    expect(queue.length).toBe(0);
  });
});
