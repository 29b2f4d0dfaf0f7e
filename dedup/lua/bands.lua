-- The values of band entries (concatenated 8-byte article ids), in one call. Read only.
-- KEYS[1]: the write counter (epoch), KEYS[2]: the index meta, KEYS[3]: the counters, then one
--   band key per entry; ARGV[1]: the band hash count the keys were computed for, ARGV[2]: the
--   entries' fields, BAND_FIELD bytes each, in one argument (not one each: less to pack).
-- Returns {epoch, buckets, articles, value * n} ('' for an absent counter or entry); only the
--   first three when the index has another band hash count (the caller computes the keys
--   again).
local buckets = redis.call('HGET', KEYS[2], BUCKETS) or tostring(INITIAL_BUCKETS)
local out = {redis.call('GET', KEYS[1]) or '', buckets,
             redis.call('HGET', KEYS[3], 'articles') or '0'}
if buckets ~= ARGV[1] then return out end
local fields = ARGV[2] or ''
for j = 1, #KEYS - 3 do
  local p = (j - 1) * BAND_FIELD + 1
  out[j + 3] = redis.call('HGET', KEYS[j + 3], fields:sub(p, p + BAND_FIELD - 1)) or ''
end
return out
