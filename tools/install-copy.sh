# Sourced by tools/sanitize.sh and tools/valgrind.sh.
# install_copy PKG BUILD LIB MAKEVARS LOG: copy the package at PKG to BUILD
# (so that no object file lands in the package directory) and install it
# into LIB with the compiler settings in the file MAKEVARS; on failure, show
# the install log LOG and return 1.
install_copy() {
  local pkg=$1 build=$2 lib=$3 makevars=$4 log=$5
  (cd "$pkg" && tar --exclude=.git -cf - .) | (cd "$build" && tar xf -)
  rm -f "$build"/src/*.o "$build"/src/*.so
  if ! R_MAKEVARS_USER="$makevars" R CMD INSTALL --no-test-load \
       --library="$lib" "$build" >"$log" 2>&1; then
    cat "$log" >&2
    return 1
  fi
}
