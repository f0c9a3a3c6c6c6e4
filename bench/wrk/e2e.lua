-- End-to-end submissions for EndToEndBench: exactly TALLY_E2E_JOBS URL jobs, each for a URL of its
-- own (TALLY_E2E_PAGE?n=<i>, i from TALLY_E2E_FIRST on), shared between the TALLY_E2E_THREADS wrk
-- threads (wrk's -t). Prints one line per answer as it comes: "ID <job id>" for a 202, "ERROR
-- <status>" for anything else; the caller stops wrk once it has them all (wrk itself runs for its
-- whole -d). A connection whose thread has sent its share waits instead of sending more.
local page = os.getenv("TALLY_E2E_PAGE")
local jobs = tonumber(os.getenv("TALLY_E2E_JOBS"))
local first = tonumber(os.getenv("TALLY_E2E_FIRST") or "0")
local threads = tonumber(os.getenv("TALLY_E2E_THREADS"))
local headers = {["Content-Type"] = "application/json"}
local started = 0

function setup(thread)
  thread:set("index", started)
  started = started + 1
end

function init(args)
  local share = math.floor(jobs / threads)
  next_job = first + index * share
  last_job = index == threads - 1 and first + jobs or next_job + share
  reserved = next_job
end

-- Called before every request on a connection, the first included: a request is sent only if one
-- of this thread's jobs is left for it.
function delay()
  if reserved < last_job then
    reserved = reserved + 1
    return 0
  end
  return 3600000
end

function request()
  local n = next_job
  next_job = next_job + 1
  return wrk.format("POST", "/api/v1/jobs", headers, '{"url":"' .. page .. "?n=" .. n .. '"}')
end

function response(status, headers, body)
  local id = status == 202 and body:match('"id"%s*:%s*"([0-9a-f%-]+)"')
  -- One string per line: wrk's threads share stdout, and separate writes of a line's parts interleave.
  if id then
    io.write("ID " .. id .. "\n")
  else
    io.write("ERROR " .. status .. "\n")
  end
  io.stdout:flush()
end
