-- GET /api/v1/jobs/{id} of one finished job (TALLY_JOB_ID); with TALLY_ETAG set, the 304 path.
dofile(os.getenv("TALLY_WRK_DIR") .. "/report.lua")
local path = "/api/v1/jobs/" .. os.getenv("TALLY_JOB_ID")
local etag = os.getenv("TALLY_ETAG")
request = function()
  if etag and etag ~= "" then
    return wrk.format("GET", path, {["If-None-Match"] = etag})
  end
  return wrk.format("GET", path)
end
