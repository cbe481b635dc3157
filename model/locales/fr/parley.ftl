# Parley — French UI texts (Fluent: https://projectfluent.org/).
app-tagline = L'espace de discussion de votre équipe
sign-in = Se connecter
sign-up = S'inscrire
sign-out = Se déconnecter
sign-in-title = Se connecter à Parley
sign-up-title = Créer votre compte Parley
first-account-hint = Le premier compte devient administrateur.
name = Nom
email = E-mail
password = Mot de passe
password-hint = Au moins 8 caractères.
create-account = Créer le compte
no-account = Pas encore de compte ?
have-account = Vous avez déjà un compte ?
working = Veuillez patienter…
loading = Chargement…
signup-closed = Les inscriptions sont fermées. Demandez un compte à un administrateur.
pending-title = Activation du compte en attente
pending-body = Votre compte attend l'approbation d'un administrateur. Cette page se met à jour d'elle-même dès que vous êtes approuvé.
chats = Discussions
channels = Canaux
new-chat = Nouvelle discussion
no-chats = Aucune discussion pour l'instant.
model = Modèle
built-in = intégré, hors ligne
prompt-placeholder = Envoyer un message…
new-chat-heading = De quoi parlons-nous ?
new-chat-hint = Choisissez un modèle et envoyez votre premier message ; il devient le titre de la discussion. Les réponses continuent de s'écrire si vous fermez l'onglet.
writing = Rédaction…
reply-failed = Le modèle n'a pas pu terminer cette réponse :
endpoint-unavailable = Le point d'accès compatible OpenAI est injoignable ; seuls les modèles intégrés sont proposés.
delete-chat = Supprimer la discussion
confirm-delete-chat = Supprimer cette discussion et tous ses messages ? Action irréversible.
send-hint = Entrée envoie, Maj+Entrée ajoute une ligne.
you-label = Vous
no-channels = Aucun canal pour l'instant.
welcome = Bienvenue, { $name }
welcome-body = Commencez une discussion ou ouvrez un canal depuis la barre latérale.
settings = Paramètres
admin-panel = Panneau d'administration
users = Utilisateurs
general = Général
account = Compte
language = Langue
language-hint = Utilisée pour l'interface et vos notifications.
save = Enregistrer
saving = Enregistrement…
saved = Enregistré
role = Rôle
created = Créé
actions = Actions
delete = Supprimer
cancel = Annuler
confirm-delete-user = Supprimer cet utilisateur et tout ce qu'il possède ? Action irréversible.
you = vous
no-users = Aucun utilisateur.
authentication = Authentification
enable-signup = Autoriser les inscriptions
default-role = Rôle par défaut des utilisateurs
features = Fonctionnalités
user-webhooks = Webhooks utilisateur
user-webhooks-hint = Permet aux utilisateurs d'être notifiés par webhook quand une réponse est prête pendant leur absence.
role-pending = en attente
role-user = utilisateur
role-admin = administrateur
profile = Profil
live = En direct
offline = Reconnexion…
not-found-title = Page introuvable
back-home = Retour à Parley
menu = Menu
new-user-signed-up = Nouvel utilisateur inscrit : { $name }
webhook-test-message = Notification de test Parley : votre webhook fonctionne.
webhook = Webhook
webhook-url = URL du webhook
webhook-url-hint = Parley envoie ici chaque nouvelle inscription. Les URL Slack, Discord, Google Chat et Teams reçoivent leur propre format. Laisser vide pour désactiver.
from-env = Défini par WEBHOOK_URL jusqu'à ce que vous en enregistriez une ici.
signing-secret = Secret de signature
signing-secret-hint = Avec un secret, chaque requête porte les en-têtes de signature Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).
secret-set = Un secret est défini.
no-secret = Pas de secret : les requêtes ne sont pas signées.
generate-secret = Générer un secret
regenerate-secret = Régénérer le secret
remove-secret = Supprimer le secret
secret-once = Copiez-le maintenant : il ne s'affiche qu'une fois.
custom-headers = En-têtes personnalisés
custom-headers-hint = Envoyés avec chaque requête, p. ex. Authorization. Stockés chiffrés ; les valeurs ne sont jamais réaffichées — laisser vide pour les conserver.
header-name = En-tête
header-value = Valeur
add-header = Ajouter un en-tête
remove = Retirer
keep-value = (inchangée)
delivery-log = Livraisons
no-deliveries = Rien d'envoyé pour l'instant. Les inscriptions et les tests apparaissent ici.
send-test = Envoyer un test
redeliver = Renvoyer
event = Événement
status = Statut
attempts = Tentatives
http-status = HTTP
latency = Latence
next-attempt = Prochaine tentative
response = Réponse
status-pending = en attente
status-delivering = envoi
status-delivered = livré
status-retrying = nouvel essai
status-failed = échec
copy = Copier
copied = Copié
new-channel = Nouveau canal
channel-name = Nom du canal
description = Description
create-channel = Créer le canal
channel-menu = Menu du canal
edit-channel = Modifier le canal
members = Membres
add-member = Ajouter un membre
member-role = membre
manager-role = gestionnaire
webhooks = Webhooks
webhooks-hint = Permet à des outils externes de publier dans ce canal.
manage = Gérer
new-webhook = Nouveau webhook
no-webhooks = Aucun webhook pour l'instant.
last-used = Dernière utilisation
never = jamais
profile-image = Image de profil
image-hint = PNG, JPEG, GIF ou WebP, 1 Mio maximum.
copy-url = Copier l'URL
regenerate-url = Régénérer l'URL
confirm-regenerate = Créer une nouvelle URL ? L'actuelle cessera aussitôt de fonctionner.
confirm-delete-webhook = Supprimer ce webhook ? Son URL cessera de fonctionner ; ses messages restent.
close = Fermer
webhook-badge = Webhook
edited = (modifié)
message-actions = Actions du message
edit-message = Modifier
delete-message = Supprimer le message
confirm-delete-message = Supprimer ce message pour tout le monde ?
copy-message-link = Copier le lien
deleted-webhook = Webhook supprimé
load-older = Charger les messages plus anciens
loading-older = Chargement des messages plus anciens…
channel-start = C'est le début du canal.
github-secret = Secret GitHub
github-secret-hint = Pour les envois de GitHub vers cette URL + /github : le secret défini dans les réglages du webhook GitHub. Les envois sans X-Hub-Signature-256 valide sont refusés.
github-secret-set = Un secret est défini : les envois GitHub doivent être signés.
save-secret = Définir le secret
clear-secret = Retirer le secret
no-messages = Aucun message pour l'instant. Dites bonjour !
message-placeholder = Écrire un message… (Entrée envoie, Maj+Entrée pour une nouvelle ligne)
send = Envoyer
api-keys = Clés API
api-keys-hint = Pour les scripts : envoyez une clé en Authorization: Bearer sk-… à l'API REST.
key-name = Nom de la clé
create-key = Créer la clé
no-api-keys = Aucune clé API pour l'instant.
notification-webhook = Webhook de notification
notification-webhook-hint = Parley envoie ici quand une réponse est prête. Les URL Slack, Discord, Google Chat et Teams reçoivent leur propre format.
notify-when = Me notifier
notify-away = seulement en mon absence
notify-always = toujours
no-user-deliveries = Rien d'envoyé pour l'instant. Les notifications de réponses et les tests apparaissent ici.
err-unauthorized = Veuillez vous connecter.
err-forbidden = Vous n'avez pas la permission de faire cela.
err-not-found = Introuvable.
err-invalid-credentials = E-mail ou mot de passe incorrect.
err-reply-in-progress = Une réponse est encore en cours dans cette discussion. Attendez qu'elle se termine.
err-email-taken = Un compte existe déjà avec cet e-mail.
err-signup-disabled = Les inscriptions sont fermées sur ce serveur.
err-rate-limited = Trop de tentatives. Réessayez dans { $n ->
        [one] { $n } seconde
       *[other] { $n } secondes
    }.
err-internal = Une erreur est survenue sur le serveur.

## Landmarks and uploads

admin-sections = Sections d'administration
settings-sections = Sections des réglages
sidebar = Barre latérale
upload-failed-status = Échec du téléversement ({ $status }).
upload-unreachable = Échec du téléversement : le serveur est injoignable.
role-of = Rôle de { $name }

## Formats

date-time = { $day }/{ $month }/{ $year } { $hour }:{ $minute }
deliveries-shown = { $n ->
        [one] { $n } envoi
       *[other] { $n } envois
    }

## What the server says about bad input

err-email-invalid = Saisissez une adresse e-mail valide, par exemple tim@example.com.
err-name-missing = Saisissez votre nom.
err-name-too-long = Le nom peut compter au plus { $max } caractères.
err-password-too-short = Le mot de passe doit compter au moins { $min } caractères.
err-password-too-long = Le mot de passe peut compter au plus { $max } caractères.
err-own-role = Vous ne pouvez pas modifier votre propre rôle.
err-delete-self = Vous ne pouvez pas supprimer votre propre compte ici.
err-key-name = Donnez à la clé un nom de 1 à { $max } caractères.
err-too-many-keys = Au plus { $max } clés d'API ; supprimez-en une d'abord.
err-webhook-name-missing = Donnez un nom au webhook.
err-webhook-name-too-long = Le nom d'un webhook peut compter au plus { $max } caractères.
err-profile-image = L'image de profil doit être une image téléversée ou une URL http(s).
err-github-secret-too-long = Un secret GitHub peut compter au plus { $max } caractères.
err-image-type = Téléversez une image PNG, JPEG, GIF ou WebP.
err-image-too-large = L'image dépasse 1 Mio.
err-account-pending = Ce compte attend encore d'être approuvé.
err-message-too-long = Un message peut compter au plus { $max } caractères.
err-channel-name-missing = Saisissez un nom de canal.
err-channel-name-too-long = Le nom d'un canal peut compter au plus { $max } caractères.
err-message-empty = Le message est vide.
err-no-account-with-email = Aucun compte n'utilise { $email }.
err-prompt-too-long = Le message est trop long (au plus { $max } caractères).
err-prompt-missing = Écrivez d'abord un message.
err-unknown-model = Modèle inconnu « { $model } ».
err-default-role = Le rôle par défaut des nouveaux utilisateurs peut être « en attente » ou « utilisateur », pas « administrateur ».
err-control-chars = Un nom ne peut pas contenir de caractères de contrôle.
err-url-too-long = L'URL est trop longue (au plus { $max } caractères).
err-url-invalid = Ce n'est pas une URL valide ({ $reason ->
        [no-scheme] il faut http:// ou https:// au début
        [empty-host] le nom d'hôte est vide
        [invalid-port] le port n'est pas un nombre de 1 à 65535
        [invalid-ip] l'adresse IP est mal formée
        [invalid-host] le nom d'hôte contient des caractères interdits
       *[other] elle est illisible
    }).
err-url-scheme = L'URL doit commencer par http:// ou https:// (pas par { $scheme }:).
err-url-no-host = L'URL n'a pas de nom d'hôte.
err-url-refused = Parley n'enverra pas de webhooks à cette adresse : { $kind ->
        [loopback] { $ip } est une adresse de bouclage
        [private] { $ip } est une adresse de réseau privé
        [link-local] { $ip } est une adresse lien-local
        [shared-cgnat] { $ip } est une adresse de NAT opérateur
        [metadata] { $ip } est une adresse de métadonnées cloud
        [metadata-host] c'est un nom d'hôte de métadonnées cloud
        [unresolved] le nom d'hôte n'a pas pu être résolu
       *[other] { $ip } est une adresse réservée ou non unicast
    }.
err-no-admin-url = Enregistrez d'abord une URL de webhook.
err-header-name = « { $name } » n'est pas un nom d'en-tête valide.
err-header-reserved = Parley définit lui-même l'en-tête { $name }.
err-header-twice = L'en-tête { $name } figure deux fois.
err-header-value-chars = La valeur de { $name } contient des caractères interdits dans un en-tête.
err-too-many-headers = Au plus { $max } en-têtes personnalisés.
err-header-value-missing = Saisissez une valeur pour { $name }.
err-user-webhooks-off = Les webhooks utilisateur sont désactivés sur ce serveur.
err-no-user-url = Enregistrez d'abord l'URL du webhook de notification.

## Events (SPEC E1): what each is, and the message chat services get

err-too-many-targets = Au plus { $max } cibles de webhook ; supprimez-en une d'abord.
err-target-name-missing = Donnez un nom à la cible.
err-unknown-event = « { $event } » n'est pas un événement envoyé par Parley (voir GET /api/events).
err-no-events = Choisissez au moins un événement.
event-user-created = Un nouveau compte a été créé (inscription ou ajout par un administrateur).
event-user-role-updated = Le rôle d'un compte a changé.
event-user-deleted = Un compte a été supprimé.
event-auth-signin-failed = Échecs de connexion répétés pour un compte.
event-chat-finished = Une réponse de discussion est prête.
event-chat-failed = Une réponse de discussion a échoué.
event-channel-created = Un canal a été créé.
event-channel-deleted = Un canal a été supprimé.
event-channel-member-added = Quelqu'un a été ajouté à un canal.
event-channel-member-removed = Quelqu'un a été retiré d'un canal.
event-channel-message = Un nouveau message dans un canal.
event-channel-webhook-created = Un webhook entrant a été ajouté à un canal.
event-channel-webhook-updated = Un webhook entrant a été renommé ou a changé d'image.
event-channel-webhook-regenerated = Un webhook entrant a une nouvelle URL.
event-channel-webhook-deleted = Un webhook entrant a été supprimé.
event-webhook-delivery-failed = Un envoi a abandonné après sa dernière tentative.
event-webhook-target-disabled = Une cible de webhook a été désactivée après des jours d'échecs.
event-config-updated = Un administrateur a modifié les réglages.
event-api-key-created = Une clé d'API a été créée.
event-api-key-deleted = Une clé d'API a été supprimée.
event-msg-user-role-updated = { $name } est maintenant { $role }.
event-msg-user-deleted = Le compte de { $name } a été supprimé.
event-msg-signin-failed = { $n } échecs de connexion d’affilée pour { $email }.
delete-channel = Supprimer le canal
delete-channel-hint = Supprime le canal, ses messages et ses webhooks pour tout le monde.
confirm-delete-channel = Supprimer ce canal et tous ses messages pour tout le monde ? Ses URL de webhook cessent de fonctionner. Cette action est irréversible.
event-my-channel-message = Un nouveau message dans l’un de mes canaux.
event-channel-mention = Un nouveau message dans l’un de mes canaux me mentionne (@nom, @here, @channel).
event-msg-channel-created = Nouveau canal : #{ $channel }
event-msg-channel-deleted = Le canal #{ $channel } a été supprimé.
event-msg-channel-message = { $author } dans #{ $channel } : { $text }
err-delete-default-target = Le webhook par défaut ne peut pas être supprimé ; videz son URL pour le désactiver.
event-webhooks = Webhooks d'événements
event-webhooks-hint = Chaque webhook ne reçoit que les événements auxquels il est abonné : tous (*), un groupe (channel.*) ou des événements précis. Celui par défaut est l'URL de webhook ci-dessus.
add-webhook = Ajouter un webhook
edit-target = Modifier
events-label = Événements
all-events = Tous les événements
target-enabled = Activé
target-off = désactivé
default-target = par défaut
confirm-delete-target = Supprimer ce webhook ? Ses envois restent dans le journal.
event-msg-chat-failed = La réponse dans « { $title } » a échoué : { $error }
notification-targets = Cibles de notification
notification-targets-hint = Envoyez les événements choisis à plusieurs endroits : un service de discussion, l'automatisation de votre téléphone, un script. La cible par défaut est le webhook de notification ci-dessus.
add-target = Ajouter une cible
make-default = Par défaut
keep-url-hint = Les URL enregistrées sont masquées ; laissez le champ vide pour la conserver.
event-msg-delivery-failed = Un envoi { $event } vers { $target } a abandonné après sa dernière tentative.
event-msg-target-disabled = Le webhook { $target } a été désactivé après { $failures } tentatives échouées sur plusieurs jours.
target-disabled-banner = Désactivé le { $date } parce qu'il échouait sans cesse. Réparez le récepteur puis réactivez-le.
