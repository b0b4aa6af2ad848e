-- wrk script: POST /api/v1/interactions with text messages spread over 1,000 end users (hence
-- 1,000 conversations). Every request carries a fresh interaction id, so every one is a new entry.
-- Environment: ORG_ID, ACCESS_TOKEN, AUTHORIZATION_CONTEXT, CHANNEL_ADDRESS_IDENTIFIER.
local counter = 0
local thread_tag = 0
local boundary = "----interactiondbench7MA4YWxkTrZu0gW"

function setup(thread)
  thread_tag = thread_tag + 1
  thread:set("thread_tag", thread_tag)
end

function init(args)
  counter = 0
  wrk.method = "POST"
  wrk.path = "/api/v1/interactions"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("ACCESS_TOKEN")
  wrk.headers["OrgId"] = os.getenv("ORG_ID")
  wrk.headers["AuthorizationContext"] = os.getenv("AUTHORIZATION_CONTEXT")
  wrk.headers["RequestId"] = "0f4a8c52-2d7e-4a43-9d0e-bench0000000"
  wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
  to = os.getenv("CHANNEL_ADDRESS_IDENTIFIER")
  run_tag = os.getenv("RUN_TAG") or "0"
end

function request()
  counter = counter + 1
  local id = string.format("%08x-%04x-4000-8000-%012x", tonumber(run_tag) or 0, thread_tag, counter)
  local from = "bench-user-" .. ((counter * 7 + thread_tag) % 1000)
  local json = '{"to":"' .. to .. '","from":"' .. from .. '","interactions":[{"timestamp":1700000000000,' ..
    '"interactionType":"EntryInteraction","payload":{"id":"' .. id .. '","entryType":"Message",' ..
    '"abstractMessage":{"messageType":"StaticContentMessage","id":"' .. id .. '",' ..
    '"staticContent":{"formatType":"Text","text":"benchmark message ' .. counter .. '"}}}}]}'
  local body = "--" .. boundary .. "\r\n" ..
    'Content-Disposition: form-data; name="json"\r\n' ..
    "Content-Type: application/json\r\n\r\n" .. json .. "\r\n--" .. boundary .. "--\r\n"
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors.status))
end
