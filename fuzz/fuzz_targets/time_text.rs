#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| double_random_fuzz::time_text(data));
