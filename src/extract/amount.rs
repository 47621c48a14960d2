//! Money, percentages and quantities: one scan over a paragraph.
//!
//! The scanner finds numeral runs (`22亿`, `三千五百万`, `十几万`), then reads
//! outward from each: to the right a multiplier, a unit (currency, `%`,
//! `个百分点`, `成`, `折`, measure word), qualifiers (`多`, `左右`, `以上`) and
//! the second half of a range (`至90%`); to the left a sign, a currency
//! symbol, qualifiers (`约`, `近`, `超过`), `百分之`, a rate (`每人每月`) and a
//! change word (`提高到`, `增长`). What is read and how is data (see
//! [`super::lexicon`]); this module holds the grammar.
//!
//! ```
//! use zhfacts::extract::amount::scan;
//! let found = scan("减免企业税费22亿元、电费4544万元", &[]);
//! assert_eq!(found.len(), 2);
//! assert_eq!(found[0].unit, "CNY");
//! assert_eq!(found[1].value.to_string(), "45440000");
//! ```

use super::lexicon::{
    CharSet, DurationPart, Position, UnitClass, CHANGE_WORDS, CURRENCIES, DURATION_PARTS,
    INDEX_POINT_WORDS, LABEL_NOUNS, MONEY_CONTEXT, NON_FACTS, OBJECT_CHANGE_VERBS, ONE_CONTEXT,
    PER_NOUNS, QUALIFIERS, UNITS, WORD_EXCEPTIONS,
};
use super::numerals::{self, chinese_digit, is_numeral_char, Number};
use crate::document::{Change, Kind, Qualifier};
use rust_decimal::Decimal;
use rustc_hash::FxHashSet;
use std::ops::Range;
use std::sync::LazyLock;

/// An amount found in a paragraph, before context (metric, sentence) is added.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    /// Byte range of the fact's text in the paragraph.
    pub span: Range<usize>,
    /// money, percent or quantity.
    pub kind: Kind,
    /// Value, or low end of a range.
    pub value: Decimal,
    /// High end of a range.
    pub value_max: Option<Decimal>,
    /// Currency code, percent unit or measure word: a word of our own or
    /// of a list.
    pub unit: &'static str,
    /// Hedge.
    pub qualifier: Qualifier,
    /// Rate denominator.
    pub per: String,
    /// Role in a change.
    pub change: Change,
    /// Rule name.
    pub rule: &'static str,
}

/// A numeral run and its parse.
struct Run {
    range: Range<usize>,
    number: Number,
}

/// What follows a number.
#[derive(Debug, Clone)]
struct Suffix {
    kind: Kind,
    /// Always a word of our own or of a list: kept as such, so that only
    /// the amount made of it owns a copy.
    unit: &'static str,
    /// Multiply the number by this (成 → 10, 万 after 多 → 10000).
    scale: Decimal,
    /// Add this after scaling (成半 → 5, 元6角 → 0.6).
    add: Decimal,
    end: usize,
    rule: &'static str,
    unit_class: Option<UnitClass>,
    /// The unit itself says "more than" (6个多月).
    over: bool,
}

/// Scans `line` for amounts, skipping byte ranges in `taken` (dates).
pub fn scan(line: &str, taken: &[Range<usize>]) -> Vec<Amount> {
    let mut found: Vec<Amount> = Vec::new();
    let mut pos = 0;
    while pos < line.len() {
        let Some(run) = next_run(line, pos) else {
            break;
        };
        pos = run.range.end.max(run.range.start + 1);
        if let Some(t) = taken_at(taken, run.range.start) {
            pos = pos.max(t.end);
            continue;
        }
        let amount = read_amount(line, &run, taken, &found)
            .or_else(|| read_fraction(line, &run))
            .or_else(|| pending_list_item(line, &run));
        if let Some(amount) = amount {
            pos = pos.max(amount.span.end);
            found.push(amount);
        }
    }
    apply_list_units(line, &mut found);
    found.retain(|a| a.rule != PENDING);
    apply_list_changes(line, &mut found);
    apply_from_pairs(line, &mut found);
    apply_respective_from_to(line, &mut found);
    found
}

/// The taken range (a date) holding byte `at`. `taken` is in text order
/// and without overlaps, as dates are read: a binary search, so a
/// paragraph with thousands of dates is not searched whole per number.
fn taken_at(taken: &[Range<usize>], at: usize) -> Option<&Range<usize>> {
    debug_assert!(taken.windows(2).all(|w| w[0].end <= w[1].start));
    let after = taken.partition_point(|t| t.start <= at);
    taken[..after].last().filter(|t| at < t.end)
}

/// Rule name of a bare number waiting for a list's unit.
const PENDING: &str = "pending_list";

/// Separators of a list whose last item carries the unit: 99、199和299美元.
pub(super) fn is_list_separator(between: &str) -> bool {
    matches!(between, "、" | "和" | "及" | "与" | "或" | "以及" | "，")
}

/// A bare number followed by a list separator: kept until the list's
/// unit is known (分别为99、199和299美元), dropped otherwise.
fn pending_list_item(line: &str, run: &Run) -> Option<Amount> {
    let rest = &line[run.range.end..];
    let separated = ["、", "和", "及", "与", "或"]
        .iter()
        .any(|s| rest.starts_with(s));
    let glued =
        char_before(line, run.range.start).is_some_and(|c| c.is_ascii_alphanumeric() || c == '第');
    if !separated || glued || run.number.high.is_some() {
        return None;
    }
    Some(Amount {
        span: run.range.clone(),
        kind: Kind::Quantity,
        value: run.number.low,
        value_max: None,
        unit: "",
        qualifier: Qualifier::None,
        per: String::new(),
        change: Change::None,
        rule: PENDING,
    })
}

/// 四分之三 → 75%, 二分之一 → 50%, 3/4 → 75%.
fn read_fraction(line: &str, run: &Run) -> Option<Amount> {
    let rest = &line[run.range.end..];
    let (sep_len, chinese) = if rest.starts_with("分之") {
        ("分之".len(), true)
    } else if rest.starts_with('/') {
        (1, false)
    } else {
        return None;
    };
    let denominator = run.number.low;
    if run.number.high.is_some()
        || (chinese && run.number.arabic)
        || (!chinese && !run.number.arabic)
    {
        return None;
    }
    // 百分之 and 千分之 are percentages of their own.
    if chinese
        && (denominator == Decimal::from(100) || denominator == Decimal::from(1000))
        && !line[run.range.clone()].starts_with(|c: char| chinese_digit(c).is_some())
    {
        return None;
    }
    let second_at = run.range.end + sep_len;
    let second_end = run_end(line, second_at);
    let numerator = numerals::parse(line.get(second_at..second_end)?)?;
    if numerator.high.is_some()
        || numerator.arabic == chinese
        || denominator.is_zero()
        || numerator.low.is_zero()
    {
        return None;
    }
    if !chinese {
        // 3/4 but not 5/12 page marks or 2020/8/7 dates.
        let glued = char_before(line, run.range.start)
            .is_some_and(|c| c.is_ascii_digit() || c == '/')
            || char_at(line, second_end).is_some_and(|c| c.is_ascii_digit() || c == '/');
        if glued || denominator > Decimal::from(100) {
            return None;
        }
    }
    let (numerator, denominator) = if chinese {
        (numerator.low, denominator)
    } else {
        (run.number.low, numerator.low)
    };
    if numerator >= denominator {
        return None;
    }
    let (start, qualifier, _, _, per, change) = read_prefix(line, run.range.start, &None);
    let value = (numerator * Decimal::from(100) / denominator)
        .round_dp(6)
        .normalize();
    Some(Amount {
        span: start..second_end,
        kind: Kind::Percent,
        value,
        value_max: None,
        unit: "%",
        qualifier,
        per,
        change,
        rule: "percent_fraction",
    })
}

/// Finds the next numeral run at or after `from`.
fn next_run(line: &str, from: usize) -> Option<Run> {
    let mut i = from;
    while i < line.len() {
        // Every character that cannot start a run is passed over.
        let (skipped, c) = RUN_STARTS.find(&line[i..])?;
        i += skipped;
        if starts_run(line, i, c) {
            let end = trim_unit_start(line, i, run_end(line, i));
            if end > i {
                if let Some(number) = numerals::parse(&line[i..end]) {
                    return Some(Run {
                        range: i..end,
                        number,
                    });
                }
            }
            i = end.max(i + c.len_utf8());
            continue;
        }
        i += c.len_utf8();
    }
    None
}

/// Gives back a last 千 or 百 that begins a unit: 0.5千克, 35千米, 500千瓦,
/// 2百分点.
fn trim_unit_start(line: &str, start: usize, end: usize) -> usize {
    let Some(last) = line[start..end].chars().next_back() else {
        return end;
    };
    let at = end - last.len_utf8();
    let begins_unit = (last == '千' || last == '百')
        && at > start
        && (UNITS
            .longest_prefix(&line[at..])
            .is_some_and(|(len, _)| len > last.len_utf8())
            || line[at..].starts_with("百分点"));
    if begins_unit {
        at
    } else {
        end
    }
}

/// The characters that may start a numeral run ([`starts_run`] decides).
static RUN_STARTS: LazyLock<CharSet> =
    LazyLock::new(|| CharSet::new(|c| c == '上' || is_numeral_char(c)));

/// Builds this module's tables now rather than at the first paragraph.
pub(super) fn warm_up() {
    LazyLock::force(&RUN_STARTS);
    LazyLock::force(&NON_FACT_CHARS);
    LazyLock::force(&CLAUSE_SIGNS);
    LazyLock::force(&OBJECT_REACH_STOPS);
}

fn starts_run(line: &str, i: usize, c: char) -> bool {
    let next = || line[i + c.len_utf8()..].chars().next();
    match c {
        '0'..='9' => true,
        '几' | '数' => next().is_some_and(|n| {
            "十百千万亿".contains(n) || UNITS.longest_prefix(&line[i + c.len_utf8()..]).is_some()
        }),
        '上' => next().is_some_and(|n| "百千万".contains(n)),
        '点' => false,
        _ => is_numeral_char(c),
    }
}

/// The end of the numeral run starting at `start`.
fn run_end(line: &str, start: usize) -> usize {
    let bytes = line.as_bytes();
    let mut end = start;
    let mut first = true;
    for (off, c) in line[start..].char_indices() {
        let at = start + off;
        let ok = if first && c == '上' {
            true
        } else if c == '.' {
            bytes
                .get(at.wrapping_sub(1))
                .is_some_and(u8::is_ascii_digit)
                && bytes.get(at + 1).is_some_and(u8::is_ascii_digit)
        } else if c == ',' {
            // A thousands separator: three digits and no fourth.
            at > start
                && bytes[at - 1].is_ascii_digit()
                && bytes.len() >= at + 4
                && bytes[at + 1..at + 4].iter().all(u8::is_ascii_digit)
                && !bytes.get(at + 4).is_some_and(u8::is_ascii_digit)
        } else if c == '点' {
            at > start
                && line[at + 3..]
                    .chars()
                    .next()
                    .is_some_and(|n| chinese_digit(n).is_some())
        } else if c == '数' {
            first
        } else {
            is_numeral_char(c)
        };
        if !ok {
            break;
        }
        first = false;
        end = at + c.len_utf8();
    }
    end
}

fn char_before(line: &str, at: usize) -> Option<char> {
    line[..at].chars().next_back()
}

fn char_at(line: &str, at: usize) -> Option<char> {
    line[at..].chars().next()
}

/// Whether a word from the non-fact list covers the run's start, as a
/// word: jieba must agree that it starts and ends at word boundaries
/// (统一 in 统一规划, but not 之一 in 百分之一百).
pub(crate) fn inside_non_fact(line: &str, run: &Range<usize>) -> bool {
    let Some(word) = non_fact_word_over(line, run) else {
        return false;
    };
    // 一点二个百分点: 一点 before a digit is a decimal point, not "a little".
    if line[..word.end].ends_with('点')
        && line[word.end..].starts_with(|c: char| chinese_digit(c).is_some())
    {
        return false;
    }
    // Segment a little context on both sides and look for the boundaries.
    let context_start = line[..word.start]
        .char_indices()
        .rev()
        .take(3)
        .last()
        .map_or(word.start, |(i, _)| i);
    let context_end = line[word.end..]
        .char_indices()
        .nth(3)
        .map_or(line.len(), |(i, _)| word.end + i);
    let context = &line[context_start..context_end];
    let (from, to) = (word.start - context_start, word.end - context_start);
    let words = crate::segment::words(context);
    let starts_word = words.iter().any(|&(s, _)| s == from);
    let ends_word = words.iter().any(|&(_, e)| e == to);
    starts_word && ends_word
}

/// The non-fact word over the run's start: of the words starting at most
/// four characters before it, the longest at the leftmost start.
fn non_fact_word_over(line: &str, run: &Range<usize>) -> Option<Range<usize>> {
    // Such a word holds the character at the run's start and every one
    // between its own start and it, so the search begins after the nearest
    // character no word holds; a run of Arabic digits is rejected at once.
    let in_a_word = |c: char| NON_FACT_CHARS.contains(&c);
    if !char_at(line, run.start).is_some_and(in_a_word) {
        return None;
    }
    let earliest = line[..run.start]
        .char_indices()
        .rev()
        .take(4)
        .take_while(|&(_, c)| in_a_word(c))
        .last()
        .map_or(run.start, |(i, _)| i);
    non_fact_word_from(line, earliest, run)
}

/// The longest non-fact word over the run's start, at the leftmost start
/// from byte `from` on.
fn non_fact_word_from(line: &str, from: usize, run: &Range<usize>) -> Option<Range<usize>> {
    line[from..run.end]
        .char_indices()
        .map(|(i, _)| from + i)
        .take_while(|&k| k <= run.start)
        .find_map(|k| {
            NON_FACTS
                .longest_prefix(&line[k..])
                .filter(|(len, _)| k + len > run.start)
                .map(|(len, _)| k..k + len)
        })
}

/// Every character of a non-fact word (see [`non_fact_word_over`]).
static NON_FACT_CHARS: LazyLock<FxHashSet<char>> =
    LazyLock::new(|| NON_FACTS.words().flat_map(str::chars).collect());

fn read_amount(line: &str, run: &Run, taken: &[Range<usize>], found: &[Amount]) -> Option<Amount> {
    let before = char_before(line, run.range.start);
    // Ordinals (第11名), labels glued to Latin letters (5G, A320), but not
    // currency codes (RMB1,200, USD10,000).
    let currency_code_before = CURRENCIES
        .longest_suffix(&line[..run.range.start])
        .is_some_and(|(_, c)| c.prefix);
    if before == Some('第')
        || (before.is_some_and(|c| c.is_ascii_alphabetic()) && !currency_code_before)
    {
        return None;
    }
    if char_at(line, run.range.end).is_some_and(|c| c.is_ascii_alphabetic())
        && !CURRENCIES
            .longest_prefix(&line[run.range.end..])
            .is_some_and(|(_, c)| c.suffix)
    {
        return None;
    }
    if inside_non_fact(line, &run.range) {
        return None;
    }
    // 每10股派3.5元: the number after 每 is the rate's denominator.
    if before == Some('每') {
        return None;
    }
    let text = &line[run.range.clone()];
    // 零 alone is no amount (零部件, 零就业).
    if text.chars().all(|c| c == '零' || c == '〇') {
        return None;
    }
    // A run of units alone (万, 百亿) needs a qualifier before it.
    let bare_unit = !text
        .chars()
        .any(|c| c.is_ascii_digit() || chinese_digit(c).is_some() || "几数上廿卅".contains(c));
    if bare_unit && text.chars().count() == 1 && text != "十" {
        let prefix = &line[..run.range.start];
        let after = char_at(line, run.range.end);
        let hedged = QUALIFIERS.0.longest_suffix(prefix).is_some()
            || prefix.ends_with('达')
            || percent_word_before(line, run.range.start).is_some()
            || matches!(after, Some('余' | '多'));
        if !hedged {
            return None;
        }
    }

    let mut qualifier = Qualifier::None;
    let mut number = run.number.clone();
    let mut end = run.range.end;

    // 多/余 between the number and a multiplier or unit (300多万元, 1100多名).
    if let Some(c @ ('多' | '余')) = char_at(line, end) {
        if CURRENCIES.longest_prefix(&line[end..]).is_none() {
            qualifier = Qualifier::Over;
            end += c.len_utf8();
            let mult_end = run_end(line, end);
            if mult_end > end {
                let mult_text = &line[end..mult_end];
                if mult_text.chars().all(|c| "十百千万亿".contains(c)) {
                    let mult = numerals::parse(mult_text)?.low;
                    number.low *= mult;
                    number.high = number.high.map(|h| h * mult);
                    number.has_large_multiplier |= mult_text.contains(['万', '亿']);
                    end = mult_end;
                }
            }
        }
    }

    let suffix = read_suffix(line, run.range.start, end, &number);
    let value_max = number.high;

    // The first half of a range borrows the second half's unit.
    let second_at = suffix.as_ref().map_or(end, |s| s.end);
    if qualifier == Qualifier::None {
        if let Some(range) = read_range(line, run, &number, suffix.as_ref(), second_at, taken) {
            return Some(range);
        }
    }

    let (start, prefix_qualifier, sign, prefix_currency, per, change) =
        read_prefix(line, run.range.start, &suffix);
    if prefix_qualifier != Qualifier::None {
        qualifier = prefix_qualifier;
    }

    let percent_prefix = percent_word_before(line, run.range.start);
    let mut suffix = match (suffix, prefix_currency) {
        (Some(s), _) if percent_prefix.is_none() || s.kind == Kind::Percent => s,
        (_, _) if percent_prefix.is_some() => {
            let (unit, rule) = percent_prefix.expect("checked");
            Suffix {
                kind: Kind::Percent,
                unit,
                scale: Decimal::ONE,
                add: Decimal::ZERO,
                end,
                rule,
                unit_class: None,
                over: false,
            }
        }
        (Some(s), _) => s,
        (None, Some(code)) => Suffix {
            kind: Kind::Money,
            unit: code,
            scale: Decimal::ONE,
            add: Decimal::ZERO,
            end,
            rule: "money_symbol",
            unit_class: None,
            over: false,
        },
        (None, None) => bare_amount(line, run, &number, end, found)?,
    };
    // The article 一: 一名男子 is no count, 其中一人 and 提前一年 are.
    if text == "一" && qualifier == Qualifier::None && suffix.kind == Kind::Quantity {
        let demonstrative = line[..start].ends_with(['那', '这', '哪', '同', '每', '某']);
        let counts = !demonstrative && suffix.unit_class == Some(UnitClass::Duration)
            || ONE_CONTEXT.longest_suffix(&line[..start]).is_some()
            || list_context(line, start, found);
        if !counts {
            return None;
        }
    }

    // 十三届全国人大, 四次会议, 三级甲等医院: a name, not a count.
    if matches!(suffix.unit, "届" | "次" | "级")
        && LABEL_NOUNS.longest_prefix(&line[suffix.end..]).is_some()
    {
        return None;
    }
    if let Some(whole) = read_duration_parts(line, &number, &suffix) {
        suffix = whole;
    }
    let mut end = suffix.end;
    if suffix.over && qualifier == Qualifier::None {
        qualifier = Qualifier::Over;
    }
    if let Some((q, len)) = read_after_qualifier(line, end) {
        if qualifier == Qualifier::None || q == qualifier {
            qualifier = q;
            end += len;
        }
    }
    let floor = found.last().map_or(0, |a| a.span.end);
    let per = complete_per(line, start, end, per, suffix.kind, floor);
    let unit = currency_written_before(prefix_currency, &suffix);
    Some(Amount {
        span: start..end,
        kind: suffix.kind,
        value: (sign * apply_suffix(number.low, &suffix)).normalize(),
        value_max: value_max.map(|v| apply_suffix(v, &suffix).normalize()),
        unit,
        qualifier: if value_max.is_some() {
            Qualifier::Approx
        } else {
            qualifier
        },
        per,
        change,
        rule: suffix.rule,
    })
}

/// The rate of an amount: the one written right before it, else `/吨`
/// right after it, else one stated earlier in its clause.
fn complete_per(
    line: &str,
    start: usize,
    end: usize,
    adjacent: String,
    kind: Kind,
    floor: usize,
) -> String {
    if !adjacent.is_empty() {
        return adjacent;
    }
    read_per_suffix(line, end)
        .or_else(|| {
            // A percentage is a ratio already: only an average (人均, 年均)
            // earlier in its clause is its rate.
            let per = clause_per(line, start, floor)?;
            (kind != Kind::Percent || per.ends_with('均')).then_some(per)
        })
        .unwrap_or_default()
}

/// 新台币120亿元, 港币50亿元: a currency written before the number beats
/// the bare 元 after it.
fn currency_written_before(prefix: Option<&'static str>, suffix: &Suffix) -> &'static str {
    match prefix {
        Some(code) if suffix.kind == Kind::Money && suffix.unit == "CNY" => code,
        _ => suffix.unit,
    }
}

fn range_rule(kind: Kind) -> &'static str {
    match kind {
        Kind::Money => "money_range",
        Kind::Percent => "percent_range",
        _ => "quantity_range",
    }
}

fn apply_suffix(value: Decimal, suffix: &Suffix) -> Decimal {
    value * suffix.scale + suffix.add
}

/// The large multiplier (万, 亿, 万亿) that ends a numeral, for 两到三万港元.
fn large_multiplier_of(run: &str) -> Option<Decimal> {
    let tail: String = run
        .chars()
        .rev()
        .take_while(|c| *c == '万' || *c == '亿')
        .collect();
    if tail.is_empty() {
        return None;
    }
    let tail: String = tail.chars().rev().collect();
    numerals::parse(&tail).map(|n| n.low)
}

/// What joins the two ends of a range of amounts (80%至90%, 3-5万元).
pub(super) const RANGE_CONNECTORS: [&str; 7] = ["至", "到", "-", "~", "～", "—", "－"];

/// Reads `至90%`, `-10万元`, `到三万港元` after a number.
fn read_range_second(
    line: &str,
    at: usize,
    taken: &[Range<usize>],
) -> Option<(Range<usize>, Number, Suffix)> {
    let rest = &line[at..];
    let connector = RANGE_CONNECTORS.iter().find(|c| rest.starts_with(**c))?;
    let mut second_start = at + connector.len();
    // 百分之十到百分之十五: the second half repeats 百分之.
    let repeated_percent = line[second_start..].starts_with("百分之");
    if repeated_percent {
        second_start += "百分之".len();
    }
    if taken_at(taken, second_start).is_some() {
        return None;
    }
    let c = char_at(line, second_start)?;
    if !(c.is_ascii_digit() || is_numeral_char(c)) || c == '点' {
        return None;
    }
    let end = run_end(line, second_start);
    let number = numerals::parse(&line[second_start..end])?;
    let suffix = if repeated_percent {
        Suffix {
            kind: Kind::Percent,
            unit: "%",
            scale: Decimal::ONE,
            add: Decimal::ZERO,
            end,
            rule: "percent_words",
            unit_class: None,
            over: false,
        }
    } else {
        read_suffix(line, second_start, end, &number)?
    };
    Some((second_start..end, number, suffix))
}

/// A range `A至B`: one fact whose first half takes the second's unit, and
/// its multiplier when it has none (两到三万港元 → 20000–30000).
fn read_range(
    line: &str,
    run: &Run,
    number: &Number,
    suffix: Option<&Suffix>,
    second_at: usize,
    taken: &[Range<usize>],
) -> Option<Amount> {
    let (second_run, second, second_suffix) = read_range_second(line, second_at, taken)?;
    if let Some(s) = suffix {
        if s.kind != second_suffix.kind || s.unit != second_suffix.unit {
            return None;
        }
    }
    let mut low = number.low;
    if suffix.is_none() && !number.has_large_multiplier && second.has_large_multiplier {
        low = low.checked_mul(large_multiplier_of(&line[second_run])?)?;
    }
    let first = apply_suffix(low, suffix.unwrap_or(&second_suffix));
    let high = apply_suffix(second.high.unwrap_or(second.low), &second_suffix);
    if first > high {
        return None;
    }
    let (start, qualifier, sign, prefix_currency, per, change) =
        read_prefix(line, run.range.start, &Some(second_suffix.clone()));
    let mut end = second_suffix.end;
    let per = complete_per(line, start, end, per, second_suffix.kind, 0);
    let unit = currency_written_before(prefix_currency, &second_suffix);
    let mut qualifier = if number.high.is_some() {
        Qualifier::Approx
    } else {
        qualifier
    };
    if qualifier == Qualifier::None {
        if let Some((q, len)) = read_after_qualifier(line, end) {
            qualifier = q;
            end += len;
        }
    }
    Some(Amount {
        span: start..end,
        kind: second_suffix.kind,
        value: (sign * first).normalize(),
        value_max: Some(high.normalize()),
        unit,
        qualifier,
        per,
        change,
        rule: range_rule(second_suffix.kind),
    })
}

/// Reads the unit after a number that starts at `start` and ends at `at`.
fn read_suffix(line: &str, start: usize, at: usize, number: &Number) -> Option<Suffix> {
    let rest = &line[at..];
    let make = |kind, unit, end, rule, class| Suffix {
        kind,
        unit,
        scale: Decimal::ONE,
        add: Decimal::ZERO,
        end,
        rule,
        unit_class: class,
        over: false,
    };
    // Percentages.
    for (word, unit, rule) in [
        ("%", "%", "percent_sign"),
        ("‰", "‰", "permille_sign"),
        ("个百分点", "pp", "percent_points"),
        ("百分点", "pp", "percent_points"),
        // 下调15个基点: basis points, a hundredth of a percentage point.
        ("个基点", "bp", "percent_basis_points"),
        ("基点", "bp", "percent_basis_points"),
    ] {
        if rest.starts_with(word) {
            return Some(make(Kind::Percent, unit, at + word.len(), rule, None));
        }
    }
    // 沪指涨了20个点: index points before 个 is read as a measure word.
    let index_points_suffix = || {
        index_points(line, start, at, number).map(|len| {
            make(
                Kind::Quantity,
                "点",
                at + len,
                "quantity_index_points",
                Some(UnitClass::Measure),
            )
        })
    };
    if rest.starts_with("个点") {
        if let Some(points) = index_points_suffix() {
            return Some(points);
        }
    }
    // Money: a currency word beats a word that merely starts like one
    // (30万人民币 is money though 人民 is a word).
    let exception = unit_word_exception_len(rest);
    if let Some((len, currency)) = CURRENCIES.longest_prefix(rest) {
        if currency.suffix && len > exception.unwrap_or(0) && spoken_money_fits(rest, len, number) {
            let mut s = make(Kind::Money, currency.code, at + len, "money_currency", None);
            s.scale = currency.scale;
            if currency.code == "CNY" && currency.scale == Decimal::ONE {
                // 50元6角三分, 6块5, 12块5毛.
                let (add, end) = read_jiao_fen(line, at + len);
                s.add = add;
                s.end = end;
                // 8993.9亿元人民币: the currency named again after the unit.
                if line[s.end..].starts_with("人民币") {
                    s.end += "人民币".len();
                }
            } else if currency.code == "CNY" {
                // 2角5分: 分 after 角 or 毛.
                let after = at + len;
                if let Some(c) = char_at(line, after) {
                    if let Some(d) = chinese_digit(c).or_else(|| c.to_digit(10)) {
                        if char_at(line, after + c.len_utf8()) == Some('分') {
                            s.add = Decimal::from(d) * Decimal::new(1, 2);
                            s.end = after + c.len_utf8() + '分'.len_utf8();
                        }
                    }
                }
            }
            return Some(s);
        }
    }
    if exception.is_some() {
        return None;
    }
    let small =
        number.low <= Decimal::from(10) && number.high.is_none_or(|h| h <= Decimal::from(10));
    if rest.starts_with('成') && small && !number.has_large_multiplier {
        // 三成 30, 三成半 35, 八成五 85.
        let mut s = make(
            Kind::Percent,
            "%",
            at + '成'.len_utf8(),
            "percent_cheng",
            None,
        );
        s.scale = Decimal::from(10);
        let after = &rest['成'.len_utf8()..];
        if after.starts_with('半') {
            s.add = Decimal::from(5);
            s.end += '半'.len_utf8();
        } else if let Some(d) = after
            .chars()
            .next()
            .and_then(|c| chinese_digit(c).or(c.to_digit(10)))
        {
            let next = after.chars().nth(1);
            if !next.is_some_and(|n| {
                is_numeral_char(n)
                    || UNITS
                        .longest_prefix(&after[after.chars().next().map_or(0, char::len_utf8)..])
                        .is_some()
            }) && d > 0
            {
                s.add = Decimal::from(d);
                s.end += after.chars().next().map_or(0, char::len_utf8);
            }
        }
        return Some(s);
    }
    if rest.starts_with('折') && !number.has_multiplier && number.low < Decimal::from(100) {
        let mut s = make(Kind::Percent, "%", at + 3, "percent_discount", None);
        if number.low < Decimal::from(10) {
            s.scale = Decimal::from(10);
        }
        return Some(s);
    }
    // Durations with a half or an approximate part: 两个半小时, 1年半, 6个多月.
    for (lead, add, over) in [
        ("个半", Decimal::new(5, 1), false),
        ("个多", Decimal::ZERO, true),
    ] {
        if let Some(after) = rest.strip_prefix(lead) {
            let unit = if after.starts_with('月') {
                Some((3, "个月"))
            } else {
                UNITS
                    .longest_prefix(after)
                    .filter(|(_, u)| u.class == UnitClass::Duration)
                    .map(|(len, u)| (len, u.name))
            };
            if let Some((len, name)) = unit {
                let mut s = make(
                    Kind::Quantity,
                    name,
                    at + lead.len() + len,
                    "quantity_duration",
                    Some(UnitClass::Duration),
                );
                s.add = add;
                s.over = over;
                return Some(s);
            }
        }
    }
    // Quantities.
    if let Some((len, unit)) = UNITS.longest_prefix(rest) {
        if unit.name == "年" && !is_duration_years(line, at, number) {
            return None;
        }
        let rule = match unit.class {
            UnitClass::Duration => "quantity_duration",
            UnitClass::Multiple => "quantity_multiple",
            _ => "quantity_unit",
        };
        let mut s = make(Kind::Quantity, unit.name, at + len, rule, Some(unit.class));
        if unit.class == UnitClass::Duration && rest[len..].starts_with('半') {
            s.add = Decimal::new(5, 1);
            s.end += '半'.len_utf8();
        }
        return Some(s);
    }
    index_points_suffix()
}

/// The length of 点 or 个点 at `at`, after a number starting at `start`,
/// when it is index points (上证综指收报3373.28点, 下跌25.3点): a stock index is named in the
/// clause or a market verb stands right before the number, and nothing
/// makes it a time of day (下午3点, 3点钟, 8点半). 点 is no unit of
/// `data/units.txt` because it is index points only there; the words
/// are in `data/index_points.txt`.
fn index_points(line: &str, start: usize, at: usize, number: &Number) -> Option<usize> {
    // 一点 "a little", 两点 o'clock, 三点意见: index levels and moves are
    // written in digits or in hundreds (跌超千点).
    let small_chinese = !number.arabic && number.low < Decimal::from(10);
    if small_chinese {
        return None;
    }
    let rest = &line[at..];
    if let Some(after) = rest.strip_prefix('点') {
        let points = !is_clock_time(&line[..start], after)
            && (index_named_in_clause(line, start) || market_verb_ends(&line[..start]));
        return points.then_some('点'.len_utf8());
    }
    // 涨了20个点 is index points only where an index is named: elsewhere 个点
    // is as often percentage points. It is never a time of day.
    (rest.starts_with("个点") && index_named_in_clause(line, start)).then_some("个点".len())
}

/// Whether a number with 点 between `before` and `after` reads as a time
/// of day: a time-of-day word before it (下午约3点), or minutes, 钟 or 半
/// after 点 (3点15分, 3点钟, 8点半).
fn is_clock_time(before: &str, after: &str) -> bool {
    let words = &INDEX_POINT_WORDS;
    let minutes = after.starts_with(|c: char| c.is_ascii_digit() || chinese_digit(c).is_some());
    minutes
        || words.clock_after.longest_prefix(after).is_some()
        || words
            .clock
            .longest_suffix(without_qualifier_before(before))
            .is_some()
}

/// A stock index or the market named in the clause before byte `start`.
fn index_named_in_clause(line: &str, start: usize) -> bool {
    INDEX_POINT_WORDS
        .index
        .occurs_in(&line[clause_start(line, start)..start])
}

/// Whether `before` ends in a market verb, a qualifier, 了 and a 至 or 到
/// after it aside: 上涨了约25点, 跌至3000点, 收报3373.28点.
fn market_verb_ends(before: &str) -> bool {
    let before = without_qualifier_before(before);
    let before = before.strip_suffix('了').unwrap_or(before);
    let before = before.strip_suffix(['至', '到']).unwrap_or(before);
    INDEX_POINT_WORDS.verb.longest_suffix(before).is_some()
}

/// `before` without the qualifier word that ends it (约, 超过, 近).
fn without_qualifier_before(before: &str) -> &str {
    QUALIFIERS
        .0
        .longest_suffix(before)
        .map_or(before, |(len, _)| &before[..before.len() - len])
}

/// 角, 毛 and 块 are money after Arabic digits (8角, 20块) or when money is
/// spelled out (五毛钱, 六块5, 三块钱); 一角 and 长三角 are corners, 一块大屏
/// a piece.
fn spoken_money_fits(rest: &str, len: usize, number: &Number) -> bool {
    let word = &rest[..len];
    if !matches!(word, "角" | "毛" | "块") {
        return true;
    }
    if number.arabic {
        return true;
    }
    let after = &rest[len..];
    after.starts_with('钱')
        || after.starts_with(|c: char| chinese_digit(c).is_some() || c.is_ascii_digit())
        || (word == "块" && after.starts_with(|c: char| !is_han(c)))
}

/// The length of a word at the start of the text after a number that
/// merely begins with a unit character (成为, 元旦, 种植). The list
/// proposes, jieba confirms: in 100种地理标志 the word is 种, not 种地.
fn unit_word_exception_len(rest: &str) -> Option<usize> {
    let (len, ()) = WORD_EXCEPTIONS.longest_prefix(rest)?;
    let window_end = rest.char_indices().nth(6).map_or(rest.len(), |(i, _)| i);
    let window = &rest[..window_end];
    crate::segment::words(window)
        .first()
        .is_some_and(|&(start, end)| start == 0 && end >= len)
        .then_some(len)
}

/// `年` after a number is a duration, not a year: a small number not
/// followed by a month or period word.
fn is_duration_years(line: &str, at: usize, number: &Number) -> bool {
    if number.low >= Decimal::from(200) {
        return false;
    }
    let after = &line[at + '年'.len_utf8()..];
    if after.starts_with('期') {
        return false; // 一年期贷款: a tenor, a label
    }
    ![
        "月",
        "底",
        "初",
        "末",
        "中",
        "代",
        "级",
        "度",
        "前",
        "后",
        "之后",
        "以前",
        "以后",
        "来",
        "以来",
        "上半年",
        "下半年",
        "第",
        "一季度",
        "二季度",
        "三季度",
        "四季度",
        "前三季度",
    ]
    .iter()
    .any(|w| after.starts_with(w))
}

/// `6角三分` after `元`, `5毛` or a bare `5` after `块`: the fraction it
/// adds and where it ends.
fn read_jiao_fen(line: &str, at: usize) -> (Decimal, usize) {
    let mut add = Decimal::ZERO;
    let mut end = at;
    let digit_at = |pos: usize| -> Option<(Decimal, usize)> {
        let c = char_at(line, pos)?;
        chinese_digit(c)
            .or_else(|| c.to_digit(10))
            .map(|d| (Decimal::from(d), c.len_utf8()))
    };
    for (units, place) in [
        (&['角', '毛'][..], Decimal::new(1, 1)),
        (&['分'][..], Decimal::new(1, 2)),
    ] {
        let Some((d, len)) = digit_at(end) else { break };
        match char_at(line, end + len) {
            Some(u) if units.contains(&u) => {
                add += d * place;
                end += len + u.len_utf8();
            }
            // 6块5: a last digit with no unit counts in 角.
            next if place == Decimal::new(1, 1)
                && !next.is_some_and(|n| {
                    n.is_ascii_digit() || is_numeral_char(n) || n == '.' || is_han(n) && n != '的'
                }) =>
            {
                add += d * place;
                end += len;
                break;
            }
            _ => break,
        }
    }
    (add, end)
}

/// 4年3个月 → 51 个月, 2小时15分钟 → 135 分钟, 1小时2分3秒 → 3723 秒: a
/// duration followed by smaller parts is one fact in the smallest unit
/// (`data/duration_parts.txt`). The suffix of the whole, as if the number
/// had been written in that unit, or `None` when no part follows.
fn read_duration_parts(line: &str, number: &Number, suffix: &Suffix) -> Option<Suffix> {
    // 6个多月, 两三年: a part after an inexact duration adds nothing exact.
    if suffix.unit_class != Some(UnitClass::Duration) || suffix.over || number.high.is_some() {
        return None;
    }
    let mut whole: Option<Suffix> = None;
    loop {
        let current = whole.as_ref().unwrap_or(suffix);
        let Some((part, amount, end)) = next_duration_part(line, current.end, current.unit) else {
            break;
        };
        let per_larger = Decimal::from(part.per_larger);
        let one = apply_suffix(number.low, current) == Decimal::ONE;
        // 365天24小时 is all day every day, 一天8小时 eight hours a day.
        if amount >= per_larger || (part.rate_when_one && one) {
            break;
        }
        whole = Some(Suffix {
            unit: part.unit,
            scale: current.scale * per_larger,
            add: current.add * per_larger + amount,
            end,
            rule: "quantity_duration_parts",
            ..current.clone()
        });
    }
    whole
}

/// The smaller part written at `at`, after a duration in `unit`: its row,
/// its number and where it ends (`15分钟` after `2小时`).
fn next_duration_part(line: &str, at: usize, unit: &str) -> Option<(DurationPart, Decimal, usize)> {
    let c = char_at(line, at)?;
    if !(c.is_ascii_digit() || chinese_digit(c).is_some() || c == '十') {
        return None;
    }
    let end = run_end(line, at);
    let number = numerals::parse(&line[at..end])?;
    if number.high.is_some() {
        return None;
    }
    let rest = &line[end..];
    // The longest word: 15分钟 is minutes written 分钟, not 分 then 钟.
    let part = DURATION_PARTS
        .iter()
        .filter(|p| p.larger == unit && rest.starts_with(p.written))
        .max_by_key(|p| p.written.len())?;
    Some((*part, number.low, end + part.written.len()))
}

/// A qualifier word right after the amount.
fn read_after_qualifier(line: &str, at: usize) -> Option<(Qualifier, usize)> {
    let rest = &line[at..];
    let (len, q) = QUALIFIERS.1.longest_prefix(rest)?;
    // 多 and 余 as qualifiers only when nothing wordlike follows (3年多).
    let word = &rest[..len];
    if (word == "多" || word == "余")
        && char_at(rest, len).is_some_and(|c| c.is_alphanumeric() && !"，。、；".contains(c))
    {
        return None;
    }
    Some((q, len))
}

/// `/吨` after an amount.
fn read_per_suffix(line: &str, at: usize) -> Option<String> {
    let rest = line[at..].strip_prefix('/')?;
    let (len, _) = UNITS.longest_prefix(rest).or_else(|| {
        let c = rest.chars().next()?;
        (!c.is_ascii() && c.is_alphabetic()).then(|| {
            (
                c.len_utf8(),
                super::lexicon::Unit {
                    name: "",
                    class: UnitClass::Count,
                },
            )
        })
    })?;
    Some(rest[..len].to_string())
}

/// Reads leftwards from the number: sign, currency symbol, 百分之, qualifier,
/// rate, change. Returns (start of the fact's text, qualifier, sign,
/// currency code, per, change).
fn read_prefix(
    line: &str,
    run_start: usize,
    suffix: &Option<Suffix>,
) -> (
    usize,
    Qualifier,
    Decimal,
    Option<&'static str>,
    String,
    Change,
) {
    let mut start = run_start;
    let mut sign = Decimal::ONE;
    let mut currency = None;
    let mut qualifier = Qualifier::None;

    let prefix = &line[..start];
    if prefix.ends_with("零下") {
        sign = -Decimal::ONE;
        start -= "零下".len();
    } else if prefix.ends_with('负')
        || (prefix.ends_with('-')
            && !char_before(line, start - 1).is_some_and(|c| c.is_ascii_digit() || c == '%'))
    {
        sign = -Decimal::ONE;
        start -= if prefix.ends_with('负') { 3 } else { 1 };
    } else if prefix.ends_with('+')
        && !char_before(line, start - 1).is_some_and(|c| c.is_ascii_digit())
    {
        start -= 1;
    }
    if let Some((len, c)) = CURRENCIES.longest_suffix(&line[..start]) {
        if c.prefix {
            currency = Some(c.code);
            start -= len;
        }
    }
    if line[..start].ends_with(' ') && currency.is_none() {
        // "US$ 5": allow one space after a symbol.
        if let Some((len, c)) = CURRENCIES.longest_suffix(&line[..start - 1]) {
            if c.prefix && c.code != "CNY" {
                currency = Some(c.code);
                start -= len + 1;
            }
        }
    }
    if line[..start].ends_with("百分之") || line[..start].ends_with("千分之") {
        start -= "百分之".len();
    }
    if let Some((len, q)) = QUALIFIERS.0.longest_suffix(&line[..start]) {
        // 最近3年, 签约亿元: a one-character qualifier that ends a word
        // (最近, 签约, 节约) is no qualifier.
        let glued = len == 3
            && GLUED_QUALIFIER_WORDS
                .iter()
                .any(|w| line[..start].ends_with(w));
        if !glued {
            qualifier = q;
            start -= len;
        }
    }
    let _ = suffix;
    // Rate and change words are not part of the text.
    let mut cursor = start;
    let mut per = String::new();
    if let Some(p) = read_per_prefix(&line[..cursor]) {
        per = per_as_written(&line[cursor - p..cursor]);
        cursor -= p;
    }
    let mut change = Change::None;
    let mut before = &line[..cursor];
    if let Some(stripped) = before.strip_suffix('了') {
        before = stripped;
    }
    // 提高到2020年的63.9%: a date with 的 between the verb and the amount.
    if let Some(stripped) = before.strip_suffix('的') {
        let year_end = stripped
            .strip_suffix('年')
            .or_else(|| stripped.strip_suffix("年底"))
            .or_else(|| stripped.strip_suffix("年末"));
        if let Some(digits) = year_end {
            let trimmed = digits.trim_end_matches(|c: char| c.is_ascii_digit());
            if digits.len() - trimmed.len() == 4 {
                before = trimmed;
            }
        }
    }
    if let Some((len, c)) = CHANGE_WORDS.longest_suffix(before) {
        let preceding = &before[..before.len() - len];
        let single = len <= 3;
        // 新增 counts what is new, not a change; single-character verbs need
        // 同比/环比 or a clause start to be safe.
        let glued_verb = single
            && c != Change::From
            && preceding.ends_with(|ch: char| ch.is_alphabetic() && !"比较".contains(ch));
        let counts_new = preceding.ends_with('新') && c == Change::Up;
        if !counts_new && !glued_verb {
            change = c;
            // 每年上涨5%: the rate stands before the change word.
            if per.is_empty() {
                if let Some(p) = read_per_prefix(preceding) {
                    per = per_as_written(&preceding[preceding.len() - p..]);
                }
            }
        }
    }
    if change == Change::None {
        change = change_over_object(line, cursor);
    }
    (start, qualifier, sign, currency, per, change)
}

/// How many characters back from an amount a change verb is looked for
/// (下调|金融机构存款准备金率|0.5个百分点 reaches over ten).
const OBJECT_REACH_CHARS: usize = 20;

/// 下调金融机构存款准备金率0.5个百分点: the change of a verb (marked
/// `object` in the change words) whose object stands between it and the
/// amount at `at`, in the same clause. A number or a verb of its own
/// between takes the amount away (下调利率后新增贷款500亿元, 降低门槛吸引
/// 投资20亿元): the words between are segmented, but only when such a
/// verb stands close before the amount.
fn change_over_object(line: &str, at: usize) -> Change {
    let floor = line[..at]
        .char_indices()
        .rev()
        .nth(OBJECT_REACH_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let mut end = at;
    while let Some((i, c)) = OBJECT_REACH_STOPS.rfind(&line[floor..end]) {
        let hit = floor + i;
        if ends_clause(c) || c.is_ascii_digit() {
            return Change::None;
        }
        let verb_end = hit + c.len_utf8();
        if let Some((len, change)) = OBJECT_CHANGE_VERBS.longest_suffix(&line[..verb_end]) {
            let verb_start = verb_end - len;
            if governs_object(&line[verb_start..at], len) {
                return change;
            }
            return Change::None;
        }
        end = hit;
    }
    Change::None
}

/// Where the walk of [`change_over_object`] stops: the last character of
/// a verb that may take an object, a digit or a clause end.
static OBJECT_REACH_STOPS: LazyLock<CharSet> = LazyLock::new(|| {
    CharSet::new(|c| {
        ends_clause(c) || c.is_ascii_digit() || is_han(c) && OBJECT_VERB_ENDS.contains(&c)
    })
});

/// The last characters of the verbs that may take an object, gathered
/// once: the set above asks about every character of the plane.
static OBJECT_VERB_ENDS: LazyLock<Vec<char>> = LazyLock::new(|| {
    OBJECT_CHANGE_VERBS
        .words()
        .filter_map(|w| w.chars().next_back())
        .collect()
});

/// Whether `phrase`, a change verb of `verb_len` bytes and what follows it
/// up to an amount, is that verb and its object: the verb a word of its
/// own (not the 增加 of 增加值, nor the 提高 of 提高效率), then nouns
/// only, an adjective or a distinguishing word allowed before a noun
/// (一般纳税人). No verb: 吸引投资 would make the amount its own.
fn governs_object(phrase: &str, verb_len: usize) -> bool {
    let words = crate::segment::tagged(phrase);
    let Some((verb, mut object)) = words.split_first() else {
        return false;
    };
    if verb.word.len() != verb_len {
        return false;
    }
    if let Some((first, rest)) = object.split_first() {
        if first.word == "了" {
            object = rest;
        }
    }
    let is_noun = |tag: &str| tag.starts_with('n') || matches!(tag, "vn" | "j");
    let Some((last, modifiers)) = object.split_last() else {
        return false;
    };
    is_noun(last.tag)
        && modifiers
            .iter()
            .all(|w| is_noun(w.tag) || matches!(w.tag, "a" | "b"))
}

/// Words that end in a one-character qualifier but are no qualifier.
const GLUED_QUALIFIER_WORDS: &[&str] = &[
    "最近", "附近", "靠近", "临近", "逼近", "就近", "签约", "节约", "制约", "公约", "条约", "合约",
    "违约", "履约", "预约", "邀约", "特约", "契约", "大约", "赶超", "高超",
];

/// A rate right before the amount: `每人每月`, `人均`, `呎价`. Returns its
/// byte length.
fn read_per_prefix(prefix: &str) -> Option<usize> {
    if prefix.ends_with("人均") {
        return Some("人均".len());
    }
    if let Some(start) = per_groups_ending_at(prefix, prefix.len()) {
        return Some(prefix.len() - start);
    }
    // 呎价, 吨价: a unit then 价 (the rate is the unit: 呎).
    if let Some(rest) = prefix.strip_suffix('价') {
        let measure = UNITS
            .longest_suffix(rest)
            .filter(|(_, u)| u.class == UnitClass::Measure);
        if let Some((len, _)) = measure {
            return Some(len + '价'.len_utf8());
        }
    }
    // 年均: a yearly average.
    for word in ["年均", "月均", "日均"] {
        if prefix.ends_with(word) {
            return Some(word.len());
        }
    }
    None
}

/// The rate as output: 呎价 is written per 呎.
fn per_as_written(per: &str) -> String {
    per.strip_suffix('价').unwrap_or(per).to_string()
}

/// The start of a run of `每X` groups ending exactly at `end` (每人每月),
/// where X is a measure word or one character.
fn per_groups_ending_at(text: &str, end: usize) -> Option<usize> {
    let mut start = None;
    let mut cursor = end;
    loop {
        match per_group_ending(&text[..cursor]) {
            Some(i) => {
                start = Some(i);
                cursor = i;
            }
            None => return start,
        }
    }
}

/// The start of the `每X` group that ends `before`, if any.
fn per_group_ending(before: &str) -> Option<usize> {
    // The group's 每 is among the last five characters, within the last 20
    // bytes: one search of those tells most amounts have no group.
    let mut near = before.len().saturating_sub(5 * 4);
    while !before.is_char_boundary(near) {
        near += 1;
    }
    if !before[near..].contains('每') {
        return None;
    }
    per_group_ending_asking_each_char(before)
}

/// [`per_group_ending`] asking each of the last five characters.
fn per_group_ending_asking_each_char(before: &str) -> Option<usize> {
    before.char_indices().rev().take(5).find_map(|(i, c)| {
        if c != '每' {
            return None;
        }
        let x = &before[i + c.len_utf8()..];
        let one_char = x.chars().count() == 1 && x.chars().all(|c| is_han(c) && c != '每');
        let unit = !x.is_empty() && UNITS.get(x).is_some();
        (one_char || unit || matches!(x, "个月" | "平方米" | "公斤" | "千克")).then_some(i)
    })
}

/// A rate stated earlier in the clause: `每户取暖救助由600元`, `连续3年每年
/// 安排300万元`, `人均可支配收入3万元`. Returns the rate as written.
fn clause_per(line: &str, start: usize, floor: usize) -> Option<String> {
    // Not past an earlier amount: 每年安排300万元资金为1100多名 gives the
    // rate to 300万元 only.
    let signs = clause_signs(line, start, floor);
    let clause = &line[signs.start..start];
    let in_clause = |at: Option<usize>| at.map(|at| at - signs.start);
    // Averages, in this order; each ends in 均, which most clauses lack.
    if signs.average {
        for word in ["人均", "年均", "户均", "亩均", "日均", "月均"] {
            if clause.contains(word) {
                return Some(word.into());
            }
        }
    }
    if let Some(i) = in_clause(signs.price) {
        // 呎价约2.1万元: the unit before 价 is the rate (not in 价值, 价格).
        let ends_word =
            !clause[i + '价'.len_utf8()..].starts_with(['值', '格', '款', '位', '目', '钱', '码']);
        let measure = UNITS
            .longest_suffix(&clause[..i])
            .filter(|(_, u)| ends_word && u.class == UnitClass::Measure);
        if let Some((len, _)) = measure {
            return Some(clause[i - len..i].to_string());
        }
    }
    // 单吨加工费: 单 and a unit.
    if let Some(i) = in_clause(signs.single) {
        let after = &clause[i + '单'.len_utf8()..];
        if let Some((len, u)) = UNITS.longest_prefix(after) {
            if u.class == UnitClass::Measure {
                return Some(clause[i..i + '单'.len_utf8() + len].to_string());
            }
        }
    }
    // The last 每-run in the clause; 每10股, 每万人 carry a number.
    let last_mei = in_clause(signs.each)?;
    let after = &clause[last_mei + '每'.len_utf8()..];
    let digits = after.len()
        - after
            .trim_start_matches(|c: char| c.is_ascii_digit() || "万千百十".contains(c))
            .len();
    if digits > 0 {
        if let Some(len) = counted_denominator_len(&after[digits..]) {
            return Some(clause[last_mei..last_mei + '每'.len_utf8() + digits + len].to_string());
        }
    }
    let after = &clause[last_mei + '每'.len_utf8()..];
    let x_len = UNITS
        .longest_prefix(after)
        .map(|(len, _)| len)
        .or_else(|| {
            after
                .chars()
                .next()
                .filter(|&c| is_han(c))
                .map(char::len_utf8)
        })?;
    let mut end = last_mei + '每'.len_utf8() + x_len;
    let begin = per_groups_ending_at(clause, end)?;
    // 每名学生, 每张创新券: a classifier takes the noun it counts along
    // (nouns only, at most two words).
    let classifier = &clause[last_mei + '每'.len_utf8()..end];
    const CLASSIFIERS: &[&str] = &[
        "名", "个", "位", "只", "台", "辆", "家", "所", "座", "间", "套", "件", "条", "项", "张",
        "头", "批",
    ];
    if CLASSIFIERS.contains(&classifier) {
        let tail = &clause[end..];
        let mut taken = 0;
        for (k, w) in crate::segment::tagged(tail).into_iter().take(2).enumerate() {
            let noun = w.tag.starts_with('n') || matches!(w.tag, "vn" | "j" | "ng" | "zg");
            // A second word only as a one-character suffix (创新|券, not 游客|花费).
            let fits = k == 0 || w.word.chars().count() == 1;
            if w.start != taken || !noun || !fits || !w.word.chars().all(is_han) {
                break;
            }
            taken += w.word.len();
        }
        end += taken;
    }
    Some(clause[begin..end].to_string())
}

/// The byte length of what 每 and a number count, at the start of `text`:
/// a measure word (每10股, 每千克) or a whole noun (每千人口, 每万常住人口,
/// 每千名老年人), whichever is longer, so 人口 is not cut to the unit 人.
fn counted_denominator_len(text: &str) -> Option<usize> {
    let unit = UNITS.longest_prefix(text).map(|(len, _)| len);
    let noun = PER_NOUNS
        .longest_prefix(text)
        .map(|(len, _)| len)
        .or_else(|| {
            // A classifier before the noun: 每千名老年人.
            let classifier = ["名", "位"].into_iter().find(|c| text.starts_with(c))?;
            let (len, _) = PER_NOUNS.longest_prefix(&text[classifier.len()..])?;
            Some(classifier.len() + len)
        });
    unit.max(noun)
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// A number with no unit: a count with a 万/亿 magnitude (`超过2亿`), or
/// money when its clause names money (`投资超百亿`).
fn bare_amount(
    line: &str,
    run: &Run,
    number: &Number,
    end: usize,
    found: &[Amount],
) -> Option<Suffix> {
    let _ = found;
    if !number.has_large_multiplier {
        return None;
    }
    let clause_start = clause_start(line, run.range.start);
    let clause = &line[clause_start..run.range.start];
    let money = MONEY_CONTEXT.occurs_in(clause);
    Some(Suffix {
        kind: if money { Kind::Money } else { Kind::Quantity },
        unit: if money { "CNY" } else { "" },
        scale: Decimal::ONE,
        add: Decimal::ZERO,
        end,
        rule: if money {
            "money_context"
        } else {
            "quantity_bare"
        },
        unit_class: None,
        over: false,
    })
}

/// `百分之` or `千分之` right before a number: its unit and rule.
fn percent_word_before(line: &str, at: usize) -> Option<(&'static str, &'static str)> {
    let before = &line[..at];
    if before.ends_with("百分之") {
        Some(("%", "percent_words"))
    } else if before.ends_with("千分之") {
        Some(("‰", "permille_words"))
    } else {
        None
    }
}

/// Byte offset where the clause holding `at` starts.
pub fn clause_start(line: &str, at: usize) -> usize {
    line[..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| ends_clause(c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

fn ends_clause(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '；' | '！' | '？' | '：' | ',' | ';' | '!' | '?'
    )
}

/// What [`clause_per`] looks for in the clause before an amount.
#[derive(Debug, PartialEq)]
struct ClauseSigns {
    /// Where the clause starts, or the floor when that is later.
    start: usize,
    /// Whether the clause holds 均 (人均, 年均).
    average: bool,
    /// Its last 价.
    price: Option<usize>,
    /// Its last 单.
    single: Option<usize>,
    /// Its last 每.
    each: Option<usize>,
}

/// The signs of the clause ending at `end`, not before `floor`, read in
/// one walk back from `end`: a rate is looked for before every amount,
/// and a search per sign walked the clause four more times.
fn clause_signs(line: &str, end: usize, floor: usize) -> ClauseSigns {
    let floor = floor.min(end);
    let mut signs = ClauseSigns {
        start: floor,
        average: false,
        price: None,
        single: None,
        each: None,
    };
    let mut rest = &line[floor..end];
    while let Some((i, c)) = CLAUSE_SIGNS.rfind(rest) {
        let at = floor + i;
        match c {
            '均' => signs.average = true,
            '价' => _ = signs.price.get_or_insert(at),
            '单' => _ = signs.single.get_or_insert(at),
            '每' => _ = signs.each.get_or_insert(at),
            c => {
                debug_assert!(ends_clause(c));
                signs.start = at + c.len_utf8();
                break;
            }
        }
        rest = &rest[..i];
    }
    signs
}

/// The characters [`clause_signs`] stops at: the walk back passes over
/// every other one with a lookup.
static CLAUSE_SIGNS: LazyLock<CharSet> =
    LazyLock::new(|| CharSet::new(|c| matches!(c, '均' | '价' | '单' | '每') || ends_clause(c)));

/// 其中一人 in a list after another amount: `10个5分钟和一个32秒`.
fn list_context(line: &str, start: usize, found: &[Amount]) -> bool {
    let Some(prev) = found.last() else {
        return false;
    };
    let between = &line[prev.span.end.min(start)..start];
    matches!(between, "和" | "与" | "及" | "、" | "或")
}

/// 分别为5亿、3亿和2亿元, 120、85和60家: bare amounts joined to an amount
/// with a unit by list separators take its kind and unit.
fn apply_list_units(line: &str, found: &mut [Amount]) {
    for i in (1..found.len()).rev() {
        let (head, tail) = found.split_at_mut(i);
        let next = &tail[0];
        let prev = &mut head[i - 1];
        let between = &line[prev.span.end.min(next.span.start)..next.span.start];
        let bare = prev.unit.is_empty() || prev.rule == "money_context";
        if is_list_separator(between)
            && bare
            && !next.unit.is_empty()
            && (prev.rule == PENDING || next.kind == Kind::Money || prev.kind == next.kind)
        {
            prev.kind = next.kind;
            prev.unit = next.unit;
            prev.rule = match next.kind {
                Kind::Money => "money_list",
                Kind::Percent => "percent_list",
                _ => "quantity_list",
            };
            if prev.per.is_empty() {
                prev.per = next.per.clone();
            }
        }
    }
}

/// 分别增长12%、8%和5%: list items after a change word share its
/// direction; 增长12%至56亿元: an amount after 至 following a change is
/// where it went.
fn apply_list_changes(line: &str, found: &mut [Amount]) {
    for i in 1..found.len() {
        let (head, tail) = found.split_at_mut(i);
        let prev = &head[i - 1];
        let cur = &mut tail[0];
        let between = &line[prev.span.end.min(cur.span.start)..cur.span.start];
        if cur.change != Change::None || !matches!(prev.change, Change::Up | Change::Down) {
            continue;
        }
        if is_list_separator(between) && between != "，" && prev.kind == cur.kind {
            cur.change = prev.change;
        } else if matches!(between, "至" | "到") {
            cur.change = Change::To;
        }
    }
}

/// 由696元提高到730元, 由上年的488亿元升至529亿元: the amount before a
/// to-amount in the same clause, with 由 or 从 before it in that clause, is
/// where the change started; a 由 with no to-amount means nothing.
fn apply_from_pairs(line: &str, found: &mut [Amount]) {
    for i in 0..found.len() {
        let end = found[i].span.end;
        let paired = found[i + 1..].first().is_some_and(|next| {
            next.change == Change::To && !line[end..next.span.start].contains(['，', '。', '；'])
        });
        if paired {
            let clause = &line[clause_start(line, found[i].span.start)..found[i].span.start];
            if clause.contains('由') || clause.contains('从') || found[i].change == Change::From {
                found[i].change = Change::From;
                // 每户…由600元提高到1000元: both ends share the rate.
                if found[i + 1].per.is_empty() {
                    found[i + 1].per = found[i].per.clone();
                }
            }
        } else if found[i].change == Change::From {
            found[i].change = Change::None;
        }
    }
}

/// 由16%、10%分别调整为13%、9%: with 分别, a list after 由/从 and an
/// equally long list after the to-word pair item by item, so every item
/// of the first is a from and every item of the second a to (pairing
/// alone sees only the adjacent 10% → 13%).
fn apply_respective_from_to(line: &str, found: &mut [Amount]) {
    let mut i = 1;
    while i < found.len() {
        let to_end = list_end(line, found, i);
        let from_start = list_start(line, found, i - 1);
        let respective = found[i].change == Change::To
            && to_end - i >= 2
            && to_end - i == i - from_start
            && found[from_start].kind == found[i].kind;
        if respective {
            let first = found[from_start].span.start;
            let clause_from = clause_start(line, first);
            let clause = &line[clause_from..found[i].span.start];
            let before_list = &line[clause_from..first];
            if clause.contains("分别") && before_list.contains(['由', '从']) {
                found[from_start..i]
                    .iter_mut()
                    .for_each(|a| a.change = Change::From);
                found[i..to_end]
                    .iter_mut()
                    .for_each(|a| a.change = Change::To);
            }
        }
        i = to_end.max(i + 1);
    }
}

/// Whether two amounts are items of one list: joined by 、 or a
/// conjunction (not a comma, which may start another clause) and of one
/// kind.
fn joined_in_list(line: &str, prev: &Amount, next: &Amount) -> bool {
    let between = &line[prev.span.end.min(next.span.start)..next.span.start];
    is_list_separator(between) && between != "，" && prev.kind == next.kind
}

/// The index one past the last item of the list that starts at `first`;
/// later items must carry no change of their own.
fn list_end(line: &str, found: &[Amount], first: usize) -> usize {
    let mut end = first + 1;
    while end < found.len()
        && found[end].change == Change::None
        && joined_in_list(line, &found[end - 1], &found[end])
    {
        end += 1;
    }
    end
}

/// The index of the first item of the list that ends at `last`; earlier
/// items carry no change but from (read from 由 before them).
fn list_start(line: &str, found: &[Amount], last: usize) -> usize {
    let mut start = last;
    while start > 0
        && matches!(found[start - 1].change, Change::None | Change::From)
        && joined_in_list(line, &found[start - 1], &found[start])
    {
        start -= 1;
    }
    start
}

/// Whether `position` (before/after) is in the table; used by tests.
pub fn qualifier_position(word: &str) -> Option<Position> {
    if QUALIFIERS.0.get(word).is_some() {
        Some(Position::Before)
    } else if QUALIFIERS.1.get(word).is_some() {
        Some(Position::After)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    fn one(line: &str) -> Amount {
        let found = scan(line, &[]);
        assert_eq!(found.len(), 1, "{line}: {found:#?}");
        found.into_iter().next().unwrap()
    }

    fn texts(line: &str) -> Vec<String> {
        scan(line, &[])
            .into_iter()
            .map(|a| line[a.span].to_string())
            .collect()
    }

    /// [`non_fact_word_over`] as first written: every start in the window
    /// asked, whatever its characters.
    fn non_fact_word_over_asking_every_start(
        line: &str,
        run: &Range<usize>,
    ) -> Option<Range<usize>> {
        let window_start = line[..run.start]
            .char_indices()
            .rev()
            .take(4)
            .last()
            .map_or(run.start, |(i, _)| i);
        non_fact_word_from(line, window_start, run)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn a_per_group_is_found_as_asking_each_char_finds_it(
            before in proptest::collection::vec(
                select(&["每", "人", "户", "月", "个月", "平方米", "公斤", "吨", "元", "1", "，", "\u{10000}", "é"][..]),
                0..8,
            ).prop_map(|pieces| pieces.concat())
        ) {
            prop_assert_eq!(
                per_group_ending(&before),
                per_group_ending_asking_each_char(&before),
                "{}", before
            );
        }
    }

    /// [`clause_signs`] as a search per sign.
    fn clause_signs_searching_each(line: &str, end: usize, floor: usize) -> ClauseSigns {
        let start = clause_start(line, end).max(floor.min(end));
        let clause = &line[start..end];
        let at = |i: Option<usize>| i.map(|i| start + i);
        ClauseSigns {
            start,
            average: clause.contains('均'),
            price: at(clause.rfind('价')),
            single: at(clause.rfind('单')),
            each: at(clause.rfind('每')),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn clause_signs_are_those_a_search_per_sign_finds(
            line in "[均价单每，。：,;a1的\u{10000}]{0,16}"
        ) {
            let bounds: Vec<usize> =
                (0..=line.len()).filter(|&k| line.is_char_boundary(k)).collect();
            for &end in &bounds {
                for &floor in &bounds {
                    prop_assert_eq!(
                        clause_signs(&line, end, floor),
                        clause_signs_searching_each(&line, end, floor),
                        "{} to {} from {}", line, end, floor
                    );
                }
            }
        }
    }

    /// Text made of non-fact words, their characters and a few others:
    /// words glued, cut and overlapping.
    fn non_fact_text() -> impl Strategy<Value = String> {
        let (words, chars) = NON_FACTS.sorted_words_and_their_chars();
        let others: Vec<String> = ["1", "25", "的", "年", "点", "，", "a", "之"]
            .map(String::from)
            .to_vec();
        proptest::collection::vec(
            prop_oneof![select(words), select(chars), select(others)],
            0..10,
        )
        .prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn the_non_fact_word_is_the_one_asking_every_start_finds(line in non_fact_text()) {
            let bounds: Vec<usize> =
                (0..=line.len()).filter(|&k| line.is_char_boundary(k)).collect();
            for (n, &start) in bounds.iter().enumerate() {
                for &end in &bounds[n..] {
                    let run = start..end;
                    prop_assert_eq!(
                        non_fact_word_over(&line, &run),
                        non_fact_word_over_asking_every_start(&line, &run),
                        "{} at {:?}", line, run
                    );
                }
            }
        }
    }

    #[test]
    fn reads_money_with_multiplier_and_currency() {
        let a = one("总投资600亿元的项目");
        assert_eq!((a.value.to_string(), a.unit), ("60000000000".into(), "CNY"));
        let a = one("4.71亿美元资本金到位");
        assert_eq!((a.value.to_string(), a.unit), ("471000000".into(), "USD"));
    }

    #[test]
    fn reads_qualifier_before_a_bare_multiplier() {
        let a = one("拉动相关产业链投资近千亿元的重大项目");
        assert_eq!(a.value.to_string(), "100000000000");
        assert_eq!(a.qualifier, Qualifier::Approx);
    }

    #[test]
    fn reads_over_between_number_and_multiplier() {
        let a = one("享受税收减免800余万元");
        assert_eq!(
            (a.value.to_string(), a.qualifier),
            ("8000000".into(), Qualifier::Over)
        );
        let a = one("完成170多公里建设");
        assert_eq!(
            (a.value.to_string(), a.unit, a.qualifier),
            ("170".into(), "公里", Qualifier::Over)
        );
    }

    #[test]
    fn reads_ranges_with_shared_unit() {
        let a = one("医疗救助待遇达到80%至90%。");
        assert_eq!(
            (a.value.to_string(), a.value_max.unwrap().to_string()),
            ("80".into(), "90".into())
        );
        let a = one("奖励两到三万港元");
        assert_eq!(
            (
                a.value.to_string(),
                a.value_max.unwrap().to_string(),
                a.unit
            ),
            ("20000".into(), "30000".into(), "HKD")
        );
        let a = one("补贴5万至10万元");
        assert_eq!(
            (a.value.to_string(), a.value_max.unwrap().to_string()),
            ("50000".into(), "100000".into())
        );
    }

    #[test]
    fn reads_rates_and_changes() {
        let found = scan("由每人每月696元提高到每人每月730元", &[]);
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].change, found[0].per.as_str()),
            (Change::From, "每人每月")
        );
        assert_eq!(
            (found[1].change, found[1].per.as_str()),
            (Change::To, "每人每月")
        );
        let a = one("贷款同比增长31.2%");
        assert_eq!(a.change, Change::Up);
    }

    #[test]
    fn skips_labels_ordinals_and_idioms() {
        assert!(texts("辽河雷61储气库注气投产").is_empty());
        assert!(texts("启动实施5G石化运输").is_empty());
        assert!(texts("分列第11名和第25名").is_empty());
        assert!(texts("一手抓疫情防控").is_empty());
        assert!(texts("高水平全面建成小康社会是一项系统工程").is_empty());
        assert!(texts("零就业家庭保持动态为零").is_empty());
    }

    #[test]
    fn a_rate_after_a_number_counts_the_whole_noun() {
        fn len(text: &str) -> Option<&str> {
            counted_denominator_len(text).map(|n| &text[..n])
        }
        assert_eq!(len("人口拥有"), Some("人口"));
        assert_eq!(len("常住人口拥有"), Some("常住人口"));
        assert_eq!(len("名老年人拥有"), Some("名老年人"));
        assert_eq!(len("人拥有"), Some("人"));
        assert_eq!(len("股派"), Some("股"));
        assert_eq!(len("名职员"), Some("名"));
        assert_eq!(len("拥有"), None);
    }

    #[test]
    fn respective_lists_pair_item_by_item() {
        let changes =
            |line: &str| -> Vec<Change> { scan(line, &[]).iter().map(|a| a.change).collect() };
        use Change::{From, None as No, To};
        assert_eq!(
            changes("税率由16%、10%分别调整为13%、9%。"),
            [From, From, To, To]
        );
        assert_eq!(
            changes("分别从30%、40%降至20%和30%。"),
            [From, From, To, To]
        );
        // Lists of unequal length, or no 分别: only the adjacent pair.
        assert_eq!(changes("分别由16%、10%调整为13%。"), [No, From, To]);
        assert_eq!(changes("由16%、10%调整为13%、9%。"), [No, From, To, No]);
    }

    #[test]
    fn list_bounds_stop_at_commas_and_other_kinds() {
        let line = "由16%、10%、5元，3%";
        let found = scan(line, &[]);
        assert_eq!(list_start(line, &found, 1), 0);
        assert_eq!(list_end(line, &found, 0), 2);
        assert_eq!(list_end(line, &found, 2), 3);
    }

    #[test]
    fn a_change_verb_reaches_over_its_object_only() {
        let change = |line: &str| change_over_object(line, line.len());
        assert_eq!(change("下调金融机构存款准备金率"), Change::Down);
        assert_eq!(change("央行上调了存款准备金率"), Change::Up);
        assert_eq!(change("下调利率后新增贷款"), Change::None);
        assert_eq!(change("降低门槛吸引社会资本"), Change::None);
        assert_eq!(change("下调利率，释放长期资金"), Change::None);
        assert_eq!(change("工业增加值"), Change::None);
        assert_eq!(change("下调"), Change::None);
    }

    #[test]
    fn an_object_is_nouns_after_the_verb_as_a_word() {
        assert!(governs_object("下调金融机构存款准备金率", "下调".len()));
        assert!(governs_object("降低一般纳税人增值税税率", "降低".len()));
        assert!(!governs_object("提高效率节约成本", "提高".len()));
        assert!(!governs_object("下调利率后", "下调".len()));
        assert!(!governs_object("提高个税起征点到", "提高".len()));
    }

    #[test]
    fn reads_percent_forms() {
        assert_eq!(one("占百分之三十五").value.to_string(), "35");
        assert_eq!(one("约三成半的人").value.to_string(), "35");
        assert_eq!(one("打七折").value.to_string(), "70");
        let a = one("下降0.3个百分点");
        assert_eq!((a.unit, a.change), ("pp", Change::Down));
        assert_eq!(one("千分之五").unit, "‰");
    }

    #[test]
    fn reads_jiao_and_fen() {
        assert_eq!(one("50元6角三分").value.to_string(), "50.63");
    }

    #[test]
    fn reads_years_and_months_as_one_quantity() {
        let a = one("历时4年3个月");
        assert_eq!((a.value.to_string(), a.unit), ("51".into(), "个月"));
    }

    #[test]
    fn reads_hours_and_minutes_as_one_quantity_in_minutes() {
        let a = one("经过2小时15分钟的施救");
        assert_eq!((a.value.to_string(), a.unit), ("135".into(), "分钟"));
        let a = one("用时约2个小时15分左右");
        assert_eq!(
            (a.value.to_string(), a.unit, a.qualifier),
            ("135".into(), "分钟", Qualifier::Approx)
        );
        assert_eq!(one("用时1小时2分3秒").value.to_string(), "3723");
    }

    #[test]
    fn keeps_a_rate_and_a_whole_unit_as_two_quantities() {
        assert_eq!(texts("一天8小时工作制"), ["一天", "8小时"]);
        assert_eq!(texts("365天24小时服务"), ["365天", "24小时"]);
        assert_eq!(texts("两个多小时15分钟"), ["两个多小时", "15分钟"]);
    }

    #[test]
    fn reads_index_points_after_an_index_or_a_market_verb() {
        let a = one("上证综指收报3373.28点");
        assert_eq!((a.value.to_string(), a.unit), ("3373.28".into(), "点"));
        let a = one("全天上涨了约25.3点");
        assert_eq!(
            (a.unit, a.qualifier, a.change),
            ("点", Qualifier::Approx, Change::Up)
        );
        assert_eq!(one("跌至3000点").change, Change::To);
        assert_eq!(one("大盘跌超千点").value.to_string(), "1000");
    }

    #[test]
    fn reads_ge_dian_as_points_only_where_an_index_is_named() {
        let a = one("沪指涨了20个点");
        assert_eq!((a.value.to_string(), a.unit), ("20".into(), "点"));
        assert_eq!(one("大盘跌了100多个点").qualifier, Qualifier::Over);
        // Without an index, 个点 may be percentage points: 个 stays the unit.
        assert_eq!(one("股价上涨了2个点").unit, "个");
    }

    #[test]
    fn leaves_times_of_day_and_a_little_without_points() {
        assert!(texts("沪指下午3点收盘").is_empty());
        assert!(texts("沪指上涨3点钟").is_empty());
        assert!(texts("沪指8点半开盘").is_empty());
        assert!(texts("上涨3点15分").is_empty());
        assert!(texts("股价上涨了一点").is_empty());
        assert!(texts("会议3点开始").is_empty());
        assert_eq!(one("沪指上涨2个百分点").unit, "pp");
    }

    #[test]
    fn reads_basis_points_as_written() {
        let a = one("贷款市场报价利率下降5个基点");
        assert_eq!(
            (a.kind, a.value.to_string(), a.unit, a.change),
            (Kind::Percent, "5".into(), "bp", Change::Down)
        );
        assert_eq!(one("加息75基点").unit, "bp");
        assert!(texts("以此为基点推动发展").is_empty());
    }
}
