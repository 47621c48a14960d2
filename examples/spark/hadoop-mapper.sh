#!/bin/sh
# Hadoop Streaming mapper: zhfacts as a JSON Lines filter (documents in on
# stdin, facts out on stdout). Ship it with the binary:
#   -files zhfacts,hadoop-mapper.sh -mapper hadoop-mapper.sh
# zhfacts exits 2 when some documents failed: each is named on stderr (the task
# log) and every other document's facts are written, so the task succeeds.
# Any other non-zero status (a crash, a signal) fails the task, and Hadoop
# retries it, rather than keeping a partial output.
./zhfacts extract - -o - --quiet -j 1 "$@"
status=$?
[ "$status" -eq 0 ] || [ "$status" -eq 2 ]
