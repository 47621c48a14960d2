//! `zhfacts check`: compare extracted facts with a gold set, or with an
//! earlier run.
//!
//! Gold facts are records in the `facts.jsonl` format; only the fields a
//! gold record has are compared (numbers with relative tolerance 1e-9).
//! Matching is per document: same kind and overlapping span first (or the
//! same `text` when a gold record has no offsets), preferring the same
//! value; each gold fact matches at most one prediction.
//!
//! ```
//! use zhfacts::check::{compare_documents, GoldFact};
//! let gold: Vec<GoldFact> = vec![serde_json::from_str(r#"{"kind":"money","text":"600亿元","value":60000000000}"#).unwrap()];
//! let (_, facts) = zhfacts::Pipeline::default().run("d", "总投资600亿元。".into(), None);
//! let result = compare_documents("d", &gold, &facts);
//! assert!(result.misses.is_empty() && result.spurious.is_empty() && result.wrong.is_empty());
//! ```

use crate::document::{Fact, Kind};
use crate::error::{Error, Result};
use crate::output::{cells, json_lines, Cell, FIELDS};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// A gold fact: the fields it states.
pub type GoldFact = Map<String, Value>;

/// Attributes whose accuracy is reported.
pub const ATTRIBUTES: [&str; 7] = [
    "value",
    "unit",
    "date",
    "qualifier",
    "per",
    "change",
    "metric",
];

/// One attribute that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeDiff {
    /// Field name.
    pub field: String,
    /// Gold value.
    pub expected: Value,
    /// Predicted value.
    pub actual: Value,
}

/// A fact as shown in a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shown {
    /// Document id.
    pub doc: String,
    /// Kind.
    pub kind: String,
    /// Text.
    pub text: String,
    /// Sentence, when known.
    pub sentence: String,
    /// Offsets, when known.
    pub start: Option<u64>,
    /// End offset, when known.
    pub end: Option<u64>,
    /// Rule, when known.
    pub rule: String,
}

/// A matched pair with wrong attributes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wrong {
    /// The prediction.
    pub fact: Shown,
    /// What differs.
    pub diffs: Vec<AttributeDiff>,
}

/// A matched fact: its kind, rule, and per compared attribute whether it
/// was right.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Matched {
    /// Kind.
    pub kind: String,
    /// Rule of the prediction.
    pub rule: String,
    /// (attribute, correct).
    pub attributes: Vec<(String, bool)>,
}

/// Comparison of one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DocumentResult {
    /// Gold facts per kind.
    pub gold: BTreeMap<String, usize>,
    /// Predicted facts per kind and per rule.
    pub predicted: Vec<(String, String)>,
    /// Matched facts.
    pub matched: Vec<Matched>,
    /// Gold facts with no prediction.
    pub misses: Vec<Shown>,
    /// Predictions with no gold fact.
    pub spurious: Vec<Shown>,
    /// Matched facts with wrong attributes.
    pub wrong: Vec<Wrong>,
}

fn as_u64(v: Option<&Value>) -> Option<u64> {
    v.and_then(Value::as_u64)
}

fn as_str<'a>(g: &'a GoldFact, key: &str) -> &'a str {
    g.get(key).and_then(Value::as_str).unwrap_or("")
}

fn shown_gold(doc: &str, g: &GoldFact) -> Shown {
    Shown {
        doc: doc.to_string(),
        kind: as_str(g, "kind").to_string(),
        text: as_str(g, "text").to_string(),
        sentence: as_str(g, "sentence").to_string(),
        start: as_u64(g.get("start")),
        end: as_u64(g.get("end")),
        rule: as_str(g, "rule").to_string(),
    }
}

fn shown_fact(f: &Fact) -> Shown {
    Shown {
        doc: f.doc.to_string(),
        kind: f.kind.as_str().to_string(),
        text: f.text.clone(),
        sentence: f.sentence.to_string(),
        start: Some(f.start as u64),
        end: Some(f.end as u64),
        rule: f.rule.to_string(),
    }
}

/// The value of a fact's field as JSON.
pub fn field_value(fact: &Fact, field: &str) -> Value {
    let index = FIELDS.iter().position(|f| *f == field);
    match index.map(|i| cells(fact)[i]) {
        Some(Cell::Text(s)) => Value::String(s.to_string()),
        Some(Cell::Integer(n)) => Value::from(n as u64),
        Some(Cell::Number(Some(d))) => {
            serde_json::from_str(&crate::output::plain_decimal(d)).unwrap_or(Value::Null)
        }
        Some(Cell::Number(None)) | None => Value::Null,
    }
}

/// Whether two JSON values agree (numbers within relative 1e-9; null and ""
/// are both empty).
pub fn values_agree(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (
                a.as_f64().unwrap_or(f64::NAN),
                b.as_f64().unwrap_or(f64::NAN),
            );
            a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
        }
        (Value::Null, Value::String(s)) | (Value::String(s), Value::Null) => s.is_empty(),
        (a, b) => a == b,
    }
}

/// The gold fields (other than identity fields) that differ.
pub fn attribute_diffs(gold: &GoldFact, fact: &Fact) -> Vec<AttributeDiff> {
    gold.iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "doc" | "index" | "kind" | "sentence" | "rule" | "start" | "end"
            )
        })
        .filter_map(|(k, expected)| {
            let actual = field_value(fact, k);
            (!values_agree(expected, &actual)).then(|| AttributeDiff {
                field: k.clone(),
                expected: expected.clone(),
                actual,
            })
        })
        .collect()
}

fn overlaps(gold: &GoldFact, fact: &Fact) -> bool {
    match (as_u64(gold.get("start")), as_u64(gold.get("end"))) {
        (Some(s), Some(e)) => (s as usize) < fact.end && fact.start < (e as usize),
        _ => gold.get("text").and_then(Value::as_str) == Some(fact.text.as_str()),
    }
}

/// Matches one document's gold facts with its predictions.
pub fn compare_documents(doc: &str, gold: &[GoldFact], predicted: &[Fact]) -> DocumentResult {
    let mut result = DocumentResult::default();
    for g in gold {
        *result
            .gold
            .entry(as_str(g, "kind").to_string())
            .or_default() += 1;
    }
    result.predicted = predicted
        .iter()
        .map(|f| (f.kind.as_str().to_string(), f.rule.to_string()))
        .collect();
    let mut used = vec![false; predicted.len()];
    for g in gold {
        let kind = as_str(g, "kind");
        let candidates: Vec<usize> = (0..predicted.len())
            .filter(|&i| {
                !used[i] && predicted[i].kind.as_str() == kind && overlaps(g, &predicted[i])
            })
            .collect();
        let same_value = candidates.iter().copied().find(|&i| {
            g.get("value")
                .is_none_or(|v| values_agree(v, &field_value(&predicted[i], "value")))
        });
        match same_value.or(candidates.first().copied()) {
            Some(i) => {
                used[i] = true;
                let fact = &predicted[i];
                let diffs = attribute_diffs(g, fact);
                let attributes = ATTRIBUTES
                    .iter()
                    .filter(|a| g.contains_key(**a))
                    .map(|a| (a.to_string(), !diffs.iter().any(|d| d.field == *a)))
                    .collect();
                result.matched.push(Matched {
                    kind: kind.to_string(),
                    rule: fact.rule.to_string(),
                    attributes,
                });
                if !diffs.is_empty() {
                    result.wrong.push(Wrong {
                        fact: shown_fact(fact),
                        diffs,
                    });
                }
            }
            None => result.misses.push(shown_gold(doc, g)),
        }
    }
    for (i, f) in predicted.iter().enumerate() {
        if !used[i] {
            result.spurious.push(shown_fact(f));
        }
    }
    result
}

/// Precision, recall and F1 of one group.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Score {
    /// Gold facts.
    pub gold: usize,
    /// Predicted facts.
    pub predicted: usize,
    /// Matched facts.
    pub matched: usize,
    /// matched / predicted.
    pub precision: f64,
    /// matched / gold.
    pub recall: f64,
    /// Harmonic mean.
    pub f1: f64,
    /// Per attribute: (correct, compared).
    pub attributes: BTreeMap<String, (usize, usize)>,
}

impl Score {
    fn finish(&mut self) {
        self.precision = ratio(self.matched, self.predicted);
        self.recall = ratio(self.matched, self.gold);
        self.f1 = if self.precision + self.recall > 0.0 {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        } else if self.gold == 0 && self.predicted == 0 {
            1.0
        } else {
            0.0
        };
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// The whole comparison.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    /// Scores per kind.
    pub kinds: BTreeMap<String, Score>,
    /// Scores per rule (gold facts are counted under the rule that matched
    /// them, or their own `rule` field when missed).
    pub rules: BTreeMap<String, Score>,
    /// Every miss.
    pub misses: Vec<Shown>,
    /// Every spurious fact.
    pub spurious: Vec<Shown>,
    /// Every wrong attribute.
    pub wrong: Vec<Wrong>,
}

impl CheckReport {
    /// Adds one document's result.
    pub fn add(&mut self, result: DocumentResult) {
        for (kind, n) in &result.gold {
            self.kinds.entry(kind.clone()).or_default().gold += n;
        }
        for (kind, rule) in &result.predicted {
            self.kinds.entry(kind.clone()).or_default().predicted += 1;
            self.rules.entry(rule.clone()).or_default().predicted += 1;
        }
        for Matched {
            kind,
            rule,
            attributes,
        } in &result.matched
        {
            for score in [
                self.kinds.entry(kind.clone()).or_default(),
                self.rules.entry(rule.clone()).or_default(),
            ] {
                score.matched += 1;
                for (a, ok) in attributes {
                    let e = score.attributes.entry(a.clone()).or_default();
                    e.0 += usize::from(*ok);
                    e.1 += 1;
                }
            }
            self.rules.entry(rule.clone()).or_default().gold += 1;
        }
        for miss in &result.misses {
            let rule = if miss.rule.is_empty() {
                "(none)"
            } else {
                miss.rule.as_str()
            };
            self.rules.entry(rule.to_string()).or_default().gold += 1;
        }
        self.misses.extend(result.misses);
        self.spurious.extend(result.spurious);
        self.wrong.extend(result.wrong);
    }

    /// Computes the ratios.
    pub fn finish(&mut self) {
        for s in self.kinds.values_mut().chain(self.rules.values_mut()) {
            s.finish();
        }
    }

    /// Whether everything matched exactly.
    pub fn is_clean(&self) -> bool {
        self.misses.is_empty() && self.spurious.is_empty() && self.wrong.is_empty()
    }

    /// Whether every kind reaches `min_f1`.
    pub fn meets(&self, min_f1: f64) -> bool {
        self.kinds.values().all(|s| s.f1 + 1e-12 >= min_f1)
    }

    /// A readable report; `colour` highlights facts in their sentences.
    pub fn render(&self, colour: bool) -> String {
        let mut out = String::new();
        let pct = |x: f64| format!("{:5.1}", x * 100.0);
        out.push_str(
            "kind        gold  pred match  prec   rec    F1   attributes (correct/compared)\n",
        );
        for (kind, s) in &self.kinds {
            let attributes: Vec<String> = s
                .attributes
                .iter()
                .map(|(a, (ok, n))| format!("{a} {ok}/{n}"))
                .collect();
            out.push_str(&format!(
                "{kind:<10} {:>5} {:>5} {:>5} {} {} {}   {}\n",
                s.gold,
                s.predicted,
                s.matched,
                pct(s.precision),
                pct(s.recall),
                pct(s.f1),
                attributes.join(", ")
            ));
        }
        out.push_str("\nrule                         gold  pred match    F1\n");
        for (rule, s) in &self.rules {
            out.push_str(&format!(
                "{rule:<28} {:>5} {:>5} {:>5} {}\n",
                s.gold,
                s.predicted,
                s.matched,
                pct(s.f1)
            ));
        }
        let highlight = |s: &Shown| -> String {
            let text = &s.text;
            let sentence = if s.sentence.is_empty() {
                text.clone()
            } else {
                s.sentence.clone()
            };
            let marked = if colour {
                format!("\x1b[1;31m{text}\x1b[0m")
            } else {
                format!("[{text}]")
            };
            let at = s.start.map_or(String::new(), |st| {
                format!(" @{st}-{}", s.end.unwrap_or(st))
            });
            format!(
                "{}{at}: {}",
                s.doc,
                sentence.replacen(text.as_str(), &marked, 1)
            )
        };
        for (title, list) in [("missed", &self.misses), ("spurious", &self.spurious)] {
            if !list.is_empty() {
                out.push_str(&format!("\n{title} ({}):\n", list.len()));
                for s in list {
                    out.push_str(&format!(
                        "  {} {} ({}) {}\n",
                        s.kind,
                        s.text,
                        s.rule,
                        highlight(s)
                    ));
                }
            }
        }
        if !self.wrong.is_empty() {
            out.push_str(&format!("\nwrong attributes ({}):\n", self.wrong.len()));
            for w in &self.wrong {
                let diffs = describe(&w.diffs, "expected ", " got ");
                out.push_str(&format!(
                    "  {} {} ({}) {}\n    {}\n",
                    w.fact.kind,
                    w.fact.text,
                    w.fact.rule,
                    highlight(&w.fact),
                    diffs.join("; ")
                ));
            }
        }
        out
    }
}

/// Attribute differences as `field: <before>old<between>new`, one string each.
fn describe(diffs: &[AttributeDiff], before: &str, between: &str) -> Vec<String> {
    diffs
        .iter()
        .map(|d| format!("{}: {before}{}{between}{}", d.field, d.expected, d.actual))
        .collect()
}

/// Reads gold facts from a JSONL file or a folder of them, by document.
pub fn load_gold(path: &Path) -> Result<BTreeMap<String, Vec<GoldFact>>> {
    let mut files = Vec::new();
    if path.is_dir() {
        collect_jsonl(path, &mut files)?;
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    let mut gold: BTreeMap<String, Vec<GoldFact>> = BTreeMap::new();
    for file in files {
        let text = fs::read_to_string(&file).map_err(|source| Error::Read {
            path: file.clone(),
            source,
        })?;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let record: GoldFact = serde_json::from_str(line).map_err(|e| Error::Gold {
                path: file.clone(),
                line: i + 1,
                reason: e.to_string(),
            })?;
            let doc = record
                .get("doc")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::Gold {
                    path: file.clone(),
                    line: i + 1,
                    reason: "record has no \"doc\"".into(),
                })?;
            if record
                .get("kind")
                .and_then(Value::as_str)
                .and_then(Kind::parse)
                .is_none()
            {
                return Err(Error::Gold {
                    path: file.clone(),
                    line: i + 1,
                    reason: "record has no valid \"kind\"".into(),
                });
            }
            gold.entry(doc.to_string()).or_default().push(record);
        }
    }
    Ok(gold)
}

fn collect_jsonl(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })? {
        let path = entry
            .map_err(|source| Error::Read {
                path: dir.to_path_buf(),
                source,
            })?
            .path();
        if path.is_dir() {
            collect_jsonl(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "jsonl") {
            out.push(path);
        }
    }
    Ok(())
}

/// Compares predictions (by document, in input order) with gold.
pub fn compare(
    gold: &BTreeMap<String, Vec<GoldFact>>,
    predicted: &[(String, Vec<Fact>)],
) -> CheckReport {
    let mut report = CheckReport::default();
    let mut seen = std::collections::BTreeSet::new();
    for (doc, facts) in predicted {
        seen.insert(doc.clone());
        let g = gold.get(doc).map(Vec::as_slice).unwrap_or(&[]);
        report.add(compare_documents(doc, g, facts));
    }
    for (doc, g) in gold {
        if !seen.contains(doc) {
            report.add(compare_documents(doc, g, &[]));
        }
    }
    report.finish();
    report
}

/// The gold file name for a document id: the id with `/` and other
/// unsafe characters replaced, plus `.jsonl`.
pub fn gold_file_name(doc: &str) -> String {
    let safe: String = doc
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.jsonl")
}

/// Writes predictions as the gold set: one file per document. Files of
/// documents not in `predicted` are left alone.
pub fn bless(dir: &Path, predicted: &[(String, Vec<Fact>)]) -> Result<()> {
    fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    for (doc, facts) in predicted {
        let path = dir.join(gold_file_name(doc));
        let text = json_lines(facts);
        let temp = path.with_extension("jsonl.partial");
        fs::write(&temp, text).map_err(|source| Error::Write {
            path: temp.clone(),
            source,
        })?;
        fs::rename(&temp, &path).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(())
}

/// A difference between two runs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BaselineReport {
    /// Facts in this run only.
    pub gained: Vec<Shown>,
    /// Facts in the baseline only.
    pub lost: Vec<Shown>,
    /// Facts at the same place with other attributes.
    pub changed: Vec<Wrong>,
    /// Per rule: (gained, lost, changed).
    pub rules: BTreeMap<String, (usize, usize, usize)>,
}

impl BaselineReport {
    /// Whether anything changed.
    pub fn is_clean(&self) -> bool {
        self.gained.is_empty() && self.lost.is_empty() && self.changed.is_empty()
    }

    /// A readable report.
    pub fn render(&self) -> String {
        let mut out = format!(
            "gained {}, lost {}, changed {}\n",
            self.gained.len(),
            self.lost.len(),
            self.changed.len()
        );
        out.push_str("rule                         gained  lost changed\n");
        for (rule, (g, l, c)) in &self.rules {
            out.push_str(&format!("{rule:<28} {g:>6} {l:>5} {c:>7}\n"));
        }
        for (sign, list) in [("+", &self.gained), ("-", &self.lost)] {
            for s in list {
                out.push_str(&format!(
                    "{sign} {} {} {} ({}) @{}\n",
                    s.doc,
                    s.kind,
                    s.text,
                    s.rule,
                    s.start.unwrap_or(0)
                ));
            }
        }
        for w in &self.changed {
            let diffs = describe(&w.diffs, "", " -> ");
            out.push_str(&format!(
                "~ {} {} {} ({}): {}\n",
                w.fact.doc,
                w.fact.kind,
                w.fact.text,
                w.fact.rule,
                diffs.join("; ")
            ));
        }
        out
    }
}

/// Compares this run with an earlier `facts.jsonl`: facts are the same
/// fact when document, kind and offsets agree.
pub fn compare_baseline(
    baseline: &BTreeMap<String, Vec<GoldFact>>,
    predicted: &[(String, Vec<Fact>)],
) -> BaselineReport {
    let mut report = BaselineReport::default();
    let empty = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (doc, facts) in predicted {
        seen.insert(doc.clone());
        let old = baseline.get(doc).unwrap_or(&empty);
        let key = |kind: &str, s: Option<u64>, e: Option<u64>| (kind.to_string(), s, e);
        let mut old_by_key: BTreeMap<_, &GoldFact> = old
            .iter()
            .map(|g| {
                (
                    key(
                        as_str(g, "kind"),
                        as_u64(g.get("start")),
                        as_u64(g.get("end")),
                    ),
                    g,
                )
            })
            .collect();
        for f in facts {
            let k = key(f.kind.as_str(), Some(f.start as u64), Some(f.end as u64));
            match old_by_key.remove(&k) {
                Some(g) => {
                    let mut g = g.clone();
                    g.remove("index");
                    let diffs = attribute_diffs(&g, f);
                    if !diffs.is_empty() {
                        report.rules.entry(f.rule.to_string()).or_default().2 += 1;
                        report.changed.push(Wrong {
                            fact: shown_fact(f),
                            diffs,
                        });
                    }
                }
                None => {
                    report.rules.entry(f.rule.to_string()).or_default().0 += 1;
                    report.gained.push(shown_fact(f));
                }
            }
        }
        for g in old_by_key.into_values() {
            report
                .rules
                .entry(as_str(g, "rule").to_string())
                .or_default()
                .1 += 1;
            report.lost.push(shown_gold(doc, g));
        }
    }
    for (doc, old) in baseline {
        if !seen.contains(doc) {
            for g in old {
                report
                    .rules
                    .entry(as_str(g, "rule").to_string())
                    .or_default()
                    .1 += 1;
                report.lost.push(shown_gold(doc, g));
            }
        }
    }
    report
}
