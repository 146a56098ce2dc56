# PORT4ME_DEBUG=true (or --debug) answers "why did I get this port?" (SPEC
# section 5): first the inputs and where each came from, then each port
# passed over and why.

debug_lines <- function(expr) {
  out <- capture_stderr(with_env(c(PORT4ME_DEBUG = "true"), expr))
  strsplit(out, "\n", fixed = TRUE)[[1]]
}

test_that("debug output starts with the inputs and their sources", {
  local_port4me_env()
  lines <- debug_lines(port4me(user = "alice", list = 2))
  unsafe <- "1,7,9,11,13,15,17,19-23,25,37,42-43,53,69,77,79,87,95,101-104,109-111,113,115,117,119,123,135,137,139,143,161,179,389,427,465,512-515,526,530-532,540,548,554,556,563,587,601,636,989-990,993,995,1719-1720,1723,2049,3659,4045,5060-5061,6000,6566,6665-6669,6697,10080"
  expect_identical(lines[1:7], c(
    "port4me: user \"alice\" (from 'user')",
    "port4me: tool none",
    "port4me: seed string \"alice\", hash 92903040",
    "port4me: include 1024-65535 (the default)",
    paste0("port4me: exclude ", unsafe, " (from PORT4ME_EXCLUDE_UNSAFE)"),
    "port4me: prepend none",
    sprintf("port4me: %d candidate ports",
            length(setdiff(1024:65535, ref_unsafe())))
  ))
  expect_match(lines[8], "^port4me: claims in .*; reserve nothing$")
})

test_that("debug output names the variables that gave each input", {
  local_port4me_env(PORT4ME_USER = "bob", PORT4ME_TOOL = "rstudio",
                    PORT4ME_INCLUDE = "2000-2009,2011",
                    PORT4ME_INCLUDE_SITE = "3000",
                    PORT4ME_EXCLUDE_SITE = "2006",
                    PORT4ME_EXCLUDE_UNSAFE = "0",
                    PORT4ME_PREPEND_SITE = "91")
  lines <- debug_lines(port4me(exclude = c(2005, 2007), prepend = c(80:82, 90),
                               reserve = 0, list = 1))
  expect_identical(lines[1:7], c(
    "port4me: user \"bob\" (from PORT4ME_USER)",
    "port4me: tool \"rstudio\" (from PORT4ME_TOOL)",
    sprintf("port4me: seed string \"bob,rstudio\", hash %.0f",
            ref_hash("bob,rstudio")),
    paste0("port4me: include 2000-2009,2011,3000 (from PORT4ME_INCLUDE and ",
           "PORT4ME_INCLUDE_SITE)"),
    "port4me: exclude 2005-2007 (from 'exclude' and PORT4ME_EXCLUDE_SITE)",
    "port4me: prepend 80-82,90-91 (from 'prepend' and PORT4ME_PREPEND_SITE)",
    "port4me: 9 candidate ports"
  ))
  # the user from USER, and from the account name
  withr::local_envvar(PORT4ME_USER = NA, USER = "carol")
  expect_identical(debug_lines(port4me(list = 1))[1],
                   "port4me: user \"carol\" (from USER)")
  withr::local_envvar(USER = NA)
  expect_match(debug_lines(port4me(list = 1))[1],
               "^port4me: user \".+\" \\(from the account name\\)$")
  # arguments, and the tool as an argument
  expect_identical(debug_lines(port4me("shiny", user = "dan", list = 1))[1:2],
                   c("port4me: user \"dan\" (from 'user')",
                     "port4me: tool \"shiny\" (from 'tool')"))
})

test_that("debug output then says why each port was passed over", {
  local_port4me_env()
  first <- port4me(user = "alice", list = 3)
  lines <- debug_lines(port4me(user = "alice", exclude = "0",
                               prepend = first[1], reserve = 0))
  expect_identical(tail(lines, 1), sprintf(
    "port4me: port %d counts as free (_PORT4ME_CHECK_AVAILABLE_PORTS_=any)",
    first[1]))
  # a claimed port (SPEC section 8) is named with its expiry
  expect_identical(port4me(user = "p4m-debug-claims", reserve = 30),
                   p <- port4me(user = "p4m-debug-claims", list = 1))
  lines <- debug_lines(port4me(user = "p4m-debug-claims"))
  expect_match(lines, sprintf(
    "^port4me: port %d skipped: claimed until [0-9]{2}:[0-9]{2}:[0-9]{2}$", p),
    all = FALSE)
  expect_match(debug_lines(port4me(test = p)), sprintf(
    "^port4me: port %d skipped: claimed until", p), all = FALSE)
  # debug is off for false values; anything else is an error
  for (v in c("false", "FALSE", "False", "0", "no", "")) {
    out <- capture_stderr(with_env(c(PORT4ME_DEBUG = v),
                                   port4me(user = "alice", list = 1)))
    expect_identical(out, "", info = v)
  }
  for (v in c("true", "TRUE", "True", "1", "yes")) {
    out <- capture_stderr(with_env(c(PORT4ME_DEBUG = v),
                                   port4me(user = "alice", list = 1)))
    expect_match(out, "^port4me: user \"alice\"", info = v)
  }
})
