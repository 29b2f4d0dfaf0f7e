-- Check guards, then apply operations, atomically. Nothing is written when a guard fails.
-- ARGV: n_guards, (kind, key, field, expected) * n_guards, n_ops, (op, key, field, value) * n_ops
--   guard kinds: h = HGET key field, g = GET key; '' stands for "absent";
--     b = digest of the band values of a band list (key = prefix, field = bands, 7 bytes each)
--   ops: H hset, D hdel, S set, K del, I hincrby, A add 8-byte id to a packed list,
--        R remove it, Z zadd (field = score), X zrem,
--        B / Y add / remove an id in every band of a band list (key = prefix, field = bands)
-- Returns {1} on success, {0, i} when guard i failed.
local function band_key(prefix, bands, b)
  return prefix .. 'b:' .. struct.unpack('<I2', bands, 1 + 7 * b), bands:sub(3 + 7 * b, 7 + 7 * b)
end
local function digest(prefix, bands)
  local values = {}
  for b = 0, #bands / 7 - 1 do
    local v = redis.call('HGET', band_key(prefix, bands, b)) or ''
    values[#values + 1] = #v .. ':' .. v
  end
  return redis.sha1hex(table.concat(values, ','))
end
local i = 1
local ng = tonumber(ARGV[i]); i = i + 1
for g = 1, ng do
  local kind, key, field, expected = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  i = i + 4
  local cur
  if kind == 'h' then cur = redis.call('HGET', key, field)
  elseif kind == 'b' then cur = digest(key, field)
  else cur = redis.call('GET', key) end
  if (cur or '') ~= expected then return {0, g} end
end
local function find(list, id)
  for p = 1, #list, 8 do
    if list:sub(p, p + 7) == id then return p end
  end
  return nil
end
local function add(key, field, id)
  local cur = redis.call('HGET', key, field) or ''
  if not find(cur, id) then redis.call('HSET', key, field, cur .. id) end
end
local function remove(key, field, id)
  local cur = redis.call('HGET', key, field)
  if cur then
    local p = find(cur, id)
    if p then
      local rest = cur:sub(1, p - 1) .. cur:sub(p + 8)
      if #rest == 0 then redis.call('HDEL', key, field) else redis.call('HSET', key, field, rest) end
    end
  end
end
local no = tonumber(ARGV[i]); i = i + 1
for o = 1, no do
  local op, key, field, value = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  i = i + 4
  if op == 'H' then redis.call('HSET', key, field, value)
  elseif op == 'D' then redis.call('HDEL', key, field)
  elseif op == 'S' then redis.call('SET', key, value)
  elseif op == 'K' then redis.call('DEL', key)
  elseif op == 'I' then redis.call('HINCRBY', key, field, value)
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
return {1}
