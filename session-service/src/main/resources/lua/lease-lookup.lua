-- ARGV: prefix, userId -> flat list of (connectionId, nodeId, epoch, expiresAt, relayAddress) of routable leases
local user = ARGV[2]
local out = {}
for _, conn in ipairs(redis.call('ZRANGEBYSCORE', user_key(user), '(' .. s(NOW), '+inf')) do
  local cur = redis.call('HMGET', lease_key(conn), 'userId', 'nodeId', 'epoch', 'expiresAt')
  if cur[1] == user and tonumber(cur[4]) > NOW and node_live(cur[2]) then
    local relay = redis.call('HGET', node_key(cur[2]), 'relayAddress') or ''
    for _, v in ipairs({conn, cur[2], cur[3], cur[4], relay}) do table.insert(out, v) end
  end
end
return out
