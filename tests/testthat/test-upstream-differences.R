# Where this package differs, on purpose, from the Python (0.7.0) and Bash
# (0.7.1) implementations of port4me (NEWS.md and ?port4me list each case).
# Each test pins this package's side. Expected ports come from the small
# transcription of the algorithm below (hash over code points, LCG with the
# fixed-point rule, candidates 1024..65535 minus the browser-unsafe ports),
# never from port4me() itself; the ports that NEWS.md quotes for Python and
# Bash are checked against it too. (A port held on [::1] counting as busy is
# tested in test-free.R.)

ud_chrome <- c(1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43,
               53, 69, 77, 79, 87, 95, 101:104, 109:111, 113, 115, 117, 119,
               123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512:515, 526,
               530:532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
               995, 1719, 1720, 1723, 2049, 3659, 4045, 5060, 5061, 6000,
               6566, 6665:6669, 6697, 10080)
ud_firefox <- c(1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43,
                53, 77, 79, 87, 95, 101:104, 109:111, 113, 115, 117, 119, 123,
                135, 139, 143, 179, 389, 465, 512:515, 526, 530:532, 540, 556,
                563, 587, 601, 636, 993, 995, 2049, 4045, 6000)
ud_unsafe <- union(ud_chrome, ud_firefox)

ud_hash <- function(codes) {
  h <- 0
  for (cp in codes) h <- (31 * h + cp) %% 2^32
  h
}

# The first n ports of the generator for seed string `seed` (or for the
# code points `codes`) that are candidates.
ud_ports <- function(seed, n = 1L, exclude = numeric(),
                     codes = utf8ToInt(enc2utf8(seed))) {
  ok <- logical(65536L)
  ok[setdiff(1024:65535, c(ud_unsafe, exclude)) + 1L] <- TRUE
  s <- ud_hash(codes) %% 65537
  out <- integer()
  while (length(out) < n) {
    nxt <- (75 * s + 74) %% 65537
    if (nxt == s) {
      s <- s + 1
      nxt <- (75 * s + 74) %% 65537
    }
    s <- nxt
    if (nxt < 65536 && ok[nxt + 1]) out <- c(out, as.integer(nxt))
  }
  out
}

# Every port counts as free; no port4me setting of the caller leaks in.
ud_env <- function(..., .env = parent.frame()) {
  old <- grep("^PORT4ME_", names(Sys.getenv()), value = TRUE)
  vars <- stats::setNames(rep(NA_character_, length(old)), old)
  vars[["_PORT4ME_CHECK_AVAILABLE_PORTS_"]] <- "any"
  extra <- c(...)
  vars[names(extra)] <- extra
  withr::local_envvar(vars, .local_envir = .env)
}

test_that("the reference transcription gives the known ports", {
  expect_identical(ud_ports("alice", 3), c(30845L, 19654L, 32310L))
  expect_identical(ud_ports("bob"), 54242L)
  expect_identical(ud_ports("hrms", 2), c(5624L, 28652L))  # fixed point
})

test_that("repeated prepended ports are tried once (Python's --prepend and Bash keep them)", {
  ud_env()
  # the stream, by hand: 5000, 6000 (the repeat dropped), then the sequence
  stream <- c(5000L, 6000L, ud_ports("alice", 3))
  expect_identical(stream[3], 30845L)  # NEWS.md: 30845 here, 5000 upstream
  expect_identical(port4me(user = "alice", prepend = "5000,6000,5000",
                           skip = 2), stream[3])
  expect_identical(port4me(user = "alice", prepend = c(5000, 6000, 5000),
                           list = 5), stream)
  # a repeat right after itself, which Bash drops too
  expect_identical(port4me(user = "alice", prepend = "5000,5000,6000",
                           list = 3), stream[1:3])
  # the variable, and a port of PORT4ME_PREPEND_SITE already prepended
  ud_env(PORT4ME_PREPEND = "5000,6000,5000", PORT4ME_SKIP = "2")
  expect_identical(port4me(user = "alice"), stream[3])
  ud_env(PORT4ME_PREPEND_SITE = "6000,5000")
  expect_identical(port4me(user = "alice", prepend = "5000", list = 3),
                   stream[1:3])
})

test_that("an empty PORT4ME_USER falls back to USER (Python hashes the empty name)", {
  ud_env(PORT4ME_USER = "", USER = "alice")
  expect_identical(port4me(), ud_ports("alice"))
  expect_identical(port4me(list = 3), ud_ports("alice", 3))
  expect_identical(ud_ports("alice"), 30845L)  # NEWS.md: here and Bash
  expect_identical(ud_ports(""), 5624L)        # NEWS.md: Python
  ud_env(PORT4ME_USER = "", USER = "bob")
  expect_identical(port4me(), ud_ports("bob"))
  # an empty user given directly is an error (Python: its default user)
  expect_error(port4me(user = ""), class = "port4me_invalid")
})

test_that("trailing commas of <user>,<tool> are kept (Python strips all, Bash one)", {
  ud_env()
  expect_identical(port4me(",", user = "alice"), ud_ports("alice,,"))
  expect_identical(ud_ports("alice,,"), 52381L)  # NEWS.md: here
  expect_identical(ud_ports("alice"), 30845L)    # NEWS.md: Python
  expect_identical(ud_ports("alice,"), 39757L)   # NEWS.md: Bash
  expect_identical(port4me("x,", user = "alice"), ud_ports("alice,x,"))
  expect_identical(ud_ports("alice,x,"), 30292L) # NEWS.md: here
  expect_identical(ud_ports("alice,x"), 58081L)  # NEWS.md: Python and Bash
  # a user name ending in a comma, no tool: here as in Bash
  expect_identical(port4me(user = "alice,"), ud_ports("alice,"))
  ud_env(PORT4ME_TOOL = ",")
  expect_identical(port4me(user = "alice", list = 2), ud_ports("alice,,", 2))
})

test_that("list = 0 is an error, as in Python 0.7.0 and Bash", {
  invalid <- function(expr) {
    tryCatch(expr, port4me_invalid = function(e) e)
  }
  ud_env()
  e <- invalid(port4me(user = "alice", list = 0))
  expect_s3_class(e, "port4me_invalid")
  expect_identical(e$source, "list")
  ud_env(PORT4ME_LIST = "0")
  e <- invalid(port4me(user = "alice"))
  expect_s3_class(e, "port4me_invalid")
  expect_identical(e$source, "PORT4ME_LIST")
})

test_that("the default user is USER, not LOGNAME (Python reads LOGNAME first)", {
  ud_env(USER = "alice", LOGNAME = "bob")
  expect_identical(port4me(), ud_ports("alice"))
  expect_identical(ud_ports("bob"), 54242L)  # NEWS.md: Python
})

test_that("an exclude argument keeps PORT4ME_EXCLUDE_SITE and the unsafe list (Python drops both)", {
  ud_env(PORT4ME_EXCLUDE_SITE = "19654")
  expect_identical(port4me(user = "alice", exclude = 30845),
                   ud_ports("alice", exclude = c(30845, 19654)))
  expect_identical(ud_ports("alice", exclude = c(30845, 19654)), 32310L)
  # an unsafe port stays out whatever exclude is: 6000 and 6665 are unsafe
  expect_identical(port4me(user = "alice", include = "6000,6665,7000",
                           exclude = 7001), 7000L)
})

test_that("no candidate port is an error (Bash returns the excluded port, Python hangs)", {
  ud_env()
  expect_error(port4me(user = "alice", include = 30845, exclude = 30845),
               class = "port4me_invalid")
})

test_that("when every candidate is busy the search ends after one cycle", {
  ud_env()
  srv <- NULL
  for (port in ud_ports("p4m-ud-busy", 20)) {
    srv <- tryCatch(serverSocket(port), error = function(e) NULL)
    if (!is.null(srv)) break
  }
  skip_if(is.null(srv), "could not hold a port")
  withr::defer(close(srv))
  ud_env("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA)
  expect_error(port4me(user = "p4m-ud-busy", include = port,
                       max_tries = 65535),
               "(1 distinct port)", fixed = TRUE, class = "port4me_no_port")
})

test_that("non-ASCII names hash by code point (Bash in the C locale: by byte)", {
  ud_env()
  jorg <- "j\u00f6rg"
  expect_identical(port4me(user = jorg), ud_ports(jorg))
  expect_identical(ud_ports(jorg), 33893L)  # NEWS.md: here and Python
  expect_identical(ud_ports(codes = as.integer(charToRaw(enc2utf8(jorg)))),
                   37264L)                  # NEWS.md: Bash, C locale
})

test_that("port specifications that upstream accepts are errors here", {
  ud_env()
  for (spec in c("2000-", "5-2", "70000", "0-10")) {
    expect_error(port4me(user = "alice", include = spec),
                 class = "port4me_invalid", label = spec)
  }
})

test_that("the command line: repeats, an empty PORT4ME_USER, trailing commas, --list=0, C locale", {
  skip_if_not_installed("processx")
  rscript <- file.path(R.home("bin"), "Rscript")
  skip_if_not(file.exists(rscript), "Rscript is not found")
  loaded <- getNamespaceInfo(asNamespace("port4me"), "path")
  found <- find.package("port4me", lib.loc = .libPaths(), quiet = TRUE)
  skip_if_not(length(found) > 0L &&
                identical(normalizePath(found[1L]), normalizePath(loaded)),
              "the package under test is not the installed one")
  # start every case at once, then collect them
  start <- function(args, env = character()) {
    cur <- Sys.getenv()
    keep <- !grepl("^_?PORT4ME_", names(cur)) & names(cur) != "R_TESTS"
    all <- c(stats::setNames(as.character(cur[keep]), names(cur)[keep]),
             R_LIBS = paste(.libPaths(), collapse = .Platform$path.sep),
             R_DEFAULT_PACKAGES = "NULL",
             "_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any")
    all[names(env)] <- env
    processx::process$new(rscript, c("-e", "port4me::port4me", "--args", args),
                          env = all, stdout = "|", stderr = "|",
                          cleanup = TRUE)
  }
  procs <- list(
    prepend = start(c("--user=alice", "--prepend=5000,6000,5000", "--skip=2")),
    user = start(character(), c(PORT4ME_USER = "", USER = "alice")),
    tool = start(c("--user=alice", "--tool=,")),
    list0 = start(c("--user=alice", "--list=0")),
    jorg = start("--user=j\u00f6rg", c(LC_ALL = "C", LANG = "C"))
  )
  res <- lapply(procs, function(p) {
    p$wait(60000)
    if (p$is_alive()) p$kill()
    list(stdout = paste(p$read_all_output_lines(), collapse = "\n"),
         stderr = paste(p$read_all_error_lines(), collapse = "\n"),
         status = p$get_exit_status())
  })
  expect_identical(res$prepend$stdout,
                   as.character(c(5000L, 6000L, ud_ports("alice"))[3]))
  expect_identical(res$user$stdout, as.character(ud_ports("alice")))
  expect_identical(res$tool$stdout, as.character(ud_ports("alice,,")))
  expect_identical(res$list0$status, 2L)
  expect_match(res$list0$stderr, "Error")
  expect_identical(res$list0$stdout, "")
  expect_identical(res$jorg$stdout, as.character(ud_ports("j\u00f6rg")))
})
