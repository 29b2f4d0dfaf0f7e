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
return {kept, sigs}
