-- ARGV: prefix, keyId, at, keyId, at, ... -> how many lastUsedAt moved forward (never back; unknown keys skipped)
local moved = 0
for i = 2, #ARGV - 1, 2 do
  local key, at = key_key(ARGV[i]), tonumber(ARGV[i + 1])
  if redis.call('EXISTS', key) == 1 then
    local old = tonumber(redis.call('HGET', key, 'lastUsedAt') or '0')
    if at > old then
      redis.call('HSET', key, 'lastUsedAt', s(at))
      moved = moved + 1
    end
  end
end
return moved
