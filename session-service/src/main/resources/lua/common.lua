-- Prepended to every script. Keys are derived from ARGV[1] (the prefix): the scripts target one Redis
-- instance (or a primary behind Sentinel), not Redis Cluster.
local P = ARGV[1]
local T = redis.call('TIME')
local NOW = tonumber(T[1]) * 1000 + math.floor(tonumber(T[2]) / 1000)
-- integers go to Redis and into JSON as exact decimal strings (Lua would print 1.7e+15)
local function s(n) return string.format('%d', n) end
local function lease_key(conn) return P .. 'lease:' .. conn end
local function user_key(user) return P .. 'user:' .. user .. ':leases' end
local function node_key(node) return P .. 'node:' .. node end
local function node_leases_key(node) return P .. 'node:' .. node .. ':leases' end
local NODES = P .. 'nodes'
local LEASE_EXPIRY = P .. 'lease-expiry'
local EPOCH = P .. 'epoch'
local EVENTS = P .. 'events'
local function publish(ev)
  ev['at'] = s(NOW)
  redis.call('PUBLISH', EVENTS, cjson.encode(ev))
end
local function node_live(node)
  local score = redis.call('ZSCORE', NODES, node)
  return score and tonumber(score) > NOW
end
-- removes a lease from every index; the caller publishes
local function drop_lease(conn, user, node)
  redis.call('DEL', lease_key(conn))
  if user then redis.call('ZREM', user_key(user), conn) end
  if node then redis.call('SREM', node_leases_key(node), conn) end
  redis.call('ZREM', LEASE_EXPIRY, conn)
end
