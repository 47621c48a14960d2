//! Stage 2: repair hard line breaks.
//!
//! Input: normalized text. Output: one paragraph a line, an [`OffsetMap`] to
//! the input, and the kind of each line (body, heading, furniture).
//!
//! Every non-whitespace character of the input is kept, in order, except
//! page furniture (page numbers, running heads, dated page headers) that
//! interrupts a paragraph: it is moved to a line of its own after the
//! paragraph, never deleted. Only whitespace is removed; a line break inside
//! a paragraph disappears, or becomes one space between two Latin letters or
//! digits (`ECONOMIC\nDAILY` → `ECONOMIC DAILY`, `5G\n石化` → `5G石化`).
//!
//! Each boundary between two text lines gets one decision, join or break,
//! from a score that adds up the evidence (`Context::score`, positive
//! joins; [`explain_evidence`] lists it for a text):
//! - how the line ends (`。！？…` and closing quotes after them; `，、：“`;
//!   a line with clause punctuation that stops without any is mid-sentence)
//!   and how the next one starts (`，。）%` never start a paragraph; `——`,
//!   `本报讯`, `本报记者` always do);
//! - how full the line is against the column width of its block (the width
//!   most of the lines around it share, CJK one cell and ASCII half or in
//!   characters, whichever the block follows, and how ragged the block is):
//!   a line is full when the next line's first piece would not have fit;
//! - headings: a paragraph's last line ends a sentence, so a short
//!   unpunctuated line that ends its paragraph stands alone, as does a line
//!   shaped like a subtitle, byline, caption or subhead (`——…`,
//!   `本报记者 高 刚`, `……(资料片)`, `深化党建引领 超前谋划布局`);
//! - blank lines and indentation, where they are rarer than the usual;
//! - a number cut from its unit (`近千|亿元`, `80%|至90%`) and a word cut in
//!   two (`形|成了`: jieba, asked only when the rest is unsure);
//! - where the layout cannot tell (a full line ending a sentence), how far
//!   the paragraph has run against this text's usual paragraph length.
//!
//! Page numbers (`第10版`, `5/12`, `- 7 -`) are always furniture. Running
//! heads (short unpunctuated lines repeated in the text) and dated page
//! headers are furniture when the text on both sides of them joins, and
//! headings otherwise. Nothing else is ever moved.
//!
//! ```
//! let r = zhfacts::reflow::reflow("拉动投资近千\n\n亿元的重大项目签约实施，真正形\n\n成了新格局。");
//! assert_eq!(r.text, "拉动投资近千亿元的重大项目签约实施，真正形成了新格局。");
//! ```

use crate::document::{Paragraph, ParagraphKind};
use crate::offsets::OffsetMap;
use crate::segment;
use rustc_hash::FxHashMap;

/// The reflowed text.
#[derive(Debug, Clone)]
pub struct Reflowed {
    /// One paragraph a line.
    pub text: String,
    /// Map from `text` to the input of reflow ([`reflow`]) or to the
    /// source of that input ([`reflow_through`]).
    pub map: OffsetMap,
    /// The lines of `text` and their kinds.
    pub paragraphs: Vec<Paragraph>,
}

/// How a line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// `。！？…`, possibly followed by closing quotes or brackets.
    Sentence,
    /// `；`: a list item may end a paragraph, a clause usually does not.
    Semicolon,
    /// `，、：“（《—`: the sentence must go on.
    Continuing,
    /// A closing quote or bracket that does not close a sentence.
    Closer,
    /// A letter, digit or CJK character.
    Open,
}

/// What a line looks like as page furniture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Running text, a heading, anything else.
    Text,
    /// A page number or edition marker (`第10版`, `5/12`, `- 7 -`): always
    /// moved out of the text.
    PageMarker,
    /// A dated page header or a short line repeated on several pages: moved
    /// out when it interrupts a paragraph, a heading otherwise.
    PageHeader,
}

/// A non-blank input line, trimmed.
#[derive(Debug, Clone)]
struct Line<'a> {
    /// Trimmed content.
    content: &'a str,
    /// Character index of the content's first character in the input.
    char_start: usize,
    /// Character index of the newline that ends the line (or input end).
    newline: usize,
    /// Width in cells: CJK one, ASCII half.
    cells: f32,
    /// Width in characters (some wrappers count these).
    chars: f32,
    /// Number of characters of `content`.
    char_count: usize,
    /// Width in cells without the punctuation at its end (`，。”`), which
    /// may hang past the column.
    core_cells: f32,
    /// The same in characters.
    core_chars: f32,
    /// Blank lines between this line and the previous non-blank one.
    blanks_before: usize,
    /// Leading whitespace, in spaces (a tab counts four, U+3000 two).
    indent: u32,
    first: char,
    last: char,
    ending: Ending,
    /// No sentence or clause punctuation anywhere (`。！？；，、`): the
    /// material of headlines, bylines and running heads.
    bare: bool,
    shape: Shape,
    /// A dated page header by its words (`2021年3月5日 星期五`).
    dated_header: bool,
    /// A news lead (`本报讯`, `本报北京10月19日电`).
    news_lead: bool,
    /// Its first words open a paragraph (`——`, `本报记者`, a news lead).
    opens: bool,
    /// Shaped like a headline, subtitle, byline, caption or subhead.
    heading: bool,
}

impl Line<'_> {
    /// Short and unpunctuated, not cut mid-clause: a heading if it stands
    /// alone.
    fn heading_material(&self) -> bool {
        self.bare
            && self.cells <= 30.0
            && matches!(self.ending, Ending::Open | Ending::Closer)
            && !is_line_start_forbidden(self.first)
            && !self.news_lead
            && !needs_complement(self.last)
    }
}

/// Characters that end a sentence.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '…')
}

/// Closing quotes and brackets that may follow a sentence end.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '】' | '》' | '"' | '\''
    )
}

/// Opening quotes and brackets: they never end a line in running text.
fn is_opener(c: char) -> bool {
    matches!(c, '“' | '‘' | '《' | '（' | '(' | '【' | '「' | '『')
}

/// Punctuation after which a sentence must go on.
fn is_continuing_end(c: char) -> bool {
    is_opener(c) || matches!(c, '，' | '、' | '：' | '—' | ',' | ':')
}

/// Clause and sentence punctuation: a line with none is heading material.
fn is_clause_punctuation(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '；' | '，' | '、' | '!' | '?' | ';' | '…'
    )
}

/// Punctuation a line cannot start with.
fn is_line_start_forbidden(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '”'
            | '’'
            | '》'
            | '】'
            | '」'
            | '』'
            | '…'
            | '%'
            | '‰'
            | ','
            | '.'
            | ';'
            | ':'
            | ')'
            | '!'
            | '?'
    )
}

/// Particles, conjunctions and prepositions that cannot end a phrase
/// (`……社会的`, `……企业和`): a line ending so goes on.
fn needs_complement(c: char) -> bool {
    matches!(
        c,
        '的' | '和' | '与' | '及' | '把' | '被' | '对' | '从' | '向' | '或'
    )
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '〇' | '零'
                | '一'
                | '二'
                | '两'
                | '三'
                | '四'
                | '五'
                | '六'
                | '七'
                | '八'
                | '九'
                | '十'
                | '百'
                | '千'
                | '万'
                | '亿'
        )
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// Words that may follow a number cut from it: units, multipliers, ranges.
fn continues_number(rest: &str) -> bool {
    const STARTS: &[&str] = &[
        "万", "亿", "千", "百", "元", "美元", "港元", "%", "个", "项", "名", "人", "户", "家",
        "吨", "公里", "米", "亩", "年", "月", "日", "号", "倍", "台", "辆", "座", "所", "套", "张",
        "件", "种", "场", "多", "余", "至", "到", "平方", "公顷", "千瓦", "兆瓦", "小时", "天",
        "岁", "周年", "批", "次", "条", "位", "间", "床",
    ];
    STARTS.iter().any(|s| rest.starts_with(s))
}

fn ending(content: &str) -> Ending {
    let mut rev = content.chars().rev();
    let Some(last) = rev.next() else {
        return Ending::Open;
    };
    if is_sentence_end(last) {
        return Ending::Sentence;
    }
    if is_closer(last) {
        // Closers after a sentence end: `。”`, `！）`, `。”）`.
        for c in rev {
            if is_sentence_end(c) {
                return Ending::Sentence;
            }
            if !is_closer(c) {
                break;
            }
        }
        return Ending::Closer;
    }
    if last == '；' || last == ';' {
        Ending::Semicolon
    } else if is_continuing_end(last) {
        Ending::Continuing
    } else {
        Ending::Open
    }
}

/// Width of the first unbreakable piece of `s` (its opening quotes, one
/// character or one run of ASCII, and the punctuation that may not start a
/// line after it), in cells and in characters. A line is full when this
/// piece of the next line would not have fit on it.
fn first_piece(s: &str) -> (f32, f32) {
    let mut cells = 0.0;
    let mut chars = 0.0;
    let mut add = |c: char| {
        cells += if c.is_ascii() { 0.5 } else { 1.0 };
        chars += 1.0;
    };
    let mut it = s.chars().peekable();
    while let Some(&c) = it.peek() {
        if !is_opener(c) {
            break;
        }
        add(c);
        it.next();
    }
    match it.next() {
        Some(c) if c.is_ascii_graphic() => {
            add(c);
            while let Some(&c) = it.peek() {
                if !c.is_ascii_graphic() {
                    break;
                }
                add(c);
                it.next();
            }
        }
        Some(c) => {
            add(c);
            // A space between Chinese words is no break point: `者 刘思远`.
            let mut ahead = it.clone();
            if ahead.next() == Some(' ') && ahead.next().is_some_and(|n| !n.is_ascii()) {
                add(' ');
                add(it.nth(1).unwrap_or(' '));
            }
        }
        None => {}
    }
    while let Some(&c) = it.peek() {
        if !is_line_start_forbidden(c) {
            break;
        }
        add(c);
        it.next();
    }
    (cells, chars)
}

/// The Chinese numerals of edition markers (`第十二版`).
fn is_marker_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// The most non-whitespace characters a page marker has.
const PAGE_MARKER_MAX_VISIBLE: usize = 12;

/// Page numbers and edition markers: `12`, `5/12`, `- 7 -`, `第10版`,
/// `第3页`, `A5`, `A5版`.
fn looks_like_page_marker(s: &str) -> bool {
    let mut n = 0;
    for c in s.chars() {
        n += usize::from(!c.is_whitespace());
        if n > PAGE_MARKER_MAX_VISIBLE {
            return false;
        }
    }
    // Every marker holds a number: most short lines (headings, bylines)
    // are told apart here, before anything is copied or searched.
    if !s
        .chars()
        .any(|c| c.is_ascii_digit() || is_marker_numeral(c))
    {
        return false;
    }
    // Markers rarely hold spaces: copy only when there are some to drop.
    let t: std::borrow::Cow<str> = if s.contains(char::is_whitespace) {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        s.into()
    };
    is_page_marker(&t)
}

/// Whether `t`, a line with its whitespace removed, is written as a page
/// marker.
fn is_page_marker(t: &str) -> bool {
    let digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    let numerals = |x: &str| {
        !x.is_empty()
            && x.chars()
                .all(|c| c.is_ascii_digit() || is_marker_numeral(c))
    };
    if digits(t) {
        return t.len() <= 4;
    }
    if let Some((a, b)) = t.split_once('/') {
        return digits(a) && digits(b) && a.len() <= 3 && b.len() <= 3;
    }
    for dash in ['-', '—', '·'] {
        if let Some(inner) = t.strip_prefix(dash).and_then(|x| x.strip_suffix(dash)) {
            let inner = inner.trim_matches(dash);
            return digits(inner) && inner.len() <= 3;
        }
    }
    if let Some(inner) = t.strip_prefix('第') {
        if let Some(number) = inner
            .strip_suffix('版')
            .or_else(|| inner.strip_suffix('页'))
        {
            return numerals(number);
        }
    }
    let mut it = t.chars();
    let letter = it.next().is_some_and(|c| c.is_ascii_uppercase());
    let rest = it.as_str();
    letter && digits(rest.trim_end_matches('版')) && rest.len() <= 4
}

/// A date at the start of `s` (`2021年3月5日`, `2021-03-05`,
/// `2021/3/5`, `2021.3.5`): the rest of `s` after it.
fn strip_date(s: &str) -> Option<&str> {
    let digits_end = |x: &str| x.find(|c: char| !c.is_ascii_digit()).unwrap_or(x.len());
    let year = digits_end(s);
    if year != 4 {
        return None;
    }
    let rest = &s[4..];
    let sep = rest.chars().next()?;
    if !matches!(sep, '年' | '-' | '/' | '.') {
        return None;
    }
    let rest = &rest[sep.len_utf8()..];
    let month = digits_end(rest);
    if month == 0 || month > 2 {
        return None;
    }
    let rest = &rest[month..];
    let sep2 = if sep == '年' { '月' } else { sep };
    let rest = rest.strip_prefix(sep2)?;
    let day = digits_end(rest);
    if day == 0 || day > 2 {
        return None;
    }
    let rest = &rest[day..];
    Some(if sep == '年' {
        rest.strip_prefix('日')?
    } else {
        rest
    })
}

/// A dated page header: a date, then at most a weekday, an edition and an
/// editor's name (`2021年3月5日 星期五`, `2019-04-16`).
fn looks_like_dated_header(s: &str) -> bool {
    let Some(rest) = strip_date(s) else {
        return false;
    };
    let rest = rest.trim();
    rest.is_empty()
        || ((rest.starts_with("星期") || rest.starts_with('周') || rest.starts_with('第'))
            && rest.chars().count() <= 16
            && !rest.chars().any(is_clause_punctuation))
}

/// Headline, subtitle, byline, caption or subhead by its shape.
fn looks_like_heading(line: &Line) -> bool {
    let s = line.content;
    if line.cells > 40.0 || line.news_lead || is_line_start_forbidden(line.first) {
        return false;
    }
    // Captions: `……一角。(资料片)`, `（新华社记者 王 刚 摄）`.
    if matches!(line.last, ')' | '）') && (s.contains("资料片") || s.contains('摄')) {
        return true;
    }
    if !matches!(line.ending, Ending::Open | Ending::Closer) {
        return false;
    }
    if s.starts_with('—') || line.dated_header {
        return true;
    }
    // Bylines: 本报记者 高 刚, 记者 刘思远, 通讯员 林 涛.
    let byline = [
        "本报记者",
        "本报特约记者",
        "特约记者",
        "记者",
        "通讯员",
        "实习生",
    ]
    .iter()
    .any(|p| s.starts_with(p));
    if byline && line.bare && line.cells <= 24.0 {
        return true;
    }
    // A space between two Chinese words: subheads (深化党建引领 超前谋划布局),
    // bylines (本报记者 高 刚), running heads. Running text has none, but a
    // fragment of it may quote a title that has (`〇年八月七日 金秋消费季
    // 启幕”`): its quotes do not pair up.
    line.bare && quotes_pair_up(s) && has_space_between_wide_characters(s)
}

/// Whether a space of `s` stands between two non-ASCII characters. In
/// UTF-8 those are the bytes around it: the last byte of a non-ASCII
/// character and the first of the next are 0x80 or more, ASCII's never.
fn has_space_between_wide_characters(s: &str) -> bool {
    let bytes = s.as_bytes();
    s.match_indices(' ').any(|(at, _)| {
        at > 0 && bytes[at - 1] >= 0x80 && bytes.get(at + 1).is_some_and(|&b| b >= 0x80)
    })
}

/// Whether every closing quote or bracket of `s` closes one opened in `s`,
/// and every one opened closes.
fn quotes_pair_up(s: &str) -> bool {
    let mut open = 0i32;
    for c in s.chars() {
        if is_opener(c) {
            open += 1;
        } else if is_closer(c) && !matches!(c, '"' | '\'') {
            open -= 1;
            if open < 0 {
                return false;
            }
        }
    }
    open == 0
}

/// A news lead: `本报讯`, `本报北京10月19日电`, `新华社北京12月9日电`. It
/// opens a paragraph and is no heading, byline or not.
fn is_news_lead(s: &str) -> bool {
    if s.starts_with("本报讯") {
        return true;
    }
    if !(s.starts_with("本报") || s.starts_with("新华社")) {
        return false;
    }
    let head = s.char_indices().nth(24).map_or(s, |(i, _)| &s[..i]);
    head.contains("日电")
}

/// Words that open a paragraph: a subtitle dash, a byline, a news lead
/// (`news_lead`: whether `s` starts with one, asked once a line).
fn opens_paragraph(s: &str, news_lead: bool) -> bool {
    news_lead || s.starts_with("——") || s.starts_with("本报记者")
}

/// Whether `byte` starts the UTF-8 of a character in U+4000–U+9FFF (three
/// bytes): ideographs, neither whitespace nor punctuation.
fn is_ideograph_lead(byte: u8) -> bool {
    (0xE4..=0xE9).contains(&byte)
}

/// Whitespace inside a line not yet followed by a visible character:
/// its half-width cells and its characters.
#[derive(Default)]
struct Gap {
    cells: usize,
    chars: usize,
}

/// What one pass over a raw line (leading whitespace included) finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Measures {
    /// Bytes of the raw line, without its newline.
    len: usize,
    /// Characters of the raw line.
    raw_chars: usize,
    /// Leading whitespace characters.
    lead_chars: usize,
    /// Leading whitespace, in spaces (a tab counts four, U+3000 two).
    indent: u32,
    /// Width of the trimmed content in half cells (ASCII one, else two).
    half_cells: usize,
    /// Characters of the trimmed content.
    char_count: usize,
    /// Non-whitespace characters.
    visible: usize,
    /// No clause punctuation anywhere.
    bare: bool,
    /// Byte range of the trimmed content in the raw line (`0..0` when
    /// it is blank): the line is trimmed without a second look.
    content_start: usize,
    content_end: usize,
}

impl Measures {
    /// Measures the first line of `text` (up to its first newline, or all
    /// of it) in one pass: leading whitespace, then the content; inner
    /// whitespace counts once content follows it. The same pass finds the
    /// newline.
    ///
    /// Most of a Chinese text is runs of ideographs, so those are counted
    /// straight from their lead bytes; only the rest is decoded.
    /// Counts one more character `c` of the line, at bytes `at..end`.
    /// Whitespace after the indent waits in `gap` until a visible character
    /// follows: trailing whitespace counts for nothing.
    #[inline]
    fn count(&mut self, c: char, at: usize, end: usize, gap: &mut Gap) {
        self.raw_chars += 1;
        let width = if c.is_ascii() { 1 } else { 2 };
        if c.is_whitespace() {
            if self.char_count == 0 {
                self.lead_chars += 1;
                self.indent += match c {
                    '\t' => 4,
                    '\u{3000}' => 2,
                    _ => 1,
                };
            } else {
                gap.cells += width;
                gap.chars += 1;
            }
            return;
        }
        if self.visible == 0 {
            self.content_start = at;
        }
        self.content_end = end;
        self.half_cells += gap.cells + width;
        self.char_count += gap.chars + 1;
        self.visible += 1;
        *gap = Gap::default();
        self.bare &= !is_clause_punctuation(c);
    }

    fn of_first_line(text: &str) -> Measures {
        let bytes = text.as_bytes();
        let mut m = Measures {
            bare: true,
            ..Measures::default()
        };
        let mut gap = Gap::default();
        let mut i = 0;
        while i < bytes.len() {
            if is_ideograph_lead(bytes[i]) {
                let start = i;
                while i < bytes.len() && is_ideograph_lead(bytes[i]) {
                    i += 3;
                }
                let run = (i - start) / 3;
                // What `count` does for each of them, for the whole run.
                if m.visible == 0 {
                    m.content_start = start;
                }
                m.content_end = i;
                m.raw_chars += run;
                m.half_cells += gap.cells + 2 * run;
                m.char_count += gap.chars + run;
                m.visible += run;
                gap = Gap::default();
                continue;
            }
            let at = i;
            let c = match bytes[i..] {
                [b'\n', ..] => break,
                [byte @ 0..0x80, ..] => {
                    i += 1;
                    char::from(byte)
                }
                // Punctuation and the rest of the Basic Multilingual Plane:
                // three bytes, decoded here without slicing `text`.
                [lead @ 0xE0..=0xEF, second, third, ..] => {
                    i += 3;
                    let code = (u32::from(lead & 0x0F) << 12)
                        | (u32::from(second & 0x3F) << 6)
                        | u32::from(third & 0x3F);
                    char::from_u32(code).expect("decoded from UTF-8")
                }
                _ => {
                    let c = text[i..].chars().next().expect("i is on a boundary");
                    i += c.len_utf8();
                    c
                }
            };
            m.count(c, at, i, &mut gap);
        }
        m.len = i;
        m
    }
}

/// Most lines [`lines`] makes room for before it reads: 1.6 MB of them.
const PRESIZED_LINES: usize = 1 << 14;

/// Splits the input into non-blank trimmed lines.
fn lines(input: &str) -> Vec<Line<'_>> {
    // Grown from nothing, the vector of these large lines would be copied a
    // dozen times. News lines run some 60 bytes, a blank line included: a
    // guess that holds most texts, with room (counting the newlines would
    // cost more than the copies it saves). Only for an article's size: a
    // line takes 100 bytes here, so the guess for a huge document of long
    // lines would reserve several times its size; that one grows instead.
    let mut out = Vec::with_capacity((input.len() / 32 + 16).min(PRESIZED_LINES));
    let mut blanks = 0usize;
    let mut char_pos = 0usize;
    let mut rest = input;
    loop {
        let Measures {
            len,
            raw_chars,
            lead_chars,
            indent,
            half_cells,
            char_count,
            visible,
            bare,
            content_start,
            content_end,
        } = Measures::of_first_line(rest);
        let raw = &rest[..len];
        if char_count == 0 {
            blanks += 1;
        } else {
            let content = &raw[content_start..content_end];
            let first = content.chars().next().unwrap_or(' ');
            let last = content.chars().next_back().unwrap_or(' ');
            let (mut hanging_cells, mut hanging_chars) = (0, 0);
            for c in content
                .chars()
                .rev()
                .take_while(|&c| is_line_start_forbidden(c))
            {
                hanging_cells += if c.is_ascii() { 1 } else { 2 };
                hanging_chars += 1;
            }
            // Page markers are short: most lines need not be looked at.
            let news_lead = is_news_lead(content);
            let dated_header = looks_like_dated_header(content);
            let shape = if visible <= PAGE_MARKER_MAX_VISIBLE && looks_like_page_marker(content) {
                Shape::PageMarker
            } else if dated_header {
                Shape::PageHeader
            } else {
                Shape::Text
            };
            out.push(Line {
                content,
                char_start: char_pos + lead_chars,
                newline: char_pos + raw_chars,
                cells: half_cells as f32 / 2.0,
                chars: char_count as f32,
                char_count,
                core_cells: half_cells.saturating_sub(hanging_cells) as f32 / 2.0,
                core_chars: char_count.saturating_sub(hanging_chars) as f32,
                blanks_before: blanks,
                indent,
                first,
                last,
                ending: ending(content),
                bare,
                dated_header,
                shape,
                news_lead,
                opens: opens_paragraph(content, news_lead),
                heading: false,
            });
            let line = out.last_mut().expect("just pushed");
            line.heading = looks_like_heading(line);
            blanks = 0;
        }
        char_pos += raw_chars + 1;
        match rest[len..].strip_prefix('\n') {
            Some(after) => rest = after,
            None => break,
        }
    }
    out
}

/// The lines of `input`, running heads marked, and their column widths.
fn analyse(input: &str) -> (Vec<Line<'_>>, Vec<Option<Width>>) {
    let mut lines = lines(input);
    let widths = widths(&lines);
    mark_running_heads(&mut lines, &widths);
    (lines, widths)
}

/// Short unpunctuated lines that repeat in the document are running heads,
/// where they stand apart from running text: not as wide as the column (a
/// full line of a narrow column may repeat: 高水平全面建成小康社会), or
/// next to a page number or dated header.
fn mark_running_heads(lines: &mut [Line], widths: &[Option<Width>]) {
    // Lines are counted in every text, once each: a fast hash pays.
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    for line in lines.iter() {
        if line.cells <= 24.0 && line.heading_material() && line.shape == Shape::Text {
            *counts.entry(line.content).or_default() += 1;
        }
    }
    if counts.values().all(|&n| n < 2) {
        return;
    }
    let heads: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let line = &lines[i];
            // Only lines counted above can repeat, and what counted them
            // depends on their content alone: the others need no lookup.
            let counted =
                line.shape == Shape::Text && line.cells <= 24.0 && line.heading_material();
            let repeated = counted && counts.get(line.content).is_some_and(|&n| n >= 2);
            if !repeated {
                return false;
            }
            let column_wide = widths[i]
                .is_some_and(|w| (w.of(line.cells, line.chars) - w.columns).abs() <= 1.0 + w.noise);
            let by_furniture = [i.wrapping_sub(1), i + 1]
                .iter()
                .any(|&j| lines.get(j).is_some_and(|l| l.shape != Shape::Text));
            !column_wide || by_furniture
        })
        .collect();
    for i in heads {
        lines[i].shape = Shape::PageHeader;
    }
}

/// Which measure a block's wrapper used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// CJK one cell, ASCII half.
    Cells,
    /// Characters.
    Chars,
}

/// A block's column width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Width {
    /// The width, in `unit`s.
    pub columns: f32,
    /// The measure the block's lines follow.
    pub unit: Unit,
    /// How far full lines stray from `columns` (twice their median
    /// deviation): 0 for a clean wrap, a cell or two for OCR or justified
    /// type, where a line a cell short may still be full.
    pub noise: f32,
}

impl Width {
    fn of(&self, cells: f32, chars: f32) -> f32 {
        match self.unit {
            Unit::Cells => cells,
            Unit::Chars => chars,
        }
    }
}

/// How full a line is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fit {
    /// The next line's first piece would not have fit: the wrapper broke it.
    Full,
    /// Room for the next piece and less than one cell more.
    Near,
    /// This much room was left after the next line's first piece.
    Short(f32),
    /// Wider than the column: a line the wrapper did not break.
    Overlong,
    /// No column width here.
    Unknown,
}

/// The column width around each line: the width most lines of the block
/// (eight text lines either side) share, within two, if enough do, in the
/// measure more lines fill exactly. Furniture-shaped lines are left out and
/// take the width of the text before them.
fn widths(lines: &[Line]) -> Vec<Option<Width>> {
    const HALF: usize = 8;
    const STRIDE: usize = 3;
    let text: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].shape == Shape::Text)
        .collect();
    let mut out = vec![None; lines.len()];
    // The window's widths, kept sorted as it slides.
    let mut cells = SortedWindow::with_capacity(2 * HALF + 1);
    let mut chars = SortedWindow::with_capacity(2 * HALF + 1);
    let mut with_ascii = 0usize;
    let (mut lo, mut hi) = (0, 0);
    let mut width = None;
    for (k, &i) in text.iter().enumerate() {
        // A window shifted by a line gives the same width: estimate it for
        // every third line, centred there, and share it with its neighbours.
        if k % STRIDE != 0 {
            out[i] = width;
            continue;
        }
        let centre = (k + STRIDE / 2).min(text.len() - 1);
        let (new_lo, new_hi) = (
            centre.saturating_sub(HALF),
            (centre + HALF + 1).min(text.len()),
        );
        while hi < new_hi {
            let line = &lines[text[hi]];
            cells.insert(line.cells);
            chars.insert(line.chars);
            with_ascii += usize::from(line.cells != line.chars);
            hi += 1;
        }
        while lo < new_lo {
            let line = &lines[text[lo]];
            cells.remove(line.cells);
            chars.remove(line.chars);
            with_ascii -= usize::from(line.cells != line.chars);
            lo += 1;
        }
        let by_cells = dominant_width(&cells.0, Unit::Cells);
        // Without ASCII both measures agree; where most lines fill the
        // cells measure exactly, characters cannot do better.
        let cells_fit = by_cells
            .as_ref()
            .is_some_and(|c| c.tight * 2 > cells.0.len());
        let by_chars = if with_ascii > 0 && !cells_fit {
            dominant_width(&chars.0, Unit::Chars)
        } else {
            None
        };
        width = match (by_cells, by_chars) {
            // A wrapper that counts characters leaves lines with digits
            // wider in cells, and the other way round.
            (Some(c), Some(v)) if v.tight > c.tight && v.width.columns != c.width.columns => {
                Some(v.width)
            }
            (Some(c), _) => Some(c.width),
            (None, v) => v.map(|v| v.width),
        };
        out[i] = width;
    }
    let mut last = None;
    for (i, w) in out.iter_mut().enumerate() {
        if lines[i].shape == Shape::Text {
            last = *w;
        } else {
            *w = last;
        }
    }
    out
}

/// A few widths, sorted.
struct SortedWindow(Vec<f32>);

impl SortedWindow {
    /// A window that holds up to `lines` widths without growing.
    fn with_capacity(lines: usize) -> Self {
        SortedWindow(Vec::with_capacity(lines))
    }

    fn insert(&mut self, w: f32) {
        let at = self.0.partition_point(|&x| x < w);
        self.0.insert(at, w);
    }

    fn remove(&mut self, w: f32) {
        let at = self.0.partition_point(|&x| x < w);
        self.0.remove(at);
    }
}

/// A column width found in a block, with the number of lines within half a
/// unit of it.
struct Dominant {
    width: Width,
    tight: usize,
}

/// The width most of the sorted `widths` cluster under (within two); `None`
/// when too few lines agree.
fn dominant_width(widths: &[f32], unit: Unit) -> Option<Dominant> {
    if widths.len() < 3 {
        return None;
    }
    let mut best: Option<(usize, usize, usize)> = None; // (support, lo, hi)
    let mut lo = 0;
    for hi in 0..widths.len() {
        let top = widths[hi];
        if top < 6.0 || (hi + 1 < widths.len() && widths[hi + 1] == top) {
            continue;
        }
        while widths[lo] < top - 2.0 {
            lo += 1;
        }
        let support = hi + 1 - lo;
        if best.is_none_or(|(n, _, _)| support >= n) {
            best = Some((support, lo, hi));
        }
    }
    let (support, lo, hi) = best?;
    if support < 3.max(widths.len() * 2 / 5) {
        return None;
    }
    // The most common width of the cluster (on a tie, the one nearer its
    // median): lines that hang punctuation, push a character down or stop
    // short of a long Latin word or number stray from it, each their own
    // way.
    let median = widths[(lo + hi).div_ceil(2)];
    let (mut mid, mut run, mut best_run) = (lo, 0, 0);
    for k in lo..=hi {
        run = if k > lo && widths[k] == widths[k - 1] {
            run + 1
        } else {
            1
        };
        let nearer = (widths[k] - median).abs() <= (widths[mid] - median).abs();
        if run > best_run || (run == best_run && nearer) {
            (mid, best_run) = (k, run);
        }
    }
    let columns = widths[mid];
    // Deviations from that width grow outwards from it: walk out to the
    // median deviation, counting the lines within half a unit on the way.
    let (mut left, mut right) = (mid as isize - 1, mid + 1);
    let mut deviation = 0.0;
    let mut tight = 1;
    for step in 0..=hi - lo {
        let l = (left >= lo as isize).then(|| columns - widths[left as usize]);
        let r = (right <= hi).then(|| widths[right] - columns);
        let d = match (l, r) {
            (Some(l), Some(r)) if l <= r => {
                left -= 1;
                l
            }
            (_, Some(r)) => {
                right += 1;
                r
            }
            (Some(l), None) => {
                left -= 1;
                l
            }
            (None, None) => break,
        };
        if step < (hi - lo).div_ceil(2) {
            deviation = d;
        }
        tight += usize::from(d <= 0.5);
    }
    Some(Dominant {
        width: Width {
            columns,
            unit,
            noise: 2.0 * deviation,
        },
        tight,
    })
}

/// Blank lines and indentation: what is usual in this text, so that only
/// more than usual says something, and how reliably more than usual marks
/// a paragraph start.
#[derive(Debug, Clone, Copy, Default)]
struct Patterns {
    /// Blank lines between most lines (0, or 1 where a blank line follows
    /// every fragment).
    usual_blanks: usize,
    /// Some boundaries have more blank lines than usual.
    blanks_informative: bool,
    /// Share of clear paragraph starts with more blank lines than usual.
    blanks_at_starts: f32,
    /// The indent of most lines.
    usual_indent: u32,
    /// Some lines, not most, are indented more than usual.
    indent_informative: bool,
    /// Share of clear paragraph starts indented more than usual.
    indent_at_starts: f32,
}

impl Patterns {
    /// The patterns of `lines`; `clear_starts` are lines that follow a short
    /// line ending a sentence.
    fn of(lines: &[Line], clear_starts: &[usize]) -> Self {
        let text = || lines.iter().filter(|l| l.shape == Shape::Text);
        let mut blank_counts = [0usize; 3];
        for l in text().skip(1) {
            blank_counts[l.blanks_before.min(2)] += 1;
        }
        let usual_blanks = if blank_counts[1] > blank_counts[0] {
            1
        } else {
            0
        };
        let more_blanks: usize = blank_counts[usual_blanks + 1..].iter().sum();
        let mut indents = [0usize; 33];
        for l in text() {
            indents[l.indent.min(32) as usize] += 1;
        }
        // The most common indent; the smaller one on a tie.
        let usual_indent = (0..indents.len())
            .rev()
            .max_by_key(|&i| indents[i])
            .unwrap_or(0) as u32;
        let total = text().count();
        let more_indent = text().filter(|l| l.indent > usual_indent).count();
        let share = |marked: &dyn Fn(&Line) -> bool| {
            if clear_starts.len() < 3 {
                return 0.0;
            }
            let n = clear_starts.iter().filter(|&&i| marked(&lines[i])).count();
            n as f32 / clear_starts.len() as f32
        };
        Patterns {
            usual_blanks,
            blanks_informative: more_blanks > 0,
            blanks_at_starts: share(&|l| l.blanks_before > usual_blanks),
            usual_indent,
            indent_informative: more_indent > 0 && more_indent * 10 < total * 6,
            indent_at_starts: share(&|l| l.indent > usual_indent),
        }
    }
}

/// The paragraph that line `a` of a boundary belongs to, up to `a`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct SoFar {
    /// Lines in it (1: `a` starts the paragraph).
    lines: usize,
    /// Characters in it.
    chars: usize,
}

/// Everything the boundary scores need, computed once per text.
struct Context<'a> {
    lines: &'a [Line<'a>],
    widths: Vec<Option<Width>>,
    patterns: Patterns,
    /// For each line, the next line that is not furniture-shaped.
    next: Vec<Option<usize>>,
    /// For each line, how full it is given that next line.
    fill: Vec<Fit>,
    /// This text's typical paragraph length, in characters.
    paragraph_chars: f32,
    /// For each line, the characters from it to the next plain paragraph
    /// end (a short line or a whole unwrapped line ending a sentence).
    to_plain_end: Vec<usize>,
}

impl<'a> Context<'a> {
    fn new(lines: &'a [Line<'a>], widths: Vec<Option<Width>>) -> Self {
        let mut next = vec![None; lines.len()];
        let mut following = None;
        for i in (0..lines.len()).rev() {
            next[i] = following;
            if lines[i].shape == Shape::Text {
                following = Some(i);
            }
        }
        let mut context = Context {
            lines,
            widths,
            patterns: Patterns::default(),
            next,
            fill: Vec::new(),
            paragraph_chars: 90.0,
            to_plain_end: Vec::new(),
        };
        context.fill = (0..lines.len())
            .map(|i| context.measure_fit(i, context.next[i]))
            .collect();
        let clear_starts: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].shape == Shape::Text && lines[i].ending == Ending::Sentence)
            .filter_map(|i| {
                let next = context.next[i]?;
                matches!(context.fill[i], Fit::Short(slack) if slack >= 2.0).then_some(next)
            })
            .collect();
        context.patterns = Patterns::of(lines, &clear_starts);
        context.paragraph_chars = context.typical_paragraph();
        let mut run = 0;
        context.to_plain_end = vec![0; lines.len()];
        for i in (0..lines.len()).rev() {
            if lines[i].shape != Shape::Text {
                continue;
            }
            if context.plain_end(i) {
                run = 0;
            }
            run += lines[i].char_count;
            context.to_plain_end[i] = run;
        }
        context
    }

    /// Whether line `i` plainly ends a paragraph: it ends a sentence and is
    /// short, or a whole unwrapped line.
    fn plain_end(&self, i: usize) -> bool {
        self.lines[i].ending == Ending::Sentence
            && match self.fill[i] {
                Fit::Short(slack) => slack >= 1.0,
                Fit::Overlong => true,
                _ => false,
            }
    }

    /// How long this text's paragraphs run, in characters: the length a
    /// third of the runs between plain paragraph ends (a short line or a
    /// whole unwrapped line ending a sentence) stay under. A low quantile,
    /// because a run sometimes spans a paragraph end the layout hid. 90
    /// when there are too few runs.
    fn typical_paragraph(&self) -> f32 {
        let mut lengths = Vec::new();
        let mut run = 0;
        for (i, line) in self.lines.iter().enumerate() {
            if line.shape != Shape::Text {
                continue;
            }
            run += line.char_count;
            if self.plain_end(i) {
                lengths.push(run);
                run = 0;
            }
        }
        if lengths.len() < 3 {
            return 90.0;
        }
        let third = lengths.len() / 3;
        *lengths.select_nth_unstable(third).1 as f32
    }

    /// The next line after `i` that is not furniture-shaped.
    fn next_text(&self, i: usize) -> Option<usize> {
        self.next[i]
    }

    /// How full line `i` is, given the line that follows it.
    fn fit(&self, i: usize, next: Option<usize>) -> Fit {
        if next == self.next[i] {
            self.fill[i]
        } else {
            self.measure_fit(i, next)
        }
    }

    /// Whether line `i` interrupts the paragraph of line `previous`: the
    /// text on either side of it joins, at least as well as `previous`
    /// joins `i`.
    fn interrupts(&self, previous: Option<usize>, i: usize, so_far: SoFar) -> bool {
        let (Some(p), Some(c)) = (previous, self.next_text(i)) else {
            return false;
        };
        let across = self.score(p, c, so_far);
        across > 0.0 && across >= self.score(p, i, so_far)
    }

    fn measure_fit(&self, i: usize, next: Option<usize>) -> Fit {
        let Some(width) = self.widths[i] else {
            return Fit::Unknown;
        };
        let line = &self.lines[i];
        let used = width.of(line.cells, line.chars);
        // Punctuation may hang past the column; nothing else does.
        if width.of(line.core_cells, line.core_chars) > width.columns + 0.5 + width.noise {
            return Fit::Overlong;
        }
        let piece = next.map_or(1.0, |j| {
            let (cells, chars) = first_piece(self.lines[j].content);
            width.of(cells, chars)
        });
        let slack = width.columns - used - piece;
        if slack < 0.0 {
            Fit::Full
        } else if slack < width.noise.max(1.0) {
            Fit::Near
        } else {
            Fit::Short(slack - width.noise)
        }
    }

    /// Evidence that `b` starts a paragraph, whatever comes before it.
    fn starts_paragraph(&self, b: usize) -> bool {
        let line = &self.lines[b];
        line.opens
            || (self.patterns.blanks_informative && line.blanks_before > self.patterns.usual_blanks)
            || (self.patterns.indent_informative && line.indent > self.patterns.usual_indent)
            || self.fill[b] == Fit::Overlong
    }

    /// The boundary between text lines `a` and `b` (`b` after `a`, maybe with
    /// furniture between): positive joins.
    fn score(&self, a: usize, b: usize, so_far: SoFar) -> f32 {
        self.score_noting(a, b, Some(so_far), &mut |_, _| {})
    }

    /// Whether `b` would end its paragraph as running text: nothing after
    /// it, or a paragraph plainly starts after it, or the layout and
    /// punctuation alone break there.
    fn ends_alone(&self, b: usize) -> bool {
        self.next_text(b).is_none_or(|c| {
            self.starts_paragraph(c) || self.score_noting(b, c, None, &mut |_, _| {}) <= 0.0
        })
    }

    /// [`Context::score`], telling `note` each piece of evidence. Without
    /// `so_far` only the layout and punctuation of the two lines count (no
    /// headings, no jieba): what [`Context::ends_alone`] asks.
    fn score_noting(
        &self,
        a: usize,
        b: usize,
        so_far: Option<SoFar>,
        note: &mut impl FnMut(&'static str, f32),
    ) -> f32 {
        let (la, lb) = (&self.lines[a], &self.lines[b]);
        let mut evidence = Evidence { score: 0.0, note };
        let mut add = |name: &'static str, value: f32| evidence.add(name, value);

        // How `a` ends and how `b` starts.
        add(
            "a ends",
            match la.ending {
                Ending::Sentence => -4.5,
                Ending::Semicolon => -1.0,
                Ending::Continuing => 4.0,
                Ending::Closer => -0.5,
                // A paragraph ends a sentence; only a heading ends without
                // punctuation, and a line that cannot be one (clause
                // punctuation in it, long, ending on 的 or 和 …) stops
                // mid-sentence.
                Ending::Open if la.heading_material() => 1.5,
                Ending::Open => 4.0,
            },
        );
        if is_line_start_forbidden(lb.first) {
            add("b starts with closing punctuation", 5.0);
        }
        if lb.news_lead {
            add("b is a news lead", -8.0);
        } else if lb.opens {
            add("b opens a paragraph", -6.0);
        }

        // In a wrapped block every line but a paragraph's last is full.
        let fit_a = self.fit(a, Some(b));
        add(
            "a's fill",
            match fit_a {
                Fit::Full => 4.5,
                Fit::Near => -1.0,
                Fit::Short(slack) => -2.0 - 0.5 * slack.min(6.0),
                Fit::Overlong | Fit::Unknown => -1.0,
            },
        );

        // Blank lines and indentation, where they are not on every line;
        // where paragraphs reliably start so, the usual says "go on".
        let patterns = &self.patterns;
        let usual = |share: f32| if share >= 0.75 { 2.0 } else { 0.5 };
        if patterns.blanks_informative {
            if lb.blanks_before > patterns.usual_blanks {
                add("more blank lines than usual", -3.5);
            } else {
                add("usual blank lines", usual(patterns.blanks_at_starts));
            }
        }
        if patterns.indent_informative {
            if lb.indent > patterns.usual_indent {
                add("b is indented", -4.0);
            } else {
                add("b is not indented", usual(patterns.indent_at_starts));
            }
        }

        // A number cut from its unit or measure word, or a range cut in
        // two (`80%|至90%`).
        if (is_numeral(la.last) || matches!(la.last, '%' | '‰')) && continues_number(lb.content) {
            add("a number and its unit", 5.0);
        }

        let Some(so_far) = so_far else {
            return evidence.score;
        };

        // Paragraphs run to a few sentences: a sentence end early in one
        // rarely ends it, one as far into it as this text's paragraphs
        // run often does (the balance tips at 0.7 of `paragraph_chars`);
        // and a break here should not leave a scrap of a paragraph before
        // the next plain paragraph end either (counted half: that end may
        // be further than it looks). This only decides where the layout
        // cannot tell: a full line ending a sentence.
        if la.ending == Ending::Sentence {
            let typical = self.paragraph_chars.max(40.0);
            let short =
                |chars: usize| ((0.7 * typical - chars as f32) / (0.3 * typical)).clamp(-2.0, 2.0);
            add("paragraph length so far", short(so_far.chars));
            add("paragraph length after", 0.5 * short(self.to_plain_end[b]));
        }

        // Headings, bylines and captions are paragraphs of their own: only a
        // line that starts a paragraph can be one.
        let a_starts_paragraph = so_far.lines == 1;
        let a_short = match fit_a {
            Fit::Full | Fit::Near => false,
            // Beyond the block's noise by a cell at least.
            Fit::Short(slack) => slack >= 1.0,
            Fit::Overlong | Fit::Unknown => true,
        };
        // A paragraph's last line ends a sentence, so an unpunctuated `b`
        // that ends its paragraph is a heading of its own.
        let b_alone = lb.heading_material() && self.ends_alone(b);
        // A running head or dated header that interrupts nothing is a
        // heading too.
        let heading = |l: &Line| l.heading || l.shape == Shape::PageHeader;
        if a_starts_paragraph && heading(la) {
            add("a is a heading", -8.0);
        } else if a_starts_paragraph && la.heading_material() && (a_short || b_alone) {
            // Not full, or followed by another heading, no punctuation:
            // 项目建设跑出“加速度”.
            add("a is a heading by its shortness", -4.0);
        }
        if heading(lb) {
            add("b is a heading", -6.0);
        } else if b_alone {
            add("b is a heading by its shortness", -6.0);
        }

        // A word cut in two (形|成了). jieba is slow next to the rest: asked
        // only where its answer can change the decision.
        let unsure = (-4.0..=2.5).contains(&evidence.score);
        if unsure && la.ending == Ending::Open && word_across(la.content, lb.content) {
            evidence.add("a word across the break", 4.0);
        }
        evidence.score
    }
}

/// A running sum of evidence, each piece told to `note`.
struct Evidence<'n, F: FnMut(&'static str, f32)> {
    score: f32,
    note: &'n mut F,
}

impl<F: FnMut(&'static str, f32)> Evidence<'_, F> {
    fn add(&mut self, name: &'static str, value: f32) {
        self.score += value;
        (self.note)(name, value);
    }
}

/// Whether jieba finds a word of two or more characters across the break
/// when the end of `a` and the start of `b` are joined (`形|成了`).
fn word_across(a: &str, b: &str) -> bool {
    let mut tail_start = a.len();
    for (k, (i, c)) in a.char_indices().rev().enumerate() {
        if k == 3 || !is_cjk(c) {
            break;
        }
        tail_start = i;
    }
    let head_end = b
        .char_indices()
        .take_while(|&(_, c)| is_cjk(c))
        .take(3)
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    if tail_start == a.len() || head_end == 0 {
        return false;
    }
    let tail = &a[tail_start..];
    let head = &b[..head_end];
    // At most three characters of four bytes each side: joined on the stack.
    let mut buffer = [0u8; 24];
    let cut = tail.len();
    buffer[..cut].copy_from_slice(tail.as_bytes());
    buffer[cut..cut + head.len()].copy_from_slice(head.as_bytes());
    let joined =
        std::str::from_utf8(&buffer[..cut + head.len()]).expect("two whole pieces of UTF-8");
    segment::jieba()
        .cut(joined, false)
        .into_iter()
        .any(|t| t.byte_start < cut && t.byte_end > cut)
}

/// What reflow does with each input line.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Decision {
    /// A text line; joins the previous text line when `score > 0`.
    Line {
        index: usize,
        previous: Option<usize>,
        score: f32,
        /// The paragraph of `previous` as the score saw it.
        so_far: SoFar,
    },
    /// Furniture, moved after the paragraph it interrupts.
    Furniture { index: usize },
}

/// One decision per line: the single place where join/break is decided.
fn decide(context: &Context) -> Vec<Decision> {
    let lines = context.lines;
    let mut decisions = Vec::with_capacity(lines.len());
    let mut previous: Option<usize> = None;
    let mut so_far = SoFar { lines: 0, chars: 0 };
    for (i, line) in lines.iter().enumerate() {
        let furniture = match line.shape {
            Shape::PageMarker => true,
            // A running head or dated header interrupts a paragraph when
            // the text around it joins, at least as well as it joins the
            // head. Nothing else is ever moved: a line seen once may be
            // text.
            Shape::PageHeader => context.interrupts(previous, i, so_far),
            Shape::Text => false,
        };
        if furniture {
            decisions.push(Decision::Furniture { index: i });
            continue;
        }
        let score = match previous {
            None => -10.0,
            Some(p) => context.score(p, i, so_far),
        };
        decisions.push(Decision::Line {
            index: i,
            previous,
            score,
            so_far,
        });
        if score <= 0.0 {
            so_far = SoFar { lines: 0, chars: 0 };
        }
        so_far.lines += 1;
        so_far.chars += line.char_count;
        previous = Some(i);
    }
    decisions
}

/// The evidence at one line boundary, for people tuning reflow.
#[derive(Debug, Clone, PartialEq)]
pub struct Explained {
    /// The end of the line before the boundary.
    pub tail: String,
    /// The start of the line after it.
    pub head: String,
    /// The column width estimated around the line before.
    pub width: Option<Width>,
    /// The sum of the evidence: positive joins.
    pub score: f32,
    /// Each piece of evidence with its weight.
    pub evidence: Vec<(&'static str, f32)>,
}

/// Each line boundary between text lines (furniture skipped) with its
/// evidence.
pub fn explain_evidence(input: &str) -> Vec<Explained> {
    let (lines, widths) = analyse(input);
    let context = Context::new(&lines, widths);
    decide(&context)
        .into_iter()
        .filter_map(|d| match d {
            Decision::Line {
                index,
                previous: Some(prev),
                score,
                so_far,
            } => {
                let tail: String = {
                    let content = lines[prev].content;
                    let from = content.char_indices().rev().nth(7).map_or(0, |(i, _)| i);
                    content[from..].to_string()
                };
                let head: String = lines[index].content.chars().take(8).collect();
                let mut evidence = Vec::new();
                context.score_noting(prev, index, Some(so_far), &mut |name, value| {
                    evidence.push((name, value))
                });
                Some(Explained {
                    tail,
                    head,
                    width: context.widths[prev],
                    score,
                    evidence,
                })
            }
            _ => None,
        })
        .collect()
}

/// Each line boundary with its score (positive joins), for people tuning
/// reflow: `(end of the line, start of the next, estimated width, score)`.
pub fn explain(input: &str) -> Vec<(String, String, Option<Width>, f32)> {
    explain_evidence(input)
        .into_iter()
        .map(|e| (e.tail, e.head, e.width, e.score))
        .collect()
}

/// Repairs hard line breaks in `input`.
pub fn reflow(input: &str) -> Reflowed {
    reflow_into(
        input,
        Builder::new(input, Mapping::ToInput(input.chars().count())),
    )
}

/// Repairs hard line breaks in `input`, whose characters `map` maps to a
/// source, and maps the result to that source: the map is
/// `map.compose(&reflow(input).map)`, built without the map to `input`.
///
/// ```
/// use zhfacts::{normalize::normalize, reflow::{reflow, reflow_through}};
/// let n = normalize("拉动投资近千\u{200B}\n\n億元的重大项目签约实施，真正形\n\n成了新格局。");
/// let r = reflow_through(&n.text, &n.map);
/// assert_eq!(r.text, "拉动投资近千亿元的重大项目签约实施，真正形成了新格局。");
/// assert_eq!(r.map.span(6), (9, 10)); // 亿: 億, after 千, a zero-width space and two newlines
/// assert_eq!(r.map, n.map.compose(&reflow(&n.text).map));
/// ```
pub fn reflow_through(input: &str, map: &OffsetMap) -> Reflowed {
    debug_assert_eq!(map.len(), input.chars().count(), "map is not of input");
    reflow_into(input, Builder::new(input, Mapping::Through(map)))
}

fn reflow_into(input: &str, mut builder: Builder) -> Reflowed {
    let (lines, widths) = analyse(input);
    let context = Context::new(&lines, widths);
    let mut pending_furniture: Vec<&Line> = Vec::new();
    let mut paragraph_lines: Vec<&Line> = Vec::new();
    for decision in decide(&context) {
        match decision {
            Decision::Furniture { index } => {
                if paragraph_lines.is_empty() {
                    builder.paragraph(&[&lines[index]], ParagraphKind::Furniture);
                } else {
                    pending_furniture.push(&lines[index]);
                }
            }
            Decision::Line { index, score, .. } => {
                if score <= 0.0 {
                    builder.finish(&mut paragraph_lines, &mut pending_furniture);
                }
                paragraph_lines.push(&lines[index]);
            }
        }
    }
    builder.finish(&mut paragraph_lines, &mut pending_furniture);
    builder.build()
}

/// Where the output map of reflow points.
#[derive(Clone, Copy)]
enum Mapping<'m> {
    /// Into the input, of this many characters.
    ToInput(usize),
    /// Through the input's own map, into its source.
    Through(&'m OffsetMap),
}

/// Accumulates the output text and its map.
struct Builder<'m> {
    mapping: Mapping<'m>,
    input_len: usize,
    text: String,
    spans: Vec<(u32, u32)>,
    paragraphs: Vec<Paragraph>,
    /// For each paragraph written, the newline that ended its last line.
    line_ends: Vec<usize>,
}

impl<'m> Builder<'m> {
    fn new(input: &str, mapping: Mapping<'m>) -> Self {
        let input_len = match mapping {
            Mapping::ToInput(len) => len,
            Mapping::Through(map) => map.len(),
        };
        Builder {
            mapping,
            input_len,
            text: String::with_capacity(input.len()),
            spans: Vec::with_capacity(input_len),
            paragraphs: Vec::new(),
            line_ends: Vec::new(),
        }
    }

    /// A separator standing for the whitespace at `at`; at the end of the
    /// input there is none, so it maps to an empty span there.
    fn push_separator(&mut self, c: char, at: usize) {
        self.text.push(c);
        let span = match self.mapping {
            Mapping::ToInput(_) if at < self.input_len => (at as u32, at as u32 + 1),
            Mapping::ToInput(len) => (len as u32, len as u32),
            // What composing the map with the input's takes for each.
            Mapping::Through(map) if at < self.input_len => {
                let (start, end) = map.span(at);
                (start as u32, end as u32)
            }
            Mapping::Through(map) => (map.source_len() as u32, map.source_len() as u32),
        };
        self.spans.push(span);
    }

    /// The spans of the input characters `[from, to)`, kept whole.
    fn push_characters(&mut self, from: usize, to: usize) {
        match self.mapping {
            Mapping::ToInput(_) => {
                self.spans
                    .extend((from as u32..to as u32).map(|at| (at, at + 1)));
            }
            // A run of single spans composes into the run of the input
            // map's spans it points at: copied whole.
            Mapping::Through(map) => self.spans.extend_from_slice(map.spans(from..to)),
        }
    }

    /// Writes one output line from `lines`, joined.
    fn paragraph(&mut self, lines: &[&Line], kind: ParagraphKind) {
        if let Some(&at) = self.line_ends.last() {
            // The separator stands for the newline that ended the previous line.
            self.push_separator('\n', at);
        }
        let start = self.text.len();
        for (k, line) in lines.iter().enumerate() {
            if k > 0 {
                let prev = lines[k - 1];
                if prev.last.is_ascii_alphanumeric() && line.first.is_ascii_alphanumeric() {
                    self.push_separator(' ', prev.newline);
                }
            }
            self.text.push_str(line.content);
            self.push_characters(line.char_start, line.char_start + line.char_count);
        }
        self.paragraphs.push(Paragraph {
            range: start..self.text.len(),
            kind,
        });
        self.line_ends.push(lines.last().map_or(0, |l| l.newline));
    }

    fn finish(&mut self, lines: &mut Vec<&Line>, furniture: &mut Vec<&Line>) {
        if lines.is_empty() {
            return;
        }
        let kind = if lines.len() == 1 && (lines[0].heading || lines[0].heading_material()) {
            ParagraphKind::Heading
        } else {
            ParagraphKind::Body
        };
        self.paragraph(lines, kind);
        lines.clear();
        for f in furniture.drain(..) {
            self.paragraph(&[f], ParagraphKind::Furniture);
        }
    }

    fn build(self) -> Reflowed {
        Reflowed {
            text: self.text,
            map: match self.mapping {
                Mapping::ToInput(len) => OffsetMap::from_spans(self.spans, len),
                Mapping::Through(map) => OffsetMap::from_spans(self.spans, map.source_len()),
            },
            paragraphs: self.paragraphs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(r: &Reflowed) -> Vec<(&str, ParagraphKind)> {
        r.paragraphs
            .iter()
            .map(|p| (&r.text[p.range.clone()], p.kind))
            .collect()
    }

    fn text_lines(input: &str) -> Vec<String> {
        reflow(input).text.lines().map(str::to_string).collect()
    }

    /// Wraps `text` every `width` characters, a blank line after each.
    fn narrow(text: &str, width: usize) -> String {
        let chars: Vec<char> = text.chars().collect();
        chars
            .chunks(width)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    #[test]
    fn joins_words_and_numbers_cut_by_blank_lines() {
        let r = reflow("拉动相关产业链投资近千\n\n亿元的重大项目签约实施，真正形\n\n成了新格局。");
        assert_eq!(
            r.text,
            "拉动相关产业链投资近千亿元的重大项目签约实施，真正形成了新格局。"
        );
    }

    #[test]
    fn joins_a_percentage_range_cut_in_two() {
        let input = "近年来，盘锦市着力完善医疗救\n\n助政策，明确困难群体参加城乡\n\n居民医疗保险，医疗救助待遇达到80%\n\n至90%。\n\n2020年，盘锦市医疗救助合规费\n\n用报销比例达到87%，有效减轻了\n\n医疗救助对象医药费负担。";
        assert_eq!(
            text_lines(input),
            [
                "近年来，盘锦市着力完善医疗救助政策，明确困难群体参加城乡居民医疗保险，医疗救助待遇达到80%至90%。",
                "2020年，盘锦市医疗救助合规费用报销比例达到87%，有效减轻了医疗救助对象医药费负担。",
            ]
        );
    }

    #[test]
    fn keeps_headline_subtitle_byline_and_caption_apart() {
        let input = "用发展高质量提升全面小康含金量\n\n——盘锦坚持“产业为先、项目为王”筑牢振兴发展根基\n\n本报记者 高 刚\n\n经济的高质量发展，为盘锦高水平全面建成小康社会奠定了坚实的基础。\n\n\n\n不断壮大的北方华锦化学工业集团有限公司。(资料片)\n\n深化党建引领 超前谋划布局\n\n滨河靠海，红滩绿苇，鱼米之乡，石化新城。盘锦的资源禀赋得天独厚。";
        let r = reflow(input);
        assert_eq!(
            lines_of(&r),
            [
                ("用发展高质量提升全面小康含金量", ParagraphKind::Heading),
                (
                    "——盘锦坚持“产业为先、项目为王”筑牢振兴发展根基",
                    ParagraphKind::Heading
                ),
                ("本报记者 高 刚", ParagraphKind::Heading),
                (
                    "经济的高质量发展，为盘锦高水平全面建成小康社会奠定了坚实的基础。",
                    ParagraphKind::Body
                ),
                (
                    "不断壮大的北方华锦化学工业集团有限公司。(资料片)",
                    ParagraphKind::Heading
                ),
                ("深化党建引领 超前谋划布局", ParagraphKind::Heading),
                (
                    "滨河靠海，红滩绿苇，鱼米之乡，石化新城。盘锦的资源禀赋得天独厚。",
                    ParagraphKind::Body
                ),
            ]
        );
    }

    #[test]
    fn breaks_where_a_short_line_ends_a_sentence() {
        let first = "今年以来，临江经开区坚持把项目建设作为稳增长的“压舱石”，全力以赴抓招商、促开工、保投产。";
        let second =
            "截至10月底，临江经开区列入今年省里确定的6个重大项目全部开工建设，其中3个已建成投产。";
        let input = format!("{}\n\n{}", narrow(first, 13), narrow(second, 13));
        assert_eq!(text_lines(&input), [first, second]);
    }

    #[test]
    fn keeps_an_unpunctuated_subhead_between_wrapped_paragraphs() {
        let first = "截至10月底，临江经开区列入今年省里确定的6个重大项目全部开工建设，其中3个已建成投产，完成进度同比提高6.2个百分点。";
        let second = "在华锐新能源装备产业园施工现场，工人们正在进行主体钢结构吊装，项目从签约到开工只用了45天。";
        let input = format!(
            "{}\n\n项目建设跑出“加速度”\n\n{}",
            narrow(first, 13),
            narrow(second, 13)
        );
        assert_eq!(text_lines(&input), [first, "项目建设跑出“加速度”", second]);
    }

    #[test]
    fn moves_a_page_number_out_of_a_sentence() {
        let body = "今年以来，临江经开区坚持把项目建设作为稳增长的“压舱石”，全力以赴抓招商、促开工、保投产，全年计划实施亿元以上项目86个。";
        let mut wrapped: Vec<String> = narrow(body, 13).split("\n\n").map(str::to_string).collect();
        wrapped.insert(4, "第10版".to_string());
        let r = reflow(&wrapped.join("\n"));
        assert_eq!(
            lines_of(&r),
            [
                (body, ParagraphKind::Body),
                ("第10版", ParagraphKind::Furniture)
            ]
        );
    }

    #[test]
    fn moves_a_repeated_running_head_out_of_a_sentence() {
        let first = "要素保障同样有力。今年以来，经开区协调金融机构为重点项目授信56.8亿元，盘活闲置低效用地2100余亩，新建标准厂房35万平方米。";
        let second = "服务优化激发内生动力。经开区建立“周调度、月通报、季观摩”工作机制，对重点项目实行清单化管理，问题办结率达到96.6%。";
        let mut lines: Vec<String> = vec!["区域经济·专题".into(), "第9版".into()];
        lines.extend(narrow(first, 13).split("\n\n").map(str::to_string));
        lines.insert(5, "区域经济·专题".into());
        lines.insert(6, "第10版".into());
        lines.extend(narrow(second, 13).split("\n\n").map(str::to_string));
        let r = reflow(&lines.join("\n"));
        assert_eq!(
            lines_of(&r),
            [
                ("区域经济·专题", ParagraphKind::Heading),
                ("第9版", ParagraphKind::Furniture),
                (first, ParagraphKind::Body),
                ("区域经济·专题", ParagraphKind::Furniture),
                ("第10版", ParagraphKind::Furniture),
                (second, ParagraphKind::Body),
            ]
        );
    }

    #[test]
    fn keeps_a_repeated_byline_as_a_heading() {
        let input = "本报记者 高 刚\n\n盘锦是全国首批36个率先实现小康的城市之一。\n\n兜底线 织密网 建机制\n\n本报记者 高 刚\n\n大雪时节，盘锦的低保户家家却温暖如春。";
        let r = reflow(input);
        assert!(r
            .paragraphs
            .iter()
            .all(|p| p.kind != ParagraphKind::Furniture));
        assert_eq!(r.text.lines().count(), 5);
    }

    #[test]
    fn breaks_at_indented_paragraph_starts() {
        let input = "　　盘锦是全国首批36个率先实现小康的城市之一。在此基础\n上，几届市委、市政府班子始终不遗余力。\n\t在“不忘初心、牢记使命”主题教育中，盘锦组织广\n泛参与的重点课题调研，形成一批调研成果。\n    高水平全面建成小康社会是一项系统工程，需要全市\n各地区各部门各单位的通力合作、协同配合。";
        assert_eq!(
            text_lines(input),
            [
                "盘锦是全国首批36个率先实现小康的城市之一。在此基础上，几届市委、市政府班子始终不遗余力。",
                "在“不忘初心、牢记使命”主题教育中，盘锦组织广泛参与的重点课题调研，形成一批调研成果。",
                "高水平全面建成小康社会是一项系统工程，需要全市各地区各部门各单位的通力合作、协同配合。",
            ]
        );
    }

    #[test]
    fn joins_latin_words_with_one_space_and_nothing_else() {
        let r = reflow("项目进展顺利，启动实施5G\n石化运输智慧路等项目。");
        assert_eq!(r.text, "项目进展顺利，启动实施5G石化运输智慧路等项目。");
        let r = reflow("据报道，临江日报 LINJIANG\nDAILY 今天发布消息。");
        assert_eq!(r.text, "据报道，临江日报 LINJIANG DAILY 今天发布消息。");
        let r = reflow("鹤乡时讯 SHIXUN\n\n零就业家庭保持动态为零");
        assert_eq!(r.text, "鹤乡时讯 SHIXUN\n零就业家庭保持动态为零");
    }

    #[test]
    fn maps_every_character_back_to_its_source() {
        let input = "　　真正形\n\n成了 5G\nSHIXUN。\n第3版\n";
        let r = reflow(input);
        let source: Vec<char> = input.chars().collect();
        for (i, c) in r.text.chars().enumerate() {
            let (start, end) = r.map.span(i);
            if c.is_whitespace() {
                assert!(start == source.len() || source[start].is_whitespace());
            } else {
                assert_eq!((end, source[start]), (start + 1, c));
            }
        }
    }

    #[test]
    fn handles_empty_and_blank_input() {
        for input in ["", "\n", " \n\t\n　\n"] {
            let r = reflow(input);
            assert_eq!(r.text, "");
            assert!(r.paragraphs.is_empty());
        }
    }

    /// The obviously right version of [`Measures::of_first_line`]: the
    /// line split off first, every character decoded.
    fn measures_slowly(text: &str) -> Measures {
        let raw = text.split('\n').next().unwrap_or("");
        let mut m = Measures {
            len: raw.len(),
            bare: true,
            ..Measures::default()
        };
        let mut gap = Gap::default();
        for (at, c) in raw.char_indices() {
            m.count(c, at, at + c.len_utf8(), &mut gap);
        }
        // The content's bounds, from `trim`.
        let content = raw.trim();
        (m.content_start, m.content_end) = if content.is_empty() {
            (0, 0)
        } else {
            let start = raw.len() - raw.trim_start().len();
            (start, start + content.len())
        };
        m
    }

    #[test]
    fn measures_count_ideographs_like_any_other_character() {
        for raw in [
            "",
            "　　盘锦是全国首批36个率先实现小康的城市之一。",
            " \t本报记者 高 刚  ",
            "一丁\u{4000}\u{9FFF}\u{A000}\u{3400}\u{3000}，。…！？；、!?;",
            "é\u{85}\u{A0}\u{2028}𠀀😀ｚ",
            "\n",
            "一二\n三",
            "。 \n\n",
        ] {
            assert_eq!(
                Measures::of_first_line(raw),
                measures_slowly(raw),
                "{raw:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn measures_equal_the_slow_version(
            raw in "[一中丁\u{4000}\u{9FFF}\u{A000}\u{3400}\u{3000}\u{2028}\u{85} \t\n，。…！？；、!?;aZ5é𠀀]{0,30}"
        ) {
            proptest::prop_assert_eq!(Measures::of_first_line(&raw), measures_slowly(&raw));
        }

        #[test]
        fn page_markers_need_few_visible_characters(
            s in "第[一二十0-9 ]{0,14}版|[0-9 ]{1,14}|- ?[0-9]{1,12} ?-|A[0-9]{1,12}版"
        ) {
            // The gate in `lines` relies on it.
            if looks_like_page_marker(&s) {
                proptest::prop_assert!(Measures::of_first_line(&s).visible <= PAGE_MARKER_MAX_VISIBLE);
            }
        }
    }

    /// [`looks_like_page_marker`] before its shortcuts (the early
    /// rejections, the copy spared): every short line copied and given to
    /// the marker grammar.
    fn looks_like_page_marker_slowly(s: &str) -> bool {
        if s.chars().filter(|c| !c.is_whitespace()).count() > 12 {
            return false;
        }
        let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        is_page_marker(&t)
    }

    #[test]
    fn page_markers_are_told_as_before() {
        for s in [
            "12",
            "5/12",
            "- 7 -",
            "— 7 —",
            "·3·",
            "第10版",
            "第三页",
            "A5",
            "A5版",
            "第版",
            "--",
            "/",
            "12345",
            "第十一二版",
            "本报记者 高 刚",
            "",
            " 1 2 ",
        ] {
            assert_eq!(
                looks_like_page_marker(s),
                looks_like_page_marker_slowly(s),
                "{s:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn page_markers_are_told_as_before_anywhere(
            s in "[0-9A-C第版页/\\- ·—一三十记者]{0,14}"
        ) {
            proptest::prop_assert_eq!(looks_like_page_marker(&s), looks_like_page_marker_slowly(&s));
        }

    }

    /// [`has_space_between_wide_characters`] as it was: a window of three
    /// characters slid along the decoded line.
    fn has_space_between_wide_characters_slowly(s: &str) -> bool {
        let mut window = [' '; 3];
        s.chars().any(|c| {
            window = [window[1], window[2], c];
            !window[0].is_ascii() && window[1] == ' ' && !window[2].is_ascii()
        })
    }

    #[test]
    fn finds_spaces_between_wide_characters_as_before() {
        for s in [
            "",
            " ",
            "本报记者 高 刚",
            "深化党建引领 超前谋划布局",
            " 高",
            "高 ",
            "a 高",
            "高 a",
            "é 😀",
            "高  刚",
            "高\u{3000}刚",
        ] {
            assert_eq!(
                has_space_between_wide_characters(s),
                has_space_between_wide_characters_slowly(s),
                "{s:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn spaces_between_wide_characters_are_found_as_before(s in "[ a高é😀\u{3000}]{0,12}") {
            proptest::prop_assert_eq!(
                has_space_between_wide_characters(&s),
                has_space_between_wide_characters_slowly(&s)
            );
        }
    }

    /// [`mark_running_heads`] before its shortcut: every line's content
    /// looked up among the counted ones.
    fn mark_running_heads_slowly(lines: &mut [Line], widths: &[Option<Width>]) {
        let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
        for line in lines.iter() {
            if line.cells <= 24.0 && line.heading_material() && line.shape == Shape::Text {
                *counts.entry(line.content).or_default() += 1;
            }
        }
        let heads: Vec<usize> = (0..lines.len())
            .filter(|&i| {
                let line = &lines[i];
                let repeated =
                    line.shape == Shape::Text && counts.get(line.content).is_some_and(|&n| n >= 2);
                let column_wide = widths[i].is_some_and(|w| {
                    (w.of(line.cells, line.chars) - w.columns).abs() <= 1.0 + w.noise
                });
                let by_furniture = [i.wrapping_sub(1), i + 1]
                    .iter()
                    .any(|&j| lines.get(j).is_some_and(|l| l.shape != Shape::Text));
                repeated && (!column_wide || by_furniture)
            })
            .collect();
        for i in heads {
            lines[i].shape = Shape::PageHeader;
        }
    }

    proptest::proptest! {
        #[test]
        fn running_heads_are_marked_as_before(
            picks in proptest::collection::vec(0usize..9, 0..40),
        ) {
            const LINES: [&str; 9] = [
                "区域经济·专题",
                "第9版",
                "今年以来，临江经开区坚持",
                "把项目建设作为稳增长的“压",
                "舱石”，全力以赴抓招商、促",
                "本报记者 高 刚",
                "2021年3月5日 星期五",
                "高水平全面建成小康社会",
                "",
            ];
            let input = picks.iter().map(|&k| LINES[k]).collect::<Vec<_>>().join("\n");
            let mut fast = lines(&input);
            let mut slow = fast.clone();
            let w = widths(&fast);
            mark_running_heads(&mut fast, &w);
            mark_running_heads_slowly(&mut slow, &w);
            let shapes = |lines: &[Line]| lines.iter().map(|l| l.shape).collect::<Vec<_>>();
            proptest::prop_assert_eq!(shapes(&fast), shapes(&slow));
        }
    }

    #[test]
    fn dominant_width_takes_the_common_width_of_a_block() {
        let widths = [9.5, 10.0, 10.0, 10.0, 11.0, 10.0, 4.0, 10.0, 9.0];
        let mut sorted = widths.to_vec();
        sorted.sort_by(f32::total_cmp);
        let d = dominant_width(&sorted, Unit::Cells).expect("a width");
        assert_eq!(d.width.columns, 10.0);
        assert_eq!(d.width.noise, 0.0);
    }

    #[test]
    fn explains_each_boundary_with_its_evidence() {
        let e = explain_evidence("真正形\n\n成了新格局。");
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].tail.as_str(), e[0].head.as_str()),
            ("真正形", "成了新格局。")
        );
        assert!((e[0].evidence.iter().map(|(_, v)| v).sum::<f32>() - e[0].score).abs() < 1e-4);
    }
}
