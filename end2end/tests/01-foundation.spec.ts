import { Page } from '@playwright/test';
import { expect, hydrated, shots, test, watchConsole } from './helpers';




async function signUp(page: Page, name: string, email: string) {
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
}

test('first sign-up is admin, second waits, approval and language switch', async ({ browser }) => {
  const adminCtx = await browser.newContext({ locale: 'en-US' });
  const admin = await adminCtx.newPage();
  const adminProblems = watchConsole(admin);

  // The sign-in page is rendered on the server: the HTML has the form.
  const res = await admin.request.get('/signin');
  expect(await res.text()).toContain('Sign in to Parley');

  await signUp(admin, 'Ada Admin', 'ada@example.com');
  await expect(admin.getByRole('heading', { name: 'Welcome, Ada Admin' })).toBeVisible();
  await expect(admin.getByTestId('live')).toHaveClass(/is-live/);

  await admin.screenshot({ path: `${shots}/01-admin-home.png`, fullPage: true });

  // The admin reaches the Admin Panel from the user menu (a click handler
  // that only works once the page has hydrated).
  await admin.getByRole('button', { name: /Ada Admin/ }).click();
  await expect(admin.getByRole('menu')).toBeVisible();
  await admin.getByRole('menuitem', { name: 'Admin Panel' }).click();
  await expect(admin.getByRole('heading', { name: 'Admin Panel' })).toBeVisible();
  await expect(admin.getByTestId('users-table')).toContainText('ada@example.com');
  await admin.screenshot({ path: `${shots}/02-admin-users.png`, fullPage: true });

  // A second person signs up in another browser and waits for approval.
  const patCtx = await browser.newContext({ locale: 'en-US' });
  const pat = await patCtx.newPage();
  const patProblems = watchConsole(pat);
  await signUp(pat, 'Pat Pending', 'pat@example.com');
  await expect(pat.getByTestId('pending')).toBeVisible();
  await expect(pat.getByRole('heading', { name: 'Account activation pending' })).toBeVisible();
  await pat.screenshot({ path: `${shots}/03-pending.png`, fullPage: true });

  // The admin's list shows Pat without a reload (realtime push).
  const patRow = admin.locator('tr[data-email="pat@example.com"]');
  await expect(patRow).toBeVisible();
  await expect(patRow.getByRole('combobox')).toHaveValue('pending');
  await patRow.getByRole('combobox').selectOption('user');

  // Pat's page follows by itself: the workspace replaces the waiting page.
  await expect(pat.getByTestId('pending')).toHaveCount(0, { timeout: 15_000 });
  await expect(pat.getByRole('heading', { name: 'Welcome, Pat Pending' })).toBeVisible();
  await pat.screenshot({ path: `${shots}/04-approved.png`, fullPage: true });

  // Pat switches to German in Settings; the UI text changes at once.
  await pat.getByRole('button', { name: /Pat Pending/ }).click();
  await pat.getByRole('menuitem', { name: 'Settings' }).click();
  await expect(pat.getByRole('heading', { name: 'Settings' })).toBeVisible();
  const saved = pat.waitForResponse((r) => new URL(r.url()).pathname === '/api/fn/set_locale' && r.ok());
  await pat.getByRole('combobox', { name: 'Language' }).selectOption('de');
  await expect(pat.getByRole('heading', { name: 'Einstellungen' })).toBeVisible();
  // The reload below must find the choice saved, not race it.
  await saved;
  await expect(pat.getByRole('heading', { name: 'Kanäle' })).toBeVisible();
  await pat.screenshot({ path: `${shots}/05-german-settings.png`, fullPage: true });

  // The choice is kept: after a reload the server renders German.
  await pat.reload();
  await expect(pat.getByRole('heading', { name: 'Einstellungen' })).toBeVisible();

  await admin.getByRole('link', { name: 'Settings' }).first().click();
  await expect(admin.getByRole('heading', { name: 'Authentication' })).toBeVisible();
  await expect(admin.locator('.tab[aria-current=page]')).toHaveText('Settings');
  await admin.screenshot({ path: `${shots}/06-admin-settings.png`, fullPage: true });

  const hydrationProblems = [...adminProblems, ...patProblems].filter((p) => /hydrat/i.test(p));
  expect(hydrationProblems).toEqual([]);
  const errors = [...adminProblems, ...patProblems].filter((p) => p.startsWith('pageerror') || /panicked/.test(p));
  expect(errors).toEqual([]);

  await adminCtx.close();
  await patCtx.close();
});

test('the sign-in page explains a wrong password and fits a phone', async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
  const page = await ctx.newPage();
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Incorrect email or password.');
  await expect(page.getByLabel('Email')).toHaveValue('ada@example.com');
  await page.screenshot({ path: `${shots}/07-signin-error-phone.png`, fullPage: true });

  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome, Ada Admin' })).toBeVisible();
  // On a phone the sidebar is a drawer behind the menu button.
  await page.getByRole('button', { name: 'Menu' }).click();
  await expect(page.locator('.sidebar')).toHaveCSS('transform', 'none');
  await expect(page.getByRole('heading', { name: 'Channels' })).toBeInViewport();
  await page.screenshot({ path: `${shots}/08-phone-drawer.png`, fullPage: true });
  await ctx.close();
});

test('an API key is created in Settings › Account, shown once, and works for the REST API', async ({ browser, request }) => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await ctx.newPage();
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await page.goto('/settings/account');
  await hydrated(page);
  await page.getByLabel('Key name').fill('deploy script');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = (await page.getByTestId('new-secret').textContent()) ?? '';
  expect(secret).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId('api-keys')).toContainText('deploy script');
  const me = await request.get('/api/v1/auths/', { headers: { Authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).email).toBe('ada@example.com');
  await page.screenshot({ path: `${shots}/13-account-api-keys.png`, fullPage: true });
  await ctx.close();
});
