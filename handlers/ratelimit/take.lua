-- Count one request on every key if each has room; otherwise count none.
-- KEYS: the counters. ARGV: max and window (ms) per key, in KEYS order.
-- Returns {allowed (0/1), index (1-based), remaining, reset_ms}: the
-- refusing key, or, when allowed, the one with the least remaining.
-- Windows are Redis's own PEXPIRE/PTTL: node clocks never matter.
local counts = redis.call('MGET', unpack(KEYS))
for i = 1, #KEYS do
  local max = tonumber(ARGV[2 * i - 1])
  if (tonumber(counts[i]) or 0) >= max then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then -- a counter without expiry would refuse for ever
      ttl = tonumber(ARGV[2 * i])
      redis.call('PEXPIRE', KEYS[i], ttl)
    end
    return {0, i, 0, ttl}
  end
end
local best, bestRem, bestTTL = 0, 0, 0
for i = 1, #KEYS do
  local max = tonumber(ARGV[2 * i - 1])
  local win = tonumber(ARGV[2 * i])
  local c = redis.call('INCR', KEYS[i])
  local ttl = win
  if c == 1 then
    redis.call('PEXPIRE', KEYS[i], win)
  else
    ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then
      redis.call('PEXPIRE', KEYS[i], win)
      ttl = win
    end
  end
  if best == 0 or max - c < bestRem then
    best, bestRem, bestTTL = i, max - c, ttl
  end
end
return {1, best, bestRem, bestTTL}
