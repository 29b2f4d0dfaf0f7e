-- Learn the lines each site repeats on its pages (its template), and name those of a batch.
-- KEYS, per site (2 each, in ARGV's order of sites):
--   the site's template: a hash: field = line key of a line seen before, value = the tags
--     (4 bytes each) of up to min_pages distinct articles that carried it since
--   the lines it saw once: an 8 KB bitmap: bits 0-32767 for 15 bits of the line key, bits
--     32768-65535 for 15 bits of (line key, tag) of the article that saw it first
-- ARGV: min_pages, cap, mode, n_sites, then per site: n_groups, then per group (one batch of
--   the site's articles, in input order): n_articles, then per article: tag (4 bytes of its
--   id), its line keys (8 bytes each)
-- mode 'learn': count the groups' lines; 'preview': count them in a copy (write nothing) and
--   answer as 'learn' would once the groups before the last are learned; 'read': learn nothing
-- A line becomes a field only when seen a second time, so the lines of one article (nearly
-- all of them) cost a bit each. Learning is idempotent: an article counted again (a re-crawl,
-- a re-run after a crash) adds nothing, not even as the second sighting of its own line.
-- Past `cap` fields (checked before each group), the fields with one tag are dropped and the
-- bitmap cleared.
-- Returns per site the concatenated keys of the last group's lines with min_pages tags, that
-- group included; in mode 'read', of all the site's lines with min_pages tags.
local need, cap = tonumber(ARGV[1]), tonumber(ARGV[2])
local mode, n = ARGV[3], tonumber(ARGV[4])
local full = need * 4
local i = 5
local out = {}

-- what 'preview' changes stays in `ov` (fields: value or false when deleted; bits set; whether
-- the bitmap was cleared); 'learn' writes through
-- An article's fields and bits are read in two commands when it comes (HMGET, BITFIELD_RO),
-- not one command a line (a third of the server's time of an ingest went to those calls);
-- what it writes is kept with them (`fields`, and `now` for bits: two lines may share one),
-- so each line reads what a command of its own would have.
local function read_many(command, key, args, per)
  local out = {}
  for p = 1, #args, 240 * per do
    local part = redis.call(command, key, unpack(args, p, math.min(p + 240 * per - 1, #args)))
    for j = 1, #part do out[#out + 1] = part[j] end
  end
  return out
end

local function store(key, seen_key, ov)
  local s = {}
  local fields, bits, now = {}, {}, {}
  function s.read(names, offsets)
    fields, bits, now = {}, {}, {}
    if #names == 0 then return end
    local got = read_many('HMGET', key, names, 1)
    for j = 1, #names do fields[names[j]] = got[j] end
    local ops = {}
    for j = 1, #offsets do
      ops[#ops + 1] = 'GET'; ops[#ops + 1] = 'u1'; ops[#ops + 1] = offsets[j]
    end
    got = read_many('BITFIELD_RO', seen_key, ops, 3)
    for j = 1, #offsets do bits[offsets[j]] = got[j] end
  end
  function s.hget(f)
    if ov and ov.fields[f] ~= nil then return ov.fields[f] end
    return fields[f]
  end
  function s.hset(f, v)
    fields[f] = v
    if ov then ov.fields[f] = v else redis.call('HSET', key, f, v) end
  end
  function s.getbit(bit)
    if now[bit] then return 1 end
    if ov then
      if ov.bits[bit] then return 1 end
      if ov.cleared then return 0 end
    end
    return bits[bit]
  end
  function s.setbit(bit)
    now[bit] = true
    if ov then ov.bits[bit] = true else redis.call('SETBIT', seen_key, bit, 1) end
  end
  function s.prune()
    local all = redis.call('HGETALL', key)
    local merged = {}
    for j = 1, #all, 2 do merged[all[j]] = all[j + 1] end
    if ov then
      for f, v in pairs(ov.fields) do merged[f] = v end
    end
    local size = 0
    for f, v in pairs(merged) do
      if v and #v <= 4 then
        if ov then ov.fields[f] = false else redis.call('HDEL', key, f) end
      elseif v then
        size = size + 1
      end
    end
    if ov then ov.bits, ov.cleared = {}, true else redis.call('DEL', seen_key) end
    return size
  end
  return s
end

local function has_tag(v, tag)
  for q = 1, #v - 3, 4 do
    if string.sub(v, q, q + 3) == tag then return true end
  end
  return false
end

for s = 1, n do
  local key, seen_key = KEYS[2 * s - 1], KEYS[2 * s]
  local ov = nil
  if mode == 'preview' then ov = {fields = {}, bits = {}, cleared = false, size = nil} end
  local st = store(key, seen_key, ov)
  local n_groups = tonumber(ARGV[i])
  i = i + 1
  local found, named = {}, {}
  if mode == 'read' then
    local all = redis.call('HGETALL', key)
    for j = 1, #all, 2 do
      if #all[j + 1] >= full then found[#found + 1] = all[j] end
    end
  end
  local size = (mode ~= 'read') and redis.call('HLEN', key) or 0
  for g = 1, n_groups do
    local n_articles = tonumber(ARGV[i])
    i = i + 1
    if mode ~= 'read' and size >= cap then size = st.prune() end
    for _ = 1, n_articles do
      local tag, lines = ARGV[i], ARGV[i + 1]
      i = i + 2
      if mode ~= 'read' then
        local t1, t2 = string.byte(tag, 1, 2)
        local names, offsets, lows, firsts = {}, {}, {}, {}
        for p = 1, #lines - 7, 8 do
          local f = string.sub(lines, p, p + 7)
          local b1, b2, b3, b4 = string.byte(f, 1, 4)
          names[#names + 1] = f
          lows[#names] = (b1 % 128) * 256 + b2
          firsts[#names] = 32768 + (bit.bxor(b3, t1) % 128) * 256 + bit.bxor(b4, t2)
          offsets[#offsets + 1] = lows[#names]
          offsets[#offsets + 1] = firsts[#names]
        end
        st.read(names, offsets)
        for j = 1, #names do
          local f, low, first = names[j], lows[j], firsts[j]
          local v = st.hget(f)
          if not v then
            if st.getbit(low) == 0 then
              st.setbit(low)
              st.setbit(first)
            elseif size < cap and st.getbit(first) == 0 then
              v = tag
              size = size + 1
              st.hset(f, v)
            end
          elseif #v < full and not has_tag(v, tag) and st.getbit(first) == 0 then
            v = v .. tag
            st.hset(f, v)
          end
          if g == n_groups and v and #v >= full and not named[f] then
            named[f] = true
            found[#found + 1] = f
          end
        end
      end
    end
  end
  out[s] = table.concat(found)
end
return out
