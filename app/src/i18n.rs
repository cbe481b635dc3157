//! Every UI string of Parley, in the five languages of the seeds.
//!
//! `Key::all` is one exhaustive `match` returning one text per language, so
//! a key cannot be added without all five translations.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    De,
    Fr,
    Es,
    Ru,
}

impl Locale {
    pub const ALL: [Locale; 5] = [Locale::En, Locale::De, Locale::Fr, Locale::Es, Locale::Ru];

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
            Locale::Fr => "fr",
            Locale::Es => "es",
            Locale::Ru => "ru",
        }
    }

    /// The language's own name, as a picker shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::De => "Deutsch",
            Locale::Fr => "Français",
            Locale::Es => "Español",
            Locale::Ru => "Русский",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// Picks the best supported language from an `Accept-Language` header,
    /// honouring q-values; English when nothing matches.
    pub fn from_accept_language(header: &str) -> Locale {
        let mut best: Option<(f32, usize, Locale)> = None;
        for (pos, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let Some(tag) = pieces.next() else { continue };
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if let Some(locale) = Locale::from_code(tag) {
                let better = match best {
                    None => true,
                    Some((bq, bpos, _)) => q > bq || (q == bq && pos < bpos),
                };
                if better && q > 0.0 {
                    best = Some((q, pos, locale));
                }
            }
        }
        best.map(|(_, _, l)| l).unwrap_or_default()
    }

    fn index(self) -> usize {
        self as usize
    }
}

macro_rules! keys {
    ($($key:ident => [$en:expr, $de:expr, $fr:expr, $es:expr, $ru:expr $(,)?]),* $(,)?) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Key { $($key),* }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$key),*];

            fn all(self) -> [&'static str; 5] {
                match self { $(Key::$key => [$en, $de, $fr, $es, $ru]),* }
            }
        }
    };
}

impl Key {
    pub fn text(self, locale: Locale) -> &'static str {
        self.all()[locale.index()]
    }
}

keys! {
    AppTagline => ["Your team's chat workspace", "Der Chat-Arbeitsbereich deines Teams", "L'espace de discussion de votre équipe", "El espacio de chat de tu equipo", "Рабочее пространство для общения вашей команды"],
    SignIn => ["Sign in", "Anmelden", "Se connecter", "Iniciar sesión", "Войти"],
    SignUp => ["Sign up", "Registrieren", "S'inscrire", "Registrarse", "Зарегистрироваться"],
    SignOut => ["Sign out", "Abmelden", "Se déconnecter", "Cerrar sesión", "Выйти"],
    SignInTitle => ["Sign in to Parley", "Bei Parley anmelden", "Se connecter à Parley", "Inicia sesión en Parley", "Вход в Parley"],
    SignUpTitle => ["Create your Parley account", "Parley-Konto erstellen", "Créer votre compte Parley", "Crea tu cuenta de Parley", "Создайте аккаунт Parley"],
    FirstAccountHint => ["The first account becomes the administrator.", "Das erste Konto wird Administrator.", "Le premier compte devient administrateur.", "La primera cuenta será la de administrador.", "Первый аккаунт становится администратором."],
    Name => ["Name", "Name", "Nom", "Nombre", "Имя"],
    Email => ["Email", "E-Mail", "E-mail", "Correo electrónico", "Электронная почта"],
    Password => ["Password", "Passwort", "Mot de passe", "Contraseña", "Пароль"],
    PasswordHint => ["At least 8 characters.", "Mindestens 8 Zeichen.", "Au moins 8 caractères.", "Al menos 8 caracteres.", "Не менее 8 символов."],
    CreateAccount => ["Create account", "Konto erstellen", "Créer le compte", "Crear cuenta", "Создать аккаунт"],
    NoAccount => ["Don't have an account?", "Noch kein Konto?", "Pas encore de compte ?", "¿No tienes cuenta?", "Нет аккаунта?"],
    HaveAccount => ["Already have an account?", "Schon ein Konto?", "Vous avez déjà un compte ?", "¿Ya tienes cuenta?", "Уже есть аккаунт?"],
    Working => ["Please wait…", "Bitte warten…", "Veuillez patienter…", "Espera…", "Подождите…"],
    Loading => ["Loading…", "Wird geladen…", "Chargement…", "Cargando…", "Загрузка…"],
    SignupClosed => ["New sign-ups are turned off. Ask an administrator for an account.", "Neue Registrierungen sind deaktiviert. Bitte einen Administrator um ein Konto.", "Les inscriptions sont fermées. Demandez un compte à un administrateur.", "Los registros están desactivados. Pide una cuenta a un administrador.", "Регистрация отключена. Попросите администратора создать аккаунт."],
    PendingTitle => ["Account activation pending", "Kontoaktivierung ausstehend", "Activation du compte en attente", "Activación de cuenta pendiente", "Ожидается активация аккаунта"],
    PendingBody => ["Your account is waiting for an administrator's approval. This page changes by itself as soon as you are approved.", "Dein Konto wartet auf die Freigabe durch einen Administrator. Diese Seite ändert sich von selbst, sobald du freigeschaltet bist.", "Votre compte attend l'approbation d'un administrateur. Cette page se met à jour d'elle-même dès que vous êtes approuvé.", "Tu cuenta espera la aprobación de un administrador. Esta página cambiará sola en cuanto te aprueben.", "Ваш аккаунт ожидает одобрения администратора. Страница обновится сама, как только вас одобрят."],
    Chats => ["Chats", "Chats", "Discussions", "Chats", "Чаты"],
    Channels => ["Channels", "Kanäle", "Canaux", "Canales", "Каналы"],
    NewChat => ["New chat", "Neuer Chat", "Nouvelle discussion", "Nuevo chat", "Новый чат"],
    NoChats => ["No chats yet.", "Noch keine Chats.", "Aucune discussion pour l'instant.", "Aún no hay chats.", "Чатов пока нет."],
    Model => ["Model", "Modell", "Modèle", "Modelo", "Модель"],
    BuiltIn => ["built-in, offline", "integriert, offline", "intégré, hors ligne", "integrado, sin conexión", "встроенная, офлайн"],
    PromptPlaceholder => ["Send a message…", "Nachricht senden…", "Envoyer un message…", "Enviar un mensaje…", "Отправить сообщение…"],
    NewChatHeading => ["What shall we talk about?", "Worüber wollen wir sprechen?", "De quoi parlons-nous ?", "¿De qué hablamos?", "О чём поговорим?"],
    NewChatHint => ["Pick a model and send your first prompt; it becomes the chat's title. Replies keep being written if you close the tab.", "Wähle ein Modell und sende deine erste Nachricht; sie wird zum Titel des Chats. Antworten werden weitergeschrieben, auch wenn du den Tab schließt.", "Choisissez un modèle et envoyez votre premier message ; il devient le titre de la discussion. Les réponses continuent de s'écrire si vous fermez l'onglet.", "Elige un modelo y envía tu primer mensaje; será el título del chat. Las respuestas se siguen escribiendo aunque cierres la pestaña.", "Выберите модель и отправьте первое сообщение — оно станет названием чата. Ответ допишется, даже если закрыть вкладку."],
    Writing => ["Writing…", "Schreibt…", "Rédaction…", "Escribiendo…", "Пишет…"],
    ReplyFailed => ["The model could not finish this reply:", "Das Modell konnte diese Antwort nicht beenden:", "Le modèle n'a pas pu terminer cette réponse :", "El modelo no pudo terminar esta respuesta:", "Модель не смогла закончить ответ:"],
    EndpointUnavailable => ["The OpenAI-compatible endpoint could not be listed; only built-in models are offered.", "Der OpenAI-kompatible Endpunkt ließ sich nicht abfragen; nur eingebaute Modelle stehen bereit.", "Le point d'accès compatible OpenAI est injoignable ; seuls les modèles intégrés sont proposés.", "No se pudo consultar el endpoint compatible con OpenAI; solo se ofrecen los modelos integrados.", "OpenAI-совместимый сервер недоступен; доступны только встроенные модели."],
    DeleteChat => ["Delete chat", "Chat löschen", "Supprimer la discussion", "Eliminar chat", "Удалить чат"],
    ConfirmDeleteChat => ["Delete this chat and all its messages? This cannot be undone.", "Diesen Chat mit allen Nachrichten löschen? Das lässt sich nicht rückgängig machen.", "Supprimer cette discussion et tous ses messages ? Action irréversible.", "¿Eliminar este chat y todos sus mensajes? No se puede deshacer.", "Удалить этот чат со всеми сообщениями? Это необратимо."],
    SendHint => ["Enter sends, Shift+Enter adds a line.", "Enter sendet, Umschalt+Enter fügt eine Zeile ein.", "Entrée envoie, Maj+Entrée ajoute une ligne.", "Intro envía, Mayús+Intro añade una línea.", "Enter — отправить, Shift+Enter — новая строка."],
    YouLabel => ["You", "Du", "Vous", "Tú", "Вы"],
    NoChannels => ["No channels yet.", "Noch keine Kanäle.", "Aucun canal pour l'instant.", "Aún no hay canales.", "Каналов пока нет."],
    Welcome => ["Welcome, {name}", "Willkommen, {name}", "Bienvenue, {name}", "Bienvenido, {name}", "Добро пожаловать, {name}"],
    WelcomeBody => ["Start a chat or open a channel from the sidebar.", "Starte einen Chat oder öffne einen Kanal in der Seitenleiste.", "Commencez une discussion ou ouvrez un canal depuis la barre latérale.", "Empieza un chat o abre un canal desde la barra lateral.", "Начните чат или откройте канал на боковой панели."],
    Settings => ["Settings", "Einstellungen", "Paramètres", "Ajustes", "Настройки"],
    AdminPanel => ["Admin Panel", "Admin-Bereich", "Panneau d'administration", "Panel de administración", "Панель администратора"],
    Users => ["Users", "Benutzer", "Utilisateurs", "Usuarios", "Пользователи"],
    General => ["General", "Allgemein", "Général", "General", "Общие"],
    Account => ["Account", "Konto", "Compte", "Cuenta", "Аккаунт"],
    Language => ["Language", "Sprache", "Langue", "Idioma", "Язык"],
    LanguageHint => ["Used for the interface and for your notifications.", "Gilt für die Oberfläche und deine Benachrichtigungen.", "Utilisée pour l'interface et vos notifications.", "Se usa en la interfaz y en tus notificaciones.", "Используется в интерфейсе и в ваших уведомлениях."],
    Save => ["Save", "Speichern", "Enregistrer", "Guardar", "Сохранить"],
    Saving => ["Saving…", "Wird gespeichert…", "Enregistrement…", "Guardando…", "Сохранение…"],
    Saved => ["Saved", "Gespeichert", "Enregistré", "Guardado", "Сохранено"],
    Role => ["Role", "Rolle", "Rôle", "Rol", "Роль"],
    Created => ["Created", "Erstellt", "Créé", "Creado", "Создан"],
    Actions => ["Actions", "Aktionen", "Actions", "Acciones", "Действия"],
    Delete => ["Delete", "Löschen", "Supprimer", "Eliminar", "Удалить"],
    Cancel => ["Cancel", "Abbrechen", "Annuler", "Cancelar", "Отмена"],
    ConfirmDeleteUser => ["Delete this user and everything they own? This cannot be undone.", "Diesen Benutzer und alle seine Daten löschen? Das lässt sich nicht rückgängig machen.", "Supprimer cet utilisateur et tout ce qu'il possède ? Action irréversible.", "¿Eliminar este usuario y todo lo suyo? No se puede deshacer.", "Удалить этого пользователя и все его данные? Это необратимо."],
    You => ["you", "du", "vous", "tú", "вы"],
    NoUsers => ["No users.", "Keine Benutzer.", "Aucun utilisateur.", "No hay usuarios.", "Нет пользователей."],
    Authentication => ["Authentication", "Authentifizierung", "Authentification", "Autenticación", "Аутентификация"],
    EnableSignup => ["Enable new sign-ups", "Neue Registrierungen erlauben", "Autoriser les inscriptions", "Permitir nuevos registros", "Разрешить регистрацию"],
    DefaultRole => ["Default user role", "Standardrolle für neue Benutzer", "Rôle par défaut des utilisateurs", "Rol predeterminado", "Роль по умолчанию"],
    Features => ["Features", "Funktionen", "Fonctionnalités", "Funciones", "Функции"],
    UserWebhooks => ["User Webhooks", "Benutzer-Webhooks", "Webhooks utilisateur", "Webhooks de usuario", "Пользовательские вебхуки"],
    UserWebhooksHint => ["Let users get a webhook notification when a chat reply is ready while they are away.", "Benutzer können per Webhook benachrichtigt werden, wenn eine Chat-Antwort fertig ist, während sie abwesend sind.", "Permet aux utilisateurs d'être notifiés par webhook quand une réponse est prête pendant leur absence.", "Permite a los usuarios recibir un webhook cuando una respuesta esté lista mientras están ausentes.", "Пользователи получают уведомление по вебхуку, когда ответ в чате готов, пока их нет."],
    RolePending => ["pending", "ausstehend", "en attente", "pendiente", "ожидает"],
    RoleUser => ["user", "Benutzer", "utilisateur", "usuario", "пользователь"],
    RoleAdmin => ["admin", "Administrator", "administrateur", "administrador", "администратор"],
    Profile => ["Profile", "Profil", "Profil", "Perfil", "Профиль"],
    Live => ["Live", "Live", "En direct", "En vivo", "В реальном времени"],
    Offline => ["Reconnecting…", "Verbindung wird hergestellt…", "Reconnexion…", "Reconectando…", "Переподключение…"],
    NotFoundTitle => ["Page not found", "Seite nicht gefunden", "Page introuvable", "Página no encontrada", "Страница не найдена"],
    BackHome => ["Back to Parley", "Zurück zu Parley", "Retour à Parley", "Volver a Parley", "Вернуться в Parley"],
    Menu => ["Menu", "Menü", "Menu", "Menú", "Меню"],
    NewUserSignedUp => ["New user signed up: {name}", "Neuer Benutzer registriert: {name}", "Nouvel utilisateur inscrit : {name}", "Nuevo usuario registrado: {name}", "Новый пользователь зарегистрировался: {name}"],
    WebhookTestMessage => ["Parley test notification: your webhook works.", "Parley-Testbenachrichtigung: Dein Webhook funktioniert.", "Notification de test Parley : votre webhook fonctionne.", "Notificación de prueba de Parley: tu webhook funciona.", "Тестовое уведомление Parley: ваш вебхук работает."],
    Webhook => ["Webhook", "Webhook", "Webhook", "Webhook", "Вебхук"],
    WebhookUrl => ["Webhook URL", "Webhook-URL", "URL du webhook", "URL del webhook", "URL вебхука"],
    WebhookUrlHint => ["Parley posts here when a new user signs up. Slack, Discord, Google Chat and Teams URLs get their own message format. Leave empty to turn it off.", "Parley sendet hierhin, wenn sich jemand registriert. Slack-, Discord-, Google-Chat- und Teams-URLs erhalten ihr eigenes Format. Leer lassen zum Abschalten.", "Parley envoie ici chaque nouvelle inscription. Les URL Slack, Discord, Google Chat et Teams reçoivent leur propre format. Laisser vide pour désactiver.", "Parley envía aquí cada nuevo registro. Las URL de Slack, Discord, Google Chat y Teams reciben su propio formato. Déjalo vacío para desactivarlo.", "Parley отправляет сюда уведомление о каждой регистрации. Для Slack, Discord, Google Chat и Teams используется их формат. Оставьте пустым, чтобы отключить."],
    FromEnv => ["Set by WEBHOOK_URL until you save one here.", "Aus WEBHOOK_URL, bis hier eine gespeichert wird.", "Défini par WEBHOOK_URL jusqu'à ce que vous en enregistriez une ici.", "Definida por WEBHOOK_URL hasta que guardes una aquí.", "Задано через WEBHOOK_URL, пока вы не сохраните своё значение."],
    SigningSecret => ["Signing secret", "Signaturschlüssel", "Secret de signature", "Secreto de firma", "Секрет подписи"],
    SigningSecretHint => ["With a secret, every request carries Standard Webhooks signature headers (webhook-id, webhook-timestamp, webhook-signature).", "Mit einem Schlüssel trägt jede Anfrage Standard-Webhooks-Signaturen (webhook-id, webhook-timestamp, webhook-signature).", "Avec un secret, chaque requête porte les en-têtes de signature Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).", "Con un secreto, cada petición lleva las cabeceras de firma de Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).", "С секретом каждый запрос несёт заголовки подписи Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)."],
    SecretSet => ["A secret is set.", "Ein Schlüssel ist gesetzt.", "Un secret est défini.", "Hay un secreto configurado.", "Секрет задан."],
    NoSecret => ["No secret: requests are not signed.", "Kein Schlüssel: Anfragen werden nicht signiert.", "Pas de secret : les requêtes ne sont pas signées.", "Sin secreto: las peticiones no se firman.", "Секрета нет: запросы не подписываются."],
    GenerateSecret => ["Generate secret", "Schlüssel erzeugen", "Générer un secret", "Generar secreto", "Создать секрет"],
    RegenerateSecret => ["Regenerate secret", "Schlüssel neu erzeugen", "Régénérer le secret", "Regenerar secreto", "Пересоздать секрет"],
    RemoveSecret => ["Remove secret", "Schlüssel entfernen", "Supprimer le secret", "Quitar secreto", "Удалить секрет"],
    SecretOnce => ["Copy it now: it is shown only once.", "Jetzt kopieren: Er wird nur einmal angezeigt.", "Copiez-le maintenant : il ne s'affiche qu'une fois.", "Cópialo ahora: solo se muestra una vez.", "Скопируйте сейчас: он показывается один раз."],
    CustomHeaders => ["Custom headers", "Eigene Header", "En-têtes personnalisés", "Cabeceras personalizadas", "Свои заголовки"],
    CustomHeadersHint => ["Sent with every request, e.g. Authorization. Stored encrypted; values are never shown again — leave a value empty to keep it.", "Werden mit jeder Anfrage gesendet, z. B. Authorization. Verschlüsselt gespeichert; Werte werden nie wieder angezeigt — leer lassen, um sie zu behalten.", "Envoyés avec chaque requête, p. ex. Authorization. Stockés chiffrés ; les valeurs ne sont jamais réaffichées — laisser vide pour les conserver.", "Se envían con cada petición, p. ej. Authorization. Se guardan cifradas; los valores no se vuelven a mostrar: déjalo vacío para conservarlo.", "Отправляются с каждым запросом, например Authorization. Хранятся зашифрованными; значения больше не показываются — оставьте пустым, чтобы сохранить."],
    HeaderName => ["Header", "Header", "En-tête", "Cabecera", "Заголовок"],
    HeaderValue => ["Value", "Wert", "Valeur", "Valor", "Значение"],
    AddHeader => ["Add header", "Header hinzufügen", "Ajouter un en-tête", "Añadir cabecera", "Добавить заголовок"],
    Remove => ["Remove", "Entfernen", "Retirer", "Quitar", "Убрать"],
    KeepValue => ["(unchanged)", "(unverändert)", "(inchangée)", "(sin cambios)", "(без изменений)"],
    DeliveryLog => ["Deliveries", "Zustellungen", "Livraisons", "Entregas", "Доставки"],
    NoDeliveries => ["Nothing sent yet. New sign-ups and tests appear here.", "Noch nichts gesendet. Registrierungen und Tests erscheinen hier.", "Rien d'envoyé pour l'instant. Les inscriptions et les tests apparaissent ici.", "Aún no se ha enviado nada. Los registros y las pruebas aparecen aquí.", "Пока ничего не отправлено. Здесь появятся регистрации и тесты."],
    SendTest => ["Send test", "Test senden", "Envoyer un test", "Enviar prueba", "Отправить тест"],
    Redeliver => ["Redeliver", "Erneut senden", "Renvoyer", "Reenviar", "Отправить снова"],
    Event => ["Event", "Ereignis", "Événement", "Evento", "Событие"],
    Status => ["Status", "Status", "Statut", "Estado", "Статус"],
    Attempts => ["Attempts", "Versuche", "Tentatives", "Intentos", "Попытки"],
    HttpStatus => ["HTTP", "HTTP", "HTTP", "HTTP", "HTTP"],
    Latency => ["Latency", "Latenz", "Latence", "Latencia", "Задержка"],
    NextAttempt => ["Next attempt", "Nächster Versuch", "Prochaine tentative", "Próximo intento", "Следующая попытка"],
    Response => ["Response", "Antwort", "Réponse", "Respuesta", "Ответ"],
    StatusPending => ["pending", "wartend", "en attente", "pendiente", "ожидает"],
    StatusDelivering => ["sending", "wird gesendet", "envoi", "enviando", "отправка"],
    StatusDelivered => ["delivered", "zugestellt", "livré", "entregado", "доставлено"],
    StatusRetrying => ["retrying", "neuer Versuch", "nouvel essai", "reintentando", "повтор"],
    StatusFailed => ["failed", "fehlgeschlagen", "échec", "fallido", "ошибка"],
    Copy => ["Copy", "Kopieren", "Copier", "Copiar", "Копировать"],
    Copied => ["Copied", "Kopiert", "Copié", "Copiado", "Скопировано"],
    NewChannel => ["New channel", "Neuer Kanal", "Nouveau canal", "Nuevo canal", "Новый канал"],
    ChannelName => ["Channel name", "Kanalname", "Nom du canal", "Nombre del canal", "Название канала"],
    Description => ["Description", "Beschreibung", "Description", "Descripción", "Описание"],
    CreateChannel => ["Create channel", "Kanal erstellen", "Créer le canal", "Crear canal", "Создать канал"],
    ChannelMenu => ["Channel menu", "Kanalmenü", "Menu du canal", "Menú del canal", "Меню канала"],
    EditChannel => ["Edit Channel", "Kanal bearbeiten", "Modifier le canal", "Editar canal", "Изменить канал"],
    Members => ["Members", "Mitglieder", "Membres", "Miembros", "Участники"],
    AddMember => ["Add member", "Mitglied hinzufügen", "Ajouter un membre", "Añadir miembro", "Добавить участника"],
    MemberRole => ["member", "Mitglied", "membre", "miembro", "участник"],
    ManagerRole => ["manager", "Verwalter", "gestionnaire", "gestor", "менеджер"],
    Webhooks => ["Webhooks", "Webhooks", "Webhooks", "Webhooks", "Вебхуки"],
    WebhooksHint => ["Let outside tools post into this channel.", "Externe Tools können in diesen Kanal posten.", "Permet à des outils externes de publier dans ce canal.", "Permite que herramientas externas publiquen en este canal.", "Внешние сервисы смогут писать в этот канал."],
    Manage => ["Manage", "Verwalten", "Gérer", "Gestionar", "Управлять"],
    NewWebhook => ["New Webhook", "Neuer Webhook", "Nouveau webhook", "Nuevo webhook", "Новый вебхук"],
    NoWebhooks => ["No webhooks yet.", "Noch keine Webhooks.", "Aucun webhook pour l'instant.", "Aún no hay webhooks.", "Вебхуков пока нет."],
    LastUsed => ["Last used", "Zuletzt benutzt", "Dernière utilisation", "Último uso", "Последнее использование"],
    Never => ["never", "nie", "jamais", "nunca", "никогда"],
    ProfileImage => ["Profile Image", "Profilbild", "Image de profil", "Imagen de perfil", "Изображение профиля"],
    ImageHint => ["PNG, JPEG, GIF or WebP, up to 1 MiB.", "PNG, JPEG, GIF oder WebP, bis 1 MiB.", "PNG, JPEG, GIF ou WebP, 1 Mio maximum.", "PNG, JPEG, GIF o WebP, hasta 1 MiB.", "PNG, JPEG, GIF или WebP, до 1 МиБ."],
    CopyUrl => ["Copy URL", "URL kopieren", "Copier l'URL", "Copiar URL", "Копировать URL"],
    RegenerateUrl => ["Regenerate URL", "URL neu erzeugen", "Régénérer l'URL", "Regenerar URL", "Пересоздать URL"],
    ConfirmRegenerate => ["Make a new URL? The current one stops working at once.", "Neue URL erzeugen? Die bisherige funktioniert sofort nicht mehr.", "Créer une nouvelle URL ? L'actuelle cessera aussitôt de fonctionner.", "¿Crear una URL nueva? La actual dejará de funcionar al instante.", "Создать новый URL? Текущий сразу перестанет работать."],
    ConfirmDeleteWebhook => ["Delete this webhook? Its URL stops working; its messages stay.", "Diesen Webhook löschen? Seine URL funktioniert dann nicht mehr; seine Nachrichten bleiben.", "Supprimer ce webhook ? Son URL cessera de fonctionner ; ses messages restent.", "¿Eliminar este webhook? Su URL dejará de funcionar; sus mensajes se quedan.", "Удалить вебхук? Его URL перестанет работать, сообщения останутся."],
    Close => ["Close", "Schließen", "Fermer", "Cerrar", "Закрыть"],
    WebhookBadge => ["Webhook", "Webhook", "Webhook", "Webhook", "Вебхук"],
    Edited => ["(edited)", "(bearbeitet)", "(modifié)", "(editado)", "(изменено)"],
    DeletedWebhook => ["Deleted Webhook", "Gelöschter Webhook", "Webhook supprimé", "Webhook eliminado", "Удалённый вебхук"],
    LoadOlder => ["Load older messages", "Ältere Nachrichten laden", "Charger les messages plus anciens", "Cargar mensajes anteriores", "Загрузить более ранние сообщения"],
    LoadingOlder => ["Loading older messages…", "Ältere Nachrichten werden geladen…", "Chargement des messages plus anciens…", "Cargando mensajes anteriores…", "Загрузка более ранних сообщений…"],
    ChannelStart => ["This is the beginning of the channel.", "Hier beginnt der Kanal.", "C'est le début du canal.", "Este es el comienzo del canal.", "Это начало канала."],
    GithubSecret => ["GitHub secret", "GitHub-Secret", "Secret GitHub", "Secreto de GitHub", "Секрет GitHub"],
    GithubSecretHint => ["For GitHub's deliveries to this URL + /github: the secret set in GitHub's webhook settings. Deliveries without a matching X-Hub-Signature-256 are refused.", "Für GitHubs Zustellungen an diese URL + /github: das Secret aus GitHubs Webhook-Einstellungen. Zustellungen ohne passende X-Hub-Signature-256 werden abgewiesen.", "Pour les envois de GitHub vers cette URL + /github : le secret défini dans les réglages du webhook GitHub. Les envois sans X-Hub-Signature-256 valide sont refusés.", "Para los envíos de GitHub a esta URL + /github: el secreto de la configuración del webhook en GitHub. Se rechazan los envíos sin una X-Hub-Signature-256 válida.", "Для доставок GitHub на этот URL + /github: секрет из настроек вебхука в GitHub. Доставки без верной X-Hub-Signature-256 отклоняются."],
    GithubSecretSet => ["A secret is set: GitHub deliveries must be signed.", "Ein Secret ist gesetzt: GitHub-Zustellungen müssen signiert sein.", "Un secret est défini : les envois GitHub doivent être signés.", "Hay un secreto: los envíos de GitHub deben ir firmados.", "Секрет задан: доставки GitHub должны быть подписаны."],
    SaveSecret => ["Set secret", "Secret setzen", "Définir le secret", "Establecer secreto", "Задать секрет"],
    ClearSecret => ["Remove secret", "Secret entfernen", "Retirer le secret", "Quitar secreto", "Удалить секрет"],
    NoMessages => ["No messages yet. Say hello!", "Noch keine Nachrichten. Sag Hallo!", "Aucun message pour l'instant. Dites bonjour !", "Aún no hay mensajes. ¡Saluda!", "Сообщений пока нет. Поздоровайтесь!"],
    MessagePlaceholder => ["Write a message… (Enter sends, Shift+Enter for a new line)", "Nachricht schreiben… (Enter sendet, Umschalt+Enter für neue Zeile)", "Écrire un message… (Entrée envoie, Maj+Entrée pour une nouvelle ligne)", "Escribe un mensaje… (Intro envía, Mayús+Intro para nueva línea)", "Напишите сообщение… (Enter — отправить, Shift+Enter — новая строка)"],
    Send => ["Send", "Senden", "Envoyer", "Enviar", "Отправить"],
    ApiKeys => ["API keys", "API-Schlüssel", "Clés API", "Claves API", "API-ключи"],
    ApiKeysHint => ["For scripts: send a key as Authorization: Bearer sk-… to the REST API.", "Für Skripte: Schlüssel als Authorization: Bearer sk-… an die REST-API senden.", "Pour les scripts : envoyez une clé en Authorization: Bearer sk-… à l'API REST.", "Para scripts: envía una clave como Authorization: Bearer sk-… a la API REST.", "Для скриптов: передавайте ключ как Authorization: Bearer sk-… в REST API."],
    KeyName => ["Key name", "Name des Schlüssels", "Nom de la clé", "Nombre de la clave", "Название ключа"],
    CreateKey => ["Create key", "Schlüssel erstellen", "Créer la clé", "Crear clave", "Создать ключ"],
    NoApiKeys => ["No API keys yet.", "Noch keine API-Schlüssel.", "Aucune clé API pour l'instant.", "Aún no hay claves API.", "API-ключей пока нет."],
    NotificationWebhook => ["Notification Webhook", "Benachrichtigungs-Webhook", "Webhook de notification", "Webhook de notificación", "Вебхук уведомлений"],
    NotificationWebhookHint => ["Parley posts here when a chat reply is ready. Slack, Discord, Google Chat and Teams URLs get their own format.", "Parley sendet hierhin, wenn eine Chat-Antwort fertig ist. Slack-, Discord-, Google-Chat- und Teams-URLs erhalten ihr eigenes Format.", "Parley envoie ici quand une réponse est prête. Les URL Slack, Discord, Google Chat et Teams reçoivent leur propre format.", "Parley envía aquí cuando una respuesta está lista. Las URL de Slack, Discord, Google Chat y Teams reciben su propio formato.", "Parley отправляет сюда уведомление, когда ответ в чате готов. Для Slack, Discord, Google Chat и Teams используется их формат."],
    NotifyWhen => ["Notify me", "Benachrichtigen", "Me notifier", "Notificarme", "Уведомлять"],
    NotifyAway => ["only when I'm away", "nur wenn ich abwesend bin", "seulement en mon absence", "solo cuando no estoy", "только когда меня нет"],
    NotifyAlways => ["always", "immer", "toujours", "siempre", "всегда"],
    NoUserDeliveries => ["Nothing sent yet. Chat reply notifications and tests appear here.", "Noch nichts gesendet. Benachrichtigungen zu Chat-Antworten und Tests erscheinen hier.", "Rien d'envoyé pour l'instant. Les notifications de réponses et les tests apparaissent ici.", "Aún no se ha enviado nada. Los avisos de respuestas y las pruebas aparecen aquí.", "Пока ничего не отправлено. Здесь появятся уведомления об ответах и тесты."],
    ErrUnauthorized => ["Please sign in.", "Bitte melde dich an.", "Veuillez vous connecter.", "Inicia sesión.", "Пожалуйста, войдите."],
    ErrForbidden => ["You do not have permission to do this.", "Dafür fehlt dir die Berechtigung.", "Vous n'avez pas la permission de faire cela.", "No tienes permiso para hacer esto.", "У вас нет прав на это действие."],
    ErrNotFound => ["Not found.", "Nicht gefunden.", "Introuvable.", "No encontrado.", "Не найдено."],
    ErrInvalidCredentials => ["Incorrect email or password.", "E-Mail oder Passwort ist falsch.", "E-mail ou mot de passe incorrect.", "Correo o contraseña incorrectos.", "Неверная почта или пароль."],
    ErrReplyInProgress => ["A reply is still being written in this chat. Wait for it to finish.", "In diesem Chat wird noch eine Antwort geschrieben. Bitte warte, bis sie fertig ist.", "Une réponse est encore en cours dans cette discussion. Attendez qu'elle se termine.", "Todavía se está escribiendo una respuesta en este chat. Espera a que termine.", "В этом чате ещё пишется ответ. Дождитесь его завершения."],
    ErrEmailTaken => ["An account with this email already exists.", "Mit dieser E-Mail gibt es bereits ein Konto.", "Un compte existe déjà avec cet e-mail.", "Ya existe una cuenta con este correo.", "Аккаунт с такой почтой уже существует."],
    ErrSignupDisabled => ["New sign-ups are turned off on this server.", "Neue Registrierungen sind auf diesem Server deaktiviert.", "Les inscriptions sont fermées sur ce serveur.", "Los registros están desactivados en este servidor.", "Регистрация на этом сервере отключена."],
    ErrRateLimited => ["Too many attempts. Try again in {n} seconds.", "Zu viele Versuche. Versuche es in {n} Sekunden erneut.", "Trop de tentatives. Réessayez dans {n} secondes.", "Demasiados intentos. Inténtalo de nuevo en {n} segundos.", "Слишком много попыток. Повторите через {n} с."],
    ErrInternal => ["Something went wrong on the server.", "Auf dem Server ist ein Fehler aufgetreten.", "Une erreur est survenue sur le serveur.", "Algo salió mal en el servidor.", "На сервере произошла ошибка."],
}

/// The current UI language, provided once at the top of the app.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Locale>);

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

impl I18n {
    pub fn locale(self) -> Locale {
        self.0.get()
    }

    /// A reactive text: re-renders when the language changes.
    pub fn t(self, key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let signal = self.0;
        move || key.text(signal.get())
    }

    /// The text now (tracked when read inside a reactive closure).
    pub fn now(self, key: Key) -> &'static str {
        key.text(self.0.get())
    }
}

pub fn provide_i18n() {
    provide_context(I18n(RwSignal::new(Locale::default())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_highest_quality_supported() {
        assert_eq!(
            Locale::from_accept_language("de-DE,de;q=0.9,en;q=0.8"),
            Locale::De
        );
        assert_eq!(
            Locale::from_accept_language("ja, fr;q=0.5, en;q=0.4"),
            Locale::Fr
        );
        assert_eq!(
            Locale::from_accept_language("en;q=0.2, ru;q=0.9"),
            Locale::Ru
        );
        assert_eq!(Locale::from_accept_language("ja"), Locale::En);
        assert_eq!(Locale::from_accept_language(""), Locale::En);
        assert_eq!(Locale::from_accept_language("es-419"), Locale::Es);
    }

    #[test]
    fn every_key_is_translated_in_every_language() {
        for key in Key::ALL {
            let texts = key.all();
            for (i, text) in texts.iter().enumerate() {
                assert!(
                    !text.trim().is_empty(),
                    "{key:?} is empty in {:?}",
                    Locale::ALL[i]
                );
            }
            // Placeholders must survive translation.
            for ph in ["{name}", "{n}"] {
                let in_en = texts[0].contains(ph);
                for (i, text) in texts.iter().enumerate() {
                    assert_eq!(
                        text.contains(ph),
                        in_en,
                        "{key:?} placeholder {ph} in {:?}",
                        Locale::ALL[i]
                    );
                }
            }
        }
    }
}
