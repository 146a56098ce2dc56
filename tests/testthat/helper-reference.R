# An independent, slow, pure-R transcription of SPEC sections 1-4, used to
# cross-check the C implementation on many random inputs.

ref_hash <- function(s) {
  h <- 0
  for (cp in utf8ToInt(enc2utf8(s))) h <- (31 * h + cp) %% 2^32
  h
}

ref_lcg <- function(seed, n) {
  s <- seed %% 65537
  out <- numeric(n)
  for (i in seq_len(n)) {
    nxt <- (75 * s + 74) %% 65537
    if (nxt == s) {
      s <- s + 1
      nxt <- (75 * s + 74) %% 65537
    }
    s <- nxt
    out[i] <- nxt
  }
  out
}

ref_ports <- function(user, tool = NULL, prepend = integer(), candidates,
                      skip = 0, n = 1) {
  seed <- if (is.null(tool) || !nzchar(tool)) user else paste0(user, ",", tool)
  gen <- ref_lcg(ref_hash(seed), 65536)
  gen <- gen[gen %in% candidates]
  need <- skip + n
  stream <- unique(prepend)
  while (length(stream) < need) stream <- c(stream, gen)
  as.integer(stream[skip + seq_len(n)])
}

# The default unsafe lists of SPEC section 3, and the ports they exclude.
ref_chrome <- function() {
  c(1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77,
    79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123,
    135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530,
    531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719,
    1720, 1723, 2049, 3659, 4045, 5060, 5061, 6000, 6566, 6665, 6666, 6667,
    6668, 6669, 6697, 10080)
}
ref_firefox <- function() {
  c(1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 77, 79,
    87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135,
    139, 143, 179, 389, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 556,
    563, 587, 601, 636, 993, 995, 2049, 4045, 6000)
}
ref_unsafe <- function() union(ref_chrome(), ref_firefox())

# Run the calling test with every port counting as free, no port4me
# variable from the calling environment (every PORT4ME_* variable of the
# settings table is unset), and `...` set (NA unsets).  The claims folders
# of the cache and the temporary folder point to a folder that does not
# exist, so that live claims of other runs on this machine cannot move a
# port of a search; XDG_RUNTIME_DIR is the run's own (setup-claims.R).
local_port4me_env <- function(..., .env = parent.frame()) {
  vars <- port4me:::the$table$var
  unset <- vars[grepl("^PORT4ME_", vars)]
  vars <- stats::setNames(rep(NA_character_, length(unset)), unset)
  vars[["_PORT4ME_CHECK_AVAILABLE_PORTS_"]] <- "any"
  nowhere <- file.path(tempdir(), "p4m-no-claims-here")
  vars[c("R_USER_CACHE_DIR", "TMPDIR")] <- nowhere
  extra <- c(...)
  vars[names(extra)] <- extra
  withr::local_envvar(vars, .local_envir = .env)
}
