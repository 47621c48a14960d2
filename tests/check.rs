//! `zhfacts check`: bless a gold set, change a document or the gold, and
//! read the exact difference and exit code; compare with a baseline.

use assert_cmd::Command;
use std::fs;
use std::path::Path;

fn zhfacts(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("zhfacts").expect("the zhfacts binary");
    cmd.current_dir(dir);
    cmd
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("docs")).unwrap();
    fs::write(
        dir.path().join("docs/a.txt"),
        "总投资600亿元，减免企业税费22亿元。\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("docs/b.txt"),
        "居民低保标准提高5%，由每人每月696元提高到每人每月730元。\n",
    )
    .unwrap();
    let out = zhfacts(dir.path())
        .args(["check", "docs", "--gold", "gold", "--bless"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn blessed_gold_matches_and_exits_0() {
    let dir = setup();
    assert!(dir.path().join("gold/a.txt.jsonl").exists());
    assert_eq!(
        fs::read_to_string(dir.path().join("gold/b.txt.jsonl"))
            .unwrap()
            .lines()
            .count(),
        3
    );
    let out = zhfacts(dir.path())
        .args(["check", "docs", "--gold", "gold"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("money          4     4     4 100.0 100.0 100.0"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_changed_document_shows_the_wrong_value_and_exits_1() {
    let dir = setup();
    fs::write(
        dir.path().join("docs/a.txt"),
        "总投资600亿元，减免企业税费25亿元。\n",
    )
    .unwrap();
    let out = zhfacts(dir.path())
        .args(["check", "docs", "--gold", "gold"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("wrong attributes (1):"), "{text}");
    assert!(
        text.contains(
            "money 25亿元 (money_currency) a.txt @15-19: 总投资600亿元，减免企业税费[25亿元]。"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "text: expected \"22亿元\" got \"25亿元\"; value: expected 2200000000 got 2500000000"
        ),
        "{text}"
    );
    // Three of four money values right is F1 1.0 for matching: --min-f1 passes.
    let out = zhfacts(dir.path())
        .args(["check", "docs", "--gold", "gold", "--min-f1", "0.9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_fact_missing_from_the_gold_is_spurious_and_one_removed_from_the_text_is_missed() {
    let dir = setup();
    let gold = dir.path().join("gold/b.txt.jsonl");
    let kept: Vec<String> = fs::read_to_string(&gold)
        .unwrap()
        .lines()
        .skip(1)
        .map(String::from)
        .collect();
    fs::write(&gold, kept.join("\n") + "\n").unwrap();
    fs::write(dir.path().join("docs/a.txt"), "总投资600亿元。\n").unwrap();
    let out = zhfacts(dir.path())
        .args(["check", "docs", "--gold", "gold", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["spurious"].as_array().unwrap().len(), 1);
    assert_eq!(report["spurious"][0]["text"], "5%");
    assert_eq!(report["spurious"][0]["rule"], "percent_sign");
    assert_eq!(report["misses"].as_array().unwrap().len(), 1);
    assert_eq!(report["misses"][0]["text"], "22亿元");
    assert_eq!(report["kinds"]["money"]["gold"], 4);
    assert_eq!(report["kinds"]["money"]["matched"], 3);
    assert_eq!(report["kinds"]["percent"]["precision"], 0.0);
    // A fact missing in percent drops its F1 below any useful bar.
    let out = zhfacts(dir.path())
        .args(["check", "docs", "--gold", "gold", "--min-f1", "0.9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn baseline_reports_gained_lost_and_changed_per_rule() {
    let dir = setup();
    let out = zhfacts(dir.path())
        .args(["extract", "docs", "-o", "base", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let same = zhfacts(dir.path())
        .args(["check", "docs", "--baseline", "base/facts.jsonl"])
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));
    assert!(stdout(&same).starts_with("gained 0, lost 0, changed 0"));
    fs::write(
        dir.path().join("docs/b.txt"),
        "居民低保标准提高5%，由每人每月700元提高到每人每月730元，惠及3万人。\n",
    )
    .unwrap();
    let out = zhfacts(dir.path())
        .args(["check", "docs", "--baseline", "base/facts.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.starts_with("gained 1, lost 0, changed 1"), "{text}");
    assert!(
        text.contains(
            "~ b.txt money 700元 (money_currency): text: \"696元\" -> \"700元\"; value: 696 -> 700"
        ),
        "{text}"
    );
    assert!(
        text.contains("+ b.txt quantity 3万人 (quantity_unit)"),
        "{text}"
    );
}

#[test]
fn a_broken_gold_file_is_an_error_naming_it() {
    let dir = setup();
    fs::write(dir.path().join("gold/a.txt.jsonl"), "{not json\n").unwrap();
    let out = zhfacts(dir.path())
        .args(["check", "docs", "--gold", "gold"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("a.txt.jsonl:1"), "{stderr}");
}
