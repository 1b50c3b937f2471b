//! Where the index comes from when `--index` is not given (`VEILLE_INDEX`,
//! then the configuration file, then `index/`), the configuration file
//! itself (`--config FILE` or the user's configuration folder) and the
//! saved searches that `veille search --saved NAME` runs.

use std::process::Command;

use crate::common::{Fixture, Run};

/// Two indexes of different articles: `idx/` (about a comet) and
/// `other/` (about a glacier), each found by its own word only.
fn two_indexes() -> Fixture {
    let f = Fixture::new();
    f.write(
        "docs/comet.md",
        "---\ntitle: A comet returns\ndate: 2025-03-01\nlang: en\n---\n\nThe comet was seen again from the observatory.\n",
    );
    f.write(
        "docs/comete.md",
        "---\ntitle: Une comète revient\ndate: 2025-03-02\nlang: fr\n---\n\nLa comète a été revue depuis l’observatoire.\n",
    );
    f.write(
        "more/glacier.md",
        "---\ntitle: The glacier retreats\ndate: 2025-03-03\nlang: en\n---\n\nThe glacier lost another hundred metres.\n",
    );
    f.index().ok();
    f.run(&["index", "more", "--index", "other"]).ok();
    f
}

/// `veille ARGS` in the fixture, with a configuration folder of its own
/// (`cfg/`) and no `VEILLE_INDEX` but the one given.
fn run(f: &Fixture, args: &[&str], index_env: Option<&str>) -> Run {
    let mut cmd: Command = f.cmd(args);
    cmd.env("XDG_CONFIG_HOME", f.path("cfg"))
        .env("HOME", f.path("home"))
        .env_remove("VEILLE_INDEX");
    if let Some(index) = index_env {
        cmd.env("VEILLE_INDEX", index);
    }
    Run::from(cmd.output().expect("run veille"))
}

/// Titles of the hits, in order.
fn titles(run: &Run) -> Vec<String> {
    run.json_lines()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_index_comes_from_the_flag_then_the_environment_then_the_file() {
    let f = two_indexes();
    // Nothing says where: the default `index/` does not exist.
    run(&f, &["search", "comet"], None).fatal("index: no index here");
    // The environment.
    let hit = run(&f, &["search", "glacier", "--json"], Some("other")).ok();
    assert_eq!(titles(&hit), ["The glacier retreats"]);
    // The flag wins over it.
    let hit = run(&f, &["search", "glacier", "--index", "idx"], Some("other"));
    assert_eq!(hit.code, 1, "idx has no glacier: {}", hit.stderr);
    // The default configuration file (relative paths from its folder).
    f.write("cfg/veille/config.toml", "index = \"../../other\"\n");
    let hit = run(&f, &["search", "glacier", "--json"], None).ok();
    assert_eq!(titles(&hit), ["The glacier retreats"]);
    // The environment wins over the file.
    let hit = run(&f, &["search", "comet", "--json"], Some("idx")).ok();
    assert_eq!(hit.json_lines().len(), 2);
    // `--config FILE` replaces the default file.
    f.write("elsewhere.toml", "index = \"idx\"\n");
    let hit = run(&f, &["search", "comet", "--config", "elsewhere.toml"], None);
    assert_eq!(hit.code, 0, "{}", hit.stderr);
    // Every command that reads an index follows the same rule.
    let stats = run(&f, &["stats", "--json"], None).ok().json();
    assert_eq!(stats["articles"], 1, "other/ holds one article: {stats}");
    let stats = run(&f, &["stats", "--json"], Some("idx")).ok().json();
    assert_eq!(stats["articles"], 2, "{stats}");
    let export = run(&f, &["export", "jsonl", "--config", "elsewhere.toml"], None).ok();
    assert_eq!(export.json_lines().len(), 2);
    // `veille index` writes where the environment says.
    run(&f, &["index", "more", "-q"], Some("third")).ok();
    assert_eq!(f.articles("third"), 1);
}

#[test]
fn a_broken_or_missing_configuration_file_is_a_clear_error() {
    let f = two_indexes();
    f.write(
        "cfg/veille/config.toml",
        "index = \"idx\"\n\n[[saved]]\nname = \"x\"\nquery = \"comet\"\nlang = \"klingon\"\n",
    );
    let run_ = run(&f, &["search", "comet"], None).fatal("config.toml: line 6");
    assert!(run_.stderr.contains("klingon"), "{}", run_.stderr);
    run_.no_panic();
    // Not TOML at all.
    f.write("cfg/veille/config.toml", "index = \"idx\"\nsaved = [\n");
    run(&f, &["search", "comet"], None).fatal("config.toml: line 2");
    // A key veille does not know (a typo) is not silently ignored.
    f.write("typo.toml", "indx = \"idx\"\n");
    run(&f, &["search", "comet", "--config", "typo.toml"], None)
        .fatal("line 1: unknown field `indx`");
    // A file named on the command line must exist; the default one need not.
    run(&f, &["search", "comet", "--config", "nowhere.toml"], None).fatal("--config: nowhere.toml");
    f.remove("cfg/veille/config.toml");
    run(&f, &["search", "comet", "--index", "idx"], None).ok();
    // Commands that need no configuration do not read it.
    f.write("cfg/veille/config.toml", "not toml [");
    run(&f, &["completions", "bash"], None).ok();
    run(&f, &["analyze", "--lang", "en", "comet"], None).ok();
}

#[test]
fn saved_searches_run_with_their_filters_and_flags_replace_them() {
    let f = two_indexes();
    f.write(
        "cfg/veille/config.toml",
        r#"index = "../../idx"

[[saved]]
name = "comètes FR"
query = "comet OR comète"
lang = "fr"

[[saved]]
name = "récent"
query = "comet OR comète"
since = "2025-03-02"
sort = "date"
"#,
    );
    let fr = run(&f, &["search", "--saved", "comètes FR", "--json"], None).ok();
    assert_eq!(titles(&fr), ["Une comète revient"]);
    let en = run(
        &f,
        &["search", "--saved", "comètes FR", "--lang", "en", "--json"],
        None,
    )
    .ok();
    assert_eq!(titles(&en), ["A comet returns"]);
    let recent = run(&f, &["search", "--saved", "récent", "--json"], None).ok();
    assert_eq!(titles(&recent), ["Une comète revient"]);
    let wider = run(
        &f,
        &[
            "search",
            "--saved",
            "récent",
            "--since",
            "2025-01-01",
            "--json",
        ],
        None,
    )
    .ok();
    assert_eq!(
        titles(&wider),
        ["Une comète revient", "A comet returns"],
        "newest first, as the saved search sorts"
    );
    let unknown =
        run(&f, &["search", "--saved", "nope"], None).fatal("no saved search named \"nope\"");
    assert!(
        unknown.stderr.contains("comètes FR, récent"),
        "{}",
        unknown.stderr
    );
    // A saved search is a query of its own: not both.
    let both = run(&f, &["search", "comet", "--saved", "récent"], None);
    assert_eq!(both.code, 2);
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
}
