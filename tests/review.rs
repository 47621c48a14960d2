//! The review page's HTML: escaping, the data the page highlights from
//! (character offsets into the untouched original), the summary, and the
//! `extract` wiring. What the page's script draws from that data is checked
//! in a real browser by `tests/review_browser.rs`.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;
use zhfacts::batch::{self, Processed};
use zhfacts::check::{compare_documents, CheckReport, GoldFact};
use zhfacts::input::{self, Decoding};
use zhfacts::review::{self, check_items, find_span, write_items_page, Item};
use zhfacts::{Kind, Pipeline};

/// Documents run the way `zhfacts extract` runs them: read from a JSON
/// Lines file, then through the batch's `process`.
fn processed_all(documents: &[(&str, &str)]) -> Vec<Processed> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    let lines: String = documents
        .iter()
        .map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string() + "\n")
        .collect();
    fs::write(&path, lines).unwrap();
    read(&path)
}

fn read(path: &Path) -> Vec<Processed> {
    let pipeline = Pipeline::default();
    input::expand(&[path.to_path_buf()])
        .unwrap()
        .iter()
        .flat_map(|source| input::read(source, Decoding::default()))
        .map(|item| batch::process(&pipeline, item))
        .collect()
}

fn processed(id: &str, text: &str) -> Processed {
    processed_all(&[(id, text)]).remove(0)
}

/// A file that fails: binary.
fn failed(id: &str) -> Processed {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(id);
    fs::write(&path, b"\x00\x01binary\x00").unwrap();
    let mut documents = read(&path);
    assert_eq!(documents[0].report.status, "failed");
    documents.remove(0)
}

/// A document as embedded in the page: its data and its original text.
struct Embedded {
    data: Value,
    text: String,
}

/// Reads back every `<script type="application/json">` of the page the way
/// the browser would: the element ends at the first `</script`.
fn embedded(html: &str) -> (Vec<Embedded>, Value) {
    let mut docs = Vec::new();
    let mut tables = Value::Null;
    let mut rest = html;
    while let Some(at) = rest.find("<script type=\"application/json\"") {
        let open_end = at + rest[at..].find('>').expect("the tag closes") + 1;
        let tag = &rest[at..open_end];
        let close = open_end + rest[open_end..].find("</script").expect("the element ends");
        let body = &rest[open_end..close];
        let value: Value = serde_json::from_str(body)
            .unwrap_or_else(|e| panic!("element {tag} holds valid JSON: {e}\n{body}"));
        if tag.contains("class=\"doc\"") {
            docs.push(Embedded {
                data: value,
                text: String::new(),
            });
        } else if tag.contains("id=\"tables\"") {
            tables = value;
        } else {
            docs.last_mut().expect("a text follows its document").text =
                value.as_str().expect("the text is a string").to_string();
        }
        rest = &rest[close..];
    }
    (docs, tables)
}

/// Field `i` of an embedded fact (`[kind, start, end, rule, unit, value,
/// date, metric, qualifier, change, value_max, per]`, empty ones at the end
/// left out).
fn field(fact: &Value, i: usize) -> Value {
    fact.get(i).cloned().unwrap_or(Value::Null)
}

/// The name a table index of an embedded fact stands for ("" when left out).
fn name(tables: &Value, table: &str, fact: &Value, i: usize) -> String {
    match fact.get(i) {
        Some(index) => tables[table][index.as_u64().unwrap() as usize]
            .as_str()
            .unwrap()
            .to_string(),
        None => String::new(),
    }
}

/// A string field of an embedded fact ("" when left out).
fn string_at(fact: &Value, i: usize) -> String {
    field(fact, i).as_str().unwrap_or("").to_string()
}

fn char_slice(s: &str, start: u64, end: u64) -> String {
    s.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

#[test]
fn a_script_in_an_article_stays_text() {
    let text = "<script>alert(1)</script></script><!-- 总投资600亿元 & 更多 -->";
    let id = "<img src=x onerror=alert(1)>.txt";
    let html = review::page(&[processed(id, text)]).unwrap();
    // Only the page's own elements: the document's data, its text, the
    // tables and the script.
    assert_eq!(html.matches("<script").count(), 4, "{html}");
    assert_eq!(html.matches("</script>").count(), 4);
    assert!(!html.contains("<img"), "the id is escaped everywhere");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;.txt"));
    assert!(!html.contains("<!-- 总投资"));
    let (docs, _) = embedded(&html);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].text, text, "the text round-trips exactly");
    assert_eq!(docs[0].data["id"], id);
}

#[test]
fn offsets_are_characters_of_the_original_across_a_repaired_break_and_astral_characters() {
    // Two astral characters (two UTF-16 units each) before the fact, and a
    // column break inside it that reflow repairs.
    let text = "𠀀𠮷盤錦總投資６００億\n\n元的項目，增長5%。";
    let html = review::page(&[processed("astral", text)]).unwrap();
    let (docs, tables) = embedded(&html);
    assert_eq!(docs[0].text, text);
    let facts = docs[0].data["facts"].as_array().unwrap();
    let money = facts
        .iter()
        .find(|f| f[0] == 0)
        .expect("the money fact is embedded");
    let (start, end) = (money[1].as_u64().unwrap(), money[2].as_u64().unwrap());
    assert_eq!(
        (start, end),
        (7, 14),
        "character offsets, not bytes or UTF-16"
    );
    assert_eq!(char_slice(text, start, end), "６００億\n\n元");
    assert_eq!(money[5], "60000000000");
    assert_eq!(name(&tables, "units", money, 4), "CNY");
    assert_eq!(name(&tables, "rules", money, 3), "money_currency");
    let percent = facts.iter().find(|f| f[0] == 1).expect("the percent fact");
    assert_eq!(
        char_slice(
            text,
            percent[1].as_u64().unwrap(),
            percent[2].as_u64().unwrap()
        ),
        "5%"
    );
}

#[test]
fn every_fact_of_a_document_is_embedded_in_order_with_its_attributes() {
    let text = "居民低保标准提高5%，由每人每月696元提高到每人每月730元。";
    let p = processed("rate", text);
    let html = review::page(std::slice::from_ref(&p)).unwrap();
    let (docs, tables) = embedded(&html);
    let facts = docs[0].data["facts"].as_array().unwrap();
    assert_eq!(facts.len(), p.facts.len());
    for (embedded, fact) in facts.iter().zip(&p.facts) {
        assert_eq!(embedded[1], fact.start as u64);
        assert_eq!(embedded[2], fact.end as u64);
        assert_eq!(name(&tables, "rules", embedded, 3), fact.rule);
        assert_eq!(name(&tables, "units", embedded, 4), fact.unit);
        let plain = |d: Option<rust_decimal::Decimal>| d.map(|d| d.normalize().to_string());
        assert_eq!(
            string_at(embedded, 5),
            plain(fact.value).unwrap_or_default()
        );
        assert_eq!(string_at(embedded, 6), fact.date);
        assert_eq!(string_at(embedded, 7), fact.metric);
        assert_eq!(
            name(&tables, "qualifiers", embedded, 8),
            fact.qualifier.as_str()
        );
        assert_eq!(name(&tables, "changes", embedded, 9), fact.change.as_str());
        assert_eq!(
            string_at(embedded, 10),
            plain(fact.value_max).unwrap_or_default()
        );
        assert_eq!(string_at(embedded, 11), fact.per);
    }
    let from = p.facts.iter().position(|f| f.text == "696元").unwrap();
    assert_eq!(string_at(&facts[from], 11), "每人每月");
    assert_eq!(name(&tables, "changes", &facts[from], 9), "from");
    let (plain_docs, _) =
        embedded(&review::page(&[processed("plain", "总投资600亿元。")]).unwrap());
    assert_eq!(
        plain_docs[0].data["facts"][0].as_array().unwrap().len(),
        8,
        "empty fields at the end (qualifier, change, value_max, per) are left out"
    );
    // The rule filter's data: rule × kind pairs present in the document.
    assert!(html.contains("data-f=\""));
}

#[test]
fn empty_and_failed_documents_are_listed() {
    let blank = processed("blank.txt", "  \n");
    let bad = failed("bad.txt");
    let empty_note = blank
        .report
        .reason
        .clone()
        .expect("a note on the empty document");
    let reason = bad.report.reason.clone().expect("a reason for the failure");
    let html = review::page(&[blank, bad, processed("good.txt", "总投资600亿元。")]).unwrap();
    assert!(html.contains("3 documents: 2 processed (1 empty), 1 failed · 1 facts"));
    assert!(html.contains("<h2>Failed documents (1)</h2>"));
    assert!(html.contains(&format!(
        "<a href=\"#doc-1\">bad.txt</a></td><td>{}</td>",
        review::escape(&reason)
    )));
    let (docs, _) = embedded(&html);
    assert_eq!(
        docs.len(),
        3,
        "every document keeps its place in input order"
    );
    assert_eq!(docs[0].data["reason"], empty_note.as_str());
    assert_eq!(docs[0].data["facts"], serde_json::json!([]));
    assert_eq!(docs[0].text, "  \n");
    assert_eq!(docs[1].data["status"], "failed");
    assert_eq!(docs[1].data["reason"], reason.as_str());
    assert_eq!(docs[1].text, "");
}

#[test]
fn an_empty_run_still_makes_a_page() {
    let html = review::page(&[]).unwrap();
    assert!(html.contains("0 documents"));
    assert!(html.ends_with("</html>\n"));
}

#[test]
fn the_summary_plots_kinds_currencies_dates_and_extremes() {
    let html = review::page(&[
        processed("a", "2020年8月7日，总投资600亿元，港币5亿元，增长5%。"),
        processed("b", "2021年3月，收入3美元。"),
        processed("c", "无。"),
    ])
    .unwrap();
    for caption in [
        "Facts per kind",
        "Money facts by currency",
        "Date facts by month",
        "Documents with the most facts",
        "Documents with the fewest facts",
    ] {
        assert!(html.contains(caption), "{caption}");
    }
    assert!(html.contains("<title>USD: 1</title>"), "money by currency");
    assert!(html.contains("<title>2020-08: 1</title>"));
    assert!(html.contains("<title>2021-03: 1</title>"));
    assert!(
        html.contains("<title>2020-12: 0</title>"),
        "months between are drawn empty"
    );
    assert!(
        html.contains("<a href=\"#doc-2\">"),
        "extremes link to documents"
    );
    // Self-contained: nothing is fetched from anywhere.
    assert!(html.contains("default-src 'none'"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains(" src="));
}

#[test]
fn the_page_streams_through_a_scratch_file() {
    let mut writer = review::ReviewWriter::new(tempfile::tempfile().unwrap());
    for i in 0..3 {
        writer
            .add(&processed(&format!("d{i}"), "总投资600亿元。"))
            .unwrap();
    }
    let mut out = Vec::new();
    writer.finish(&mut out).unwrap();
    let html = String::from_utf8(out).unwrap();
    let summary = html.find("id=\"summary\"").unwrap();
    let first_document = html.find("class=\"doc\"").unwrap();
    assert!(summary < first_document, "the summary is on top");
    assert_eq!(embedded(&html).0.len(), 3);
}

/// Documents whose facts have qualifiers, changes, ranges, rates and
/// dates, so that every table's codes and every trailing field show.
const VARIED: [(&str, &str); 4] = [
    (
        "a",
        "人均月收入由696元提高到730元，增长约5%。2020年12月10日，投资近千亿元。",
    ),
    (
        "b",
        "每人每月补贴200至300元，共有3000多人受益，占比超过三成。",
    ),
    (
        "c",
        "GDP增长6.1%，较上年下降0.5个百分点；新建住房12座、4800套。",
    ),
    ("d", ""),
];

/// The documents' data and the tables of [`VARIED`]'s page as the page
/// code wrote them before the workers prepared the documents (2dfc336):
/// codes in order of first use, trailing empty fields dropped (after a
/// unit, after a date, after a qualifier whose change is empty).
const VARIED_EMBEDDED: [&str; 8] = [
    r#"<script type="application/json" class="doc" data-id="a" data-f="0 5 11">{"id":"a","status":"ok","reason":"","warning":"","encoding":"UTF-8","ref_date":"","ref_date_source":"none","bytes":118,"facts":[[0,6,10,0,0,"696","","收入",0,0,"","人均"],[0,13,17,0,0,"730","","收入",0,1,"","人均"],[1,20,23,1,1,"5","","",1,2],[3,24,35,2,2,"","2020-12-10"],[0,38,42,0,0,"100000000000","","投资",1]]}</script>"#,
    r#"<script type="application/json" id="t0">"人均月收入由696元提高到730元，增长约5%。2020年12月10日，投资近千亿元。"</script>"#,
    r#"<script type="application/json" class="doc" data-id="b" data-f="12 18 21">{"id":"b","status":"ok","reason":"","warning":"","encoding":"UTF-8","ref_date":"","ref_date_source":"none","bytes":100,"facts":[[0,6,14,3,0,"200","","补贴",0,3,"300","每人每月"],[2,17,23,4,3,"3000","","共有",2],[1,28,32,5,1,"30","","",2]]}</script>"#,
    r#"<script type="application/json" id="t1">"每人每月补贴200至300元，共有3000多人受益，占比超过三成。"</script>"#,
    r#"<script type="application/json" class="doc" data-id="c" data-f="5 18 27 29">{"id":"c","status":"ok","reason":"","warning":"","encoding":"UTF-8","ref_date":"","ref_date_source":"none","bytes":100,"facts":[[1,5,9,1,1,"6.1","","",0,2],[3,11,13,6,2],[1,15,22,7,4,"0.5","","",0,4],[2,27,30,4,5,"12","","住房"],[2,31,36,4,6,"4800","","住房"]]}</script>"#,
    r#"<script type="application/json" id="t2">"GDP增长6.1%，较上年下降0.5个百分点；新建住房12座、4800套。"</script>"#,
    r#"<script type="application/json" class="doc" data-id="d" data-f="">{"id":"d","status":"ok","reason":"empty document","warning":"","encoding":"UTF-8","ref_date":"","ref_date_source":"none","bytes":21,"facts":[]}</script>"#,
    r#"<script type="application/json" id="t3">""</script>"#,
];
const VARIED_TABLES: &str = r#"<script type="application/json" id="tables">{"rules":["money_currency","percent_sign","date_full","money_range","quantity_unit","percent_cheng","date_previous_year","percent_points"],"units":["CNY","%","","人","pp","座","套"],"qualifiers":["","approx","over"],"changes":["from","to","up","","down"]}</script>"#;

#[test]
fn documents_are_embedded_as_before_whether_the_workers_prepared_them_or_not() {
    let page_of = |documents: Vec<Processed>| {
        let mut writer = review::ReviewWriter::new(tempfile::tempfile().unwrap());
        for doc in &documents {
            writer.add(doc).unwrap();
        }
        let mut out = Vec::new();
        writer.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    let plain = page_of(processed_all(&VARIED));
    let prepared = page_of(
        processed_all(&VARIED)
            .into_iter()
            .map(|mut doc| {
                doc.review = Some(review::prepare(&doc));
                doc
            })
            .collect(),
    );
    let expected = VARIED_EMBEDDED.join("\n") + "\n";
    assert!(plain.contains(&expected), "{plain}");
    assert!(plain.contains(VARIED_TABLES));
    assert_eq!(plain, prepared);
}

#[test]
fn past_its_text_limit_the_workers_are_told_to_stop_preparing() {
    let text = "总投资600亿元。";
    let mut writer =
        review::ReviewWriter::new(tempfile::tempfile().unwrap()).with_text_limit(2 * text.len());
    let showing = writer.showing();
    for i in 0..2 {
        writer.add(&processed(&format!("d{i}"), text)).unwrap();
        assert!(showing.wanted(), "document {i} is shown");
    }
    writer.add(&processed("d2", text)).unwrap();
    assert!(!showing.wanted());
}

#[test]
fn past_its_text_limit_the_page_counts_documents_without_showing_them() {
    let text = "总投资600亿元。"; // 21 bytes
    let mut writer =
        review::ReviewWriter::new(tempfile::tempfile().unwrap()).with_text_limit(2 * text.len());
    for i in 0..5 {
        writer.add(&processed(&format!("d{i}"), text)).unwrap();
    }
    let mut out = Vec::new();
    writer.finish(&mut out).unwrap();
    let html = String::from_utf8(out).unwrap();
    let (shown, _) = embedded(&html);
    let ids: Vec<&str> = shown
        .iter()
        .map(|d| d.data["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["d0", "d1"], "the first documents, in input order");
    assert!(html.contains("5 documents: 5 processed"), "all are counted");
    assert!(html.contains("<b>5</b> money"), "their facts too");
    assert!(
        html.contains("This page shows the first 2 documents; the other 3"),
        "and the page says what it leaves out"
    );
    // Its links lead to shown documents only (the most/fewest charts list
    // all five).
    let linked: Vec<&str> = html
        .split("href=\"#doc-")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert!(!linked.is_empty(), "the charts link the shown documents");
    assert!(
        linked.iter().all(|n| ["0", "1"].contains(n)),
        "links to documents not shown: {linked:?}"
    );

    // The first document is shown however long it is; under the limit
    // nothing is said.
    let mut writer = review::ReviewWriter::new(tempfile::tempfile().unwrap()).with_text_limit(1);
    writer.add(&processed("long", text)).unwrap();
    let mut out = Vec::new();
    writer.finish(&mut out).unwrap();
    let html = String::from_utf8(out).unwrap();
    assert_eq!(embedded(&html).0.len(), 1);
    assert!(!html.contains("not-shown"));
}

#[test]
fn item_pages_highlight_spans_by_characters_and_escape() {
    let sentence = "𠀀<b>投资600亿元</b>";
    let span = find_span(sentence, "600亿元");
    assert_eq!(span, Some(6..11));
    let items = [
        Item {
            group: "miss".into(),
            title: "a.txt · 600亿元".into(),
            text: sentence.into(),
            span,
            kind: Some(Kind::Money),
            details: vec![("value".into(), "expected 60000000000".into())],
        },
        Item {
            group: "wrong".into(),
            title: "<script>".into(),
            text: "没有".into(),
            span: Some(5..9),
            kind: None,
            details: Vec::new(),
        },
    ];
    let mut out = Vec::new();
    write_items_page(
        &mut out,
        "check: 2 differences",
        &["gold: x".into()],
        &items,
    )
    .unwrap();
    let html = String::from_utf8(out).unwrap();
    assert!(html.contains("𠀀&lt;b&gt;投资<mark class=\"k0\">600亿元</mark>&lt;/b&gt;"));
    assert!(
        html.contains("<p class=\"sentence\" lang=\"zh\">没有</p>"),
        "an out-of-range span is not drawn"
    );
    assert!(html.contains("&lt;script&gt;"));
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("miss (1)") && html.contains("wrong (1)"));
}

#[test]
fn a_check_becomes_items_highlighted_in_their_sentences() {
    let text = "总投资600亿元，增长5%。";
    let (_, facts) = Pipeline::default().run("d", text.into(), None);
    let gold: Vec<GoldFact> = [
        r#"{"kind":"money","text":"600亿元","value":6}"#,
        r#"{"kind":"date","text":"今年","sentence":"今年如此。"}"#,
    ]
    .iter()
    .map(|g| serde_json::from_str(g).unwrap())
    .collect();
    let mut report = CheckReport::default();
    report.add(compare_documents("d", &gold, &facts));
    let items = check_items(&report);
    let groups: Vec<&str> = items.iter().map(|i| i.group.as_str()).collect();
    assert_eq!(groups, ["miss", "spurious", "wrong"]);
    assert_eq!(items[0].span, Some(0..2), "the miss in its gold sentence");
    assert_eq!(items[1].kind, Some(Kind::Percent));
    let wrong = &items[2];
    assert_eq!(wrong.kind, Some(Kind::Money));
    assert_eq!(
        char_slice(
            &wrong.text,
            wrong.span.clone().unwrap().start as u64,
            wrong.span.clone().unwrap().end as u64
        ),
        "600亿元"
    );
    assert!(wrong.details.contains(&(
        "value".to_string(),
        "expected 6, found 60000000000".to_string()
    )));
    let mut out = Vec::new();
    write_items_page(&mut out, "check", &[], &items).unwrap();
    assert!(String::from_utf8(out)
        .unwrap()
        .contains("<mark class=\"k0\">600亿元</mark>"));
}

fn zhfacts() -> Command {
    let mut cmd = Command::cargo_bin("zhfacts").expect("the zhfacts binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

#[test]
fn extract_writes_the_page_and_no_review_skips_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    fs::write(
        &input,
        "{\"id\":\"a\",\"text\":\"总投资600亿元。\"}\n{\"id\":\"b\",\"text\":\"增长5%。\"}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    zhfacts()
        .arg("extract")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();
    let html = fs::read_to_string(out.join("review.html")).unwrap();
    assert_eq!(embedded(&html).0.len(), 2);
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["facts.csv", "facts.jsonl", "report.json", "review.html"],
        "no scratch or partial file is left"
    );

    zhfacts()
        .arg("extract")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["--quiet", "--no-review"])
        .assert()
        .success();
    assert!(
        !out.join("review.html").exists(),
        "a page from an earlier run is not left to contradict the new facts"
    );
}
