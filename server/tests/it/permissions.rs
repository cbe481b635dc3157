//! The permission matrix of SECURITY.md, read from that file and sent as
//! every kind of caller over real HTTP: the document and the server cannot
//! drift apart.

use serde_json::{Map, Value};

use crate::common::world::world;

struct Row {
    method: String,
    path: String,
    params: Vec<(String, String)>,
    expected: Vec<u16>,
}

const CALLERS: [&str; 6] = ["anonymous", "pending", "user", "member", "manager", "admin"];

fn matrix() -> Vec<Row> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../SECURITY.md"))
        .expect("SECURITY.md");
    let start = doc.find("<!-- matrix -->").expect("matrix start");
    let end = doc.find("<!-- /matrix -->").expect("matrix end");
    let rows: Vec<Row> = doc[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let mut request = cells[0].trim_matches('`').split_whitespace();
            let method = request.next().expect("method").to_string();
            let path = request.next().expect("path").to_string();
            let params = request
                .map(|p| {
                    let (k, v) = p.split_once('=').expect("k=v");
                    (k.to_string(), v.to_string())
                })
                .collect();
            let expected: Vec<u16> = cells[1..]
                .iter()
                .map(|c| c.parse().expect("status"))
                .collect();
            assert_eq!(expected.len(), CALLERS.len(), "{line}");
            Row {
                method,
                path,
                params,
                expected,
            }
        })
        .collect();
    assert!(rows.len() >= 10, "the matrix was read");
    rows
}

#[tokio::test]
async fn every_caller_gets_what_security_md_says() {
    let w = world().await;
    let tokens = [
        None,
        Some(w.pending.clone()),
        Some(w.outsider.clone()),
        Some(w.member.clone()),
        Some(w.manager.clone()),
        Some(w.admin.clone()),
    ];
    let mut wrong = Vec::new();
    for row in matrix() {
        let path = row.path.replace("{channel}", &w.channel);
        let params: Vec<(String, String)> = row
            .params
            .iter()
            .map(|(k, v)| (k.clone(), v.replace("{channel}", &w.channel)))
            .collect();
        for (i, token) in tokens.iter().enumerate() {
            let status = if path.starts_with("/api/fn/") {
                let form: Vec<(&str, &str)> = params
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let name = path.trim_start_matches("/api/fn/");
                w.s.server_fn(name, &form, token.as_deref()).await.0
            } else {
                let mut req = match row.method.as_str() {
                    "GET" => w.s.http.get(w.s.url(&path)),
                    "POST" => {
                        let body: Map<String, Value> = params
                            .iter()
                            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                            .collect();
                        w.s.http.post(w.s.url(&path)).json(&body)
                    }
                    "DELETE" => w.s.http.delete(w.s.url(&path)),
                    other => panic!("method {other}"),
                };
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                req.send().await.expect("request").status().as_u16()
            };
            if status != row.expected[i] {
                wrong.push(format!(
                    "{} {} as {}: got {status}, SECURITY.md says {}",
                    row.method, row.path, CALLERS[i], row.expected[i]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
