//! Reliability under load (issue 16), on SQLite and PostgreSQL: a long write elsewhere — an
//! import on another instance — neither starves reads nor turns writes into 500s, and an
//! import's preview checks without writing or waiting for the turn to write.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use std::time::{Duration, Instant};

use kernel::permissions::Role;
use test_support::{TestApp, both, json};

/// Holds the database's write lock (the audit chain's head) on a connection of its own, as
/// another instance's long import does, for `hold`; returns once the lock is taken.
async fn hold_the_write_lock(app: &TestApp, hold: Duration) -> tokio::task::JoinHandle<()> {
    let url = app.state.config.database_url.clone();
    let (taken, on_taken) = tokio::sync::oneshot::channel();
    let holder = tokio::task::spawn_blocking(move || {
        use diesel::Connection;
        let mut conn = db::Manager::new(&url).unwrap().connect().unwrap();
        conn.transaction::<_, diesel::result::Error, _>(|tx| {
            db::lock_for_write(tx)?;
            taken.send(()).unwrap();
            std::thread::sleep(hold);
            Ok(())
        })
        .unwrap();
    });
    on_taken.await.unwrap();
    holder
}

fn devices_csv(rows: usize) -> String {
    String::from_utf8(test_support::imports::devices_csv("Uji", rows)).unwrap()
}

both! {
    async fn a_long_write_elsewhere_neither_starves_reads_nor_answers_500(app) {
        app.agency("DINKES").await;
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let client = reqwest::Client::new();
        let hold = Duration::from_secs(3);
        let holder = hold_the_write_lock(&app, hold).await;
        let held_since = Instant::now();
        // More writers than the pool has connections queue behind the lock…
        let mut writers = vec![];
        for i in 0..24 {
            let (client, url, admin) = (client.clone(), app.url("/api/v1/devices"), admin.clone());
            let dinkes = app.agency_id("DINKES").await;
            writers.push(tokio::spawn(async move {
                let body = json!({"agency_id": dinkes, "kind": "end_user", "name": format!("Laptop {i}"),
                    "funding_source": "apbd", "location": "Gedung A"});
                client.post(url).bearer_auth(admin).json(&body).send().await.unwrap().status().as_u16()
            }));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        // …and reads still answer at once: the waiting writers hold no connection.
        let mut slowest = Duration::ZERO;
        for _ in 0..10 {
            let started = Instant::now();
            let resp = client.get(app.url("/api/v1/devices")).bearer_auth(&admin).send().await.unwrap();
            assert_eq!(resp.status(), 200);
            slowest = slowest.max(started.elapsed());
        }
        assert!(held_since.elapsed() < hold, "the reads ran while the lock was held");
        assert!(slowest < Duration::from_millis(1000), "a read waited {slowest:?} behind the writers");
        holder.await.unwrap();
        // Once the lock is let go, every writer gets its turn: no 500, nothing lost.
        let mut statuses = vec![];
        for w in writers {
            statuses.push(w.await.unwrap());
        }
        assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
        let (_, listed) = test_support::api(reqwest::Method::GET, app.url("/api/v1/devices?per_page=1"), Some(&admin), None).await;
        assert_eq!(listed["total"], 24);
    }
}

both! {
    async fn a_writer_that_waits_too_long_for_its_turn_is_told_to_retry_later(app) {
        let mut state = app.state.clone();
        let mut config = (*state.config).clone();
        config.write_wait = Duration::from_millis(200);
        state.config = std::sync::Arc::new(config);
        let turn = state.write_turn.clone().acquire_owned().await.unwrap();
        let started = Instant::now();
        let refused = state.write(|_| Ok(())).await;
        assert!(matches!(refused, Err(kernel::AppError::Busy(_))), "{refused:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
        // 503 with Retry-After is how Busy answers (tested with the pool's own timeout).
        assert_eq!(axum::response::IntoResponse::into_response(refused.unwrap_err()).status(), 503);
        drop(turn);
        state.write(|_| Ok(())).await.unwrap();
    }
}

both! {
    async fn a_preview_checks_every_row_without_writing_or_waiting_for_the_turn(app) {
        app.agency("DINKES").await;
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let client = reqwest::Client::new();
        let holder = hold_the_write_lock(&app, Duration::from_secs(3)).await;
        let started = Instant::now();
        let resp = client.post(app.url("/api/v1/devices/import?dry_run=true")).bearer_auth(&admin)
            .body(devices_csv(5_000)).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let r: serde_json::Value = resp.json().await.unwrap();
        assert_eq!((r["imported"].as_u64(), r["dry_run"].as_bool()), (Some(5_000), Some(true)));
        assert!(started.elapsed() < Duration::from_secs(2), "the preview waited: {:?}", started.elapsed());
        // A bad row is still found (the check is the save's), and nothing was written.
        let bad = devices_csv(10).replace("Uji-000007,apbd", "Uji-000007,hibah-luar-negeri");
        let resp = client.post(app.url("/api/v1/devices/import?dry_run=true")).bearer_auth(&admin).body(bad).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let e: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(e["error"]["field"].as_str(), Some("line 9: funding_source"), "{e}");
        holder.await.unwrap();
        let (_, listed) = test_support::api(reqwest::Method::GET, app.url("/api/v1/devices?per_page=1"), Some(&admin), None).await;
        assert_eq!(listed["total"], 0);
    }
}

/// Two instances on one PostgreSQL database (SQLite is one process) behind one load balancer
/// agree: a unique code raced from both is taken once, a lockout earned on one holds on the
/// other, and a session or a token made on one works on the other.
mod two_instances_on_one_database_agree {
    use super::*;
    use test_support::{PASSWORD, api, csrf_of};

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        let a = TestApp::postgres().await;
        let b = a.another().await;
        let admin = a.token("admin", Role::DinasAdmin, None).await;
        // Sixteen creations of one code, half through each instance: one 201, fifteen 409.
        let mut racers = vec![];
        for i in 0..16 {
            let url = if i % 2 == 0 {
                a.url("/api/v1/agencies")
            } else {
                b.url("/api/v1/agencies")
            };
            let admin = admin.clone();
            racers.push(tokio::spawn(async move {
                let body =
                    json!({"name": format!("Dinas Balapan {i}"), "code": "BALAP", "kind": "dinas"});
                test_support::api(reqwest::Method::POST, url, Some(&admin), Some(body)).await
            }));
        }
        let mut statuses = vec![];
        for r in racers {
            let (s, body) = r.await.unwrap();
            if s == 409 {
                assert_eq!(body["error"]["field"], "code", "{body}");
            }
            statuses.push(s);
        }
        statuses.sort_unstable();
        assert_eq!(statuses, [vec![201], vec![409; 15]].concat());
        // A token made through one instance works on the other.
        let (s, _) = api(
            reqwest::Method::GET,
            b.url("/api/v1/agencies?q=BALAP"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(s, 200);
        // A session begun on one is the same session on the other.
        a.account("siti", Role::Leader, None).await;
        let browser = a.browser();
        a.sign_in(&browser, "siti").await;
        let home = browser.get(b.url("/")).send().await.unwrap();
        assert_eq!(home.status(), 200);
        assert!(
            home.text().await.unwrap().contains("Keluar"),
            "signed in on the other instance"
        );
        // Failures spread over both instances lock the account on both.
        a.account("target", Role::Leader, None).await;
        let guesser = a.browser();
        let page = guesser
            .get(a.url("/sign-in"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_of(&page);
        for i in 0..5 {
            let on = if i % 2 == 0 { &a } else { &b };
            let resp = guesser
                .post(on.url("/sign-in"))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("login", "target"),
                    ("password", "wrong-password"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 401);
        }
        for on in [&a, &b] {
            let resp = guesser
                .post(on.url("/sign-in"))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("login", "target"),
                    ("password", PASSWORD),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 429, "locked on every instance");
        }
    }
}

/// The rows an import may hold are a setting, and the refusal says the limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_row_limit_of_an_import_is_a_setting_and_its_refusal_says_it() {
    let app =
        TestApp::with_settings(db::Backend::Sqlite, &[("SIMPUL_IMPORT_MAX_ROWS", "100")]).await;
    app.agency("DINKES").await;
    let admin = app.token("admin", Role::DinasAdmin, None).await;
    let client = reqwest::Client::new();
    let send = |rows| {
        client
            .post(app.url("/api/v1/devices/import?dry_run=true"))
            .bearer_auth(&admin)
            .header("accept-language", "id")
            .body(devices_csv(rows))
            .send()
    };
    assert_eq!(send(100).await.unwrap().status(), 200);
    let resp = send(101).await.unwrap();
    assert_eq!(resp.status(), 422);
    let e: serde_json::Value = resp.json().await.unwrap();
    let message = e["error"]["message"].as_str().unwrap();
    assert!(message.contains("paling banyak 100 baris"), "{message}");
}

/// A table of its own for the grouped-write tests (no context owns it).
async fn probe_table(app: &TestApp) {
    app.db(|c| {
        use diesel::RunQueryDsl;
        diesel::sql_query("CREATE TABLE grouped_probe (n INTEGER NOT NULL)").execute(c)
    })
    .await
    .unwrap();
}

async fn probed(app: &TestApp) -> Vec<i32> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        n: i32,
    }
    app.db(|c| {
        use diesel::RunQueryDsl;
        diesel::sql_query("SELECT n FROM grouped_probe ORDER BY n").load::<Row>(c)
    })
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.n)
    .collect()
}

fn insert_probe(c: &mut db::DbConn, n: i32) -> kernel::AppResult<()> {
    use diesel::RunQueryDsl;
    diesel::sql_query(format!("INSERT INTO grouped_probe (n) VALUES ({n})")).execute(c)?;
    Ok(())
}

both! {
    async fn unaudited_writes_at_once_all_commit_and_a_failed_one_leaves_nothing(app) {
        probe_table(&app).await;
        // Sixty-four writes at once (on SQLite they share commits); every odd one writes and
        // then fails, so its row must vanish while its group's others stay.
        let writes: Vec<_> = (0..64).map(|n| {
            let state = app.state.clone();
            tokio::spawn(async move {
                state
                    .write_unaudited(move |c| {
                        insert_probe(c, n)?;
                        if n % 2 == 1 {
                            return Err(kernel::AppError::NotFound);
                        }
                        Ok(n)
                    })
                    .await
            })
        }).collect();
        for (n, write) in writes.into_iter().enumerate() {
            let answer = write.await.unwrap();
            if n % 2 == 1 {
                assert!(matches!(answer, Err(kernel::AppError::NotFound)), "{n}: {answer:?}");
            } else {
                assert_eq!(answer.unwrap(), n as i32);
            }
        }
        assert_eq!(probed(&app).await, (0..64).step_by(2).collect::<Vec<i32>>());
    }
}

both! {
    async fn an_unaudited_write_told_to_retry_never_runs_later(app) {
        probe_table(&app).await;
        let mut state = app.state.clone();
        let mut config = (*state.config).clone();
        config.write_wait = Duration::from_millis(200);
        state.config = std::sync::Arc::new(config);
        let turn = state.write_turn.clone().acquire_owned().await.unwrap();
        let answer = state.write_unaudited(|c| insert_probe(c, 1)).await;
        if state.is_sqlite() {
            assert!(matches!(answer, Err(kernel::AppError::Busy(_))), "{answer:?}");
        } else {
            // PostgreSQL does not wait for the process's turn for these.
            answer.unwrap();
        }
        drop(turn);
        state.write_unaudited(|c| insert_probe(c, 2)).await.unwrap();
        let expected = if state.is_sqlite() { vec![2] } else { vec![1, 2] };
        assert_eq!(probed(&app).await, expected);
    }
}
