//! The offset map: where each character of a derived text came from.
//!
//! Every stage before extraction (normalize, reflow) produces a new text and
//! an [`OffsetMap`] with one entry per character of that text: the range of
//! characters of the stage's *input* it stands for. Normalization maps one
//! character to one character, so most entries cover one input character; a
//! run whose length a converter changed maps, as a whole, to the run it came
//! from (every output character of it points at the full input range, so no
//! guessing happens inside it). Maps compose by indexing one into the other,
//! which is how a fact found in the reflowed text points into the original.
//!
//! ```
//! use zhfacts::offsets::OffsetMap;
//! // "a\u{200B}b" → "ab": the zero-width space was removed.
//! let map = OffsetMap::from_spans(vec![(0, 1), (2, 3)], 3);
//! assert_eq!(map.original_range(0, 2), (0, 3));
//! assert_eq!(map.original_range(1, 2), (2, 3));
//! ```

/// For each character of a derived text, the character range `[start, end)`
/// of the source text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetMap {
    spans: Vec<(u32, u32)>,
    source_len: u32,
}

impl OffsetMap {
    /// The identity map over a text of `len` characters.
    pub fn identity(len: usize) -> Self {
        let len = to_u32(len);
        OffsetMap {
            spans: (0..len).map(|i| (i, i + 1)).collect(),
            source_len: len,
        }
    }

    /// A map from explicit spans; `source_len` is the source's length in
    /// characters. Spans must be non-decreasing and inside the source.
    pub fn from_spans(spans: Vec<(u32, u32)>, source_len: usize) -> Self {
        let map = OffsetMap {
            spans,
            source_len: to_u32(source_len),
        };
        debug_assert!(map.is_valid(), "offset map out of order or range");
        map
    }

    /// Number of characters in the derived text.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the derived text is empty.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Length of the source text in characters.
    pub fn source_len(&self) -> usize {
        self.source_len as usize
    }

    /// The source range of derived character `index`.
    pub fn span(&self, index: usize) -> (usize, usize) {
        let (start, end) = self.spans[index];
        (start as usize, end as usize)
    }

    /// The spans of derived characters `range`, each the source range
    /// `[start, end)` of one.
    pub fn spans(&self, range: std::ops::Range<usize>) -> &[(u32, u32)] {
        &self.spans[range]
    }

    /// The source character range covered by derived characters
    /// `[start, end)`. An empty range maps to an empty range at the position
    /// it would occupy.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        if start >= end {
            let at = if start < self.spans.len() {
                self.spans[start].0
            } else {
                self.source_len
            };
            return (at as usize, at as usize);
        }
        // Reflow may move page furniture behind a paragraph, so the source
        // range is the hull of the spans, not just first-start..last-end.
        let (mut lo, mut hi) = (u32::MAX, 0);
        for &(s, e) in &self.spans[start..end] {
            lo = lo.min(s);
            hi = hi.max(e);
        }
        (lo as usize, hi as usize)
    }

    /// The map from the derived text of `next` to the source of `self`:
    /// `self` maps text B to source A, `next` maps text C to B.
    pub fn compose(&self, next: &OffsetMap) -> OffsetMap {
        debug_assert_eq!(next.source_len(), self.len(), "maps do not chain");
        let spans = next
            .spans
            .iter()
            .map(|&(s, e)| {
                if e.wrapping_sub(s) == 1 {
                    // Most characters stand for one character: its span is
                    // the range, no hull to take.
                    self.spans[s as usize]
                } else {
                    let (lo, hi) = self.original_range(s as usize, e as usize);
                    (to_u32(lo), to_u32(hi))
                }
            })
            .collect();
        OffsetMap {
            spans,
            source_len: self.source_len,
        }
    }

    /// Checks the invariants: every span inside the source, non-empty or at a
    /// valid position. Order is not required (reflow moves furniture).
    pub fn is_valid(&self) -> bool {
        self.spans
            .iter()
            .all(|&(s, e)| s <= e && e <= self.source_len)
    }
}

/// Converts sorted byte offsets of `text` into character offsets, in one pass.
///
/// `byte_offsets` must be sorted ascending and lie on character boundaries.
pub fn byte_to_char_offsets(text: &str, byte_offsets: &[usize]) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(byte_offsets.len());
    let mut chars = 0usize;
    let mut byte = 0usize;
    for &target in byte_offsets {
        debug_assert!(target >= byte, "byte offsets must be sorted");
        let target = target.clamp(byte, bytes.len());
        // The gaps are short (a few dozen bytes), too short for `str`'s own
        // count to take words at a time: this counter does from the start.
        chars += count_char_starts(&bytes[byte..target]);
        byte = target;
        out.push(chars);
    }
    out
}

/// The number of characters that start in `bytes`: the bytes that are no
/// UTF-8 continuation byte (`0b10xx_xxxx`). Eight bytes at a time.
fn count_char_starts(bytes: &[u8]) -> usize {
    let mut words = bytes.chunks_exact(8);
    let mut continuations = 0;
    for word in &mut words {
        continuations += continuation_bytes(u64::from_le_bytes(
            word.try_into().expect("chunks of eight bytes"),
        ));
    }
    let rest = words.remainder();
    let rest_continuations = rest.iter().filter(|&&b| b & 0xC0 == 0x80).count();
    bytes.len() - continuations - rest_continuations
}

/// The continuation bytes among the eight of `word`.
#[inline]
fn continuation_bytes(word: u64) -> usize {
    const LOW: u64 = 0x0101_0101_0101_0101;
    // Each byte's top bit, set where its next bit is clear: one a
    // continuation byte, moved to bit 0 of its byte.
    let marks = ((word & !(word << 1)) >> 7) & LOW;
    // Multiplying by LOW sums the eight bytes (at most 8) into the top one.
    (marks.wrapping_mul(LOW) >> 56) as usize
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("documents are limited to 4 Gi characters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_maps_each_character_to_itself() {
        let map = OffsetMap::identity(3);
        assert_eq!(map.original_range(1, 3), (1, 3));
        assert_eq!(map.original_range(3, 3), (3, 3));
    }

    #[test]
    fn composition_equals_stage_by_stage_mapping() {
        // Source "ab\ncd", stage 1 removes nothing, stage 2 removes the newline.
        let first = OffsetMap::identity(5);
        let second = OffsetMap::from_spans(vec![(0, 1), (1, 2), (3, 4), (4, 5)], 5);
        let both = first.compose(&second);
        for i in 0..4 {
            let (s, e) = second.span(i);
            assert_eq!(both.span(i), first.original_range(s, e));
        }
        assert_eq!(both.original_range(1, 3), (1, 4));
    }

    /// Composition the slow way: every span through `original_range`.
    fn compose_by_original_range(first: &OffsetMap, second: &OffsetMap) -> OffsetMap {
        let spans = (0..second.len())
            .map(|i| {
                let (s, e) = second.span(i);
                let (lo, hi) = first.original_range(s, e);
                (to_u32(lo), to_u32(hi))
            })
            .collect();
        OffsetMap::from_spans(spans, first.source_len())
    }

    proptest::proptest! {
        #[test]
        fn composition_equals_mapping_each_span(
            steps in proptest::collection::vec((0u32..3, 0u32..3), 0..30),
            picks in proptest::collection::vec((0usize..40, 0usize..3), 0..30),
        ) {
            // A first map with gaps and runs that map as one span.
            let mut spans = Vec::new();
            let mut at = 0;
            for (gap, width) in steps {
                at += gap;
                spans.push((at, at + width));
                at += width;
            }
            let first = OffsetMap::from_spans(spans, at as usize);
            // A second map of single, empty and wider spans into it.
            let n = first.len();
            let second_spans: Vec<(u32, u32)> = picks
                .into_iter()
                .map(|(s, w)| {
                    let s = s.min(n);
                    (s as u32, (s + w).min(n) as u32)
                })
                .collect();
            let second = OffsetMap::from_spans(second_spans, n);
            proptest::prop_assert_eq!(
                first.compose(&second),
                compose_by_original_range(&first, &second)
            );
        }
    }

    #[test]
    fn changed_length_run_maps_as_one_span() {
        // Two source characters became three derived ones: all point at 0..2.
        let map = OffsetMap::from_spans(vec![(0, 2), (0, 2), (0, 2), (2, 3)], 3);
        assert_eq!(map.original_range(1, 2), (0, 2));
        assert_eq!(map.original_range(0, 4), (0, 3));
    }

    #[test]
    fn moved_furniture_keeps_range_as_hull() {
        // Derived "ac" then "b" moved after it: spans out of order.
        let map = OffsetMap::from_spans(vec![(0, 1), (2, 3), (1, 2)], 3);
        assert_eq!(map.original_range(1, 3), (1, 3));
    }

    /// `byte_to_char_offsets` the obvious way: the character index of
    /// each byte offset, from `char_indices`.
    fn byte_to_char_offsets_slowly(text: &str, byte_offsets: &[usize]) -> Vec<usize> {
        byte_offsets
            .iter()
            .map(|&target| text.char_indices().take_while(|&(i, _)| i < target).count())
            .collect()
    }

    /// The character boundaries of `text` that `picks` choose (each modulo
    /// their number), sorted.
    fn sorted_boundaries(text: &str, picks: &[usize]) -> Vec<usize> {
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let mut offsets: Vec<usize> = picks
            .iter()
            .map(|k| boundaries[k % boundaries.len()])
            .collect();
        offsets.sort_unstable();
        offsets
    }

    proptest::proptest! {
        #[test]
        fn byte_offsets_convert_as_counted_slowly(
            // Short texts for the edges, long ones for the eight-byte words
            // counted between far-apart offsets.
            text in proptest::prop_oneof!["[a中é😀\n，]{0,80}", "[a中é😀\n，]{0,400}"],
            picks in proptest::collection::vec(0usize..1000, 0..40),
        ) {
            let offsets = sorted_boundaries(&text, &picks);
            proptest::prop_assert_eq!(
                byte_to_char_offsets(&text, &offsets),
                byte_to_char_offsets_slowly(&text, &offsets)
            );
        }
    }

    /// [`continuation_bytes`] a byte at a time.
    fn continuation_bytes_slowly(word: u64) -> usize {
        word.to_le_bytes()
            .iter()
            .filter(|&&b| b & 0xC0 == 0x80)
            .count()
    }

    #[test]
    fn counts_continuation_bytes_of_every_value_in_every_lane() {
        for byte in 0..=u8::MAX {
            for lane in 0..8 {
                for others in [0u8, b'a', 0x80, 0xBF, 0xC0, 0xE4, 0xFF] {
                    let mut bytes = [others; 8];
                    bytes[lane] = byte;
                    let word = u64::from_le_bytes(bytes);
                    assert_eq!(
                        continuation_bytes(word),
                        continuation_bytes_slowly(word),
                        "{byte:#x} in lane {lane} among {others:#x}"
                    );
                }
            }
        }
    }

    #[test]
    fn byte_offsets_convert_to_char_offsets() {
        let text = "a中b文";
        assert_eq!(
            byte_to_char_offsets(text, &[0, 1, 4, 5, 8]),
            vec![0, 1, 2, 3, 4]
        );
    }
}
