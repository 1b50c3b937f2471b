//! Keeps only the compound tech names of the exact chain at index time.
//!
//! The exact fields exist to tell `C++` from `C`, `.NET` from `net` and
//! `GPT-4o` from `GPT-4`: names that hold a symbol. A plain word such as
//! `OpenAI` or `Meta` is the same token in the neutral fields, which every
//! article fills anyway, so indexing it a second time in the exact fields
//! only cost time and space (about a fifth of both). This filter drops the
//! tokens made of letters and digits alone; positions are kept, so the
//! compounds stay where they were in the text. Queries are analysed by the
//! full exact chain and look plain words up in the neutral fields (see
//! `search`). No tantivy filter selects tokens by their characters.

use tantivy::tokenizer::Token;

use super::stream::TokenRule;

/// True for a token that holds something other than letters and digits.
pub fn is_compound(token: &str) -> bool {
    !token.chars().all(char::is_alphanumeric)
}

/// Drops the tokens that are not [compound](is_compound).
#[derive(Clone, Copy, Debug, Default)]
pub struct KeepCompounds;

impl TokenRule for KeepCompounds {
    fn apply(&mut self, _: &str, token: &mut Token) -> bool {
        is_compound(&token.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis;

    #[test]
    fn keeps_compounds_at_their_positions() {
        let text = "OpenAI ships GPT-4o for C++ and .NET on Wi-Fi 7 networks";
        let all = analysis::analyze(&mut analysis::exact(), text);
        let kept = analysis::analyze(&mut analysis::exact_indexed(), text);
        let shown: Vec<(&str, usize)> =
            kept.iter().map(|t| (t.text.as_str(), t.position)).collect();
        assert_eq!(
            shown,
            [("gpt-4o", 2), ("c++", 4), (".net", 6), ("wi-fi", 8)]
        );
        for t in &kept {
            let same = all.iter().find(|a| a.position == t.position).unwrap();
            assert_eq!(same.text, t.text);
        }
        assert!(!is_compound("openai") && !is_compound("été") && !is_compound("5g"));
        assert!(is_compound("c#") && is_compound("at&t") && is_compound("v2.0"));
    }
}
