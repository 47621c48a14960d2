#!/usr/bin/env bash
# The Spark check (issue 11): zhfacts as an RDD.pipe stage in a real Spark, in
# local mode, gives the facts `zhfacts extract corpus` gives, with 1 and with 4
# partitions, from a folder and from a JSON Lines file.
#
# Needs Java 17+ and Python 3.10+ with venv and pip; where one is missing (or
# pip cannot install PySpark) it says so and exits 0: only this step is
# skipped. The virtual environment is kept in target/spark-venv and reused.
set -euo pipefail
cd "$(dirname "$0")/.."

PYSPARK_VERSION=4.1.4 # Spark 4.1 runs on Java 17 and 21
# The Python binding of chardetng, the encoding detector zhfacts uses: GBK and
# Big5 files then decode in Spark as zhfacts decodes them.
CHARDETNG_VERSION=0.3.5
venv=target/spark-venv
started=$(date +%s)
say() { echo "spark: $*"; }
elapsed() { echo "$(($(date +%s) - started)) s"; }
skip() {
    say "skipped: $* ($(elapsed))"
    exit 0
}

needs_java="PySpark $PYSPARK_VERSION needs Java 17 or 21"
command -v java >/dev/null || skip "no java on PATH ($needs_java)"
java_major=$(java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1)
[ "${java_major:-0}" -ge 17 ] || skip "java is version ${java_major:-unknown} ($needs_java)"

ready() {
    "$venv/bin/python" -c "
import sys, pyspark, chardetng_py
from importlib.metadata import version
sys.exit(pyspark.__version__ != '$PYSPARK_VERSION'
         or version('chardetng-py') != '$CHARDETNG_VERSION')" 2>/dev/null
}
if ! ready; then
    if [ ! -x "$venv/bin/python" ]; then
        python=$(command -v python3 || true)
        [ -n "$python" ] || skip "no python3"
        "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
            skip "python3 is older than 3.10, which PySpark $PYSPARK_VERSION needs"
        "$python" -m venv "$venv" || skip "python3 cannot create a virtual environment (venv)"
    fi
    say "installing pyspark==$PYSPARK_VERSION chardetng-py==$CHARDETNG_VERSION into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "pyspark==$PYSPARK_VERSION" "chardetng-py==$CHARDETNG_VERSION" ||
        skip "pip cannot install pyspark==$PYSPARK_VERSION chardetng-py==$CHARDETNG_VERSION"
fi
say "pyspark $PYSPARK_VERSION, java $java_major ready ($(elapsed))"

cargo build --release --quiet --bin zhfacts
binary="${CARGO_TARGET_DIR:-target}/release/zhfacts"
say "release binary built ($(elapsed))"

# Loopback only, no web UI: nothing listens beyond this machine.
export SPARK_LOCAL_IP=127.0.0.1
export PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python"
"$venv/bin/python" examples/spark/check_equal.py corpus --zhfacts "$binary" \
    --master 'local[2]' --partitions 1,4 --awkward-inputs
say "done in $(elapsed)"
