-- ARGV: prefix, keyHash -> {field, value, ...} of the live key with this hash, or {}
local hash = ARGV[2]
local id = redis.call('GET', key_hash_key(hash))
if not id then return {} end
local stored, expires = unpack(redis.call('HMGET', key_key(id), 'keyHash', 'expiresAt'))
if stored ~= hash or (expires and tonumber(expires) <= NOW) then return {} end
return redis.call('HGETALL', key_key(id))
