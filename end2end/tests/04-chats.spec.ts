import { Page, Browser, BrowserContext } from '@playwright/test';
import { ADMIN, controlPresence, expect, fromParley, hydrated, setPresence, shots, signedIn, signIn, startReceiver, test, verifySignature, watchConsole } from './helpers';

// The server runs parley-echo at PARLEY_ECHO_DELAY_MS=300 (playwright.config.ts):
// a reply of N words takes about 0.3·N seconds.
const USER = { name: 'Una User', email: 'una@example.com', password: 'correct horse battery' };
const words = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i + 1}`).join(' ');

test.describe.configure({ mode: 'serial' });

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let admin: Page;

/** Notifications the receiver got for one chat. */
const hitsFor = (chatId: string) => receiver.received.filter((r) => r.body?.chat?.id === chatId);

async function userContext(browser: Browser): Promise<BrowserContext> {
  const ctx = await browser.newContext({ locale: 'en-US' });
  await controlPresence(ctx);
  return ctx;
}

async function openUserTab(ctx: BrowserContext, path = '/'): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(path);
  await hydrated(page);
  await expect(page.getByTestId('live')).toHaveClass(/is-live/);
  return page;
}

async function signedInTab(ctx: BrowserContext): Promise<Page> {
  const page = await ctx.newPage();
  await signIn(page, USER.email, USER.password);
  return page;
}

/** Sends the first prompt of a new chat; returns the chat id from the URL. */
async function startChat(page: Page, prompt: string): Promise<string> {
  await page.goto('/');
  await hydrated(page);
  await expect(page.getByTestId('live')).toHaveClass(/is-live/);
  await page.getByTestId('model').selectOption('parley-echo');
  await page.getByTestId('prompt').fill(prompt);
  await page.getByTestId('prompt').press('Enter');
  await page.waitForURL(/\/c\/[0-9a-f-]+$/);
  return page.url().split('/c/')[1];
}

const reply = (page: Page) => page.locator('[data-testid=chat-message][data-role=assistant]').last();

/**
 * The chat notifications in the user's own delivery log. Read once the
 * reply is saved: a reply's notifications are committed in the same
 * transaction as the reply itself, so "nothing was sent" is this count,
 * not a wait (a read: nothing changes).
 */
async function chatNotificationsQueued(page: Page): Promise<number> {
  const res = await page.request.post('/api/fn/list_deliveries', { form: { scope: 'mine' }, headers: fromParley(page) });
  expect(res.status()).toBe(200);
  const log: { event: string }[] = await res.json();
  return log.filter((d) => d.event === 'chat_response').length;
}

async function saveNotificationWebhook(page: Page, url: string, mode: 'away' | 'always') {
  await page.goto('/settings/account');
  await hydrated(page);
  const form = page.locator('#notification-webhook-form');
  await form.getByLabel('Webhook URL').fill(url);
  await form.getByLabel('Notify me').selectOption(mode);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('Saved')).toBeVisible();
}

/** Waits until the server has finished the chat's reply (seen through the API). */
async function replyFinished(page: Page, chatId: string, expected: string) {
  await expect
    .poll(async () => {
      const res = await page.request.post('/api/fn/get_chat', { form: { chat_id: chatId }, headers: fromParley(page) });
      const chat = await res.json();
      const last = chat.messages[chat.messages.length - 1];
      return `${last.status}:${last.content}`;
    }, { timeout: 30_000 })
    .toBe(`done:${expected}`);
}

test.beforeAll(async ({ browser, request }) => {
  receiver = await startReceiver();
  // The admin exists when the earlier journeys ran; alone, this file makes it.
  await request.post('/api/v1/auths/signup', { data: ADMIN });
  admin = await signedIn(browser, ADMIN.email, ADMIN.password);
  const added = await admin.request.post('/api/fn/admin_add_user', {
    form: { ...USER, role: 'user' },
    headers: fromParley(admin),
  });
  expect([200, 409]).toContain(added.status());
});

test.afterAll(() => receiver.close());

async function saveAdminSettings() {
  const saved = admin.waitForResponse((r) => r.url().endsWith('/api/fn/admin_save_settings') && r.status() === 200);
  await admin.locator('#admin-general-form').getByRole('button', { name: 'Save' }).click();
  await saved;
}

test('(a) watching the focused tab: the reply streams in and nothing is sent', async ({ browser }) => {
  const ctx = await userContext(browser);
  const page = await ctx.newPage();
  const problems = watchConsole(page);
  await signIn(page, USER.email, USER.password);
  await saveNotificationWebhook(page, receiver.url, 'away');
  await page.screenshot({ path: `${shots}/14-notification-webhook.png`, fullPage: true });
  const queuedBefore = await chatNotificationsQueued(page);

  await page.goto('/');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: /Welcome, Una User/ })).toBeVisible();
  await page.screenshot({ path: `${shots}/15-new-chat.png`, fullPage: true });

  const prompt = words(14, 'watch');
  const chatId = await startChat(page, prompt);
  await expect(page.getByTestId('chat-title')).toHaveText(prompt);
  // Mid-stream: part of the reply is shown while it is still being written.
  await expect(reply(page)).toHaveAttribute('data-status', 'streaming');
  await expect(reply(page)).toContainText('watch3');
  const partial = (await reply(page).locator('.chat-body').innerText()).trim();
  expect(partial.length).toBeLessThan(prompt.length);
  await page.screenshot({ path: `${shots}/16-chat-streaming.png` });
  await expect(reply(page)).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(reply(page).locator('.chat-body')).toHaveText(prompt);
  // The new chat is in the sidebar under its title.
  await expect(page.getByTestId('chat-list').getByRole('link', { name: prompt })).toBeVisible();
  await page.screenshot({ path: `${shots}/17-chat-done.png` });

  await replyFinished(page, chatId, prompt);
  expect(await chatNotificationsQueued(page)).toBe(queuedBefore);
  expect(hitsFor(chatId)).toHaveLength(0);
  // The new-chat page is server-rendered and hydrates cleanly.
  await page.goto('/');
  await hydrated(page);
  expect(problems.filter((p) => /hydrat|panicked|unreachable/i.test(p))).toEqual([]);
  await ctx.close();
});

test('(b) closing the tab mid-reply: exactly one U4 payload whose url opens the chat', async ({ browser }) => {
  const ctx = await userContext(browser);
  const page = await signedInTab(ctx);
  await saveNotificationWebhook(page, receiver.url, 'away');
  const queuedBefore = await chatNotificationsQueued(page);
  const prompt = words(12, 'away');
  const chatId = await startChat(page, prompt);
  await expect(reply(page)).toHaveAttribute('data-status', 'streaming');
  await page.close(); // the user walks away

  await expect.poll(() => hitsFor(chatId).length, { timeout: 30_000 }).toBe(1);
  const body = hitsFor(chatId)[0].body;
  expect(body.event).toBe('chat_response');
  expect(body.chat.id).toBe(chatId);
  expect(body.chat.title).toBe(prompt);
  expect(body.chat.prompt).toBe(prompt);
  expect(body.chat.last_message).toBe(prompt);
  expect(body.chat.url).toMatch(new RegExp(`/c/${chatId}$`));
  expect(new Date(body.timestamp).getTime()).toBeGreaterThan(0);

  // The link opens the finished chat in a fresh tab.
  const later = await ctx.newPage();
  await later.goto(body.chat.url);
  await hydrated(later);
  await expect(reply(later)).toHaveAttribute('data-status', 'done');
  await expect(reply(later).locator('.chat-body')).toHaveText(prompt);
  // One notification queued, and it is the one that arrived.
  expect(await chatNotificationsQueued(later)).toBe(queuedBefore + 1);
  expect(hitsFor(chatId)).toHaveLength(1);
  await ctx.close();
});

test('(b) the page becoming hidden mid-reply also counts as away', async ({ browser }) => {
  const ctx = await userContext(browser);
  const page = await signedInTab(ctx);
  await saveNotificationWebhook(page, receiver.url, 'away');
  const queuedBefore = await chatNotificationsQueued(page);
  const prompt = words(10, 'hidden');
  const chatId = await startChat(page, prompt);
  await expect(reply(page)).toHaveAttribute('data-status', 'streaming');
  await setPresence(page, false, false);
  await expect.poll(() => hitsFor(chatId).length, { timeout: 30_000 }).toBe(1);
  expect(hitsFor(chatId)[0].body.chat.last_message).toBe(prompt);
  // The hidden tab still received the whole reply.
  await expect(reply(page).locator('.chat-body')).toHaveText(prompt);
  await replyFinished(page, chatId, prompt);
  expect(await chatNotificationsQueued(page)).toBe(queuedBefore + 1);
  expect(hitsFor(chatId)).toHaveLength(1);
  await ctx.close();
});

test('(c) two tabs, one hidden and one focused: nothing is sent', async ({ browser }) => {
  const ctx = await userContext(browser);
  const focusedTab = await signedInTab(ctx);
  await saveNotificationWebhook(focusedTab, receiver.url, 'away');
  const queuedBefore = await chatNotificationsQueued(focusedTab);
  const hiddenTab = await openUserTab(ctx, '/settings');
  await setPresence(hiddenTab, false, false);

  const prompt = words(10, 'twotabs');
  const chatId = await startChat(focusedTab, prompt);
  // The hidden tab follows along live too (open it on the chat).
  await hiddenTab.goto(`/c/${chatId}`);
  await hydrated(hiddenTab);
  await setPresence(hiddenTab, false, false);
  await expect(reply(focusedTab)).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(reply(hiddenTab).locator('.chat-body')).toHaveText(prompt);
  await replyFinished(focusedTab, chatId, prompt);
  expect(await chatNotificationsQueued(focusedTab)).toBe(queuedBefore);
  expect(hitsFor(chatId)).toHaveLength(0);
  await ctx.close();
});

test('(e) mode "always": sent even while the tab is focused', async ({ browser }) => {
  const ctx = await userContext(browser);
  const page = await signedInTab(ctx);
  await saveNotificationWebhook(page, receiver.url, 'always');
  const queuedBefore = await chatNotificationsQueued(page);
  // The user's own target can be signed too (SPEC D4).
  const card = page.locator('#notification-webhook');
  await card.getByRole('button', { name: 'Generate secret' }).click();
  await expect(card.getByTestId('new-secret')).toContainText('whsec_');
  const secret = ((await card.getByTestId('new-secret').textContent()) ?? '').match(/whsec_[A-Za-z0-9+/=]+/)![0];
  await expect(card.getByTestId('secret-state')).toHaveText('A secret is set.');
  await page.screenshot({ path: `${shots}/21-notification-webhook-signed.png`, fullPage: true });
  const prompt = words(6, 'always');
  const chatId = await startChat(page, prompt);
  await expect(reply(page)).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect.poll(() => hitsFor(chatId).length, { timeout: 15_000 }).toBe(1);
  expect(hitsFor(chatId)[0].body.chat.last_message).toBe(prompt);
  expect(verifySignature(secret, hitsFor(chatId)[0])).toBe(true);
  expect(await chatNotificationsQueued(page)).toBe(queuedBefore + 1);
  expect(hitsFor(chatId)).toHaveLength(1);
  await ctx.close();
});

test('(d) User Webhooks switched off: the Account field disappears and nothing is sent', async ({ browser }) => {
  const ctx = await userContext(browser);
  const page = await signedInTab(ctx);
  // Its own target in mode "always": only the switch can stop it.
  await saveNotificationWebhook(page, receiver.url, 'always');
  const queuedBefore = await chatNotificationsQueued(page);

  await admin.goto('/admin/settings');
  await hydrated(admin);
  const toggle = admin.getByRole('switch', { name: /User Webhooks/ });
  await expect(toggle).toBeChecked();
  await toggle.uncheck();
  await saveAdminSettings();

  await page.goto('/settings/account');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
  await expect(page.getByText('Notification Webhook')).toHaveCount(0);
  await page.screenshot({ path: `${shots}/18-account-user-webhooks-off.png`, fullPage: true });

  // Mode "always", and the user walks away: still nothing.
  const prompt = words(5, 'off');
  const chatId = await startChat(page, prompt);
  const watcher = await ctx.newPage();
  await page.close();
  await replyFinished(watcher, chatId, prompt);
  expect(await chatNotificationsQueued(watcher)).toBe(queuedBefore);
  expect(hitsFor(chatId)).toHaveLength(0);

  // Back on for whoever runs next.
  await admin.getByRole('switch', { name: /User Webhooks/ }).check();
  await saveAdminSettings();
  await ctx.close();
});

test('phone layout: the chat reads well on a small screen', async ({ browser }) => {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 800 } });
  await controlPresence(ctx);
  const page = await ctx.newPage();
  await signIn(page, USER.email, USER.password);
  const link = page.getByTestId('chat-list').getByRole('link').first();
  const href = await link.getAttribute('href');
  await page.goto(href!);
  await hydrated(page);
  await expect(reply(page)).toHaveAttribute('data-status', 'done');
  await page.screenshot({ path: `${shots}/19-chat-phone.png` });
  await ctx.close();
});

test('OpenAI-compatible endpoint: its models are offered, replies stream, errors show in the chat', async ({ browser }) => {
  const ctx = await userContext(browser);
  const page = await signedInTab(ctx);
  const picker = page.getByTestId('model');
  await expect(picker.locator('option')).toHaveText(['parley-echo (built-in, offline)', 'mock-broken', 'mock-gpt']);

  await picker.selectOption('mock-gpt');
  await page.getByTestId('prompt').fill('Say hello');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForURL(/\/c\//);
  await expect(reply(page)).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(reply(page).locator('.chat-body')).toHaveText('Hello from the mock model.');

  // A follow-up in the same chat goes to the same model.
  await page.getByTestId('prompt').fill('And again');
  await page.getByTestId('prompt').press('Enter');
  await expect(page.locator('[data-testid=chat-message][data-role=assistant]')).toHaveCount(2);
  await expect(reply(page)).toHaveAttribute('data-status', 'done', { timeout: 20_000 });

  await page.goto('/');
  await hydrated(page);
  await page.getByTestId('model').selectOption('mock-broken');
  await page.getByTestId('prompt').fill('Try something hard');
  await page.getByTestId('prompt').press('Enter');
  await page.waitForURL(/\/c\//);
  await expect(reply(page)).toHaveAttribute('data-status', 'error', { timeout: 20_000 });
  await expect(reply(page).getByRole('alert')).toContainText('The mock model is overloaded');
  await expect(reply(page).locator('.chat-body')).toHaveText('Thinking about it');
  await page.screenshot({ path: `${shots}/20-chat-model-error.png` });
  // The prompt box is usable again after the error.
  await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
  await ctx.close();
});
