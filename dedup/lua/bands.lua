-- The values of band entries (concatenated 8-byte article ids), in one call. Read only.
-- KEYS[1]: the write counter (epoch), then one band key per entry; ARGV: the entries' fields.
-- Returns {epoch, value * n} ('' for an absent counter or entry).
local out = {redis.call('GET', KEYS[1]) or ''}
for j = 1, #ARGV do
  out[j + 1] = redis.call('HGET', KEYS[j + 1], ARGV[j]) or ''
end
return out
