//! Dumps larger than the size limit, or than a batch of the memory budget:
//! JSON Lines files and JSON arrays are read article by article, the size
//! limit applies to each article (one too large is named by its line), and
//! they give the same articles, under the same ids, with the same languages
//! and the same records kept or left out, as when read whole.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::{Fixture, Run};

/// `--max-file-size 1`: a limit of 1 MiB, for the file or the article.
const LIMITED: [&str; 6] = ["index", "docs", "--index", "idx", "--max-file-size", "1"];

/// A JSON object of about `bytes` bytes: article `n`, with a word of its
/// own (`wordN`), and no id (it gets `file#N`).
fn article(n: usize, bytes: usize) -> String {
    let filler = "réseau souverain données ".repeat(bytes / 26 + 1);
    serde_json::json!({
        "title": format!("Dépêche {n}"),
        "body": format!("word{n} {filler}"),
        "lang": "fr",
    })
    .to_string()
}

fn warnings(run: &Run) -> Vec<&str> {
    run.stdout
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect()
}

#[test]
fn a_json_lines_dump_over_the_limit_is_indexed_but_its_too_large_line() {
    let f = Fixture::new();
    // 2.4 MB in all; line 3 alone is 1.2 MB, over the limit of 1 MiB.
    let mut text = String::new();
    for n in 1..=12 {
        let size = if n == 3 { 1_200_000 } else { 100_000 };
        text.push_str(&article(n, size));
        text.push('\n');
        if n == 6 {
            text.push('\n');
        }
    }
    f.write("docs/dump.jsonl", &text);
    let run = f.run(&LIMITED).ok();
    assert_eq!(
        warnings(&run),
        [format!(
            "warning: docs/dump.jsonl: line 3: {} bytes, over the size limit of 1048576 bytes: skipped",
            article(3, 1_200_000).len()
        )],
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("skipped: "), "{}", run.stdout);
    assert_eq!(f.articles("idx"), 11);
    // Articles are numbered as they come, the blank line and the skipped
    // article taking no number.
    assert_eq!(f.hit_ids("word4"), ["dump.jsonl#3"]);
    assert_eq!(f.hit_ids("word12"), ["dump.jsonl#11"]);
    assert!(f.hit_ids("word3").is_empty());
}

#[test]
fn a_json_array_over_the_limit_is_indexed_but_its_too_large_element() {
    let f = Fixture::new();
    let items: Vec<String> = (1..=12)
        .map(|n| article(n, if n == 5 { 1_100_000 } else { 100_000 }))
        .collect();
    // One element a line, after an opening line: element 5 is on line 6.
    f.write("docs/dump.json", format!("[\n{}\n]\n", items.join(",\n")));
    let run = f.run(&LIMITED).ok();
    let warnings = warnings(&run);
    assert_eq!(warnings.len(), 1, "{}", run.stdout);
    assert!(
        warnings[0].starts_with(&format!(
            "warning: docs/dump.json: line 6: item 5: {} bytes, over the size limit",
            items[4].len()
        )),
        "{}",
        run.stdout
    );
    assert_eq!(f.articles("idx"), 11);
    assert_eq!(f.hit_ids("word12"), ["dump.json#11"]);
}

#[test]
fn a_json_array_cut_short_keeps_the_articles_before_the_cut() {
    let f = Fixture::new();
    let items: Vec<String> = (1..=14).map(|n| article(n, 100_000)).collect();
    // A download cut in the middle of element 14.
    let whole = format!("[{}]", items.join(",\n"));
    let cut = &whole[..whole.len() - 50_000];
    f.write("docs/dump.json", cut);
    let run = f.run(&LIMITED).ok();
    let warnings = warnings(&run);
    assert_eq!(warnings.len(), 1, "{}", run.stdout);
    assert!(
        warnings[0].starts_with("warning: docs/dump.json: line 14: EOF while parsing")
            && warnings[0].ends_with("the rest of the file was not read"),
        "{}",
        run.stdout
    );
    assert_eq!(f.articles("idx"), 13);
}

/// The ids of every article in `index`.
fn ids(f: &Fixture, index: &str) -> BTreeSet<String> {
    f.article_ids(index)
}

#[test]
fn a_dump_read_whole_or_article_by_article_gives_the_same_articles() {
    let f = Fixture::new();
    // 3 MB: under the default batch (a sixteenth of 200 MB), read whole;
    // over that of `--memory 16` (1 MiB), read article by article.
    let mut text = String::new();
    for n in 1..=300 {
        text.push_str(&article(n, 10_000));
        text.push('\n');
        if n % 50 == 0 {
            // Broken lines and blank ones, which take no number.
            text.push_str("{not json\n\n");
        }
    }
    // The text of article 7 again (no id: a record of its own, shown
    // with article 7), and one record twice (same id, same text: one).
    text.push_str(&article(7, 10_000));
    text.push('\n');
    let mut repeated = serde_json::from_str::<serde_json::Value>(&article(301, 10_000)).unwrap();
    repeated["id"] = "repeated".into();
    for _ in 0..2 {
        text.push_str(&repeated.to_string());
        text.push('\n');
    }
    f.write("docs/dump.jsonl", &text);
    let whole = f.run(&["index", "docs", "--index", "whole"]).ok();
    let streamed = f
        .run(&["index", "docs", "--index", "streamed", "--memory", "16"])
        .ok();
    assert_eq!(ids(&f, "whole"), ids(&f, "streamed"));
    assert_eq!(ids(&f, "whole").len(), 302);
    assert!(ids(&f, "streamed").contains("dump.jsonl#301"));
    // The same report: six broken lines, one text seen again, one record
    // seen twice.
    let report = |run: &Run| {
        run.stdout
            .lines()
            .filter(|l| {
                ["warning", "duplicate", "same text", "files", "articles"]
                    .iter()
                    .any(|w| l.starts_with(w))
            })
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(report(&whole), report(&streamed));
    assert_eq!(warnings(&whole).len(), 6, "{}", whole.stdout);
    let lines = report(&streamed);
    let starting = |prefix: &str| lines.iter().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(
        (starting("duplicate: "), starting("same text: ")),
        (1, 1),
        "{}",
        streamed.stdout
    );
    assert!(
        streamed
            .stdout
            .contains("articles: 302 added (1 with the text of another), 0 removed"),
        "{}",
        streamed.stdout
    );
}

/// `id → lang` of every article of `index`.
fn languages(f: &Fixture, index: &str) -> BTreeMap<String, String> {
    f.export(index)
        .iter()
        .map(|a| {
            let field = |k: &str| a[k].as_str().unwrap().to_string();
            (field("id"), field("lang"))
        })
        .collect()
}

/// One line of a JSON Lines dump.
fn item(id: &str, title: &str, body: &str) -> String {
    serde_json::json!({"id": id, "title": title, "body": body}).to_string() + "\n"
}

/// A sentence of each language, repeated to make articles of a given size.
const ENGLISH: &str =
    "The regulator published its quarterly report on network rollouts in rural towns. ";
const FRENCH: &str =
    "Le régulateur a publié son bilan trimestriel des déploiements dans les communes rurales. ";

#[test]
fn short_items_of_a_dump_read_in_batches_take_the_whole_dumps_language() {
    let f = Fixture::new();
    // The first batch of `--memory 16` (1 MiB) is English: three English
    // articles of 300 kB, two items too short to detect, and a fourth
    // English article that fills the batch. The 60 French articles after
    // them make the dump French.
    let mut text = String::new();
    for n in 1..=3 {
        text.push_str(&item(
            &format!("en{n}"),
            "Rural networks",
            &ENGLISH.repeat(3_600),
        ));
    }
    text.push_str(&item(
        "zorglub",
        "Un article de test zorglub sur la fibre.",
        "",
    ));
    text.push_str(&item("ia", "L'intelligence artificielle", ""));
    text.push_str(&item("en4", "Rural networks", &ENGLISH.repeat(2_500)));
    assert!(text.len() > 1 << 20);
    for n in 1..=60 {
        text.push_str(&item(
            &format!("fr{n}"),
            "Réseaux ruraux",
            &FRENCH.repeat(560),
        ));
    }
    assert!(text.len() > 3 << 20);
    f.write("docs/dump.jsonl", &text);
    let whole = f.run(&["index", "docs", "--index", "whole"]).ok();
    let streamed = f
        .run(&["index", "docs", "--index", "streamed", "--memory", "16"])
        .ok();
    let langs = languages(&f, "streamed");
    assert_eq!(langs, languages(&f, "whole"));
    assert_eq!(
        (&*langs["zorglub"], &*langs["ia"]),
        ("fr", "fr"),
        "{langs:?}"
    );
    assert_eq!(langs["en1"], "en");
    for run in [&whole, &streamed] {
        assert!(
            run.stdout.contains("(added by language: fr 62, en 4)"),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn a_big_dump_touched_is_not_read_again_and_a_changed_one_is_replaced() {
    let f = Fixture::new();
    let write = |from: usize, to: usize| {
        let text: String = (from..=to).map(|n| article(n, 20_000) + "\n").collect();
        f.write("docs/dump.jsonl", text);
    };
    write(1, 100);
    let args = ["index", "docs", "--index", "idx", "--memory", "16"];
    f.run(&args).ok();
    assert_eq!(f.articles("idx"), 100);

    // Touched: the same bytes, a new mtime.
    let path = f.path("docs/dump.jsonl");
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    let run = f.run(&args).ok();
    assert!(
        run.stdout
            .contains("articles: 0 added, 0 removed, 100 in the index"),
        "{}",
        run.stdout
    );

    // Changed: 20 articles gone, 30 new.
    write(21, 130);
    let run = f.run(&args).ok();
    assert!(
        run.stdout.contains("files: 0 added, 1 updated") && run.stdout.contains("in the index"),
        "{}",
        run.stdout
    );
    assert_eq!(f.articles("idx"), 110);
    assert!(f.hit_ids("word20").is_empty());
    assert_eq!(f.hit_ids("word130").len(), 1);
}

#[test]
fn short_items_of_a_dump_mixing_languages_take_none_of_them() {
    // Three French stories and two English ones (60 % French): the short
    // English item is not made French; it stays undecided, and a search
    // in its own words still finds it through the neutral fields.
    let f = Fixture::new();
    let mut text = String::new();
    for n in 1..=3 {
        let body = format!("{} Rapport numéro {n}.", FRENCH.repeat(4));
        text.push_str(&item(&format!("fr{n}"), "Réseaux ruraux", &body));
    }
    for n in 1..=2 {
        let body = format!("{} Report number {n}.", ENGLISH.repeat(4));
        text.push_str(&item(&format!("en{n}"), "Rural networks", &body));
    }
    text.push_str(&item("div", "Qtly div 23 cts vs 21 cts", ""));
    f.write("docs/dump.jsonl", &text);
    f.run(&["index", "docs", "--index", "idx"]).ok();
    let langs = languages(&f, "idx");
    assert_eq!(langs["fr1"], "fr", "{langs:?}");
    assert_eq!(langs["en1"], "en", "{langs:?}");
    assert_eq!(langs["div"], "und", "{langs:?}");
    assert_eq!(f.hit_ids("qtly"), ["div"]);
}
