# What users do: start a real Shiny app on `port4me("shiny")` in another R
# process, open it over HTTP, and see that, while it runs, port4me gives
# the same user the next free port of the sequence; once the app is gone,
# the first port comes back.  The ports are found free first (free_ports());
# time limits are hang guards only.

test_that("a Shiny app gets the user's port; others then get the next one", {
  skip_on_cran()
  skip_if_not_installed("shiny")
  skip_unless_child_port4me()
  local_clean_http_env()
  local_child_tmpdir()

  # a user of this test run only; its first two free ports
  user <- test_user("shiny")
  ports <- free_ports(2L, user = user, tool = "shiny")

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
    stdout = "|", stderr = "2>&1", libpath = .libPaths()
  )
  on.exit({
    if (app$is_alive()) app$kill()
    app$wait(10000)
  }, add = TRUE)

  # The app reports its port, then serves its page
  line <- hard_wait_line(app, "^port4me-port=[0-9]+$", timeout = 120)
  if (is.na(line)) {
    stop("the Shiny app did not report its port; its output:\n",
         paste(app$read_all_output_lines(), collapse = "\n"))
  }
  port <- as.integer(sub("^port4me-port=", "", line))
  expect_identical(port, ports[1])
  page <- wait_for_page(app, port, timeout = 120)
  expect_true(app$is_alive())
  expect_match(page, marker, fixed = TRUE)

  # Meanwhile the port is taken: the same user, asking in another process,
  # gets the second port
  expect_false(port4me(test = port))
  other <- callr::r(function(user) port4me::port4me("shiny", user = user),
                    args = list(user = user), libpath = .libPaths())
  expect_identical(other, ports[2])

  # Stop the app: its port is free again (once the kernel has closed the
  # socket), and is the user's port again
  app$kill()
  app$wait(10000)
  expect_false(app$is_alive())
  deadline <- Sys.time() + 60
  while (!port4me(test = port) && Sys.time() < deadline) Sys.sleep(0.05)
  expect_true(port4me(test = port))
  expect_identical(port4me("shiny", user = user), ports[1])
})
