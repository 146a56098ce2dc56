library(testthat)
library(port4me)

test_check("port4me")
