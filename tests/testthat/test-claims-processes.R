# Claims (SPEC section 8, issue 20) seen from other processes: the command
# line, homes that cannot hold claims, other users (root runs R as nobody),
# and another host name on the same home.  Without reserve, a call must
# behave exactly as if there were no claims folder, whatever HOME is.

any_free <- c("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any")

# The environment of a child without runtime or cache folder: claims go
# below HOME (or into TMPDIR's port4me-<uid>).
no_claims_vars <- function(home, tmp) {
  c(HOME = home, TMPDIR = tmp, XDG_RUNTIME_DIR = NA, R_USER_CACHE_DIR = NA,
    XDG_CACHE_HOME = NA)
}

# This machine's host name as it appears in claims folder names.
host_name <- function() gsub("[^A-Za-z0-9._-]", "_", Sys.info()[["nodename"]])

local_dir <- function(mode = "0700", .env = parent.frame()) {
  dir <- tempfile("p4m-dir-")
  make_dir(dir, mode)
  withr::defer(unlink(dir, recursive = TRUE, force = TRUE), envir = .env)
  dir
}

test_that("the command line claims, passes over, tests and releases", {
  skip_on_cran()
  skip_if_no_cli()
  local_port4me_env()
  dir <- local_claims_dir()
  user <- test_user("cli")
  s <- port4me(user = user, list = 3)
  run <- function(args, env = character()) {
    run_r(c("-e", "port4me::port4me", args),
          env = c(R_DEFAULT_PACKAGES = "NULL", any_free, env))
  }
  r <- run(c(paste0("--user=", user), "--reserve=30"))
  expect_identical(r$stdout, paste0(s[1], "\n"), info = r$stderr)
  r <- run(paste0("--user=", user), c(PORT4ME_RESERVE = "30"))
  expect_identical(r$stdout, paste0(s[2], "\n"), info = r$stderr)
  # --debug names the claimed ports, when their claims end, and where
  r <- run(c(paste0("--user=", user), "--debug"))
  expect_identical(r$stdout, paste0(s[3], "\n"))
  for (p in s[1:2]) {
    expect_match(r$stderr, sprintf(paste0(
      "port4me: port %d skipped: claimed until ",
      "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} \\(in %s\\)\n"),
      p, dir))
  }
  # --test: a claim of another process makes the port not free (exit 1)
  expect_identical(run(paste0("--test=", s[1]))$status, 1L)
  expect_identical(run(paste0("--test=", s[3]))$status, 0L)
  # ... while in the process that claimed it, the port is free for it
  p <- port4me(user = test_user("self"), reserve = 30)
  expect_true(port4me(test = p))
  expect_identical(run(paste0("--test=", p))$status, 1L)
  # --release: exit 0 when a claim was dropped, 1 when there was none
  r <- run(paste0("--release=", s[1]))
  expect_identical(r$status, 0L, info = r$stderr)
  expect_identical(r$stdout, "")
  expect_identical(run(paste0("--release=", s[1]))$status, 1L)
  expect_true(port4me(test = s[1]))
  # a reserve above a day is an error
  r <- run("--reserve=86401")
  expect_identical(r$status, 2L)
  expect_identical(r$stderr, paste0("Error: --reserve must be a whole number ",
                                    "of seconds in 0..86400, not \"86401\"\n"))
})

test_that("HOME=/dev/null: a plain call and --test behave as with no claims folder", {
  skip_on_cran()
  skip_on_os(c("windows", "mac"))
  skip_if_no_cli()
  skip_if_no_listener()
  user <- test_user("devnull")
  first <- port4me(user = user, list = 1)
  held <- hold_port("127.0.0.1")
  free <- free_ports(1L)
  home <- local_dir()
  tmp <- local_dir()
  cases <- function(home) {
    env <- c(R_DEFAULT_PACKAGES = "NULL", no_claims_vars(home, tmp))
    list(
      search = cli_case(paste0("--user=", user), c(env, any_free)),
      debug = cli_case(c(paste0("--user=", user), "--debug"),
                       c(env, any_free)),
      free = cli_case(paste0("--test=", free), env),
      held = cli_case(paste0("--test=", held$port), env),
      r = cli_case(r_args = c("-e", sprintf(paste0(
        "cat(paste(port4me::port4me(user = '%s', prepend = %d),",
        " port4me::port4me(test = %d)), '\\n', sep = '')"), user, free,
        held$port)),
        env = env))
  }
  devnull <- cli_run_all(cases("/dev/null"))
  none <- cli_run_all(cases(home))
  for (k in names(none)) {
    expect_false(none[[k]]$timeout)
    if (k != "debug") {
      expect_identical(devnull[[k]], none[[k]], info = k)
    }
  }
  expect_identical(none$search$stdout, paste0(first, "\n"))
  expect_identical(none$search$stderr, "")
  expect_identical(none$free$status, 0L)
  expect_identical(none$held$status, 1L)
  expect_identical(none$r$stdout, paste0(free, " FALSE\n"))
  expect_identical(devnull$debug$stdout, none$debug$stdout)
  # the folder below /dev/null is passed over, and debug says why
  expect_match(devnull$debug$stderr, sprintf(paste0(
    "port4me: claims folder /dev/null/.cache/R/port4me/claims/%s ",
    "passed over: [^\n]*Not a directory\n"), host_name()))
  # nothing was written anywhere
  expect_identical(everything_in(home), character())
  expect_false(any(grepl("port4me", everything_in(tmp))))

  # with reserve, the claim goes below HOME, in a folder per host, made
  # with its parents, each private (mode 0700)
  r <- run_r(c("-e", "port4me::port4me", "--args", paste0("--user=", user),
               "--reserve=30"), env = c(no_claims_vars(home, tmp), any_free))
  expect_identical(r$stdout, paste0(first, "\n"), info = r$stderr)
  made <- c(".cache", ".cache/R", ".cache/R/port4me",
            ".cache/R/port4me/claims",
            file.path(".cache/R/port4me/claims", host_name()))
  expect_setequal(everything_in(home),
                  c(made, file.path(made[5], c(".lock", first))))
  for (d in made) {
    expect_identical(file.mode(file.path(home, d)), as.octmode("700"),
                     info = d)
  }
})

test_that("another user's HOME: a plain call and --test behave as with their own", {
  skip_on_cran()
  skip_unless_nobody_can_load()
  skip_if_no_listener()
  user <- test_user("otherhome")
  first <- port4me(user = user, list = 1)
  held <- hold_port("127.0.0.1")
  free <- free_ports(1L)
  # this user's runtime folder, with a live claim on `first`, where nobody
  # can see it exists (the run's TMPDIR) but not look inside
  xdg <- tempfile("p4m-root-xdg-", tmpdir = dirname(tempdir()))
  make_dir(xdg)
  withr::defer(unlink(xdg, recursive = TRUE))
  write_claim(file.path(xdg, "port4me"), first, unix_now() + 3600)
  code <- sprintf(
    paste0("cat(paste(port4me::port4me(user = '%s'), ",
           "port4me::port4me(test = %d)), '\\n', sep = '')"),
    user, free)
  run <- function(env) {
    res <- list(r = run_as_nobody(c("-e", code), env = c(env, any_free)),
                free = run_as_nobody(c("-e", "port4me::port4me", "--args",
                                       paste0("--test=", free)), env),
                held = run_as_nobody(c("-e", "port4me::port4me", "--args",
                                       paste0("--test=", held$port)), env))
    lapply(res, function(x) x[c("status", "stdout", "stderr")])
  }
  own <- run(c(HOME = "/nonexistent"))
  expect_identical(own$r, list(status = 0L,
                               stdout = paste(first, "TRUE"),
                               stderr = character()))
  expect_identical(own$free$status, 0L)
  expect_identical(own$held$status, 1L)
  # root's HOME (as `sudo -u nobody` keeps it) and root's runtime folder
  expect_identical(run(c(HOME = "/root", XDG_RUNTIME_DIR = xdg)), own)

  # root with a HOME and a claims folder of nobody's (as `sudo -E`): not
  # root's claims, passed over, never an error
  home <- local_dir()
  claims <- file.path(home, ".cache", "R", "port4me", "claims", host_name())
  write_claim(claims, first, unix_now() + 3600)
  stopifnot(system2("chown", c("-R", "nobody", shQuote(home))) == 0L)
  local_port4me_env()
  with_env(no_claims_vars(home, tempdir()), {
    out <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"),
                                   expect_identical(port4me(user = user),
                                                    first)))
    expect_true(port4me(test = first))
  })
  expect_match(out, sprintf("claims folder %s passed over: ", claims),
               fixed = TRUE)
  expect_match(out, "is owned by another user", fixed = TRUE)
})

test_that("HOME=/ without XDG_RUNTIME_DIR: --reserve claims in TMPDIR's port4me-<uid>", {
  skip_on_cran()
  skip_unless_nobody_can_load()
  uid <- system2("id", c("-u", "nobody"), stdout = TRUE)
  tmp <- local_shared_tmp()
  user <- test_user("slash")
  first <- port4me(user = user, list = 1)
  res <- run_as_nobody(c("-e", "port4me::port4me", "--args", paste0("--user=", user),
                         "--reserve=5", "--debug"),
                       env = c(HOME = "/", TMPDIR = tmp, any_free))
  err <- paste(res$stderr, collapse = "\n")
  expect_identical(res$status, 0L, info = err)
  expect_identical(res$stdout, as.character(first), info = err)
  dir <- file.path(tmp, paste0("port4me-", uid))
  expect_true(file.exists(file.path(dir, first)), info = err)
  expect_identical(file.mode(dir), as.octmode("700"))
  expect_identical(file.info(dir)$uname, "nobody")
  expect_match(err, sprintf("claims folder %s: claims are written here", dir),
               fixed = TRUE)
  # the folders are named without doubled slashes
  folders <- grep("claims folder", res$stderr, value = TRUE)
  expect_true(any(grepl("claims folder /.cache/R/port4me/claims/", folders,
                        fixed = TRUE)), info = err)
  expect_false(any(grepl("//", folders, fixed = TRUE)), info = err)
})

# The other host: a process in UTS and network namespaces of its own (its
# own host name and its own loopback, as a second node would have), with
# the same HOME (as on a home shared over NFS).
test_that("a claim made under another host name, same HOME, is not honoured here", {
  skip_on_cran()
  skip_on_os(c("windows", "mac"))
  skip_if_no_cli()
  skip_if_not(is_root(), "needs root for namespaces (unshare -u -n)")
  unshare <- Sys.which("unshare")
  skip_if_not(nzchar(unshare), "unshare (util-linux) is not installed")
  skip_if_not(nzchar(Sys.which("hostname")), "hostname is not installed")
  skip_if_not(system2(unshare, c("-u", "-n", "true")) == 0L,
              "unshare -u -n does not work here")
  local_port4me_env()
  home <- local_dir()
  tmp <- local_dir()
  user <- test_user("host")
  s <- port4me(user = user, list = 2)
  other <- "p4m-other-host"
  skip_if(identical(host_name(), other), "this host has the other's name")
  res <- processx::run(unshare, c(
    "-u", "-n", "sh", "-c", sprintf('hostname %s && exec "$0" "$@"', other),
    rscript_bin(), "-e", "port4me::port4me", "--args", paste0("--user=", user),
    "--reserve=600"),
    env = cli_child_env(c(no_claims_vars(home, tmp), any_free)),
    error_on_status = FALSE, timeout = 120)
  expect_identical(res$stdout, paste0(s[1], "\n"), info = res$stderr)
  cache <- file.path(home, ".cache", "R", "port4me", "claims")
  expect_true(file.exists(file.path(cache, other, s[1])))
  with_env(no_claims_vars(home, tmp), {
    # here, the other host's claim is not honoured
    expect_identical(port4me(user = user), s[1])
    expect_true(port4me(test = s[1]))
    # a claim made here is, in this host's folder
    expect_identical(port4me(user = user, reserve = 600), s[1])
    expect_identical(port4me(user = user), s[2])
    expect_true(port4me(release = s[1]))
  })
  expect_true(file.exists(file.path(cache, other, s[1])))
  expect_setequal(list.files(cache), c(other, host_name()))
})
