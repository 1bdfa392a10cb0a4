-- ARGV: prefix -> {userId, notBefore, ...}
return redis.call('HGETALL', P .. 'revoked')
