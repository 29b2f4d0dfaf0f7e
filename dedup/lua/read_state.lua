-- Read everything an ingest decision needs, in one round trip.
-- ARGV: prefix, cap, n_articles, then per article: id, n_bands, (bucket_key, field) * n_bands
-- Returns {bands, records, clusters}:
--   bands:    per article, the list of band values (packed 8-byte ids, '' when absent)
--   records:  flat list id, sig, url, meta, cluster for every article seen (own ids included)
--   clusters: flat list cluster_id, {field, value, ...} for every cluster of those articles
local prefix, cap, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local i = 4
local wanted, order = {}, {}
local function want(id)
  if not wanted[id] then wanted[id] = true; order[#order + 1] = id end
end
local function hex(raw)
  return (raw:gsub('.', function(c) return string.format('%02x', c:byte()) end))
end
local bands = {}
for a = 1, n do
  local id, nb = ARGV[i], tonumber(ARGV[i + 1])
  i = i + 2
  want(id)
  local values = {}
  for b = 1, nb do
    local v = redis.call('HGET', ARGV[i], ARGV[i + 1]) or ''
    i = i + 2
    values[b] = v
    local first = math.max(1, #v - 8 * cap + 1)  -- newest entries when a band is crowded
    for p = first, #v, 8 do want(hex(v:sub(p, p + 7))) end
  end
  bands[a] = values
end
local records, clusters, seen_cluster = {}, {}, {}
local k = 1
while k <= #order do
  local id = order[k]
  k = k + 1
  local sig = redis.call('GET', prefix .. 's:' .. id)
  if sig then
    local rec = redis.call('HMGET', prefix .. 'a:' .. id, 'u', 'm', 'c')
    local cid = rec[3] or id
    records[#records + 1] = id
    records[#records + 1] = sig
    records[#records + 1] = rec[1] or ''
    records[#records + 1] = rec[2] or ''
    records[#records + 1] = cid
    if not seen_cluster[cid] then
      seen_cluster[cid] = true
      local h = redis.call('HGETALL', prefix .. 'c:{' .. cid .. '}')
      clusters[#clusters + 1] = cid
      clusters[#clusters + 1] = h
      for f = 1, #h, 2 do
        if #h[f] == 16 then want(h[f]) end  -- member ids are 16 hex digits
      end
    end
  end
end
return {bands, records, clusters}
