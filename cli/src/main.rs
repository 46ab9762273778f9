#[allow(dead_code, unused_imports)] // until the commands use it
mod input;

fn main() {}
