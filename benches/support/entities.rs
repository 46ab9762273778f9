//! Fictional entities in canonical order, for the commitment benches and
//! the national-scale run (`examples/national_scale.rs`): valid codes
//! increasing with the index, names of varied lengths, classes in the
//! proportions of a real register.

use double_random::registers::{CreditClass, Entity, USCC_ALPHABET, Uscc, uscc_check_character};

/// The i-th fictional valid USCC; increasing in i, so a stream in i order
/// within a class is canonical.
pub fn uscc(i: u64) -> Uscc {
    let mut code = *b"91140522MA00000000";
    let mut n = i;
    for pos in (10..17).rev() {
        code[pos] = USCC_ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    let first: [u8; 17] = code[..17].try_into().expect("17 bytes");
    let check = uscc_check_character(&first).unwrap_or('0');
    code[17] = u8::try_from(check).unwrap_or(b'0');
    std::str::from_utf8(&code)
        .unwrap_or("")
        .parse()
        .expect("valid code")
}

/// Names of 4 to 19 characters (12 to 57 bytes), as real registers vary,
/// so the leaf sizes do not all sit at one SHA-256 block boundary.
pub fn name(i: u64) -> String {
    const CHARS: [char; 8] = ['宏', '鑫', '泰', '丰', '晋', '源', '达', '恒'];
    let len = 4 + (i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 60) as usize;
    (0..len)
        .map(|k| CHARS[((i >> (k % 16)) as usize + k) % CHARS.len()])
        .collect()
}

pub fn entity(i: u64, class: CreditClass) -> Entity {
    Entity::new(uscc(i), name(i), class, "140522", "取水")
}

pub fn class_of(i: u64, n: u64) -> CreditClass {
    // 40% A, 35% B, 20% C, 5% D, in canonical order.
    match i * 100 / n.max(1) {
        0..40 => CreditClass::A,
        40..75 => CreditClass::B,
        75..95 => CreditClass::C,
        _ => CreditClass::D,
    }
}
