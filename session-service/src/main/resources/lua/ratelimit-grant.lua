-- ARGV: prefix, userId, requested (0 = one batch), limit, windowMs, maxBatch
--   -> {granted, remaining, windowStart, windowEnd, batchSize}
-- Grants at most one batch, and never more than is left of the user's cluster-wide budget in the current fixed
-- window. batch = max(1, min(limit / (10 x live nodes), maxBatch)) bounds the tokens stranded on other gateways.
local user, requested, limit = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local window, max_batch = tonumber(ARGV[5]), tonumber(ARGV[6])
local nodes = math.max(1, redis.call('ZCOUNT', NODES, '(' .. s(NOW), '+inf'))
local batch = math.max(1, math.min(math.floor(limit / (10 * nodes)), max_batch))
local want = batch
if requested > 0 then want = math.min(requested, batch) end
local start = NOW - (NOW % window)
local key = P .. 'rl:' .. user .. ':' .. s(start)
local used = tonumber(redis.call('GET', key) or '0')
local granted = math.max(0, math.min(want, limit - used))
if granted > 0 then
  redis.call('INCRBY', key, s(granted))
  redis.call('PEXPIREAT', key, s(start + window + 60000))
end
return {s(granted), s(math.max(0, limit - used - granted)), s(start), s(start + window), s(batch)}
