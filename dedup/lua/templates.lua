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
local function getbit(seen_key, offset)
  return redis.call('GETBIT', seen_key, string.format("%d", offset))
end

local function setbit(seen_key, offset)
  return redis.call('SETBIT', seen_key, string.format("%d", offset), '1')
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
        local fields = {}
        for p = 1, #lines - 7, 8 do fields[#fields + 1] = string.sub(lines, p, p + 7) end
        -- the article's fields read at once (one HMGET a chunk, not an HGET a line); what
        -- its own lines write is kept in `wrote`, read first: as line by line reads would
        local values, wrote = {}, {}
        for c = 1, #fields, 1000 do
          local part = redis.call('HMGET', key, unpack(fields, c, math.min(c + 999, #fields)))
          for q = 1, #part do values[c + q - 1] = part[q] end
        end
        for q = 1, #fields do
          local f = fields[q]
          local b1, b2, b3, b4 = string.byte(f, 1, 4)
          local first = 32768 + (bit.bxor(b3, t1) % 128) * 256 + bit.bxor(b4, t2)
          local v = wrote[f]
          if v == nil then v = values[q] end
          if not v then
            -- SETBIT answers the bit it found: a GETBIT and a SETBIT in one call (setting a
            -- set bit changes nothing)
            if setbit(seen_key, (b1 % 128) * 256 + b2) == 0 then
              setbit(seen_key, first)
            elseif size < cap and getbit(seen_key, first) == 0 then
              v = tag
              size = size + 1
              redis.call('HSET', key, f, v)
              wrote[f] = v
            end
          elseif #v < full and not has_tag(v, tag) and getbit(seen_key, first) == 0 then
            v = v .. tag
            redis.call('HSET', key, f, v)
            wrote[f] = v
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
