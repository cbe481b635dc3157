//! Admin Panel: users (list, add, role, delete) and Settings › General.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{action_error, initials, role_key, FormError, Loaded};
use crate::api::{
    admin_get_settings, admin_list_users, AdminAddUser, AdminDeleteUser, AdminSaveSettings,
    AdminSetRole,
};
use crate::i18n::{use_i18n, Key};
use crate::model::{AdminSettings, Role, User};
use crate::session::use_session;

#[component]
fn AdminTabs() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1 class="page-title">{i18n.t(Key::AdminPanel)}</h1>
        <nav class="tabs" aria-label=i18n.t(Key::AdminSections)>
            <A href="/admin" exact=true attr:class="tab">
                {i18n.t(Key::Users)}
            </A>
            <A href="/admin/settings" exact=true attr:class="tab">
                {i18n.t(Key::Settings)}
            </A>
        </nav>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let set_role = ServerAction::<AdminSetRole>::new();
    let delete = ServerAction::<AdminDeleteUser>::new();
    let add = ServerAction::<AdminAddUser>::new();
    let add_pending = add.pending();
    // Refetch after our own changes and whenever the server says the user
    // list changed (someone signed up, another admin edited).
    let users = Resource::new(
        move || {
            (
                session.users_changed.get(),
                set_role.version().get(),
                delete.version().get(),
                add.version().get(),
            )
        },
        |_| admin_list_users(),
    );
    let me = move || session.user_untracked().map(|u| u.id).unwrap_or_default();
    let row_error = {
        let set_err = action_error(set_role.value());
        let del_err = action_error(delete.value());
        Signal::derive(move || set_err.get().or_else(|| del_err.get()))
    };
    let add_error = action_error(add.value());

    view! {
        <section class="page">
            <AdminTabs />
            <FormError message=row_error />
            <div class="card">
                <h2>{i18n.t(Key::Users)}</h2>
                <Loaded resource=users view=move |value| match value {
                            list if list.is_empty() => view! { <p class="empty">{i18n.t(Key::NoUsers)}</p> }.into_any(),
                            list => {
                                let me = me();
                                view! {
                                    <div class="table-wrap">
                                        <table class="table" data-testid="users-table">
                                            <thead>
                                                <tr>
                                                    <th>{i18n.t(Key::Name)}</th>
                                                    <th>{i18n.t(Key::Email)}</th>
                                                    <th>{i18n.t(Key::Role)}</th>
                                                    <th>{i18n.t(Key::Created)}</th>
                                                    <th><span class="sr-only">{i18n.t(Key::Actions)}</span></th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {list
                                                    .into_iter()
                                                    .map(|u| {
                                                        let is_me = u.id == me;
                                                        view! { <UserRow user=u is_me set_role delete /> }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }
                                .into_any()
                            }
                        } />
            </div>
            <div class="card">
                <h2>{i18n.t(Key::CreateAccount)}</h2>
                <ActionForm action=add attr:class="form form-inline" attr:id="add-user-form">
                    <FormError message=add_error />
                    <label class="field">
                        <span class="field-label">{i18n.t(Key::Name)}</span>
                        <input type="text" name="name" required maxlength="100" />
                    </label>
                    <label class="field">
                        <span class="field-label">{i18n.t(Key::Email)}</span>
                        <input type="email" name="email" required />
                    </label>
                    <label class="field">
                        <span class="field-label">{i18n.t(Key::Password)}</span>
                        <input type="password" name="password" required minlength="8" autocomplete="new-password" />
                    </label>
                    <label class="field">
                        <span class="field-label">{i18n.t(Key::Role)}</span>
                        <RoleSelect name="role" current=Role::User />
                    </label>
                    <button type="submit" class="btn btn-primary" disabled=add.pending()>
                        {move || if add_pending.get() { i18n.now(Key::Working) } else { i18n.now(Key::CreateAccount) }}
                    </button>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
fn RoleSelect(
    name: &'static str,
    current: Role,
    #[prop(optional)] disabled: bool,
    #[prop(optional)] label: Option<String>,
    #[prop(optional, into)] on_pick: Option<Callback<Role>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <select
            name=name
            disabled=disabled
            aria-label=label
            on:change=move |ev| {
                if let (Some(cb), Ok(role)) = (on_pick, event_target_value(&ev).parse::<Role>()) {
                    cb.run(role);
                }
            }
        >
            {Role::ALL
                .into_iter()
                .map(|r| view! { <option value=r.as_str() selected=r == current>{i18n.t(role_key(r))}</option> })
                .collect_view()}
        </select>
    }
}

#[component]
fn UserRow(
    user: User,
    is_me: bool,
    set_role: ServerAction<AdminSetRole>,
    delete: ServerAction<AdminDeleteUser>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = user.id.clone();
    let id_for_delete = user.id.clone();
    let name = user.name.clone();
    let on_pick = Callback::new(move |role: Role| {
        set_role.dispatch(AdminSetRole {
            user_id: id.clone(),
            role,
        });
    });
    let on_delete = move |_| {
        let confirmed = window()
            .confirm_with_message(&i18n.now(Key::ConfirmDeleteUser))
            .unwrap_or(false);
        if confirmed {
            delete.dispatch(AdminDeleteUser {
                user_id: id_for_delete.clone(),
            });
        }
    };
    view! {
        <tr data-email=user.email.clone()>
            <td>
                <span class="avatar avatar-sm" aria-hidden="true">{initials(&user.name)}</span>
                {user.name.clone()}
                {is_me.then(|| view! { <span class="badge">{i18n.t(Key::You)}</span> })}
            </td>
            <td>{user.email.clone()}</td>
            <td>
                <RoleSelect name="role" current=user.role disabled=is_me label=Key::RoleOf.with(i18n.locale(), &[("name", name.as_str().into())]) on_pick />
            </td>
            <td>{i18n.date(user.created_at)}</td>
            <td class="actions">
                <button class="btn btn-danger btn-sm" disabled=is_me on:click=on_delete>
                    {i18n.t(Key::Delete)}
                </button>
            </td>
        </tr>
    }
}

#[component]
pub fn AdminSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = Resource::new(|| (), |_| admin_get_settings());
    view! {
        <section class="page">
            <AdminTabs />
            <Loaded resource=settings view=move |s| view! { <GeneralSettingsForm initial=s /> }.into_any() />
            <super::webhooks::AdminWebhookCard />
            <super::webhooks::EventWebhooksCard />
            <super::webhooks::DeliveryLog scope=crate::model::LogScope::Admin />
            <p class="sr-only">{i18n.t(Key::General)}</p>
        </section>
    }
}

#[component]
fn GeneralSettingsForm(initial: AdminSettings) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let enable_signup = RwSignal::new(initial.enable_signup);
    let default_role = RwSignal::new(initial.default_user_role);
    let user_webhooks = RwSignal::new(initial.enable_user_webhooks);
    let save = ServerAction::<AdminSaveSettings>::new();
    let save_pending = save.pending();
    let error = action_error(save.value());
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    // The session carries the feature switches the rest of the UI reads.
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            session.changed.update(|n| *n += 1);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(AdminSaveSettings {
            settings: AdminSettings {
                enable_signup: enable_signup.get_untracked(),
                default_user_role: default_role.get_untracked(),
                enable_user_webhooks: user_webhooks.get_untracked(),
            },
        });
    };
    view! {
        <form class="form settings-form" on:submit=on_submit id="admin-general-form">
            <div class="card">
                <h2>{i18n.t(Key::General)}</h2>
                <h3>{i18n.t(Key::Authentication)}</h3>
                <label class="switch-row">
                    <span>{i18n.t(Key::EnableSignup)}</span>
                    <input
                        type="checkbox"
                        role="switch"
                        name="enable_signup"
                        prop:checked=move || enable_signup.get()
                        on:change=move |ev| enable_signup.set(event_target_checked(&ev))
                    />
                </label>
                <label class="switch-row">
                    <span>{i18n.t(Key::DefaultRole)}</span>
                    <select
                        name="default_user_role"
                        on:change=move |ev| {
                            if let Ok(r) = event_target_value(&ev).parse() {
                                default_role.set(r);
                            }
                        }
                    >
                        {[Role::Pending, Role::User]
                            .into_iter()
                            .map(|r| {
                                view! {
                                    <option value=r.as_str() selected=move || default_role.get() == r>
                                        {i18n.t(role_key(r))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <h3>{i18n.t(Key::Features)}</h3>
                <label class="switch-row">
                    <span>
                        {i18n.t(Key::UserWebhooks)}
                        <span class="field-hint">{i18n.t(Key::UserWebhooksHint)}</span>
                    </span>
                    <input
                        type="checkbox"
                        role="switch"
                        name="enable_user_webhooks"
                        prop:checked=move || user_webhooks.get()
                        on:change=move |ev| user_webhooks.set(event_target_checked(&ev))
                    />
                </label>
            </div>
            <FormError message=error />
            <div class="form-actions">
                <Show when=saved>
                    <span class="saved" role="status">{i18n.t(Key::Saved)}</span>
                </Show>
                <button type="submit" class="btn btn-primary" disabled=save.pending()>
                    {move || if save_pending.get() { i18n.now(Key::Saving) } else { i18n.now(Key::Save) }}
                </button>
            </div>
        </form>
    }
}
