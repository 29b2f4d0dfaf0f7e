-- The watch events of a write's copy facts, in order (see dedup/notices.py).
-- KEYS sent, events, stamps, watches; ARGV copies per entry, then per copy: copy, cluster
-- after the write and its version, cluster before and its version as read ('-' and 0 for
-- none), "site original" it now reproduces ('' for none); that site is watched when the
-- watches hash holds it (read here, with the step). Returns a
-- 1 (current) or 0 (older than a step already recorded) per copy, then the events queued:
-- one stream entry per site and up to ARGV[1] copies: site, copies (JSON), at (ms).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local most = tonumber(ARGV[1])
local stale = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - KEEP, 'LIMIT', 0, 500)
for _, c in ipairs(stale) do  -- a bare stamp (no watched site owed) goes when no longer trusted
  if string.match(redis.call('HGET', KEYS[1], c) or '', '^%d+ %S+ %d+ %S+ %d+$') then
    redis.call('HDEL', KEYS[1], c)
  end
end
if #stale > 0 then redis.call('ZREM', KEYS[3], unpack(stale)) end
local out, by_site, sites = {}, {}, {}
local function add(site, item)
  if not by_site[site] then by_site[site] = {}; table.insert(sites, site) end
  table.insert(by_site[site], item)
end
for i = 2, #ARGV, 6 do
  local copy, cluster, version = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local now_of = ARGV[i + 5]
  local nsite, norig = string.match(now_of, '^(%S+) (%S+)$')
  local watched = nsite ~= nil and redis.call('HEXISTS', KEYS[4], nsite) == 1
  local old = redis.call('HGET', KEYS[1], copy) or ''
  local at, oc, ov, fc, fv, state = string.match(old, '^(%d+) (%S+) (%d+) (%S+) (%d+) ?(.*)$')
  if not at then at, oc, ov, fc, fv, state = '0', '-', '0', '-', '0', old end  -- unstamped
  local older = cluster ~= '-' and tonumber(at) > now - KEEP and
    ((oc == cluster and tonumber(ov) > version) or (fc == cluster and tonumber(fv) >= version))
  table.insert(out, older and 0 or 1)
  if not older then
    local new = watched and now_of or ''
    local osite, oorig = string.match(state, '^(%S+) (%S+)$')
    if state ~= new and state ~= '' and (not watched or osite ~= nsite) then
      add(osite, {kind = 'copy.reassigned', copy = copy, original = norig or '',
                  previous = oorig})
    end
    if state ~= new and watched then
      add(nsite, {kind = (state ~= '' and osite == nsite) and 'copy.reassigned' or
                  'copy.found', copy = copy, original = norig, previous = oorig or ''})
    end
    local stamp = table.concat({now, cluster, ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]}, ' ')
    if watched then
      redis.call('HSET', KEYS[1], copy, stamp .. ' ' .. new)
      redis.call('ZREM', KEYS[3], copy)
    else
      redis.call('HSET', KEYS[1], copy, stamp)
      redis.call('ZADD', KEYS[3], now, copy)
    end
  end
end
local queued = 0
for _, site in ipairs(sites) do
  local items = by_site[site]
  for first = 1, #items, most do
    local chunk = {}
    for j = first, math.min(first + most - 1, #items) do table.insert(chunk, items[j]) end
    redis.call('XADD', KEYS[2], '*', 'site', site, 'copies', cjson.encode(chunk), 'at', now)
    queued = queued + #chunk
  end
end
table.insert(out, queued)
return out
