-- ARGV: prefix, batch size. Nodes that stopped heartbeating are removed and announced once (node-gone).
-- Their leases are left to expire on their own TTL; lookups already skip leases of dead nodes.
local limit = tonumber(ARGV[2])
local gone = {}
for _, node in ipairs(redis.call('ZRANGEBYSCORE', NODES, '-inf', s(NOW), 'LIMIT', 0, limit)) do
  redis.call('ZREM', NODES, node)
  redis.call('DEL', node_key(node))
  publish({type = 'node-gone', nodeId = node, reason = 'expired'})
  table.insert(gone, node)
end
return gone
