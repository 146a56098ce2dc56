# The reference values of SPEC sections 1, 2 and 9, exactly as the SPEC
# writes them.

test_that("the hash gives the SPEC section 1 reference values", {
  h <- function(x) .Call(port4me:::R_port4me_hash, x)
  expect_identical(h(""), 0)
  expect_identical(h("A"), 65)
  expect_identical(h("alice,rstudio"), 3688618396)
  expect_identical(
    h("port4me - get the same, personal, free TCP port over and over"),
    1731535982)
})

test_that("port4me() gives the SPEC section 9 reference values", {
  local_port4me_env()
  expect_identical(port4me(user = "alice"), 30845L)
  expect_identical(
    port4me(user = "alice", list = 10),
    c(30845L, 19654L, 32310L, 63992L, 15273L, 31420L, 62779L, 55372L,
      24143L, 41300L))
  expect_identical(port4me(user = "bob", list = 5),
                   c(54242L, 4930L, 42139L, 14723L, 55707L))
  expect_identical(port4me(user = "carol"), 34307L)
  expect_identical(port4me("rstudio", user = "alice"), 22486L)
  expect_identical(port4me("jupyter-notebook", user = "alice"), 29525L)
  expect_identical(port4me("myapp", user = "alice"), 55578L)
  expect_identical(port4me("demo", user = "alice"), 32273L)
  expect_identical(port4me(user = "alice", exclude = c(30845, 32310)), 19654L)
  expect_identical(
    port4me(user = "alice", include = "2000-2123,4321,10000-10999"), 10451L)
  expect_identical(port4me(user = "alice", include = "1-1023"), 470L)
  expect_identical(
    port4me(user = "alice", include = "1-1023", exclude = "470,403"), 859L)
  expect_identical(port4me(user = "alice", prepend = c(4321, 11001), list = 5),
                   c(4321L, 11001L, 30845L, 19654L, 32310L))
  expect_identical(
    port4me(user = "alice", prepend = "2000-2009", include = "1-1023"), 2000L)
  expect_identical(port4me(user = "alice", skip = 2), 32310L)
  expect_identical(port4me(user = "alice", list = 3, skip = 2),
                   c(32310L, 63992L, 15273L))
  expect_identical(
    port4me(user = "bob", list = 2, skip = 1, exclude = c(54242, 14723)),
    c(42139L, 55707L))
  expect_identical(port4me(user = "hrms", list = 5),
                   c(5624L, 28652L, 51790L, 17641L, 12409L))
})

test_that("users on the generator's fixed point get the SPEC section 2 ports", {
  local_port4me_env()
  for (user in c("dfam", "flgp", "hrms")) {
    # (on the fixed point by the SPEC's hash, computed here)
    expect_identical(ref_hash(user) %% 65537, 65536, info = user)
    expect_identical(.Call(port4me:::R_port4me_hash, user), ref_hash(user))
    expect_identical(port4me(user = user, list = 5),
                     c(5624L, 28652L, 51790L, 17641L, 12409L), info = user)
  }
})
