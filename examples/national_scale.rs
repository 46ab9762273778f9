//! National scale (issue 17): commit and verify a register of 10^8
//! entities streamed, in memory that does not grow with the register.
//!
//! ```sh
//! cargo run --release --example national_scale              # 10^8 entities, 2 threads
//! cargo run --release --example national_scale -- 1000000 1 # n entities, threads
//! ```
//!
//! The entities are made one at a time in canonical order (valid codes
//! increasing with the index, classes A 40%, B 35%, C 20%, D 5%; no file:
//! a 10^8-row CSV file would be about 6.5 GB), and each pass holds one at a
//! time:
//!
//! 1. **commit**: [`EntityCommitter`], the library's streamed commitment,
//!    on `threads` threads, each streaming chunks of 2^20 entities (perfect
//!    subtrees), joined in order.
//! 2. **reference**: the same entities' leaf bytes hashed once each with
//!    SHA-256 on one thread (the floor of any commitment: each leaf is read
//!    and hashed once), in the same run.
//! 3. **verify**: a verifier streams the register again through one
//!    [`EntityCommitter`] on one thread (no chunks) and compares root and
//!    class sizes with the commitment.
//!
//! It prints the time of each pass, the ratios to the reference, and the
//! peak resident memory of the process (`VmHWM`, Linux).

#[path = "../benches/support/entities.rs"]
mod entities;

use std::time::Instant;

use double_random::commitment::{
    EntityCommitment, EntityCommitter, entity_leaf, root_from_leaf_hashes,
};
use double_random::records::FormatVersion;
use double_random::registers::Entity;
use entities::{class_of, entity, uscc};

/// Entities of 64 names (4 to 19 characters), made once: entity i is the
/// one of name i mod 64 with the i-th code and its class, so the loop
/// allocates nothing (with several threads, glibc's allocator spent more
/// time in system calls than the hashing took).
struct Names(Vec<Entity>);

impl Names {
    fn new(n: u64) -> Self {
        Names((0..64).map(|j| entity(j, class_of(j, n))).collect())
    }

    fn entity(&self, i: u64, n: u64) -> Entity {
        let mut e = self.0[(i % 64) as usize].clone();
        e.uscc = uscc(i);
        e.credit_class = class_of(i, n);
        e
    }
}
use sha2::{Digest, Sha256};

/// Commits entities `from..to` of a register of `n`, streamed.
fn commit_stretch(from: u64, to: u64, n: u64) -> EntityCommitment {
    let names = Names::new(n);
    let mut c = EntityCommitter::new(FormatVersion::V2);
    for i in from..to {
        if let Err(e) = c.push(&names.entity(i, n)) {
            panic!("entity {i}: {e}");
        }
    }
    c.finish()
}

/// Entities a thread commits at a time: a perfect subtree.
const CHUNK: u64 = 1 << 20;

/// Commits a register of `n` entities on `threads` threads: each commits
/// whole chunks of [`CHUNK`] entities (perfect subtrees; the last may be
/// short), and the chunks' roots join as the leaves of a tree of their own.
/// With a power-of-two chunk that is the RFC 6962 tree of all the leaves:
/// its splits (the largest power of two below the size) fall on chunk
/// boundaries. Memory: one hash a chunk (96 for 10^8) beside each
/// thread's O(log n) stack.
fn commit(n: u64, threads: usize) -> EntityCommitment {
    let chunks = n.div_ceil(CHUNK);
    let threads = threads.max(1) as u64;
    let per_thread: Vec<Vec<(u64, EntityCommitment)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    (t..chunks)
                        .step_by(threads as usize)
                        .map(|c| (c, commit_stretch(c * CHUNK, ((c + 1) * CHUNK).min(n), n)))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut pieces: Vec<(u64, EntityCommitment)> = per_thread.into_iter().flatten().collect();
    pieces.sort_by_key(|(c, _)| *c);
    // The chunks meet in canonical order (the classes are in order and the
    // codes increase with the index), so their sizes add up.
    let mut class_sizes = [0u64; 4];
    for (_, p) in &pieces {
        for (a, b) in class_sizes.iter_mut().zip(p.class_sizes) {
            *a += b;
        }
    }
    let roots: Vec<_> = pieces.iter().map(|(_, p)| p.root).collect();
    EntityCommitment {
        root: if n == 0 {
            commit_stretch(0, 0, 0).root
        } else {
            root_from_leaf_hashes(&roots)
        },
        class_sizes,
    }
}

/// Hashes each entity's leaf bytes once with SHA-256 (no tree).
fn reference(n: u64) -> [u8; 32] {
    let names = Names::new(n);
    let mut buf = Vec::new();
    let mut acc = [0u8; 32];
    for i in 0..n {
        if let Err(e) = entity_leaf(&names.entity(i, n), FormatVersion::V2, &mut buf) {
            panic!("entity {i}: {e}");
        }
        let h = Sha256::digest(&buf);
        for (a, b) in acc.iter_mut().zip(h.iter()) {
            *a ^= b;
        }
    }
    acc
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn peak_mib() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").parse::<f64>().ok())
        })
        .map_or("unknown".into(), |kib| format!("{:.1} MiB", kib / 1024.0))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .map_or(100_000_000, |a| a.parse().expect("n: a number of entities"));
    let threads: usize = args
        .next()
        .map_or(2, |a| a.parse().expect("threads: a number"));
    println!("national scale: {n} entities streamed, {threads} thread(s)");

    let t = Instant::now();
    let committed = commit(n, threads);
    let commit_s = t.elapsed().as_secs_f64();
    println!(
        "commit     {commit_s:8.2} s  {:6.0} ns an entity  root {}  classes {:?}",
        commit_s * 1e9 / n as f64,
        hex(&committed.root),
        committed.class_sizes
    );
    println!("           peak memory so far {}", peak_mib());

    let t = Instant::now();
    let acc = reference(n);
    let reference_s = t.elapsed().as_secs_f64();
    println!(
        "reference  {reference_s:8.2} s  {:6.0} ns an entity  (SHA-256 of each leaf once, one thread; xor {})",
        reference_s * 1e9 / n as f64,
        hex(&acc[..4])
    );

    let t = Instant::now();
    let again = commit_stretch(0, n, n);
    let verify_s = t.elapsed().as_secs_f64();
    let holds = again == committed;
    println!(
        "verify     {verify_s:8.2} s  {:6.0} ns an entity  root and class sizes {}",
        verify_s * 1e9 / n as f64,
        if holds { "match" } else { "DIFFER" }
    );
    println!(
        "ratios to the reference: commit {:.2}x, verify {:.2}x; peak memory {}",
        commit_s / reference_s,
        verify_s / reference_s,
        peak_mib()
    );
    if !holds {
        std::process::exit(1);
    }
}
