//! `veille analyze`: the tokens a chain makes, like Elasticsearch's `_analyze`.

use std::io::Write;
use std::process::Stdio;

use crate::common::{Fixture, Run};

#[test]
fn french_chain_elides_stems_and_folds() {
    let f = Fixture::new();
    let run = f
        .run(&[
            "analyze",
            "--lang",
            "fr",
            "--json",
            "L’intelligence artificielle qu’il précise",
        ])
        .ok();
    let v = run.json();
    assert_eq!(v["lang"], "fr");
    let tokens: Vec<&str> = v["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(tokens, vec!["intelligent", "artificiel", "precis"]);
}

#[test]
fn detection_and_stdin_lines() {
    let f = Fixture::new();
    let mut child = f
        .cmd(&["analyze", "--detect", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("Les opérateurs déploient la fibre dans les campagnes françaises.\nThe operators are rolling out fibre across the countryside.\n".as_bytes())
        .unwrap();
    let run = Run::from(child.wait_with_output().unwrap());
    assert_eq!(run.code, 0);
    let lines = run.json_lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["lang"], "fr");
    assert_eq!(lines[1]["lang"], "en");
    assert!(lines[0]["confidence"].as_f64().unwrap() > 0.5);
    f.run(&["analyze", "--lang", "xx", "text"]).fatal("--lang");
}
