//! The browser side of the realtime socket (SPEC W5): one WebSocket per
//! tab while signed in, reconnecting with capped, jittered backoff.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::{Interval, Timeout};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::model::{ClientEvent, ServerEvent};
use crate::session::Session;

#[derive(Default)]
struct Socket {
    user_id: Option<String>,
    ws: Option<WebSocket>,
    attempt: u32,
    retry: Option<Timeout>,
    on_open: Option<Closure<dyn FnMut()>>,
    on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_close: Option<Closure<dyn FnMut(CloseEvent)>>,
}

type Shared = Rc<RefCell<Socket>>;

const MAX_QUEUED_CHAT_EVENTS: usize = 2_000;

/// Opens the socket when someone signs in, closes it on sign-out, and
/// turns server events into the session's refetch signals.
pub fn follow_session(session: Session) {
    let shared: Shared = Rc::default();
    watch_presence(shared.clone());
    Effect::new(move |_| {
        let user_id = session
            .info
            .get()
            .and_then(Result::ok)
            .and_then(|s| s.user)
            .map(|u| u.id);
        let changed = shared.borrow().user_id != user_id;
        if changed {
            close(&shared);
            shared.borrow_mut().user_id = user_id.clone();
            if user_id.is_some() {
                let shared = shared.clone();
                crate::hydration::after_hydration(move || {
                    // Still the same account once the page is ready?
                    if shared.borrow().user_id == user_id && shared.borrow().ws.is_none() {
                        open(shared, session);
                    }
                });
            }
        }
    });
}

fn close(shared: &Shared) {
    let mut s = shared.borrow_mut();
    s.retry = None;
    s.attempt = 0;
    if let Some(ws) = s.ws.take() {
        ws.set_onclose(None);
        let _ = ws.close();
    }
}

fn socket_url() -> Option<String> {
    let location = window().location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/api/ws", location.host().ok()?))
}

fn open(shared: Shared, session: Session) {
    let Some(url) = socket_url() else { return };
    let Ok(ws) = WebSocket::new(&url) else {
        schedule_reconnect(shared, session);
        return;
    };

    let on_open = {
        let shared = shared.clone();
        Closure::<dyn FnMut()>::new(move || {
            shared.borrow_mut().attempt = 0;
            send_presence(&shared);
            session.live.set(true);
            // Anything may have changed while we were away.
            session.users_changed.update(|n| *n += 1);
            session.deliveries_changed.update(|n| *n += 1);
            session.chats_changed.update(|n| *n += 1);
            session.reconnected.update(|n| *n += 1);
        })
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let Some(text) = ev.data().as_string() else {
            return;
        };
        match serde_json::from_str::<ServerEvent>(&text) {
            Ok(ServerEvent::UsersChanged) => session.users_changed.update(|n| *n += 1),
            Ok(ServerEvent::SessionChanged) => session.changed.update(|n| *n += 1),
            Ok(ServerEvent::DeliveriesChanged) => session.deliveries_changed.update(|n| *n += 1),
            Ok(ServerEvent::ChannelsChanged) => session.channels_changed.update(|n| *n += 1),
            Ok(
                event @ (ServerEvent::ChannelMessage { .. }
                | ServerEvent::ChannelMessageDeleted { .. }),
            ) => session.channel_events.update(|queue| {
                // A busy channel with no view open: the view loads fresh.
                if queue.len() >= MAX_QUEUED_CHAT_EVENTS {
                    queue.drain(..queue.len() / 2);
                }
                queue.push(event);
            }),
            Ok(ServerEvent::ChatsChanged) => session.chats_changed.update(|n| *n += 1),
            Ok(event @ (ServerEvent::ChatMessageSaved { .. } | ServerEvent::ChatDelta { .. })) => {
                session.chat_events.update(|queue| {
                    // Nobody is reading when no chat is open; the chat
                    // loads fresh when opened, so old pieces can go.
                    if queue.len() >= MAX_QUEUED_CHAT_EVENTS {
                        queue.drain(..queue.len() / 2);
                    }
                    queue.push(event);
                })
            }
            Err(_) => leptos::logging::warn!("unknown realtime event: {text}"),
        }
    });
    let on_close = {
        let shared = shared.clone();
        Closure::<dyn FnMut(CloseEvent)>::new(move |_ev: CloseEvent| {
            session.live.set(false);
            shared.borrow_mut().ws = None;
            schedule_reconnect(shared.clone(), session);
        })
    };
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));

    let mut s = shared.borrow_mut();
    s.ws = Some(ws);
    s.on_open = Some(on_open);
    s.on_message = Some(on_message);
    s.on_close = Some(on_close);
}

fn schedule_reconnect(shared: Shared, session: Session) {
    let delay_ms = {
        let mut s = shared.borrow_mut();
        if s.user_id.is_none() {
            return;
        }
        s.attempt = s.attempt.saturating_add(1);
        let base = 500u32.saturating_mul(1 << s.attempt.min(6)).min(30_000);
        let jitter = (js_sys::Math::random() * f64::from(base) * 0.3) as u32;
        base + jitter
    };
    let timer = {
        let shared = shared.clone();
        Timeout::new(delay_ms, move || {
            if shared.borrow().ws.is_none() {
                open(shared.clone(), session);
            }
        })
    };
    shared.borrow_mut().retry = Some(timer);
}

/// What this tab reports (SPEC P1): is it visible, and does it have focus?
fn presence_now() -> ClientEvent {
    let doc = document();
    ClientEvent::Presence {
        visible: doc.visibility_state() == web_sys::VisibilityState::Visible,
        focused: doc.has_focus().unwrap_or(false),
    }
}

fn send_presence(shared: &Shared) {
    let s = shared.borrow();
    let Some(ws) =
        s.ws.as_ref()
            .filter(|ws| ws.ready_state() == WebSocket::OPEN)
    else {
        return;
    };
    if let Ok(text) = serde_json::to_string(&presence_now()) {
        let _ = ws.send_with_str(&text);
    }
}

/// Reports at once on every visibility or focus change, and every 15 s as
/// a heartbeat. Registered once for the life of the page.
fn watch_presence(shared: Shared) {
    let on_change = {
        let shared = shared.clone();
        Closure::<dyn FnMut()>::new(move || send_presence(&shared))
    };
    let _ = document()
        .add_event_listener_with_callback("visibilitychange", on_change.as_ref().unchecked_ref());
    let _ = window().add_event_listener_with_callback("focus", on_change.as_ref().unchecked_ref());
    let _ = window().add_event_listener_with_callback("blur", on_change.as_ref().unchecked_ref());
    // Page-lifetime listeners: intentionally never dropped.
    on_change.forget();
    let heartbeat = Interval::new(15_000, move || send_presence(&shared));
    heartbeat.forget();
}
