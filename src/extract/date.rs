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

use super::lexicon::{CharSet, WordTable, MOVABLE_FESTIVALS, SPRING_FESTIVAL};
use super::numerals::{self, chinese_digit};
use crate::calendar::{days_in_month, Date};
use crate::document::Qualifier;
use std::ops::Range;
use std::sync::LazyLock;

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
    looks_ahead: LooksAhead,
    /// A year named earlier in the current sentence.
    sentence_year: Option<i32>,
    /// A year written out earlier in the current clause (2019年上半年…).
    clause_year: Option<i32>,
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
            looks_ahead: LooksAhead::Read(false),
            sentence_year: None,
            clause_year: None,
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
    /// The TIMEX3 text (2020-08-07, 2020-Q3, XXXX-08), or none when
    /// unresolved. Written digit by digit into one string: this runs for
    /// every date read, and formatting cost more than reading.
    fn render(&self) -> String {
        let mut out = String::with_capacity(24);
        if self.render_into(&mut out) {
            out
        } else {
            String::new()
        }
    }

    /// Appends the TIMEX3 text to `out`; false when unresolved (what was
    /// appended then means nothing).
    fn render_into(&self, out: &mut String) -> bool {
        match self {
            Timex::Year(year) => push_year(out, *year),
            Timex::Half(year, h) => {
                push_year(out, *year);
                out.push_str("-H");
                push_number(out, *h, 1);
            }
            Timex::Quarter(year, q) => {
                push_year(out, *year);
                out.push_str("-Q");
                push_number(out, *q, 1);
            }
            Timex::Month(year, m) => {
                push_year(out, *year);
                out.push('-');
                push_number(out, *m, 2);
            }
            Timex::Week(year, w) => {
                push_year(out, Some(*year));
                out.push_str("-W");
                push_number(out, *w, 2);
            }
            Timex::Day(year, m, d) => {
                push_year(out, *year);
                if *m == 0 {
                    out.push_str("-XX");
                } else {
                    out.push('-');
                    push_number(out, *m, 2);
                }
                out.push('-');
                push_number(out, *d, 2);
            }
            Timex::Interval(a, b) => {
                if !a.render_into(out) {
                    return false;
                }
                out.push('/');
                return b.render_into(out);
            }
            Timex::Unresolved => return false,
        }
        true
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

    /// The same period `delta` years earlier or later (去年同期).
    fn shift_years(&self, delta: i32) -> Timex {
        let s = |y: &Option<i32>| y.map(|y| y + delta);
        match self {
            Timex::Year(y) => Timex::Year(s(y)),
            Timex::Half(y, h) => Timex::Half(s(y), *h),
            Timex::Quarter(y, q) => Timex::Quarter(s(y), *q),
            Timex::Month(y, m) => Timex::Month(s(y), *m),
            Timex::Day(y, m, d) => Timex::Day(
                s(y),
                *m,
                (*d).min(days_in_month(y.unwrap_or(2000) + delta, *m).max(1)),
            ),
            Timex::Interval(a, b) => Timex::Interval(
                Box::new(a.shift_years(delta)),
                Box::new(b.shift_years(delta)),
            ),
            Timex::Week(y, w) => Timex::Week(y + delta, *w),
            Timex::Unresolved => Timex::Unresolved,
        }
    }

    /// First and last day, for comparisons with the reference date.
    fn bounds(&self) -> Option<(Date, Date)> {
        match self {
            Timex::Year(Some(y)) => Some((Date::new(*y, 1, 1)?, Date::new(*y, 12, 31)?)),
            Timex::Half(Some(y), h) => {
                let m = (h - 1) * 6 + 1;
                Some((
                    Date::new(*y, m, 1)?,
                    Date::new(*y, m + 5, days_in_month(*y, m + 5))?,
                ))
            }
            Timex::Quarter(Some(y), q) => {
                let m = (q - 1) * 3 + 1;
                Some((
                    Date::new(*y, m, 1)?,
                    Date::new(*y, m + 2, days_in_month(*y, m + 2))?,
                ))
            }
            Timex::Month(Some(y), m) => Some((
                Date::new(*y, *m, 1)?,
                Date::new(*y, *m, days_in_month(*y, *m))?,
            )),
            Timex::Day(Some(y), m, d) => Date::new(*y, *m, *d).map(|d| (d, d)),
            Timex::Interval(a, b) => Some((a.bounds()?.0, b.bounds()?.1)),
            _ => None,
        }
    }
}

/// Appends a year as four digits at least (`{y:04}`), or XXXX when unknown.
fn push_year(out: &mut String, year: Option<i32>) {
    match year.map(u32::try_from) {
        None => out.push_str("XXXX"),
        Some(Ok(y)) => push_number(out, y, 4),
        Some(Err(_)) => out.push_str(&format!("{:04}", year.unwrap_or_default())),
    }
}

/// Appends `n` with `width` digits at least, zero-padded (`{n:0width$}`).
fn push_number(out: &mut String, n: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut k = digits.len();
    let mut rest = n;
    loop {
        k -= 1;
        digits[k] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for _ in digits.len() - k..width {
        out.push('0');
    }
    out.extend(digits[k..].iter().map(|&b| char::from(b)));
}

fn day(date: Date) -> Timex {
    Timex::Day(Some(date.year), date.month, date.day)
}

/// Words that make a sentence look ahead.
const LOOK_AHEAD: &[&str] = &[
    "将于",
    "将在",
    "即将",
    "计划",
    "预计",
    "拟于",
    "拟",
    "有望",
    "力争",
    "将要",
    "届时",
    "明年",
    "将至",
    "将到",
    "展望",
    "建议",
    "若在",
    "要抓住",
    "之前将",
    "前将",
];

/// The look-ahead words as one regex: a single literal search per window.
static LOOK_AHEAD_RE: LazyLock<regex::Regex> = LazyLock::new(|| super::word_regex(LOOK_AHEAD));

/// Whether the clause being read looks ahead. Most positions where a date
/// may start read none, and most dates need no tense: it is read only when
/// a reader asks for it, once per clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LooksAhead {
    Read(bool),
    /// Not read yet; the clause starts here.
    Unread(usize),
}

/// Reads the tense of a date: the words from its clause's start to the end
/// of the next clause (9月底前，全市将完成 looks ahead; 9月下旬起，销量增长
/// does not), unless its own clause ends the sentence.
///
/// No look-ahead word holds a clause end, so the window looks ahead when
/// either of its clauses does; and the next clause's window starts with
/// that same next clause. Each clause is read once, not twice.
#[derive(Default)]
struct Tense {
    /// The last clause read: its start and end, whether it looks ahead,
    /// and whether the sentence goes on after it.
    last: Option<(usize, usize, bool, bool)>,
}

impl Tense {
    /// Whether the window of the clause around `at` looks ahead.
    fn looks_ahead(&mut self, line: &str, at: usize) -> bool {
        let start = line[..at]
            .rfind(CLAUSE_ENDS)
            .map_or(0, |i| i + '，'.len_utf8());
        let (end, ahead, goes_on) = self.clause(line, start);
        ahead || (goes_on && self.clause(line, end).1)
    }

    /// The clause starting at `start`: its end (after its punctuation),
    /// whether it looks ahead, and whether the sentence goes on after it.
    fn clause(&mut self, line: &str, start: usize) -> (usize, bool, bool) {
        if let Some((s, end, ahead, goes_on)) = self.last {
            if s == start {
                return (end, ahead, goes_on);
            }
        }
        let (end, goes_on) = match find_clause_end(line, start) {
            Some((k, c)) => (k + c.len_utf8(), !SENTENCE_ENDS.contains(&c)),
            None => (line.len(), false),
        };
        let ahead = looks_ahead(&line[start..end]);
        self.last = Some((start, end, ahead, goes_on));
        (end, ahead, goes_on)
    }
}

/// Whether a sentence looks ahead: a look-ahead word, or 将 before a verb
/// (将完成, 将举行; but 将城乡社区…纳入 is 将 marking an object).
fn looks_ahead(sentence: &str) -> bool {
    const VERB_STARTS: &str =
        "完实建举开达于在有至进全陆继迎启推投正成出再会要能可逐持加召发实上迈";
    LOOK_AHEAD_RE.is_match(sentence)
        || sentence.match_indices('将').any(|(i, c)| {
            sentence[i + c.len()..]
                .chars()
                .next()
                .is_some_and(|n| VERB_STARTS.contains(n))
        })
}

/// Reads every date in `line` (one paragraph), in order.
pub fn scan(line: &str, ctx: &mut DateContext) -> Vec<DateFact> {
    let mut found = Vec::new();
    let mut sentences = Sentences::new();
    ctx.looks_ahead = LooksAhead::Unread(0);
    let mut tense = Tense::default();
    let mut i = 0;
    while i < line.len() {
        // Most characters neither start a date nor end a clause: nothing
        // below happens at them, they are passed over to the next that does.
        let Some((next, c)) = next_date_char(line, i) else {
            break;
        };
        i = next;
        if sentences.start_here() {
            ctx.sentence_year = None;
            ctx.sentence_period = None;
        }
        sentences.pass_char(c);
        if is_clause_end(c) {
            ctx.clause_year = None;
            // The tense window is the same for every position of a clause.
            ctx.looks_ahead = LooksAhead::Unread(i + c.len_utf8());
        }
        // A holiday's first character is often a common one (建, 教, 情):
        // a date is tried there only where the holiday's name is.
        let starts_date =
            could_start(c) || (holiday_could_start(c) && holiday_at(line, i).is_some());
        if starts_date && !glued_to_number(line, i, c) {
            // Non-fact words (五月天) are checked only once a date is read:
            // the check costs more than the reading.
            let saved = ctx.clone();
            let mut reader = Reader {
                line,
                ctx,
                tense: &mut tense,
            };
            let read = reader.date_or_range(i);
            let read = match read {
                Some(f) if super::amount::inside_non_fact(line, &(i..i + c.len_utf8())) => {
                    let _ = f;
                    *reader.ctx = saved;
                    None
                }
                other => other,
            };
            if let Some(mut fact) = read {
                if fact.span.end > i {
                    let value = fact.value.clone();
                    // 上年 and 次年 count from the year named, they name none.
                    if let Some(y) = value
                        .year()
                        .filter(|_| fact.fact.rule != "date_previous_year")
                    {
                        reader.ctx.sentence_year = Some(y);
                        if fact.fact.rule != "date_relative" {
                            reader.ctx.clause_year = Some(y);
                        }
                    }
                    if !matches!(value, Timex::Unresolved) {
                        reader.ctx.sentence_period = Some(value.clone());
                    }
                    sentences.pass(&line[i..fact.span.end]);
                    i = fact.span.end;
                    if line[..i].ends_with(CLAUSE_ENDS) {
                        reader.ctx.looks_ahead = LooksAhead::Unread(i);
                    }
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

/// The characters at which [`scan`] does anything: a date may start there
/// or a clause ends.
static DATE_CHARS: LazyLock<CharSet> = LazyLock::new(|| {
    CharSet::new(|c| could_start(c) || holiday_could_start(c) || is_clause_end(c))
});

/// The first character at or after `from` in [`DATE_CHARS`], and where it
/// is.
fn next_date_char(line: &str, from: usize) -> Option<(usize, char)> {
    DATE_CHARS
        .find(&line[from..])
        .map(|(skipped, c)| (from + skipped, c))
}

/// Builds this module's tables now rather than at the first paragraph.
pub(super) fn warm_up() {
    LazyLock::force(&DATE_CHARS);
    readers_admitting('今');
    LazyLock::force(&CLAUSE_END_LEADS);
    LazyLock::force(&LOOK_AHEAD_RE);
    relative_could_start('今');
    period_could_start('今');
    recent_years_could_start('今');
    plan_could_start('今');
    holiday_could_start('今');
    LazyLock::force(&HOLIDAY_NAMES);
}

/// Punctuation that ends a clause (and a date's year and tense with it).
const CLAUSE_ENDS: [char; 6] = ['，', '。', '；', '：', '！', '？'];
/// The clause ends that end a sentence.
const SENTENCE_ENDS: [char; 4] = ['。', '！', '？', '；'];

fn is_clause_end(c: char) -> bool {
    CLAUSE_ENDS.contains(&c)
}

/// The first bytes of the [`CLAUSE_ENDS`] in UTF-8: only where one of them
/// is (rarely, in Chinese text) can a clause end.
static CLAUSE_END_LEADS: LazyLock<[bool; 256]> = LazyLock::new(|| {
    let mut leads = [false; 256];
    for c in CLAUSE_ENDS {
        leads[usize::from(c.encode_utf8(&mut [0; 4]).as_bytes()[0])] = true;
    }
    leads
});

/// The first clause end at or after `from`, and where it is: a byte
/// search, not a char-by-char one (a lead byte is never inside a char).
fn find_clause_end(line: &str, from: usize) -> Option<(usize, char)> {
    let leads = &*CLAUSE_END_LEADS;
    let bytes = line.as_bytes();
    let mut k = from;
    loop {
        k += bytes[k..].iter().position(|&b| leads[usize::from(b)])?;
        match line[k..].chars().next() {
            Some(c) if is_clause_end(c) => return Some((k, c)),
            _ => k += 1,
        }
    }
}

/// Where the sentences of a paragraph start, as [`scan`] passes over it.
/// It stops at every sentence end (one ends a clause) or reads it in a
/// date, so each is seen without searching ahead for it.
struct Sentences {
    /// A sentence ended since the last position stopped at.
    ended: bool,
}

impl Sentences {
    fn new() -> Self {
        Sentences { ended: true }
    }

    /// Whether a sentence starts at the position stopped at: the first
    /// one, or the first after a sentence end.
    fn start_here(&mut self) -> bool {
        std::mem::take(&mut self.ended)
    }

    /// Passes over the character stopped at.
    fn pass_char(&mut self, c: char) {
        self.ended |= SENTENCE_ENDS.contains(&c);
    }

    /// Passes over a date read.
    fn pass(&mut self, text: &str) {
        self.ended |= text.contains(SENTENCE_ENDS);
    }
}

/// A date can start with a numeral or with the first character of a date word.
fn could_start(c: char) -> bool {
    c.is_ascii_digit()
        || (!c.is_ascii() && chinese_digit(c).is_some())
        || matches!(
            c,
            '十' | '今'
                | '去'
                | '前'
                | '明'
                | '后'
                | '本'
                | '上'
                | '下'
                | '这'
                | '昨'
                | '次'
                | '同'
                | '年'
                | '月'
                | '元'
                | '国'
                | '春'
                | '劳'
                | '近'
                | '截'
                | '当'
                | 'Q'
                | '第'
                | '廿'
                | '除'
                | '中'
                | '周'
                | '星'
                | '翌'
                | '过'
                | '最'
                | '民'
        )
}

/// A digit `c` at `at` inside a longer number (12345年 is no year; 4.71亿
/// no date). The character before is decoded only for a digit.
fn glued_to_number(line: &str, at: usize, c: char) -> bool {
    c.is_ascii_digit()
        && line[..at]
            .chars()
            .next_back()
            .is_some_and(|p| p.is_ascii_digit() || p == '.' || p == ',' || p.is_ascii_alphabetic())
}

struct Found {
    span: Range<usize>,
    value: Timex,
    fact: DateFact,
}

struct Reader<'a, 'c, 't> {
    line: &'a str,
    ctx: &'c mut DateContext,
    /// Reads the tense of the clauses of `line`.
    tense: &'t mut Tense,
}

/// A reader of [`Reader::date`], with the characters it can start with: at
/// any other character it reads nothing and leaves the context alone.
type DateReader = (fn(char) -> bool, fn(&mut Reader, usize) -> Option<Found>);

/// The readers of [`Reader::date`], in the order they are tried: the first
/// that reads a date wins. The guard here is the only one of the readers
/// asked nowhere else (relative dates, plans); period and holiday, also
/// read after a year, keep their own.
const READERS: [DateReader; 10] = [
    (relative_could_start, |r, at| r.relative(at)),
    (number_could_start, |r, at| r.years_ago(at)),
    (recent_years_could_start, |r, at| r.recent_years(at)),
    (year_could_start, |r, at| r.absolute(at)),
    (|c| c.is_ascii_digit(), |r, at| r.iso(at)),
    (number_could_start, |r, at| r.month_day(at, None)),
    (|c| c.is_ascii_digit(), |r, at| r.lone_day(at)),
    (period_could_start, |r, at| r.period(at, None, at)),
    (plan_could_start, |r, at| r.plan(at)),
    (holiday_could_start, |r, at| r.holiday(at, None, at)),
];

/// The readers of [`READERS`] whose guards admit `c`, one bit each (bit
/// `k` for `READERS[k]`). The guards are asked once for each character the
/// scan tries a date at, not at every try: ten guards, most of them a
/// search in a list of first characters, cost more than most readings.
fn readers_admitting(c: char) -> u16 {
    /// Marks a character the table holds nothing for.
    const ASK: u16 = u16::MAX;
    static ADMITTED: LazyLock<Vec<u16>> = LazyLock::new(|| {
        let mut admitted = vec![ASK; 0x10000];
        for c in DATE_CHARS.bmp_chars() {
            admitted[c as usize] = guards_admitting(c);
        }
        admitted
    });
    match ADMITTED.get(c as usize) {
        Some(&admitted) if admitted != ASK => admitted,
        // A range's second half may start anywhere.
        _ => guards_admitting(c),
    }
}

/// The readers of [`READERS`] whose guards admit `c`, asking each.
fn guards_admitting(c: char) -> u16 {
    READERS
        .iter()
        .enumerate()
        .filter(|(_, (could_start, _))| could_start(c))
        .fold(0, |admitted, (k, _)| admitted | 1 << k)
}

/// A Chinese numeral character [`number_at`] reads.
fn is_chinese_numeral(c: char) -> bool {
    chinese_digit(c).is_some() || c == '十' || c == '廿' || c == '卅'
}

/// Whether [`number_at`] can read a number starting with `c`.
fn number_could_start(c: char) -> bool {
    c.is_ascii_digit() || is_chinese_numeral(c)
}

/// Whether a year ([`Reader::year`], [`Reader::year_span`]) can start with
/// `c`: 同年, a year of the Republic ([`ROC_ERAS`]), or a digit.
fn year_could_start(c: char) -> bool {
    c == '同' || c == '民' || c == '中' || number_could_start(c)
}

/// The names of the Republic of China era (民国, Taiwan's official
/// calendar): year N of the era is 1911 + N. The longer name first.
const ROC_ERAS: [&str; 2] = ["中华民国", "民国"];

/// Gregorian year of ROC year 1 minus one.
const ROC_OFFSET: i32 = 1911;

/// The latest ROC year read as one: past it, 民国150年 is more likely a
/// count than a year not yet come.
const ROC_LAST_YEAR: u32 = 150;

/// Reads a number (Arabic or Chinese) of at most `max_chars` characters.
fn number_at(line: &str, at: usize, max_chars: usize) -> Option<(u32, usize)> {
    let mut end = at;
    let mut ascii_value: Option<u32> = Some(0);
    for (count, (k, c)) in line[at..].char_indices().enumerate() {
        if c.is_ascii_digit() {
            ascii_value = ascii_value
                .and_then(|v| v.checked_mul(10))
                .and_then(|v| v.checked_add(c as u32 - '0' as u32));
        } else if is_chinese_numeral(c) {
            ascii_value = None;
        } else {
            break;
        }
        end = at + k + c.len_utf8();
        if count + 1 >= max_chars {
            break;
        }
    }
    if end == at {
        return None;
    }
    // Arabic digits (most dates) need no numeral reading at all.
    if let Some(v) = ascii_value {
        return Some((v, end));
    }
    // Nor does a lone Chinese numeral (一, 三, 十): most of the others.
    let mut chars = line[at..end].chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some((lone_chinese_numeral(c)?, end));
    }
    chinese_number(&line[at..end]).map(|v| (v, end))
}

/// The value of a numeral of Chinese characters, if a whole number: the
/// general reading, that knows every form (十二, 二十三, 二〇二〇, 两三).
fn chinese_number(numeral: &str) -> Option<u32> {
    let n = numerals::parse(numeral)?;
    if n.high.is_some() || !n.low.fract().is_zero() {
        return None;
    }
    u32::try_from(n.low).ok()
}

/// The value of a one-character Chinese numeral, as [`chinese_number`]
/// reads it.
fn lone_chinese_numeral(c: char) -> Option<u32> {
    match c {
        '十' => Some(10),
        '廿' => Some(20),
        '卅' => Some(30),
        _ => chinese_digit(c),
    }
}

/// A year of the Republic of China era at `at` (民国109年, 中华民国三十八年,
/// 民国元年) as a Gregorian year, and where its 年 ends. Taiwan's news and
/// documents date by it; read as a number, 109年 would be a count of years.
fn roc_year(line: &str, at: usize) -> Option<(i32, usize)> {
    let era = roc_era_at(line, at)?;
    roc_year_number(line, at + era.len())
}

/// The name of the Republic of China era at `at`, if one is there.
fn roc_era_at(line: &str, at: usize) -> Option<&'static str> {
    ROC_ERAS.iter().copied().find(|era| starts(line, at, era))
}

/// A year of the Republic of China era written without the era's name
/// (109年, 元年: after 民国, or as the second half of 民国109年至110年).
fn roc_year_number(line: &str, at: usize) -> Option<(i32, usize)> {
    let (year, end) = if starts(line, at, "元") {
        (1, at + "元".len())
    } else {
        number_at(line, at, 6)?
    };
    (starts(line, end, "年") && (1..=ROC_LAST_YEAR).contains(&year))
        .then(|| (ROC_OFFSET + year as i32, end + "年".len()))
}

/// Whether `line` has `word` at `at`. Readers compare the text with many
/// words where it has none of them: most differ at the first byte, which
/// is compared before the rest.
fn starts(line: &str, at: usize, word: &str) -> bool {
    let (text, word) = (&line.as_bytes()[at..], word.as_bytes());
    match word.first() {
        Some(first) => text.first() == Some(first) && text.starts_with(word),
        None => true,
    }
}

impl Reader<'_, '_, '_> {
    /// Whether the clause being read looks ahead, read at the first asking.
    fn looks_ahead(&mut self) -> bool {
        if let LooksAhead::Unread(clause) = self.ctx.looks_ahead {
            self.ctx.looks_ahead = LooksAhead::Read(self.tense.looks_ahead(self.line, clause));
        }
        self.ctx.looks_ahead == LooksAhead::Read(true)
    }

    fn finish(
        &mut self,
        start: usize,
        end: usize,
        value: Timex,
        qualifier: Qualifier,
        rule: &'static str,
    ) -> Found {
        match &value {
            Timex::Day(y, m, d) if *m != 0 => {
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

    /// A date, then maybe `至` and a second date that inherits its year and
    /// month; or `至今`/`以来` (since).
    fn date_or_range(&mut self, at: usize) -> Option<Found> {
        let mut first = self.date(at)?;
        if first.fact.qualifier == Qualifier::None && starts(self.line, first.span.end, "至今") {
            first.span.end += "至今".len();
            first.fact.span.end = first.span.end;
            first.fact.qualifier = Qualifier::Since;
            return Some(first);
        }
        let end = skip_time_of_day(self.line, first.span.end);
        // One connector at most is there: each is one character.
        if let Some(connector) = word_at(self.line, end, &RANGE_CONNECTORS) {
            let second_at = end + connector.len();
            // 民国109年至110年: the second year is of the same era.
            let second = roc_era_at(self.line, at).and_then(|_| self.roc_second_half(second_at));
            let Some((second_value, second_end)) =
                second.or_else(|| self.second_half(second_at, &first.value))
            else {
                return Some(first);
            };
            let second_end = skip_time_of_day(self.line, second_end);
            let value = Timex::Interval(Box::new(first.value.clone()), Box::new(second_value));
            let mut found = self.finish(at, second_end, value, Qualifier::None, "date_range");
            if let Some((q, len)) = date_suffix_qualifier(self.line, second_end) {
                found.span.end += len;
                found.fact.span.end = found.span.end;
                found.fact.qualifier = q;
            }
            return Some(found);
        }
        Some(first)
    }

    /// The second half of a range: a full date, or a month/day that
    /// inherits from the first (and crosses into the next year when it
    /// comes earlier in the calendar: 12月25日至1月3日).
    fn second_half(&mut self, at: usize, first: &Timex) -> Option<(Timex, usize)> {
        let line = self.line;
        // 次日: the day after the first.
        if starts(line, at, "次日") {
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
            if let Some((d, end)) = number_at(line, at, 2) {
                let day_word = starts(line, end, "日") || starts(line, end, "号");
                if day_word && d >= 1 && m != 0 && d <= days_in_month(year.unwrap_or(2000), m) {
                    return Some((Timex::Day(year, m, d), end + 3));
                }
            }
        }
        // Read the second half with no year of its own to infer, then give it
        // the first half's.
        let saved = (self.ctx.reference, self.ctx.sentence_year);
        self.ctx.reference = None;
        self.ctx.sentence_year = None;
        let second = self.date(at);
        (self.ctx.reference, self.ctx.sentence_year) = saved;
        let second = second?;
        let value = match (&second.value, first) {
            (Timex::Day(None, m, d), Timex::Day(Some(y), fm, fd)) => {
                Timex::Day(Some(if (*m, *d) < (*fm, *fd) { y + 1 } else { *y }), *m, *d)
            }
            (Timex::Day(None, m, d), Timex::Month(Some(y), fm)) => {
                Timex::Day(Some(if m < fm { y + 1 } else { *y }), *m, *d)
            }
            (Timex::Month(None, m), Timex::Month(Some(y), fm) | Timex::Day(Some(y), fm, _)) => {
                Timex::Month(Some(if m < fm { y + 1 } else { *y }), *m)
            }
            (Timex::Day(None, ..) | Timex::Month(None, _), _) if year.is_some() => {
                second.value.shift_years(0)
            }
            (v, _) => v.clone(),
        };
        if matches!(value, Timex::Unresolved) || matches!(value, Timex::Day(None, 0, _)) {
            return None;
        }
        Some((value, second.span.end))
    }

    /// The second half of a range that starts with a year of the Republic
    /// of China era, written without the era's name: 110年, 110年6月.
    fn roc_second_half(&mut self, at: usize) -> Option<(Timex, usize)> {
        let (year, after) = roc_year_number(self.line, at)?;
        Some(
            self.month_day(after, Some(year))
                .map_or((Timex::Year(Some(year)), after), |f| (f.value, f.span.end)),
        )
    }

    /// One date at `at`.
    fn date(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        let c = line[at..].chars().next()?;
        if c == '截' && starts(line, at, "截至") {
            return None; // 截至 is not part of the date; the date after it is read on its own
        }
        // Most attempts read nothing: each reader is asked only where its
        // first character allows it to read something.
        let admitted = readers_admitting(c);
        READERS
            .iter()
            .enumerate()
            .filter(|(k, _)| admitted >> k & 1 != 0)
            .find_map(|(_, (_, read))| read(self, at))
    }

    /// Infers the year of a month (and day) with none written.
    fn infer_year(&mut self, month: u32, day: Option<u32>) -> Option<i32> {
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
        if self.looks_ahead() {
            Some(if key < ref_key { y + 1 } else { y })
        } else {
            Some(if key > ref_key { y - 1 } else { y })
        }
    }

    /// The current year for periods with none written (上半年, 年底).
    fn context_year(&self) -> Option<i32> {
        self.ctx.clause_year.or(self.ctx.reference.map(|r| r.year))
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
        if let Some(roc) = roc_year(line, at) {
            return Some(roc);
        }
        let mut end = at;
        // The digits as a number, how many, and the first (no String: this
        // runs at every number in the text).
        let (mut value, mut count, mut first) = (0u32, 0usize, None);
        for (k, c) in line[at..].char_indices() {
            let d = if c.is_ascii_digit() {
                c.to_digit(10)
            } else {
                chinese_digit(c).filter(|_| c != '两')
            };
            match d {
                Some(d) => {
                    first.get_or_insert(d);
                    value = value * 10 + d;
                    count += 1;
                    end = at + k + c.len_utf8();
                }
                None => break,
            }
            if count > 4 {
                return None;
            }
        }
        if !starts(line, end, "年") {
            return None;
        }
        let after = end + "年".len();
        match count {
            4 => {
                let y = value as i32;
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
                    || first == Some(0);
                if !dated || line[..at].ends_with(|c: char| c.is_ascii_digit()) {
                    return None;
                }
                let yy = value as i32;
                let pivot = self.ctx.reference.map_or(30, |r| r.year % 100 + 5);
                Some((if yy <= pivot { 2000 + yy } else { 1900 + yy }, after))
            }
            _ => None,
        }
    }

    /// Year, then month, day, or a period of the year; or a span of years
    /// written once (2016-2020年, 2019至2021年).
    fn absolute(&mut self, at: usize) -> Option<Found> {
        if let Some(found) = self.year_span(at) {
            return Some(found);
        }
        let (year, after_year) = self.year(at)?;
        self.ctx.last_year = Some(year);
        let saved = self.ctx.sentence_year;
        self.ctx.sentence_year = Some(year);
        let sub = self
            .month_day(after_year, Some(year))
            .or_else(|| self.period(after_year, Some(year), at))
            .or_else(|| self.holiday(after_year, Some(year), at));
        if let Some(mut found) = sub {
            found.span.start = at;
            found.fact.span.start = at;
            return Some(found);
        }
        self.ctx.sentence_year = saved;
        // 比2019年同期: the period named in the sentence, in that year.
        if starts(self.line, after_year, "同期") {
            let value = match &self.ctx.sentence_period {
                Some(p) if p.year().is_some() => p.shift_years(year - p.year().unwrap_or(year)),
                _ => Timex::Year(Some(year)),
            };
            return Some(self.finish(
                at,
                after_year + "同期".len(),
                value,
                Qualifier::None,
                "date_same_period",
            ));
        }
        // 2018年以来, 2018年初, 2015年至今.
        let (q, len) = year_qualifier(self.line, after_year).unwrap_or((Qualifier::None, 0));
        Some(self.finish(
            at,
            after_year + len,
            Timex::Year(Some(year)),
            q,
            "date_year",
        ))
    }

    /// 2016-2020年: two four-digit years and one 年.
    fn year_span(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        let first: i32 = line.get(at..at + 4)?.parse().ok()?;
        let rest = &line[at + 4..];
        let connector = ["-", "—", "－", "至", "到", "~", "～"]
            .iter()
            .find(|c| rest.starts_with(**c))?;
        let second_at = at + 4 + connector.len();
        let second: i32 = line.get(second_at..second_at + 4)?.parse().ok()?;
        if !starts(line, second_at + 4, "年")
            || !(1000..=2999).contains(&first)
            || !(first..=first + 100).contains(&second)
        {
            return None;
        }
        self.ctx.last_year = Some(second);
        let value = Timex::Interval(
            Box::new(Timex::Year(Some(first))),
            Box::new(Timex::Year(Some(second))),
        );
        Some(self.finish(
            at,
            second_at + 4 + "年".len(),
            value,
            Qualifier::None,
            "date_range",
        ))
    }

    /// 2020-08-07, 2020/8/7, 2020.8.7.
    fn iso(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        let bytes = line.as_bytes();
        let mut parts = [0u32; 3];
        let mut i = at;
        let mut sep = None;
        for (k, part) in parts.iter_mut().enumerate() {
            let s = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i == s {
                return None;
            }
            *part = line[s..i].parse::<u32>().ok()?;
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

    /// 8月7日, 8月7号, 8月, 8月份, 8月初, 8月下旬; month spans 1至9月, 1-11月.
    fn month_day(&mut self, at: usize, year: Option<i32>) -> Option<Found> {
        let line = self.line;
        let (month, end) = number_at(line, at, 2)?;
        if !(1..=12).contains(&month) {
            return None;
        }
        if !starts(line, end, "月") {
            return self.month_span(at, month, end, year);
        }
        let mut end = end + "月".len();
        let rule = if year.is_some() {
            "date_full"
        } else {
            "date_month_day"
        };
        if let Some((d, day_end)) = number_at(line, end, 3) {
            if starts(line, day_end, "日") || starts(line, day_end, "号") {
                let y = year.or_else(|| self.infer_year(month, Some(d)));
                if d >= 1 && d <= days_in_month(y.unwrap_or(2000), month) {
                    let stop = day_end + 3;
                    let (q, len) =
                        date_suffix_qualifier(line, stop).unwrap_or((Qualifier::None, 0));
                    return Some(self.finish(at, stop + len, Timex::Day(y, month, d), q, rule));
                }
                return None;
            }
        }
        if starts(line, end, "份") {
            end += "份".len();
        }
        let y = year.or_else(|| self.infer_year(month, None));
        let (q, len) = month_qualifier(line, end).unwrap_or((Qualifier::None, 0));
        // 以来 wins over 初 (8月初以来).
        let (q, len2) = match date_suffix_qualifier(line, end + len) {
            Some((since, l)) => (since, l),
            None => (q, 0),
        };
        let rule = if year.is_some() {
            "date_year_month"
        } else {
            "date_month"
        };
        Some(self.finish(at, end + len + len2, Timex::Month(y, month), q, rule))
    }

    /// 1至9月, 1-11月: months of one year, the first without 月.
    fn month_span(
        &mut self,
        at: usize,
        first: u32,
        end: usize,
        year: Option<i32>,
    ) -> Option<Found> {
        let line = self.line;
        let connector = ["至", "到", "-", "—", "－", "~", "～"]
            .iter()
            .find(|c| starts(line, end, c))?;
        let (last, last_end) = number_at(line, end + connector.len(), 2)?;
        if !starts(line, last_end, "月") || !(first..=12).contains(&last) || last == first {
            return None;
        }
        let y = year.or_else(|| self.infer_year(last, None));
        let value = Timex::Interval(
            Box::new(Timex::Month(y, first)),
            Box::new(Timex::Month(y, last)),
        );
        let stop = last_end + "月".len();
        let stop = if starts(line, stop, "份") {
            stop + "份".len()
        } else {
            stop
        };
        Some(self.finish(at, stop, value, Qualifier::None, "date_month_span"))
    }

    /// 7日 alone: the month from context. `号` alone only where it cannot
    /// be a number plate (3号线, 12号文件, 3号楼).
    fn lone_day(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        if !line[at..].starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let (d, end) = number_at(line, at, 2)?;
        let hao = starts(line, end, "号");
        if !(starts(line, end, "日") || hao) || !(1..=31).contains(&d) {
            return None;
        }
        let after = &line[end + 3..];
        if ["内", "以内", "之内", "前", "后"]
            .iter()
            .any(|w| after.starts_with(w))
        {
            return None;
        }
        if hao {
            let next = after.chars().next();
            let date_like = next.is_none_or(|c| !is_han(c))
                || [
                    "起", "晚", "上午", "下午", "凌晨", "早", "中午", "开始", "至", "到", "当天",
                    "前后", "左右", "召开", "举行", "发布", "晚间",
                ]
                .iter()
                .any(|w| after.starts_with(w));
            if !date_like || line[..at].ends_with(['〕', ']', '】', '第']) {
                return None;
            }
        }
        let before = &line[..at];
        if ["连续", "近", "每", "前", "后", "约", "共"]
            .iter()
            .any(|w| before.ends_with(w))
        {
            return None;
        }
        let (y, m) = match (self.ctx.last_month, self.ctx.reference) {
            (Some((y, m)), _) => (y, m),
            (None, Some(r)) => {
                let (y, m) = if d > r.day && !self.looks_ahead() {
                    let prev = Date::new(r.year, r.month, 1)?.add_days(-1);
                    (prev.year, prev.month)
                } else if d < r.day && self.looks_ahead() {
                    let next = Date::new(r.year, r.month, 1)?.add_days(32);
                    (next.year, next.month)
                } else {
                    (r.year, r.month)
                };
                (Some(y), m)
            }
            (None, None) => (None, 0),
        };
        if m != 0 && d > days_in_month(y.unwrap_or(2000), m) {
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
        let rest = &line[at..];
        // Every period below starts with one of these (or a numeral): the
        // other positions, most of them, need none of the work.
        if !rest.starts_with(period_could_start) {
            return None;
        }
        // A period with no year written takes the year that makes it the
        // nearest one not after the reference (or not before it, looking
        // ahead): 下半年 read on 2020-01-05 is 2019-H2.
        let implicit = year.is_none() && self.ctx.clause_year.is_none();
        let y = year.or_else(|| self.context_year());
        let reference = self.ctx.reference;
        let done = |reader: &mut Self, end: usize, value: Timex, q: Qualifier, rule| {
            let value = match (implicit, reference, value.bounds()) {
                (true, Some(r), Some((first, last))) => {
                    let looks_ahead = reader.looks_ahead();
                    if !looks_ahead && first > r {
                        value.shift_years(-1)
                    } else if looks_ahead && last < r {
                        value.shift_years(1)
                    } else {
                        value
                    }
                }
                _ => value,
            };
            // 以来 wins over 初: 年初以来 is "since the start of the year".
            let (q, len) = match date_suffix_qualifier(line, end) {
                Some((since, len)) => (since, len),
                None => (q, 0),
            };
            Some(reader.finish(start, end + len, value, q, rule))
        };
        let q_at = if rest.starts_with(ORDINAL) {
            at + ORDINAL.len_utf8()
        } else {
            at
        };
        if let Some((q, end)) = number_at(line, q_at, 1) {
            if (1..=4).contains(&q) && (starts(line, end, "季度") || starts(line, end, "季")) {
                let len = if starts(line, end, "季度") {
                    "季度".len()
                } else {
                    "季".len()
                };
                if len == "季".len() && year.is_none() {
                    return None; // 第3季 of a show is no date
                }
                let (qual, qlen) = [("末", Qualifier::End), ("初", Qualifier::Start)]
                    .iter()
                    .find(|(w, _)| starts(line, end + len, w))
                    .map_or((Qualifier::None, 0), |(w, q)| (*q, w.len()));
                return done(
                    self,
                    end + len + qlen,
                    Timex::Quarter(y, q),
                    qual,
                    "date_quarter",
                );
            }
        }
        // No other period starts with a numeral or 第 (most tries here do).
        if q_at > at || rest.starts_with(number_could_start) {
            return None;
        }
        for (word, half) in HALVES {
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
        // 前三季度 → January to the end of the third quarter; 前10个月 likewise.
        if let Some(r) = SO_FAR.iter().find_map(|w| rest.strip_prefix(w)) {
            if let Some((n, end)) = number_at(r, 0, 3) {
                if (1..=4).contains(&n) && r[end..].starts_with("季度") {
                    let value = Timex::Interval(
                        Box::new(Timex::Month(y, 1)),
                        Box::new(Timex::Month(y, n * 3)),
                    );
                    return done(
                        self,
                        at + 3 + end + "季度".len(),
                        value,
                        Qualifier::None,
                        "date_quarters",
                    );
                }
                if (1..=12).contains(&n)
                    && r[end..].starts_with("个月")
                    && !line[..at].ends_with(|c: char| c.is_alphanumeric() && !is_clause_opening(c))
                {
                    let value =
                        Timex::Interval(Box::new(Timex::Month(y, 1)), Box::new(Timex::Month(y, n)));
                    return done(
                        self,
                        at + 3 + end + "个月".len(),
                        value,
                        Qualifier::None,
                        "date_months",
                    );
                }
            }
        }
        if let Some(r) = rest.strip_prefix(QUARTER_LETTER) {
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
        // 年初, 年中, 年底, 年末: alone, or after a year (2015年年底, 今年年中).
        for (word, q) in YEAR_PARTS {
            if rest.starts_with(word) {
                if word == "年中" && !mid_stands_alone(line, at + "年".len()) {
                    continue;
                }
                if year.is_none()
                    && line[..at].ends_with(|c: char| {
                        c.is_ascii_digit()
                            || chinese_digit(c).is_some()
                            || "近多去今明前后本同当上".contains(c)
                    })
                {
                    return None;
                }
                return done(self, at + word.len(), Timex::Year(y), q, "date_year_part");
            }
        }
        // 月初, 月底, 上旬, 中旬, 下旬 alone: the month in context.
        for (word, q) in MONTH_PARTS {
            if rest.starts_with(word) && year.is_none() {
                if line[..at].ends_with(|c: char| {
                    c.is_ascii_digit() || chinese_digit(c).is_some() || "个每本上下".contains(c)
                }) {
                    return None;
                }
                let (my, m) = self
                    .ctx
                    .last_month
                    .or_else(|| self.ctx.reference.map(|r| (Some(r.year), r.month)))?;
                return Some(self.finish(
                    start,
                    at + word.len(),
                    Timex::Month(my, m),
                    q,
                    "date_month_part",
                ));
            }
        }
        None
    }

    /// 十三五, 十四五 as periods (十三五期间), not as plan names (十三五规划).
    fn plan(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        for (word, from, to) in PLANS {
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

    /// 元旦, 国庆, 春节, 劳动节, 五一 (假期), 除夕, 元宵节, 双十一, 圣诞节 … ([`HOLIDAYS`]):
    /// the day itself.
    fn holiday(&mut self, at: usize, year: Option<i32>, start: usize) -> Option<Found> {
        let line = self.line;
        // Also read after a year (2020年国庆), not only through READERS.
        if !line[at..].starts_with(holiday_could_start) {
            return None;
        }
        let (word, holiday_day, needs_tail) = holiday_at(line, at)?;
        if word == "新年" && year.is_none() {
            return None;
        }
        let end = at + word.len();
        if needs_tail && !HOLIDAY_TAILS.iter().any(|w| starts(line, end, w)) {
            return None;
        }
        let on = |y: i32| holiday_day.in_year(y);
        let y = match (year.or(self.ctx.sentence_year), self.ctx.reference) {
            (Some(y), _) => Some(y),
            (None, Some(r)) => {
                // The nearest one not after the reference (not before it, looking ahead).
                let this = on(r.year)?;
                Some(if self.looks_ahead() {
                    if this < r {
                        r.year + 1
                    } else {
                        r.year
                    }
                } else if this > r {
                    r.year - 1
                } else {
                    r.year
                })
            }
            (None, None) => None,
        };
        let value = match (holiday_day, y) {
            (HolidayDay::Fixed(m, d), y) => Timex::Day(y, m, d),
            (_, Some(y)) => day(on(y)?),
            (_, None) => Timex::Unresolved,
        };
        Some(self.finish(start, end, value, Qualifier::None, "date_holiday"))
    }

    /// 今年, 去年, 本月, 上周五, 昨天 … and what follows a relative year.
    fn relative(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        let r = self.ctx.reference;
        for (word, delta) in RELATIVE_YEARS {
            if !starts(line, at, word) {
                continue;
            }
            // 建成后年耗电量: 后 closes 建成后, 年 opens 年耗电量.
            if word == "后年"
                && line[..at].ends_with(|c: char| is_han(c) && !"于在到至从的和及".contains(c))
            {
                return None;
            }
            if word == "前年"
                && line[..at].ends_with(|c: char| c.is_ascii_digit() || chinese_digit(c).is_some())
            {
                return None;
            }
            let y = r.map(|r| r.year + delta);
            return Some(self.after_year(at, at + word.len(), y, "date_relative"));
        }
        // 上年 and 次年 count from the year named before (else the reference).
        for (word, delta) in PREVIOUS_YEARS {
            if starts(line, at, word) && !starts(line, at, "上年纪") {
                let base = self.ctx.sentence_year.or(r.map(|r| r.year));
                let y = base.map(|b| b + delta);
                return Some(self.after_year(at, at + word.len(), y, "date_previous_year"));
            }
        }
        for (word, delta) in RELATIVE_MONTHS {
            if starts(line, at, word) {
                let end = at + word.len();
                let value = if word == "当月" {
                    match self.ctx.last_month {
                        Some((y, m)) => Timex::Month(y, m),
                        None => return None,
                    }
                } else {
                    r.map_or(Timex::Unresolved, |r| {
                        let total = r.year * 12 + r.month as i32 - 1 + delta;
                        Timex::Month(
                            Some(total.div_euclid(12)),
                            (total.rem_euclid(12) + 1) as u32,
                        )
                    })
                };
                // 本月7日: a day of that month.
                if let Some((d, day_end)) = number_at(line, end, 3) {
                    if starts(line, day_end, "日") || starts(line, day_end, "号") {
                        let value = match value {
                            Timex::Month(y, m)
                                if d >= 1 && d <= days_in_month(y.unwrap_or(2000), m) =>
                            {
                                Timex::Day(y, m, d)
                            }
                            _ => Timex::Unresolved,
                        };
                        return Some(self.finish(
                            at,
                            day_end + 3,
                            value,
                            Qualifier::None,
                            "date_relative",
                        ));
                    }
                }
                let (q, len) = month_qualifier(line, end)
                    .or_else(|| date_suffix_qualifier(line, end))
                    .unwrap_or((Qualifier::None, 0));
                return Some(self.finish(at, end + len, value, q, "date_relative"));
            }
        }
        if let Some(found) = self.weekday(at) {
            return Some(found);
        }
        for (word, delta) in RELATIVE_DAYS {
            if starts(line, at, word) {
                if word == "前天"
                    && line[..at]
                        .ends_with(|c: char| c.is_ascii_digit() || chinese_digit(c).is_some())
                {
                    return None;
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
        if starts(line, at, NEXT_DAY) {
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

    /// What follows a relative year (今年, 去年, 上年): a month, a period,
    /// a holiday, 同期, 以来, or nothing.
    fn after_year(&mut self, at: usize, after: usize, y: Option<i32>, rule: &'static str) -> Found {
        let line = self.line;
        // 去年同期: the period named in the sentence, one year back.
        if starts(line, after, "同期") {
            let value = match (&self.ctx.sentence_period, y) {
                (_, None) => Timex::Unresolved,
                (Some(p), _) if !matches!(p, Timex::Unresolved) => p.shift_years(-1),
                (_, Some(y)) => Timex::Year(Some(y)),
            };
            return self.finish(
                at,
                after + "同期".len(),
                value,
                Qualifier::None,
                "date_same_period",
            );
        }
        let saved = self.ctx.sentence_year;
        if y.is_some() {
            self.ctx.sentence_year = y;
        }
        let sub = if y.is_some() {
            self.month_day(after, y)
                .or_else(|| self.period(after, y, at))
                .or_else(|| self.holiday(after, y, at))
        } else {
            None
        };
        if let Some(mut f) = sub {
            f.span.start = at;
            f.fact.span.start = at;
            f.fact.rule = rule;
            return f;
        }
        self.ctx.sentence_year = saved;
        if y.is_none() {
            // Unresolved: still a fact, with its parts read for the span.
            let end = relative_tail(line, after);
            let tail = &line[after..end];
            let q = if tail.ends_with("以来") {
                Qualifier::Since
            } else if tail.ends_with('底') || tail.ends_with('末') {
                Qualifier::End
            } else if tail.ends_with('初') {
                Qualifier::Start
            } else {
                Qualifier::None
            };
            return self.finish(at, end, Timex::Unresolved, q, rule);
        }
        let (q, len) = year_qualifier(line, after).unwrap_or((Qualifier::None, 0));
        self.finish(at, after + len, Timex::Year(y), q, rule)
    }

    /// 上周五, 本周, 下周, 周二, 星期一, 上星期二.
    fn weekday(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        let r = self.ctx.reference;
        let (word, delta) = WEEK_PREFIXES
            .iter()
            .find(|(w, _)| starts(line, at, w))
            .copied()?;
        let end = at + word.len();
        let weekday = line[end..].chars().next().and_then(|c| {
            "一二三四五六日天"
                .find(c)
                .map(|k| (k / 3 + 1).min(7) as i64)
        });
        if delta.is_none() {
            // A bare weekday: 周二, 星期一 (not 每周五, 周一至周五, 周年).
            let weekday = weekday?;
            let after = &line[end + 3..];
            // Not 每周五, 周一至周五, nor a weekday note after a date: 8月7日（星期五）.
            if line[..at].ends_with(['每', '至', '到', '-', '（', '(', ' '])
                || after.starts_with(['至', '到', '-'])
            {
                return None;
            }
            let value = r.map_or(Timex::Unresolved, |r| {
                let diff = weekday - i64::from(r.weekday());
                let days = if self.looks_ahead() {
                    if diff < 0 {
                        diff + 7
                    } else {
                        diff
                    }
                } else if diff > 0 {
                    diff - 7
                } else {
                    diff
                };
                day(r.add_days(days))
            });
            return Some(self.finish(at, end + 3, value, Qualifier::None, "date_weekday"));
        }
        let delta = delta.expect("checked");
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
        Some(match weekday {
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
        })
    }

    /// 两年前, 13年前, 两年之后, 3年后; 3天前 (a day), 三个月前 (a month).
    fn years_ago(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        let (n, end) = number_at(line, at, 3)?;
        if line[..at].ends_with(|c: char| c.is_ascii_digit()) || n == 0 || n > 200 {
            return None;
        }
        let (unit, unit_len) = [
            ("年", 'y'),
            ("个月", 'm'),
            ("天", 'd'),
            ("日", 'd'),
            ("周", 'w'),
            ("个星期", 'w'),
        ]
        .iter()
        .find(|(w, _)| starts(line, end, w))
        .map(|(w, u)| (*u, w.len()))?;
        let after = end + unit_len;
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
        let n = i64::from(n) * sign;
        let value = self
            .ctx
            .reference
            .map_or(Timex::Unresolved, |r| match unit {
                'y' => Timex::Year(Some(r.year + n as i32)),
                'm' => {
                    let total = i64::from(r.year) * 12 + i64::from(r.month) - 1 + n;
                    Timex::Month(
                        Some(total.div_euclid(12) as i32),
                        (total.rem_euclid(12) + 1) as u32,
                    )
                }
                'w' => day(r.add_days(7 * n)),
                _ => day(r.add_days(n)),
            });
        Some(self.finish(at, after + len, value, Qualifier::None, "date_years_ago"))
    }

    /// 近三年, 近10年来: the years up to the reference year.
    fn recent_years(&mut self, at: usize) -> Option<Found> {
        let line = self.line;
        let body = RECENT_YEARS.iter().find(|w| starts(line, at, w))?;
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

/// Halves of a year.
const HALVES: [(&str, u32); 4] = [
    ("上半年度", 1),
    ("下半年度", 2),
    ("上半年", 1),
    ("下半年", 2),
];
/// Before a number of quarters or months from the start of the year:
/// 前三季度, 首季度.
const SO_FAR: [&str; 2] = ["前", "首"];
/// Before the number of a quarter: 第三季度.
const ORDINAL: char = '第';
/// Before the number of a quarter: Q3.
const QUARTER_LETTER: char = 'Q';
/// Parts of a year, alone or after one: 年初, 2015年年底.
const YEAR_PARTS: [(&str, Qualifier); 4] = [
    ("年初", Qualifier::Start),
    ("年中", Qualifier::Mid),
    ("年底", Qualifier::End),
    ("年末", Qualifier::End),
];
/// Parts of the month in context: 月初, 下旬.
const MONTH_PARTS: [(&str, Qualifier); 7] = [
    ("月初", Qualifier::Start),
    ("月中", Qualifier::Mid),
    ("月底", Qualifier::End),
    ("月末", Qualifier::End),
    ("上旬", Qualifier::Start),
    ("中旬", Qualifier::Mid),
    ("下旬", Qualifier::End),
];

/// Whether a period ([`Reader::period`]) can start with `c`: a number (of
/// a quarter), or the first character of one of its words.
fn period_could_start(c: char) -> bool {
    static FIRST: LazyLock<Vec<char>> = LazyLock::new(|| {
        let ordinals = [ORDINAL, QUARTER_LETTER].map(String::from);
        first_chars(
            SO_FAR
                .into_iter()
                .chain(ordinals.iter().map(String::as_str))
                .chain(HALVES.iter().map(|(w, _)| *w))
                .chain(YEAR_PARTS.iter().map(|(w, _)| *w))
                .chain(MONTH_PARTS.iter().map(|(w, _)| *w)),
        )
    });
    number_could_start(c) || FIRST.binary_search(&c).is_ok()
}

/// The first characters of `words`, sorted for a binary search.
fn first_chars<'w>(words: impl Iterator<Item = &'w str>) -> Vec<char> {
    let mut first: Vec<char> = words.filter_map(|w| w.chars().next()).collect();
    first.sort_unstable();
    first.dedup();
    first
}

/// The words before a number of recent years: 近三年, 最近五年, 过去十年.
const RECENT_YEARS: [&str; 3] = ["近", "最近", "过去"];

fn recent_years_could_start(c: char) -> bool {
    static FIRST: LazyLock<Vec<char>> = LazyLock::new(|| first_chars(RECENT_YEARS.into_iter()));
    FIRST.binary_search(&c).is_ok()
}

fn plan_could_start(c: char) -> bool {
    static FIRST: LazyLock<Vec<char>> =
        LazyLock::new(|| first_chars(PLANS.iter().map(|(w, ..)| *w)));
    FIRST.binary_search(&c).is_ok()
}

fn holiday_could_start(c: char) -> bool {
    static FIRST: LazyLock<Vec<char>> =
        LazyLock::new(|| first_chars(HOLIDAYS.iter().map(|(w, ..)| *w)));
    FIRST.binary_search(&c).is_ok()
}

/// The holiday whose name is at `at`, the longest if several are.
fn holiday_at(line: &str, at: usize) -> Option<Holiday> {
    HOLIDAY_NAMES
        .longest_prefix(&line[at..])
        .map(|(_, k)| HOLIDAYS[k])
}

/// The names of [`HOLIDAYS`], each with its index there.
static HOLIDAY_NAMES: LazyLock<WordTable<usize>> =
    LazyLock::new(|| WordTable::new(HOLIDAYS.iter().enumerate().map(|(k, h)| (h.0, k)).collect()));

/// The day a holiday falls on in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HolidayDay {
    /// The same month and day every year.
    Fixed(u32, u32),
    /// Days after the Spring Festival ([`SPRING_FESTIVAL`]): 除夕 is the
    /// day before, 元宵节 14 days after.
    SpringFestival(i64),
    /// A festival of [`MOVABLE_FESTIVALS`], by its name there.
    Movable(&'static str),
}

impl HolidayDay {
    /// The day in `year`, if the calendar knows it.
    fn in_year(self, year: i32) -> Option<Date> {
        match self {
            HolidayDay::Fixed(month, day) => Date::new(year, month, day),
            HolidayDay::SpringFestival(offset) => {
                SPRING_FESTIVAL.get(&year).map(|d| d.add_days(offset))
            }
            HolidayDay::Movable(name) => MOVABLE_FESTIVALS.get(&(name, year)).copied(),
        }
    }
}

/// A holiday word, the day it names, and whether the word is a holiday
/// only before a word of [`HOLIDAY_TAILS`] (五一假期, 中秋国庆: 五一 alone may
/// be a count, 中秋 the moon cake's festival named in a product).
type Holiday = (&'static str, HolidayDay, bool);

/// What may follow a holiday's short name for it to be one.
const HOLIDAY_TAILS: [&str; 13] = [
    "假期",
    "期间",
    "长假",
    "黄金周",
    "小长假",
    "前",
    "后",
    "当天",
    "节",
    "，",
    "、",
    "国庆",
    "佳节",
];

/// The holidays [`Reader::holiday`] reads; the longest name at a position
/// wins. 元宵 alone is also the dumpling, 十一 also eleven: only the
/// festival's full name is read.
const HOLIDAYS: [Holiday; 35] = [
    ("五一劳动节", HolidayDay::Fixed(5, 1), false),
    ("国庆节", HolidayDay::Fixed(10, 1), false),
    ("国庆", HolidayDay::Fixed(10, 1), false),
    ("元旦", HolidayDay::Fixed(1, 1), false),
    ("劳动节", HolidayDay::Fixed(5, 1), false),
    ("五一", HolidayDay::Fixed(5, 1), true),
    ("春节", HolidayDay::SpringFestival(0), false),
    ("除夕", HolidayDay::SpringFestival(-1), false),
    ("元宵节", HolidayDay::SpringFestival(14), false),
    ("端午节", HolidayDay::Movable("端午"), false),
    ("端午", HolidayDay::Movable("端午"), true),
    ("七夕节", HolidayDay::Movable("七夕"), false),
    ("七夕", HolidayDay::Movable("七夕"), true),
    ("中秋节", HolidayDay::Movable("中秋"), false),
    ("中秋", HolidayDay::Movable("中秋"), true),
    ("重阳节", HolidayDay::Movable("重阳"), false),
    ("清明节", HolidayDay::Movable("清明"), false),
    ("清明", HolidayDay::Movable("清明"), true),
    ("新年", HolidayDay::Fixed(1, 1), false),
    ("双十一", HolidayDay::Fixed(11, 11), false),
    ("双11", HolidayDay::Fixed(11, 11), false),
    ("双十二", HolidayDay::Fixed(12, 12), false),
    ("双12", HolidayDay::Fixed(12, 12), false),
    ("圣诞节", HolidayDay::Fixed(12, 25), false),
    ("情人节", HolidayDay::Fixed(2, 14), false),
    ("三八妇女节", HolidayDay::Fixed(3, 8), false),
    ("妇女节", HolidayDay::Fixed(3, 8), false),
    ("植树节", HolidayDay::Fixed(3, 12), false),
    ("五四青年节", HolidayDay::Fixed(5, 4), false),
    ("六一儿童节", HolidayDay::Fixed(6, 1), false),
    ("儿童节", HolidayDay::Fixed(6, 1), false),
    ("八一建军节", HolidayDay::Fixed(8, 1), false),
    ("建军节", HolidayDay::Fixed(8, 1), false),
    ("教师节", HolidayDay::Fixed(9, 10), false),
    ("七夕情人节", HolidayDay::Movable("七夕"), false),
];

/// The first characters of [`HOLIDAYS`]: a position starting with none of
/// them (most positions) is no holiday.
/// Relative years: 今年 is the reference's year plus 0.
const RELATIVE_YEARS: [(&str, i32); 6] = [
    ("今年", 0),
    ("去年", -1),
    ("前年", -2),
    ("明年", 1),
    ("后年", 2),
    ("本年", 0),
];
/// Years counted from the year named before: 上年, 次年.
const PREVIOUS_YEARS: [(&str, i32); 3] = [("上年", -1), ("次年", 1), ("翌年", 1)];
/// Relative months; 当月 is the month named before.
const RELATIVE_MONTHS: [(&str, i32); 6] = [
    ("本月", 0),
    ("上个月", -1),
    ("上月", -1),
    ("下个月", 1),
    ("下月", 1),
    ("当月", 0),
];
/// Weeks relative to the reference's (None: a bare weekday, 周二).
/// Longest first: 上个星期 before 上星期, 星期 before 周.
const WEEK_PREFIXES: [(&str, Option<i64>); 11] = [
    ("上个星期", Some(-1)),
    ("上星期", Some(-1)),
    ("下星期", Some(1)),
    ("本星期", Some(0)),
    ("这星期", Some(0)),
    ("本周", Some(0)),
    ("这周", Some(0)),
    ("上周", Some(-1)),
    ("下周", Some(1)),
    ("星期", None),
    ("周", None),
];
/// Days relative to the reference.
const RELATIVE_DAYS: [(&str, i64); 12] = [
    ("今天", 0),
    ("今日", 0),
    ("今晨", 0),
    ("今晚", 0),
    ("昨天", -1),
    ("昨日", -1),
    ("昨晚", -1),
    ("昨夜", -1),
    ("前天", -2),
    ("明天", 1),
    ("明日", 1),
    ("后天", 2),
];
/// The day after the day named before.
const NEXT_DAY: &str = "次日";
/// Five-year plans and their years.
const PLANS: [(&str, i32, i32); 5] = [
    ("十一五", 2006, 2010),
    ("十二五", 2011, 2015),
    ("十三五", 2016, 2020),
    ("十四五", 2021, 2025),
    ("十五五", 2026, 2030),
];

/// Whether a relative date (`Reader::relative`) can start with `c`: the
/// first characters of the words above, read from them once. Most
/// positions where some date may start (digits, 年, 元, 中) cannot start
/// one of these, and skip the forty comparisons.
fn relative_could_start(c: char) -> bool {
    static FIRST: LazyLock<Vec<char>> = LazyLock::new(|| {
        first_chars(
            RELATIVE_YEARS
                .iter()
                .map(|(w, _)| *w)
                .chain(PREVIOUS_YEARS.iter().map(|(w, _)| *w))
                .chain(RELATIVE_MONTHS.iter().map(|(w, _)| *w))
                .chain(WEEK_PREFIXES.iter().map(|(w, _)| *w))
                .chain(RELATIVE_DAYS.iter().map(|(w, _)| *w))
                .chain([NEXT_DAY]),
        )
    });
    FIRST.binary_search(&c).is_ok()
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Characters after which a new phrase starts (so 前 there opens 前10个月).
fn is_clause_opening(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '；' | '：' | '、' | '“' | '（' | '在' | '的' | '年'
    )
}

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

/// Qualifier words after a year: 初, 中, 底, 末, 以来.
const YEAR_QUALIFIERS: &[(&str, Qualifier)] = &[
    ("以来", Qualifier::Since),
    ("初", Qualifier::Start),
    ("年初", Qualifier::Start),
    ("中", Qualifier::Mid),
    ("底", Qualifier::End),
    ("末", Qualifier::End),
];

/// Qualifier words after a month: 初, 中旬, 底, 上旬 ….
const MONTH_QUALIFIERS: &[(&str, Qualifier)] = &[
    ("上旬", Qualifier::Start),
    ("中旬", Qualifier::Mid),
    ("下旬", Qualifier::End),
    ("初", Qualifier::Start),
    ("中", Qualifier::Mid),
    ("底", Qualifier::End),
    ("末", Qualifier::End),
];

/// The first word of `table` at `at` (中 only where it stands alone).
fn qualifier_at(line: &str, at: usize, table: &[(&str, Qualifier)]) -> Option<(Qualifier, usize)> {
    table
        .iter()
        .find(|(w, _)| starts(line, at, w) && (*w != "中" || mid_stands_alone(line, at)))
        .map(|(w, q)| (*q, w.len()))
}

fn year_qualifier(line: &str, at: usize) -> Option<(Qualifier, usize)> {
    qualifier_at(line, at, YEAR_QUALIFIERS)
}

fn month_qualifier(line: &str, at: usize) -> Option<(Qualifier, usize)> {
    qualifier_at(line, at, MONTH_QUALIFIERS)
}

/// 以来 after a date.
fn date_suffix_qualifier(line: &str, at: usize) -> Option<(Qualifier, usize)> {
    starts(line, at, "以来").then_some((Qualifier::Since, "以来".len()))
}

/// Skips a time-of-day word between the halves of a range (晚上, 凌晨).
fn skip_time_of_day(line: &str, at: usize) -> usize {
    // The words are all two characters long: one at most is there.
    if let Some(w) = word_at(line, at, &TIMES_OF_DAY) {
        let after = at + w.len();
        if ["至", "到", "-", "—"]
            .iter()
            .any(|c| starts(line, after, c))
            || line[after..].is_empty()
        {
            return after;
        }
    }
    at
}

/// Times of day, skipped between the halves of a range.
const TIMES_OF_DAY: [&str; 9] = [
    "晚上", "凌晨", "上午", "下午", "中午", "早上", "傍晚", "夜间", "白天",
];

/// What joins the halves of a range (8月7日至9日).
const RANGE_CONNECTORS: [&str; 7] = ["至", "到", "-", "—", "～", "~", "－"];

/// The first of `words` that `line` has at `at`.
fn word_at<'w>(line: &str, at: usize, words: &[&'w str]) -> Option<&'w str> {
    words.iter().copied().find(|w| starts(line, at, w))
}

fn month_follows(line: &str, at: usize) -> bool {
    number_at(line, at, 2).is_some_and(|(m, end)| (1..=12).contains(&m) && starts(line, end, "月"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`Timex::render`] as it was written with `format!`.
    fn render_by_format(t: &Timex) -> String {
        let y = |y: &Option<i32>| y.map_or("XXXX".to_string(), |y| format!("{y:04}"));
        match t {
            Timex::Year(year) => y(year),
            Timex::Half(year, h) => format!("{}-H{h}", y(year)),
            Timex::Quarter(year, q) => format!("{}-Q{q}", y(year)),
            Timex::Month(year, m) => format!("{}-{m:02}", y(year)),
            Timex::Week(year, w) => format!("{year:04}-W{w:02}"),
            Timex::Day(year, 0, d) => format!("{}-XX-{d:02}", y(year)),
            Timex::Day(year, m, d) => format!("{}-{m:02}-{d:02}", y(year)),
            Timex::Interval(a, b) => {
                let (a, b) = (render_by_format(a), render_by_format(b));
                if a.is_empty() || b.is_empty() {
                    String::new()
                } else {
                    format!("{a}/{b}")
                }
            }
            Timex::Unresolved => String::new(),
        }
    }

    /// Any value, with the numbers of dates and others (wide, negative).
    fn timex() -> impl Strategy<Value = Timex> {
        let year = prop_oneof![1000..=2999i32, any::<i32>()];
        let number = prop_oneof![0..=60u32, any::<u32>()];
        let leaf = prop_oneof![
            proptest::option::of(year.clone()).prop_map(Timex::Year),
            (proptest::option::of(year.clone()), number.clone())
                .prop_map(|(y, h)| Timex::Half(y, h)),
            (proptest::option::of(year.clone()), number.clone())
                .prop_map(|(y, q)| Timex::Quarter(y, q)),
            (proptest::option::of(year.clone()), number.clone())
                .prop_map(|(y, m)| Timex::Month(y, m)),
            (year.clone(), number.clone()).prop_map(|(y, w)| Timex::Week(y, w)),
            (proptest::option::of(year), number.clone(), number)
                .prop_map(|(y, m, d)| Timex::Day(y, m, d)),
            Just(Timex::Unresolved),
        ];
        leaf.prop_recursive(2, 8, 2, |inner| {
            (inner.clone(), inner).prop_map(|(a, b)| Timex::Interval(Box::new(a), Box::new(b)))
        })
    }

    #[test]
    fn number_at_reads_digits_and_chinese_numerals_up_to_its_length() {
        let cases = [
            ("3月", 2, Some((3, 1))),
            ("08日", 2, Some((8, 2))),
            ("2020年", 4, Some((2020, 4))),
            ("123456", 3, Some((123, 3))),
            ("三月", 2, Some((3, 3))),
            ("〇", 1, Some((0, 3))),
            ("两周", 3, Some((2, 3))),
            ("十二月", 2, Some((12, 6))),
            ("二十三日", 3, Some((23, 9))),
            ("廿三", 2, Some((23, 6))),
            ("月", 2, None),
            ("99999999999", 11, None),
        ];
        for (text, max_chars, want) in cases {
            assert_eq!(number_at(text, 0, max_chars), want, "{text}");
        }
    }

    /// The characters [`number_at`] reads: the Arabic digits and every
    /// Chinese numeral character.
    fn numeral_alphabet() -> Vec<char> {
        ('0'..='9')
            .chain(('\u{3000}'..='\u{9FFF}').filter(|&c| is_chinese_numeral(c)))
            .collect()
    }

    #[test]
    fn a_lone_chinese_numeral_is_read_as_the_general_reading_reads_it() {
        let alphabet = numeral_alphabet();
        assert!(alphabet.len() > 20, "{alphabet:?}");
        for c in alphabet.into_iter().filter(|c| !c.is_ascii()) {
            assert_eq!(
                lone_chinese_numeral(c),
                chinese_number(&c.to_string()),
                "{c}"
            );
        }
    }

    /// The words a period reader looks for.
    fn period_words() -> impl Iterator<Item = &'static str> {
        HALVES
            .iter()
            .map(|(w, _)| *w)
            .chain(YEAR_PARTS.iter().map(|(w, _)| *w))
            .chain(MONTH_PARTS.iter().map(|(w, _)| *w))
            .chain(SO_FAR.iter().copied())
    }

    #[test]
    fn every_word_of_a_reader_starts_with_a_character_its_guard_admits() {
        for w in RECENT_YEARS {
            assert!(w.starts_with(recent_years_could_start), "{w}");
        }
        for (w, ..) in PLANS {
            assert!(w.starts_with(plan_could_start), "{w}");
        }
        for (w, ..) in HOLIDAYS {
            assert!(w.starts_with(holiday_could_start), "{w}");
        }
        for w in period_words() {
            assert!(w.starts_with(period_could_start), "{w}");
        }
        for c in [ORDINAL, QUARTER_LETTER, '3', '三', '十'] {
            assert!(period_could_start(c), "{c}");
        }
        // Reader::period reads only a quarter where a numeral or 第 is.
        let mut quarter = [0; 4];
        let quarter: &str = QUARTER_LETTER.encode_utf8(&mut quarter);
        for w in period_words().map(|w| -> &str { w }).chain([quarter]) {
            assert!(
                !w.starts_with(|c| c == ORDINAL || number_could_start(c)),
                "{w}"
            );
        }
        assert!(year_could_start('同'));
    }

    #[test]
    fn the_readers_admitted_at_a_character_are_those_whose_guards_admit_it() {
        assert!(READERS.len() <= 16, "one bit each in a u16");
        for c in '\0'..='\u{FFFF}' {
            assert_eq!(readers_admitting(c), guards_admitting(c), "{c}");
        }
    }

    #[test]
    fn one_time_of_day_and_one_connector_at_most_are_at_a_position() {
        // Distinct words of one length: where one is, no other is.
        for (words, chars) in [(&TIMES_OF_DAY[..], 2), (&RANGE_CONNECTORS[..], 1)] {
            for (k, w) in words.iter().enumerate() {
                assert_eq!(w.chars().count(), chars, "{w}");
                assert!(!words[..k].contains(w), "{w}");
            }
        }
    }

    #[test]
    fn no_look_ahead_word_holds_a_clause_end() {
        // Tense reads a window clause by clause: a word across two clauses
        // would be missed.
        for w in LOOK_AHEAD {
            assert!(!w.contains(CLAUSE_ENDS), "{w}");
        }
        for c in SENTENCE_ENDS {
            assert!(is_clause_end(c), "{c}");
        }
    }

    /// Characters dates are made of, the first characters of every word
    /// the readers know, clause ends, and some others.
    fn date_alphabet() -> Vec<char> {
        let mut words: Vec<&str> = vec![
            "0123456789",
            "〇零一二两三四五六七八九十廿卅百千万亿",
            "年月日号份旬季度周天个星期半上中下初底末前后以来至今到同期间",
            "，。；：！？、（）()-—－～~/.Q第首近最过去今明本这昨次翌当",
            "截将于计划预计拟完建举春节国庆元旦劳动新除夕十三五规划时收官",
            "晚凌晨午早傍夜白起开始召发布左右每约共内之连续亿美元人在的和",
            "aZ ",
        ];
        words.extend(LOOK_AHEAD);
        let mut chars: Vec<char> = words.iter().flat_map(|w| w.chars()).collect();
        chars.sort_unstable();
        chars.dedup();
        chars
    }

    fn date_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(date_alphabet()), 0..24)
            .prop_map(|chars| chars.into_iter().collect())
    }

    /// The contexts a date may be read in.
    fn contexts() -> Vec<DateContext> {
        let mut contexts = Vec::new();
        for reference in [None, Date::parse("2020-06-15")] {
            for looks_ahead in [false, true] {
                let mut ctx = DateContext::new(reference);
                ctx.looks_ahead = LooksAhead::Read(looks_ahead);
                contexts.push(ctx.clone());
                ctx.last_year = Some(2018);
                ctx.last_month = Some((Some(2018), 3));
                ctx.last_day = Date::parse("2018-03-07");
                ctx.sentence_year = Some(2019);
                ctx.clause_year = Some(2017);
                ctx.sentence_period = Some(Timex::Quarter(Some(2019), 2));
                contexts.push(ctx);
            }
        }
        contexts
    }

    /// [`Reader::date`] asking every reader at every position: the slow,
    /// obviously right version of its guards.
    fn date_asking_every_reader(r: &mut Reader, at: usize) -> Option<Found> {
        let c = r.line[at..].chars().next()?;
        if c == '截' && starts(r.line, at, "截至") {
            return None;
        }
        r.relative(at)
            .or_else(|| r.years_ago(at))
            .or_else(|| r.recent_years(at))
            .or_else(|| r.absolute(at))
            .or_else(|| r.iso(at))
            .or_else(|| r.month_day(at, None))
            .or_else(|| r.lone_day(at))
            .or_else(|| r.period(at, None, at))
            .or_else(|| r.plan(at))
            .or_else(|| r.holiday(at, None, at))
    }

    /// The byte after the first 。！？； at or after `from`, or the end of
    /// `line`: where [`scan`] searched the end of a sentence before
    /// [`Sentences`].
    fn next_sentence_end(line: &str, from: usize) -> usize {
        line[from..]
            .find(SENTENCE_ENDS)
            .map_or(line.len(), |k| from + k + '。'.len_utf8())
    }

    /// The window of the clause at `at`, as it was read before [`Tense`].
    fn look_ahead_window(line: &str, at: usize) -> &str {
        let start = line[..at]
            .rfind(CLAUSE_ENDS)
            .map_or(0, |i| i + '，'.len_utf8());
        let mut end = at;
        for _ in 0..2 {
            match line[end..].find(CLAUSE_ENDS) {
                Some(k) => {
                    let stop = line[end + k..].chars().next().expect("found a char");
                    end += k + stop.len_utf8();
                    if matches!(stop, '。' | '！' | '？' | '；') {
                        break;
                    }
                }
                None => {
                    end = line.len();
                    break;
                }
            }
        }
        &line[start..end]
    }

    fn reader<'a, 'c, 't>(
        line: &'a str,
        ctx: &'c mut DateContext,
        tense: &'t mut Tense,
    ) -> Reader<'a, 'c, 't> {
        Reader { line, ctx, tense }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn values_are_written_as_formatting_writes_them(value in timex()) {
            prop_assert_eq!(value.render(), render_by_format(&value));
        }

        #[test]
        fn a_tense_read_when_asked_is_the_tense_read_first(line in date_text()) {
            for at in (0..line.len()).filter(|&k| line.is_char_boundary(k)) {
                let clause = line[..at]
                    .rfind(CLAUSE_ENDS)
                    .map_or(0, |i| i + '，'.len_utf8());
                let tense = looks_ahead(look_ahead_window(&line, at));
                for ctx in contexts() {
                    let (mut lazy_ctx, mut eager_ctx) = (ctx.clone(), ctx);
                    lazy_ctx.looks_ahead = LooksAhead::Unread(clause);
                    eager_ctx.looks_ahead = LooksAhead::Read(tense);
                    let lazy = reader(&line, &mut lazy_ctx, &mut Tense::default()).date_or_range(at);
                    let eager = reader(&line, &mut eager_ctx, &mut Tense::default()).date_or_range(at);
                    let key = |f: Option<Found>| f.map(|f| (f.span, f.value, f.fact));
                    prop_assert_eq!(key(lazy), key(eager), "{} at {}", line, at);
                    // Read, or never asked for.
                    let asked = lazy_ctx.looks_ahead;
                    prop_assert!(asked == LooksAhead::Unread(clause) || asked == eager_ctx.looks_ahead);
                    lazy_ctx.looks_ahead = eager_ctx.looks_ahead;
                    prop_assert_eq!(format!("{lazy_ctx:?}"), format!("{eager_ctx:?}"));
                }
            }
        }

        #[test]
        fn guarded_readers_read_what_every_reader_reads(line in date_text()) {
            for at in (0..line.len()).filter(|&k| line.is_char_boundary(k)) {
                for ctx in contexts() {
                    let (mut fast_ctx, mut slow_ctx) = (ctx.clone(), ctx);
                    let fast = reader(&line, &mut fast_ctx, &mut Tense::default()).date(at);
                    let slow = date_asking_every_reader(
                        &mut reader(&line, &mut slow_ctx, &mut Tense::default()),
                        at,
                    );
                    let key = |f: Option<Found>| f.map(|f| (f.span, f.value, f.fact));
                    prop_assert_eq!(key(fast), key(slow), "{} at {}", line, at);
                    prop_assert_eq!(format!("{fast_ctx:?}"), format!("{slow_ctx:?}"));
                }
            }
        }

        #[test]
        fn tense_reads_the_window_of_every_clause(line in date_text(), order in any::<u64>()) {
            // Clause starts, as the scan meets them (in order), some skipped.
            let mut starts = vec![0];
            starts.extend(line.match_indices(CLAUSE_ENDS).map(|(k, c)| k + c.len()));
            let mut tense = Tense::default();
            for (n, at) in starts.into_iter().enumerate() {
                if order >> (n % 64) & 1 == 1 {
                    continue;
                }
                prop_assert_eq!(
                    tense.looks_ahead(&line, at),
                    looks_ahead(look_ahead_window(&line, at)),
                    "{} at {}", line, at
                );
            }
        }

        #[test]
        fn a_word_is_found_as_comparing_every_word_finds_it(line in date_text()) {
            let lists: [&[&str]; 3] = [&TIMES_OF_DAY, &RANGE_CONNECTORS, LOOK_AHEAD];
            for at in (0..=line.len()).filter(|&k| line.is_char_boundary(k)) {
                for words in lists {
                    let every = words.iter().copied().find(|w| line[at..].starts_with(w));
                    prop_assert_eq!(word_at(&line, at, words), every, "{} at {}", line, at);
                }
            }
        }

        #[test]
        fn a_word_is_at_a_position_where_the_text_starts_with_it(
            line in date_text(),
            word in prop_oneof![date_text(), Just(String::new())],
        ) {
            for at in (0..=line.len()).filter(|&k| line.is_char_boundary(k)) {
                prop_assert_eq!(starts(&line, at, &word), line[at..].starts_with(word.as_str()));
            }
        }

        #[test]
        fn clause_ends_are_found_as_a_char_search_finds_them(line in date_text()) {
            for at in (0..=line.len()).filter(|&k| line.is_char_boundary(k)) {
                let want = line[at..]
                    .find(CLAUSE_ENDS)
                    .map(|k| (at + k, line[at + k..].chars().next().expect("a char")));
                prop_assert_eq!(find_clause_end(&line, at), want);
            }
        }

        #[test]
        fn sentences_start_where_searching_for_their_ends_finds(
            line in date_text(),
            walk in proptest::collection::vec(0..4usize, 1..24),
        ) {
            // The scan passes over characters (never a sentence end),
            // stops at one, or reads a date of one to three.
            let mut sentences = Sentences::new();
            let mut sentence_end = 0;
            let mut at = 0;
            for step in walk.iter().cycle().take(line.chars().count()) {
                let Some(c) = line[at..].chars().next() else {
                    break;
                };
                if *step == 0 && !SENTENCE_ENDS.contains(&c) {
                    at += c.len_utf8();
                    continue;
                }
                let searched = at >= sentence_end;
                if searched {
                    sentence_end = next_sentence_end(&line, at);
                }
                prop_assert_eq!(sentences.start_here(), searched, "{} at {}", line, at);
                sentences.pass_char(c);
                let read: usize = line[at..].chars().take(*step).map(char::len_utf8).sum();
                sentences.pass(&line[at..at + read.max(c.len_utf8())]);
                at += read.max(c.len_utf8());
            }
        }
    }

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
    fn each_holiday_is_found_by_its_own_name() {
        for holiday in HOLIDAYS {
            let text = format!("{}期间", holiday.0);
            assert_eq!(holiday_at(&text, 0), Some(holiday), "{}", holiday.0);
        }
        assert_eq!(holiday_at("建设", 0), None);
        assert_eq!(holiday_at("双方", 0), None);
    }

    #[test]
    fn reads_fixed_and_lunar_holidays() {
        assert_eq!(one("双十一当天", "2021-12-01"), "2021-11-11");
        assert_eq!(one("双11期间", "2021-12-01"), "2021-11-11");
        assert_eq!(one("2019年元宵节", "2021-12-01"), "2019-02-19");
        assert_eq!(one("今年教师节", "2021-12-01"), "2021-09-10");
        assert_eq!(one("三八妇女节前夕", "2021-12-01"), "2021-03-08");
        // Before the reference's day, the holiday is last year's.
        assert_eq!(one("圣诞节", "2021-12-01"), "2020-12-25");
        assert_eq!(one("2020年中秋节", "2021-12-01"), "2020-10-01");
        assert_eq!(one("端午假期", "2023-07-01"), "2023-06-22");
        assert_eq!(one("重阳节", "2021-12-01"), "2021-10-14");
        assert_eq!(one("清明假期", "2023-04-10"), "2023-04-05");
        assert!(dates("清明上河图", "2021-12-01").is_empty());
        // The dumpling, the number and a common word are no holiday; nor a
        // lunar festival's short name in a product's (中秋月饼).
        assert!(dates("吃元宵", "2021-12-01").is_empty());
        assert!(dates("中秋月饼", "2021-12-01").is_empty());
        assert!(dates("端午粽子", "2021-12-01").is_empty());
        assert!(dates("建设双方的情谊", "2021-12-01").is_empty());
    }

    #[test]
    fn reads_years_of_the_republic_of_china_era() {
        assert_eq!(one("民国109年", "2021-06-01"), "2020");
        assert_eq!(one("中华民国三十八年", "2021-06-01"), "1949");
        assert_eq!(one("民国元年", "2021-06-01"), "1912");
        assert_eq!(one("民国109年3月5日", "2021-06-01"), "2020-03-05");
        assert_eq!(one("民国109年至110年", "2021-06-01"), "2020/2021");
        assert_eq!(
            one("民国109年3月至111年6月", "2021-06-01"),
            "2020-03/2022-06"
        );
        // No number, or one past the era's likely years: no year of it.
        assert!(dates("民国时期", "2021-06-01").is_empty());
        assert!(dates("民国初年", "2021-06-01").is_empty());
        assert!(dates("民国200年", "2021-06-01").is_empty());
    }

    #[test]
    fn a_year_of_the_era_is_read_only_after_its_name() {
        assert_eq!(roc_year("民国109年", 0), Some((2020, "民国109年".len())));
        assert_eq!(
            roc_year("中华民国元年", 0),
            Some((1912, "中华民国元年".len()))
        );
        assert_eq!(roc_year("109年", 0), None);
        assert_eq!(roc_year("民国109", 0), None);
        assert_eq!(roc_year_number("110年度", 0), Some((2021, "110年".len())));
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
