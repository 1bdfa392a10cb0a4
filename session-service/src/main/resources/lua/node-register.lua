-- ARGV: prefix, nodeId, relayAddress, ttlMs -> {registeredAt, expiresAt}
local node, relay, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4])
local expiry = NOW + ttl
local key = node_key(node)
local registered = redis.call('HGET', key, 'registeredAt')
if not node_live(node) or not registered then registered = s(NOW) end
redis.call('HSET', key, 'nodeId', node, 'relayAddress', relay, 'registeredAt', registered,
  'lastHeartbeat', s(NOW), 'expiresAt', s(expiry))
redis.call('PEXPIRE', key, s(ttl * 2))
redis.call('ZADD', NODES, s(expiry), node)
return {registered, s(expiry)}
