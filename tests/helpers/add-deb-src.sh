#!/bin/bash
# Make Debian's source packages reachable for `apt-get source` and
# `apt-get build-dep`: when apt has no deb-src entry, add one derived from the
# deb entries already configured (same archives, suites and keys), so no
# archive's address is ever written by this project.  Idempotent.
set -eu
out=/etc/apt/sources.list.d/crl-deb-src.sources
if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  exit 0
fi
{
  # deb822 files: each stanza whose Types has "deb" gets a deb-src twin.
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS=""; ORS="\n\n" }
         /(^|\n)Types:[^\n]*(^|[ \t])deb([ \t]|\n|$)/ {
           sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print }' "$f"
  done
  # one-line style: "deb [opts] uri suite comps" becomes a stanza.
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" {
           opts = ""; i = 2
           if ($2 ~ /^\[/) { while ($i !~ /\]$/) { opts = opts " " $i; i++ } opts = opts " " $i; i++ }
           comps = ""; for (j = i + 2; j <= NF; j++) comps = comps " " $j
           printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents:%s\n", $i, $(i+1), comps
           if (match(opts, /signed-by=[^] ]+/)) printf "Signed-By: %s\n", substr(opts, RSTART + 10, RLENGTH - 10)
           printf "\n" }' "$f"
  done
} > "$out.tmp"
if [ ! -s "$out.tmp" ]; then
  rm -f "$out.tmp"; echo "add-deb-src: no deb entries configured in /etc/apt" >&2; exit 1
fi
mv "$out.tmp" "$out"
apt-get update
