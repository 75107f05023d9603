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
    let mut csv = "agency_code,kind,name,serial,funding_source,location\n".to_owned();
    for i in 0..rows {
        csv.push_str(&format!(
            "DINKES,end_user,Laptop {i},SN-{i:06},apbd,Gedung A\n"
        ));
    }
    csv
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
        let bad = devices_csv(10).replace("Laptop 7,SN-000007,apbd", "Laptop 7,SN-000007,hibah-luar-negeri");
        let resp = client.post(app.url("/api/v1/devices/import?dry_run=true")).bearer_auth(&admin).body(bad).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let e: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(e["error"]["field"].as_str(), Some("line 9: funding_source"), "{e}");
        holder.await.unwrap();
        let (_, listed) = test_support::api(reqwest::Method::GET, app.url("/api/v1/devices?per_page=1"), Some(&admin), None).await;
        assert_eq!(listed["total"], 0);
    }
}
