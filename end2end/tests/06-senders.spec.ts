import { IncomingWebhook } from '@slack/webhook';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Webhook, MessageBuilder } = require('discord-webhook-node');
import { execFileSync } from 'child_process';
import * as path from 'path';
import { ADMIN, asPhone, expect, hydrated, PARLEY_ORIGIN, shots, signedIn, test } from './helpers';

// SPEC C6/C7: Slack's own SDK and a Discord client, unchanged, pointed at a
// Parley channel webhook. Every call succeeds and the message shows live.
test('real Slack and Discord clients post into a channel; a message is edited and deleted through the URL', async ({ browser, request }) => {
  await request.post('/api/v1/auths/signup', { data: ADMIN });
  const signin = await request.post('/api/v1/auths/signin', { data: { email: ADMIN.email, password: ADMIN.password } });
  const bearer = { Authorization: `Bearer ${(await signin.json()).token}` };
  const channel = await (await request.post('/api/v1/channels/create', { data: { name: 'alerts' }, headers: bearer })).json();
  const hook = await (await request.post(`/api/v1/channels/${channel.id}/webhooks/create`, { data: { name: 'Monitor' }, headers: bearer })).json();

  const admin = await signedIn(browser, ADMIN.email, ADMIN.password);
  await admin.goto(`/channels/${channel.id}`);
  await hydrated(admin);
  await expect(admin.getByTestId('live')).toHaveClass(/is-live/);

  // Slack's SDK, on the /slack route that answers Slack's plain "ok".
  const slack = new IncomingWebhook(`${hook.url}/slack`);
  const sent = await slack.send({
    text: 'Deploy *finished* :tada:',
    username: 'Jenkins',
    attachments: [
      {
        color: '#36a64f',
        title: 'Build 42',
        title_link: 'https://ci.example/42',
        text: 'All checks green',
        fields: [{ title: 'Branch', value: 'main', short: true }],
      },
    ],
  });
  expect(sent.text).toBe('ok');
  const slackMessage = admin.getByTestId('message').filter({ hasText: 'Deploy' });
  await expect(slackMessage).toBeVisible();
  await expect(slackMessage.locator('.message-author')).toHaveText('Jenkins');
  await expect(slackMessage.locator('strong').first()).toHaveText('finished');
  await expect(slackMessage).toContainText('🎉');
  await expect(slackMessage.getByRole('link', { name: 'Build 42' })).toHaveAttribute('href', 'https://ci.example/42');
  await expect(slackMessage).toContainText('Branch');

  // A Slack-speaking tool that only checks the status, on the plain URL.
  const blocks = await slack.send({
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Disk almost full' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*db-1* is at 93 %' } },
    ],
  });
  expect(blocks.text).toBe('ok');
  await expect(admin.getByTestId('message').filter({ hasText: 'Disk almost full' })).toBeVisible();

  // A Discord client sending an embed, on the /discord route that answers
  // 204 as Discord does (this client accepts nothing else).
  const discord = new Webhook(`${hook.url}/discord`);
  discord.setUsername('Grafana');
  await discord.send(
    new MessageBuilder()
      .setTitle('CPU high')
      .setURL('https://grafana.example/d/1')
      .setDescription('db-1 above 90 % for 5 minutes')
      .addField('Host', 'db-1', true)
      .setColor('#ff0000'),
  );
  const discordMessage = admin.getByTestId('message').filter({ hasText: 'CPU high' });
  await expect(discordMessage).toBeVisible();
  await expect(discordMessage.locator('.message-author')).toHaveText('Grafana');
  await expect(discordMessage).toContainText('db-1 above 90 %');
  await admin.screenshot({ path: `${shots}/23-slack-and-discord-senders.png`, fullPage: true });
  // SPEC C8: a CI tool turns "building…" into "passed", then removes it.
  const building = await request.post(hook.url, { data: { content: 'Build 43: building…' } });
  const buildId = (await building.json()).message_id as string;
  const buildMessage = admin.getByTestId('message').filter({ hasText: 'Build 43' });
  await expect(buildMessage).toContainText('building…');
  const patched = await request.patch(`${hook.url}/messages/${buildId}`, { data: { content: 'Build 43: **passed**' } });
  expect(patched.status()).toBe(200);
  await expect(buildMessage.locator('strong')).toHaveText('passed');
  await expect(buildMessage.getByTestId('edited')).toBeVisible();
  await admin.screenshot({ path: `${shots}/25-edited-message.png`, fullPage: true });
  const removed = await request.delete(`${hook.url}/messages/${buildId}`);
  expect(removed.status()).toBe(204);
  await expect(admin.getByTestId('message').filter({ hasText: 'Build 43' })).toHaveCount(0);

  await asPhone(admin);
  await admin.screenshot({ path: `${shots}/24-senders-phone.png`, fullPage: true });
  await admin.context().close();
});

// Issue 20 / SPEC C14, W8: what real tools send — Python's discord-webhook
// (every embed carries "url": null, "footer": null …), Go-style null lists,
// Slack's icon_emoji — and a 60-line log kept as 60 lines; then the message
// menu, by mouse and keyboard: copy a link, edit one's own, delete with
// Parley's own confirm.
test('senders with nulls and emoji, a 60-line log, and the message menu', async ({ browser, request }) => {
  await request.post('/api/v1/auths/signup', { data: ADMIN });
  const signin = await request.post('/api/v1/auths/signin', { data: { email: ADMIN.email, password: ADMIN.password } });
  const bearer = { Authorization: `Bearer ${(await signin.json()).token}` };
  const channel = await (await request.post('/api/v1/channels/create', { data: { name: 'oncall' }, headers: bearer })).json();
  const hook = await (await request.post(`/api/v1/channels/${channel.id}/webhooks/create`, { data: { name: 'Tools' }, headers: bearer })).json();

  const admin = await signedIn(browser, ADMIN.email, ADMIN.password);
  await admin.goto(`/channels/${channel.id}`);
  await hydrated(admin);
  await expect(admin.getByTestId('live')).toHaveClass(/is-live/);

  // PyPI's discord-webhook, unchanged: embeds only, nulls in every embed,
  // `?wait=True` (it reads the message back as JSON).
  const script = [
    'import sys',
    'from discord_webhook import DiscordWebhook, DiscordEmbed',
    'w = DiscordWebhook(url=sys.argv[1], username="Uptime Kuma")',
    'e = DiscordEmbed(title="Site down", description="shop.example is not answering", color="ff0000")',
    'e.add_embed_field(name="Status", value="503")',
    'w.add_embed(e)',
    'r = w.execute()',
    'print(r.status_code, r.json()["id"])',
  ].join('\n');
  const out = execFileSync('python3', ['-c', script, `${hook.url}/discord`], {
    env: { ...process.env, PYTHONPATH: path.resolve(__dirname, '../../.tools/py') },
  }).toString();
  expect(out).toMatch(/^200 \S+/);
  const uptime = admin.getByTestId('message').filter({ hasText: 'Site down' });
  await expect(uptime).toBeVisible();
  await expect(uptime.locator('.message-author')).toHaveText('Uptime Kuma');
  await expect(uptime).toContainText('503');

  // Go's encoding/json writes nil slices as null.
  const go = await request.post(hook.url, { data: { text: 'Go sender: disk ok', attachments: null, blocks: null, icon_url: null } });
  expect(go.status()).toBe(200);
  await expect(admin.getByTestId('message').filter({ hasText: 'Go sender: disk ok' })).toBeVisible();

  // Slack's SDK with icon_emoji: the emoji is the avatar, never the name.
  const slack = new IncomingWebhook(`${hook.url}/slack`);
  await slack.send({ text: 'Pager: all quiet', username: 'PagerBot', icon_emoji: ':robot_face:' });
  const pager = admin.getByTestId('message').filter({ hasText: 'Pager: all quiet' });
  await expect(pager.locator('.message-author')).toHaveText('PagerBot');
  await expect(pager.locator('.avatar-emoji')).toHaveText('🤖');

  // A 60-line log stays 60 lines.
  const log = Array.from({ length: 60 }, (_, i) => `line ${i + 1}: ok`).join('\n');
  await slack.send({ text: log, username: 'Logger' });
  const logMessage = admin.getByTestId('message').filter({ hasText: 'line 60: ok' });
  await expect(logMessage).toBeVisible();
  const lines = (await logMessage.locator('.message-body').innerText()).split('\n').filter((l) => l.trim() !== '');
  expect(lines).toHaveLength(60);
  expect(lines[59]).toBe('line 60: ok');
  await admin.screenshot({ path: `${shots}/26-nulls-emoji-60-lines.png`, fullPage: true });

  // The admin's own message: the menu by keyboard — Enter opens it on its
  // first item, ArrowDown moves, Escape closes and gives the focus back.
  const composer = admin.locator('.composer textarea');
  await composer.fill('Rolling back 1.4');
  await composer.press('Enter');
  await expect(admin.getByTestId('message').filter({ hasText: 'Rolling back 1.4' })).toBeVisible();
  // By id: while it is edited its text is in a text box, not the body.
  const messageId = await admin.getByTestId('message').filter({ hasText: 'Rolling back 1.4' }).getAttribute('data-id');
  const mine = admin.locator(`[data-testid=message][data-id="${messageId}"]`);
  const toggle = mine.getByTestId('message-actions');
  await toggle.focus();
  await toggle.press('Enter');
  const menu = mine.getByRole('menu');
  await expect(menu.getByRole('menuitem')).toHaveText(['Copy link', 'Edit', 'Delete message']);
  await expect(menu.getByRole('menuitem', { name: 'Copy link' })).toBeFocused();
  await admin.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Edit' })).toBeFocused();
  await admin.screenshot({ path: `${shots}/27-message-menu.png`, fullPage: true });
  await admin.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(toggle).toBeFocused();
  // Edit: Enter saves; the edit mark appears for everyone.
  await toggle.press('Enter');
  await menu.getByRole('menuitem', { name: 'Edit' }).click();
  const editor = mine.getByTestId('edit-message');
  await expect(editor).toHaveValue('Rolling back 1.4');
  await editor.fill('Rolling back 1.4 (done)');
  await editor.press('Enter');
  await expect(mine.locator('.message-body')).toHaveText('Rolling back 1.4 (done)');
  await expect(mine.getByTestId('edited')).toBeVisible();

  // A webhook's message offers no Edit to the admin, but Delete — behind
  // Parley's own confirm; the browser's dialog never opens.
  let browserDialog = false;
  admin.on('dialog', () => { browserDialog = true; });
  await pager.hover();
  await pager.getByTestId('message-actions').click();
  await expect(pager.getByRole('menuitem')).toHaveText(['Copy link', 'Delete message']);
  await pager.getByRole('menuitem', { name: 'Delete message' }).click();
  await expect(pager.getByRole('alertdialog')).toContainText('Delete this message for everyone?');
  await admin.screenshot({ path: `${shots}/28-delete-confirm.png`, fullPage: true });
  await pager.getByTestId('confirm-delete-message').click();
  await expect(admin.getByTestId('message').filter({ hasText: 'Pager: all quiet' })).toHaveCount(0);
  expect(browserDialog).toBe(false);
  // Gone for good, not only from this view.
  const listed = await (await request.get(`/api/v1/channels/${channel.id}/messages`, { headers: bearer })).json();
  expect(JSON.stringify(listed)).not.toContain('Pager: all quiet');
  expect(JSON.stringify(listed)).toContain('Rolling back 1.4 (done)');

  // Copy link: the link opens the channel at that message.
  await admin.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: PARLEY_ORIGIN });
  await mine.hover();
  await mine.getByTestId('message-actions').click();
  await mine.getByRole('menuitem', { name: 'Copy link' }).click();
  const link = await admin.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(`${PARLEY_ORIGIN}/channels/${channel.id}#message-${messageId}`);

  await asPhone(admin);
  await mine.getByTestId('message-actions').click();
  await admin.screenshot({ path: `${shots}/29-message-menu-phone.png`, fullPage: true });
  await admin.context().close();
});
