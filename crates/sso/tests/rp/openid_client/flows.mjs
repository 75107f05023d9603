// openid-client 6 (panva) as an agency application signing people in through Simpul, run by
// crates/sso/tests/sso.rs with the provider's address and the clients it registered. The
// browser's part (the sign-in form, the second factor, following redirects) is played with
// fetch and a cookie jar; everything the application itself does goes through the library.
// Exits non-zero with the reason at the first thing that is not as a real application needs.
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const BASE = env('BASE');
const REDIRECT = env('REDIRECT_URI');
const POST_LOGOUT = env('POST_LOGOUT_URI');
const insecure = { execute: [client.allowInsecureRequests] }; // the test server is plain HTTP

function check(cond, what) {
  if (!cond) throw new Error(what);
}

/// A browser: cookies kept per name, redirects not followed (each hop is looked at).
class Browser {
  constructor() { this.jar = new Map(); }
  async go(url, init = {}) {
    const headers = new Headers(init.headers || {});
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === '' || /max-age=0/i.test(c)) this.jar.delete(name); else this.jar.set(name, value);
    }
    return res;
  }
  async form(url, fields) {
    return this.go(url, { method: 'POST', body: new URLSearchParams(fields) });
  }
}

const csrfOf = (html) => {
  const m = html.match(/name="_csrf" value="([^"]+)"/);
  check(m, 'the page carries an anti-forgery token');
  return m[1];
};

/// RFC 6238 with SHA-1, 30 s steps, six digits; `ahead` steps from now.
function totp(base32, ahead = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of base32.replace(/=+$/, '')) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + ahead));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

/// Signs a person in through Simpul's pages, with the second factor when one is asked.
async function signIn(b, login, password, totpSecret) {
  const page = await (await b.go(`${BASE}/sign-in`)).text();
  let res = await b.form(`${BASE}/sign-in`, { _csrf: csrfOf(page), login, password, next: '/account' });
  check(res.status === 303, `sign-in answered ${res.status}`);
  const to = res.headers.get('location');
  if (to.startsWith('/sign-in/two-factor')) {
    check(totpSecret, 'a second factor was asked of an account without one');
    const challenge = await (await b.go(`${BASE}${to}`)).text();
    res = await b.form(`${BASE}/sign-in/two-factor`, { _csrf: csrfOf(challenge), code: totp(totpSecret, 1), next: '/account' });
    check(res.status === 303, `the second factor answered ${res.status}`);
  }
}

/// The authorization request as the library builds it, the browser following it to the
/// application's redirect URI; returns the callback URL.
async function authorize(b, config, params) {
  const url = client.buildAuthorizationUrl(config, params);
  const res = await b.go(url.href);
  check(res.status === 302 || res.status === 303, `authorize answered ${res.status}: ${await res.text()}`);
  const back = new URL(res.headers.get('location'));
  check(back.href.startsWith(REDIRECT), `authorize sent the browser to ${back.href}`);
  return back;
}

/// A code flow with PKCE, state and nonce, checked by the library (ID token signature, iss,
/// aud, nonce, at_hash, the RFC 9207 `iss` parameter).
async function codeFlow(b, config, scope, extra = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const back = await authorize(b, config, {
    redirect_uri: REDIRECT, scope, state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  });
  return client.authorizationCodeGrant(config, back, {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
  });
}

/// Listens where the application registered its back-channel logout URI; resolves with the
/// next logout token.
function backchannel(port) {
  let deliver;
  const next = () => new Promise((resolve, reject) => {
    deliver = resolve;
    setTimeout(() => reject(new Error('no logout token within ten seconds')), 10000).unref();
  });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      res.writeHead(200).end();
      deliver?.(new URLSearchParams(body).get('logout_token'));
    });
  });
  server.listen(Number(port), '127.0.0.1');
  return { next, close: () => server.close() };
}

async function main() {
  const server = new URL(BASE);
  const config = await client.discovery(server, env('CLIENT_ID'), env('CLIENT_SECRET'), undefined, insecure);
  check(config.serverMetadata().backchannel_logout_supported === true, 'discovery announces back-channel logout');
  const listener = backchannel(env('BACKCHANNEL_PORT'));

  // 1. A person with a second factor: the ID token says so, and a refresh keeps saying so
  //    (Apache's `Require claim amr:mfa` would lock the person out otherwise).
  const b = new Browser();
  await signIn(b, env('LOGIN'), env('PASSWORD'), env('TOTP_SECRET'));
  const tokens = await codeFlow(b, config, 'openid profile email roles');
  const first = tokens.claims();
  check(first.amr?.includes('mfa'), `amr after a second factor: ${JSON.stringify(first.amr)}`);
  check(first.roles?.includes(env('EXPECT_ROLE')), `roles: ${JSON.stringify(first.roles)}`);
  check(typeof first.sid === 'string', 'the ID token names the session (sid)');
  const info = await client.fetchUserInfo(config, tokens.access_token, first.sub);
  check(info.agency === env('EXPECT_AGENCY'), `userinfo agency: ${info.agency}`);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const again = refreshed.claims();
  check(again.amr?.includes('mfa') && again.acr === first.acr && again.auth_time === first.auth_time,
    `a refreshed ID token keeps amr, acr and auth_time: ${JSON.stringify(again)}`);
  check(again.sid === first.sid, 'a refreshed ID token keeps the sid');
  console.log('refresh after a second factor: amr, acr, auth_time and sid kept');

  // 2. Two tabs refresh with the same token at once: both carry on.
  const [one, two] = await Promise.all([
    client.refreshTokenGrant(config, refreshed.refresh_token),
    client.refreshTokenGrant(config, refreshed.refresh_token),
  ]);
  let latest;
  for (const t of [one, two]) {
    await client.fetchUserInfo(config, t.access_token, first.sub);
    latest = await client.refreshTokenGrant(config, t.refresh_token);
  }
  console.log('two concurrent refreshes: both honoured, both go on');

  // 3. A browser application (public client, ES256, PKCE): the library is told the algorithm,
  //    as docs/single-sign-on.md says; the preflight from its origin is answered, another
  //    origin's is not.
  const pub = await client.discovery(server, env('PUBLIC_CLIENT_ID'), { id_token_signed_response_alg: 'ES256' }, client.None(), insecure);
  const mobile = await codeFlow(b, pub, 'openid profile');
  check(mobile.claims().sub === first.sub, 'the public client signs the same person in');
  const origin = new URL(REDIRECT).origin;
  const preflight = (from) => fetch(`${BASE}/oauth2/token`, { method: 'OPTIONS', headers: {
    origin: from, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
  const ok = await preflight(origin);
  check(ok.status < 300 && ok.headers.get('access-control-allow-origin') === origin,
    `preflight from ${origin}: ${ok.status} ${ok.headers.get('access-control-allow-origin')}`);
  const other = await preflight('https://evil.example');
  check(!other.headers.get('access-control-allow-origin'), 'an unregistered origin gets no CORS header');
  console.log(`CORS preflight from ${origin} answered; an unregistered origin refused`);

  // 4. Logout: the application sends the person to the end-session endpoint with its ID token
  //    (front channel); Simpul returns them to the registered address with the state, and tells
  //    the application server to server (back channel) with a logout token the application
  //    verifies itself (Back-Channel Logout 1.0 §2.6).
  const loggedOut = listener.next();
  const end = client.buildEndSessionUrl(config, {
    id_token_hint: refreshed.id_token, post_logout_redirect_uri: POST_LOGOUT, state: 'bye',
  });
  const res = await b.go(end.href);
  const landed = new URL(res.headers.get('location') ?? '', BASE);
  check(landed.href.startsWith(POST_LOGOUT) && landed.searchParams.get('state') === 'bye',
    `end session sent the browser to ${landed.href}`);
  const logoutToken = await loggedOut;
  const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
  const { payload } = await jwtVerify(logoutToken, jwks, {
    issuer: config.serverMetadata().issuer, audience: env('CLIENT_ID'), typ: 'logout+jwt', maxTokenAge: '2m',
  });
  check(payload.sid === first.sid && payload.sub === first.sub, `logout token names the session: ${JSON.stringify(payload)}`);
  check(payload.events?.['http://schemas.openid.net/event/backchannel-logout'] && payload.nonce === undefined,
    'logout token carries the event and no nonce');
  listener.close();
  let refused = false;
  try { await client.refreshTokenGrant(config, latest.refresh_token); } catch { refused = true; }
  check(refused, 'the ended session\'s refresh token is refused');
  console.log('logout: front channel back to the application with its state, back channel token verified');
  console.log('openid-client: every flow passed');
}

main().catch((e) => {
  console.error(`openid-client flow failed: ${e.stack || e}`);
  process.exit(1);
});
