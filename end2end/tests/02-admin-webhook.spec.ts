import { Page } from '@playwright/test';
import { expect, hydrated, shots, startReceiver, test } from './helpers';





test('admin webhook: save the URL, a sign-up is delivered and logged, Send test adds a row', async ({ browser, request }) => {
  const receiver = await startReceiver();
  // The admin exists when this file runs after the foundation journey;
  // create it when run alone.
  await request.post('/api/v1/auths/signup', { data: { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' } });

  const adminCtx = await browser.newContext({ locale: 'en-US' });
  const admin = await adminCtx.newPage();
  await admin.goto('/signin');
  await hydrated(admin);
  await admin.getByLabel('Email').fill('ada@example.com');
  await admin.getByLabel('Password').fill('correct horse battery');
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await expect(admin.getByRole('heading', { name: /Welcome/ })).toBeVisible();

  await admin.goto('/admin/settings');
  await hydrated(admin);
  // A bad URL is refused with a reason and nothing is lost.
  const urlField = admin.getByLabel('Webhook URL');
  await urlField.fill('ftp://example.com/x');
  await admin.locator('#webhook-url-form').getByRole('button', { name: 'Save' }).click();
  await expect(admin.locator('#webhook-url-form').getByRole('alert')).toContainText('http:// or https://');
  await expect(urlField).toHaveValue('ftp://example.com/x');

  await urlField.fill(receiver.url);
  await admin.locator('#webhook-url-form').getByRole('button', { name: 'Save' }).click();
  await expect(admin.locator('#webhook-url-form').getByText('Saved')).toBeVisible();

  // Someone signs up in another browser.
  const wendyCtx = await browser.newContext({ locale: 'en-US' });
  const wendy = await wendyCtx.newPage();
  await wendy.goto('/signup');
  await hydrated(wendy);
  await wendy.getByLabel('Name').fill('Wendy Webhook');
  await wendy.getByLabel('Email').fill('wendy@example.com');
  await wendy.getByLabel('Password').fill('correct horse battery');
  await wendy.getByRole('button', { name: 'Create account' }).click();
  await expect(wendy.getByTestId('pending')).toBeVisible();

  // The receiver gets the SPEC A3 payload.
  await expect.poll(() => receiver.received.filter((r) => r.body?.user?.email === 'wendy@example.com').length, { timeout: 15_000 }).toBe(1);
  const hit = receiver.received.find((r) => r.body?.user?.email === 'wendy@example.com')!;
  expect(hit.headers['content-type']).toBe('application/json');
  expect(hit.body.event).toBe('new_user');
  expect(hit.body.user.name).toBe('Wendy Webhook');
  expect(hit.body.user.role).toBe('pending');
  expect(hit.body.message).toBe('New user signed up: Wendy Webhook');
  expect(hit.body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  expect(String(hit.headers['webhook-id'])).toMatch(/^msg_/);

  // The delivery log shows it delivered, without a reload.
  const log = admin.getByTestId('deliveries');
  await expect(log.locator('tr[data-status="delivered"]', { hasText: 'new_user' })).toHaveCount(1, { timeout: 15_000 });

  // Send test adds a row and reaches the receiver.
  const rowsBefore = await log.locator('tbody tr').count();
  await admin.getByRole('button', { name: 'Send test' }).click();
  await expect(log.locator('tbody tr')).toHaveCount(rowsBefore + 1);
  await expect(log.locator('tr[data-status="delivered"]', { hasText: 'test' })).toHaveCount(1, { timeout: 15_000 });
  await expect.poll(() => receiver.received.filter((r) => r.body?.event === 'test').length).toBe(1);

  // A signing secret is shown once; later requests are signed.
  await admin.getByRole('button', { name: 'Generate secret' }).click();
  await expect(admin.getByTestId('new-secret')).toContainText('whsec_');
  await expect(admin.getByTestId('secret-state')).toHaveText('A secret is set.');
  await admin.getByRole('button', { name: 'Send test' }).click();
  await expect.poll(() => receiver.received.filter((r) => r.body?.event === 'test').length, { timeout: 15_000 }).toBe(2);
  const signed = receiver.received.filter((r) => r.body?.event === 'test')[1];
  expect(String(signed.headers['webhook-signature'])).toMatch(/^v1,/);

  await admin.locator('#delivery-log').scrollIntoViewIfNeeded();
  await admin.screenshot({ path: `${shots}/09-admin-webhook.png`, fullPage: true });

  receiver.close();
  await adminCtx.close();
  await wendyCtx.close();
});
