-- ARGV: prefix, userId -> at
-- Nothing is stored: every gateway closes the user's tunnels it holds when it sees the event.
publish({type = 'tunnels-closed', userId = ARGV[2], reason = 'user'})
return s(NOW)
