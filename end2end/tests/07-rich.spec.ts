import { Browser } from '@playwright/test';
import * as http from 'http';
import * as crypto from 'crypto';
import { adminSession, asPhone, expect, fromParley, hydrated, Session, shots, signedIn, test, watchConsole } from './helpers';

// SPEC C8, C9, C10, W4b: rich cards live in a member's open view, a
// sender image served by Parley, edits and deletes through the URL, and a
// long history read back to its first message.

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

/** A loopback image host that counts its requests. */
async function imageHost(): Promise<{ base: string; hits: string[]; close: () => void }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end(PNG);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { base: `http://127.0.0.1:${(server.address() as any).port}`, hits, close: () => server.close() };
}

let adminState: Session;

test.beforeAll(async ({ browser }) => {
  adminState = await adminSession(browser);
});

/** The admin's page and a new channel, made with the page's own cookie
 * as Parley's UI would. */
async function adminWithChannel(browser: Browser, name: string) {
  const ctx = await browser.newContext({ storageState: adminState, locale: 'en-US' });
  const admin = await ctx.newPage();
  const res = await admin.request.post('/api/v1/channels/create', { data: { name }, headers: fromParley(admin) });
  expect(res.status()).toBe(200);
  return { admin, channel: await res.json() };
}

test('cards, a served sender image, a GitHub push, an edit and a delete arrive live; phone layout', async ({ browser, request }) => {
  const { admin, channel } = await adminWithChannel(browser, 'builds');
  const hook = await (await admin.request.post(`/api/v1/channels/${channel.id}/webhooks/create`, { data: { name: 'CI' }, headers: fromParley(admin) })).json();
  const added = await admin.request.post('/api/fn/admin_add_user', {
    form: { name: 'Rita Reader', email: 'rita@example.com', password: 'correct horse battery', role: 'user' },
    headers: fromParley(admin),
  });
  expect([200, 409]).toContain(added.status());
  const member = await admin.request.post('/api/fn/set_channel_member', {
    form: { channel_id: channel.id, email: 'rita@example.com', role: 'member' },
    headers: fromParley(admin),
  });
  expect(member.status()).toBe(200);

  const rita = await signedIn(browser, 'rita@example.com', 'correct horse battery');
  const problems = watchConsole(rita);
  await rita.goto(`/channels/${channel.id}`);
  await hydrated(rita);
  await expect(rita.getByTestId('live')).toHaveClass(/is-live/);
  const images = await imageHost();

  // A Slack attachment: color bar, title link, fields grid, footer.
  const slack = await request.post(hook.url, {
    data: {
      attachments: [{
        color: 'danger', pretext: 'Nagios alert', title: 'db-1 disk 93 %', title_link: 'https://nagios.example/db-1',
        text: 'Free space below *7 %*', fields: [{ title: 'Host', value: 'db-1', short: true }, { title: 'Severity', value: 'CRITICAL', short: true }],
        footer: 'Nagios', ts: 1764579600,
      }],
    },
  });
  expect(slack.status()).toBe(200);
  const attachment = rita.locator('[data-kind="attachment"]');
  await expect(attachment).toBeVisible();
  await expect(attachment).toHaveAttribute('style', /--card-color: #a30200/);
  await expect(attachment.getByRole('link', { name: 'db-1 disk 93 %' })).toHaveAttribute('href', 'https://nagios.example/db-1');
  await expect(attachment.locator('.rc-field')).toHaveCount(2);
  await expect(attachment.locator('.rc-field-title').first()).toHaveText('Host');
  await expect(attachment.locator('strong')).toHaveText('7 %');

  // A Discord embed whose image is on a loopback host: a placeholder,
  // then Parley's own copy, without a reload.
  const embed = await request.post(hook.url, {
    data: {
      username: 'Grafana', avatar_url: `${images.base}/avatar.png`,
      embeds: [{
        title: 'CPU high', url: 'https://grafana.example/d/1', description: 'db-1 above **90 %**', color: 15548997,
        fields: [{ name: 'Host', value: 'db-1', inline: true }, { name: 'For', value: '5m', inline: true }],
        image: { url: `${images.base}/panel.png` }, footer: { text: 'Grafana' }, timestamp: '2026-12-01T09:00:00Z',
      }],
    },
  });
  expect(embed.status()).toBe(200);
  const embedCard = rita.locator('[data-kind="embed"]');
  await expect(embedCard.locator('.rc-title')).toHaveText('CPU high');
  const served = embedCard.locator('img.rc-image');
  await expect(served).toHaveAttribute('src', /^\/api\/v1\/media\/[0-9a-f]{32}$/);
  await expect.poll(() => served.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
  const embedMessage = rita.getByTestId('message').filter({ has: embedCard });
  await expect(embedMessage.locator('img.avatar')).toHaveAttribute('src', /^\/api\/v1\/media\//);
  expect(images.hits.sort()).toEqual(['/avatar.png', '/panel.png']);

  // A GitHub push, as GitHub sends it.
  const push = await request.post(`${hook.url}/github`, {
    headers: { 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': 'e2e-1' },
    data: {
      ref: 'refs/heads/main', compare: 'https://github.com/parley/parley/compare/a1b2c3...d4e5f6', created: false, deleted: false, forced: false,
      commits: [
        { id: 'd4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3', message: 'Cards for rich webhook messages\n\nLong body', url: 'https://github.com/parley/parley/commit/d4e5f6a', author: { name: 'Mona', username: 'mona' } },
        { id: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0', message: 'Fetch sender images once', url: 'https://github.com/parley/parley/commit/a1b2c3d', author: { name: 'Hubot', username: 'hubot' } },
      ],
      repository: { full_name: 'parley/parley', html_url: 'https://github.com/parley/parley' },
      sender: { login: 'mona', html_url: 'https://github.com/mona' },
    },
  });
  expect(push.status()).toBe(200);
  const github = rita.locator('[data-kind="github"]');
  await expect(github.locator('.rc-title')).toHaveText('[parley/parley] 2 new commits to main');
  await expect(github.getByRole('link', { name: 'd4e5f6a' })).toHaveAttribute('href', 'https://github.com/parley/parley/commit/d4e5f6a');
  await expect(github).toContainText('Fetch sender images once — hubot');

  // Edited then deleted through the URL (SPEC C8), live.
  const building = await request.post(hook.url, { data: { embeds: [{ title: 'Build 7', description: 'building…', color: 16776960 }] } });
  const buildId = (await building.json()).message_id as string;
  const build = rita.getByTestId('message').filter({ hasText: 'Build 7' });
  await expect(build).toContainText('building…');
  const patched = await request.patch(`${hook.url}/messages/${buildId}`, { data: { embeds: [{ title: 'Build 7', description: 'passed', color: 5763719 }] } });
  expect(patched.status()).toBe(200);
  await expect(build).toContainText('passed');
  await expect(build.getByTestId('edited')).toBeVisible();
  await expect(build.locator('.rich-card')).toHaveAttribute('style', /--card-color: #57f287/);
  await rita.screenshot({ path: `${shots}/30-rich-cards-desktop.png`, fullPage: true });
  const removed = await request.delete(`${hook.url}/messages/${buildId}`);
  expect(removed.status()).toBe(204);
  await expect(build).toHaveCount(0);

  // The page renders on the server: the cards are in the HTML itself.
  const html = await (await rita.request.get(`/channels/${channel.id}`)).text();
  expect(html).toContain('CPU high');
  expect(html).toContain('data-kind="github"');

  // Phone: the same view, cards in one column.
  await asPhone(rita);
  await rita.reload();
  await hydrated(rita);
  await expect(rita.locator('[data-kind="embed"] img.rc-image')).toBeVisible();
  const grid = await rita.locator('[data-kind="attachment"] .rc-fields').evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
  expect(grid).toBe(1);
  await rita.screenshot({ path: `${shots}/31-rich-cards-phone.png`, fullPage: true });
  expect(problems.filter((p) => /hydrat|panicked|error/i.test(p))).toEqual([]);

  // The manager's side: a GitHub secret set in the webhooks modal makes
  // unsigned deliveries fail (SPEC C9).
  await admin.goto(`/channels/${channel.id}`);
  await hydrated(admin);
  await admin.getByRole('button', { name: 'Channel menu' }).click();
  await admin.getByRole('menuitem', { name: 'Edit Channel' }).click();
  await admin.getByRole('dialog', { name: 'Edit Channel' }).getByRole('button', { name: 'Manage' }).click();
  const modal = admin.getByRole('dialog', { name: 'Webhooks' });
  const row = modal.locator('.webhook-row[data-name="CI"]');
  await row.getByRole('button', { name: /CI/ }).click();
  await row.getByLabel('GitHub secret').fill('e2e-github-secret');
  await row.getByRole('button', { name: 'Set secret' }).click();
  await expect(row.getByText('A secret is set: GitHub deliveries must be signed.')).toBeVisible();
  await expect(row.getByLabel('GitHub secret')).toHaveValue('');
  await admin.screenshot({ path: `${shots}/33-github-secret-desktop.png`, fullPage: true });
  await asPhone(admin);
  await admin.screenshot({ path: `${shots}/34-github-secret-phone.png`, fullPage: true });
  const star = JSON.stringify({ action: 'created', repository: { full_name: 'parley/parley', html_url: 'https://github.com/parley/parley' }, sender: { login: 'octocat' } });
  const unsigned = await request.post(`${hook.url}/github`, { headers: { 'X-GitHub-Event': 'star', 'Content-Type': 'application/json' }, data: star });
  expect(unsigned.status()).toBe(401);
  const signature = 'sha256=' + crypto.createHmac('sha256', 'e2e-github-secret').update(star).digest('hex');
  const signed = await request.post(`${hook.url}/github`, {
    headers: { 'X-GitHub-Event': 'star', 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature },
    data: star,
  });
  expect(signed.status()).toBe(200);
  await expect(rita.locator('[data-kind="github"]').filter({ hasText: 'octocat starred parley/parley' })).toBeVisible();

  images.close();
  await admin.context().close();
  await rita.context().close();
});

test('a 500-message channel reads back to its first message as the reader scrolls up', async ({ browser }) => {
  const { admin, channel } = await adminWithChannel(browser, 'history');
  for (let i = 1; i <= 500; i++) {
    const res = await admin.request.post(`/api/v1/channels/${channel.id}/messages/post`, {
      data: { content: `History message ${i}` },
      headers: fromParley(admin),
    });
    expect(res.status()).toBe(200);
  }
  const problems = watchConsole(admin);
  await admin.goto(`/channels/${channel.id}`);
  await hydrated(admin);
  const messages = admin.getByTestId('message');
  await expect(messages.last()).toContainText('History message 500');
  await expect(messages).toHaveCount(50);
  const list = admin.getByTestId('messages');
  const start = admin.getByTestId('channel-start');
  for (let round = 0; round < 20 && !(await start.isVisible()); round++) {
    const before = await messages.count();
    await list.evaluate((el) => { el.scrollTop = 0; });
    await expect(async () => {
      expect((await messages.count()) > before || (await start.isVisible())).toBe(true);
    }).toPass();
  }
  await expect(start).toBeVisible();
  await expect(messages).toHaveCount(500);
  await expect(messages.first()).toContainText('History message 1');
  await expect(messages.nth(1)).toContainText('History message 2');
  await expect(messages.last()).toContainText('History message 500');
  await admin.screenshot({ path: `${shots}/32-history-start.png`, fullPage: false });
  expect(problems.filter((p) => /hydrat|panicked/i.test(p))).toEqual([]);
  await admin.context().close();
});
