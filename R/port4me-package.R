#' port4me: Get the Same, Personal, Free TCP Port over and over
#'
#' See [port4me()], [port4me.settings] and
#' `vignette("port4me", package = "port4me")`.
#' @docType package
#' @name port4me-package
#' @keywords internal
#' @useDynLib port4me, .registration = TRUE
NULL
