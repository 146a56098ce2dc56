# port4me's conditions (SPEC section 6).  p4m_stop() is the one place that
# builds and signals them, for the R wrapper and for the C code alike.
#
# Every condition has class c("port4me_<kind>", "port4me_error", "error",
# "condition") with fields `message`, `call` (NULL), `source` (the argument
# or variable at fault, or NULL) and `detail` (the message without the name
# of the source), so that the command line can name its own options
# instead (see cli_label() in R/cli.R).

# The arguments of port4me(): their names are quoted in messages, the
# variables' names are not.
p4m_arguments <- c("tool", "user", "prepend", "include", "exclude", "skip",
                   "list", "test", "max_tries", "must_work", "reserve")

p4m_label <- function(source) {
  if (source %in% p4m_arguments) sprintf("'%s'", source) else source
}

p4m_condition <- function(kind, detail, source = NULL, label = p4m_label) {
  message <- if (is.null(source)) detail else paste0(label(source), detail)
  structure(
    class = c(paste0("port4me_", kind), "port4me_error", "error",
              "condition"),
    list(message = message, call = NULL, source = source, detail = detail)
  )
}

# kind: "invalid" (a bad argument, variable or option; an empty candidate
# set), "no_port" (no free port found) or "system" (the socket test cannot
# be made).
p4m_stop <- function(kind, detail, source = NULL) {
  stop(p4m_condition(kind, detail, source))
}
