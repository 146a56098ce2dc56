#!/usr/bin/env bash
# tools/debian-r/run.sh [TARBALL | PKGDIR]
#
# Test port4me on old R for real: R 4.0.4 from Debian 11 "bullseye", in a
# chroot built with debootstrap.  Installs the package tarball there (given,
# or built from PKGDIR, default the directory above tools/), runs the
# testthat suite (tools/testthat-counts.R) and command-line checks as root
# with NOT_CRAN=true, and ends with exactly one line
#   oldr: N passed, N failed, N skipped
# (testthat expectations plus one count per command-line check).  Exits
# non-zero on any failure.
#
# The root is cached outside the clone, in $PORT4ME_OLDR_ROOT (default
# /var/cache/port4me/bullseye), and (re)built when absent or incomplete: a
# stamp file, written last, records the package list it was built with.
# The Debian mirror is read from this machine's apt configuration at run time
# ($PORT4ME_OLDR_MIRROR overrides it); no address is written anywhere (the
# root's own apt sources are removed once it is built).
# Needs root (debootstrap, chroot, mount).  About 6 minutes for the root,
# then about 2-3 minutes a run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root_dir=${PORT4ME_OLDR_ROOT:-/var/cache/port4me/bullseye}
suite=bullseye
debs="r-base-core r-base-dev r-cran-testthat r-cran-withr r-cran-callr
      r-cran-processx r-cran-httpuv r-cran-shiny locales"
debs=$(echo $debs)
stamp="$root_dir/.port4me-oldr-complete"
stamp_text="recipe=2 suite=$suite debs=$debs"  # change recipe= to force a rebuild

finish() {  # finish PASSED FAILED SKIPPED: the closing line and exit status
  echo "oldr: $1 passed, $2 failed, $3 skipped"
  [ "$2" -eq 0 ]
  exit
}
die() { echo "oldr: $*" >&2; finish 0 1 0; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mount)"
case $root_dir in
  /?*) root_dir=${root_dir%/}; stamp="$root_dir/.port4me-oldr-complete" ;;
  *) die "PORT4ME_OLDR_ROOT must be an absolute path, not '$root_dir'" ;;
esac

## The Debian mirror and the security mirror of this machine's apt sources,
## as "URI SUITE" lines: one-line sources.list files and deb822 .sources.
apt_entries() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '/^[ \t]*deb[ \t]/ {
           sub(/^[ \t]*deb[ \t]+/, "")
           if ($0 ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "")
           n = split($0, a, /[ \t]+/)
           for (i = 3; i <= n; i++) if (a[i] == "main") { print a[1], a[2]; break }
         }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'function flush(   n, m, i, j, U, S) {
           if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no" &&
               comps ~ /(^|[ \t])main([ \t]|$)/) {
             n = split(uris, U, /[ \t]+/); m = split(suites, S, /[ \t]+/)
             for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print U[i], S[j]
           }
           types = uris = suites = comps = enabled = ""
         }
         /^#/ { next }
         /^[ \t]*$/ { flush(); next }
         /^[^ \t]/ {
           k = tolower($0); sub(/:.*/, "", k)
           v = $0; sub(/^[^:]*:[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
           if (k == "types") types = v; else if (k == "uris") uris = v
           else if (k == "suites") suites = v; else if (k == "components") comps = v
           else if (k == "enabled") enabled = tolower(v)
         }
         END { flush() }' "$f"
  done
}
find_mirrors() {
  local entries
  entries=$(apt_entries | awk '$1 ~ /^(https?|file):/')
  mirror=${PORT4ME_OLDR_MIRROR:-$(echo "$entries" | awk '
    $2 ~ /^(oldoldstable|oldstable|stable|testing|unstable|sid|buster|bullseye|bookworm|trixie|forky|duke)$/ {
      print $1; exit }')}
  security=$(echo "$entries" | awk '$2 ~ /-security$/ { print $1; exit }')
  [ -n "$mirror" ] || die "no Debian mirror found in this machine's apt sources (set PORT4ME_OLDR_MIRROR)"
}

## Mounts inside the root, undone on exit
mounted=()
umount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}"
  done
  mounted=()
}
mount_root() {
  mount -t proc proc "$root_dir/proc" && mounted+=("$root_dir/proc") || return 1
  local d
  for d in /dev /dev/pts /dev/shm; do
    [ -d "$d" ] || continue
    mkdir -p "$root_dir$d"
    mount --bind "$d" "$root_dir$d" && mounted+=("$root_dir$d") || return 1
  done
}
in_root() {  # in_root COMMAND...: run in the root with a clean environment
  chroot "$root_dir" /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    TMPDIR=/tmp DEBIAN_FRONTEND=noninteractive "$@"
}
cleanup() {
  umount_all
  if [ -n "${building:-}" ] && [ ! -f "$stamp" ]; then  # a build that failed
    umount_stale
    rm -rf --one-file-system "$root_dir"   # useless, and it names the mirror
  fi
  [ -n "${run_dir:-}" ] && [ -z "${PORT4ME_OLDR_KEEP:-}" ] && rm -rf "$run_dir"
  [ -n "${host_tmp:-}" ] && rm -rf "$host_tmp"
  [ -n "${build_log:-}" ] && rm -f "$build_log"
}
show_log() {  # the end of the build log, with addresses masked
  tail -n 30 "$1" | sed -E 's#[a-z]+://[^ ]+#<mirror>#g'
}
# Anything still mounted under the root (a run killed before its trap ran):
# unmount it, deepest first, before the root is used or removed.
umount_stale() {
  local m
  awk -v r="$root_dir" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts |
    sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
}
on_signal() {  # stop the tests' process group, then clean up (EXIT trap)
  [ -n "${child:-}" ] && kill -TERM -- "-$child" 2>/dev/null
  exit 130
}
trap cleanup EXIT
trap on_signal INT TERM

## 1. The root (built once, under a lock so that two runs do not collide)
mkdir -p "$(dirname "$root_dir")" || die "cannot create $(dirname "$root_dir")"
exec 9>"$root_dir.lock"
flock 9
umount_stale
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_text" ]; then
  echo "=== oldr: using the cached root $root_dir"
else
  command -v debootstrap >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; } ||
    die "cannot install debootstrap"
  find_mirrors
  echo "=== oldr: building a Debian $suite root in $root_dir (about 6 minutes)"
  t0=$(date +%s)
  umount_stale
  if awk -v r="$root_dir" '$2 == r || index($2, r "/") == 1 { f = 1 } END { exit !f }' /proc/mounts; then
    die "something is still mounted under $root_dir: not removing it"
  fi
  rm -rf --one-file-system "$root_dir"
  mkdir -p "$root_dir"
  building=1
  log=$(mktemp "${TMPDIR:-/tmp}/port4me-oldr-root.XXXXXX")  # removed on exit
  build_log=$log
  debootstrap --variant=minbase --components=main "$suite" "$root_dir" "$mirror" \
      >"$log" 2>&1 || { show_log "$log"; die "debootstrap failed"; }
  {
    echo "deb $mirror $suite main"
    [ -n "$security" ] && echo "deb $security $suite-security main"
  } > "$root_dir/etc/apt/sources.list"
  # what a Debian installation has and debootstrap leaves out: localhost
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
    > "$root_dir/etc/hosts"
  printf '#!/bin/sh\nexit 101\n' > "$root_dir/usr/sbin/policy-rc.d"
  chmod 755 "$root_dir/usr/sbin/policy-rc.d"
  mount_root || die "cannot mount /proc, /dev in $root_dir"
  { in_root apt-get update &&
    in_root apt-get install -y --no-install-recommends $debs; } >>"$log" 2>&1 ||
    { show_log "$log"; die "apt-get install in the root failed"; }
  in_root apt-get clean >>"$log" 2>&1
  umount_all
  rm -f "$root_dir/etc/apt/sources.list"    # no mirror address stays behind
  rm -rf "$root_dir"/var/lib/apt/lists/* "$root_dir/var/log/bootstrap.log"
  echo "$stamp_text" > "$stamp"
  echo "=== oldr: root built in $(( $(date +%s) - t0 )) s"
fi
[ "${1:-}" = "--build-only" ] && { echo "oldr: 0 passed, 0 failed, 0 skipped"; exit 0; }

## 2. The package tarball
arg=${1:-$here/../..}
if [ -f "$arg" ]; then
  tarball=$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")
elif [ -f "$arg/DESCRIPTION" ]; then
  host_tmp=$(mktemp -d "${TMPDIR:-/tmp}/port4me-oldr-build.XXXXXX")
  pkgdir=$(cd "$arg" && pwd)
  (cd "$host_tmp" && R CMD build --no-build-vignettes "$pkgdir" >build.log 2>&1) ||
    { cat "$host_tmp/build.log"; die "R CMD build failed"; }
  tarball=$(ls "$host_tmp"/port4me_*.tar.gz)
else
  die "not a tarball or a package directory: $arg"
fi
counts_script=$here/../testthat-counts.R
[ -f "$counts_script" ] || die "missing $counts_script"

## 3. Install and test inside the root
run_dir=$(mktemp -d "$root_dir/tmp/port4me-oldr.XXXXXX")
chmod 755 "$run_dir"   # the privileged-port test runs R as nobody on this library
inner=/tmp/$(basename "$run_dir")
cp "$tarball" "$run_dir/" && cp "$counts_script" "$here/inner.sh" "$run_dir/" ||
  die "cannot copy into $run_dir"
mount_root || die "cannot mount /proc, /dev in $root_dir"
t0=$(date +%s)
# in a session of its own, so that a signal to this script can stop it all
setsid chroot "$root_dir" /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    TMPDIR=/tmp NOT_CRAN=true \
    /bin/bash "$inner/inner.sh" "$inner" "$inner/$(basename "$tarball")" &
child=$!
wait "$child"
child=
echo "=== oldr: tests took $(( $(date +%s) - t0 )) s"
if [ -s "$run_dir/counts" ]; then
  read -r p f s < "$run_dir/counts"
else
  p=0 f=1 s=0; echo "=== oldr: the tests did not finish"
fi
finish "$p" "$f" "$s"
