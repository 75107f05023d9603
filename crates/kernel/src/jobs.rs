//! Long work that a page follows: an import or a backup runs in the background and reports
//! how far it has come, so the person sees a progress bar instead of a hanging request.
//! Jobs live in memory; a finished one is kept for an hour for its page to show the outcome.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a finished job is remembered.
const KEEP: Duration = Duration::from_secs(3600);

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Still running.
    Running,
    /// Done; a message key and its count.
    Done(u64),
    /// Failed; what to tell the person (already translated or a key).
    Failed(Vec<(String, String)>),
}

/// One job's progress.
#[derive(Debug)]
pub struct Job {
    /// Who started it (a user id): only they see it.
    pub owner: String,
    /// What it is (a message key).
    pub title: String,
    /// Where to go when it is done.
    pub done_href: String,
    /// Units of work in all.
    pub total: u64,
    done: AtomicU64,
    outcome: Mutex<(Outcome, Option<Instant>)>,
}

impl Job {
    /// Counts one more unit done.
    pub fn step(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// Units done so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed).min(self.total)
    }

    /// Percent done, 0–100.
    pub fn percent(&self) -> u64 {
        (self.done() * 100).checked_div(self.total).unwrap_or(100)
    }

    /// Marks it ended.
    pub fn finish(&self, outcome: Outcome) {
        let mut o = self.outcome.lock().unwrap_or_else(PoisonError::into_inner);
        *o = (outcome, Some(Instant::now()));
    }

    /// How it stands.
    pub fn outcome(&self) -> Outcome {
        self.outcome
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .clone()
    }

    fn expired(&self, now: Instant) -> bool {
        self.outcome
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .1
            .is_some_and(|t| now.duration_since(t) > KEEP)
    }
}

/// The running and recently finished jobs.
#[derive(Debug, Default)]
pub struct Jobs {
    jobs: Mutex<HashMap<String, Arc<Job>>>,
}

impl Jobs {
    /// Registers a new job and returns its id and handle.
    pub fn start(
        &self,
        owner: &str,
        title: &str,
        done_href: &str,
        total: u64,
    ) -> (String, Arc<Job>) {
        let id = uuid::Uuid::now_v7().simple().to_string();
        let job = Arc::new(Job {
            owner: owner.to_owned(),
            title: title.to_owned(),
            done_href: done_href.to_owned(),
            total,
            done: AtomicU64::new(0),
            outcome: Mutex::new((Outcome::Running, None)),
        });
        let mut jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        jobs.retain(|_, j| !j.expired(now));
        jobs.insert(id.clone(), job.clone());
        (id, job)
    }

    /// A job, if `owner` started it.
    pub fn get(&self, id: &str, owner: &str) -> Option<Arc<Job>> {
        self.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .filter(|j| j.owner == owner)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_counts_its_steps_and_only_its_owner_sees_it() {
        let jobs = Jobs::default();
        let (id, job) = jobs.start("u1", "import", "/x", 4);
        job.step();
        assert_eq!((job.done(), job.percent()), (1, 25));
        assert!(jobs.get(&id, "u2").is_none());
        let seen = jobs.get(&id, "u1").unwrap();
        assert_eq!(seen.outcome(), Outcome::Running);
        job.finish(Outcome::Done(4));
        assert_eq!(seen.outcome(), Outcome::Done(4));
        let (_, empty) = jobs.start("u1", "import", "/x", 0);
        assert_eq!(empty.percent(), 100);
    }
}
