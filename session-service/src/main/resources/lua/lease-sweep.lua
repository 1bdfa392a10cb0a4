-- ARGV: prefix, batch size. Removes expired leases from every index and announces each once.
local limit = tonumber(ARGV[2])
local swept = 0
for _, conn in ipairs(redis.call('ZRANGEBYSCORE', LEASE_EXPIRY, '-inf', s(NOW), 'LIMIT', 0, limit)) do
  local cur = redis.call('HMGET', lease_key(conn), 'userId', 'nodeId', 'epoch', 'expiresAt')
  if cur[4] and tonumber(cur[4]) > NOW then
    redis.call('ZADD', LEASE_EXPIRY, cur[4], conn)
  else
    drop_lease(conn, cur[1], cur[2])
    if cur[1] then
      publish({type = 'lease-released', userId = cur[1], connectionId = conn, nodeId = cur[2], epoch = cur[3], reason = 'expired'})
    end
    swept = swept + 1
  end
end
return swept
