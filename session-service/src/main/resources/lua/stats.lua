-- ARGV: prefix -> {liveNodes, liveLeases}
return {redis.call('ZCOUNT', NODES, '(' .. s(NOW), '+inf'), redis.call('ZCOUNT', LEASE_EXPIRY, '(' .. s(NOW), '+inf')}
