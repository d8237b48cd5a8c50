/**
 * Request/response over a child's IPC channel: the harness asks a load generator or an
 * arm's probe for something and awaits the answer with the same id.
 */
let nextId = 1;

/** Sends `{ id, ...message }` to `child` and resolves with the reply's `result` (rejects on its `error`, or after `timeoutMs`). */
export function request(child, message, timeoutMs = 120_000) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (reply) => {
      if (!reply || reply.id !== id) return;
      cleanup();
      if (reply.error) reject(new Error(`${message.cmd}: ${reply.error}`));
      else resolve(reply.result);
    };
    const onExit = (code, signal) => {
      cleanup();
      reject(new Error(`${message.cmd}: the process exited (${code ?? signal}) before answering`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${message.cmd}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ id, ...message });
  });
}

/**
 * Serves requests in a child: `handlers[cmd](message)` may return a value or a promise;
 * its result (or error message) goes back with the request's id.
 */
export function serveRequests(handlers) {
  process.on('message', async (message) => {
    if (!message || typeof message.id !== 'number') return;
    const handler = handlers[message.cmd];
    try {
      if (!handler) throw new Error(`unknown command ${message.cmd}`);
      const result = await handler(message);
      process.send({ id: message.id, result: result ?? null });
    } catch (error) {
      process.send({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}
