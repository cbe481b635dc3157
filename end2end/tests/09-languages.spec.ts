import { Page } from '@playwright/test';
import { adminSession, asPhone, expect, fromParley, hydrated, Session, shots, signedIn, test } from './helpers';

// SPEC W6: texts from the locale files, server reasons in the reader's
// language, plural forms per language. The shared console watcher
// (helpers.test) checks every page of this journey too.

let adminState: Session;

test.beforeAll(async ({ browser }) => {
  adminState = await adminSession(browser);
});

/** An approved account, signed in, that picked `language` in Settings. */
async function userIn(browser: any, name: string, email: string, language: string, heading: string): Promise<Page> {
  const ctx = await browser.newContext({ storageState: adminState, locale: 'en-US' });
  const admin = await ctx.newPage();
  const added = await admin.request.post('/api/fn/admin_add_user', {
    form: { name, email, password: 'correct horse battery', role: 'user' },
    headers: fromParley(admin),
  });
  expect([200, 409]).toContain(added.status());
  await ctx.close();
  const page = await signedIn(browser, email, 'correct horse battery');
  await page.goto('/settings');
  await hydrated(page);
  // The page switches at once; the account keeps the choice once the
  // server has answered — wait for that before loading another page.
  const saved = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/fn/set_locale' && r.ok());
  await page.getByRole('combobox', { name: 'Language' }).selectOption(language);
  await saved;
  await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
  return page;
}

test('a German reader gets the server\'s reason for a refused webhook URL in German', async ({ browser }) => {
  const page = await userIn(browser, 'Greta Gast', 'greta@example.com', 'de', 'Einstellungen');
  await page.goto('/settings/account');
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  const form = page.locator('#notification-webhook-form');
  await form.getByLabel('Webhook-URL').fill('http://169.254.169.254/latest/meta-data');
  await form.getByRole('button', { name: 'Speichern' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    'Parley sendet dorthin keine Webhooks: 169.254.169.254 ist eine Cloud-Metadaten-Adresse.',
  );
  await form.getByLabel('Webhook-URL').fill('ftp://example.com/hook');
  await form.getByRole('button', { name: 'Speichern' }).click();
  await expect(form.getByRole('alert')).toHaveText('Die URL muss mit http:// oder https:// beginnen (nicht mit ftp:).');
  await page.screenshot({ path: `${shots}/40-german-reason.png`, fullPage: true });
  await asPhone(page);
  await page.screenshot({ path: `${shots}/41-german-reason-phone.png`, fullPage: true });
  await page.context().close();
});

test('a Russian reader sees the plural forms for 1, 2 and 5 deliveries', async ({ browser }) => {
  const page = await userIn(browser, 'Roman Russkikh', 'roman@example.com', 'ru', 'Настройки');
  await page.goto('/settings/account');
  await hydrated(page);
  const form = page.locator('#notification-webhook-form');
  // A receiver that does not exist: each test still makes one delivery row.
  await form.getByLabel('URL вебхука').fill('https://receiver.invalid/parley');
  await form.getByRole('button', { name: 'Сохранить' }).click();
  await expect(form.getByText('Сохранено')).toBeVisible();
  const log = page.locator('#delivery-log');
  const count = log.getByTestId('deliveries-count');
  const rows = log.locator('[data-testid=deliveries] tbody tr');
  const sendTest = log.getByRole('button', { name: 'Отправить тест' });
  const expected: Record<number, string> = { 1: '1 доставка', 2: '2 доставки', 5: '5 доставок' };
  for (let n = 1; n <= 5; n++) {
    await sendTest.click();
    await expect(rows).toHaveCount(n);
    if (expected[n]) await expect(count).toHaveText(expected[n]);
  }
  // Dates in the log follow the language too (dd.mm.yyyy).
  await expect(rows.first().locator('td').nth(1)).toHaveText(/^\d\d\.\d\d\.\d{4}, \d\d:\d\d$/);
  await page.screenshot({ path: `${shots}/42-russian-plurals.png`, fullPage: true });
  await page.context().close();
});

// The watcher itself: a page that warns fails its journey (expected to fail).
test('the shared console watcher fails a journey whose page logs a warning', async ({ page }) => {
  test.fail();
  await page.goto('/signin');
  await hydrated(page);
  await page.evaluate(() => console.warn('a warning the watcher must catch'));
});
