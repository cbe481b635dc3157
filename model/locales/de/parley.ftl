# Parley — German UI texts (Fluent: https://projectfluent.org/).
app-tagline = Der Chat-Arbeitsbereich deines Teams
sign-in = Anmelden
sign-up = Registrieren
sign-out = Abmelden
sign-in-title = Bei Parley anmelden
sign-up-title = Parley-Konto erstellen
first-account-hint = Das erste Konto wird Administrator.
name = Name
email = E-Mail
password = Passwort
password-hint = Mindestens 8 Zeichen.
create-account = Konto erstellen
no-account = Noch kein Konto?
have-account = Schon ein Konto?
working = Bitte warten…
loading = Wird geladen…
signup-closed = Neue Registrierungen sind deaktiviert. Bitte einen Administrator um ein Konto.
pending-title = Kontoaktivierung ausstehend
pending-body = Dein Konto wartet auf die Freigabe durch einen Administrator. Diese Seite ändert sich von selbst, sobald du freigeschaltet bist.
chats = Chats
channels = Kanäle
new-chat = Neuer Chat
no-chats = Noch keine Chats.
model = Modell
built-in = integriert, offline
prompt-placeholder = Nachricht senden…
new-chat-heading = Worüber wollen wir sprechen?
new-chat-hint = Wähle ein Modell und sende deine erste Nachricht; sie wird zum Titel des Chats. Antworten werden weitergeschrieben, auch wenn du den Tab schließt.
writing = Schreibt…
reply-failed = Das Modell konnte diese Antwort nicht beenden:
endpoint-unavailable = Der OpenAI-kompatible Endpunkt ließ sich nicht abfragen; nur eingebaute Modelle stehen bereit.
delete-chat = Chat löschen
confirm-delete-chat = Diesen Chat mit allen Nachrichten löschen? Das lässt sich nicht rückgängig machen.
send-hint = Enter sendet, Umschalt+Enter fügt eine Zeile ein.
you-label = Du
no-channels = Noch keine Kanäle.
welcome = Willkommen, { $name }
welcome-body = Starte einen Chat oder öffne einen Kanal in der Seitenleiste.
settings = Einstellungen
admin-panel = Admin-Bereich
users = Benutzer
general = Allgemein
account = Konto
language = Sprache
language-hint = Gilt für die Oberfläche und deine Benachrichtigungen.
save = Speichern
saving = Wird gespeichert…
saved = Gespeichert
role = Rolle
created = Erstellt
actions = Aktionen
delete = Löschen
cancel = Abbrechen
confirm-delete-user = Diesen Benutzer und alle seine Daten löschen? Das lässt sich nicht rückgängig machen.
you = du
no-users = Keine Benutzer.
authentication = Authentifizierung
enable-signup = Neue Registrierungen erlauben
default-role = Standardrolle für neue Benutzer
features = Funktionen
user-webhooks = Benutzer-Webhooks
user-webhooks-hint = Benutzer können per Webhook benachrichtigt werden, wenn eine Chat-Antwort fertig ist, während sie abwesend sind.
role-pending = ausstehend
role-user = Benutzer
role-admin = Administrator
profile = Profil
live = Live
offline = Verbindung wird hergestellt…
not-found-title = Seite nicht gefunden
back-home = Zurück zu Parley
menu = Menü
new-user-signed-up = Neuer Benutzer registriert: { $name }
webhook-test-message = Parley-Testbenachrichtigung: Dein Webhook funktioniert.
webhook = Webhook
webhook-url = Webhook-URL
webhook-url-hint = Parley sendet hierhin, wenn sich jemand registriert. Slack-, Discord-, Google-Chat- und Teams-URLs erhalten ihr eigenes Format. Leer lassen zum Abschalten.
from-env = Aus WEBHOOK_URL, bis hier eine gespeichert wird.
signing-secret = Signaturschlüssel
signing-secret-hint = Mit einem Schlüssel trägt jede Anfrage Standard-Webhooks-Signaturen (webhook-id, webhook-timestamp, webhook-signature).
secret-set = Ein Schlüssel ist gesetzt.
no-secret = Kein Schlüssel: Anfragen werden nicht signiert.
generate-secret = Schlüssel erzeugen
regenerate-secret = Schlüssel neu erzeugen
remove-secret = Schlüssel entfernen
secret-once = Jetzt kopieren: Er wird nur einmal angezeigt.
custom-headers = Eigene Header
custom-headers-hint = Werden mit jeder Anfrage gesendet, z. B. Authorization. Verschlüsselt gespeichert; Werte werden nie wieder angezeigt — leer lassen, um sie zu behalten.
header-name = Header
header-value = Wert
add-header = Header hinzufügen
remove = Entfernen
keep-value = (unverändert)
delivery-log = Zustellungen
no-deliveries = Noch nichts gesendet. Registrierungen und Tests erscheinen hier.
send-test = Test senden
redeliver = Erneut senden
event = Ereignis
status = Status
attempts = Versuche
http-status = HTTP
latency = Latenz
next-attempt = Nächster Versuch
response = Antwort
status-pending = wartend
status-delivering = wird gesendet
status-delivered = zugestellt
status-retrying = neuer Versuch
status-failed = fehlgeschlagen
copy = Kopieren
copied = Kopiert
new-channel = Neuer Kanal
channel-name = Kanalname
description = Beschreibung
create-channel = Kanal erstellen
channel-menu = Kanalmenü
edit-channel = Kanal bearbeiten
members = Mitglieder
add-member = Mitglied hinzufügen
member-role = Mitglied
manager-role = Verwalter
webhooks = Webhooks
webhooks-hint = Externe Tools können in diesen Kanal posten.
manage = Verwalten
new-webhook = Neuer Webhook
no-webhooks = Noch keine Webhooks.
last-used = Zuletzt benutzt
never = nie
profile-image = Profilbild
image-hint = PNG, JPEG, GIF oder WebP, bis 1 MiB.
copy-url = URL kopieren
regenerate-url = URL neu erzeugen
confirm-regenerate = Neue URL erzeugen? Die bisherige funktioniert sofort nicht mehr.
confirm-delete-webhook = Diesen Webhook löschen? Seine URL funktioniert dann nicht mehr; seine Nachrichten bleiben.
close = Schließen
webhook-badge = Webhook
edited = (bearbeitet)
message-actions = Aktionen zur Nachricht
edit-message = Bearbeiten
delete-message = Nachricht löschen
confirm-delete-message = Diese Nachricht für alle löschen?
copy-message-link = Link kopieren
deleted-webhook = Gelöschter Webhook
load-older = Ältere Nachrichten laden
loading-older = Ältere Nachrichten werden geladen…
channel-start = Hier beginnt der Kanal.
github-secret = GitHub-Secret
github-secret-hint = Für GitHubs Zustellungen an diese URL + /github: das Secret aus GitHubs Webhook-Einstellungen. Zustellungen ohne passende X-Hub-Signature-256 werden abgewiesen.
github-secret-set = Ein Secret ist gesetzt: GitHub-Zustellungen müssen signiert sein.
save-secret = Secret setzen
clear-secret = Secret entfernen
no-messages = Noch keine Nachrichten. Sag Hallo!
message-placeholder = Nachricht schreiben… (Enter sendet, Umschalt+Enter für neue Zeile)
send = Senden
api-keys = API-Schlüssel
api-keys-hint = Für Skripte: Schlüssel als Authorization: Bearer sk-… an die REST-API senden.
key-name = Name des Schlüssels
create-key = Schlüssel erstellen
no-api-keys = Noch keine API-Schlüssel.
notification-webhook = Benachrichtigungs-Webhook
notification-webhook-hint = Parley sendet hierhin, wenn eine Chat-Antwort fertig ist. Slack-, Discord-, Google-Chat- und Teams-URLs erhalten ihr eigenes Format.
notify-when = Benachrichtigen
notify-away = nur wenn ich abwesend bin
notify-always = immer
no-user-deliveries = Noch nichts gesendet. Benachrichtigungen zu Chat-Antworten und Tests erscheinen hier.
err-unauthorized = Bitte melde dich an.
err-forbidden = Dafür fehlt dir die Berechtigung.
err-not-found = Nicht gefunden.
err-invalid-credentials = E-Mail oder Passwort ist falsch.
err-reply-in-progress = In diesem Chat wird noch eine Antwort geschrieben. Bitte warte, bis sie fertig ist.
err-email-taken = Mit dieser E-Mail gibt es bereits ein Konto.
err-signup-disabled = Neue Registrierungen sind auf diesem Server deaktiviert.
err-rate-limited = Zu viele Versuche. Versuche es in { $n ->
        [one] { $n } Sekunde
       *[other] { $n } Sekunden
    } erneut.
err-internal = Auf dem Server ist ein Fehler aufgetreten.

## Landmarks and uploads

admin-sections = Admin-Bereiche
settings-sections = Einstellungsbereiche
sidebar = Seitenleiste
upload-failed-status = Hochladen fehlgeschlagen ({ $status }).
upload-unreachable = Hochladen fehlgeschlagen: Der Server ist nicht erreichbar.
role-of = Rolle von { $name }

## Formats

date-time = { $day }.{ $month }.{ $year }, { $hour }:{ $minute }
deliveries-shown = { $n ->
        [one] { $n } Zustellung
       *[other] { $n } Zustellungen
    }

## What the server says about bad input

err-email-invalid = Gib eine gültige E-Mail-Adresse ein, z. B. tim@example.com.
err-name-missing = Gib deinen Namen ein.
err-name-too-long = Der Name darf höchstens { $max } Zeichen lang sein.
err-password-too-short = Das Passwort muss mindestens { $min } Zeichen haben.
err-password-too-long = Das Passwort darf höchstens { $max } Zeichen lang sein.
err-own-role = Du kannst deine eigene Rolle nicht ändern.
err-delete-self = Dein eigenes Konto kannst du hier nicht löschen.
err-key-name = Gib dem Schlüssel einen Namen mit 1 bis { $max } Zeichen.
err-too-many-keys = Höchstens { $max } API-Schlüssel; lösche zuerst einen.
err-webhook-name-missing = Gib dem Webhook einen Namen.
err-webhook-name-too-long = Ein Webhook-Name darf höchstens { $max } Zeichen lang sein.
err-profile-image = Das Profilbild muss ein hochgeladenes Bild oder eine http(s)-URL sein.
err-github-secret-too-long = Ein GitHub-Secret darf höchstens { $max } Zeichen lang sein.
err-image-type = Lade ein PNG-, JPEG-, GIF- oder WebP-Bild hoch.
err-image-too-large = Das Bild ist größer als 1 MiB.
err-account-pending = Dieses Konto wartet noch auf die Freigabe.
err-message-too-long = Eine Nachricht darf höchstens { $max } Zeichen lang sein.
err-channel-name-missing = Gib einen Kanalnamen ein.
err-channel-name-too-long = Ein Kanalname darf höchstens { $max } Zeichen lang sein.
err-message-empty = Die Nachricht ist leer.
err-no-account-with-email = Kein Konto verwendet { $email }.
err-prompt-too-long = Die Nachricht ist zu lang (höchstens { $max } Zeichen).
err-prompt-missing = Schreibe zuerst eine Nachricht.
err-unknown-model = Unbekanntes Modell „{ $model }“.
err-default-role = Die Standardrolle neuer Benutzer kann „ausstehend“ oder „Benutzer“ sein, nicht „Administrator“.
err-control-chars = Ein Name darf keine Steuerzeichen enthalten.
err-url-too-long = Die URL ist zu lang (höchstens { $max } Zeichen).
err-url-invalid = Das ist keine gültige URL ({ $reason ->
        [no-scheme] vorne fehlt http:// oder https://
        [empty-host] der Hostname ist leer
        [invalid-port] der Port ist keine Zahl von 1 bis 65535
        [invalid-ip] die IP-Adresse ist fehlerhaft
        [invalid-host] der Hostname enthält unzulässige Zeichen
       *[other] sie lässt sich nicht lesen
    }).
err-url-scheme = Die URL muss mit http:// oder https:// beginnen (nicht mit { $scheme }:).
err-url-no-host = Die URL hat keinen Hostnamen.
err-url-refused = Parley sendet dorthin keine Webhooks: { $kind ->
        [loopback] { $ip } ist eine Loopback-Adresse
        [private] { $ip } ist eine Adresse aus einem privaten Netz
        [link-local] { $ip } ist eine Link-Local-Adresse
        [shared-cgnat] { $ip } ist eine Carrier-Grade-NAT-Adresse
        [metadata] { $ip } ist eine Cloud-Metadaten-Adresse
        [metadata-host] das ist ein Cloud-Metadaten-Hostname
        [unresolved] der Hostname ließ sich nicht auflösen
       *[other] { $ip } ist eine reservierte oder Nicht-Unicast-Adresse
    }.
err-no-admin-url = Speichere zuerst eine Webhook-URL.
err-header-name = „{ $name }“ ist kein gültiger Header-Name.
err-header-reserved = Den Header { $name } setzt Parley selbst.
err-header-twice = Der Header { $name } steht zweimal in der Liste.
err-header-value-chars = Der Wert von { $name } enthält Zeichen, die ein Header nicht tragen kann.
err-too-many-headers = Höchstens { $max } eigene Header.
err-header-value-missing = Gib einen Wert für { $name } ein.
err-user-webhooks-off = Benutzer-Webhooks sind auf diesem Server deaktiviert.
err-no-user-url = Speichere zuerst eine URL für den Benachrichtigungs-Webhook.

## Events (SPEC E1): what each is, and the message chat services get

err-too-many-targets = Höchstens { $max } Webhook-Ziele; lösche zuerst eines.
err-target-name-missing = Gib dem Ziel einen Namen.
err-unknown-event = „{ $event }“ ist kein Ereignis, das Parley sendet (siehe GET /api/events).
err-no-events = Wähle mindestens ein Ereignis.
event-user-created = Ein neues Konto wurde angelegt (Registrierung oder durch einen Administrator).
event-user-role-updated = Die Rolle eines Kontos hat sich geändert.
event-user-deleted = Ein Konto wurde gelöscht.
event-auth-signin-failed = Wiederholt fehlgeschlagene Anmeldungen bei einem Konto.
event-chat-finished = Eine Chat-Antwort ist fertig.
event-chat-failed = Eine Chat-Antwort ist fehlgeschlagen.
event-channel-created = Ein Kanal wurde erstellt.
event-channel-deleted = Ein Kanal wurde gelöscht.
event-channel-member-added = Jemand wurde einem Kanal hinzugefügt.
event-channel-member-removed = Jemand wurde aus einem Kanal entfernt.
event-channel-message = Eine neue Nachricht in einem Kanal.
event-channel-webhook-created = Einem Kanal wurde ein eingehender Webhook hinzugefügt.
event-channel-webhook-updated = Ein eingehender Webhook wurde umbenannt oder hat ein neues Bild.
event-channel-webhook-regenerated = Ein eingehender Webhook hat eine neue URL.
event-channel-webhook-deleted = Ein eingehender Webhook wurde gelöscht.
event-webhook-delivery-failed = Eine Zustellung wurde nach dem letzten Versuch aufgegeben.
event-webhook-target-disabled = Ein Webhook-Ziel wurde nach tagelangen Fehlern abgeschaltet.
event-config-updated = Ein Administrator hat die Einstellungen geändert.
event-api-key-created = Ein API-Schlüssel wurde erstellt.
event-api-key-deleted = Ein API-Schlüssel wurde gelöscht.
event-msg-user-role-updated = { $name } ist jetzt { $role }.
event-msg-user-deleted = Das Konto von { $name } wurde gelöscht.
event-msg-signin-failed = { $n } fehlgeschlagene Anmeldungen in Folge für { $email }.
delete-channel = Kanal löschen
delete-channel-hint = Entfernt den Kanal, seine Nachrichten und seine Webhooks für alle.
confirm-delete-channel = Diesen Kanal und alle seine Nachrichten für alle löschen? Seine Webhook-URLs funktionieren nicht mehr. Das lässt sich nicht rückgängig machen.
event-my-channel-message = Eine neue Nachricht in einem meiner Kanäle.
event-channel-mention = Eine neue Nachricht in einem meiner Kanäle erwähnt mich (@Name, @here, @channel).
event-msg-channel-created = Neuer Kanal: #{ $channel }
event-msg-channel-deleted = Der Kanal #{ $channel } wurde gelöscht.
event-msg-channel-message = { $author } in #{ $channel }: { $text }
err-delete-default-target = Der Standard-Webhook lässt sich nicht löschen; leere seine URL, um ihn abzuschalten.
event-webhooks = Ereignis-Webhooks
event-webhooks-hint = Jeder Webhook erhält nur die Ereignisse, die er abonniert: alle (*), eine Gruppe (channel.*) oder einzelne Ereignisse. Der Standard-Webhook ist die Webhook-URL oben.
add-webhook = Webhook hinzufügen
edit-target = Bearbeiten
events-label = Ereignisse
all-events = Alle Ereignisse
target-enabled = Aktiv
target-off = aus
default-target = Standard
confirm-delete-target = Diesen Webhook löschen? Seine Zustellungen bleiben im Protokoll.
event-msg-chat-failed = Die Antwort in „{ $title }“ ist fehlgeschlagen: { $error }
notification-targets = Benachrichtigungsziele
notification-targets-hint = Sende ausgewählte Ereignisse an mehrere Stellen: einen Chat-Dienst, die Automatisierung deines Telefons, ein Skript. Das Standardziel ist der Benachrichtigungs-Webhook oben.
add-target = Ziel hinzufügen
make-default = Als Standard
keep-url-hint = Gespeicherte URLs werden maskiert angezeigt; leer lassen, um sie zu behalten.
event-msg-delivery-failed = Eine { $event }-Zustellung an { $target } wurde nach dem letzten Versuch aufgegeben.
event-msg-target-disabled = Der Webhook { $target } wurde nach { $failures } fehlgeschlagenen Versuchen über mehrere Tage abgeschaltet.
target-disabled-banner = Am { $date } abgeschaltet, weil er immer wieder fehlschlug. Repariere den Empfänger und aktiviere ihn dann wieder.
