//! Issue 12, points 4 and 5, on the command line: a pasted paragraph is
//! free text (its `-80` is not an exclusion), a short query names the
//! operators it applies, `--like ID` lists the articles closest to one, an
//! untitled article has one title whatever the query, and what is marked
//! (in the title or a snippet) is what matched.
//!
//! The fixture: a few French articles on memory chips and the cloud, one of
//! them untitled and quoting a `-80 %` and a dash before `Tous`, a
//! near-duplicate of it, and one on 2.5G networks.

use serde_json::Value;

use crate::common::Fixture;
use crate::util::highlighted;

/// Untitled (one paragraph, no title line): the article pasted from.
const SOURCE: &str = "Les fabricants de puces mémoire ont vu leurs prix de gros reculer de -80 % \
en dix-huit mois, une chute que personne dans le secteur n'avait prévue. Les stocks accumulés \
pendant la pandémie pèsent encore sur le marché et les usines coréennes tournent au ralenti \
depuis l'été. -Tous les contrats signés avant janvier seront renégociés, a prévenu un dirigeant \
lors d'une conférence à Séoul, en ajoutant que les clients de l'informatique en nuage exigent \
désormais des remises chaque trimestre. Les analystes ne voient pas de reprise avant la fin de \
l'année prochaine, faute de nouveaux usages pour la mémoire vive.\n";

/// The same story, retold with a different last sentence: a near-duplicate.
const REPOST: &str = "Les fabricants de puces mémoire ont vu leurs prix de gros reculer de -80 % \
en dix-huit mois, une chute que personne dans le secteur n'avait prévue. Les stocks accumulés \
pendant la pandémie pèsent encore sur le marché et les usines coréennes tournent au ralenti \
depuis l'été. -Tous les contrats signés avant janvier seront renégociés, a prévenu un dirigeant \
lors d'une conférence à Séoul, en ajoutant que les clients de l'informatique en nuage exigent \
désormais des remises chaque trimestre. Selon un courtier, les cours se stabilisent déjà.\n";

/// The rest of the fixture: (file, text). Titled ones have a title line.
const OTHERS: &[(&str, &str)] = &[
    (
        "marche.txt",
        "Le marché de la mémoire reste déprimé\n\nLes prix de la mémoire vive et de la mémoire \
flash continuent de baisser, selon un cabinet d'études. Les fabricants réduisent leur production \
et reportent la construction de nouvelles usines. Tous les grands acteurs annoncent des pertes \
pour le trimestre, et les stocks ne se résorbent que lentement.\n",
    ),
    (
        "nuage.txt",
        "Les clients du nuage négocient leurs remises\n\nLes entreprises clientes de l'informatique \
en nuage obtiennent des remises plus fortes en signant des contrats de trois ans. Les fournisseurs \
acceptent de baisser leurs prix pour garder leurs clients, selon une étude publiée mardi.\n",
    ),
    (
        "seoul.txt",
        "Séoul accueille le salon des télécoms\n\nLe salon annuel des télécoms s'est ouvert à Séoul \
avec plus de 80 exposants venus présenter des antennes, des routeurs et des téléphones. Tous les \
opérateurs coréens y montrent leurs réseaux de nouvelle génération.\n",
    ),
    (
        "reseaux.txt",
        "Les vieux réseaux mobiles s'éteignent\n\nLes opérateurs coupent peu à peu leurs réseaux \
2.5G, qui servaient encore aux terminaux de paiement et aux alarmes. Les abonnés concernés sont \
invités à changer d'équipement avant la fin de l'année.\n",
    ),
    (
        "antennes.txt",
        "Les opérateurs accélèrent sur la 5G\n\nLes opérateurs installent de nouvelles antennes 5G \
dans les villes moyennes. La couverture progresse, mais les zones rurales attendent toujours.\n",
    ),
];

/// The fixture indexed into `idx/`.
fn indexed() -> Fixture {
    let f = Fixture::new();
    f.write("docs/memoire.txt", SOURCE);
    f.write("docs/memoire-reprise.txt", REPOST);
    for (name, text) in OTHERS {
        f.write(&format!("docs/{name}"), text);
    }
    f.index().ok();
    f
}

/// The first paragraph-like part of the source, as a user pastes it: with
/// the `-80` and the `-Tous` that a query would read as exclusions.
fn pasted() -> String {
    let start = SOURCE.find("prix de gros").unwrap();
    let end = SOURCE.find("exigent").unwrap();
    SOURCE[start..end].to_string()
}

fn ids(hits: &[Value]) -> Vec<&str> {
    hits.iter().map(|h| h["id"].as_str().unwrap()).collect()
}

#[test]
fn a_pasted_paragraph_finds_the_article_it_came_from() {
    let f = indexed();
    let text = pasted();
    assert!(text.contains(" -80 ") && text.contains(" -Tous "), "{text}");
    let run = f.run(&["search", &text, "--index", "idx", "--json", "--all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hits = run.json_lines();
    // The source and its repost first (they share the paragraph), then
    // the articles sharing some of its words.
    let first: Vec<&str> = ids(&hits).into_iter().take(2).collect();
    assert!(
        first.contains(&"memoire.txt") && first.contains(&"memoire-reprise.txt"),
        "{:?}",
        ids(&hits)
    );
    assert!(hits.len() > 2, "a bag of words, not every word required");
    // Nothing was excluded, and the user is told why.
    assert!(
        run.stderr
            .contains("read as free text, no operator applied (-80, -Tous"),
        "{}",
        run.stderr
    );

    // A part of it of at most a dozen words is still the query language:
    // the `-80` excludes the source (the symptom), and the warning
    // says so.
    let short = "prix de gros reculer de -80 % en dix-huit mois";
    let run = f.run(&["search", short, "--index", "idx", "--json", "--all"]);
    let found = ids(&run.json_lines()).join(" ");
    assert!(!found.contains("memoire"), "{found}");
    assert!(
        run.stderr
            .contains("warning: operators applied: -80 (excluded)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_short_query_names_the_operators_it_applies_on_every_output() {
    let f = indexed();
    let run = f.run(&[
        "search",
        "\"mémoire vive\" -usines title:marché OR title:nuage",
        "--index",
        "idx",
        "--color",
        "never",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "warning: operators applied: \"mémoire vive\" (phrase), title:marché (in titles), \
             title:nuage (in titles), title:marché OR title:nuage (either), -usines (excluded)"
        ),
        "{}",
        run.stdout
    );
    // Plain words: no warning at all.
    let run = f.run(&["search", "mémoire prix", "--index", "idx", "--json"]);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

/// `(title, title_from_text)` of the hit `id` for a query.
fn title_of(f: &Fixture, query: &str, id: &str) -> (String, bool) {
    let hits = f.search(query, &["--all"]);
    let hit = hits
        .iter()
        .find(|h| h["id"] == id)
        .unwrap_or_else(|| panic!("{id} not found by {query:?}: {:?}", ids(&hits)));
    (
        hit["title"].as_str().unwrap().to_string(),
        hit["title_from_text"].as_bool().unwrap(),
    )
}

#[test]
fn an_untitled_article_has_the_same_title_for_every_query() {
    let f = indexed();
    let expected = "Les fabricants de puces mémoire ont vu leurs prix de gros reculer de -80 % en…";
    // Queries whose snippets start in different places of the text.
    for query in ["fabricants", "Séoul", "pandémie", "analystes reprise"] {
        assert_eq!(
            title_of(&f, query, "memoire.txt"),
            (expected.to_string(), true),
            "{query}"
        );
        // The human output shows it too, as the hit's heading.
        let run = f.run(&[
            "search", query, "--index", "idx", "--color", "never", "--all",
        ]);
        assert!(
            run.stdout
                .lines()
                .any(|l| l.ends_with(&format!(". {expected}"))),
            "{query}: {}",
            run.stdout
        );
    }
    // A titled article keeps its own.
    assert_eq!(
        title_of(&f, "mémoire", "marche.txt"),
        ("Le marché de la mémoire reste déprimé".to_string(), false)
    );
}

/// The marked parts of a hit's title.
fn title_marks(hit: &Value) -> Vec<String> {
    let title = hit["title"].as_str().unwrap();
    hit["title_highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            title[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize].to_string()
        })
        .collect()
}

#[test]
fn a_match_in_the_title_only_is_marked_there() {
    let f = indexed();
    // `déprimé` is in the title of marche.txt and nowhere in its text.
    let hits = f.search("déprimé", &[]);
    assert_eq!(ids(&hits), ["marche.txt"]);
    assert_eq!(title_marks(&hits[0]), ["déprimé"]);
    assert_eq!(
        hits[0]["title_html"],
        "Le marché de la mémoire reste <mark>déprimé</mark>"
    );
    assert!(
        highlighted(&hits[0]).is_empty(),
        "{:?}",
        hits[0]["snippets"]
    );
    // On a terminal, in the style of the snippets' matches.
    let run = f.run(&["search", "déprimé", "--index", "idx", "--color", "always"]);
    assert!(
        run.stdout.contains("reste \x1b[1;33mdéprimé\x1b[0m"),
        "{:?}",
        run.stdout
    );
}

#[test]
fn every_marked_word_is_one_that_matched() {
    let f = indexed();
    // `5G` in capitals is looked up as written: the article on 5G, not
    // the one on 2.5G networks, whose `2.5G` is one name. Every mark is
    // the word that matched.
    let hits = f.search("5G", &["--all"]);
    assert_eq!(ids(&hits), ["antennes.txt"]);
    for hit in &hits {
        let marks = [highlighted(hit), title_marks(hit)].concat();
        assert!(!marks.is_empty(), "{hit}");
        assert!(marks.iter().all(|m| m == "5G"), "{marks:?}");
    }
    // A phrase is marked where its words stand together, not word by word.
    let hits = f.search("\"mémoire vive\"", &["--all"]);
    assert!(!hits.is_empty());
    for hit in &hits {
        let marks = highlighted(hit);
        assert!(marks.iter().all(|m| m == "mémoire vive"), "{marks:?}");
    }
    // A word French drops as a stop word is not marked in French text.
    let hits = f.search("les prix", &["--all"]);
    assert!(!hits.is_empty());
    for hit in &hits {
        let marks = [highlighted(hit), title_marks(hit)].concat();
        assert!(marks.iter().all(|m| m == "prix"), "{marks:?}");
    }
}

#[test]
fn like_lists_the_closest_articles_with_the_same_story_apart() {
    let f = indexed();
    let run = f.run(&[
        "search",
        "--like",
        "memoire.txt",
        "--index",
        "idx",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hits = run.json_lines();
    let found = ids(&hits);
    // The article on the memory market first; never the article itself,
    // nor its near-duplicate, which a note names instead.
    assert_eq!(found.first(), Some(&"marche.txt"), "{found:?}");
    assert!(!found.contains(&"memoire.txt") && !found.contains(&"memoire-reprise.txt"));
    assert!(
        run.stderr
            .contains("note: the same story as memoire.txt, left out: memoire-reprise.txt"),
        "{}",
        run.stderr
    );
    // The hits are search hits, with their shown title and opening.
    assert_eq!(hits[0]["title"], "Le marché de la mémoire reste déprimé");
    assert!(!hits[0]["snippets"].as_array().unwrap().is_empty());

    // The human output says which article, and lists the same story apart.
    let run = f.run(&[
        "search",
        "--like",
        "memoire.txt",
        "--index",
        "idx",
        "--color",
        "never",
    ]);
    assert!(
        run.stdout.starts_with(
            "Articles like Les fabricants de puces mémoire ont vu leurs prix de gros reculer de -80 % en… (memoire.txt)\n\
             The same story, left out: 1\n"
        ),
        "{}",
        run.stdout
    );
    // Filters apply: nothing in English.
    let run = f.run(&[
        "search",
        "--like",
        "memoire.txt",
        "--index",
        "idx",
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    // An unknown id is an error naming it.
    f.run(&["search", "--like", "nope.txt", "--index", "idx"])
        .fatal("--like: no article with id \"nope.txt\"");
    // With a query, it is a usage error.
    let run = f.run(&[
        "search",
        "mémoire",
        "--like",
        "memoire.txt",
        "--index",
        "idx",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
