-- Read everything an ingest decision needs, in one round trip.
-- ARGV: prefix, cap, min_equal, n_articles, then per article:
--   id, signature values (4 bytes each), bands (7 bytes each: uint16 bucket, 5-byte field)
-- Candidates are the ids in the article's bands; at most `cap` of them, those sharing the most
-- bands, are compared with the article's signature here, and only those with at least
-- `min_equal` equal MinHash values (and the article's own record) are returned with their
-- clusters: a text that shares a site template with thousands of others must not drag all
-- of them and their clusters back to the client.
-- Returns {bands, records, clusters, epoch}:
--   bands:    per article, {digest of its band values, {candidate ids kept}}
--   records:  flat list id, sig, url, meta, cluster for the articles kept
--   clusters: flat list cluster_id, {field, value, ...} for every cluster of those articles
local prefix, cap, min_equal, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local i = 5
local kept, order = {}, {}
local function keep(id)
  if not kept[id] then kept[id] = true; order[#order + 1] = id end
end
local HEX8 = string.rep('%02x', 8)
local function hex(raw)
  return string.format(HEX8, raw:byte(1, 8))
end
local sigs = {}
local function sig_of(id)
  local s = sigs[id]
  if s == nil then s = redis.call('GET', prefix .. 's:' .. id) or false; sigs[id] = s end
  return s
end
local bands = {}
for a = 1, n do
  local id, qsig, blob = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  i = i + 3
  keep(id)
  local nperm = #qsig / 4
  local fmt = '<' .. string.rep('I4', nperm)
  local q = {struct.unpack(fmt, qsig)}
  local values, hits, ids, chosen = {}, {}, {}, {}
  local bprefix = prefix .. 'b:'
  for p = 1, #blob, 7 do
    local lo, hi = blob:byte(p, p + 1)
    local v = redis.call('HGET', bprefix .. (lo + 256 * hi), blob:sub(p + 2, p + 6)) or ''
    values[#values + 1] = #v .. ':' .. v
    for p = 1, #v, 8 do
      local raw = v:sub(p, p + 7)
      if hits[raw] then hits[raw] = hits[raw] + 1 else hits[raw] = 1; ids[#ids + 1] = raw end
    end
  end
  if #ids > cap then
    table.sort(ids, function(x, y) return hits[x] > hits[y] end)
  end
  for c = 1, math.min(cap, #ids) do
    local cid = hex(ids[c])
    if cid ~= id then
      local s = sig_of(cid)
      if s and #s == 12 + 4 * nperm then
        local cv = {struct.unpack(fmt, s, 13)}
        local equal = 0
        for k = 1, nperm do
          if cv[k] == q[k] then equal = equal + 1 end
        end
        if equal >= min_equal then keep(cid); chosen[#chosen + 1] = cid end
      end
    end
  end
  bands[a] = {redis.sha1hex(table.concat(values, ',')), chosen}
end
local records, clusters, seen_cluster = {}, {}, {}
local k = 1
while k <= #order do
  local id = order[k]
  k = k + 1
  local sig = sig_of(id)
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
        if #h[f] == 16 then keep(h[f]) end  -- member ids are 16 hex digits
      end
    end
  end
end
return {bands, records, clusters, redis.call('GET', prefix .. 'epoch') or ''}
