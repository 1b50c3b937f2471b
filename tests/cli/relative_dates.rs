//! Relative dates on the command line: `--since`/`--until` take `24h`,
//! `7d`, `2w`, `today`, `yesterday`, `hier` and `aujourd'hui`, counted from
//! the moment the search runs, on articles dated relative to the moment the
//! test writes them.

use chrono::{Duration, SecondsFormat, Utc};

use crate::common::Fixture;

/// Four articles about "comet": published now, 3 days ago, 20 days ago and
/// in 2020. Whatever the time of day, `today` and `yesterday` split them
/// the same way: 3 days ago is always before yesterday began.
fn dated() -> Fixture {
    let f = Fixture::new();
    let now = Utc::now();
    let articles = [
        ("now", now),
        ("days3", now - Duration::days(3)),
        ("days20", now - Duration::days(20)),
        ("old", "2020-01-15T12:00:00Z".parse().unwrap()),
    ];
    for (name, date) in articles {
        f.write(
            &format!("docs/{name}.md"),
            format!(
                "---\ntitle: Comet report {name}\ndate: {}\nlang: en\n---\n\nAstronomers followed the comet {name} across the sky.\n",
                date.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
        );
    }
    f.index().ok();
    f
}

/// The names of the articles `comet` finds with these flags, sorted.
fn found(f: &Fixture, flags: &[&str]) -> Vec<String> {
    let mut args = vec!["--all", "-n", "20"];
    args.extend_from_slice(flags);
    let mut names: Vec<String> = f
        .search("comet", &args)
        .iter()
        .map(|h| {
            let title = h["title"].as_str().unwrap();
            title.trim_start_matches("Comet report ").to_string()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn since_and_until_take_relative_dates_in_english_and_french() {
    let f = dated();
    let cases: &[(&[&str], &[&str])] = &[
        (&[], &["days20", "days3", "now", "old"]),
        (&["--since", "24h"], &["now"]),
        (&["--since", "7d"], &["days3", "now"]),
        (&["--since", "2w"], &["days3", "now"]),
        (&["--since", "30d"], &["days20", "days3", "now"]),
        (&["--since", "today"], &["now"]),
        (&["--since", "aujourd'hui"], &["now"]),
        (&["--since", "yesterday"], &["now"]),
        (&["--since", "hier"], &["now"]),
        (&["--until", "yesterday"], &["days20", "days3", "old"]),
        (&["--until", "hier"], &["days20", "days3", "old"]),
        (&["--until", "2w"], &["days20", "old"]),
        (&["--since", "4w", "--until", "2d"], &["days20", "days3"]),
        (
            &["--since", "2020-01-01", "--until", "2020-01-15"],
            &["old"],
        ),
    ];
    for (flags, expected) in cases {
        assert_eq!(found(&f, flags), *expected, "{flags:?}");
    }
}

#[test]
fn bad_dates_name_the_flag_and_the_accepted_forms() {
    let f = dated();
    for (flag, value) in [
        ("--since", "7y"),
        ("--until", "someday"),
        ("--since", "3 days"),
    ] {
        let run = f
            .run(&["search", "comet", "--index", "idx", flag, value])
            .fatal(flag);
        assert!(
            run.stderr.contains("7d") && run.stderr.contains("hier"),
            "the forms are listed: {}",
            run.stderr
        );
        run.no_panic();
    }
    f.run(&[
        "search", "comet", "--index", "idx", "--since", "today", "--until", "2w",
    ])
    .fatal("before --since");
}
