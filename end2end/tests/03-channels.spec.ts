import { Page } from '@playwright/test';
import { expect, fromParley, hydrated, shots, signedIn, test } from './helpers';


// A real 2x2 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);



test('channel webhooks: create, name, image, copy, live post, rename, regenerate, delete', async ({ browser, request }) => {
  await request.post('/api/v1/auths/signup', { data: { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' } });
  const admin = await signedIn(browser, 'ada@example.com', 'correct horse battery');
  admin.on('dialog', (d) => d.accept());

  // A plain member account, added by the admin.
  const added = await admin.request.post('/api/fn/admin_add_user', {
    form: { name: 'Mel Member', email: 'mel@example.com', password: 'correct horse battery', role: 'user' },
    headers: fromParley(admin),
  });
  expect([200, 409]).toContain(added.status());

  // The admin creates a channel from the sidebar.
  await admin.getByRole('link', { name: '+ New channel' }).click();
  await admin.getByLabel('Channel name').fill('releases');
  await admin.getByLabel('Description').fill('Deploys and alerts');
  await admin.getByRole('button', { name: 'Create channel' }).click();
  await expect(admin.getByRole('heading', { name: '# releases' })).toBeVisible();
  const channelUrl = admin.url();

  // Edit Channel: add Mel, then open the webhooks modal.
  await admin.getByRole('button', { name: 'Channel menu' }).click();
  await admin.getByRole('menuitem', { name: 'Edit Channel' }).click();
  const editDialog = admin.getByRole('dialog', { name: 'Edit Channel' });
  await expect(editDialog).toBeVisible();
  await editDialog.getByLabel('Email').fill('mel@example.com');
  await editDialog.getByRole('button', { name: 'Add member' }).click();
  await expect(editDialog.getByText('mel@example.com')).toBeVisible();
  await editDialog.getByRole('button', { name: 'Manage' }).click();
  const modal = admin.getByRole('dialog', { name: 'Webhooks' });
  await expect(modal).toBeVisible();

  // New Webhook is created at once and expanded.
  await modal.getByRole('button', { name: '+ New Webhook' }).click();
  const row = modal.locator('.webhook-row').first();
  await expect(row.getByLabel('Name')).toHaveValue('New Webhook');
  await row.getByLabel('Name').fill('Tide Bot');
  await row.getByRole('button', { name: 'Save' }).click();
  const tide = modal.locator('.webhook-row[data-name="Tide Bot"]');
  await expect(tide).toBeVisible();
  // Still expanded after saving: upload the profile image.
  await tide.getByLabel('Profile Image').setInputFiles({ name: 'tide.png', mimeType: 'image/png', buffer: PNG });
  await expect(tide.locator('img.avatar')).toBeVisible();
  await expect(tide.locator('img.avatar')).toHaveAttribute('src', /\/api\/v1\/uploads\//);

  // Copy URL puts the full URL on the clipboard.
  await tide.getByRole('button', { name: 'Copy URL' }).click();
  await expect(tide.getByRole('button', { name: 'Copied' })).toBeVisible();
  const hookUrl = await admin.evaluate(() => navigator.clipboard.readText());
  expect(hookUrl).toMatch(/\/api\/v1\/channels\/webhooks\/[0-9a-f-]+\/[A-Za-z0-9_-]{43,}$/);
  await admin.screenshot({ path: `${shots}/10-webhooks-modal.png`, fullPage: true });
  // Escape closes the top dialog only; the Close button the one below.
  await admin.keyboard.press('Escape');
  await expect(modal).toHaveCount(0);
  await expect(editDialog).toBeVisible();
  await editDialog.getByRole('button', { name: 'Close' }).click();
  await expect(editDialog).toHaveCount(0);

  // Mel has the channel open; a plain member does not get the menu.
  const mel = await signedIn(browser, 'mel@example.com', 'correct horse battery');
  await mel.goto(channelUrl);
  await expect(mel.getByRole('heading', { name: '# releases' })).toBeVisible();
  await hydrated(mel);
  await expect(mel.getByTestId('live')).toHaveClass(/is-live/);
  await expect(mel.getByRole('button', { name: 'Channel menu' })).toHaveCount(0);

  // An outside tool posts: the message appears for Mel without a reload.
  const post = await request.post(hookUrl, { data: { content: 'Deploy **v1.2** finished <script>window.__pwned=1</script>' } });
  expect(post.status()).toBe(200);
  expect((await post.json()).success).toBe(true);
  const first = mel.getByTestId('message').filter({ hasText: 'Deploy' });
  await expect(first).toBeVisible();
  await expect(first.locator('.message-author')).toHaveText('Tide Bot');
  await expect(first.locator('.badge')).toHaveText('Webhook');
  await expect(first.locator('img.avatar')).toHaveAttribute('src', /\/api\/v1\/uploads\//);
  await expect(first.locator('strong')).toHaveText('v1.2');
  expect(await mel.evaluate(() => (window as any).__pwned)).toBeUndefined();
  await mel.screenshot({ path: `${shots}/11-channel-webhook-message.png`, fullPage: true });

  // Rename: new posts carry the new name, the old one keeps "Tide Bot".
  const hookId = hookUrl.split('/').slice(-2)[0];
  const channelId = channelUrl.split('/').pop();
  const renamed = await admin.request.post(`/api/v1/channels/${channelId}/webhooks/${hookId}/update`, {
    data: { name: 'Ebb Bot' },
    headers: fromParley(admin),
  });
  expect(renamed.status()).toBe(200);
  expect((await request.post(hookUrl, { data: { text: 'second post' } })).status()).toBe(200);
  const second = mel.getByTestId('message').filter({ hasText: 'second post' });
  await expect(second.locator('.message-author')).toHaveText('Ebb Bot');
  await expect(first.locator('.message-author')).toHaveText('Tide Bot');

  // Regenerate in the modal: the old URL answers 401 at once.
  await admin.getByRole('button', { name: 'Channel menu' }).click();
  await admin.getByRole('menuitem', { name: 'Edit Channel' }).click();
  await admin.getByRole('dialog', { name: 'Edit Channel' }).getByRole('button', { name: 'Manage' }).click();
  const modal2 = admin.getByRole('dialog', { name: 'Webhooks' });
  const ebb = modal2.locator('.webhook-row[data-name="Ebb Bot"]');
  await expect(ebb.getByText(/Last used \d{4}-/)).toBeVisible();
  await ebb.getByRole('button', { name: /Ebb Bot/ }).click();
  await ebb.getByRole('button', { name: 'Regenerate URL' }).click();
  // Wait for the new URL in the UI (the regeneration has landed), then
  // try the old one once: a poll that posts would store junk messages.
  await expect(ebb.locator('.url-box')).not.toHaveValue(hookUrl);
  const newUrl = await ebb.locator('.url-box').inputValue();
  expect(newUrl).toMatch(/\/api\/v1\/channels\/webhooks\//);
  expect((await request.post(hookUrl, { data: { content: 'old url' } })).status()).toBe(401);
  expect((await request.post(newUrl, { data: { content: 'new url works' } })).status()).toBe(200);

  // Delete: the URL dies, the messages stay as "Deleted Webhook".
  await ebb.getByRole('button', { name: 'Delete' }).click();
  await expect(modal2.locator('.webhook-row[data-name="Ebb Bot"]')).toHaveCount(0);
  expect((await request.post(newUrl, { data: { content: 'gone' } })).status()).toBe(401);
  await mel.reload();
  await expect(mel.getByTestId('message')).toHaveCount(3);
  await expect(mel.locator('.message-author', { hasText: 'Deleted Webhook' })).toHaveCount(3);
  await mel.screenshot({ path: `${shots}/12-deleted-webhook.png`, fullPage: true });

  await admin.context().close();
  await mel.context().close();
});
