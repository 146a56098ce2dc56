# Run the testthat suite for tools/mutate/run.sh, against the port4me found
# first on .libPaths() (run.sh points R_LIBS at the library to test).
#
#   Rscript suite.R baseline TESTDIR TIMES   run every file, write
#                                             "file<TAB>seconds" to TIMES
#                                             (fastest first); exit 1 if
#                                             anything failed
#   Rscript suite.R mutant TESTDIR ORDER      run the files listed in ORDER,
#                                             in that order; stop at the
#                                             first failure, error or
#                                             warning and exit 1
#
# A warning counts as a failure, as in .ci/run.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 3 || !args[[1]] %in% c("baseline", "mutant"))
  stop("usage: suite.R baseline|mutant TESTDIR TIMES|ORDER")
mode <- args[[1]]; dir <- args[[2]]; aux <- args[[3]]

broken_classes <- c("expectation_failure", "expectation_error",
                    "expectation_warning")

# Records broken expectations; in mutant mode, ends R at the first one.
Catcher <- R6::R6Class("Catcher", inherit = testthat::Reporter,
  public = list(
    file = "", stop_first = FALSE, broken = character(),
    add_result = function(context, test, result) {
      if (!inherits(result, broken_classes)) return(invisible())
      msg <- strsplit(conditionMessage(result), "\n", fixed = TRUE)[[1]]
      line <- sprintf("%s: %s [%s]: %s", self$file, test,
                      sub("^expectation_", "", class(result)[[1]]),
                      if (length(msg)) msg[[1]] else "")
      self$broken <- c(self$broken, line)
      if (self$stop_first) {
        cat("killed by ", line, "\n", sep = "")
        quit(save = "no", status = 1)
      }
    }
  ))

files <- if (mode == "baseline") {
  sort(list.files(dir, pattern = "^test.*\\.R$"))
} else {
  readLines(aux)
}
rep <- Catcher$new()
rep$stop_first <- mode == "mutant"
times <- numeric()
progress <- Sys.getenv("MUTATE_PROGRESS")
for (f in files) {
  rep$file <- f
  if (nzchar(progress)) writeLines(f, progress)
  t0 <- proc.time()[["elapsed"]]
  testthat::test_file(file.path(dir, f), reporter = rep, package = "port4me",
                      load_package = "installed")
  times[[f]] <- proc.time()[["elapsed"]] - t0
}
if (mode == "baseline") {
  o <- order(times)
  writeLines(sprintf("%s\t%.1f", names(times)[o], times[o]), aux)
  if (length(rep$broken)) {
    cat("the unmutated package fails its tests:\n",
        paste0("  ", rep$broken, "\n"), sep = "")
    quit(save = "no", status = 1)
  }
}
