//! The real `parley` binary as a child process on a loopback port, for
//! tests that kill it or measure it from outside.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

pub struct Parley {
    pub child: Child,
    pub base: String,
}

impl Parley {
    /// Starts with an admin webhook and fast retries (the crash tests).
    pub async fn start(db_url: &str, port: u16, webhook_url: &str) -> Parley {
        Parley::start_with(
            db_url,
            port,
            &[
                ("WEBHOOK_URL", webhook_url),
                (
                    "WEBHOOK_RETRY_SCHEDULE",
                    "500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms",
                ),
                ("WEBHOOK_TIMEOUT", "30"),
            ],
        )
        .await
    }

    pub async fn start_with(db_url: &str, port: u16, env: &[(&str, &str)]) -> Parley {
        let mut command = Command::new(env!("CARGO_BIN_EXE_parley"));
        command
            .env("DATABASE_URL", db_url)
            .env("PARLEY_ADDR", format!("127.0.0.1:{port}"))
            .env("WEBUI_SECRET_KEY", "crash-test")
            .env("RUST_LOG", "warn");
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start parley");
        let base = format!("http://127.0.0.1:{port}");
        if super::until(Duration::from_secs(30), async || {
            reqwest::get(format!("{base}/api/v1/auths/")).await.is_ok()
        })
        .await
        {
            return Parley { child, base };
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("parley did not start");
    }

    pub fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }

    pub async fn signup(&self, email: &str) {
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/auths/signup", self.base))
            .json(&json!({"name": "Tim", "email": email, "password": "correct horse"}))
            .send()
            .await
            .expect("signup");
        assert_eq!(res.status().as_u16(), 200);
    }
}

impl Parley {
    /// Resident memory of the server process, in KiB.
    /// The resident size once it stopped moving (two readings a poll
    /// apart within 1 %): what the process holds, not what it is doing.
    pub async fn steady_rss_kib(&self) -> u64 {
        let mut last = self.rss_kib();
        super::eventually("the RSS to settle", Duration::from_secs(10), async || {
            let now = self.rss_kib();
            let steady = now.abs_diff(last) <= last / 100;
            last = now;
            steady.then_some(now)
        })
        .await
    }

    /// SIGTERM, as a service manager stops it.
    pub fn terminate(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(sent.success(), "SIGTERM sent");
    }

    /// The exit status once the process has ended (for at most `within`).
    pub async fn exited(&mut self, within: Duration) -> std::process::ExitStatus {
        let child = &mut self.child;
        super::eventually("the process to exit", within, async || {
            child.try_wait().expect("wait")
        })
        .await
    }

    pub fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|n| n.parse().ok())
            })
            .unwrap_or(0)
    }
}

impl Drop for Parley {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
