-- Check guards, then apply operations, atomically. Nothing is written when a guard fails.
-- ARGV[1]: one MessagePack array (old raw format, which Redis's cmsgpack reads):
--   n_guards, (kind, key, field, expected) * n_guards, n_ops, (op, key, field, value) * n_ops
--   guard kinds: h = HGET key field, g = GET key; '' stands for "absent";
--     b = digest of the band values of a band list (key = prefix, field = bands, 7 bytes each);
--     e = the write counter (key) as read: when nothing was written since, every b guard holds
--         without re-reading its band entries. Never fails itself.
-- A successful write with operations bumps the write counter (key: ARGV[2] of an e guard).
--   ops: H hset, D hdel, S set, K del, I hincrby, A add 8-byte id to a packed list,
--        R remove it, Z zadd (field = score), X zrem,
--        B / Y add / remove an id in every band of a band list (key = prefix, field = bands)
-- Returns {1} on success, {0, i} when guard i failed.
local function band_key(prefix, bands, b)
  local p = 1 + 7 * b
  local lo, hi = bands:byte(p, p + 1)
  return prefix .. 'b:' .. (lo + 256 * hi), bands:sub(p + 2, p + 6)
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
local function digest(prefix, bands)
  local values = {}
  for b = 0, #bands / 7 - 1 do
    local v = hget(band_key(prefix, bands, b)) or ''
    values[#values + 1] = #v .. ':' .. v
  end
  return redis.sha1hex(table.concat(values, ','))
end
local A = cmsgpack.unpack(ARGV[1])
local i = 1
local ng = tonumber(A[i]); i = i + 1
local unchanged, epoch_key = false, nil
for g = 1, ng do
  local kind, key, field, expected = A[i], A[i + 1], A[i + 2], A[i + 3]
  i = i + 4
  if kind == 'e' then
    epoch_key = key
    unchanged = (redis.call('GET', key) or '') == expected
  elseif kind == 'b' then
    if not unchanged and digest(key, field) ~= expected then return {0, g} end
  else
    local cur
    if kind == 'h' then cur = hget(key, field) else cur = redis.call('GET', key) end
    if (cur or '') ~= expected then return {0, g} end
  end
end
if unchanged then caching = false; cache = {} end
local function find(list, id)
  for p = 1, #list, 8 do
    if list:sub(p, p + 7) == id then return p end
  end
  return nil
end
local function add(key, field, id)
  local cur = hget(key, field) or ''
  if not find(cur, id) then hset(key, field, cur .. id) end
end
local function remove(key, field, id)
  local cur = hget(key, field)
  if cur then
    local p = find(cur, id)
    if p then
      local rest = cur:sub(1, p - 1) .. cur:sub(p + 8)
      if #rest == 0 then hdel(key, field) else hset(key, field, rest) end
    end
  end
end
local no = tonumber(A[i]); i = i + 1
for o = 1, no do
  local op, key, field, value = A[i], A[i + 1], A[i + 2], A[i + 3]
  i = i + 4
  if op == 'H' then hset(key, field, value)
  elseif op == 'D' then hdel(key, field)
  elseif op == 'S' then redis.call('SET', key, value)
  elseif op == 'K' then
    redis.call('DEL', key)
    cache = {}  -- a whole hash went: forget what was read
  elseif op == 'I' then
    cache[key .. '\0' .. field] = nil
    redis.call('HINCRBY', key, field, value)
  elseif op == 'Z' then redis.call('ZADD', key, field, value)
  elseif op == 'X' then redis.call('ZREM', key, value)
  elseif op == 'A' then add(key, field, value)
  elseif op == 'R' then remove(key, field, value)
  elseif op == 'B' then
    for b = 0, #field / 7 - 1 do
      local k, f = band_key(key, field, b)
      add(k, f, value)
    end
  elseif op == 'Y' then
    for b = 0, #field / 7 - 1 do
      local k, f = band_key(key, field, b)
      remove(k, f, value)
    end
  end
end
if epoch_key and no > 0 then redis.call('INCR', epoch_key) end
return {1}
