//! Server functions: each checks who is calling, calls the domain layer and
//! maps its errors (status codes included) — nothing more.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::{
    AdminSettings, ApiKey, Channel, ChannelMember, ChannelMessage, ChannelRole, ChannelWebhook,
    Chat, ChatMessage as ChatMsg, ChatSummary, Delivery, EventDescription, EventWebhook, LogScope,
    ModelList, NotificationTarget, NotifyMode, Role, SessionInfo, TargetSecurity, User,
    UserWebhookView, WebhookTargetView,
};

#[cfg(feature = "ssr")]
pub mod ctx {
    //! Request context for server functions.
    use leptos::prelude::*;
    use std::net::{IpAddr, SocketAddr};

    use crate::error::AppError;
    use crate::model::{Role, User};
    use parley_core::{sessions, AppState};

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("server function ran without the app state in its context");
            AppError::Internal
        })
    }

    pub fn headers() -> http::HeaderMap {
        use_context::<http::request::Parts>()
            .map(|p| p.headers)
            .unwrap_or_default()
    }

    /// The client's address, through trusted proxies only (edge.rs).
    pub fn client_ip(state: &AppState) -> Option<IpAddr> {
        use_context::<http::request::Parts>().and_then(|p| {
            p.extensions
                .get::<axum::extract::ConnectInfo<SocketAddr>>()
                .map(|c| crate::edge::client_ip(c.0.ip(), &p.headers, &state.env.trusted_proxies))
        })
    }

    pub async fn caller(state: &AppState) -> Result<Option<User>, AppError> {
        crate::edge::signed_in(state, &headers()).await
    }

    /// The caller, who must have at least `min`: the REST routes' extractor
    /// (`edge::Require`) run on this request.
    pub async fn require(state: &AppState, min: Role) -> Result<User, AppError> {
        use crate::edge::{role, Require};
        use axum::extract::FromRequestParts;
        let mut parts = use_context::<http::request::Parts>().ok_or_else(|| {
            tracing::error!("server function ran without its request");
            AppError::Internal
        })?;
        let user = match min {
            Role::Pending => {
                Require::<role::Pending>::from_request_parts(&mut parts, state)
                    .await?
                    .0
            }
            Role::User => {
                Require::<role::User>::from_request_parts(&mut parts, state)
                    .await?
                    .0
            }
            Role::Admin => {
                Require::<role::Admin>::from_request_parts(&mut parts, state)
                    .await?
                    .0
            }
        };
        Ok(user)
    }

    /// Passes a result through, setting the HTTP status of an error.
    pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(err) = &result {
            if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
                opts.set_status(
                    http::StatusCode::from_u16(err.status())
                        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
                );
            }
        }
        result
    }

    /// The usual server function body: the caller must have at least
    /// `min`; `f` gets the state and the caller; errors set the status.
    pub async fn as_caller<T, F, Fut>(min: Role, f: F) -> Result<T, AppError>
    where
        F: FnOnce(AppState, User) -> Fut,
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        respond(
            async {
                let state = state()?;
                let user = require(&state, min).await?;
                f(state, user).await
            }
            .await,
        )
    }

    pub fn set_cookie(value: &str) {
        if let (Some(opts), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(value),
        ) {
            opts.append_header(http::header::SET_COOKIE, value);
        }
    }

    pub fn webhook_base(state: &AppState) -> String {
        use crate::edge::request_origin;
        use parley_core::channel_webhooks::base_url;
        base_url(
            &state.channel_webhooks,
            request_origin(&headers()).as_deref(),
        )
    }

    pub async fn start_session(state: &AppState, user: &User) -> Result<(), AppError> {
        let token = sessions::create(&state.db, &user.id, sessions::SessionKind::Browser).await?;
        set_cookie(&crate::edge::session_cookie(
            &token,
            state.env.secure_cookies,
        ));
        Ok(())
    }
}

#[server(prefix = "/api/fn", endpoint = "session")]
pub async fn get_session_info() -> Result<SessionInfo, AppError> {
    ctx::respond(
        async {
            let state = ctx::state()?;
            let user = ctx::caller(&state).await?;
            let locale =
                crate::edge::locale_for(user.as_ref(), &ctx::headers(), state.env.default_locale);
            Ok(SessionInfo {
                signup_enabled: state.config.enable_signup().await?
                    || parley_core::accounts::user_count(&state.db).await? == 0,
                user_webhooks_enabled: state.config.enable_user_webhooks().await?,
                user,
                locale,
            })
        }
        .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "sign_up")]
pub async fn sign_up(name: String, email: String, password: String) -> Result<(), AppError> {
    use parley_core::accounts::{create_account, Creator, NewAccount};
    ctx::respond(
        async {
            let state = ctx::state()?;
            state.signin_limiter.check_signup(ctx::client_ip(&state))?;
            let user = create_account(
                &state.accounts,
                NewAccount {
                    name,
                    email,
                    password,
                },
                Creator::SelfSignUp,
            )
            .await?;
            ctx::start_session(&state, &user).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use parley_core::accounts::verify_credentials;
    ctx::respond(
        async {
            let state = ctx::state()?;
            state.signin_limiter.check(ctx::client_ip(&state), &email)?;
            let user = verify_credentials(&state.accounts, &email, &password).await?;
            ctx::start_session(&state, &user).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    ctx::respond(
        async {
            let state = ctx::state()?;
            if let Some(token) = crate::edge::token_from_headers(&ctx::headers()) {
                parley_core::accounts::sign_out(&state.accounts, &token).await?;
            }
            ctx::set_cookie(&crate::edge::clear_session_cookie(state.env.secure_cookies));
            leptos_axum::redirect("/signin");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "set_locale")]
pub async fn set_locale(locale: Locale) -> Result<(), AppError> {
    use parley_core::accounts;
    ctx::respond(
        async {
            let state = ctx::state()?;
            if let Some(user) = ctx::caller(&state).await? {
                accounts::set_locale(&state.db, &user.id, locale).await?;
            }
            ctx::set_cookie(&crate::edge::locale_cookie(
                locale,
                state.env.secure_cookies,
            ));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "admin_list_users")]
pub async fn admin_list_users() -> Result<Vec<User>, AppError> {
    ctx::as_caller(Role::Admin, |state, _| async move {
        Ok(parley_core::accounts::list_users(&state.db).await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "admin_add_user")]
pub async fn admin_add_user(
    name: String,
    email: String,
    password: String,
    role: Role,
) -> Result<User, AppError> {
    use parley_core::accounts::{create_account, Creator, NewAccount};
    ctx::as_caller(Role::Admin, |state, _| async move {
        Ok(create_account(
            &state.accounts,
            NewAccount {
                name,
                email,
                password,
            },
            Creator::Admin(role),
        )
        .await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "admin_set_role")]
pub async fn admin_set_role(user_id: String, role: Role) -> Result<User, AppError> {
    ctx::respond(
        async {
            let state = ctx::state()?;
            let admin = ctx::require(&state, Role::Admin).await?;
            Ok(parley_core::accounts::set_role(&state.accounts, &admin, &user_id, role).await?)
        }
        .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "admin_delete_user")]
pub async fn admin_delete_user(user_id: String) -> Result<(), AppError> {
    ctx::respond(
        async {
            let state = ctx::state()?;
            let admin = ctx::require(&state, Role::Admin).await?;
            Ok(parley_core::accounts::delete_user(&state.accounts, &admin, &user_id).await?)
        }
        .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "admin_get_settings")]
pub async fn admin_get_settings() -> Result<AdminSettings, AppError> {
    ctx::as_caller(Role::Admin, |state, _| async move {
        Ok(state.config.admin_settings().await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "admin_save_settings")]
pub async fn admin_save_settings(settings: AdminSettings) -> Result<AdminSettings, AppError> {
    ctx::as_caller(Role::Admin, |state, _| async move {
        state.config.save_admin_settings(&settings).await?;
        Ok(state.config.admin_settings().await?)
    })
    .await
}

// ---- Admin webhook (SPEC A1, D4, D5) ----

#[server(prefix = "/api/fn", endpoint = "admin_get_webhook")]
pub async fn admin_get_webhook() -> Result<WebhookTargetView, AppError> {
    ctx::as_caller(Role::Admin, |state, _| async move {
        Ok(parley_core::webhooks::admin::view(&state.admin_webhooks).await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "admin_save_webhook_url")]
pub async fn admin_save_webhook_url(url: String) -> Result<WebhookTargetView, AppError> {
    use parley_core::webhooks::admin;
    ctx::as_caller(Role::Admin, |state, _| async move {
        admin::save_url(&state.admin_webhooks, &url).await?;
        Ok(admin::view(&state.admin_webhooks).await?)
    })
    .await
}

// ---- Admin event webhooks (SPEC E1, E2) ----

/// The event catalog, described in the caller's language.
#[server(prefix = "/api/fn", endpoint = "list_event_catalog")]
pub async fn list_event_catalog() -> Result<Vec<EventDescription>, AppError> {
    ctx::as_caller(Role::Admin, |state, user| async move {
        let locale =
            crate::edge::locale_for(Some(&user), &ctx::headers(), state.env.default_locale);
        Ok(parley_core::events::CATALOG
            .iter()
            .map(|e| EventDescription {
                name: e.name.to_string(),
                description: e.description.text(locale),
            })
            .collect())
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "list_event_webhooks")]
pub async fn list_event_webhooks() -> Result<Vec<EventWebhook>, AppError> {
    ctx::as_caller(Role::Admin, |state, _| async move {
        Ok(parley_core::webhooks::admin::list_event_webhooks(&state.admin_webhooks).await?)
    })
    .await
}

/// Adds (`id` empty) or changes an admin event webhook.
#[server(prefix = "/api/fn", endpoint = "save_event_webhook", input = leptos::server_fn::codec::Json)]
pub async fn save_event_webhook(
    id: Option<String>,
    name: String,
    url: String,
    enabled: bool,
    events: Vec<String>,
) -> Result<EventWebhook, AppError> {
    use parley_core::webhooks::admin::{self, EventWebhookInput};
    ctx::as_caller(Role::Admin, |state, _| async move {
        let input = EventWebhookInput {
            name,
            url,
            enabled,
            events,
        };
        Ok(match id.filter(|i| !i.is_empty()) {
            Some(id) => admin::update_event_webhook(&state.admin_webhooks, &id, &input).await,
            None => admin::create_event_webhook(&state.admin_webhooks, &input).await,
        }?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "delete_event_webhook")]
pub async fn delete_event_webhook(id: String) -> Result<(), AppError> {
    ctx::as_caller(Role::Admin, |state, _| async move {
        Ok(parley_core::webhooks::admin::delete_event_webhook(&state.admin_webhooks, &id).await?)
    })
    .await
}

// ---- A user's notification targets (SPEC E3) ----

#[server(prefix = "/api/fn", endpoint = "list_notification_targets")]
pub async fn list_notification_targets() -> Result<Vec<NotificationTarget>, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::webhooks::user::list_targets(&state.user_webhooks, &user).await?)
    })
    .await
}

/// Adds (`id` empty) or changes one of the caller's targets.
#[server(prefix = "/api/fn", endpoint = "save_notification_target", input = leptos::server_fn::codec::Json)]
pub async fn save_notification_target(
    id: Option<String>,
    name: String,
    url: String,
    enabled: bool,
    events: Vec<String>,
    mode: NotifyMode,
) -> Result<NotificationTarget, AppError> {
    use parley_core::webhooks::user::{self, NotificationTargetInput};
    ctx::as_caller(Role::User, |state, caller| async move {
        let input = NotificationTargetInput {
            name,
            url,
            enabled,
            events,
            mode,
        };
        Ok(match id.filter(|i| !i.is_empty()) {
            Some(id) => user::update_target(&state.user_webhooks, &caller, &id, &input).await,
            None => user::create_target(&state.user_webhooks, &caller, &input).await,
        }?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "delete_notification_target")]
pub async fn delete_notification_target(id: String) -> Result<(), AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::webhooks::user::delete_target(&state.user_webhooks, &user, &id).await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "make_default_notification_target")]
pub async fn make_default_notification_target(id: String) -> Result<(), AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::webhooks::user::make_default(&state.user_webhooks, &user, &id).await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "test_notification_target")]
pub async fn test_notification_target(id: String) -> Result<String, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(
            parley_core::webhooks::user::test_target(&state.user_webhooks, &user, &id)
                .await?
                .into_string(),
        )
    })
    .await
}

/// The target a secret/header change is for: the admin's default target
/// (admins) or the caller's own default notification target (refused while
/// switched off).
#[cfg(feature = "ssr")]
async fn credential_target(
    state: &parley_core::AppState,
    scope: LogScope,
) -> Result<parley_core::ids::TargetId, AppError> {
    use parley_core::webhooks::targets;
    match scope {
        LogScope::Admin => {
            let target = log_target(state, scope).await?;
            Ok(targets::ensure_default(&state.db, &target).await?)
        }
        LogScope::Mine => {
            let user = ctx::require(state, Role::User).await?;
            Ok(parley_core::webhooks::user::own_target(&state.user_webhooks, &user).await?)
        }
    }
}

/// A new signing secret for the target; the only time it is shown.
#[server(prefix = "/api/fn", endpoint = "regenerate_webhook_secret")]
pub async fn regenerate_webhook_secret(scope: LogScope) -> Result<String, AppError> {
    ctx::respond(
        async {
            let state = ctx::state()?;
            let target = credential_target(&state, scope).await?;
            Ok(
                parley_core::webhooks::credentials::regenerate_secret(&state.vault, &target)
                    .await?,
            )
        }
        .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "remove_webhook_secret")]
pub async fn remove_webhook_secret(scope: LogScope) -> Result<TargetSecurity, AppError> {
    use parley_core::webhooks::credentials;
    ctx::respond(
        async {
            let state = ctx::state()?;
            let target = credential_target(&state, scope).await?;
            credentials::clear_secret(&state.vault, &target).await?;
            Ok(credentials::security(&state.vault, &target).await?)
        }
        .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "save_webhook_headers", input = leptos::server_fn::codec::Json)]
pub async fn save_webhook_headers(
    scope: LogScope,
    headers: Vec<(String, String)>,
) -> Result<TargetSecurity, AppError> {
    ctx::respond(
        async {
            let state = ctx::state()?;
            let target = credential_target(&state, scope).await?;
            Ok(
                parley_core::webhooks::credentials::save_headers(&state.vault, &target, headers)
                    .await?,
            )
        }
        .await,
    )
}

// ---- Channels (SPEC W4) and their webhooks (SPEC C1) ----

#[server(prefix = "/api/fn", endpoint = "list_channels")]
pub async fn list_channels() -> Result<Vec<Channel>, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::channels::list_for(&state.db, &user).await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "create_channel")]
pub async fn create_channel(name: String, description: String) -> Result<Channel, AppError> {
    ctx::as_caller(Role::Admin, |state, user| async move {
        Ok(parley_core::channels::create(&state.channels, &user, &name, &description).await?)
    })
    .await
}

/// Deletes a channel with its messages and webhooks; admins only.
#[server(prefix = "/api/fn", endpoint = "delete_channel")]
pub async fn delete_channel(channel_id: String) -> Result<(), AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::channels::delete(&state.channels, &user, &channel_id).await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "get_channel")]
pub async fn get_channel(channel_id: String) -> Result<Channel, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::channels::get(&state.db, &user, &channel_id).await?)
    })
    .await
}

/// A channel and its newest page of messages, in one call (the channel
/// page's first render).
#[server(prefix = "/api/fn", endpoint = "channel_page")]
pub async fn channel_page(channel_id: String) -> Result<(Channel, Vec<ChannelMessage>), AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        use parley_core::channels;
        let channel = channels::get(&state.db, &user, &channel_id).await?;
        let page = channels::HistoryPage::newest(CHANNEL_PAGE);
        let messages = channels::messages(&state.db, &user, &channel_id, &page, false).await?;
        Ok((channel, messages))
    })
    .await
}

/// Messages the channel view loads at a time (SPEC W4b).
pub const CHANNEL_PAGE: i64 = 50;

/// A page of a channel's history, oldest first: the newest
/// `CHANNEL_PAGE`, or those just older than `before` (a message id).
#[server(prefix = "/api/fn", endpoint = "channel_messages")]
pub async fn channel_messages(
    channel_id: String,
    before: Option<String>,
) -> Result<Vec<ChannelMessage>, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        let page = parley_core::channels::HistoryPage {
            limit: CHANNEL_PAGE,
            skip: 0,
            before: before.filter(|b| !b.is_empty()),
        };
        Ok(parley_core::channels::messages(&state.db, &user, &channel_id, &page, false).await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "post_channel_message")]
pub async fn post_channel_message(
    channel_id: String,
    content: String,
) -> Result<ChannelMessage, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(
            parley_core::channels::post_as_user(&state.channels, &user, &channel_id, &content)
                .await?,
        )
    })
    .await
}

/// SPEC W8: the author edits their own message.
#[server(prefix = "/api/fn", endpoint = "edit_channel_message")]
pub async fn edit_channel_message(
    channel_id: String,
    message_id: String,
    content: String,
) -> Result<ChannelMessage, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::channels::edit_own_message(
            &state.channels,
            &user,
            &channel_id,
            &message_id,
            &content,
        )
        .await?)
    })
    .await
}

/// SPEC W8: the author, a channel manager or an admin deletes a message.
#[server(prefix = "/api/fn", endpoint = "delete_channel_message")]
pub async fn delete_channel_message(
    channel_id: String,
    message_id: String,
) -> Result<(), AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(
            parley_core::channels::delete_message(&state.channels, &user, &channel_id, &message_id)
                .await?,
        )
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "channel_members")]
pub async fn channel_members(channel_id: String) -> Result<Vec<ChannelMember>, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::channels::members(&state.db, &user, &channel_id).await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "set_channel_member")]
pub async fn set_channel_member(
    channel_id: String,
    email: String,
    role: ChannelRole,
) -> Result<(), AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(
            parley_core::channels::set_member(&state.channels, &user, &channel_id, &email, role)
                .await?,
        )
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "remove_channel_member")]
pub async fn remove_channel_member(channel_id: String, user_id: String) -> Result<(), AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(
            parley_core::channels::remove_member(&state.channels, &user, &channel_id, &user_id)
                .await?,
        )
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "channel_webhooks")]
pub async fn channel_webhooks(channel_id: String) -> Result<Vec<ChannelWebhook>, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::channel_webhooks::list(
            &state.channel_webhooks,
            &user,
            &channel_id,
            &ctx::webhook_base(&state),
        )
        .await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "create_channel_webhook")]
pub async fn create_channel_webhook(channel_id: String) -> Result<ChannelWebhook, AppError> {
    use parley_core::channel_webhooks::{create, DEFAULT_NAME};
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(create(
            &state.channel_webhooks,
            &user,
            &channel_id,
            DEFAULT_NAME,
            None,
            &ctx::webhook_base(&state),
        )
        .await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "update_channel_webhook")]
pub async fn update_channel_webhook(
    channel_id: String,
    webhook_id: String,
    name: String,
) -> Result<ChannelWebhook, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        let base = ctx::webhook_base(&state);
        Ok(parley_core::channel_webhooks::update(
            &state.channel_webhooks,
            &user,
            &channel_id,
            &webhook_id,
            Some(&name),
            None,
            &base,
        )
        .await?)
    })
    .await
}

/// Sets or (empty) clears a webhook's GitHub secret (SPEC C9).
#[server(prefix = "/api/fn", endpoint = "set_channel_webhook_github_secret")]
pub async fn set_channel_webhook_github_secret(
    channel_id: String,
    webhook_id: String,
    secret: String,
) -> Result<ChannelWebhook, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        let base = ctx::webhook_base(&state);
        Ok(parley_core::channel_webhooks::set_github_secret(
            &state.channel_webhooks,
            &user,
            &channel_id,
            &webhook_id,
            &secret,
            &base,
        )
        .await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "regenerate_channel_webhook")]
pub async fn regenerate_channel_webhook(
    channel_id: String,
    webhook_id: String,
) -> Result<ChannelWebhook, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        let base = ctx::webhook_base(&state);
        Ok(parley_core::channel_webhooks::regenerate(
            &state.channel_webhooks,
            &user,
            &channel_id,
            &webhook_id,
            &base,
        )
        .await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "delete_channel_webhook")]
pub async fn delete_channel_webhook(
    channel_id: String,
    webhook_id: String,
) -> Result<(), AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::channel_webhooks::delete(
            &state.channel_webhooks,
            &user,
            &channel_id,
            &webhook_id,
        )
        .await?)
    })
    .await
}

// ---- API keys (SPEC §7) ----

#[server(prefix = "/api/fn", endpoint = "list_api_keys")]
pub async fn list_api_keys() -> Result<Vec<ApiKey>, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::api_keys::list(&state.db, &user).await?)
    })
    .await
}

/// Returns the new key's secret; it is shown once.
#[server(prefix = "/api/fn", endpoint = "create_api_key")]
pub async fn create_api_key(name: String) -> Result<String, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::api_keys::create(&state.api_keys, &user, &name)
            .await
            .map(|(_, secret)| secret)?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "delete_api_key")]
pub async fn delete_api_key(id: String) -> Result<(), AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        parley_core::api_keys::delete(&state.api_keys, &user, &id).await?;
        // A socket opened with the key re-checks it and closes.
        state
            .hub
            .send_to_user(&user.id, crate::model::ServerEvent::SessionChanged);
        Ok(())
    })
    .await
}

// ---- A user's notification webhook (SPEC U1, U2, U5) and delivery logs ----

#[server(prefix = "/api/fn", endpoint = "get_user_webhook")]
pub async fn get_user_webhook() -> Result<UserWebhookView, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::webhooks::user::view(&state.user_webhooks, &user).await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "save_user_webhook")]
pub async fn save_user_webhook(url: String, mode: NotifyMode) -> Result<UserWebhookView, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::webhooks::user::save(&state.user_webhooks, &user, &url, mode).await?)
    })
    .await
}

#[cfg(feature = "ssr")]
async fn log_target(
    state: &parley_core::AppState,
    scope: LogScope,
) -> Result<parley_core::webhooks::store::Target, AppError> {
    use parley_core::webhooks::store::Target;
    Ok(match scope {
        LogScope::Admin => {
            ctx::require(state, Role::Admin).await?;
            Target::Admin
        }
        LogScope::Mine => Target::User(ctx::require(state, Role::User).await?.id),
    })
}

/// The caller's delivery log (`scope`), or one target's part of it.
#[server(prefix = "/api/fn", endpoint = "list_deliveries")]
pub async fn list_deliveries(
    scope: LogScope,
    #[server(default)] target_id: Option<String>,
) -> Result<Vec<Delivery>, AppError> {
    use parley_core::webhooks::store;
    ctx::respond(
        async {
            let state = ctx::state()?;
            let target = log_target(&state, scope).await?;
            Ok(match target_id {
                Some(id) => store::list_of_target(&state.db, &target, &id, 50).await?,
                None => store::list(&state.db, &target, 50).await?,
            })
        }
        .await,
    )
}

/// A test delivery to the caller's default target, or to `target_id`.
#[server(prefix = "/api/fn", endpoint = "send_test_delivery")]
pub async fn send_test_delivery(
    scope: LogScope,
    #[server(default)] target_id: Option<String>,
) -> Result<String, AppError> {
    use parley_core::webhooks::{admin, user};
    ctx::respond(
        async {
            let state = ctx::state()?;
            match scope {
                LogScope::Admin => {
                    let caller = ctx::require(&state, Role::Admin).await?;
                    state.manual_deliveries.check(&caller.id)?;
                    Ok(match target_id {
                        Some(id) => admin::send_test_to(&state.admin_webhooks, &id).await?,
                        None => admin::send_test(&state.admin_webhooks).await?,
                    })
                }
                LogScope::Mine => {
                    let caller = ctx::require(&state, Role::User).await?;
                    Ok(match target_id {
                        // `test_target` counts it against the caller's quota.
                        Some(id) => user::test_target(&state.user_webhooks, &caller, &id).await?,
                        None => {
                            state.manual_deliveries.check(&caller.id)?;
                            user::send_test(&state.user_webhooks, &caller).await?
                        }
                    })
                }
            }
            .map(String::from)
        }
        .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "redeliver_delivery")]
pub async fn redeliver_delivery(scope: LogScope, id: String) -> Result<(), AppError> {
    ctx::respond(
        async {
            let state = ctx::state()?;
            let target = log_target(&state, scope).await?;
            let caller = ctx::require(&state, Role::User).await?;
            if scope == LogScope::Mine {
                // Switched off means nothing goes out to users' URLs, not
                // even what was already in the log.
                parley_core::webhooks::user::refuse_when_off(
                    state.config.enable_user_webhooks().await?,
                )?;
            }
            state.manual_deliveries.check(&caller.id)?;
            let id = parley_core::ids::DeliveryId::from(id);
            parley_core::webhooks::store::redeliver(&state.db, &target, &id).await?;
            state.outbox.deliveries_changed(&target).await;
            Ok(())
        }
        .await,
    )
}

// ---- Chats (SPEC W3) ----

#[server(prefix = "/api/fn", endpoint = "list_models")]
pub async fn list_models() -> Result<ModelList, AppError> {
    ctx::as_caller(Role::User, |state, _| async move {
        Ok(state.chats.models.list().await)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "list_chats")]
pub async fn list_chats() -> Result<Vec<ChatSummary>, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::chats::list(&state.db, &user).await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "get_chat")]
pub async fn get_chat(chat_id: String) -> Result<Chat, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::chats::get(&state.chats, &user, &chat_id).await?)
    })
    .await
}

/// Starts a chat with its first prompt; the reply streams over the socket.
#[server(prefix = "/api/fn", endpoint = "start_chat")]
pub async fn start_chat(model: String, prompt: String) -> Result<Chat, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        let base = ctx::webhook_base(&state);
        Ok(parley_core::chats::start(&state.chats, &user, &model, &prompt, &base).await?)
    })
    .await
}

/// Adds a prompt to a chat: returns the saved prompt and the reply row.
#[server(prefix = "/api/fn", endpoint = "send_chat_prompt")]
pub async fn send_chat_prompt(chat_id: String, prompt: String) -> Result<Vec<ChatMsg>, AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        let base = ctx::webhook_base(&state);
        Ok(parley_core::chats::send(&state.chats, &user, &chat_id, &prompt, &base).await?)
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "delete_chat")]
pub async fn delete_chat(chat_id: String) -> Result<(), AppError> {
    ctx::as_caller(Role::User, |state, user| async move {
        Ok(parley_core::chats::delete(&state.chats, &user, &chat_id).await?)
    })
    .await
}
