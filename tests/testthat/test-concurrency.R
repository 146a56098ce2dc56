# Many R processes asking for ports at the same time, each holding the port
# it got (a real listening socket), as in login and job scripts.

# The child: ask for a port, hold it with a listening socket, say which, and
# keep it until killed (at most `hold` seconds).
hold_a_port <- function(user, tool, hold) {
  port <- port4me::port4me(tool = tool, user = user)
  srv <- tryCatch(serverSocket(port), error = function(e) NULL)
  cat(if (is.null(srv)) "lost" else "holding", port, "\n")
  flush(stdout())
  deadline <- Sys.time() + hold
  while (Sys.time() < deadline) Sys.sleep(0.1)
  invisible(port)
}

start_holder <- function(user, tool = NULL) {
  callr::r_bg(hold_a_port, args = list(user = user, tool = tool, hold = 120),
              libpath = .libPaths())
}

held_port <- function(p, timeout = 60) {
  line <- hard_wait_line(p, "^(holding|lost) ", timeout = timeout)
  if (is.na(line) || !startsWith(line, "holding ")) return(NA_integer_)
  as.integer(sub("^holding ([0-9]+).*", "\\1", line))
}

# Is each port free now (a real check)?
ports_free <- function(ports) {
  local_port4me_env("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA)
  vapply(ports, function(p) port4me(test = p), logical(1))
}

test_that("20 users at once each get their own first port", {
  skip_on_cran()
  skip_unless_child_port4me()
  local_port4me_env()
  # 20 users unique to this run whose first ports differ and are free now
  users <- character()
  first <- integer()
  i <- 0L
  while (length(users) < 20L && i < 200L) {
    i <- i + 1L
    u <- sprintf("p4m-hard-conc-%d-%d", Sys.getpid(), i)
    p1 <- port4me(user = u, list = 1)
    if (!p1 %in% first && ports_free(p1)) {
      users <- c(users, u)
      first <- c(first, p1)
    }
  }
  expect_length(users, 20L)

  local_port4me_env("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA)
  procs <- list()
  withr::defer(for (p in procs) p$kill())
  for (u in users) procs[[length(procs) + 1L]] <- start_holder(u)
  got <- vapply(procs, held_port, integer(1))
  expect_false(anyNA(got))
  expect_identical(anyDuplicated(got), 0L)
  expect_identical(got, first)
  # and they are really held: none of them is free while the children live
  expect_true(all(vapply(procs, function(p) p$is_alive(), logical(1))))
  expect_false(any(ports_free(got)))
})

test_that("10 processes of one user and tool get consecutive ports", {
  skip_on_cran()
  skip_unless_child_port4me()
  local_port4me_env()
  tool <- "p4m-hard-tool"
  # a user unique to this run whose first 11 ports are free now
  for (i in seq_len(50)) {
    user <- sprintf("p4m-hard-seq-%d-%d", Sys.getpid(), i)
    expected <- port4me(tool, user = user, list = 11)
    if (all(ports_free(expected))) break
  }
  expect_true(all(ports_free(expected)))

  local_port4me_env("_PORT4ME_CHECK_AVAILABLE_PORTS_" = NA)
  procs <- list()
  withr::defer(for (p in procs) p$kill())
  got <- integer()
  for (k in 1:10) {
    # each asks only once the one before holds its port
    procs[[k]] <- start_holder(user, tool)
    got[k] <- held_port(procs[[k]])
  }
  expect_identical(got, expected[1:10])
  # an eleventh asker, in this process, gets the 11th port of the sequence
  expect_identical(port4me(tool, user = user), expected[11])
  # once all are gone, the first port is the user's again
  for (p in procs) p$kill()
  for (p in procs) p$wait(5000)
  expect_identical(port4me(tool, user = user), expected[1])
})
