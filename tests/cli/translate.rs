//! Cross-language search on the command line: a French query also finds
//! English articles through the vocabulary's translations (and the other
//! way), ranked after those matching the words as typed; `--no-translate`
//! turns it off; glossaries add terms and their bad lines are named.

use serde_json::Value;

use crate::common::Fixture;
use crate::util::highlighted;

/// Two French and three English articles, one of them about a mouse of
/// the other kind.
fn fixture() -> Fixture {
    let f = Fixture::new();
    f.write(
        "docs/fr-ia.txt",
        "L’intelligence artificielle arrive dans les lycées\n\n\
         Le ministère forme les enseignants à l’intelligence artificielle avant la rentrée, \
         avec un module consacré aux usages en classe et aux limites des outils.",
    )
    .write(
        "docs/fr-courriel.txt",
        "Les courriels frauduleux se multiplient\n\n\
         Les banques mettent en garde leurs clients contre une vague de courriels \
         qui imitent leurs messages pour voler des mots de passe.",
    )
    .write(
        "docs/en-ai.txt",
        "Schools adopt artificial intelligence tutors\n\n\
         Several school districts are testing artificial intelligence tutors this year, \
         with teachers reviewing every exercise the software suggests to pupils.",
    )
    .write(
        "docs/en-spyware.txt",
        "Regulators fine the makers of a spyware app\n\n\
         The company sold an app that secretly recorded messages and locations, and \
         regulators said the spyware had been installed on thousands of phones.",
    )
    .write(
        "docs/en-mouse.txt",
        "A quieter computer mouse for open offices\n\n\
         The new wireless mouse clicks silently and its battery lasts a year, \
         according to the manufacturer, which sells it to offices and schools.",
    );
    f.index().ok();
    f
}

fn ids(hits: &[Value]) -> Vec<&str> {
    hits.iter().map(|h| h["id"].as_str().unwrap()).collect()
}

#[test]
fn a_french_phrase_also_finds_english_articles_ranked_after_the_french_ones() {
    let f = fixture();
    let run = f
        .run(&[
            "search",
            "intelligence artificielle",
            "--index",
            "idx",
            "--json",
        ])
        .ok();
    let hits = run.json_lines();
    // The French article (the words as typed) first, then the English one
    // (the phrase translated whole), each with its language.
    assert_eq!(ids(&hits), ["fr-ia.txt", "en-ai.txt"]);
    assert_eq!(hits[0]["lang"], "fr");
    assert_eq!(hits[1]["lang"], "en");
    assert!(hits[0]["score"].as_f64() > hits[1]["score"].as_f64());
    // The English hit highlights the translation.
    let marks = highlighted(&hits[1]);
    assert!(marks.iter().any(|m| m == "artificial"), "{marks:?}");
    assert!(
        run.stderr
            .contains("also searched: artificial intelligence (en)"),
        "{}",
        run.stderr
    );

    // People see it before the hits.
    let text = f
        .run(&["search", "intelligence artificielle", "--index", "idx"])
        .ok()
        .stdout;
    let note = text
        .find("also searched: artificial intelligence (en)")
        .expect("the note");
    assert!(note < text.find("Schools adopt").unwrap(), "{text}");

    // Without accents, and the other way round.
    assert_eq!(
        ids(&f.search("logiciel espion", &[])),
        ["en-spyware.txt"],
        "spyware"
    );
    assert_eq!(
        ids(&f.search("artificial intelligence", &[])),
        ["en-ai.txt", "fr-ia.txt"]
    );
}

#[test]
fn no_translate_searches_only_the_words_as_typed() {
    let f = fixture();
    let run = f
        .run(&[
            "search",
            "intelligence artificielle",
            "--index",
            "idx",
            "--json",
            "--no-translate",
        ])
        .ok();
    assert_eq!(ids(&run.json_lines()), ["fr-ia.txt"]);
    assert!(!run.stderr.contains("also searched"), "{}", run.stderr);
    // Nothing in French about spyware: nothing found at all.
    let run = f.run(&[
        "search",
        "logiciel espion",
        "--index",
        "idx",
        "--no-translate",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
}

#[test]
fn translations_never_drop_a_required_word() {
    let f = fixture();
    let relaxed = "no article contains every word";
    // Each required word is satisfied by itself or by its translation: the
    // phrase by `spyware`, `régulateurs` by `regulators`.
    let run = f
        .run(&[
            "search",
            "\"logiciel espion\" régulateurs",
            "--index",
            "idx",
            "--json",
        ])
        .ok();
    assert_eq!(ids(&run.json_lines()), ["en-spyware.txt"]);
    assert!(!run.stderr.contains(relaxed), "{}", run.stderr);
    // No article has both: a translation does not stand in for the other
    // word (the engine then says it accepted any word, as without
    // translations).
    for query in ["\"logiciel espion\" souris", "courriel zyxwv"] {
        let run = f.run(&["search", query, "--index", "idx", "--json"]);
        assert!(run.stderr.contains(relaxed), "{query}: {}", run.stderr);
    }
}

#[test]
fn ambiguous_entries_are_searched_and_said_to_be_ambiguous() {
    let f = fixture();
    let run = f
        .run(&["search", "souris", "--index", "idx", "--json"])
        .ok();
    assert_eq!(ids(&run.json_lines()), ["en-mouse.txt"]);
    assert!(
        run.stderr.contains("also searched: mouse (en, ambiguous)"),
        "{}",
        run.stderr
    );
    // At a lower weight than an entry that is not ambiguous: compare the
    // same English article found through each.
    f.write("glossary.tsv", "fr\ten\nrongeur\tmouse\n");
    let score = |query: &str, glossary: bool| {
        let mut extra = vec![];
        if glossary {
            extra.extend(["--glossary", "glossary.tsv"]);
        }
        f.search(query, &extra)[0]["score"].as_f64().unwrap()
    };
    assert!(score("souris", false) < score("rongeur", true));
}

#[test]
fn glossaries_add_terms_and_name_their_bad_lines() {
    let f = fixture();
    f.write(
        "docs/en-product.txt",
        "Pocket Cloud Drive goes on sale in Europe\n\n\
         The storage gadget that fits in a wallet is available from today in twelve countries.",
    );
    f.index().ok();
    f.write(
        "terms.tsv",
        "# our own names\nfr\ten\nNuage de Poche\tPocket Cloud Drive\n",
    );
    assert!(f.search("\"nuage de poche\"", &[]).is_empty());
    let run = f
        .run(&[
            "search",
            "\"nuage de poche\"",
            "--index",
            "idx",
            "--json",
            "--glossary",
            "terms.tsv",
        ])
        .ok();
    assert_eq!(ids(&run.json_lines()), ["en-product.txt"]);
    assert!(
        run.stderr.contains("Pocket Cloud Drive (en)"),
        "{}",
        run.stderr
    );

    // Kept beside the index, it is read without the flag, and rebuilding
    // the index leaves it there.
    f.write("idx/glossary.tsv", f.read("terms.tsv"));
    assert_eq!(
        ids(&f.search("\"nuage de poche\"", &[])),
        ["en-product.txt"]
    );
    f.run(&["index", "docs", "--index", "idx", "--rebuild"])
        .ok();
    assert_eq!(
        ids(&f.search("\"nuage de poche\"", &[])),
        ["en-product.txt"]
    );

    // A bad line is an error naming the file and the line.
    f.write("bad.tsv", "fr\ten\ncourriel\temail\nsouris\n");
    f.run(&[
        "search",
        "courriel",
        "--index",
        "idx",
        "--glossary",
        "bad.tsv",
    ])
    .fatal("bad.tsv: line 3: expected `fr<TAB>en` or `fr<TAB>en<TAB>flags`, found 1 column");
    f.write("bad.tsv", "courriel\temail\tsometimes\n");
    f.run(&[
        "search",
        "courriel",
        "--index",
        "idx",
        "--glossary",
        "bad.tsv",
    ])
    .fatal("line 1: unknown flag \"sometimes\"");
    f.write("idx/glossary.tsv", "courriel\temail\ncourriel\tmail\n");
    f.run(&["search", "courriel", "--index", "idx"])
        .fatal("glossary.tsv: line 2: \"courriel\" is already defined on line 1");
    f.remove("idx/glossary.tsv");
    f.run(&[
        "search",
        "courriel",
        "--index",
        "idx",
        "--glossary",
        "missing.tsv",
    ])
    .fatal("missing.tsv");
}

#[test]
fn analyze_shows_what_a_query_is_also_searched_as() {
    let f = Fixture::new();
    let out = f
        .run(&["analyze", "--translate", "l’IA et les données personnelles"])
        .ok()
        .stdout;
    assert_eq!(
        out,
        "l’IA → AI (en)\ndonnées personnelles → personal data (en)\n"
    );
    let v = f
        .run(&["analyze", "--translate", "--json", "souris sans fil"])
        .ok()
        .json();
    let translated = v["translated"].as_array().unwrap();
    assert!(
        translated
            .iter()
            .any(|t| t["from"] == "souris" && t["to"] == "mouse" && t["ambiguous"] == true),
        "{v}"
    );
    assert!(
        translated
            .iter()
            .any(|t| t["from"] == "sans fil" && t["to"] == "wireless"),
        "{v}"
    );
    let none = f.run(&["analyze", "--translate", "zyxwv"]).ok().stdout;
    assert_eq!(none, "\"zyxwv\": no translation\n");
    f.write("g.tsv", "fr\ten\nsouris\n");
    f.run(&["analyze", "--translate", "--glossary", "g.tsv", "souris"])
        .fatal("g.tsv: line 2");
}
