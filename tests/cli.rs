//! The command line: help, stdin, exit codes, errors that name the file,
//! and the README's excerpt kept true.

use assert_cmd::Command;
use std::fs;
use std::path::Path;

fn zhfacts() -> Command {
    let mut cmd = Command::cargo_bin("zhfacts").expect("the zhfacts binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

#[test]
fn help_ends_with_examples() {
    let out = zhfacts().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Examples:") && text.contains("zhfacts extract"),
        "{text}"
    );
}

#[test]
fn stdin_filter_writes_only_facts_to_stdout() {
    let input = "{\"id\":\"a\",\"text\":\"总投资600亿元。\",\"date\":\"2020-12-10\"}\n";
    let out = zhfacts()
        .args(["extract", "-", "-o", "-", "--quiet"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["value"], serde_json::json!(60000000000u64));
    assert_eq!(lines[0]["doc"], "a");
}

#[test]
fn a_bad_document_names_itself_and_exits_2_while_others_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    fs::create_dir(&inputs).unwrap();
    fs::write(inputs.join("good.txt"), "今年减免企业税费22亿元。").unwrap();
    fs::write(inputs.join("bad.txt"), b"\x00\x01binary\x00").unwrap();
    let out_dir = dir.path().join("out");
    let out = zhfacts()
        .arg("extract")
        .arg(&inputs)
        .arg("-o")
        .arg(&out_dir)
        .arg("--quiet")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("bad.txt") && stderr.contains("binary"),
        "{stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&fs::read(out_dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["documents_seen"], 2);
    assert_eq!(report["documents_failed"], 1);
    assert_eq!(report["failures"][0]["document"], "bad.txt");
    let facts = fs::read_to_string(out_dir.join("facts.jsonl")).unwrap();
    assert!(facts.contains("22亿元"));
}

#[test]
fn a_missing_input_is_an_error_naming_it() {
    let out = zhfacts()
        .args(["extract", "no/such/folder", "-o", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("no/such/folder"));
}

#[test]
fn output_is_identical_with_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    for j in ["1", "2"] {
        zhfacts()
            .args(["extract", "corpus", "--quiet", "-j", j, "-o"])
            .arg(dir.path().join(j))
            .assert()
            .success();
    }
    for name in ["facts.csv", "facts.jsonl"] {
        assert_eq!(
            fs::read(dir.path().join("1").join(name)).unwrap(),
            fs::read(dir.path().join("2").join(name)).unwrap()
        );
    }
}

#[test]
fn text_command_shows_each_stage() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.txt");
    fs::write(&file, "總投資６００億元的項\n\n目投產。").unwrap();
    let reflow = zhfacts()
        .arg("text")
        .arg(&file)
        .args(["--stage", "reflow"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(reflow.stdout).unwrap(),
        "总投资600亿元的项目投产。\n"
    );
    let normalize = zhfacts()
        .arg("text")
        .arg(&file)
        .args(["--stage", "normalize"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(normalize.stdout).unwrap(),
        "总投资600亿元的项\n\n目投产。\n"
    );
    let segment = zhfacts()
        .arg("text")
        .arg(&file)
        .args(["--stage", "segment"])
        .output()
        .unwrap();
    assert!(String::from_utf8(segment.stdout)
        .unwrap()
        .contains(" 项目 "));
}

/// The excerpt on the README's first screen is real output.
#[test]
fn readme_excerpt_is_in_the_shipped_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let csv = fs::read_to_string(root.join("output/facts.csv")).unwrap();
    let block = readme
        .split("```csv\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a csv block");
    let lines: Vec<&str> = block.lines().filter(|l| !l.is_empty()).collect();
    assert!(lines.len() >= 3);
    for line in lines {
        assert!(
            csv.contains(line),
            "README line not in output/facts.csv: {line}"
        );
    }
}
