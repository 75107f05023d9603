"""An independent relying party: Authlib (not written here) drives Simpul's OpenID Connect
provider through every flow an agency application uses, validating ID tokens against the
published JWKS. Configured by environment variables; exits non-zero on the first failure."""

import os
import re
import sys

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken

BASE = os.environ["BASE"]
CID, SECRET = os.environ["CLIENT_ID"], os.environ["CLIENT_SECRET"]
PUBLIC = os.environ["PUBLIC_CLIENT_ID"]
REDIRECT, POST_LOGOUT = os.environ["REDIRECT_URI"], os.environ["POST_LOGOUT_URI"]
LOGIN, PASSWORD = os.environ["LOGIN"], os.environ["PASSWORD"]
EXPECT_USERNAME, EXPECT_AGENCY = os.environ["EXPECT_USERNAME"], os.environ["EXPECT_AGENCY"]


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


disc = requests.get(f"{BASE}/.well-known/openid-configuration", timeout=10).json()
check(disc["issuer"] == BASE, "discovery names the issuer")
jwks = JsonWebKey.import_key_set(requests.get(disc["jwks_uri"], timeout=10).json())


def jwt_claims(token):
    """The claims of a JWT whose signature the provider's keys verify."""
    return jwt.decode(token, jwks)


# A person signs in once, in the browser, on Simpul's own sign-in page.
browser = requests.Session()
page = browser.get(f"{BASE}/sign-in", timeout=10).text
csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
r = browser.post(f"{BASE}/sign-in", data={"_csrf": csrf, "login": LOGIN, "password": PASSWORD},
                 allow_redirects=False, timeout=10)
check(r.status_code == 303, "the person signs in to Simpul")


def authorize(client, scope):
    nonce, verifier = generate_token(20), generate_token(64)
    uri, _state = client.create_authorization_url(disc["authorization_endpoint"], nonce=nonce,
                                                  code_verifier=verifier, scope=scope)
    r = browser.get(uri, allow_redirects=False, timeout=10)
    check(r.status_code == 303 and r.headers["Location"].startswith(REDIRECT), "authorize redirects back with a code")
    token = client.fetch_token(disc["token_endpoint"], authorization_response=r.headers["Location"],
                               code_verifier=verifier)
    claims = jwt.decode(token["id_token"], jwks, claims_cls=CodeIDToken,
                        claims_options={"iss": {"essential": True, "value": BASE},
                                        "aud": {"essential": True, "value": client.client_id}},
                        claims_params={"nonce": nonce, "access_token": token["access_token"]})
    claims.validate(leeway=5)
    return uri, token, claims


conf = OAuth2Session(CID, SECRET, redirect_uri=REDIRECT, code_challenge_method="S256")
auth_uri, token, claims = authorize(conf, "openid profile email roles")
check(claims["preferred_username"] == EXPECT_USERNAME, "preferred_username is the NIP")
check(claims["agency"] == EXPECT_AGENCY, "the agency is claimed by its code")
check(claims["roles"] == [f"agency-operator@{EXPECT_AGENCY}"], "roles are flat text, role@AGENCY")
check(claims["role_grants"] == [{"role": "agency-operator", "agency": EXPECT_AGENCY}],
      "role grants name the agency by the same code")
check(claims.get("email", "").endswith(".go.id"), "the official e-mail is claimed")
check(claims.get("email_verified") is False, "the e-mail is not claimed as confirmed by the person")

info = conf.get(disc["userinfo_endpoint"], timeout=10).json()
check(info["sub"] == claims["sub"] and info["name"] == claims["name"], "userinfo matches the ID token")

fresh = conf.refresh_token(disc["token_endpoint"], refresh_token=token["refresh_token"])
check(fresh["refresh_token"] != token["refresh_token"], "refresh rotates the refresh token")
# A second tab refreshing with the same token a moment later is honoured (the reuse grace);
# reuse after the grace ends the sign-in (tested in sso.rs).
r = requests.post(disc["token_endpoint"], auth=(CID, SECRET), timeout=10,
                  data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]})
check(r.status_code == 200 and r.json()["refresh_token"] != fresh["refresh_token"],
      "a second tab refreshing with the same token gets its own tokens")
renewed = conf.refresh_token(disc["token_endpoint"], refresh_token=fresh["refresh_token"])
check(jwt_claims(renewed["id_token"])["auth_time"] == claims["auth_time"], "a refreshed ID token keeps auth_time")
check(jwt_claims(renewed["id_token"])["amr"] == claims["amr"], "a refreshed ID token keeps amr")

pub = OAuth2Session(PUBLIC, None, redirect_uri=REDIRECT, code_challenge_method="S256",
                    token_endpoint_auth_method="none")
_, pub_token, _ = authorize(pub, "openid profile")

cc = OAuth2Session(CID, SECRET)
machine = cc.fetch_token(disc["token_endpoint"], grant_type="client_credentials")
check("access_token" in machine and "id_token" not in machine and "refresh_token" not in machine,
      "client credentials give an access token only")

seen = cc.introspect_token(disc["introspection_endpoint"], token=token["access_token"]).json()
check(seen["active"] and seen["client_id"] == CID and seen["sub"] == claims["sub"], "introspection describes a live token")
seen = cc.introspect_token(disc["introspection_endpoint"], token=pub_token["access_token"]).json()
check(seen == {"active": False}, "introspection tells nothing of another application's token")
r = cc.revoke_token(disc["revocation_endpoint"], token=machine["access_token"])
check(r.status_code == 200, "revocation answers 200")
check(not cc.introspect_token(disc["introspection_endpoint"], token=machine["access_token"]).json()["active"],
      "a revoked token is inactive")

r = browser.get(disc["end_session_endpoint"], allow_redirects=False, timeout=10,
                params={"id_token_hint": token["id_token"], "post_logout_redirect_uri": POST_LOGOUT, "state": "bye"})
check(r.status_code == 303 and r.headers["Location"] == f"{POST_LOGOUT}?state=bye", "logout returns to the application")
r = browser.get(auth_uri, allow_redirects=False, timeout=10)
check(r.status_code == 303 and r.headers["Location"].startswith("/sign-in"), "after logout, sign-in is needed again")
print("authlib: every flow passed")
