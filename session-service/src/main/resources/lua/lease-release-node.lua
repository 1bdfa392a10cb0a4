-- ARGV: prefix, nodeId. A node leaving gracefully: releases every lease it holds, each announced once.
local node = ARGV[2]
local released = 0
for _, conn in ipairs(redis.call('SMEMBERS', node_leases_key(node))) do
  local cur = redis.call('HMGET', lease_key(conn), 'userId', 'nodeId', 'epoch')
  if cur[2] == node then
    drop_lease(conn, cur[1], node)
    publish({type = 'lease-released', userId = cur[1], connectionId = conn, nodeId = node, epoch = cur[3], reason = 'node-gone'})
    released = released + 1
  end
end
redis.call('DEL', node_leases_key(node))
return released
