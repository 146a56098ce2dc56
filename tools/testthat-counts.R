# Run the package's testthat suite against the installed package and write
# the counts of expectations ("passed failed skipped") to the file named by
# the first argument.  Used by .ci/run, whose closing line CI reads.
#
#   Rscript testthat-counts.R OUTFILE [TESTDIR [TIMESFILE]]
#
# TIMESFILE: the seconds each test file took, "file<TAB>seconds" a line,
# fastest first (the format of tools/mutate's baseline, which .ci/run hands
# to tools/mutate/run.sh as MUTATE_TIMES instead of running the suite again).
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[[1]] else stop("usage: testthat-counts.R OUTFILE [TESTDIR [TIMESFILE]]")
dir <- if (length(args) >= 2) args[[2]] else "tests/testthat"
times_out <- if (length(args) >= 3) args[[3]] else NULL

options(testthat.progress.max_fails = 100000)
res <- testthat::test_dir(dir, package = "port4me", load_package = "installed",
                          reporter = testthat::ProgressReporter$new(
                            show_praise = FALSE),
                          stop_on_failure = FALSE, stop_on_warning = FALSE)
df <- as.data.frame(res)
passed <- sum(df$passed)
failed <- sum(df$failed) + sum(df$error)
skipped <- sum(df$skipped)
warned <- sum(df$warning)
if (warned > 0) {
  message(sprintf("%d warning(s) in the test suite count as failures", warned))
  failed <- failed + warned
}
writeLines(sprintf("%d %d %d", passed, failed, skipped), out)
if (!is.null(times_out)) {
  secs <- tapply(df$real, df$file, sum)
  o <- order(secs)
  writeLines(sprintf("%s\t%.1f", names(secs)[o], secs[o]), times_out)
}
