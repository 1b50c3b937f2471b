//! Bad input: reported with the file (and line), never fatal to the rest.

use crate::common::Fixture;

#[test]
fn bad_files_are_reported_and_the_rest_indexed() {
    let f = Fixture::new();
    f.write(
        "docs/good.txt",
        "Bon fichier\n\nUn article parfaitement lisible sur les microprocesseurs.\n",
    );
    f.write(
        "docs/binary.txt",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00binary\x00\x00\x01\x02",
    );
    f.write("docs/empty.md", "");
    f.write("docs/latin1.txt", b"Caf\xe9 connect\xe9\n\nLe caf\xe9 du quartier propose d\xe9sormais le paiement sans contact et un r\xe9seau Wi-Fi gratuit.\n");
    f.write(
        "docs/lines.jsonl",
        "{\"id\": \"j1\", \"title\": \"Premier\", \"body\": \"Les accumulateurs au sodium progressent.\"}\n{\"id\": \"j2\", \"title\": \"Deuxième\", \"body\": \"Les onduleurs solaires deviennent intelligents.\"}\n{\"id\": \"j3\", \"title\": broken\n{\"id\": \"j4\", \"title\": \"Quatrième\", \"body\": \"Les éoliennes flottantes passent à l'échelle.\"}\n",
    );
    f.write(
        "docs/broken.json",
        "{\"id\": \"x\", \"title\": \"oops\",\n \"body\": }\n",
    );
    f.write(
        "docs/notafeed.xml",
        "<?xml version=\"1.0\"?><catalog><book>Nothing to see</book></catalog>",
    );
    let run = f.index().ok();
    for (file, what) in [
        ("binary.txt", "binary"),
        ("empty.md", "empty"),
        ("latin1.txt", "UTF-8"),
        ("lines.jsonl", "line 3"),
        ("broken.json", "line 2"),
        ("notafeed.xml", ""),
    ] {
        run.reported(file, what);
    }
    let out = &run.stdout;
    // good.txt, latin1.txt, j1, j2, j4
    assert_eq!(f.articles("idx"), 5, "{out}");
    assert_eq!(f.hit_ids("éoliennes"), vec!["j4"]);
    // The Windows-1252 fallback decoded the accents.
    let hits = f.search("café", &[]);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["title"], "Café connecté");
}

#[test]
fn oversized_files_are_skipped_with_the_limit() {
    let f = Fixture::new();
    f.write(
        "docs/small.txt",
        "Un petit article sur les réseaux maillés domestiques.\n",
    );
    let big = "mot ".repeat(400_000); // 1.6 MB
    f.write("docs/big.txt", big);
    let run = f
        .run(&["index", "docs", "--index", "idx", "--max-file-size", "1"])
        .ok();
    run.reported("big.txt", "too large");
    assert_eq!(f.articles("idx"), 1);
}

#[test]
fn fatal_errors_exit_2_with_one_line() {
    let f = Fixture::new();
    let run = f
        .run(&["index", "missing-dir", "--index", "idx"])
        .fatal("missing-dir");
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);

    // An --index that is someone's folder of documents is never overwritten.
    f.write(
        "docs/a.txt",
        "Un article sur les claviers mécaniques et leurs interrupteurs.\n",
    );
    f.write("precious/thesis.txt", "do not delete");
    f.run(&["index", "docs", "--index", "precious"])
        .fatal("precious");
    assert!(f.path("precious/thesis.txt").exists());

    // Search on a missing index says how to make one.
    f.run(&["search", "x", "--index", "nowhere"])
        .fatal("veille index");

    // Bad parameters name the parameter.
    f.run(&["search", "x", "--index", "nowhere", "--since", "someday"])
        .fatal("--since");
    f.run(&[
        "index",
        "docs",
        "--index",
        "idx",
        "--default-lang",
        "klingon",
    ])
    .fatal("--default-lang");
}
