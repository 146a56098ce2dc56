# What users do: start a real Shiny app on `port4me("shiny")` in another R
# process, open it over HTTP, and see that, while it runs, port4me gives
# the same user the next port of the sequence; once the app is gone, the
# first port comes back.

# (fetch_page() is in helper-http.R)

test_that("a Shiny app gets the user's port; others then get the next one", {
  skip_on_cran()
  skip_if_not_installed("shiny")
  skip_unless_child_port4me()

  # No port4me settings from outside, no proxy for 127.0.0.1; the children
  # inherit this environment.
  vars <- grep("^_?PORT4ME_", names(Sys.getenv()), value = TRUE)
  withr::local_envvar(c(
    stats::setNames(rep(NA_character_, length(vars)), vars),
    no_proxy = "127.0.0.1,localhost", NO_PROXY = "127.0.0.1,localhost"
  ))

  # A user of this test run only, so that nobody else uses this sequence
  user <- paste0("p4m-shiny-", Sys.getpid())
  ports <- port4me("shiny", user = user, list = 2)
  if (!port4me(test = ports[1]) || !port4me(test = ports[2])) {
    skip("the first two ports of the test user's sequence are in use")
  }

  # The children use the library of this process (callr's default)
  expect_identical(callr::r(function() .libPaths()), .libPaths())

  marker <- paste0("port4me-shiny-test-", user)
  app <- callr::r_bg(
    function(marker) {
      port <- port4me::port4me("shiny")
      cat("port4me-port=", port, "\n", sep = "")
      ui <- shiny::fluidPage(shiny::h1(marker))
      server <- function(input, output, session) NULL
      shiny::runApp(shiny::shinyApp(ui, server), port = port,
                    host = "127.0.0.1", launch.browser = FALSE)
    },
    args = list(marker = marker),
    env = c(callr::rcmd_safe_env(), PORT4ME_USER = user),
    stdout = "|", stderr = "2>&1"
  )
  on.exit({
    if (app$is_alive()) app$kill()
    app$wait(5000)
  }, add = TRUE)

  # The app reports its port, then serves its page
  line <- hard_wait_line(app, "^port4me-port=[0-9]+$", timeout = 60)
  if (is.na(line)) {
    stop("the Shiny app did not report its port; its output:\n",
         paste(app$read_all_output_lines(), collapse = "\n"))
  }
  port <- as.integer(sub("^port4me-port=", "", line))
  expect_identical(port, ports[1])

  page <- NA_character_
  deadline <- Sys.time() + 60
  while (is.na(page) && app$is_alive() && Sys.time() < deadline) {
    Sys.sleep(0.2)
    page <- fetch_page(port)
  }
  expect_true(app$is_alive())
  expect_match(page, marker, fixed = TRUE)

  # Meanwhile the port is taken: the same user, asking in another process,
  # gets the second port of the sequence
  expect_false(port4me(test = port))
  other <- callr::r(function(user) port4me::port4me("shiny", user = user),
                    args = list(user = user))
  expect_identical(other, ports[2])

  # Stop the app: its port is free again, and is the user's port again
  app$kill()
  app$wait(10000)
  expect_false(app$is_alive())
  again <- NA_integer_
  deadline <- Sys.time() + 10
  repeat {
    again <- port4me("shiny", user = user)
    if (identical(again, ports[1]) || Sys.time() > deadline) break
    Sys.sleep(0.1)
  }
  expect_identical(again, ports[1])
  expect_true(port4me(test = port))
})
