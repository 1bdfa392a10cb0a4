-- ARGV: prefix, nodeId, ttlMs -> {relayAddress, registeredAt, expiresAt, managementAddress or ''}
--   or {} when the node is unknown/expired
local node, ttl = ARGV[2], tonumber(ARGV[3])
if not node_live(node) then return {} end
local key = node_key(node)
local cur = redis.call('HMGET', key, 'relayAddress', 'registeredAt', 'managementAddress')
if not cur[1] then return {} end
local expiry = NOW + ttl
redis.call('HSET', key, 'lastHeartbeat', s(NOW), 'expiresAt', s(expiry))
redis.call('PEXPIRE', key, s(ttl * 2))
redis.call('ZADD', NODES, s(expiry), node)
return {cur[1], cur[2], s(expiry), cur[3] or ''}
