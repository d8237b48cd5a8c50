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
-- ARGV: group, consumer, per-second key prefix, ttl s, feed maxlen, dlq maxlen, finalBeforeMs, then sections.
-- Redis does not roll a script back when a command fails half-way, so the script first
-- reads every argument, then checks the type of every key it will write (refusing the
-- whole batch with {2, key} before any write), and only then writes.
local group, consumer, sp = ARGV[1], ARGV[2], ARGV[3]
-- Numbers stay strings: Lua 5.1 would print large integers as 1.7e+12.
local ttl, feedMax, dlqMax, finalBefore = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local names, teamNames, collectorNames = ${COUNTER_NAMES_LUA}, ${luaList(TEAM_MINUTE_COUNTERS)}, ${luaList(COLLECTOR_MINUTE_COUNTERS)}
local pos = 8
local function take() local value = ARGV[pos]; pos = pos + 1; return value end
local function takeList() local list = {}; for i = 1, tonumber(take()) do list[i] = take() end; return list end
local function takeValues(fieldNames) local values = {}; for i = 1, #fieldNames do values[i] = take() end; return values end
-- True when the key holds the wanted type or does not exist.
local function typeIs(key, wanted) local found = redis.call('TYPE', key).ok; return found == wanted or found == 'none' end

-- Phase 1: read the arguments.
local ackLists = { takeList(), takeList() }
local ranges = { {}, {} }
for s = 1, 2 do if #ackLists[s] > 0 then ranges[s] = { take(), take() } end end
local seconds = {}
for i = 1, tonumber(take()) do
  seconds[i] = { t = take(), values = takeValues(names), collectors = takeList(), subjects = takeList() }
end
local minuteTtl = take()
local teamMinutes = {}
for i = 1, tonumber(take()) do
  teamMinutes[i] = { minute = take(), team = take(), values = takeValues(teamNames), subjects = takeList(), collectors = takeList(), active = takeList() }
end
local collectorMinutes = {}
for i = 1, tonumber(take()) do
  collectorMinutes[i] = { minute = take(), collector = take(), team = take(), values = takeValues(collectorNames), lastSeen = take() }
end
local counters = {}
for i = 1, tonumber(take()) do counters[i] = { take(), take() } end
local deadLetters = {}
for i = 1, tonumber(take()) do deadLetters[i] = { take(), take(), take(), take() } end
local covered = takeList()
local oldestKept = take()

-- Phase 2: every key written must hold its type (a corrupted key refuses the batch, unwritten).
local expected = { { KEYS[3], 'stream' }, { KEYS[4], 'hash' }, { KEYS[5], 'stream' }, { KEYS[6], 'zset' } }
for _, second in ipairs(seconds) do
  table.insert(expected, { sp .. 's:' .. second.t, 'hash' })
  table.insert(expected, { sp .. 'c:' .. second.t, 'set' })
  table.insert(expected, { sp .. 'u:' .. second.t, 'set' })
end
for _, tm in ipairs(teamMinutes) do
  local base = sp .. 'tm:' .. tm.minute .. ':'
  for _, part in ipairs({ { 'h:', 'hash' }, { 's:', 'set' }, { 'c:', 'set' }, { 'a:', 'set' } }) do
    table.insert(expected, { base .. part[1] .. tm.team, part[2] })
  end
  table.insert(expected, { base .. 'teams', 'set' })
end
-- Collectors of one minute go into its 'all' set in one SADD (a batch holds hundreds).
local collectorsByMinute, minutesInOrder = {}, {}
for _, cm in ipairs(collectorMinutes) do
  table.insert(expected, { sp .. 'cm:' .. cm.minute .. ':h:' .. cm.collector, 'hash' })
  if not collectorsByMinute[cm.minute] then
    collectorsByMinute[cm.minute] = {}
    table.insert(minutesInOrder, cm.minute)
    table.insert(expected, { sp .. 'cm:' .. cm.minute .. ':all', 'set' })
  end
  table.insert(collectorsByMinute[cm.minute], cm.collector)
end
for _, pair in ipairs(expected) do
  if not typeIs(pair[1], pair[2]) then return { 2, pair[1] } end
end

-- Phase 3: apply only if every id is still pending to this consumer (else another reader owns it).
local allPending = true
local still = { {}, {} }
for s = 1, 2 do
  local ids = ackLists[s]
  if #ids > 0 then
    local rows = redis.call('XPENDING', KEYS[s], group, ranges[s][1], ranges[s][2], #ids * 2 + 100, consumer)
    local mine = {}
    for _, row in ipairs(rows) do mine[row[1]] = true end
    for _, id in ipairs(ids) do
      if mine[id] then table.insert(still[s], id) else allPending = false end
    end
  end
end
if not allPending then return { 0, still[1], still[2] } end

-- Phase 4: write.
local function addAll(key, members, keyTtl)
  for i = 1, #members, 4000 do redis.call('SADD', key, unpack(members, i, math.min(i + 3999, #members))) end
  if #members > 0 then redis.call('EXPIRE', key, keyTtl) end
end
local function addValues(key, fieldNames, values)
  for i, name in ipairs(fieldNames) do
    if values[i] ~= '0' or name == 'events' then redis.call('HINCRBY', key, name, values[i]) end
  end
end
for s = 1, 2 do
  local ids = ackLists[s]
  for i = 1, #ids, 4000 do redis.call('XACK', KEYS[s], group, unpack(ids, i, math.min(i + 3999, #ids))) end
end

-- Per-second deltas and distinct members.
local changed = {}
for _, second in ipairs(seconds) do
  local key = sp .. 's:' .. second.t
  addValues(key, names, second.values)
  redis.call('EXPIRE', key, ttl)
  addAll(sp .. 'c:' .. second.t, second.collectors, ttl)
  addAll(sp .. 'u:' .. second.t, second.subjects, ttl)
  redis.call('ZADD', KEYS[6], second.t, second.t)
  table.insert(changed, second.t)
end

-- Per-minute team and collector figures (kept an hour and a bit, for the teams history).
for _, tm in ipairs(teamMinutes) do
  local base = sp .. 'tm:' .. tm.minute .. ':'
  addValues(base .. 'h:' .. tm.team, teamNames, tm.values)
  redis.call('EXPIRE', base .. 'h:' .. tm.team, minuteTtl)
  addAll(base .. 's:' .. tm.team, tm.subjects, minuteTtl)
  addAll(base .. 'c:' .. tm.team, tm.collectors, minuteTtl)
  addAll(base .. 'a:' .. tm.team, tm.active, minuteTtl)
  addAll(base .. 'teams', { tm.team }, minuteTtl)
end
for _, cm in ipairs(collectorMinutes) do
  local key = sp .. 'cm:' .. cm.minute .. ':h:' .. cm.collector
  addValues(key, collectorNames, cm.values)
  local previous = redis.call('HGET', key, 'lastSeen')
  if not previous or tonumber(previous) < tonumber(cm.lastSeen) then
    redis.call('HSET', key, 'team', cm.team, 'lastSeen', cm.lastSeen)
  else
    redis.call('HSET', key, 'team', cm.team)
  end
  redis.call('EXPIRE', key, minuteTtl)
end
for _, minute in ipairs(minutesInOrder) do addAll(sp .. 'cm:' .. minute .. ':all', collectorsByMinute[minute], minuteTtl) end

-- Ingest counters and dead letters (names only).
for _, counter in ipairs(counters) do redis.call('HINCRBY', KEYS[4], counter[1], counter[2]) end
for _, letter in ipairs(deadLetters) do
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', dlqMax, '*', 'stream', letter[1], 'id', letter[2], 'reason', letter[3], 'field', letter[4])
end

-- Seconds the source was read in become zeros instead of gaps (a corrupted key is left
-- alone: coverage must never stall the reader).
for _, t in ipairs(covered) do
  local key = sp .. 's:' .. t
  if typeIs(key, 'hash') and redis.call('HSETNX', key, 'events', 0) == 1 then
    redis.call('EXPIRE', key, ttl)
    table.insert(changed, t)
  end
end

-- Compact the distinct sets of seconds that can no longer change, once their minute's
-- k-anonymity decision (which needs the subject sets) has been taken; forget seconds
-- older than the history.
redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', '(' .. oldestKept)
for _, t in ipairs(redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', '(' .. finalBefore, 'LIMIT', 0, 500)) do
  local minute = string.format('%.0f', math.floor(tonumber(t) / 60000) * 60000)
  if redis.call('EXISTS', sp .. 'tm:' .. minute .. ':decision') == 1 then
    local key, ckey, ukey = sp .. 's:' .. t, sp .. 'c:' .. t, sp .. 'u:' .. t
    if typeIs(key, 'hash') and typeIs(ckey, 'set') and typeIs(ukey, 'set') then
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
  -- Only well-formed seconds are read: a corrupted key must not stop the feed.
  if redis.call('TYPE', key).ok == 'hash' then
    row = redis.call('HMGET', key, unpack(names))
    local final = redis.call('HMGET', key, 'collectors', 'subjects')
    local collectors, subjects = final[1], final[2]
    local ckey, ukey = sp .. 'c:' .. t, sp .. 'u:' .. t
    if not collectors then collectors = redis.call('TYPE', ckey).ok == 'set' and redis.call('SCARD', ckey) or 0 end
    if not subjects then subjects = redis.call('TYPE', ukey).ok == 'set' and redis.call('SCARD', ukey) or 0 end
    table.insert(row, collectors)
    table.insert(row, subjects)
  end
  out[i - 1] = row
end
return out
`);
