//! A hostile corpus, generated here and never committed: binary files under
//! text extensions, empty files, broken encodings, a JSON Lines file with
//! broken lines scattered through it, nesting a hundred thousand deep, an
//! entity flood, XML external entities, file names that are not text,
//! symbolic link loops and an unreadable folder. `veille index` must exit 0,
//! report each problem with its file (and line), index everything else,
//! never panic, and stay within a memory bound.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{note, write, Fixture};
use crate::util::{article_text, is_root, os_path, run_measured, Rng};

/// Lines of the JSON Lines file, and every how many lines one is broken.
const JSONL_LINES: usize = 10_000;
const BROKEN_EVERY: usize = 97;
/// Nesting depth of the deep JSON and HTML files.
const DEEP: usize = 100_000;
/// What the external-entity payloads point at; must never be indexed.
const SECRET: &str = "XXESECRETTOKEN4242";
/// Repeats of the entity flood's unit in the default suite: about 750 KB
/// (html5ever is slow in a debug build); the long version makes it 5 MB,
/// which expands past the per-article cap.
const ENTITY_REPEATS: usize = 15_000;
const ENTITY_REPEATS_LONG: usize = 100_000;
/// The most text kept per article (`veille::ingest::MAX_ARTICLE_TEXT_BYTES`).
const MAX_TEXT: usize = veille::ingest::MAX_ARTICLE_TEXT_BYTES;

/// The broken lines of the JSON Lines file, by line number, each a
/// different way of being broken.
fn broken_line(n: usize, kind: usize) -> String {
    match kind % 8 {
        0 => format!("{{\"id\": \"bad-{n}\", \"title\": \"cut"),
        1 => "[1, 2, 3]".to_string(),
        2 => "\"just a string\"".to_string(),
        3 => "{}".to_string(),
        4 => "{\"title\": }".to_string(),
        5 => format!("{}1{}", "[".repeat(DEEP / 10), "]".repeat(DEEP / 10)),
        6 => "{\"body\": \"unterminated \\u12\"}".to_string(),
        _ => "<html>not json</html>".to_string(),
    }
}

/// Writes the JSON Lines file; returns the good lines' ids and the broken
/// lines' numbers.
fn write_jsonl(path: &Path) -> (Vec<String>, Vec<usize>) {
    let mut rng = Rng::new(7);
    let mut text = String::new();
    let mut good = Vec::new();
    let mut broken = Vec::new();
    for n in 1..=JSONL_LINES {
        if n.is_multiple_of(BROKEN_EVERY) {
            text.push_str(&broken_line(n, broken.len()));
            broken.push(n);
        } else {
            let id = format!("good-{n}");
            // The language is declared, as dumps often do: detecting it
            // would cost most of this test's time in a debug build.
            let line = serde_json::json!({
                "id": id,
                "title": format!("Dépêche numéro {n}"),
                "body": article_text(&mut rng, n),
                "lang": if n.is_multiple_of(2) { "fr" } else { "en" },
            });
            text.push_str(&line.to_string());
            good.push(id);
        }
        text.push('\n');
    }
    write(path, text);
    (good, broken)
}

/// Pseudo-random bytes behind a magic number: a binary file.
fn binary(magic: &[u8], len: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut bytes = magic.to_vec();
    while bytes.len() < len {
        bytes.extend_from_slice(&rng.next().to_le_bytes());
    }
    bytes
}

/// A page of entities: HTML has no entities of its own to define, so no
/// billion laughs, but `&nGt;` (5 bytes) is the named entity that grows
/// most (to `≫⃒`, 6 bytes): the text is at most 6/5 of the page.
fn entity_flood(repeats: usize) -> String {
    format!(
        "<html><head><title>Entités</title></head><body><p>{}</p></body></html>",
        "&nGt;&nGt;&nGt;&nGt;&nGt;&nGt;&nGt;&nGt;&nGt;&nGt; &amp;&#128512;&#x1F600; "
            .repeat(repeats)
    )
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let b = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        bytes.extend_from_slice(&b);
    }
    bytes
}

/// Writes the whole hostile corpus under `docs/`, the secret beside it.
/// Returns the JSON Lines file's good ids and broken line numbers.
fn write_hostile(fx: &Fixture) -> (Vec<String>, Vec<usize>) {
    let docs = fx.path("docs");
    let secret = fx.path("secret.txt");
    write(&secret, format!("{SECRET}\n"));
    let secret_url = format!("file://{}", secret.display());

    // Ordinary articles, which must all be indexed.
    for n in 1..=5 {
        fx.write(
            &format!("docs/ok/good-{n}.txt"),
            format!(
                "Article ordinaire {n}\n\nUn texte lisible avec le mot sentinelle{n} dedans.\n"
            ),
        );
    }

    // Binary files under text extensions.
    let magics: [(&str, &[u8], usize); 4] = [
        ("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 64),
        ("program.html", b"\x7fELF\x02\x01\x01\0", 32),
        ("archive.json", b"PK\x03\x04\x14\0", 16),
        ("feed.xml", b"\x1f\x8b\x08\0", 16),
    ];
    for (seed, (name, magic, kib)) in (1..).zip(magics) {
        fx.write(
            &format!("docs/binary/{name}"),
            binary(magic, kib * 1024, seed),
        );
    }
    fx.write(
        "docs/binary/controls.md",
        "\x01\x02\x03\x04\x05\x06".repeat(500),
    );

    // Empty files, one per format.
    for ext in ["txt", "md", "html", "json", "jsonl", "xml"] {
        fx.write(&format!("docs/empty/zero.{ext}"), "");
    }

    // Encodings.
    fx.write(
        "docs/enc/latin1.txt",
        b"Caf\xe9 cr\xe8me\n\nPremi\xe8re ligne.\nLe caf\xe9 torr\xe9fi\xe9 localement.\n",
    );
    fx.write(
        "docs/enc/truncated-utf8.md",
        b"# Coupure\n\nUn texte tronqu\xc3\xa9 au milieu d'un caract\xc3",
    );
    fx.write(
        "docs/enc/utf16le.txt",
        utf16(
            "Titre en UTF-16\r\n\r\nLe mot utfseizele est ici.\r\n",
            false,
        ),
    );
    fx.write(
        "docs/enc/utf16be.json",
        utf16(
            r#"{"id": "u16be", "title": "Grand-boutiste", "body": "Le mot utfseizebe."}"#,
            true,
        ),
    );
    let mut odd = utf16("Impair utfimpair texte", false);
    odd.push(0x41);
    fx.write("docs/enc/utf16-odd.txt", odd);
    fx.write("docs/enc/nul-head.txt", "Un NUL au début\0 du fichier.\n");
    let mut deep_nul = "Texte avant le NUL, assez long pour sortir de l'échantillon. "
        .repeat(200)
        .into_bytes();
    deep_nul.extend_from_slice(b"\0apresnul fin du texte.\n");
    fx.write("docs/enc/nul-deep.txt", deep_nul);

    // JSON Lines with broken lines scattered through it; JSON nested deep.
    let (good, broken) = write_jsonl(&docs.join("jsonl/broken.jsonl"));
    fx.write(
        "docs/json/deep-array.json",
        format!("{}{}", "[".repeat(DEEP), "]".repeat(DEEP)),
    );
    fx.write(
        "docs/json/deep-object.json",
        format!("{}1{}", "{\"a\":".repeat(DEEP), "}".repeat(DEEP)),
    );

    // HTML: deep, never closed, and a flood of entities.
    fx.write(
        "docs/html/deep.html",
        format!(
            "<html><body>{}<p>abyssal profond</p>{}</body></html>",
            "<div>".repeat(DEEP),
            "</div>".repeat(DEEP)
        ),
    );
    fx.write(
        "docs/html/unclosed.html",
        format!(
            "<html><body>{}jamaisferme",
            "<div><span><b><i><table><tr><td><ul><li><p>mot ".repeat(DEEP / 10)
        ),
    );
    fx.write("docs/html/entities.html", entity_flood(ENTITY_REPEATS));

    // XML external entities, and the billion laughs of XML's own entities.
    fx.write(
        "docs/feed/xxe.rss",
        format!(
            r#"<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret_url}">]>
<rss version="2.0"><channel><title>Flux piégé</title>
<item><title>Piège &xxe;</title><description>Le fichier dit : &xxe;</description><guid>xxe-1</guid></item>
<item><title>Article sain</title><description>Un item sain du flux exterieurxxe.</description><guid>xxe-2</guid></item>
</channel></rss>
"#
        ),
    );
    fx.write(
        "docs/feed/xxe-param.xml",
        format!(
            r#"<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY % ext SYSTEM "{secret_url}"> %ext;]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom piégé</title>
<entry><title>Entrée paramatom</title><id>xxe-3</id><summary>Rien à voir.</summary></entry>
</feed>
"#
        ),
    );
    let mut laughs =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n");
    for k in 1..=9 {
        let prev = if k == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", k - 1)
        };
        laughs.push_str(&format!(
            "<!ENTITY lol{k} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    laughs.push_str(
        "]>\n<rss version=\"2.0\"><channel><title>Rires</title><item><title>Rire &lol9;</title>\
         <description>milliard &lol9;</description><guid>laughs-1</guid></item></channel></rss>\n",
    );
    fx.write("docs/feed/laughs.xml", laughs);

    // File names that are not ordinary text.
    write(
        &docs.join("names/retour\nligne.txt"),
        "Nom avec saut\n\nLe mot retourligne est dans ce fichier.\n",
    );
    write(
        &os_path(&docs.join("names"), b"caf\xe9-\xff\xfe.txt"),
        "Nom en octets\n\nLe mot octetbrut est dans ce fichier.\n",
    );

    // Symbolic links: a folder loop, a file pointing at itself, a dangling one.
    std::fs::create_dir_all(docs.join("links")).unwrap();
    std::os::unix::fs::symlink(docs.join("links"), docs.join("links/loop")).unwrap();
    std::os::unix::fs::symlink(docs.join("links/self.txt"), docs.join("links/self.txt")).unwrap();
    std::os::unix::fs::symlink(
        docs.join("links/nowhere.txt"),
        docs.join("links/dangling.txt"),
    )
    .unwrap();

    // A folder without read permission.
    fx.write("docs/locked/hidden.txt", "Le mot verrouille est ici.\n");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(docs.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    (good, broken)
}

/// Ids of the hits of `query` in `idx`.
fn search_ids(fx: &Fixture, query: &str) -> Vec<String> {
    let run = fx.run(&["search", query, "--index", "idx", "--json", "--all"]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    run.no_panic();
    run.json_lines()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect()
}

/// The report lines about one file.
fn lines_about<'a>(out: &'a str, file: &str) -> Vec<&'a str> {
    out.lines().filter(|l| l.contains(file)).collect()
}

#[test]
fn hostile_corpus_is_reported_and_everything_else_indexed() {
    let fx = Fixture::new();
    let (good, broken) = write_hostile(&fx);
    let started = Instant::now();
    let (run, rss_kib) = run_measured(fx.cmd(&["index", "docs", "--index", "idx", "--quiet"]));
    let took = started.elapsed();
    // Restore the permissions first, so that the temporary folder can go.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        fx.path("docs/locked"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    eprintln!(
        "hostile corpus: indexed in {:.1} s, peak RSS {} MiB",
        took.as_secs_f64(),
        rss_kib / 1024
    );
    run.no_panic();
    let run = run.ok();
    let out = &run.stdout;

    // Binary and empty files are skipped, each named.
    for f in [
        "image.txt",
        "program.html",
        "archive.json",
        "feed.xml",
        "controls.md",
    ] {
        run.reported(&format!("binary/{f}"), "binary file");
    }
    for ext in ["txt", "md", "html", "json", "jsonl", "xml"] {
        run.reported(&format!("empty/zero.{ext}"), "empty file");
    }
    // Encodings: decoded with a warning giving the line, or skipped.
    run.reported("enc/latin1.txt", "line 1: not valid UTF-8");
    run.reported("enc/truncated-utf8.md", "not valid UTF-8");
    run.reported("enc/utf16-odd.txt", "UTF-16");
    run.reported("enc/nul-head.txt", "binary file");
    assert_eq!(search_ids(&fx, "cafe"), vec!["enc/latin1.txt"]);
    assert_eq!(search_ids(&fx, "utfseizele"), vec!["enc/utf16le.txt"]);
    assert_eq!(search_ids(&fx, "utfseizebe"), vec!["u16be"]);
    assert_eq!(search_ids(&fx, "utfimpair"), vec!["enc/utf16-odd.txt"]);
    assert_eq!(search_ids(&fx, "coupure"), vec!["enc/truncated-utf8.md"]);
    // A NUL beyond the sniffed start is kept as a character: still text.
    assert_eq!(search_ids(&fx, "apresnul"), vec!["enc/nul-deep.txt"]);

    // Every broken JSON Lines line is reported with its number...
    for n in &broken {
        let needle = format!("jsonl/broken.jsonl: line {n}:");
        assert!(out.contains(&needle), "{needle} missing in:\n{out}");
    }
    // ...and every good line is indexed.
    let ids = fx.article_ids("idx");
    let indexed_good = ids.iter().filter(|id| id.starts_with("good-")).count();
    assert_eq!(indexed_good, good.len(), "good JSONL lines indexed");
    assert!(good.iter().all(|id| ids.contains(id)));
    eprintln!(
        "jsonl: {} good lines indexed, {} broken lines reported",
        good.len(),
        broken.len()
    );

    // Deep JSON is a parse error at line 1, not a stack overflow.
    run.reported("json/deep-array.json", "parse error at line 1");
    run.reported("json/deep-object.json", "parse error at line 1");
    // Deep and unclosed HTML are read; an entity flood is cut.
    assert_eq!(search_ids(&fx, "abyssal"), vec!["html/deep.html"]);
    assert_eq!(search_ids(&fx, "jamaisferme"), vec!["html/unclosed.html"]);
    let articles = fx.export("idx");
    for a in &articles {
        let len = a["body"].as_str().unwrap_or("").len();
        assert!(len <= MAX_TEXT, "{}: body of {len} bytes", a["id"]);
    }
    let flood = articles
        .iter()
        .find(|a| a["id"] == "html/entities.html")
        .expect("the entity flood is indexed");
    let page = entity_flood(ENTITY_REPEATS).len();
    let text = flood["body"].as_str().unwrap().len();
    assert!(
        text * 5 <= page * 6,
        "{page} bytes of entities gave {text} bytes"
    );

    // External entities are never resolved: the secret is nowhere.
    let dump = serde_json::to_string(&articles).unwrap();
    assert!(!dump.contains(SECRET), "the XXE payload was resolved");
    assert!(search_ids(&fx, SECRET).is_empty());
    for line in lines_about(out, "docs/feed/") {
        eprintln!("feeds: {line}");
    }
    let rss = lines_about(out, "feed/xxe.rss");
    if rss.iter().any(|l| l.starts_with("skipped")) {
        eprintln!("xxe.rss: {rss:?}");
    } else {
        assert_eq!(search_ids(&fx, "exterieurxxe"), vec!["xxe-2"]);
    }
    // The billion laughs never expand: the entity stays as written.
    assert!(
        !dump.contains(&"lol".repeat(1000)),
        "XML entities were expanded"
    );
    if let Some(laughs) = articles.iter().find(|a| a["id"] == "laughs-1") {
        assert!(laughs.to_string().len() < 1000, "{laughs}");
    }

    // Odd file names are indexed under their (lossy) names.
    assert_eq!(search_ids(&fx, "retourligne").len(), 1);
    let octet = search_ids(&fx, "octetbrut");
    assert_eq!(octet.len(), 1);
    assert!(octet[0].starts_with("names/caf"), "{octet:?}");

    // Symbolic link loops are reported and the walk goes on.
    run.reported("links/loop", "loop");
    assert!(lines_about(out, "links/self.txt")
        .iter()
        .any(|l| l.starts_with("warning")));
    run.reported("links/dangling.txt", "");
    // The locked folder is reported, unless root reads it anyway.
    if is_root() {
        note(
            "running as root, which reads a folder without permissions: \
             the unreadable-folder case cannot fail here and is not asserted",
        );
    } else {
        run.reported("docs/locked", "ermission denied");
        assert!(search_ids(&fx, "verrouille").is_empty());
    }
    // The ordinary articles are all there.
    for n in 1..=5 {
        assert_eq!(
            search_ids(&fx, &format!("sentinelle{n}")),
            vec![format!("ok/good-{n}.txt")]
        );
    }

    // A second run finds nothing new and reports the same problems again.
    let again = fx.run(&["index", "docs", "--index", "idx", "--quiet"]);
    again.no_panic();
    let again = again.ok();
    assert!(
        again.stdout.contains(" 0 added, 0 updated, 0 removed"),
        "{}",
        again.stdout
    );
    assert!(
        again.stdout.contains("articles: 0 added, 0 removed"),
        "{}",
        again.stdout
    );

    // Bounded: the writer may fill its 200 MB budget before it flushes;
    // the files read at once total about 6 MB, of which the HTML (2.3 MB)
    // takes up to 20 times its size as a parsed DOM (under 50 MB); the
    // program itself about 40 MB. 300 MiB bounds the sum (measured: about
    // 115 MiB).
    assert!(
        rss_kib < 300 * 1024,
        "peak RSS {} MiB over the 300 MiB bound",
        rss_kib / 1024
    );
    assert!(took < Duration::from_secs(120), "took {took:?}");
}

/// A 200 MB text file: skipped as too large under the default 50 MB limit
/// (without being read), and, let in with `--max-file-size 300`, indexed
/// with its text cut, within a memory bound.
#[test]
fn a_200_mb_text_file_is_skipped_or_cut_within_bounds() {
    let fx = Fixture::new();
    let size = write_big_text(&fx.path("big/huge.txt"), 200 * 1024 * 1024);
    fx.write(
        "big/small.txt",
        "Petit voisin\n\nUn petit fichier à côté du gros, mot voisinage.\n",
    );

    let (run, rss_default) = run_measured(fx.cmd(&["index", "big", "--index", "idx", "--quiet"]));
    run.no_panic();
    let run = run.ok();
    run.reported("big/huge.txt", &format!("too large ({size} bytes"));
    assert_eq!(fx.articles("idx"), 1);

    let (run, rss_let_in) = run_measured(fx.cmd(&[
        "index",
        "big",
        "--index",
        "idx2",
        "--quiet",
        "--max-file-size",
        "300",
    ]));
    run.no_panic();
    let run = run.ok();
    run.reported("big/huge.txt", "text cut at");
    assert_eq!(fx.articles("idx2"), 2);
    let articles = fx.export("idx2");
    let huge = articles
        .iter()
        .find(|a| a["id"] == "huge.txt")
        .expect("huge.txt indexed");
    assert!(huge["body"].as_str().unwrap().len() <= MAX_TEXT);
    eprintln!(
        "200 MB text file: peak RSS {} MiB when skipped, {} MiB when let in",
        rss_default / 1024,
        rss_let_in / 1024
    );
    // Skipped, it is never read: the run stays small.
    assert!(rss_default < 200 * 1024, "{} MiB", rss_default / 1024);
    // Let in, a file is held at most three times over while it is parsed
    // (its bytes, the decoded text, the parsed body, which is then cut to
    // 4 MiB), beside the writer's 200 MB budget: 3 × 200 + 200 = 800 MiB,
    // plus 100 MiB for the program. (Before the cut, it took 4 GiB.)
    assert!(
        rss_let_in < 900 * 1024,
        "peak RSS {} MiB over the 900 MiB bound",
        rss_let_in / 1024
    );
}

/// Writes about `bytes` of French-looking text, paragraphs of lines.
fn write_big_text(path: &Path, bytes: usize) -> u64 {
    use std::io::Write;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut rng = Rng::new(99);
    let mut block = String::new();
    for n in 0..2000 {
        block.push_str(&article_text(&mut rng, n));
        block.push_str(if n % 5 == 4 { "\n\n" } else { "\n" });
    }
    out.write_all(b"Un fichier immense\n\n").unwrap();
    let mut written = 0;
    while written < bytes {
        out.write_all(block.as_bytes()).unwrap();
        written += block.len();
    }
    out.flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

/// The long version of the entity flood: its text would pass the
/// per-article cap, so it is cut there, with a warning.
#[test]
#[ignore = "long: run by scripts/reliability.sh"]
fn an_entity_flood_is_cut_at_the_cap() {
    let fx = Fixture::new();
    fx.write("docs/entities.html", entity_flood(ENTITY_REPEATS_LONG));
    let (run, rss_kib) = run_measured(fx.cmd(&["index", "docs", "--index", "idx", "--quiet"]));
    run.no_panic();
    let run = run.ok();
    run.reported("entities.html", "text cut at");
    let articles = fx.export("idx");
    assert_eq!(articles.len(), 1);
    let text = articles[0]["body"].as_str().unwrap().len();
    assert!(text <= MAX_TEXT && text > MAX_TEXT - 16, "{text} bytes");
    eprintln!("entity flood of 5 MB: peak RSS {} MiB", rss_kib / 1024);
}

/// A folder of many big JSON Lines dumps: files are read in batches
/// bounded in bytes as well as in number, so that the files held parsed at
/// once no longer grow with the folder (a batch was 256 files, whatever
/// their size: 256 dumps of 40 MB would have been held whole).
#[test]
#[ignore = "long: run by scripts/reliability.sh"]
fn a_folder_of_big_dumps_stays_within_bounds() {
    use std::io::Write;
    let fx = Fixture::new();
    let mut rng = Rng::new(5);
    let mut n = 0;
    let files = 32;
    for f in 0..files {
        let path = fx.path(&format!("dumps/part-{f:02}.jsonl"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        // About 16 MB each: 512 MB in all.
        while out.get_ref().metadata().unwrap().len() < 16 * 1024 * 1024 {
            for _ in 0..200 {
                let line = serde_json::json!({
                    "id": format!("dump-{n}"),
                    "title": format!("Dépêche {n}"),
                    // About 4 KB of text: long articles, so that the
                    // per-article bookkeeping stays small beside the text.
                    "body": article_text(&mut rng, n).repeat(20),
                    "lang": if n.is_multiple_of(2) { "fr" } else { "en" },
                });
                writeln!(out, "{line}").unwrap();
                n += 1;
            }
            out.flush().unwrap();
        }
    }
    let started = Instant::now();
    let (run, rss_kib) = run_measured(fx.cmd(&["index", "dumps", "--index", "idx", "--quiet"]));
    run.no_panic();
    run.ok();
    assert_eq!(fx.articles("idx"), n as u64);
    eprintln!(
        "{files} dumps of 16 MB ({n} articles): indexed in {:.1} s, peak RSS {} MiB",
        started.elapsed().as_secs_f64(),
        rss_kib / 1024
    );
    // The writer's 200 MB, one 64 MiB batch held parsed (its text, the
    // articles and what is prepared from them: about 5 times its size),
    // and what grows with the index itself (tantivy's queue of documents,
    // its merges; the file records): measured 1.2 GiB. When all 32 files
    // were one batch, the whole 512 MB was held parsed on top of that
    // (measured on the same kind of folder: 1.16 GiB against 0.8 GiB).
    assert!(
        rss_kib < 1536 * 1024,
        "peak RSS {} MiB over the 1.5 GiB bound",
        rss_kib / 1024
    );
}
