-- POST /api/v1/jobs with a small text job; each request a different text.
-- No response() callback: it makes wrk hand every response to Lua, which costs the load generator
-- CPU it shares with the service; answers of 400 and above are counted as errors by wrk itself.
dofile(os.getenv("TALLY_WRK_DIR") .. "/report.lua")
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"text":"the quick brown fox jumps over the lazy dog ' .. counter .. '"}'
  return wrk.format("POST", "/api/v1/jobs", {["Content-Type"] = "application/json"}, body)
end
