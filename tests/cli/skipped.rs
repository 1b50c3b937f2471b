//! Skipped files are tried again: a file left out for its size, as binary
//! or for a parse error is indexed by a later run once it can be, without
//! `--rebuild`, even when its size and mtime are those of the skipped file.

use std::time::SystemTime;

use crate::common::{Fixture, Run};

fn summary(run: &Run) -> &str {
    run.stdout
        .lines()
        .find(|l| l.starts_with("files:"))
        .unwrap_or_else(|| panic!("no summary in {}", run.stdout))
}

fn skipped_lines(run: &Run) -> Vec<&str> {
    run.stdout
        .lines()
        .filter(|l| l.starts_with("skipped: "))
        .collect()
}

/// Replaces a file's content, giving it back its size and mtime: what a
/// restore from a backup does, and all that a run compares.
fn replace_keeping_mtime(f: &Fixture, rel: &str, content: &str) {
    let path = f.path(rel);
    let before = std::fs::metadata(&path).unwrap();
    assert_eq!(before.len(), content.len() as u64, "same size wanted");
    let mtime: SystemTime = before.modified().unwrap();
    std::fs::write(&path, content).unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(mtime).unwrap();
}

const SMALL: &str = "Maillage\n\nUn petit article sur les réseaux maillés domestiques.\n";

#[test]
fn a_file_too_large_is_indexed_once_the_limit_allows_it() {
    let f = Fixture::new();
    f.write("docs/small.txt", SMALL);
    // 1.6 MB: over a limit of 1 MB, under one of 2.
    let big = format!("Quokkas\n\n{}", "quokka ".repeat(230_000));
    f.write("docs/big.txt", &big);
    let limited = ["index", "docs", "--index", "idx", "--max-file-size", "1"];

    let run = f.run(&limited).ok();
    let skipped = skipped_lines(&run);
    assert_eq!(skipped.len(), 1, "{}", run.stdout);
    assert!(
        skipped[0].starts_with("skipped: docs/big.txt: too large (")
            && skipped[0].ends_with("with --max-file-size 2 to index it"),
        "{}",
        run.stdout
    );
    // Each file counted once: one indexed, one skipped.
    assert!(
        summary(&run).starts_with("files: 1 added, 0 updated, 0 removed, 0 unchanged")
            && summary(&run).ends_with(", 1 skipped"),
        "{}",
        run.stdout
    );
    assert_eq!(f.articles("idx"), 1);

    // Same limit: skipped again, and said again.
    let run = f.run(&limited).ok();
    assert!(
        summary(&run).starts_with("files: 0 added, 0 updated, 0 removed, 1 unchanged")
            && summary(&run).ends_with(", 1 skipped"),
        "{}",
        run.stdout
    );
    assert_eq!(skipped_lines(&run).len(), 1, "{}", run.stdout);

    // A higher limit lets it in, without --rebuild.
    let run = f
        .run(&["index", "docs", "--index", "idx", "--max-file-size", "2"])
        .ok();
    assert!(
        summary(&run).starts_with("files: 1 added, 0 updated, 0 removed, 1 unchanged")
            && summary(&run).ends_with(", 0 skipped"),
        "{}",
        run.stdout
    );
    assert!(skipped_lines(&run).is_empty(), "{}", run.stdout);
    assert_eq!(f.articles("idx"), 2);
    assert_eq!(f.hit_ids("quokkas"), vec!["big.txt"]);

    // Then it is an ordinary file: unchanged, not read again.
    let run = f
        .run(&["index", "docs", "--index", "idx", "--max-file-size", "2"])
        .ok();
    assert!(
        summary(&run).starts_with("files: 0 added, 0 updated, 0 removed, 2 unchanged"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_binary_file_fixed_later_is_indexed() {
    let f = Fixture::new();
    f.write("docs/small.txt", SMALL);
    let good = "Wombats\n\nWombat burrows shelter other animals from bush fires.\n";
    // The same text with a NUL byte near the start: binary.
    let bad = good.replacen('b', "\0", 1);
    f.write("docs/wombat.txt", &bad);
    let run = f.index().ok();
    assert_eq!(
        skipped_lines(&run),
        vec!["skipped: docs/wombat.txt: binary file"],
        "{}",
        run.stdout
    );
    assert!(
        summary(&run).starts_with("files: 1 added,"),
        "{}",
        run.stdout
    );

    replace_keeping_mtime(&f, "docs/wombat.txt", good);
    let run = f.index().ok();
    assert!(
        summary(&run).starts_with("files: 1 added, 0 updated, 0 removed, 1 unchanged")
            && summary(&run).ends_with(", 0 skipped"),
        "{}",
        run.stdout
    );
    assert_eq!(f.hit_ids("burrows"), vec!["wombat.txt"]);
}

#[test]
fn a_parse_error_fixed_later_is_indexed() {
    let f = Fixture::new();
    f.write("docs/small.txt", SMALL);
    let good = r#"{"id": "kiwi-1", "title": "Kiwi harvest", "body": "Kiwi growers report a record harvest."}"#;
    // The closing brace missing (a space instead): a parse error.
    let bad = format!("{} ", &good[..good.len() - 1]);
    f.write("docs/kiwi.json", &bad);
    let run = f.index().ok();
    let skipped = skipped_lines(&run);
    assert!(
        skipped.len() == 1 && skipped[0].starts_with("skipped: docs/kiwi.json: parse error"),
        "{}",
        run.stdout
    );
    assert_eq!(f.articles("idx"), 1);

    replace_keeping_mtime(&f, "docs/kiwi.json", good);
    let run = f.index().ok();
    assert!(
        summary(&run).starts_with("files: 1 added, 0 updated, 0 removed, 1 unchanged")
            && summary(&run).ends_with(", 0 skipped"),
        "{}",
        run.stdout
    );
    assert_eq!(f.hit_ids("growers"), vec!["kiwi-1"]);
}

/// A file that was indexed and becomes unreadable as text loses its
/// articles, and is counted once, as skipped.
#[test]
fn an_indexed_file_that_turns_binary_is_skipped_and_its_articles_removed() {
    let f = Fixture::new();
    f.write("docs/small.txt", SMALL);
    f.write(
        "docs/otter.txt",
        "Otters\n\nSea otters use stones to open shellfish.\n",
    );
    f.index().ok();
    assert_eq!(f.hit_ids("otters"), vec!["otter.txt"]);
    f.write("docs/otter.txt", "Ot\0ters\n\nGone binary.\n");
    let run = f.index().ok();
    assert!(
        summary(&run).starts_with("files: 0 added, 0 updated, 0 removed, 1 unchanged")
            && summary(&run).ends_with(", 1 skipped"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("articles: 0 added, 1 removed, 1 in the index"),
        "{}",
        run.stdout
    );
    assert!(f.hit_ids("otters").is_empty());
}
