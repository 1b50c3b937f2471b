//! Incremental indexing: only what changed is read again, and the index
//! follows additions, changes and deletions.

use crate::common::{Fixture, Run};

fn summary(stdout: &str) -> &str {
    stdout
        .lines()
        .find(|l| l.starts_with("files:"))
        .unwrap_or_else(|| panic!("no summary in {stdout}"))
}

/// Asserts that an indexing run succeeded with a summary of the files
/// that starts with `files`.
#[track_caller]
fn summarised(run: Run, files: &str) {
    let run = run.ok();
    assert!(summary(&run.stdout).starts_with(files), "{}", run.stdout);
}

fn base() -> Fixture {
    let f = Fixture::new();
    f.write("docs/a.txt", "Routeurs\n\nLe nouveau routeur domestique promet des débits records dans les immeubles anciens.\n");
    f.write("docs/b.txt", "Serveurs\n\nLes serveurs refroidis par immersion gagnent du terrain dans les centres de données.\n");
    f.write(
        "docs/c.jsonl",
        "{\"id\": \"c1\", \"title\": \"Batteries\", \"body\": \"Solid-state batteries reach pilot production.\"}\n{\"id\": \"c2\", \"title\": \"Chargers\", \"body\": \"Wireless chargers get faster and cooler.\"}\n",
    );
    f
}

#[test]
fn add_change_delete_and_unchanged_runs() {
    let f = base();
    summarised(
        f.index(),
        "files: 3 added, 0 updated, 0 removed, 0 unchanged",
    );
    assert_eq!(f.articles("idx"), 4);

    // Nothing changed: nothing is read again.
    summarised(
        f.index(),
        "files: 0 added, 0 updated, 0 removed, 3 unchanged",
    );
    assert_eq!(f.articles("idx"), 4);

    // Add a file.
    f.write(
        "docs/d.md",
        "---\ntitle: Fibre\n---\n\nLa fibre optique arrive dans les hameaux de montagne.\n",
    );
    summarised(
        f.index(),
        "files: 1 added, 0 updated, 0 removed, 3 unchanged",
    );
    assert_eq!(f.articles("idx"), 5);
    assert_eq!(f.hit_ids("hameaux").len(), 1);

    // Change a file: old words gone, new ones found.
    f.write(
        "docs/c.jsonl",
        "{\"id\": \"c1\", \"title\": \"Batteries\", \"body\": \"Sodium-ion batteries replace lithium in city cars.\"}\n",
    );
    summarised(
        f.index(),
        "files: 0 added, 1 updated, 0 removed, 3 unchanged",
    );
    assert_eq!(f.articles("idx"), 4);
    assert!(f.hit_ids("wireless").is_empty());
    assert!(f.hit_ids("solid-state").is_empty());
    assert_eq!(f.hit_ids("sodium"), vec!["c1"]);

    // Delete a file.
    f.remove("docs/a.txt");
    summarised(
        f.index(),
        "files: 0 added, 0 updated, 1 removed, 3 unchanged",
    );
    assert_eq!(f.articles("idx"), 3);
    assert!(f.hit_ids("routeur").is_empty());

    // --rebuild starts over and finds the same.
    summarised(
        f.run(&["index", "docs", "--index", "idx", "--rebuild"]),
        "files: 3 added",
    );
    assert_eq!(f.articles("idx"), 3);
}

#[test]
fn a_touched_file_is_not_analysed_again() {
    let f = base();
    f.index().ok();
    // Same content, new mtime.
    let p = f.path("docs/b.txt");
    let content = std::fs::read(&p).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&p, content).unwrap();
    let file = std::fs::File::options().write(true).open(&p).unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    summarised(
        f.index(),
        "files: 0 added, 0 updated, 0 removed, 3 unchanged (1 only touched)",
    );
    assert_eq!(f.articles("idx"), 4);
    // And the next run sees nothing to do.
    let run = f.index().ok();
    assert!(
        summary(&run.stdout).contains("3 unchanged,"),
        "{}",
        run.stdout
    );
}

#[test]
fn copies_are_kept_and_outlive_the_original() {
    let f = Fixture::new();
    let story = "Cloud outage\n\nA storage outage took down dozens of services for four hours on Monday, the provider said.\n";
    f.write("docs/a-original.txt", story);
    f.write("docs/b-copy.txt", story);
    f.write(
        "docs/c-feed.jsonl",
        "{\"id\": \"wire-1\", \"title\": \"Cloud outage\", \"body\": \"A storage outage took down dozens of services\\nfor four hours on Monday, the provider said.\"}\n",
    );
    let run = f.index().ok();
    assert!(
        run.stdout.contains("0 duplicate articles")
            && run.stdout.contains("3 added (2 with the text of another)"),
        "{}",
        run.stdout
    );
    assert_eq!(f.articles("idx"), 3);
    // One hit (the three records score alike: any may stand for the
    // story), the other two under it.
    let hits = f.search("outage", &[]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    let mut ids: Vec<String> = hits[0]["similar"]
        .as_array()
        .expect("similar")
        .iter()
        .map(|id| id.as_str().expect("id").to_string())
        .chain([hits[0]["id"].as_str().expect("id").to_string()])
        .collect();
    ids.sort();
    assert_eq!(ids, ["a-original.txt", "b-copy.txt", "wire-1"]);

    // The original goes: the copies stay, one of them shown.
    f.remove("docs/a-original.txt");
    let run = f.index().ok();
    assert_eq!(f.articles("idx"), 2, "{}", run.stdout);
    assert_eq!(f.hit_ids("outage").len(), 1);
    assert_eq!(f.search("outage", &["--all"]).len(), 2);
}

#[test]
fn an_index_of_another_format_is_rebuilt_not_misread() {
    let f = base();
    f.index().ok();
    let meta = f.path("idx/veille.json");
    // An index written by an older veille, of a format this one does not read.
    let downgrade = || {
        let text = std::fs::read_to_string(&meta).unwrap();
        let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(json["format"].as_u64().is_some_and(|n| n > 0), "{text}");
        json["format"] = 0.into();
        std::fs::write(&meta, json.to_string()).unwrap();
    };
    downgrade();
    // search refuses to misread it and rebuilds it from its recorded folder
    let run = f.run(&["search", "serveurs", "--index", "idx", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("rebuilding"), "{}", run.stderr);
    // index says so too
    downgrade();
    let run = f.index().ok();
    assert!(run.stdout.contains("rebuilt the index"), "{}", run.stdout);
    assert_eq!(f.articles("idx"), 4);
}
