//! English stand-ins until `lib_zh.rs` gives the library's rules in Chinese.

use super::Zh;

impl Zh for double_random::registers::Rule {
    fn zh(&self) -> String {
        self.to_string()
    }
}
