//! AI chats (SPEC W3): the sidebar list, the new-chat page, and the chat
//! page whose reply streams in over the realtime socket.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::{action_error, FormError, Loaded, PageLoading};
use crate::api::{get_chat, list_chats, list_models, DeleteChat, SendChatPrompt, StartChat};
use crate::i18n::{use_i18n, Arg, Key};
use crate::model::{
    apply_chat_event, ChatApply, ChatMessage, ChatRole, ModelList, ReplyStatus, User,
};
use crate::session::use_session;

/// The sidebar's chats, newest first.
#[component]
pub fn ChatList() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let chats = Resource::new(move || session.chats_changed.get(), |_| list_chats());
    view! {
        <Loaded resource=chats quiet=true view=move |value| match value {
                    list if list.is_empty() => view! { <p class="empty">{i18n.t(Key::NoChats)}</p> }.into_any(),
                    list => view! {
                        <ul class="nav-list" data-testid="chat-list">
                            {list.into_iter().map(|c| {
                                let tooltip = c.title.clone();
                                view! {
                                    <li>
                                        <A href=format!("/c/{}", c.id) attr:class="nav-link chat-link" attr:title=tooltip>
                                            {c.title}
                                        </A>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                } />
    }
}

/// The home page: pick a model, send the first prompt, land in the chat.
#[component]
pub fn NewChatPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = move || session.user().map(|u: User| u.name).unwrap_or_default();
    let models = Resource::new(|| (), |_| list_models());
    let start = ServerAction::<StartChat>::new();
    let error = action_error(start.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(chat)) = start.value().get() {
            navigate(&format!("/c/{}", chat.id), Default::default());
        }
    });
    // One memo for the component's life: an action's `pending()` called
    // again inside a closure makes a new memo each time, and panics if a
    // re-render has disposed the action meanwhile.
    let starting = start.pending();
    let prompt = RwSignal::new(String::new());
    let model = RwSignal::new(String::new());
    let send = move || {
        let text = prompt.get_untracked();
        if text.trim().is_empty() || starting.get_untracked() {
            return;
        }
        start.dispatch(StartChat {
            model: model.get_untracked(),
            prompt: text,
        });
    };
    view! {
        <section class="new-chat">
            <h1 class="page-title">{move || Key::Welcome.with(i18n.locale(), &[("name", Arg::from(name()))])}</h1>
            <p class="lead">{i18n.t(Key::NewChatHeading)}</p>
            <p class="muted">{i18n.t(Key::NewChatHint)}</p>
            <form class="prompt-box card" data-testid="new-chat-form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); send(); }>
                <FormError message=error />
                <Loaded resource=models view=move |list| view! { <ModelPicker list model /> }.into_any() />
                <PromptInput prompt on_send=Callback::new(move |_| send()) />
                <div class="prompt-actions">
                    <span class="muted small">{i18n.t(Key::SendHint)}</span>
                    <button type="submit" class="btn btn-primary" data-testid="send" disabled=move || starting.get()>
                        {move || if starting.get() { i18n.now(Key::Working) } else { i18n.now(Key::Send) }}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn ModelPicker(list: ModelList, model: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    // An endpoint model first when there is one: that is what the admin
    // set the endpoint up for.
    let default = list
        .models
        .iter()
        .find(|m| m.source == "openai")
        .or(list.models.first())
        .map(|m| m.id.clone())
        .unwrap_or_default();
    model.set(default.clone());
    let endpoint_error = list.endpoint_error.clone();
    view! {
        <label class="field model-field">
            <span class="field-label">{i18n.t(Key::Model)}</span>
            <select name="model" data-testid="model" on:change=move |ev| model.set(event_target_value(&ev))>
                {list.models.into_iter().map(|m| {
                    let selected = m.id == default;
                    let label = if m.source == "parley" {
                        format!("{} ({})", m.id, i18n.now(Key::BuiltIn))
                    } else {
                        m.id.clone()
                    };
                    view! { <option value=m.id selected=selected>{label}</option> }
                }).collect_view()}
            </select>
        </label>
        {endpoint_error.map(|detail| view! {
            <div class="alert alert-info" role="status">
                {i18n.t(Key::EndpointUnavailable)} " " <span class="muted">{detail}</span>
            </div>
        })}
    }
}

/// The prompt textarea: Enter sends, Shift+Enter adds a line.
#[component]
fn PromptInput(prompt: RwSignal<String>, on_send: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <textarea
            rows="3"
            name="prompt"
            data-testid="prompt"
            aria-label=move || i18n.now(Key::PromptPlaceholder)
            placeholder=move || i18n.now(Key::PromptPlaceholder)
            prop:value=move || prompt.get()
            on:input=move |ev| prompt.set(event_target_value(&ev))
            on:keydown=move |ev| {
                if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                    ev.prevent_default();
                    on_send.run(());
                }
            }
        ></textarea>
    }
}

#[component]
pub fn ChatPage() -> impl IntoView {
    let params = use_params_map();
    let chat_id = move || params.read().get("id").unwrap_or_default();
    // Built after hydration, like the channel page: the reply may be
    // streaming, so server markup would be stale a moment later anyway.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    view! {
        <Show when=move || mounted.get() fallback=|| view! { <PageLoading /> }>
            {move || view! { <ChatView chat_id=chat_id() /> }}
        </Show>
    }
}

#[component]
fn ChatView(chat_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reload = RwSignal::new(0u64);
    let chat = Resource::new(
        {
            let id = chat_id.clone();
            move || (id.clone(), reload.get())
        },
        |(id, _)| get_chat(id),
    );
    let messages = RwSignal::new(Vec::<ChatMessage>::new());
    let ready = RwSignal::new(false);

    // After a reconnect, what was missed while the socket was down, put in
    // place without building the view again (as the channel view does):
    // rebuilding it as the page's socket first opened raced the first load.
    let refetch_id = chat_id.clone();
    Effect::new(move |prev: Option<u64>| {
        let n = session.reconnected.get();
        if prev.is_some_and(|p| p != n) {
            let id = refetch_id.clone();
            leptos::task::spawn_local(async move {
                if let Ok(c) = get_chat(id).await {
                    messages.set(c.messages);
                }
            });
        }
        n
    });

    // Realtime pieces are applied once the chat is loaded; one that shows
    // a gap reloads the chat.
    let live_id = chat_id.clone();
    Effect::new(move |_| {
        session.chat_events.track();
        if !ready.get() {
            return;
        }
        let events = session
            .chat_events
            .try_update_untracked(std::mem::take)
            .unwrap_or_default();
        let mut need_reload = false;
        messages.update(|list| {
            for event in &events {
                need_reload |= apply_chat_event(&live_id, list, event) == ChatApply::Reload;
            }
        });
        if need_reload {
            ready.set(false);
            reload.update(|n| *n += 1);
        }
    });

    let streaming = Signal::derive(move || {
        messages.with(|list| list.iter().any(|m| m.status == ReplyStatus::Streaming))
    });

    view! {
        <Loaded resource=chat view=move |c| {
                        messages.set(c.messages.clone());
                        ready.set(true);
                        view! {
                            <section class="chat" data-testid="chat" data-chat-id=c.id.clone()>
                                <ChatHeader chat_id=c.id.clone() title=c.title.clone() model=c.model.clone() />
                                <ChatMessages messages />
                                <ChatComposer chat_id=c.id.clone() messages streaming />
                            </section>
                        }.into_any()
                    }
                />
        {move || streaming.get().then(|| view! { <span class="sr-only" role="status">{i18n.now(Key::Writing)}</span> })}
    }
}

#[component]
fn ChatHeader(chat_id: String, title: String, model: String) -> impl IntoView {
    let i18n = use_i18n();
    let delete = ServerAction::<DeleteChat>::new();
    let confirming = RwSignal::new(false);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/", Default::default());
        }
    });
    let error = action_error(delete.value());
    view! {
        <header class="chat-head">
            <div class="chat-title">
                <h1 class="page-title" data-testid="chat-title">{title}</h1>
                <span class="badge">{model}</span>
            </div>
            <div class="chat-actions">
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button class="btn btn-secondary btn-sm" on:click=move |_| confirming.set(true)>{i18n.t(Key::DeleteChat)}</button>
                    }
                >
                    {
                        let chat_id = chat_id.clone();
                        view! {
                            <div class="confirm-row" role="alertdialog" aria-label=move || i18n.now(Key::ConfirmDeleteChat)>
                                <span>{i18n.t(Key::ConfirmDeleteChat)}</span>
                                <button class="btn btn-danger btn-sm" on:click=move |_| { delete.dispatch(DeleteChat { chat_id: chat_id.clone() }); }>{i18n.t(Key::Delete)}</button>
                                <button class="btn btn-secondary btn-sm" on:click=move |_| confirming.set(false)>{i18n.t(Key::Cancel)}</button>
                            </div>
                        }
                    }
                </Show>
            </div>
            <FormError message=error />
        </header>
    }
}

#[component]
fn ChatMessages(messages: RwSignal<Vec<ChatMessage>>) -> impl IntoView {
    let scroller = NodeRef::<leptos::html::Div>::new();
    // Follow the reply as it grows, unless the reader scrolled up.
    Effect::new(move |_| {
        messages.track();
        if let Some(Some(el)) = scroller.try_get() {
            let near_bottom = el.scroll_height() - el.scroll_top() - el.client_height() < 160;
            if near_bottom {
                el.set_scroll_top(el.scroll_height());
            }
        }
    });
    view! {
        <div class="chat-messages" data-testid="chat-messages" node_ref=scroller>
            <For
                each=move || messages.get()
                key=|m| (m.id.clone(), m.status, m.content.len())
                let:m
            >
                <ChatBubble m />
            </For>
        </div>
    }
}

#[component]
fn ChatBubble(m: ChatMessage) -> impl IntoView {
    let i18n = use_i18n();
    let role = m.role;
    let author = match role {
        ChatRole::User => i18n.now(Key::YouLabel).to_string(),
        ChatRole::Assistant => m.model.clone().unwrap_or_default(),
    };
    let body = if role == ChatRole::Assistant
        && m.status != ReplyStatus::Streaming
        && !m.html.is_empty()
    {
        view! { <div class="chat-body markdown" inner_html=m.html.clone()></div> }.into_any()
    } else {
        view! { <div class="chat-body plain">{m.content.clone()}</div> }.into_any()
    };
    let error = m.error.clone();
    view! {
        <article
            class=format!("chat-msg chat-msg-{}", role.as_str())
            data-testid="chat-message"
            data-role=role.as_str()
            data-status=m.status.as_str()
        >
            <div class="chat-meta">
                <span class="message-author">{author}</span>
                <time class="muted">{i18n.date(m.created_at)}</time>
            </div>
            {body}
            {(m.status == ReplyStatus::Streaming).then(|| view! {
                <div class="typing" aria-hidden="true"><span></span><span></span><span></span></div>
            })}
            {error.map(|e| view! {
                <div class="alert alert-error" role="alert" data-testid="reply-error">
                    <strong>{i18n.t(Key::ReplyFailed)}</strong> " " {e}
                </div>
            })}
        </article>
    }
}

#[component]
fn ChatComposer(
    chat_id: String,
    messages: RwSignal<Vec<ChatMessage>>,
    streaming: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let send = ServerAction::<SendChatPrompt>::new();
    let error = action_error(send.value());
    let prompt = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(saved)) = send.value().get() {
            messages.update(|list| {
                for m in saved {
                    if !list.iter().any(|x| x.id == m.id) {
                        list.push(m);
                    }
                }
            });
        }
    });
    // One memo for the component's life (see `NewChatPage`).
    let sending = send.pending();
    let busy = move || streaming.get() || sending.get();
    let submit = move || {
        let text = prompt.get_untracked();
        if text.trim().is_empty() || streaming.get_untracked() || sending.get_untracked() {
            return;
        }
        send.dispatch(SendChatPrompt {
            chat_id: chat_id.clone(),
            prompt: text,
        });
        prompt.set(String::new());
    };
    let submit_enter = submit.clone();
    view! {
        <form class="prompt-box chat-composer" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); submit(); }>
            <FormError message=error />
            <PromptInput prompt on_send=Callback::new(move |_| submit_enter()) />
            <div class="prompt-actions">
                <span class="muted small">
                    {move || if streaming.get() { i18n.now(Key::Writing) } else { i18n.now(Key::SendHint) }}
                </span>
                <button type="submit" class="btn btn-primary" data-testid="send" disabled=busy>
                    {i18n.t(Key::Send)}
                </button>
            </div>
        </form>
    }
}
