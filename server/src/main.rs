#![recursion_limit = "256"]
use clap::Parser;
use std::net::SocketAddr;
use tracing_subscriber::EnvFilter;

use parley_core::AppState;
use parley_server::cli::Cli;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();

    let cli = Cli::parse();
    let addr = cli.addr;
    let env = match cli.into_env() {
        Ok(env) => env,
        Err(err) => {
            eprintln!("parley: cannot prepare the data directory: {err}");
            std::process::exit(1);
        }
    };
    let state = match AppState::connect(env).await {
        Ok(state) => state,
        Err(err) => {
            eprintln!("parley: {err}");
            std::process::exit(1);
        }
    };
    let background = match state.spawn_background() {
        Ok(background) => background,
        Err(err) => {
            eprintln!("parley: cannot start the webhook sender: {err}");
            std::process::exit(1);
        }
    };
    let stop_background = state.shutdown.clone();
    // Messages an older renderer stored are rendered again once (SPEC C15).
    let db = state.db.clone();
    tokio::spawn(async move {
        match parley_core::channels::render_stale_messages(&db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(messages = n, "messages rendered again for this version"),
            Err(e) => tracing::warn!(error = %e, "cannot render stored messages again"),
        }
    });
    let app = parley_server::router(state, parley_server::leptos_options(addr));
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(err) => {
            eprintln!("parley: cannot listen on {addr}: {err}");
            std::process::exit(1);
        }
    };
    tracing::info!("Parley listening on http://{addr}");
    // SIGTERM (or Ctrl-C): stop accepting, let the requests in flight
    // finish — a post's answer comes after its commit, so the message
    // writer is drained with them — then stop the background tasks, the
    // worker finishing its attempts in flight, and exit 0.
    let shutdown = async {
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("SIGTERM handler");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    };
    if let Err(err) = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    {
        eprintln!("parley: server error: {err}");
        std::process::exit(1);
    }
    stop_background.cancel();
    background.finished().await;
    tracing::info!("stopped");
}
