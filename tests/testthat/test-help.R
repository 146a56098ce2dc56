# Every environment variable that port4me reads has a help topic of its own
# name that opens ?port4me.settings. The list is written out here on
# purpose, so that a variable dropped from the @aliases is caught.
settings_variables <- c(
  "PORT4ME_USER", "PORT4ME_TOOL",
  "PORT4ME_PREPEND", "PORT4ME_PREPEND_SITE",
  "PORT4ME_INCLUDE", "PORT4ME_INCLUDE_SITE",
  "PORT4ME_EXCLUDE", "PORT4ME_EXCLUDE_SITE",
  "PORT4ME_EXCLUDE_UNSAFE", "PORT4ME_EXCLUDE_UNSAFE_CHROME",
  "PORT4ME_EXCLUDE_UNSAFE_FIREFOX",
  "PORT4ME_SKIP", "PORT4ME_LIST", "PORT4ME_TEST",
  "PORT4ME_MAX_TRIES", "PORT4ME_MUST_WORK", "PORT4ME_RESERVE",
  "PORT4ME_DEBUG", "_PORT4ME_CHECK_AVAILABLE_PORTS_"
)

help_topic_file <- function(topic) {
  h <- utils::help(topic, package = "port4me", help_type = "text")
  as.character(h)
}

test_that("each variable is a help topic that opens ?port4me.settings", {
  expected <- help_topic_file("port4me.settings")
  expect_length(expected, 1L)
  expect_identical(basename(expected), "port4me.settings")
  for (var in settings_variables) {
    h <- help_topic_file(var)
    expect_length(h, 1L)
    expect_identical(h, expected, label = sprintf("help(\"%s\")", var))
  }
})

test_that("an unknown topic has no help page (the check above can fail)", {
  expect_length(help_topic_file("PORT4ME_NO_SUCH_VARIABLE"), 0L)
})

test_that("the settings page describes each variable it is an alias for", {
  rd <- tools::Rd_db("port4me")[["port4me.settings.Rd"]]
  skip_if(is.null(rd), "the installed package has no Rd database")
  text <- paste(capture.output(tools::Rd2txt(rd, options = list(underline_titles = FALSE))),
                collapse = "\n")
  for (var in settings_variables) {
    expect_true(grepl(var, text, fixed = TRUE), label = var)
  }
})
