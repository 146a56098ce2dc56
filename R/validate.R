# The arguments of port4me(): R checks their types (type, length, NA) once,
# by the kind of their row in the settings table; C checks the values
# against the limits of the table (src/value.c).  Every error is a
# port4me_invalid condition "<argument> must be <rule>, not <value>", with
# the rule's text from the table; nothing is coerced from another type.

check_arg <- function(x, i) {
  # (i: the argument's place among port4me()'s arguments)
  kind <- the$arg_kinds[[i]]
  # an atomic vector that is no object (a factor, a date): only such a
  # value is asked is.na() or anyNA() (those of a function are errors)
  plain <- is.atomic(x) && !is.object(x)
  one <- plain && length(x) == 1L && !is.na(x)
  ok <- switch(
    kind,
    name = one && is.character(x),
    ports = (one && is.character(x)) ||
      (plain && (is.integer(x) || is.double(x)) && !anyNA(x)),
    count = , port = , seconds = one && (is.integer(x) || is.double(x)),
    flag = one && is.logical(x),
    FALSE
  )
  if (!ok) bad_arg(the$arg_rows[[i]], describe(x))
  if (kind == "name") {
    y <- to_utf8(x)
    if (is.na(y)) bad_arg(the$arg_rows[[i]], describe(x), undecodable(x))
    x <- y
  }
  x
}

bad_arg <- function(row, shown, why = NULL) {
  name <- the$table$arg[[row]]
  p4m_stop("invalid", paste0(name, " must be ", the$table$rule[[row]],
                             ", not ", shown,
                             if (!is.null(why)) paste0(": ", why)), name)
}

# A value as messages show it: a string as C shows one (src/show.c), so
# that it reads the same from every source.
describe <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.factor(x)) return("a factor")
  if (is.function(x)) return("a function")
  if (is.list(x)) return("a list")
  if (is.environment(x)) return("an environment")
  if (!is.atomic(x)) return(paste("an object of type", typeof(x)))
  if ((is.integer(x) || is.double(x)) && length(x) > 1L && anyNA(x)) {
    return(sprintf("NA (element %d)", which(is.na(x))[[1L]]))
  }
  if (length(x) != 1L) {
    type <- typeof(x)
    article <- if (grepl("^[aeiou]", type)) "an" else "a"
    return(sprintf("%s %s vector of length %d", article, type, length(x)))
  }
  if (is.na(x)) return("NA")
  if (is.character(x)) return(.Call(R_port4me_show, x))
  format(x)
}

# The text of a name as UTF-8 bytes, so that C hashes its Unicode code
# points (SPEC section 1), or NA when it cannot be decoded: a string is
# decoded by its declared encoding (UTF-8, latin1); an unmarked string (an
# argument, an option or a variable) by the session's encoding, except that
# in the C/POSIX locale its bytes are read as UTF-8.  R's escaped display
# form ("<c3><a9>") is never what gets hashed.
to_utf8 <- function(x) {
  enc <- Encoding(x)
  if (enc == "bytes") return(NA_character_)
  if (enc == "latin1") return(iconv(x, "latin1", "UTF-8"))
  if (enc == "UTF-8" || utf8_session() ||
      !grepl("[^ -~]", x, useBytes = TRUE)) {
    return(if (validUTF8(x)) x else NA_character_)
  }
  y <- iconv(x, "", "UTF-8")
  if (is.na(y) || !validUTF8(y)) NA_character_ else y
}

# Why a name cannot be decoded.
undecodable <- function(x) {
  if (Encoding(x) == "bytes") return("it is marked as \"bytes\", not text")
  enc <- native_encoding()
  what <- if (enc == "UTF-8") "not valid UTF-8" else
    sprintf("not text in the session's encoding (%s)", enc)
  paste0(what, "; port4me hashes the code points of names")
}

# Are unmarked strings read as UTF-8 here (a UTF-8 or the C locale)?
utf8_session <- function() {
  isTRUE(l10n_info()[["UTF-8"]]) || c_locale()
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
