//! Stage 2: repair hard line breaks.
//!
//! Input: normalized text. Output: one paragraph a line, an [`OffsetMap`] to
//! the input, and the kind of each line (body, heading, furniture).
//!
//! Every non-whitespace character of the input is kept, in order, except
//! page furniture (page numbers, running heads) that interrupts a sentence:
//! it is moved to a line of its own after the paragraph, never deleted.
//! Only whitespace is removed; a line break inside a sentence disappears,
//! or becomes one space between two Latin letters or digits.
//!
//! Each boundary between two lines gets one decision, join or break, from a
//! score that adds up the evidence ([`Boundary::score`]): the last character
//! of the line and the first of the next, how full the line is against the
//! column width estimated for its block, words and numbers cut in two, the
//! blank-line pattern and indentation of the block, and the shape of
//! headings and bylines.
//!
//! ```
//! let r = zhfacts::reflow::reflow("拉动投资近千\n\n亿元的重大项目签约实施，真正形\n\n成了新格局。");
//! assert_eq!(r.text, "拉动投资近千亿元的重大项目签约实施，真正形成了新格局。");
//! ```

use crate::document::{Paragraph, ParagraphKind};
use crate::offsets::OffsetMap;
use crate::segment;
use std::collections::HashMap;

/// The reflowed text.
#[derive(Debug, Clone)]
pub struct Reflowed {
    /// One paragraph a line.
    pub text: String,
    /// Map from `text` to the input of reflow.
    pub map: OffsetMap,
    /// The lines of `text` and their kinds.
    pub paragraphs: Vec<Paragraph>,
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
    /// Blank lines between this line and the previous non-blank one.
    blanks_before: usize,
    /// The line starts with whitespace.
    indented: bool,
    /// Width in characters (a wrapper may count these instead of cells).
    chars: f32,
    /// Page furniture by shape (page numbers): always moved out of the text.
    furniture: bool,
    /// A short unpunctuated line repeated in the document (a running head):
    /// furniture when it interrupts a sentence, else a heading.
    running_head: bool,
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

/// Punctuation after which a sentence must go on.
fn is_continuing_end(c: char) -> bool {
    matches!(
        c,
        '，' | '、' | '：' | '“' | '‘' | '《' | '（' | '(' | '【' | '「' | '『' | '—' | ','
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
            | '%'
            | '‰'
            | ','
            | '.'
            | ';'
            | ':'
            | ')'
    )
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "〇零一二两三四五六七八九十百千万亿".contains(c)
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

fn cells(s: &str) -> f32 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

/// Page furniture by its shape: page numbers and page markers.
fn looks_like_page_marker(s: &str) -> bool {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() || t.chars().count() > 12 {
        return false;
    }
    let digits_only = t.chars().all(|c| c.is_ascii_digit());
    let page_of = {
        let mut parts = t.split('/');
        matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None)
            if !a.is_empty() && !b.is_empty()
            && a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit()))
    };
    let dashed = t.starts_with('-')
        && t.ends_with('-')
        && t.len() > 2
        && t[1..t.len() - 1].chars().all(|c| c.is_ascii_digit());
    let edition = (t.starts_with('第') && (t.ends_with('版') || t.ends_with('页')))
        && t.chars().count() <= 6
        && t.chars()
            .skip(1)
            .take(t.chars().count() - 2)
            .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
    (digits_only && t.len() <= 4) || page_of || dashed || edition
}

/// Headline, byline, caption or subhead shape.
fn looks_like_heading(line: &Line) -> bool {
    let s = line.content;
    let Some(last) = s.chars().last() else {
        return false;
    };
    if line.cells > 32.0 || is_continuing_end(last) || last == '；' {
        return false;
    }
    if s.starts_with("——") || s.starts_with("本报记者") || s.starts_with("记者") {
        return true;
    }
    // An inner space: subheads (深化党建引领 超前谋划布局), bylines (本报记者
    // 高 刚), running heads (鹤乡时讯 SHIXUN). Running text has none
    // between Chinese words, and no short line of it lacks all punctuation.
    let chars: Vec<char> = s.chars().collect();
    let spaced_cjk = chars
        .windows(3)
        .any(|w| !w[0].is_ascii() && w[1] == ' ' && !w[2].is_ascii() && !is_sentence_end(w[0]));
    let spaced = chars
        .windows(3)
        .any(|w| w[1] == ' ' && w[0] != ' ' && w[2] != ' ');
    let punctuated = chars
        .iter()
        .any(|&c| is_sentence_end(c) || is_continuing_end(c) || c == '；');
    line.cells <= 24.0 && (spaced_cjk || (spaced && !punctuated))
}

/// The evidence at one line boundary.
struct Boundary<'a> {
    a: &'a Line<'a>,
    b: &'a Line<'a>,
    /// Estimated column width of the block, when it is wrapped.
    width: Option<Width>,
    /// `a` is the first line of its paragraph.
    a_starts_paragraph: bool,
    /// Blank lines carry information here (not after every fragment).
    blanks_informative: bool,
    /// Indentation carries information here (not on every line).
    indent_informative: bool,
}

impl Boundary<'_> {
    /// Positive: join; zero or negative: break.
    fn score(&self) -> f32 {
        let a = self.a.content;
        let b = self.b.content;
        let (Some(last), Some(first)) = (a.chars().last(), b.chars().next()) else {
            return -10.0;
        };
        let prev = a.chars().rev().nth(1);
        let mut score = 0.0;

        let sentence_end = is_sentence_end(last)
            || (is_closer(last) && prev.is_some_and(is_sentence_end))
            || ((last == ')' || last == '）')
                && (a.contains('(') || a.contains('（'))
                && self.a.cells < 16.0);
        if sentence_end {
            score -= 4.0;
        } else if is_continuing_end(last) {
            score += 4.0;
        } else if last == '；' {
            score -= 0.5;
        } else if last.is_alphanumeric() || last == '%' {
            // Running text rarely ends a paragraph without punctuation.
            score += 1.5;
        }
        if is_line_start_forbidden(first) {
            score += 5.0;
        }
        if b.starts_with("——") || b.starts_with("本报讯") || b.starts_with("本报记者") {
            score -= 4.0;
        }

        // In a wrapped block every line but a paragraph's last is full.
        let shortfall = self.width.and_then(|w| w.shortfall(self.a));
        match shortfall {
            Some(short) if (-1.5..=1.0).contains(&short) => score += 4.5,
            Some(short) if (-1.5..=3.0).contains(&short) => score += 1.5,
            Some(short) if short > 3.0 => score -= 3.0,
            _ => score -= 1.0,
        }
        // A paragraph's first line that is not full and ends without
        // punctuation is a heading (项目建设跑出“加速度”).
        let unpunctuated = !a.contains(['，', '。', '、', '；', '：', '！', '？', ',']);
        if self.a_starts_paragraph
            && unpunctuated
            && shortfall.is_some_and(|s| s > 1.0)
            && !is_numeral(last)
        {
            score -= 4.0;
        }
        // A long line that stops mid-sentence is no heading: it goes on.
        if self.a.cells > 30.0 && !sentence_end && last != '；' {
            score += 3.0;
        }
        if looks_like_heading(self.a) {
            score -= 8.0;
        }
        if looks_like_heading(self.b)
            && self
                .width
                .and_then(|w| w.shortfall(self.b))
                .is_none_or(|s| s > 2.0)
        {
            score -= 2.0;
        }
        if self.blanks_informative {
            if self.b.blanks_before > 0 {
                score -= 3.0;
            } else {
                score += 1.0;
            }
        }
        if self.indent_informative && self.b.indented {
            score -= 4.0;
        }
        if is_numeral(last) && continues_number(b) {
            score += 3.0;
        }
        // Words cut in two: only worth the segmenter when the rest is unsure.
        if score > -4.0 && score < 3.0 && !sentence_end && word_across(a, b) {
            score += 2.0;
        }
        score
    }
}

/// Whether jieba finds a word of two or more characters across the break.
fn word_across(a: &str, b: &str) -> bool {
    let tail: String = {
        let chars: Vec<char> = a.chars().rev().take(3).collect();
        chars.into_iter().rev().collect()
    };
    let head: String = b.chars().take(3).collect();
    if !tail.chars().last().is_some_and(is_cjk) || !head.chars().next().is_some_and(is_cjk) {
        return false;
    }
    let joined = format!("{tail}{head}");
    let cut = tail.len();
    segment::words(&joined)
        .into_iter()
        .any(|(start, end)| start < cut && end > cut && joined[start..end].chars().count() >= 2)
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// Splits the input into non-blank trimmed lines.
fn lines(input: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut blanks = 0usize;
    let mut char_pos = 0usize;
    for raw in input.split('\n') {
        let raw_chars = raw.chars().count();
        let trimmed_start = raw.trim_start();
        let lead = raw.len() - trimmed_start.len();
        let content = trimmed_start.trim_end();
        if content.is_empty() {
            blanks += 1;
        } else {
            let lead_chars = raw[..lead].chars().count();
            out.push(Line {
                content,
                char_start: char_pos + lead_chars,
                newline: char_pos + raw_chars,
                cells: cells(content),
                chars: content.chars().count() as f32,
                blanks_before: blanks,
                indented: lead > 0,
                furniture: looks_like_page_marker(content),
                running_head: false,
            });
            blanks = 0;
        }
        char_pos += raw_chars + 1;
    }
    mark_running_heads(&mut out);
    out
}

/// Short lines that repeat across the document, with no sentence
/// punctuation, are running heads.
fn mark_running_heads(lines: &mut [Line]) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for line in lines.iter() {
        if line.cells <= 20.0 {
            *counts.entry(line.content).or_default() += 1;
        }
    }
    for line in lines.iter_mut() {
        let repeated = counts.get(line.content).copied().unwrap_or(0) >= 2;
        let punctuated = line
            .content
            .chars()
            .any(|c| is_sentence_end(c) || is_continuing_end(c) || c == '；');
        if repeated && !punctuated && !line.furniture {
            line.running_head = true;
        }
    }
}

/// The column width of the block around line `i`, in cells and in
/// characters: the width most lines share (within two), if enough do.
fn block_width(lines: &[Line], i: usize) -> Option<Width> {
    let lo = i.saturating_sub(8);
    let hi = (i + 9).min(lines.len());
    let window: Vec<&Line> = lines[lo..hi].iter().filter(|l| !l.furniture).collect();
    let cells = dominant_width(window.iter().map(|l| l.cells).collect());
    let chars = dominant_width(window.iter().map(|l| l.chars).collect());
    match (cells, chars) {
        (None, None) => None,
        (cells, chars) => Some(Width { cells, chars }),
    }
}

/// A block's column width in both measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Width {
    /// In cells (CJK one, ASCII half).
    pub cells: Option<f32>,
    /// In characters.
    pub chars: Option<f32>,
}

impl Width {
    /// How far short of the column `line` ends, in the measure that fits it
    /// best: `Some(0.0)` for a full line.
    fn shortfall(&self, line: &Line) -> Option<f32> {
        let by_cells = self.cells.map(|w| w - line.cells);
        let by_chars = self.chars.map(|w| w - line.chars);
        match (by_cells, by_chars) {
            (Some(a), Some(b)) => Some(if a.abs() < b.abs() { a } else { b }),
            (a, b) => a.or(b),
        }
    }
}

fn dominant_width(widths: Vec<f32>) -> Option<f32> {
    if widths.len() < 3 {
        return None;
    }
    let mut best: Option<(usize, f32)> = None;
    for &candidate in &widths {
        if candidate < 6.0 {
            continue;
        }
        let support = widths
            .iter()
            .filter(|&&w| w <= candidate && w >= candidate - 2.0)
            .count();
        let better = match best {
            None => true,
            Some((n, c)) => support > n || (support == n && candidate > c),
        };
        if better {
            best = Some((support, candidate));
        }
    }
    let (support, top) = best?;
    let needed = 3.max(widths.len() * 2 / 5);
    if support < needed {
        return None;
    }
    // The median of the lines in the cluster: robust to one wide line.
    let mut cluster: Vec<f32> = widths
        .into_iter()
        .filter(|&w| w <= top && w >= top - 2.0)
        .collect();
    cluster.sort_by(f32::total_cmp);
    Some(cluster[cluster.len() / 2])
}

/// Each line boundary with its score (positive joins), for people tuning
/// reflow: `(end of the line, start of the next, estimated width, score)`.
pub fn explain(input: &str) -> Vec<(String, String, Option<Width>, f32)> {
    let lines = lines(input);
    decide(&lines)
        .into_iter()
        .filter_map(|d| match d {
            Decision::Line {
                index,
                previous: Some(prev),
                score,
                width,
            } => {
                let a = &lines[prev];
                let b = &lines[index];
                let tail: String = a
                    .content
                    .chars()
                    .rev()
                    .take(8)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let head: String = b.content.chars().take(8).collect();
                Some((tail, head, width, score))
            }
            _ => None,
        })
        .collect()
}

/// What reflow does with each input line.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Decision {
    /// A text line; joins the previous text line when `score > 0`.
    Line {
        index: usize,
        previous: Option<usize>,
        score: f32,
        width: Option<Width>,
    },
    /// Furniture, moved after the paragraph it interrupts.
    Furniture { index: usize },
}

/// One decision per line: the single place where join/break is decided.
fn decide(lines: &[Line]) -> Vec<Decision> {
    let (blanks_informative, indent_informative) = block_patterns(lines);
    let mut decisions = Vec::with_capacity(lines.len());
    let mut previous: Option<usize> = None;
    let mut paragraph_start = true;
    for (i, line) in lines.iter().enumerate() {
        let mid_sentence = previous.is_some_and(|p| !paragraph_ends_at(&lines[p]));
        if line.furniture || (line.running_head && mid_sentence) {
            decisions.push(Decision::Furniture { index: i });
            continue;
        }
        let (score, width) = match previous {
            None => (-10.0, None),
            Some(p) => {
                let width = block_width(lines, i);
                let boundary = Boundary {
                    a: &lines[p],
                    b: line,
                    width,
                    a_starts_paragraph: paragraph_start,
                    blanks_informative,
                    indent_informative,
                };
                (boundary.score(), width)
            }
        };
        paragraph_start = score <= 0.0;
        decisions.push(Decision::Line {
            index: i,
            previous,
            score,
            width,
        });
        previous = Some(i);
    }
    decisions
}

/// Whether a line ends a sentence (so what follows cannot interrupt one).
fn paragraph_ends_at(line: &Line) -> bool {
    let mut rev = line.content.chars().rev();
    match (rev.next(), rev.next()) {
        (Some(last), _) if is_sentence_end(last) => true,
        (Some(last), Some(prev)) => is_closer(last) && is_sentence_end(prev),
        _ => false,
    }
}

/// Whether blank lines and indentation carry information in this text:
/// not when they are on (nearly) every line.
fn block_patterns(lines: &[Line]) -> (bool, bool) {
    let body: Vec<&Line> = lines.iter().filter(|l| !l.furniture).collect();
    let with_blank = body.iter().skip(1).filter(|l| l.blanks_before > 0).count();
    let boundaries = body.len().saturating_sub(1);
    let blanks_informative = boundaries > 0 && with_blank * 10 < boundaries * 8;
    let indented = body.iter().filter(|l| l.indented).count();
    let indent_informative = indented > 0 && indented * 10 < body.len() * 8;
    (blanks_informative, indent_informative)
}

/// Repairs hard line breaks in `input`.
pub fn reflow(input: &str) -> Reflowed {
    let lines = lines(input);
    let input_len = input.chars().count();
    let mut builder = Builder::new(input, input_len);
    let mut pending_furniture: Vec<&Line> = Vec::new();
    let mut paragraph_lines: Vec<&Line> = Vec::new();
    for decision in decide(&lines) {
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

/// Accumulates the output text and its map.
struct Builder {
    input_len: usize,
    text: String,
    spans: Vec<(u32, u32)>,
    paragraphs: Vec<Paragraph>,
    /// For each paragraph written, the newline that ended its last line.
    line_ends: Vec<usize>,
}

impl Builder {
    fn new(input: &str, input_len: usize) -> Self {
        Builder {
            input_len,
            text: String::with_capacity(input.len()),
            spans: Vec::with_capacity(input.len() / 2),
            paragraphs: Vec::new(),
            line_ends: Vec::new(),
        }
    }

    fn push(&mut self, c: char, at: usize) {
        self.text.push(c);
        self.spans.push((at as u32, at as u32 + 1));
    }

    /// A separator standing for the whitespace at `at`; at the end of the
    /// input there is none, so it maps to an empty span there.
    fn push_separator(&mut self, c: char, at: usize) {
        self.text.push(c);
        if at < self.input_len {
            self.spans.push((at as u32, at as u32 + 1));
        } else {
            self.spans
                .push((self.input_len as u32, self.input_len as u32));
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
                let a_end = prev.content.chars().last().unwrap_or(' ');
                let b_start = line.content.chars().next().unwrap_or(' ');
                if a_end.is_ascii_alphanumeric() && b_start.is_ascii_alphanumeric() {
                    self.push_separator(' ', prev.newline);
                }
            }
            for (j, c) in line.content.chars().enumerate() {
                self.push(c, line.char_start + j);
            }
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
        let kind = if lines.len() == 1 && looks_like_heading(lines[0]) {
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
            map: OffsetMap::from_spans(self.spans, self.input_len),
            paragraphs: self.paragraphs,
        }
    }
}
