//! The query language: what a user types, parsed into a small tree.
//!
//! veille has its own parser rather than tantivy's because a query word must
//! be analysed by several language chains at once, a malformed query must be
//! read leniently (with a warning) instead of rejected, and tech names such as
//! `C++` or `C#` must not be read as operators. Syntax:
//!
//! - `word` — required (all words are required by default);
//! - `"a phrase"` — words next to each other, in order;
//! - `-word`, `-"phrase"`, `NOT word` — excluded;
//! - `a OR b` — either;
//! - `title:word`, `title:"phrase"` — in the title only;
//! - `lang:fr`, `source:name` — filters;
//! - `word~`, `word~2` — fuzzy (edit distance 1 or 2); `word*` — prefix.
//!
//! A query of more than [`FREE_TEXT_WORDS`] words is *free text* (a pasted
//! paragraph, mostly): none of the above applies, every word is searched
//! as it is (`-80` is the number, `"` a quotation mark), and the ranking
//! favours the articles sharing most of its words. A shorter query that
//! applies an operator says which, in its warnings, so that a `-` pasted
//! by accident does not silently exclude a word.

use std::fmt;

/// Where an atom is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Title and body.
    All,
    /// Title only.
    Title,
}

/// How a single word matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modifier {
    /// Through the language chains (stems, folding).
    Exact,
    /// Within an edit distance (1 or 2) of the word.
    Fuzzy(u8),
    /// Any word starting with it.
    Prefix,
}

/// One searchable unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Atom {
    Word {
        text: String,
        scope: Scope,
        modifier: Modifier,
    },
    Phrase {
        text: String,
        scope: Scope,
    },
}

impl Atom {
    /// The text of the atom.
    pub fn text(&self) -> &str {
        match self {
            Atom::Word { text, .. } | Atom::Phrase { text, .. } => text,
        }
    }

    /// Where the atom is searched.
    pub fn scope(&self) -> Scope {
        match self {
            Atom::Word { scope, .. } | Atom::Phrase { scope, .. } => *scope,
        }
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scope = |s: &Scope| if *s == Scope::Title { "title:" } else { "" };
        match self {
            Atom::Word {
                text,
                scope: s,
                modifier,
            } => {
                write!(f, "{}{text}", scope(s))?;
                match modifier {
                    Modifier::Exact => Ok(()),
                    Modifier::Fuzzy(d) => write!(f, "~{d}"),
                    Modifier::Prefix => f.write_str("*"),
                }
            }
            Atom::Phrase { text, scope: s } => write!(f, "{}\"{text}\"", scope(s)),
        }
    }
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Every group must match; a group matches when one of its atoms does.
    pub groups: Vec<Vec<Atom>>,
    /// No atom here may match.
    pub excluded: Vec<Atom>,
    /// `lang:` filters (any of them).
    pub langs: Vec<String>,
    /// `source:` filters (any of them).
    pub sources: Vec<String>,
    /// What was read leniently, and the operators applied.
    pub warnings: Vec<String>,
    /// Read as free text: no operator applied (see [`FREE_TEXT_WORDS`]).
    pub free_text: bool,
}

impl ParsedQuery {
    /// True when there is nothing to search for (filters alone do not count).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Every positive atom, in query order.
    pub fn atoms(&self) -> impl Iterator<Item = &Atom> {
        self.groups.iter().flatten()
    }
}

/// True when a query word looks like a name rather than an ordinary word:
/// it has a capital letter, a digit or a symbol (`OpenAI`, `Meta`, `GPT-4o`,
/// `C++`, `.NET`, `Node.js`, `5G`). Such words are looked up exactly, not
/// stemmed, whenever the index contains them as written.
pub fn is_name(text: &str) -> bool {
    let inner_dot = text
        .trim_end_matches('.')
        .char_indices()
        .any(|(i, c)| c == '.' && i > 0);
    text.chars()
        .any(|c| c.is_uppercase() || c.is_ascii_digit() || c == '+' || c == '#')
        || text.starts_with('.')
        || inner_dot
}

/// Joins a name and the version number typed right after it into one
/// phrase (`Wi-Fi 7`, `iPhone 15`, `Windows 11`), so that `Wi-Fi 7` is not
/// matched by an article about Wi-Fi 6 that mentions a 7 elsewhere.
pub fn bind_versions(query: &mut ParsedQuery) {
    // Free text is a bag of words, with no phrase of any kind.
    if query.free_text {
        return;
    }
    let mut out: Vec<Vec<Atom>> = Vec::with_capacity(query.groups.len());
    for group in std::mem::take(&mut query.groups) {
        let version = match group.as_slice() {
            [Atom::Word {
                text,
                modifier: Modifier::Exact,
                ..
            }] if text.len() <= 4 && text.chars().all(|c| c.is_ascii_digit()) => Some(text.clone()),
            _ => None,
        };
        if let (Some(version), Some(last)) = (version.as_ref(), out.last_mut()) {
            if let [Atom::Word {
                text,
                scope,
                modifier: Modifier::Exact,
            }] = last.as_slice()
            {
                if is_name(text) && !text.chars().all(|c| c.is_ascii_digit()) {
                    *last = vec![Atom::Phrase {
                        text: format!("{text} {version}"),
                        scope: *scope,
                    }];
                    continue;
                }
            }
        }
        out.push(group);
    }
    query.groups = out;
}

/// Lowercases the first word of a question-like query (three words or
/// more) when only its first letter is a capital (`Quel est le nom…`):
/// sentence case, not a name.
pub fn unsentence(query: &mut ParsedQuery) {
    if query.groups.len() < 3 {
        return;
    }
    if let Some(
        [Atom::Word {
            text,
            modifier: Modifier::Exact,
            ..
        }],
    ) = query.groups.first_mut().map(Vec::as_mut_slice)
    {
        let mut chars = text.chars();
        let first_upper = chars.next().is_some_and(char::is_uppercase);
        if first_upper && chars.all(char::is_lowercase) {
            *text = text.to_lowercase();
        }
    }
}

/// A lexical unit.
#[derive(Debug)]
enum Lexeme {
    Or,
    Not,
    Item {
        negated: bool,
        field: Option<String>,
        quoted: bool,
        text: String,
    },
}

const FIELDS: &[&str] = &["title", "lang", "source"];

/// A query of more than this many words is free text: searched as a bag of
/// words, with no operator applied.
pub const FREE_TEXT_WORDS: usize = 12;

/// At most this many of the pieces of a free text that look like operators
/// are named in its warning.
const NAMED_PIECES: usize = 5;

/// Parses a query. Never fails: anything odd is read as plainly as possible
/// and reported in [`ParsedQuery::warnings`], as are the operators applied.
pub fn parse(input: &str) -> ParsedQuery {
    if word_count(input) > FREE_TEXT_WORDS {
        return parse_free_text(input);
    }
    let mut out = ParsedQuery::default();
    let mut filters = Vec::new();
    let lexemes = lex(input, &mut out.warnings);
    let mut negate_next = false;
    let mut join_next = false;
    for lexeme in lexemes {
        match lexeme {
            Lexeme::Or => {
                if out.groups.is_empty() {
                    out.warnings
                        .push("OR at the start of the query ignored".into());
                } else {
                    join_next = true;
                }
            }
            Lexeme::Not => negate_next = true,
            Lexeme::Item {
                negated,
                field,
                quoted,
                text,
            } => {
                let negated = negated || std::mem::take(&mut negate_next);
                let join = std::mem::take(&mut join_next);
                match field.as_deref() {
                    Some("lang") => {
                        filters.push(format!("lang:{text}"));
                        out.langs.push(text.to_lowercase());
                        continue;
                    }
                    Some("source") => {
                        filters.push(format!("source:{text}"));
                        out.sources.push(text);
                        continue;
                    }
                    _ => {}
                }
                let scope = if field.as_deref() == Some("title") {
                    Scope::Title
                } else {
                    Scope::All
                };
                let Some(atom) = make_atom(text, quoted, scope, &mut out.warnings) else {
                    continue;
                };
                if negated {
                    if join {
                        out.warnings
                            .push(format!("OR before an exclusion ignored: -{atom}"));
                    }
                    out.excluded.push(atom);
                } else if join {
                    out.groups
                        .last_mut()
                        .expect("join only set after a group")
                        .push(atom);
                } else {
                    out.groups.push(vec![atom]);
                }
            }
        }
    }
    if join_next {
        out.warnings
            .push("OR at the end of the query ignored".into());
    }
    if negate_next {
        out.warnings
            .push("NOT at the end of the query ignored".into());
    }
    let applied = applied_operators(&out, &filters);
    if !applied.is_empty() {
        out.warnings
            .push(format!("operators applied: {}", applied.join(", ")));
    }
    out
}

/// The operators a parsed query applies, each as typed with what it does:
/// `-Meta (excluded)`, `"open source" (phrase)`, `OpenAI OR Anthropic`.
/// `filters` are the `lang:` and `source:` items, as typed.
fn applied_operators(query: &ParsedQuery, filters: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for group in &query.groups {
        for atom in group {
            let mut does = Vec::new();
            if let Atom::Phrase { .. } = atom {
                does.push("phrase");
            }
            if let Atom::Word { modifier, .. } = atom {
                match modifier {
                    Modifier::Exact => {}
                    Modifier::Fuzzy(_) => does.push("fuzzy"),
                    Modifier::Prefix => does.push("prefix"),
                }
            }
            if atom.scope() == Scope::Title {
                does.push("in titles");
            }
            if !does.is_empty() {
                out.push(format!("{atom} ({})", does.join(", ")));
            }
        }
        if group.len() > 1 {
            let either: Vec<String> = group.iter().map(ToString::to_string).collect();
            out.push(format!("{} (either)", either.join(" OR ")));
        }
    }
    out.extend(query.excluded.iter().map(|a| format!("-{a} (excluded)")));
    out.extend(filters.iter().map(|f| format!("{f} (filter)")));
    out
}

/// The words of a text: its pieces between white space that hold a letter
/// or a digit.
fn word_count(input: &str) -> usize {
    input
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// Free text: each piece between white space is a word, required by
/// nothing, with the marks of the query language taken as the text's own
/// punctuation. A warning names the pieces that would have been operators.
fn parse_free_text(input: &str) -> ParsedQuery {
    let mut out = ParsedQuery {
        free_text: true,
        ..ParsedQuery::default()
    };
    let mut unapplied = Vec::new();
    for piece in input.split_whitespace() {
        if looks_like_operator(piece) {
            unapplied.push(piece);
        }
        let text = piece
            .trim_start_matches(['-', '+'])
            .trim_end_matches(['*', '~'])
            .replace('"', "");
        let text = text.trim_matches(|c| c == '(' || c == ')');
        if text.chars().any(char::is_alphanumeric) {
            out.groups.push(vec![Atom::Word {
                text: text.to_string(),
                scope: Scope::All,
                modifier: Modifier::Exact,
            }]);
        }
    }
    // Quotation marks are named once, the other pieces as typed (less the
    // punctuation of the sentence after them).
    let quoted = unapplied.iter().any(|p| p.contains('"'));
    let mut named: Vec<&str> = unapplied
        .iter()
        .filter(|p| !p.contains('"'))
        .take(NAMED_PIECES)
        .map(|p| p.trim_end_matches([',', ';', '.', ':']))
        .collect();
    if unapplied.iter().filter(|p| !p.contains('"')).count() > NAMED_PIECES {
        named.push("…");
    }
    let mut what = Vec::new();
    if !named.is_empty() {
        what.push(format!("{} searched as words", named.join(", ")));
    }
    if quoted {
        what.push("quotation marks make no phrase".to_string());
    }
    if !what.is_empty() {
        out.warnings.push(format!(
            "more than {FREE_TEXT_WORDS} words: read as free text, no operator applied ({})",
            what.join("; ")
        ));
    }
    out
}

/// Whether a piece of text would be an operator in a short query: an
/// exclusion, a quotation mark, OR or NOT, a field, a fuzzy or prefix mark.
fn looks_like_operator(piece: &str) -> bool {
    let field = piece.split_once(':').is_some_and(|(name, value)| {
        FIELDS.contains(&name.to_lowercase().as_str()) && !value.is_empty()
    });
    let modifier = piece.len() > 1
        && (piece.ends_with('*')
            || piece
                .rsplit_once('~')
                .is_some_and(|(w, d)| !w.is_empty() && d.chars().all(|c| c.is_ascii_digit())));
    (piece.len() > 1 && piece.starts_with('-'))
        || piece.contains('"')
        || matches!(piece, "OR" | "NOT" | "|" | "||")
        || field
        || modifier
}

fn make_atom(text: String, quoted: bool, scope: Scope, warnings: &mut Vec<String>) -> Option<Atom> {
    if quoted {
        if text.split_whitespace().next().is_none() {
            warnings.push("empty phrase ignored".into());
            return None;
        }
        return Some(Atom::Phrase { text, scope });
    }
    // The `?` ending a question, a dash between clauses: punctuation of the
    // sentence, not something the user meant to search for.
    if !text.is_empty() && text.chars().all(is_sentence_punctuation) {
        return None;
    }
    let (text, modifier) = split_modifier(&text, warnings);
    if !text.chars().any(char::is_alphanumeric) {
        if !text.is_empty() {
            warnings.push(format!("{text:?} has no letters or digits; ignored"));
        }
        return None;
    }
    Some(Atom::Word {
        text,
        scope,
        modifier,
    })
}

/// Punctuation that ends or separates clauses of a sentence.
fn is_sentence_punctuation(c: char) -> bool {
    "?!.,;:…¿¡«»–—'’“”".contains(c)
}

/// Splits `word~N` and `word*` into the word and its modifier.
fn split_modifier(text: &str, warnings: &mut Vec<String>) -> (String, Modifier) {
    if let Some((word, distance)) = text.rsplit_once('~') {
        if !word.is_empty() && (distance.is_empty() || distance.chars().all(|c| c.is_ascii_digit()))
        {
            let d: u8 = distance.parse().unwrap_or(1);
            let d = if d == 0 {
                1
            } else if d > 2 {
                warnings.push(format!("fuzzy distance {d} reduced to 2"));
                2
            } else {
                d
            };
            return (word.to_string(), Modifier::Fuzzy(d));
        }
    }
    if let Some(word) = text.strip_suffix('*') {
        let word = word.trim_end_matches('*');
        if word.chars().any(char::is_alphanumeric) {
            return (word.to_string(), Modifier::Prefix);
        }
    }
    (text.to_string(), Modifier::Exact)
}

fn lex(input: &str, warnings: &mut Vec<String>) -> Vec<Lexeme> {
    let mut out = Vec::new();
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut negated = false;
        if chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) {
            negated = true;
            i += 1;
        } else if chars[i] == '+'
            && chars
                .get(i + 1)
                .is_some_and(|c| c.is_alphanumeric() || *c == '"')
        {
            i += 1;
        }
        // field prefix
        let mut field = None;
        let start = i;
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_alphabetic() {
            j += 1;
        }
        if j > start && chars.get(j) == Some(&':') {
            let name: String = chars[start..j].iter().collect::<String>().to_lowercase();
            let next = chars.get(j + 1);
            if FIELDS.contains(&name.as_str()) && next.is_some_and(|c| !c.is_whitespace()) {
                field = Some(name);
                i = j + 1;
            } else if FIELDS.contains(&name.as_str()) {
                warnings.push(format!("{name}: has no value; ignored"));
                i = j + 1;
                continue;
            }
        }
        if chars.get(i) == Some(&'"') {
            let close = chars[i + 1..].iter().position(|c| *c == '"');
            let end = match close {
                Some(k) => i + 1 + k,
                None => {
                    warnings.push("unclosed quote: the phrase runs to the end of the query".into());
                    chars.len()
                }
            };
            let text: String = chars[i + 1..end].iter().collect();
            out.push(Lexeme::Item {
                negated,
                field,
                quoted: true,
                text,
            });
            i = (end + 1).min(chars.len());
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '"' {
            i += 1;
        }
        let raw: String = chars[start..i].iter().collect();
        let trimmed = raw.trim_matches(|c| c == '(' || c == ')');
        if trimmed.len() != raw.len() {
            warnings.push("parentheses are not supported; ignored".into());
        }
        if field.is_none() && !negated {
            if trimmed == "OR" || trimmed == "|" || trimmed == "||" {
                out.push(Lexeme::Or);
                continue;
            }
            if trimmed == "AND" || trimmed == "&&" {
                continue;
            }
            if trimmed == "NOT" {
                out.push(Lexeme::Not);
                continue;
            }
        }
        if trimmed.is_empty() {
            continue;
        }
        out.push(Lexeme::Item {
            negated,
            field,
            quoted: false,
            text: trimmed.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Atom {
        Atom::Word {
            text: text.into(),
            scope: Scope::All,
            modifier: Modifier::Exact,
        }
    }

    #[test]
    fn words_are_each_required() {
        let q = parse("intelligence artificielle");
        assert_eq!(
            q.groups,
            vec![vec![word("intelligence")], vec![word("artificielle")]]
        );
        assert!(q.warnings.is_empty());
    }

    #[test]
    fn phrases_exclusions_and_or() {
        let q = parse(r#""intelligence artificielle" -Meta OpenAI OR Anthropic"#);
        assert_eq!(q.groups.len(), 2);
        assert_eq!(
            q.groups[0],
            vec![Atom::Phrase {
                text: "intelligence artificielle".into(),
                scope: Scope::All
            }]
        );
        assert_eq!(q.groups[1], vec![word("OpenAI"), word("Anthropic")]);
        assert_eq!(q.excluded, vec![word("Meta")]);
    }

    #[test]
    fn fields_and_filters() {
        let q = parse("title:cloud lang:FR source:techwire title:\"open source\"");
        assert_eq!(q.langs, vec!["fr"]);
        assert_eq!(q.sources, vec!["techwire"]);
        assert_eq!(
            q.groups[0],
            vec![Atom::Word {
                text: "cloud".into(),
                scope: Scope::Title,
                modifier: Modifier::Exact
            }]
        );
        assert!(matches!(
            &q.groups[1][0],
            Atom::Phrase {
                scope: Scope::Title,
                ..
            }
        ));
    }

    #[test]
    fn tech_names_are_words_not_operators() {
        let q = parse("C++ C# .NET Node.js GPT-4o");
        let texts: Vec<_> = q.atoms().map(|a| a.text().to_string()).collect();
        assert_eq!(texts, vec!["C++", "C#", ".NET", "Node.js", "GPT-4o"]);
        assert!(q.excluded.is_empty());
    }

    #[test]
    fn fuzzy_and_prefix() {
        let q = parse("Zukerberg~ semi* data~2 x~9");
        let mods: Vec<_> = q
            .atoms()
            .map(|a| match a {
                Atom::Word { modifier, .. } => *modifier,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(
            mods,
            vec![
                Modifier::Fuzzy(1),
                Modifier::Prefix,
                Modifier::Fuzzy(2),
                Modifier::Fuzzy(2)
            ]
        );
        // The distance reduced, and the operators applied.
        assert_eq!(q.warnings.len(), 2, "{:?}", q.warnings);
        assert_eq!(
            q.warnings[1],
            "operators applied: Zukerberg~1 (fuzzy), semi* (prefix), data~2 (fuzzy), x~2 (fuzzy)"
        );
    }

    #[test]
    fn malformed_queries_are_read_leniently() {
        for input in [
            "\"unclosed phrase",
            "OR",
            "a OR",
            "((a) b",
            "-",
            "title:",
            "NOT",
            "\"\"",
            "***",
            "~~",
            ":",
            "- -- ---",
        ] {
            let q = parse(input);
            let _ = q.is_empty();
        }
        let q = parse("\"unclosed phrase");
        assert_eq!(q.groups.len(), 1);
        assert_eq!(
            q.warnings,
            [
                "unclosed quote: the phrase runs to the end of the query",
                "operators applied: \"unclosed phrase\" (phrase)"
            ]
        );
        let q = parse("NOT meta cloud");
        assert_eq!(q.excluded, vec![word("meta")]);
        assert_eq!(q.groups, vec![vec![word("cloud")]]);
    }

    #[test]
    fn names_are_told_from_words() {
        for name in [
            "OpenAI", "Meta", "GPT-4o", "C++", "C#", ".NET", "Node.js", "5G", "iPhone",
        ] {
            assert!(is_name(name), "{name}");
        }
        for word in ["recrutement", "précieuse", "open", "wi-fi", "cloud."] {
            assert!(!is_name(word), "{word}");
        }
    }

    #[test]
    fn versions_bind_to_the_name_before_them() {
        let mut q = parse("Wi-Fi 7 routeur iPhone 15 prix 2025 7");
        bind_versions(&mut q);
        let texts: Vec<String> = q.atoms().map(|a| a.to_string()).collect();
        assert_eq!(
            texts,
            vec![
                "\"Wi-Fi 7\"",
                "routeur",
                "\"iPhone 15\"",
                "prix",
                "2025",
                "7"
            ]
        );
    }

    #[test]
    fn sentence_punctuation_is_dropped_without_a_warning() {
        let q = parse("En quelle année Jakob Böhme tombe-t-il malade ? « oui » – !");
        assert_eq!(q.groups.len(), 8);
        assert!(q.warnings.is_empty(), "{:?}", q.warnings);
        // Symbols that look like a mistyped operator still warn.
        assert_eq!(parse("cloud ***").warnings.len(), 1);
    }

    #[test]
    fn the_operators_applied_are_named() {
        let q =
            parse(r#"cloud -80 "open source" OpenAI OR Anthropic title:Meta lang:fr source:Wire"#);
        assert_eq!(
            q.warnings,
            [
                "operators applied: \"open source\" (phrase), OpenAI OR Anthropic (either), \
                 title:Meta (in titles), -80 (excluded), lang:fr (filter), source:Wire (filter)"
            ]
        );
        assert!(!q.free_text);
        // Plain words apply none, and say nothing.
        assert!(parse("Jean-Paul GPT-4o C++ cloud").warnings.is_empty());
    }

    #[test]
    fn more_than_a_dozen_words_are_free_text() {
        let words =
            |q: &ParsedQuery| -> Vec<String> { q.atoms().map(|a| a.text().to_string()).collect() };
        // Twelve words: still the query language.
        let twelve = "a b c d e f g h i j k -Tous";
        let q = parse(twelve);
        assert!(!q.free_text);
        assert_eq!(q.excluded, vec![word("Tous")]);

        // Thirteen: every piece is a word, nothing is excluded or quoted.
        let pasted = r#"Le prix baisse de -80 % : "Tous les modèles", dit Jean-Paul, OR title:ventes lang:fr Zukerberg~ semi* (NOT) fin."#;
        let q = parse(pasted);
        assert!(q.free_text);
        assert!(q.excluded.is_empty() && q.langs.is_empty() && q.sources.is_empty());
        assert_eq!(
            words(&q),
            [
                "Le",
                "prix",
                "baisse",
                "de",
                "80",
                "Tous",
                "les",
                "modèles,",
                "dit",
                "Jean-Paul,",
                "OR",
                "title:ventes",
                "lang:fr",
                "Zukerberg",
                "semi",
                "NOT",
                "fin."
            ]
        );
        assert!(q.groups.iter().all(|g| g.len() == 1));
        assert!(q.atoms().all(|a| matches!(
            a,
            Atom::Word {
                scope: Scope::All,
                modifier: Modifier::Exact,
                ..
            }
        )));
        // One warning, naming the first pieces that would have been operators.
        assert_eq!(
            q.warnings,
            [format!(
                "more than {FREE_TEXT_WORDS} words: read as free text, no operator applied \
                 (-80, OR, title:ventes, lang:fr, Zukerberg~, … searched as words; \
                 quotation marks make no phrase)"
            )]
        );
        // No operator-looking piece: no warning; no phrase bound either.
        let mut q =
            parse("le nouveau iPhone 15 arrive en France avec une puce plus rapide et moins chère");
        assert!(q.free_text && q.warnings.is_empty());
        bind_versions(&mut q);
        assert!(q.atoms().all(|a| matches!(a, Atom::Word { .. })));
    }

    #[test]
    fn unknown_field_prefix_is_part_of_the_word() {
        let q = parse("https://example.org");
        assert_eq!(q.groups, vec![vec![word("https://example.org")]]);
    }
}
