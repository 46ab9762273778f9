//! Writes large, valid, fictional registers for benchmarks and tests.
//!
//! ```text
//! cargo run --release --example gen_registers -- --out DIR [--entities N] [--inspectors M]
//!     [--departments D] [--conflicts K] [--seed S]
//! ```
//!
//! Writes `DIR/entities.csv`, `DIR/inspectors.csv` and `DIR/conflicts.csv`
//! (UTF-8, canonical English headers). The same arguments always give the
//! same files. Class shares are about 40% A, 35% B, 20% C, 5% D.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use double_random::registers::uscc_check_character;
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const REGIONS: [&str; 6] = ["140522", "140521", "140502", "140524", "140525", "140581"];
const INDUSTRIES: [&str; 5] = ["取水", "河道采砂", "水利工程", "供水", "污水处理"];

struct Opts {
    out: PathBuf,
    entities: u64,
    inspectors: u64,
    departments: u64,
    conflicts: u64,
    seed: u64,
}

fn parse_args() -> Result<Opts, String> {
    let mut o = Opts {
        out: PathBuf::from("."),
        entities: 1000,
        inspectors: 50,
        departments: 5,
        conflicts: 20,
        seed: 1,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let num = || {
            value
                .parse::<u64>()
                .map_err(|e| format!("{flag} {value}: {e}"))
        };
        match flag.as_str() {
            "--out" => o.out = PathBuf::from(&value),
            "--entities" => o.entities = num()?,
            "--inspectors" => o.inspectors = num()?,
            "--departments" => o.departments = num()?.max(1),
            "--conflicts" => o.conflicts = num()?,
            "--seed" => o.seed = num()?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(o)
}

/// The i-th fictional but valid USCC: a bijection of `i` into the
/// organisation code, so codes never repeat.
fn uscc(i: u64) -> String {
    let mut first = *b"91140522MA0000000";
    let mut n = i;
    for pos in (8..17).rev() {
        first[pos] = ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    let check = uscc_check_character(&first).unwrap_or('0');
    format!("{}{check}", String::from_utf8_lossy(&first))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let o = parse_args()?;
    std::fs::create_dir_all(&o.out)?;
    let mut rng = ChaCha20Rng::seed_from_u64(o.seed);
    // Entities are written in a scrambled order so readers cannot rely on sorting.
    let stride = 1_000_003u64;
    let mut w = BufWriter::new(File::create(o.out.join("entities.csv"))?);
    writeln!(w, "uscc,name,credit_class,region,industry")?;
    for k in 0..o.entities {
        let i = (k.wrapping_mul(stride)) % o.entities.max(1);
        let roll = rng.next_u64() % 100;
        let class = match roll {
            0..40 => 'A',
            40..75 => 'B',
            75..95 => 'C',
            _ => 'D',
        };
        let ind = INDUSTRIES[(i % INDUSTRIES.len() as u64) as usize];
        let reg = REGIONS[(i % REGIONS.len() as u64) as usize];
        writeln!(w, "{},阳城{ind}单位{i:07},{class},{reg},{ind}", uscc(i))?;
    }
    w.flush()?;
    let mut w = BufWriter::new(File::create(o.out.join("inspectors.csv"))?);
    writeln!(
        w,
        "id,name,department,region,expertise,cert_valid_from,cert_valid_to"
    )?;
    for i in 0..o.inspectors {
        let dept = i % o.departments;
        let reg = REGIONS[(i % REGIONS.len() as u64) as usize];
        let tags = match rng.next_u64() % 3 {
            0 => "水资源",
            1 => "河道;水土保持",
            _ => "水利工程",
        };
        writeln!(
            w,
            "ZF{i:06},检查员{i:06},第{dept:02}股,{reg},{tags},2023-01-01,2027-12-31"
        )?;
    }
    w.flush()?;
    let mut w = BufWriter::new(File::create(o.out.join("conflicts.csv"))?);
    writeln!(w, "inspector_id,uscc,reason")?;
    if o.entities > 0 && o.inspectors > 0 {
        let mut seen = std::collections::HashSet::new();
        let target = o.conflicts.min(o.entities.saturating_mul(o.inspectors));
        while (seen.len() as u64) < target {
            let ins = rng.next_u64() % o.inspectors;
            let ent = rng.next_u64() % o.entities;
            if seen.insert((ins, ent)) {
                writeln!(w, "ZF{ins:06},{},亲属关系", uscc(ent))?;
            }
        }
    }
    w.flush()?;
    Ok(())
}
