// panva's certified oidc-provider, configured as close to Simpul's provider as it allows:
// two confidential clients (client_secret_basic), one with RS256 and one with ES256 ID tokens,
// code + refresh (rotating) + client credentials, opaque access tokens, userinfo,
// introspection, revocation.
// It keeps everything in memory — a plain Map adapter, since the bundled development adapter is
// an LRU of 1,000 entries that would evict the tokens minted for the run — which flatters it
// against a provider that writes every token to a database. On start it mints the tokens the benchmark consumes
// and prints them as one JSON line on stdout.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 18090);
const issuer = `http://127.0.0.1:${port}`;
const codes = Number(process.env.CODES || 0);
const refreshes = Number(process.env.REFRESHES || 0);
const account = { sub: 'siti', name: 'Siti Rahayu', preferred_username: '198503122010011001', email: 'siti@sukamajukab.go.id' };

// Signing keys as Simpul has them: RSA 2048 (RS256, the default) and P-256 (ES256).
const jwk = (kp, alg) => ({ ...kp.privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid: alg });
const jwks = { keys: [jwk(generateKeyPairSync('rsa', { modulusLength: 2048 }), 'RS256'),
                      jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'ES256')] };

const store = new Map();
const byGrant = new Map();
class MapAdapter {
  constructor(name) { this.name = name; }
  key(id) { return `${this.name}:${id}`; }
  async upsert(id, payload) {
    store.set(this.key(id), payload);
    if (payload.grantId) {
      if (!byGrant.has(payload.grantId)) byGrant.set(payload.grantId, new Set());
      byGrant.get(payload.grantId).add(this.key(id));
    }
  }
  async find(id) { return store.get(this.key(id)); }
  async findByUid(uid) { for (const v of store.values()) if (v.uid === uid) return v; return undefined; }
  async findByUserCode(code) { for (const v of store.values()) if (v.userCode === code) return v; return undefined; }
  async consume(id) { const p = store.get(this.key(id)); if (p) p.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id) { store.delete(this.key(id)); }
  async revokeByGrantId(grantId) { for (const k of byGrant.get(grantId) || []) store.delete(k); byGrant.delete(grantId); }
}

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  jwks,
  clients: ['RS256', 'ES256'].map((alg) => ({
    client_id: alg === 'RS256' ? 'bench' : 'bench-es', client_secret: 'bench-secret-bench-secret-bench-secret-00',
    grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
    redirect_uris: ['http://127.0.0.1:9/callback'], response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic', id_token_signed_response_alg: alg,
  })),
  features: { clientCredentials: { enabled: true }, introspection: { enabled: true }, revocation: { enabled: true },
              devInteractions: { enabled: false } },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ ...account, sub }) }),
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'] },
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  rotateRefreshToken: true,
  pkce: { required: () => false },
  ttl: { AccessToken: 3600, ClientCredentials: 3600, AuthorizationCode: 600, RefreshToken: 86400, Grant: 86400 },
});
provider.proxy = false;

const scope = 'openid profile email offline_access';
const out = {};
for (const [id, suffix] of [['bench', ''], ['bench-es', '_es']]) {
  const client = await provider.Client.find(id);
  const grant = new provider.Grant({ accountId: 'siti', clientId: id });
  grant.addOIDCScope(scope);
  const grantId = await grant.save();
  out[`access_token${suffix}`] = await new provider.AccessToken({ accountId: 'siti', client, grantId, scope, gty: 'authorization_code' }).save();
  out[`codes${suffix}`] = [];
  out[`refresh_tokens${suffix}`] = [];
  for (let i = 0; i < codes; i++) {
    out[`codes${suffix}`].push(await new provider.AuthorizationCode({
      accountId: 'siti', client, grantId, scope, redirectUri: 'http://127.0.0.1:9/callback', authTime: Math.floor(Date.now() / 1000),
    }).save());
  }
  for (let i = 0; i < refreshes; i++) {
    out[`refresh_tokens${suffix}`].push(await new provider.RefreshToken({ accountId: 'siti', client, grantId, scope, gty: 'authorization_code',
      authTime: Math.floor(Date.now() / 1000), rotations: 0, iiat: Math.floor(Date.now() / 1000) }).save());
  }
}
provider.listen(port, '127.0.0.1', () => console.log(JSON.stringify(out)));
