# The help is derived from the settings table (issue 17): every port4me
# variable of the table is a help topic that opens ?port4me.settings and is
# described there; ?port4me_cli and --help list every option of the table.

table_vars <- function() {
  v <- port4me:::the$table$var
  v[grepl("^_?PORT4ME_", v)]
}
table_opts <- function() stats::na.omit(port4me:::the$table$opt)

rd_text <- function(name) {
  rd <- tools::Rd_db("port4me")[[name]]
  if (is.null(rd)) return(NULL)
  paste(utils::capture.output(tools::Rd2txt(
    rd, options = list(underline_titles = FALSE))), collapse = "\n")
}

test_that("each variable of the table is a topic of ?port4me.settings", {
  page <- as.character(utils::help("port4me.settings", package = "port4me"))
  expect_length(page, 1L)
  # (so that the check below can fail)
  expect_length(as.character(utils::help("PORT4ME_NO_SUCH_VARIABLE",
                                         package = "port4me")), 0L)
  vars <- table_vars()
  expect_true(all(c("PORT4ME_USER", "PORT4ME_EXCLUDE_UNSAFE_FIREFOX",
                    "_PORT4ME_CHECK_AVAILABLE_PORTS_") %in% vars))
  for (var in vars) {
    expect_identical(as.character(utils::help(var, package = "port4me")),
                     page, info = var)
  }
})

test_that("?port4me.settings has each variable, ?port4me_cli each option", {
  text <- rd_text("port4me.settings.Rd")
  skip_if(is.null(text), "the installed package has no Rd database")
  for (var in table_vars()) {
    expect_true(grepl(var, text, fixed = TRUE), info = var)
  }
  # the defaults of SPEC section 6
  expect_match(text, "PORT4ME_MAX_TRIES[^.]*[.][^.]*Default: .?65535")
  text <- rd_text("port4me_cli.Rd")
  for (opt in table_opts()) {
    expect_true(grepl(opt, text, fixed = TRUE), info = opt)
  }
})

test_that("--help lists every option of the table", {
  help <- port4me:::cli_help()
  for (opt in table_opts()) {
    expect_true(any(grepl(paste0("^  ", opt, "(=| |$)"), help)), info = opt)
  }
})
