-- ARGV: prefix -> flat list of (nodeId, relayAddress, registeredAt, lastHeartbeat, expiresAt, managementAddress)
-- of live nodes; managementAddress is '' when the node has none (also entries written before the field existed)
local out = {}
for _, node in ipairs(redis.call('ZRANGEBYSCORE', NODES, '(' .. s(NOW), '+inf')) do
  local cur = redis.call('HMGET', node_key(node), 'relayAddress', 'registeredAt', 'lastHeartbeat', 'expiresAt',
    'managementAddress')
  if cur[1] then
    for _, v in ipairs({node, cur[1], cur[2], cur[3], cur[4], cur[5] or ''}) do table.insert(out, v) end
  end
end
return out
