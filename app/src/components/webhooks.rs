//! Outgoing webhook settings and the delivery log (SPEC A1, D4, D5).

use leptos::prelude::*;

use super::{action_error, FormError, Loaded};
use crate::api::{
    admin_get_webhook, get_user_webhook, list_deliveries, list_event_catalog, list_event_webhooks,
    AdminSaveWebhookUrl, DeleteEventWebhook, RedeliverDelivery, RegenerateWebhookSecret,
    RemoveWebhookSecret, SaveEventWebhook, SaveUserWebhook, SaveWebhookHeaders, SendTestDelivery,
};
use crate::api::{
    list_notification_targets, DeleteNotificationTarget, MakeDefaultNotificationTarget,
    SaveNotificationTarget, TestNotificationTarget,
};
use crate::i18n::{use_i18n, Arg, Key};
use crate::model::{
    Delivery, DeliveryStatus, EventDescription, EventWebhook, LogScope, NotifyMode, TargetSecurity,
    UserWebhookView, WebhookTargetView,
};
use crate::session::use_session;

#[component]
pub fn AdminWebhookCard() -> impl IntoView {
    let view_res = Resource::new(|| (), |_| admin_get_webhook());
    view! {
        <Loaded resource=view_res view=move |v| view! { <WebhookForm initial=v /> }.into_any() />
    }
}

#[component]
fn WebhookForm(initial: WebhookTargetView) -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(initial.clone());
    let url = RwSignal::new(initial.url.clone());
    let save_url = ServerAction::<AdminSaveWebhookUrl>::new();
    let save_url_pending = save_url.pending();
    let url_error = action_error(save_url.value());
    let url_saved = move || matches!(save_url.value().get(), Some(Ok(_)));
    Effect::new(move |_| {
        if let Some(Ok(v)) = save_url.value().get() {
            current.set(v);
        }
    });
    let on_save_url = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save_url.dispatch(AdminSaveWebhookUrl {
            url: url.get_untracked(),
        });
    };

    view! {
        <div class="card" id="admin-webhook">
            <h2>{i18n.t(Key::Webhook)}</h2>
            <form class="form" on:submit=on_save_url id="webhook-url-form">
                <label class="field">
                    <span class="field-label">{i18n.t(Key::WebhookUrl)}</span>
                    <div class="input-row">
                        <input
                            type="url"
                            name="webhook_url"
                            placeholder="https://hooks.slack.com/services/…"
                            prop:value=move || url.get()
                            on:input=move |ev| url.set(event_target_value(&ev))
                        />
                        <button type="submit" class="btn btn-primary" disabled=save_url.pending()>
                            {move || if save_url_pending.get() { i18n.now(Key::Saving) } else { i18n.now(Key::Save) }}
                        </button>
                    </div>
                    <span class="field-hint">{i18n.t(Key::WebhookUrlHint)}</span>
                    <Show when=move || current.get().url_from_env>
                        <span class="field-hint">{i18n.t(Key::FromEnv)}</span>
                    </Show>
                </label>
                <FormError message=url_error />
                <Show when=url_saved>
                    <span class="saved" role="status">{i18n.t(Key::Saved)}</span>
                </Show>
            </form>
            <TargetSecurityPanel scope=LogScope::Admin initial=initial.security />
        </div>
    }
}

/// Signing secret and custom headers of one webhook target (SPEC D4): the
/// admin webhook's, or the caller's own notification webhook's.
#[component]
fn TargetSecurityPanel(scope: LogScope, initial: TargetSecurity) -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(initial.clone());
    let regenerate = ServerAction::<RegenerateWebhookSecret>::new();
    let remove_secret = ServerAction::<RemoveWebhookSecret>::new();
    let save_headers = ServerAction::<SaveWebhookHeaders>::new();
    let secret_error = action_error(regenerate.value());
    let remove_error = action_error(remove_secret.value());
    let headers_error = action_error(save_headers.value());
    let new_secret = move || regenerate.value().get().and_then(Result::ok);
    // Header rows being edited: (name, new value — empty keeps the old one).
    let header_rows = RwSignal::new(
        initial
            .header_names
            .iter()
            .map(|n| (n.clone(), String::new()))
            .collect::<Vec<_>>(),
    );
    let headers_saved = move || matches!(save_headers.value().get(), Some(Ok(_)));
    let has_secret = move || current.get().has_signing_secret;

    Effect::new(move |_| {
        for value in [remove_secret.value().get(), save_headers.value().get()] {
            if let Some(Ok(v)) = value {
                current.set(v);
            }
        }
        if let Some(Ok(_)) = regenerate.value().get() {
            current.update(|c| c.has_signing_secret = true);
        }
    });
    let on_save_headers = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save_headers.dispatch(SaveWebhookHeaders {
            scope,
            headers: header_rows.get_untracked(),
        });
    };

    view! {
        <div class="target-security" data-testid="target-security">
            <h3>{i18n.t(Key::SigningSecret)}</h3>
            <p class="field-hint">{i18n.t(Key::SigningSecretHint)}</p>
            <div class="secret-row">
                <span data-testid="secret-state">
                    {move || if has_secret() { i18n.now(Key::SecretSet) } else { i18n.now(Key::NoSecret) }}
                </span>
                <button type="button" class="btn btn-secondary btn-sm" on:click=move |_| { regenerate.dispatch(RegenerateWebhookSecret { scope }); }>
                    {move || if has_secret() { i18n.now(Key::RegenerateSecret) } else { i18n.now(Key::GenerateSecret) }}
                </button>
                <Show when=has_secret>
                    <button type="button" class="btn btn-danger btn-sm" on:click=move |_| { remove_secret.dispatch(RemoveWebhookSecret { scope }); }>
                        {i18n.t(Key::RemoveSecret)}
                    </button>
                </Show>
            </div>
            <FormError message=secret_error />
            <FormError message=remove_error />
            {move || new_secret().map(|secret| view! { <OneTimeSecret secret /> })}

            <h3>{i18n.t(Key::CustomHeaders)}</h3>
            <p class="field-hint">{i18n.t(Key::CustomHeadersHint)}</p>
            <form class="form" on:submit=on_save_headers>
                <For
                    each={move || (0..header_rows.get().len()).collect::<Vec<_>>()}
                    key=|i| *i
                    children=move |i| {
                        let name = move || header_rows.get().get(i).map(|r| r.0.clone()).unwrap_or_default();
                        view! {
                            <div class="input-row">
                                <input
                                    type="text"
                                    aria-label=move || i18n.now(Key::HeaderName)
                                    placeholder="Authorization"
                                    prop:value=name
                                    on:input={move |ev| header_rows.update(|rows| if let Some(r) = rows.get_mut(i) { r.0 = event_target_value(&ev) })}
                                />
                                <input
                                    type="password"
                                    autocomplete="off"
                                    aria-label=move || i18n.now(Key::HeaderValue)
                                    placeholder=move || i18n.now(Key::KeepValue)
                                    on:input={move |ev| header_rows.update(|rows| if let Some(r) = rows.get_mut(i) { r.1 = event_target_value(&ev) })}
                                />
                                <button type="button" class="btn btn-secondary btn-sm" on:click={move |_| header_rows.update(|rows| { if i < rows.len() { rows.remove(i); } })}>
                                    {i18n.t(Key::Remove)}
                                </button>
                            </div>
                        }
                    }
                />
                <div class="form-actions">
                    <Show when=headers_saved>
                        <span class="saved" role="status">{i18n.t(Key::Saved)}</span>
                    </Show>
                    <button type="button" class="btn btn-secondary" on:click={move |_| header_rows.update(|r| r.push((String::new(), String::new())))}>
                        {i18n.t(Key::AddHeader)}
                    </button>
                    <button type="submit" class="btn btn-primary" disabled=save_headers.pending()>{i18n.t(Key::Save)}</button>
                </div>
                <FormError message=headers_error />
            </form>
        </div>
    }
}

#[component]
pub(crate) fn OneTimeSecret(secret: String) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(false);
    let to_copy = secret.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().navigator().clipboard().write_text(&to_copy);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &to_copy;
        copied.set(true);
    };
    view! {
        <div class="alert alert-info one-time-secret" role="status">
            <code data-testid="new-secret">{secret}</code>
            <button class="btn btn-secondary btn-sm" on:click=copy>
                {move || if copied.get() { i18n.now(Key::Copied) } else { i18n.now(Key::Copy) }}
            </button>
            <span class="field-hint">{i18n.t(Key::SecretOnce)}</span>
        </div>
    }
}

fn status_key(s: DeliveryStatus) -> Key {
    match s {
        DeliveryStatus::Pending => Key::StatusPending,
        DeliveryStatus::Delivering => Key::StatusDelivering,
        DeliveryStatus::Delivered => Key::StatusDelivered,
        DeliveryStatus::Retrying => Key::StatusRetrying,
        DeliveryStatus::Failed => Key::StatusFailed,
    }
}

/// A delivery log (the admin webhook's, or the caller's own); follows
/// changes live.
#[component]
pub fn DeliveryLog(
    scope: LogScope,
    /// One target's part of the log (an event webhook's own log, SPEC E2);
    /// its Send test goes to that target.
    #[prop(optional)]
    target_id: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let send_test = ServerAction::<SendTestDelivery>::new();
    let testing = send_test.pending();
    let redeliver = ServerAction::<RedeliverDelivery>::new();
    let one_target = target_id.is_some();
    let deliveries = Resource::new(
        move || {
            (
                session.deliveries_changed.get(),
                send_test.version().get(),
                redeliver.version().get(),
            )
        },
        {
            let target_id = target_id.clone();
            move |_| list_deliveries(scope, target_id.clone())
        },
    );
    let test_error = action_error(send_test.value());
    let redeliver_error = action_error(redeliver.value());
    let on_test = move |_| {
        send_test.dispatch(SendTestDelivery {
            scope,
            target_id: target_id.clone(),
        });
    };
    view! {
        <div class=if one_target { "card target-log" } else { "card" } id=(!one_target).then_some("delivery-log")>
            <div class="card-head">
                {if one_target {
                    view! { <h3>{i18n.t(Key::DeliveryLog)}</h3> }.into_any()
                } else {
                    view! { <h2>{i18n.t(Key::DeliveryLog)}</h2> }.into_any()
                }}
                <button class="btn btn-secondary btn-sm" disabled=testing on:click=on_test>
                    {i18n.t(Key::SendTest)}
                </button>
            </div>
            <FormError message=test_error />
            <FormError message=redeliver_error />
            <Loaded resource=deliveries view=move |value| match value {
                        list if list.is_empty() => {
                            let key = if scope == LogScope::Admin { Key::NoDeliveries } else { Key::NoUserDeliveries };
                            view! { <p class="empty">{i18n.t(key)}</p> }.into_any()
                        }
                        list => {
                            let shown = list.len();
                            view! {
                            <p class="muted deliveries-count" data-testid="deliveries-count">
                                {i18n.t_with(Key::DeliveriesShown, move || vec![("n", Arg::from(shown))])}
                            </p>
                            <div class="table-wrap">
                                <table class="table deliveries" data-testid="deliveries">
                                    <thead>
                                        <tr>
                                            <th>{i18n.t(Key::Event)}</th>
                                            <th>{i18n.t(Key::Created)}</th>
                                            <th>{i18n.t(Key::Status)}</th>
                                            <th>{i18n.t(Key::Attempts)}</th>
                                            <th>{i18n.t(Key::HttpStatus)}</th>
                                            <th>{i18n.t(Key::Latency)}</th>
                                            <th>{i18n.t(Key::NextAttempt)}</th>
                                            <th><span class="sr-only">{i18n.t(Key::Actions)}</span></th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.into_iter().map(|d| view! { <DeliveryRow d scope redeliver /> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            }
                            .into_any()
                        }
                    } />
        </div>
    }
}

#[component]
fn DeliveryRow(
    d: Delivery,
    scope: LogScope,
    redeliver: ServerAction<RedeliverDelivery>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = d.id.to_string();
    let status = d.status;
    let detail = d.last_error.clone().or_else(|| d.response_excerpt.clone());
    let excerpt = d.response_excerpt.clone();
    let next_attempt = d
        .next_attempt_at
        .filter(|_| status == DeliveryStatus::Retrying);
    view! {
        <tr data-id=d.id.to_string() data-status=status.as_str()>
            <td><code>{d.event.clone()}</code></td>
            <td>{i18n.date(d.created_at)}</td>
            <td>
                <span class=format!("status status-{}", status.as_str())>{i18n.t(status_key(status))}</span>
                {detail.map(|t| view! { <span class="delivery-detail" title=t.clone()>{t.chars().take(120).collect::<String>()}</span> })}
            </td>
            <td>{d.attempts}</td>
            <td>{d.last_status_code.map(|c| c.to_string()).unwrap_or_else(|| "—".into())}</td>
            <td>{d.last_latency_ms.map(|ms| format!("{ms} ms")).unwrap_or_else(|| "—".into())}</td>
            <td>{move || next_attempt.map(|ms| i18n.date_now(ms)).unwrap_or_else(|| "—".into())}</td>
            <td class="actions">
                {excerpt.map(|e| view! {
                    <details class="excerpt">
                        <summary>{i18n.t(Key::Response)}</summary>
                        <pre>{e}</pre>
                    </details>
                })}
                <button
                    class="btn btn-secondary btn-sm"
                    disabled=status == DeliveryStatus::Delivering
                    on:click=move |_| { redeliver.dispatch(RedeliverDelivery { scope, id: id.clone() }); }
                >
                    {i18n.t(Key::Redeliver)}
                </button>
            </td>
        </tr>
    }
}

/// Settings › Account › Notification Webhook (SPEC U2, U5).
#[component]
pub fn NotificationWebhookCard() -> impl IntoView {
    let current = Resource::new(|| (), |_| get_user_webhook());
    view! {
        <Loaded resource=current view=move |v| view! { <NotificationWebhookForm initial=v /> }.into_any() />
        <DeliveryLog scope=LogScope::Mine />
    }
}

#[component]
fn NotificationWebhookForm(initial: UserWebhookView) -> impl IntoView {
    let i18n = use_i18n();
    let url = RwSignal::new(initial.url.clone());
    let mode = RwSignal::new(initial.mode);
    let save = ServerAction::<SaveUserWebhook>::new();
    let error = action_error(save.value());
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveUserWebhook {
            url: url.get_untracked(),
            mode: mode.get_untracked(),
        });
    };
    view! {
        <div class="card" id="notification-webhook">
        <form class="form" id="notification-webhook-form" on:submit=on_submit>
            <h2>{i18n.t(Key::NotificationWebhook)}</h2>
            <label class="field">
                <span class="field-label">{i18n.t(Key::WebhookUrl)}</span>
                <input
                    type="url"
                    name="notification_webhook"
                    placeholder="https://hooks.slack.com/services/…"
                    prop:value=move || url.get()
                    on:input=move |ev| url.set(event_target_value(&ev))
                />
                <span class="field-hint">{i18n.t(Key::NotificationWebhookHint)}</span>
            </label>
            <label class="switch-row">
                <span>{i18n.t(Key::NotifyWhen)}</span>
                <select on:change=move |ev| mode.set(if event_target_value(&ev) == "always" { NotifyMode::Always } else { NotifyMode::Away })>
                    <option value="away" selected=move || mode.get() == NotifyMode::Away>{i18n.t(Key::NotifyAway)}</option>
                    <option value="always" selected=move || mode.get() == NotifyMode::Always>{i18n.t(Key::NotifyAlways)}</option>
                </select>
            </label>
            <FormError message=error />
            <div class="form-actions">
                <Show when=saved>
                    <span class="saved" role="status">{i18n.t(Key::Saved)}</span>
                </Show>
                <button type="submit" class="btn btn-primary" disabled=save.pending()>{i18n.t(Key::Save)}</button>
            </div>
        </form>
        <TargetSecurityPanel scope=LogScope::Mine initial=initial.security.clone() />
        </div>
    }
}

/// An event webhook being added (`id: None`) or edited.
#[derive(Clone, Debug, Default, PartialEq)]
struct Draft {
    id: Option<String>,
    name: String,
    url: String,
    enabled: bool,
    events: Vec<String>,
}

/// Admin Panel › Settings › Event webhooks (SPEC E2): several targets, each
/// with its filter of events. The default one is the "Webhook URL" above.
#[component]
pub fn EventWebhooksCard() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let list = Resource::new(move || changed.get(), |_| list_event_webhooks());
    let editing = RwSignal::new(None::<Draft>);
    let delete = ServerAction::<DeleteEventWebhook>::new();
    let delete_error = action_error(delete.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            changed.update(|n| *n += 1);
        }
    });
    let add = move || {
        editing.set(Some(Draft {
            enabled: true,
            ..Draft::default()
        }))
    };
    view! {
        <div class="card" id="event-webhooks">
            <TargetsHead title=Key::EventWebhooks hint=Key::EventWebhooksHint add_label=Key::AddWebhook on_add=add />
            <FormError message=delete_error />
            <Loaded resource=list view=move |targets| view! {
                            <ul class="target-list" data-testid="event-webhooks">
                                {targets.into_iter().map(|t| view! { <EventWebhookRow t editing delete /> }).collect_view()}
                            </ul>
                        }
                        .into_any()
                    />
            {move || editing.get().map(|draft| view! { <EventWebhookForm draft editing changed /> })}
        </div>
    }
}

#[component]
fn EventWebhookRow(
    t: EventWebhook,
    editing: RwSignal<Option<Draft>>,
    delete: ServerAction<DeleteEventWebhook>,
) -> impl IntoView {
    let i18n = use_i18n();
    let draft = Draft {
        id: Some(t.id.clone()),
        name: t.name.clone(),
        url: t.url.clone(),
        enabled: t.enabled,
        events: t.events.clone(),
    };
    let id = t.id.clone();
    let on_delete = move |_| {
        let confirmed = window()
            .confirm_with_message(&i18n.now(Key::ConfirmDeleteTarget))
            .unwrap_or(false);
        if confirmed {
            delete.dispatch(DeleteEventWebhook { id: id.clone() });
        }
    };
    let log_open = RwSignal::new(false);
    let log_target = t.id.clone();
    view! {
        <li class="target" data-name=t.name.clone() data-enabled=t.enabled.to_string()>
            <TargetSummary
                name=t.name.clone()
                is_default=t.is_default
                enabled=t.enabled
                url=t.url.clone()
                events=t.events.clone()
                disabled_at=t.disabled_at
            />
            <div class="actions">
                <button class="btn btn-secondary btn-sm" on:click=move |_| editing.set(Some(draft.clone()))>
                    {i18n.t(Key::EditTarget)}
                </button>
                <button class="btn btn-secondary btn-sm" aria-expanded=move || log_open.get().to_string()
                    on:click=move |_| log_open.update(|open| *open = !*open)>
                    {i18n.t(Key::DeliveryLog)}
                </button>
                {(!t.is_default).then(|| view! {
                    <button class="btn btn-danger btn-sm" on:click=on_delete.clone()>{i18n.t(Key::Delete)}</button>
                })}
            </div>
            <Show when=move || log_open.get()>
                <DeliveryLog scope=LogScope::Admin target_id=log_target.clone() />
            </Show>
        </li>
    }
}

/// The filters a picker offers: every event, each group, each event.
fn filter_choices(catalog: &[EventDescription]) -> Vec<(String, String)> {
    let mut groups: Vec<String> = Vec::new();
    for e in catalog {
        if let Some((group, _)) = e.name.split_once('.') {
            let g = format!("{group}.*");
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
    }
    let mut out = vec![("*".to_string(), String::new())];
    out.extend(groups.into_iter().map(|g| (g, String::new())));
    out.extend(
        catalog
            .iter()
            .map(|e| (e.name.clone(), e.description.clone())),
    );
    out
}

#[component]
fn EventWebhookForm(
    draft: Draft,
    editing: RwSignal<Option<Draft>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let catalog = Resource::new(|| (), |_| list_event_catalog());
    let name = RwSignal::new(draft.name.clone());
    let url = RwSignal::new(draft.url.clone());
    let enabled = RwSignal::new(draft.enabled);
    let events = RwSignal::new(draft.events.clone());
    let save = ServerAction::<SaveEventWebhook>::new();
    let error = action_error(save.value());
    let id = draft.id.clone();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(None);
            changed.update(|n| *n += 1);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveEventWebhook {
            id: id.clone(),
            name: name.get_untracked(),
            url: url.get_untracked(),
            enabled: enabled.get_untracked(),
            events: events.get_untracked(),
        });
    };
    let title = if draft.id.is_some() {
        Key::EditTarget
    } else {
        Key::AddWebhook
    };
    view! {
        <form class="form target-form" id="event-webhook-form" on:submit=on_submit>
            <h3>{i18n.t(title)}</h3>
            <TargetFields name url enabled placeholder="https://…".to_string() keep_url=false />
            <fieldset class="field event-picker">
                <legend class="field-label">{i18n.t(Key::EventsLabel)}</legend>
                <Loaded resource=catalog view=move |list| filter_choices(&list)
                                .into_iter()
                                .map(|(filter, description)| {
                                    let f = filter.clone();
                                    let f2 = filter.clone();
                                    let label = if filter == "*" { i18n.now(Key::AllEvents) } else { description };
                                    view! {
                                        <label class="check event-choice">
                                            <input
                                                type="checkbox"
                                                value=filter.clone()
                                                prop:checked=move || events.get().contains(&f)
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    events.update(|list| {
                                                        list.retain(|e| e != &f2);
                                                        if on {
                                                            list.push(f2.clone());
                                                        }
                                                    });
                                                }
                                            />
                                            <code>{filter.clone()}</code>
                                            <span class="muted">{label}</span>
                                        </label>
                                    }
                                })
                                .collect_view()
                                .into_any()
                        />
            </fieldset>
            <FormError message=error />
            <TargetFormButtons on_cancel=move || editing.set(None) pending=save.pending() />
        </form>
    }
}

/// A notification target being added (`id: None`) or edited.
#[derive(Clone, Debug, PartialEq)]
struct TargetDraft {
    id: Option<String>,
    name: String,
    /// Shown masked; an empty field on an edit keeps the stored URL.
    masked_url: String,
    enabled: bool,
    events: Vec<String>,
    mode: NotifyMode,
}

fn notification_event_label(event: &str) -> Key {
    crate::model::notification_event_description(event)
}

/// Settings › Account › Notification targets (SPEC E3): several targets,
/// each with its events and delivery mode; one is the default.
#[component]
pub fn NotificationTargetsCard() -> impl IntoView {
    let i18n = use_i18n();
    let changed = RwSignal::new(0u32);
    let list = Resource::new(move || changed.get(), |_| list_notification_targets());
    let editing = RwSignal::new(None::<TargetDraft>);
    let delete = ServerAction::<DeleteNotificationTarget>::new();
    let make_default = ServerAction::<MakeDefaultNotificationTarget>::new();
    let test = ServerAction::<TestNotificationTarget>::new();
    let errors = [
        action_error(delete.value()),
        action_error(make_default.value()),
        action_error(test.value()),
    ];
    Effect::new(move |_| {
        let done = [delete.value().get(), make_default.value().get()]
            .into_iter()
            .any(|v| matches!(v, Some(Ok(()))));
        if done || matches!(test.value().get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let add = move || {
        editing.set(Some(TargetDraft {
            id: None,
            name: String::new(),
            masked_url: String::new(),
            enabled: true,
            events: vec!["chat.finished".into()],
            mode: NotifyMode::Away,
        }))
    };
    view! {
        <div class="card" id="notification-targets">
            <TargetsHead title=Key::NotificationTargets hint=Key::NotificationTargetsHint add_label=Key::AddTarget on_add=add />
            {errors.map(|e| view! { <FormError message=e /> })}
            <Loaded resource=list view=move |targets| view! {
                            <ul class="target-list" data-testid="notification-targets">
                                {targets.into_iter().map(|t| {
                                    let draft = TargetDraft {
                                        id: Some(t.id.clone()),
                                        name: t.name.clone(),
                                        masked_url: t.url.clone(),
                                        enabled: t.enabled,
                                        events: t.events.clone(),
                                        mode: t.mode,
                                    };
                                    let (id_default, id_test, id_delete) = (t.id.clone(), t.id.clone(), t.id.clone());
                                    let mode_key = if t.mode == NotifyMode::Always { Key::NotifyAlways } else { Key::NotifyAway };
                                    view! {
                                        <li class="target" data-name=t.name.clone() data-enabled=t.enabled.to_string()>
                                            <TargetSummary
                                                name=t.name.clone()
                                                is_default=t.is_default
                                                enabled=t.enabled
                                                url=t.url.clone()
                                                events=t.events.clone()
                                                disabled_at=t.disabled_at
                                                mode=mode_key
                                            />
                                            <div class="actions">
                                                <button class="btn btn-secondary btn-sm" on:click=move |_| editing.set(Some(draft.clone()))>{i18n.t(Key::EditTarget)}</button>
                                                <button class="btn btn-secondary btn-sm" disabled=t.url.is_empty() on:click=move |_| { test.dispatch(TestNotificationTarget { id: id_test.clone() }); }>{i18n.t(Key::SendTest)}</button>
                                                {(!t.is_default).then(|| view! {
                                                    <button class="btn btn-secondary btn-sm" on:click=move |_| { make_default.dispatch(MakeDefaultNotificationTarget { id: id_default.clone() }); }>{i18n.t(Key::MakeDefault)}</button>
                                                    <button class="btn btn-danger btn-sm" on:click=move |_| {
                                                        let confirmed = window().confirm_with_message(&i18n.now(Key::ConfirmDeleteTarget)).unwrap_or(false);
                                                        if confirmed {
                                                            delete.dispatch(DeleteNotificationTarget { id: id_delete.clone() });
                                                        }
                                                    }>{i18n.t(Key::Delete)}</button>
                                                })}
                                            </div>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }
                        .into_any()
                    />
            {move || editing.get().map(|draft| view! { <NotificationTargetForm draft editing changed /> })}
        </div>
    }
}

#[component]
fn NotificationTargetForm(
    draft: TargetDraft,
    editing: RwSignal<Option<TargetDraft>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(draft.name.clone());
    let url = RwSignal::new(String::new());
    let enabled = RwSignal::new(draft.enabled);
    let events = RwSignal::new(draft.events.clone());
    let mode = RwSignal::new(draft.mode);
    let save = ServerAction::<SaveNotificationTarget>::new();
    let error = action_error(save.value());
    let id = draft.id.clone();
    let editing_existing = draft.id.is_some();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(None);
            changed.update(|n| *n += 1);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveNotificationTarget {
            id: id.clone(),
            name: name.get_untracked(),
            url: url.get_untracked(),
            enabled: enabled.get_untracked(),
            events: events.get_untracked(),
            mode: mode.get_untracked(),
        });
    };
    let title = if editing_existing {
        Key::EditTarget
    } else {
        Key::AddTarget
    };
    let placeholder = if draft.masked_url.is_empty() {
        "https://…".to_string()
    } else {
        draft.masked_url.clone()
    };
    view! {
        <form class="form target-form" id="notification-target-form" on:submit=on_submit>
            <h3>{i18n.t(title)}</h3>
            <TargetFields name url enabled placeholder keep_url=editing_existing />
            <fieldset class="field event-picker">
                <legend class="field-label">{i18n.t(Key::EventsLabel)}</legend>
                {crate::model::NOTIFICATION_EVENTS.map(|event| view! {
                    <label class="check event-choice">
                        <input
                            type="checkbox"
                            value=event
                            prop:checked=move || events.get().iter().any(|e| e == event)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                events.update(|list| {
                                    list.retain(|e| e != event);
                                    if on {
                                        list.push(event.to_string());
                                    }
                                });
                            }
                        />
                        <code>{event}</code>
                        <span class="muted">{i18n.t(notification_event_label(event))}</span>
                    </label>
                })}
            </fieldset>
            <label class="field">
                <span class="field-label">{i18n.t(Key::NotifyWhen)}</span>
                <select name="mode" on:change=move |ev| mode.set(if event_target_value(&ev) == "always" { NotifyMode::Always } else { NotifyMode::Away })>
                    <option value="away" selected=move || mode.get() == NotifyMode::Away>{i18n.t(Key::NotifyAway)}</option>
                    <option value="always" selected=move || mode.get() == NotifyMode::Always>{i18n.t(Key::NotifyAlways)}</option>
                </select>
            </label>
            <FormError message=error />
            <TargetFormButtons on_cancel=move || editing.set(None) pending=save.pending() />
        </form>
    }
}

/// Why a target is off when its health switched it off (SPEC E6).
#[component]
fn DisabledBanner(at: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="alert alert-error target-disabled" role="status">
            {move || Key::TargetDisabledBanner.with(i18n.locale(), &[("date", Arg::from(i18n.date_now(at)))])}
        </p>
    }
}

/// Name, URL, badges, events and health of one target in a list.
#[component]
fn TargetSummary(
    name: String,
    is_default: bool,
    enabled: bool,
    url: String,
    events: Vec<String>,
    disabled_at: Option<i64>,
    #[prop(optional)] mode: Option<Key>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="target-main">
            <strong>{name}</strong>
            {is_default.then(|| view! { <span class="badge">{i18n.t(Key::DefaultTarget)}</span> })}
            {(!enabled).then(|| view! { <span class="badge badge-off">{i18n.t(Key::TargetOff)}</span> })}
            <div class="target-url muted">{if url.is_empty() { "—".to_string() } else { url }}</div>
            <div class="target-events">
                {events.into_iter().map(|e| view! { <code class="event-chip">{e}</code> }).collect_view()}
                {mode.map(|m| view! { <span class="muted">{i18n.t(m)}</span> })}
            </div>
            {disabled_at.map(|at| view! { <DisabledBanner at /> })}
        </div>
    }
}

/// The name, URL and "enabled" fields of a target form. `keep_url`: an
/// edit, where the URL is shown masked and an empty field keeps it.
#[component]
fn TargetFields(
    name: RwSignal<String>,
    url: RwSignal<String>,
    enabled: RwSignal<bool>,
    placeholder: String,
    keep_url: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span class="field-label">{i18n.t(Key::Name)}</span>
            <input type="text" name="name" maxlength="80" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
        </label>
        <label class="field">
            <span class="field-label">{i18n.t(Key::WebhookUrl)}</span>
            <input type="url" name="url" required=!keep_url placeholder=placeholder prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev)) />
            {keep_url.then(|| view! { <span class="field-hint">{i18n.t(Key::KeepUrlHint)}</span> })}
        </label>
        <label class="check">
            <input type="checkbox" name="enabled" prop:checked=move || enabled.get() on:change=move |ev| enabled.set(event_target_checked(&ev)) />
            <span>{i18n.t(Key::TargetEnabled)}</span>
        </label>
    }
}

#[component]
fn TargetFormButtons(
    on_cancel: impl Fn() + Send + Sync + 'static,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="form-actions">
            <button type="button" class="btn btn-secondary" on:click=move |_| on_cancel()>{i18n.t(Key::Cancel)}</button>
            <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                {move || if pending.get() { i18n.now(Key::Saving) } else { i18n.now(Key::Save) }}
            </button>
        </div>
    }
}

/// The head of a list of targets: title, "add" button, what it is for.
#[component]
fn TargetsHead(
    title: Key,
    hint: Key,
    add_label: Key,
    on_add: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card-head">
            <h2>{i18n.t(title)}</h2>
            <button class="btn btn-secondary btn-sm" on:click=move |_| on_add()>{i18n.t(add_label)}</button>
        </div>
        <p class="field-hint">{i18n.t(hint)}</p>
    }
}
