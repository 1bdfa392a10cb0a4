-- ARGV: prefix, userId -> {{field, value, ...} per live key}
local live = live_user_keys(ARGV[2])
local out = {}
for i = 2, #live, 2 do
  out[#out + 1] = redis.call('HGETALL', key_key(live[i]))
end
return out
