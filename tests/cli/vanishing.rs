//! Queries whose words vanish in analysis: stop words searched as written,
//! tech names the index lacks finding nothing, and never a hit at score 0
//! because a clause disappeared.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::common::Fixture;
use crate::util::index_articles;

/// `veille search QUERY --json EXTRA`: the exit code and the hits.
fn search(f: &Fixture, query: &str, extra: &[&str]) -> (i32, Vec<Value>) {
    let mut args = vec!["search", query, "--index", "idx", "--json", "-n", "100"];
    args.extend_from_slice(extra);
    let run = f.run(&args);
    run.no_panic();
    assert!(run.code == 0 || run.code == 1, "{query}: {}", run.stderr);
    (run.code, run.json_lines())
}

fn ids(hits: &[Value]) -> BTreeSet<String> {
    hits.iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

/// Asserts that every hit has a score above 0.
#[track_caller]
fn all_scored(query: &str, hits: &[Value]) {
    for h in hits {
        let score = h["score"].as_f64().unwrap();
        assert!(score > 0.0, "{query}: {} at score {score}", h["id"]);
    }
}

fn french() -> Fixture {
    let f = Fixture::new();
    index_articles(
        &f,
        &[
            (
                "le",
                "fr",
                "Réseaux",
                "Le réseau de fibre arrive dans le village cette année, selon le maire.",
            ),
            (
                "la-le-les",
                "fr",
                "Santé",
                "La ministre présente le plan pour les hôpitaux et la recherche.",
            ),
            (
                "une",
                "fr",
                "Presse",
                "Le scandale est à la une de tous les journaux du matin.",
            ),
            (
                "sans",
                "fr",
                "Emploi",
                "Une startup recrute des ingénieurs à Lyon pour son robot.",
            ),
            (
                "c",
                "fr",
                "Programmation",
                "Le langage C reste partout dans les microcontrôleurs, et c’est un langage simple.",
            ),
            (
                "fsharp",
                "fr",
                "Fonctionnel",
                "Une équipe écrit ses outils en F# et trouve F# agréable.",
            ),
            (
                "net",
                "fr",
                "Résultats",
                "Le bénéfice net progresse et le résultat net dépasse les attentes.",
            ),
            (
                "node",
                "fr",
                "Grappes",
                "Chaque node de la grappe envoie son état, et le js du tableau de bord l’affiche.",
            ),
        ],
    );
    f
}

#[test]
fn stop_words_alone_are_searched_as_written_and_ranked() {
    let f = french();
    // `le` is in every article but one: that one is not a hit, and every
    // hit is scored by BM25.
    let (code, hits) = search(&f, "le", &[]);
    assert_eq!(code, 0);
    all_scored("le", &hits);
    let found = ids(&hits);
    assert!(found.contains("le"), "{found:?}");
    assert!(!found.contains("sans"), "{found:?}");
    // The article with `le` three times comes first.
    assert_eq!(hits[0]["id"], "le");

    // Every word is required.
    let (_, hits) = search(&f, "la le les", &[]);
    all_scored("la le les", &hits);
    assert_eq!(
        ids(&hits),
        BTreeSet::from(["la-le-les".to_string(), "une".to_string()])
    );

    // A phrase of stop words, and the same words unquoted.
    let (_, hits) = search(&f, "\"à la une\"", &[]);
    assert_eq!(ids(&hits), BTreeSet::from(["une".to_string()]));
    all_scored("à la une", &hits);
    let (_, hits) = search(&f, "à la une", &[]);
    assert_eq!(ids(&hits), BTreeSet::from(["une".to_string()]));

    // Stop words that no article holds together find nothing.
    let (code, hits) = search(&f, "nous vous", &[]);
    assert_eq!((code, hits.len()), (1, 0));
}

#[test]
fn tech_names_the_index_lacks_find_nothing_and_suggest_what_exists() {
    let f = french();
    // (query, the suggestion, if any)
    let cases: &[(&str, Option<&str>)] = &[
        ("C++", None),
        ("C#", Some("F#")),
        (".NET", Some("net")),
        ("Node.js", Some("node js")),
        ("F#", None),
    ];
    for (query, suggestion) in cases {
        let (code, hits) = search(&f, query, &[]);
        if *query == "F#" {
            // Present: found, as written.
            assert_eq!(ids(&hits), BTreeSet::from(["fsharp".to_string()]));
            continue;
        }
        assert_eq!((code, hits.len()), (1, 0), "{query}: {hits:?}");
        let run = f.run(&["search", query, "--index", "idx", "--color", "never"]);
        assert_eq!(run.code, 1, "{query}");
        match suggestion {
            Some(s) => assert!(
                run.stdout.contains(&format!("did you mean: {s}")),
                "{query}: {}",
                run.stdout
            ),
            None => assert!(
                !run.stdout.contains("did you mean"),
                "{query}: {}",
                run.stdout
            ),
        }
    }
    // Excluding an absent name excludes nothing.
    let (_, with) = search(&f, "langage", &[]);
    let (_, without) = search(&f, "langage -C++", &[]);
    assert_eq!(ids(&with), ids(&without));
    assert!(!with.is_empty());
}

#[test]
fn a_two_part_name_the_index_lacks_is_not_found_by_a_stem_of_its_first_part() {
    // French stems `openai` to `open`: articles on open space and on the
    // Open d'Australie are not about OpenAI; `iPhones` still finds the
    // iPhone, its stem cutting only the name's last part.
    let f = Fixture::new();
    index_articles(
        &f,
        &[
            (
                "bureaux",
                "fr",
                "Bureaux",
                "Les salariés quittent l'open space pour le télétravail deux jours par semaine.",
            ),
            (
                "tennis",
                "fr",
                "Tennis",
                "La joueuse française se qualifie pour le quart de finale de l'Open d'Australie.",
            ),
            (
                "telephone",
                "fr",
                "Téléphones",
                "Le nouvel iPhone arrive en boutique vendredi avec un appareil photo amélioré.",
            ),
        ],
    );
    let (code, hits) = search(&f, "OpenAI", &[]);
    assert_eq!((code, hits.len()), (1, 0), "{hits:?}");
    let (_, hits) = search(&f, "open", &[]);
    assert_eq!(hits.len(), 2, "{hits:?}");
    let (_, hits) = search(&f, "iPhones", &[]);
    assert_eq!(ids(&hits), BTreeSet::from(["telephone".to_string()]));
}

/// Words that each chain with a stop-word list drops, in its language.
const STOP_WORDS: &[(&str, &str)] = &[
    ("fr", "le la les de"),
    ("en", "the of and to"),
    ("de", "der die und"),
    ("es", "el la de que"),
    ("it", "il di che la"),
    ("pt", "o a de que"),
    ("nl", "de het een en"),
    ("da", "og i at det"),
    ("sv", "och att det som"),
    ("nb", "og i det som"),
    ("fi", "ja on ei se"),
    ("hu", "a az és hogy"),
    ("ru", "и в не на"),
];

#[test]
fn no_chain_turns_a_query_of_its_stop_words_into_every_article() {
    let f = Fixture::new();
    // Per language: an article with its stop words and one without any of
    // them (a name and a number, which keeps the texts apart).
    let mut articles = Vec::new();
    let texts: Vec<(String, String, String)> = STOP_WORDS
        .iter()
        .enumerate()
        .flat_map(|(i, (code, words))| {
            [
                (
                    format!("{code}-with"),
                    code.to_string(),
                    format!("Zorglub {i} {words} Zorglub"),
                ),
                (
                    format!("{code}-without"),
                    code.to_string(),
                    format!("Zorglub {i} Zorglub"),
                ),
            ]
        })
        .collect();
    for (id, code, body) in &texts {
        articles.push((id.as_str(), code.as_str(), "Zorglub", body.as_str()));
    }
    index_articles(&f, &articles);

    let chained: BTreeSet<&str> = veille::analysis::lang::chained()
        .filter(|l| l.stopwords.is_some())
        .map(|l| l.code)
        .collect();
    let listed: BTreeSet<&str> = STOP_WORDS.iter().map(|(c, _)| *c).collect();
    assert_eq!(chained, listed, "every chain with stop words has a sample");

    for (code, words) in STOP_WORDS {
        // The premise: the chain drops every word of the query.
        let run = f.run(&["analyze", "--lang", code, "--json", words]).ok();
        assert_eq!(run.json()["tokens"], json!([]), "{code}: {words}");

        for extra in [&[][..], &["--lang", code][..]] {
            let (_, hits) = search(&f, words, extra);
            all_scored(words, &hits);
            let found = ids(&hits);
            assert!(found.contains(&format!("{code}-with")), "{code}: {found:?}");
            assert!(
                found.iter().all(|id| id.ends_with("-with")),
                "{code} {extra:?}: {found:?}"
            );
        }
    }
}
