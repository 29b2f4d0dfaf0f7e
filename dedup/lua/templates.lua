-- Learn the lines each site repeats on its pages (its template), and name those of a batch.
-- KEYS, per site (2 each, in ARGV's order of sites):
--   the site's template: a hash: field = line key of a line seen before, value = the tags
--     (4 bytes each) of up to min_pages distinct articles that carried it since
--   the lines it saw once: an 8 KB bitmap: bits 0-32767 for 15 bits of the line key, bits
--     32768-65535 for 15 bits of (line key, tag) of the article that saw it first
-- ARGV: min_pages, cap, mode, n_sites, then per site: n_groups, then per group (one batch of
--   the site's articles, in input order): n_articles, then per article: tag (4 bytes of its
--   id), its line keys (8 bytes each)
-- mode 'learn': count the groups' lines; 'read': learn nothing
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

-- Bit offsets go to redis.call as strings: Redis 7.0 formats a Lua number with "%.17g"
-- (printf's float path), several times the cost of '%d'.
-- The bits at the offsets (0 or 1 each), in one BITFIELD a chunk.
local function getbits(seen_key, offsets)
  local out = {}
  for c = 1, #offsets, 500 do
    local args = {}
    for q = c, math.min(c + 499, #offsets) do
      args[#args + 1] = 'GET'
      args[#args + 1] = 'u1'
      args[#args + 1] = string.format("%d", offsets[q])
    end
    local part = redis.call('BITFIELD', seen_key, unpack(args))
    for q = 1, #part do out[c + q - 1] = part[q] end
  end
  return out
end

-- Set the bits at the offsets, in one BITFIELD a chunk.
local function setbits(seen_key, offsets)
  for c = 1, #offsets, 500 do
    local args = {}
    for q = c, math.min(c + 499, #offsets) do
      args[#args + 1] = 'SET'
      args[#args + 1] = 'u1'
      args[#args + 1] = string.format("%d", offsets[q])
      args[#args + 1] = '1'
    end
    redis.call('BITFIELD', seen_key, unpack(args))
  end
end

-- Drop the fields with one tag and clear the bitmap; returns the fields left.
local function prune(key, seen_key)
  local all = redis.call('HGETALL', key)
  local size = 0
  for j = 1, #all, 2 do
    if #all[j + 1] <= 4 then redis.call('HDEL', key, all[j]) else size = size + 1 end
  end
  redis.call('DEL', seen_key)
  return size
end

local function has_tag(v, tag)
  for q = 1, #v - 3, 4 do
    if string.sub(v, q, q + 3) == tag then return true end
  end
  return false
end

for s = 1, n do
  local key, seen_key = KEYS[2 * s - 1], KEYS[2 * s]
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
    if mode ~= 'read' and size >= cap then size = prune(key, seen_key) end
    for _ = 1, n_articles do
      local tag, lines = ARGV[i], ARGV[i + 1]
      i = i + 2
      if mode ~= 'read' then
        local t1, t2 = string.byte(tag, 1, 2)
        local fields, offsets = {}, {}
        for p = 1, #lines - 7, 8 do
          local f = string.sub(lines, p, p + 7)
          local b1, b2, b3, b4 = string.byte(f, 1, 4)
          fields[#fields + 1] = f
          offsets[#offsets + 1] = (b1 % 128) * 256 + b2  -- the line's bit
          offsets[#offsets + 1] = 32768 + (bit.bxor(b3, t1) % 128) * 256 + bit.bxor(b4, t2)
        end
        -- The article's fields and bits read at once (an HMGET and a BITFIELD a chunk, not
        -- an HGET and GETBITs a line), its new bits set at once after its lines. What its
        -- own lines write is kept here and read first (`wrote`; `set`: bits only ever get
        -- set within an article), so each line sees what line-by-line reads saw.
        local values, wrote, set, to_set = {}, {}, {}, {}
        for c = 1, #fields, 1000 do
          local part = redis.call('HMGET', key, unpack(fields, c, math.min(c + 999, #fields)))
          for q = 1, #part do values[c + q - 1] = part[q] end
        end
        local bits = (#fields > 0) and getbits(seen_key, offsets) or {}
        for q = 1, #fields do
          local f = fields[q]
          local line, first = offsets[2 * q - 1], offsets[2 * q]
          local first_seen = set[first] or bits[2 * q] == 1
          local v = wrote[f]
          if v == nil then v = values[q] end
          if not v then
            if not (set[line] or bits[2 * q - 1] == 1) then
              set[line], set[first] = true, true
              to_set[#to_set + 1] = line
              to_set[#to_set + 1] = first
            elseif size < cap and not first_seen then
              v = tag
              size = size + 1
              redis.call('HSET', key, f, v)
              wrote[f] = v
            end
          elseif #v < full and not has_tag(v, tag) and not first_seen then
            v = v .. tag
            redis.call('HSET', key, f, v)
            wrote[f] = v
          end
          if g == n_groups and v and #v >= full and not named[f] then
            named[f] = true
            found[#found + 1] = f
          end
        end
        if #to_set > 0 then setbits(seen_key, to_set) end
      end
    end
  end
  out[s] = table.concat(found)
end
return out
