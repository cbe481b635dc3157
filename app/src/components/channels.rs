//! Channels (SPEC W4) and the webhook management modal (SPEC C1, C5).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::{action_error, initials, FormError, Loaded};
use crate::api::{
    channel_members, channel_messages, channel_page, channel_webhooks, list_channels,
    CreateChannel, CreateChannelWebhook, DeleteChannel, DeleteChannelMessage, DeleteChannelWebhook,
    EditChannelMessage, PostChannelMessage, RegenerateChannelWebhook, RemoveChannelMember,
    SetChannelMember, SetChannelWebhookGithubSecret, UpdateChannelWebhook,
};
use crate::i18n::{use_i18n, Key};
use crate::model::{Channel, ChannelMessage, ChannelRole, ChannelWebhook, Role, User};
use crate::session::use_session;

/// The sidebar's channel list; admins get a "new channel" link.
#[component]
pub fn ChannelList(user: User) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let channels = Resource::new(move || session.channels_changed.get(), |_| list_channels());
    let is_admin = user.role == Role::Admin;
    view! {
        <Loaded resource=channels quiet=true view=move |value| match value {
                    list if list.is_empty() => view! { <p class="empty">{i18n.t(Key::NoChannels)}</p> }.into_any(),
                    list => view! {
                        <ul class="nav-list">
                            {list.into_iter().map(|c| view! {
                                <li><A href=format!("/channels/{}", c.id) attr:class="nav-link">"# " {c.name}</A></li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                } />
        <Show when=move || is_admin>
            <A href="/channels/new" attr:class="nav-link nav-add">"+ " {i18n.t(Key::NewChannel)}</A>
        </Show>
    }
}

#[component]
pub fn NewChannelPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let create = ServerAction::<CreateChannel>::new();
    let error = action_error(create.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(channel)) = create.value().get() {
            session.channels_changed.update(|n| *n += 1);
            navigate(&format!("/channels/{}", channel.id), Default::default());
        }
    });
    view! {
        <section class="page">
            <h1 class="page-title">{i18n.t(Key::NewChannel)}</h1>
            <div class="card">
                <ActionForm action=create attr:class="form" attr:id="new-channel-form">
                    <FormError message=error />
                    <label class="field">
                        <span class="field-label">{i18n.t(Key::ChannelName)}</span>
                        <input type="text" name="name" required maxlength="80" autofocus />
                    </label>
                    <label class="field">
                        <span class="field-label">{i18n.t(Key::Description)}</span>
                        <input type="text" name="description" maxlength="500" />
                    </label>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary" disabled=create.pending()>{i18n.t(Key::CreateChannel)}</button>
                    </div>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
pub fn ChannelPage() -> impl IntoView {
    let params = use_params_map();
    let channel_id = move || params.read().get("id").unwrap_or_default();
    // The channel and its newest page load together, on the server for
    // the first paint; the browser hydrates the same markup.
    let page = Resource::new(channel_id, channel_page);
    view! {
        <Loaded resource=page view=move |(channel, messages)| view! { <ChannelView channel messages /> }.into_any() />
    }
}

#[component]
fn ChannelView(channel: Channel, messages: Vec<ChannelMessage>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = channel.id.clone();
    let has_older = RwSignal::new(messages.len() as i64 >= crate::api::CHANNEL_PAGE);
    let messages = RwSignal::new(messages);
    let loading_older = RwSignal::new(false);
    let older_error = RwSignal::new(None::<String>);
    let menu_open = RwSignal::new(false);
    let edit_open = RwSignal::new(false);
    let scroller = NodeRef::<leptos::html::Div>::new();
    // Whether the reader is at the newest message: new ones then scroll
    // into view; a reader further up keeps their place.
    let at_bottom = StoredValue::new(true);

    // New, edited and deleted messages arrive over the socket for everyone
    // viewing; they are taken in order, none is lost in a burst.
    let live_id = id.clone();
    Effect::new(move |_| {
        session.channel_events.track();
        let events = session
            .channel_events
            .try_update_untracked(std::mem::take)
            .unwrap_or_default();
        if !events.is_empty() {
            messages.update(|list| {
                for event in &events {
                    crate::model::apply_channel_event(&live_id, list, event);
                }
            });
        }
    });

    // After a (re)connect, what was missed while the socket was down.
    let refetch_id = id.clone();
    Effect::new(move |prev: Option<u64>| {
        let n = session.reconnected.get();
        if prev.is_some_and(|p| p != n) || (prev.is_none() && n > 0) {
            let cid = refetch_id.clone();
            leptos::task::spawn_local(async move {
                if let Ok(page) = channel_messages(cid, None).await {
                    let full = page.len() as i64 >= crate::api::CHANNEL_PAGE;
                    messages.update(|list| {
                        if crate::model::merge_newest_page(list, page) {
                            has_older.set(full);
                        }
                    });
                }
            });
        }
        n
    });

    // Follow the newest message when the reader is there.
    Effect::new(move |_| {
        messages.with(|_| ());
        if at_bottom.get_value() {
            scroll_to_bottom(scroller);
        }
    });

    let older_id = id.clone();
    let load_older = move || {
        if loading_older.get_untracked() || !has_older.get_untracked() {
            return;
        }
        let Some(first) = messages.with_untracked(|l| l.first().map(|m| m.id.clone())) else {
            return;
        };
        loading_older.set(true);
        older_error.set(None);
        let cid = older_id.clone();
        let before_height = scroller.get_untracked().map(|el| el.scroll_height());
        leptos::task::spawn_local(async move {
            match channel_messages(cid, Some(first)).await {
                Ok(mut page) => {
                    has_older.set(page.len() as i64 >= crate::api::CHANNEL_PAGE);
                    messages.update(|list| {
                        page.retain(|m| !list.iter().any(|x| x.id == m.id));
                        page.append(list);
                        *list = page;
                    });
                    keep_place(scroller, before_height);
                }
                Err(err) => older_error.set(Some(err.to_string())),
            }
            loading_older.set(false);
        });
    };
    let load_on_scroll = load_older.clone();
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            at_bottom.set_value(el.scroll_height() - el.scroll_top() - el.client_height() < 80);
            if el.scroll_top() < 400 {
                load_on_scroll();
            }
        }
    };
    let load_click = load_older.clone();

    let can_manage = channel.can_manage;
    let me = session.user_untracked().map(|u| u.id);
    // A copied message link (`#message-…`) opens the channel at that
    // message instead of at the newest.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let hash = window().location().hash().unwrap_or_default();
        if let Some(target) = hash.strip_prefix('#').filter(|h| h.starts_with("message-")) {
            let target = target.to_string();
            at_bottom.set_value(false);
            request_animation_frame(move || {
                if let Some(el) = document().get_element_by_id(&target) {
                    el.scroll_into_view();
                }
            });
        }
    });
    let menu = can_manage.then(|| view! {
        <div class="channel-menu">
            <button
                class="icon-btn"
                aria-label=move || i18n.now(Key::ChannelMenu)
                aria-haspopup="menu"
                aria-expanded=move || menu_open.get().to_string()
                on:click=move |_| menu_open.update(|o| *o = !*o)
            >
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                    <circle cx="12" cy="5" r="2" fill="currentColor"></circle>
                    <circle cx="12" cy="12" r="2" fill="currentColor"></circle>
                    <circle cx="12" cy="19" r="2" fill="currentColor"></circle>
                </svg>
            </button>
            <Show when=move || menu_open.get()>
                <div class="menu menu-down" role="menu">
                    <button role="menuitem" class="menu-item" on:click=move |_| { menu_open.set(false); edit_open.set(true); }>
                        {i18n.t(Key::EditChannel)}
                    </button>
                </div>
            </Show>
        </div>
    });

    view! {
        <section class="channel">
            <header class="channel-head">
                <div>
                    <h1 class="page-title">"# " {channel.name.clone()}</h1>
                    <p class="muted">{channel.description.clone()}</p>
                </div>
                {menu}
            </header>
            <div class="messages" data-testid="messages" aria-live="polite" node_ref=scroller on:scroll=on_scroll>
                <div class="history-edge">
                    <Show
                        when=move || has_older.get()
                        fallback=move || view! {
                            <Show when=move || !messages.with(Vec::is_empty)>
                                <p class="muted history-start" data-testid="channel-start">{i18n.t(Key::ChannelStart)}</p>
                            </Show>
                        }
                    >
                        <button
                            type="button"
                            class="btn btn-secondary btn-sm"
                            data-testid="load-older"
                            disabled=move || loading_older.get()
                            on:click={
                                let load = load_click.clone();
                                move |_| load()
                            }
                        >
                            {move || if loading_older.get() { i18n.now(Key::LoadingOlder) } else { i18n.now(Key::LoadOlder) }}
                        </button>
                    </Show>
                    {move || older_error.get().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
                </div>
                <Show when=move || messages.with(Vec::is_empty)>
                    <p class="empty">{i18n.t(Key::NoMessages)}</p>
                </Show>
                <For each=move || messages.get() key=|m| (m.id.clone(), m.edited_at, m.html.clone(), m.author.image.clone()) let:m>
                    <MessageItem m can_manage me=me.clone() messages />
                </For>
            </div>
            <Composer channel_id=id.clone() messages />
            <Show when=move || edit_open.get()>
                {
                    let id = id.clone();
                    // Its code (members, webhooks, deletion) is a chunk of
                    // its own, fetched on first open (SPEC B4).
                    move || {
                        let id = id.clone();
                        let on_close = Callback::new(move |_| edit_open.set(false));
                        view! {
                            <Suspense fallback=|| ()>
                                {Suspend::new(edit_channel_dialog(id, on_close))}
                            </Suspense>
                        }
                    }
                }
            </Show>
        </section>
    }
}

/// Scrolls the message list to its end once the DOM has the new rows.
fn scroll_to_bottom(scroller: NodeRef<leptos::html::Div>) {
    request_animation_frame(move || {
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        }
    });
}

/// After older messages were put above, keeps what the reader was
/// looking at where it was.
fn keep_place(scroller: NodeRef<leptos::html::Div>, before_height: Option<i32>) {
    request_animation_frame(move || {
        if let (Some(el), Some(before)) = (scroller.get_untracked(), before_height) {
            el.set_scroll_top(el.scroll_top() + el.scroll_height() - before);
        }
    });
}

/// One message: its author, time and body, and its actions (SPEC W8) —
/// copy a link to it; edit it (its author); delete it (its author, the
/// channel's managers, admins) after Parley's own confirm.
#[component]
fn MessageItem(
    m: ChannelMessage,
    can_manage: bool,
    me: Option<String>,
    messages: RwSignal<Vec<ChannelMessage>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let is_webhook = m.author.role == "webhook";
    let deleted = m.webhook_deleted;
    let name = m.author.name.clone();
    let avatar = match (
        m.author
            .image
            .clone()
            .filter(|src| !deleted && crate::model::is_local_image_url(src)),
        m.author.emoji.clone().filter(|_| !deleted),
    ) {
        (Some(src), _) => view! { <img class="avatar" src=src alt="" /> }.into_any(),
        (None, Some(emoji)) => {
            view! { <span class="avatar avatar-emoji" aria-hidden="true">{emoji}</span> }.into_any()
        }
        (None, None) => {
            view! { <span class="avatar" aria-hidden="true">{initials(&name)}</span> }.into_any()
        }
    };
    let own = !is_webhook && me.is_some() && m.author.id == me;
    let may_delete = own || can_manage;
    let menu_open = RwSignal::new(false);
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let copied = RwSignal::new(false);
    let draft = RwSignal::new(m.content.clone());
    let edit = ServerAction::<EditChannelMessage>::new();
    let remove = ServerAction::<DeleteChannelMessage>::new();
    let edit_error = action_error(edit.value());
    let remove_error = action_error(remove.value());
    let menu_ref = NodeRef::<leptos::html::Div>::new();
    let toggle_ref = NodeRef::<leptos::html::Button>::new();
    let (cid, mid) = (m.channel_id.clone(), m.id.clone());

    Effect::new(move |_| {
        if let Some(Ok(updated)) = edit.value().get() {
            editing.set(false);
            messages.update(|list| {
                if let Some(existing) = list.iter_mut().find(|x| x.id == updated.id) {
                    *existing = updated;
                }
            });
        }
    });
    {
        let mid = mid.clone();
        Effect::new(move |_| {
            if let Some(Ok(())) = remove.value().get() {
                messages.update(|list| list.retain(|x| x.id != mid));
            }
        });
    }
    // Opening the menu puts the focus on its first item (keyboard use).
    Effect::new(move |_| {
        if menu_open.get() {
            request_animation_frame(move || focus_menu_item(menu_ref, 0));
        }
    });
    let close_menu = move || {
        menu_open.set(false);
        if let Some(b) = toggle_ref.get_untracked() {
            let _ = b.focus();
        }
    };
    let on_menu_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close_menu();
        }
        "ArrowDown" | "ArrowUp" => {
            ev.prevent_default();
            let step = if ev.key() == "ArrowDown" { 1 } else { -1 };
            move_menu_focus(menu_ref, step);
        }
        _ => {}
    };
    let link_id = mid.clone();
    let copy_link = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let location = window().location();
            let url = format!(
                "{}{}#message-{}",
                location.origin().unwrap_or_default(),
                location.pathname().unwrap_or_default(),
                link_id
            );
            let _ = window().navigator().clipboard().write_text(&url);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &link_id;
        copied.set(true);
        close_menu();
    };
    let save = {
        let (cid, mid) = (cid.clone(), mid.clone());
        move || {
            let content = draft.get_untracked();
            if content.trim().is_empty() {
                return;
            }
            edit.dispatch(EditChannelMessage {
                channel_id: cid.clone(),
                message_id: mid.clone(),
                content,
            });
        }
    };
    let save_on_enter = save.clone();
    let original = m.content.clone();
    let cancel_edit = move || {
        draft.set(original.clone());
        editing.set(false);
    };
    let cancel_on_escape = cancel_edit.clone();
    let confirm_delete = {
        let (cid, mid) = (cid.clone(), mid.clone());
        move |_| {
            remove.dispatch(DeleteChannelMessage {
                channel_id: cid.clone(),
                message_id: mid.clone(),
            });
        }
    };
    let html = m.html.clone();

    view! {
        <article class="message" data-testid="message" data-id=m.id.clone() id=format!("message-{}", m.id)>
            {avatar}
            <div class="message-main">
                <div class="message-meta">
                    <span class="message-author">
                        {move || if deleted { i18n.now(Key::DeletedWebhook).to_string() } else { name.clone() }}
                    </span>
                    {is_webhook.then(|| view! { <span class="badge">{i18n.t(Key::WebhookBadge)}</span> })}
                    <time class="muted">{i18n.date(m.created_at)}</time>
                    {m.edited_at.map(|_| view! { <span class="muted edited" data-testid="edited">{i18n.t(Key::Edited)}</span> })}
                    <Show when=move || copied.get()>
                        <span class="muted copied" role="status">{i18n.t(Key::Copied)}</span>
                    </Show>
                </div>
                <Show
                    when=move || editing.get()
                    fallback=move || {
                        let html = html.clone();
                        view! { <div class="message-body" inner_html=move || crate::i18n::localize_times(&html, i18n.locale())></div> }
                    }
                >
                    <form class="message-edit" on:submit={
                        let save = save.clone();
                        move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); save(); }
                    }>
                        <FormError message=edit_error />
                        <textarea
                            rows="3"
                            data-testid="edit-message"
                            aria-label=move || i18n.now(Key::EditMessage)
                            prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev))
                            on:keydown={
                                let save = save_on_enter.clone();
                                let cancel = cancel_on_escape.clone();
                                move |ev: leptos::ev::KeyboardEvent| {
                                    if ev.key() == "Enter" && !ev.shift_key() {
                                        ev.prevent_default();
                                        save();
                                    } else if ev.key() == "Escape" {
                                        ev.prevent_default();
                                        cancel();
                                    }
                                }
                            }
                            autofocus
                        ></textarea>
                        <div class="message-edit-actions">
                            <button type="button" class="btn btn-secondary btn-sm" on:click={
                                let cancel = cancel_edit.clone();
                                move |_| cancel()
                            }>{i18n.t(Key::Cancel)}</button>
                            <button type="submit" class="btn btn-primary btn-sm" disabled=edit.pending()>{i18n.t(Key::Save)}</button>
                        </div>
                    </form>
                </Show>
                <Show when=move || confirming.get()>
                    <div class="message-confirm" role="alertdialog" aria-label=move || i18n.now(Key::ConfirmDeleteMessage)>
                        <span>{i18n.t(Key::ConfirmDeleteMessage)}</span>
                        <FormError message=remove_error />
                        <button type="button" class="btn btn-secondary btn-sm" on:click=move |_| confirming.set(false)
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { confirming.set(false) }
                        >{i18n.t(Key::Cancel)}</button>
                        <button type="button" class="btn btn-danger btn-sm" data-testid="confirm-delete-message" disabled=remove.pending() on:click=confirm_delete.clone()
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { confirming.set(false) }
                            autofocus
                        >{i18n.t(Key::Delete)}</button>
                    </div>
                </Show>
            </div>
            <div class="message-actions">
                <button
                    type="button"
                    class="icon-btn message-actions-toggle"
                    data-testid="message-actions"
                    aria-label=move || i18n.now(Key::MessageActions)
                    aria-haspopup="menu"
                    aria-expanded=move || menu_open.get().to_string()
                    node_ref=toggle_ref
                    on:click=move |_| menu_open.update(|o| *o = !*o)
                >
                    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                        <circle cx="5" cy="12" r="2" fill="currentColor"></circle>
                        <circle cx="12" cy="12" r="2" fill="currentColor"></circle>
                        <circle cx="19" cy="12" r="2" fill="currentColor"></circle>
                    </svg>
                </button>
                <Show when=move || menu_open.get()>
                    <div class="menu menu-down" role="menu" node_ref=menu_ref on:keydown=on_menu_key>
                        <button type="button" role="menuitem" class="menu-item" on:click=copy_link.clone()>{i18n.t(Key::CopyMessageLink)}</button>
                        {own.then(|| view! {
                            <button type="button" role="menuitem" class="menu-item" on:click=move |_| {
                                menu_open.set(false);
                                editing.set(true);
                            }>{i18n.t(Key::EditMessage)}</button>
                        })}
                        {may_delete.then(|| view! {
                            <button type="button" role="menuitem" class="menu-item menu-item-danger" on:click=move |_| {
                                menu_open.set(false);
                                confirming.set(true);
                            }>{i18n.t(Key::DeleteMessage)}</button>
                        })}
                    </div>
                </Show>
            </div>
        </article>
    }
}

/// Focuses the `index`-th item of a menu.
fn focus_menu_item(menu: NodeRef<leptos::html::Div>, index: usize) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = menu.get_untracked() {
            if let Ok(items) = el.query_selector_all("[role=menuitem]") {
                if let Some(item) = items
                    .item(index as u32)
                    .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = item.focus();
                }
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (menu, index);
}

/// Moves the focus one item down (`step` 1) or up (-1), wrapping around.
fn move_menu_focus(menu: NodeRef<leptos::html::Div>, step: i32) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(el) = menu.get_untracked() else {
            return;
        };
        let Ok(items) = el.query_selector_all("[role=menuitem]") else {
            return;
        };
        let count = items.length() as i32;
        if count == 0 {
            return;
        }
        let active = document().active_element();
        let current = (0..count)
            .find(|i| {
                items
                    .item(*i as u32)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|e| Some(&e) == active.as_ref())
            })
            .unwrap_or(-step.max(0));
        let next = (current + step).rem_euclid(count);
        focus_menu_item(menu, next as usize);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (menu, step);
}

#[component]
fn Composer(channel_id: String, messages: RwSignal<Vec<ChannelMessage>>) -> impl IntoView {
    let i18n = use_i18n();
    let post = ServerAction::<PostChannelMessage>::new();
    let text = RwSignal::new(String::new());
    let error = action_error(post.value());
    Effect::new(move |_| {
        if let Some(Ok(m)) = post.value().get() {
            messages.update(|list| {
                if !list.iter().any(|x| x.id == m.id) {
                    list.push(m);
                }
            });
        }
    });
    let send = {
        let channel_id = channel_id.clone();
        move || {
            let content = text.get_untracked();
            if content.trim().is_empty() {
                return;
            }
            post.dispatch(PostChannelMessage {
                channel_id: channel_id.clone(),
                content,
            });
            text.set(String::new());
        }
    };
    let send_on_enter = send.clone();
    view! {
        <form class="composer" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); send(); }>
            <FormError message=error />
            <textarea
                rows="2"
                aria-label=move || i18n.now(Key::MessagePlaceholder)
                placeholder=move || i18n.now(Key::MessagePlaceholder)
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" && !ev.shift_key() {
                        ev.prevent_default();
                        send_on_enter();
                    }
                }
            ></textarea>
            <button type="submit" class="btn btn-primary" disabled=post.pending()>{i18n.t(Key::Send)}</button>
        </form>
    }
}

/// `EditChannelDialog`, loaded when first opened.
#[lazy]
fn edit_channel_dialog(channel_id: String, on_close: Callback<()>) -> AnyView {
    view! { <EditChannelDialog channel_id on_close /> }.into_any()
}

/// Edit Channel: members and the entry to the webhooks modal.
#[component]
fn EditChannelDialog(channel_id: String, on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let set_member = ServerAction::<SetChannelMember>::new();
    let remove = ServerAction::<RemoveChannelMember>::new();
    let members = Resource::new(
        {
            let id = channel_id.clone();
            move || {
                (
                    id.clone(),
                    set_member.version().get(),
                    remove.version().get(),
                )
            }
        },
        |(id, _, _)| channel_members(id),
    );
    let error = action_error(set_member.value());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(ChannelRole::Member);
    let webhooks_open = RwSignal::new(false);
    let cid = channel_id.clone();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        set_member.dispatch(SetChannelMember {
            channel_id: cid.clone(),
            email: email.get_untracked(),
            role: role.get_untracked(),
        });
        email.set(String::new());
    };
    let cid_remove = channel_id.clone();
    let delete_id = channel_id.clone();
    let is_admin = use_session()
        .user_untracked()
        .is_some_and(|u| u.role == Role::Admin);
    view! {
        <Dialog title=Key::EditChannel on_close>
            <h3>{i18n.t(Key::Members)}</h3>
            <Loaded resource=members view=move |list| {
                let cid_remove = cid_remove.clone();
                view! {
                    <ul class="member-list">
                        {list.into_iter().map(|m| {
                            let cid = cid_remove.clone();
                            let uid = m.user_id.clone();
                            view! {
                                <li>
                                    <span class="avatar avatar-sm" aria-hidden="true">{initials(&m.name)}</span>
                                    <span>{m.name.clone()} " · " <span class="muted">{m.email.clone()}</span></span>
                                    <span class="badge">{move || if m.role == ChannelRole::Manager { i18n.now(Key::ManagerRole) } else { i18n.now(Key::MemberRole) }}</span>
                                    <button class="btn btn-secondary btn-sm" on:click=move |_| { remove.dispatch(RemoveChannelMember { channel_id: cid.clone(), user_id: uid.clone() }); }>
                                        {i18n.t(Key::Remove)}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            } />
            <form class="input-row" on:submit=add>
                <input type="email" required placeholder="name@example.com" aria-label=move || i18n.now(Key::Email)
                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                <select aria-label=move || i18n.now(Key::Role) on:change=move |ev| {
                    role.set(if event_target_value(&ev) == "manager" { ChannelRole::Manager } else { ChannelRole::Member });
                }>
                    <option value="member">{i18n.t(Key::MemberRole)}</option>
                    <option value="manager">{i18n.t(Key::ManagerRole)}</option>
                </select>
                <button type="submit" class="btn btn-secondary">{i18n.t(Key::AddMember)}</button>
            </form>
            <FormError message=error />
            <h3>{i18n.t(Key::Webhooks)}</h3>
            <div class="switch-row">
                <span>{i18n.t(Key::WebhooksHint)}</span>
                <button class="btn btn-secondary" on:click=move |_| webhooks_open.set(true)>{i18n.t(Key::Manage)}</button>
            </div>
            <Show when=move || webhooks_open.get()>
                <WebhooksModal channel_id=channel_id.clone() on_close=Callback::new(move |_| webhooks_open.set(false)) />
            </Show>
            <Show when=move || is_admin>
                <DeleteChannelSection channel_id=delete_id.clone() />
            </Show>
        </Dialog>
    }
}

/// Deleting the channel (admins): a second, explicit step, since it ends
/// the history for everyone; afterwards the page leaves the channel.
#[component]
fn DeleteChannelSection(channel_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let delete = ServerAction::<DeleteChannel>::new();
    let pending = delete.pending();
    let confirming = RwSignal::new(false);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            session.channels_changed.update(|n| *n += 1);
            navigate("/", Default::default());
        }
    });
    let error = action_error(delete.value());
    view! {
        <h3>{i18n.t(Key::DeleteChannel)}</h3>
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <div class="switch-row">
                    <span>{i18n.t(Key::DeleteChannelHint)}</span>
                    <button class="btn btn-danger" on:click=move |_| confirming.set(true)>{i18n.t(Key::DeleteChannel)}</button>
                </div>
            }
        >
            {
                let channel_id = channel_id.clone();
                view! {
                    <div class="confirm-row" role="alertdialog" aria-label=move || i18n.now(Key::ConfirmDeleteChannel)>
                        <span>{i18n.t(Key::ConfirmDeleteChannel)}</span>
                        <button class="btn btn-danger btn-sm" disabled=move || pending.get()
                            on:click=move |_| { delete.dispatch(DeleteChannel { channel_id: channel_id.clone() }); }>
                            {i18n.t(Key::Delete)}
                        </button>
                        <button class="btn btn-secondary btn-sm" on:click=move |_| confirming.set(false)>{i18n.t(Key::Cancel)}</button>
                    </div>
                }
            }
        </Show>
        <FormError message=error />
    }
}

/// A modal dialog: `role="dialog"`, Escape and the backdrop close it, focus
/// moves in on open and Tab stays inside.
#[component]
fn Dialog(title: Key, on_close: Callback<()>, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let panel = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = panel.get() {
            let _ = el.focus();
        }
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.stop_propagation();
            on_close.run(());
        }
        #[cfg(feature = "hydrate")]
        if ev.key() == "Tab" {
            trap_tab(&ev, panel);
        }
    };
    // The key's id, the same in every language.
    let title_id = format!("dialog-{}", title.id());
    let labelled_by = title_id.clone();
    view! {
        <div class="dialog-backdrop" on:click=move |_| on_close.run(())>
            <div
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby=labelled_by
                tabindex="-1"
                node_ref=panel
                on:click=|ev| ev.stop_propagation()
                on:keydown=on_keydown
            >
                <header class="dialog-head">
                    <h2 id=title_id>{i18n.t(title)}</h2>
                    <button class="icon-btn" aria-label=move || i18n.now(Key::Close) on:click=move |_| on_close.run(())>"×"</button>
                </header>
                {children()}
            </div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
fn trap_tab(ev: &leptos::ev::KeyboardEvent, panel: NodeRef<leptos::html::Div>) {
    use wasm_bindgen::JsCast;
    let Some(root) = panel.get_untracked() else {
        return;
    };
    let Ok(nodes) = root.query_selector_all("button, input, select, textarea, a[href]") else {
        return;
    };
    let focusable: Vec<web_sys::HtmlElement> = (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
        return;
    };
    let active = document().active_element();
    let at = |el: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
    };
    if ev.shift_key() && at(first) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && at(last) {
        ev.prevent_default();
        let _ = first.focus();
    }
}

#[component]
fn WebhooksModal(channel_id: String, on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateChannelWebhook>::new();
    let changed = RwSignal::new(0u64);
    let expanded = RwSignal::new(None::<String>);
    let hooks = Resource::new(
        {
            let id = channel_id.clone();
            move || (id.clone(), create.version().get(), changed.get())
        },
        |(id, _, _)| channel_webhooks(id),
    );
    Effect::new(move |_| {
        if let Some(Ok(h)) = create.value().get() {
            expanded.set(Some(h.id));
        }
    });
    let error = action_error(create.value());
    let cid = channel_id.clone();
    view! {
        <Dialog title=Key::Webhooks on_close>
            <div class="card-head">
                <span class="field-hint">{i18n.t(Key::WebhooksHint)}</span>
                <button class="btn btn-primary btn-sm" disabled=create.pending() on:click=move |_| { create.dispatch(CreateChannelWebhook { channel_id: cid.clone() }); }>
                    "+ " {i18n.t(Key::NewWebhook)}
                </button>
            </div>
            <FormError message=error />
            <Loaded resource=hooks view=move |value| match value {
                        list if list.is_empty() => view! { <p class="empty">{i18n.t(Key::NoWebhooks)}</p> }.into_any(),
                        list => view! {
                            <ul class="webhook-list" data-testid="webhook-list">
                                {list.into_iter().map(|h| view! { <WebhookRow hook=h expanded changed /> }).collect_view()}
                            </ul>
                        }.into_any(),
                    } />
        </Dialog>
    }
}

#[component]
fn WebhookRow(
    hook: ChannelWebhook,
    expanded: RwSignal<Option<String>>,
    changed: RwSignal<u64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = hook.id.clone();
    let is_open = {
        let id = id.clone();
        move || expanded.get().as_deref() == Some(id.as_str())
    };
    let toggle = {
        let id = id.clone();
        move |_| {
            expanded.update(|e| {
                *e = if e.as_deref() == Some(id.as_str()) {
                    None
                } else {
                    Some(id.clone())
                }
            })
        }
    };
    let avatar = match hook
        .profile_image_url
        .clone()
        .filter(|src| crate::model::is_local_image_url(src))
    {
        Some(src) => view! { <img class="avatar" src=src alt="" /> }.into_any(),
        None => view! { <span class="avatar" aria-hidden="true">{initials(&hook.name)}</span> }
            .into_any(),
    };
    let summary_name = hook.name.clone();
    let created = hook.created_at;
    let last_used = hook.last_used_at;
    let row_name = hook.name.clone();
    let open_attr = is_open.clone();
    view! {
        <li class="webhook-row" data-name=row_name>
            <button class="webhook-summary" aria-expanded=move || open_attr().to_string() on:click=toggle>
                {avatar}
                <span class="webhook-name">{summary_name}</span>
                <span class="muted">{i18n.t(Key::Created)} " " {i18n.date(created)}</span>
                <span class="muted">
                    {i18n.t(Key::LastUsed)} " "
                    {move || last_used.map(|ms| i18n.date_now(ms)).unwrap_or_else(|| i18n.now(Key::Never).to_string())}
                </span>
            </button>
            <Show when=is_open>
                <WebhookEditor hook=hook.clone() changed />
            </Show>
        </li>
    }
}

#[component]
fn WebhookEditor(hook: ChannelWebhook, changed: RwSignal<u64>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(hook.name.clone());
    let url = RwSignal::new(hook.url.clone());
    let copied = RwSignal::new(false);
    let upload_error = RwSignal::new(None::<String>);
    let update = ServerAction::<UpdateChannelWebhook>::new();
    let regenerate = ServerAction::<RegenerateChannelWebhook>::new();
    let delete = ServerAction::<DeleteChannelWebhook>::new();
    let update_error = action_error(update.value());
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    Effect::new(move |_| {
        if let Some(Ok(h)) = regenerate.value().get() {
            url.set(h.url);
            copied.set(false);
        }
    });
    Effect::new(move |_| {
        if update.value().with(|v| matches!(v, Some(Ok(_))))
            || delete.value().with(|v| matches!(v, Some(Ok(_))))
        {
            changed.update(|n| *n += 1);
        }
    });
    let (cid, wid) = (hook.channel_id.clone(), hook.id.clone());
    let save = {
        let (cid, wid) = (cid.clone(), wid.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            update.dispatch(UpdateChannelWebhook {
                channel_id: cid.clone(),
                webhook_id: wid.clone(),
                name: name.get_untracked(),
            });
        }
    };
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window()
                .navigator()
                .clipboard()
                .write_text(&url.get_untracked());
        }
        copied.set(true);
    };
    let regen = {
        let (cid, wid) = (cid.clone(), wid.clone());
        move |_| {
            if window()
                .confirm_with_message(&i18n.now(Key::ConfirmRegenerate))
                .unwrap_or(false)
            {
                regenerate.dispatch(RegenerateChannelWebhook {
                    channel_id: cid.clone(),
                    webhook_id: wid.clone(),
                });
            }
        }
    };
    let remove = {
        let (cid, wid) = (cid.clone(), wid.clone());
        move |_| {
            if window()
                .confirm_with_message(&i18n.now(Key::ConfirmDeleteWebhook))
                .unwrap_or(false)
            {
                delete.dispatch(DeleteChannelWebhook {
                    channel_id: cid.clone(),
                    webhook_id: wid.clone(),
                });
            }
        }
    };
    let on_file = {
        let (cid, wid) = (cid.clone(), wid.clone());
        move |ev: leptos::ev::Event| {
            #[cfg(feature = "hydrate")]
            upload_image(
                ev,
                cid.clone(),
                wid.clone(),
                changed,
                upload_error,
                i18n.locale(),
            );
            #[cfg(not(feature = "hydrate"))]
            let _ = (ev, &cid, &wid, changed);
        }
    };
    let name_id = format!("wh-name-{}", hook.id);
    let image_id = format!("wh-image-{}", hook.id);
    let github_id = format!("wh-github-{}", hook.id);
    let github_secret = RwSignal::new(String::new());
    let set_secret = ServerAction::<SetChannelWebhookGithubSecret>::new();
    let secret_set = RwSignal::new(hook.github_secret_set);
    let secret_error = action_error(set_secret.value());
    Effect::new(move |_| {
        if let Some(Ok(h)) = set_secret.value().get() {
            secret_set.set(h.github_secret_set);
            github_secret.set(String::new());
        }
    });
    let send_secret = {
        let (cid, wid) = (cid.clone(), wid.clone());
        move |secret: String| {
            set_secret.dispatch(SetChannelWebhookGithubSecret {
                channel_id: cid.clone(),
                webhook_id: wid.clone(),
                secret,
            });
        }
    };
    let save_secret = {
        let send = send_secret.clone();
        move |_| {
            let secret = github_secret.get_untracked();
            if !secret.trim().is_empty() {
                send(secret);
            }
        }
    };
    let clear_secret = move |_| send_secret(String::new());
    view! {
        <form class="form webhook-editor" on:submit=save>
            <label class="field" for=name_id.clone()>
                <span class="field-label">{i18n.t(Key::Name)}</span>
            </label>
            <input id=name_id type="text" maxlength="80" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            <label class="field" for=image_id.clone()>
                <span class="field-label">{i18n.t(Key::ProfileImage)}</span>
            </label>
            <input id=image_id type="file" accept="image/png,image/jpeg,image/gif,image/webp" on:change=on_file />
            <span class="field-hint">{i18n.t(Key::ImageHint)}</span>
            <FormError message=Signal::derive(move || upload_error.get()) />
            <div class="input-row">
                <input type="text" readonly aria-label=i18n.t(Key::WebhookUrl) class="url-box" prop:value=move || url.get() />
                <button type="button" class="btn btn-secondary btn-sm" on:click=copy>
                    {move || if copied.get() { i18n.now(Key::Copied) } else { i18n.now(Key::CopyUrl) }}
                </button>
                <button type="button" class="btn btn-secondary btn-sm" on:click=regen>{i18n.t(Key::RegenerateUrl)}</button>
            </div>
            <label class="field" for=github_id.clone()>
                <span class="field-label">{i18n.t(Key::GithubSecret)}</span>
            </label>
            <div class="input-row">
                <input
                    id=github_id
                    type="password"
                    autocomplete="off"
                    maxlength="256"
                    placeholder=move || if secret_set.get() { "••••••••" } else { "" }
                    prop:value=move || github_secret.get()
                    on:input=move |ev| github_secret.set(event_target_value(&ev))
                />
                <button type="button" class="btn btn-secondary btn-sm" on:click=save_secret disabled=set_secret.pending()>
                    {i18n.t(Key::SaveSecret)}
                </button>
                <Show when=move || secret_set.get()>
                    <button type="button" class="btn btn-secondary btn-sm" on:click=clear_secret.clone() disabled=set_secret.pending()>
                        {i18n.t(Key::ClearSecret)}
                    </button>
                </Show>
            </div>
            <span class="field-hint">
                {move || if secret_set.get() { i18n.now(Key::GithubSecretSet) } else { i18n.now(Key::GithubSecretHint) }}
            </span>
            <FormError message=secret_error />
            <FormError message=update_error />
            <div class="form-actions">
                <Show when=saved>
                    <span class="saved" role="status">{i18n.t(Key::Saved)}</span>
                </Show>
                <button type="button" class="btn btn-danger" on:click=remove>{i18n.t(Key::Delete)}</button>
                <button type="submit" class="btn btn-primary" disabled=update.pending()>{i18n.t(Key::Save)}</button>
            </div>
        </form>
    }
}

/// Sends the chosen file's bytes to the image endpoint (the server checks
/// type and size again).
#[cfg(feature = "hydrate")]
fn upload_image(
    ev: leptos::ev::Event,
    cid: String,
    wid: String,
    changed: RwSignal<u64>,
    error: RwSignal<Option<String>>,
    locale: crate::i18n::Locale,
) {
    use wasm_bindgen::JsCast;
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    if file.size() > 1024.0 * 1024.0 {
        error.set(Some(Key::ErrImageTooLarge.text(locale)));
        return;
    }
    error.set(None);
    wasm_bindgen_futures::spawn_local(async move {
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&file);
        init.set_credentials(web_sys::RequestCredentials::SameOrigin);
        let url = format!("/api/v1/channels/{cid}/webhooks/{wid}/image");
        let result =
            wasm_bindgen_futures::JsFuture::from(window().fetch_with_str_and_init(&url, &init))
                .await;
        match result
            .ok()
            .and_then(|r| r.dyn_into::<web_sys::Response>().ok())
        {
            Some(resp) if resp.ok() => changed.update(|n| *n += 1),
            Some(resp) => {
                let detail = match resp.json() {
                    Ok(p) => wasm_bindgen_futures::JsFuture::from(p)
                        .await
                        .ok()
                        .and_then(|v| js_sys::Reflect::get(&v, &"detail".into()).ok())
                        .and_then(|d| d.as_string()),
                    Err(_) => None,
                };
                error.set(Some(detail.unwrap_or_else(|| {
                    Key::UploadFailedStatus.with(locale, &[("status", resp.status().into())])
                })));
            }
            None => error.set(Some(Key::UploadUnreachable.text(locale))),
        }
    });
}
