//! Development benchmark for reflow (issue 4): a generator of hard-wrapped
//! text and a scorer against the clean text it came from.
//!
//! ```sh
//! cargo run --release --example reflow_bench               # the table
//! cargo run --release --example reflow_bench -- --errors 20 # and 20 wrong paragraphs
//! ```
//!
//! Options: `--errors N` prints N paragraphs reflow got wrong (with the
//! wrapped input around them); `--style plain|blank|furniture|indent`
//! keeps one style; `--reps N` generates N variants per article, style and
//! width (default 3); `--seed N` changes the fixed seed; `--no-speed` skips
//! the timing; `--dump DIR` writes every generated input to DIR (read one
//! with `cargo run --example reflow_explain -- FILE`); `--clean FILE` (again
//! for more) takes the clean text from FILE instead of the corpus: one
//! paragraph a line, to measure on text the rules were not tuned on;
//! `--wrap-headings` wraps headings like running text too (reflow keeps a
//! full-width heading line apart from the next, so expect lower scores).
//!
//! **Clean text.** Every `corpus/*.txt` except the seed and
//! `narrow_column.txt` (both are themselves hard-wrapped: their paragraphing
//! is what reflow has to guess, so they are checks to read, not a truth),
//! through `zhfacts::normalize` (reflow's input is normalized text), one
//! paragraph a non-blank line, trimmed. Headlines, subheads, bylines
//! (`本报记者 张 明`), datelines and captions (`(资料片)`) are lines of their own
//! there and must stay so.
//!
//! **Generator.** Each article is wrapped at every column width from 10 to
//! 22 cells (CJK one cell, ASCII half), `--reps` times with different
//! random choices, in four styles:
//! - `plain`: hard wraps, paragraphs separated by a bare newline (a blank
//!   line between paragraphs now and then);
//! - `blank`: a blank line after every fragment (sometimes two or three at a
//!   paragraph end), so blank lines say nothing;
//! - `furniture`: plain or blank, cut into pages of 18 to 40 lines; at each
//!   page break, so also in the middle of paragraphs and sentences, one to
//!   three lines of page numbers (`第10版`, `5/12`, `- 7 -`, `12`, `第3页`,
//!   `A5`), the article's running head (`经济·观察`, `城市 CITY`, `编辑：王敏
//!   校对：刘洋` …) and its dated page header (`2021年3月5日 星期五`);
//! - `indent`: plain, every paragraph's first line indented with `　　`, a
//!   tab, two or four spaces, one space or nothing, chosen per paragraph;
//!   headings often centred with runs of spaces; a few continuation lines
//!   carry a stray leading space.
//!
//! In every style a few paragraphs are left unbroken, and the wrapper picks
//! per article how it treats punctuation that may not start a line
//! (`。，、”）%` …): hang it past the column, push the last character down
//! with it, or ignore the rule. Latin words and numbers (`SHIXUN`, `312.6`,
//! `5G`) are never cut; a break at a space between two Latin words drops the
//! space (reflow must put it back); other spaces (`本报记者 张 明`) are never
//! break points. Headings, bylines and captions are not wrapped: they are
//! set apart from the column.
//!
//! **Scores.** *Paragraphs exact*: a clean paragraph counts when an output
//! line equals it (multiset match); in the furniture style each inserted
//! furniture line is an item too, right when it is an output line of its
//! own, marked `ParagraphKind::Furniture`, directly after (other furniture
//! aside) the paragraph it interrupted, or in place when it fell between
//! paragraphs. *Boundaries*: every pair of consecutive text lines of the
//! input (furniture skipped) is a join or a break in the clean text; the
//! output says which through the offset map (same output line or not).
//! Break and join precision, recall and F1. *Hidden*: paragraph ends the
//! layout does not show (the last line is full and ends a sentence, no
//! indent or extra blank line follows, no heading on either side), as a
//! share of the paragraphs: reflow can only guess these, from how long
//! the paragraph has run, and each wrong guess costs two paragraphs.
//!
//! **Speed**: `reflow::reflow` alone (jieba loaded beforehand) over all the
//! generated inputs, repeated for at least three seconds; MB of input per
//! second of wall clock and, on Linux, per second of the process's CPU time
//! (the honest figure on a machine shared with other work).
//!
//! No `rand`: a SplitMix64 generator with a fixed seed makes every run
//! identical.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;
use zhfacts::document::ParagraphKind;
use zhfacts::reflow;

/// SplitMix64: tiny, deterministic, good enough to pick wraps.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Style {
    Plain,
    Blank,
    Furniture,
    Indent,
}

impl Style {
    const ALL: [Style; 4] = [Style::Plain, Style::Blank, Style::Furniture, Style::Indent];

    fn name(self) -> &'static str {
        match self {
            Style::Plain => "plain",
            Style::Blank => "blank",
            Style::Furniture => "furniture",
            Style::Indent => "indent",
        }
    }
}

/// How the wrapper treats punctuation that may not start a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kinsoku {
    /// Let it hang past the column.
    Hang,
    /// Push the line's last character down with it.
    Push,
    /// Ignore the rule.
    Naive,
}

/// One physical line of a generated input.
#[derive(Debug, Clone)]
enum Physical {
    Blank,
    /// A fragment of clean paragraph `para`.
    Text {
        para: usize,
        line: String,
    },
    /// Inserted furniture; `interrupts` is the paragraph it cuts in two.
    Furniture {
        line: String,
        interrupts: Option<usize>,
    },
}

struct Generated {
    article: String,
    style: Style,
    width: usize,
    paragraphs: Vec<String>,
    lines: Vec<Physical>,
    text: String,
}

fn cells(s: &str) -> f32 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

fn is_forbidden_start(c: char) -> bool {
    "，。、；：？！）”’》】%‰…,.;:?!)".contains(c)
}

fn is_forbidden_end(c: char) -> bool {
    "“‘（《【(".contains(c)
}

fn is_sentence_final(c: char) -> bool {
    "。！？…；".contains(c)
}

/// Lines the generator does not wrap: headlines, subheads, bylines,
/// datelines and captions (set apart from the column in a newspaper).
fn is_display_line(p: &str) -> bool {
    let caption = p.ends_with("(资料片)") || p.ends_with("（资料片）") || p.ends_with("摄)");
    let ends_sentence = p
        .trim_end_matches(['”', '’', '」', '』', '）', ')'])
        .chars()
        .last()
        .is_some_and(is_sentence_final);
    (cells(p) <= 40.0 && !ends_sentence) || caption
}

/// Unbreakable pieces of a paragraph: a run of ASCII non-space characters,
/// any other character, a space between two Latin runs (a break point that
/// the break swallows); other spaces glue their neighbours together.
fn atoms(p: &str) -> Vec<String> {
    let chars: Vec<char> = p.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut glue_next = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' {
            let before_latin = i > 0 && chars[i - 1].is_ascii_graphic();
            let after_latin = chars.get(i + 1).is_some_and(|c| c.is_ascii_graphic());
            if before_latin && after_latin {
                out.push(" ".to_string());
            } else if let Some(last) = out.last_mut() {
                last.push(' ');
                glue_next = true;
            }
            i += 1;
            continue;
        }
        let mut atom = String::new();
        if c.is_ascii_graphic() {
            while i < chars.len() && chars[i].is_ascii_graphic() {
                atom.push(chars[i]);
                i += 1;
            }
        } else {
            atom.push(c);
            i += 1;
        }
        if glue_next {
            out.last_mut()
                .expect("glue follows an atom")
                .push_str(&atom);
            glue_next = false;
        } else {
            out.push(atom);
        }
    }
    out
}

/// Wraps one paragraph at `width` cells.
fn wrap(p: &str, width: f32, kinsoku: Kinsoku) -> Vec<String> {
    let atoms = atoms(p);
    let mut lines: Vec<Vec<String>> = vec![Vec::new()];
    let line_cells = |l: &Vec<String>| l.iter().map(|a| cells(a)).sum::<f32>();
    let mut i = 0;
    while i < atoms.len() {
        let atom = &atoms[i];
        let current = lines.last_mut().expect("one line at least");
        if atom == " " && current.is_empty() {
            i += 1;
            continue;
        }
        if current.is_empty() || line_cells(current) + cells(atom) <= width {
            current.push(atom.clone());
            i += 1;
            continue;
        }
        // The atom does not fit: break before it.
        let first = atom.chars().next().expect("atoms are not empty");
        let mut next_line = Vec::new();
        match kinsoku {
            Kinsoku::Hang if is_forbidden_start(first) => {
                current.push(atom.clone());
                i += 1;
            }
            Kinsoku::Push if is_forbidden_start(first) && current.len() > 1 => {
                next_line.push(current.pop().expect("two atoms"));
            }
            _ => {}
        }
        if kinsoku != Kinsoku::Naive {
            while current.len() > 1
                && current
                    .last()
                    .and_then(|a| a.chars().last())
                    .is_some_and(is_forbidden_end)
            {
                next_line.insert(0, current.pop().expect("two atoms"));
            }
        }
        while current.last().is_some_and(|a| a == " ") {
            current.pop();
        }
        lines.push(next_line);
    }
    lines
        .into_iter()
        .map(|l| l.concat().trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// What each article's furniture looks like: one pick per article.
struct FurnitureKit {
    running_head: String,
    dated: String,
    page_style: usize,
    first_page: usize,
    pages: usize,
}

impl FurnitureKit {
    fn new(rng: &mut Rng) -> Self {
        const HEADS: &[&str] = &[
            "综合新闻",
            "经济·观察",
            "民生周刊 MINSHENG",
            "产经 CHANJING",
            "地方新闻·要闻",
            "临江日报 LINJIANG DAILY",
            "城市 CITY",
            "专题报道",
            "深度",
            "财经观察 FINANCE",
            "视点",
            "编辑：王敏 校对：刘洋",
        ];
        const DATES: &[&str] = &[
            "2021年3月5日 星期五",
            "2023年11月14日 星期二",
            "2020年7月1日 周三",
            "2022年9月28日 星期三 责任编辑 陈曦",
            "2019-04-16",
        ];
        FurnitureKit {
            running_head: rng.pick(HEADS).to_string(),
            dated: rng.pick(DATES).to_string(),
            page_style: rng.below(6),
            first_page: rng.range(1, 16),
            pages: rng.range(8, 24),
        }
    }

    fn page_number(&self, n: usize) -> String {
        match self.page_style {
            0 => format!("第{n}版"),
            1 => format!("{n}/{}", self.pages.max(n)),
            2 => format!("- {n} -"),
            3 => format!("{n}"),
            4 => format!("第{n}页"),
            _ => format!("A{n}"),
        }
    }

    /// The lines inserted at the break after page `n`.
    fn page_break(&self, n: usize, rng: &mut Rng) -> Vec<String> {
        let next = n + 1;
        match rng.below(5) {
            0 => vec![self.page_number(n)],
            1 => vec![self.page_number(n), self.running_head.clone()],
            2 => vec![self.running_head.clone(), self.page_number(next)],
            3 => vec![self.dated.clone(), self.page_number(next)],
            _ => vec![
                self.page_number(n),
                self.dated.clone(),
                self.running_head.clone(),
            ],
        }
    }
}

/// Choices of the generator beyond the style.
#[derive(Debug, Clone, Copy, Default)]
struct GeneratorOptions {
    /// Wrap headlines, bylines and captions like running text.
    wrap_headings: bool,
}

fn generate(
    article: &str,
    paragraphs: &[String],
    style: Style,
    width: usize,
    options: GeneratorOptions,
    rng: &mut Rng,
) -> Generated {
    let kinsoku = *rng.pick(&[Kinsoku::Hang, Kinsoku::Hang, Kinsoku::Push, Kinsoku::Naive]);
    let base_blank = match style {
        Style::Blank => true,
        Style::Furniture => rng.chance(0.5),
        _ => false,
    };
    let mut lines: Vec<Physical> = Vec::new();
    for (k, p) in paragraphs.iter().enumerate() {
        let display = is_display_line(p) && !options.wrap_headings;
        let fragments = if display || rng.chance(0.06) {
            vec![p.clone()]
        } else {
            wrap(p, width as f32, kinsoku)
        };
        for (j, fragment) in fragments.into_iter().enumerate() {
            let indent = if style != Style::Indent {
                ""
            } else if display {
                *rng.pick(&["", "", "    ", "        ", "\t\t", "　　"])
            } else if j == 0 {
                *rng.pick(&["　　", "　　", "\t", "  ", "    ", " ", ""])
            } else if rng.chance(0.03) {
                " "
            } else {
                ""
            };
            lines.push(Physical::Text {
                para: k,
                line: format!("{indent}{fragment}"),
            });
            if base_blank {
                lines.push(Physical::Blank);
            }
        }
        let extra_blank = if base_blank { 0.08 } else { 0.05 };
        if k + 1 < paragraphs.len() && rng.chance(extra_blank) {
            for _ in 0..rng.range(1, 2) {
                lines.push(Physical::Blank);
            }
        }
    }
    if style == Style::Furniture {
        lines = insert_furniture(lines, base_blank, rng);
    }
    let text = lines
        .iter()
        .map(|l| match l {
            Physical::Blank => "",
            Physical::Text { line, .. } | Physical::Furniture { line, .. } => line.as_str(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    Generated {
        article: article.to_string(),
        style,
        width,
        paragraphs: paragraphs.to_vec(),
        lines,
        text,
    }
}

/// Cuts the lines into pages and inserts furniture at every page break
/// (and a header on the first page, a footer on the last).
fn insert_furniture(lines: Vec<Physical>, blank: bool, rng: &mut Rng) -> Vec<Physical> {
    let kit = FurnitureKit::new(rng);
    let mut out = Vec::with_capacity(lines.len() + lines.len() / 8);
    let push = |out: &mut Vec<Physical>, line: String, interrupts: Option<usize>| {
        out.push(Physical::Furniture { line, interrupts });
        if blank {
            out.push(Physical::Blank);
        }
    };
    let mut page = kit.first_page;
    if rng.chance(0.5) {
        push(&mut out, kit.running_head.clone(), None);
        push(&mut out, kit.page_number(page), None);
    }
    let mut until_break = rng.range(18, 40);
    let para_of = |l: &Physical| match l {
        Physical::Text { para, .. } => Some(*para),
        _ => None,
    };
    for i in 0..lines.len() {
        out.push(lines[i].clone());
        until_break -= 1;
        if until_break > 0 || i + 1 == lines.len() {
            continue;
        }
        until_break = rng.range(18, 40);
        let before = lines[..=i].iter().rev().find_map(para_of);
        let after = lines[i + 1..].iter().find_map(para_of);
        let interrupts = match (before, after) {
            (Some(a), Some(b)) if a == b => Some(a),
            _ => None,
        };
        for f in kit.page_break(page, rng) {
            push(&mut out, f, interrupts);
        }
        page += 1;
    }
    if rng.chance(0.5) {
        push(&mut out, kit.page_number(page), None);
    }
    out
}

/// Clean paragraphs of one article.
fn clean_paragraphs(text: &str) -> Vec<String> {
    zhfacts::normalize::normalize(text)
        .text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn articles() -> Vec<(String, Vec<String>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().to_string();
            // The seed and narrow_column.txt are wrapped already: not a truth.
            if name.starts_with("2020-12-10_panjin") || name == "narrow_column.txt" {
                return None;
            }
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
            Some((name, clean_paragraphs(&text)))
        })
        .collect()
}

#[derive(Default, Clone, Copy)]
struct Tally {
    items: usize,
    exact: usize,
    furniture: usize,
    furniture_right: usize,
    /// Break predicted and true, break predicted but join, join predicted but break.
    break_tp: usize,
    break_fp: usize,
    break_fn: usize,
    join_tp: usize,
    /// Paragraph ends the layout cannot show (see `score`).
    hidden_ends: usize,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.items += o.items;
        self.exact += o.exact;
        self.furniture += o.furniture;
        self.furniture_right += o.furniture_right;
        self.break_tp += o.break_tp;
        self.break_fp += o.break_fp;
        self.break_fn += o.break_fn;
        self.join_tp += o.join_tp;
        self.hidden_ends += o.hidden_ends;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn f1(tp: usize, fp: usize, fn_: usize) -> (f64, f64, f64) {
    let p = ratio(tp, tp + fp);
    let r = ratio(tp, tp + fn_);
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

/// Scores one generated input; `report` receives the wrong paragraphs.
fn score(g: &Generated, report: &mut Vec<String>) -> Tally {
    let normalized = zhfacts::normalize::normalize(&g.text);
    assert_eq!(
        normalized.text.chars().count(),
        g.text.chars().count(),
        "the generator writes normalized text"
    );
    let r = reflow::reflow(&normalized.text);
    let out_lines: Vec<&str> = r.text.split('\n').collect();
    let kinds: Vec<ParagraphKind> = r.paragraphs.iter().map(|p| p.kind).collect();
    assert_eq!(
        out_lines.len().max(1),
        kinds.len().max(1),
        "one kind a line"
    );

    // Input character → output line, through the offset map.
    let input_len = normalized.text.chars().count();
    let mut owner = vec![usize::MAX; input_len + 1];
    let mut line_no = 0;
    for (i, c) in r.text.chars().enumerate() {
        if c == '\n' {
            line_no += 1;
            continue;
        }
        let (s, _) = r.map.span(i);
        owner[s] = line_no;
    }
    // Output line of each physical input line (by its first character).
    let mut start = 0usize;
    let mut line_of: Vec<usize> = Vec::with_capacity(g.lines.len());
    for l in &g.lines {
        let s: &str = match l {
            Physical::Blank => "",
            Physical::Text { line, .. } | Physical::Furniture { line, .. } => line,
        };
        let lead = s.chars().take_while(|c| c.is_whitespace()).count();
        line_of.push(if s.trim().is_empty() {
            usize::MAX
        } else {
            owner[start + lead]
        });
        start += s.chars().count() + 1;
    }

    let mut t = Tally::default();
    // Paragraphs: multiset match against the output lines.
    let mut available: HashMap<&str, usize> = HashMap::new();
    for l in &out_lines {
        *available.entry(l).or_default() += 1;
    }
    let mut wrong: Vec<usize> = Vec::new();
    for (k, p) in g.paragraphs.iter().enumerate() {
        t.items += 1;
        match available.get_mut(p.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                t.exact += 1;
            }
            _ => wrong.push(k),
        }
    }
    // Last output line of each paragraph's last fragment.
    let mut para_line: HashMap<usize, usize> = HashMap::new();
    for (l, &o) in g.lines.iter().zip(&line_of) {
        if let Physical::Text { para, .. } = l {
            para_line.insert(*para, o);
        }
    }
    for (l, &o) in g.lines.iter().zip(&line_of) {
        let Physical::Furniture { line, interrupts } = l else {
            continue;
        };
        t.items += 1;
        t.furniture += 1;
        let own_line = out_lines.get(o).is_some_and(|x| x == line);
        let right = own_line
            && match interrupts {
                None => true,
                Some(para) => {
                    kinds.get(o) == Some(&ParagraphKind::Furniture)
                        && para_line.get(para).is_some_and(|&pl| {
                            pl < o && (pl + 1..o).all(|m| kinds[m] == ParagraphKind::Furniture)
                        })
                }
            };
        if right {
            t.exact += 1;
            t.furniture_right += 1;
        } else {
            report.push(format!(
                "furniture {line:?} (interrupts {interrupts:?}) → line {o}: {:?} {:?}",
                out_lines.get(o),
                kinds.get(o)
            ));
        }
    }
    // Boundaries between consecutive text lines.
    let text_lines: Vec<(usize, usize)> = g
        .lines
        .iter()
        .zip(&line_of)
        .filter_map(|(l, &o)| match l {
            Physical::Text { para, .. } => Some((*para, o)),
            _ => None,
        })
        .collect();
    // Paragraph ends the layout does not show: the last line is full and
    // ends a sentence, no indent or extra blank line follows, and no
    // heading is involved. Reflow can only guess these.
    let marks: Vec<(&str, bool, usize)> = {
        let mut blanks = 0;
        let mut out = Vec::new();
        for l in &g.lines {
            match l {
                Physical::Blank => blanks += 1,
                Physical::Text { line, .. } => {
                    out.push((line.trim(), line.starts_with(char::is_whitespace), blanks));
                    blanks = 0;
                }
                Physical::Furniture { .. } => {}
            }
        }
        out
    };
    let usual_blanks = usize::from(g.style == Style::Blank);
    for (k, w) in text_lines.windows(2).enumerate() {
        let truth_break = w[0].0 != w[1].0;
        let predicted_break = w[0].1 != w[1].1;
        let (a, _, _) = marks[k];
        let (_, indented, blanks) = marks[k + 1];
        let ends = a
            .trim_end_matches(['”', '’', '」', '』', '）', ')'])
            .chars()
            .last()
            .is_some_and(is_sentence_final);
        let hidden = truth_break
            && ends
            && cells(a) >= g.width as f32 - 0.5
            && !indented
            && blanks <= usual_blanks
            && !is_display_line(&g.paragraphs[w[0].0])
            && !is_display_line(&g.paragraphs[w[1].0]);
        t.hidden_ends += usize::from(hidden);
        match (truth_break, predicted_break) {
            (true, true) => t.break_tp += 1,
            (false, true) => t.break_fp += 1,
            (true, false) => t.break_fn += 1,
            (false, false) => t.join_tp += 1,
        }
    }
    for k in wrong {
        let mut s = format!(
            "--- {} {} w={} paragraph {k}: {:?}\n",
            g.article,
            g.style.name(),
            g.width,
            g.paragraphs[k]
        );
        let lo = text_lines.iter().position(|&(p, _)| p + 1 >= k);
        let hi = text_lines.iter().rposition(|&(p, _)| p <= k + 1);
        if let (Some(lo), Some(hi)) = (lo, hi) {
            let first = text_lines[lo].1.min(out_lines.len() - 1);
            let last = text_lines[hi].1.min(out_lines.len() - 1);
            for (m, line) in out_lines
                .iter()
                .enumerate()
                .take(last.max(first) + 1)
                .skip(first)
            {
                let _ = writeln!(s, "  out {m} {:?}: {line}", kinds[m]);
            }
        }
        report.push(s);
    }
    t
}

fn main() {
    let mut errors = 0usize;
    let mut only: Option<String> = None;
    let mut reps = 3usize;
    let mut seed = 4u64;
    let mut speed = true;
    let mut dump: Option<String> = None;
    let mut clean: Vec<String> = Vec::new();
    let mut options = GeneratorOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--errors" => errors = args.next().and_then(|v| v.parse().ok()).unwrap_or(10),
            "--style" => only = args.next(),
            "--reps" => reps = args.next().and_then(|v| v.parse().ok()).unwrap_or(3),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(4),
            "--no-speed" => speed = false,
            "--dump" => dump = args.next(),
            "--clean" => clean.extend(args.next()),
            "--wrap-headings" => options.wrap_headings = true,
            other => {
                eprintln!("reflow_bench: unknown option {other}");
                std::process::exit(2);
            }
        }
    }
    zhfacts::segment::warm_up();
    let articles = if clean.is_empty() {
        articles()
    } else {
        clean
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
                (path.clone(), clean_paragraphs(&text))
            })
            .collect()
    };
    let mut rng = Rng(seed);
    let mut generated = Vec::new();
    for style in Style::ALL {
        if only.as_deref().is_some_and(|o| o != style.name()) {
            continue;
        }
        for (name, paragraphs) in &articles {
            for width in 10..=22 {
                for _ in 0..reps {
                    generated.push(generate(name, paragraphs, style, width, options, &mut rng));
                }
            }
        }
    }

    if let Some(dir) = &dump {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
        for (i, g) in generated.iter().enumerate() {
            let name = format!(
                "{dir}/{}-{}-w{}-{i}.txt",
                g.article.trim_end_matches(".txt"),
                g.style.name(),
                g.width
            );
            std::fs::write(&name, &g.text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    let mut by_style: Vec<(Style, Tally)> = Vec::new();
    let mut by_width: HashMap<usize, Tally> = HashMap::new();
    let mut by_article: HashMap<String, Tally> = HashMap::new();
    let mut wrong: Vec<String> = Vec::new();
    for g in &generated {
        let t = score(g, &mut wrong);
        match by_style.iter_mut().find(|(s, _)| *s == g.style) {
            Some((_, total)) => total.add(&t),
            None => by_style.push((g.style, t)),
        }
        by_width.entry(g.width).or_default().add(&t);
        by_article.entry(g.article.clone()).or_default().add(&t);
    }
    let mut all = Tally::default();
    println!(
        "reflow_bench: {} articles, widths 10-22, {} inputs",
        articles.len(),
        generated.len()
    );
    println!(
        "{:<10} {:>7} {:>8} {:>11} {:>7} {:>7} {:>7} {:>8} {:>7}",
        "style", "items", "exact%", "furniture", "brk P", "brk R", "brk F1", "join F1", "hidden"
    );
    let row = |name: &str, t: &Tally| {
        let (p, r, f) = f1(t.break_tp, t.break_fp, t.break_fn);
        let (_, _, jf) = f1(t.join_tp, t.break_fn, t.break_fp);
        println!(
            "{:<10} {:>7} {:>7.2}% {:>5}/{:<5} {:>6.2}% {:>6.2}% {:>6.2}% {:>7.2}% {:>6.2}%",
            name,
            t.items,
            100.0 * ratio(t.exact, t.items),
            t.furniture_right,
            t.furniture,
            100.0 * p,
            100.0 * r,
            100.0 * f,
            100.0 * jf,
            100.0 * ratio(t.hidden_ends, t.items - t.furniture)
        );
    };
    for (style, t) in &by_style {
        row(style.name(), t);
        all.add(t);
    }
    row("overall", &all);
    println!();
    let mut articles_sorted: Vec<_> = by_article.into_iter().collect();
    articles_sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, t) in &articles_sorted {
        row(&name.replace(".txt", ""), t);
    }
    println!();
    let mut widths: Vec<_> = by_width.into_iter().collect();
    widths.sort_by_key(|w| w.0);
    for (w, t) in &widths {
        row(&format!("width {w}"), t);
    }

    for e in wrong.iter().take(errors) {
        println!("{e}");
    }

    if speed {
        let inputs: Vec<String> = generated
            .iter()
            .map(|g| zhfacts::normalize::normalize(&g.text).text)
            .collect();
        let bytes: usize = inputs.iter().map(String::len).sum();
        let started = Instant::now();
        let cpu_started = cpu_seconds();
        let mut rounds = 0;
        let mut lines = 0usize;
        while started.elapsed().as_secs_f64() < 3.0 {
            for input in &inputs {
                lines += reflow::reflow(input).paragraphs.len();
            }
            rounds += 1;
        }
        let seconds = started.elapsed().as_secs_f64();
        assert!(lines > 0, "reflow produced paragraphs");
        let megabytes = (bytes * rounds) as f64 / 1e6;
        print!(
            "\nspeed: reflow over {:.1} MB × {rounds} rounds: {:.1} MB/s wall clock",
            bytes as f64 / 1e6,
            megabytes / seconds
        );
        match (cpu_started, cpu_seconds()) {
            (Some(a), Some(b)) if b > a => {
                println!(", {:.1} MB/s of CPU time", megabytes / (b - a))
            }
            _ => println!(),
        }
    }
}

/// CPU time of this process so far (Linux), to measure on a busy machine.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields of the line, in clock ticks (100 a second).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
