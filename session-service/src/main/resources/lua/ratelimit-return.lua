-- ARGV: prefix, userId, tokens, windowStart. Gives unused tokens back (a draining gateway); ignored for an old window.
local user, tokens, start = ARGV[2], tonumber(ARGV[3]), ARGV[4]
local key = P .. 'rl:' .. user .. ':' .. start
local used = tonumber(redis.call('GET', key) or '0')
local back = math.min(tokens, used)
if back > 0 then redis.call('DECRBY', key, s(back)) end
return back
