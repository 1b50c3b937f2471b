//! Helpers shared by the integration test binaries (`cli`, `server`,
//! `reliability`): each one includes this file as its `common` module and
//! re-exports what it uses from its own `util`.

// Each binary uses a part of these.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// The built binary.
pub fn veille() -> Command {
    Command::new(env!("CARGO_BIN_EXE_veille"))
}

/// Writes a file, creating its folders.
pub fn write(path: &Path, content: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create folders");
    std::fs::write(path, content).expect("write file");
}

/// Percent-encodes a query-string value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
