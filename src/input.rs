//! Input: files, folders, JSON Lines and stdin, in any common encoding.
//!
//! [`expand`] turns the command line's inputs into [`Source`]s (a folder
//! becomes its `.txt` and `.jsonl` files in sorted path order); [`read`]
//! turns a source into [`Item`]s, one per document: the decoded document,
//! or a failure that names it and says why. A bad file, an unreadable
//! subfolder or a bad JSON line never stops the batch.
//!
//! Decoding a text file ([`decode`]):
//! - `--encoding` ([`Decoding::forced`]) decides; else a byte order mark
//!   decides (UTF-8, UTF-16 LE/BE); else a file with NUL bytes is binary and
//!   refused; else UTF-8 if it is UTF-8; else the encoding is detected
//!   (chardetng; for Chinese text, GBK/GB18030 or Big5).
//! - Malformed bytes are replaced by U+FFFD and the document carries a
//!   `warning` saying how many (a file cut off in the middle of a character
//!   is the common case), as long as they are at most 1 in 20 characters;
//!   more than that is not text in that encoding, and the file is refused.
//! - Offsets are character offsets into the decoded text; a BOM is not part
//!   of it.
//!
//! JSON Lines are UTF-8 (a UTF-8 BOM on the first line is skipped; a
//! UTF-16 file is refused whole); `--encoding` with an ASCII-compatible
//! encoding (GBK, Big5, GB18030) decodes each line from it. A line that is
//! not JSON, has no `text` string, or is too long fails alone, named
//! `path:line`.
//!
//! ```
//! use zhfacts::input::{decode, Decoding};
//! let (gbk, _, _) = encoding_rs::GBK.encode("盘锦市减免企业税费22亿元，帮助企业融资318亿元。");
//! let decoded = decode(&gbk, Decoding::default()).unwrap();
//! assert_eq!(decoded.encoding, "GBK");
//! assert!(decoded.text.starts_with("盘锦市"));
//! assert_eq!(decoded.warning, None);
//! ```

use crate::calendar::Date;
use crate::document::RefDateSource;
use crate::error::{Error, Result};
use encoding_rs::{DecoderResult, Encoding};
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Files (and JSON lines) larger than this are refused: memory is
/// proportional to a document, about ten times its size while it is
/// processed.
pub const MAX_DOCUMENT_BYTES: u64 = 512 * 1024 * 1024;

/// More malformed sequences than one in this many characters: not text in
/// that encoding.
const MAX_MALFORMED_ONE_IN: usize = 20;

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
    /// A file or folder found inside an input folder that could not be
    /// listed: reported as one failed document.
    Unreadable {
        /// The path.
        path: PathBuf,
        /// Its id (path relative to the input folder).
        id: String,
        /// Why.
        reason: String,
    },
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
    /// Something the reader of the report should know: malformed bytes
    /// replaced, a file cut off mid-character.
    pub warning: Option<String>,
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

impl Item {
    /// Input bytes of the document.
    pub fn bytes(&self) -> usize {
        match self {
            Item::Document(d) => d.bytes,
            Item::Failed(f) => f.bytes,
        }
    }
}

/// What the reader hands on: an item, or bytes whose decoding is left to
/// whoever processes them ([`Pending::decode`]). Checking and converting
/// the bytes (UTF-8, other encodings, JSON) costs about a tenth of the
/// time spent on a document; done by the workers it runs in parallel, not
/// on the one thread that reads.
#[derive(Debug, Clone)]
pub enum Pending {
    /// Known already: a failure to read, say.
    Ready(Item),
    /// Read, not yet decoded.
    Undecoded(Undecoded),
}

/// A document's bytes as read.
#[derive(Debug, Clone)]
pub struct Undecoded {
    bytes: Vec<u8>,
    origin: Origin,
    decoding: Decoding,
}

#[derive(Debug, Clone)]
enum Origin {
    /// A text file, by its id.
    File { id: String },
    /// Line `number` of a JSON Lines stream (`bytes` with its line end).
    JsonLine {
        name: Arc<str>,
        number: usize,
        bytes: usize,
    },
}

impl Pending {
    /// Input bytes of the document.
    pub fn bytes(&self) -> usize {
        match self {
            Pending::Ready(item) => item.bytes(),
            Pending::Undecoded(u) => match u.origin {
                Origin::File { .. } => u.bytes.len(),
                Origin::JsonLine { bytes, .. } => bytes,
            },
        }
    }

    /// The item: the document decoded, or why it cannot be.
    pub fn decode(self) -> Item {
        let undecoded = match self {
            Pending::Ready(item) => return item,
            Pending::Undecoded(undecoded) => undecoded,
        };
        let Undecoded {
            bytes,
            origin,
            decoding,
        } = undecoded;
        match origin {
            Origin::File { id } => decode_file(bytes, id, decoding),
            Origin::JsonLine {
                name,
                number,
                bytes: size,
            } => parse_record(&bytes, &name, number, size, decoding),
        }
    }
}

/// How to decode files.
#[derive(Debug, Clone, Copy, Default)]
pub struct Decoding {
    /// Force this encoding (by WHATWG label: `gbk`, `big5`, `utf-16le` …).
    pub forced: Option<&'static Encoding>,
}

impl Decoding {
    /// Looks an encoding label up (`--encoding`).
    pub fn from_label(label: &str) -> Option<Decoding> {
        Encoding::for_label(label.trim().as_bytes()).map(|e| Decoding { forced: Some(e) })
    }
}

/// Expands command-line inputs into sources. A folder yields every `.txt`
/// and `.jsonl` under it, recursively, in sorted path order; ids are paths
/// relative to it. An input that does not exist is an error; a subfolder or
/// entry inside a folder that cannot be read becomes a
/// [`Source::Unreadable`], so the rest of the batch goes on.
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
            let mut found = Vec::new();
            walk(input, &mut found).map_err(|source| Error::Read {
                path: input.clone(),
                source,
            })?;
            found.sort_by(|a, b| a.0.cmp(&b.0));
            for (path, unreadable) in found {
                let id = path
                    .strip_prefix(input)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                sources.push(match unreadable {
                    Some(reason) => Source::Unreadable { path, id, reason },
                    None => source_for(path, id),
                });
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

/// Collects input files under `dir`, each with the reason it cannot be read
/// (a subfolder that cannot be listed). Only `dir` itself failing is an error.
fn walk(dir: &Path, out: &mut Vec<(PathBuf, Option<String>)>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                out.push((dir.to_path_buf(), Some(format!("cannot list folder: {e}"))));
                continue;
            }
        };
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => {
                if let Err(e) = walk(&path, out) {
                    out.push((path, Some(format!("cannot list folder: {e}"))));
                }
            }
            Ok(_) if is_input_file(&path) => out.push((path, None)),
            Ok(_) => {}
            Err(e) => out.push((path, Some(format!("cannot read: {e}")))),
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
    Box::new(read_pending(source, decoding).map(Pending::decode))
}

/// [`read`], leaving the documents' decoding to the caller (see
/// [`Pending`]).
pub fn read_pending(
    source: &Source,
    decoding: Decoding,
) -> Box<dyn Iterator<Item = Pending> + Send> {
    let failed = |document: String, reason: String| {
        Box::new(std::iter::once(Pending::Ready(Item::Failed(Failure {
            document,
            reason,
            bytes: 0,
        })))) as Box<dyn Iterator<Item = Pending> + Send>
    };
    match source {
        Source::Text { path, id } => Box::new(std::iter::once(read_text_file(path, id, decoding))),
        Source::JsonLines { path } => match fs::File::open(path) {
            Ok(file) => Box::new(json_lines(
                BufReader::with_capacity(1 << 20, file),
                path.display().to_string(),
                decoding,
            )),
            Err(e) => failed(path.display().to_string(), format!("cannot open: {e}")),
        },
        Source::Stdin => Box::new(json_lines(
            BufReader::with_capacity(1 << 20, std::io::stdin()),
            "-".into(),
            decoding,
        )),
        Source::Unreadable { id, reason, .. } => failed(id.clone(), reason.clone()),
    }
}

fn read_text_file(path: &Path, id: &str, decoding: Decoding) -> Pending {
    let failed = |reason: String, bytes: usize| {
        Pending::Ready(Item::Failed(Failure {
            document: id.to_string(),
            reason,
            bytes,
        }))
    };
    // One `statx`, on the open file, and reads into a buffer of the known
    // size: a folder of 30,000 articles costs each system call 30,000 times,
    // on the one reader thread, beside the workers.
    let read = fs::File::open(path).and_then(|mut file| {
        let meta = file.metadata()?;
        if meta.is_dir() || meta.len() > MAX_DOCUMENT_BYTES {
            return Ok(Err(meta));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        // Through `take`: `File`'s own `read_to_end` asks the size again
        // (`statx` and `lseek`).
        (&mut file)
            .take(MAX_DOCUMENT_BYTES + 1)
            .read_to_end(&mut bytes)?;
        Ok(Ok(bytes))
    });
    let bytes = match read {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(meta)) if meta.is_dir() => return failed("is a folder, not a file".into(), 0),
        Ok(Err(meta)) => {
            return failed(
                format!(
                    "file is {} bytes, over the {} byte limit",
                    meta.len(),
                    MAX_DOCUMENT_BYTES
                ),
                meta.len() as usize,
            )
        }
        Err(e) => return failed(format!("cannot read: {e}"), 0),
    };
    Pending::Undecoded(Undecoded {
        bytes,
        origin: Origin::File { id: id.to_string() },
        decoding,
    })
}

fn decode_file(bytes: Vec<u8>, id: String, decoding: Decoding) -> Item {
    let size = bytes.len();
    match decode_owned(bytes, decoding) {
        Ok(decoded) => Item::Document(RawDocument {
            date: date_from_file_name(&id).map(|d| (d, RefDateSource::FileName)),
            id,
            text: decoded.text,
            bytes: size,
            encoding: decoded.encoding,
            warning: decoded.warning,
        }),
        Err(reason) => Item::Failed(Failure {
            document: id,
            reason,
            bytes: size,
        }),
    }
}

/// A file's bytes as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded text (without a BOM).
    pub text: String,
    /// The encoding's name (`UTF-8`, `UTF-16LE`, `GBK`, `Big5` …).
    pub encoding: &'static str,
    /// Malformed bytes that were replaced by U+FFFD, if any, in a sentence.
    pub warning: Option<String>,
}

/// [`decode`], keeping the bytes as the text when they are plain UTF-8
/// (the usual case) instead of copying them.
pub fn decode_owned(bytes: Vec<u8>, decoding: Decoding) -> std::result::Result<Decoded, String> {
    let plain =
        decoding.forced.is_none() && Encoding::for_bom(&bytes).is_none() && !bytes.contains(&0);
    if !plain {
        return decode(&bytes, decoding);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text,
            encoding: encoding_rs::UTF_8.name(),
            warning: None,
        }),
        Err(not_utf8) => decode(not_utf8.as_bytes(), decoding),
    }
}

/// Decodes a file's bytes (see the module doc for the rules). Returns the
/// text, or why the bytes are not text.
pub fn decode(bytes: &[u8], decoding: Decoding) -> std::result::Result<Decoded, String> {
    if let Some(encoding) = decoding.forced {
        let body = match Encoding::for_bom(bytes) {
            Some((bom, len)) if bom == encoding => &bytes[len..],
            _ => bytes,
        };
        if !is_utf16(encoding) && body.contains(&0) {
            return Err(format!(
                "binary file (NUL bytes), not {} text",
                encoding.name()
            ));
        }
        return checked(encoding, decode_counting(encoding, body));
    }
    if let Some((encoding, len)) = Encoding::for_bom(bytes) {
        return checked(encoding, decode_counting(encoding, &bytes[len..]));
    }
    if bytes.contains(&0) {
        return Err(binary_reason(bytes));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: text.to_string(),
            encoding: encoding_rs::UTF_8.name(),
            warning: None,
        });
    }
    if mostly_utf8(bytes) {
        return checked(
            encoding_rs::UTF_8,
            decode_counting(encoding_rs::UTF_8, bytes),
        );
    }
    let encoding = detect(bytes);
    let counted = decode_counting(encoding, bytes);
    if counted.malformed * MAX_MALFORMED_ONE_IN > counted.text.chars().count() {
        return Err("not valid UTF-8 and no other encoding fits (use --encoding)".into());
    }
    checked(encoding, counted)
}

fn is_utf16(encoding: &Encoding) -> bool {
    encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE
}

/// Why a file with NUL bytes is refused, with a hint when it looks like
/// UTF-16 without a byte order mark (every other byte NUL).
fn binary_reason(bytes: &[u8]) -> String {
    let sample = &bytes[..bytes.len().min(4096)];
    let zeros_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let half = sample.len() / 2;
    let (even, odd) = (zeros_at(0), zeros_at(1));
    if half >= 4 && odd * 10 >= half * 3 && even == 0 {
        "binary file (NUL bytes), not text; it looks like UTF-16LE without a byte order mark: try --encoding utf-16le".into()
    } else if half >= 4 && even * 10 >= half * 3 && odd == 0 {
        "binary file (NUL bytes), not text; it looks like UTF-16BE without a byte order mark: try --encoding utf-16be".into()
    } else {
        "binary file (NUL bytes), not text".into()
    }
}

/// Invalid UTF-8 that is still UTF-8 with a few bad bytes: cut off at the
/// end, or at least 8 well-formed non-ASCII characters per malformed
/// sequence (GBK or Big5 text is almost never well-formed UTF-8).
fn mostly_utf8(bytes: &[u8]) -> bool {
    if let Err(e) = std::str::from_utf8(bytes) {
        if e.error_len().is_none() {
            return true;
        }
    }
    let (mut well_formed, mut malformed) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        well_formed += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            malformed += 1;
        }
    }
    well_formed >= 8 * malformed
}

/// The encoding of text that is not UTF-8. chardetng guesses; when its
/// guess is neither GBK nor Big5 (short texts fool it), the Chinese
/// encoding that decodes the bytes cleanly wins, since this is a tool for
/// Chinese text.
fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    // Not `last`: a file cut off mid-character must not rule its encoding out.
    detector.feed(bytes, false);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    if guess == encoding_rs::GBK || guess == encoding_rs::BIG5 {
        return guess;
    }
    [encoding_rs::GBK, encoding_rs::BIG5]
        .into_iter()
        .find(|&e| {
            let counted = decode_counting(e, bytes);
            counted.malformed == 0 || counted.cut_off
        })
        .unwrap_or(guess)
}

/// Text decoded with malformed sequences replaced, and how many there were.
struct Counted {
    text: String,
    malformed: usize,
    /// The only malformed sequence is an incomplete character at the end.
    cut_off: bool,
}

fn decode_counting(encoding: &'static Encoding, bytes: &[u8]) -> Counted {
    if encoding == encoding_rs::UTF_8 {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return Counted {
                text: text.to_string(),
                malformed: 0,
                cut_off: false,
            };
        }
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    let mut rest = bytes;
    let mut malformed = 0usize;
    let mut malformed_at_end = false;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut text, true);
        rest = &rest[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {
                let more = decoder
                    .max_utf8_buffer_length_without_replacement(rest.len())
                    .unwrap_or(rest.len().saturating_mul(3));
                text.reserve(more.max(16));
            }
            DecoderResult::Malformed(_, _) => {
                malformed += 1;
                malformed_at_end = rest.is_empty();
                text.push('\u{FFFD}');
            }
        }
    }
    let cut_off = malformed == 1
        && if encoding == encoding_rs::UTF_8 {
            std::str::from_utf8(bytes).is_err_and(|e| e.error_len().is_none())
        } else {
            malformed_at_end
        };
    Counted {
        text,
        malformed,
        cut_off,
    }
}

/// Accepts decoded text with at most one malformed sequence in
/// [`MAX_MALFORMED_ONE_IN`] characters, with a warning; refuses more.
fn checked(encoding: &'static Encoding, counted: Counted) -> std::result::Result<Decoded, String> {
    let name = encoding.name();
    let warning = match counted.malformed {
        0 => None,
        _ if counted.cut_off => Some(format!(
            "the file ends in the middle of a {name} character (cut off?); it was replaced by U+FFFD"
        )),
        n => {
            let characters = counted.text.chars().count();
            if n * MAX_MALFORMED_ONE_IN > characters {
                return Err(format!(
                    "not valid {name}: {n} malformed byte sequences in {characters} characters"
                ));
            }
            Some(format!(
                "{n} malformed {name} byte sequence{} replaced by U+FFFD",
                if n == 1 { "" } else { "s" }
            ))
        }
    };
    Ok(Decoded {
        text: counted.text,
        encoding: name,
        warning,
    })
}

/// JSON Lines documents: `{"id": string, "text": string, "date"?: "YYYY-MM-DD"}`.
/// Each line is handed on undecoded, in a buffer of its own.
fn json_lines<R: BufRead + Send + 'static>(
    reader: R,
    name: String,
    decoding: Decoding,
) -> impl Iterator<Item = Pending> + Send {
    let name: Arc<str> = name.into();
    let mut reader = reader;
    let mut number = 0usize;
    let mut finished = false;
    // The last line's length: the next buffer's first guess.
    let mut last_length = 0;
    std::iter::from_fn(move || loop {
        if finished {
            return None;
        }
        let mut buf = Vec::with_capacity(last_length.min(1 << 20) + 64);
        number += 1;
        let failed = |reason: String, bytes: usize| {
            Some(Pending::Ready(Item::Failed(Failure {
                document: format!("{name}:{number}"),
                reason,
                bytes,
            })))
        };
        match reader
            .by_ref()
            .take(MAX_DOCUMENT_BYTES + 1)
            .read_until(b'\n', &mut buf)
        {
            Ok(0) => return None,
            Ok(n) if n as u64 > MAX_DOCUMENT_BYTES => {
                let mut skipped = n;
                match reader.skip_until(b'\n') {
                    Ok(more) => skipped += more,
                    Err(_) => finished = true,
                }
                return failed(
                    format!("line {number} is over the {MAX_DOCUMENT_BYTES} byte limit"),
                    skipped,
                );
            }
            Ok(n) => {
                last_length = n;
                if number == 1 {
                    if let Some((bom, _)) = Encoding::for_bom(&buf) {
                        if is_utf16(bom) {
                            finished = true;
                            return failed(
                                format!(
                                    "JSON Lines must be UTF-8, not {} (convert the file, e.g. with iconv)",
                                    bom.name()
                                ),
                                n,
                            );
                        }
                        buf.drain(..3);
                    }
                }
                if buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                for end in [b'\n', b'\r'] {
                    if buf.last() == Some(&end) {
                        buf.pop();
                    }
                }
                return Some(Pending::Undecoded(Undecoded {
                    bytes: buf,
                    origin: Origin::JsonLine {
                        name: name.clone(),
                        number,
                        bytes: n,
                    },
                    decoding,
                }));
            }
            Err(e) => {
                // The stream is broken (an I/O error, not bad data): stop here.
                finished = true;
                return failed(format!("cannot read line {number}: {e}"), 0);
            }
        }
    })
}

fn parse_record(line: &[u8], name: &str, number: usize, bytes: usize, decoding: Decoding) -> Item {
    let failed = |reason: String| {
        Item::Failed(Failure {
            document: format!("{name}:{number}"),
            reason,
            bytes,
        })
    };
    let (decoded, encoding, warning) = match decode_line(line, decoding) {
        Ok(decoded) => decoded,
        Err(reason) => return failed(format!("line {number}: {reason}")),
    };
    let parsed: serde_json::Result<serde_json::Value> = match &decoded {
        Some(text) => serde_json::from_str(text),
        None => serde_json::from_slice(line),
    };
    let mut record = match parsed {
        Ok(serde_json::Value::Object(record)) => record,
        Ok(_) => return failed(format!("line {number} is not a JSON object")),
        Err(e) => {
            // The position within the line; the line number is ours.
            let message = e.to_string();
            let message = message
                .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
                .map_or(message.clone(), |m| format!("{m} at column {}", e.column()));
            return failed(format!("line {number} is not valid JSON: {message}"));
        }
    };
    let id = match record.get("id") {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let which = || match &id {
        Some(id) => format!("line {number} (id {id:?})"),
        None => format!("line {number}"),
    };
    let text = match record.remove("text") {
        Some(serde_json::Value::String(text)) => text,
        _ => return failed(format!("{} has no \"text\" string", which())),
    };
    let date = match record.get("date") {
        Some(serde_json::Value::String(d)) => match Date::parse(d) {
            Some(d) => Some((d, RefDateSource::Document)),
            None => return failed(format!("{}: \"date\" {d:?} is not YYYY-MM-DD", which())),
        },
        Some(serde_json::Value::Null) | None => None,
        Some(other) => return failed(format!("{}: \"date\" {other} is not a string", which())),
    };
    Item::Document(RawDocument {
        id: id.unwrap_or_else(|| format!("{name}:{number}")),
        text,
        date,
        bytes,
        encoding,
        warning,
    })
}

/// A JSON line as UTF-8 text: `None` when the bytes already are UTF-8.
type DecodedLine = (Option<String>, &'static str, Option<String>);

fn decode_line(line: &[u8], decoding: Decoding) -> std::result::Result<DecodedLine, String> {
    match decoding.forced {
        Some(encoding) if is_utf16(encoding) => Err(format!(
            "JSON Lines cannot be read as {} (convert the file to UTF-8)",
            encoding.name()
        )),
        Some(encoding) if encoding != encoding_rs::UTF_8 => {
            let decoded = checked(encoding, decode_counting(encoding, line))?;
            Ok((Some(decoded.text), decoded.encoding, decoded.warning))
        }
        _ => {
            let utf8 = encoding_rs::UTF_8.name();
            if std::str::from_utf8(line).is_ok() {
                return Ok((None, utf8, None));
            }
            if !mostly_utf8(line) {
                return Err("not UTF-8 (for GBK or Big5 JSON Lines, use --encoding)".into());
            }
            let decoded = checked(
                encoding_rs::UTF_8,
                decode_counting(encoding_rs::UTF_8, line),
            )?;
            Ok((Some(decoded.text), utf8, decoded.warning))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8]) -> Decoded {
        decode(bytes, Decoding::default()).unwrap()
    }

    fn lines(input: &[u8], decoding: Decoding) -> Vec<Item> {
        json_lines(
            std::io::Cursor::new(input.to_vec()),
            "x.jsonl".into(),
            decoding,
        )
        .map(Pending::decode)
        .collect()
    }

    #[test]
    fn decodes_gbk_and_big5() {
        let (gbk, _, _) = encoding_rs::GBK
            .encode("盘锦市减免企业税费22亿元，电费4544万元，帮助企业融资318亿元。");
        let d = decoded(&gbk);
        assert!(d.text.contains("22亿元"));
        assert_eq!(d.encoding, "GBK");
        let (big5, _, _) =
            encoding_rs::BIG5.encode("香港特區政府今年財政赤字約481億元，樓價上升三成。");
        let d = decoded(&big5);
        assert!(d.text.contains("481億元"));
        assert_eq!(d.encoding, "Big5");
    }

    #[test]
    fn short_chinese_texts_detect_as_chinese() {
        let (gbk, _, _) = encoding_rs::GBK.encode("增长百分之五");
        assert_eq!(decoded(&gbk).text, "增长百分之五");
        let (big5, _, _) = encoding_rs::BIG5.encode("樓價上升三成");
        assert_eq!(decoded(&big5).text, "樓價上升三成");
    }

    #[test]
    fn pending_items_count_the_bytes_their_decoded_items_count() {
        let input = "{\"id\":\"a\",\"text\":\"总投资600亿元\"}\r\n\n not json\n{\"text\":1}\n{\"text\":\"末\"}";
        let pending: Vec<Pending> = json_lines(
            std::io::Cursor::new(input.as_bytes().to_vec()),
            "x.jsonl".into(),
            Decoding::default(),
        )
        .collect();
        assert_eq!(pending.len(), 4, "the blank line is skipped");
        let sizes: Vec<usize> = pending.iter().map(Pending::bytes).collect();
        let items: Vec<Item> = pending.into_iter().map(Pending::decode).collect();
        assert_eq!(sizes, items.iter().map(Item::bytes).collect::<Vec<_>>());
        assert!(
            matches!(&items[0], Item::Document(d) if d.text == "总投资600亿元" && d.bytes == 40)
        );
        assert!(matches!(&items[1], Item::Failed(f) if f.document == "x.jsonl:3"));
        assert!(matches!(&items[3], Item::Document(d) if d.id == "x.jsonl:5"));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2020-12-10_a.txt");
        fs::write(&path, "总投资600亿元").unwrap();
        let pending = read_text_file(&path, "2020-12-10_a.txt", Decoding::default());
        assert_eq!(pending.bytes(), 18);
        let Item::Document(doc) = pending.decode() else {
            panic!("a UTF-8 file decodes");
        };
        assert_eq!((doc.bytes, doc.text.as_str()), (18, "总投资600亿元"));
        assert_eq!(doc.date.map(|(d, _)| d), Date::parse("2020-12-10"));
    }

    #[test]
    fn owned_bytes_decode_as_borrowed_ones() {
        let (gbk, _, _) = encoding_rs::GBK.encode("电费4544万元");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("增长5%".as_bytes());
        let utf16: Vec<u8> = [0xFF, 0xFE, 0x1E, 0x58]
            .into_iter()
            .chain("5%".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let inputs: [&[u8]; 7] = [
            "总投资600亿元".as_bytes(),
            b"",
            &gbk,
            &bom,
            &utf16,
            b"\x00\x01\x02abc",
            b"mostly text \xFF then more text",
        ];
        for bytes in inputs {
            for forced in [None, Some(encoding_rs::GBK)] {
                let decoding = Decoding { forced };
                assert_eq!(
                    decode_owned(bytes.to_vec(), decoding),
                    decode(bytes, decoding),
                    "{bytes:?} {forced:?}"
                );
            }
        }
    }

    #[test]
    fn refuses_binary() {
        assert!(decode(b"\x00\x01\x02abc", Decoding::default())
            .unwrap_err()
            .contains("binary"));
    }

    #[test]
    fn hints_at_utf16_without_bom() {
        let bytes: Vec<u8> = "total 600 yuan\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let reason = decode(&bytes, Decoding::default()).unwrap_err();
        assert!(reason.contains("--encoding utf-16le"), "{reason}");
        let forced = Decoding::from_label("utf-16le").unwrap();
        assert_eq!(decode(&bytes, forced).unwrap().text, "total 600 yuan\n");
    }

    #[test]
    fn decodes_utf16_with_bom() {
        for (bom, be) in [([0xFF, 0xFE], false), ([0xFE, 0xFF], true)] {
            let mut bytes = bom.to_vec();
            for unit in "总投资600亿元".encode_utf16() {
                bytes.extend(if be {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                });
            }
            let d = decoded(&bytes);
            assert_eq!(d.text, "总投资600亿元");
            assert_eq!(d.encoding, if be { "UTF-16BE" } else { "UTF-16LE" });
        }
    }

    #[test]
    fn utf8_bom_is_not_part_of_the_text() {
        let d = decoded("\u{FEFF}总投资600亿元".as_bytes());
        assert_eq!((d.text.as_str(), d.encoding), ("总投资600亿元", "UTF-8"));
    }

    #[test]
    fn utf8_cut_off_mid_character_is_kept_with_a_warning() {
        let text = "总投资600亿元";
        let bytes = &text.as_bytes()[..text.len() - 1];
        let d = decoded(bytes);
        assert_eq!(d.text, "总投资600亿\u{FFFD}");
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.warning.unwrap().contains("ends in the middle"));
    }

    #[test]
    fn gbk_cut_off_mid_character_is_kept_with_a_warning() {
        let (gbk, _, _) = encoding_rs::GBK.encode("盘锦市减免企业税费22亿元，帮助企业融资318亿元");
        let d = decoded(&gbk[..gbk.len() - 1]);
        assert_eq!(d.encoding, "GBK");
        assert!(d.text.ends_with("318亿\u{FFFD}"), "{}", d.text);
        assert!(d.warning.unwrap().contains("ends in the middle of a GBK"));
    }

    #[test]
    fn a_few_bad_bytes_in_utf8_are_replaced_and_counted() {
        let mut bytes = "盘锦市减免企业税费22亿元，".as_bytes().to_vec();
        bytes.push(0xFF);
        bytes.extend("帮助企业融资318亿元。".as_bytes());
        let d = decoded(&bytes);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains("，\u{FFFD}帮助"));
        assert_eq!(
            d.warning.as_deref(),
            Some("1 malformed UTF-8 byte sequence replaced by U+FFFD")
        );
    }

    #[test]
    fn mostly_malformed_text_is_refused() {
        let bytes: Vec<u8> = (0..200u8).map(|i| 0x80 | (i % 0x3F)).collect();
        let forced = Decoding::from_label("utf-8").unwrap();
        assert!(decode(&bytes, forced)
            .unwrap_err()
            .contains("not valid UTF-8"));
    }

    #[test]
    fn forced_encoding_overrides_detection() {
        let (gbk, _, _) = encoding_rs::GBK.encode("总投资600亿元");
        let as_big5 = decode(&gbk, Decoding::from_label("big5").unwrap());
        assert_ne!(as_big5.map(|d| d.text), Ok("总投资600亿元".to_string()));
        let as_gbk = decode(&gbk, Decoding::from_label("gb18030").unwrap()).unwrap();
        assert_eq!(as_gbk.text, "总投资600亿元");
        assert_eq!(as_gbk.encoding, "gb18030");
    }

    #[test]
    fn reports_bad_json_lines_by_line_number() {
        let input = "{\"id\":\"a\",\"text\":\"一\"}\nnot json\n{\"id\":\"c\"}\n\n[1]\n{\"text\":\"二\",\"date\":\"2020-13-01\"}\n";
        let items = lines(input.as_bytes(), Decoding::default());
        assert_eq!(items.len(), 5);
        assert!(matches!(&items[0], Item::Document(d) if d.id == "a"));
        let reasons: Vec<String> = items[1..]
            .iter()
            .map(|i| match i {
                Item::Failed(f) => format!("{}: {}", f.document, f.reason),
                Item::Document(d) => panic!("{} should fail", d.id),
            })
            .collect();
        assert_eq!(
            reasons[0],
            "x.jsonl:2: line 2 is not valid JSON: expected ident at column 2"
        );
        assert_eq!(
            reasons[1],
            "x.jsonl:3: line 3 (id \"c\") has no \"text\" string"
        );
        assert_eq!(reasons[2], "x.jsonl:5: line 5 is not a JSON object");
        assert_eq!(
            reasons[3],
            "x.jsonl:6: line 6: \"date\" \"2020-13-01\" is not YYYY-MM-DD"
        );
    }

    #[test]
    fn json_lines_skip_a_utf8_bom_and_refuse_utf16() {
        let items = lines(
            "\u{FEFF}{\"id\":\"a\",\"text\":\"一\"}\n".as_bytes(),
            Decoding::default(),
        );
        assert!(matches!(&items[0], Item::Document(d) if d.text == "一"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "{\"text\":\"一\"}\n{\"text\":\"二\"}\n"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        let items = lines(&utf16, Decoding::default());
        assert_eq!(items.len(), 1);
        assert!(matches!(&items[0], Item::Failed(f) if f.reason.contains("must be UTF-8")));
    }

    #[test]
    fn json_lines_in_gbk_with_encoding() {
        let (gbk, _, _) = encoding_rs::GBK.encode("{\"id\":\"a\",\"text\":\"总投资600亿元\"}\n");
        let items = lines(&gbk, Decoding::default());
        assert!(matches!(&items[0], Item::Failed(f) if f.reason.contains("use --encoding")));
        let items = lines(&gbk, Decoding::from_label("gbk").unwrap());
        assert!(
            matches!(&items[0], Item::Document(d) if d.text == "总投资600亿元" && d.encoding == "GBK")
        );
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
