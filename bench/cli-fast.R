# CPU and wall-clock time of one command-line call, in the plain form
# `Rscript -e port4me::port4me` and in the fast form
# `Rscript --default-packages=NULL -e port4me::port4me` that the README's
# recipes use (R then loads none of its default packages: stats, graphics,
# grDevices, utils, datasets, methods). Prints a Markdown table.
#
#   Rscript bench/cli-fast.R [RUNS]
#
# Runs hyperfine (apt-get install -y hyperfine) without a shell (-N), 3
# warm-up runs, then RUNS runs (default 30) of each form, with the port4me
# that Rscript finds (set R_LIBS to the library you installed it into),
# for a fixed user with a real socket test. hyperfine reports the mean
# user and system CPU time of the runs, and their median wall-clock time.
# CPU time depends less than wall-clock time on other work of a shared
# machine.

args <- commandArgs(trailingOnly = TRUE)
runs <- if (length(args)) as.integer(args[[1]]) else 30L
hyperfine <- Sys.which("hyperfine")
if (!nzchar(hyperfine)) stop("bench/cli-fast.R needs hyperfine")

rscript <- file.path(R.home("bin"), "Rscript")
forms <- c(plain = paste(rscript, "-e port4me::port4me"),
           fast = paste(rscript, "--default-packages=NULL -e port4me::port4me"))

# No port4me settings from outside, one fixed user; children find this
# process's library
vars <- grep("^_?PORT4ME_", names(Sys.getenv()), value = TRUE)
Sys.unsetenv(vars)
Sys.setenv(PORT4ME_USER = "p4m-cli-bench",
           R_LIBS = paste(.libPaths(), collapse = .Platform$path.sep))
for (form in forms) {
  out <- system(form, intern = TRUE)
  if (!grepl("^[0-9]+$", out[1])) stop("`", form, "` printed no port: ", out)
}

load <- if (file.exists("/proc/loadavg")) {
  paste(strsplit(readLines("/proc/loadavg", warn = FALSE), " ")[[1]][1:3], collapse = " ")
} else "?"
csv <- tempfile(fileext = ".csv")
on.exit(unlink(csv))
status <- system2(hyperfine, c("-N", "--warmup", "3", "--runs", runs,
                               "--export-csv", csv, shQuote(forms)),
                  stdout = FALSE)
if (status != 0L) stop("hyperfine failed")
res <- utils::read.csv(csv)
cpu <- 1000 * (res$user + res$system)
wall <- 1000 * res$median
ms <- function(x) sprintf("%.0f ms", x)

cat(sprintf("Measured %s, R %s, hyperfine %s, %d runs of each form (load average before: %s)\n\n",
            format(Sys.Date()), paste(R.version$major, R.version$minor, sep = "."),
            sub("^hyperfine ", "", system2(hyperfine, "--version", stdout = TRUE)),
            runs, load))
cat(sprintf("| command | CPU, user + system (mean of %d runs) | wall clock (median of %d runs) |\n",
            runs, runs))
cat("| --- | --- | --- |\n")
cat(sprintf("| `%s` | %s | %s |\n",
            sub(paste0("^", rscript), "Rscript", forms), ms(cpu), ms(wall)),
    sep = "")
cat(sprintf("\nThe fast form uses %.2f times the CPU time of the plain form.\n",
            cpu[2] / cpu[1]))
