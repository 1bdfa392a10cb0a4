-- ARGV: prefix, nodeId. Removes the node (leases are released by lease-release-node first) and announces it.
local node = ARGV[2]
local existed = redis.call('ZREM', NODES, node)
redis.call('DEL', node_key(node))
if existed == 1 then publish({type = 'node-gone', nodeId = node, reason = 'deregistered'}) end
return existed
