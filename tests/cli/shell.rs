//! The shell side of the command line: completion scripts and manual
//! pages generated from the clap definitions, and the flags that clap
//! itself checks (`-n 0`, negative numbers, conflicting flags).

use std::process::{Command, Stdio};

use crate::common::{tool_or, Fixture};

#[test]
fn completions_know_every_command_and_load_in_bash() {
    let f = Fixture::new();
    for shell in ["bash", "zsh", "fish"] {
        let script = f.run(&["completions", shell]).ok().stdout;
        for word in ["search", "serve", "completions", "saved", "config", "since"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    f.run(&["completions", "tcsh"])
        .fatal("invalid value 'tcsh'");
    // Sourced by a real bash, the script completes `veille se` to both
    // commands that start so, and `veille search --sa` to `--saved`.
    f.write("veille.bash", f.run(&["completions", "bash"]).ok().stdout);
    let complete = |words: &str, cur: &str, prev: &str| {
        let script = format!(
            "source {}; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _veille veille {cur} {prev}; echo \"${{COMPREPLY[@]}}\"",
            f.path("veille.bash").display()
        );
        let out = Command::new("bash")
            .args(["--norc", "-c", &script])
            .output()
            .expect("run bash");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut words: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(String::from)
            .collect();
        words.sort();
        words
    };
    assert_eq!(complete("veille se", "se", "veille"), ["search", "serve"]);
    assert_eq!(
        complete("veille search --sa", "--sa", "search"),
        ["--saved"]
    );
}

#[test]
fn man_pages_render_with_groff() {
    let f = Fixture::new();
    let page = f.run(&["man"]).ok().stdout;
    assert!(page.contains(".TH veille 1"), "{page}");
    let search = f.run(&["man", "search"]).ok().stdout;
    assert!(search.contains(".TH veille-search 1"), "{search}");
    assert!(search.contains("aujourd"), "the date forms are in the page");
    f.run(&["man", "nope"]).fatal("commands: index, search");
    f.run(&["man", "--out", "pages"]).ok();
    for name in [
        "veille.1",
        "veille-search.1",
        "veille-serve.1",
        "veille-export-jsonl.1",
    ] {
        assert!(f.path("pages").join(name).is_file(), "{name}");
    }
    let Some(groff) = tool_or("groff", "the pages are not rendered") else {
        return;
    };
    let mut child = Command::new(groff)
        // Plain text: no overstriking for bold and underline.
        .args(["-man", "-Tutf8", "-ww", "-P-cbou"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run groff");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), search.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).trim().is_empty(),
        "groff warns: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("veille-search - Search the index"), "{text}");
    assert!(text.contains("--saved <NAME>"), "{text}");
}

/// An index of two articles about a comet.
fn comets() -> Fixture {
    let f = Fixture::new();
    f.write("docs/a.md", "# Comet one\n\nA comet was seen.\n");
    f.write("docs/b.md", "# Comet two\n\nThe comet came back.\n");
    f.index().ok();
    f
}

#[test]
fn a_count_only_search_succeeds_when_something_matched() {
    let f = comets();
    let run = f
        .run(&["search", "comet", "--index", "idx", "-n", "0"])
        .ok();
    assert!(run.stdout.starts_with("2 results"), "{}", run.stdout);
    let none = f.run(&["search", "asteroid", "--index", "idx", "-n", "0"]);
    assert_eq!(none.code, 1, "nothing matched: {}", none.stdout);
    // Paging past the end still found something.
    f.run(&["search", "comet", "--index", "idx", "--offset", "5"])
        .ok();
}

#[test]
fn clap_refuses_negative_numbers_and_conflicting_flags() {
    let f = comets();
    for (flag, value) in [("--offset", "-3"), ("-n", "-1"), ("--limit", "-10")] {
        let run = f.run(&["search", "comet", "--index", "idx", flag, value]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("must be 0 or more"), "{}", run.stderr);
        assert!(
            !run.stderr.contains("-- -"),
            "no `-- -3` tip: {}",
            run.stderr
        );
    }
    let run = f.run(&["index", "docs", "--index", "idx", "--threads", "-2"]);
    assert!(run.stderr.contains("must be 0 or more"), "{}", run.stderr);
    let run = f.run(&["search", "comet", "--index", "idx", "--limit", "ten"]);
    assert!(
        run.stderr.contains("expected a whole number"),
        "{}",
        run.stderr
    );

    let run = f.run(&[
        "search", "comet", "--index", "idx", "--json", "--format", "trec",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("'--json' cannot be used with '--format"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "nothing printed: {}", run.stdout);
    f.write("q.tsv", "q1\tcomet\n");
    let run = f.run(&["search", "comet", "--queries", "q.tsv", "--index", "idx"]);
    assert_eq!(run.code, 2, "a query and a file of them: {}", run.stdout);
}

#[test]
fn analyze_lists_the_chains_and_runs_the_exact_one() {
    let f = Fixture::new();
    let run = f
        .run(&["analyze", "--lang", "klingon", "text"])
        .fatal("unknown chain \"klingon\"");
    for chain in ["fr", "en", "neutral", "exact"] {
        assert!(run.stderr.contains(chain), "{chain}: {}", run.stderr);
    }
    let exact = f
        .run(&["analyze", "--lang", "exact", "--json", "GPT-4o beats C++"])
        .ok()
        .json();
    assert_eq!(exact["chain"], "exact");
    assert_eq!(
        exact["tokens"],
        serde_json::json!(["gpt-4o", "beats", "c++"])
    );
}
