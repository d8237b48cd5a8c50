/**
 * Lua for the Redis audit log. Key layout under the prefix P:
 *   P audit          stream of entries {at, user, action, target, prev, hash}, bounded by age (MINID)
 *   P audit:head     the newest entry's hash
 *   P audit:anchor   the hash of the newest entry trimmed by retention (absent until the first trim)
 * The append script is the compare-and-set that keeps one chain when several instances
 * append at once: it appends only if the head is still the `prev` the caller hashed against.
 */
import { RedisScript } from '../ingest/redis-script.js';

export const appendScript = new RedisScript(`
-- KEYS: stream, head, anchor
-- ARGV: expected prev, hash, at, user, action, target, trim-below ms ('' keeps everything)
local head = redis.call('GET', KEYS[2]) or ''
if head ~= ARGV[1] then return { 0, head } end

-- The id follows the entry's time, and stays above the last id ever handed out (which a
-- stream remembers even when its newest entries are deleted) when clocks disagree.
local lastMs, lastSeq = -1, 0
if redis.call('EXISTS', KEYS[1]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then
      local ms, seq = string.match(info[i + 1], '^(%d+)-(%d+)$')
      lastMs, lastSeq = tonumber(ms), tonumber(seq)
    end
  end
end
local id
if tonumber(ARGV[3]) > lastMs then id = ARGV[3] .. '-0' else id = string.format('%d-%d', lastMs, lastSeq + 1) end

local fields = { 'at', ARGV[3], 'user', ARGV[4], 'action', ARGV[5], 'target', ARGV[6], 'prev', ARGV[1], 'hash', ARGV[2] }
if ARGV[7] == '' then
  redis.call('XADD', KEYS[1], id, unpack(fields))
else
  -- Exact trim by age; the newest entry trimmed becomes the anchor the oldest kept entry must follow.
  local gone = redis.call('XREVRANGE', KEYS[1], '(' .. ARGV[7] .. '-0', '-', 'COUNT', 1)
  if gone[1] then
    local stored = gone[1][2]
    for i = 1, #stored, 2 do
      if stored[i] == 'hash' then redis.call('SET', KEYS[3], stored[i + 1]) end
    end
  end
  redis.call('XADD', KEYS[1], 'MINID', ARGV[7], id, unpack(fields))
end
redis.call('SET', KEYS[2], ARGV[2])
return { 1, id }
`);

/** The chain's ends and the newest id, read at one instant (so a verify racing appends stays consistent). */
export const endsScript = new RedisScript(`
-- KEYS: stream, head, anchor
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local newestId = ''
if newest[1] then newestId = newest[1][1] end
return { redis.call('GET', KEYS[2]) or '', redis.call('GET', KEYS[3]) or '', newestId }
`);
