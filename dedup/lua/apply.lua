-- Check the write lease and the guards, then apply operations, atomically. Nothing is written
-- when the lease is another's or a guard fails. Names (OP, GUARD, ...) come from dedup/codec.py.
-- KEYS[1]: the write lease, KEYS[2]: the write counter (epoch), KEYS[3]: the index meta, then
--   every key the guards and operations name, by position.
-- ARGV[1]: the writer's lease token ('' for an ordinary writer); ARGV[3]: the band hash count
--   the band keys were computed for ('' when no band key is named); ARGV[2]: one MessagePack array:
--   n_guards, (guard, key, field, expected) * n_guards, n_ops, (op, key, field, value) * n_ops
--   where key is a position in KEYS. A bands guard or op names n consecutive band keys from
--   that position, field holds their n fields (BAND_FIELD bytes each).
--   OP.SPLIT (last): the k buckets from that position split into the next k keys (their new
--     buckets), field: the band hash count before, value: k; the count becomes count + k.
--   guards: GUARD.HGET, GUARD.GET ('' stands for "absent"); GUARD.BANDS: a digest of the
--     values of those band entries; GUARD.EPOCH: the write counter as read: when nothing was
--     written since, every bands guard holds without re-reading (never fails itself).
-- A successful write with operations bumps the write counter.
-- ARGV[4] (a Redis Cluster, dedup/journal.py): a journal number J; the call is one slot's
--   share of a write whose guards were checked under the lease. KEYS[1] to KEYS[3] are then
--   that slot's marker of the last journal applied there: nothing is done when it is J or
--   later (a replay), else the operations are applied and the marker set to J. OP.SPLIT then
--   splits one bucket (k = 1, from = the count it makes k) and may come more than once.
-- Returns {1} on success, {0, i} when guard i failed, {0, 0, LEASE_REFUSED, holder},
--   {0, 0, LAYOUT_CHANGED, count} when the band hash count is not ARGV[3].
local journal = tonumber(ARGV[4] or '')
local buckets
if journal then
  if tonumber(redis.call('GET', KEYS[1]) or '0') >= journal then return {1} end
else
  local holder = redis.call('GET', KEYS[1])
  if (holder or '') ~= ARGV[1] then return {0, 0, LEASE_REFUSED, holder or ''} end
  buckets = redis.call('HGET', KEYS[3], BUCKETS) or tostring(INITIAL_BUCKETS)
  if ARGV[3] ~= '' and ARGV[3] ~= buckets then return {0, 0, LAYOUT_CHANGED, buckets} end
end
-- Band values read for a digest are kept, so the writes below do not read them again. When
-- no digest was needed (nothing written since the read), hash reads go straight to Redis.
local cache, caching = {}, true
local function hget(key, field)
  if not caching then return redis.call('HGET', key, field) end
  local ck = key .. '\0' .. field
  local v = cache[ck]
  if v == nil then v = redis.call('HGET', key, field) or false; cache[ck] = v end
  return v
end
local function hset(key, field, value)
  if caching then cache[key .. '\0' .. field] = value end
  redis.call('HSET', key, field, value)
end
local function hdel(key, field)
  if caching then cache[key .. '\0' .. field] = false end
  redis.call('HDEL', key, field)
end
local function band(first, fields, b)
  local p = 1 + BAND_FIELD * b
  return KEYS[first + b], fields:sub(p, p + BAND_FIELD - 1)
end
local function digest(first, fields)
  local values = {}
  for b = 0, #fields / BAND_FIELD - 1 do
    local v = hget(band(first, fields, b)) or ''
    values[#values + 1] = #v .. ':' .. v
  end
  return redis.sha1hex(table.concat(values, ','))
end
local A = cmsgpack.unpack(ARGV[2])
local i = 1
local ng = tonumber(A[i]); i = i + 1
local unchanged = false
for g = 1, ng do
  local kind, key, field, expected = A[i], tonumber(A[i + 1]), A[i + 2], A[i + 3]
  i = i + 4
  if kind == GUARD.EPOCH then
    unchanged = (redis.call('GET', KEYS[key]) or '') == expected
  elseif kind == GUARD.BANDS then
    if not unchanged and digest(key, field) ~= expected then return {0, g} end
  else
    local cur
    if kind == GUARD.HGET then cur = hget(KEYS[key], field) else cur = redis.call('GET', KEYS[key]) end
    if (cur or '') ~= expected then return {0, g} end
  end
end
if unchanged then caching = false; cache = {} end
local function find(list, id)
  for p = 1, #list, ID_BYTES do
    if list:sub(p, p + ID_BYTES - 1) == id then return p end
  end
  return nil
end
-- A band value holds at most BAND_IDS ids, the first to share it, then FULL when more did
-- (dedup/codec.py): a later article sharing it finds those, and FULL tells fsck why the
-- article is not listed. A removal frees a slot before FULL; FULL stays.
local function add(key, field, id)
  -- most band values are new: one command, not a read then a write (nothing to cache when
  -- nothing was written since the read)
  if not caching and redis.call('HSETNX', key, field, id) == 1 then return end
  local cur = hget(key, field) or ''
  if find(cur, id) then return end
  local full = cur:sub(-ID_BYTES) == FULL
  local ids = cur
  if full then ids = cur:sub(1, -ID_BYTES - 1) end
  if #ids < BAND_IDS * ID_BYTES then
    hset(key, field, ids .. id .. (full and FULL or ''))
  elseif not full then
    hset(key, field, cur .. FULL)
  end
end
local function remove(key, field, id)
  local cur = hget(key, field)
  if cur then
    local p = find(cur, id)
    if p then
      local rest = cur:sub(1, p - 1) .. cur:sub(p + ID_BYTES)
      if #rest == 0 then hdel(key, field) else hset(key, field, rest) end
    end
  end
end
local function hset_all(key, flat)
  for p = 1, #flat, 256 do
    redis.call('HSET', key, unpack(flat, p, math.min(p + 255, #flat)))
  end
end
-- Linear hashing (dedup/keys.py bucket_of): bucket b of `from` splits into b and b + half by
-- the next bit of each entry's tag (bytes 2-5 of its field). Both are written afresh, so a
-- hash that once outgrew its listpack encoding is compact again.
local function halve(from)
  local half = 1
  while half * 2 <= from do half = half * 2 end
  return half
end
local function split(first, from, k)
  local half = halve(from)
  local p = from - half
  for s = 0, k - 1 do
    local old, new = KEYS[first + s], KEYS[first + k + s]
    local flat = redis.call('HGETALL', old)
    local keep, move = {}, {}
    for j = 1, #flat, 2 do
      local dest = keep
      if struct.unpack('<I4', flat[j], 2) % (2 * half) ~= p + s then dest = move end
      dest[#dest + 1] = flat[j]
      dest[#dest + 1] = flat[j + 1]
    end
    redis.call('DEL', old)
    hset_all(old, keep)
    hset_all(new, move)
  end
  if journal then return end  -- the control slot's share sets the count
  buckets = tostring(from + k)
  redis.call('HSET', KEYS[3], BUCKETS, buckets)
end
local no = tonumber(A[i]); i = i + 1
for o = 0, no - 1 do  -- nothing is written unless every split is valid
  local op, from, k = A[i + 4 * o], tonumber(A[i + 4 * o + 2]), tonumber(A[i + 4 * o + 3])
  if op == OP.SPLIT and not journal and (o ~= no - 1 or from ~= tonumber(buckets) or k < 1
                         or from - halve(from) + k > halve(from)) then
    return redis.error_reply('bad split of ' .. tostring(k) .. ' from ' .. tostring(from))
  end
end
for o = 1, no do
  local op, k, field, value = A[i], tonumber(A[i + 1]), A[i + 2], A[i + 3]
  local key = KEYS[k]
  i = i + 4
  if op == OP.HSET then hset(key, field, value)
  elseif op == OP.SET then redis.call('SET', key, value)
  elseif op == OP.DEL then
    redis.call('DEL', key)
    cache = {}  -- a whole hash went: forget what was read
  elseif op == OP.HINCRBY then
    cache[key .. '\0' .. field] = nil
    redis.call('HINCRBY', key, field, value)
  elseif op == OP.ZADD_NX then redis.call('ZADD', key, 'NX', field, value)
  elseif op == OP.ZREM then redis.call('ZREM', key, value)
  elseif op == OP.BANDS_ADD then
    for b = 0, #field / BAND_FIELD - 1 do
      local bk, bf = band(k, field, b)
      add(bk, bf, value)
    end
  elseif op == OP.BANDS_REMOVE then
    for b = 0, #field / BAND_FIELD - 1 do
      local bk, bf = band(k, field, b)
      remove(bk, bf, value)
    end
  elseif op == OP.SPLIT then
    split(k, tonumber(field), tonumber(value))
    cache = {}
  else
    return redis.error_reply('unknown op ' .. tostring(op))
  end
end
if journal then redis.call('SET', KEYS[1], journal)
elseif no > 0 then redis.call('INCR', KEYS[2]) end
return {1}
