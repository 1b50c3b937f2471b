//! Capitals: acronyms match what is written in capitals, not the fragments
//! elision leaves (`j’ai` → `ai`) nor lowercase common words; lowercase
//! words that the index knows as names are read as those names.

use std::collections::BTreeSet;

use serde_json::Value;

use veille::search::ranking::NAME_EVIDENCE;

use crate::common::Fixture;
use crate::util::{highlighted, index_articles};

/// A fixture with `articles` indexed (see [`index_articles`]).
fn index(articles: &[(&str, &str, &str, &str)]) -> Fixture {
    let f = Fixture::new();
    index_articles(&f, articles);
    f
}

fn ids(hits: &[Value]) -> BTreeSet<&str> {
    hits.iter().map(|h| h["id"].as_str().unwrap()).collect()
}

#[test]
fn acronyms_match_capitals_not_elided_fragments_or_common_words() {
    let f = index(&[
        ("ia", "fr", "Régulation", "Bruxelles encadre l’IA générative. Selon la Commission, l’IA doit être transparente, et Scale AI devra publier ses données."),
        ("jai", "fr", "Témoignage", "J’ai confiance, dit-elle. Je lui ai dit d’en prendre acte, car j’ai tout vu et il y a eu des progrès. J’AI CONFIANCE EN L’AVENIR, écrit-elle."),
        ("ue", "fr", "Europe", "Les ministres de l’UE adoptent le règlement ; l’UE veut des règles communes."),
        ("eu", "en", "Brussels", "The EU adopted the AI Act, and EU officials said AI systems face audits."),
        ("us", "en", "Elections", "The US government asked the panel for the report on the vote."),
        ("let-us", "en", "Weather", "Let us wait, the panel asked us to stay until the storm passed."),
        ("it-dept", "en", "Budgets", "The IT department bought laptops, and the IT budget grew."),
        ("it", "en", "Rain", "It rained and it was cold, so the team stayed indoors until it stopped."),
    ]);
    // Each query as typed (`--no-translate`), then with its translations
    // (`IA` ↔ `AI`, `UE` ↔ `EU`), which are capitals too.
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("AI", &["ia", "eu"], &["ia", "eu"]),
        ("IA", &["ia"], &["ia", "eu"]),
        ("EU", &["eu"], &["eu", "ue"]),
        ("UE", &["ue"], &["ue", "eu"]),
        ("AI Act", &["eu"], &["eu"]),
        ("US", &["us"], &["us"]),
        ("IT", &["it-dept"], &["it-dept"]),
    ];
    for (query, typed, translated) in cases {
        for (flags, expected) in [(&["--no-translate"][..], typed), (&[][..], translated)] {
            let hits = f.search(query, flags);
            let expected: BTreeSet<&str> = expected.iter().copied().collect();
            assert_eq!(ids(&hits), expected, "{query} {flags:?}");
            // Only the capitals are highlighted.
            for hit in &hits {
                for mark in highlighted(hit) {
                    assert!(
                        mark.chars().any(char::is_uppercase),
                        "{query}: {mark:?} in {}",
                        hit["id"]
                    );
                }
            }
        }
    }
    // The lowercase words still find the common words.
    assert!(ids(&f.search("\"il y a eu\"", &[])).contains("jai"));
    assert!(ids(&f.search("us", &["--lang", "en"])).contains("let-us"));
}

#[test]
fn lowercase_words_the_index_knows_as_names_find_the_names() {
    // Each name written as one in as many articles as the index needs to
    // believe it (half of Meta's in English, half in French).
    let n = NAME_EVIDENCE as usize;
    let mut articles: Vec<(String, &str, String, String)> = Vec::new();
    for i in 0..n {
        let (id, lang, title, body) = if i % 2 == 0 {
            ("meta-en", "en", "Smart glasses", format!("The glasses from Meta are brighter in model {i}, and Meta said the display lasts longer."))
        } else {
            ("meta-fr", "fr", "Lunettes", format!("Le groupe Meta lance la version {i} de ses lunettes ; chez Meta, on parle de réalité mixte."))
        };
        articles.push((format!("{id}-{i}"), lang, format!("{title} {i}"), body));
        articles.push((
            format!("openai-{i}"),
            "en",
            format!("Models {i}"),
            format!("The lab OpenAI released model {i}, and OpenAI said developers can try it."),
        ));
    }
    for (id, lang, title, body) in [
        ("mettre", "fr", "Le plan numérique", "Le ministère met en place un plan, il met aussi en avant la formation et mettait fin aux zones blanches."),
        ("opensource", "fr", "Logiciel libre", "La communauté open source veut des standards ouverts, et l’open data progresse."),
        ("recrute", "fr", "Emploi", "La startup recrute des ingénieurs, et le recrutement devient une course."),
    ] {
        articles.push((id.to_string(), lang, title.to_string(), body.to_string()));
    }
    let refs: Vec<(&str, &str, &str, &str)> = articles
        .iter()
        .map(|(id, lang, title, body)| (id.as_str(), *lang, title.as_str(), body.as_str()))
        .collect();
    let f = index(&refs);
    let meta: Vec<String> = (0..n)
        .map(|i| format!("{}-{i}", if i % 2 == 0 { "meta-en" } else { "meta-fr" }))
        .collect();
    let openai: Vec<String> = (0..n).map(|i| format!("openai-{i}")).collect();
    let meta: Vec<&str> = meta.iter().map(String::as_str).collect();
    let openai: Vec<&str> = openai.iter().map(String::as_str).collect();
    // The name's articles first; its stem-mates (`met`, `open`) may
    // follow, never before.
    for (query, names) in [
        ("meta", meta.as_slice()),
        ("Meta", &meta),
        ("openai", &openai),
        ("OpenAI", &openai),
    ] {
        let hits = f.search(query, &["-n", "100"]);
        assert!(hits.len() >= names.len(), "{query}: {hits:?}");
        let (top, rest) = hits.split_at(names.len());
        assert_eq!(ids(top), names.iter().copied().collect(), "{query}");
        assert!(
            rest.iter()
                .all(|h| !names.contains(&h["id"].as_str().unwrap())),
            "{query}"
        );
        for hit in top {
            let marks = highlighted(hit);
            assert!(
                !marks.is_empty() && marks.iter().all(|m| m.eq_ignore_ascii_case(query)),
                "{query}: {marks:?}"
            );
        }
    }
    // Before the index knew `meta` as a name, the French stem `met` put
    // the article about `met` and `mettait` among the hits of `meta`; it
    // now comes after every Meta article.
    let hits = f.search("meta", &["-n", "100"]);
    if let Some(at) = hits.iter().position(|h| h["id"] == "mettre") {
        assert!(at >= n, "{hits:?}");
    }
    // Their stem-mates are still found by their own words...
    assert!(ids(&f.search("met", &[])).contains("mettre"));
    assert!(ids(&f.search("open", &[])).contains("opensource"));
    // ... and ordinary lowercase words keep their stemming.
    let hits = f.search("recrutement", &[]);
    assert_eq!(ids(&hits), BTreeSet::from(["recrute"]));
    assert!(highlighted(&hits[0]).contains(&"recrute".to_string()));
}
