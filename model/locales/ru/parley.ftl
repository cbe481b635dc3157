# Parley — Russian UI texts (Fluent: https://projectfluent.org/).
app-tagline = Рабочее пространство для общения вашей команды
sign-in = Войти
sign-up = Зарегистрироваться
sign-out = Выйти
sign-in-title = Вход в Parley
sign-up-title = Создайте аккаунт Parley
first-account-hint = Первый аккаунт становится администратором.
name = Имя
email = Электронная почта
password = Пароль
password-hint = Не менее 8 символов.
create-account = Создать аккаунт
no-account = Нет аккаунта?
have-account = Уже есть аккаунт?
working = Подождите…
loading = Загрузка…
signup-closed = Регистрация отключена. Попросите администратора создать аккаунт.
pending-title = Ожидается активация аккаунта
pending-body = Ваш аккаунт ожидает одобрения администратора. Страница обновится сама, как только вас одобрят.
chats = Чаты
channels = Каналы
new-chat = Новый чат
no-chats = Чатов пока нет.
model = Модель
built-in = встроенная, офлайн
prompt-placeholder = Отправить сообщение…
new-chat-heading = О чём поговорим?
new-chat-hint = Выберите модель и отправьте первое сообщение — оно станет названием чата. Ответ допишется, даже если закрыть вкладку.
writing = Пишет…
reply-failed = Модель не смогла закончить ответ:
endpoint-unavailable = OpenAI-совместимый сервер недоступен; доступны только встроенные модели.
delete-chat = Удалить чат
confirm-delete-chat = Удалить этот чат со всеми сообщениями? Это необратимо.
send-hint = Enter — отправить, Shift+Enter — новая строка.
you-label = Вы
no-channels = Каналов пока нет.
welcome = Добро пожаловать, { $name }
welcome-body = Начните чат или откройте канал на боковой панели.
settings = Настройки
admin-panel = Панель администратора
users = Пользователи
general = Общие
account = Аккаунт
language = Язык
language-hint = Используется в интерфейсе и в ваших уведомлениях.
save = Сохранить
saving = Сохранение…
saved = Сохранено
role = Роль
created = Создан
actions = Действия
delete = Удалить
cancel = Отмена
confirm-delete-user = Удалить этого пользователя и все его данные? Это необратимо.
you = вы
no-users = Нет пользователей.
authentication = Аутентификация
enable-signup = Разрешить регистрацию
default-role = Роль по умолчанию
features = Функции
user-webhooks = Пользовательские вебхуки
user-webhooks-hint = Пользователи получают уведомление по вебхуку, когда ответ в чате готов, пока их нет.
role-pending = ожидает
role-user = пользователь
role-admin = администратор
profile = Профиль
live = В реальном времени
offline = Переподключение…
not-found-title = Страница не найдена
back-home = Вернуться в Parley
menu = Меню
new-user-signed-up = Новый пользователь зарегистрировался: { $name }
webhook-test-message = Тестовое уведомление Parley: ваш вебхук работает.
webhook = Вебхук
webhook-url = URL вебхука
webhook-url-hint = Parley отправляет сюда уведомление о каждой регистрации. Для Slack, Discord, Google Chat и Teams используется их формат. Оставьте пустым, чтобы отключить.
from-env = Задано через WEBHOOK_URL, пока вы не сохраните своё значение.
signing-secret = Секрет подписи
signing-secret-hint = С секретом каждый запрос несёт заголовки подписи Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).
secret-set = Секрет задан.
no-secret = Секрета нет: запросы не подписываются.
generate-secret = Создать секрет
regenerate-secret = Пересоздать секрет
remove-secret = Удалить секрет
secret-once = Скопируйте сейчас: он показывается один раз.
custom-headers = Свои заголовки
custom-headers-hint = Отправляются с каждым запросом, например Authorization. Хранятся зашифрованными; значения больше не показываются — оставьте пустым, чтобы сохранить.
header-name = Заголовок
header-value = Значение
add-header = Добавить заголовок
remove = Убрать
keep-value = (без изменений)
delivery-log = Доставки
no-deliveries = Пока ничего не отправлено. Здесь появятся регистрации и тесты.
send-test = Отправить тест
redeliver = Отправить снова
event = Событие
status = Статус
attempts = Попытки
http-status = HTTP
latency = Задержка
next-attempt = Следующая попытка
response = Ответ
status-pending = ожидает
status-delivering = отправка
status-delivered = доставлено
status-retrying = повтор
status-failed = ошибка
copy = Копировать
copied = Скопировано
new-channel = Новый канал
channel-name = Название канала
description = Описание
create-channel = Создать канал
channel-menu = Меню канала
edit-channel = Изменить канал
members = Участники
add-member = Добавить участника
member-role = участник
manager-role = менеджер
webhooks = Вебхуки
webhooks-hint = Внешние сервисы смогут писать в этот канал.
manage = Управлять
new-webhook = Новый вебхук
no-webhooks = Вебхуков пока нет.
last-used = Последнее использование
never = никогда
profile-image = Изображение профиля
image-hint = PNG, JPEG, GIF или WebP, до 1 МиБ.
copy-url = Копировать URL
regenerate-url = Пересоздать URL
confirm-regenerate = Создать новый URL? Текущий сразу перестанет работать.
confirm-delete-webhook = Удалить вебхук? Его URL перестанет работать, сообщения останутся.
close = Закрыть
webhook-badge = Вебхук
edited = (изменено)
message-actions = Действия с сообщением
edit-message = Изменить
delete-message = Удалить сообщение
confirm-delete-message = Удалить это сообщение для всех?
copy-message-link = Копировать ссылку
deleted-webhook = Удалённый вебхук
load-older = Загрузить более ранние сообщения
loading-older = Загрузка более ранних сообщений…
channel-start = Это начало канала.
github-secret = Секрет GitHub
github-secret-hint = Для доставок GitHub на этот URL + /github: секрет из настроек вебхука в GitHub. Доставки без верной X-Hub-Signature-256 отклоняются.
github-secret-set = Секрет задан: доставки GitHub должны быть подписаны.
save-secret = Задать секрет
clear-secret = Удалить секрет
no-messages = Сообщений пока нет. Поздоровайтесь!
message-placeholder = Напишите сообщение… (Enter — отправить, Shift+Enter — новая строка)
send = Отправить
api-keys = API-ключи
api-keys-hint = Для скриптов: передавайте ключ как Authorization: Bearer sk-… в REST API.
key-name = Название ключа
create-key = Создать ключ
no-api-keys = API-ключей пока нет.
notification-webhook = Вебхук уведомлений
notification-webhook-hint = Parley отправляет сюда уведомление, когда ответ в чате готов. Для Slack, Discord, Google Chat и Teams используется их формат.
notify-when = Уведомлять
notify-away = только когда меня нет
notify-always = всегда
no-user-deliveries = Пока ничего не отправлено. Здесь появятся уведомления об ответах и тесты.
err-unauthorized = Пожалуйста, войдите.
err-forbidden = У вас нет прав на это действие.
err-not-found = Не найдено.
err-invalid-credentials = Неверная почта или пароль.
err-reply-in-progress = В этом чате ещё пишется ответ. Дождитесь его завершения.
err-email-taken = Аккаунт с такой почтой уже существует.
err-signup-disabled = Регистрация на этом сервере отключена.
err-rate-limited = Слишком много попыток. Повторите через { $n ->
        [one] { $n } секунду
        [few] { $n } секунды
        [many] { $n } секунд
       *[other] { $n } секунды
    }.
err-internal = На сервере произошла ошибка.

## Landmarks and uploads

admin-sections = Разделы администрирования
settings-sections = Разделы настроек
sidebar = Боковая панель
upload-failed-status = Не удалось загрузить ({ $status }).
upload-unreachable = Не удалось загрузить: сервер недоступен.
role-of = Роль пользователя { $name }

## Formats

date-time = { $day }.{ $month }.{ $year }, { $hour }:{ $minute }
deliveries-shown = { $n ->
        [one] { $n } доставка
        [few] { $n } доставки
        [many] { $n } доставок
       *[other] { $n } доставки
    }

## What the server says about bad input

err-email-invalid = Введите корректный адрес почты, например tim@example.com.
err-name-missing = Введите имя.
err-name-too-long = Имя может быть не длиннее { $max } символов.
err-password-too-short = Пароль должен содержать не менее { $min } символов.
err-password-too-long = Пароль может быть не длиннее { $max } символов.
err-own-role = Нельзя изменить собственную роль.
err-delete-self = Здесь нельзя удалить собственный аккаунт.
err-key-name = Дайте ключу имя длиной от 1 до { $max } символов.
err-too-many-keys = Не более { $max } API-ключей; сначала удалите один.
err-webhook-name-missing = Дайте вебхуку имя.
err-webhook-name-too-long = Имя вебхука может быть не длиннее { $max } символов.
err-profile-image = Изображение профиля должно быть загруженным файлом или http(s)-адресом.
err-github-secret-too-long = Секрет GitHub может быть не длиннее { $max } символов.
err-image-type = Загрузите изображение PNG, JPEG, GIF или WebP.
err-image-too-large = Изображение больше 1 МиБ.
err-account-pending = Этот аккаунт ещё ожидает одобрения.
err-message-too-long = Сообщение может быть не длиннее { $max } символов.
err-channel-name-missing = Введите название канала.
err-channel-name-too-long = Название канала может быть не длиннее { $max } символов.
err-message-empty = Сообщение пустое.
err-no-account-with-email = Нет аккаунта с адресом { $email }.
err-prompt-too-long = Запрос слишком длинный (не более { $max } символов).
err-prompt-missing = Сначала напишите запрос.
err-unknown-model = Неизвестная модель «{ $model }».
err-default-role = Роль новых пользователей по умолчанию — «ожидает» или «пользователь», но не «администратор».
err-control-chars = Имя не может содержать управляющие символы.
err-url-too-long = Адрес слишком длинный (не более { $max } символов).
err-url-invalid = Это некорректный адрес ({ $reason ->
        [no-scheme] в начале нужен http:// или https://
        [empty-host] имя хоста пустое
        [invalid-port] порт должен быть числом от 1 до 65535
        [invalid-ip] IP-адрес записан неверно
        [invalid-host] в имени хоста недопустимые символы
       *[other] его не удаётся разобрать
    }).
err-url-scheme = Адрес должен начинаться с http:// или https:// (а не с { $scheme }:).
err-url-no-host = В адресе нет имени хоста.
err-url-refused = Parley не будет отправлять туда вебхуки: { $kind ->
        [loopback] { $ip } — адрес обратной петли (loopback)
        [private] { $ip } — адрес частной сети
        [link-local] { $ip } — локальный адрес канала (link-local)
        [shared-cgnat] { $ip } — адрес NAT провайдера
        [metadata] { $ip } — адрес облачных метаданных
        [metadata-host] это имя хоста облачных метаданных
        [unresolved] имя хоста не удалось разрешить
       *[other] { $ip } — зарезервированный или не-unicast адрес
    }.
err-no-admin-url = Сначала сохраните адрес вебхука.
err-header-name = «{ $name }» — недопустимое имя заголовка.
err-header-reserved = Заголовок { $name } Parley задаёт сам.
err-header-twice = Заголовок { $name } указан дважды.
err-header-value-chars = Значение { $name } содержит символы, недопустимые в заголовке.
err-too-many-headers = Не более { $max } собственных заголовков.
err-header-value-missing = Введите значение для { $name }.
err-user-webhooks-off = Пользовательские вебхуки на этом сервере отключены.
err-no-user-url = Сначала сохраните адрес вебхука уведомлений.

## Events (SPEC E1): what each is, and the message chat services get

err-too-many-targets = Не более { $max } получателей вебхуков; сначала удалите один.
err-target-name-missing = Дайте получателю имя.
err-unknown-event = «{ $event }» — такого события Parley не отправляет (см. GET /api/events).
err-no-events = Выберите хотя бы одно событие.
event-user-created = Создан новый аккаунт (регистрация или добавление администратором).
event-user-role-updated = Изменилась роль аккаунта.
event-user-deleted = Аккаунт удалён.
event-auth-signin-failed = Повторные неудачные попытки входа в аккаунт.
event-chat-finished = Ответ в чате готов.
event-chat-failed = Не удалось получить ответ в чате.
event-channel-created = Создан канал.
event-channel-deleted = Канал удалён.
event-channel-member-added = В канал добавлен участник.
event-channel-member-removed = Участник удалён из канала.
event-channel-message = Новое сообщение в канале.
event-channel-webhook-created = В канал добавлен входящий вебхук.
event-channel-webhook-updated = Входящий вебхук переименован или получил новое изображение.
event-channel-webhook-regenerated = У входящего вебхука новый адрес.
event-channel-webhook-deleted = Входящий вебхук удалён.
event-webhook-delivery-failed = Доставка прекращена после последней попытки.
event-webhook-target-disabled = Получатель вебхуков отключён после нескольких дней ошибок.
event-config-updated = Администратор изменил настройки.
event-api-key-created = Создан API-ключ.
event-api-key-deleted = API-ключ удалён.
event-msg-user-role-updated = { $name } теперь: { $role }.
event-msg-user-deleted = Аккаунт { $name } удалён.
event-msg-signin-failed = Неудачных попыток входа подряд для { $email }: { $n }.
delete-channel = Удалить канал
delete-channel-hint = Удаляет канал, его сообщения и вебхуки для всех.
confirm-delete-channel = Удалить этот канал и все его сообщения для всех? URL его вебхуков перестанут работать. Это нельзя отменить.
event-my-channel-message = Новое сообщение в одном из моих каналов.
event-channel-mention = Новое сообщение в одном из моих каналов упоминает меня (@имя, @here, @channel).
event-msg-channel-created = Новый канал: #{ $channel }
event-msg-channel-deleted = Канал #{ $channel } удалён.
event-msg-channel-message = { $author } в #{ $channel }: { $text }
err-delete-default-target = Вебхук по умолчанию нельзя удалить; очистите его адрес, чтобы отключить.
event-webhooks = Вебхуки событий
event-webhooks-hint = Каждый вебхук получает только события, на которые подписан: все (*), группу (channel.*) или отдельные события. Вебхук по умолчанию — это URL вебхука выше.
add-webhook = Добавить вебхук
edit-target = Изменить
events-label = События
all-events = Все события
target-enabled = Включён
target-off = выключен
default-target = по умолчанию
confirm-delete-target = Удалить этот вебхук? Его доставки останутся в журнале.
event-msg-chat-failed = Ответ в чате «{ $title }» не получен: { $error }
notification-targets = Получатели уведомлений
notification-targets-hint = Отправляйте выбранные события в несколько мест: в чат-сервис, автоматизацию телефона, скрипт. Получатель по умолчанию — вебхук уведомлений выше.
add-target = Добавить получателя
make-default = Сделать основным
keep-url-hint = Сохранённые адреса показаны скрытыми; оставьте поле пустым, чтобы сохранить адрес.
event-msg-delivery-failed = Доставка { $event } получателю { $target } прекращена после последней попытки.
event-msg-target-disabled = Вебхук { $target } отключён после { $failures } неудачных попыток за несколько дней.
target-disabled-banner = Отключён { $date }, потому что доставки постоянно не проходили. Исправьте получателя и включите снова.
