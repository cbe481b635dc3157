// Benchmark (not a test) of SPEC B4: the first load of a channel page in
// Debian's Chromium, cold cache — every request's encoded (on the wire)
// bytes, and when the page was hydrated. Starts the built parley on a fresh
// SQLite file; run from the repository root by `make bench`.
//
//   node scripts/bench-page.mjs [path/to/parley] [build label]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../end2end/package.json', import.meta.url));
const { chromium } = require('@playwright/test');

const bin = process.argv[2] ?? './target/release/parley';
const build = process.argv[3] ?? 'release';
const port = process.env.PORT ?? '3193';
const base = `http://127.0.0.1:${port}`;
const dir = mkdtempSync(join(tmpdir(), 'parley-bench-page-'));
const server = spawn(bin, [], {
  env: {
    ...process.env,
    DATABASE_URL: `sqlite://${dir}/bench.db`,
    PARLEY_ADDR: `127.0.0.1:${port}`,
    RUST_LOG: 'warn',
  },
  stdio: 'ignore',
});

async function until(check) {
  for (let i = 0; i < 300; i++) {
    try { if (await check()) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('parley did not start');
}

async function api(path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return res.json();
}

let browser;
try {
  await until(async () => (await fetch(`${base}/signin`)).ok);
  const { token } = await api('/api/v1/auths/signup', { name: 'Bench', email: 'bench@example.com', password: 'correct horse battery' });
  const channel = await api('/api/v1/channels/create', { name: 'alerts' }, token);
  const hook = await api(`/api/v1/channels/${channel.id}/webhooks/create`, { name: 'Alertmanager' }, token);
  // A channel as monitoring leaves it: 40 messages, a third of them cards.
  for (let i = 0; i < 40; i++) {
    const body = i % 3 === 0
      ? { attachments: [{ color: 'danger', title: `HighCPU on db-${i}`, title_link: 'https://prometheus.example/alerts', text: 'CPU above *90 %*', fields: [{ title: 'Severity', value: 'critical', short: true }] }] }
      : { content: `Deploy #${i} **passed** in 3m12s` };
    await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  // One cold load: every request's bytes on the wire, and when the page
  // said it was hydrated.
  async function coldLoad() {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'parley_session', value: token, url: base }]);
    const page = await context.newPage();
    await page.addInitScript(() => {
      Object.defineProperty(window, '__parley_hydrated', {
        configurable: true,
        get() { return this.__parley_hydrated_value; },
        set(v) { this.__parley_hydrated_value = v; this.__parley_hydrated_at = performance.now(); },
      });
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const requests = new Map();
    cdp.on('Network.responseReceived', (e) => {
      requests.set(e.requestId, { url: e.response.url, encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '-', bytes: 0 });
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = requests.get(e.requestId);
      if (r) r.bytes = e.encodedDataLength;
    });
    await page.goto(`${base}/channels/${channel.id}`);
    await page.waitForFunction(() => window.__parley_hydrated === true, null, { timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    const hydratedAt = await page.evaluate(() => window.__parley_hydrated_at);
    const messages = await page.locator('[data-testid="message"]').count();
    await context.close();
    return { requests: [...requests.values()], hydratedAt, messages };
  }

  // Five loads: one on a 2-core machine swings by tens of milliseconds
  // (layout, wasm compilation and the server share the cores), so the
  // figure is the median, with the spread beside it.
  const loads = [];
  for (let i = 0; i < 5; i++) loads.push(await coldLoad());
  const first = loads[0];
  let total = 0;
  for (const r of first.requests) {
    total += r.bytes;
    console.log(`  ${(r.bytes / 1024).toFixed(1).padStart(8)} KB  ${r.encoding.padEnd(4)} ${r.url.replace(base, '')}`);
  }
  const kb = (total / 1024).toFixed(0);
  const times = loads.map((l) => l.hydratedAt).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`B4 | channel page first load (${first.messages} messages shown, ${first.requests.length} requests, on the wire) | ${kb} KB | <= 350 KB | ${build} | SQLite`);
  console.log(`B4 | channel page hydrated (ms after navigation start, loopback; median of ${times.length} cold loads) | ${median.toFixed(0)} ms (${times[0].toFixed(0)}–${times[times.length - 1].toFixed(0)}) | < 300 ms | ${build} | SQLite`);
} finally {
  if (browser) await browser.close();
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
