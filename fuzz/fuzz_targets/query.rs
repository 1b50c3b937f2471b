//! The query parser: lexing, fields, quotes, modifiers, OR / NOT, and the
//! two rewrites the searcher applies (`bind_versions`, `unsentence`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use veille::search::query::{self, Atom, Modifier};

fuzz_target!(|input: &str| {
    let mut parsed = query::parse(input);
    check(&parsed);
    for atom in parsed.atoms().chain(&parsed.excluded) {
        // A phrase prints as something that parses back to itself.
        if let Atom::Phrase { .. } = atom {
            let again = query::parse(&atom.to_string());
            assert_eq!(again.groups, vec![vec![atom.clone()]], "{atom}");
        }
    }
    query::bind_versions(&mut parsed);
    query::unsentence(&mut parsed);
    check(&parsed);
    let _ = query::is_name(input);
});

fn check(parsed: &query::ParsedQuery) {
    for group in &parsed.groups {
        assert!(!group.is_empty(), "empty OR group: {parsed:?}");
    }
    for atom in parsed.atoms().chain(&parsed.excluded) {
        let _ = atom.to_string();
        match atom {
            Atom::Word { text, modifier, .. } => {
                assert!(text.chars().any(char::is_alphanumeric), "{atom:?}");
                assert!(!text.contains('"'), "quote inside a word: {atom:?}");
                if let Modifier::Fuzzy(d) = modifier {
                    assert!((1..=2).contains(d), "{atom:?}");
                }
            }
            Atom::Phrase { text, .. } => {
                assert!(text.split_whitespace().next().is_some(), "{atom:?}");
                assert!(!text.contains('"'), "quote inside a phrase: {atom:?}");
            }
        }
    }
    for lang in &parsed.langs {
        assert_eq!(*lang, lang.to_lowercase());
    }
}
