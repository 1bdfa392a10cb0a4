-- ARGV: prefix, connectionId, nodeId, epoch ("0" = any epoch held by this node)
-- Only the holder may release: a fenced owner closing late must not delete its successor's lease.
local conn, node, epoch = ARGV[2], ARGV[3], ARGV[4]
local cur = redis.call('HMGET', lease_key(conn), 'userId', 'nodeId', 'epoch', 'expiresAt')
if not cur[1] or tonumber(cur[4]) <= NOW then return 'gone' end
if cur[2] ~= node or (epoch ~= '0' and epoch ~= cur[3]) then return 'fenced' end
drop_lease(conn, cur[1], cur[2])
publish({type = 'lease-released', userId = cur[1], connectionId = conn, nodeId = cur[2], epoch = cur[3], reason = 'closed'})
return 'released'
