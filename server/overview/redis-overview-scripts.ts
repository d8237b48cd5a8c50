/**
 * Lua for the Redis overview store. The commit runs as one script so that applying a
 * batch and acknowledging its entries are a single atomic step in Redis.
 *
 * Key layout under the prefix P (all bounded by TTL or MAXLEN):
 *   P ov:s:<t>   hash of a second's counters (+ `collectors`, `subjects` once final); exists ⇔ the second was read
 *   P ov:c:<t>   set of the second's distinct collectors while it can still change
 *   P ov:u:<t>   set of the second's distinct subjects while it can still change
 *   P ov:open    sorted set of seconds whose sets are not yet compacted
 *   P ov:changes stream of changed seconds (the change feed every instance follows)
 *   P ov:tm:<minute>:teams            set of the teams active in a minute
 *   P ov:tm:<minute>:h:<team>         hash of a team's counters in the minute
 *   P ov:tm:<minute>:s|c|a:<team>     sets of its subjects, collectors and active seconds
 *   P ov:tm:<minute>:decision         the minute's published teams views (k-anonymity decided once)
 *   P ov:cm:<minute>:all              set of the collectors active in a minute
 *   P ov:cm:<minute>:h:<collector>    hash of a collector's figures in the minute
 *   P ingest     hash of ingest counters;  P dlq  the dead-letter stream
 * Per-second keys are built inside the script, so this layout needs a single Redis node
 * (or hash tags in the prefix) — see the README's "Redis Cluster" note.
 */
import { RedisScript } from '../ingest/redis-script.js';
import { COLLECTOR_MINUTE_COUNTERS, TEAM_MINUTE_COUNTERS } from './minute-delta.js';
import { STORED_COUNTERS } from './second-delta.js';

const luaList = (names: readonly string[]): string => `{${names.map((name) => `'${name}'`).join(',')}}`;
const COUNTER_NAMES_LUA = luaList(STORED_COUNTERS);

export const commitScript = new RedisScript(`
-- KEYS: collect stream, security stream, change feed, ingest counters, dlq, open seconds
-- ARGV: group, consumer, per-second key prefix, ttl s, feed maxlen, dlq maxlen, finalBeforeMs, then sections
local group, consumer, sp = ARGV[1], ARGV[2], ARGV[3]
-- Numbers stay strings: Lua 5.1 would print large integers as 1.7e+12.
local ttl, feedMax, dlqMax, finalBefore = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local names = ${COUNTER_NAMES_LUA}
local pos = 8
local function take() local value = ARGV[pos]; pos = pos + 1; return value end
local function takeList() local list = {}; for i = 1, tonumber(take()) do list[i] = take() end; return list end

-- 1. Apply only if every id is still pending to this consumer (else another reader owns it).
local ackLists = { takeList(), takeList() }
local allPending = true
local still = { {}, {} }
for s = 1, 2 do
  local ids = ackLists[s]
  if #ids > 0 then
    local minId, maxId = take(), take()
    local rows = redis.call('XPENDING', KEYS[s], group, minId, maxId, #ids * 2 + 100, consumer)
    local mine = {}
    for _, row in ipairs(rows) do mine[row[1]] = true end
    for _, id in ipairs(ids) do
      if mine[id] then table.insert(still[s], id) else allPending = false end
    end
  end
end
if not allPending then return { 0, still[1], still[2] } end

for s = 1, 2 do
  local ids = ackLists[s]
  for i = 1, #ids, 4000 do
    redis.call('XACK', KEYS[s], group, unpack(ids, i, math.min(i + 3999, #ids)))
  end
end

-- 2. Per-second deltas and distinct members.
local changed = {}
for _ = 1, tonumber(take()) do
  local t = take()
  local key = sp .. 's:' .. t
  for _, name in ipairs(names) do
    local value = take()
    if value ~= '0' or name == 'events' then redis.call('HINCRBY', key, name, value) end
  end
  local collectors, subjects = takeList(), takeList()
  local ckey, ukey = sp .. 'c:' .. t, sp .. 'u:' .. t
  for i = 1, #collectors, 4000 do redis.call('SADD', ckey, unpack(collectors, i, math.min(i + 3999, #collectors))) end
  for i = 1, #subjects, 4000 do redis.call('SADD', ukey, unpack(subjects, i, math.min(i + 3999, #subjects))) end
  redis.call('EXPIRE', key, ttl)
  if #collectors > 0 then redis.call('EXPIRE', ckey, ttl) end
  if #subjects > 0 then redis.call('EXPIRE', ukey, ttl) end
  redis.call('ZADD', KEYS[6], t, t)
  table.insert(changed, t)
end

-- 2b. Per-minute team and collector figures (kept an hour and a bit, for the teams history).
local teamNames, collectorNames = ${luaList(TEAM_MINUTE_COUNTERS)}, ${luaList(COLLECTOR_MINUTE_COUNTERS)}
local minuteTtl = ARGV[pos]; pos = pos + 1
local function addAll(key, members)
  for i = 1, #members, 4000 do redis.call('SADD', key, unpack(members, i, math.min(i + 3999, #members))) end
  if #members > 0 then redis.call('EXPIRE', key, minuteTtl) end
end
for _ = 1, tonumber(take()) do
  local minute, team = take(), take()
  local base = sp .. 'tm:' .. minute .. ':'
  for _, name in ipairs(teamNames) do
    local value = take()
    if value ~= '0' or name == 'events' then redis.call('HINCRBY', base .. 'h:' .. team, name, value) end
  end
  redis.call('EXPIRE', base .. 'h:' .. team, minuteTtl)
  addAll(base .. 's:' .. team, takeList())
  addAll(base .. 'c:' .. team, takeList())
  addAll(base .. 'a:' .. team, takeList())
  addAll(base .. 'teams', { team })
end
for _ = 1, tonumber(take()) do
  local minute, collector, team = take(), take(), take()
  local key = sp .. 'cm:' .. minute .. ':h:' .. collector
  redis.call('HSET', key, 'team', team)
  for _, name in ipairs(collectorNames) do
    local value = take()
    if value ~= '0' or name == 'events' then redis.call('HINCRBY', key, name, value) end
  end
  local lastSeen = take()
  local previous = redis.call('HGET', key, 'lastSeen')
  if not previous or tonumber(previous) < tonumber(lastSeen) then redis.call('HSET', key, 'lastSeen', lastSeen) end
  redis.call('EXPIRE', key, minuteTtl)
  addAll(sp .. 'cm:' .. minute .. ':all', { collector })
end

-- 3. Ingest counters and dead letters (names only).
for _ = 1, tonumber(take()) do
  local name, increment = take(), take()
  redis.call('HINCRBY', KEYS[4], name, increment)
end
for _ = 1, tonumber(take()) do
  local stream, id, reason, field = take(), take(), take(), take()
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', dlqMax, '*', 'stream', stream, 'id', id, 'reason', reason, 'field', field)
end

-- 4. Seconds the source was read in become zeros instead of gaps.
for _ = 1, tonumber(take()) do
  local t = take()
  local key = sp .. 's:' .. t
  if redis.call('HSETNX', key, 'events', 0) == 1 then
    redis.call('EXPIRE', key, ttl)
    table.insert(changed, t)
  end
end

-- 5. Compact the distinct sets of seconds that can no longer change, once their minute's
--    k-anonymity decision (which needs the subject sets) has been taken; forget seconds
--    older than the history.
redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', '(' .. ARGV[pos])
pos = pos + 1
for _, t in ipairs(redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', '(' .. finalBefore, 'LIMIT', 0, 500)) do
  local minute = string.format('%.0f', math.floor(tonumber(t) / 60000) * 60000)
  if redis.call('EXISTS', sp .. 'tm:' .. minute .. ':decision') == 1 then
    local key, ckey, ukey = sp .. 's:' .. t, sp .. 'c:' .. t, sp .. 'u:' .. t
    if redis.call('EXISTS', key) == 1 then
      redis.call('HSET', key, 'collectors', redis.call('SCARD', ckey), 'subjects', redis.call('SCARD', ukey))
    end
    redis.call('DEL', ckey, ukey)
    redis.call('ZREM', KEYS[6], t)
  end
end

if #changed > 0 then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', feedMax, '*', 's', table.concat(changed, ','))
end
return { 1 }
`);

/** Reads seconds: for each asked second, nil when absent, else [counters…, collectors, subjects]. */
export const readSecondsScript = new RedisScript(`
local sp = ARGV[1]
local names = ${COUNTER_NAMES_LUA}
local out = {}
for i = 2, #ARGV do
  local t = ARGV[i]
  local key = sp .. 's:' .. t
  local row = false
  if redis.call('EXISTS', key) == 1 then
    row = redis.call('HMGET', key, unpack(names))
    local final = redis.call('HMGET', key, 'collectors', 'subjects')
    local collectors, subjects = final[1], final[2]
    if not collectors then collectors = redis.call('SCARD', sp .. 'c:' .. t) end
    if not subjects then subjects = redis.call('SCARD', sp .. 'u:' .. t) end
    table.insert(row, collectors)
    table.insert(row, subjects)
  end
  out[i - 1] = row
end
return out
`);
