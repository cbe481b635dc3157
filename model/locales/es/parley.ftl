# Parley — Spanish UI texts (Fluent: https://projectfluent.org/).
app-tagline = El espacio de chat de tu equipo
sign-in = Iniciar sesión
sign-up = Registrarse
sign-out = Cerrar sesión
sign-in-title = Inicia sesión en Parley
sign-up-title = Crea tu cuenta de Parley
first-account-hint = La primera cuenta será la de administrador.
name = Nombre
email = Correo electrónico
password = Contraseña
password-hint = Al menos 8 caracteres.
create-account = Crear cuenta
no-account = ¿No tienes cuenta?
have-account = ¿Ya tienes cuenta?
working = Espera…
loading = Cargando…
signup-closed = Los registros están desactivados. Pide una cuenta a un administrador.
pending-title = Activación de cuenta pendiente
pending-body = Tu cuenta espera la aprobación de un administrador. Esta página cambiará sola en cuanto te aprueben.
chats = Chats
channels = Canales
new-chat = Nuevo chat
no-chats = Aún no hay chats.
model = Modelo
built-in = integrado, sin conexión
prompt-placeholder = Enviar un mensaje…
new-chat-heading = ¿De qué hablamos?
new-chat-hint = Elige un modelo y envía tu primer mensaje; será el título del chat. Las respuestas se siguen escribiendo aunque cierres la pestaña.
writing = Escribiendo…
reply-failed = El modelo no pudo terminar esta respuesta:
endpoint-unavailable = No se pudo consultar el endpoint compatible con OpenAI; solo se ofrecen los modelos integrados.
delete-chat = Eliminar chat
confirm-delete-chat = ¿Eliminar este chat y todos sus mensajes? No se puede deshacer.
send-hint = Intro envía, Mayús+Intro añade una línea.
you-label = Tú
no-channels = Aún no hay canales.
welcome = Bienvenido, { $name }
welcome-body = Empieza un chat o abre un canal desde la barra lateral.
settings = Ajustes
admin-panel = Panel de administración
users = Usuarios
general = General
account = Cuenta
language = Idioma
language-hint = Se usa en la interfaz y en tus notificaciones.
save = Guardar
saving = Guardando…
saved = Guardado
role = Rol
created = Creado
actions = Acciones
delete = Eliminar
cancel = Cancelar
confirm-delete-user = ¿Eliminar este usuario y todo lo suyo? No se puede deshacer.
you = tú
no-users = No hay usuarios.
authentication = Autenticación
enable-signup = Permitir nuevos registros
default-role = Rol predeterminado
features = Funciones
user-webhooks = Webhooks de usuario
user-webhooks-hint = Permite a los usuarios recibir un webhook cuando una respuesta esté lista mientras están ausentes.
role-pending = pendiente
role-user = usuario
role-admin = administrador
profile = Perfil
live = En vivo
offline = Reconectando…
not-found-title = Página no encontrada
back-home = Volver a Parley
menu = Menú
new-user-signed-up = Nuevo usuario registrado: { $name }
webhook-test-message = Notificación de prueba de Parley: tu webhook funciona.
webhook = Webhook
webhook-url = URL del webhook
webhook-url-hint = Parley envía aquí cada nuevo registro. Las URL de Slack, Discord, Google Chat y Teams reciben su propio formato. Déjalo vacío para desactivarlo.
from-env = Definida por WEBHOOK_URL hasta que guardes una aquí.
signing-secret = Secreto de firma
signing-secret-hint = Con un secreto, cada petición lleva las cabeceras de firma de Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).
secret-set = Hay un secreto configurado.
no-secret = Sin secreto: las peticiones no se firman.
generate-secret = Generar secreto
regenerate-secret = Regenerar secreto
remove-secret = Quitar secreto
secret-once = Cópialo ahora: solo se muestra una vez.
custom-headers = Cabeceras personalizadas
custom-headers-hint = Se envían con cada petición, p. ej. Authorization. Se guardan cifradas; los valores no se vuelven a mostrar: déjalo vacío para conservarlo.
header-name = Cabecera
header-value = Valor
add-header = Añadir cabecera
remove = Quitar
keep-value = (sin cambios)
delivery-log = Entregas
no-deliveries = Aún no se ha enviado nada. Los registros y las pruebas aparecen aquí.
send-test = Enviar prueba
redeliver = Reenviar
event = Evento
status = Estado
attempts = Intentos
http-status = HTTP
latency = Latencia
next-attempt = Próximo intento
response = Respuesta
status-pending = pendiente
status-delivering = enviando
status-delivered = entregado
status-retrying = reintentando
status-failed = fallido
copy = Copiar
copied = Copiado
new-channel = Nuevo canal
channel-name = Nombre del canal
description = Descripción
create-channel = Crear canal
channel-menu = Menú del canal
edit-channel = Editar canal
members = Miembros
add-member = Añadir miembro
member-role = miembro
manager-role = gestor
webhooks = Webhooks
webhooks-hint = Permite que herramientas externas publiquen en este canal.
manage = Gestionar
new-webhook = Nuevo webhook
no-webhooks = Aún no hay webhooks.
last-used = Último uso
never = nunca
profile-image = Imagen de perfil
image-hint = PNG, JPEG, GIF o WebP, hasta 1 MiB.
copy-url = Copiar URL
regenerate-url = Regenerar URL
confirm-regenerate = ¿Crear una URL nueva? La actual dejará de funcionar al instante.
confirm-delete-webhook = ¿Eliminar este webhook? Su URL dejará de funcionar; sus mensajes se quedan.
close = Cerrar
webhook-badge = Webhook
edited = (editado)
message-actions = Acciones del mensaje
edit-message = Editar
delete-message = Eliminar mensaje
confirm-delete-message = ¿Eliminar este mensaje para todos?
copy-message-link = Copiar enlace
deleted-webhook = Webhook eliminado
load-older = Cargar mensajes anteriores
loading-older = Cargando mensajes anteriores…
channel-start = Este es el comienzo del canal.
github-secret = Secreto de GitHub
github-secret-hint = Para los envíos de GitHub a esta URL + /github: el secreto de la configuración del webhook en GitHub. Se rechazan los envíos sin una X-Hub-Signature-256 válida.
github-secret-set = Hay un secreto: los envíos de GitHub deben ir firmados.
save-secret = Establecer secreto
clear-secret = Quitar secreto
no-messages = Aún no hay mensajes. ¡Saluda!
message-placeholder = Escribe un mensaje… (Intro envía, Mayús+Intro para nueva línea)
send = Enviar
api-keys = Claves API
api-keys-hint = Para scripts: envía una clave como Authorization: Bearer sk-… a la API REST.
key-name = Nombre de la clave
create-key = Crear clave
no-api-keys = Aún no hay claves API.
notification-webhook = Webhook de notificación
notification-webhook-hint = Parley envía aquí cuando una respuesta está lista. Las URL de Slack, Discord, Google Chat y Teams reciben su propio formato.
notify-when = Notificarme
notify-away = solo cuando no estoy
notify-always = siempre
no-user-deliveries = Aún no se ha enviado nada. Los avisos de respuestas y las pruebas aparecen aquí.
err-unauthorized = Inicia sesión.
err-forbidden = No tienes permiso para hacer esto.
err-not-found = No encontrado.
err-invalid-credentials = Correo o contraseña incorrectos.
err-reply-in-progress = Todavía se está escribiendo una respuesta en este chat. Espera a que termine.
err-email-taken = Ya existe una cuenta con este correo.
err-signup-disabled = Los registros están desactivados en este servidor.
err-rate-limited = Demasiados intentos. Inténtalo de nuevo en { $n ->
        [one] { $n } segundo
       *[other] { $n } segundos
    }.
err-internal = Algo salió mal en el servidor.

## Landmarks and uploads

admin-sections = Secciones de administración
settings-sections = Secciones de ajustes
sidebar = Barra lateral
upload-failed-status = No se pudo subir ({ $status }).
upload-unreachable = No se pudo subir: no se pudo contactar con el servidor.
role-of = Rol de { $name }

## Formats

date-time = { $day }/{ $month }/{ $year }, { $hour }:{ $minute }
deliveries-shown = { $n ->
        [one] { $n } entrega
       *[other] { $n } entregas
    }

## What the server says about bad input

err-email-invalid = Introduce un correo electrónico válido, como tim@example.com.
err-name-missing = Introduce tu nombre.
err-name-too-long = El nombre puede tener como máximo { $max } caracteres.
err-password-too-short = La contraseña debe tener al menos { $min } caracteres.
err-password-too-long = La contraseña puede tener como máximo { $max } caracteres.
err-own-role = No puedes cambiar tu propio rol.
err-delete-self = Aquí no puedes eliminar tu propia cuenta.
err-key-name = Ponle a la clave un nombre de 1 a { $max } caracteres.
err-too-many-keys = Como máximo { $max } claves de API; elimina una primero.
err-webhook-name-missing = Ponle un nombre al webhook.
err-webhook-name-too-long = El nombre de un webhook puede tener como máximo { $max } caracteres.
err-profile-image = La imagen de perfil debe ser una imagen subida o una URL http(s).
err-github-secret-too-long = Un secreto de GitHub puede tener como máximo { $max } caracteres.
err-image-type = Sube una imagen PNG, JPEG, GIF o WebP.
err-image-too-large = La imagen ocupa más de 1 MiB.
err-account-pending = Esta cuenta aún espera aprobación.
err-message-too-long = Un mensaje puede tener como máximo { $max } caracteres.
err-channel-name-missing = Introduce un nombre de canal.
err-channel-name-too-long = El nombre de un canal puede tener como máximo { $max } caracteres.
err-message-empty = El mensaje está vacío.
err-no-account-with-email = Ninguna cuenta usa { $email }.
err-prompt-too-long = El mensaje es demasiado largo (como máximo { $max } caracteres).
err-prompt-missing = Escribe primero un mensaje.
err-unknown-model = Modelo desconocido «{ $model }».
err-default-role = El rol predeterminado de los nuevos usuarios puede ser «pendiente» o «usuario», no «administrador».
err-control-chars = Un nombre no puede contener caracteres de control.
err-url-too-long = La URL es demasiado larga (como máximo { $max } caracteres).
err-url-invalid = No es una URL válida ({ $reason ->
        [no-scheme] le falta http:// o https:// al principio
        [empty-host] el nombre de host está vacío
        [invalid-port] el puerto no es un número de 1 a 65535
        [invalid-ip] la dirección IP está mal formada
        [invalid-host] el nombre de host tiene caracteres no permitidos
       *[other] no se puede leer
    }).
err-url-scheme = La URL debe empezar por http:// o https:// (no por { $scheme }:).
err-url-no-host = La URL no tiene nombre de host.
err-url-refused = Parley no enviará webhooks ahí: { $kind ->
        [loopback] { $ip } es una dirección de loopback
        [private] { $ip } es una dirección de red privada
        [link-local] { $ip } es una dirección de enlace local
        [shared-cgnat] { $ip } es una dirección de NAT de operador
        [metadata] { $ip } es una dirección de metadatos de la nube
        [metadata-host] es un nombre de host de metadatos de la nube
        [unresolved] el nombre de host no se pudo resolver
       *[other] { $ip } es una dirección reservada o no unicast
    }.
err-no-admin-url = Guarda primero una URL de webhook.
err-header-name = «{ $name }» no es un nombre de cabecera válido.
err-header-reserved = Parley pone la cabecera { $name } por su cuenta.
err-header-twice = La cabecera { $name } aparece dos veces.
err-header-value-chars = El valor de { $name } tiene caracteres que una cabecera no admite.
err-too-many-headers = Como máximo { $max } cabeceras personalizadas.
err-header-value-missing = Introduce un valor para { $name }.
err-user-webhooks-off = Los webhooks de usuario están desactivados en este servidor.
err-no-user-url = Guarda primero la URL del webhook de notificaciones.

## Events (SPEC E1): what each is, and the message chat services get

err-too-many-targets = Como máximo { $max } destinos de webhook; elimina uno primero.
err-target-name-missing = Ponle un nombre al destino.
err-unknown-event = «{ $event }» no es un evento que Parley envíe (consulta GET /api/events).
err-no-events = Elige al menos un evento.
event-user-created = Se creó una cuenta nueva (registro o alta por un administrador).
event-user-role-updated = Cambió el rol de una cuenta.
event-user-deleted = Se eliminó una cuenta.
event-auth-signin-failed = Inicios de sesión fallidos repetidos en una cuenta.
event-chat-finished = Una respuesta del chat está lista.
event-chat-failed = Falló una respuesta del chat.
event-channel-created = Se creó un canal.
event-channel-deleted = Se eliminó un canal.
event-channel-member-added = Se añadió a alguien a un canal.
event-channel-member-removed = Se quitó a alguien de un canal.
event-channel-message = Un mensaje nuevo en un canal.
event-channel-webhook-created = Se añadió un webhook entrante a un canal.
event-channel-webhook-updated = Se renombró un webhook entrante o cambió su imagen.
event-channel-webhook-regenerated = Un webhook entrante tiene una URL nueva.
event-channel-webhook-deleted = Se eliminó un webhook entrante.
event-webhook-delivery-failed = Una entrega se abandonó tras su último intento.
event-webhook-target-disabled = Se desactivó un destino de webhook tras días de fallos.
event-config-updated = Un administrador cambió los ajustes.
event-api-key-created = Se creó una clave de API.
event-api-key-deleted = Se eliminó una clave de API.
event-msg-user-role-updated = { $name } ahora es { $role }.
event-msg-user-deleted = Se eliminó la cuenta de { $name }.
event-msg-signin-failed = { $n } inicios de sesión fallidos seguidos para { $email }.
delete-channel = Eliminar canal
delete-channel-hint = Elimina el canal, sus mensajes y sus webhooks para todos.
confirm-delete-channel = ¿Eliminar este canal y todos sus mensajes para todos? Sus URL de webhook dejarán de funcionar. No se puede deshacer.
event-my-channel-message = Un mensaje nuevo en uno de mis canales.
event-channel-mention = Un mensaje nuevo en uno de mis canales me menciona (@nombre, @here, @channel).
event-msg-channel-created = Canal nuevo: #{ $channel }
event-msg-channel-deleted = Se eliminó el canal #{ $channel }.
event-msg-channel-message = { $author } en #{ $channel }: { $text }
err-delete-default-target = El webhook predeterminado no se puede eliminar; vacía su URL para desactivarlo.
event-webhooks = Webhooks de eventos
event-webhooks-hint = Cada webhook recibe solo los eventos a los que se suscribe: todos (*), un grupo (channel.*) o eventos sueltos. El predeterminado es la URL de webhook de arriba.
add-webhook = Añadir webhook
edit-target = Editar
events-label = Eventos
all-events = Todos los eventos
target-enabled = Activado
target-off = desactivado
default-target = predeterminado
confirm-delete-target = ¿Eliminar este webhook? Sus entregas siguen en el registro.
event-msg-chat-failed = La respuesta en «{ $title }» falló: { $error }
notification-targets = Destinos de notificaciones
notification-targets-hint = Envía los eventos elegidos a varios sitios: un servicio de chat, la automatización de tu teléfono, un script. El destino predeterminado es el webhook de notificaciones de arriba.
add-target = Añadir destino
make-default = Predeterminar
keep-url-hint = Las URL guardadas se muestran ocultas; deja el campo vacío para conservarla.
event-msg-delivery-failed = Una entrega { $event } a { $target } se abandonó tras su último intento.
event-msg-target-disabled = El webhook { $target } se desactivó tras { $failures } intentos fallidos durante varios días.
target-disabled-banner = Desactivado el { $date } porque fallaba una y otra vez. Arregla el receptor y vuelve a activarlo.
