//! Background jobs across instances: an import started through one instance is followed
//! through another (its progress is in the database, not in one process's memory), jobs spread
//! over two instances each run exactly once, and a job whose instance stopped before running it
//! is run by the next. The imports are the registry's own, started from its pages.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use std::time::{Duration, Instant};

use kernel::permissions::Role;
use test_support::TestApp;
use test_support::imports::devices_csv;

/// Uploads, previews and confirms an import on `app`.
async fn start_import(
    app: &TestApp,
    browser: &reqwest::Client,
    csrf: &str,
    csv: Vec<u8>,
) -> String {
    test_support::imports::start_import(browser, csrf, (&app.base, &app.base), csv).await
}

/// `(done, total)` as a job page shows them, and whether it has finished.
fn progress_of(page: &str) -> (u64, u64, bool) {
    let numbers = page
        .split("<progress id=\"job-progress\" max=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no progress bar: {page}"));
    let total: u64 = numbers.split('"').next().unwrap().parse().unwrap();
    let done: u64 = numbers
        .split("value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    (done, total, !page.contains("http-equiv=\"refresh\""))
}

/// How many devices are stored (counted in the database: a list stops counting 1,000 past
/// its page).
async fn devices(app: &TestApp) -> i64 {
    app.db(|c| {
        use diesel::prelude::*;
        db::schema::devices::table
            .count()
            .get_result::<i64>(c)
            .unwrap()
    })
    .await
}

/// The instance's job runner id, as recorded on the jobs it claims.
fn instance(app: &TestApp) -> String {
    app.state.jobs.instance().to_owned()
}

/// Several instances share one database only on PostgreSQL.
mod a_job_started_on_one_instance_is_followed_on_another_and_runs_once {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        run(TestApp::postgres().await).await;
    }
}

async fn run(a: TestApp) {
    a.demo().await;
    let b = a.another().await;
    let dinkes = a.agency_id("DINKES").await;
    a.account("op.import", Role::AgencyOperator, Some(dinkes))
        .await;
    let before = devices(&a).await;
    // One browser for both instances: a load balancer in front, one session in the database.
    let browser = a.browser();
    let csrf = a.sign_in(&browser, "op.import").await;
    // Enough rows that the write, 500 to a statement, spans several of the other instance's looks.
    let rows = 10_000;
    let job = start_import(&a, &browser, &csrf, devices_csv("big", rows)).await;
    // Follow it through both instances until it is done; note what the instance that does
    // *not* run it saw while it ran.
    let (mut seen_by_other, mut runner) = (vec![], None::<String>);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(Instant::now() < deadline, "the import did not finish");
        let on_a = browser.get(a.url(&job)).send().await.unwrap();
        let on_b = browser.get(b.url(&job)).send().await.unwrap();
        assert_eq!(
            (on_a.status().as_u16(), on_b.status().as_u16()),
            (200, 200),
            "both instances know the job"
        );
        let (page_a, page_b) = (on_a.text().await.unwrap(), on_b.text().await.unwrap());
        if runner.is_none() {
            runner = if a.state.jobs.live(job_id(&job)).is_some() {
                Some(instance(&a))
            } else if b.state.jobs.live(job_id(&job)).is_some() {
                Some(instance(&b))
            } else {
                None
            };
        }
        let other_page = match runner.as_deref() {
            Some(r) if r == instance(&a) => &page_b,
            Some(_) => &page_a,
            None => &page_b,
        };
        let (done, total, finished) = progress_of(other_page);
        assert_eq!(total, rows as u64);
        seen_by_other.push(done);
        if finished {
            assert!(
                other_page.contains(&format!("{rows} baris diimpor")),
                "{other_page}"
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert!(
        seen_by_other.iter().any(|d| *d > 0 && *d < rows as u64),
        "the other instance saw the import under way, not only before and after: {seen_by_other:?}"
    );
    assert!(
        seen_by_other.windows(2).all(|w| w[0] <= w[1]),
        "{seen_by_other:?}"
    );
    assert_eq!(devices(&b).await, before + rows as i64, "imported once");
    eprintln!("large import followed from the other instance: {seen_by_other:?}");

    // A dozen small imports started on both instances: each runs exactly once.
    let mut jobs = vec![];
    for i in 0..12 {
        let on = if i % 2 == 0 { &a } else { &b };
        jobs.push(start_import(on, &browser, &csrf, devices_csv(&format!("s{i}"), 5)).await);
    }
    for job in &jobs {
        let mut page = String::new();
        for _ in 0..600 {
            page = browser
                .get(b.url(job))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if progress_of(&page).2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(page.contains("5 baris diimpor"), "{page}");
    }
    assert_eq!(
        devices(&a).await,
        before + rows as i64 + 60,
        "each job ran once"
    );
    let claims = a
        .db(move |c| {
            jobs.iter()
                .map(|j| kernel::jobs::attempts(c, job_id(j)).unwrap())
                .collect::<Vec<_>>()
        })
        .await;
    assert!(claims.iter().all(|(n, _)| *n == 1), "{claims:?}");
    let instances = [instance(&a), instance(&b)];
    assert!(
        claims
            .iter()
            .all(|(_, by)| by.as_ref().is_some_and(|i| instances.contains(i))),
        "{claims:?}"
    );
}

fn job_id(path: &str) -> kernel::jobs::JobId {
    kernel::jobs::JobId::parse(path.rsplit('/').next().unwrap()).unwrap()
}

/// A job accepted by an instance that stops before running it waits in the database, and the
/// next instance runs it.
mod a_job_left_by_an_instance_that_stopped_is_run_by_the_next {
    use super::*;

    async fn run(backend: db::Backend) {
        let app = TestApp::without_worker(backend).await;
        app.demo().await;
        let dinkes = app.agency_id("DINKES").await;
        app.account("op.import", Role::AgencyOperator, Some(dinkes))
            .await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "op.import").await;
        let job = start_import(&app, &browser, &csrf, devices_csv("late", 30)).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let page = browser
            .get(app.url(&job))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(progress_of(&page), (0, 30, false), "waiting, not lost");
        // The next instance on the same database picks it up.
        let next = app.another().await;
        let mut page = String::new();
        for _ in 0..200 {
            page = browser
                .get(next.url(&job))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if progress_of(&page).2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(page.contains("30 baris diimpor"), "{page}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(db::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(db::Backend::Postgres).await;
    }
}
