//! The raw argon2id verification rate with Simpul's parameters on this machine, on one core
//! and on all cores: the ceiling for password sign-ins/s (bench/sso/run.sh prints both).
#![expect(
    clippy::expect_used,
    reason = "a benchmark helper aborts on setup failure"
)]

use std::time::Instant;

fn rate(threads: usize, seconds: f64) -> f64 {
    let hash = accounts::hash_password("bench-password-123").expect("hash");
    let start = Instant::now();
    let counts: Vec<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let hash = hash.clone();
                s.spawn(move || {
                    let mut n = 0u64;
                    while start.elapsed().as_secs_f64() < seconds {
                        assert!(accounts::verify_password("bench-password-123", &hash));
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    counts.iter().sum::<u64>() as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!("argon2id m=19456 KiB, t=2, p=1 (OWASP minimum, the argon2 crate's default)");
    println!(
        "raw verifications/s: {:.1} on 1 core, {:.1} on {cores} cores",
        rate(1, 3.0),
        rate(cores, 3.0)
    );
}
