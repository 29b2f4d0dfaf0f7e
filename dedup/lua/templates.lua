-- Learn the lines each site repeats on its pages (its template), and name those of a batch.
-- KEYS, per site (2 each, in ARGV's order of sites):
--   the site's template: a hash: field = line key of a line seen before, value = the tags
--     (4 bytes each) of up to min_pages distinct articles that carried it since
--   the lines it saw once: a 4 KB bitmap (15 bits of the line key)
-- ARGV: min_pages, cap, learn (1 or 0), n_sites, then per site:
--   n_articles, then per article: tag (4 bytes of its id), its line keys (8 bytes each)
-- A line becomes a field only when seen a second time, so the lines of one article (nearly
-- all of them) cost a bit each. An article counted again (a re-crawl) adds no tag. Past `cap`
-- fields, the fields with one tag are dropped and the bitmap cleared.
-- Returns per site the concatenated keys of the batch's lines with min_pages tags, this batch
-- included; without learning (learn 0), of all the site's lines with min_pages tags.
local need, cap = tonumber(ARGV[1]), tonumber(ARGV[2])
local learn, n = ARGV[3] == '1', tonumber(ARGV[4])
local full = need * 4
local i = 5
local out = {}
for s = 1, n do
  local key, seen_key = KEYS[2 * s - 1], KEYS[2 * s]
  local n_articles = tonumber(ARGV[i])
  i = i + 1
  local size = 0
  if learn then
    size = redis.call('HLEN', key)
    if size >= cap then
      local all = redis.call('HGETALL', key)
      for j = 1, #all, 2 do
        if #all[j + 1] <= 4 then
          redis.call('HDEL', key, all[j])
          size = size - 1
        end
      end
      redis.call('DEL', seen_key)
    end
  end
  local found, named = {}, {}
  if not learn then
    local all = redis.call('HGETALL', key)
    for j = 1, #all, 2 do
      if #all[j + 1] >= full then found[#found + 1] = all[j] end
    end
    i = i + 2 * n_articles
    n_articles = 0
  end
  for _ = 1, n_articles do
    local tag, lines = ARGV[i], ARGV[i + 1]
    i = i + 2
    for p = 1, #lines - 7, 8 do
      local f = string.sub(lines, p, p + 7)
      local v = redis.call('HGET', key, f)
      if learn then
        if not v then
          local b1, b2 = string.byte(f, 1, 2)
          local bit = (b1 % 128) * 256 + b2
          if redis.call('SETBIT', seen_key, bit, 1) == 1 and size < cap then
            v = tag
            size = size + 1
            redis.call('HSET', key, f, v)
          end
        elseif #v < full then
          local present = false
          for q = 1, #v - 3, 4 do
            if string.sub(v, q, q + 3) == tag then present = true; break end
          end
          if not present then
            v = v .. tag
            redis.call('HSET', key, f, v)
          end
        end
      end
      if v and #v >= full and not named[f] then
        named[f] = true
        found[#found + 1] = f
      end
    end
  end
  out[s] = table.concat(found)
end
return out
