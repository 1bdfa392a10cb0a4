-- ARGV: prefix, userId, connectionId, nodeId, maxPerUser, ttlMs
-- Connection limit and lease write in one atomic step: no read-then-write race between gateways.
local user, conn, node = ARGV[2], ARGV[3], ARGV[4]
local max, ttl = tonumber(ARGV[5]), tonumber(ARGV[6])
if not node_live(node) then return {'nonode'} end
local ukey = user_key(user)
redis.call('ZREMRANGEBYSCORE', ukey, '-inf', s(NOW))  -- expired leases do not count
local cur = redis.call('HMGET', lease_key(conn), 'userId', 'nodeId', 'epoch', 'expiresAt')
local live = cur[1] and tonumber(cur[4]) > NOW
local expiry = NOW + ttl
if live and cur[1] ~= user then return {'conflict'} end
local previous = nil
if live and cur[2] == node then
  -- the holder registers again (e.g. after a lost answer): same epoch, fresh TTL
  redis.call('HSET', lease_key(conn), 'expiresAt', s(expiry))
  redis.call('PEXPIRE', lease_key(conn), s(ttl * 2))
  redis.call('ZADD', ukey, s(expiry), conn)
  redis.call('PEXPIRE', ukey, s(ttl * 2))
  redis.call('ZADD', LEASE_EXPIRY, s(expiry), conn)
  return {'renewed', cur[3], s(expiry)}
elseif live then
  previous = cur[2]  -- taken over by another node: same connection, not counted twice
else
  local count = redis.call('ZCARD', ukey)
  if redis.call('ZSCORE', ukey, conn) then count = count - 1 end
  if count >= max then return {'limit', s(count)} end
end
if redis.call('EXISTS', EPOCH) == 0 then
  -- seeded from the clock so that epochs keep increasing even if Redis lost its data
  redis.call('SET', EPOCH, s(NOW * 1000))
end
local epoch = s(redis.call('INCR', EPOCH))
redis.call('HSET', lease_key(conn), 'userId', user, 'connectionId', conn, 'nodeId', node, 'epoch', epoch,
  'acquiredAt', s(NOW), 'expiresAt', s(expiry))
-- the hash outlives its expiry a little so the sweeper can still announce the release
redis.call('PEXPIRE', lease_key(conn), s(ttl * 2))
redis.call('ZADD', ukey, s(expiry), conn)
redis.call('PEXPIRE', ukey, s(ttl * 2))
redis.call('ZADD', LEASE_EXPIRY, s(expiry), conn)
if previous then redis.call('SREM', node_leases_key(previous), conn) end
if cur[2] and cur[2] ~= node then redis.call('SREM', node_leases_key(cur[2]), conn) end
redis.call('SADD', node_leases_key(node), conn)
if previous then
  publish({type = 'lease-moved', userId = user, connectionId = conn, nodeId = node, previousNodeId = previous, epoch = epoch})
  return {'moved', epoch, s(expiry)}
end
publish({type = 'lease-acquired', userId = user, connectionId = conn, nodeId = node, epoch = epoch})
return {'acquired', epoch, s(expiry)}
