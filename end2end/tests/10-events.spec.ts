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
