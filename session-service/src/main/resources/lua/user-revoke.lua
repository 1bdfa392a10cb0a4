-- ARGV: prefix, userId -> notBefore
-- The user's not-before becomes now, never earlier than it was (a second revocation keeps the later time).
local user = ARGV[2]
local REVOKED = P .. 'revoked'
local nb = NOW
local old = tonumber(redis.call('HGET', REVOKED, user) or '0')
if old > nb then nb = old end
redis.call('HSET', REVOKED, user, s(nb))
publish({type = 'user-revoked', userId = user, at = s(nb)})
return s(nb)
