#' @keywords internal
#' @useDynLib port4me, .registration = TRUE
"_PACKAGE"
