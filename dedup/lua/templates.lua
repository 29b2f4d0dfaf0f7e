-- Learn the lines each site repeats on its pages (its template), and name those of a batch.
-- ARGV: prefix, min_pages, cap, learn (1 or 0), n_sites, then per site:
--   site, n_articles, then per article: tag (4 bytes of its id), its line keys (8 bytes each)
-- Key prefix .. 'tpl:' .. site, a hash: field = line key, value = the tags (4 bytes each) of up
-- to min_pages distinct articles that carried the line. An article counted again (a re-crawl)
-- adds nothing. Past `cap` fields, the lines seen on one page only are forgotten first.
-- Returns per site the concatenated keys of the batch's lines that min_pages distinct
-- articles of the site carry (this batch included when learning).
local prefix, need, cap = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local learn, n = ARGV[4] == '1', tonumber(ARGV[5])
local full = need * 4
local i = 6
local out = {}
for s = 1, n do
  local key = prefix .. 'tpl:' .. ARGV[i]
  local n_articles = tonumber(ARGV[i + 1])
  i = i + 2
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
    end
  end
  local found, seen = {}, {}
  for _ = 1, n_articles do
    local tag, lines = ARGV[i], ARGV[i + 1]
    i = i + 2
    for p = 1, #lines - 7, 8 do
      local f = string.sub(lines, p, p + 7)
      local v = redis.call('HGET', key, f)
      if learn and (not v or #v < full) and (v or size < cap) then
        local present = false
        if v then
          for q = 1, #v - 3, 4 do
            if string.sub(v, q, q + 3) == tag then present = true; break end
          end
        end
        if not present then
          if not v then size = size + 1 end
          v = (v or '') .. tag
          redis.call('HSET', key, f, v)
        end
      end
      if v and #v >= full and not seen[f] then
        seen[f] = true
        found[#found + 1] = f
      end
    end
  end
  out[s] = table.concat(found)
end
return out
