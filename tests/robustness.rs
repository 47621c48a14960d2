//! Real-world input, through the real binary: every encoding, every bad
//! file, nothing lost. Each generated file has the exact report entry it
//! must get (status, encoding, reason or warning, fact count), and fact
//! offsets are checked against the decoded text. Also: Ctrl-C leaves no
//! partial output, the same input gives the same output with `-j1` and
//! `-j2`, and no input makes the pipeline panic (crashes found by the fuzz
//! targets in `fuzz/` end up here as named cases).

use assert_cmd::Command;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn zhfacts() -> Command {
    Command::cargo_bin("zhfacts").expect("the zhfacts binary")
}

const MONEY: &str = "总投资600亿元。";
const GBK_TEXT: &str = "盘锦市减免企业税费22亿元，帮助企业融资318亿元。";
const BIG5_TEXT: &str = "香港特區政府撥款481億元。";

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        bytes.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    bytes
}

fn encode(encoding: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{text} fits {}", encoding.name());
    bytes.into_owned()
}

/// What the report must say about one document.
struct Expected {
    document: &'static str,
    status: &'static str,
    facts: usize,
    encoding: &'static str,
    reason: Option<&'static str>,
    warning: Option<&'static str>,
}

fn ok(document: &'static str, encoding: &'static str, facts: usize) -> Expected {
    Expected {
        document,
        status: "ok",
        facts,
        encoding,
        reason: None,
        warning: None,
    }
}

fn failed(document: &'static str, reason: &'static str) -> Expected {
    Expected {
        document,
        status: "failed",
        facts: 0,
        encoding: "",
        reason: Some(reason),
        warning: None,
    }
}

impl Expected {
    fn with_reason(mut self, reason: &'static str) -> Self {
        self.reason = Some(reason);
        self
    }

    fn with_warning(mut self, warning: &'static str) -> Self {
        self.warning = Some(warning);
        self
    }

    fn entry(&self, bytes: usize) -> Value {
        let mut entry = json!({
            "document": self.document,
            "status": self.status,
            "facts": self.facts,
            "bytes": bytes,
            "encoding": self.encoding,
            "ref_date": null,
            "ref_date_source": if self.status == "ok" { json!("none") } else { json!(null) },
        });
        if let Some(reason) = self.reason {
            entry["reason"] = json!(reason);
        }
        if let Some(warning) = self.warning {
            entry["warning"] = json!(warning);
        }
        entry
    }
}

/// Runs `zhfacts extract INPUT -o OUT` and returns the exit code, stderr,
/// report.json and facts.jsonl.
fn extract(input: &Path, out: &Path, extra: &[&str]) -> (Option<i32>, String, Value, Vec<Value>) {
    let output = zhfacts()
        .arg("extract")
        .arg(input)
        .arg("-o")
        .arg(out)
        .args(["--quiet", "-j2"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = fs::read(out.join("report.json"))
        .unwrap_or_else(|e| panic!("no report.json ({e}); stderr: {stderr}"));
    let report: Value = serde_json::from_slice(&report).unwrap();
    let facts = fs::read_to_string(out.join("facts.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (output.status.code(), stderr, report, facts)
}

fn documents(report: &Value) -> Vec<Value> {
    report["documents"].as_array().unwrap().clone()
}

/// Every fact's offsets slice the decoded text back to the fact (the
/// decoded text of a .txt file is given; whitespace the pipeline removed
/// inside a fact is ignored).
fn assert_offsets(facts: &[Value], doc: &str, decoded: &str) {
    let chars: Vec<char> = decoded.chars().collect();
    let mine: Vec<&Value> = facts.iter().filter(|f| f["doc"] == doc).collect();
    assert!(!mine.is_empty(), "{doc} has facts");
    for fact in mine {
        let (start, end) = (
            fact["start"].as_u64().unwrap() as usize,
            fact["end"].as_u64().unwrap() as usize,
        );
        let slice: String = chars[start..end]
            .iter()
            .filter(|c| !c.is_whitespace())
            .collect();
        let text = fact["text"].as_str().unwrap();
        let normalized = zhfacts::normalize::normalize(&slice).text;
        assert_eq!(normalized, text, "{doc} {start}..{end}");
    }
}

#[test]
fn every_encoding_and_every_bad_file_gets_its_exact_report() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    let mut truncated = "总投资600亿元，增长".as_bytes().to_vec();
    truncated.pop();
    let mut stray = GBK_TEXT.as_bytes().to_vec();
    stray.insert(GBK_TEXT.find('，').unwrap(), 0xFF);
    let gbk_cut = {
        let mut bytes = encode(encoding_rs::GBK, GBK_TEXT);
        bytes.truncate(bytes.len() - 3); // cut inside 元 (after 亿元's lead byte)
        bytes
    };
    let files: Vec<(&str, Vec<u8>, Expected)> = vec![
        ("utf8.txt", MONEY.into(), ok("utf8.txt", "UTF-8", 1)),
        (
            "utf8_bom.txt",
            [b"\xEF\xBB\xBF".as_slice(), MONEY.as_bytes()].concat(),
            ok("utf8_bom.txt", "UTF-8", 1),
        ),
        (
            "utf16le.txt",
            utf16(MONEY, false),
            ok("utf16le.txt", "UTF-16LE", 1),
        ),
        (
            "utf16be.txt",
            utf16(MONEY, true),
            ok("utf16be.txt", "UTF-16BE", 1),
        ),
        (
            "gbk.txt",
            encode(encoding_rs::GBK, GBK_TEXT),
            ok("gbk.txt", "GBK", 2),
        ),
        (
            // 𠮷 is outside GBK: four bytes in GB18030, which the GBK decoder reads.
            "gb18030.txt",
            encode(encoding_rs::GB18030, "𠮷野家总投资600亿元。"),
            ok("gb18030.txt", "GBK", 1),
        ),
        (
            "big5.txt",
            encode(encoding_rs::BIG5, BIG5_TEXT),
            ok("big5.txt", "Big5", 1),
        ),
        (
            "crlf.txt",
            "第一段。\r\n\r\n总投资600亿元。\r\n".into(),
            ok("crlf.txt", "UTF-8", 1),
        ),
        (
            "truncated.txt",
            truncated,
            ok("truncated.txt", "UTF-8", 1).with_warning(
                "the file ends in the middle of a UTF-8 character (cut off?); it was replaced by U+FFFD",
            ),
        ),
        (
            "gbk_truncated.txt",
            gbk_cut,
            ok("gbk_truncated.txt", "GBK", 2).with_warning(
                "the file ends in the middle of a GBK character (cut off?); it was replaced by U+FFFD",
            ),
        ),
        (
            "stray_byte.txt",
            stray,
            ok("stray_byte.txt", "UTF-8", 2)
                .with_warning("1 malformed UTF-8 byte sequence replaced by U+FFFD"),
        ),
        (
            "binary.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec(),
            failed("binary.txt", "binary file (NUL bytes), not text"),
        ),
        (
            "utf16_no_bom.txt",
            utf16("total 600 yuan\n", false)[2..].to_vec(),
            failed(
                "utf16_no_bom.txt",
                "binary file (NUL bytes), not text; it looks like UTF-16LE without a byte order mark: try --encoding utf-16le",
            ),
        ),
        (
            "empty.txt",
            Vec::new(),
            ok("empty.txt", "UTF-8", 0).with_reason("empty document"),
        ),
        (
            "blank.txt",
            b" \r\n\t\n".to_vec(),
            ok("blank.txt", "UTF-8", 0).with_reason("empty document"),
        ),
        (
            "sub/nested.txt",
            MONEY.into(),
            ok("sub/nested.txt", "UTF-8", 1),
        ),
    ];
    let mut sizes = std::collections::HashMap::new();
    for (name, bytes, _) in &files {
        let path = input.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, bytes).unwrap();
        sizes.insert(*name, bytes.len());
    }
    // Not an input file: ignored, not reported.
    fs::write(input.join("notes.csv"), b"\x00\x01").unwrap();
    // Unreadable, in a way that works as root too: a link to nothing.
    std::os::unix::fs::symlink(input.join("missing"), input.join("dangling.txt")).unwrap();

    let out = dir.path().join("out");
    let (code, stderr, report, facts) = extract(&input, &out, &[]);
    assert_eq!(code, Some(2), "{stderr}");

    let mut expected: Vec<(String, Value)> = files
        .iter()
        .map(|(name, _, e)| (name.to_string(), e.entry(sizes[name])))
        .collect();
    expected.push((
        "dangling.txt".into(),
        failed(
            "dangling.txt",
            "cannot read: No such file or directory (os error 2)",
        )
        .entry(0),
    ));
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    let expected: Vec<Value> = expected.into_iter().map(|(_, e)| e).collect();
    let actual = documents(&report);
    for (e, a) in expected.iter().zip(&actual) {
        assert_eq!(e, a);
    }
    assert_eq!(actual.len(), expected.len());

    assert_eq!(report["documents_seen"], expected.len());
    assert_eq!(report["documents_failed"], 3);
    assert_eq!(report["documents_with_warnings"], 3);
    let failures: Vec<&str> = report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["document"].as_str().unwrap())
        .collect();
    assert_eq!(failures, ["binary.txt", "dangling.txt", "utf16_no_bom.txt"]);
    for name in failures {
        assert!(stderr.contains(&format!("zhfacts: {name}: ")), "{stderr}");
    }
    assert_eq!(report["facts"]["total"], facts.len());

    // Offsets are into the decoded text: no BOM, CR counted.
    assert_offsets(&facts, "utf8_bom.txt", MONEY);
    assert_offsets(&facts, "utf16be.txt", MONEY);
    assert_offsets(&facts, "gbk.txt", GBK_TEXT);
    assert_offsets(&facts, "gb18030.txt", "𠮷野家总投资600亿元。");
    assert_offsets(&facts, "big5.txt", BIG5_TEXT);
    assert_offsets(&facts, "crlf.txt", "第一段。\r\n\r\n总投资600亿元。\r\n");
    let crlf = facts.iter().find(|f| f["doc"] == "crlf.txt").unwrap();
    assert_eq!((&crlf["start"], &crlf["end"]), (&json!(11), &json!(16)));

    // Nothing half-written is left behind.
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "review.html")
        .collect();
    names.sort();
    assert_eq!(names, ["facts.csv", "facts.jsonl", "report.json"]);
}

#[test]
fn broken_json_lines_fail_alone_with_their_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("news.jsonl");
    let mut file = fs::File::create(&path).unwrap();
    let lines: Vec<Vec<u8>> = vec![
        b"\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"\xE6\x80\xBB\xE6\x8A\x95\xE8\xB5\x84600\xE4\xBA\xBF\xE5\x85\x83\"}".to_vec(),
        b"{\"id\":\"b\",\"text\":".to_vec(),
        b"".to_vec(),
        b"{\"id\":\"c\",\"body\":\"no text\"}".to_vec(),
        b"[\"not\",\"an\",\"object\"]".to_vec(),
        b"{\"id\":7,\"text\":\"\xE5\xA2\x9E\xE9\x95\xBF5%\",\"date\":\"2020-12-10\"}".to_vec(),
        b"{\"id\":\"e\",\"text\":\"x\",\"date\":\"10/12/2020\"}".to_vec(),
        [
            b"{\"id\":\"f\",\"text\":\"".as_slice(),
            "盘锦市减免企业税费22亿元".as_bytes(),
            b"\xFF",
            "帮助企业融资318亿元".as_bytes(),
            b"\"}",
        ]
        .concat(),
        b"{\"id\":\"g\",\"text\":\"\"}".to_vec(),
        b"{\"text\":\"\xE5\xA2\x9E\xE9\x95\xBF5%\"}\r".to_vec(),
    ];
    for line in &lines {
        file.write_all(line).unwrap();
        file.write_all(b"\n").unwrap();
    }
    drop(file);
    let out = dir.path().join("out");
    let (code, _, report, facts) = extract(&path, &out, &[]);
    assert_eq!(code, Some(2));
    let name = path.display().to_string();
    let at = |n: usize| format!("{name}:{n}");
    let size = |n: usize| lines[n - 1].len() + 1;
    let entry = |document: &str, status: &str, facts: usize, n: usize| {
        json!({
            "document": document, "status": status, "facts": facts, "bytes": size(n),
            "encoding": if status == "ok" { "UTF-8" } else { "" },
            "ref_date": null,
            "ref_date_source": if status == "ok" { json!("none") } else { json!(null) },
        })
    };
    let with = |mut v: Value, key: &str, text: &str| {
        v[key] = json!(text);
        v
    };
    let mut dated = entry("7", "ok", 1, 6);
    dated["ref_date"] = json!("2020-12-10");
    dated["ref_date_source"] = json!("document");
    let expected = vec![
        entry("a", "ok", 1, 1),
        with(
            entry(&at(2), "failed", 0, 2),
            "reason",
            "line 2 is not valid JSON: EOF while parsing a value at column 17",
        ),
        with(
            entry(&at(4), "failed", 0, 4),
            "reason",
            "line 4 (id \"c\") has no \"text\" string",
        ),
        with(
            entry(&at(5), "failed", 0, 5),
            "reason",
            "line 5 is not a JSON object",
        ),
        dated,
        with(
            entry(&at(7), "failed", 0, 7),
            "reason",
            "line 7 (id \"e\"): \"date\" \"10/12/2020\" is not YYYY-MM-DD",
        ),
        with(
            entry("f", "ok", 2, 8),
            "warning",
            "1 malformed UTF-8 byte sequence replaced by U+FFFD",
        ),
        with(entry("g", "ok", 0, 9), "reason", "empty document"),
        entry(&at(10), "ok", 1, 10),
    ];
    let actual = documents(&report);
    for (e, a) in expected.iter().zip(&actual) {
        assert_eq!(e, a);
    }
    assert_eq!(actual.len(), expected.len());
    assert_eq!(report["documents_failed"], 4);
    let docs: Vec<&str> = facts.iter().map(|f| f["doc"].as_str().unwrap()).collect();
    assert_eq!(docs, ["a", "7", "f", "f", &at(10)]);
}

#[test]
fn encoding_option_overrides_detection() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    fs::write(input.join("gbk.txt"), encode(encoding_rs::GBK, GBK_TEXT)).unwrap();
    fs::write(
        input.join("gbk.jsonl"),
        encode(
            encoding_rs::GBK,
            &format!("{{\"id\":\"j\",\"text\":\"{GBK_TEXT}\"}}\n"),
        ),
    )
    .unwrap();
    fs::write(input.join("bad.txt"), [0xFFu8; 40]).unwrap();
    let (code, _, report, _) = extract(&input, &dir.path().join("out"), &["--encoding", "gb18030"]);
    assert_eq!(code, Some(2));
    let entries = documents(&report);
    let summary: Vec<(String, String, Value)> = entries
        .iter()
        .map(|d| {
            (
                d["document"].as_str().unwrap().into(),
                d["encoding"].as_str().unwrap().into(),
                d.get("reason").cloned().unwrap_or(d["facts"].clone()),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "bad.txt".into(),
                "".into(),
                json!("not valid gb18030: 40 malformed byte sequences in 40 characters")
            ),
            ("j".into(), "gb18030".into(), json!(2)),
            ("gbk.txt".into(), "gb18030".into(), json!(2)),
        ]
    );
    let out = zhfacts()
        .args(["extract", "-o", "-", "--encoding", "klingon"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown encoding \"klingon\""));
}

#[test]
fn unreadable_file_is_reported_by_name() {
    // Root reads a mode-000 file anyway, so this case cannot fail for root
    // (CI runs as root); the dangling link above is the case that can.
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        eprintln!("skipped: running as root, who can read a mode-000 file (dangling links are tested instead)");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    let locked = input.join("locked.txt");
    fs::write(&locked, MONEY).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    fs::write(input.join("open.txt"), MONEY).unwrap();
    let (code, _, report, _) = extract(&input, &dir.path().join("out"), &[]);
    assert_eq!(code, Some(2));
    assert_eq!(
        report["failures"][0],
        json!({"document": "locked.txt", "reason": "cannot read: Permission denied (os error 13)"})
    );
    assert_eq!(report["documents_succeeded"], 1);
}

/// A 50 MB document on one line is processed (memory proportional to it):
/// the last fact, 50 MB in, has the right offsets. In a debug build, where
/// the pipeline runs some 15 times slower, the line is 2 MB; run
/// `cargo test --release --test robustness` for the full size.
#[test]
fn a_50_mb_single_line_is_processed() {
    let megabytes = if cfg!(debug_assertions) { 2 } else { 50 };
    if cfg!(debug_assertions) {
        eprintln!("debug build: a {megabytes} MB line instead of 50 MB");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.txt");
    let sentence = "这是一个很长的句子，说明城市发展的情况。";
    let half = sentence.repeat((megabytes << 20) / sentence.len() / 2);
    let text = format!("总投资600亿元。{half}同比增长5%。{half}新增就业岗位3000个。");
    fs::write(&path, &text).unwrap();
    let output = zhfacts()
        .arg("extract")
        .arg(&path)
        .args(["-o", "-", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let facts: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let texts: Vec<&str> = facts.iter().map(|f| f["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["600亿元", "5%", "3000个"]);
    let last_start = text.chars().count() - "3000个。".chars().count();
    assert_eq!(facts[2]["start"], last_start);
}

/// Ctrl-C (SIGINT) stops cleanly: exit 130, no `.partial` file, and no new
/// facts.csv that could pass for complete. The documents come on a stdin
/// that never ends, so the run cannot finish first, and the interrupt
/// lands while workers are busy and the reader waits for input.
#[test]
fn ctrl_c_leaves_no_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("zhfacts"))
        .args(["extract", "-", "-o"])
        .arg(&out)
        .args(["--quiet", "-j2"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Writes until the process is gone (a broken pipe).
    let writer = std::thread::spawn(move || {
        for i in 0.. {
            let line = format!("{{\"id\":\"d{i}\",\"text\":\"{GBK_TEXT}今年增长{i}%。\"}}");
            if writeln!(stdin, "{line}").is_err() {
                break;
            }
        }
    });
    // Interrupt once documents are being written (the report's scratch
    // file has had a buffer flushed into it).
    let started = std::time::Instant::now();
    let scratch = out.join("report.json.documents.partial");
    while fs::metadata(&scratch).map_or(0, |m| m.len()) == 0 {
        assert!(started.elapsed().as_secs() < 120, "the run never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let left: Vec<PathBuf> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Inputs the fuzz targets (`fuzz/`) crashed on, each named for its bug.
/// `open` names the code at fault while the bug is not fixed: such a case
/// must still panic (so its fix is noticed and the case closed), every
/// other case must not.
const FUZZ_CRASHES: &[(&str, &str, Option<&str>)] = &[
    (
        // pipeline_str, after 151k runs: `&after[3..]` assumes the character
        // after 成 is a three-byte Chinese digit.
        "cheng_followed_by_an_ascii_digit",
        "4成5G",
        None,
    ),
    (
        // pipeline_str, after 918k runs: 88888 × 10^24 overflows a Decimal
        // (`low *= large_multiplier_of(..)` in a range whose second end has
        // the multiplier); unchecked Decimal arithmetic panics.
        "range_multiplier_overflows_decimal",
        "88888-億億億元",
        None,
    ),
];

#[test]
fn fuzz_crashes_stay_fixed() {
    let pipeline = zhfacts::Pipeline::default();
    pipeline.warm_up();
    let mut wrong = Vec::new();
    for (name, input, open) in FUZZ_CRASHES {
        let panicked = std::panic::catch_unwind(|| {
            let length = input.chars().count();
            let (_, facts) = pipeline.run(name, input.to_string(), None);
            assert!(facts.iter().all(|f| f.start <= f.end && f.end <= length));
        })
        .is_err();
        match (open, panicked) {
            (None, true) => wrong.push(format!("{name}: panics again on {input:?}")),
            (Some(at), false) => wrong.push(format!(
                "{name}: fixed ({at}); set its `open` to None in FUZZ_CRASHES"
            )),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

fn jsonl(texts: &[String]) -> String {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| json!({"id": format!("d{i}"), "text": text}).to_string() + "\n")
        .collect()
}

/// Facts of a JSONL input through the in-process batch runner.
fn facts_with_threads(input: &Path, threads: usize, window: usize) -> Vec<String> {
    let sources = zhfacts::input::expand(&[input.to_path_buf()]).unwrap();
    let options = zhfacts::batch::RunOptions {
        threads,
        in_flight_documents: window,
        ..Default::default()
    };
    let mut out = Vec::new();
    zhfacts::batch::run(
        &sources,
        &options,
        &mut |doc| {
            out.push(format!("{} {:?}", doc.report.document, doc.report.status));
            out.extend(doc.facts.iter().map(zhfacts::output::fact_json));
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap();
    out
}

/// Text made of the pieces facts are made of.
fn article() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("总投资".to_string()),
        Just("亿元".to_string()),
        Just("万".to_string()),
        Just("%".to_string()),
        Just("同比增长".to_string()),
        Just("2020年12月".to_string()),
        Just("，".to_string()),
        Just("。".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("約".to_string()),
        Just("港元".to_string()),
        "[0-9]{1,4}",
        "[一二三四五六七八九十百千]{1,3}",
        "\\PC{0,3}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any input, any thread count and window: the same output.
    #[test]
    fn same_output_whatever_the_threads(texts in prop::collection::vec(article(), 1..12)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docs.jsonl");
        fs::write(&path, jsonl(&texts)).unwrap();
        let one = facts_with_threads(&path, 1, 64);
        prop_assert_eq!(&facts_with_threads(&path, 2, 64), &one);
        prop_assert_eq!(&facts_with_threads(&path, 2, 1), &one);
    }

    /// Any bytes: decoded or refused, never a panic; facts slice the text.
    #[test]
    fn any_bytes_decode_or_are_refused_without_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        if let Ok(decoded) = zhfacts::input::decode(&bytes, Default::default()) {
            let length = decoded.text.chars().count();
            let (_, facts) = zhfacts::Pipeline::default().run("x", decoded.text, None);
            for fact in facts {
                prop_assert!(fact.start <= fact.end && fact.end <= length);
            }
        }
    }
}
