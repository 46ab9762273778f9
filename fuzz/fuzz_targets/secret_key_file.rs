#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| double_random_fuzz::secret_key_file(data));
