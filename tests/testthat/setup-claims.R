# Claims (SPEC section 8) live in $XDG_RUNTIME_DIR/port4me: give the test
# run a private, empty one, so that live claims of the person running the
# tests (or of another test run) cannot move the ports the tests expect,
# and the tests leave no claim behind.  Child processes inherit it.
local({
  dir <- tempfile("p4m-xdg-")
  dir.create(dir, mode = "0700")
  withr::local_envvar(XDG_RUNTIME_DIR = dir, .local_envir = teardown_env())
  withr::defer(unlink(dir, recursive = TRUE), envir = teardown_env())
})
