// make browser-test: a real browser (Debian's headless Chromium, driven by playwright-core)
// signs a person in to leder the ways a front end does, each ending with GET /api/v1/me:
//   1. a front end (a page served here) with the authorization code and PKCE, through leder's
//      own sign-in page;
//   2. the same front end, through the test OpenID provider (tests/oidc/provider.mjs, the
//      `oidc-provider` package) and leder's federation;
//   3. Swagger UI's Authorize button (authorization code with PKCE in its popup), then "Try it
//      out" on GET /api/v1/me.
// It starts leder (LEDER_BIN, default target/debug/leder) on a fresh SQLite database, the
// provider and the front end, all on 127.0.0.1, and ends them. It prints one line per check and
// "N passed, M failed"; it exits non-zero on any failure, leaving a screenshot in
// target/browser-test/.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const leaderBin = process.env.LEDER_BIN ?? join(root, 'target', 'debug', 'leder');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const shots = join(root, 'target', 'browser-test');
const ADMIN_PASSWORD = 'browser test admin password';
const PASSWORD = 'a browser test password';
const CLIENT = 'browser-test';
const children = [];

/** Starts `command`; resolves with the first line of its output that `pattern` matches. */
function start(command, args, env, pattern, stream = 'stdout') {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child[stream] });
    const seen = [];
    lines.on('line', (line) => {
      seen.push(line);
      const match = pattern.exec(line);
      if (match) resolvePromise(match);
    });
    child.on('exit', (code) => reject(new Error(`${command} exited (${code}): ${seen.join('\n')}`)));
    (stream === 'stdout' ? child.stderr : child.stdout).resume();
  });
}

/** The front end: a page that starts the sign-in, and its callback that finishes it; `lederOf`
 * says where leder is (known only once leder, which must know the front end, has started). */
function frontEnd(lederOf) {
  const scripts = (leder) => {
  const page = (body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Front end</title></head><body>${body}</body></html>`;
  const startScript = `
    const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
    document.getElementById('sign-in').addEventListener('click', async () => {
      const verifier = b64(crypto.getRandomValues(new Uint8Array(32)));
      const state = b64(crypto.getRandomValues(new Uint8Array(16)));
      sessionStorage.setItem('verifier', verifier);
      sessionStorage.setItem('state', state);
      const challenge = b64(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
      const q = new URLSearchParams({ response_type: 'code', client_id: '${CLIENT}',
        redirect_uri: location.origin + '/callback', state, code_challenge: challenge,
        code_challenge_method: 'S256' });
      location.href = '${leder}/api/v1/auth/authorize?' + q;
    });`;
  const callbackScript = `
    (async () => {
      const out = document.getElementById('me');
      const q = new URLSearchParams(location.search);
      if (q.get('state') !== sessionStorage.getItem('state')) { out.textContent = 'STATE MISMATCH'; return; }
      const token = await fetch('${leder}/api/v1/auth/token', { method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: q.get('code'),
          redirect_uri: location.origin + '/callback', client_id: '${CLIENT}',
          code_verifier: sessionStorage.getItem('verifier') }) }).then((r) => r.json());
      const auth = { authorization: 'Bearer ' + token.access_token };
      const me = await fetch('${leder}/api/v1/me', { headers: auth }).then((r) => r.json());
      const sessions = await fetch('${leder}/api/v1/auth/sessions', { headers: auth }).then((r) => r.json());
      const current = sessions.items.find((s) => s.current);
      out.textContent = JSON.stringify({ me, method: current.method, assurance: current.assurance });
    })().catch((e) => { document.getElementById('me').textContent = 'ERROR ' + e; });`;
  return { page, startScript, callbackScript };
  };
  const server = createServer((req, res) => {
    const { page, startScript, callbackScript } = scripts(lederOf());
    const url = new URL(req.url, 'http://x');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (url.pathname === '/') {
      res.end(page(`<button id="sign-in">Sign in</button><script>${startScript}</script>`));
    } else if (url.pathname === '/callback') {
      res.end(page(`<pre id="me"></pre><script>${callbackScript}</script>`));
    } else {
      res.statusCode = 404;
      res.end(page('not found'));
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

async function form(url, fields, token) {
  const res = await fetch(url, {
    method: 'POST',
    headers: token
      ? { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
      : { 'content-type': 'application/x-www-form-urlencoded' },
    body: token ? JSON.stringify(fields) : new URLSearchParams(fields),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

const results = [];
async function check(name, page, run) {
  try {
    await run();
    results.push(true);
    console.log(`ok: ${name}`);
  } catch (e) {
    results.push(false);
    mkdirSync(shots, { recursive: true });
    const file = join(shots, `${name.replace(/\W+/g, '-')}.png`);
    await page?.screenshot({ path: file }).catch(() => {});
    console.log(`FAILED: ${name}: ${e.message} (screenshot ${file})`);
  }
}

async function signedInAs(page, username) {
  const text = await page.locator('#me').filter({ hasText: /\S/ }).textContent({ timeout: 15000 });
  const shown = JSON.parse(text);
  if (shown.me.username !== username) throw new Error(`signed in as ${text}`);
  return shown;
}

const work = mkdtempSync(join(tmpdir(), 'leder-browser-'));
try {
  const [, issuer] = await start('node', [join(root, 'tests', 'oidc', 'provider.mjs')], {}, /"issuer":"([^"]+)"/);
  let lederAddress = '';
  const server = await frontEnd(() => lederAddress);
  const feOrigin = `http://127.0.0.1:${server.address().port}`;
  const [, leder] = await start(leaderBin, ['serve'], {
    LEDER_DATABASE_URL: `sqlite://${join(work, 'leder.db')}`,
    LEDER_BIND: '127.0.0.1:0',
    LEDER_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LEDER_ALLOW_PASSWORD_GRANT: 'true',
    LEDER_OAUTH_CLIENTS: `${CLIENT}=${feOrigin}/callback`,
    LEDER_CORS_ORIGINS: feOrigin,
    LEDER_OIDC_ISSUER: issuer,
    LEDER_OIDC_CLIENT_ID: 'leder',
    LEDER_OIDC_CLIENT_SECRET: 'leder-test-client-secret',
    LEDER_OIDC_NAME: 'Test Provider',
    LEDER_OIDC_ACR_VALUES: 'AAL1_USERPASS AAL2_OR_ABOVE AAL3_ANY',
    LEDER_PASSWORD_HASH_MEMORY_KIB: '8',
    LEDER_PASSWORD_HASH_ITERATIONS: '1',
    LEDER_LOGIN_FAILURE_DELAY_MS: '0',
    LEDER_AUDIT_CHECKPOINT_SECONDS: '0',
    LEDER_CLOCKS_EVERY_MINUTES: '0',
    LEDER_RETENTION_EVERY_HOURS: '0',
    RUST_LOG: 'info',
  }, /listening on (http:\/\/[\d.]+:\d+)/, 'stderr');
  lederAddress = leder;

  // The people: an admin creates Rita, with a password and linked to her provider account.
  const admin = (await form(`${leder}/api/v1/auth/token`, { grant_type: 'password', username: 'admin', password: ADMIN_PASSWORD })).access_token;
  await form(`${leder}/api/v1/users`, {
    username: 'rita', display_name: 'Rita Reviewer', roles: ['reviewer'], organisation: 'QOP',
    password: PASSWORD, federated_subject: 'rita-cis2-uid',
  }, admin);

  const profile = mkdtempSync(join(tmpdir(), 'leder-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    await check('a front end signs in with PKCE through leder\'s page, then GET /api/v1/me', page, async () => {
      await page.goto(`${feOrigin}/`);
      await page.click('#sign-in');
      await page.waitForURL(`${leder}/api/v1/auth/authorize?**`);
      await page.fill('#username', 'rita');
      await page.fill('#password', PASSWORD);
      await page.click('button:has-text("Sign in")');
      await page.waitForURL(`${feOrigin}/callback?**`);
      const shown = await signedInAs(page, 'rita');
      if (shown.method !== 'authorization_code') throw new Error(JSON.stringify(shown));
    });

    await context.clearCookies();
    await check('a front end signs in through the OpenID provider, then GET /api/v1/me', page, async () => {
      await page.goto(`${feOrigin}/`);
      await page.click('#sign-in');
      await page.waitForURL(`${leder}/api/v1/auth/authorize?**`);
      await page.click('#federate');
      await page.waitForURL(`${issuer}/interaction/**`);
      await page.fill('#login', 'rita-cis2-uid');
      await page.selectOption('#acr', 'AAL3_ANY');
      await page.click('#provider-sign-in');
      await page.waitForURL(`${feOrigin}/callback?**`);
      const shown = await signedInAs(page, 'rita');
      if (shown.method !== 'federated' || shown.assurance !== 'AAL3_ANY') throw new Error(JSON.stringify(shown));
    });

    await context.clearCookies();
    await check('Swagger UI\'s Authorize button signs in with PKCE, then Try it out on GET /api/v1/me', page, async () => {
      await page.goto(`${leder}/swagger-ui/`);
      await page.click('button.btn.authorize');
      const oauth = page.locator('.auth-container').filter({ hasText: 'oauth2' });
      const [popup] = await Promise.all([
        context.waitForEvent('page'),
        oauth.locator('button.btn.modal-btn.auth.authorize').click(),
      ]);
      await popup.waitForURL(`${leder}/api/v1/auth/authorize?**`);
      await popup.fill('#username', 'rita');
      await popup.fill('#password', PASSWORD);
      await popup.click('button:has-text("Sign in")');
      await oauth.locator('button:has-text("Logout")').waitFor({ timeout: 15000 });
      await page.click('button.btn-done');
      const me = page.locator('#operations-identity-get_me');
      await me.locator('.opblock-summary').click();
      await me.locator('button.try-out__btn').click();
      await me.locator('button.execute').click();
      const status = await me.locator('.live-responses-table .response .response-col_status').first().textContent({ timeout: 15000 });
      const body = await me.locator('.live-responses-table .response-col_description pre').first().textContent();
      if (status.trim() !== '200' || !body.includes('"rita"')) throw new Error(`${status}: ${body}`);
    });
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    server.close();
  }
} catch (e) {
  results.push(false);
  console.log(`FAILED: setting up: ${e.stack}`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
const passed = results.filter(Boolean).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exit(results.length > 0 && passed === results.length ? 0 : 1);
