# shellcheck shell=bash
# Log files of the lab's SIPp peers. SIPp truncates its -message_file and -error_file when it
# starts, so before a peer is (re)started its logs from the last run are kept as `<file>.1`
# (one generation: the one before is dropped). A check that reads the carrier's messages across
# a SIPp restart reads `<file>.1` and then `<file>` (test/support/lab.ts, carrierMessagesSince).

# keep_previous_log FILE… — moves each non-empty FILE to FILE.1 (replacing an older FILE.1).
keep_previous_log() {
  local f
  for f in "$@"; do
    if [[ -s $f ]]; then mv -f -- "$f" "$f.1"; fi
  done
}
