#!/usr/bin/env python3
"""zhfacts as a stage in Apache Spark.

Reads a folder of articles (its .txt files, and the .jsonl files in it) or one
JSON Lines file into an RDD of document lines (``{"id", "text", "date"?}``),
pipes each partition through ``zhfacts extract - -o -`` (``RDD.pipe``), parses
the facts into a typed DataFrame, writes Parquet and CSV partitioned by kind,
and prints the fact counts per kind::

    spark-submit examples/spark/zhfacts_spark.py corpus -o spark-output \\
        --zhfacts target/release/zhfacts --partitions 4
    # spark-output/parquet/kind=money/part-*.parquet, spark-output/csv/kind=money/...

The facts equal those of ``zhfacts extract corpus -o DIR`` (facts.jsonl) as a
multiset (check_equal.py proves it), because:

- a .txt file's document id is its path relative to the folder (``a/b.txt``),
  and its ``YYYY-MM-DD`` file-name prefix is passed as the JSONL ``date``:
  what zhfacts itself does with a folder;
- the .jsonl files in a folder are passed on line by line, as zhfacts reads
  them, and a line without an id gets the ``PATH:LINE`` id zhfacts gives it;
- zhfacts keeps no state across documents, so partitioning cannot change a fact.

The binary is shipped to the executors with ``SparkContext.addFile`` (build it
for the executors' platform), or, with ``--no-ship``, run from the same path on
every node.

Column types: ``value`` and ``value_max`` are ``decimal(38,10)``, not double:
zhfacts writes exact decimals, a sum of money must not pick up binary rounding,
and a double keeps only 15-17 significant digits. A value that decimal(38,10)
cannot hold exactly (over 28 integer or 10 fractional digits) fails the job
naming the fact, never rounded quietly. ``index``, ``start`` and ``end`` are
``bigint`` (usize in zhfacts); every other column is a string, empty (not
null) where the fact has nothing, as in facts.jsonl.

Decoding .txt files: UTF-8 (with or without BOM) and UTF-16 with a BOM decode
exactly as in zhfacts. Other files (GBK, Big5, …) are guessed, as zhfacts
does, with chardetng where the chardetng-py binding is installed (on every
node); without it, GB18030 then Big5-HKSCS are tried, and Big5 bytes that are
also valid GB18030 come out wrong. Either way the files guessed are named in a
note; ``--encoding`` forces one. Spark's file listing skips names starting
with ``_`` or ``.``; on a local folder such files are named in a warning.
"""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
import time
from decimal import Context, Decimal

# The fact record, in facts.jsonl / facts.csv order (src/output.rs FIELDS).
FIELDS = (
    "doc", "index", "kind", "text", "value", "value_max", "unit", "date",
    "qualifier", "per", "change", "metric", "sentence", "start", "end", "rule",
)
KINDS = ("money", "percent", "quantity", "date")
DECIMAL_FIELDS = frozenset({"value", "value_max"})
INTEGER_FIELDS = frozenset({"index", "start", "end"})
DECIMAL_PRECISION, DECIMAL_SCALE = 38, 10
_DECIMAL_LIMIT = Decimal(10) ** (DECIMAL_PRECISION - DECIMAL_SCALE)
_DECIMAL_QUANTUM = Decimal(1).scaleb(-DECIMAL_SCALE)
# Python's default context rounds at 28 digits; these values have up to 38.
_EXACT = Context(prec=100)

# What zhfacts runs per partition: one process reads document lines on stdin
# and writes facts on stdout. One thread: Spark already runs a task per core.
FILTER_ARGS = ("extract", "-", "-o", "-", "--quiet", "-j", "1")

# zhfacts exits 2 when some documents failed (each is named on stderr, the
# others' facts are written): the task goes on. Any other non-zero status (a
# crash, a signal) fails the task, so Spark retries it instead of losing facts.
_EXIT_STATUS_GUARD = '"$0" "$@"; status=$?; [ "$status" -eq 0 ] || [ "$status" -eq 2 ]'


# --------------------------------------------------------------------------
# Documents: the same ids, dates and lines as `zhfacts extract FOLDER`.

def is_input_name(name: str) -> bool:
    """Whether zhfacts reads a file of this name from a folder (src/input.rs)."""
    if name.startswith(".") or name.endswith(".expected.jsonl"):
        return False
    return name.endswith(".txt") or name.endswith(".jsonl")


def _rust_unsigned(text: str) -> int | None:
    # str::parse::<u32>/<i32> on a part that cannot start with '-': digits,
    # with an optional '+'.
    if not re.fullmatch(r"\+?[0-9]+", text):
        return None
    return int(text)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def file_name_date(doc_id: str) -> str | None:
    """The ``YYYY-MM-DD`` prefix of a document's file name, as zhfacts takes it
    (``input::date_from_file_name``): returned as written, since the JSONL
    ``date`` field is parsed by the same ``Date::parse``."""
    name = doc_id.rsplit("/", 1)[-1]
    raw = name.encode("utf-8")
    if len(raw) < 10:
        return None
    try:
        prefix = raw[:10].decode("utf-8")
    except UnicodeDecodeError:  # byte 10 is inside a character
        return None
    parts = prefix.strip().split("-", 2)
    if len(parts) != 3:
        return None
    year, month, day = (_rust_unsigned(p) for p in parts)
    if year is None or month is None or day is None or year > 2**31 - 1:
        return None
    if not 1 <= month <= 12 or not 1 <= day <= _days_in_month(year, month):
        return None
    return prefix


# WHATWG encoding names (encoding_rs, chardetng) whose Python codec differs.
_PYTHON_CODECS = {"gbk": "gb18030", "gb2312": "gb18030", "big5": "big5hkscs",
                  "shift_jis": "cp932", "euc-kr": "cp949"}


def _python_codec(name: str) -> str:
    return _PYTHON_CODECS.get(name.lower(), name)


def has_chardetng() -> bool:
    """Whether the chardetng-py binding (zhfacts' encoding detector) is here."""
    try:
        import chardetng_py  # noqa: F401
    except ImportError:
        return False
    return True


def guess_encoding(data: bytes) -> str | None:
    """chardetng's guess, as zhfacts makes it, where the chardetng-py binding
    is installed; else None."""
    try:
        from chardetng_py import EncodingDetector
    except ImportError:
        return None
    detector = EncodingDetector()
    detector.feed(data, last=True)
    return detector.guess(tld=None, allow_utf8=True)


def decode_article(data: bytes, encoding: str | None = None):
    """A .txt file's text, as zhfacts decodes it: ``(text, None, guess)`` or
    ``(None, reason, None)``; ``guess`` names the codec when the file was
    neither UTF-8 nor marked by a BOM."""
    try:
        if encoding:
            return data.decode(_python_codec(encoding)), None, None
        for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                           (b"\xfe\xff", "utf-16-be")):
            if data.startswith(bom):
                return data[len(bom):].decode(codec), None, None
    except (UnicodeDecodeError, LookupError) as e:
        return None, f"cannot decode: {e}", None
    if b"\0" in data:
        return None, "binary file (NUL bytes), not text", None
    try:
        return data.decode("utf-8"), None, None
    except UnicodeDecodeError:
        pass
    guess = guess_encoding(data)
    candidates = [_python_codec(guess)] if guess else ["gb18030", "big5hkscs"]
    for codec in candidates:
        try:
            return data.decode(codec), None, codec if guess else codec + " (no chardetng-py)"
        except (UnicodeDecodeError, LookupError):
            pass
    return None, "not valid UTF-8 and no other encoding fits (truncated or corrupt file?)", None


def text_document(doc_id: str, data: bytes, encoding: str | None = None):
    """One .txt file as a document line: ``(line, None, guess)``, or
    ``(None, (id, reason), None)``."""
    text, reason, guess = decode_article(data, encoding)
    if text is None:
        return None, (doc_id, reason), None
    record = {"id": doc_id, "text": text}
    date = file_name_date(doc_id)
    if date is not None:
        record["date"] = date
    return json.dumps(record, ensure_ascii=False), None, guess


def _is_blank(line: str) -> bool:
    # u8::is_ascii_whitespace: the lines zhfacts skips (and still counts).
    return all(c in " \t\n\x0c\r" for c in line)


def _has_id(record: dict) -> bool:
    doc_id = record.get("id")
    return isinstance(doc_id, str) or (
        isinstance(doc_id, (int, float)) and not isinstance(doc_id, bool))


def json_line_document(line: str, name: str, number: int) -> str | None:
    """A JSON Lines document, passed on as written; a record with a ``text``
    but no usable ``id`` gets the ``NAME:NUMBER`` id zhfacts gives it. A line
    zhfacts would refuse is passed on too: zhfacts names it on stderr."""
    if _is_blank(line):
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return line
    if isinstance(record, dict) and isinstance(record.get("text"), str) and not _has_id(record):
        record["id"] = f"{name}:{number}"
        return json.dumps(record, ensure_ascii=False)
    return line


def json_lines_documents(name: str, data: bytes):
    """The documents of a .jsonl file's bytes, as text_document gives them."""
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield None, (f"{name}:{number}", f"line {number} is not valid UTF-8"), None
            continue
        document = json_line_document(line, name, number)
        if document is not None:
            yield document, None, None


# --------------------------------------------------------------------------
# Facts: parse, check, canonical form.

def fact_schema():
    """The fact record as a Spark schema."""
    from pyspark.sql.types import (DecimalType, LongType, StringType, StructField,
                                   StructType)

    def field(name):
        if name in DECIMAL_FIELDS:
            return StructField(name, DecimalType(DECIMAL_PRECISION, DECIMAL_SCALE), True)
        if name in INTEGER_FIELDS:
            return StructField(name, LongType(), False)
        return StructField(name, StringType(), False)

    return StructType([field(name) for name in FIELDS])


def parse_fact(line: str) -> tuple:
    """One facts.jsonl line as a row tuple in FIELDS order."""
    try:
        record = json.loads(line, parse_float=Decimal)
        row = []
        for name in FIELDS:
            value = record[name]
            if name in DECIMAL_FIELDS and value is not None:
                value = Decimal(value)
                exact = value.quantize(_DECIMAL_QUANTUM, context=_EXACT) == value
                if abs(value) >= _DECIMAL_LIMIT or not exact:
                    raise ValueError(f"{name} {value} does not fit "
                                     f"decimal({DECIMAL_PRECISION},{DECIMAL_SCALE})")
            row.append(value)
        return tuple(row)
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"zhfacts wrote a fact this program cannot read ({e}): "
                         f"{line[:300]}") from e


def plain_decimal(value) -> str | None:
    """A decimal as zhfacts writes it: plain digits, no trailing zeros."""
    if value is None or value == "":
        return None
    text = format(Decimal(value).normalize(_EXACT), "f")
    return "0" if text in ("-0", "0") else text


def canonical_fact(record) -> tuple:
    """A fact (dict or Row) as a comparable tuple over every field: numbers
    as plain decimals, integers as int, strings with null read as empty."""
    out = []
    for name in FIELDS:
        value = record[name]
        if name in DECIMAL_FIELDS:
            out.append(plain_decimal(value))
        elif name in INTEGER_FIELDS:
            out.append(int(value))
        else:
            out.append("" if value is None else str(value))
    return tuple(out)


# --------------------------------------------------------------------------
# Spark.

def _hadoop_path(spark, source: str):
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(source)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    return fs, fs.makeQualified(path)


def _skipped_by_spark(source: str) -> list[str]:
    """zhfacts inputs in a local folder that Spark's listing hides (a path
    part starting with '_' or '.')."""
    if "://" in source or not os.path.isdir(source):
        return []
    skipped = []
    for folder, dirs, files in os.walk(source):
        rel_folder = os.path.relpath(folder, source)
        hidden_folder = rel_folder != "." and any(
            p.startswith(("_", ".")) for p in rel_folder.split(os.sep))
        for name in files:
            if is_input_name(name) and (hidden_folder or name.startswith("_")):
                skipped.append(os.path.normpath(os.path.join(rel_folder, name)))
    return sorted(skipped)


def _list_param():
    """An accumulator parameter that gathers lists (failures, counts)."""
    from pyspark import AccumulatorParam

    class ListParam(AccumulatorParam):
        def zero(self, value):
            return []

        def addInPlace(self, a, b):
            a.extend(b)
            return a

    return ListParam()


def spread(lines, partitions: int):
    """The lines dealt round-robin into ``partitions`` partitions.
    (``RDD.repartition`` moves pickled batches of up to 10 elements, so a few
    large documents can all land in one partition.)"""
    def dealt(index, lines_in_partition):
        for number, line in enumerate(lines_in_partition):
            yield (index + number) % partitions, line

    return (lines.mapPartitionsWithIndex(dealt)
            .partitionBy(partitions, lambda key: key)
            .values())


def document_lines(spark, source: str, encoding: str | None = None):
    """An RDD of JSONL document lines from a folder, a .txt file or a .jsonl
    file, and an accumulator of notes on the way: ``("failed", id, reason)``
    for a document that could not be read, ``("guessed", id, codec)`` for a
    file whose encoding was guessed."""
    sc = spark.sparkContext
    # Executors unpickle this module's functions by name when it is imported
    # (as check_equal.py does): ship it so they can.
    sc.addPyFile(os.path.abspath(__file__))
    notes = sc.accumulator([], _list_param())
    fs, qualified = _hadoop_path(spark, source)
    if fs.getFileStatus(qualified).isDirectory():
        root, single = qualified.toString().rstrip("/"), False
    else:
        root, single = None, True

    if single and source.endswith(".jsonl"):
        # Large archives: read line by line, split across the cluster.
        def documents(pair):
            line, index = pair
            document = json_line_document(line, source, index + 1)
            return [] if document is None else [document]

        return sc.textFile(source).zipWithIndex().flatMap(documents), notes

    def documents(row):
        path = row.path
        name = posixpath.basename(path)
        if single:
            doc_id = name
        else:
            doc_id = path[len(root):].lstrip("/") if path.startswith(root) else name
            if not is_input_name(name):
                return []
        data = bytes(row.content)
        if name.endswith(".jsonl"):
            results = list(json_lines_documents(posixpath.join(source, doc_id), data))
        else:
            results = [text_document(doc_id, data, encoding)]
        found = [("failed", *failure) for _, failure, _ in results if failure is not None]
        found += [("guessed", doc_id, guess) for _, _, guess in results if guess is not None]
        if found:
            notes.add(found)
        return [line for line, _, _ in results if line is not None]

    files = (spark.read.format("binaryFile")
             .option("recursiveFileLookup", "true")
             .load(source)
             .select("path", "content"))
    return files.rdd.flatMap(documents), notes


def filter_command(binary: str, ref_date: str | None = None) -> list[str]:
    args = [binary, *FILTER_ARGS]
    if ref_date:
        args += ["--ref-date", ref_date]
    return args


def smoke_test(binary: str, ref_date: str | None = None) -> float:
    """Runs the filter on one document here, before the job: a wrong binary
    or flag fails now, by name, not as a silent empty partition. Returns its
    wall time (process start, dictionary load, one document)."""
    document = json.dumps({"id": "smoke", "text": "今年营收增长5%，达到3亿元。",
                           "date": "2020-12-10"}, ensure_ascii=False)
    if not os.path.isfile(binary):
        return float("nan")  # installed on the nodes only (--no-ship)
    started = time.perf_counter()
    done = subprocess.run(filter_command(binary, ref_date), input=document + "\n",
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"{binary} does not work as a filter (exit {done.returncode}): "
                           f"{done.stderr.strip()}")
    return seconds


def default_binary() -> str | None:
    here = os.path.dirname(os.path.abspath(__file__))
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(here, "..", "..", "target")
    built = os.path.join(target, "release", "zhfacts")
    return built if os.path.isfile(built) else shutil.which("zhfacts")


def run(spark, source: str, output: str, binary: str, *, partitions: int | None = None,
        ship: bool = True, ref_date: str | None = None, encoding: str | None = None) -> dict:
    """The whole stage: documents → zhfacts → typed facts → Parquet and CSV
    under ``output`` (partitioned by kind). Returns counts and timings."""
    from pyspark import SparkFiles
    from pyspark.sql import functions as F

    started = time.perf_counter()
    sc = spark.sparkContext
    start_seconds = smoke_test(binary, ref_date)
    if ship:
        sc.addFile(os.path.abspath(binary))
        name = os.path.basename(binary)
        # Local mode: executors share the driver's SparkFiles folder. On a
        # cluster an executor fetches added files into its working directory,
        # which is the Python worker's too.
        if sc.master == "local" or sc.master.startswith("local["):
            on_executor = SparkFiles.get(name)
        else:
            on_executor = "./" + name
    else:
        on_executor = binary

    lines, notes = document_lines(spark, source, encoding)
    if partitions and lines.getNumPartitions() != partitions:
        lines = spread(lines, partitions)
    used_partitions = lines.getNumPartitions()
    per_partition = sc.accumulator([], _list_param())

    def counted(index, lines_in_partition):
        count = 0
        for line in lines_in_partition:
            count += 1
            yield line
        per_partition.add([(index, count)])

    command = shlex.join(["/bin/sh", "-c", _EXIT_STATUS_GUARD,
                          *filter_command(on_executor, ref_date)])
    fact_lines = lines.mapPartitionsWithIndex(counted).pipe(command, checkCode=True)
    facts = spark.createDataFrame(fact_lines.map(parse_fact), fact_schema()).persist()

    parquet_dir = os.path.join(output, "parquet")
    csv_dir = os.path.join(output, "csv")
    facts.write.mode("overwrite").partitionBy("kind").parquet(parquet_dir)
    # CSV as zhfacts writes it: plain numbers (not 1E-10, no padding zeros),
    # empty cells for empty strings, RFC 4180 quotes.
    plain = {name: F.regexp_replace(F.regexp_replace(F.col(name).cast("string"),
                                                     r"(\.[0-9]*?)0+$", "$1"), r"\.$", "")
             for name in DECIMAL_FIELDS}
    (facts.withColumns(plain)
     .write.mode("overwrite").partitionBy("kind")
     .option("header", True).option("escape", '"').option("emptyValue", "")
     .csv(csv_dir))
    counts = dict(facts.groupBy("kind").count().collect())
    facts.unpersist()

    per_kind = {kind: counts.pop(kind, 0) for kind in KINDS}
    per_kind.update(counts)  # a kind this program does not know yet
    return {
        "source": source,
        "documents": sum(count for _, count in per_partition.value),
        "documents_per_partition": [count for _, count in sorted(per_partition.value)],
        "failed": sorted((doc, why) for note, doc, why in notes.value if note == "failed"),
        "guessed": sorted((doc, codec) for note, doc, codec in notes.value if note == "guessed"),
        "partitions": used_partitions,
        "facts": per_kind,
        "total": sum(per_kind.values()),
        "parquet": parquet_dir,
        "csv": csv_dir,
        "skipped_by_spark": _skipped_by_spark(source),
        "smoke_seconds": round(start_seconds, 3),
        "seconds": round(time.perf_counter() - started, 2),
    }


def print_summary(summary: dict, out=sys.stdout) -> None:
    spread_over = "+".join(str(n) for n in summary["documents_per_partition"])
    print(f"zhfacts on Spark: {summary['source']}: {summary['documents']} documents in "
          f"{summary['partitions']} partitions ({spread_over}), {summary['total']} facts in "
          f"{summary['seconds']:.1f} s", file=out)
    for kind, count in summary["facts"].items():
        print(f"  {kind:<10}{count:>8}", file=out)
    print(f"  {'total':<10}{summary['total']:>8}", file=out)
    print(f"  parquet: {summary['parquet']}  csv: {summary['csv']}  (partitioned by kind)",
          file=out)
    print(f"  zhfacts start-up and one document: {summary['smoke_seconds']:.2f} s", file=out)
    for doc_id, reason in summary["failed"]:
        print(f"zhfacts-spark: {doc_id}: {reason}", file=sys.stderr)
    if summary["guessed"]:
        fallback = any(codec.endswith("(no chardetng-py)") for _, codec in summary["guessed"])
        print(f"zhfacts-spark: note: {len(summary['guessed'])} files were neither UTF-8 nor "
              "marked by a BOM; their encoding was guessed: "
              + ", ".join(f"{doc}: {codec}" for doc, codec in summary["guessed"][:5])
              + (", …" if len(summary["guessed"]) > 5 else "")
              + (". zhfacts guesses with chardetng: install chardetng-py where Spark runs "
                 "Python, pass --encoding, or convert the files to UTF-8." if fallback else "."),
              file=sys.stderr)
    if summary["skipped_by_spark"]:
        print("zhfacts-spark: warning: Spark's file listing skips these inputs "
              "(a name starting with '_' or '.'): " + ", ".join(summary["skipped_by_spark"]),
              file=sys.stderr)


def spark_session(master: str | None = None, app: str = "zhfacts", *, web_ui: bool = True):
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.appName(app)
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.ui.enabled", str(web_ui).lower()))
    if master:
        builder = builder.master(master)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Examples:\n"
               "  spark-submit examples/spark/zhfacts_spark.py corpus -o spark-output\n"
               "  python examples/spark/zhfacts_spark.py news.jsonl -o out --master 'local[2]' "
               "--partitions 4\n")
    parser.add_argument("source", help="a folder of .txt/.jsonl articles, a .txt file, "
                                       "or a .jsonl file (local path or any Hadoop URI)")
    parser.add_argument("-o", "--output", default="spark-output",
                        help="output folder: parquet/ and csv/ go here (default: spark-output)")
    parser.add_argument("--zhfacts", default=default_binary(),
                        help="the zhfacts binary (default: target/release/zhfacts, "
                             "else zhfacts on PATH)")
    parser.add_argument("--no-ship", dest="ship", action="store_false",
                        help="do not ship the binary: it is at the --zhfacts path on every node")
    parser.add_argument("--partitions", type=int, help="pipe the documents in this many "
                                                       "partitions (default: as read)")
    parser.add_argument("--master", help="Spark master, e.g. local[2] "
                                         "(default: spark-submit's, else local[*])")
    parser.add_argument("--ref-date", help="zhfacts --ref-date for documents without a date")
    parser.add_argument("--encoding", help="decode .txt files in this encoding (gbk, big5, …)")
    args = parser.parse_args(argv)
    if not args.zhfacts:
        parser.error("no zhfacts binary: build it (cargo build --release) or pass --zhfacts")
    spark = spark_session(args.master)
    try:
        summary = run(spark, args.source, args.output, args.zhfacts,
                      partitions=args.partitions, ship=args.ship,
                      ref_date=args.ref_date, encoding=args.encoding)
    finally:
        spark.stop()
    print_summary(summary)
    return 2 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
