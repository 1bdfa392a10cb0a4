-- ARGV: prefix, userId, keyId -> {field, value, ...} of the revoked key, or {} when the user has no such live key
local user, id = ARGV[2], ARGV[3]
local key = key_key(id)
local owner, name, hash, expires = unpack(redis.call('HMGET', key, 'userId', 'name', 'keyHash', 'expiresAt'))
if owner ~= user or (expires and tonumber(expires) <= NOW) then return {} end
local fields = redis.call('HGETALL', key)
redis.call('DEL', key, key_hash_key(hash))
if redis.call('HGET', user_keys_key(user), name) == id then redis.call('HDEL', user_keys_key(user), name) end
publish({type = 'key-revoked', userId = user, keyId = id})
return fields
