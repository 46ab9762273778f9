//! Reading an entity register file (issue 17): parsing the CSV, checking
//! every row and building the register in canonical order, on one thread
//! and on two (`read_entities_on`), beside SHA-256 of the same file's bytes
//! in the same group (the floor of reading it at all).
//!
//! ```sh
//! cargo bench -p double-random-cli --bench read -- --warm-up-time 1 --measurement-time 6
//! ```
//!
//! With two cores free, `threads/2` should take well under `threads/1`;
//! the register and problems are the same either way (tested in
//! `registers::tests::stretches_read_on_threads_equal_one_thread`).

use std::hint::black_box;
use std::io::Write;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use double_random::registers::{USCC_ALPHABET, ValidationOptions, uscc_check_character};
use double_random_cli::input::Encoding;
use double_random_cli::registers::{Notes, read_entities_on};
use sha2::{Digest, Sha256};

/// Entities in the file.
const ENTITIES: u64 = 1_000_000;

/// A valid code for `i`, scrambled so the file is not in canonical order.
fn code(i: u64) -> String {
    let mut first = *b"91140522MA0000000";
    let mut n = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) % 27_512_614_111; // 31^7
    for pos in (10..17).rev() {
        first[pos] = USCC_ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    let check = uscc_check_character(&first).unwrap_or('0');
    format!("{}{check}", String::from_utf8_lossy(&first))
}

fn write_register(path: &std::path::Path) {
    let file = std::fs::File::create(path).expect("create the register file");
    let mut out = std::io::BufWriter::new(file);
    writeln!(
        out,
        "统一社会信用代码,企业名称,信用风险分类,行政区划代码,行业,登记状态"
    )
    .expect("write");
    for i in 0..ENTITIES {
        let class = ["A", "A", "B", "B", "C", "D"][(i % 6) as usize];
        writeln!(
            out,
            "{},阳城县第{i}号商贸有限公司,{class},140522,批发和零售业,在业",
            code(i)
        )
        .expect("write");
    }
    out.flush().expect("write");
}

fn bench_read(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("entities.csv");
    write_register(&path);
    let bytes = std::fs::read(&path).expect("read the register file");
    let options = ValidationOptions::default();

    let mut g = c.benchmark_group("read_1m_entities");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("sha256_of_the_file", |b| {
        b.iter(|| Sha256::digest(black_box(&bytes)))
    });
    for threads in [1usize, 2] {
        g.bench_with_input(
            BenchmarkId::new("threads", threads),
            &threads,
            |b, &threads| {
                b.iter(|| {
                    let mut notes = Notes::default();
                    let v = read_entities_on(&path, Encoding::Auto, &options, &mut notes, threads)
                        .expect("a readable register");
                    assert_eq!(v.register.len() as u64, ENTITIES);
                    v
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench_read);
criterion_main!(benches);
