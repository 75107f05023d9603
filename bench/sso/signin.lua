-- POST /sign-in for wrk: a visitor's anti-forgery cookie and the same token in the form,
-- then the password check (argon2id) and a new session on success (303).
local token = "bench-csrf-token-bench-csrf-token"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "simpul_csrf=" .. token
wrk.body = "_csrf=" .. token .. "&login=" .. os.getenv("LOGIN") .. "&password=" .. os.getenv("PASSWORD")
