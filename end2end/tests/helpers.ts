import { test as base, expect, Page, Browser, BrowserContext, ConsoleMessage } from '@playwright/test';
import type { Cookie } from '@playwright/test';
import * as http from 'http';
import * as fs from 'fs';
import * as crypto from 'crypto';

export const shots = 'artifacts';
fs.mkdirSync(shots, { recursive: true });

/**
 * Headers for a cookie-authenticated request made outside the page (the
 * test's `page.request`): Parley refuses writes without its own Origin,
 * as a browser page sends it.
 */
export function fromParley(_page: Page, extra: Record<string, string> = {}): Record<string, string> {
  // The configured origin, not the page's: the page may be closed already.
  return { Origin: PARLEY_ORIGIN, Accept: 'application/json', ...extra };
}

/** Parley's origin in this run (see playwright.config.ts). */
export const PARLEY_ORIGIN = `http://127.0.0.1:${process.env.PARLEY_E2E_PORT ?? '3107'}`;

export const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };

export type Received = { headers: http.IncomingHttpHeaders; body: any; raw: string };

/** A real HTTP receiver on loopback that records every webhook. */
export async function startReceiver(): Promise<{ url: string; received: Received[]; close: () => void }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      let body: any = data;
      try { body = JSON.parse(data); } catch { /* keep text */ }
      received.push({ headers: req.headers, body, raw: data });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('thanks from the e2e receiver');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as any).port;
  return { url: `http://127.0.0.1:${port}/parley`, received, close: () => server.close() };
}

/** Collects console warnings and errors, hydration problems in particular. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

/**
 * Every journey imports `test` from here: it watches the console of every
 * page the test opens (in its own contexts too) and fails the test on any
 * warning, error or uncaught exception (SPEC W6). A request the test makes
 * fail on purpose is answered with a 4xx the browser reports as "Failed to
 * load resource"; that line says nothing about the page and is left out,
 * as are the socket's reconnect notices after a test stops the server.
 */
export const test = base.extend<{ cleanConsole: void }>({
  cleanConsole: [
    async ({ browser, context }, use) => {
      const problems: string[] = [];
      const watchContext = (ctx: BrowserContext) => {
        ctx.pages().forEach((p) => watchInto(p, problems));
        ctx.on('page', (p) => watchInto(p, problems));
      };
      watchContext(context);
      const newContext = browser.newContext.bind(browser);
      (browser as any).newContext = async (...args: Parameters<Browser['newContext']>) => {
        const ctx = await newContext(...args);
        watchContext(ctx);
        return ctx;
      };
      await use();
      (browser as any).newContext = newContext;
      expect(problems, 'console warnings and errors on the journey\'s pages').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

function watchInto(page: Page, problems: string[]) {
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    const text = msg.text();
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    problems.push(`${page.url()} ${msg.type()}: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`${page.url()} pageerror: ${err.message}`));
}

/**
 * Turns the page into a phone (390 × 844) and waits until the sidebar has
 * slid away into its drawer, so a screenshot shows what a phone shows.
 */
export async function asPhone(page: Page) {
  await page.setViewportSize({ width: 390, height: 844 });
  const sidebar = page.locator('.sidebar');
  if ((await sidebar.count()) > 0) await expect(sidebar).not.toBeInViewport();
}

/** Waits until the wasm bundle has hydrated the page. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => (window as any).__parley_hydrated === true, null, { timeout: 30_000 });
}

/**
 * Session cookies by email. Sign-ins are throttled (5 per email and 30 per
 * client address, then one per 12 s), and against the optimized build the
 * whole suite runs in about two minutes: each account signs in once and
 * later pages reuse its session (signing in again if it has ended).
 */
const sessionCookies = new Map<string, Cookie[]>();

export async function signIn(page: Page, email: string, password: string) {
  const known = sessionCookies.get(email);
  if (known) {
    await page.context().addCookies(known);
    await page.goto('/');
    await hydrated(page);
    if ((await page.getByRole('heading', { name: /Welcome/ }).count()) > 0) return;
  }
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  sessionCookies.set(email, (await page.context().cookies()).filter((c) => c.name === 'parley_session'));
}

/** A signed-in session to open contexts with (`storageState`). */
export type Session = Awaited<ReturnType<BrowserContext['storageState']>>;

/**
 * The admin's session, signing the admin up first on a new instance.
 * Sign-ins are throttled per email (5, then one per 12 s): a file signs
 * the admin in once and each test opens a context with this session.
 */
export async function adminSession(browser: Browser): Promise<Session> {
  const ctx = await browser.newContext();
  await ctx.request.post('/api/v1/auths/signup', { data: ADMIN });
  await ctx.close();
  const page = await signedIn(browser, ADMIN.email, ADMIN.password);
  const session = await page.context().storageState();
  await page.context().close();
  return session;
}

export async function signedIn(browser: Browser, email: string, password: string): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'en-US', permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await ctx.newPage();
  await signIn(page, email, password);
  return page;
}

/**
 * Headless Chromium keeps every page visible and focused, so a test drives
 * the tab's visibility and focus itself: `window.__setPresence(visible,
 * focused)` overrides what the page reads and fires the events a real
 * browser fires (SPEC P1).
 */
export async function controlPresence(ctx: BrowserContext) {
  await ctx.addInitScript(() => {
    let visible = true;
    let focused = true;
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (visible ? 'visible' : 'hidden') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => !visible });
    (document as any).hasFocus = () => focused;
    (window as any).__setPresence = (v: boolean, f: boolean) => {
      const wasVisible = visible;
      const wasFocused = focused;
      visible = v;
      focused = f;
      if (wasFocused !== f) window.dispatchEvent(new Event(f ? 'focus' : 'blur'));
      if (wasVisible !== v) document.dispatchEvent(new Event('visibilitychange'));
    };
  });
}

export async function setPresence(page: Page, visible: boolean, focused: boolean) {
  await page.evaluate(([v, f]) => (window as any).__setPresence(v, f), [visible, focused]);
}

/** Checks a Standard Webhooks signature the way a receiver would. */
export function verifySignature(secret: string, hit: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${hit.headers['webhook-id']}.${hit.headers['webhook-timestamp']}.${hit.raw}`;
  const expected = crypto.createHmac('sha256', key).update(signed).digest('base64');
  return String(hit.headers['webhook-signature'] ?? '')
    .split(' ')
    .some((s) => s === `v1,${expected}`);
}
