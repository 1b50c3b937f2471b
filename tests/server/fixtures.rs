//! The articles the daemon tests search: a handful in English, French,
//! German and Spanish, five of which mention "cloud", and one hostile
//! article whose text is markup meant to run in a browser.

use crate::common::{Fixture, Server};

/// The hostile article's id; the query `zebra` finds it (and only it).
pub const HOSTILE_ID: &str = "hostile-1";
/// Markup in the hostile article that must never reach a page unescaped.
pub const HOSTILE_SCRIPT: &str = "<script>window.__pwned=1</script>";
pub const HOSTILE_IMG: &str = r#"<img src=x onerror="window.__pwned=1">"#;

/// Number of articles matching `cloud`.
pub const CLOUD_TOTAL: u64 = 5;
/// Number of articles in the fixture.
pub const ARTICLES: u64 = 10;
/// Id of the first of two articles without an id of their own: a path
/// with `#N`, which must be percent-encoded in URLs.
pub const HASH_ID: &str = "notes.jsonl#1";

/// A fixture with the articles in `docs/`, indexed into `idx/`.
pub fn indexed() -> Fixture {
    let fx = Fixture::new();
    write_docs(&fx, "docs");
    fx.index().ok();
    fx
}

/// An indexed fixture and `veille serve --index idx` started on it (the
/// fixture must live as long as the server).
pub fn served() -> (Fixture, Server) {
    let fx = indexed();
    let server = fx.serve(&["--index", "idx"]);
    (fx, server)
}

/// Writes the articles into `dir/`.
pub fn write_docs(fx: &Fixture, dir: &str) {
    fx.write(
        &format!("{dir}/en-rust-kernel.md"),
        r#"---
title: "Rust drivers land in the Linux kernel"
date: 2025-03-10
url: https://techwire.example/2025/03/rust-kernel
source: TechWire Daily
lang: en
tags: [rust, linux]
---

Kernel maintainers merged the first Rust drivers into the mainline Linux kernel this week.
Supporters say memory safety will remove whole classes of bugs from device drivers, while
sceptics worry about the burden of maintaining two languages in one of the largest code bases.
"#,
    );
    fx.write(
        &format!("{dir}/en-cloud-outage.md"),
        r#"---
title: "Frankfurt cloud outage disrupts banks and retailers"
date: 2025-03-17
url: https://cloudpulse.example/incidents/frankfurt
source: Cloud Pulse
lang: en
---

A major cloud provider suffered a five-hour outage in its Frankfurt region on Monday morning.
Banks and retailers that run their payment systems in a single region saw transactions fail,
and regulators renewed their warnings about concentration risk in cloud computing.
"#,
    );
    fx.write(
        &format!("{dir}/fr-cloud-souverain.md"),
        r#"---
title: "Cloud souverain : l’État pousse les ministères vers des offres qualifiées"
date: 2025-04-02
url: https://echotech.example/2025/04/cloud-souverain
source: L’Écho Tech
lang: fr
---

Une circulaire publiée ce mardi demande aux ministères de migrer leurs données sensibles vers un
cloud souverain qualifié. Les administrations disposent de dix-huit mois pour se conformer à la
doctrine « cloud au centre », qui privilégie les hébergeurs européens.
"#,
    );
    fx.write(
        &format!("{dir}/fr-recrutement.txt"),
        "Les startups françaises peinent à recruter\n\n\
         Le recrutement d’ingénieurs en intelligence artificielle prend désormais plus de six mois. \
         Les jeunes entreprises du cloud et de la donnée se disputent les mêmes profils, et les salaires \
         proposés par les grands groupes découragent les candidats de rejoindre une startup.\n",
    );
    fx.write(
        &format!("{dir}/news.jsonl"),
        concat!(
            r#"{"id":"nw-de-1","title":"Cloud-Anbieter erhöhen die Preise für Speicher","body":"Mehrere große Cloud-Anbieter haben angekündigt, die Preise für Speicher und Datenübertragung im Sommer zu erhöhen. Mittelständische Unternehmen prüfen nun, ob sie Teile ihrer Daten wieder im eigenen Rechenzentrum speichern.","date":"2025-04-20","source":"Netzwelt Heute","lang":"de","url":"https://netzwelt.example/cloud-preise"}"#,
            "\n",
            r#"{"id":"nw-es-1","title":"Los bancos refuerzan su ciberseguridad","body":"Los principales bancos españoles han aumentado su inversión en ciberseguridad tras una serie de ataques de ransomware contra entidades financieras europeas durante el último año.","date":"2024-12-05","source":"Diario Digital","lang":"es","url":"https://diario.example/bancos"}"#,
            "\n",
            r#"{"id":"nw-en-2","title":"Quantum error correction passes a milestone","body":"Researchers showed a logical qubit that outlives its physical qubits for the first time. The machine will be available to customers through the cloud next year, the company said.","date":"2025-05-12","source":"TechWire Daily","lang":"en","url":"https://techwire.example/2025/05/quantum"}"#,
            "\n",
        ),
    );
    fx.write(
        &format!("{dir}/notes.jsonl"),
        concat!(
            r#"{"title":"Oboe reeds get a synthetic rival","body":"A workshop in Cremona sells synthetic oboe reeds that last ten times longer than cane ones.","date":"2024-01-15","lang":"en"}"#,
            "\n",
            r#"{"title":"Oboe players test the new reeds","body":"Orchestra oboe players report that the synthetic reeds sound brighter but need less care.","date":"2024-01-20","lang":"en"}"#,
            "\n",
        ),
    );
    let hostile = serde_json::json!({
        "id": HOSTILE_ID,
        "title": format!("Zebra exploit {HOSTILE_SCRIPT} spreads"),
        "body": format!(
            "Researchers found zebra malware in a browser extension. {HOSTILE_IMG} \
             The zebra payload {HOSTILE_SCRIPT} ran on every page the victims opened, \
             and the zebra campaign reached thousands of users before it was stopped."
        ),
        "url": "javascript:window.__pwned=1",
        "source": "Evil <b>Wire</b>",
        "date": "2025-05-05",
        "lang": "en",
        "tags": ["<i>tag</i>"]
    });
    fx.write(&format!("{dir}/hostile.json"), hostile.to_string());
}
