//! Numerals: Arabic, Chinese, financial and mixed, in exact decimal arithmetic.
//!
//! [`parse`] reads one numeral as the scanner found it (`4.71亿`, `三千五百万`,
//! `3万5`, `两千万点五五`, `十几万`, `八九亿`, `上百`) and returns its value,
//! or a range for vague magnitudes (see docs/CONVENTIONS.md).
//!
//! ```
//! use zhfacts::extract::numerals::parse;
//! assert_eq!(parse("4.71亿").unwrap().low.to_string(), "471000000");
//! assert_eq!(parse("四千万零六千").unwrap().low.to_string(), "40006000");
//! let vague = parse("十几万").unwrap();
//! assert_eq!((vague.low.to_string(), vague.high.unwrap().to_string()), ("110000".into(), "190000".into()));
//! ```

use rust_decimal::Decimal;
use std::str::FromStr;

/// A parsed numeral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    /// The value, or the low end of a vague range.
    pub low: Decimal,
    /// The high end of a vague range (数十, 十几, 两三).
    pub high: Option<Decimal>,
    /// Contains a multiplier character (十百千万亿): a written magnitude.
    pub has_multiplier: bool,
    /// Contains 万 or 亿.
    pub has_large_multiplier: bool,
    /// Contains Arabic digits.
    pub arabic: bool,
    /// Written with Chinese numerals only.
    pub chinese_only: bool,
}

/// Value of a Chinese digit character.
pub fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' | '壹' | '幺' => 1,
        '二' | '两' | '俩' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// Power of ten of a small unit character (十百千).
fn small_unit(c: char) -> Option<u32> {
    Some(match c {
        '十' | '拾' => 1,
        '百' | '佰' => 2,
        '千' | '仟' => 3,
        _ => return None,
    })
}

/// Power of ten of a large unit character (万亿).
fn large_unit(c: char) -> Option<u32> {
    Some(match c {
        '万' | '萬' => 4,
        '亿' | '億' => 8,
        _ => return None,
    })
}

/// Whether `c` can be part of a numeral run.
pub fn is_numeral_char(c: char) -> bool {
    c.is_ascii_digit()
        || chinese_digit(c).is_some()
        || small_unit(c).is_some()
        || large_unit(c).is_some()
        || matches!(c, '廿' | '卅' | '几' | '数' | '点')
}

fn pow10(n: u32) -> Decimal {
    Decimal::from_i128_with_scale(10i128.pow(n), 0)
}

/// One token of a numeral.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    /// A digit value with its vague alternative (high end): 五 → (5,5),
    /// 几 → (1,9), an Arabic number → (n,n).
    Digit(Decimal, Decimal, bool),
    Small(u32),
    Large(u32),
    Point,
}

fn tokenize(s: &str) -> Option<Vec<Token>> {
    let chars: Vec<char> = s.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || ((chars[i] == '.' || chars[i] == ',')
                        && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())))
            {
                i += 1;
            }
            let digits: String = chars[start..i].iter().filter(|&&c| c != ',').collect();
            let value = Decimal::from_str(&digits).ok()?;
            tokens.push(Token::Digit(value, value, true));
            continue;
        }
        let token = if let Some(d) = chinese_digit(c) {
            let d = Decimal::from(d);
            Token::Digit(d, d, false)
        } else if let Some(p) = small_unit(c) {
            Token::Small(p)
        } else if let Some(p) = large_unit(c) {
            Token::Large(p)
        } else if c == '廿' || c == '卅' {
            let tens = Decimal::from(if c == '廿' { 2 } else { 3 });
            tokens.push(Token::Digit(tens, tens, false));
            Token::Small(1)
        } else if c == '几' || c == '数' {
            Token::Digit(Decimal::ONE, Decimal::from(9), false)
        } else if c == '点' || c == '.' {
            Token::Point
        } else {
            return None;
        };
        tokens.push(token);
        i += 1;
    }
    Some(tokens)
}

/// Parses a numeral. Returns none when the run is not a well-formed number.
pub fn parse(s: &str) -> Option<Number> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(arabic) = plain_arabic(s) {
        return arabic;
    }
    // A lone Chinese digit (一, 三): the most common Chinese numeral.
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if let Some(d) = chinese_digit(c) {
            return Some(Number {
                low: Decimal::from(d),
                high: None,
                has_multiplier: false,
                has_large_multiplier: false,
                arabic: false,
                chinese_only: true,
            });
        }
    }
    if let Some(number) = plain_chinese(s).or_else(|| arabic_times_large_unit(s)) {
        return Some(number);
    }
    parse_tokens(s)
}

/// A Chinese integer of the digits 一 to 九 and units (十五, 三千五百万,
/// 百亿), read in integers without tokens: after lone digits the most
/// common Chinese numerals. `None` for any other numeral (zeros, vague or
/// side-by-side digits, points, Arabic digits): the general reading reads
/// those.
fn plain_chinese(s: &str) -> Option<Number> {
    // Far below what a Decimal holds (7.9e28): under it the general reading
    // cannot overflow either.
    const LIMIT: u128 = 10u128.pow(27);
    let mut total: u128 = 0;
    let mut section: u128 = 0;
    let mut current: Option<u128> = None;
    let mut last_unit: Option<u32> = None;
    let mut has_large_multiplier = false;
    for c in s.chars() {
        if let Some(d) = chinese_digit(c) {
            if d == 0 || current.is_some() {
                return None;
            }
            current = Some(u128::from(d));
        } else if let Some(power) = small_unit(c) {
            section += current.take().unwrap_or(1) * 10u128.pow(power);
            last_unit = Some(power);
        } else if let Some(power) = large_unit(c) {
            // As [`Reading::large`]: 亿 multiplies everything before it, a
            // bare unit counts one.
            let below = section + current.take().unwrap_or(0);
            total = if power == 8 {
                (total + below).max(1) * 10u128.pow(8)
            } else if below == 0 && total == 0 {
                10u128.pow(4)
            } else {
                total + below * 10u128.pow(4)
            };
            section = 0;
            last_unit = Some(power);
            has_large_multiplier = true;
        } else {
            return None;
        }
        if total > LIMIT || section > LIMIT {
            return None;
        }
    }
    // 两千五: a trailing digit counts one place below the unit before it.
    if let Some(digit) = current {
        section += match last_unit {
            Some(power) if power >= 1 => digit * 10u128.pow(power - 1),
            _ => digit,
        };
    }
    let value = i128::try_from(total + section).ok()?;
    Some(Number {
        low: Decimal::from_i128_with_scale(value, 0),
        high: None,
        has_multiplier: last_unit.is_some(),
        has_large_multiplier,
        arabic: false,
        chinese_only: true,
    })
}

/// An Arabic number times one large unit (4544万, 1.5亿): the most common
/// mixed numeral, read without tokens. `None` for any other numeral, and
/// for zero (0万 reads as 万).
fn arabic_times_large_unit(s: &str) -> Option<Number> {
    let unit = s.chars().next_back()?;
    let power = large_unit(unit)?;
    let value = plain_arabic(&s[..s.len() - unit.len_utf8()])??.low;
    if value.is_zero() {
        return None;
    }
    Some(Number {
        low: value.checked_mul(pow10(power))?.normalize(),
        high: None,
        has_multiplier: true,
        has_large_multiplier: true,
        arabic: true,
        chinese_only: false,
    })
}

/// The general reading of a trimmed, non-empty numeral, token by token.
fn parse_tokens(s: &str) -> Option<Number> {
    let arabic = s.chars().any(|c| c.is_ascii_digit());
    let chinese_only = !arabic;
    let has_large_multiplier = s.chars().any(|c| large_unit(c).is_some());
    let has_multiplier = has_large_multiplier || s.chars().any(|c| small_unit(c).is_some());
    let number = |low: Decimal, high: Option<Decimal>| Number {
        low: low.normalize(),
        high: high
            .map(|h| h.normalize())
            .filter(|&h| h != low.normalize()),
        has_multiplier,
        has_large_multiplier,
        arabic,
        chinese_only,
    };

    // 上百, 上千, 上万 (and 上百万): at least that order, below the next.
    if let Some(rest) = s.strip_prefix('上') {
        let mut chars = rest.chars();
        let unit = chars.next()?;
        let power = small_unit(unit).or_else(|| large_unit(unit).filter(|&p| p == 4))?;
        let scale = match chars.as_str() {
            "" => Decimal::ONE,
            more => parse_plain(&tokenize(&format!("一{more}"))?)?.0,
        };
        let low = pow10(power) * scale;
        return Some(number(low, Some(low * Decimal::from(10) - scale)));
    }

    let tokens = tokenize(s)?;
    // 几 or 数 alone: a few.
    if tokens.len() == 1
        && matches!(tokens[0], Token::Digit(_, _, false))
        && (s == "几" || s == "数")
    {
        return Some(number(Decimal::from(2), Some(Decimal::from(9))));
    }
    // Digit strings: 二〇二〇, 一〇五 (no units, no point, two or more digits).
    let all_digits = tokens
        .iter()
        .all(|t| matches!(t, Token::Digit(_, _, false)));
    if all_digits && tokens.len() >= 2 && !s.contains('几') && !s.contains('数') {
        let digits: Vec<Decimal> = tokens
            .iter()
            .map(|t| match t {
                Token::Digit(d, _, _) => *d,
                _ => Decimal::ZERO,
            })
            .collect();
        // Two consecutive digits are a vague pair: 两三, 八九.
        if digits.len() == 2 && digits[1] == digits[0] + Decimal::ONE {
            return Some(number(digits[0], Some(digits[1])));
        }
        let text: String = digits.iter().map(|d| d.to_string()).collect();
        return Some(number(Decimal::from_str(&text).ok()?, None));
    }
    let tokens = merge_vague_pairs(tokens);
    let (low, high) = parse_plain(&tokens)?;
    Some(number(low, Some(high)))
}

/// An Arabic number alone (2020, 12.5, 1,200), read without tokens: most
/// numerals in news are one, and they are read at every candidate date
/// and amount. `None` when `s` is anything else; `Some(None)` when it is
/// malformed (1.2.3), as the general reading would say.
fn plain_arabic(s: &str) -> Option<Option<Number>> {
    let bytes = s.as_bytes();
    let well_formed = bytes.first().is_some_and(u8::is_ascii_digit)
        && bytes.iter().enumerate().all(|(i, b)| {
            b.is_ascii_digit()
                || (matches!(b, b'.' | b',') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        });
    if !well_formed {
        return None;
    }
    let low = match short_decimal(bytes) {
        Some(value) => value,
        None => {
            let value = if s.contains(',') {
                Decimal::from_str(&s.replace(',', ""))
            } else {
                Decimal::from_str(s)
            };
            match value {
                Ok(value) => value.normalize(),
                Err(_) => return Some(None),
            }
        }
    };
    Some(Some(Number {
        low,
        high: None,
        has_multiplier: false,
        has_large_multiplier: false,
        arabic: true,
        chinese_only: false,
    }))
}

/// A well-formed Arabic number of at most 18 bytes, normalized, read in
/// a u64 (its digits fit one) as `Decimal::from_str` reads it: the same
/// mantissa and scale, without the parser and, for integers, without
/// normalizing. `None` for longer numbers and for several points.
fn short_decimal(bytes: &[u8]) -> Option<Decimal> {
    if bytes.len() > 18 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut scale: Option<u32> = None;
    for &b in bytes {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                if let Some(places) = scale.as_mut() {
                    *places += 1;
                }
            }
            b'.' if scale.is_some() => return None,
            b'.' => scale = Some(0),
            _ => {} // a thousands separator
        }
    }
    let value = Decimal::from_i128_with_scale(i128::from(mantissa), scale.unwrap_or(0));
    Some(if scale.is_some() {
        value.normalize()
    } else {
        value
    })
}

/// Folds a vague pair of digits before a unit (两三万, 三四十) into one
/// digit token with a range.
fn merge_vague_pairs(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for t in tokens {
        if let (Some(Token::Digit(a, a_high, false)), Token::Digit(b, _, false)) = (out.last(), t) {
            if a == a_high && b == *a + Decimal::ONE {
                let a = *a;
                out.pop();
                out.push(Token::Digit(a, b, false));
                continue;
            }
        }
        out.push(t);
    }
    out
}

/// The standard positional reading, computed for the low and the high
/// reading of vague digits at once.
fn parse_plain(tokens: &[Token]) -> Option<(Decimal, Decimal)> {
    let mut low = Reading::default();
    let mut high = Reading::default();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i] {
            Token::Digit(l, h, _) => {
                // A digit right after another digit (not a pair) is malformed,
                // except zero, which only marks a skipped place.
                if low.current.is_some() && l != Decimal::ZERO {
                    return None;
                }
                if l == Decimal::ZERO && h == Decimal::ZERO && low.current.is_none() {
                    low.zero_seen = true;
                    high.zero_seen = true;
                } else {
                    low.current = Some(l);
                    high.current = Some(h);
                }
            }
            Token::Small(p) => {
                low.small(p)?;
                high.small(p)?;
            }
            Token::Large(p) => {
                low.large(p)?;
                high.large(p)?;
            }
            Token::Point => {
                // The fraction: the digits after the point, each one place lower.
                let mut fraction = Decimal::ZERO;
                let mut place = Decimal::new(1, 1);
                let mut j = i + 1;
                while let Some(Token::Digit(d, dh, arabic)) = tokens.get(j) {
                    if *arabic || d != dh {
                        return None;
                    }
                    fraction += *d * place;
                    place /= Decimal::from(10);
                    j += 1;
                }
                if j == i + 1 {
                    return None;
                }
                let whole_low = low.current.take().unwrap_or(Decimal::ZERO);
                let whole_high = high.current.take().unwrap_or(Decimal::ZERO);
                low.current = Some(whole_low + fraction);
                high.current = Some(whole_high + fraction);
                low.after_point = true;
                high.after_point = true;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    Some((low.finish()?, high.finish()?))
}

#[derive(Debug, Default)]
struct Reading {
    /// Sum of completed 亿 and 万 groups.
    total: Decimal,
    /// The part below the last large unit.
    section: Decimal,
    /// The digit (or Arabic number) waiting for its unit.
    current: Option<Decimal>,
    /// The power of the last unit read, for the implied place of a trailing
    /// digit (3万5 → 35000).
    last_unit: Option<u32>,
    zero_seen: bool,
    after_point: bool,
}

impl Reading {
    fn small(&mut self, power: u32) -> Option<()> {
        let digit = self.current.take().unwrap_or(Decimal::ONE);
        self.section = self.section.checked_add(digit.checked_mul(pow10(power))?)?;
        self.last_unit = Some(power);
        self.zero_seen = false;
        Some(())
    }

    fn large(&mut self, power: u32) -> Option<()> {
        let below = self.section + self.current.take().unwrap_or(Decimal::ZERO);
        if power == 8 {
            // 亿 multiplies everything before it (万亿 = 10^12).
            let before = self.total + below;
            let before = if before.is_zero() {
                Decimal::ONE
            } else {
                before
            };
            self.total = before.checked_mul(pow10(8))?;
        } else {
            let below = if below.is_zero() && self.total.is_zero() {
                Decimal::ONE
            } else {
                below
            };
            self.total = self.total.checked_add(below.checked_mul(pow10(4))?)?;
        }
        self.section = Decimal::ZERO;
        self.last_unit = Some(power);
        self.zero_seen = false;
        Some(())
    }

    fn finish(mut self) -> Option<Decimal> {
        if let Some(digit) = self.current.take() {
            // 3万5, 两千五: a trailing digit right after a unit counts one
            // place below it, unless a zero (四千万零六) marks the place.
            let implied = match self.last_unit {
                Some(p)
                    if p >= 1
                        && !self.zero_seen
                        && !self.after_point
                        && digit < Decimal::from(10) =>
                {
                    digit.checked_mul(pow10(p - 1))?
                }
                _ => digit,
            };
            self.section = self.section.checked_add(implied)?;
        }
        self.total.checked_add(self.section)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_numbers_and_lone_digits_read_alone_as_the_general_reading_reads_them() {
        let cases = [
            "0",
            "7",
            "08",
            "2020",
            "12.5",
            "4.7100",
            "0.05",
            "1,200",
            "1,234,567.89",
            "1.2.3",
            "1,2",
            "12,",
            "1.",
            "99999999999999999999999999999",
            "999999999999999999999999999999",
        ];
        for s in cases {
            assert_read_as_the_general_reading_reads(s);
        }
        // And a lone Chinese digit.
        for c in "〇零一壹幺二两俩贰三叁四肆五伍六陆七柒八捌九玖".chars() {
            assert_read_as_the_general_reading_reads(&c.to_string());
        }
        // Every string of up to four characters from digits, point and comma.
        for s in strings_up_to_four(&["0", "1", "9", ".", ","]) {
            assert_read_as_the_general_reading_reads(&s);
        }
    }

    /// Every string of one to four pieces of `alphabet`.
    fn strings_up_to_four(alphabet: &[&str]) -> Vec<String> {
        let mut all = Vec::new();
        let mut strings = vec![String::new()];
        for _ in 0..4 {
            strings = strings
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            all.extend(strings.iter().cloned());
        }
        all
    }

    /// `parse` and the general reading agree, to the representation of the
    /// decimals (a scale changes what is written out).
    fn assert_read_as_the_general_reading_reads(s: &str) {
        let exact = |n: Option<Number>| {
            n.map(|n| {
                let high = n.high.map(|h| h.serialize());
                (n.low.serialize(), high, n)
            })
        };
        assert_eq!(exact(parse(s)), exact(parse_tokens(s.trim())), "{s}");
    }

    #[test]
    fn short_numerals_read_alone_as_the_general_reading_reads_them() {
        // Every string of up to four characters from digits, units, zero,
        // a vague digit and Arabic pieces.
        let alphabet = [
            "一", "二", "两", "九", "十", "拾", "百", "千", "万", "萬", "亿", "零", "几", "5", "0",
            ".",
        ];
        for s in strings_up_to_four(&alphabet) {
            assert_read_as_the_general_reading_reads(&s);
        }
    }

    proptest::proptest! {
        #[test]
        fn chinese_numerals_read_as_the_general_reading_reads_them(
            s in "[一二三五九十百千万亿零两]{1,16}"
        ) {
            assert_read_as_the_general_reading_reads(&s);
        }

        #[test]
        fn arabic_numbers_read_as_the_general_reading_reads_them(
            s in "[0-9]{1,3}([0-9.,]{0,20}[0-9])?"
        ) {
            assert_read_as_the_general_reading_reads(&s);
        }

        #[test]
        fn arabic_numbers_times_a_unit_read_as_the_general_reading_reads_them(
            s in "[0-9,]{1,30}(\\.[0-9]{1,6})?[万亿萬億]{1,2}"
        ) {
            assert_read_as_the_general_reading_reads(&s);
        }
    }

    fn value(s: &str) -> String {
        parse(s)
            .unwrap_or_else(|| panic!("{s} did not parse"))
            .low
            .to_string()
    }

    fn range(s: &str) -> (String, String) {
        let n = parse(s).unwrap();
        (n.low.to_string(), n.high.expect("a range").to_string())
    }

    #[test]
    fn reads_arabic_with_separators_and_decimals() {
        assert_eq!(value("1,200"), "1200");
        assert_eq!(value("12,345.67"), "12345.67");
        assert_eq!(value("4.71"), "4.71");
        assert_eq!(value("1.10"), "1.1");
    }

    #[test]
    fn reads_arabic_with_chinese_multipliers() {
        assert_eq!(value("4.71亿"), "471000000");
        assert_eq!(value("12.3万亿"), "12300000000000");
        assert_eq!(value("1.5亿"), "150000000");
        assert_eq!(value("4544万"), "45440000");
        assert_eq!(value("3万5"), "35000");
        assert_eq!(value("3万5千"), "35000");
        assert_eq!(value("3千"), "3000");
    }

    #[test]
    fn reads_chinese_numerals() {
        assert_eq!(value("三千五百万"), "35000000");
        assert_eq!(value("一百二十亿"), "12000000000");
        assert_eq!(value("四千万零六千"), "40006000");
        assert_eq!(value("两千万点五五"), "20000000.55");
        assert_eq!(value("九十二点五"), "92.5");
        assert_eq!(value("十五"), "15");
        assert_eq!(value("一万二"), "12000");
        assert_eq!(value("两千五"), "2500");
        assert_eq!(value("一百零五"), "105");
        assert_eq!(value("廿三"), "23");
        assert_eq!(value("卅"), "30");
        assert_eq!(value("壹仟贰佰叁拾肆"), "1234");
        assert_eq!(value("百亿"), "10000000000");
        assert_eq!(value("千亿"), "100000000000");
        assert_eq!(value("万"), "10000");
    }

    #[test]
    fn reads_digit_strings() {
        assert_eq!(value("二〇二〇"), "2020");
        assert_eq!(value("一〇五"), "105");
    }

    #[test]
    fn reads_vague_magnitudes_as_ranges() {
        assert_eq!(range("数十万"), ("100000".into(), "900000".into()));
        assert_eq!(range("十几万"), ("110000".into(), "190000".into()));
        assert_eq!(range("三十几万"), ("310000".into(), "390000".into()));
        assert_eq!(range("两三"), ("2".into(), "3".into()));
        assert_eq!(range("八九亿"), ("800000000".into(), "900000000".into()));
        assert_eq!(range("几"), ("2".into(), "9".into()));
        assert_eq!(range("上百"), ("100".into(), "999".into()));
        assert_eq!(range("上万"), ("10000".into(), "99999".into()));
        assert_eq!(range("三四十"), ("30".into(), "40".into()));
    }

    #[test]
    fn exact_to_ten_to_the_eighteenth() {
        assert_eq!(value("999999999999999999"), "999999999999999999");
        assert_eq!(value("1000000000000000000"), "1000000000000000000");
    }

    #[test]
    fn rejects_malformed_runs() {
        assert!(parse("点").is_none());
        assert!(parse("").is_none());
    }
}
