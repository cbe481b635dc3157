//! The caller's session as the UI sees it: one resource, refetched after
//! sign-in, sign-up, sign-out and whenever the server says the account
//! changed (realtime `SessionChanged`).

use leptos::prelude::*;

use crate::api::{get_session_info, SignIn, SignOut, SignUp};
use crate::error::AppError;
use crate::model::SessionInfo;

#[derive(Clone, Copy)]
pub struct Session {
    pub info: Resource<Result<SessionInfo, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_up: ServerAction<SignUp>,
    pub sign_out: ServerAction<SignOut>,
    /// Bumped to refetch the session (account changed elsewhere).
    pub changed: RwSignal<u64>,
    /// Bumped when the user list changed; admin views refetch.
    pub users_changed: RwSignal<u64>,
    /// Bumped when a delivery of the caller's log changed.
    pub deliveries_changed: RwSignal<u64>,
    /// Bumped when the caller's channel list changed.
    pub channels_changed: RwSignal<u64>,
    /// Channel messages new, edited or deleted, in order, until the open
    /// channel takes them.
    pub channel_events: RwSignal<Vec<crate::model::ServerEvent>>,
    /// Bumped when the caller's chat list changed.
    pub chats_changed: RwSignal<u64>,
    /// Chat messages and reply pieces pushed by the server, in order,
    /// until the open chat takes them.
    pub chat_events: RwSignal<Vec<crate::model::ServerEvent>>,
    /// Bumped when the socket (re)opens: views that follow a stream reload,
    /// since pieces sent while it was down are lost.
    pub reconnected: RwSignal<u64>,
    /// Whether the realtime socket is up (shown in the sidebar).
    pub live: RwSignal<bool>,
}

impl Session {
    /// The signed-in user, reactively (None while loading or signed out).
    pub fn user(&self) -> Option<crate::model::User> {
        self.info.get().and_then(Result::ok).and_then(|s| s.user)
    }

    pub fn user_untracked(&self) -> Option<crate::model::User> {
        self.info
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|s| s.user)
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

pub fn provide_session() {
    let sign_in = ServerAction::<SignIn>::new();
    let sign_up = ServerAction::<SignUp>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let changed = RwSignal::new(0u64);
    let info = Resource::new(
        move || {
            (
                sign_in.version().get(),
                sign_up.version().get(),
                sign_out.version().get(),
                changed.get(),
            )
        },
        |_| get_session_info(),
    );
    let session = Session {
        info,
        sign_in,
        sign_up,
        sign_out,
        changed,
        users_changed: RwSignal::new(0),
        deliveries_changed: RwSignal::new(0),
        channels_changed: RwSignal::new(0),
        channel_events: RwSignal::new(Vec::new()),
        chats_changed: RwSignal::new(0),
        chat_events: RwSignal::new(Vec::new()),
        reconnected: RwSignal::new(0),
        live: RwSignal::new(false),
    };
    provide_context(session);
}
