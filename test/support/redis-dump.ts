/** Everything Keywatch wrote into Redis, as text: every key but the input streams, and its values. */
import type { TestRedisClient } from './redis-server.js';

export async function dumpKeywatchKeys(client: TestRedisClient, prefix = 'kw:'): Promise<string> {
  const written: string[] = [];
  for (const key of (await client.keys('*')) as string[]) {
    if (key === `${prefix}collect` || key === `${prefix}security`) continue;
    written.push(key);
    const type = await client.type(key);
    if (type === 'hash') written.push(JSON.stringify(await client.hGetAll(key)));
    else if (type === 'set') written.push(JSON.stringify(await client.sMembers(key)));
    else if (type === 'zset') written.push(JSON.stringify(await client.zRange(key, 0, -1)));
    else if (type === 'stream') written.push(JSON.stringify(await client.sendCommand(['XRANGE', key, '-', '+'])));
    else if (type === 'string') written.push(String(await client.get(key)));
    else written.push(`unexpected type ${type}`);
  }
  return written.join('\n');
}
