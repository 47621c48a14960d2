#!/usr/bin/env python3
"""Checks that zhfacts on Spark gives the facts zhfacts gives on one machine.

    python examples/spark/check_equal.py corpus --awkward-inputs \\
        --zhfacts target/release/zhfacts --master 'local[2]' --partitions 1,4

For the folder it runs ``zhfacts extract FOLDER -o DIR`` once, then
zhfacts_spark.run with each partition count; it reads the Parquet and the CSV
that Spark wrote back and compares each with facts.jsonl, as multisets of facts
over all fields, and checks that the documents were spread over every
partition. With --awkward-inputs it does the same for a folder of awkward files
and for a JSON Lines file made from the folder's articles plus awkward lines
(blank, not JSON, a bad date, no id, a numeric id, U+2028 in a text), and
checks that this file gives the folder's facts on one machine (same ids, same
dates from file names).

Exit status: 0 all equal; 1 a difference (the first ones are printed); 2 an
error. The last line reads ``spark-check: N passed, N failed``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zhfacts_spark as zs  # noqa: E402


def single_process(binary: str, source: str, out_dir: str) -> Counter:
    """``zhfacts extract SOURCE -o OUT_DIR``: its facts.jsonl as a multiset."""
    done = subprocess.run([binary, "extract", source, "-o", out_dir, "--quiet"],
                          capture_output=True, text=True, check=False)
    # 2: some documents failed (named on stderr); the others are written.
    if done.returncode not in (0, 2):
        raise RuntimeError(f"zhfacts extract {source} failed ({done.returncode}): {done.stderr}")
    with open(os.path.join(out_dir, "facts.jsonl"), encoding="utf-8") as f:
        return Counter(zs.canonical_fact(json.loads(line, parse_float=Decimal))
                       for line in f if line.strip())


def jsonl_from_folder(folder: str, path: str) -> set[str]:
    """Writes the folder's .txt articles as JSON Lines (ids and dates as zhfacts
    takes them from the folder) plus awkward lines. Returns the article ids."""
    ids = set()
    with open(path, "w", encoding="utf-8") as out:
        for dirpath, _, files in sorted(os.walk(folder)):
            for name in sorted(files):
                if not (zs.is_input_name(name) and name.endswith(".txt")):
                    continue
                file_path = os.path.join(dirpath, name)
                doc_id = os.path.relpath(file_path, folder).replace(os.sep, "/")
                with open(file_path, "rb") as f:
                    line, _, _ = zs.text_document(doc_id, f.read())
                if line is not None:
                    out.write(line + "\n")
                    ids.add(doc_id)
        out.write("\n")  # blank: skipped, but counted as a line
        out.write("not json {\n")  # refused and named by zhfacts, the rest goes on
        out.write(json.dumps({"id": "bad-date", "text": "增长5%", "date": "2020-13-45"}) + "\n")
        awkward = [
            {"text": "营业收入3亿元，同比增长12%。"},  # its id becomes PATH:LINE
            {"id": 7, "text": "毛利率下降3.5个百分点。"},
            {"id": "u2028", "text": "第一段\u2028投资600亿元", "date": "2021-03-01"},
        ]
        for record in awkward:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return ids


def awkward_folder(folder: str, path: str) -> None:
    """A folder of awkward files made from the folder's articles: nested
    folders, spaces and Chinese in names, a date prefix below the top, BOMs,
    UTF-16, GBK, Big5, an empty file, a .jsonl with a missing id and a bad
    line, and files zhfacts does not read (.md, .expected.jsonl)."""
    articles = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".txt") and zs.is_input_name(name):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                articles[name] = f.read()
    simplified = articles.get("2020-12-10_panjin_xiaokang.txt") or next(iter(articles.values()))
    traditional = articles.get("hk_property_traditional.txt") or simplified
    files = {
        "2019-05-06_top.txt": simplified[:1500].encode("utf-8"),
        "sub dir/2021-03-05 新闻 稿.txt": simplified[1500:3000].encode("utf-8"),
        "sub dir/deeper/bom.txt": b"\xef\xbb\xbf" + simplified[:800].encode("utf-8"),
        "utf16.txt": b"\xff\xfe" + simplified[800:1600].encode("utf-16-le"),
        "gbk.txt": simplified[:1200].encode("gbk", errors="ignore"),
        "2020-02-30_not_a_date.txt": simplified[3000:3600].encode("utf-8"),
        "empty.txt": b"",
        "notes.md": "营收增长5%".encode("utf-8"),
        "x.expected.jsonl": b"{}\n",
        "more.jsonl": "\n".join([
            json.dumps({"id": "m1", "text": simplified[:500]}, ensure_ascii=False),
            json.dumps({"text": "营业收入3亿元，同比增长12%。"}, ensure_ascii=False),
            "{broken",
            json.dumps({"id": "m4", "text": "2021年利润1000万元", "date": "2022-01-01"},
                       ensure_ascii=False),
        ]).encode("utf-8") + b"\r\n",
    }
    # Big5 bytes also decode as GB18030 (into other characters): only the
    # detector zhfacts uses tells them apart.
    if zs.has_chardetng():
        files["big5.txt"] = traditional[:1200].encode("big5", errors="ignore")
    else:
        print("note: big5.txt left out of the awkward folder: chardetng-py is not installed")
    for rel, data in files.items():
        os.makedirs(os.path.dirname(os.path.join(path, rel)), exist_ok=True)
        with open(os.path.join(path, rel), "wb") as f:
            f.write(data)


def spark_facts(spark, summary: dict) -> dict[str, Counter]:
    """The facts Spark wrote, read back from Parquet and from CSV."""
    from pyspark.sql.types import StringType, StructField, StructType

    parquet = spark.read.parquet(summary["parquet"])
    csv_schema = StructType([StructField(n, StringType(), True) for n in zs.FIELDS if n != "kind"])
    csv = (spark.read.schema(csv_schema).option("header", True).option("escape", '"')
           .option("multiLine", True).csv(summary["csv"]))
    return {
        "parquet": Counter(zs.canonical_fact(row.asDict()) for row in parquet.collect()),
        "csv": Counter(zs.canonical_fact(row.asDict()) for row in csv.collect()),
    }


def differences(expected: Counter, got: Counter, limit: int = 5) -> list[str]:
    lines = []
    for label, extra in (("only in zhfacts", expected - got), ("only in Spark", got - expected)):
        for fact, count in sorted(extra.items())[:limit]:
            lines.append(f"    {label} (x{count}): " + json.dumps(dict(zip(zs.FIELDS, fact)),
                                                              ensure_ascii=False)[:400])
        if len(extra) > limit:
            lines.append(f"    … {len(extra) - limit} more {label}")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", default="corpus", help="folder of articles "
                                                                    "(default: corpus)")
    parser.add_argument("--zhfacts", default=zs.default_binary(), help="the zhfacts binary")
    parser.add_argument("--master", default="local[2]", help="Spark master (default: local[2])")
    parser.add_argument("--partitions", default="1,4",
                        help="partition counts to try, comma-separated (default: 1,4)")
    parser.add_argument("--awkward-inputs", action="store_true",
                        help="also check a JSON Lines file and a folder of awkward files "
                             "made from the folder")
    parser.add_argument("--work", help="keep outputs in this folder (default: a temporary one)")
    args = parser.parse_args(argv)
    if not args.zhfacts or not os.path.isfile(args.zhfacts):
        parser.error("no zhfacts binary: build it (cargo build --release) or pass --zhfacts")
    partitions = [int(p) for p in args.partitions.split(",")]
    work = args.work or tempfile.mkdtemp(prefix="zhfacts-spark-")
    os.makedirs(work, exist_ok=True)
    started = time.perf_counter()
    passed, failed = 0, 0

    def verdict(ok: bool, label: str, detail: list[str] = ()):
        nonlocal passed, failed
        passed, failed = passed + ok, failed + (not ok)
        print(f"{'ok  ' if ok else 'FAIL'} {label}")
        for line in detail:
            print(line)

    sources = [args.source]
    references = {args.source: single_process(args.zhfacts, args.source,
                                              os.path.join(work, "single-folder"))}
    if args.awkward_inputs:
        awkward = os.path.join(work, "awkward")
        shutil.rmtree(awkward, ignore_errors=True)
        awkward_folder(args.source, awkward)
        sources.append(awkward)
        references[awkward] = single_process(args.zhfacts, awkward,
                                             os.path.join(work, "single-awkward"))
        jsonl = os.path.join(work, "documents.jsonl")
        ids = jsonl_from_folder(args.source, jsonl)
        sources.append(jsonl)
        references[jsonl] = single_process(args.zhfacts, jsonl, os.path.join(work, "single-jsonl"))
        from_articles = Counter({f: c for f, c in references[jsonl].items() if f[0] in ids})
        verdict(from_articles == references[args.source],
                f"one machine: {jsonl} gives the folder's {sum(from_articles.values())} facts",
                differences(references[args.source], from_articles))

    spark = zs.spark_session(args.master, app="zhfacts-check", web_ui=False)
    try:
        for source in sources:
            expected = references[source]
            for n in partitions:
                out = os.path.join(work, f"spark-{os.path.basename(source.rstrip('/'))}-{n}")
                summary = zs.run(spark, source, out, args.zhfacts, partitions=n)
                zs.print_summary(summary)
                used = sum(1 for count in summary["documents_per_partition"] if count)
                verdict(used == min(n, summary["documents"]),
                        f"{source}: documents spread over {used} of {n} partitions")
                for form, got in spark_facts(spark, summary).items():
                    verdict(got == expected,
                            f"{source}, {summary['partitions']} partitions, {form}: "
                            f"{sum(got.values())} facts, zhfacts {sum(expected.values())}",
                            differences(expected, got))
    finally:
        spark.stop()
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    print(f"spark-check: {time.perf_counter() - started:.1f} s")
    print(f"spark-check: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001 - one line on stderr, exit 2, like zhfacts
        print(f"spark-check: {e}", file=sys.stderr)
        raise SystemExit(2) from e
