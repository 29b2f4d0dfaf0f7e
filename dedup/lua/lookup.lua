-- Everything a lookup shows, in one round trip.
-- ARGV: prefix, id * n. Returns per id: {id, url, meta, cluster_id, {cluster fields},
--   {member_id, url, meta, ...}} or {id} when the article is not indexed.
local prefix = ARGV[1]
local out = {}
for a = 2, #ARGV do
  local id = ARGV[a]
  local rec = redis.call('HMGET', prefix .. 'a:' .. id, 'u', 'm', 'c')
  if not rec[1] then
    local alias = redis.call('GET', prefix .. 'u:' .. id)
    if alias then
      id = alias
      rec = redis.call('HMGET', prefix .. 'a:' .. id, 'u', 'm', 'c')
    end
  end
  if not rec[1] then
    out[#out + 1] = {ARGV[a]}
  else
    local cid = rec[3] or id
    local h = redis.call('HGETALL', prefix .. 'c:{' .. cid .. '}')
    local members = {}
    for f = 1, #h, 2 do
      if #h[f] == 16 and h[f] ~= id then
        local m = redis.call('HMGET', prefix .. 'a:' .. h[f], 'u', 'm')
        members[#members + 1] = h[f]
        members[#members + 1] = m[1] or ''
        members[#members + 1] = m[2] or ''
      end
    end
    out[#out + 1] = {id, rec[1], rec[2], cid, h, members}
  end
end
return out
