# Claims (SPEC section 8) are read from $XDG_RUNTIME_DIR/port4me and from
# the cache folder (R_USER_CACHE_DIR, else below HOME): give the test run
# private, empty ones, so that live claims of the person running the tests
# (or of another test run of the same user) cannot move the ports the tests
# expect, and the tests leave no claim behind.  Child processes inherit
# them.  (The last folder, port4me-<uid> in TMPDIR, is the run's own when
# TMPDIR is, as .ci/run makes it.)
local({
  xdg <- tempfile("p4m-xdg-")
  cache <- tempfile("p4m-cache-")
  dir.create(xdg, mode = "0700")
  dir.create(cache, mode = "0700")
  withr::local_envvar(XDG_RUNTIME_DIR = xdg, R_USER_CACHE_DIR = cache,
                      .local_envir = teardown_env())
  withr::defer(unlink(c(xdg, cache), recursive = TRUE),
               envir = teardown_env())
})
