//! Input: files, folders, JSON Lines and stdin, in any common encoding.
//!
//! [`expand`] turns the command line's inputs into [`Source`]s (a folder
//! becomes its `.txt` and `.jsonl` files in sorted path order); [`read`]
//! turns a source into [`Item`]s, one per document: the decoded document,
//! or a failure that names it and says why. A bad file or a bad JSON line
//! never stops the batch.
//!
//! Decoding: a BOM decides (UTF-8, UTF-16 LE/BE); else valid UTF-8 is
//! UTF-8; else the encoding is detected (GB18030/GBK, Big5, …) with
//! chardetng, unless `--encoding` names one. A file with NUL bytes (and no
//! UTF-16 BOM) is binary and refused. Offsets are character offsets into the
//! decoded text.

use crate::calendar::Date;
use crate::document::RefDateSource;
use crate::error::{Error, Result};
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Files larger than this are refused (memory is proportional to a document).
pub const MAX_DOCUMENT_BYTES: u64 = 512 * 1024 * 1024;

/// Where documents come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A text file: one document, with its id.
    Text {
        /// The file.
        path: PathBuf,
        /// Its document id.
        id: String,
    },
    /// A JSON Lines file: one document a line.
    JsonLines {
        /// The file.
        path: PathBuf,
    },
    /// JSON Lines on standard input.
    Stdin,
}

/// A decoded document, ready for the pipeline.
#[derive(Debug, Clone)]
pub struct RawDocument {
    /// Document id.
    pub id: String,
    /// Decoded text.
    pub text: String,
    /// The document's own date and where it came from.
    pub date: Option<(Date, RefDateSource)>,
    /// Size of the input in bytes.
    pub bytes: usize,
    /// The encoding it was read as.
    pub encoding: &'static str,
}

/// A document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Document id (or file path, or `path:line`).
    pub document: String,
    /// Why, in a sentence.
    pub reason: String,
    /// Input bytes it had.
    pub bytes: usize,
}

/// One document's worth of input.
#[derive(Debug, Clone)]
pub enum Item {
    /// A decoded document.
    Document(RawDocument),
    /// A document that failed.
    Failed(Failure),
}

/// How to decode files.
#[derive(Debug, Clone, Copy, Default)]
pub struct Decoding {
    /// Force this encoding (by WHATWG label: `gbk`, `big5`, `utf-16le` …).
    pub forced: Option<&'static encoding_rs::Encoding>,
}

impl Decoding {
    /// Looks an encoding label up (`--encoding`).
    pub fn from_label(label: &str) -> Option<Decoding> {
        encoding_rs::Encoding::for_label(label.trim().as_bytes())
            .map(|e| Decoding { forced: Some(e) })
    }
}

/// Expands command-line inputs into sources. A folder yields every `.txt`
/// and `.jsonl` under it, recursively, in sorted path order; ids are paths
/// relative to it.
pub fn expand(inputs: &[PathBuf]) -> Result<Vec<Source>> {
    let mut sources = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            sources.push(Source::Stdin);
            continue;
        }
        let meta = fs::metadata(input).map_err(|source| Error::Read {
            path: input.clone(),
            source,
        })?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(input, &mut files)?;
            files.sort();
            for path in files {
                let id = path
                    .strip_prefix(input)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                sources.push(source_for(path, id));
            }
        } else {
            let id = input.file_name().map_or_else(
                || input.to_string_lossy().into_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
            sources.push(source_for(input.clone(), id));
        }
    }
    Ok(sources)
}

fn source_for(path: PathBuf, id: String) -> Source {
    if path.extension().is_some_and(|e| e == "jsonl") {
        Source::JsonLines { path }
    } else {
        Source::Text { path, id }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        if file_type.is_dir() {
            walk(&path, out)?;
        } else if is_input_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// `.txt` and `.jsonl` files, but not our own expected-output files.
fn is_input_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.ends_with(".expected.jsonl") || name.starts_with('.') {
        return false;
    }
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("txt" | "jsonl")
    )
}

/// A `YYYY-MM-DD` prefix of a file name: the article's date.
pub fn date_from_file_name(id: &str) -> Option<Date> {
    let name = id.rsplit('/').next()?;
    Date::parse(name.get(..10)?)
}

/// Reads a source as items, lazily (a JSON Lines file is streamed).
pub fn read(source: &Source, decoding: Decoding) -> Box<dyn Iterator<Item = Item> + Send> {
    match source {
        Source::Text { path, id } => Box::new(std::iter::once(read_text_file(path, id, decoding))),
        Source::JsonLines { path } => match fs::File::open(path) {
            Ok(file) => Box::new(json_lines(
                BufReader::with_capacity(1 << 20, file),
                path.display().to_string(),
            )),
            Err(e) => Box::new(std::iter::once(Item::Failed(Failure {
                document: path.display().to_string(),
                reason: format!("cannot open: {e}"),
                bytes: 0,
            }))),
        },
        Source::Stdin => Box::new(json_lines(
            BufReader::with_capacity(1 << 20, std::io::stdin()),
            "-".into(),
        )),
    }
}

fn read_text_file(path: &Path, id: &str, decoding: Decoding) -> Item {
    let failed = |reason: String, bytes: usize| {
        Item::Failed(Failure {
            document: id.to_string(),
            reason,
            bytes,
        })
    };
    let bytes = match fs::metadata(path) {
        Ok(m) if m.len() > MAX_DOCUMENT_BYTES => {
            return failed(
                format!(
                    "file is {} bytes, over the {} byte limit",
                    m.len(),
                    MAX_DOCUMENT_BYTES
                ),
                m.len() as usize,
            )
        }
        Ok(_) => match fs::read(path) {
            Ok(b) => b,
            Err(e) => return failed(format!("cannot read: {e}"), 0),
        },
        Err(e) => return failed(format!("cannot read: {e}"), 0),
    };
    let size = bytes.len();
    match decode(&bytes, decoding) {
        Ok((text, encoding)) => Item::Document(RawDocument {
            id: id.to_string(),
            text,
            date: date_from_file_name(id).map(|d| (d, RefDateSource::FileName)),
            bytes: size,
            encoding,
        }),
        Err(reason) => failed(reason, size),
    }
}

/// Decodes a file's bytes. Returns the text and the encoding's name, or why not.
pub fn decode(
    bytes: &[u8],
    decoding: Decoding,
) -> std::result::Result<(String, &'static str), String> {
    if let Some(encoding) = decoding.forced {
        let (text, _, had_errors) = encoding.decode(bytes);
        if had_errors {
            return Err(format!("not valid {}", encoding.name()));
        }
        return Ok((text.into_owned(), encoding.name()));
    }
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, had_errors) = encoding.decode(bytes);
        if had_errors {
            return Err(format!(
                "invalid {} after its byte order mark",
                encoding.name()
            ));
        }
        // decode() strips the BOM; keep offsets into the decoded text.
        return Ok((text.into_owned(), encoding.name()));
    }
    if bytes.contains(&0) {
        return Err("binary file (NUL bytes), not text".into());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), "UTF-8"));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, had_errors) = encoding.decode(bytes);
    if had_errors || encoding == encoding_rs::UTF_8 {
        return Err(
            "not valid UTF-8 and no other encoding fits (truncated or corrupt file?)".into(),
        );
    }
    Ok((text.into_owned(), encoding.name()))
}

/// JSON Lines documents: `{"id": string, "text": string, "date"?: "YYYY-MM-DD"}`.
fn json_lines<R: BufRead + Send + 'static>(
    reader: R,
    name: String,
) -> impl Iterator<Item = Item> + Send {
    let mut reader = reader;
    let mut number = 0usize;
    let mut buf = Vec::new();
    std::iter::from_fn(move || loop {
        buf.clear();
        number += 1;
        match reader
            .by_ref()
            .take(MAX_DOCUMENT_BYTES + 1)
            .read_until(b'\n', &mut buf)
        {
            Ok(0) => return None,
            Ok(n) => {
                if buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some(parse_record(&buf, &name, number, n));
            }
            Err(e) => {
                return Some(Item::Failed(Failure {
                    document: format!("{name}:{number}"),
                    reason: format!("cannot read: {e}"),
                    bytes: 0,
                }))
            }
        }
    })
}

fn parse_record(line: &[u8], name: &str, number: usize, bytes: usize) -> Item {
    let failed = |reason: String| {
        Item::Failed(Failure {
            document: format!("{name}:{number}"),
            reason,
            bytes,
        })
    };
    let value: serde_json::Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(e) => return failed(format!("line {number} is not valid JSON: {e}")),
    };
    let Some(text) = value.get("text").and_then(|t| t.as_str()) else {
        return failed(format!("line {number} has no \"text\" string"));
    };
    let id = match value.get("id") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => format!("{name}:{number}"),
    };
    let date = match value.get("date").and_then(|d| d.as_str()) {
        Some(d) => match Date::parse(d) {
            Some(d) => Some((d, RefDateSource::Document)),
            None => return failed(format!("line {number}: \"date\" {d:?} is not YYYY-MM-DD")),
        },
        None => None,
    };
    Item::Document(RawDocument {
        id,
        text: text.to_string(),
        date,
        bytes,
        encoding: "UTF-8",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_gbk_and_big5() {
        let (gbk, _, _) = encoding_rs::GBK
            .encode("盘锦市减免企业税费22亿元，电费4544万元，帮助企业融资318亿元。");
        let (text, name) = decode(&gbk, Decoding::default()).unwrap();
        assert!(text.contains("22亿元"), "{name}");
        let (big5, _, _) =
            encoding_rs::BIG5.encode("香港特區政府今年財政赤字約481億元，樓價上升三成。");
        let (text, _) = decode(&big5, Decoding::default()).unwrap();
        assert!(text.contains("481億元"));
    }

    #[test]
    fn refuses_binary() {
        assert!(decode(b"\x00\x01\x02abc", Decoding::default())
            .unwrap_err()
            .contains("binary"));
    }

    #[test]
    fn decodes_utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "总投资600亿元".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        assert_eq!(
            decode(&bytes, Decoding::default()).unwrap().0,
            "总投资600亿元"
        );
    }

    #[test]
    fn reports_bad_json_lines_by_line_number() {
        let input = "{\"id\":\"a\",\"text\":\"一\"}\nnot json\n{\"id\":\"c\"}\n";
        let items: Vec<Item> = json_lines(
            std::io::Cursor::new(input.as_bytes().to_vec()),
            "x.jsonl".into(),
        )
        .collect();
        assert_eq!(items.len(), 3);
        assert!(matches!(&items[1], Item::Failed(f) if f.document == "x.jsonl:2"));
        assert!(matches!(&items[2], Item::Failed(f) if f.reason.contains("no \"text\"")));
    }

    #[test]
    fn file_name_dates() {
        assert_eq!(
            date_from_file_name("a/2020-12-10_panjin.txt"),
            Date::parse("2020-12-10")
        );
        assert_eq!(date_from_file_name("panjin.txt"), None);
    }
}
