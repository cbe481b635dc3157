# Parley — English UI texts (Fluent: https://projectfluent.org/).
app-tagline = Your team's chat workspace
sign-in = Sign in
sign-up = Sign up
sign-out = Sign out
sign-in-title = Sign in to Parley
sign-up-title = Create your Parley account
first-account-hint = The first account becomes the administrator.
name = Name
email = Email
password = Password
password-hint = At least 8 characters.
create-account = Create account
no-account = Don't have an account?
have-account = Already have an account?
working = Please wait…
loading = Loading…
signup-closed = New sign-ups are turned off. Ask an administrator for an account.
pending-title = Account activation pending
pending-body = Your account is waiting for an administrator's approval. This page changes by itself as soon as you are approved.
chats = Chats
channels = Channels
new-chat = New chat
no-chats = No chats yet.
model = Model
built-in = built-in, offline
prompt-placeholder = Send a message…
new-chat-heading = What shall we talk about?
new-chat-hint = Pick a model and send your first prompt; it becomes the chat's title. Replies keep being written if you close the tab.
writing = Writing…
reply-failed = The model could not finish this reply:
endpoint-unavailable = The OpenAI-compatible endpoint could not be listed; only built-in models are offered.
delete-chat = Delete chat
confirm-delete-chat = Delete this chat and all its messages? This cannot be undone.
send-hint = Enter sends, Shift+Enter adds a line.
you-label = You
no-channels = No channels yet.
welcome = Welcome, { $name }
welcome-body = Start a chat or open a channel from the sidebar.
settings = Settings
admin-panel = Admin Panel
users = Users
general = General
account = Account
language = Language
language-hint = Used for the interface and for your notifications.
save = Save
saving = Saving…
saved = Saved
role = Role
created = Created
actions = Actions
delete = Delete
cancel = Cancel
confirm-delete-user = Delete this user and everything they own? This cannot be undone.
you = you
no-users = No users.
authentication = Authentication
enable-signup = Enable new sign-ups
default-role = Default user role
features = Features
user-webhooks = User Webhooks
user-webhooks-hint = Let users get a webhook notification when a chat reply is ready while they are away.
role-pending = pending
role-user = user
role-admin = admin
profile = Profile
live = Live
offline = Reconnecting…
not-found-title = Page not found
back-home = Back to Parley
menu = Menu
new-user-signed-up = New user signed up: { $name }
webhook-test-message = Parley test notification: your webhook works.
webhook = Webhook
webhook-url = Webhook URL
webhook-url-hint = Parley posts here when a new user signs up. Slack, Discord, Google Chat and Teams URLs get their own message format. Leave empty to turn it off.
from-env = Set by WEBHOOK_URL until you save one here.
signing-secret = Signing secret
signing-secret-hint = With a secret, every request carries Standard Webhooks signature headers (webhook-id, webhook-timestamp, webhook-signature).
secret-set = A secret is set.
no-secret = No secret: requests are not signed.
generate-secret = Generate secret
regenerate-secret = Regenerate secret
remove-secret = Remove secret
secret-once = Copy it now: it is shown only once.
custom-headers = Custom headers
custom-headers-hint = Sent with every request, e.g. Authorization. Stored encrypted; values are never shown again — leave a value empty to keep it.
header-name = Header
header-value = Value
add-header = Add header
remove = Remove
keep-value = (unchanged)
delivery-log = Deliveries
no-deliveries = Nothing sent yet. New sign-ups and tests appear here.
send-test = Send test
redeliver = Redeliver
event = Event
status = Status
attempts = Attempts
http-status = HTTP
latency = Latency
next-attempt = Next attempt
response = Response
status-pending = pending
status-delivering = sending
status-delivered = delivered
status-retrying = retrying
status-failed = failed
copy = Copy
copied = Copied
new-channel = New channel
channel-name = Channel name
description = Description
create-channel = Create channel
channel-menu = Channel menu
edit-channel = Edit Channel
members = Members
add-member = Add member
member-role = member
manager-role = manager
webhooks = Webhooks
webhooks-hint = Let outside tools post into this channel.
manage = Manage
new-webhook = New Webhook
no-webhooks = No webhooks yet.
last-used = Last used
never = never
profile-image = Profile Image
image-hint = PNG, JPEG, GIF or WebP, up to 1 MiB.
copy-url = Copy URL
regenerate-url = Regenerate URL
confirm-regenerate = Make a new URL? The current one stops working at once.
confirm-delete-webhook = Delete this webhook? Its URL stops working; its messages stay.
close = Close
webhook-badge = Webhook
edited = (edited)
message-actions = Message actions
edit-message = Edit
delete-message = Delete message
confirm-delete-message = Delete this message for everyone?
copy-message-link = Copy link
deleted-webhook = Deleted Webhook
load-older = Load older messages
loading-older = Loading older messages…
channel-start = This is the beginning of the channel.
github-secret = GitHub secret
github-secret-hint = For GitHub's deliveries to this URL + /github: the secret set in GitHub's webhook settings. Deliveries without a matching X-Hub-Signature-256 are refused.
github-secret-set = A secret is set: GitHub deliveries must be signed.
save-secret = Set secret
clear-secret = Remove secret
no-messages = No messages yet. Say hello!
message-placeholder = Write a message… (Enter sends, Shift+Enter for a new line)
send = Send
api-keys = API keys
api-keys-hint = For scripts: send a key as Authorization: Bearer sk-… to the REST API.
key-name = Key name
create-key = Create key
no-api-keys = No API keys yet.
notification-webhook = Notification Webhook
notification-webhook-hint = Parley posts here when a chat reply is ready. Slack, Discord, Google Chat and Teams URLs get their own format.
notify-when = Notify me
notify-away = only when I'm away
notify-always = always
no-user-deliveries = Nothing sent yet. Chat reply notifications and tests appear here.
err-unauthorized = Please sign in.
err-forbidden = You do not have permission to do this.
err-not-found = Not found.
err-invalid-credentials = Incorrect email or password.
err-reply-in-progress = A reply is still being written in this chat. Wait for it to finish.
err-email-taken = An account with this email already exists.
err-signup-disabled = New sign-ups are turned off on this server.
err-rate-limited = Too many attempts. Try again in { $n ->
        [one] { $n } second
       *[other] { $n } seconds
    }.
err-internal = Something went wrong on the server.

## Landmarks and uploads

admin-sections = Admin sections
settings-sections = Settings sections
sidebar = Sidebar
upload-failed-status = Upload failed ({ $status }).
upload-unreachable = Upload failed: the server could not be reached.
role-of = Role of { $name }

## Formats

date-time = { $year }-{ $month }-{ $day } { $hour }:{ $minute }
deliveries-shown = { $n ->
        [one] { $n } delivery
       *[other] { $n } deliveries
    }

## What the server says about bad input

err-email-invalid = Enter a valid email address, like tim@example.com.
err-name-missing = Enter your name.
err-name-too-long = The name can be at most { $max } characters.
err-password-too-short = The password must have at least { $min } characters.
err-password-too-long = The password can be at most { $max } characters.
err-own-role = You cannot change your own role.
err-delete-self = You cannot delete your own account here.
err-key-name = Give the key a name of 1 to { $max } characters.
err-too-many-keys = At most { $max } API keys; delete one first.
err-webhook-name-missing = Give the webhook a name.
err-webhook-name-too-long = A webhook name can be at most { $max } characters.
err-profile-image = The profile image must be an uploaded image or an http(s) URL.
err-github-secret-too-long = A GitHub secret can be at most { $max } characters.
err-image-type = Upload a PNG, JPEG, GIF or WebP image.
err-image-too-large = The image is larger than 1 MiB.
err-account-pending = This account is still waiting for approval.
err-message-too-long = A message can be at most { $max } characters.
err-channel-name-missing = Enter a channel name.
err-channel-name-too-long = A channel name can be at most { $max } characters.
err-message-empty = The message is empty.
err-no-account-with-email = No account uses { $email }.
err-prompt-too-long = The prompt is too long (at most { $max } characters).
err-prompt-missing = Write a prompt first.
err-unknown-model = Unknown model "{ $model }".
err-default-role = The default role for new users can be pending or user, not admin.
err-control-chars = A name cannot contain control characters.
err-url-too-long = The URL is too long (at most { $max } characters).
err-url-invalid = This is not a valid URL ({ $reason ->
        [no-scheme] it needs http:// or https:// in front
        [empty-host] the host name is empty
        [invalid-port] the port is not a number from 1 to 65535
        [invalid-ip] the IP address is malformed
        [invalid-host] the host name has characters a host name cannot have
       *[other] it cannot be read
    }).
err-url-scheme = The URL must start with http:// or https:// (not { $scheme }:).
err-url-no-host = The URL has no host name.
err-url-refused = Parley will not send webhooks there: { $kind ->
        [loopback] { $ip } is a loopback address
        [private] { $ip } is a private network address
        [link-local] { $ip } is a link-local address
        [shared-cgnat] { $ip } is a carrier-grade NAT address
        [metadata] { $ip } is a cloud metadata address
        [metadata-host] this is a cloud metadata host name
        [unresolved] the host name did not resolve
       *[other] { $ip } is a reserved or non-unicast address
    }.
err-no-admin-url = Save a webhook URL first.
err-header-name = '{ $name }' is not a valid header name.
err-header-reserved = Parley sets the { $name } header itself.
err-header-twice = The header { $name } is listed twice.
err-header-value-chars = The value of { $name } has characters a header cannot carry.
err-too-many-headers = At most { $max } custom headers.
err-header-value-missing = Enter a value for { $name }.
err-user-webhooks-off = User webhooks are turned off on this server.
err-no-user-url = Save a notification webhook URL first.

## Events (SPEC E1): what each is, and the message chat services get

err-too-many-targets = At most { $max } webhook targets; delete one first.
err-target-name-missing = Give the target a name.
err-unknown-event = "{ $event }" is not an event Parley sends (see GET /api/events).
err-no-events = Pick at least one event.
event-user-created = A new account was created (sign-up or added by an admin).
event-user-role-updated = An account's role changed.
event-user-deleted = An account was deleted.
event-auth-signin-failed = Repeated failed sign-ins for one account.
event-chat-finished = A chat reply is ready.
event-chat-failed = A chat reply failed.
event-channel-created = A channel was created.
event-channel-deleted = A channel was deleted.
event-channel-member-added = Someone was added to a channel.
event-channel-member-removed = Someone was removed from a channel.
event-channel-message = A new message in a channel.
event-channel-webhook-created = An incoming webhook was added to a channel.
event-channel-webhook-updated = An incoming webhook was renamed or got a new image.
event-channel-webhook-regenerated = An incoming webhook got a new URL.
event-channel-webhook-deleted = An incoming webhook was deleted.
event-webhook-delivery-failed = A delivery gave up after its last attempt.
event-webhook-target-disabled = A webhook target was switched off after failing for days.
event-config-updated = An administrator changed the settings.
event-api-key-created = An API key was created.
event-api-key-deleted = An API key was deleted.
event-msg-user-role-updated = { $name } is now { $role }.
event-msg-user-deleted = The account of { $name } was deleted.
event-msg-signin-failed = { $n } failed sign-ins in a row for { $email }.
delete-channel = Delete channel
delete-channel-hint = Removes the channel, its messages and its webhooks for everyone.
confirm-delete-channel = Delete this channel and all its messages for everyone? Its webhook URLs stop working. This cannot be undone.
event-my-channel-message = A new message in one of my channels.
event-channel-mention = A new message in one of my channels mentions me (@name, @here, @channel).
event-msg-channel-created = New channel: #{ $channel }
event-msg-channel-deleted = Channel #{ $channel } was deleted.
event-msg-channel-message = { $author } in #{ $channel }: { $text }
err-delete-default-target = The default webhook cannot be deleted; empty its URL to turn it off.
event-webhooks = Event webhooks
event-webhooks-hint = Each webhook gets only the events it subscribes to: all (*), a group (channel.*) or single events. The default one is the Webhook URL above.
add-webhook = Add webhook
edit-target = Edit
events-label = Events
all-events = All events
target-enabled = Enabled
target-off = off
default-target = default
confirm-delete-target = Delete this webhook? Its deliveries stay in the log.
event-msg-chat-failed = The reply in "{ $title }" failed: { $error }
notification-targets = Notification targets
notification-targets-hint = Send chosen events to several places: a chat service, your phone's automation, a script. The default one is the Notification Webhook above.
add-target = Add target
make-default = Make default
keep-url-hint = Saved URLs are shown masked; leave the field empty to keep it.
event-msg-delivery-failed = A { $event } delivery to { $target } gave up after its last attempt.
event-msg-target-disabled = The webhook { $target } was switched off after { $failures } failed attempts over several days.
target-disabled-banner = Switched off on { $date } because it kept failing. Fix the receiver, then edit and enable it again.
