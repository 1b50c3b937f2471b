//! Lists the vocabularies of cross-language search (`data/translate/*.tsv`)
//! for `src/search/translate.rs`, which builds them into the binary: a new
//! language pair is a new file, with no code to change.
//!
//! Written out here rather than with a crate that embeds a folder: twenty
//! lines, and no dependency for the library to carry.

use std::path::Path;
use std::{env, fs};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/translate");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("data/translate/ holds the vocabularies")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    files.sort();
    let mut out = String::from(
        "/// Each vocabulary of `data/translate/`: (file name, contents).\n\
         const VOCABULARIES: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let target = Path::new(&env::var("OUT_DIR").unwrap()).join("vocabularies.rs");
    fs::write(target, out).expect("write vocabularies.rs");
}
