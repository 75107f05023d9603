-- POST /token for wrk. GRANT=client_credentials needs nothing else. GRANT=authorization_code
-- or refresh_token consume one value per request from the file VALUES (one per line), split
-- across threads; a refresh response's new refresh token goes back into the queue, so each
-- chain rotates as a real client would. BASIC is base64(client_id:secret).
local grant = os.getenv("GRANT")
local values = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local threads = tonumber(os.getenv("THREADS") or "2")
  local path = os.getenv("VALUES")
  if path and path ~= "" then
    local i = 0
    for line in io.lines(path) do
      if i % threads == id then table.insert(values, line) end
      i = i + 1
    end
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Authorization"] = "Basic " .. os.getenv("BASIC")
end

function request()
  if grant == "client_credentials" then
    return wrk.format(nil, nil, nil, "grant_type=client_credentials")
  end
  local v = table.remove(values, 1) or "exhausted"
  if grant == "authorization_code" then
    return wrk.format(nil, nil, nil, "grant_type=authorization_code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&code=" .. v)
  end
  return wrk.format(nil, nil, nil, "grant_type=refresh_token&refresh_token=" .. v)
end

function response(status, headers, body)
  if grant == "refresh_token" and status == 200 then
    local t = body:match('"refresh_token":"([^"]+)"')
    if t then table.insert(values, t) end
  end
end
