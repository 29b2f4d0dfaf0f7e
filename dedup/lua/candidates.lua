-- Which candidates of each query share enough MinHash values with it to be related, compared
-- here so that a text sharing a site template with thousands of others does not drag all of
-- their signatures back to the client. Read only.
-- KEYS: the candidates' signature keys.
-- ARGV: min_equal, n_queries, then per query: its signature values (4 bytes each), the
--   number c of its candidates, then c positions in KEYS.
-- The comparison of UNROLLED values (the signatures' usual size) is written out
--   (dedup/store.py, equal_unrolled): a third less of the server's time than a loop over a
--   table, and the same count.
-- Returns {kept, sigs}: kept, per query, the positions of its candidates with at least
--   min_equal equal values; sigs, per position in KEYS, the signature when any query kept it,
--   else ''.
-- On one Redis (the whole index one slot) ARGV may go on with what to read next, so that a
--   check is two round trips (band entries, then this): m, nw, ns, then the signature,
--   record, cluster and site counter keys' prefixes (dedup/onenode.py id_prefixes; '' for the
--   site's: no counters), '1' to read the texts of the clusters' originals (else ''), the
--   candidates' m ids, nw ids wanted (the queries'), ns sites.
--   KEYS then holds the m signature keys, the candidates' m record keys, each wanted id's
--   signature and record keys, each site's counter key. The records of the wanted ids and of
--   the candidates kept are read, their clusters, the other members of those clusters and
--   theirs, round by round in that order (as dedup/store.py _records reads them on a
--   cluster); the ids found in clusters name their keys by the prefixes. Returns {kept,
--   records, clusters, counters}: records, per record with a signature, (id, signature,
--   url, meta, cluster id) in the order read; clusters, per cluster, (id, its HGETALL);
--   counters (unless the site prefix is ''), per site of a record or given, (site, its
--   SITE_COUNTERS); texts (when asked), per cluster read, (id, stored text) of its original,
--   or of its one article when it has no cluster hash: what a check's passages rule compares
--   the query with (dedup/shapes.py), most often, so that it needs no round trip of its own.
local min_equal, n = tonumber(ARGV[1]), tonumber(ARGV[2])
local i = 3
local kept, sigs, parsed = {}, {}, {}
for k = 1, #KEYS do sigs[k] = '' end
for a = 1, n do
  local qsig, c = ARGV[i], tonumber(ARGV[i + 1])
  i = i + 2
  local nperm = #qsig / 4
  local fmt = '<' .. string.rep('I4', nperm)
  local q = {struct.unpack(fmt, qsig)}
  local chosen = {}
  for _ = 1, c do
    local k = tonumber(ARGV[i])
    i = i + 1
    local s = parsed[k]
    if s == nil then s = redis.call('GET', KEYS[k]) or false; parsed[k] = s end
    if s and #s == 12 + 4 * nperm then
      local equal
      if nperm == UNROLLED then
        equal = equal_unrolled(q, struct.unpack(fmt, s, 13))
      else
        local cv = {struct.unpack(fmt, s, 13)}
        equal = 0
        for p = 1, nperm do
          if cv[p] == q[p] then equal = equal + 1 end
        end
      end
      if equal >= min_equal then chosen[#chosen + 1] = k; sigs[k] = s end
    end
  end
  kept[a] = chosen
end
if i > #ARGV then return {kept, sigs} end

local m, nw, ns = tonumber(ARGV[i]), tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
local prefix = {sig = ARGV[i + 3], record = ARGV[i + 4], cluster = ARGV[i + 5],
                site = ARGV[i + 6]}
local originals = ARGV[i + 7] == '1'
i = i + 8
local ids, named, sig_of = {}, {}, {}  -- candidates; id -> {signature key, record key}
for k = 1, m do
  ids[k] = ARGV[i + k - 1]
  named[ids[k]] = {KEYS[k], KEYS[m + k]}
  if parsed[k] ~= nil then sig_of[ids[k]] = parsed[k] end  -- read for the comparison
end
i = i + m
local todo, queued = {}, {}
local function want(id)
  if not queued[id] then queued[id] = true; todo[#todo + 1] = id end
end
for w = 1, nw do
  local id = ARGV[i + w - 1]
  named[id] = named[id] or {KEYS[2 * m + 2 * w - 1], KEYS[2 * m + 2 * w]}
  want(id)
end
i = i + nw
for k = 1, m do
  if sigs[k] ~= '' then want(ids[k]) end
end
local records, clusters, found, cluster_read = {}, {}, {}, {}
local sites, site_seen = {}, {}
local function site_of(meta)
  local ok, decoded = pcall(cjson.decode, meta)
  return ok and type(decoded) == 'table' and type(decoded.site) == 'string' and decoded.site
    or ''
end
while #todo > 0 do
  local new_clusters = {}
  for _, id in ipairs(todo) do
    local keys = named[id] or {prefix.sig .. id, prefix.record .. id}
    local s = sig_of[id]
    if s == nil then s = redis.call('GET', keys[1]) or false end
    if s and s ~= '' then
      local f = redis.call('HMGET', keys[2], FIELD.URL, FIELD.META, FIELD.CLUSTER)
      local cid = f[3]
      if not cid or cid == '' then cid = id end
      found[id] = true
      records[#records + 1] = {id, s, f[1] or '', f[2] or '', cid}
      if prefix.site ~= '' and f[2] then
        local site = site_of(f[2])
        if not site_seen[site] then site_seen[site] = true; sites[#sites + 1] = site end
      end
      if not cluster_read[cid] then
        cluster_read[cid] = true
        new_clusters[#new_clusters + 1] = cid
      end
    end
  end
  todo, queued = {}, {}
  for _, cid in ipairs(new_clusters) do
    local flat = redis.call('HGETALL', prefix.cluster .. cid)
    clusters[#clusters + 1] = {cid, flat}
    for j = 1, #flat, 2 do
      local f = flat[j]
      if f:sub(1, #MEMBER) == MEMBER and not found[f:sub(#MEMBER + 1)] then
        want(f:sub(#MEMBER + 1))
      end
    end
  end
end
local counters = {}
if prefix.site ~= '' then
  local key_of = {}
  for s = 1, ns do
    local site = ARGV[i + s - 1]
    key_of[site] = KEYS[2 * m + 2 * nw + s]
    if not site_seen[site] then site_seen[site] = true; sites[#sites + 1] = site end
  end
  for _, site in ipairs(sites) do
    local key = key_of[site] or (prefix.site .. site)
    counters[#counters + 1] = {site, redis.call('HMGET', key, unpack(SITE_COUNTERS))}
  end
end
local texts = {}
if originals then
  local function text(id)
    local keys = named[id] or {prefix.sig .. id, prefix.record .. id}
    texts[#texts + 1] = {id, redis.call('HGET', keys[2], FIELD.TEXT) or ''}
  end
  for _, c in ipairs(clusters) do
    local cid, flat = c[1], c[2]
    if #flat == 0 and found[cid] then text(cid) end  -- an article alone: its own original
    for j = 1, #flat, 2 do
      if flat[j] == CLUSTER.ORIGINAL and found[flat[j + 1]] then text(flat[j + 1]) end
    end
  end
end
return {kept, records, clusters, counters, texts}
