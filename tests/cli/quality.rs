//! Search quality on fixtures of our own: tech names keep their identity,
//! mixed-language articles, Chinese and Japanese, fuzzy and prefix queries,
//! "did you mean", and the ranking boosts.

use crate::common::Fixture;
use crate::util::{highlighted, one_hit_marking};

/// Writes a Markdown article with an id, a language and a body.
fn article(f: &Fixture, id: &str, lang: &str, title: &str, body: &str) {
    f.write(
        &format!("docs/{id}.md"),
        format!("---\nid: {id}\ntitle: \"{title}\"\nlang: {lang}\n---\n\n{body}\n"),
    );
}

fn tech() -> Fixture {
    let f = Fixture::new();
    let filler = "Analysts expect the market to keep growing next year, and several vendors said they would announce new products at the spring trade show.";
    let cases: &[(&str, &str, &str, &str)] = &[
        ("openai", "en", "A new reasoning model", "OpenAI released a new reasoning model on Tuesday, and OpenAI said developers can try it today."),
        ("opensource", "en", "Open source funding", "The open source community wants open standards and open data; an open letter asks governments to fund open projects."),
        ("meta", "en", "Smart glasses", "Meta unveiled smart glasses, and Meta said the display is brighter than last year's."),
        ("mettre", "fr", "Le plan numérique", "Le ministère met en place un plan, il met aussi en avant la formation et veut mettre fin aux zones blanches."),
        ("cpp", "en", "Compilers", "The new compiler release speeds up C++ builds; C++ modules are finally usable."),
        ("clang", "en", "The C language", "The C language committee met in Paris; C remains the language of embedded firmware, and C compilers are everywhere."),
        ("csharp", "en", "Game engines", "The studio rewrote its game engine tools in C# and says C# made the editor easier to extend."),
        ("dotnet", "en", "Runtime release", "Microsoft shipped .NET 9 with a faster garbage collector; .NET developers get better container images."),
        ("net", "en", "Quarterly results", "Net profit rose to 3 billion and net income beat forecasts; the net effect of the cuts was positive for the network business."),
        ("nodejs", "en", "JavaScript runtimes", "Node.js 22 adds a permission model, and Node.js maintainers say the test runner is now stable."),
        ("node", "en", "Cluster failures", "When a node fails the scheduler moves the pods; each node in the cluster reports its health every second, and a JS dashboard shows it."),
        ("gpt4o", "en", "Voice assistants", "The assistant now runs on GPT-4o, and GPT-4o answers in under a second."),
        ("gpt4", "en", "Model comparison", "The lab compared GPT-4 with open models; GPT-4 still wins on reasoning benchmarks."),
        ("wifi7", "fr", "Box internet", "La nouvelle box gère le Wi-Fi 7 et promet, grâce au Wi-Fi 7, des débits multipliés par deux."),
        ("wifi6", "fr", "Routeurs", "Le routeur reste en Wi-Fi 6, mais le fabricant en vend 7 modèles différents cette année."),
        ("g5", "en", "Network rollout", "The operator switched on 5G in forty towns, and 5G now covers half of the population."),
        ("g4", "en", "Old networks", "The operator keeps its 4G network; about 5 G-rated films were streamed per subscriber."),
    ];
    for (id, lang, title, body) in cases {
        article(&f, id, lang, title, &format!("{body} {filler}"));
    }
    f.index().ok();
    f
}

#[test]
fn tech_names_rank_above_their_parts_and_stems() {
    let f = tech();
    // (query, articles with the name, articles with only its parts or
    // stems, the highlights allowed)
    type Case<'a> = (&'a str, &'a [&'a str], &'a [&'a str], &'a [&'a str]);
    let cases: &[Case<'_>] = &[
        ("OpenAI", &["openai"], &["opensource"], &["OpenAI"]),
        ("Meta", &["meta"], &["mettre"], &["Meta"]),
        ("C++", &["cpp"], &["clang", "csharp"], &["C++"]),
        ("C#", &["csharp"], &["clang", "cpp"], &["C#"]),
        (".NET", &["dotnet"], &["net"], &[".NET"]),
        ("Node.js", &["nodejs"], &["node"], &["Node.js"]),
        ("GPT-4o", &["gpt4o"], &["gpt4"], &["GPT-4o"]),
        ("Wi-Fi 7", &["wifi7"], &["wifi6"], &["Wi-Fi 7"]),
        ("5G", &["g5"], &["g4"], &["5G"]),
    ];
    for (query, wanted, unwanted, marks_allowed) in cases {
        let hits = f.search(query, &[]);
        let ids: Vec<&str> = hits.iter().map(|h| h["id"].as_str().unwrap()).collect();
        for w in *wanted {
            assert!(ids.contains(w), "{query}: {w} missing from {ids:?}");
        }
        for u in *unwanted {
            assert!(!ids.contains(u), "{query}: {u} on the first page: {ids:?}");
        }
        // The whole name is highlighted, never a part of it.
        let marks = highlighted(&hits[0]);
        assert!(
            marks.iter().any(|m| m == marks_allowed[0]),
            "{query}: {marks:?}"
        );
        assert!(
            marks.iter().all(|m| marks_allowed.contains(&m.as_str())),
            "{query}: {marks:?}"
        );
    }
    // A lowercase word is an ordinary word: stems still apply.
    assert!(f.hit_ids("mettre").contains(&"mettre".to_string()));
}

#[test]
fn aujourdhui_is_one_word_in_every_spelling() {
    let f = Fixture::new();
    article(&f, "a", "fr", "Actualité", "Les opérateurs annoncent aujourd’hui une baisse des prix de la fibre dans les zones rurales.");
    f.index().ok();
    for q in ["aujourd'hui", "aujourd’hui", "aujourdhui", "Aujourd’hui"] {
        one_hit_marking(&f, q, "aujourd’hui");
    }
}

#[test]
fn an_article_in_two_languages_is_found_by_words_of_either() {
    let f = Fixture::new();
    f.write(
        "docs/mixed.txt",
        "Centres de données : Paris impose la transparence\n\nLe gouvernement a présenté mardi une feuille de route pour les centres de données, avec des aides à la rénovation des réseaux de chaleur et un calendrier précis pour les opérateurs.\n\nThe minister told reporters that the companies building data centres would have to publish their energy consumption every year, starting next spring.\n\nLes opérateurs disposent de six mois pour se conformer aux nouvelles règles, sous peine d’amendes administratives.\n",
    );
    f.index().ok();
    // French words, stemmed the French way
    assert_eq!(f.hit_ids("opérateur").len(), 1);
    // English words, stemmed the English way ("company" → "companies")
    let hits = f.search("company publishing", &[]);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["lang"], "fr");
}

#[test]
fn chinese_and_japanese_are_found_by_two_characters() {
    let f = Fixture::new();
    f.write(
        "docs/cjk.jsonl",
        concat!(
            "{\"id\": \"zh\", \"title\": \"人工智能芯片\", \"body\": \"国内企业发布了新的人工智能芯片，性能提升了一倍，主要用于数据中心。\"}\n",
            "{\"id\": \"ja\", \"title\": \"東京の新しいデータセンター\", \"body\": \"東京で新しいデータセンターが稼働を始め、再生可能エネルギーで運営される。\"}\n",
        ),
    );
    f.index().ok();
    assert_eq!(f.hit_ids("智能"), vec!["zh"]);
    assert_eq!(f.hit_ids("芯片"), vec!["zh"]);
    assert_eq!(f.hit_ids("東京"), vec!["ja"]);
    let hits = f.search("智能", &[]);
    assert!(highlighted(&hits[0]).iter().any(|m| m.contains("智能")));
}

#[test]
fn fuzzy_prefix_and_did_you_mean() {
    let f = Fixture::new();
    article(
        &f,
        "z",
        "en",
        "Social networks",
        "Mark Zuckerberg presented the company's plans for augmented reality and semiconductors.",
    );
    article(
        &f,
        "y",
        "en",
        "Chips",
        "Semiconductor exports grew as factories added capacity for memory chips.",
    );
    f.index().ok();
    // fuzzy: found, and the snippet highlights the real word
    one_hit_marking(&f, "Zukerberg~", "Zuckerberg");
    // prefix
    let hits = f.search("semicond*", &[]);
    assert_eq!(hits.len(), 2);
    for h in &hits {
        assert!(highlighted(h)
            .iter()
            .any(|m| m.to_lowercase().starts_with("semicond")));
    }
    // did you mean
    let run = f.run(&["search", "Zukerberg", "--index", "idx", "--color", "never"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("did you mean: Zuckerberg"),
        "{}",
        run.stdout
    );
}

#[test]
fn title_and_adjacency_boosts() {
    let f = Fixture::new();
    let filler =
        "The report also covers prices, staffing and the regional outlook for the coming quarters.";
    article(
        &f,
        "near",
        "en",
        "Quarterly report",
        &format!("Providers of sovereign cloud services expect demand to grow. {filler}"),
    );
    article(
        &f,
        "far",
        "en",
        "Quarterly report",
        &format!(
            "The cloud market grew while several providers said sovereign buyers wait. {filler}"
        ),
    );
    article(
        &f,
        "title",
        "en",
        "Batteries everywhere",
        &format!("Prices fell again this quarter for most storage products. {filler}"),
    );
    article(
        &f,
        "body",
        "en",
        "Storage market",
        &format!(
            "Prices fell again this quarter for batteries and other storage products. {filler}"
        ),
    );
    f.index().ok();
    assert_eq!(f.hit_ids("sovereign cloud"), vec!["near", "far"]);
    assert_eq!(f.hit_ids("batteries"), vec!["title", "body"]);
}

#[test]
fn near_duplicates_are_grouped_and_templates_are_not() {
    let f = Fixture::new();
    let story = "The regional grid operator said on Monday that a software fault in a substation controller caused the blackout that left forty thousand homes without power for six hours. Engineers restored supply district by district after replacing the faulty module, and the operator promised a full report within two weeks. Consumer groups asked for compensation and for an audit of the control systems used across the network, which were installed more than a decade ago.";
    let edited = story
        .replace("on Monday", "on Monday evening")
        .replace("within two weeks", "within a fortnight")
        + " The minister for energy is expected to visit the control room on Thursday.";
    article(&f, "wire", "en", "Software fault caused blackout", story);
    article(
        &f,
        "repost",
        "en",
        "Blackout blamed on software fault",
        &edited,
    );
    article(
        &f,
        "other",
        "en",
        "Grid operator invests",
        "The grid operator will invest two billion in new substations and cables over five years, it said in its annual report, adding that demand from data centres and heat pumps keeps rising faster than expected across the northern districts and the industrial ports.",
    );
    let day = |n: u32, cases: u32, topic: &str| {
        format!(
            "Daily report for March {n}: {cases} new incidents were recorded by the national cyber agency, {} of them ransomware. {topic} The agency will publish its next daily report tomorrow at noon, with updated figures for every region and sector.",
            cases / 3
        )
    };
    article(&f, "report12", "en", "Daily report: the figures", &day(12, 412, "Hospitals in the east were the main target of the day, with three attacks on patient records and one on a laboratory network."));
    article(&f, "report13", "en", "Daily report: the figures", &day(13, 367, "Town halls were the main target of the day, as a phishing campaign hit municipal mailboxes in the south and the west."));
    f.index().ok();

    let hits = f.search("blackout software fault", &[]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    let similar: Vec<&str> = hits[0]["similar"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(similar.len(), 1);
    assert!(["wire", "repost"].contains(&similar[0]));
    // --all lists both
    assert_eq!(f.search("blackout software fault", &["--all"]).len(), 2);
    // the human output says so
    let run = f
        .run(&["search", "blackout", "--index", "idx", "--color", "never"])
        .ok();
    assert!(run.stdout.contains("1 similar:"), "{}", run.stdout);
    // a different story of the same operator stays apart
    assert_eq!(f.search("grid operator", &[]).len(), 2);
    // Daily reports sharing a template are not merged. A query of three
    // words accepts any word, so the blackout story ("a full report") and
    // the operator's annual report follow; the groups are what matters.
    let groups: Vec<(String, Vec<String>)> = f
        .search("daily report incidents", &[])
        .iter()
        .map(|h| {
            let similar = h["similar"].as_array().unwrap();
            let similar = similar.iter().map(|v| v.as_str().unwrap().to_string());
            (h["id"].as_str().unwrap().to_string(), similar.collect())
        })
        .collect();
    let mut top: Vec<&str> = groups.iter().take(2).map(|(id, _)| id.as_str()).collect();
    top.sort_unstable();
    assert_eq!(top, ["report12", "report13"], "{groups:?}");
    for (id, similar) in &groups[..2] {
        assert!(similar.is_empty(), "{id} merged with {similar:?}");
    }
    // ... while the two copies of the blackout story are still one group.
    let blackout: Vec<_> = groups
        .iter()
        .filter(|(id, _)| id == "wire" || id == "repost")
        .collect();
    assert_eq!(blackout.len(), 1, "{groups:?}");
    assert_eq!(blackout[0].1.len(), 1, "{groups:?}");
}
