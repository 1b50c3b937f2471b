//! Every input format, end to end: written as files, indexed by the binary,
//! found by search with the metadata each format carries.

use crate::common::Fixture;
use crate::util::highlighted;

const TXT_TITLED: &str = "Les puces photoniques arrivent\n\nUne jeune pousse lyonnaise affirme avoir gravé des puces photoniques capables de transporter la lumière entre les cœurs d’un processeur.\n\nSelon l’équipe, la consommation baisse de moitié.\n";
const TXT_UNTITLED: &str = "Le régulateur des télécoms a publié mardi un rapport sévère sur la couverture des zones blanches, où les opérateurs tardent à installer leurs antennes.\nLes élus locaux réclament des sanctions.\n";

fn every_format() -> Fixture {
    let f = Fixture::new();
    f.write("docs/a/titled.txt", TXT_TITLED);
    f.write("docs/a/untitled.txt", TXT_UNTITLED);
    f.write(
        "docs/b/yaml.md",
        "---\ntitle: Kernel maintainers adopt a new review bot\ndate: 2025-02-14\nurl: https://kernelnews.example/review-bot\nsource: Kernel News\nlang: en\ntags: [linux, tooling]\n---\n\nThe **review bot** now comments on every patch series sent to the mailing list, and [maintainers](https://kernelnews.example) say it catches trivial mistakes early.\n",
    );
    f.write(
        "docs/b/toml.md",
        "+++\ntitle = \"Stockage à froid : les bandes magnétiques reviennent\"\ndate = \"2025-03-01\"\nurl = \"https://stockage.example/bandes\"\nsource = \"Stockage Hebdo\"\n+++\n\nLes hébergeurs redécouvrent les bandes magnétiques pour archiver des données rarement consultées, car leur coût au téraoctet reste imbattable.\n",
    );
    f.write(
        "docs/b/heading.md",
        "# Satellites: a constellation for farmers\n\nA small operator launched twelve satellites that photograph fields every morning, so that growers can spot irrigation leaks before crops suffer.\n",
    );
    f.write(
        "docs/c/page.html",
        r#"<!doctype html><html lang="en"><head><title>Fallback title | Site</title>
<meta property="og:title" content="Drone couriers cleared for night flights">
<meta property="og:site_name" content="Aero Daily">
<meta property="article:published_time" content="2025-04-02T08:15:00Z">
<link rel="canonical" href="https://aerodaily.example/drones-night">
<script>var tracking = "zzscriptzz";</script><style>.x{color:red}</style></head>
<body><nav>Home News zznavzz</nav><header>Subscribe now</header>
<article><h1>Drone couriers cleared for night flights</h1>
<p>Aviation authorities allowed parcel drones to fly after dark over three rural counties, a first for the industry.</p>
<p>Operators must fit anti-collision lights and keep a pilot on call.</p></article>
<aside>Related: zzasidezz</aside><footer>All rights reserved zzfooterzz</footer></body></html>"#,
    );
    f.write(
        "docs/d/list.json",
        r#"[{"id": "arr-1", "headline": "Undersea cable repaired off the coast", "text": "Engineers spliced the damaged undersea cable in four days, restoring bandwidth to the islands.", "url": "https://cables.example/1", "published": "2025-05-06T10:00:00Z", "site": "Cable Watch"},
{"id": "arr-2", "title": "Une usine de batteries ouvre dans le Nord", "content": "La gigafactory emploiera mille deux cents personnes d’ici la fin de l’année.", "date": "2025-05-07", "source": "Industrie Nord", "lang": "fr"}]"#,
    );
    f.write(
        "docs/d/stream.jsonl",
        concat!(
            r#"{"id": "l-1", "title": "Open-source maintainers get paid", "body": "A foundation will pay maintainers of critical libraries a monthly stipend.", "date": "2025-06-01", "tags": ["oss"]}"#,
            "\n\n",
            r#"{"id": 42, "title": "Quantum annealer sold to a bank", "article": "The bank bought the machine to optimise overnight portfolio rebalancing.", "heading": "A first in finance.", "pubDate": "Mon, 02 Jun 2025 09:00:00 +0000"}"#,
            "\n"
        ),
    );
    f.write(
        "docs/e/feed.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Réseaux Mag</title><link>https://reseaux.example</link><language>fr</language>
<item><title>La fibre atteint les villages de montagne</title><link>https://reseaux.example/fibre</link><guid>rss-fibre</guid><pubDate>Tue, 04 Mar 2025 09:30:00 +0100</pubDate>
<description>&lt;p&gt;Les techniciens ont tiré la fibre optique jusqu’aux hameaux les plus isolés grâce à des téléphériques de chantier.&lt;/p&gt;</description></item>
<item><title>Un opérateur teste la téléphonie par satellite</title><link>https://reseaux.example/sat</link><guid>rss-sat</guid><pubDate>Wed, 05 Mar 2025 11:00:00 +0100</pubDate>
<description>Les abonnés pourront envoyer des messages depuis les zones sans antenne, même en pleine forêt.</description></item>
</channel></rss>"#,
    );
    f.write(
        "docs/e/feed.atom",
        r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Chip Ledger</title><id>urn:chip-ledger</id><updated>2025-07-01T00:00:00Z</updated>
<entry><title>Foundry doubles its wafer output</title><link href="https://chipledger.example/wafers"/><id>atom-wafers</id><updated>2025-07-01T12:00:00Z</updated>
<summary>The foundry finished a second cleanroom and now doubles its wafer output for automotive customers.</summary></entry>
</feed>"#,
    );
    f
}

#[test]
fn every_format_is_indexed_with_its_metadata() {
    let f = every_format();
    let run = f.index().ok();
    assert!(run.stdout.contains("10 added"), "{}", run.stdout);
    assert_eq!(f.articles("idx"), 13, "{}", run.stdout);

    // txt with a title line
    let hits = f.search("photoniques", &[]);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["title"], "Les puces photoniques arrivent");
    assert_eq!(hits[0]["lang"], "fr");
    assert!(hits[0]["path"].as_str().unwrap().ends_with("titled.txt"));
    // txt without one: its first words stand for it, the snippet still shows
    let hits = f.search("zones blanches", &[]);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["title_from_text"], true);
    assert!(TXT_UNTITLED.starts_with(hits[0]["title"].as_str().unwrap().trim_end_matches('…')));
    assert!(!hits[0]["snippets"].as_array().unwrap().is_empty());

    // markdown, YAML front matter
    let hits = f.search("review bot", &[]);
    assert_eq!(
        hits[0]["title"],
        "Kernel maintainers adopt a new review bot"
    );
    assert_eq!(hits[0]["url"], "https://kernelnews.example/review-bot");
    assert_eq!(hits[0]["source"], "Kernel News");
    assert_eq!(hits[0]["date"], "2025-02-14T00:00:00Z");
    assert_eq!(hits[0]["lang"], "en");
    // markdown, TOML front matter
    let hits = f.search("bandes magnétiques", &[]);
    assert_eq!(
        hits[0]["title"],
        "Stockage à froid : les bandes magnétiques reviennent"
    );
    assert_eq!(hits[0]["source"], "Stockage Hebdo");
    // markdown, heading as title
    let hits = f.search("irrigation", &[]);
    assert_eq!(hits[0]["title"], "Satellites: a constellation for farmers");

    // HTML: og tags, canonical, main text only
    let hits = f.search("drones", &[]);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["title"], "Drone couriers cleared for night flights");
    assert_eq!(hits[0]["url"], "https://aerodaily.example/drones-night");
    assert_eq!(hits[0]["source"], "Aero Daily");
    assert_eq!(hits[0]["date"], "2025-04-02T08:15:00Z");
    for boilerplate in ["zzscriptzz", "zznavzz", "zzasidezz", "zzfooterzz"] {
        assert!(
            f.search(boilerplate, &[]).is_empty(),
            "{boilerplate} was indexed"
        );
    }

    // JSON array with alternative field names
    let hits = f.search("undersea cable", &[]);
    assert_eq!(hits[0]["id"], "arr-1");
    assert_eq!(hits[0]["source"], "Cable Watch");
    assert_eq!(hits[0]["date"], "2025-05-06T10:00:00Z");
    let hits = f.search("gigafactory", &[]);
    assert_eq!(hits[0]["id"], "arr-2");
    assert_eq!(hits[0]["lang"], "fr");

    // JSONL: numeric id, `article` body, lead, RFC 2822 date
    let hits = f.search("annealer", &[]);
    assert_eq!(hits[0]["id"], "42");
    assert_eq!(hits[0]["date"], "2025-06-02T09:00:00Z");
    assert_eq!(f.hit_ids("stipend"), vec!["l-1"]);

    // RSS: each item an article, feed title as source, HTML stripped
    let hits = f.search("fibre", &[]);
    assert_eq!(
        hits[0]["title"],
        "La fibre atteint les villages de montagne"
    );
    assert_eq!(hits[0]["id"], "rss-fibre");
    assert_eq!(hits[0]["source"], "Réseaux Mag");
    assert_eq!(hits[0]["url"], "https://reseaux.example/fibre");
    assert_eq!(hits[0]["date"], "2025-03-04T08:30:00Z");
    assert!(!hits[0]["snippets"][0]["text"]
        .as_str()
        .unwrap()
        .contains("<p>"));
    assert_eq!(f.hit_ids("satellite téléphonie").len(), 1);

    // Atom
    let hits = f.search("wafer", &[]);
    assert_eq!(hits[0]["id"], "atom-wafers");
    assert_eq!(hits[0]["url"], "https://chipledger.example/wafers");
    assert_eq!(hits[0]["source"], "Chip Ledger");
    assert!(highlighted(&hits[0]).iter().any(|h| h == "wafer"));
}

#[test]
fn ids_are_unique_and_follow_the_source() {
    let f = Fixture::new();
    f.write(
        "docs/one.jsonl",
        "{\"id\": \"same\", \"title\": \"First dataset\", \"body\": \"Alpha release of the compiler.\"}\n{\"title\": \"No id here\", \"body\": \"Beta release of the debugger.\"}\n",
    );
    f.write(
        "docs/two.jsonl",
        "{\"id\": \"same\", \"title\": \"Second dataset\", \"body\": \"Gamma release of the profiler.\"}\n",
    );
    f.index().ok();
    let mut ids: Vec<String> = ["compiler", "debugger", "profiler"]
        .iter()
        .flat_map(|q| f.hit_ids(q))
        .collect();
    assert_eq!(ids[0], "same");
    assert_eq!(ids[1], "one.jsonl#2");
    assert_ne!(ids[2], "same");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3);
}

#[test]
fn hidden_entries_and_other_extensions_are_ignored() {
    let f = Fixture::new();
    f.write(
        "docs/.hidden/secret.txt",
        "Hidden zzhiddenzz words about databases and storage engines.",
    );
    f.write(
        "docs/.dotfile.txt",
        "Another zzdotzz file about databases and storage engines.",
    );
    f.write("docs/notes.docx", "zzdocxzz");
    f.write(
        "docs/visible.txt",
        "Visible words about databases and storage engines.",
    );
    f.index().ok();
    assert_eq!(f.articles("idx"), 1);
    assert!(f.search("zzhiddenzz", &[]).is_empty());
    assert!(f.search("zzdotzz", &[]).is_empty());
}
