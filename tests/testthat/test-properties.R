# Properties of the generator and the stream, and a cross-check of the C
# code against the pure-R transcription of the SPEC in helper-reference.R.

test_that("the reference generator's 65536 values are a permutation", {
  for (seed in c(0, 1, 65535, 65536, 3688618396)) {
    v <- ref_lcg(seed, 65536)
    expect_identical(sort(v), as.numeric(0:65535))
  }
})

test_that("the package's stream over 1..65535 is a permutation, then repeats", {
  local_port4me_env(PORT4ME_EXCLUDE_UNSAFE = "0")
  # hrms and dfam start on the generator's fixed point (SPEC section 2)
  for (user in c("alice", "hrms", "dfam", "\u00e9", "x")) {
    ports <- port4me(user = user, include = "1-65535", list = 65535 + 10)
    expect_identical(sort(ports[1:65535]), 1:65535, info = user)
    expect_identical(ports[65536:65545], ports[1:10], info = user)
  }
})

test_that("without unsafe ports, 64512 ports are 1024..65535 in some order", {
  local_port4me_env(PORT4ME_EXCLUDE_UNSAFE = "0")
  for (user in c("alice", "bob", "hrms", "\u00e5sa", "a-very-long-user.name")) {
    ports <- port4me(user = user, list = 64512)
    expect_identical(sort(ports), 1024:65535)
  }
  # with a tool, and with an empty PORT4ME_EXCLUDE_UNSAFE
  withr::local_envvar(PORT4ME_EXCLUDE_UNSAFE = "")
  expect_identical(sort(port4me("rstudio", user = "carol", list = 64512)),
                   1024:65535)
})

test_that("with the unsafe ports, the cycle is 1024..65535 minus those", {
  local_port4me_env()
  ports <- port4me(user = "alice", list = 64512)
  cands <- setdiff(1024:65535, ref_unsafe())
  n <- length(cands)
  expect_identical(sort(ports[seq_len(n)]), as.integer(cands))
  # and then the stream starts over
  expect_identical(ports[(n + 1):64512], ports[seq_len(64512 - n)])
})

test_that("the whole 1..65535 range is one cycle", {
  local_port4me_env(PORT4ME_EXCLUDE_UNSAFE = "0")
  ports <- port4me(user = "dave", include = "1-65535", list = 65535 * 2)
  expect_identical(sort(ports[1:65535]), 1:65535)
  expect_identical(ports[65536:131070], ports[1:65535])
})

test_that("a list longer than the candidate set cycles", {
  local_port4me_env()
  ports <- port4me(user = "alice", include = "2000-2009", list = 25)
  expect_identical(sort(ports[1:10]), 2000:2009)
  expect_identical(ports[11:25], ports[c(1:10, 1:5)])
  expect_identical(port4me(user = "alice", include = 4321, list = 3),
                   rep(4321L, 3))
})

test_that("skip = k drops the first k ports of the stream", {
  local_port4me_env()
  full <- port4me(user = "erin", prepend = "5000,5001", list = 40)
  for (k in c(0, 1, 2, 3, 17, 30)) {
    expect_identical(port4me(user = "erin", prepend = "5000,5001",
                             skip = k, list = 10),
                     full[k + 1:10])
  }
  # a skip far beyond one cycle wraps around the candidate set
  cands <- length(setdiff(2000:2099, ref_unsafe()))
  expect_identical(
    port4me(user = "erin", include = "2000-2099", skip = 5 * cands + 3,
            list = 4),
    port4me(user = "erin", include = "2000-2099", skip = 3, list = 4)
  )
  expect_identical(port4me(user = "erin", skip = 2e9, list = 2),
                   port4me(user = "erin", skip = 2e9 %% length(setdiff(1024:65535, ref_unsafe())),
                           list = 2))
})

test_that("integer vectors and specification strings give the same ports", {
  local_port4me_env()
  u <- "frank"
  expect_identical(port4me(user = u, include = 2000:2100, list = 20),
                   port4me(user = u, include = "2000-2100", list = 20))
  expect_identical(port4me(user = u, include = c(2000, 2001, 2050), list = 6),
                   port4me(user = u, include = "2000 2001,2050", list = 6))
  expect_identical(port4me(user = u, exclude = c(1024:30000), list = 20),
                   port4me(user = u, exclude = "1024-30000", list = 20))
  expect_identical(port4me(user = u, prepend = c(8080L, 8000L, 8080L), list = 4),
                   port4me(user = u, prepend = "8080, 8000\t8080", list = 4))
})

test_that("prepend keeps order, drops duplicates, and is not filtered", {
  local_port4me_env()
  p <- port4me(user = "gina", list = 2)
  expect_identical(
    port4me(user = "gina", prepend = "22,8080,22,80", exclude = "8080",
            include = "2000-3000", list = 3)[1:3],
    c(22L, 8080L, 80L))
  expect_identical(port4me(user = "gina", prepend = "0", list = 2), p)
})

test_that("the C code agrees with the R transcription of the SPEC", {
  local_port4me_env()
  set.seed(42)
  chars <- c(letters, LETTERS, 0:9, "-", "_", ".", "\u00e9", "\u4e2d", "\U0001F600")
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
