//! Dates: absolute, partial, periods, relative, holidays and ranges,
//! resolved against the document's reference date.
//!
//! A small recursive-descent reader tries each position where a date can
//! start (a numeral, or the first character of a date word) and reads the
//! longest date there. Partial dates take their year from the sentence (an
//! explicit year before them, `同年`) or from the reference date: the
//! nearest reading not after it, unless the sentence looks ahead
//! (`将于`, `计划`, `预计`). The system clock is never read.
//!
//! ```
//! use zhfacts::calendar::Date;
//! use zhfacts::extract::date::{scan, DateContext};
//! let mut ctx = DateContext::new(Date::parse("2020-12-10"));
//! let found = scan("8月7日，总投资600亿元的项目投产", &mut ctx);
//! assert_eq!(found[0].date, "2020-08-07");
//! ```

use super::lexicon::SPRING_FESTIVAL;
use super::numerals::{self, chinese_digit};
use crate::calendar::{days_in_month, Date};
use crate::document::Qualifier;
use std::ops::Range;

/// A date found in a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFact {
    /// Byte range of the date's text in the paragraph.
    pub span: Range<usize>,
    /// TIMEX3-style value; empty when it cannot be resolved.
    pub date: String,
    /// start / mid / end / since.
    pub qualifier: Qualifier,
    /// Rule name.
    pub rule: &'static str,
}

/// What the reader knows while it walks a document.
#[derive(Debug, Clone)]
pub struct DateContext {
    /// The reference date.
    pub reference: Option<Date>,
    /// The last year named explicitly (for 同年).
    last_year: Option<i32>,
    /// The last month named (for 7日, 月底).
    last_month: Option<(Option<i32>, u32)>,
    /// The last day named (for 次日).
    last_day: Option<Date>,
    /// The sentence looks ahead (将于, 计划 …).
    looks_ahead: bool,
    /// A year named earlier in the current sentence.
    sentence_year: Option<i32>,
    /// The last period named in the current sentence (for 去年同期).
    sentence_period: Option<Timex>,
}

impl DateContext {
    /// A context for one document.
    pub fn new(reference: Option<Date>) -> Self {
        DateContext {
            reference,
            last_year: None,
            last_month: None,
            last_day: None,
            looks_ahead: false,
            sentence_year: None,
            sentence_period: None,
        }
    }
}

/// A resolved date value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Timex {
    Year(Option<i32>),
    Half(Option<i32>, u32),
    Quarter(Option<i32>, u32),
    Month(Option<i32>, u32),
    Week(i32, u32),
    Day(Option<i32>, u32, u32),
    Interval(Box<Timex>, Box<Timex>),
    Unresolved,
}

impl Timex {
    fn render(&self) -> String {
        let y = |y: &Option<i32>| y.map_or("XXXX".to_string(), |y| format!("{y:04}"));
        match self {
            Timex::Year(year) => y(year),
            Timex::Half(year, h) => format!("{}-H{h}", y(year)),
            Timex::Quarter(year, q) => format!("{}-Q{q}", y(year)),
            Timex::Month(year, m) => format!("{}-{m:02}", y(year)),
            Timex::Week(year, w) => format!("{year:04}-W{w:02}"),
            Timex::Day(year, m, d) => format!("{}-{m:02}-{d:02}", y(year)),
            Timex::Interval(a, b) => {
                let (a, b) = (a.render(), b.render());
                if a.is_empty() || b.is_empty() {
                    String::new()
                } else {
                    format!("{a}/{b}")
                }
            }
            Timex::Unresolved => String::new(),
        }
    }

    fn year(&self) -> Option<i32> {
        match self {
            Timex::Year(y)
            | Timex::Half(y, _)
            | Timex::Quarter(y, _)
            | Timex::Month(y, _)
            | Timex::Day(y, _, _) => *y,
            Timex::Week(y, _) => Some(*y),
            Timex::Interval(_, b) => b.year(),
            Timex::Unresolved => None,
        }
    }

    fn with_year(&self, year: Option<i32>) -> Timex {
        match self {
            Timex::Year(_) => Timex::Year(year),
            Timex::Half(_, h) => Timex::Half(year, *h),
            Timex::Quarter(_, q) => Timex::Quarter(year, *q),
            Timex::Month(_, m) => Timex::Month(year, *m),
            Timex::Day(_, m, d) => Timex::Day(year, *m, *d),
            Timex::Interval(a, b) => {
                let shift = |t: &Timex| t.with_year(t.year().zip(year).map(|(ty, _)| ty).and(year));
                Timex::Interval(Box::new(shift(a)), Box::new(shift(b)))
            }
            other => other.clone(),
        }
    }
}

fn day(date: Date) -> Timex {
    Timex::Day(Some(date.year), date.month, date.day)
}

/// Words that make a sentence look ahead.
const LOOK_AHEAD: &[&str] = &[
    "将于", "将在", "即将", "计划", "预计", "拟于", "拟", "有望", "力争", "将要", "届时", "明年",
];

/// Reads every date in `line` (one paragraph), in order.
pub fn scan(line: &str, ctx: &mut DateContext) -> Vec<DateFact> {
    let mut found = Vec::new();
    let mut sentence_end = 0;
    let mut i = 0;
    while i < line.len() {
        if i >= sentence_end {
            sentence_end = line[i..]
                .find(['。', '！', '？', '；'])
                .map_or(line.len(), |k| i + k + 3);
            let sentence = &line[i..sentence_end.min(line.len())];
            ctx.looks_ahead = LOOK_AHEAD.iter().any(|w| sentence.contains(w));
            ctx.sentence_year = None;
            ctx.sentence_period = None;
        }
        let c = line[i..].chars().next().expect("i is on a char boundary");
        if could_start(c) && !glued_to_number(line, i) {
            let mut reader = Reader { line, ctx };
            if let Some(mut fact) = reader.date_or_range(i) {
                if fact.span.end > i {
                    let value = fact.value.clone();
                    if let Some(y) = value.year() {
                        reader.ctx.sentence_year = Some(y);
                    }
                    if !matches!(value, Timex::Unresolved) {
                        reader.ctx.sentence_period = Some(value.clone());
                    }
                    i = fact.span.end;
                    fact.fact.span = fact.span.clone();
                    found.push(fact.fact);
                    continue;
                }
            }
        }
        i += c.len_utf8();
    }
    found
}

/// A date can start with a numeral or with the first character of a date word.
fn could_start(c: char) -> bool {
    c.is_ascii_digit()
        || chinese_digit(c).is_some()
        || "十今去前明后本上下这昨次同年月元国春劳近截当Q第廿除中".contains(c)
}

/// A position inside a longer number (12345年 is no year; 4.71亿 no date).
fn glued_to_number(line: &str, i: usize) -> bool {
    let c = line[i..].chars().next().unwrap_or(' ');
    let prev = line[..i].chars().next_back();
    c.is_ascii_digit()
        && prev
            .is_some_and(|p| p.is_ascii_digit() || p == '.' || p == ',' || p.is_ascii_alphabetic())
}

struct Found {
    span: Range<usize>,
    value: Timex,
    fact: DateFact,
}

struct Reader<'a, 'c> {
    line: &'a str,
    ctx: &'c mut DateContext,
}

/// Reads a number (Arabic or Chinese) of at most `max_chars` characters.
fn number_at(line: &str, at: usize, max_chars: usize) -> Option<(u32, usize)> {
    let mut end = at;
    for (k, c) in line[at..].char_indices() {
        if c.is_ascii_digit() || chinese_digit(c).is_some() || c == '十' || c == '廿' || c == '卅'
        {
            end = at + k + c.len_utf8();
        } else {
            break;
        }
        if line[at..end].chars().count() >= max_chars {
            break;
        }
    }
    if end == at {
        return None;
    }
    let text = &line[at..end];
    let n = numerals::parse(text)?;
    if n.high.is_some() {
        return None;
    }
    let v: u32 = n.low.to_string().parse().ok()?;
    Some((v, end))
}

fn starts(line: &str, at: usize, word: &str) -> bool {
    line[at..].starts_with(word)
}

impl Reader<'_, '_> {
    fn finish(
        &mut self,
        start: usize,
        end: usize,
        value: Timex,
        qualifier: Qualifier,
        rule: &'static str,
    ) -> Found {
        match &value {
            Timex::Day(y, m, d) => {
                self.ctx.last_month = Some((*y, *m));
                if let Some(date) = y.and_then(|y| Date::new(y, *m, *d)) {
                    self.ctx.last_day = Some(date);
                }
            }
            Timex::Month(y, m) => self.ctx.last_month = Some((*y, *m)),
            _ => {}
        }
        Found {
            span: start..end,
            value: value.clone(),
            fact: DateFact {
                span: start..end,
                date: value.render(),
                qualifier,
                rule,
            },
        }
    }

    /// A date, then maybe `至` and a second date that inherits its year and month.
    fn date_or_range(&mut self, at: usize) -> Option<Found> {
        let first = self.date(at)?;
        let mut end = first.span.end;
        end = skip_time_of_day(self.line, end);
        for connector in ["至", "到", "-", "—", "～", "~", "－"] {
            if starts(self.line, end, connector) {
                let second_at = end + connector.len();
                let saved_year = self.ctx.sentence_year;
                self.ctx.sentence_year = first.value.year().or(saved_year);
                if let Some((second_value, second_end)) = self.second_half(second_at, &first.value)
                {
                    let second_end = skip_time_of_day(self.line, second_end);
                    let value =
                        Timex::Interval(Box::new(first.value.clone()), Box::new(second_value));
                    let mut found =
                        self.finish(at, second_end, value, Qualifier::None, "date_range");
                    if let Some((q, len)) = date_suffix_qualifier(self.line, second_end) {
                        found.span.end += len;
                        found.fact.qualifier = q;
                    }
                    return Some(found);
                }
                self.ctx.sentence_year = saved_year;
            }
        }
        Some(first)
    }

    /// The second half of a range: a full date, or a month/day that
    /// inherits from the first.
    fn second_half(&mut self, at: usize, first: &Timex) -> Option<(Timex, usize)> {
        // 次日: the day after the first.
        if starts(self.line, at, "次日") {
            if let Timex::Day(Some(y), m, d) = first {
                let next = Date::new(*y, *m, *d)?.add_days(1);
                return Some((day(next), at + "次日".len()));
            }
        }
        let (year, month) = match first {
            Timex::Day(y, m, _) => (*y, Some(*m)),
            Timex::Month(y, _) | Timex::Year(y) => (*y, None),
            _ => return None,
        };
        // A bare day number after a day: 8月7日至9日.
        if let (Timex::Day(..), Some(m)) = (first, month) {
            if let Some((d, end)) = number_at(self.line, at, 2) {
                let day_word = starts(self.line, end, "日") || starts(self.line, end, "号");
                if day_word && d >= 1 && d <= days_in_month(year.unwrap_or(2000), m) {
                    return Some((Timex::Day(year, m, d), end + 3));
                }
            }
        }
        let second = self.date(at)?;
        let value = match (&second.value, first) {
            (Timex::Day(None, m, d), Timex::Day(Some(y), fm, _)) => {
                // 12月31日至1月2日 crosses into the next year.
                let y = if *m < *fm { y + 1 } else { *y };
                Timex::Day(Some(y), *m, *d)
            }
            (Timex::Month(None, m), Timex::Month(Some(y), fm)) => {
                Timex::Month(Some(if *m < *fm { y + 1 } else { *y }), *m)
            }
            (v, _) => v.clone(),
        };
        if matches!(value, Timex::Unresolved) {
            return None;
        }
        Some((value, second.span.end))
    }

    /// One date at `at`.
    fn date(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        let c = line[at..].chars().next()?;
        if c == '截' && starts(line, at, "截至") {
            return None; // 截至 is not part of the date; the date after it is read on its own
        }
        self.relative(at)
            .or_else(|| self.years_ago(at))
            .or_else(|| self.recent_years(at))
            .or_else(|| self.absolute(at))
            .or_else(|| self.iso(at))
            .or_else(|| self.month_day(at, None))
            .or_else(|| self.lone_day(at))
            .or_else(|| self.period(at, None, at))
            .or_else(|| self.plan(at))
            .or_else(|| self.holiday(at, None, at))
    }

    /// Infers the year of a month (and day) with none written.
    fn infer_year(&self, month: u32, day: Option<u32>) -> Option<i32> {
        if let Some(y) = self.ctx.sentence_year {
            return Some(y);
        }
        let reference = self.ctx.reference?;
        let y = reference.year;
        let key = (month, day.unwrap_or(1));
        let ref_key = (
            reference.month,
            if day.is_some() { reference.day } else { 1 },
        );
        if self.ctx.looks_ahead {
            Some(if key < ref_key { y + 1 } else { y })
        } else {
            Some(if key > ref_key { y - 1 } else { y })
        }
    }

    /// The current year for periods with none written (上半年, 年底).
    fn context_year(&self) -> Option<i32> {
        self.ctx
            .sentence_year
            .or(self.ctx.reference.map(|r| r.year))
    }

    /// A year: 2020年, 二〇二〇年, 19年 (before a month or period), 同年.
    fn year(&mut self, at: usize) -> Option<(i32, usize)> {
        let line = self.line;
        if starts(line, at, "同年") {
            return Some((
                self.ctx.last_year.or(self.ctx.sentence_year)?,
                at + "同年".len(),
            ));
        }
        let mut end = at;
        let mut digits = String::new();
        for (k, c) in line[at..].char_indices() {
            let d = if c.is_ascii_digit() {
                c.to_digit(10)
            } else {
                chinese_digit(c).filter(|_| c != '两')
            };
            match d {
                Some(d) => {
                    digits.push(char::from_digit(d, 10)?);
                    end = at + k + c.len_utf8();
                }
                None => break,
            }
            if digits.len() > 4 {
                return None;
            }
        }
        if !starts(line, end, "年") {
            return None;
        }
        let after = end + "年".len();
        match digits.len() {
            4 => {
                let y: i32 = digits.parse().ok()?;
                (1000..=2999).contains(&y).then_some((y, after))
            }
            2 => {
                let rest = &line[after..];
                let dated = rest.starts_with(|c: char| c.is_ascii_digit())
                    && month_follows(line, after)
                    || [
                        "底",
                        "初",
                        "末",
                        "中",
                        "上半年",
                        "下半年",
                        "第一季度",
                        "第二季度",
                        "第三季度",
                        "第四季度",
                        "一季度",
                        "二季度",
                        "三季度",
                        "四季度",
                        "前三季度",
                        "全年",
                    ]
                    .iter()
                    .any(|w| rest.starts_with(w))
                    || digits.starts_with('0');
                if !dated || line[..at].ends_with(|c: char| c.is_ascii_digit()) {
                    return None;
                }
                let yy: i32 = digits.parse().ok()?;
                let pivot = self.ctx.reference.map_or(30, |r| r.year % 100 + 5);
                Some((if yy <= pivot { 2000 + yy } else { 1900 + yy }, after))
            }
            _ => None,
        }
    }

    /// Year, then month, day, or a period of the year.
    fn absolute(&mut self, at: usize) -> Option<Found> {
        let (year, after_year) = self.year(at)?;
        self.ctx.last_year = Some(year);
        if let Some(found) = self.month_day(after_year, Some(year)).map(|mut f| {
            f.span.start = at;
            f.fact.span.start = at;
            f
        }) {
            return Some(found);
        }
        if let Some(found) = self.period(after_year, Some(year), at) {
            return Some(found);
        }
        if let Some(found) = self.holiday(after_year, Some(year), at) {
            return Some(found);
        }
        // 2018年至2020年 is read by the range; 2018年以来 / 年底 here.
        let (q, len) = year_qualifier(self.line, after_year).unwrap_or((Qualifier::None, 0));
        Some(self.finish(
            at,
            after_year + len,
            Timex::Year(Some(year)),
            q,
            "date_year",
        ))
    }

    /// 2020-08-07, 2020/8/7, 2020.8.7.
    fn iso(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        let bytes = line.as_bytes();
        let mut parts = Vec::new();
        let mut i = at;
        let mut sep = None;
        for k in 0..3 {
            let s = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i == s {
                return None;
            }
            parts.push(line[s..i].parse::<u32>().ok()?);
            if k < 2 {
                let c = *bytes.get(i)?;
                if !matches!(c, b'-' | b'/' | b'.') || sep.is_some_and(|s| s != c) {
                    return None;
                }
                sep = Some(c);
                i += 1;
            }
        }
        if bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
        {
            return None;
        }
        let (y, m, d) = (parts[0] as i32, parts[1], parts[2]);
        if !(1000..=2999).contains(&y) || line[at..].find(|c: char| !c.is_ascii_digit()) != Some(4)
        {
            return None;
        }
        Date::new(y, m, d)?;
        self.ctx.last_year = Some(y);
        Some(self.finish(
            at,
            i,
            Timex::Day(Some(y), m, d),
            Qualifier::None,
            "date_numeric",
        ))
    }

    /// 8月7日, 8月7号, 8月, 8月份, 8月初, 8月下旬.
    fn month_day(&mut self, at: usize, year: Option<i32>) -> Option<Found> {
        let line = self.line;
        let (month, end) = number_at(line, at, 2)?;
        if !(1..=12).contains(&month) || !starts(line, end, "月") {
            return None;
        }
        // 3个月 is a duration; so is 3月 preceded by 个? (no): only check 个.
        let mut end = end + "月".len();
        if let Some((d, day_end)) = number_at(line, end, 3) {
            if starts(line, day_end, "日") || starts(line, day_end, "号") {
                let y = year.or_else(|| self.infer_year(month, Some(d)));
                if d >= 1 && d <= days_in_month(y.unwrap_or(2000), month) {
                    let stop = day_end + 3;
                    let value = Timex::Day(y, month, d);
                    let (q, len) =
                        date_suffix_qualifier(line, stop).unwrap_or((Qualifier::None, 0));
                    return Some(self.finish(
                        at,
                        stop + len,
                        value,
                        q,
                        if year.is_some() {
                            "date_full"
                        } else {
                            "date_month_day"
                        },
                    ));
                }
                return None;
            }
        }
        if starts(line, end, "份") {
            end += "份".len();
        }
        let y = year.or_else(|| self.infer_year(month, None));
        let (q, len) = month_qualifier(line, end).unwrap_or((Qualifier::None, 0));
        let (q2, len2) = date_suffix_qualifier(line, end + len).unwrap_or((Qualifier::None, 0));
        let q = if q == Qualifier::None { q2 } else { q };
        Some(self.finish(
            at,
            end + len + len2,
            Timex::Month(y, month),
            q,
            if year.is_some() {
                "date_year_month"
            } else {
                "date_month"
            },
        ))
    }

    /// 7日 alone: the month from context.
    fn lone_day(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        if !line[at..].starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let (d, end) = number_at(line, at, 2)?;
        if !(starts(line, end, "日") || starts(line, end, "号")) || !(1..=31).contains(&d) {
            return None;
        }
        let after = &line[end + 3..];
        if ["内", "以内", "之内", "起", "前", "后"]
            .iter()
            .any(|w| after.starts_with(w))
        {
            return None;
        }
        let before = &line[..at];
        if ["连续", "近", "每", "前", "后", "约", "共"]
            .iter()
            .any(|w| before.ends_with(w))
        {
            return None;
        }
        let (y, m) = match self.ctx.last_month {
            Some((y, m)) => (y, m),
            None => {
                let r = self.ctx.reference?;
                let (y, m) = if d > r.day && !self.ctx.looks_ahead {
                    let prev = Date::new(r.year, r.month, 1)?.add_days(-1);
                    (prev.year, prev.month)
                } else {
                    (r.year, r.month)
                };
                (Some(y), m)
            }
        };
        if d > days_in_month(y.unwrap_or(2000), m) {
            return None;
        }
        Some(self.finish(
            at,
            end + 3,
            Timex::Day(y, m, d),
            Qualifier::None,
            "date_day",
        ))
    }

    /// Periods of a year: 上半年, 第三季度, Q3, 前三季度, 年初, 年底; with
    /// `year` when one was written before.
    fn period(&mut self, at: usize, year: Option<i32>, start: usize) -> Option<Found> {
        let line = self.line;
        let y = year.or_else(|| self.context_year());
        let rest = &line[at..];
        let done = |reader: &mut Self, end: usize, value: Timex, q: Qualifier, rule| {
            let (q2, len) = date_suffix_qualifier(line, end).unwrap_or((Qualifier::None, 0));
            let q = if q == Qualifier::None { q2 } else { q };
            Some(reader.finish(start, end + len, value, q, rule))
        };
        for (word, half) in [("上半年", 1), ("下半年", 2), ("上半年度", 1)] {
            if rest.starts_with(word) {
                return done(
                    self,
                    at + word.len(),
                    Timex::Half(y, half),
                    Qualifier::None,
                    "date_half",
                );
            }
        }
        // 前三季度 → January to the end of the third quarter.
        if let Some(r) = rest.strip_prefix("前") {
            if let Some((q, end)) = number_at(r, 0, 1) {
                if (1..=4).contains(&q) && r[end..].starts_with("季度") {
                    let value = Timex::Interval(
                        Box::new(Timex::Month(y, 1)),
                        Box::new(Timex::Month(y, q * 3)),
                    );
                    return done(
                        self,
                        at + 3 + end + "季度".len(),
                        value,
                        Qualifier::None,
                        "date_quarters",
                    );
                }
            }
        }
        let q_at = if rest.starts_with('第') { at + 3 } else { at };
        if let Some((q, end)) = number_at(line, q_at, 1) {
            if (1..=4).contains(&q)
                && (starts(line, end, "季度") || starts(line, end, "季"))
                && !starts(line, end, "季度末")
            {
                let len = if starts(line, end, "季度") {
                    "季度".len()
                } else {
                    "季".len()
                };
                if len == "季".len() && year.is_none() {
                    return None; // 第3季 of a show is no date
                }
                return done(
                    self,
                    end + len,
                    Timex::Quarter(y, q),
                    Qualifier::None,
                    "date_quarter",
                );
            }
        }
        if let Some(r) = rest.strip_prefix('Q') {
            if let Some(q) = r.chars().next().and_then(|c| c.to_digit(10)) {
                let next = r[1..].chars().next();
                if (1..=4).contains(&q)
                    && !next.is_some_and(|c| c.is_ascii_alphanumeric())
                    && !line[..at].ends_with(|c: char| c.is_ascii_alphanumeric())
                {
                    return done(
                        self,
                        at + 2,
                        Timex::Quarter(y, q),
                        Qualifier::None,
                        "date_quarter",
                    );
                }
            }
        }
        // 年初, 年中, 年底, 年末 (also after a year: 2018年初 is read by year_qualifier).
        for (word, q) in [
            ("年初", Qualifier::Start),
            ("年中", Qualifier::Mid),
            ("年底", Qualifier::End),
            ("年末", Qualifier::End),
        ] {
            if rest.starts_with(word) && year.is_none() {
                if line[..at].ends_with(|c: char| {
                    c.is_ascii_digit()
                        || chinese_digit(c).is_some()
                        || "近多去今明前后本同当".contains(c)
                }) {
                    return None;
                }
                let len = word.len();
                return done(self, at + len, Timex::Year(y), q, "date_year_part");
            }
        }
        // 月初, 月底, 上旬, 中旬, 下旬 alone: the month in context.
        for (word, q) in [
            ("月初", Qualifier::Start),
            ("月中", Qualifier::Mid),
            ("月底", Qualifier::End),
            ("月末", Qualifier::End),
            ("上旬", Qualifier::Start),
            ("中旬", Qualifier::Mid),
            ("下旬", Qualifier::End),
        ] {
            if rest.starts_with(word) && year.is_none() {
                if line[..at].ends_with(|c: char| {
                    c.is_ascii_digit()
                        || chinese_digit(c).is_some()
                        || c == '个'
                        || c == '每'
                        || c == '本'
                        || c == '上'
                        || c == '下'
                }) {
                    return None;
                }
                let (my, m) = self
                    .ctx
                    .last_month
                    .or_else(|| self.ctx.reference.map(|r| (Some(r.year), r.month)))?;
                return done(
                    self,
                    at + word.len(),
                    Timex::Month(my, m),
                    q,
                    "date_month_part",
                );
            }
        }
        None
    }

    /// 十三五, 十四五 as periods (十三五期间), not as plan names (十三五规划).
    fn plan(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        for (word, from, to) in [
            ("十二五", 2011, 2015),
            ("十三五", 2016, 2020),
            ("十四五", 2021, 2025),
            ("十五五", 2026, 2030),
        ] {
            if starts(line, at, word) {
                let mut after = at + word.len();
                let quoted = starts(line, after, "”");
                if quoted {
                    after += "”".len();
                }
                let rest = &line[after..];
                if rest.starts_with("规划") || rest.starts_with("计划") || rest.starts_with("纲要")
                {
                    return None;
                }
                let period = [
                    "期间", "时期", "以来", "末", "初", "开局", "收官", "前", "中",
                ]
                .iter()
                .find(|w| rest.starts_with(**w))?;
                let value = Timex::Interval(
                    Box::new(Timex::Year(Some(from))),
                    Box::new(Timex::Year(Some(to))),
                );
                let (q, len) = match *period {
                    "以来" => (Qualifier::Since, "以来".len()),
                    "末" => (Qualifier::End, "末".len()),
                    "初" => (Qualifier::Start, "初".len()),
                    _ => (Qualifier::None, 0),
                };
                let end = if quoted && len == 0 {
                    at + word.len()
                } else {
                    after + len
                };
                return Some(self.finish(at, end, value, q, "date_plan"));
            }
        }
        None
    }

    /// 元旦, 国庆, 春节, 劳动节, 除夕.
    fn holiday(&mut self, at: usize, year: Option<i32>, start: usize) -> Option<Found> {
        let line = self.line;
        let table: [Holiday; 8] = [
            ("国庆节", Some((10, 1)), 0),
            ("国庆", Some((10, 1)), 0),
            ("元旦", Some((1, 1)), 0),
            ("劳动节", Some((5, 1)), 0),
            ("春节", None, 0),
            ("除夕", None, -1),
            ("五一劳动节", Some((5, 1)), 0),
            ("新年", Some((1, 1)), 0),
        ];
        for (word, fixed, offset) in table {
            if !starts(line, at, word) || (word == "新年" && year.is_none()) {
                continue;
            }
            let end = at + word.len();
            let y = match year {
                Some(y) => Some(y),
                None => {
                    let (m, d) = fixed.unwrap_or((2, 1));
                    self.infer_year(m, Some(d))
                }
            };
            let value = match (fixed, y) {
                (Some((m, d)), y) => Timex::Day(y, m, d),
                (None, Some(y)) => {
                    let spring = *SPRING_FESTIVAL.get(&y)?;
                    day(spring.add_days(offset))
                }
                (None, None) => Timex::Unresolved,
            };
            return Some(self.finish(start, end, value, Qualifier::None, "date_holiday"));
        }
        None
    }

    /// 今年, 去年, 本月, 上周五, 昨天 … and what follows a relative year.
    fn relative(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        let r = self.ctx.reference;
        let years: [(&str, i32); 6] = [
            ("今年", 0),
            ("去年", -1),
            ("前年", -2),
            ("明年", 1),
            ("后年", 2),
            ("本年", 0),
        ];
        for (word, delta) in years {
            if !starts(line, at, word) {
                continue;
            }
            if word == "前年"
                && line[..at].ends_with(|c: char| c.is_ascii_digit() || chinese_digit(c).is_some())
            {
                return None;
            }
            let y = r.map(|r| r.year + delta);
            let after = at + word.len();
            let was_ahead = self.ctx.looks_ahead;
            if let Some(y) = y {
                self.ctx.sentence_year = Some(y);
            }
            // 去年同期: the period named in the sentence, one year back.
            if starts(line, after, "同期") {
                let value = match (&self.ctx.sentence_period, y) {
                    (Some(p), Some(y))
                        if !matches!(
                            p,
                            Timex::Interval(..) | Timex::Week(..) | Timex::Unresolved
                        ) =>
                    {
                        p.with_year(Some(y))
                    }
                    (_, Some(y)) => Timex::Year(Some(y)),
                    _ => Timex::Unresolved,
                };
                return Some(self.finish(
                    at,
                    after + "同期".len(),
                    value,
                    Qualifier::None,
                    "date_same_period",
                ));
            }
            let sub = if y.is_some() {
                self.month_day(after, y)
                    .or_else(|| self.period(after, y, at))
                    .or_else(|| self.holiday(after, y, at))
            } else {
                None
            };
            self.ctx.looks_ahead = was_ahead;
            if let Some(mut f) = sub {
                f.span.start = at;
                f.fact.span.start = at;
                if f.fact.rule != "date_same_period" {
                    f.fact.rule = "date_relative";
                }
                return Some(f);
            }
            if y.is_none() {
                // Unresolved: still a fact, with its parts read for the span.
                let end = relative_tail(line, after);
                return Some(self.finish(
                    at,
                    end,
                    Timex::Unresolved,
                    Qualifier::None,
                    "date_relative",
                ));
            }
            let (q, len) = year_qualifier(line, after).unwrap_or((Qualifier::None, 0));
            return Some(self.finish(at, after + len, Timex::Year(y), q, "date_relative"));
        }
        let months: [(&str, i32); 6] = [
            ("本月", 0),
            ("上个月", -1),
            ("上月", -1),
            ("下个月", 1),
            ("下月", 1),
            ("当月", 0),
        ];
        for (word, delta) in months {
            if starts(line, at, word) {
                let end = at + word.len();
                let value = r.map_or(Timex::Unresolved, |r| {
                    let total = r.year * 12 + r.month as i32 - 1 + delta;
                    Timex::Month(
                        Some(total.div_euclid(12)),
                        (total.rem_euclid(12) + 1) as u32,
                    )
                });
                let (q, len) = month_qualifier(line, end).unwrap_or((Qualifier::None, 0));
                return Some(self.finish(at, end + len, value, q, "date_relative"));
            }
        }
        let weeks: [(&str, i64); 5] = [
            ("本周", 0),
            ("这周", 0),
            ("上周", -1),
            ("下周", 1),
            ("上个星期", -1),
        ];
        for (word, delta) in weeks {
            if starts(line, at, word) {
                let end = at + word.len();
                let weekday = line[end..]
                    .chars()
                    .next()
                    .and_then(|c| "一二三四五六日天".find(c).map(|k| k / 3 + 1));
                let weekday = weekday.map(|w| w.min(7) as i64);
                let Some(r) = r else {
                    let len = if weekday.is_some() { 3 } else { 0 };
                    return Some(self.finish(
                        at,
                        end + len,
                        Timex::Unresolved,
                        Qualifier::None,
                        "date_relative",
                    ));
                };
                let monday = r.add_days(1 - i64::from(r.weekday()) + 7 * delta);
                return Some(match weekday {
                    Some(w) => self.finish(
                        at,
                        end + 3,
                        day(monday.add_days(w - 1)),
                        Qualifier::None,
                        "date_relative",
                    ),
                    None => {
                        let (y, w) = monday.iso_week();
                        self.finish(at, end, Timex::Week(y, w), Qualifier::None, "date_relative")
                    }
                });
            }
        }
        let days: [(&str, i64); 9] = [
            ("今天", 0),
            ("今日", 0),
            ("昨天", -1),
            ("昨日", -1),
            ("前天", -2),
            ("明天", 1),
            ("明日", 1),
            ("后天", 2),
            ("当天", 0),
        ];
        for (word, delta) in days {
            if starts(line, at, word) {
                if word == "前天"
                    && line[..at]
                        .ends_with(|c: char| c.is_ascii_digit() || chinese_digit(c).is_some())
                {
                    return None;
                }
                if word == "当天" {
                    let value = self.ctx.last_day.map_or(Timex::Unresolved, day);
                    if matches!(value, Timex::Unresolved) {
                        return None;
                    }
                    return Some(self.finish(
                        at,
                        at + word.len(),
                        value,
                        Qualifier::None,
                        "date_relative",
                    ));
                }
                let value = r.map_or(Timex::Unresolved, |r| day(r.add_days(delta)));
                return Some(self.finish(
                    at,
                    at + word.len(),
                    value,
                    Qualifier::None,
                    "date_relative",
                ));
            }
        }
        if starts(line, at, "次日") {
            let value = self.ctx.last_day.map(|d| day(d.add_days(1)))?;
            return Some(self.finish(
                at,
                at + "次日".len(),
                value,
                Qualifier::None,
                "date_relative",
            ));
        }
        None
    }

    /// 两年前, 13年前, 两年之后, 3年后.
    fn years_ago(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        let (n, end) = number_at(line, at, 3)?;
        if line[..at].ends_with(|c: char| c.is_ascii_digit()) || !starts(line, end, "年") {
            return None;
        }
        let after = end + "年".len();
        let (sign, len) = [
            ("之前", -1),
            ("以前", -1),
            ("前", -1),
            ("之后", 1),
            ("以后", 1),
            ("后", 1),
        ]
        .iter()
        .find(|(w, _)| starts(line, after, w))
        .map(|(w, s)| (*s, w.len()))?;
        if n == 0 || n > 200 {
            return None;
        }
        let value = self.ctx.reference.map_or(Timex::Unresolved, |r| {
            Timex::Year(Some(r.year + sign * n as i32))
        });
        Some(self.finish(at, after + len, value, Qualifier::None, "date_years_ago"))
    }

    /// 近三年, 近10年来: the years up to the reference year.
    fn recent_years(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        let body = ["近", "最近", "过去"]
            .iter()
            .find(|w| starts(line, at, w))?;
        let num_at = at + body.len();
        let (n, end) = number_at(line, num_at, 3)?;
        if !starts(line, end, "年") || starts(line, end, "年前") || n == 0 || n > 100 {
            return None;
        }
        let mut stop = end + "年".len();
        if starts(line, stop, "来") {
            stop += "来".len();
        } else if starts(line, stop, "以来") {
            stop += "以来".len();
        }
        let value = self.ctx.reference.map_or(Timex::Unresolved, |r| {
            Timex::Interval(
                Box::new(Timex::Year(Some(r.year - n as i32 + 1))),
                Box::new(Timex::Year(Some(r.year))),
            )
        });
        Some(self.finish(at, stop, value, Qualifier::None, "date_recent_years"))
    }
}

/// A holiday word, its fixed month and day (none: the Spring Festival
/// table), and an offset in days (除夕 is the day before).
type Holiday = (&'static str, Option<(u32, u32)>, i64);

/// After a relative year with no reference: how far its span goes.
fn relative_tail(line: &str, at: usize) -> usize {
    for w in [
        "上半年",
        "下半年",
        "前三季度",
        "年初",
        "年底",
        "年末",
        "以来",
        "同期",
        "底",
        "初",
    ] {
        if starts(line, at, w) {
            return at + w.len();
        }
    }
    if let Some((m, end)) = number_at(line, at, 2) {
        if (1..=12).contains(&m) && starts(line, end, "月") {
            let mut stop = end + 3;
            if let Some((_, d_end)) = number_at(line, stop, 3) {
                if starts(line, d_end, "日") || starts(line, d_end, "号") {
                    stop = d_end + 3;
                }
            }
            return stop;
        }
    }
    at
}

/// `中` after a year or month means "the middle of" only when it ends the
/// phrase (2020年中，), not in 年中央, 8月中国.
fn mid_stands_alone(line: &str, at: usize) -> bool {
    matches!(
        line[at + '中'.len_utf8()..].chars().next(),
        None | Some('，' | '。' | '、' | '；' | '以' | '前' | '后')
    )
}

/// 初, 中, 底, 末, 以来 right after a year.
fn year_qualifier(line: &str, at: usize) -> Option<(Qualifier, usize)> {
    [
        ("以来", Qualifier::Since),
        ("初", Qualifier::Start),
        ("年初", Qualifier::Start),
        ("中", Qualifier::Mid),
        ("底", Qualifier::End),
        ("末", Qualifier::End),
    ]
    .iter()
    .find(|(w, _)| starts(line, at, w) && (*w != "中" || mid_stands_alone(line, at)))
    .map(|(w, q)| (*q, w.len()))
}

/// 初, 中旬, 底, 上旬 … right after a month.
fn month_qualifier(line: &str, at: usize) -> Option<(Qualifier, usize)> {
    [
        ("上旬", Qualifier::Start),
        ("中旬", Qualifier::Mid),
        ("下旬", Qualifier::End),
        ("初", Qualifier::Start),
        ("中", Qualifier::Mid),
        ("底", Qualifier::End),
        ("末", Qualifier::End),
    ]
    .iter()
    .find(|(w, _)| starts(line, at, w) && (*w != "中" || mid_stands_alone(line, at)))
    .map(|(w, q)| (*q, w.len()))
}

/// 以来 after a date.
fn date_suffix_qualifier(line: &str, at: usize) -> Option<(Qualifier, usize)> {
    starts(line, at, "以来").then_some((Qualifier::Since, "以来".len()))
}

/// Skips a time-of-day word between the halves of a range (晚上, 凌晨).
fn skip_time_of_day(line: &str, at: usize) -> usize {
    for w in [
        "晚上", "凌晨", "上午", "下午", "中午", "早上", "傍晚", "夜间", "白天",
    ] {
        if starts(line, at, w) {
            let after = at + w.len();
            if ["至", "到", "-", "—"]
                .iter()
                .any(|c| starts(line, after, c))
                || line[after..].is_empty()
            {
                return after;
            }
        }
    }
    at
}

fn month_follows(line: &str, at: usize) -> bool {
    number_at(line, at, 2).is_some_and(|(m, end)| (1..=12).contains(&m) && starts(line, end, "月"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(line: &str, reference: &str) -> Vec<(String, String)> {
        let mut ctx = DateContext::new(Date::parse(reference));
        scan(line, &mut ctx)
            .into_iter()
            .map(|f| (line[f.span].to_string(), f.date))
            .collect()
    }

    fn one(line: &str, reference: &str) -> String {
        let d = dates(line, reference);
        assert_eq!(d.len(), 1, "{line}: {d:?}");
        d[0].1.clone()
    }

    #[test]
    fn reads_absolute_dates() {
        assert_eq!(one("2020年8月7日投产", "2020-12-10"), "2020-08-07");
        assert_eq!(one("二〇二〇年八月七日", "2020-12-10"), "2020-08-07");
        assert_eq!(one("于2020-08-07发布", "2020-12-10"), "2020-08-07");
        assert_eq!(one("于2020/8/7发布", "2020-12-10"), "2020-08-07");
        assert_eq!(one("于2020.8.7发布", "2020-12-10"), "2020-08-07");
        assert_eq!(one("2020年8月", "2020-12-10"), "2020-08");
        assert_eq!(one("2020年，", "2020-12-10"), "2020");
    }

    #[test]
    fn infers_the_year_not_after_the_reference() {
        assert_eq!(one("8月7日，总投资", "2020-12-10"), "2020-08-07");
        assert_eq!(one("12月30日召开", "2020-01-05"), "2019-12-30");
        assert_eq!(one("将于3月召开", "2020-12-10"), "2021-03");
    }

    #[test]
    fn without_reference_years_stay_unknown() {
        let mut ctx = DateContext::new(None);
        let found = scan("8月7日投产，今年完成", &mut ctx);
        assert_eq!(found[0].date, "XXXX-08-07");
        assert_eq!(found[1].date, "");
    }

    #[test]
    fn reads_periods_and_relatives() {
        assert_eq!(one("今年上半年", "2020-12-10"), "2020-H1");
        assert_eq!(one("第三季度", "2020-12-10"), "2020-Q3");
        assert_eq!(one("前三季度", "2020-12-10"), "2020-01/2020-09");
        assert_eq!(one("去年", "2020-12-10"), "2019");
        assert_eq!(one("上周五", "2020-12-10"), "2020-12-04");
        assert_eq!(one("本周", "2020-12-10"), "2020-W50");
        assert_eq!(one("近三年", "2020-12-10"), "2018/2020");
        assert_eq!(one("两年前", "2020-12-10"), "2018");
        assert_eq!(one("十三五期间", "2020-12-10"), "2016/2020");
        assert_eq!(one("春节", "2020-12-10"), "2020-01-25");
    }

    #[test]
    fn reads_ranges_and_since() {
        assert_eq!(one("2018年至2020年", "2020-12-10"), "2018/2020");
        assert_eq!(
            one("2020年8月7日至9月1日", "2020-12-10"),
            "2020-08-07/2020-09-01"
        );
        assert_eq!(one("8月7日-9月1日", "2020-12-10"), "2020-08-07/2020-09-01");
        let mut ctx = DateContext::new(Date::parse("2020-12-10"));
        let f = scan("2018年以来，", &mut ctx);
        assert_eq!(
            (f[0].date.as_str(), f[0].qualifier),
            ("2018", Qualifier::Since)
        );
    }

    #[test]
    fn leaves_amounts_and_durations_alone() {
        assert!(dates("4.71亿美元资本金", "2020-12-10").is_empty());
        assert!(dates("每人每月2190元", "2020-12-10").is_empty());
        assert!(dates("连续3年每年安排", "2020-12-10").is_empty());
        assert!(dates("实现就业1762人", "2020-12-10").is_empty());
        assert!(dates("提前一年实现了“十三五”规划", "2020-12-10").is_empty());
    }
}
