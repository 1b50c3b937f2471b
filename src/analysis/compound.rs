//! Compound tech names: the tokens of the exact chain that hold a symbol.
//!
//! The exact fields exist to tell `C++` from `C`, `.NET` from `net` and
//! `GPT-4o` from `GPT-4`: names that hold a symbol, which the word
//! tokenizers of the other chains break apart. A plain word such as
//! `OpenAI` or `Meta` is the same token in the neutral fields, which every
//! article fills anyway, so the exact fields keep such words only when
//! their capitals say something ([`case`](super::case)); indexing every
//! word a second time cost about a fifth of the index's time and space.

/// True for a token that holds something other than letters and digits.
pub fn is_compound(token: &str) -> bool {
    !token.chars().all(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis;

    #[test]
    fn the_index_keeps_compounds_at_their_positions() {
        let text = "it ships gpt-4o for C++ and .NET on Wi-Fi 7 networks";
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
