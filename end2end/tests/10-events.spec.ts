import { Browser } from '@playwright/test';
import { adminSession, asPhone, expect, fromParley, hydrated, Session, shots, startReceiver, test } from './helpers';

// SPEC E2, E7: an admin adds a second webhook filtered to channel.*; a
// webhook post in a channel reaches it, a sign-up does not.

let adminState: Session;

test.beforeAll(async ({ browser }) => {
  adminState = await adminSession(browser);
});

test('an admin adds a channel.* webhook: a channel post reaches it, a sign-up does not', async ({ browser }) => {
  const receiver = await startReceiver();
  const ctx = await browser.newContext({ storageState: adminState, locale: 'en-US' });
  const admin = await ctx.newPage();
  await admin.goto('/admin/settings');
  await hydrated(admin);
  const card = admin.locator('#event-webhooks');
  await expect(card.getByRole('heading', { name: 'Event webhooks' })).toBeVisible();
  // The default target is listed first: the Webhook URL field above.
  await expect(card.locator('li.target').first()).toContainText('default');

  await card.getByRole('button', { name: 'Add webhook' }).click();
  const form = admin.locator('#event-webhook-form');
  await form.getByLabel('Name', { exact: true }).fill('Ops alerts');
  await form.getByLabel('Webhook URL', { exact: true }).fill(receiver.url);
  await form.locator('label.event-choice', { has: admin.locator('code', { hasText: /^channel\.\*$/ }) }).getByRole('checkbox').check();
  await admin.screenshot({ path: `${shots}/50-event-webhook-form.png`, fullPage: true });
  await form.getByRole('button', { name: 'Save' }).click();
  const row = card.locator('li.target[data-name="Ops alerts"]');
  await expect(row).toBeVisible();
  await expect(row.locator('.event-chip')).toHaveText(['channel.*']);
  await expect(form).toHaveCount(0);
  await admin.screenshot({ path: `${shots}/51-event-webhooks.png`, fullPage: true });
  await asPhone(admin);
  await card.scrollIntoViewIfNeeded();
  await admin.screenshot({ path: `${shots}/52-event-webhooks-phone.png`, fullPage: true });

  // A webhook post in a channel reaches it.
  const channel = await (await admin.request.post('/api/v1/channels/create', { data: { name: 'alerts' }, headers: fromParley(admin) })).json();
  const hook = await (await admin.request.post(`/api/v1/channels/${channel.id}/webhooks/create`, { data: { name: 'Grafana' }, headers: fromParley(admin) })).json();
  const posted = await admin.request.post(hook.url, { data: { content: 'CPU above 90 %' } });
  expect(posted.status()).toBe(200);
  await expect.poll(() => receiver.received.map((r) => r.body.event)).toContain('channel.message');
  const message = receiver.received.find((r) => r.body.event === 'channel.message')!;
  expect(message.body.data.message.content).toBe('CPU above 90 %');
  expect(message.body.data.channel.name).toBe('alerts');
  expect(message.body.message).toBe('Grafana in #alerts: CPU above 90 %');

  // A sign-up does not: its transaction has committed when it answers, and
  // the deliveries table holds nothing of it for this target.
  const visitor = await browser.newContext();
  const signup = await visitor.request.post('/api/v1/auths/signup', {
    data: { name: 'Sam Signup', email: 'sam.signup@example.com', password: 'correct horse battery' },
  });
  expect(signup.status()).toBe(200);
  await visitor.close();
  const log = await admin.request.post('/api/fn/list_deliveries', { form: { scope: 'admin' }, headers: fromParley(admin) });
  expect(log.status()).toBe(200);
  const rows: { url: string; event: string }[] = await log.json();
  const toOps = rows.filter((d) => d.url === receiver.url).map((d) => d.event).sort();
  expect(toOps).toEqual(['channel.created', 'channel.message', 'channel.webhook.created']);
  receiver.close();
  await ctx.close();
});

/** Opens Admin › Settings and adds an event webhook over REST; returns the page and how to remove it again. */
async function withEventWebhook(browser: Browser, name: string, url: string, events: string[]) {
  const ctx = await browser.newContext({ storageState: adminState, locale: 'en-US' });
  const admin = await ctx.newPage();
  await admin.goto('/admin/settings');
  await hydrated(admin);
  const created = await admin.request.post('/api/events/webhooks', { data: { name, url, events }, headers: fromParley(admin) });
  expect(created.status()).toBe(200);
  const id: string = (await created.json()).id;
  // Later journeys count the admin's deliveries: leave no subscriber behind.
  const remove = async () => {
    const removed = await admin.request.delete(`/api/events/webhooks/${id}`, { headers: fromParley(admin) });
    expect(removed.status()).toBe(200);
    await ctx.close();
  };
  return { admin, remove };
}

// SPEC E2: each event webhook has its own log and Send test.
test("an event webhook's own log sends a test and shows only its deliveries", async ({ browser }) => {
  const receiver = await startReceiver();
  const { admin, remove } = await withEventWebhook(browser, 'Audit trail', receiver.url, ['user.*']);
  await admin.reload();
  await hydrated(admin);
  const row = admin.locator('#event-webhooks li.target[data-name="Audit trail"]');
  await row.getByRole('button', { name: 'Deliveries' }).click();
  const log = row.locator('.target-log');
  await expect(log.getByText('Nothing sent yet.', { exact: false })).toBeVisible();
  await log.getByRole('button', { name: 'Send test' }).click();
  const first = log.locator('tbody tr').first();
  await expect(first).toHaveAttribute('data-status', 'delivered');
  await expect(log.locator('tbody tr')).toHaveCount(1);
  await expect(first.locator('td').first()).toHaveText('test');
  await expect.poll(() => receiver.received.map((r) => r.body.event)).toEqual(['test']);
  await admin.screenshot({ path: `${shots}/57-event-webhook-log.png`, fullPage: true });
  await asPhone(admin);
  await row.scrollIntoViewIfNeeded();
  await admin.screenshot({ path: `${shots}/58-event-webhook-log-phone.png`, fullPage: true });
  await remove();
  receiver.close();
});

// SPEC E1 channel.deleted: an admin deletes a channel in Edit Channel
// (after confirming); the page leaves it and a channel.* webhook hears it.
test('an admin deletes a channel: it leaves the sidebar and channel.deleted is sent', async ({ browser }) => {
  const receiver = await startReceiver();
  const { admin, remove } = await withEventWebhook(browser, 'Channel watch', receiver.url, ['channel.deleted']);
  const channel = await (await admin.request.post('/api/v1/channels/create', { data: { name: 'old-builds' }, headers: fromParley(admin) })).json();
  await admin.goto(`/channels/${channel.id}`);
  await hydrated(admin);
  await expect(admin.getByRole('heading', { name: '# old-builds' })).toBeVisible();
  await admin.getByRole('button', { name: 'Channel menu' }).click();
  await admin.getByRole('menuitem', { name: 'Edit Channel' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Edit Channel' });
  await dialog.getByRole('button', { name: 'Delete channel' }).click();
  const confirm = dialog.getByRole('alertdialog');
  await expect(confirm).toContainText('This cannot be undone.');
  await admin.screenshot({ path: `${shots}/59-delete-channel.png`, fullPage: true });
  await asPhone(admin);
  await confirm.scrollIntoViewIfNeeded();
  await admin.screenshot({ path: `${shots}/60-delete-channel-phone.png` });
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await admin.waitForURL((url) => url.pathname === '/');
  await expect(admin.getByRole('link', { name: 'old-builds' })).toHaveCount(0);
  await expect.poll(() => receiver.received.map((r) => r.body.event)).toEqual(['channel.deleted']);
  expect(receiver.received[0].body.data.channel.name).toBe('old-builds');
  const gone = await admin.request.get(`/api/v1/channels/${channel.id}/messages`, { headers: fromParley(admin) });
  expect(gone.status()).toBe(404);
  await remove();
  receiver.close();
});
