#include "usage_text.hpp"

namespace scenario {

std::string_view usage_text() {
  return R"(usage: scenario FILE.scn [--bin DIR] [--work DIR] [--keep] [--verbose] [--transcript]

Replays a scripted multi-process scenario. Exit status: 0 every step passed,
1 a step failed (the report names its line) or a cleanup command failed,
2 usage or script error, 77 skipped (a `require` the machine does not meet).

  --bin DIR    where `tracker` and `node` are (default: this program's directory)
  --work DIR   work dir (created; must be empty). Default: a fresh /tmp/p2pscn.XXXXXX
  --keep       keep the work dir after a pass (it is always kept after a failure)
  --verbose    print FILE:LINE: ok: STEP for every step that passed
  --transcript print each step as it starts and every line the processes print,
               tagged with their names: a readable log of the run (demos)

Script: one step per line; blank lines and lines starting with # are skipped.
  trackers N                     pick ports for N trackers, write WORK/tracker_info.txt
  start tracker K                start tracker K (1..N), named tK; wait 15 s for /^tracker [0-9]+: ready/
  start node NAME [ARGS...]      start a node on a free port, data in WORK/NAME; wait 15 s for /^node: ready/
  start proc NAME COMMAND...     start any program (e.g. /bin/cat); no ready line awaited
  NAME> TEXT                     type TEXT and a newline into NAME's stdin
  NAME? /REGEX/ [within S]       wait (10 s) for a line matching REGEX; it and the lines before are consumed
  NAME! /REGEX/ [within S]       same, for a line "error: ..." whose reason matches REGEX
  NAME?? /REGEX/ [for S]         no unconsumed line may match REGEX for S s (1 s); consumes nothing
  kill NAME                      kill -9 and reap
  stop NAME                      close its stdin; it must exit with status 0 within 10 s
  restart NAME                   start it again: same command line, port and data dir
  wait-exit NAME [within S]      wait (10 s) until it exits, whatever its status
  sleep S                        wait S seconds (fractions allowed)
  file PATH SIZE                 make a file of SIZE random bytes (suffix K, M, G: binary)
  sha256-equal PATH1 PATH2       both files exist and have the same SHA-256
  absent PATH / exists PATH      PATH must not exist / must exist
  garbage NAME                   send hostile TCP and ZeroMQ input to NAME's port (and PUB port)
  require root                   stop here, exit status 77 (skipped), unless running as root
  cleanup COMMAND...             run COMMAND in WORK when the run ends (pass, fail or skip), after
                                 every child is stopped, the last added first; it must exit 0

Commands:  tracker: BIN/tracker WORK/tracker_info.txt K --data WORK/tK
           node:    BIN/node 127.0.0.1:PORT WORK/tracker_info.txt --data WORK/NAME ARGS...
Children run in WORK; their stdout and stderr go, merged, to WORK/NAME.log.
In every step: $WORK, $BIN, $PORT(NAME), $PUBPORT(tK) are substituted (escaped
inside a regex). Words may be quoted with '...' or "...". Relative PATHs are
under WORK. Regexes are ECMAScript, searched anywhere in the line.
Full manual: docs/scenarios.md

Example:
  scenario tests/scenarios/demo.scn --transcript
)";
}

}  // namespace scenario
