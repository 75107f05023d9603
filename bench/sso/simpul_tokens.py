"""Mints what the benchmark consumes from Simpul, through its real endpoints: signs in once,
then collects authorization codes (GET /oauth2/authorize) and refresh tokens (code exchanges).
Prints one JSON line: {"access_token", "codes": [...], "refresh_tokens": [...]}."""
import json
import os
import re

import requests

base, cid, secret = os.environ["BASE"], os.environ["CLIENT_ID"], os.environ["CLIENT_SECRET"]
redirect = os.environ["REDIRECT_URI"]
codes_wanted, refreshes_wanted = int(os.environ.get("CODES", "0")), int(os.environ.get("REFRESHES", "0"))

s = requests.Session()
csrf = re.search(r'name="_csrf" value="([^"]+)"', s.get(f"{base}/sign-in").text).group(1)
r = s.post(f"{base}/sign-in", data={"_csrf": csrf, "login": os.environ["LOGIN"], "password": os.environ["PASSWORD"]},
           allow_redirects=False)
assert r.status_code == 303, r.status_code
params = {"response_type": "code", "client_id": cid, "redirect_uri": redirect, "scope": "openid profile email"}


def code():
    r = s.get(f"{base}/oauth2/authorize", params=params, allow_redirects=False)
    return re.search(r"[?&]code=([^&]+)", r.headers["Location"]).group(1)


def exchange(c):
    r = requests.post(f"{base}/oauth2/token", auth=(cid, secret),
                      data={"grant_type": "authorization_code", "code": c, "redirect_uri": redirect})
    r.raise_for_status()
    return r.json()


first = exchange(code())
out = {"access_token": first["access_token"], "codes": [], "refresh_tokens": []}
out["refresh_tokens"] = [exchange(code())["refresh_token"] for _ in range(refreshes_wanted)]
out["codes"] = [code() for _ in range(codes_wanted)]
print(json.dumps(out))
