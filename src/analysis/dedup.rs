//! Near-duplicate detection: MinHash fingerprints of word shingles.
//!
//! News sites republish the same wire story with small edits: a new title, a
//! byline, a sentence updated, a paragraph added or moved. At index time each
//! article gets a [`Fingerprint`]; at search time [`similar`] (or [`group`])
//! decides which hits are the same story. [`bands`] gives keys with which
//! all near-duplicates of an article could be found by term queries; the
//! index does not store them (they made a fifth of its size), since veille
//! compares the fingerprints of the hits it returns.
//!
//! # What is compared
//!
//! The text (title, lead and body; see [`fingerprint_parts`]) is cut into
//! words: runs of letters and digits, lowercased and stripped of accents
//! (`Élysée` = `elysee`); everything else separates words, including the `.`
//! of paragraphs glued without a space (`fin.Début`). Han, kana and hangul
//! characters are words on their own. The words form overlapping
//! [`SHINGLE_WORDS`]-word shingles, and two texts are compared by the
//! weighted Jaccard similarity of their sets of shingles: the weight of the
//! shingles shared, over the weight of all the shingles of either text.
//!
//! A shingle that contains a number weighs [`DIGIT_WEIGHT`] times as much as
//! one that does not. That is what keeps template stories apart: two daily
//! reports ("le bilan de la pandémie à 11H00 GMT", "le point sur ...") share
//! whole sentences of boilerplate, but on different days every figure in
//! them differs, while a republished story keeps most of its figures. On
//! OrangeSum, the 11H00 GMT reports of days a few apart have a plain Jaccard
//! similarity of 0.46 to 0.53, as high as many rewritten wire stories; with
//! the weight they fall to 0.27 to 0.33, while updated versions of one
//! day's "point sur la pandémie" stay at 0.57 to 0.84.
//!
//! # The fingerprint: MinHash
//!
//! For each of [`SLOTS`] independent hash functions the fingerprint keeps the
//! smallest hash of any shingle of the text (a weighted shingle is hashed
//! under several salts). Two texts have the same minimum in a slot with a
//! probability equal to their weighted Jaccard similarity, so the share of
//! equal slots estimates it (standard deviation `sqrt(J(1-J)/128)`, 0.044 at
//! 0.5). Only the low 16 bits of each minimum are kept: two different
//! minima look equal with probability 1/65536, which is negligible. A
//! fingerprint is 256 bytes; [`Fingerprint::to_bytes`] makes it 257 bytes
//! for a tantivy bytes fast field (one version byte, so that a future change
//! of the algorithm makes old fingerprints incomparable, not wrong).
//!
//! Why not a 64-bit SimHash: it fits a `u64` field, but it estimates the
//! angle between shingle vectors, with only 64 bits, and candidate search is
//! exact only through blocks (pigeonhole on the Hamming distance) that stop
//! being selective past a few differing bits. Two texts whose shingle
//! vectors have a cosine of 0.9, a light edit, already differ in 9 of 64
//! bits on average (`64 θ / π`). MinHash estimates the similarity we
//! threshold, and its bands give exact candidate keys at that threshold.
//!
//! # The decision
//!
//! [`similar`] holds when both texts have at least [`MIN_WORDS`] words and at
//! least [`MIN_MATCHES`] of the [`SLOTS`] slots are equal: an estimated
//! similarity of at least 0.508. Shorter texts (briefs, captions, one-line
//! items) are never near-duplicates of anything; their fingerprint is
//! [`Fingerprint::NONE`].
//!
//! The threshold was chosen on the 33,228 OrangeSum articles with
//! `cargo run --release --example near_duplicates`, reading the pairs on
//! both sides of it. Above 0.5 nearly all pairs are one story republished,
//! retitled or updated, mostly the same day. Between 0.4 and 0.5 there are
//! still rewrites of one wire story, mixed with follow-ups (the next
//! developments of an affair, which reuse its background paragraphs) and
//! different stories around shared boilerplate. At this threshold the
//! corpus has 2,509 similar pairs; `group` makes 1,813 groups of 2 to 6
//! articles, which hide 2,123 articles behind their representative. Of the
//! 13,861 pairs among the 167 "le point sur" articles, 77 are merged, all
//! updates of one day's report (dated the same or the next day); the 11H00
//! GMT reports of different days stay below 0.35.
//!
//! Known limits: pages whose text is only boilerplate around something not
//! in the text (a quiz, an infographic, a video) are merged when their
//! boilerplate is; a follow-up that reuses most of the earlier article can
//! be merged with it; and the estimate has a standard deviation of about
//! 0.04 near the threshold, so pairs with an exact similarity between 0.45
//! and 0.57 may fall on either side (on OrangeSum, 37 of the 2,515 candidate
//! pairs at 0.5 or more were missed and 31 of the 557 between 0.3 and 0.5
//! merged). [`MIN_MATCHES`] may be raised to be stricter; it cannot go below
//! 65 without breaking the guarantee of [`bands`] (a compile-time check).
//!
//! # Candidate keys: bands
//!
//! [`bands`] cuts the slots into [`BANDS`] bands of two and makes one `u64`
//! key of each band (its position and its two values). Two similar
//! fingerprints differ in at most `SLOTS - MIN_MATCHES` = 63 slots, fewer
//! than the 64 bands, so at least one band is equal in both: *every* pair of
//! near-duplicates shares a key (pigeonhole; it is a guarantee, not a
//! probability). Unrelated articles share a key only by chance: both slots
//! of a band must hold the same shingle (probability about J², tiny for
//! articles that share a few common phrases) or collide on 32 bits.
//!
//! # Cost
//!
//! Fingerprinting reads the text once, without allocating: words and
//! shingles are hashed on the fly, and each weighted shingle updates the 128
//! minima (a multiply, a shift and a min each, 32-bit arithmetic in a loop
//! the compiler vectorises, with AVX2 where the CPU has it). On OrangeSum
//! that was 50 to 85 MB/s, about 20,000 articles per second, on one core,
//! before AVX2.

use std::collections::HashMap;
use std::fmt;

/// Number of MinHash slots in a fingerprint.
pub const SLOTS: usize = 128;
/// Slots per band (see [`bands`]).
pub const ROWS: usize = 2;
/// Number of band keys per fingerprint.
pub const BANDS: usize = SLOTS / ROWS;
/// Equal slots needed for two fingerprints to be [`similar`]: 65 of 128,
/// an estimated weighted Jaccard similarity of at least 0.508.
pub const MIN_MATCHES: usize = 65;
/// Texts with fewer words than this are never near-duplicates.
pub const MIN_WORDS: usize = 40;
/// Words per shingle.
pub const SHINGLE_WORDS: usize = 3;
/// Weight of a shingle that contains a number (others weigh 1).
pub const DIGIT_WEIGHT: usize = 3;
/// Length of [`Fingerprint::to_bytes`] for a comparable fingerprint.
pub const ENCODED_LEN: usize = 1 + 2 * SLOTS;

/// Format version, the first byte of [`Fingerprint::to_bytes`] and the top
/// byte of every band key. Change it whenever fingerprints change meaning.
const VERSION: u8 = 1;

// Pigeonhole: with at most `SLOTS - MIN_MATCHES` differing slots, fewer than
// `BANDS`, some band is equal in both fingerprints.
const _: () = assert!(SLOTS - MIN_MATCHES < BANDS && BANDS * ROWS == SLOTS);
const _: () = assert!(ROWS == 2 && MIN_WORDS >= SHINGLE_WORDS && DIGIT_WEIGHT <= SALTS.len());

/// The similarity fingerprint of a text: [`SLOTS`] MinHash values of 16 bits,
/// or [`Fingerprint::NONE`] for a text too short to compare.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    slots: [u16; SLOTS],
    comparable: bool,
}

impl Fingerprint {
    /// The fingerprint of a text shorter than [`MIN_WORDS`] words, or of a
    /// missing or unreadable encoding: similar to nothing, not even itself.
    pub const NONE: Fingerprint = Fingerprint {
        slots: [0; SLOTS],
        comparable: false,
    };

    /// Whether this fingerprint can be similar to anything (the text was long
    /// enough).
    pub fn is_comparable(&self) -> bool {
        self.comparable
    }

    /// Number of equal slots, out of [`SLOTS`]; 0 if either fingerprint is
    /// not comparable.
    pub fn matches(&self, other: &Fingerprint) -> usize {
        if !self.comparable || !other.comparable {
            return 0;
        }
        self.slots
            .iter()
            .zip(&other.slots)
            .filter(|(a, b)| a == b)
            .count()
    }

    /// Estimated weighted Jaccard similarity of the two texts, in `[0, 1]`
    /// (`matches / SLOTS`); 0 if either fingerprint is not comparable.
    pub fn similarity(&self, other: &Fingerprint) -> f64 {
        self.matches(other) as f64 / SLOTS as f64
    }

    /// The encoding to store, e.g. in a tantivy bytes fast field:
    /// [`ENCODED_LEN`] bytes (a version byte, then the slots in little
    /// endian), or no bytes at all for [`Fingerprint::NONE`].
    pub fn to_bytes(&self) -> Vec<u8> {
        if !self.comparable {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(ENCODED_LEN);
        out.push(VERSION);
        for slot in &self.slots {
            out.extend_from_slice(&slot.to_le_bytes());
        }
        out
    }

    /// Reads [`Fingerprint::to_bytes`]. Anything else (no bytes, another
    /// length, another version) gives [`Fingerprint::NONE`], so that a
    /// document without a usable fingerprint is simply never grouped.
    pub fn from_bytes(bytes: &[u8]) -> Fingerprint {
        if bytes.len() != ENCODED_LEN || bytes[0] != VERSION {
            return Fingerprint::NONE;
        }
        let mut slots = [0u16; SLOTS];
        for (slot, pair) in slots.iter_mut().zip(bytes[1..].chunks_exact(2)) {
            *slot = u16::from_le_bytes([pair[0], pair[1]]);
        }
        Fingerprint {
            slots,
            comparable: true,
        }
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.comparable {
            return f.write_str("Fingerprint(NONE)");
        }
        write!(f, "Fingerprint(")?;
        for slot in &self.slots[..4] {
            write!(f, "{slot:04x}")?;
        }
        write!(f, "…)")
    }
}

/// Fingerprint of a text. For an article, prefer [`fingerprint_parts`] with
/// its title, lead and body, which gives the same result without
/// concatenating them.
pub fn fingerprint(text: &str) -> Fingerprint {
    fingerprint_parts([text])
}

/// Fingerprint of a text given in parts (title, lead, body...), as if they
/// were joined with line breaks. Parts may be empty.
pub fn fingerprint_parts<'a, I>(parts: I) -> Fingerprint
where
    I: IntoIterator<Item = &'a str>,
{
    let mut sketch = Sketch::new();
    for part in parts {
        words(part, &mut |word, digit| sketch.push_word(word, digit));
    }
    sketch.finish()
}

/// Whether two fingerprints are near-duplicates: both comparable and at least
/// [`MIN_MATCHES`] equal slots. Symmetric; a comparable fingerprint is
/// similar to itself.
pub fn similar(a: &Fingerprint, b: &Fingerprint) -> bool {
    a.matches(b) >= MIN_MATCHES
}

/// Candidate keys for an indexed `u64` field: any two [`similar`]
/// fingerprints share at least one key, at the same position. `None` for a
/// fingerprint that is not comparable (index no key for it).
///
/// Key `i` is `version << 56 | i << 32 | slot[2i] << 16 | slot[2i + 1]`, so
/// keys of different bands or versions never collide.
pub fn bands(fp: &Fingerprint) -> Option<[u64; BANDS]> {
    if !fp.comparable {
        return None;
    }
    let mut keys = [0u64; BANDS];
    for (i, (key, pair)) in keys.iter_mut().zip(fp.slots.chunks_exact(ROWS)).enumerate() {
        *key = (u64::from(VERSION) << 56)
            | ((i as u64) << 32)
            | (u64::from(pair[0]) << 16)
            | u64::from(pair[1]);
    }
    Some(keys)
}

/// Up to this many items, [`group`] compares each item with the groups
/// made so far; past it, it finds look-alike groups through [`bands`].
/// A search groups about fifty candidates: comparing fingerprints (128
/// slots, vectorized) costs microseconds, where filling a band table
/// costs thousands of hash insertions.
const PAIRWISE_MAX: usize = 256;

/// Groups items by near-duplicate, keeping their order: each item joins the
/// first group whose first member (its representative) is [`similar`] to
/// it, or starts a new group. Groups come in the order of their first
/// member. Items with a fingerprint that is not comparable are groups of
/// their own.
///
/// Many items are grouped through [`bands`], so the cost is linear in the
/// number of items (plus the comparisons with look-alike groups).
pub fn group<T: Copy>(items: &[(T, Fingerprint)]) -> Vec<Vec<T>> {
    if items.len() > PAIRWISE_MAX {
        return group_banded(items);
    }
    let mut groups: Vec<Vec<T>> = Vec::new();
    let mut reps: Vec<Fingerprint> = Vec::new();
    for &(item, fp) in items {
        match reps.iter().position(|rep| similar(rep, &fp)) {
            Some(g) => groups[g].push(item),
            None => {
                groups.push(vec![item]);
                reps.push(fp);
            }
        }
    }
    groups
}

/// [`group`] through [`bands`]: any two similar fingerprints share a band
/// key, so the first similar group is the first similar one among the
/// groups that share a key with the item.
fn group_banded<T: Copy>(items: &[(T, Fingerprint)]) -> Vec<Vec<T>> {
    let mut groups: Vec<Vec<T>> = Vec::new();
    let mut reps: Vec<Fingerprint> = Vec::new();
    let mut by_key: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut candidates: Vec<usize> = Vec::new();
    for &(item, fp) in items {
        let Some(keys) = bands(&fp) else {
            groups.push(vec![item]);
            reps.push(fp);
            continue;
        };
        candidates.clear();
        for key in &keys {
            if let Some(found) = by_key.get(key) {
                candidates.extend_from_slice(found);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        match candidates.iter().find(|&&g| similar(&reps[g], &fp)) {
            Some(&g) => groups[g].push(item),
            None => {
                let g = groups.len();
                groups.push(vec![item]);
                reps.push(fp);
                for key in keys {
                    by_key.entry(key).or_default().push(g);
                }
            }
        }
    }
    groups
}

/// The exact weighted Jaccard similarity of two texts that [`similar`]
/// estimates from fingerprints, 0 if either is shorter than [`MIN_WORDS`]
/// words. For calibration and tests: it builds both shingle sets.
pub fn exact_similarity(a: &str, b: &str) -> f64 {
    let (Some(a), Some(b)) = (shingle_weights(a), shingle_weights(b)) else {
        return 0.0;
    };
    let mut shared = 0u64;
    let mut total = 0u64;
    for (shingle, &wa) in &a {
        match b.get(shingle) {
            Some(&wb) => {
                shared += u64::from(wa.min(wb));
                total += u64::from(wa.max(wb));
            }
            None => total += u64::from(wa),
        }
    }
    total += b
        .iter()
        .filter(|(shingle, _)| !a.contains_key(shingle))
        .map(|(_, &w)| u64::from(w))
        .sum::<u64>();
    if total == 0 {
        0.0
    } else {
        shared as f64 / total as f64
    }
}

/// Shingle hashes of a text with their weights; `None` below [`MIN_WORDS`].
fn shingle_weights(text: &str) -> Option<HashMap<u64, u32>> {
    let mut ring = Ring::default();
    let mut set = HashMap::new();
    words(text, &mut |word, digit| {
        if let Some((shingle, weight)) = ring.push(word, digit) {
            set.insert(shingle, weight as u32);
        }
    });
    (ring.words >= MIN_WORDS).then_some(set)
}

// ---------------------------------------------------------------------------
// Words.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Calls `emit(hash, has_digit)` for each word of `text`, in order. A word's
/// hash is that of its folded characters.
fn words(text: &str, emit: &mut impl FnMut(u64, bool)) {
    let mut word = Word::default();
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                word.push(u32::from(c.to_ascii_lowercase()), c.is_ascii_digit());
            } else {
                word.end(emit);
            }
            continue;
        }
        match fold(c) {
            Folded::One(f) => word.push(f as u32, false),
            Folded::Two(f, g) => {
                word.push(f as u32, false);
                word.push(g as u32, false);
            }
            Folded::Other if is_ideographic(c) => {
                word.end(emit);
                word.push(c as u32, false);
                word.end(emit);
            }
            Folded::Other if c.is_alphanumeric() => {
                let digit = c.is_numeric();
                for f in c.to_lowercase() {
                    word.push(f as u32, digit);
                }
            }
            Folded::Other => word.end(emit),
        }
    }
    word.end(emit);
}

/// The word being read: FNV-1a of its folded characters.
struct Word {
    hash: u64,
    len: usize,
    digit: bool,
}

impl Default for Word {
    fn default() -> Word {
        Word {
            hash: FNV_OFFSET,
            len: 0,
            digit: false,
        }
    }
}

impl Word {
    #[inline]
    fn push(&mut self, c: u32, digit: bool) {
        self.hash = (self.hash ^ u64::from(c)).wrapping_mul(FNV_PRIME);
        self.len += 1;
        self.digit |= digit;
    }

    #[inline]
    fn end(&mut self, emit: &mut impl FnMut(u64, bool)) {
        if self.len > 0 {
            emit(fmix64(self.hash), self.digit);
            *self = Word::default();
        }
    }
}

/// A non-ASCII character, lowercased and without its accent.
enum Folded {
    One(char),
    Two(char, char),
    /// Not an accented Latin letter.
    Other,
}

/// Folds the accented Latin letters of French and the other western
/// European languages, in both cases.
fn fold(c: char) -> Folded {
    let f = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => 'y',
        'œ' | 'Œ' => return Folded::Two('o', 'e'),
        'æ' | 'Æ' => return Folded::Two('a', 'e'),
        'ß' => return Folded::Two('s', 's'),
        _ => return Folded::Other,
    };
    Folded::One(f)
}

/// Scripts written without spaces, where each character is a word.
fn is_ideographic(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}'     // hiragana, katakana
        | '\u{3400}'..='\u{4dbf}'   // CJK extension A
        | '\u{4e00}'..='\u{9fff}'   // CJK unified ideographs
        | '\u{ac00}'..='\u{d7af}'   // hangul syllables
        | '\u{f900}'..='\u{faff}'   // CJK compatibility ideographs
        | '\u{20000}'..='\u{2ffff}' // CJK extensions B and later
    )
}

// ---------------------------------------------------------------------------
// Shingles and MinHash.

/// The last [`SHINGLE_WORDS`] words, made into weighted shingles.
#[derive(Default)]
struct Ring {
    hashes: [u64; SHINGLE_WORDS],
    /// Bit `i` set: the `i`-th most recent word has a digit.
    digits: u32,
    words: usize,
}

impl Ring {
    /// Adds a word; returns the shingle it completes and its weight.
    fn push(&mut self, word: u64, digit: bool) -> Option<(u64, usize)> {
        self.hashes.copy_within(1.., 0);
        self.hashes[SHINGLE_WORDS - 1] = word;
        self.digits = ((self.digits << 1) | u32::from(digit)) & ((1 << SHINGLE_WORDS) - 1);
        self.words += 1;
        if self.words < SHINGLE_WORDS {
            return None;
        }
        let mut shingle = 0u64;
        for &h in &self.hashes {
            shingle = (shingle.rotate_left(23) ^ h).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
        let weight = if self.digits != 0 { DIGIT_WEIGHT } else { 1 };
        Some((fmix64(shingle), weight))
    }
}

/// Salts that make the copies of a weighted shingle distinct elements.
const SALTS: [u64; 4] = [
    0,
    0x6a09_e667_f3bc_c908,
    0xbb67_ae85_84ca_a73b,
    0x3c6e_f372_fe94_f82b,
];

/// Odd multiplier of the slot hash functions.
const SLOT_MUL: u32 = 0x9e37_79b1;

/// One seed per slot: slot `i` hashes shingle `x` (its low 32 bits) as
/// `y = (x ^ SEEDS[i]) * SLOT_MUL; y ^ (y >> 16)`. Shingle hashes are already
/// well mixed, so this is enough for the slots to behave as independent
/// random permutations: the estimates match exact similarities (tests, and
/// on OrangeSum a mean error of +0.002 and an RMS error of 0.024).
const SEEDS: [u32; SLOTS] = {
    let mut seeds = [0u32; SLOTS];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut i = 0;
    while i < SLOTS {
        // splitmix64
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        seeds[i] = (z ^ (z >> 31)) as u32;
        i += 1;
    }
    seeds
};

/// Running MinHash of a text.
struct Sketch {
    mins: [u32; SLOTS],
    ring: Ring,
}

impl Sketch {
    fn new() -> Sketch {
        Sketch {
            mins: [u32::MAX; SLOTS],
            ring: Ring::default(),
        }
    }

    fn push_word(&mut self, word: u64, digit: bool) {
        if let Some((shingle, weight)) = self.ring.push(word, digit) {
            for salt in &SALTS[..weight] {
                self.add(shingle ^ salt);
            }
        }
    }

    #[inline]
    fn add(&mut self, x: u64) {
        let x = x as u32;
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: `add_avx2` only needs AVX2, which the CPU was just
            // found to have (the answer is cached after the first call).
            #[allow(unsafe_code)]
            unsafe {
                add_avx2(&mut self.mins, x)
            };
            return;
        }
        add_to_minima(&mut self.mins, x);
    }

    fn finish(self) -> Fingerprint {
        if self.ring.words < MIN_WORDS {
            return Fingerprint::NONE;
        }
        let mut slots = [0u16; SLOTS];
        for (slot, min) in slots.iter_mut().zip(&self.mins) {
            // The low bits: the high ones of a minimum are mostly zeros.
            *slot = *min as u16;
        }
        Fingerprint {
            slots,
            comparable: true,
        }
    }
}

/// Hashes `x` under every slot's function and keeps each slot's minimum:
/// nearly all the work of a fingerprint (128 slots for every shingle).
#[inline(always)]
fn add_to_minima(mins: &mut [u32; SLOTS], x: u32) {
    for (min, seed) in mins.iter_mut().zip(&SEEDS) {
        let y = (x ^ seed).wrapping_mul(SLOT_MUL);
        *min = (*min).min(y ^ (y >> 16));
    }
}

/// [`add_to_minima`] compiled for AVX2, chosen at run time: baseline
/// x86-64 (SSE2) has neither a 32-bit multiply nor a 32-bit unsigned
/// minimum, and emulates them with about 45 instructions per 8 slots where
/// AVX2 needs 5 (fingerprints were a tenth of indexing's instructions).
/// The same arithmetic, so the same fingerprints.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn add_avx2(mins: &mut [u32; SLOTS], x: u32) {
    add_to_minima(mins, x);
}

/// MurmurHash3's 64-bit finaliser.
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A made-up news story, four paragraphs.
    const STORY: [&str; 4] = [
        "La société Nordelec a confirmé mardi la construction d'une usine de \
         batteries à Vernaison, dans la vallée du Rhône. Le chantier doit \
         commencer au printemps et le site employer environ huit cents \
         personnes d'ici trois ans, selon la direction.",
        "Le projet a été présenté aux élus de la communauté de communes lors \
         d'une réunion à huis clos. Plusieurs riverains s'inquiètent du trafic \
         de camions sur la route départementale et de la consommation d'eau de \
         l'usine, qui puisera dans la nappe phréatique.",
        "La direction assure que l'eau sera recyclée en circuit fermé et qu'une \
         voie ferrée desservira le site pour limiter les poids lourds. Une \
         enquête publique sera ouverte à la fin de l'été, et un comité de suivi \
         réunira associations, habitants et représentants de l'entreprise.",
        "Pour le maire de Vernaison, l'arrivée de Nordelec est une chance pour \
         une commune qui a perdu sa filature il y a vingt ans. L'opposition \
         municipale réclame de son côté un référendum local avant toute \
         décision définitive sur le permis de construire.",
    ];

    /// Another made-up story, on another subject.
    const OTHER: &str = "Les pluies torrentielles tombées dans la nuit ont \
        provoqué des inondations dans plusieurs villages de l'arrière-pays. Les \
        pompiers ont procédé à des dizaines d'évacuations et une école a été \
        transformée en centre d'hébergement provisoire. La préfecture a placé \
        le département en vigilance rouge jusqu'à jeudi matin et demande aux \
        habitants de limiter leurs déplacements. Des routes restent coupées et \
        la circulation des trains régionaux est interrompue entre les deux \
        principales villes. Les agriculteurs redoutent des pertes importantes \
        dans les vergers, déjà éprouvés par le gel du printemps dernier.";

    fn story(paragraphs: &[&str]) -> String {
        paragraphs.join("\n")
    }

    /// Asserts whether `a` and `b` are near-duplicates, showing both
    /// similarities when they are not as `expected`.
    #[track_caller]
    fn assert_similar(a: &str, b: &str, expected: bool) {
        let (fa, fb) = (fingerprint(a), fingerprint(b));
        assert_eq!(
            similar(&fa, &fb),
            expected,
            "similarity {:.2} (exact {:.2}) for {b:?}",
            fa.similarity(&fb),
            exact_similarity(a, b)
        );
    }

    #[test]
    fn lightly_edited_copies_are_similar() {
        let original = story(&STORY);
        let fp = fingerprint(&original);
        assert!(fp.is_comparable());

        let mut changed = STORY;
        changed[1] = "Le projet a été présenté aux élus de la communauté de \
            communes lors d'une réunion publique. Plusieurs riverains \
            s'inquiètent du trafic de camions sur la route départementale et \
            de la consommation d'eau de l'usine, qui puisera dans la nappe.";
        let reordered = [STORY[0], STORY[2], STORY[1], STORY[3]];
        let byline = format!(
            "Batteries : Nordelec s'installe à Vernaison\nPar la rédaction, avec AFP\n{original}\n\
             Mis à jour le 12 mars à 18h05"
        );
        for edited in [story(&changed), story(&reordered), byline] {
            assert_similar(&original, &edited, true);
            assert!(exact_similarity(&original, &edited) > 0.6);
        }
    }

    #[test]
    fn different_stories_are_not_similar() {
        let a = fingerprint(&story(&STORY));
        let b = fingerprint(OTHER);
        assert!(a.is_comparable() && b.is_comparable());
        assert!(!similar(&a, &b));
        assert!(a.similarity(&b) < 0.1, "{:.2}", a.similarity(&b));
        // Same subject, different stories: half of one story is not a
        // near-duplicate of the other half.
        let first = fingerprint(&story(&STORY[..2]));
        let second = fingerprint(&story(&STORY[2..]));
        assert!(!similar(&first, &second));
    }

    /// A daily report: shared boilerplate, the day's figures, and the day's
    /// main paragraph.
    fn report(day: &str, weekday: &str, figures: [&str; 6], main: &str) -> String {
        let [deaths, cases, countries, hospital, icu, region] = figures;
        format!(
            "Le point sur le coronavirus au {day} mars\n\
             L'épidémie a fait au moins {deaths} morts dans le monde depuis son \
             apparition, selon un bilan établi à partir de sources officielles \
             {weekday} à 11h00 GMT. Plus de {cases} cas d'infection ont été \
             officiellement diagnostiqués dans {countries} pays et territoires. \
             Ce nombre de cas ne reflète toutefois qu'une partie des \
             contaminations, car de nombreux pays ne testent que les cas graves.\n\
             {main}\n\
             En France, {hospital} personnes sont hospitalisées, dont {icu} en \
             réanimation, et la région la plus touchée compte {region} malades. \
             Les autorités sanitaires rappellent l'importance des gestes \
             barrières et du lavage des mains, et demandent aux personnes \
             présentant des symptômes de rester chez elles et d'appeler leur \
             médecin."
        )
    }

    const MONDAY: &str = "L'Italie a décidé de fermer ses écoles et ses \
        universités jusqu'à la mi-avril, et le gouvernement prépare un plan \
        d'aide aux entreprises du tourisme, durement frappées par \
        l'annulation des voyages.";
    const TUESDAY: &str = "Les bourses européennes ont de nouveau reculé, \
        entraînées par les valeurs du transport aérien, tandis que plusieurs \
        compagnies annoncent la suspension de leurs vols vers l'Asie pour \
        au moins deux semaines.";

    #[test]
    fn daily_reports_of_different_days_are_not_similar() {
        let monday = report(
            "12",
            "lundi",
            ["4.291", "118.592", "114", "1.412", "386", "1.023"],
            MONDAY,
        );
        let tuesday = report(
            "13",
            "mardi",
            ["4.627", "126.135", "121", "1.784", "412", "1.310"],
            TUESDAY,
        );
        assert_similar(&monday, &tuesday, false);
        assert!(exact_similarity(&monday, &tuesday) < 0.35);

        // The same day's report, updated in the evening with one more
        // paragraph and one figure changed, is the same story.
        let evening = report(
            "12",
            "lundi",
            ["4.291", "118.592", "114", "1.412", "402", "1.023"],
            &format!("{MONDAY}\n{TUESDAY}"),
        );
        assert_similar(&monday, &evening, true);
    }

    fn words_text(n: usize) -> String {
        (0..n)
            .map(|i| format!("mot{}", i % 7))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn short_texts_are_never_similar() {
        let brief = "Le conseil municipal a voté mardi soir le budget de la \
            commune, en hausse de deux pour cent, malgré l'abstention de \
            l'opposition.";
        let fp = fingerprint(brief);
        assert_eq!(fp, Fingerprint::NONE);
        assert!(!fp.is_comparable());
        assert!(!similar(&fp, &fingerprint(brief)));
        assert_eq!(fp.matches(&fp), 0);
        assert_eq!(bands(&fp), None);
        assert!(fp.to_bytes().is_empty());
        assert_eq!(exact_similarity(brief, brief), 0.0);
        let groups = group(&[(1, fp), (2, fp)]);
        assert_eq!(groups, vec![vec![1], vec![2]]);
        assert_eq!(fingerprint(""), Fingerprint::NONE);

        // The boundary, in words.
        assert!(!fingerprint(&words_text(MIN_WORDS - 1)).is_comparable());
        let long = fingerprint(&words_text(MIN_WORDS));
        assert!(long.is_comparable());
        assert!(similar(&long, &long));
    }

    #[test]
    fn case_accents_and_punctuation_do_not_matter() {
        let a = fingerprint(&story(&STORY));
        let shouted = story(&STORY).to_uppercase();
        assert_eq!(a, fingerprint(&shouted));
        let plain: String = story(&STORY)
            .chars()
            .map(|c| match c {
                'é' | 'è' | 'ê' => 'e',
                'à' => 'a',
                'ô' => 'o',
                '\'' | ',' | '.' => ' ',
                c => c,
            })
            .collect();
        assert_eq!(a, fingerprint(&plain));
        // Paragraphs glued without a space after the full stop.
        let glued = STORY.join("");
        assert_eq!(a, fingerprint(&glued));
        assert_eq!(a, fingerprint_parts(STORY));
        assert_eq!(
            fingerprint("Œuvre cœur"),
            fingerprint("oeuvre coeur"),
            "short texts are all NONE anyway"
        );
        let mut count = 0;
        words("Œuvre, cœur; STRAßE l'Élysée 2020 x²", &mut |_, _| {
            count += 1
        });
        assert_eq!(count, 7);
    }

    #[test]
    fn folding_gives_equal_word_hashes() {
        let hashes = |text: &str| {
            let mut out = Vec::new();
            words(text, &mut |h, d| out.push((h, d)));
            out
        };
        assert_eq!(
            hashes("Œuvre ÉLYSÉE Straße"),
            hashes("oeuvre elysee strasse")
        );
        assert_eq!(hashes("fin.Début"), hashes("fin debut"));
        let digits: Vec<bool> = hashes("le 12 mars Covid-19 2,5%")
            .iter()
            .map(|x| x.1)
            .collect();
        assert_eq!(digits, [false, true, false, false, true, true, true]);
        // Each ideograph is a word.
        assert_eq!(hashes("東京の天気").len(), 5);
    }

    #[test]
    fn ideographic_text_is_comparable() {
        let text = "今日は東京で新しい人工知能の研究所が開設された。\
            研究所では自然言語処理と画像認識の研究を行い、\
            国内外の大学や企業と協力して新しい技術の実用化を目指す。";
        let fp = fingerprint(text);
        assert!(fp.is_comparable());
        let edited = text.replace("東京", "大阪");
        assert!(similar(&fp, &fingerprint(&edited)));
    }

    #[test]
    fn similar_is_reflexive_and_symmetric() {
        let a = fingerprint(&story(&STORY));
        let b = fingerprint(&story(&STORY[..3]));
        assert!(similar(&a, &a));
        assert_eq!(a.matches(&a), SLOTS);
        assert_eq!(similar(&a, &b), similar(&b, &a));
        assert_eq!(a.matches(&b), b.matches(&a));
    }

    #[test]
    fn encoding_round_trips() {
        let fp = fingerprint(&story(&STORY));
        let bytes = fp.to_bytes();
        assert_eq!(bytes.len(), ENCODED_LEN);
        assert_eq!(bytes[0], VERSION);
        assert_eq!(Fingerprint::from_bytes(&bytes), fp);
        assert_eq!(Fingerprint::from_bytes(&[]), Fingerprint::NONE);
        assert_eq!(Fingerprint::from_bytes(&bytes[1..]), Fingerprint::NONE);
        let mut other_version = bytes.clone();
        other_version[0] = VERSION + 1;
        assert_eq!(Fingerprint::from_bytes(&other_version), Fingerprint::NONE);
        assert_eq!(Fingerprint::NONE.to_bytes(), Vec::<u8>::new());
        assert_eq!(format!("{:?}", Fingerprint::NONE), "Fingerprint(NONE)");

        let keys = bands(&fp).unwrap();
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(key >> 56, u64::from(VERSION));
            assert_eq!((key >> 32) & 0xff_ffff, i as u64);
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_minima_are_the_portable_ones() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            // CI's machines have AVX2: there, this comparison must run.
            assert!(
                std::env::var_os("CI").is_none(),
                "no AVX2 on this CPU: the AVX2 minima cannot be compared"
            );
            println!("skipped: no AVX2 on this CPU, only the portable minima are used");
            return;
        }
        let mut rng = Rng(7);
        let (mut portable, mut avx2) = ([u32::MAX; SLOTS], [u32::MAX; SLOTS]);
        for round in 0..2000 {
            let x = rng.next() as u32;
            add_to_minima(&mut portable, x);
            // SAFETY: the CPU has AVX2 (checked above).
            #[allow(unsafe_code)]
            unsafe {
                add_avx2(&mut avx2, x)
            };
            assert_eq!(portable, avx2, "after {round} shingles");
        }
    }

    /// SplitMix64: a small deterministic generator for the tests.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        /// A word: often a common one, sometimes a number.
        fn word(&mut self) -> String {
            const COMMON: [&str; 12] = [
                "le", "la", "de", "et", "a", "les", "des", "en", "un", "une", "du", "que",
            ];
            const SYLLABLES: [&str; 16] = [
                "ba", "ce", "di", "fo", "gu", "la", "me", "ni", "po", "ru", "sa", "te", "vi", "zo",
                "an", "ou",
            ];
            match self.below(100) {
                0..=29 => COMMON[self.below(COMMON.len())].to_string(),
                30..=34 => self.below(10_000).to_string(),
                _ => (0..1 + self.below(3))
                    .map(|_| SYLLABLES[self.below(SYLLABLES.len())])
                    .collect(),
            }
        }

        fn text(&mut self, words: usize) -> Vec<String> {
            (0..words).map(|_| self.word()).collect()
        }

        /// Applies `edits` random edits: words replaced, runs of words
        /// inserted or deleted, blocks moved.
        fn edit(&mut self, text: &[String], edits: usize) -> Vec<String> {
            let mut out = text.to_vec();
            for _ in 0..edits {
                let at = self.below(out.len() + 1);
                match self.below(4) {
                    0 if at < out.len() => out[at] = self.word(),
                    1 => {
                        let len = 1 + self.below(12);
                        let run = self.text(len);
                        out.splice(at..at, run);
                    }
                    2 => {
                        let end = (at + 1 + self.below(12)).min(out.len());
                        out.drain(at..end);
                    }
                    _ => {
                        let end = (at + 10 + self.below(40)).min(out.len());
                        let block: Vec<String> = out.drain(at..end).collect();
                        let to = self.below(out.len() + 1);
                        out.splice(to..to, block);
                    }
                }
            }
            out
        }
    }

    fn shares_band(a: &Fingerprint, b: &Fingerprint) -> bool {
        match (bands(a), bands(b)) {
            (Some(x), Some(y)) => x.iter().zip(&y).any(|(p, q)| p == q),
            _ => false,
        }
    }

    #[test]
    fn similar_pairs_share_a_band() {
        let mut rng = Rng(42);
        let (mut pairs, mut similars, mut near) = (0, 0, 0);
        for round in 0..400 {
            let len = 60 + rng.below(500);
            let original = rng.text(len);
            let edits = rng.below(original.len() / 6 + 1);
            let edited = rng.edit(&original, edits);
            let (a, b) = (original.join(" "), edited.join(" "));
            let (fa, fb) = (fingerprint(&a), fingerprint(&b));
            if !fa.is_comparable() || !fb.is_comparable() {
                continue;
            }
            pairs += 1;
            if similar(&fa, &fb) {
                similars += 1;
                assert!(
                    shares_band(&fa, &fb),
                    "round {round}: {} matches",
                    fa.matches(&fb)
                );
            }
            if (MIN_MATCHES - 10..MIN_MATCHES + 10).contains(&fa.matches(&fb)) {
                near += 1;
            }
            // The estimate stays close to the exact similarity (4.5 standard
            // deviations at worst).
            let exact = exact_similarity(&a, &b);
            assert!(
                (fa.similarity(&fb) - exact).abs() < 0.2,
                "round {round}: estimated {:.2}, exact {exact:.2}",
                fa.similarity(&fb)
            );
        }
        // The test must exercise both sides of the threshold.
        assert!(
            pairs > 350 && similars > 100 && pairs - similars > 50,
            "{pairs} {similars}"
        );
        assert!(near > 20, "{near} pairs near the threshold");
    }

    #[test]
    fn pigeonhole_holds_for_the_worst_spread_of_differences() {
        let mut rng = Rng(7);
        let mut a = Fingerprint::NONE;
        a.comparable = true;
        for slot in a.slots.iter_mut() {
            *slot = rng.next() as u16;
        }
        // SLOTS - MIN_MATCHES differences, one in each of as many bands.
        let mut b = a;
        for band in 0..SLOTS - MIN_MATCHES {
            b.slots[band * ROWS + rng.below(ROWS)] ^= 1;
        }
        assert!(similar(&a, &b));
        assert!(shares_band(&a, &b));
        // One more difference, in the last band: no band in common, and not
        // similar either.
        b.slots[SLOTS - 1] ^= 1;
        assert!(!similar(&a, &b));
        assert!(!shares_band(&a, &b));
    }

    /// `group` as specified, by comparing every item with every group.
    fn group_naive<T: Copy>(items: &[(T, Fingerprint)]) -> Vec<Vec<T>> {
        let mut groups: Vec<(Fingerprint, Vec<T>)> = Vec::new();
        for &(item, fp) in items {
            match groups.iter_mut().find(|(rep, _)| similar(rep, &fp)) {
                Some((_, members)) => members.push(item),
                None => groups.push((fp, vec![item])),
            }
        }
        groups.into_iter().map(|(_, members)| members).collect()
    }

    #[test]
    fn group_keeps_order_and_representatives() {
        let a = fingerprint(&story(&STORY));
        let a2 = fingerprint(&story(&[STORY[1], STORY[0], STORY[2], STORY[3]]));
        let b = fingerprint(OTHER);
        let b2 = fingerprint(&format!("{OTHER} Un nouveau point sera fait demain."));
        let short = fingerprint("Une brève.");
        let items = [
            ('a', a),
            ('b', b),
            ('s', short),
            ('A', a2),
            ('B', b2),
            ('x', a),
        ];
        assert_eq!(
            group(&items),
            vec![vec!['a', 'A', 'x'], vec!['b', 'B'], vec!['s']]
        );
        assert_eq!(group::<u8>(&[]), Vec::<Vec<u8>>::new());
    }

    #[test]
    fn group_matches_the_naive_definition() {
        // Variants of a few texts, shuffled: chains of edits make groups
        // whose members are similar to the representative but not always
        // to each other.
        let mut rng = Rng(3);
        let mut items = Vec::new();
        for base in 0..12 {
            let len = 150 + rng.below(200);
            let mut text = rng.text(len);
            for variant in 0..6 {
                items.push(((base, variant), fingerprint(&text.join(" "))));
                let edits = 4 + rng.below(12);
                text = rng.edit(&text, edits);
            }
        }
        for i in (1..items.len()).rev() {
            items.swap(i, rng.below(i + 1));
        }
        let groups = group(&items);
        assert_eq!(groups, group_naive(&items));
        assert_eq!(group_banded(&items), groups);
        assert!(
            groups.len() > 12 && groups.len() < items.len(),
            "{}",
            groups.len()
        );
    }
}
