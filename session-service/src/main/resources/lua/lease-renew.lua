-- ARGV: prefix, nodeId, ttlMs, then pairs (connectionId, epoch); epoch "0" = any epoch held by this node
-- Renews every lease of one node in one call; answers which ones are gone or fenced.
local node, ttl = ARGV[2], tonumber(ARGV[3])
local expiry = NOW + ttl
local renewed, gone, fenced = {}, {}, {}
for i = 4, #ARGV, 2 do
  local conn, epoch = ARGV[i], ARGV[i + 1]
  local cur = redis.call('HMGET', lease_key(conn), 'userId', 'nodeId', 'epoch', 'expiresAt')
  if not cur[1] or tonumber(cur[4]) <= NOW then
    table.insert(gone, conn)
  elseif cur[2] ~= node or (epoch ~= '0' and epoch ~= cur[3]) then
    table.insert(fenced, conn)
  else
    redis.call('HSET', lease_key(conn), 'expiresAt', s(expiry))
    redis.call('PEXPIRE', lease_key(conn), s(ttl * 2))
    redis.call('ZADD', user_key(cur[1]), s(expiry), conn)
    redis.call('PEXPIRE', user_key(cur[1]), s(ttl * 2))
    redis.call('ZADD', LEASE_EXPIRY, s(expiry), conn)
    table.insert(renewed, conn)
  end
end
return {renewed, gone, fenced, s(expiry)}
