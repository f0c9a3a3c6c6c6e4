-- POST /api/v1/jobs with a small text job; each request a different text.
dofile(os.getenv("TALLY_WRK_DIR") .. "/report.lua")
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"text":"the quick brown fox jumps over the lazy dog ' .. counter .. '"}'
  return wrk.format("POST", "/api/v1/jobs", {["Content-Type"] = "application/json"}, body)
end
response = function(status, headers, body)
  if status ~= 202 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
