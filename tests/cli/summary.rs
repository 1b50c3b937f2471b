//! The summary of `veille index` is honest: files of other types are
//! counted by extension, copies are reported once (when they appear),
//! and every path is named one way: the folder as given, then the path
//! inside it.

use crate::common::{Fixture, Run};

fn summary(run: &Run) -> &str {
    run.stdout
        .lines()
        .find(|l| l.starts_with("files:"))
        .unwrap_or_else(|| panic!("no summary in {}", run.stdout))
}

fn lines<'a>(run: &'a Run, prefix: &str) -> Vec<&'a str> {
    run.stdout
        .lines()
        .filter(|l| l.starts_with(prefix))
        .collect()
}

const STORY: &str = "Cloud outage\n\nA storage outage took down dozens of services for four hours on Monday, the provider said.\n";

#[test]
fn files_of_other_types_are_counted_by_extension() {
    let f = Fixture::new();
    f.write("docs/a.txt", "Lemurs\n\nLemurs sunbathe in the morning.\n");
    for rel in [
        "docs/report.pdf",
        "docs/2024/q1.pdf",
        "docs/2024/q2.PDF",
        "docs/letter.docx",
        "docs/2024/cv.docx",
        "docs/dump.gz",
        "docs/data/table.csv",
        "docs/LICENSE",
        "docs/.hidden.pdf",
    ] {
        f.write(rel, "not an article");
    }
    let run = f.index().ok();
    assert_eq!(
        lines(&run, "not indexed: "),
        vec!["not indexed: 3 .pdf, 2 .docx, 1 .csv, 1 .gz, 1 without extension"],
        "{}",
        run.stdout
    );
    // Not skipped: never candidates.
    assert!(summary(&run).ends_with(", 0 skipped"), "{}", run.stdout);

    // Said at every run, since they are still there and still left out.
    let run = f.index().ok();
    assert_eq!(lines(&run, "not indexed: ").len(), 1, "{}", run.stdout);

    // None, no line.
    let g = Fixture::new();
    g.write("docs/a.txt", "Lemurs\n\nLemurs sunbathe in the morning.\n");
    let run = g.index().ok();
    assert!(lines(&run, "not indexed").is_empty(), "{}", run.stdout);
}

#[test]
fn copies_are_reported_once_when_they_appear() {
    let f = Fixture::new();
    f.write("docs/a-original.txt", STORY);
    f.write("docs/b-copy.txt", STORY);
    f.write("docs/c-copy.txt", STORY);
    f.write(
        "docs/unrelated.txt",
        "Capybaras\n\nCapybaras are the largest rodents.\n",
    );
    let run = f.index().ok();
    assert_eq!(lines(&run, "same text: ").len(), 2, "{}", run.stdout);
    assert!(
        summary(&run).contains("0 duplicate articles"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("articles: 4 added (2 with the text of another), 0 removed, 4 in the index"),
        "{}",
        run.stdout
    );

    // An unrelated deletion: nothing about the copies changed.
    f.remove("docs/unrelated.txt");
    let run = f.index().ok();
    assert!(lines(&run, "same text: ").is_empty(), "{}", run.stdout);
    assert!(
        summary(&run)
            .starts_with("files: 0 added, 0 updated, 1 removed, 3 unchanged, 0 duplicate articles"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("articles: 0 added, 1 removed, 3 in the index"),
        "{}",
        run.stdout
    );

    // The original goes, and only it.
    f.remove("docs/a-original.txt");
    let run = f.index().ok();
    assert!(lines(&run, "same text: ").is_empty(), "{}", run.stdout);
    assert!(
        summary(&run)
            .starts_with("files: 0 added, 0 updated, 1 removed, 2 unchanged, 0 duplicate articles"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("articles: 0 added, 1 removed, 2 in the index"),
        "{}",
        run.stdout
    );

    // A new copy is news, named after a copy still there.
    f.write("docs/d-copy.txt", STORY);
    let run = f.index().ok();
    let said = lines(&run, "same text: ");
    assert_eq!(said.len(), 1, "{}", run.stdout);
    assert!(
        ["b-copy.txt", "c-copy.txt"].iter().any(|copy| said[0]
            == format!("same text: docs/d-copy.txt: \"Cloud outage\" has the same text as docs/{copy}: both kept, shown as one hit")),
        "{}",
        run.stdout
    );
}

#[test]
fn paths_are_named_one_way() {
    let f = Fixture::new();
    f.write("docs/news/a-original.txt", STORY);
    f.write("docs/news/copies/b-copy.txt", STORY);
    f.write(
        "docs/a-wire.jsonl",
        "{\"id\": \"wire-7\", \"title\": \"Cloud outage\", \"body\": \"A storage outage took down dozens of services for four hours on Monday, the provider said.\"}\nnot json\n",
    );
    f.write(
        "docs/z-feed.jsonl",
        "{\"title\": \"Pika\", \"body\": \"Pikas gather hay for the winter.\"}\n{\"title\": \"Pika again\", \"body\": \"Pikas whistle at hawks.\"}\n",
    );
    f.write(
        "docs/z-repeat.txt",
        "Pika again\n\nPikas whistle at hawks.\n",
    );
    f.write("docs/broken/bin.txt", "Bi\0nary\n");
    // The folder given as an absolute path, as in the issue: every path is
    // then absolute, the originals' too (their ids are not paths).
    let docs = f.path("docs");
    let docs = docs.to_str().unwrap();
    let run = f.run(&["index", docs, "--index", "idx"]).ok();
    let kept = ": both kept, shown as one hit";
    assert_eq!(
        lines(&run, "same text: "),
        vec![
            format!("same text: {docs}/news/a-original.txt: \"Cloud outage\" has the same text as wire-7 in {docs}/a-wire.jsonl{kept}"),
            format!("same text: {docs}/news/copies/b-copy.txt: \"Cloud outage\" has the same text as wire-7 in {docs}/a-wire.jsonl{kept}"),
            format!("same text: {docs}/z-repeat.txt: \"Pika again\" has the same text as {docs}/z-feed.jsonl#2{kept}"),
        ],
        "{}",
        run.stdout
    );
    assert_eq!(
        lines(&run, "skipped: "),
        vec![format!("skipped: {docs}/broken/bin.txt: binary file")],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with(&format!("warning: {docs}/a-wire.jsonl: line 2:"))),
        "{}",
        run.stdout
    );

    // Given as a relative path, the same files are named from it.
    let run = f.run(&["index", "docs", "--index", "idx2"]).ok();
    let root = f.root().to_str().unwrap();
    assert!(!run.stdout.contains(root), "{}", run.stdout);
    assert!(
        lines(&run, "same text: ").contains(
            &"same text: docs/z-repeat.txt: \"Pika again\" has the same text as docs/z-feed.jsonl#2: both kept, shown as one hit"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(
        lines(&run, "skipped: "),
        vec!["skipped: docs/broken/bin.txt: binary file"],
        "{}",
        run.stdout
    );
}
