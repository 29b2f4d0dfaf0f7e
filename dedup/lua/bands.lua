-- The values of band entries (concatenated 8-byte article ids), in one call. Read only.
-- KEYS[1]: the write counter (epoch), KEYS[2]: the index meta, KEYS[3]: the counters, then one
--   band key per entry; ARGV[1]: the band hash count the keys were computed for, then the
--   entries' fields.
-- Returns {epoch, buckets, articles, value * n} ('' for an absent counter or entry); only the
--   first three when the index has another band hash count (the caller computes the keys
--   again).
local buckets = redis.call('HGET', KEYS[2], BUCKETS) or tostring(INITIAL_BUCKETS)
local out = {redis.call('GET', KEYS[1]) or '', buckets,
             redis.call('HGET', KEYS[3], 'articles') or '0'}
if buckets ~= ARGV[1] then return out end
for j = 2, #ARGV do
  out[j + 2] = redis.call('HGET', KEYS[j + 2], ARGV[j]) or ''
end
return out
