#!/usr/bin/env bash
# tools/debian-r/run.sh --suite SUITE [--build-only] [TARBALL | PKGDIR]
#
# Test port4me for real on the R of a Debian release, in a chroot built with
# debootstrap: bullseye (Debian 11, R 4.0.4, the oldest R the package
# promises) or trixie (Debian 13, R 4.5), or any other suite.  The package
# tarball (given, or built from PKGDIR, default the directory above tools/)
# is copied into the root and inner.sh runs there as root, with
# NOT_CRAN=true.  Two recipes:
#   bullseye: R CMD INSTALL (no compiler warning), the testthat suite
#     (tools/testthat-counts.R) and the command-line checks;
#   any other suite: R CMD build with the root's R (vignettes built),
#     R CMD check --as-cran --no-manual, which must end "Status: OK" and
#     whose test run (the whole suite, once) is counted expectation by
#     expectation, the command-line checks against the checked package, and
#     the C files of src/ compiled with the root's gcc and clang (pure C
#     files at -std=c99 -Wall -Wextra -pedantic -Wstrict-prototypes -Werror,
#     the R-facing ones with -fsyntax-only against the root's R headers).
# Ends with exactly one line
#   SUITE: N passed, N failed, N skipped
# (testthat expectations, plus one per build, check, command-line check and
# compiled file).  Exits non-zero on any failure.
#
# The root is cached outside the clone, in $PORT4ME_DEBIAN_ROOT (default
# /var/cache/port4me/SUITE), and (re)built when absent or incomplete: a stamp
# file, written last, records the recipe and package list it was built with.
# The Debian mirror is read from this machine's apt configuration at run time
# ($PORT4ME_DEBIAN_MIRROR overrides it); no address is written anywhere (the
# root's own apt sources are removed once it is built).  --build-only makes
# sure the root exists and stops there (CI builds the roots in the
# background while other stages run).
# Needs root (debootstrap, chroot, mount).
set -u
here=$(cd "$(dirname "$0")" && pwd)
usage() { sed -n '2p' "$0" | sed 's/^# *//' >&2; exit 2; }
suite="" build_only=0 arg=""
while [ $# -gt 0 ]; do
  case $1 in
    --suite) suite=${2:-}; [ $# -ge 2 ] || usage; shift 2 ;;
    --suite=*) suite=${1#--suite=}; shift ;;
    --build-only) build_only=1; shift ;;
    -h|--help) usage ;;
    -*) echo "unknown option: $1" >&2; usage ;;
    *) [ -z "$arg" ] || usage; arg=$1; shift ;;
  esac
done
[[ $suite =~ ^[a-z][a-z0-9-]*$ ]] || { echo "--suite SUITE is required (e.g. bullseye, trixie)" >&2; usage; }
name=$suite     # the closing line's label
root_dir=${PORT4ME_DEBIAN_ROOT:-/var/cache/port4me/$suite}

## The recipe of each suite: Debian packages of the root (the optional ones
## installed when the suite has them) and what inner.sh does there.
case $suite in
  bullseye)
    mode=suite
    debs="r-base-core r-base-dev r-cran-testthat r-cran-withr r-cran-callr
          r-cran-processx r-cran-httpuv r-cran-shiny locales strace
          bash-completion"
    optional="" ;;
  *)
    mode=check
    debs="r-base-core r-base-dev r-cran-testthat r-cran-withr r-cran-callr
          r-cran-processx r-cran-httpuv r-cran-shiny r-cran-knitr
          r-cran-rmarkdown pandoc qpdf locales gcc clang strace
          bash-completion"
    optional="r-cran-bench r-cran-plumber" ;;
esac
debs=$(echo $debs)
stamp_text="recipe=3 suite=$suite debs=$debs optional=$optional"  # change recipe= to force a rebuild

finish() {  # finish PASSED FAILED SKIPPED: the closing line and exit status
  echo "$name: $1 passed, $2 failed, $3 skipped"
  [ "$2" -eq 0 ]
  exit
}
die() { echo "$name: $*" >&2; finish 0 1 0; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mount)"
case $root_dir in
  /?*) root_dir=${root_dir%/} ;;
  *) die "PORT4ME_DEBIAN_ROOT must be an absolute path, not '$root_dir'" ;;
esac
stamp="$root_dir/.port4me-root-complete"

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
  mirror=${PORT4ME_DEBIAN_MIRROR:-$(echo "$entries" | awk '
    $2 ~ /^(oldoldstable|oldstable|stable|testing|unstable|sid|buster|bullseye|bookworm|trixie|forky|duke)$/ {
      print $1; exit }')}
  security=$(echo "$entries" | awk '$2 ~ /-security$/ { print $1; exit }')
  [ -n "$mirror" ] || die "no Debian mirror found in this machine's apt sources (set PORT4ME_DEBIAN_MIRROR)"
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
  [ -n "${run_dir:-}" ] && [ -z "${PORT4ME_DEBIAN_KEEP:-}" ] && rm -rf "$run_dir"
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
  echo "=== $name: using the cached root $root_dir" \
    "(optional packages installed: $(cat "$root_dir/.port4me-optional" 2>/dev/null))"
else
  command -v debootstrap >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; } ||
    die "cannot install debootstrap"
  find_mirrors
  echo "=== $name: building a Debian $suite root in $root_dir"
  t0=$(date +%s)
  umount_stale
  if awk -v r="$root_dir" '$2 == r || index($2, r "/") == 1 { f = 1 } END { exit !f }' /proc/mounts; then
    die "something is still mounted under $root_dir: not removing it"
  fi
  rm -rf --one-file-system "$root_dir"
  mkdir -p "$root_dir"
  building=1
  log=$(mktemp "${TMPDIR:-/tmp}/port4me-root-$suite.XXXXXX")  # removed on exit
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
  if ! in_root apt-get update >>"$log" 2>&1; then
    # a suite without a security suite on this mirror: without it
    [ -n "$security" ] || { show_log "$log"; die "apt-get update in the root failed"; }
    echo "=== $name: apt-get update failed; again without $suite-security"
    sed -i '/-security /d' "$root_dir/etc/apt/sources.list"
    in_root apt-get update >>"$log" 2>&1 ||
      { show_log "$log"; die "apt-get update in the root failed"; }
  fi
  install=$debs found=""
  for p in $optional; do   # those this suite has
    if in_root apt-cache show "$p" >/dev/null 2>&1; then
      install="$install $p" found="$found $p"
    fi
  done
  echo "${found# }" > "$root_dir/.port4me-optional"
  echo "=== $name: installing $install"
  in_root apt-get install -y --no-install-recommends $install >>"$log" 2>&1 ||
    { show_log "$log"; die "apt-get install in the root failed"; }
  in_root apt-get clean >>"$log" 2>&1
  umount_all
  rm -f "$root_dir/etc/apt/sources.list"    # no mirror address stays behind
  rm -rf "$root_dir"/var/lib/apt/lists/* "$root_dir/var/log/bootstrap.log"
  echo "$stamp_text" > "$stamp"
  echo "=== $name: root built in $(( $(date +%s) - t0 )) s"
fi
[ "$build_only" = 1 ] && { echo "$name: 0 passed, 0 failed, 0 skipped"; exit 0; }

## 2. The package tarball
arg=${arg:-$here/../..}
if [ -f "$arg" ]; then
  tarball=$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")
elif [ -f "$arg/DESCRIPTION" ]; then
  host_tmp=$(mktemp -d "${TMPDIR:-/tmp}/port4me-$suite-build.XXXXXX")
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
run_dir=$(mktemp -d "$root_dir/tmp/port4me-$suite.XXXXXX")
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
    TMPDIR=/tmp NOT_CRAN=true _R_CHECK_SYSTEM_CLOCK_=0 \
    _R_CHECK_CRAN_INCOMING_REMOTE_=false _R_CHECK_CRAN_INCOMING_=false \
    /bin/bash "$inner/inner.sh" "$inner" "$inner/$(basename "$tarball")" \
      "$name" "$mode" &
child=$!
wait "$child"
child=
echo "=== $name: tests took $(( $(date +%s) - t0 )) s"
if [ -s "$run_dir/counts" ]; then
  read -r p f s < "$run_dir/counts"
else
  p=0 f=1 s=0; echo "=== $name: the tests did not finish"
fi
finish "$p" "$f" "$s"
