# Argument checks.  Each error is a port4me_invalid condition whose source
# is the argument, saying what was wrong; nothing is coerced from another
# type.  (Variables are checked where they are parsed, in src/settings.c.)

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

invalid <- function(name, fmt, ...) {
  p4m_stop("invalid", sprintf(fmt, ...), name)
}

# NULL, or a single whole number in [min, max].
arg_count <- function(x, name, min, max = .Machine$integer.max) {
  if (is.null(x)) return(NULL)
  ok <- (is.integer(x) || is.double(x)) && !is.object(x) &&
    length(x) == 1L && !is.na(x) && is.finite(x) && x == trunc(x) &&
    x >= min && x <= max
  if (!ok) {
    invalid(name, " must be a single whole number in %s..%s, not %s",
            format(min), format(max, scientific = FALSE), describe(x))
  }
  x
}

# NULL, or a single string (NA not allowed), returned as UTF-8 bytes;
# `empty_ok` says whether "" is allowed.
arg_string <- function(x, name, empty_ok) {
  if (is.null(x)) return(NULL)
  if (!is.character(x) || is.object(x) || length(x) != 1L || is.na(x)) {
    invalid(name, " must be NULL or a single string, not %s", describe(x))
  }
  if (!empty_ok && !nzchar(x)) invalid(name, " must not be an empty string")
  as_utf8(x, name)
}

# TRUE or FALSE.
arg_flag <- function(x, name) {
  if (!is.logical(x) || is.object(x) || length(x) != 1L || is.na(x)) {
    invalid(name, " must be TRUE or FALSE, not %s", describe(x))
  }
  x
}

# NULL, a single specification string (parsed in C), or a vector of ports
# (integer, or whole doubles), returned as an integer vector.
arg_ports <- function(x, name) {
  if (is.null(x)) return(NULL)
  if (is.character(x) && !is.object(x) && length(x) == 1L && !is.na(x)) {
    return(x)
  }
  if (!(is.integer(x) || is.double(x)) || is.object(x)) {
    invalid(name, paste0(" must be an integer vector of ports or a single ",
                         "port specification string, not %s"), describe(x))
  }
  bad <- is.na(x) | !(x >= 1 & x <= 65535) | x != trunc(x)
  if (any(bad, na.rm = TRUE) || anyNA(bad)) {
    i <- which(is.na(bad) | bad)[1L]
    invalid(name, "[%d] is %s; ports must be whole numbers in 1..65535",
            i, if (is.na(x[i])) "NA" else format(x[i]))
  }
  if (is.double(x)) x <- as.integer(x)
  x
}

# The text of a user or tool name as UTF-8 bytes, so that C hashes its
# Unicode code points (SPEC section 1), or NA when it cannot be decoded: a
# string is decoded by its declared encoding (UTF-8, latin1); an unmarked
# string (an argument, an option or a variable) by the session's encoding,
# except that in the C/POSIX locale its bytes are read as UTF-8.  R's
# escaped display form ("<c3><a9>") is never what gets hashed.
to_utf8 <- function(x) {
  enc <- Encoding(x)
  if (enc == "bytes") return(NA_character_)
  if (enc == "latin1") return(iconv(x, "latin1", "UTF-8"))
  if (enc == "UTF-8" || isTRUE(l10n_info()[["UTF-8"]]) || c_locale() ||
      !grepl("[^ -~]", x, useBytes = TRUE)) {
    return(if (validUTF8(x)) x else NA_character_)
  }
  y <- iconv(x, "", "UTF-8")
  if (is.na(y) || !validUTF8(y)) NA_character_ else y
}

# An argument's name as UTF-8, or an error naming the argument.
as_utf8 <- function(x, source) {
  y <- to_utf8(x)
  if (!is.na(y)) return(y)
  if (Encoding(x) == "bytes") {
    invalid(source, paste0(" is marked as \"bytes\"; it must be text in a ",
                           "known encoding"))
  }
  enc <- native_encoding()
  what <- if (enc == "UTF-8") " is not valid UTF-8" else
    sprintf(" cannot be decoded as text (session encoding: %s)", enc)
  invalid(source, "%s; port4me hashes Unicode code points, so the name must be text",
          what)
}

c_locale <- function() {
  Sys.getlocale("LC_CTYPE") %in% c("C", "POSIX")
}

native_encoding <- function() {
  info <- l10n_info()
  if (c_locale() || isTRUE(info[["UTF-8"]])) return("UTF-8")
  if (isTRUE(info[["Latin-1"]])) return("latin1")
  if (!is.null(info[["codeset"]])) return(info[["codeset"]])
  Sys.getlocale("LC_CTYPE")
}
