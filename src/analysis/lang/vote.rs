//! A cheap first pass of language detection: a vote of stop words.
//!
//! Telling a French news article from an English one needs no trigram
//! statistics: its commonest little words settle it. whatlang scores every
//! language of a script over the whole sample, which cost about a fifth of
//! the CPU time of indexing (issue 14). The vote counts, for each language
//! of [`LANGUAGES`] that has a stop-word list, how many words of the sample
//! are in that list, and names a language only when one clearly leads;
//! otherwise (short text, a mixed one, a language without a list that
//! shares some little words with one that has one) it abstains and
//! whatlang decides. The known exception is Afrikaans, whose little words
//! are Dutch ones (`die`, `van`, `het`, `op`, `wat`, `met`): the vote calls
//! it Dutch where whatlang tells it apart.
//!
//! The lists are tantivy's (the chains remove the same words), reached
//! through its `StopWordFilter`, their only public door: each language's
//! filter runs once over the words a thread has not met yet, and the
//! thread remembers which lists each word is in (a word in a language's
//! list is a vote for it).

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{StopWordFilter, TextAnalyzer, TokenStream, WhitespaceTokenizer};

use super::{Language, LANGUAGES};
use crate::analysis::{ASCII_APOSTROPHE, TYPOGRAPHIC_APOSTROPHES};

/// Fewest stop words the leading language must have. Measured with
/// `examples/language_vote.rs`: with six, two OrangeSum titles with their
/// first sentence went to Spanish (six Spanish votes to four French); with
/// eight, none of the 35,000 short items or articles is decided wrongly,
/// and 99 % of the articles are still decided by the vote alone.
pub const MIN_VOTES: usize = 8;
/// How far the leader's votes must exceed the runner-up's, in percent of
/// them. French and Spanish share `de`, `la`, `en`, `que`, `un`, so a
/// French text gives Spanish about half of French's votes (OrangeSum's
/// articles lead by 218 % at the median, by 152 % at the first
/// percentile); Danish and Norwegian share most of their lists and seldom
/// reach the margin, which leaves them to whatlang.
pub const MARGIN_PERCENT: usize = 150;
/// Smallest share of the sample's words that must be the leader's stop
/// words, in percent. A text in a language without a list (Catalan,
/// Romanian, Ukrainian) still lends a neighbour some of its little words,
/// but far fewer than a text in that language has: a third to a half of
/// OrangeSum's words are French stop words, a fifth to a third of BBC's
/// are English ones (the English list has only 33 words).
pub const MIN_SHARE_PERCENT: usize = 20;

/// The votes cast for each language over one sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Words in the sample.
    pub words: usize,
    /// Each voting language and its votes, most votes first.
    pub votes: Vec<(&'static Language, usize)>,
}

impl Tally {
    /// The language that clearly leads, if one does.
    pub fn winner(&self) -> Option<&'static Language> {
        let (leader, most) = *self.votes.first()?;
        let runner_up = self.votes.get(1).map_or(0, |v| v.1);
        let clear = most >= MIN_VOTES
            && most * 100 >= MARGIN_PERCENT * runner_up
            && most * 100 >= MIN_SHARE_PERCENT * self.words;
        clear.then_some(leader)
    }

    /// A confidence in 0..=1 for the winner: its share of the votes of the
    /// two leading languages (1 when no other language had a vote), so that
    /// a winner, by [`MARGIN_PERCENT`], is always over
    /// [`super::MIN_CONFIDENCE`].
    pub fn confidence(&self) -> f64 {
        match self.votes.as_slice() {
            [(_, most), (_, second), ..] if *most > 0 => *most as f64 / (*most + *second) as f64,
            [(_, most), ..] if *most > 0 => 1.0,
            _ => 0.0,
        }
    }
}

/// Words whose stop-word lists a thread remembers; past this, it forgets
/// them all and starts again. Asking tantivy's filters costs one lookup per
/// language, a remembered word one lookup in all: news vocabulary repeats
/// enough that most words of an article were met in earlier ones, and the
/// memory stays a few megabytes per thread.
const REMEMBERED_WORDS: usize = 50_000;

/// A set of voting languages, one bit each (there are 13).
type Lists = u32;

/// One thread's voters (a `TextAnalyzer` runs with `&mut`).
struct Voters {
    /// Each language with a stop-word list, and the analyzer that keeps
    /// all but its stop words.
    languages: Vec<(&'static Language, TextAnalyzer)>,
    /// The lists each word met so far is in.
    known: FxHashMap<Box<str>, Lists>,
}

impl Voters {
    fn new() -> Voters {
        let languages: Vec<_> = LANGUAGES
            .iter()
            .filter(|l| l.has_chain())
            .filter_map(|l| {
                let filter = StopWordFilter::new(l.stopwords?)?;
                let analyzer = TextAnalyzer::builder(WhitespaceTokenizer::default())
                    .filter(filter)
                    .build();
                Some((l, analyzer))
            })
            .collect();
        assert!(languages.len() <= Lists::BITS as usize);
        Voters {
            languages,
            known: FxHashMap::default(),
        }
    }

    /// Learns the lists of `words`, distinct and not known yet, all at
    /// once: each language's analyzer runs over them, and the positions it
    /// drops are its stop words.
    fn learn(&mut self, words: &[&str]) {
        let text = words.join(" ");
        let mut lists: Vec<Lists> = vec![0; words.len()];
        for (bit, (_, analyzer)) in self.languages.iter_mut().enumerate() {
            let mut kept = vec![false; words.len()];
            let mut stream = analyzer.token_stream(&text);
            while stream.advance() {
                kept[stream.token().position] = true;
            }
            for (list, kept) in lists.iter_mut().zip(kept) {
                if !kept {
                    *list |= 1 << bit;
                }
            }
        }
        for (word, list) in words.iter().zip(lists) {
            self.known.insert((*word).into(), list);
        }
    }
}

thread_local! {
    static VOTERS: RefCell<Voters> = RefCell::new(Voters::new());
}

/// The sample's words, lowercase, split at anything that is not a letter or
/// digit (so `l’avion` gives `l` and `avion`), one space between them, and
/// their number. A capital letter standing alone, not elided, is left out:
/// it is an initial (`C Latham, B Cohen`), and initials would vote for
/// French, whose list holds the elided `c`, `d`, `l`, `s`, `t`.
fn words(sample: &str) -> (String, usize) {
    let mut out = String::with_capacity(sample.len());
    let mut count = 0;
    // Where the current word starts in `out`, its letters, and whether its
    // first one is a capital.
    let mut word: Option<(usize, usize, bool)> = None;
    let end_word =
        |out: &mut String, count: &mut usize, word: (usize, usize, bool), next: Option<char>| {
            let (start, letters, capital) = word;
            let elided = next == Some(ASCII_APOSTROPHE)
                || next.is_some_and(|c| TYPOGRAPHIC_APOSTROPHES.contains(&c));
            if letters == 1 && capital && !elided {
                // With the space before it.
                out.truncate(start.saturating_sub(1));
                *count -= 1;
            }
        };
    for c in sample.chars() {
        if c.is_alphanumeric() {
            let (_, letters, _) = word.get_or_insert_with(|| {
                if !out.is_empty() {
                    out.push(' ');
                }
                count += 1;
                (out.len(), 0, c.is_uppercase())
            });
            *letters += 1;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else if let Some(w) = word.take() {
            end_word(&mut out, &mut count, w, Some(c));
        }
    }
    if let Some(w) = word {
        end_word(&mut out, &mut count, w, None);
    }
    (out, count)
}

/// Counts the stop words of each voting language in `sample`.
pub fn tally(sample: &str) -> Tally {
    let (text, words) = words(sample);
    VOTERS.with_borrow_mut(|voters| {
        // Forget before learning, never between: every word of the sample
        // is then known below.
        if voters.known.len() + words > REMEMBERED_WORDS {
            voters.known.clear();
        }
        // One lookup per word: the known ones vote at once, the others
        // once learnt.
        let mut counts = vec![0usize; voters.languages.len()];
        let mut vote = |mut lists: Lists| {
            while lists != 0 {
                counts[lists.trailing_zeros() as usize] += 1;
                lists &= lists - 1;
            }
        };
        let mut unknown: Vec<&str> = Vec::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            match voters.known.get(word) {
                Some(&lists) => vote(lists),
                None => unknown.push(word),
            }
        }
        if !unknown.is_empty() {
            let mut new = unknown.clone();
            new.sort_unstable();
            new.dedup();
            voters.learn(&new);
            for word in unknown {
                vote(voters.known.get(word).copied().unwrap_or(0));
            }
        }
        let mut votes: Vec<(&'static Language, usize)> = voters
            .languages
            .iter()
            .map(|(language, _)| *language)
            .zip(counts)
            .collect();
        // Stable: a tie keeps table order, and a tie never wins anyway.
        votes.sort_by_key(|v| std::cmp::Reverse(v.1));
        Tally { words, votes }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn winner(text: &str) -> Option<&'static str> {
        tally(text).winner().map(|l| l.code)
    }

    #[test]
    fn clear_french_wins() {
        let text = "Le gouvernement a présenté mardi une feuille de route pour les centres \
                    de données, avec des aides à la rénovation des réseaux de chaleur et un \
                    calendrier qui doit être tenu par les opérateurs dans les deux ans.";
        assert_eq!(winner(text), Some("fr"));
        assert!(tally(text).confidence() >= super::super::MIN_CONFIDENCE);
    }

    #[test]
    fn clear_english_wins() {
        let text = "The minister told reporters that the companies building data centres \
                    in the north of the country would have to publish their energy use \
                    every year, and that the rule was to be in force by the spring.";
        assert_eq!(winner(text), Some("en"));
    }

    #[test]
    fn short_ambiguous_text_abstains() {
        // A title alone: too few little words to tell anything.
        assert_eq!(winner("Apple dévoile l'iPhone 17"), None);
        assert_eq!(winner("Nvidia GPU benchmark results"), None);
        // French words and English words in even numbers.
        assert_eq!(
            winner("Le CEO a dit que the deal is done and la fusion est faite"),
            None
        );
    }

    #[test]
    fn languages_without_a_list_abstain() {
        // Catalan shares `de`, `la`, `que`, `el`, `en` with Spanish.
        let catalan = "El govern ha presentat aquest dimarts un pla per als centres de dades, \
                       amb ajuts per a la renovació de les xarxes de calor i un calendari que \
                       els operadors hauran de complir en els propers dos anys.";
        assert_eq!(winner(catalan), None);
        // Romanian shares `de`, `la`, `a`, `un`, `o` with Spanish and Portuguese.
        let romanian = "Guvernul a prezentat marți un plan pentru centrele de date, cu ajutoare \
                        pentru renovarea rețelelor de căldură și un calendar pe care operatorii \
                        trebuie să îl respecte în următorii doi ani.";
        assert_eq!(winner(romanian), None);
        // Ukrainian shares `і`, `в`, `на`, `не`, `за` with Russian.
        let ukrainian = "Уряд у вівторок представив план для центрів обробки даних, з допомогою \
                         для оновлення теплових мереж і графіком, який оператори мають виконати \
                         протягом наступних двох років.";
        assert_eq!(winner(ukrainian), None);
    }

    #[test]
    fn remembered_words_vote_as_on_first_sight() {
        let text = "Les opérateurs du réseau ont dit que la panne était réglée.";
        let first = tally(text);
        assert_eq!(tally(text), first);
        assert_eq!(first.words, 11);
        assert_eq!(first.votes[0].0.code, "fr");
    }

    #[test]
    fn words_are_lowercase_and_split_at_apostrophes() {
        assert_eq!(
            words("L’Avion d'Airbus, 2025!"),
            ("l avion d airbus 2025".into(), 5)
        );
        assert_eq!(words("  "), (String::new(), 0));
        assert_eq!(
            words("C Latham, B Cohen (à Paris) D"),
            ("latham cohen à paris".into(), 4)
        );
        assert_eq!(words("à l’État"), ("à l état".into(), 3));
    }
}
