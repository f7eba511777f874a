-- wrk script: every request from a caller of its own. X-Forwarded-For is
-- 10.a.b.c counted up from the number the bench passes (wrk ... -- <start>),
-- so with TRUST_PROXY=1 the app rate-limits each request under a new key and
-- no caller ever reaches its limit (a crowd of browsers, not one hammering).
local n = 0

function init(args)
  n = tonumber(args[1]) or 0
end

function request()
  n = n + 1
  local ip = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  return wrk.format(nil, nil, { ["X-Forwarded-For"] = ip })
end
