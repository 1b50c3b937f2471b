//! `veille analyze`: the tokens a chain makes, like Elasticsearch's `_analyze`.

use crate::util::Fixture;
use std::io::Write;
use std::process::Stdio;

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
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
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
    let mut child = crate::util::veille()
        .args(["analyze", "--detect", "--json", "-"])
        .current_dir(f.root())
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
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["lang"], "fr");
    assert_eq!(lines[1]["lang"], "en");
    assert!(lines[0]["confidence"].as_f64().unwrap() > 0.5);
    let run = f.run(&["analyze", "--lang", "xx", "text"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--lang"));
}
