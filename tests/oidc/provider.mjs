// A real OpenID Connect provider (the `oidc-provider` package, certified by the OpenID
// Foundation) for leder's federation tests: `node provider.mjs` listens on 127.0.0.1, on the
// port given as PORT (0, the default, picks a free one), and prints one JSON line,
// {"issuer": "http://127.0.0.1:<port>"}, once it serves.
//
// Its one client is leder (CLIENT_ID, CLIENT_SECRET; client_secret_basic). It is a "native"
// client so that its loopback redirect URI matches whatever port leder's test server has
// (RFC 8252 section 7.3): http://127.0.0.1/api/v1/auth/federated/callback and the same on
// localhost.
//
// Signing in is a one-page form at /interaction/<uid>: any login name is an account whose `sub`
// is that name, and the form says which assurance level (`acr`) the sign-in reached. Four login
// names make the provider answer a faulty ID token, to prove leder refuses each: the token is
// taken from the provider's own token response and signed again with the provider's key after
// one change, or with another key:
//   wrong-nonce    `nonce` is not the one leder sent
//   wrong-aud      `aud` is another client
//   bad-signature  signed by a key that is not in the provider's JWKS (same `kid`)
//   expired        `exp` has passed
//   wrong-iss      `iss` is another issuer

import { createServer } from 'node:http';

import Provider from 'oidc-provider';
import * as jose from 'jose';

const port = Number(process.env.PORT ?? 0);
const clientId = process.env.CLIENT_ID ?? 'leder';
const clientSecret = process.env.CLIENT_SECRET ?? 'leder-test-client-secret';
const callback = '/api/v1/auth/federated/callback';

const ACR_VALUES = ['AAL1_USERPASS', 'AAL2_OR_ABOVE', 'AAL3_ANY'];

async function keyPair(kid) {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

const signing = await keyPair('test-provider-key');
// The forger's key: the same kid, but not in the provider's JWKS.
const forged = await keyPair('test-provider-key');

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function listen(server) {
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server.address().port;
}

// The issuer must be known before the provider is built, so the server listens first and
// hands its requests to the provider once it exists.
let handler = (_req, res) => {
  res.statusCode = 503;
  res.end();
};
const server = createServer((req, res) => handler(req, res));
const issuer = `http://127.0.0.1:${await listen(server)}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      application_type: 'native',
      redirect_uris: [`http://127.0.0.1${callback}`, `http://localhost${callback}`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signing] },
  acrValues: ACR_VALUES,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile'],
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  cookies: { keys: ['test-provider-cookie-key-not-a-secret'] },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@example.nhs.uk`, email_verified: true, name: id };
      },
    };
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><title>Error</title><h1>Provider error</h1><pre>${escapeHtml(JSON.stringify(out))}</pre>`;
  },
});

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginPage(uid) {
  const options = ACR_VALUES.map((v) => `<option value="${v}"${v === 'AAL3_ANY' ? ' selected' : ''}>${v}</option>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test provider sign-in</title></head>
<body><h1>Test provider</h1>
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label for="login">Login</label><input id="login" name="login" autocomplete="off">
<label for="acr">Assurance</label><select id="acr" name="acr">${options}</select>
<button type="submit" id="provider-sign-in">Sign in at the provider</button>
</form></body></html>`;
}

// The interaction: one page that signs in and consents at once.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)$/.exec(ctx.path);
  if (!match) {
    return next();
  }
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = loginPage(details.uid);
    return undefined;
  }
  const form = await readForm(ctx.req);
  const accountId = form.get('login');
  if (!accountId) {
    ctx.status = 400;
    ctx.body = 'login is required';
    return undefined;
  }
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const acr = ACR_VALUES.includes(form.get('acr')) ? form.get('acr') : ACR_VALUES[0];
  ctx.respond = false;
  await provider.interactionFinished(
    ctx.req,
    ctx.res,
    { login: { accountId, acr, amr: ['pwd'] }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
  return undefined;
});

// The faults: the token response's ID token, changed and signed again.
const TAMPER = {
  'wrong-nonce': (claims) => ({ ...claims, nonce: 'not-the-nonce-leder-sent' }),
  'wrong-aud': (claims) => ({ ...claims, aud: 'another-client', azp: 'another-client' }),
  'bad-signature': (claims) => claims,
  expired: (claims) => ({ ...claims, iat: claims.iat - 7200, exp: claims.iat - 3600 }),
  'wrong-iss': (claims) => ({ ...claims, iss: 'http://127.0.0.1:1' }),
};

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body?.id_token) {
    return;
  }
  const claims = jose.decodeJwt(ctx.body.id_token);
  const change = TAMPER[claims.sub];
  if (!change) {
    return;
  }
  const key = claims.sub === 'bad-signature' ? forged : signing;
  const header = jose.decodeProtectedHeader(ctx.body.id_token);
  ctx.body = {
    ...ctx.body,
    id_token: await new jose.SignJWT(change(claims))
      .setProtectedHeader(header)
      .sign(await jose.importJWK(key, 'RS256')),
  };
});

// Nothing else is written to standard output; a reader that has gone must not end the provider.
process.stdout.on('error', () => {});
console.log = console.error;
handler = provider.callback();
process.stdout.write(`${JSON.stringify({ issuer })}\n`);

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
// Ends with the test that started it: its standard input closes when that process goes.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
