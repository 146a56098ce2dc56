# Argument checks (environment variables are checked in C, src/settings.c).
# Each error names the argument and says what was wrong; nothing is coerced
# from another type.

describe <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.factor(x)) return("a factor")
  if (is.function(x)) return("a function")
  if (is.list(x)) return("a list")
  if (length(x) != 1L) {
    type <- typeof(x)
    article <- if (grepl("^[aeiou]", type)) "an" else "a"
    return(sprintf("%s %s vector of length %d", article, type, length(x)))
  }
  if (is.character(x)) {
    if (is.na(x)) return("NA")
    return(sprintf("\"%s\"", encodeString(x)))
  }
  format(x)
}

# A single whole number in [min, max], from an argument.
arg_count <- function(x, name, min, max = .Machine$integer.max) {
  ok <- (is.integer(x) || is.double(x)) && !is.object(x) &&
    length(x) == 1L && !is.na(x) && is.finite(x) && x == trunc(x) &&
    x >= min && x <= max
  if (!ok) {
    stop(sprintf("'%s' must be a single whole number in %s..%s, not %s",
                 name, format(min), format(max, scientific = FALSE),
                 describe(x)), call. = FALSE)
  }
  invisible(x)
}

# A single string (NA not allowed); `empty_ok` says whether "" is allowed.
arg_string <- function(x, name, empty_ok) {
  if (!is.character(x) || is.object(x) || length(x) != 1L || is.na(x)) {
    stop(sprintf("'%s' must be NULL or a single string, not %s",
                 name, describe(x)), call. = FALSE)
  }
  if (!empty_ok && !nzchar(x)) {
    stop(sprintf("'%s' must not be an empty string", name), call. = FALSE)
  }
  # In a UTF-8 session, R would translate the invalid bytes of an unmarked
  # string to "<xx>" escapes before C sees them, and a wrong port would come
  # out of a name that is not text; say so instead.
  if (!validUTF8(x) && identical(Encoding(x), "unknown") &&
      isTRUE(l10n_info()[["UTF-8"]])) {
    stop(sprintf(paste0("'%s' is not valid UTF-8; port4me hashes Unicode ",
                        "code points, so the name must be text"), name),
         call. = FALSE)
  }
  x
}

# TRUE or FALSE.
arg_flag <- function(x, name) {
  if (!is.logical(x) || is.object(x) || length(x) != 1L || is.na(x)) {
    stop(sprintf("'%s' must be TRUE or FALSE, not %s", name, describe(x)),
         call. = FALSE)
  }
  x
}

# A port set argument: an integer vector, a whole-number double vector, or a
# single specification string.  Element values are checked in C.
arg_ports <- function(x, name) {
  if (is.null(x)) return(x)
  ok <- !is.object(x) && (
    is.integer(x) || is.double(x) ||
      (is.character(x) && length(x) == 1L && !is.na(x))
  )
  if (!ok) {
    stop(sprintf(paste0("'%s' must be an integer vector of ports or a single ",
                        "port specification string, not %s"),
                 name, describe(x)), call. = FALSE)
  }
  x
}
