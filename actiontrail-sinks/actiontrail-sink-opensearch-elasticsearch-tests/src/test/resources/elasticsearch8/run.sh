#!/usr/bin/env bash
# Runs an Elasticsearch distribution's start script ("$@") in the foreground for the tests, and stops the node when
# standard input closes: when the test JVM closes the pipe, and also when that JVM ends in any other way, so that the
# node never outlives the test run. Exits with the node's exit status.
set -u
exec 3<&0
bash "$@" </dev/null 3<&- &
node=$!
{
  while read -r -u 3 _; do :; done
  kill -TERM "$node" 2>/dev/null
} &
watcher=$!
exec 3<&-
wait "$node"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"
