//! Lists the vocabularies of cross-language search (`data/translate/*.tsv`)
//! for `src/search/translate.rs`, which builds them into the binary: a new
//! language pair is a new file, with no code to change.
//!
//! It also builds in the keys of their terms as the analysis chains make
//! them (`data/translate/shipped.keys`, written by a test of
//! `translate.rs`), so that a search does not analyse every term at start;
//! only while that file matches the vocabularies, by their digests: a stale
//! one is left out (with a warning), and the terms are analysed at run time.
//!
//! Written out here rather than with a crate that embeds a folder: a few
//! lines, and no dependency for the library to carry.

use std::path::Path;
use std::{env, fs};

/// The precomputed keys, beside the vocabularies.
const KEYS_FILE: &str = "shipped.keys";

fn main() {
    link_position_dependent();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/translate");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("data/translate/ holds the vocabularies")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    files.sort();
    let mut out = String::from(
        "/// Each vocabulary of `data/translate/`: (file name, contents, digest).\n\
         const VOCABULARIES: &[(&str, &str, u64)] = &[\n",
    );
    let mut digests = Vec::new();
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let digest = fnv1a(&fs::read(path).expect("read a vocabulary"));
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?}), {digest:#x}),\n",
            path.display().to_string()
        ));
        digests.push((name, digest));
    }
    out.push_str("];\n");

    let keys = dir.join(KEYS_FILE);
    println!("cargo:rerun-if-changed={}", keys.display());
    let table = fs::read_to_string(&keys).unwrap_or_default();
    out.push_str(&format!(
        "/// Where the precomputed keys are written.\n#[cfg(test)]\nconst KEYS_PATH: &str = {:?};\n",
        keys.display().to_string()
    ));
    out.push_str("/// The precomputed keys of the vocabularies, while they match them.\n");
    match keyed(&table, &digests) {
        Some((rows, lines, longest)) => out.push_str(&format!(
            "const KEYED: Option<Keyed> = Some(Keyed {{ table: include_str!({:?}), \
             rows: &{rows:?}, lines: {lines}, longest: {longest} }});\n",
            keys.display().to_string()
        )),
        None => {
            println!(
                "cargo:warning={} does not match the vocabularies: searches analyse \
                 every term at start. Rewrite it with `VEILLE_WRITE_KEYS=1 cargo test \
                 --lib translate`.",
                keys.display()
            );
            out.push_str("const KEYED: Option<Keyed> = None;\n");
        }
    }
    let target = Path::new(&env::var("OUT_DIR").unwrap()).join("vocabularies.rs");
    fs::write(target, out).expect("write vocabularies.rs");
}

/// Links the `veille` binary at a fixed address (not as a PIE) on Linux:
/// a PIE's dynamic loader first rewrote its 46,000 relocated pointers,
/// copying each page of them (a megabyte, 260 page faults), a tenth of a
/// one-query `veille search`; fixed, they are written by the linker. The
/// cost: the binary's own code and data are not placed at random (the
/// libraries, stack and heap still are). Only the binary: tests and the
/// library are linked as before.
fn link_position_dependent() {
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && target_env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

/// The table's rows (the offset of each line of keys), its number of entry
/// lines and the most words of a key, when its `@source` lines name exactly
/// the vocabularies with their current digests.
fn keyed(table: &str, digests: &[(String, u64)]) -> Option<(Vec<u32>, usize, usize)> {
    let mut rows = Vec::new();
    let mut sources = Vec::new();
    let (mut lines, mut longest) = (None, None);
    let mut offset = 0;
    for line in table.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let cells: Vec<&str> = line.trim_end_matches('\n').split('\t').collect();
        match cells.as_slice() {
            [c, ..] if c.starts_with('#') || c.is_empty() => {}
            ["@source", name, digest] => {
                sources.push((name.to_string(), u64::from_str_radix(digest, 16).ok()?))
            }
            ["@lines", n] => lines = n.parse().ok(),
            ["@longest", n] => longest = n.parse().ok(),
            _ => rows.push(u32::try_from(start).ok()?),
        }
    }
    (sources == digests).then_some((rows, lines?, longest?))
}

/// The 64-bit FNV-1a digest of `bytes`: enough to tell that a vocabulary
/// changed since its keys were written; hand-written, being five lines.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
