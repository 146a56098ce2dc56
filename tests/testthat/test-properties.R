# Properties of the generator and the stream (SPEC sections 2 and 4), and
# a cross-check of the C code against the pure-R transcription of the SPEC
# in helper-reference.R.

test_that("the reference generator's 65536 values are a permutation", {
  # (so that the transcription the tests compare with is right)
  for (seed in c(0, 65536)) {
    expect_identical(sort(ref_lcg(seed, 65536)), as.numeric(0:65535))
  }
})

test_that("the stream over 1..65535 is a permutation, then repeats", {
  local_port4me_env(PORT4ME_EXCLUDE_UNSAFE = "0")
  # hrms and dfam start on the generator's fixed point (SPEC section 2)
  for (user in c("alice", "hrms", "dfam", "\u00e9")) {
    ports <- port4me(user = user, include = "1-65535", list = 65535 + 10)
    expect_identical(sort(ports[1:65535]), 1:65535, info = user)
    expect_identical(ports[65536:65545], ports[1:10], info = user)
  }
})

test_that("with the unsafe ports, the cycle is 1024..65535 minus those", {
  local_port4me_env()
  ports <- port4me(user = "alice", list = 64512)
  cands <- setdiff(1024:65535, ref_unsafe())
  n <- length(cands)
  expect_identical(sort(ports[seq_len(n)]), as.integer(cands))
  expect_identical(ports[(n + 1):64512], ports[seq_len(64512 - n)])
})

test_that("skip = k drops the first k ports of the stream, modulo its cycle", {
  local_port4me_env()
  full <- port4me(user = "erin", prepend = "5000,5001", list = 40)
  for (k in c(0, 1, 2, 3, 17, 30)) {
    expect_identical(port4me(user = "erin", prepend = "5000,5001",
                             skip = k, list = 10),
                     full[k + 1:10], info = k)
  }
  n <- length(setdiff(1024:65535, ref_unsafe()))
  expect_identical(port4me(user = "erin", skip = .Machine$integer.max,
                           list = 2),
                   port4me(user = "erin", skip = .Machine$integer.max %% n,
                           list = 2))
})

test_that("a search returns the first port of the list; skip moves both", {
  local_port4me_env()
  ports <- port4me("shiny", user = "gina", prepend = 9999, list = 6)
  for (k in 0:5) {
    expect_identical(port4me("shiny", user = "gina", prepend = 9999,
                             skip = k), ports[[k + 1]], info = k)
  }
})

test_that("a list checks no port: a claimed port is listed all the same", {
  local_port4me_env()
  dir <- local_claims_dir()
  user <- paste0("p4m-properties-", Sys.getpid())
  first <- port4me(user = user, reserve = 3600)
  expect_identical(port4me(user = user, list = 1), first)
  expect_false(identical(port4me(user = user), first))
})

test_that("prepend keeps its order, drops duplicates, and is not filtered", {
  local_port4me_env()
  expect_identical(
    port4me(user = "gina", prepend = "22,8080,22,80", exclude = "8080",
            include = "2000-3000", list = 4),
    c(22L, 8080L, 80L, ref_ports("gina", candidates = setdiff(2000:3000,
                                                               ref_unsafe()))))
})

test_that("the C code agrees with the R transcription of the SPEC", {
  local_port4me_env()
  set.seed(42)
  chars <- c(letters, LETTERS, 0:9, "-", "_", ".", "\u00e9", "\u4e2d",
             "\U0001F600")
  unsafe <- ref_unsafe()
  for (i in 1:60) {
    user <- paste(sample(chars, sample(1:12, 1), replace = TRUE), collapse = "")
    tool <- if (i %% 3 == 0) NULL else
      paste(sample(letters, sample(1:8, 1), replace = TRUE), collapse = "")
    lo <- sample(1:60000, 1)
    include <- if (i %% 4 == 0) integer() else lo:(lo + sample(0:5000, 1))
    exclude <- sample(1024:65535, sample(0:200, 1))
    prepend <- if (i %% 5 == 0) sample(1:65535, 3) else integer()
    skip <- sample(0:50, 1)
    n <- sample(1:30, 1)
    cands <- if (length(include)) include else 1024:65535
    cands <- setdiff(cands, c(exclude, unsafe))
    if (length(cands) == 0) next
    expected <- ref_ports(user, tool, prepend, cands, skip, n)
    got <- port4me(tool, user = user, prepend = prepend, include = include,
                   exclude = exclude, skip = skip, list = n)
    expect_identical(got, expected, info = sprintf("user=%s tool=%s", user,
                                                   format(tool)))
  }
})
