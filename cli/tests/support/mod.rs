//! Shared by the integration tests that start witness services: a running
//! `double-random witness serve` on a loopback port chosen by the system.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `double-random witness serve`, killed (SIGKILL) when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Server {
    /// Starts the witness with secret key file `key` and state directory
    /// `state`, listening on 127.0.0.1 at a free port, and waits for the
    /// address it prints.
    pub fn start(key: &Path, state: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_double-random"))
            .env("DOUBLE_RANDOM_LANG", "en")
            .args(["witness", "serve", "--key"])
            .arg(key)
            .arg("--state")
            .arg(state)
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the witness prints its address");
        let addr = line.trim();
        assert!(addr.starts_with("127.0.0.1:"), "bound address {line:?}");
        Server {
            url: format!("http://{addr}"),
            child,
        }
    }

    /// `kill -9`, and wait for the process to be gone.
    #[allow(dead_code)]
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
