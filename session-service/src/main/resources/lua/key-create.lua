-- ARGV: prefix, userId, keyId, name, keyHash, expiresAt ('' = never), methods JSON ('' = any),
--       pathPrefixes JSON ('' = any), maxKeys
--   -> {'created', createdAt} | {'expired'} | {'name'} | {'limit'} | {'hash'} | {'id'}
-- Name uniqueness and the limit are checked and the three entries written in one step, so two gateways creating
-- keys for the same user at once cannot both take a name or exceed the limit.
local user, id, name, hash = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local expires, methods, prefixes, max = ARGV[6], ARGV[7], ARGV[8], tonumber(ARGV[9])
if expires ~= '' and tonumber(expires) <= NOW then return {'expired'} end
local live = live_user_keys(user)
for i = 1, #live, 2 do
  if live[i] == name then return {'name'} end
end
if #live / 2 >= max then return {'limit'} end
if redis.call('EXISTS', key_key(id)) == 1 then return {'id'} end
if redis.call('EXISTS', key_hash_key(hash)) == 1 then return {'hash'} end
local fields = {'id', id, 'userId', user, 'name', name, 'keyHash', hash, 'createdAt', s(NOW)}
if expires ~= '' then fields[#fields + 1] = 'expiresAt'; fields[#fields + 1] = expires end
if methods ~= '' then fields[#fields + 1] = 'methods'; fields[#fields + 1] = methods end
if prefixes ~= '' then fields[#fields + 1] = 'pathPrefixes'; fields[#fields + 1] = prefixes end
redis.call('HSET', key_key(id), unpack(fields))
redis.call('SET', key_hash_key(hash), id)
redis.call('HSET', user_keys_key(user), name, id)
if expires ~= '' then
  redis.call('PEXPIREAT', key_key(id), expires)
  redis.call('PEXPIREAT', key_hash_key(hash), expires)
end
return {'created', s(NOW)}
