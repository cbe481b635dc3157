import { adminSession, asPhone, expect, fromParley, hydrated, Session, shots, signedIn, startReceiver, test } from './helpers';

// SPEC E3: a user adds a second notification target for chat.failed; a
// failing model reply reaches it while the tab is closed.

let adminState: Session;

test.beforeAll(async ({ browser }) => {
  adminState = await adminSession(browser);
});

test('a chat.failed target gets the failed reply of a closed tab', async ({ browser }) => {
  const receiver = await startReceiver();
  const adminCtx = await browser.newContext({ storageState: adminState });
  const admin = await adminCtx.newPage();
  const added = await admin.request.post('/api/fn/admin_add_user', {
    form: { name: 'Fay Failure', email: 'fay@example.com', password: 'correct horse battery', role: 'user' },
    headers: fromParley(admin),
  });
  expect([200, 409]).toContain(added.status());
  await adminCtx.close();

  const page = await signedIn(browser, 'fay@example.com', 'correct horse battery');
  await page.goto('/settings/account');
  await hydrated(page);
  const card = page.locator('#notification-targets');
  await expect(card.locator('li.target').first()).toContainText('default');
  await card.getByRole('button', { name: 'Add target' }).click();
  const form = page.locator('#notification-target-form');
  await form.getByLabel('Name', { exact: true }).fill('Failures');
  await form.getByLabel('Webhook URL', { exact: true }).fill(receiver.url);
  await form.locator('input[value="chat.finished"]').uncheck();
  await form.locator('input[value="chat.failed"]').check();
  // E3: the channel subscriptions are offered beside the chat events.
  await expect(form.locator('input[value="channel.message"]')).toBeVisible();
  await expect(form.locator('input[value="channel.message.mention"]')).toBeVisible();
  await form.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/53-notification-target-form.png`, fullPage: true });
  await form.getByRole('button', { name: 'Save' }).click();
  const row = card.locator('li.target[data-name="Failures"]');
  await expect(row).toBeVisible();
  await expect(row.locator('.event-chip')).toHaveText(['chat.failed']);
  // The URL comes back masked: host and last four characters.
  await expect(row.locator('.target-url')).toHaveText(/^http:\/\/127\.0\.0\.1:\d+\/…rley$/);
  await page.screenshot({ path: `${shots}/55-notification-targets.png`, fullPage: true });
  await asPhone(page);
  await page.screenshot({ path: `${shots}/56-notification-targets-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.goto('/');
  await hydrated(page);
  await expect(page.getByTestId('live')).toHaveClass(/is-live/);
  await page.getByTestId('model').selectOption('mock-broken');
  await page.getByTestId('prompt').fill('Try something hard');
  await page.getByTestId('prompt').press('Enter');
  await page.waitForURL(/\/c\//);
  const chatId = page.url().split('/c/')[1];
  await expect(page.locator('[data-testid=chat-message][data-role=assistant]').last()).toHaveAttribute('data-status', 'streaming');
  await page.close(); // Fay walks away before the model fails

  await expect.poll(() => receiver.received.filter((r) => r.body?.event === 'chat.failed').length, { timeout: 30_000 }).toBe(1);
  const body = receiver.received.find((r) => r.body?.event === 'chat.failed')!.body;
  expect(body.data.chat.id).toBe(chatId);
  expect(body.data.chat.title).toBe('Try something hard');
  expect(body.data.error).toContain('The mock model is overloaded');
  expect(body.message).toContain('Try something hard');
  expect(receiver.received.filter((r) => r.body?.event === 'chat_response')).toHaveLength(0);
  receiver.close();
});
