-- ARGV: prefix, nodeId, relayAddress, ttlMs, managementAddress ('' = none) -> {registeredAt, expiresAt}
local node, relay, ttl, mgmt = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5] or ''
local expiry = NOW + ttl
local key = node_key(node)
local registered = redis.call('HGET', key, 'registeredAt')
if not node_live(node) or not registered then registered = s(NOW) end
redis.call('HSET', key, 'nodeId', node, 'relayAddress', relay, 'registeredAt', registered,
  'lastHeartbeat', s(NOW), 'expiresAt', s(expiry))
-- absent rather than empty, so an entry without one looks exactly like those written before the field existed
if mgmt == '' then redis.call('HDEL', key, 'managementAddress') else redis.call('HSET', key, 'managementAddress', mgmt) end
redis.call('PEXPIRE', key, s(ttl * 2))
redis.call('ZADD', NODES, s(expiry), node)
return {registered, s(expiry)}
