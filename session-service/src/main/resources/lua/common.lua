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
  ev['at'] = ev['at'] or s(NOW)
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
local function key_key(id) return P .. 'key:' .. id end
local function key_hash_key(hash) return P .. 'keyhash:' .. hash end
local function user_keys_key(user) return P .. 'user:' .. user .. ':keys' end
-- the user's live keys as a flat {name, id, ...}; forgets those that expired (Redis drops their records by TTL)
local function live_user_keys(user)
  local index = user_keys_key(user)
  local entries = redis.call('HGETALL', index)
  local live = {}
  for i = 1, #entries, 2 do
    local key = key_key(entries[i + 1])
    local created, expires, hash = unpack(redis.call('HMGET', key, 'createdAt', 'expiresAt', 'keyHash'))
    if created and (not expires or tonumber(expires) > NOW) then
      live[#live + 1] = entries[i]
      live[#live + 1] = entries[i + 1]
    else
      redis.call('HDEL', index, entries[i])
      if created then redis.call('DEL', key, key_hash_key(hash)) end
    end
  end
  return live
end
