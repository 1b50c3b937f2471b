//! Starting and stopping: building a missing index, refusing bad
//! arguments, graceful shutdown on SIGTERM and SIGINT (requests in flight
//! finish, the watcher's run commits), the request time limit, keep-alive
//! latency and concurrent load.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{client, get_json, wait_exit, Fixture};
use crate::fixtures::{indexed, served, write_docs, ARTICLES};

/// Runs `veille ARGS` that must fail quickly; returns (code, stderr).
fn run_failing(fx: &Fixture, args: &[&str]) -> (i32, String) {
    let mut child = fx
        .cmd(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if wait_exit(&mut child, Duration::from_secs(30)).is_none() {
        let _ = child.kill();
        panic!("veille {args:?} did not exit");
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_default_index_is_built_from_corpus_when_missing() {
    let fx = Fixture::new();
    write_docs(&fx, "corpus");
    let server = fx.serve(&[]);
    let (status, v) = get_json(&server.url("/api/search?q=cloud")).await;
    assert_eq!(status, 200);
    assert_eq!(v["total"], 5);
    assert!(fx.path("index/meta.json").exists());
    assert!(server.log().contains("building"), "{}", server.log());
}

#[test]
fn bad_arguments_and_missing_index_are_errors() {
    let fx = Fixture::new();
    let addr = ["--addr", "127.0.0.1:0"];
    let cases: &[(&[&str], &str)] = &[
        (&["serve", "--index", "nowhere"], "no index"),
        (
            &["serve", "--watch", "no-such-dir", "--index", "idx"],
            "not a directory",
        ),
        (&["serve", "--cors", "not an origin"], "--cors"),
        (&["serve", "--timeout", "0"], "--timeout"),
    ];
    for (args, expected) in cases {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(addr);
        let (code, err) = run_failing(&fx, &all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    let (code, _) = run_failing(&fx, &["serve", "--addr", "not-an-address"]);
    assert_eq!(code, 2);
}

#[tokio::test]
async fn sigterm_lets_requests_in_flight_finish_then_exits_0() {
    let fx = indexed();
    // Every index access sleeps 1.5 s first, so that a request is surely
    // in flight when the signal arrives.
    let mut server = fx.serve_env(
        &["--index", "idx"],
        &[("VEILLE_SERVE_TEST_DELAY_MS", "1500")],
    );
    let url = server.url("/api/search?q=cloud");
    let in_flight = tokio::spawn(async move {
        let r = client().get(&url).send().await.expect("response");
        let status = r.status().as_u16();
        let body: serde_json::Value = r.json().await.expect("a complete JSON body");
        (status, body, Instant::now())
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let signalled = Instant::now();
    server.signal(libc::SIGTERM);
    let (status, body, answered) = in_flight.await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(body["total"], 5);
    assert!(
        answered > signalled,
        "the request was in flight at the signal"
    );
    let exit = tokio::task::spawn_blocking(move || {
        let status = server.wait_exit(Duration::from_secs(20));
        (status, server.log())
    })
    .await
    .unwrap();
    let (status, log) = exit;
    let status = status.unwrap_or_else(|| panic!("still running after SIGTERM; log:\n{log}"));
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(log.contains("shutting down"), "{log}");
    let request_line = log
        .find("GET /api/search?q=cloud 200")
        .expect("the request was logged");
    assert!(log.find("shutting down").unwrap() < request_line, "{log}");
}

#[tokio::test]
async fn sigint_stops_an_idle_server() {
    let (_fx, mut server) = served();
    let (status, _) = get_json(&server.url("/healthz")).await;
    assert_eq!(status, 200);
    let started = Instant::now();
    server.signal(libc::SIGINT);
    let status = tokio::task::spawn_blocking(move || server.wait_exit(Duration::from_secs(10)))
        .await
        .unwrap()
        .expect("exited");
    assert_eq!(status.code(), Some(0));
    eprintln!("SIGINT to exit: {:?}", started.elapsed());
}

#[tokio::test]
async fn on_shutdown_the_watcher_commits_its_run() {
    let fx = Fixture::new();
    write_docs(&fx, "docs");
    let mut server = fx.serve(&["--watch", "docs", "--index", "idx"]);
    // Enough articles that indexing them takes a while.
    const N: usize = 3000;
    let mut big = String::new();
    for i in 0..N {
        big.push_str(&serde_json::json!({
            "id": format!("harp-{i}"),
            "title": format!("Harpsichord bulletin number {i}"),
            "body": format!("Issue {i} of the harpsichord bulletin reports on {} restored instruments and {} concerts.", i * 7 % 101, i * 13 % 97),
            "lang": "en",
        }).to_string());
        big.push('\n');
    }
    fx.write("docs/harpsichord.jsonl", big);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.log().contains("indexing the changes") {
        assert!(
            Instant::now() < deadline,
            "no run started; log:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.signal(libc::SIGTERM);
    let (status, log) = tokio::task::spawn_blocking(move || {
        let status = server.wait_exit(Duration::from_secs(120));
        (status, server.log())
    })
    .await
    .unwrap();
    assert_eq!(status.and_then(|s| s.code()), Some(0), "{log}");
    let stop = log.find("shutting down").expect("signal logged");
    let indexed = log
        .find("indexed ")
        .unwrap_or_else(|| panic!("the run did not finish:\n{log}"));
    eprintln!(
        "watcher run at shutdown: {}",
        log[indexed..].lines().next().unwrap_or("")
    );
    assert!(
        stop < indexed,
        "the run was in progress at the signal:\n{log}"
    );
    let stats = fx.stats("idx");
    assert_eq!(stats["articles"], ARTICLES + N as u64);
}

#[tokio::test]
async fn slow_requests_get_503_and_the_server_stays_responsive() {
    let fx = indexed();
    let server = fx.serve_env(
        &["--index", "idx", "--timeout", "1"],
        &[("VEILLE_SERVE_TEST_DELAY_MS", "2500")],
    );
    let started = Instant::now();
    let (status, v) = get_json(&server.url("/api/search?q=cloud")).await;
    let took = started.elapsed();
    assert_eq!(status, 503, "{v}");
    assert!(v["error"].as_str().unwrap().contains("longer than"), "{v}");
    assert!(took < Duration::from_millis(2300), "{took:?}");
    let started = Instant::now();
    let (status, _) = get_json(&server.url("/healthz")).await;
    assert_eq!(status, 200);
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn keep_alive_requests_do_not_stall() {
    let (_fx, server) = served();
    let client = client();
    let mut times = Vec::new();
    for path in std::iter::repeat_n("/healthz", 40)
        .chain(std::iter::repeat_n("/api/search?q=kernel&limit=1", 20))
    {
        let started = Instant::now();
        let r = client.get(server.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        r.bytes().await.unwrap();
        times.push((path, started.elapsed()));
    }
    let mut health: Vec<Duration> = times[1..40].iter().map(|t| t.1).collect();
    health.sort();
    let mut search: Vec<Duration> = times[41..].iter().map(|t| t.1).collect();
    search.sort();
    eprintln!(
        "keep-alive latency: /healthz median {:?} max {:?}; /api/search median {:?} max {:?}",
        health[health.len() / 2],
        health[health.len() - 1],
        search[search.len() / 2],
        search[search.len() - 1]
    );
    // A Nagle/delayed-ACK stall costs about 40 ms per request.
    assert!(
        health[health.len() / 2] < Duration::from_millis(20),
        "{health:?}"
    );
}

#[tokio::test]
async fn concurrent_searches_all_succeed() {
    let (_fx, server) = served();
    let mut tasks = Vec::new();
    for t in 0..8 {
        let url = server.url(&format!("/api/search?q=cloud&limit={}", t % 5 + 1));
        tasks.push(tokio::spawn(async move {
            let client = client();
            for _ in 0..15 {
                let r = client.get(&url).send().await.unwrap();
                assert_eq!(r.status().as_u16(), 200);
                let v: serde_json::Value = r.json().await.unwrap();
                assert_eq!(v["total"], 5);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    server
        .wait_total("cloud", 5, Duration::from_secs(1), "after the load")
        .await;
}
